// SPDX-License-Identifier: MIT
/// \file steady_stop.hpp
/// \brief When a mantle box run stops (`steady_state.*`): the steady-state detector of the
/// time-accurate march or the pseudo-time control, with their log lines, summary fields and
/// checkpointed state.
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/log.hpp"
#include "io/json.hpp"

namespace hadal::thermal {

/// Steady once max(|dNu|/Nu, |dVrms|/Vrms) per unit nondimensional time has stayed below the
/// tolerance for 20 consecutive steps.
struct SteadyStateDetector {
  SteadyStateDetector(const config::ConfigView& steady_state, bool allowed);
  /// Takes the diagnostics after a step of nondimensional length dt; true once the flow is steady.
  bool update(double nu, double vrms, double dt);
  bool enabled;
  double tolerance;
  double last_nu = 0.0, last_vrms = 0.0;
  int quiet_steps = 0;
};

/// Pseudo-time marching to a steady state (`steady_state.march: pseudo_time`): the Courant number
/// starts at pseudo_courant and follows the steady residual r (switched evolution relaxation,
/// growth factor r_previous / r_now clamped to [1/2, 2], never below the start); steady once r has
/// fallen by residual_reduction from the first step's.
struct PseudoTimeControl {
  explicit PseudoTimeControl(const config::ConfigView& steady_state);
  double next_courant() const { return courant * growth; }
  /// Takes the residual at the start of the last step; true once converged.
  bool update(double residual);
  double relative_residual() const { return first_residual > 0.0 ? last_residual / first_residual : 1.0; }
  double courant, reduction;
  long max_steps;
  double growth = 1.0, first_residual = -1.0, last_residual = -1.0;
};

class SteadyStop {
 public:
  SteadyStop(const config::ConfigView& steady_state, bool allowed, bool pseudo_time);
  bool finished() const { return steady_ || gave_up_; }
  bool steady() const { return steady_; }
  /// Courant number for the next step: the case's CFL, or the pseudo-time control's.
  double courant(double cfl) const { return pseudo_time_ ? control_.next_courant() : cfl; }
  /// After a step that ended at `time` (scaled) with nondimensional length dt_nd; `residual` is the
  /// box's steady residual (pseudo-time), `steps` counts this run's steps.
  void update(Logger& log, long steps, double time, double time_scale, double dt_nd, double nu, double vrms,
              double residual);
  /// Back to the first pseudo-time step size (pseudo_courant): after a step that made the residual
  /// much worse, the large steps have left the region where the iteration contracts.
  void restart_step_growth() { control_.growth = 1.0; }
  /// Steady residual relative to the first step's (pseudo-time), for statistics.
  double relative_residual() const { return control_.relative_residual(); }
  /// The box model's progress-line status.
  std::string status(double nu, double vrms, int stokes_iterations) const;
  void summarize(io::Json& summary) const;
  std::vector<double> state() const;
  /// From state() stored at v[first...]; checkpoints from before pseudo-time hold only four entries.
  void restore(const std::vector<double>& v, std::size_t first);

 private:
  bool pseudo_time_;
  SteadyStateDetector detector_;
  PseudoTimeControl control_;
  bool steady_ = false, gave_up_ = false;
  double steady_time_ = -1.0, steady_wall_ = -1.0;
  double wall_start_;
};

}  // namespace hadal::thermal
