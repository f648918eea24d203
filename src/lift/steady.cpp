// SPDX-License-Identifier: MIT
#include "lift/steady.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <petscsnes.h>

#include "core/error.hpp"
#include "core/log.hpp"
#include "lift/hydraulics.hpp"

namespace hadal::lift {
namespace {

constexpr double kPressureScale = 1e6;  // rows in MPa
constexpr double kFlowScale = 0.1;       // m3/s

struct Problem {
  const Network* net;
  SteadyOptions options;
  int sections;
};

// x = [Q or pump rise, p_discharge, p_feeder_in, p_feeder_out, p_top, C_1..C_M] (scaled)
struct Unpacked {
  double q, pump_rise, p1, p2, p3, p4;
  std::vector<double> c;
};

Unpacked unpack(const Problem& pb, const PetscScalar* x) {
  Unpacked u;
  if (pb.options.fixed_flow) {
    u.q = pb.options.flow;
    u.pump_rise = x[0] * kPressureScale;
  } else {
    u.q = x[0] * kFlowScale;
    u.pump_rise = pb.net->pumps.pressure_rise(u.q, pb.options.speed_ratio);
  }
  u.p1 = x[1] * kPressureScale;
  u.p2 = x[2] * kPressureScale;
  u.p3 = x[3] * kPressureScale;
  u.p4 = x[4] * kPressureScale;
  u.c.assign(x + 5, x + 5 + pb.sections);
  return u;
}

double delivered(const Problem& pb, double q) {
  return pb.options.ore_scale * pb.net->delivered_concentration(q);
}

// Riser totals for flow q and section concentrations c.
struct RiserTotals {
  double statics = 0, friction = 0, excess = 0, solids_static = 0;
};

RiserTotals riser_totals(const Network& net, double q, const std::vector<double>& c) {
  RiserTotals t;
  const RiserProperties props = RiserProperties::from(net);
  const double j = q / net.riser.area();
  for (std::size_t k = 0; k < net.riser.sections.size(); ++k) {
    const auto& sec = net.riser.sections[k];
    const double sa = std::sin(sec.angle), ca = std::cos(sec.angle);
    const RiserGradient g = props.gradient(c[k], j, sa, ca);
    t.statics += g.statics * sec.length;
    t.friction += g.friction * sec.length;
    t.excess += g.excess * sec.length;
    t.solids_static += c[k] * (net.ore.density - props.carrier_density) * net.fluid.gravity * sa * sec.length;
  }
  return t;
}

PetscErrorCode residual(SNES, Vec xv, Vec fv, void* ctx) {
  const Problem& pb = *static_cast<const Problem*>(ctx);
  const Network& net = *pb.net;
  const PetscScalar* x;
  PetscScalar* f;
  PetscCall(VecGetArrayRead(xv, &x));
  PetscCall(VecGetArray(fv, &f));
  const Unpacked u = unpack(pb, x);
  const SupplyTerms sup = supply_terms(net, u.q);
  const RiserTotals ris = riser_totals(net, u.q, u.c);
  const double p0 = 0.0;  // gauge pressure at the pump suction (ship manifold, sea level)
  // Open valves (none unless the case declares them) are local losses where they sit.
  const double valve_pump = valve_loss(net, ValveLocation::PumpDischarge, u.q, 0.0, 1.0);
  const double valve_feeder = valve_loss(net, ValveLocation::Feeder, u.q, u.c.front(), 1.0);
  const double valve_top = valve_loss(net, ValveLocation::RiserTop, u.q, u.c.back(), 1.0);
  f[0] = (u.p1 - p0 - u.pump_rise + valve_pump) / kPressureScale;
  f[1] = (u.p2 - u.p1 - sup.statics + sup.friction + sup.minor) / kPressureScale;
  f[2] = (u.p3 - u.p2 + feeder_loss(net, u.q, u.c.front()) + valve_feeder) / kPressureScale;
  f[3] = (u.p4 - u.p3 + ris.statics + ris.friction + ris.excess + riser_minor_loss(net, u.q, u.c.back())) /
         kPressureScale;
  f[4] = (u.p4 - separator_loss(net, u.q) - valve_top - p0) / kPressureScale;
  const DriftFlux drift = net.drift_flux();
  const double j = u.q / net.riser.area();
  const double cd = delivered(pb, u.q);
  for (int k = 0; k < pb.sections; ++k) {
    const double sa = std::sin(net.riser.sections[k].angle);
    f[5 + k] = (drift.flux(u.c[k], j, sa) - cd * j) / (kFlowScale * 10.0 * std::max(std::fabs(j), 0.1));
  }
  PetscCall(VecRestoreArrayRead(xv, &x));
  PetscCall(VecRestoreArray(fv, &f));
  return 0;
}

void check_petsc(PetscErrorCode code, const char* what) {
  if (code != 0) throw NumericalError(std::string("lift steady solver: PETSc failure in ") + what);
}

struct SolveOutcome {
  bool converged = false;
  int iterations = 0;
  double norm = 0.0;
  std::vector<double> x;
};

// Initial guess: flow from the pump's best point, pressures from a sequential evaluation.
std::vector<double> initial_guess(const Problem& pb, double q_guess) {
  const Network& net = *pb.net;
  std::vector<double> x(5 + pb.sections);
  const double j = q_guess / net.riser.area();
  const double cd = delivered(pb, q_guess);
  std::vector<double> c(pb.sections);
  for (int k = 0; k < pb.sections; ++k) {
    const double r = resident_concentration(net.drift_flux(), cd, j, std::sin(net.riser.sections[k].angle));
    c[k] = r < 0 ? std::min(cd, 0.9 * net.ore.packing_limit) : r;
  }
  const double rise = pb.options.fixed_flow ? 7e6 : net.pumps.pressure_rise(q_guess, pb.options.speed_ratio);
  const SupplyTerms sup = supply_terms(net, q_guess);
  const double p1 = rise;
  const double p2 = p1 + sup.statics - sup.friction - sup.minor;
  const double p3 = p2 - feeder_loss(net, q_guess, c.front());
  const double p4 = separator_loss(net, q_guess);
  x[0] = pb.options.fixed_flow ? rise / kPressureScale : q_guess / kFlowScale;
  x[1] = p1 / kPressureScale;
  x[2] = p2 / kPressureScale;
  x[3] = p3 / kPressureScale;
  x[4] = p4 / kPressureScale;
  for (int k = 0; k < pb.sections; ++k) x[5 + k] = c[k];
  return x;
}

SolveOutcome run_snes(Problem& pb, const std::vector<double>& guess) {
  SolveOutcome out;
  const PetscInt n = static_cast<PetscInt>(guess.size());
  SNES snes;
  Vec x, r;
  Mat jac;
  check_petsc(SNESCreate(PETSC_COMM_SELF, &snes), "SNESCreate");
  check_petsc(VecCreateSeq(PETSC_COMM_SELF, n, &x), "VecCreateSeq");
  check_petsc(VecDuplicate(x, &r), "VecDuplicate");
  check_petsc(MatCreateSeqDense(PETSC_COMM_SELF, n, n, nullptr, &jac), "MatCreateSeqDense");
  check_petsc(SNESSetFunction(snes, r, residual, &pb), "SNESSetFunction");
  // A handful of unknowns: a finite-difference dense Jacobian costs n+1 residuals and is exact enough.
  check_petsc(SNESSetJacobian(snes, jac, jac, SNESComputeJacobianDefault, &pb), "SNESSetJacobian");
  check_petsc(SNESSetType(snes, SNESNEWTONLS), "SNESSetType");
  SNESLineSearch ls;
  check_petsc(SNESGetLineSearch(snes, &ls), "SNESGetLineSearch");
  check_petsc(SNESLineSearchSetType(ls, SNESLINESEARCHBT), "SNESLineSearchSetType");
  KSP ksp;
  PC pc;
  check_petsc(SNESGetKSP(snes, &ksp), "SNESGetKSP");
  check_petsc(KSPSetType(ksp, KSPPREONLY), "KSPSetType");
  check_petsc(KSPGetPC(ksp, &pc), "KSPGetPC");
  check_petsc(PCSetType(pc, PCLU), "PCSetType");
  check_petsc(SNESSetTolerances(snes, 1e-11, 1e-12, 1e-14, 60, 10000), "SNESSetTolerances");
  check_petsc(SNESSetOptionsPrefix(snes, "lift_"), "SNESSetOptionsPrefix");
  check_petsc(SNESSetFromOptions(snes), "SNESSetFromOptions");
  PetscScalar* xa;
  check_petsc(VecGetArray(x, &xa), "VecGetArray");
  std::copy(guess.begin(), guess.end(), xa);
  check_petsc(VecRestoreArray(x, &xa), "VecRestoreArray");
  check_petsc(SNESSolve(snes, nullptr, x), "SNESSolve");
  SNESConvergedReason reason;
  PetscInt its;
  PetscReal norm;
  check_petsc(SNESGetConvergedReason(snes, &reason), "SNESGetConvergedReason");
  check_petsc(SNESGetIterationNumber(snes, &its), "SNESGetIterationNumber");
  check_petsc(SNESGetFunctionNorm(snes, &norm), "SNESGetFunctionNorm");
  out.converged = reason > 0 && std::isfinite(norm) && norm < 1e-6;
  out.iterations = static_cast<int>(its);
  out.norm = norm;
  const PetscScalar* xr;
  check_petsc(VecGetArrayRead(x, &xr), "VecGetArrayRead");
  out.x.assign(xr, xr + n);
  check_petsc(VecRestoreArrayRead(x, &xr), "VecRestoreArrayRead");
  MatDestroy(&jac);
  VecDestroy(&r);
  VecDestroy(&x);
  SNESDestroy(&snes);
  return out;
}

bool physical(const Problem& pb, const SolveOutcome& s) {
  if (!s.converged) return false;
  if (!pb.options.fixed_flow && s.x[0] <= 0.0) return false;
  for (int k = 0; k < pb.sections; ++k) {
    const double c = s.x[5 + k];
    if (c < -1e-12 || c > pb.net->ore.packing_limit + 1e-12) return false;
  }
  return true;
}

// Solve at ore_scale = target, by continuation from clear water if the direct attempt fails.
SolveOutcome solve_with_continuation(Problem pb, double target, double q_guess) {
  pb.options.ore_scale = target;
  SolveOutcome s = run_snes(pb, initial_guess(pb, q_guess));
  if (physical(pb, s)) return s;
  int total_its = s.iterations;
  std::vector<double> x;
  const int steps = 8;
  for (int i = 0; i <= steps; ++i) {
    pb.options.ore_scale = target * i / steps;
    s = run_snes(pb, x.empty() ? initial_guess(pb, q_guess) : x);
    total_its += s.iterations;
    if (!physical(pb, s)) break;
    x = s.x;
  }
  s.iterations = total_its;
  return s;
}

}  // namespace

PipeCells make_cells(const Pipe& pipe, double cell_size, double top_depth, bool ascending) {
  PipeCells cells;
  double s0 = 0.0;
  // depth at the start of the pipe (in its flow direction)
  double depth = ascending ? top_depth + pipe.rise() : top_depth;
  for (const auto& sec : pipe.sections) {
    const int n = std::max(1, static_cast<int>(std::lround(sec.length / cell_size)));
    const double dl = sec.length / n;
    const double sa = std::sin(sec.angle), ca = std::cos(sec.angle);
    for (int i = 0; i < n; ++i) {
      const double sc = s0 + (i + 0.5) * dl;
      const double dz = (i + 0.5) * dl * sa;
      cells.s.push_back(sc);
      cells.depth.push_back(ascending ? depth - dz : depth + dz);
      cells.sin_angle.push_back(sa);
      cells.cos_angle.push_back(ca);
      cells.length.push_back(dl);
    }
    s0 += sec.length;
    depth = ascending ? depth - sec.length * sa : depth + sec.length * sa;
  }
  return cells;
}

SteadyResult solve_steady(const Network& net, const SteadyOptions& options) {
  Problem pb{&net, options, static_cast<int>(net.riser.sections.size())};
  const double q_guess = options.fixed_flow ? options.flow : net.pumps.rated_flow() * options.speed_ratio;
  SolveOutcome s = solve_with_continuation(pb, 1.0, q_guess);
  if (!physical(pb, s)) {
    // No operating point with the full feed: find the largest feasible share by bisection, then say
    // which limit bites (riser packing at the flow the pumps give, or pumps unable to lift the column).
    Problem water = pb;
    water.options.ore_scale = 0.0;
    SolveOutcome w = run_snes(water, initial_guess(water, q_guess));
    if (!physical(water, w)) {
      throw InfeasibleInput("pumps", "the pumps cannot circulate even clear carrier through the loop: pump "
                                     "pressure below the loop's losses at every flow");
    }
    double lo = 0.0, hi = 1.0;
    std::vector<double> best = w.x;
    for (int it = 0; it < 14; ++it) {
      const double mid = 0.5 * (lo + hi);
      Problem trial = pb;
      trial.options.ore_scale = mid;
      SolveOutcome t = run_snes(trial, best);
      if (physical(trial, t)) { lo = mid; best = t.x; } else { hi = mid; }
    }
    const double q = options.fixed_flow ? options.flow : best[0] * kFlowScale;
    const double cd_max = lo * net.delivered_concentration(q);
    double cmax = 0.0;
    for (int k = 0; k < pb.sections; ++k) cmax = std::max(cmax, best[5 + k]);
    const double rate_max = cd_max * q * net.ore.density;
    std::ostringstream msg;
    msg.precision(4);
    const bool packing = cmax > 0.98 * net.ore.packing_limit;
    const std::string key = net.feeder.by_concentration ? "feeder.delivered_concentration" : "feeder.mass_rate";
    if (packing) {
      msg << "feeder rate above what the flow can carry: at most " << rate_max << " kg/s ("
          << rate_max * 86.4 << " t/day, delivered concentration " << cd_max << ") at a loop flow of " << q * 3600
          << " m3/h before the riser's in-situ concentration reaches the packing limit " << net.ore.packing_limit;
    } else {
      msg << "no operating point: the pumps cannot lift this ore load; the largest feasible feed is " << rate_max
          << " kg/s (" << rate_max * 86.4 << " t/day, delivered concentration " << cd_max << ") at " << q * 3600
          << " m3/h";
    }
    throw InfeasibleInput(key, msg.str());
  }

  const Unpacked u = unpack(pb, s.x.data());
  SteadyResult r;
  r.flow = u.q;
  r.speed_ratio = options.speed_ratio;
  r.pump_pressure = u.pump_rise;
  r.iterations = s.iterations;
  r.residual_norm = s.norm;
  r.section_concentration = u.c;
  r.riser_velocity = u.q / net.riser.area();
  r.supply_velocity = u.q / (net.supply.count * net.supply.area());
  r.delivered_concentration = delivered(pb, u.q);
  double clen = 0.0;
  for (int k = 0; k < pb.sections; ++k) clen += u.c[k] * net.riser.sections[k].length;
  r.resident_concentration = clen / net.riser.length();
  const DriftFlux drift = net.drift_flux();
  r.solids_velocity = drift.solids_velocity(u.c.front(), r.riser_velocity, std::sin(net.riser.sections.front().angle));
  r.pressure_discharge = u.p1;
  r.pressure_feeder_inlet = u.p2;
  r.pressure_feeder_outlet = u.p3;
  r.pressure_riser_top = u.p4;
  r.ambient_at_feeder = net.fluid.water_density * net.fluid.gravity * net.feeder.depth;

  // Pump side: speed ratio fixed in pump-curve mode; with an imposed flow, report the duty only.
  r.pump_efficiency = net.pumps.efficiency(u.q, options.speed_ratio);
  r.pump_power = r.pump_efficiency > 1e-6 ? r.pump_pressure * u.q / r.pump_efficiency : 0.0;
  r.beyond_pump_curve = net.pumps.pump_flow(u.q) / options.speed_ratio > net.pumps.curve.max_flow();

  const double ore_rate = r.delivered_concentration * u.q * net.ore.density;  // kg/s
  r.production_t_per_day = ore_rate * 86400.0 / 1000.0;
  r.specific_energy_kWh_per_t = ore_rate > 0.0 ? r.pump_power / ore_rate / 3600.0 : 0.0;
  r.min_velocity_ratio = 1e300;
  for (int k = 0; k < pb.sections; ++k) r.min_velocity_ratio = std::min(r.min_velocity_ratio, r.riser_velocity / net.ore.settling_velocity);
  r.min_velocity_margin = r.min_velocity_ratio / net.blockage.velocity_ratio;
  r.carrying_capacity = drift.flux(net.ore.packing_limit, r.riser_velocity, 1.0) * net.riser.area();

  const SupplyTerms sup = supply_terms(net, u.q);
  const RiserTotals ris = riser_totals(net, u.q, u.c);
  PressureBudget& b = r.budget;
  b.hydrostatic_imbalance = ris.statics - sup.statics;
  b.solids_static = ris.solids_static;
  b.riser_friction = ris.friction;
  b.riser_solids_friction = ris.excess;
  b.supply_friction = sup.friction;
  b.local_losses = sup.minor + riser_minor_loss(net, u.q, u.c.back()) +
                   valve_loss(net, ValveLocation::PumpDischarge, u.q, 0.0, 1.0) +
                   valve_loss(net, ValveLocation::Feeder, u.q, u.c.front(), 1.0) +
                   valve_loss(net, ValveLocation::RiserTop, u.q, u.c.back(), 1.0);
  b.feeder = feeder_loss(net, u.q, u.c.front());
  b.separator = separator_loss(net, u.q);
  r.riser_loss = ris.statics - net.fluid.water_density * net.fluid.gravity * net.riser.rise() + ris.friction + ris.excess;
  return r;
}

PipeProfile riser_profile(const Network& net, const PipeCells& cells, double q, double p_bottom,
                          const std::vector<double>& c_cells, double acceleration) {
  PipeProfile prof;
  const RiserProperties props = RiserProperties::from(net);
  const DriftFlux drift = net.drift_flux();
  const double j = q / net.riser.area();
  double p = p_bottom;
  for (std::size_t i = 0; i < cells.s.size(); ++i) {
    const RiserGradient g = props.gradient(c_cells[i], j, cells.sin_angle[i], cells.cos_angle[i]);
    const double half =
        0.5 * cells.length[i] * (g.statics + g.friction + g.excess + props.mixture_density(c_cells[i]) * acceleration);
    p -= half;
    prof.s.push_back(cells.s[i]);
    prof.depth.push_back(cells.depth[i]);
    prof.pressure.push_back(p);
    prof.ambient.push_back(net.fluid.water_density * net.fluid.gravity * cells.depth[i]);
    prof.concentration.push_back(c_cells[i]);
    prof.solids_velocity.push_back(drift.solids_velocity(c_cells[i], j, cells.sin_angle[i]));
    p -= half;
  }
  return prof;
}

PipeProfile steady_riser_profile(const Network& net, const SteadyResult& result, double cell_size) {
  const PipeCells cells = make_cells(net.riser, cell_size, 0.0, true);
  // concentration per cell from its section
  std::vector<double> c;
  for (std::size_t k = 0; k < net.riser.sections.size(); ++k) {
    const int n = std::max(1, static_cast<int>(std::lround(net.riser.sections[k].length / cell_size)));
    for (int i = 0; i < n; ++i) c.push_back(result.section_concentration[k]);
  }
  return riser_profile(net, cells, result.flow, result.pressure_feeder_outlet, c, 0.0);
}

PipeProfile supply_profile(const Network& net, const PipeCells& cells, double flow, double top_pressure,
                           double inertia_gradient) {
  PipeProfile prof;
  const double rho = net.fluid.carrier_density();
  const double v = flow / (net.supply.count * net.supply.area());
  const double fg = friction_gradient(net.friction_law, rho, net.fluid.carrier_viscosity(), net.supply.diameter,
                                      net.supply.roughness, v);
  double p = top_pressure;
  for (std::size_t i = 0; i < cells.s.size(); ++i) {
    const double half = 0.5 * cells.length[i] * (fg + inertia_gradient - rho * net.fluid.gravity * cells.sin_angle[i]);
    p -= half;
    prof.s.push_back(cells.s[i]);
    prof.depth.push_back(cells.depth[i]);
    prof.pressure.push_back(p);
    prof.ambient.push_back(net.fluid.water_density * net.fluid.gravity * cells.depth[i]);
    prof.concentration.push_back(0.0);
    prof.solids_velocity.push_back(0.0);
    p -= half;
  }
  return prof;
}

PipeProfile steady_supply_profile(const Network& net, const SteadyResult& result, double cell_size) {
  return supply_profile(net, make_cells(net.supply, cell_size, 0.0, false), result.flow, result.pressure_discharge,
                        0.0);
}

}  // namespace hadal::lift
