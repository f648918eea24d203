// SPDX-License-Identifier: MIT
/// \file core_history_model.hpp
/// \brief thermal.core as a sim::Model: the core alone, driven by a prescribed CMB heat-flow
/// history (`core.cmb_heat_flow`, linear between the points, constant outside), writing core.csv.
#pragma once

#include <memory>
#include <vector>

#include "sim/simulation.hpp"

namespace hadal::thermal {

/// Linear interpolation in a (time, value) table, constant outside.
double interpolate(const std::vector<double>& t, const std::vector<double>& v, double time);

/// The model of a thermal.core case; the core starts at `start` (time.start, s) in its initial state.
std::unique_ptr<sim::Model> make_core_history_model(sim::RunContext& context, double start);

}  // namespace hadal::thermal
