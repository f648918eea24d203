// SPDX-License-Identifier: MIT
#include "thermal/thermal.hpp"

namespace hadal::thermal {
void register_module() {
  register_case_types();
  register_benchmarks();
}
}  // namespace hadal::thermal
