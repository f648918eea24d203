// SPDX-License-Identifier: MIT
// Registration of the lift module: case types lift.steady, lift.transient, lift.envelope and the
// benchmark `lift`.
#include "lift/keys.hpp"
#include "lift/run.hpp"
#include "sim/registry.hpp"

namespace hadal::lift {

void register_module() {
  auto& reg = sim::Registry::instance();
  reg.add_case_type({"lift.steady",
                     "Circulating-slurry lift: steady operating point of pumps, supply pipes, feeder, riser (PETSc SNES)",
                     declare_steady_schema, check_lift_case, run_steady});
  reg.add_case_type({"lift.transient",
                     "Circulating-slurry lift: 1-D drift-flux transient with feeder cycle, pump trip/restart, blockage",
                     declare_transient_schema, check_lift_case, run_transient});
  reg.add_case_type({"lift.envelope",
                     "Circulating-slurry lift: operating-envelope sweep (velocity x concentration x particle size)",
                     declare_envelope_schema, check_lift_case, run_envelope});
  reg.add_benchmark({"lift",
                     "Lift: steady solve time, 1 h rigid transient and elastic pressure waves at 1 m cells, "
                     "1000-case envelope sweep (argument elastic-hour: a whole elastic hour)",
                     run_benchmark});
}

}  // namespace hadal::lift
