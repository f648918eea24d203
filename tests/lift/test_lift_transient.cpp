// SPDX-License-Identifier: MIT
// Transient drift-flux solver: steady state equals the steady solver, solids conservation to round-off,
// kinematic-wave (shock) speed and convergence order of the transport scheme, feeder cycles, pump trip
// with settling (bed length, restart pressure), checkpoint state round trip.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "lift/feeder.hpp"
#include "lift/network.hpp"
#include "lift/steady.hpp"
#include "lift/rigid_loop.hpp"

#include "loop_stepping.hpp"

using namespace hadal::lift;

namespace {

Network by_concentration(double cd) {
  Network n = reference_design();
  n.feeder.by_concentration = true;
  n.feeder.delivered_concentration = cd;
  return n;
}

}  // namespace

TEST(LiftTransient, SteadyStateIsTheSteadySolution) {
  const Network n = reference_design();
  TransientOptions o;
  o.cell_size = 10.0;
  RigidLoop loop(n, o);
  const SteadyResult& s = loop.initial_steady();
  run_until(loop, 0.0, 600.0);
  const auto c = loop.concentration();
  double worst = 0.0;
  for (double v : c) worst = std::max(worst, std::fabs(v - s.resident_concentration));
  std::printf("  after 600 s: |dQ|/Q = %.2e, max |C - C_r| = %.2e, |dp_pump|/dp = %.2e\n",
              std::fabs(loop.flow() - s.flow) / s.flow, worst,
              std::fabs(loop.pump_pressure() - s.pump_pressure) / s.pump_pressure);
  // Agreement to the steady solver's own convergence (SNES residual 1e-11 in scaled rows): the
  // transient's fixed point is the same discrete balance, so nothing but solver tolerance separates them.
  EXPECT_LT(std::fabs(loop.flow() - s.flow) / s.flow, 1e-10);
  EXPECT_LT(worst, 1e-10);
  EXPECT_LT(std::fabs(loop.pump_pressure() - s.pump_pressure) / s.pump_pressure, 1e-10);
  EXPECT_NEAR(loop.sample(600.0).production_t_per_day, 5000.0, 1e-6);  // steady C_r to SNES tolerance
}

TEST(LiftTransient, InclinedRiserSteadyStateIsTheSteadySolution) {
  // Riser 1000 m vertical + 2000 m at 30 degrees, Worster-Denny friction: the joint between sections and
  // the inclined friction term must not disturb the steady state.
  Network n = reference_design();
  const double pi = 3.14159265358979323846;
  n.riser.sections = {{1000.0, pi / 2}, {2000.0, pi / 6}};
  n.solids_friction = SolidsFriction::WorsterDenny;
  n.feeder.mass_rate = 3000.0e3 / 86400.0;  // the longer, inclined riser cannot lift 5000 t/day
  TransientOptions o;
  o.cell_size = 10.0;
  RigidLoop loop(n, o);
  const SteadyResult& s = loop.initial_steady();
  run_until(loop, 0.0, 600.0);
  const auto c = loop.concentration();
  double worst = 0.0;
  for (int i = 0; i < loop.cells(); ++i) {
    const double expected = s.section_concentration[loop.riser_cells().s[i] < 1000.0 ? 0 : 1];
    worst = std::max(worst, std::fabs(c[i] - expected));
  }
  std::printf("  inclined riser after 600 s: |dQ|/Q = %.2e, max |C - C_r| = %.2e (C_r %.4f / %.4f)\n",
              std::fabs(loop.flow() - s.flow) / s.flow, worst, s.section_concentration[0], s.section_concentration[1]);
  EXPECT_LT(std::fabs(loop.flow() - s.flow) / s.flow, 1e-10);
  EXPECT_LT(worst, 1e-10);
  EXPECT_LT(std::fabs(loop.pump_pressure() - s.pump_pressure) / s.pump_pressure, 1e-10);
}

TEST(LiftTransient, ConvergesFromClearWaterToTheSteadySolution) {
  const Network n = by_concentration(0.08);
  TransientOptions o;
  o.cell_size = 10.0;
  o.start_from_steady = false;
  RigidLoop loop(n, o);
  run_until(loop, 0.0, 2400.0);
  const SteadyResult s = solve_steady(n);
  const double cmax = loop.sample(2400.0).max_concentration;
  std::printf("  from clear water after 2400 s: Q %.6f vs %.6f m3/h, C %.6f vs %.6f\n", loop.flow() * 3600,
              s.flow * 3600, cmax, s.resident_concentration);
  EXPECT_NEAR(loop.flow(), s.flow, 1e-6 * s.flow);
  EXPECT_NEAR(cmax, s.resident_concentration, 1e-6);
}

