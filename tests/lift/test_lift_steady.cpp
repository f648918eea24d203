// SPDX-License-Identifier: MIT
// Steady operating point: single-phase losses against Colebrook/Darcy-Weisbach closed forms, the design
// point term by term against an independent hand calculation and the reference note, infeasible input.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "lift/closures.hpp"
#include "lift/network.hpp"
#include "lift/steady.hpp"

using namespace hadal::lift;

namespace {

double colebrook_fixed_point(double re, double rr) {
  double x = 8.0;
  for (int i = 0; i < 200; ++i) x = -2.0 * std::log10(rr / 3.7 + 2.51 * x / re);
  return 1.0 / (x * x);
}

struct Hand {
  double cr, imbalance, riser_friction, supply_friction, local, feeder, separator, total;
};

// Independent hand calculation of the design loop at imposed flow q and delivered concentration cd.
Hand hand_calculation(double q, double cd) {
  const double pi = 3.14159265358979323846, g = 9.81, H = 2000.0;
  const double rho_w = 1025.0, rho_s = 3500.0, cf = 0.016;
  const double rho_c = rho_w + cf * (rho_s - rho_w);
  const double thomas = 1.0 + 2.5 * cf + 10.05 * cf * cf + 0.00273 * std::exp(16.6 * cf);
  const double nu_c = 1.2e-6 * thomas * rho_w / rho_c;
  const double dr = 0.23017, ds = 0.20638, eps = 4.5e-5;
  const double j = q / (0.25 * pi * dr * dr), vs = q / 2.0 / (0.25 * pi * ds * ds);
  // resident concentration by bisection of C (j - v_t (1-C)^n) = C_d j
  double lo = 0.0, hi = 0.55;
  for (int i = 0; i < 200; ++i) {
    const double m = 0.5 * (lo + hi);
    (m * (j - 1.2 * std::pow(1.0 - m, 2.4)) < cd * j ? lo : hi) = m;
  }
  Hand h{};
  h.cr = 0.5 * (lo + hi);
  const double rho_m = rho_c * (1.0 - h.cr) + rho_s * h.cr;
  h.imbalance = (rho_m - rho_c) * g * H;
  h.riser_friction = colebrook_fixed_point(j * dr / nu_c, eps / dr) * rho_c * j * j / (2 * dr) * H;
  h.supply_friction = colebrook_fixed_point(vs * ds / nu_c, eps / ds) * rho_c * vs * vs / (2 * ds) * H;
  h.local = 5.0 * 0.5 * rho_c * vs * vs;
  const double v_solids = j - 1.2 * std::pow(1.0 - h.cr, 2.4);
  h.feeder = 10.0 * 0.5 * rho_m * j * j + (cd > 0 ? rho_s * h.cr * v_solids * v_solids : 0.0);
  h.separator = 0.3e6 * (q / 0.2) * (q / 0.2);
  h.total = h.imbalance + h.riser_friction + h.supply_friction + h.local + h.feeder + h.separator;
  return h;
}

Network design_at_concentration(double cd) {
  Network n = reference_design();
  n.feeder.by_concentration = true;
  n.feeder.delivered_concentration = cd;
  return n;
}

}  // namespace

TEST(LiftSteady, SinglePhaseLossesMatchColebrook) {
  const Network n = design_at_concentration(0.0);
  for (double q : {0.05, 0.1, 0.2, 0.25}) {
    SteadyOptions o;
    o.fixed_flow = true;
    o.flow = q;
    const SteadyResult r = solve_steady(n, o);
    const Hand h = hand_calculation(q, 0.0);
    EXPECT_NEAR(r.budget.riser_friction, h.riser_friction, 1e-9 * h.riser_friction) << q;
    EXPECT_NEAR(r.budget.supply_friction, h.supply_friction, 1e-9 * h.supply_friction) << q;
    EXPECT_NEAR(r.budget.hydrostatic_imbalance, 0.0, 1e-6);
    EXPECT_NEAR(r.pump_pressure, h.total, 1e-9 * h.total) << q;
  }
}

