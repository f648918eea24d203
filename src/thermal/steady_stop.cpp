// SPDX-License-Identifier: MIT
#include "thermal/steady_stop.hpp"

#include <algorithm>
#include <cmath>

#include <mpi.h>

namespace hadal::thermal {

SteadyStateDetector::SteadyStateDetector(const config::ConfigView& steady_state, bool allowed)
    : enabled(allowed && steady_state.boolean("enabled")), tolerance(steady_state.real("tolerance")) {}

bool SteadyStateDetector::update(double nu, double vrms, double dt) {
  const double rate = std::max(std::abs(nu - last_nu) / std::max(std::abs(nu), 1e-300),
                               std::abs(vrms - last_vrms) / std::max(vrms, 1e-300)) / dt;
  last_nu = nu;
  last_vrms = vrms;
  quiet_steps = rate < tolerance ? quiet_steps + 1 : 0;
  return enabled && quiet_steps >= 20;
}

PseudoTimeControl::PseudoTimeControl(const config::ConfigView& steady_state)
    : courant(steady_state.real("pseudo_courant")),
      reduction(steady_state.real("residual_reduction")),
      max_steps(steady_state.integer("max_pseudo_steps")) {}

bool PseudoTimeControl::update(double residual) {
  if (first_residual < 0.0) first_residual = residual;
  if (last_residual > 0.0 && residual > 0.0)
    growth = std::max(1.0, growth * std::min(2.0, std::max(0.5, last_residual / residual)));
  last_residual = residual;
  return residual <= reduction * first_residual;
}

SteadyStop::SteadyStop(const config::ConfigView& steady_state, bool allowed, bool pseudo_time)
    : pseudo_time_(pseudo_time), detector_(steady_state, allowed), control_(steady_state), wall_start_(MPI_Wtime()) {}

void SteadyStop::update(Logger& log, long steps, double time, double time_scale, double dt_nd, double nu, double vrms,
                        double residual) {
  if (pseudo_time_ ? control_.update(residual) : detector_.update(nu, vrms, dt_nd)) {
    steady_ = true;
    steady_time_ = time;
    steady_wall_ = MPI_Wtime() - wall_start_;
    if (pseudo_time_)
      log.info(strformat("steady state after %ld pseudo-time steps (steady residual reduced by %.3g): Nu = %.6f, "
                         "Vrms = %.6f", steps, control_.relative_residual(), nu, vrms));
    else
      log.info(strformat("steady state at t = %.6g (nondimensional %.6g) after %ld steps: Nu = %.6f, Vrms = %.6f",
                         time, time / time_scale, steps, nu, vrms));
  } else if (pseudo_time_ && steps >= control_.max_steps) {
    gave_up_ = true;
    log.warn(strformat("no steady state after %ld pseudo-time steps (steady_state.max_pseudo_steps): the steady "
                       "residual fell only to %.3g of the first; the results are not converged",
                       steps, control_.relative_residual()));
  }
}

std::string SteadyStop::status(double nu, double vrms, int stokes_iterations) const {
  std::string s = strformat("Nu %.5f Vrms %.5g Stokes its %d", nu, vrms, stokes_iterations);
  if (pseudo_time_) s += strformat(" steady residual %.2e of the first", control_.relative_residual());
  return s;
}

void SteadyStop::summarize(io::Json& summary) const {
  summary["steady"] = steady_;
  summary["steady_time"] = steady_time_;
  summary["steady_wall_seconds"] = steady_wall_;
  summary["steady_march"] = pseudo_time_ ? "pseudo_time" : "time_accurate";
  if (pseudo_time_) summary["steady_residual_reduction"] = control_.relative_residual();
}

std::vector<double> SteadyStop::state() const {
  return {detector_.last_nu, detector_.last_vrms, steady_ ? 1.0 : 0.0, static_cast<double>(detector_.quiet_steps),
          control_.growth, control_.first_residual, control_.last_residual};
}

void SteadyStop::restore(const std::vector<double>& v, std::size_t first) {
  detector_.last_nu = v.at(first);
  detector_.last_vrms = v.at(first + 1);
  steady_ = v.at(first + 2) != 0.0;
  detector_.quiet_steps = static_cast<int>(v.at(first + 3));
  if (v.size() >= first + 7) {
    control_.growth = v[first + 4];
    control_.first_residual = v[first + 5];
    control_.last_residual = v[first + 6];
  }
}

}  // namespace hadal::thermal
