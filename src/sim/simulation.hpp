// SPDX-License-Identifier: MIT
/// \file simulation.hpp
/// \brief The time loop shared by every time-stepping module: adaptive dt, output and checkpoint
/// schedules, stop signals, progress lines, restart, and non-finite checks.
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "sim/checkpoint.hpp"
#include "sim/registry.hpp"

namespace hadal::sim {

/// The `time:`, `output:` and `checkpoint:` settings (declared by declare_time_schema).
struct TimeSettings {
  double start = 0.0;                ///< s
  double end = 0.0;                  ///< s
  double cfl = 0.5;                  ///< target Courant number used by the model's stable_dt
  double dt_max = 0.0;               ///< s (0 = unlimited)
  double dt_fixed = 0.0;             ///< s (0 = adaptive)
  long max_steps = 0;                ///< 0 = unlimited
  double output_interval = 0.0;      ///< s (0 = only at the end)
  double checkpoint_interval = 0.0;  ///< s of simulated time (0 = none except on signals / end)
  double progress_interval = 10.0;   ///< wall-clock s between progress lines
  double wall_time_limit = 0.0;      ///< wall-clock s after which to checkpoint and stop (0 = none)
  int keep_checkpoints = 2;
};

void declare_time_schema(config::ObjectSpec& root);
TimeSettings time_settings_from_config(const config::ConfigView& root);

/// A time-stepping model. The Simulation owns the loop; the model owns state and physics.
class Model {
 public:
  virtual ~Model() = default;
  /// Largest stable dt at time t for the given CFL (already reduced over ranks).
  virtual double stable_dt(double time, double cfl) = 0;
  /// Advances the state from `time` to `time + dt`.
  virtual void advance(double time, double dt) = 0;
  /// Throws NumericalError naming field, cell and step if any value is not finite.
  virtual void check_finite(long step, double time) = 0;
  /// Writes the output fields for this time (collective).
  virtual void write_output(long step, double time) = 0;
  /// Called after every step (station series, accumulators). Default: nothing.
  virtual void after_step(long /*step*/, double /*time*/) {}
  virtual void save(CheckpointWriter& checkpoint) = 0;
  virtual void restore(CheckpointReader& checkpoint) = 0;
  /// Adds the module's final metrics to the summary.
  virtual void finish(io::Json& summary) = 0;
  /// Cells (or points, particles) updated per step, for throughput in the progress line.
  virtual double work_per_step() const = 0;
  virtual std::string work_unit() const { return "cell-updates"; }
  /// True when the model has nothing left to do before time.end (e.g. a steady state was reached):
  /// the loop then writes its final output and stops at the current time.
  virtual bool finished() const { return false; }
  /// True when the steps are pseudo-time iterations towards a steady state: time.end then does not
  /// stop the run (finished() does, and the model bounds the iterations), and progress lines have no ETA.
  virtual bool iterates_to_steady_state() const { return false; }
  /// Short status appended to progress lines (e.g. "mass balance 3e-15").
  virtual std::string status() const { return {}; }
};

struct RunStatistics {
  long steps = 0;
  double final_time = 0.0;
  double wall_seconds = 0.0;
  bool stopped_by_signal = false;
};

/// Runs `model` from the state in `context` (fresh or restarted) to time.end.
/// Returns normally when finished; throws CheckpointedStop after writing a checkpoint on a signal
/// or wall-time limit.
RunStatistics run_time_loop(Model& model, RunContext& context, const TimeSettings& settings,
                            const CheckpointIdentity& identity);

/// Thrown after a checkpoint was written because of a stop signal or the wall-time limit (exit 75).
class CheckpointedStop : public std::runtime_error {
 public:
  explicit CheckpointedStop(const std::string& checkpoint)
      : std::runtime_error("stopped after writing checkpoint " + checkpoint), checkpoint_(checkpoint) {}
  const std::string& checkpoint() const { return checkpoint_; }

 private:
  std::string checkpoint_;
};

}  // namespace hadal::sim
