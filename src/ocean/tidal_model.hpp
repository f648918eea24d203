// SPDX-License-Identifier: MIT
/// \file tidal_model.hpp
/// \brief The `ocean.tidal` case's sim::Model: the barotropic tidal solver with its outputs, station series
/// and harmonic analysis.
#pragma once

#include <memory>

#include "grid/bathymetry.hpp"
#include "sim/registry.hpp"
#include "sim/simulation.hpp"

namespace hadal::ocean {

/// Seawater density used to turn kinematic stresses into pascals.
constexpr double kSeawaterDensity = 1025.0;

std::unique_ptr<sim::Model> make_tidal_model(sim::RunContext& context, const grid::StructuredGrid& grid,
                                             const grid::Bathymetry& bathymetry, const sim::TimeSettings& settings);

}  // namespace hadal::ocean
