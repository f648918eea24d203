// SPDX-License-Identifier: MIT
/// \file tides.hpp
/// \brief Tidal constituents: the one table of frequencies for every module (open-boundary forcing,
/// analytic tidal currents, harmonic analysis), harmonic synthesis, least-squares harmonic analysis of
/// time series, and tidal current ellipses.
#pragma once

#include <string>
#include <vector>

namespace hadal::numerics {

/// Angular frequency (rad/s) of a named constituent (M2, S2, N2, K2, K1, O1, P1, Q1, M4, MS4, MN4, M6,
/// MF, MM, 2N2, S1; any letter case). Returns a negative value for an unknown name.
double constituent_frequency(const std::string& name);
/// Every known constituent name, for error messages.
std::vector<std::string> constituent_names();

/// One constituent of a harmonic series: x(t) = amplitude * cos(omega * t - phase).
/// Phase is a lag in radians relative to model time t = 0 (no nodal corrections: the user supplies
/// amplitudes and phases already referred to the run's reference time).
struct Harmonic {
  std::string name;
  double omega = 0.0;
  double amplitude = 0.0;
  double phase = 0.0;
};

/// Sum of harmonics at time t.
double synthesize(const std::vector<Harmonic>& harmonics, double time);

/// Least-squares fit of x(t) = mean + sum_k a_k cos(w_k t) + b_k sin(w_k t) (T_TIDE style, no nodal
/// corrections). Returns the mean and one Harmonic per frequency (phase in [0, 2 pi)). Requires more
/// samples than 2 * frequencies + 1 and a record long enough to separate them (Rayleigh criterion is the
/// caller's business).
struct HarmonicFit {
  double mean = 0.0;
  std::vector<Harmonic> constituents;
  double residual_rms = 0.0;
};
HarmonicFit harmonic_analysis(const std::vector<double>& times, const std::vector<double>& values,
                              const std::vector<std::string>& names);

/// Tidal current ellipse from u = Au cos(wt - gu), v = Av cos(wt - gv).
struct Ellipse {
  double semi_major = 0.0;   ///< m/s
  double semi_minor = 0.0;   ///< m/s; positive = counter-clockwise rotation
  double inclination = 0.0;  ///< radians from east to the major axis, in [0, pi)
  double phase = 0.0;        ///< radians: time lag of maximum current along the major axis, [0, 2 pi)
};
Ellipse current_ellipse(double u_amplitude, double u_phase, double v_amplitude, double v_phase);

}  // namespace hadal::numerics
