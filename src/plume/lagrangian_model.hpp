// SPDX-License-Identifier: MIT
/// \file lagrangian_model.hpp
/// \brief Lagrangian random-walk particle model of the sediment plume, run from the same case file as
/// the Eulerian model (same classes, sources, flow, diffusivities and thresholds).
///
/// One step: release (at instants uniform over the step; a new particle moves from its release to the
/// step's end) -> (every 16 steps) sort by column -> the move: random walk (Ito, with the drift dK/dx;
/// vertically exact for K linear in height, a plane Brownian motion's distance from a point), reflected
/// at the bed and the surface; settling, which deposits a particle if it crosses the bed (probability
/// P_d); then advection along Pollock's exact path through the C-grid face velocities of the mid-step
/// flow, cell by cell (or, as options, Heun RK2 or classical RK4 stages, which move the particle before
/// the walk and settling); the same kernel bins the particles staying on this rank and lists the others
/// -> bookkeeping of the listed particles (outflow, deposits, erosions) and migration to the rank
/// owning their column -> the same EIA metrics as the Eulerian model. The exact ledger check runs
/// at outputs, checkpoints and the end.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "grid/bathymetry.hpp"
#include "grid/field.hpp"
#include "grid/field_output.hpp"
#include "io/csv.hpp"
#include "io/xdmf.hpp"
#include "plume/lagrangian_kernels.hpp"
#include "plume/particles.hpp"
#include "plume/device_settings.hpp"
#include "plume/settings.hpp"
#include "plume/sources.hpp"
#include "sim/simulation.hpp"

namespace hadal::plume {

/// Per-class mass and particle counts of the ledger, summed over ranks.
struct ParticleLedger {
  std::vector<double> emitted, suspended, deposited, outflow;                  ///< kg
  std::vector<long long> emitted_n, suspended_n, deposited_n, outflow_n;      ///< particles
  double total(const std::vector<double>& v) const;
  long long total(const std::vector<long long>& v) const;
};

class LagrangianModel : public sim::Model {
 public:
  /// `start_time` (time.start) places the sources for the summary's extents.
  LagrangianModel(sim::RunContext& context, const grid::GridSpec& spec, const grid::SeabedShape& seabed,
                  PlumeSettings settings, LagrangianSettings lagrangian, std::vector<Source> sources,
                  std::unique_ptr<sim::FlowProvider> flow, double start_time, bool write_files = true);

  double stable_dt(double time, double cfl) override;
  void advance(double time, double dt) override;
  void check_finite(long step, double time) override;
  void write_output(long step, double time) override;
  void save(sim::CheckpointWriter& checkpoint) override;
  void restore(sim::CheckpointReader& checkpoint) override;
  void finish(io::Json& summary) override;
  double work_per_step() const override;
  std::string work_unit() const override { return "particle-steps"; }
  std::string status() const override;

  const grid::StructuredGrid& grid() const { return grid_; }
  const grid::Bathymetry& bathymetry() const { return bathymetry_; }
  const PlumeSettings& settings() const { return settings_; }
  ParticleSet& particles() { return particles_; }
  /// Adds particles (initial conditions, verification) to the rank owning each column; every rank
  /// passes the same list. Their mass counts as emitted. Ids must be unique; new releases use ids
  /// above the largest given.
  void add_particles(const std::vector<ParticleRecord>& records);
  /// The ledger now (collective).
  ParticleLedger ledger();
  /// Checks the ledger: per class, released = suspended + deposited + outflow exactly (else a
  /// NumericalError), and records the relative mass residual. A full pass over the particles, so the
  /// model runs it at outputs, checkpoints and the end, not every step. Returns the ledger. Collective.
  ParticleLedger verify_ledger();
  /// Largest relative mass residual found by the ledger checks; checks first if steps were taken
  /// since the last check. Collective.
  double max_balance_error();
  /// Binned (and smoothed) concentration of all classes, owned cells [nz][ny][nx] (tests).
  std::vector<double> concentration() const { return c_total_.owned_block(); }
  /// Deposit thickness map from particles, owned columns [ny][nx].
  std::vector<double> deposit_thickness() const { return deposit_.owned_block(); }
  /// Deposit thickness of every class summed, as a Field (for comparison maps).
  const grid::Field& deposit_field() const { return deposit_; }
  /// Advection off (tests of the pure random walk) or on.
  void set_advection(bool on) { advection_ = on; }
  long steps_taken() const { return step_index_; }

