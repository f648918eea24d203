// SPDX-License-Identifier: MIT
// The plume module's registration: its case type and benchmarks.
#include "plume/module.hpp"

#include "plume/keys.hpp"
#include "sim/registry.hpp"

namespace hadal::plume {

void register_module() {
  sim::Registry::instance().add_case_type({"plume",
                                           "Sediment plume: advection, diffusion, settling and re-deposition with impact metrics",
                                           declare_plume_schema, check_plume, run_plume});
  register_benchmarks();
}

}  // namespace hadal::plume
