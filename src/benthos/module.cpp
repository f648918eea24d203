// SPDX-License-Identifier: MIT
// The benthos module's registration: the seabed model driven by a plume run, the offline recovery case and
// its benchmark.
#include "benthos/benchmark.hpp"
#include "benthos/keys.hpp"
#include "benthos/run.hpp"
#include "sim/registry.hpp"

namespace hadal::benthos {

void register_module() {
  auto& registry = sim::Registry::instance();
  registry.add_seabed_model({"benthos", declare_food_web_schema, create_inline});
  registry.add_case_type({"benthos.recovery",
                          "Benthic ecosystem carbon stocks recovering for years to decades after a finished plume run",
                          declare_recovery_schema, check_recovery, run_recovery});
  registry.add_benchmark({"benthos", "offline recovery: food web + larval exchange per column, month steps [nx ny steps]",
                          bench_recovery});
}

}  // namespace hadal::benthos