 private:
  /// The global column of (x, y), clamped to the domain (on the host, from the grid).
  void host_column(double x, double y, int& gi, int& gj) const;
  /// One particle step from `time` (advance takes one or several).
  void step(double time, double dt);
  void update_flow(double time, grid::Field& u, grid::Field& v, grid::Field& w);
  void update_bed_stress_and_kh(const grid::Field& u, const grid::Field& v);
  void release(double t0, double t1);
  /// Moves every particle, bins those that stay here, and lists those that need bookkeeping.
  /// Returns the number listed.
  std::size_t move(double dt);
  /// Bookkeeping of the listed particles: outflow ledger, deposits and erosions on this rank's bed,
  /// then the exchange with the other ranks; the arrivals are bookkept and binned. Collective.
  void settle_listed(std::size_t listed);
  /// Deposits and erosions of particles [begin, end) into the bed map (events cleared); with `bin`,
  /// their suspended particles are also binned.
  void absorb(std::size_t begin, std::size_t end, bool bin);
  /// Orders the particles by column (deposited ones last) for memory locality of the flow gathers.
  void sort_particles();
  void bin_all();
  void update_metrics(double dt);
  void smooth(grid::Field& f, const Kokkos::View<int**>& wet_levels) const;
  /// Adds the outflow counted locally since the last call to the replicated ledger. Collective.
  void sync_outflow();

  sim::RunContext& context_;
  grid::StructuredGrid grid_;
  const grid::SeabedShape& seabed_;
  grid::Bathymetry bathymetry_;
  PlumeSettings settings_;
  LagrangianSettings lagrangian_;
  int sub_steps_ = 1;  ///< particle steps in the last run step (work_per_step counts them)
  std::vector<Source> sources_;
  std::unique_ptr<sim::FlowProvider> flow_;
  double start_time_;
  int nclasses_;

  FlowGeometry geometry_;  ///< grid geometry for the kernels (built once: it holds the level table)
  ParticleSet particles_;
  ParticleMigrator migrator_;
  Kokkos::View<int**> first_wet_global_;  ///< first wet level of every global column (nx, ny)
  Kokkos::View<int**>::HostMirror first_wet_global_host_;

  // Flow at the start and end of the step (and their mean, RK4), face-normal on the C-grid.
  grid::Field u0_, v0_, w0_, u1_, v1_, w1_, um_, vm_, wm_;
  double flow_time_ = -1e300;  ///< time of (u0, v0, w0)
  grid::Field kh_;             ///< horizontal diffusivity per cell
  grid::Field tau_b_;          ///< bed shear stress per column (map, with halo)
  grid::Field ustar_;          ///< friction velocity sqrt(tau_b / rho) per column
  grid::Field scratch_;        ///< smoothing buffer
  DeviceSettings device_;
  bool advection_ = true;

  // Binned state and metrics.
  grid::Field c_class_;        ///< concentration per class, kn = n * nz + k
  grid::Field bed_;            ///< kg m-2 per class
  grid::Field c_total_, deposit_, column_max_, time_above_;
  double max_volume_above_ = 0.0;

  // Ledger (replicated on every rank).
  std::vector<double> emitted_, outflow_;
  std::vector<long long> emitted_n_, outflow_n_;
  std::vector<double> pending_outflow_;  ///< this rank's outflow (kg per class, then counts) not yet in outflow_
  std::vector<double> release_carry_;  ///< fractional particles owed, per source and class
  std::int64_t next_id_ = 0;
  long step_index_ = 0;
  double max_balance_error_ = 0.0, last_balance_error_ = 0.0;
  std::size_t last_migrated_ = 0;
  long ledger_checked_step_ = 0;  ///< step_index_ at the last ledger check
  Kokkos::View<int*> listed_, destination_;  ///< per step: particles needing bookkeeping, their owner rank
  Kokkos::View<int> listed_count_;

  bool write_files_;
  std::unique_ptr<grid::FieldSeriesWriter> volume_writer_, map_writer_;
  std::unique_ptr<io::CsvSeries> budget_;
  std::vector<io::XdmfPointStep> particle_steps_;
};

}  // namespace hadal::plume