TEST(LiftTransient, SolidsMassIsConservedToRoundOff) {
  for (auto control : {TankCycle::Control::Timed, TankCycle::Control::Level}) {
    Network n = reference_design();
    n.feeder.cycle.control = control;
    n.feeder.cycle.fill_time = 100.0;
    n.feeder.cycle.hold_time = 60.0;
    n.feeder.cycle.switch_time = 10.0;
    n.feeder.cycle.discharge_time = 50.0;
    n.feeder.cycle.tank_volume = 0.6;
    n.feeder.cycle.fill_rate = 0.02;
    TransientOptions o;
    o.cell_size = 5.0;
    o.events = {{700.0, TransientEvent::Kind::Trip}, {900.0, TransientEvent::Kind::Restart, 1.0, 20.0}};
    RigidLoop loop(n, o);
    run_until(loop, 0.0, 1500.0, 0.9, 0.5);
    std::printf("  control %d: injected %.4f m3, delivered %.4f m3, relative balance error %.2e\n",
                static_cast<int>(control), loop.injected_volume(), loop.outflow_volume(), loop.conservation_error());
    EXPECT_LT(std::fabs(loop.conservation_error()), 1e-13);
    EXPECT_GT(loop.injected_volume(), 1.0);
  }
}

TEST(LiftTransient, TimedFeederDeliversItsMeanRateExactly) {
  TankCycle cycle;
  cycle.control = TankCycle::Control::Timed;
  cycle.fill_time = 100.0;
  cycle.hold_time = 60.0;
  cycle.switch_time = 10.0;
  cycle.discharge_time = 50.0;
  const double mean = 0.0165;
  FeederCycle f(cycle, mean);
  double v = 0.0, t = 0.0;
  const double dt = 0.37;  // deliberately not commensurate with the phases
  while (t < 10 * f.cycle_period() - 1e-9) {
    const double step = std::min(dt, 10 * f.cycle_period() - t);
    v += f.advance(t, step, true);
    t += step;
  }
  EXPECT_NEAR(v, mean * 10 * f.cycle_period(), 1e-12 * v);
  // While a tank discharges, the rate is 1.47 x the mean (three 50 s discharges per 220 s).
  EXPECT_NEAR(f.discharge_rate() / mean, 220.0 / 150.0, 1e-12);
}

TEST(LiftTransient, ConcentrationShockTravelsAtTheRankineHugoniotSpeed) {
  // Imposed flow, riser loaded with C = 0.1 over its lower 400 m and no feed: the top of the slug is a
  // shock (C below > C above, convex flux) moving at F(C)/C = v_s; the bottom is a rarefaction whose
  // head moves at F'(C) and stays below 1000 m for t = 200 s. The front position follows from the ore
  // volume above 1000 m: s_front = 1000 + V / C.
  Network n = by_concentration(0.0);
  const double q = 0.2, j = q / n.riser.area();
  const double c1 = 0.1, t_end = 200.0;
  const DriftFlux d = n.drift_flux();
  const double speed = d.flux(c1, j, 1.0) / c1;
  const double exact = 400.0 + speed * t_end;
  ASSERT_LT(d.wave_speed(c1, j, 1.0) * t_end, 1000.0 - 50.0);
  double previous = 0.0;
  for (double dx : {10.0, 5.0, 2.5}) {
    TransientOptions o;
    o.cell_size = dx;
    o.fixed_flow = q;
    o.start_from_steady = false;
    RigidLoop loop(n, o);
    std::vector<double> c(loop.cells());
    for (int i = 0; i < loop.cells(); ++i) c[i] = loop.riser_cells().s[i] < 400.0 ? c1 : 0.0;
    loop.set_concentration(c);
    run_until(loop, 0.0, t_end);
    const auto cc = loop.concentration();
    double above = 0.0;
    for (int i = 0; i < loop.cells(); ++i)
      if (loop.riser_cells().s[i] > 1000.0) above += cc[i] * loop.riser_cells().length[i];
    const double front = 1000.0 + above / c1;
    const double error = std::fabs(front - exact);
    std::printf("  dx %.1f m: shock at %.3f m, exact %.3f m (speed %.4f m/s), error %.2e m\n", dx, front, exact,
                speed, error);
    EXPECT_LT(error, 0.05 * dx);
    if (previous > 0.0) {
      EXPECT_LT(error, previous + 1e-9);
    }
    previous = error;
  }
}

