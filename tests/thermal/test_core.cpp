// SPDX-License-Identifier: MIT
// Core thermal evolution against the hand-checked worked example of the reference note (section 3.4)
// and against energy conservation over an evolution.
#include <gtest/gtest.h>

#include <cmath>

#include "thermal/core_model.hpp"

using namespace hadal::thermal;

namespace {
constexpr double kGyr = 3.156e16;  // the worked example's year
CoreParameters worked_example(double k) {
  CoreParameters p;  // defaults are the worked-example inputs
  p.conductivity = k;
  p.radiogenic_heating = 0.0;
  p.compositional_density_jump = 0.0;
  return p;
}
}  // namespace

TEST(ThermalCore, AdiabaticHeatFlowIsPoint1016TerawattPerConductivity) {
  for (double k : {40.0, 100.0, 150.0, 226.0, 250.0}) {
    CoreModel m(worked_example(k));
    const double q = m.adiabatic_heat_flow_cmb(4000.0);
    EXPECT_NEAR(q / 1e12 / k, 0.1016, 0.005 * 0.1016) << "k = " << k;
  }
  CoreModel m(worked_example(226.0));
  EXPECT_NEAR(m.adiabatic_heat_flow_cmb(4000.0) / 1e12, 22.96, 0.005 * 22.96);
}

TEST(ThermalCore, LumpedCoolingIs203KelvinPerGyr) {
  auto p = worked_example(100.0);
  p.inner_core_radius = 0.0;
  CoreModel m(p);
  const auto b = m.budget(10e12);
  EXPECT_NEAR(b.cooling_rate * kGyr, -203.0, 0.005 * 203.0);
  // Exact linear cooling over 1 Gyr with a constant heat flow and no inner core.
  for (int s = 0; s < 10; ++s) m.advance(0.1 * kGyr, [](double) { return 10e12; });
  EXPECT_NEAR(m.state().cmb_temperature, 4000.0 - 10e12 * kGyr / (1.94e24 * 800.0), 1e-9);
}

TEST(ThermalCore, InnerCoreGrowthAndBudgetAtHundredKelvinPerGyr) {
  EXPECT_NEAR(inner_core_growth_factor(5500.0, 12760.0, 4.4, 4000.0, 2e-9) / 1e3, 12.25, 0.005 * 12.25);
  // Budget of the worked example: Q_S and Q_L at dT_c/dt = -100 K/Gyr (growth factor 12.25 km/K).
  const double rate = -100.0 / kGyr;
  const double growth = -inner_core_growth_factor(5500.0, 12760.0, 4.4, 4000.0, 2e-9) * rate;
  EXPECT_NEAR(growth, 3.88e-11, 0.005 * 3.88e-11);
  const double qs = -1.94e24 * 800.0 * rate;
  const double ql = 4.0 * M_PI * std::pow(1221e3, 2) * 12760.0 * 0.70e6 * growth;
  EXPECT_NEAR(qs / 1e12, 4.92, 0.005 * 4.92);
  EXPECT_NEAR(ql / 1e12, 6.49, 0.005 * 6.49);
  EXPECT_NEAR((qs + ql) / 1e12, 11.41, 0.005 * 11.41);
}

TEST(ThermalCore, StableLayerOfTheWorkedExample) {
  const double rc = 3480e3, ri = 1221e3;
  // k = 226: 1023 km thick (x_s = 0.3519); k = 100: none; threshold k* = 112 W/m/K.
  const double h226 = stable_layer_thickness(11.41e12, 4.92e12, 6.49e12, 0.1016e12 * 226, rc, ri);
  EXPECT_NEAR(h226 / 1e3, 1023.0, 0.005 * 1023.0);
  EXPECT_EQ(stable_layer_thickness(11.41e12, 4.92e12, 6.49e12, 0.1016e12 * 100, rc, ri), 0.0);
  EXPECT_EQ(stable_layer_thickness(11.41e12, 4.92e12, 6.49e12, 0.1016e12 * 112.5, rc, ri) > 0.0, true);
  EXPECT_EQ(stable_layer_thickness(11.41e12, 4.92e12, 6.49e12, 0.1016e12 * 111.9, rc, ri), 0.0);
  // Hand check: the thickness puts Q_T(x_s) = Q_ad(x_s).
  const double xi = std::pow(ri / rc, 3), xs = std::pow((rc - h226) / rc, 3);
  EXPECT_NEAR(6.49 + 4.92 * (xs - xi) / (1 - xi), 0.1016 * 226 * xs, 1e-9);
}

TEST(ThermalCore, ConductiveEntropySink) {
  CoreModel m(worked_example(100.0));
  EXPECT_NEAR(m.budget(10e12).conductive_entropy / 1e6, 295.0, 0.005 * 295.0);
}

TEST(ThermalCore, EnergyIsConservedOverAnEvolutionWithNucleation) {
  auto p = worked_example(100.0);
  p.inner_core_radius = 0.0;
  p.cmb_temperature = 4300.0;
  p.nucleation_temperature = 4200.0;
  p.compositional_density_jump = 500.0;
  p.radiogenic_heating = 3e-13;
  CoreModel m(p);
  auto history = [](double t) { return 15e12 - 5e12 * t / (4.0 * kGyr); };
  for (int s = 0; s < 4000; ++s) m.advance(0.001 * kGyr, history);
  const auto& st = m.state();
  ASSERT_GT(st.inner_core_radius, 500e3) << "the inner core should have nucleated and grown";
  const double released = m.released_energy(4300.0, 0.0) + st.radiogenic_energy;
  // Independent integral of the prescribed history (trapezoid is exact for a linear history).
  const double t1 = st.time;
  const double heat_out = 0.5 * (history(0) + history(t1)) * t1;
  const double err = std::abs(released - heat_out) / heat_out;
  std::printf("core energy balance over %.2f Gyr: released %.6e J, conducted out %.6e J, rel. error %.2e, r_i = %.1f km\n",
              t1 / kGyr, released, heat_out, err, st.inner_core_radius / 1e3);
  // Measured 2.0e-4 with 0.01 Gyr steps and 2.7e-6 with 0.001 Gyr: second order, not RK4's fourth,
  // because Q_L grows like sqrt(t - t_nucleation) right after nucleation.
  EXPECT_LT(err, 1e-5);
}

TEST(ThermalCore, InconsistentDimensionsAreRejected) {
  auto p = worked_example(100.0);
  p.inner_core_radius = 4000e3;
  EXPECT_THROW(check_core_parameters(p), std::invalid_argument);
  p = worked_example(100.0);
  p.mass = 1e22;
  EXPECT_THROW(check_core_parameters(p), std::invalid_argument);
}
