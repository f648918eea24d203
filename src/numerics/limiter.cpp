// SPDX-License-Identifier: MIT
#include "numerics/limiter.hpp"

#include <stdexcept>

namespace hadal::numerics {

const std::vector<std::string>& limiter_names() {
  static const std::vector<std::string> names{"minmod", "van_leer", "mc"};
  return names;
}

Limiter limiter_from_name(const std::string& name) {
  const auto& names = limiter_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<Limiter>(i);
  }
  throw std::invalid_argument("unknown slope limiter '" + name + "'");
}

}  // namespace hadal::numerics
