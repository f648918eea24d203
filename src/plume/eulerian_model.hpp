// SPDX-License-Identifier: MIT
/// \file eulerian_model.hpp
/// \brief Eulerian sediment-plume model: N grain classes advected, diffused and settled on the
/// structured grid over bathymetry, with deposition, erosion, open boundaries, an exact mass ledger,
/// and the environmental-impact metrics accumulated as the run goes.
///
/// One step (Strang splitting): sources -> vertical(dt/2) -> horizontal+w advection and horizontal
/// diffusion (SSP-RK2, limited TVD fluxes) -> vertical(dt/2). The vertical part is a theta-scheme
/// tridiagonal solve per column for settling, vertical diffusion, deposition (implicit) and erosion.
#pragma once

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "grid/bathymetry.hpp"
#include "grid/field.hpp"
#include "grid/field_output.hpp"
#include "grid/stations.hpp"
#include "io/csv.hpp"
#include "plume/device_settings.hpp"
#include "plume/kernels.hpp"
#include "plume/settings.hpp"
#include "plume/sources.hpp"
#include "sim/simulation.hpp"

namespace hadal::plume {

class EulerianModel : public sim::Model {
 public:
  /// `start_time` (time.start) places the sources for the summary's extents.
  EulerianModel(sim::RunContext& context, const grid::GridSpec& spec, const grid::SeabedShape& seabed,
                PlumeSettings settings, std::vector<Source> sources, std::unique_ptr<sim::FlowProvider> flow,
                double start_time, bool write_files = true);

  double stable_dt(double time, double cfl) override;
  void advance(double time, double dt) override;
  void check_finite(long step, double time) override;
  void write_output(long step, double time) override;
  void after_step(long step, double time) override;
  void save(sim::CheckpointWriter& checkpoint) override;
  void restore(sim::CheckpointReader& checkpoint) override;
  void finish(io::Json& summary) override;
  double work_per_step() const override;
  std::string status() const override;

  /// Drives `model` with this plume's exposure after every step; writes, checkpoints and summarises it
  /// with the plume. Before the run starts.
  void attach_seabed_model(std::unique_ptr<sim::SeabedModel> model);

  const grid::StructuredGrid& grid() const { return grid_; }
  const grid::Bathymetry& bathymetry() const { return bathymetry_; }
  /// Concentration of class n as a host array [nz][ny][nx] over owned cells (tests).
  std::vector<double> class_concentration(int n) const;
  /// Bed mass per area of class n [ny][nx] over owned columns (tests).
  std::vector<double> bed_mass(int n) const;
  double emitted() const;
  double suspended() const;
  double deposited() const;
  double outflow() const;
  double max_balance_error() const { return max_balance_error_; }
  /// Emitting sources must stay in wet columns, else the ledger would count mass never placed.
  /// Adds concentration profile(x, y, z) of class n at cell centres of wet cells (initial conditions,
  /// verification); the added mass counts as emitted.
  template <class Profile>
  void add_concentration(int n, Profile profile);

 private:
  void update_flow(double time);
  void update_diffusivities();
  /// Max over cells of the explicit update's rate, s-1: the advection's, the horizontal diffusion's or
  /// their sum.
  double courant_rate(bool advection, bool diffusion) const;
  /// Flow, diffusivities and Courant rate at `time` (skipped if already there).
  void ensure_flow(double time);
  void emit(double t0, double t1);
  /// The column kernel for a vertical step of `dt` (0: none) whose new state is recorded in the maps
  /// with `exposure_dt`; `solve` and `metrics` select its two halves.
  ColumnStep column_step(double dt, double exposure_dt, bool solve, bool metrics);
  struct ColumnSums {
    double suspended = 0.0, deposited = 0.0, volume_above = 0.0;  ///< this rank's: kg, kg, m3
  };
  ColumnSums run_columns(const ColumnStep& step);
  void vertical_step(double dt);
  /// Horizontal diffusion over dt alone, in forward-Euler sub-steps at its positivity limit (the
  /// sub-stepped horizontal diffusion).
  void diffuse_horizontally(double dt);
  /// One forward-Euler stage in -> out (or the average with out); `outflow_rate` gets the global rate
  /// at which each class leaves through the domain boundary at the stage's input state, kg s-1.
  void horizontal_stage(const grid::Field& in, grid::Field& out, double dt, double keep_out,
                        std::vector<double>& outflow_rate);
  /// Exposure maps and ledger of the present state (after a restart, an added concentration).
  void update_metrics();
  void record_metrics_and_balance(ColumnSums sums);
  grid::Field class_field(int n) const;

