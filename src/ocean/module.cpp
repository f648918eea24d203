// SPDX-License-Identifier: MIT
#include "ocean/module.hpp"

namespace hadal::ocean {

void register_module() {
  register_case_types();
  register_flow_sources();
  register_benchmarks();
}

}  // namespace hadal::ocean
