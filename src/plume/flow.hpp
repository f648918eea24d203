// SPDX-License-Identifier: MIT
/// \file flow.hpp
/// \brief Flow inputs of the plume solver: uniform, analytic tide (mean + constituents), a time series
/// of 3-D fields from HDF5, or any flow source registered by another module (e.g. `ocean`).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "sim/registry.hpp"

namespace hadal::grid {
class StructuredGrid;
class Bathymetry;
}  // namespace hadal::grid

namespace hadal::plume {

/// Declares `plume.flow` (including a block for every registered flow source).
void declare_flow_schema(config::ObjectSpec& plume);

/// One tidal current constituent: u = A_u cos(omega t - phi_u), v = A_v cos(omega t - phi_v).
struct TidalConstituent {
  double omega = 0.0;  ///< rad s-1
  double amplitude_u = 0.0, amplitude_v = 0.0;  ///< m s-1
  double phase_u = 0.0, phase_v = 0.0;          ///< rad
};

/// Horizontally uniform current U(t) = mean + sum of constituents (depth-independent, or with a
/// logarithmic bottom boundary layer below `log_layer_height`).
struct TidalCurrent {
  double mean_u = 0.0, mean_v = 0.0;
  std::vector<TidalConstituent> constituents;
  /// Current at time t.
  void at(double t, double& u, double& v) const;
  /// Bound of |U| over all time: |mean| + sum of the constituent amplitudes.
  double max_speed() const;
  /// x and y displacement of a water parcel between 0 and t (the exact integral of U).
  void displacement(double t, double& x, double& y) const;
};

/// Builds the flow provider described by `plume.flow`.
std::unique_ptr<sim::FlowProvider> make_flow(const config::ConfigView& flow, const grid::StructuredGrid& grid,
                                             const grid::Bathymetry& bathymetry, sim::RunContext& context);

}  // namespace hadal::plume
