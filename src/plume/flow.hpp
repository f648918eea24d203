// SPDX-License-Identifier: MIT
/// \file flow.hpp
/// \brief Flow inputs of the plume solver: uniform, analytic tide (mean + constituents), a time series
/// of 3-D fields from HDF5, or any flow source registered by another module (e.g. `ocean`).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grid/field.hpp"
#include "plume/settings.hpp"
#include "sim/registry.hpp"

namespace hadal::grid {
class StructuredGrid;
class Bathymetry;
}  // namespace hadal::grid

namespace hadal::plume {

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

/// One flow provider read by several models on identically decomposed grids (method: both), so the
/// flow (an ocean solve, say) is computed once. Each evaluation of the inner provider is kept (the
/// last three): a request for a kept time is a copy, one between two kept times a linear interpolation
/// between them (a time-stepping inner provider cannot go back), a later one advances the inner
/// provider. A restart clears what is kept: every later request is at or after the restart time, whose
/// field the restored inner provider gives again.
class SharedFlow {
 public:
  SharedFlow(const grid::StructuredGrid& grid, std::unique_ptr<sim::FlowProvider> inner);
  ~SharedFlow();
  /// A provider for one model that reads through this one.
  std::unique_ptr<sim::FlowProvider> reader();
  void velocity(double time, grid::Field& u, grid::Field& v, grid::Field& w);
  double max_speed(double t0, double t1) { return inner_->max_speed(t0, t1); }
  /// Saves / restores the inner provider once per checkpoint, however many readers ask.
  void save(const std::string& checkpoint_file);
  void restore(const std::string& checkpoint_file);
  /// Evaluations of the inner provider so far (each model asking separately would double them).
  long evaluations() const { return evaluations_; }

 private:
  struct Snapshot;
  const grid::StructuredGrid& grid_;
  std::unique_ptr<sim::FlowProvider> inner_;
  std::vector<std::unique_ptr<Snapshot>> kept_;  ///< by increasing time
  std::string saved_to_, restored_from_;
  long evaluations_ = 0;
};

/// Builds the flow provider of `settings` on `grid` (a `hdf5` file must cover [start, end]).
std::unique_ptr<sim::FlowProvider> make_flow(const FlowSettings& settings, const grid::StructuredGrid& grid,
                                             const grid::Bathymetry& bathymetry, sim::RunContext& context, double start,
                                             double end);

}  // namespace hadal::plume