TEST(LiftSteady, DesignPointTermByTerm) {
  // Reference conditions of the note: 720 m3/h imposed, delivered concentration 8 %.
  const Network n = design_at_concentration(0.08);
  SteadyOptions o;
  o.fixed_flow = true;
  o.flow = 0.2;
  const SteadyResult r = solve_steady(n, o);
  const Hand h = hand_calculation(0.2, 0.08);
  const PressureBudget& b = r.budget;
  std::printf("  term                      solver [MPa]  hand [MPa]  note [MPa]\n");
  std::printf("  hydrostatic imbalance     %10.4f  %10.4f  %10.2f\n", b.hydrostatic_imbalance / 1e6, h.imbalance / 1e6, 4.68);
  std::printf("  riser friction            %10.4f  %10.4f  %10.2f (water density)\n", b.riser_friction / 1e6, h.riser_friction / 1e6, 1.51);
  std::printf("  supply friction           %10.4f  %10.4f  %10.2f\n", b.supply_friction / 1e6, h.supply_friction / 1e6, 0.72);
  std::printf("  local + feeder            %10.4f  %10.4f  %10.2f\n", (b.local_losses + b.feeder) / 1e6, (h.local + h.feeder) / 1e6, 0.17);
  std::printf("  separator                 %10.4f  %10.4f  %10.2f\n", b.separator / 1e6, h.separator / 1e6, 0.30);
  std::printf("  pump pressure rise        %10.4f  %10.4f  %10.2f (rating 7.63)\n", r.pump_pressure / 1e6, h.total / 1e6, 7.38);
  std::printf("  riser loss above seawater %10.4f  %10s  %10.2f\n", r.riser_loss / 1e6, "", 6.97);
  // Against the independent hand calculation: exact up to the solver tolerance.
  EXPECT_NEAR(r.resident_concentration, h.cr, 1e-10);
  EXPECT_NEAR(b.hydrostatic_imbalance, h.imbalance, 1e-8 * h.imbalance);
  EXPECT_NEAR(b.riser_friction, h.riser_friction, 1e-8 * h.riser_friction);
  EXPECT_NEAR(b.supply_friction, h.supply_friction, 1e-8 * h.supply_friction);
  EXPECT_NEAR(b.feeder + b.local_losses, h.feeder + h.local, 1e-8 * h.feeder);
  EXPECT_NEAR(r.pump_pressure, h.total, 1e-8 * h.total);
  EXPECT_NEAR(b.total(), r.pump_pressure, 1e-4);
  // Against the reference note, with the differences the docs explain: carrier (not water) density in
  // the riser friction (+3.9 %), fines counted in the riser carrier (+1.4 % on the imbalance).
  EXPECT_NEAR(r.resident_concentration, 0.0993, 1e-4);
  EXPECT_NEAR(b.riser_friction / 1e6, 1.51 * 1065.0 / 1025.0, 0.01);
  EXPECT_NEAR(b.supply_friction / 1e6, 0.72, 0.01);
  EXPECT_NEAR(b.hydrostatic_imbalance / 1e6, 4.68, 0.07);
  EXPECT_NEAR(r.pump_pressure / 1e6, 7.38, 0.15);
}

TEST(LiftSteady, PumpCurveOperatingPointClosesTheLoop) {
  const Network n = reference_design();  // 5000 t/day fed by mass rate
  const SteadyResult r = solve_steady(n);
  std::printf("  design point on the pump curve: Q = %.2f m3/h, pump %.4f MPa, %.1f kW, C_d %.4f, C_r %.4f, "
              "%.1f t/day, %.2f kWh/t, %d SNES iterations\n",
              r.flow * 3600, r.pump_pressure / 1e6, r.pump_power / 1e3, r.delivered_concentration,
              r.resident_concentration, r.production_t_per_day, r.specific_energy_kWh_per_t, r.iterations);
  EXPECT_NEAR(r.pump_pressure, n.pumps.pressure_rise(r.flow, 1.0), 1e-6);
  // the loop closes to the SNES tolerance (1e-11 in rows scaled by 1 MPa)
  EXPECT_NEAR(r.budget.total(), r.pump_pressure, 1e-4);
  EXPECT_NEAR(r.production_t_per_day, 5000.0, 1e-9);
  const Hand h = hand_calculation(r.flow, r.delivered_concentration);
  EXPECT_NEAR(r.pump_pressure, h.total, 1e-7 * h.total);
  EXPECT_LE(r.iterations, 10);
  // Same answer on every rank (each rank solves the replicated 1-D problem).
  double lo = r.flow, hi = r.flow;
  MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  EXPECT_EQ(lo, hi);
}

TEST(LiftSteady, HigherConcentrationLowersTheFlow) {
  // Loop feedback: a denser riser column pushes the pumps up their curve.
  double previous = 1e9;
  for (double cd : {0.0, 0.04, 0.08, 0.10}) {
    const SteadyResult r = solve_steady(design_at_concentration(cd));
    EXPECT_LT(r.flow, previous);
    previous = r.flow;
  }
}

