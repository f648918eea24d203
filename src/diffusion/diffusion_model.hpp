// SPDX-License-Identifier: MIT
/// \file diffusion_model.hpp
/// \brief Physics-free verification case for the infrastructure: anisotropic diffusion of a Gaussian
/// puff in a closed box, compared every output with the exact solution. It exercises the grid, halos,
/// the time loop, output, stations, checkpoints and restart without any module's physics.
#pragma once

#include <memory>
#include <vector>

#include "diffusion/settings.hpp"
#include "grid/field_output.hpp"
#include "grid/stations.hpp"
#include "sim/simulation.hpp"

namespace hadal::diffusion {

/// Exact concentration of a Gaussian puff of `mass` released a time `t` ago with diffusivities
/// (kx, ky, kz), at offset (dx, dy, dz) from the release point (unbounded domain).
double gaussian_puff(double mass, double kx, double ky, double kz, double t, double dx, double dy, double dz);

/// Explicit finite-volume diffusion with zero-flux walls (exactly conservative).
class DiffusionModel : public sim::Model {
 public:
  /// The puff has age settings.age at `start_time` (time.start).
  DiffusionModel(sim::RunContext& context, const grid::GridSpec& spec, const DiffusionSettings& settings,
                 double start_time);

  const grid::StructuredGrid& grid() const { return grid_; }
  double stable_dt(double time, double cfl) override;
  void advance(double time, double dt) override;
  void check_finite(long step, double time) override;
  void write_output(long step, double time) override;
  void after_step(long step, double time) override;
  void save(sim::CheckpointWriter& checkpoint) override;
  void restore(sim::CheckpointReader& checkpoint) override;
  void finish(io::Json& summary) override;
  double work_per_step() const override;

 private:
  void set_exact(double time);
  void update_error(double time);

  grid::StructuredGrid grid_;
  grid::Field c_, next_, exact_, error_;
  DiffusionSettings settings_;
  double start_;
  double initial_mass_ = 0, l2_rel_error_ = 0, max_abs_error_ = 0, last_error_time_ = 0;
  std::unique_ptr<grid::FieldSeriesWriter> volume_;
  std::unique_ptr<grid::StationSeries> stations_;
};

}  // namespace hadal::diffusion
