// SPDX-License-Identifier: MIT
// Constituent table, harmonic analysis and current ellipses against exact answers.
#include <gtest/gtest.h>

#include <cmath>

#include "numerics/constants.hpp"
#include "numerics/tides.hpp"

using namespace hadal::numerics;

TEST(Tides, FrequenciesMatchPublishedValues) {
  // SCHISM bctides.in sample values (rad/s).
  EXPECT_NEAR(constituent_frequency("M2"), 1.405189e-4, 1e-9);
  EXPECT_NEAR(constituent_frequency("S2"), 1.454441e-4, 1e-9);
  EXPECT_NEAR(constituent_frequency("K1"), 7.292117e-5, 1e-10);
  EXPECT_NEAR(constituent_frequency("o1"), 6.759775e-5, 1e-10);  // case-insensitive
  EXPECT_LT(constituent_frequency("X7"), 0.0);
}

TEST(Tides, HarmonicAnalysisRecoversConstituents) {
  // 30 days hourly of M2 + S2 + K1 + O1 + mean + a small deterministic "noise": the fit must recover the
  // amplitudes and phases to far better than the noise level.
  const std::vector<std::string> names{"M2", "S2", "K1", "O1"};
  const double amp[4] = {0.5, 0.2, 0.15, 0.1}, pha[4] = {1.0, 2.5, 4.0, 5.5};
  std::vector<double> t, x;
  for (int n = 0; n < 30 * 24; ++n) {
    const double time = 3600.0 * n + 12345.0;
    double value = 0.3;
    for (int c = 0; c < 4; ++c) value += amp[c] * std::cos(constituent_frequency(names[c]) * time - pha[c]);
    t.push_back(time);
    x.push_back(value);
  }
  const auto fit = harmonic_analysis(t, x, names);
  EXPECT_NEAR(fit.mean, 0.3, 1e-10);
  for (int c = 0; c < 4; ++c) {
    EXPECT_NEAR(fit.constituents[c].amplitude, amp[c], 1e-10) << names[c];
    EXPECT_NEAR(fit.constituents[c].phase, pha[c], 1e-9) << names[c];
  }
  EXPECT_LT(fit.residual_rms, 1e-10);
  EXPECT_THROW(harmonic_analysis(t, x, {"M2", "XX"}), std::invalid_argument);
}

TEST(Tides, CurrentEllipses) {
  // Rectilinear east-west current: major = Au, minor = 0, inclination 0, phase = gu.
  auto e = current_ellipse(0.3, 0.7, 0.0, 0.0);
  EXPECT_NEAR(e.semi_major, 0.3, 1e-14);
  EXPECT_NEAR(e.semi_minor, 0.0, 1e-14);
  EXPECT_NEAR(e.inclination, 0.0, 1e-12);
  EXPECT_NEAR(e.phase, 0.7, 1e-12);
  // Circular counter-clockwise: u = cos(wt), v = sin(wt) = cos(wt - pi/2).
  e = current_ellipse(1.0, 0.0, 1.0, kPi / 2);
  EXPECT_NEAR(e.semi_major, 1.0, 1e-14);
  EXPECT_NEAR(e.semi_minor, 1.0, 1e-14);
  // Clockwise circle.
  e = current_ellipse(1.0, 0.0, 1.0, -kPi / 2);
  EXPECT_NEAR(e.semi_minor, -1.0, 1e-14);
  // Rectilinear along 45 degrees, in phase.
  e = current_ellipse(1.0, 0.2, 1.0, 0.2);
  EXPECT_NEAR(e.semi_major, std::sqrt(2.0), 1e-14);
  EXPECT_NEAR(e.semi_minor, 0.0, 1e-14);
  EXPECT_NEAR(e.inclination, kPi / 4, 1e-12);
  EXPECT_NEAR(e.phase, 0.2, 1e-12);
  // Brute force: an elliptical current sampled over a period has max speed = major and min = |minor|.
  const double au = 0.4, gu = 0.3, av = 0.25, gv = 1.9;
  e = current_ellipse(au, gu, av, gv);
  double smax = 0.0, smin = 1e9, tmax = 0.0;
  for (int n = 0; n < 200000; ++n) {
    const double wt = 2 * kPi * n / 200000.0;
    const double s = std::hypot(au * std::cos(wt - gu), av * std::cos(wt - gv));
    if (s > smax) {
      smax = s;
      tmax = wt;
    }
    smin = std::min(smin, s);
  }
  EXPECT_NEAR(e.semi_major, smax, 1e-9);
  EXPECT_NEAR(std::abs(e.semi_minor), smin, 1e-9);
  // The maximum along the major axis direction occurs at wt = phase (or phase + pi for the opposite end).
  const double dphase = std::remainder(tmax - e.phase, kPi);
  EXPECT_NEAR(dphase, 0.0, 1e-3);
  // Direction of the current at wt = phase is the inclination.
  const double ux = au * std::cos(e.phase - gu), vy = av * std::cos(e.phase - gv);
  EXPECT_NEAR(std::atan2(vy, ux), e.inclination, 1e-9);
}