TEST(LiftSteady, InfeasibleFeedsGiveClearErrors) {
  // More ore than the riser can carry below the packing limit at the imposed flow.
  {
    SteadyOptions o;
    o.fixed_flow = true;
    o.flow = 0.2;
    try {
      // at 4.81 m/s the riser carries at most F(C_max) = 2.55 m/s of ore flux, i.e. C_d < 0.53
      solve_steady(design_at_concentration(0.54), o);
      FAIL() << "expected InfeasibleInput";
    } catch (const InfeasibleInput& e) {
      EXPECT_EQ(e.key(), "feeder.delivered_concentration");
      EXPECT_NE(std::string(e.what()).find("packing limit"), std::string::npos) << e.what();
    }
  }
  // A feed the pumps cannot lift.
  {
    Network n = reference_design();
    n.feeder.mass_rate = 200.0;
    try {
      solve_steady(n);
      FAIL() << "expected InfeasibleInput";
    } catch (const InfeasibleInput& e) {
      EXPECT_EQ(e.key(), "feeder.mass_rate");
      EXPECT_NE(std::string(e.what()).find("largest feasible feed"), std::string::npos) << e.what();
    }
  }
}

TEST(LiftSteady, SolidsFrictionClosuresAndInclinedSections) {
  SteadyOptions o;
  o.fixed_flow = true;
  o.flow = 0.2;
  // Homogeneous (mixture-density) friction: the excess is the carrier friction times rho_m/rho_c - 1.
  Network n = design_at_concentration(0.08);
  n.solids_friction = SolidsFriction::Mixture;
  const SteadyResult m = solve_steady(n, o);
  const double rho_c = n.fluid.carrier_density();
  const double rho_m = rho_c + m.resident_concentration * (n.ore.density - rho_c);
  EXPECT_NEAR(m.budget.riser_solids_friction, m.budget.riser_friction * (rho_m / rho_c - 1.0), 1e-6);
  // the note's mixture-density riser friction: 1.92 MPa (against 1.51 with water density)
  EXPECT_NEAR((m.budget.riser_friction + m.budget.riser_solids_friction) / 1e6, 1.92, 0.02);
  // Worster-Denny: the Durand excess is projected with cos(angle), zero in a vertical riser ...
  n.solids_friction = SolidsFriction::WorsterDenny;
  EXPECT_NEAR(solve_steady(n, o).budget.riser_solids_friction, 0.0, 1e-6);  // cos(pi/2) is 6e-17
  // ... and not in an inclined one. Riser: 1000 m vertical, then 2000 m at 30 degrees (rise 2000 m).
  const double pi = 3.14159265358979323846;
  n.riser.sections = {{1000.0, pi / 2}, {2000.0, pi / 6}};
  const SteadyResult w = solve_steady(n, o);
  ASSERT_EQ(w.section_concentration.size(), 2u);
  // slip acts along the pipe axis with v_t sin(angle): less slip, lower in-situ concentration
  DriftFlux d = n.drift_flux();
  const double j = 0.2 / n.riser.area();
  EXPECT_NEAR(w.section_concentration[0], resident_concentration(d, 0.08, j, 1.0), 1e-10);
  EXPECT_NEAR(w.section_concentration[1], resident_concentration(d, 0.08, j, 0.5), 1e-10);
  const double c2 = w.section_concentration[1];
  const double sd = n.ore.density / rho_c - 1.0;
  const double fr = colebrook_fixed_point(j * n.riser.diameter / n.fluid.carrier_viscosity(), 4.5e-5 / n.riser.diameter) *
                    rho_c * j * j / (2 * n.riser.diameter);
  const double psi = j * j * std::sqrt(n.ore.drag_coefficient) / (9.81 * n.riser.diameter * sd);
  const double excess = 81.0 * std::pow(psi, -1.5) * c2 * fr * std::cos(pi / 6) * 2000.0;
  EXPECT_NEAR(w.budget.riser_solids_friction, excess, 1e-6 * excess);
  const double statics = 9.81 * (1000.0 * (rho_c + w.section_concentration[0] * (n.ore.density - rho_c)) +
                                 1000.0 * (rho_c + c2 * (n.ore.density - rho_c)));
  EXPECT_NEAR(w.budget.hydrostatic_imbalance, statics - rho_c * 9.81 * 2000.0, 1e-6 * statics);
}
