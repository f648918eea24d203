// SPDX-License-Identifier: MIT
/// \file mantle_model.hpp
/// \brief The mantle box of a case file as a sim::Model: drives a 2-D or 3-D MantleBox through the
/// time loop (steady-state stop, statistics, fields for ParaView, checkpoints, summary) and, in a
/// coupled run, the core below it through the CMB heat flow.
#pragma once

#include <memory>
#include <vector>

#include "io/csv.hpp"
#include "io/xdmf.hpp"
#include "sim/simulation.hpp"
#include "thermal/anderson.hpp"
#include "thermal/core_model.hpp"
#include "thermal/mantle_box.hpp"
#include "thermal/steady_stop.hpp"

namespace hadal::thermal {

/// The Anderson-accelerated pseudo-time step of a box: one pseudo-time step mixed with the earlier
/// ones (AndersonMixing), then Stokes for the mixed T. Far from the steady state the map changes too
/// much from step to step (the flow reorganises, the pseudo-time step grows) for a history to
/// describe it: steps are mixed only once the steady residual has fallen by 1e-2, and the history
/// starts again when a mixed iterate is clearly worse than the best one so far.
class AndersonPseudoTime {
 public:
  AndersonPseudoTime(MPI_Comm comm, int depth) : mixing_(comm, depth) {}
  /// One step of nondimensional length dt_nd; may restart `stop`'s step growth.
  StokesSolveStats step(MantleBox& box, double dt_nd, SteadyStop& stop);

 private:
  AndersonMixing mixing_;
  double first_residual_ = -1.0, best_residual_ = -1.0;  ///< steady residuals seen so far
};

class MantleModel : public sim::Model {
 public:
  /// `box` holds its initial temperature; `core` is null unless the run is coupled; `anderson_depth`
  /// > 0 accelerates the pseudo-time march (AndersonMixing).
  MantleModel(sim::RunContext& context, std::unique_ptr<MantleBox> box, const MantleScales& scales,
              std::unique_ptr<CoreModel> core, int anderson_depth = 0);

  long long cells() const;
  double stable_dt(double time, double cfl) override;
  /// Steady state reached (or the pseudo-time steps used up): the time loop stops here.
  bool finished() const override { return stop_.finished(); }
  bool iterates_to_steady_state() const override { return box_->physics().implicit_advection; }
  void advance(double time, double dt) override;
  void after_step(long step, double time) override;
  void check_finite(long step, double time) override;
  void write_output(long step, double time) override;
  void save(sim::CheckpointWriter& checkpoint) override;
  void restore(sim::CheckpointReader& checkpoint) override;
  void finish(io::Json& summary) override;
  double work_per_step() const override { return static_cast<double>(cells()); }
  std::string status() const override;

 private:
  int dimensions() const { return static_cast<int>(box_->global_cells().size()); }
  /// Heat flow (W) through the top or bottom for a mean upward flux (nondimensional): over the
  /// sphere's surface or CMB for the annulus, the top of a 3-D box, or per metre of the third
  /// dimension for a 2-D box (W/m).
  double heat_flow(double flux, bool top) const;
  std::string heat_flow_unit() const { return dimensions() == 2 && scales_.top_area <= 0.0 ? "_W_per_m" : "_W"; }
  void write_mesh();
  void record(double time);

  sim::RunContext& context_;
  std::unique_ptr<MantleBox> box_;
  MantleScales scales_;
  std::unique_ptr<CoreModel> core_;
  std::unique_ptr<AndersonPseudoTime> anderson_;
  std::unique_ptr<io::CsvSeries> csv_;
  std::unique_ptr<io::XdmfSeries> xdmf_;
  MantleDiagnostics last_;
  int rank_ = 0;
  SteadyStop stop_;
  bool steady_written_ = false;
  double last_q_cmb_ = 0.0;
  double initial_tc_ = 0.0, initial_ri_ = 0.0;
  long steps_ = 0;
  long total_stokes_its_ = 0;
  double stokes_seconds_ = 0.0;
};

}  // namespace hadal::thermal
