// SPDX-License-Identifier: MIT
// Closure relations against closed forms, Moody-chart limits and the worked example of the reference
// note (JOGMEC-type riser, 230.17 mm, 720 m3/h).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "lift/closures.hpp"
#include "lift/network.hpp"

using namespace hadal::lift;

namespace {
// Independent Colebrook solution: plain fixed-point iteration on 1/sqrt(f) (no Newton, no Haaland start).
double colebrook_fixed_point(double re, double rr) {
  double x = 8.0;
  for (int i = 0; i < 200; ++i) x = -2.0 * std::log10(rr / 3.7 + 2.51 * x / re);
  return 1.0 / (x * x);
}
}  // namespace

TEST(LiftClosures, ColebrookMatchesReferenceValues) {
  // Reference note section 3: riser and supply pipe of the design.
  EXPECT_NEAR(colebrook_friction(9.22e5, 1.955e-4), 0.01470, 5e-6);
  EXPECT_NEAR(colebrook_friction(5.14e5, 2.18e-4), 0.01556, 5e-6);
}

TEST(LiftClosures, ColebrookSolvesItsEquationAcrossTheMoodyChart) {
  double worst = 0.0;
  for (double re = 4e3; re <= 1e8; re *= 3.7)
    for (double rr : {0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 5e-2}) {
      const double f = colebrook_friction(re, rr);
      const double ref = colebrook_fixed_point(re, rr);
      worst = std::max(worst, std::fabs(f - ref) / ref);
    }
  std::printf("  max relative difference Newton vs fixed-point Colebrook: %.2e\n", worst);
  EXPECT_LT(worst, 1e-12);
}

TEST(LiftClosures, MoodyLimits) {
  // Fully rough limit (von Karman): 1/sqrt(f) = -2 log10(eps/(3.7 D)).
  for (double rr : {1e-4, 1e-3, 1e-2}) {
    const double x = -2.0 * std::log10(rr / 3.7);
    EXPECT_NEAR(colebrook_friction(1e13, rr), 1.0 / (x * x), 1e-6 / (x * x));
  }
  // Smooth pipe (Prandtl-Karman, Moody chart): Re 1e5 -> 0.0180, Re 1e6 -> 0.0116.
  EXPECT_NEAR(colebrook_friction(1e5, 0.0), 0.0180, 1e-4);
  EXPECT_NEAR(colebrook_friction(1e6, 0.0), 0.0116, 1e-4);
  // Laminar branch and continuity of the blend.
  EXPECT_DOUBLE_EQ(darcy_friction(FrictionLaw::Colebrook, 1000.0, 1e-4), 0.064);
  EXPECT_NEAR(darcy_friction(FrictionLaw::Colebrook, 2000.0 + 1e-9, 1e-4), 0.032, 1e-9);
  EXPECT_NEAR(darcy_friction(FrictionLaw::Colebrook, 4000.0 - 1e-9, 1e-4), colebrook_friction(4000.0, 1e-4), 1e-9);
}

TEST(LiftClosures, ExplicitApproximationsStayWithinTheirPublishedAccuracy) {
  double haaland = 0.0, swamee = 0.0;
  for (double re = 5e3; re <= 1e8; re *= 2.3)
    for (double rr : {1e-6, 1e-5, 1e-4, 1e-3, 1e-2}) {
      const double f = colebrook_friction(re, rr);
      haaland = std::max(haaland, std::fabs(haaland_friction(re, rr) - f) / f);
      swamee = std::max(swamee, std::fabs(swamee_jain_friction(re, rr) - f) / f);
    }
  std::printf("  max deviation from Colebrook: Haaland %.2f %%, Swamee-Jain %.2f %%\n", 100 * haaland, 100 * swamee);
  EXPECT_LT(haaland, 0.02);  // Haaland 1983: +-1.5 %
  EXPECT_LT(swamee, 0.03);   // Swamee-Jain 1976: +-1 % in its range, ~2.5 % near Re 5e3
  // Reference note: riser f by Haaland 0.01461, Swamee-Jain 0.01479.
  EXPECT_NEAR(haaland_friction(9.22e5, 1.955e-4), 0.01461, 1e-5);
  EXPECT_NEAR(swamee_jain_friction(9.22e5, 1.955e-4), 0.01479, 1e-5);
}

