// SPDX-License-Identifier: MIT
/// \file module.hpp
/// \brief The plume module's entry points, called by the registry (module.cpp registers them).
#pragma once

#include "sim/registry.hpp"

namespace hadal::plume {

void register_module();
/// Runs a `plume` case (run.cpp).
void run_plume(sim::RunContext& context);
/// Adds `hadal bench plume` and `hadal bench plume_particles` (benchmark.cpp).
void register_benchmarks();

}  // namespace hadal::plume
