// SPDX-License-Identifier: MIT
/// \file run.hpp
/// \brief Entry points of the thermal case types.
#pragma once

#include <string>

#include "sim/simulation.hpp"

namespace hadal::thermal {

/// thermal.mantle (2-D or 3-D box, `coupled` false) and thermal.coupled (2-D box over the core).
void run_mantle(sim::RunContext& context, bool coupled, const std::string& type);
/// thermal.core: the core under a prescribed CMB heat-flow history.
void run_core(sim::RunContext& context);

}  // namespace hadal::thermal