  sim::RunContext& context_;
  grid::StructuredGrid grid_;
  const grid::SeabedShape& seabed_;  ///< owned by the caller; lets every rank test any column
  grid::Bathymetry bathymetry_;
  PlumeSettings settings_;
  std::vector<Source> sources_;
  std::unique_ptr<sim::FlowProvider> flow_;
  double start_time_;
  double last_output_time_ = std::numeric_limits<double>::quiet_NaN();  ///< of the previous write_output call
  bool volume_due(double time) const;
  int nclasses_;

  // Transport state: all classes in one field, index kn = n * nz + k.
  grid::Field c_, c_stage_;
  std::unique_ptr<grid::Field> c_stage_second_;  ///< SSPRK(s,2) with s >= 3: stages alternate between two buffers
  grid::Field bed_;           ///< kg m-2 per class (nk = classes)
  grid::Field u_, v_, w_;     ///< face velocities
  grid::Field kh_, kz_;       ///< cell horizontal, face vertical diffusivity
  grid::Field tau_b_;         ///< bed shear stress, Pa (map)
  DeviceSettings device_;
  Kokkos::View<double**> line_outflow_;               ///< per owned line (i) and class, from the stage kernel
  Kokkos::View<double**>::HostMirror line_outflow_host_;
  Kokkos::View<double*> inv_dz_;            ///< 1 / dz(k)
  Kokkos::View<double*> inv_face_spacing_;  ///< 1 / (z_center(k) - z_center(k-1)) at face k (0 at the ends)
  /// 1 / column width and 1 / distance between the centres of columns li-1 and li, by local index.
  Kokkos::View<double*> inv_dx_, inv_dy_, inv_dx_between_, inv_dy_between_;

  // Metrics.
  grid::Field c_total_, deposit_, column_max_, time_above_;
  std::vector<double> emitted_, outflow_;
  double max_volume_above_ = 0.0;
  double max_balance_error_ = 0.0;
  double last_balance_error_ = 0.0;
  double last_dt_ = 0.0;
  double flow_time_ = std::numeric_limits<double>::quiet_NaN();  ///< time of the flow in u_, v_, w_
  double flow_rate_ = 0.0;       ///< courant_rate() of that flow: the rate that limits the step
  double diffusion_rate_ = 0.0;  ///< the sub-stepped horizontal diffusion's rate (0 when in the stages)
  bool constant_kh_filled_ = false, constant_kz_filled_ = false;
  bool substeps_logged_ = false;

  // A seabed model and the maps of its exposure (allocated when one is attached).
  std::unique_ptr<sim::SeabedModel> seabed_model_;
  std::unique_ptr<grid::Field> step_deposited_, step_eroded_, near_bed_c_, near_bed_u_, near_bed_v_;
  void expose_seabed(double time, double dt);

  bool write_files_;
  std::unique_ptr<grid::FieldSeriesWriter> volume_writer_, map_writer_;
  std::unique_ptr<grid::StationSeries> stations_;
  std::unique_ptr<io::CsvSeries> budget_;
};

template <class Profile>
void EulerianModel::add_concentration(int n, Profile profile) {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), c_.view());
  const int g = grid_.ghost(), nz = grid_.nz();
  double added = 0.0;
  for (int lj = g; lj < g + grid_.owned().nj(); ++lj)
    for (int li = g; li < g + grid_.owned().ni(); ++li)
      for (int k = bathymetry_.first_wet_host(li, lj); k < nz; ++k) {
        const double value = profile(grid_.x_center(grid_.global_i(li)), grid_.y_center(grid_.global_j(lj)), grid_.z_center(k));
        host(li, lj, n * nz + k) += value;
        added += value * grid_.dx(grid_.global_i(li)) * grid_.dy(grid_.global_j(lj)) * grid_.dz(k);
      }
  Kokkos::deep_copy(c_.view(), host);
  emitted_[n] += grid::global_sum(grid_.comm(), added);
  update_metrics();
}

}  // namespace hadal::plume