TEST(LiftTransient, SmoothWaveConvergesAtSecondOrder) {
  // Smooth concentration bump advected with the nonlinear drift flux at imposed flow, compared with the
  // exact solution by characteristics (before any shock forms): C(s, t) = C0(s0), s = s0 + F'(C0(s0)) t.
  Network n = by_concentration(0.0);
  const double q = 0.2, j = q / n.riser.area();
  const DriftFlux d = n.drift_flux();
  auto c0 = [](double s) {
    const double x = (s - 700.0) / 150.0;
    return 0.05 + 0.02 * std::exp(-x * x);
  };
  const double t_end = 100.0;
  auto exact = [&](double s) {
    // solve s0 + F'(C0(s0)) t = s by bisection near s - c t
    double lo = s - 6.0 * t_end, hi = s - 2.0 * t_end;
    for (int i = 0; i < 200; ++i) {
      const double m = 0.5 * (lo + hi);
      (m + d.wave_speed(c0(m), j, 1.0) * t_end < s ? lo : hi) = m;
    }
    return c0(0.5 * (lo + hi));
  };
  double previous = 0.0;
  for (double dx : {8.0, 4.0, 2.0, 1.0}) {
    TransientOptions o;
    o.cell_size = dx;
    o.fixed_flow = q;
    o.start_from_steady = false;
    RigidLoop loop(n, o);
    std::vector<double> c(loop.cells());
    for (int i = 0; i < loop.cells(); ++i) {
      // cell averages by 8-point midpoint quadrature
      double acc = 0.0;
      const double s0 = loop.riser_cells().s[i] - 0.5 * dx;
      for (int k = 0; k < 8; ++k) acc += c0(s0 + (k + 0.5) * dx / 8.0);
      c[i] = acc / 8.0;
    }
    loop.set_concentration(c);
    run_until(loop, 0.0, t_end, 0.5);
    const auto cc = loop.concentration();
    double err = 0.0;
    for (int i = 0; i < loop.cells(); ++i) {
      const double s = loop.riser_cells().s[i];
      if (s < 500.0 || s > 1600.0) continue;
      err += std::fabs(cc[i] - exact(s)) * dx;
    }
    if (previous > 0.0) {
      const double order = std::log2(previous / err);
      std::printf("  dx %.1f m: L1 error %.3e, observed order %.2f\n", dx, err, order);
      EXPECT_GT(order, 1.5);
    } else {
      std::printf("  dx %.1f m: L1 error %.3e\n", dx, err);
    }
    previous = err;
  }
}

TEST(LiftTransient, PumpTripSettlesIntoABedAndRestartPressureIsTheOreWeight) {
  const Network n = reference_design();
  TransientOptions o;
  o.cell_size = 5.0;
  o.events = {{10.0, TransientEvent::Kind::Trip},
              {10.0, TransientEvent::Kind::FeederStop},
              {2400.0, TransientEvent::Kind::Restart, 1.0, 60.0}};
  RigidLoop loop(n, o);
  run_until(loop, 0.0, 30.0, 0.9, 0.1);
  // ore still in the riser once the flow has stopped (some left at the top during the run-down)
  const double inventory = loop.riser_inventory();
  // the non-return valve holds: flow stopped, alarm raised at the riser base at the trip
  EXPECT_EQ(loop.flow(), 0.0);
  ASSERT_TRUE(loop.velocity_alarm().raised);
  EXPECT_NEAR(loop.velocity_alarm().time, 10.0, 2.0);
  run_until(loop, 30.0, 2399.0, 0.9, 0.5);
  // Everything has settled into a packed bed at the riser base: length = V_ore / (A C_max).
  const double bed_exact = inventory / (n.riser.area() * n.ore.packing_limit);
  std::printf("  bed length %.1f m (exact %.1f m), packing alarm at t = %.1f s, s = %.1f m\n", loop.bed_length(),
              bed_exact, loop.packing_alarm().time, loop.packing_alarm().position);
  EXPECT_NEAR(loop.bed_length(), bed_exact, 5.0 + 1e-9);  // one cell
  ASSERT_TRUE(loop.packing_alarm().raised);
  EXPECT_LT(loop.packing_alarm().position, 10.0);
  // Restart pressure: supply/riser carriers are the same, so it is the submerged weight of the ore.
  run_until(loop, 2399.0, 2401.0, 0.9, 0.5);
  const double weight = inventory / n.riser.area() * (n.ore.density - n.fluid.carrier_density()) * n.fluid.gravity;
  std::printf("  restart pressure %.4f MPa, submerged ore weight %.4f MPa, pump shut-off %.4f MPa\n",
              loop.last_restart_pressure() / 1e6, weight / 1e6, n.pumps.pressure_rise(0.0, 1.0) / 1e6);
  EXPECT_NEAR(loop.last_restart_pressure(), weight, 1e-9 * weight);
  // The pumps (shut-off 9.16 MPa) lift the plug out again.
  run_until(loop, 2401.0, 3000.0, 0.9, 0.5);
  EXPECT_GT(loop.flow(), 0.15);
  EXPECT_LT(loop.riser_inventory(), 0.01 * inventory);
  EXPECT_LT(std::fabs(loop.conservation_error()), 1e-13);
}

TEST(LiftTransient, StateRoundTripContinuesIdentically) {
  Network n = reference_design();
  n.feeder.cycle.control = TankCycle::Control::Level;
  TransientOptions o;
  o.cell_size = 10.0;
  o.events = {{300.0, TransientEvent::Kind::Speed, 0.95, 30.0}};
  RigidLoop a(n, o);
  double t = run_until(a, 0.0, 250.0);
  RigidLoop b(n, o);
  b.set_concentration(a.concentration());
  b.restore_scalar_state(a.scalar_state());
  const double ta = run_until(a, t, 600.0);
  const double tb = run_until(b, t, 600.0);
  EXPECT_EQ(ta, tb);
  EXPECT_EQ(a.flow(), b.flow());
  EXPECT_EQ(a.concentration(), b.concentration());
  EXPECT_EQ(a.injected_volume(), b.injected_volume());
}
