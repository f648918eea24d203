// SPDX-License-Identifier: MIT
/// \file replay.hpp
/// \brief Harmonic replay of a tidal flow for long runs: the depth-mean velocity of every face of a solved
/// record is analysed into a mean, constituent amplitudes and phases and (nested runs) the steady response to
/// the data's sub-tidal boundary current at each data record; the flow is then rebuilt at any time from them
/// without solving, and
/// the 3-D faces follow exactly as for the solved flow (log layer, data shear, w from continuity), so every
/// cell stays divergence-free.
///
/// Analysis (response method): the tide forced at the boundary is known, so each face's record is fitted by
/// least squares to shapes made from the forcing itself: per tidal species (diurnal, semi-diurnal, ...) the
/// in-phase and quadrature parts of the forcing's u and v series (a complex admittance per species: M2 and
/// S2 share one, so a record of a day or two suffices instead of the 14.8 days that separate them), their
/// quadratic products (the compound tides M4, MS4, ... that advection and drag make; and, when the record
/// spans half their period, the long-period ones such as MSf) and a constant. The fitted shapes are then
/// written as one amplitude and phase per constituent and face. Nested runs first solve the steady flow (no
/// tide) forced by the data's boundary current of each data record spanning the run (the anchors, solved in
/// sequence), subtract it, interpolated linearly in time like the data, before the fit, and add it back at
/// the replay time: the sub-tidal flow follows the data through the whole run, beyond the analysed record.
#pragma once

#include <complex>
#include <memory>
#include <string>
#include <vector>

#include "core/log.hpp"
#include "ocean/flow.hpp"

namespace hadal::ocean {

class HarmonicReplay {
 public:
  struct Constituent {
    std::string name;
    double omega = 0.0;  ///< rad/s
  };

  /// Solves `flow` from its present time (its start, spin-up included) to record_start + settings.record and
  /// analyses [record_start, record_start + record]; nested flows first get the steady responses at the data
  /// records spanning [record_start, run_end]. Collective.
  HarmonicReplay(TidalFlow& flow, const ReplaySettings& settings, double record_start, double run_end, Logger* log);
  /// Reads an analysis written by save() for this grid (checked); collective.
  HarmonicReplay(TidalFlow& flow, const std::string& path, const config::ConfigView& block);

  /// An empty analysis for `constituents` and steady responses at `anchor_times`, to be filled from a
  /// checkpoint (then call refresh()).
  HarmonicReplay(TidalFlow& flow, std::vector<Constituent> constituents, std::vector<double> anchor_times);
  /// Recomputes what follows from the coefficients after they were set from outside.
  void refresh() { set_speed_bound(); }

  /// Replayed depth-mean face velocities at `time` on every local face (halos included).
  void depth_mean(double time, grid::Field& ubar, grid::Field& vbar) const;
  /// Upper bound of the replayed depth-mean speed: per face |mean| + sum of amplitudes + response.
  double speed_bound() const { return speed_bound_; }
  const std::vector<Constituent>& constituents() const { return constituents_; }
  const std::vector<double>& anchor_times() const { return anchor_times_; }
  /// Writes the analysis (owned faces): per face the mean, the in-phase and quadrature amplitude of every
  /// constituent (a cos(wt) + b sin(wt) = A cos(wt - G), A = hypot(a, b), G = atan2(b, a)) and the steady
  /// responses to the data. Collective.
  void save(const std::string& path) const;
  /// Checkpoint companions: the coefficients of every local face, bitwise.
  grid::Field& u_coefficients() { return u_coef_; }
  grid::Field& v_coefficients() { return v_coef_; }
  /// Analysis statistics for the log and summary.
  double analysis_seconds() const { return analysis_seconds_; }
  int samples() const { return samples_; }
  int fitted_shapes() const { return fitted_shapes_; }

 private:
  void set_speed_bound();
  TidalFlow& flow_;
  std::vector<Constituent> constituents_;
  std::vector<double> anchor_times_;  ///< model times of the steady responses to the data
  /// Coefficients per face: [0] mean, [1 + 2c] cos and [2 + 2c] sin of constituent c, then the steady
  /// response at each anchor.
  grid::Field u_coef_, v_coef_;
  double speed_bound_ = 0.0;
  double analysis_seconds_ = 0.0;
  int samples_ = 0, fitted_shapes_ = 0;
};

/// Error of a replay against the solved flow: continues `flow`'s solver from its present time to `end`,
/// comparing the depth-mean face velocities every `interval` (owned faces of wet columns). Collective.
struct ReplayError {
  double rms = 0.0;        ///< m/s over faces and times
  double max = 0.0;        ///< m/s
  double rms_speed = 0.0;  ///< RMS of the solved face velocities, m/s (the scale of the error)
  double solve_seconds = 0.0, replay_seconds = 0.0;  ///< wall time of the solver and of the replay evaluations
  int samples = 0;
};
ReplayError replay_error(TidalFlow& flow, const HarmonicReplay& replay, double end, double interval);

}  // namespace hadal::ocean