TEST(LiftClosures, SettlingHinderedAndResidentConcentration) {
  EXPECT_NEAR(newton_settling_velocity(0.02, 3500.0 / 1025.0 - 1.0, 0.8, 9.81), 0.889, 1e-3);
  EXPECT_NEAR(rowe_exponent(1.5e4), 2.353, 1e-3);
  DriftFlux d;
  d.settling_velocity = 1.2;
  d.exponent = 2.4;
  d.packing_limit = 0.55;
  const double j = 0.2 / 0.041609;
  const double cr = resident_concentration(d, 0.08, j, 1.0);
  EXPECT_NEAR(cr, 0.0993, 1e-4);
  EXPECT_NEAR(d.solids_velocity(cr, j, 1.0), 3.87, 5e-3);
  EXPECT_NEAR(cr * d.solids_velocity(cr, j, 1.0), 0.08 * j, 1e-13);  // defines C_r
  // Ratios C_r/C_d of the note (v_t 0.5 ... 1.8 m/s).
  const double vts[] = {0.5, 0.8, 1.0, 1.2, 1.5, 1.8};
  const double ratios[] = {1.09, 1.15, 1.20, 1.24, 1.31, 1.39};
  for (int k = 0; k < 6; ++k) {
    d.settling_velocity = vts[k];
    EXPECT_NEAR(resident_concentration(d, 0.08, 4.81, 1.0) / 0.08, ratios[k], 0.006) << "v_t " << vts[k];
  }
  // More than the riser can carry below the packing limit: no solution.
  d.settling_velocity = 1.2;
  EXPECT_LT(resident_concentration(d, 0.6, j, 1.0), 0.0);
}

TEST(LiftClosures, GodunovFluxIsConsistentAndUpwind) {
  DriftFlux d;
  d.settling_velocity = 1.2;
  d.exponent = 2.4;
  for (double j : {-1.0, 0.0, 0.5, 1.0, 4.8})
    for (double c : {0.0, 0.05, 0.2, 0.5}) EXPECT_DOUBLE_EQ(d.godunov_flux(c, c, j, 1.0), d.flux(c, j, 1.0));
  // Transonic rarefaction (F' < 0 on the left, > 0 on the right): the flux is the minimum of F.
  const double j = 1.0;
  double fmin = 1e9;
  for (int i = 0; i <= 100000; ++i) fmin = std::min(fmin, d.flux(0.5 * i / 100000.0, j, 1.0));
  EXPECT_NEAR(d.godunov_flux(0.0, 0.5, j, 1.0), fmin, 1e-9);
}

TEST(LiftClosures, WaveSpeedWaterHammerAndFluidisation) {
  // Reference note 2.11 and 2.13.
  EXPECT_NEAR(korteweg_wave_speed(2.34e9, 1025.0, 0.23017, 0.020, 207e9), 1421.0, 1.0);
  EXPECT_NEAR(1025.0 * korteweg_wave_speed(2.34e9, 1025.0, 0.23017, 0.020, 207e9) * 4.81 / 1e6, 7.00, 0.01);
  EXPECT_NEAR(minimum_fluidisation_velocity(0.02, 1025.0, 3500.0, 1.23e-3, 0.4, 9.81), 0.12, 0.02);
}

