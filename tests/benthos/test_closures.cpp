// SPDX-License-Identifier: MIT
// The food web's rates and its MPRK22 integrator: the calibrated baseline is a steady state, every step
// conserves carbon to round-off, an exact solution is met at second order, the burial dose-response
// does not depend on how the deposit is split into steps.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "benthos/closures.hpp"
#include "benthos/keys.hpp"

using namespace hadal::benthos;

namespace {
constexpr double kDay = 86400.0, kYear = 365.25 * kDay;

double sum(const double* c) {
  double s = 0.0;
  for (int p = 0; p < kPools; ++p) s += c[p];
  return s;
}

/// Food taken up by bacteria in a closed cell (no rain, no losses, all uptake becomes bacteria):
/// dB/dt = u B F / (K + F), F = T - B. Separating variables gives the exact implicit solution
/// (K/T) ln(B / (T - B)) + ln B = u t + const; bisection solves it for B(t).
FoodWebParameters closed_uptake(double u, double half_saturation) {
  FoodWebParameters web;
  for (int p = 0; p < kPools; ++p) web.baseline[p] = 1.0;
  web.baseline[kFood] = half_saturation;  // K = half_saturation_ratio (1) x baseline food
  web.groups[kBacteria].grazing_rate = u;
  web.groups[kBacteria].assimilation = 1.0;
  web.groups[kBacteria].growth_efficiency = 1.0;
  web.larval_mortality_rate = 1.0;
  return web;
}

double exact_bacteria(double b0, double total, double k, double u, double t) {
  auto g = [&](double b) { return k / total * std::log(b / (total - b)) + std::log(b); };
  const double target = g(b0) + u * t;
  double low = b0, high = total;  // g increases with b; bisection to round-off
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (low + high);
    (g(mid) < target ? low : high) = mid;
  }
  const double b = 0.5 * (low + high);
  return b;
}
}  // namespace

TEST(FoodWeb, DefaultBaselineIsSteady) {
  const auto settings = default_settings();
  double dcdt[kPools];
  food_web_tendency(settings.web, settings.web.baseline, 0.0, dcdt);
  for (int p = 0; p < kPools; ++p) {
    // Relative to the pool's turnover (largest outflow x stock): round-off of the calibration.
    EXPECT_LT(std::fabs(dcdt[p]) * kDay / settings.web.baseline[p], 1e-14) << kPoolNames[p];
  }
}

TEST(FoodWeb, BaselineStaysSteadyTwentyYearsWithMonthSteps) {
  const auto web = default_settings().web;
  double c[kPools], next[kPools];
  for (int p = 0; p < kPools; ++p) c[p] = web.baseline[p];
  for (int n = 0; n < 240; ++n) {
    mprk22_step(web, c, 0.0, kYear / 12.0, next);
    for (int p = 0; p < kPools; ++p) c[p] = next[p];
  }
  double worst = 0.0;
  for (int p = 0; p < kPools; ++p) worst = std::max(worst, std::fabs(c[p] / web.baseline[p] - 1.0));
  std::printf("largest relative drift of the baseline over 20 years (240 steps): %.2e\n", worst);
  EXPECT_LT(worst, 1e-12);
}

TEST(FoodWeb, EveryStepClosesTheCarbonBudget) {
  const auto web = default_settings().web;
  double c[kPools], next[kPools];
  for (int p = 0; p < kPools; ++p) c[p] = web.baseline[p] * (p == kFood ? 3.0 : p == kMeioEpi ? 0.05 : 1.0);
  for (double dt : {60.0, kDay, 30 * kDay, kYear}) {
    const auto ledger = mprk22_step(web, c, 0.7, dt, next);
    const double residual = sum(next) - sum(c) - (ledger.input - ledger.respired - ledger.exported);
    EXPECT_LT(std::fabs(residual) / sum(c), 1e-14) << dt;
    for (int p = 0; p < kPools; ++p) EXPECT_GT(next[p], 0.0) << kPoolNames[p] << " dt " << dt;
  }
}

TEST(FoodWeb, ClosedUptakeMatchesExactSolutionAtSecondOrder) {
  const double u = 0.2 / kDay, k = 500.0, f0 = 900.0, b0 = 100.0, t_end = 30 * kDay;
  const auto web = closed_uptake(u, k);
  const double exact = exact_bacteria(b0, f0 + b0, k, u, t_end);
  double previous = 0.0;
  for (int steps : {10, 20, 40, 80, 160}) {
    double c[kPools] = {f0, b0, 0, 0, 0, 0, 0}, next[kPools];
    for (int n = 0; n < steps; ++n) {
      mprk22_step(web, c, 0.0, t_end / steps, next);
      for (int p = 0; p < kPools; ++p) c[p] = next[p];
    }
    const double error = std::fabs(c[kBacteria] - exact) / exact;
    if (previous > 0.0) {
      const double order = std::log2(previous / error);
      std::printf("steps %4d: error %.3e, observed order %.2f\n", steps, error, order);
      if (steps >= 40) {
        EXPECT_NEAR(order, 2.0, 0.15);
      }
    } else {
      std::printf("steps %4d: error %.3e\n", steps, error);
    }
    previous = error;
  }
  EXPECT_LT(previous, 1e-4);
}

TEST(FoodWeb, StepsOfAMonthStayPositiveUnderStiffRates) {
  // A near-emptied pool with fast grazing: explicit Euler would go negative, MPRK22 may not.
  auto web = default_settings().web;
  double c[kPools], next[kPools];
  for (int p = 0; p < kPools; ++p) c[p] = web.baseline[p];
  c[kBacteria] *= 1e-6;
  c[kFood] *= 20.0;
  mprk22_step(web, c, 1.0, 30 * kDay, next);
  for (int p = 0; p < kPools; ++p) EXPECT_GT(next[p], 0.0) << kPoolNames[p];
}

TEST(Burial, SurvivalDoesNotDependOnHowTheDepositIsSplit) {
  GroupParameters g;
  g.burial_sensitivity = 0.9;
  g.burial_half_thickness = 3e-3;
  g.burial_steepness = 2.0;
  EXPECT_DOUBLE_EQ(burial_survival(g, 0.0), 1.0);
  EXPECT_NEAR(burial_survival(g, 3e-3), 1.0 - 0.45, 1e-15);  // half of the sensitivity at h50
  EXPECT_NEAR(burial_survival(g, 1.0), 0.1, 1e-5);          // deep burial: 1 - sensitivity
  // Survival of increments multiplies to the survival of the whole: S(h2)/S(h1) x S(h1) = S(h2).
  double survived = 1.0, h = 0.0;
  for (int n = 0; n < 7; ++n) {
    const double next = h + 1e-3;
    survived *= burial_survival(g, next) / burial_survival(g, h);
    h = next;
  }
  EXPECT_NEAR(survived, burial_survival(g, 7e-3), 1e-15);
}

TEST(Burial, SlowDepositIsEscaped) {
  GroupParameters g;
  g.escape_velocity = 5e-3 / kDay;
  EXPECT_DOUBLE_EQ(burial_increment(g, 4e-3, kDay), 0.0);        // slower than the group moves up
  EXPECT_NEAR(burial_increment(g, 8e-3, kDay), 3e-3, 1e-15);     // the excess buries
}

TEST(FoodWeb, CalibrationNamesAnUnsustainableGroup) {
  auto web = default_settings().web;
  web.groups[kMacro].respiration_rate = 0.1 / kDay;  // far more than its food supplies
  const auto problems = calibrate_to_baseline(web);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].first, kMacro);
}