TEST(LiftClosures, ElasticPipeWaveSpeed) {
  // Thick-walled restraint factors tend to Korteweg's thin-wall factors 1, 1 - nu^2, 1 - nu/2.
  const double nu = 0.3, d = 0.2, e = 1e-7;
  EXPECT_NEAR(restraint_factor(PipeSupport::ExpansionJoints, d, e, nu), 1.0, 1e-5);
  EXPECT_NEAR(restraint_factor(PipeSupport::Anchored, d, e, nu), 1.0 - nu * nu, 1e-5);
  EXPECT_NEAR(restraint_factor(PipeSupport::UpstreamAnchored, d, e, nu), 1.0 - 0.5 * nu, 1e-5);
  // Bergant & Simpson's copper pipe (22.1 mm bore, 1.63 mm wall, anchored; water at 15 degC, K 2.14 GPa):
  // with a mid-range copper modulus of 125 GPa (110-130 GPa) the formula gives 1316 m/s; measured 1319 m/s.
  const double psi = restraint_factor(PipeSupport::Anchored, 0.0221, 0.00163, 0.34);
  const double a = std::sqrt(pipe_bulk_modulus(2.14e9, 0.0221, 0.00163, 125e9, psi) / 999.1);
  std::printf("  copper pipe: psi %.4f, a %.1f m/s (measured 1319)\n", psi, a);
  EXPECT_NEAR(a, 1319.0, 0.005 * 1319.0);
  // Wood's modulus: the components at the ends, the harmonic mean in between (10 % ore in seawater).
  EXPECT_DOUBLE_EQ(wood_bulk_modulus(2.34e9, 7e10, 0.0), 2.34e9);
  EXPECT_NEAR(wood_bulk_modulus(2.34e9, 7e10, 1.0), 7e10, 1e-3);
  EXPECT_NEAR(wood_bulk_modulus(2.34e9, 7e10, 0.1), 1.0 / (0.9 / 2.34e9 + 0.1 / 7e10), 1e-3);
}

TEST(LiftClosures, VardyBrownCoefficient) {
  // k = sqrt(C*)/2: laminar C* = 0.00476; turbulent C* = 7.41 / Re^log10(14.3/Re^0.05), at Re 1e4 by hand:
  // Re^0.05 = 1.58489, log10(14.3/1.58489) = 0.955332, Re^0.955332 = 6627.5, C* = 1.11807e-3.
  EXPECT_NEAR(vardy_brown_coefficient(1000.0), 0.5 * std::sqrt(0.00476), 1e-12);
  EXPECT_NEAR(vardy_brown_coefficient(1e4), 0.5 * std::sqrt(1.11807e-3), 2e-6);
  // It falls with the Reynolds number (the design riser: Re 9e5, k 0.004).
  EXPECT_LT(vardy_brown_coefficient(9e5), vardy_brown_coefficient(3e4));
  EXPECT_NEAR(vardy_brown_coefficient(9e5), 0.0038, 0.0003);
}

TEST(LiftClosures, PumpCurveInterpolatesMonotonicallyAndFollowsAffinityLaws) {
  PumpSet p;
  p.curve = PumpCurve({0.0, 0.1, 0.2, 0.25}, {4.578e6, 4.35e6, 3.815e6, 3.2e6}, {0.0, 0.62, 0.78, 0.72});
  p.count = 2;
  p.series = true;
  EXPECT_DOUBLE_EQ(p.pressure_rise(0.2, 1.0), 7.63e6);
  double previous = 1e300;
  for (int i = 0; i <= 250; ++i) {
    const double h = p.curve.pressure(0.001 * i);
    EXPECT_LT(h, previous);
    previous = h;
  }
  // Affinity: Q ~ N, H ~ N^2 (1350 rpm: 648 m3/h at 6.18 MPa for the pair).
  EXPECT_NEAR(p.pressure_rise(0.2 * 0.9, 0.9), 0.81 * 7.63e6, 1e-6);
  EXPECT_NEAR(p.pressure_rise(0.18, 0.9) / 1e6, 6.18, 0.005);
  EXPECT_NEAR(p.shaft_power(0.18, 0.9) / p.shaft_power(0.2, 1.0), 0.729, 1e-9);
  // Parallel: the pair carries twice the flow at one pump's pressure.
  p.series = false;
  EXPECT_DOUBLE_EQ(p.pressure_rise(0.4, 1.0), 3.815e6);
}
