// SPDX-License-Identifier: MIT
/// \file closures.hpp
/// \brief The food web's rate formulas and its time integrator, device-callable, written once for the
/// inline (with a plume run) and the offline (recovery) paths.
///
/// Every carbon flow has a donor pool and is written as (specific rate) x (donor stock): the web is a
/// production-destruction system. The modified Patankar-Runge-Kutta scheme MPRK22 (Kopecz & Meister
/// 2018) weights each flow by (new donor)/(stage donor), so a step is one linear solve per stage,
/// stocks stay positive for any step, and every unit of carbon that leaves a pool arrives in another or
/// in the respiration/export ledgers: the budget closes to round-off. It is second order.
#pragma once

#include <Kokkos_Core.hpp>

#include "benthos/settings.hpp"
#include "numerics/kokkos_math.hpp"

namespace hadal::benthos {

/// Specific rates (s-1) of all flows of one cell at one state: transfer[i][j] from pool j to pool i,
/// respiration[j] and export[j] out of pool j; source[i] (mg C m-2 s-1) arrives from outside.
struct Flows {
  double transfer[kPools][kPools];
  double respiration[kPools];
  double exported[kPools];
  double source[kPools];
};

/// Fraction by which turbidity reduces a group's feeding or drives its washout: C / (C + C_half).
KOKKOS_INLINE_FUNCTION double turbidity_level(double concentration, double half_concentration) {
  const double c = concentration > 0.0 ? concentration : 0.0;
  return c / (c + half_concentration);
}

/// Holling type II feeding of `consumer` on `prey`: ingestion = rate x consumer x prey / (K + prey). The
/// assimilated part grows the consumer (growth efficiency) or is respired; the rest is egested as food.
KOKKOS_INLINE_FUNCTION void add_feeding(Flows& f, int consumer, int prey, double rate, const GroupParameters& g,
                                        const double* c, double half_saturation, double feeding_factor) {
  const double per_prey = rate * feeding_factor * c[consumer] / (half_saturation + c[prey]);
  f.transfer[consumer][prey] += g.assimilation * g.growth_efficiency * per_prey;
  f.respiration[prey] += g.assimilation * (1.0 - g.growth_efficiency) * per_prey;
  if (prey != kFood) f.transfer[kFood][prey] += (1.0 - g.assimilation) * per_prey;
}

/// All flows of a cell with stocks `c` under a near-bed turbidity level (0 clear .. 1 saturating).
KOKKOS_INLINE_FUNCTION void food_web_flows(const FoodWebParameters& p, const double* c, double turbidity, Flows& f) {
  for (int i = 0; i < kPools; ++i) {
    for (int j = 0; j < kPools; ++j) f.transfer[i][j] = 0.0;
    f.respiration[i] = f.exported[i] = f.source[i] = 0.0;
  }
  f.source[kFood] = p.organic_rain;
  f.exported[kFood] = p.food_loss_rate;
  auto feeding = [&](int g) { return 1.0 - p.groups[g].turbidity_sensitivity * turbidity; };
  auto half = [&](int consumer, int prey) { return p.groups[consumer].half_saturation_ratio * p.baseline[prey]; };
  const auto& macro = p.groups[kMacro];
  add_feeding(f, kBacteria, kFood, p.groups[kBacteria].grazing_rate, p.groups[kBacteria], c, half(kBacteria, kFood),
              feeding(kBacteria));
  const int grazers[3] = {kNano, kMeioEpi, kMeioIn};
  for (int g : grazers) {
    add_feeding(f, g, kBacteria, p.groups[g].grazing_rate, p.groups[g], c, half(g, kBacteria), feeding(g));
  }
  add_feeding(f, kMacro, kFood, macro.grazing_rate, macro, c, half(kMacro, kFood), feeding(kMacro));
  const int meiobenthos[2] = {kMeioEpi, kMeioIn};
  for (int prey : meiobenthos) {
    add_feeding(f, kMacro, prey, p.macro_predation_rate, macro, c, half(kMacro, prey), feeding(kMacro));
  }
  for (int g = kBacteria; g <= kMacro; ++g) {
    f.respiration[g] += p.groups[g].respiration_rate;
    f.transfer[kFood][g] += p.groups[g].mortality_rate + p.groups[g].quadratic_mortality * c[g];
  }
  // Larvae: released by the meiobenthos, die into food, settle where a meiobenthos group is below baseline.
  f.transfer[kLarvae][kMeioEpi] += p.larval_production_rate;
  f.transfer[kLarvae][kMeioIn] += p.larval_production_rate;
  f.transfer[kFood][kLarvae] += p.larval_mortality_rate;
  for (int g : meiobenthos) {
    const double deficit = 1.0 - c[g] / p.baseline[g];
    f.transfer[g][kLarvae] += p.larval_settlement_rate * (deficit > 0.0 ? deficit : 0.0);
  }
}

/// dc/dt of the web (for residuals and tests): sources + inflows - outflows.
KOKKOS_INLINE_FUNCTION void food_web_tendency(const FoodWebParameters& p, const double* c, double turbidity,
                                              double* dcdt) {
  Flows f;
  food_web_flows(p, c, turbidity, f);
  for (int i = 0; i < kPools; ++i) dcdt[i] = f.source[i] - (f.respiration[i] + f.exported[i]) * c[i];
  for (int i = 0; i < kPools; ++i) {
    for (int j = 0; j < kPools; ++j) {
      if (i == j) continue;
      dcdt[i] += f.transfer[i][j] * c[j];
      dcdt[j] -= f.transfer[i][j] * c[j];
    }
  }
}

/// Solves A x = b for a column diagonally dominant n x n matrix (the Patankar matrices are M-matrices,
/// so elimination without pivoting is stable). A and b are overwritten; x may alias b.
template <int N>
KOKKOS_INLINE_FUNCTION void solve_dominant(double (&a)[N][N], double (&b)[N]) {
  for (int k = 0; k < N; ++k) {
    for (int i = k + 1; i < N; ++i) {
      const double factor = a[i][k] / a[k][k];
      if (factor == 0.0) continue;
      for (int j = k + 1; j < N; ++j) a[i][j] -= factor * a[k][j];
      b[i] -= factor * b[k];
    }
  }
  for (int i = N - 1; i >= 0; --i) {
    double sum = b[i];
    for (int j = i + 1; j < N; ++j) sum -= a[i][j] * b[j];
    b[i] = sum / a[i][i];
  }
}

/// What one step sent out of the cell or brought in (mg C m-2), for the carbon budget.
struct StepLedger {
  double input = 0.0, respired = 0.0, exported = 0.0;
};

/// One Patankar-weighted implicit stage: x solves x_i = c_i + dt (s_i + sum_j a_ij x_j - (sum_k a_ki + out_i) x_i),
/// the coefficients a being specific rates per unit of the new donor stock. Returns the ledger of the stage.
template <class Coefficient, class Respired, class Exported>
KOKKOS_INLINE_FUNCTION StepLedger patankar_stage(const double* c, const double* source, double dt,
                                                 const Coefficient& coefficient, const Respired& respired,
                                                 const Exported& exported, double* x) {
  double a[kPools][kPools], b[kPools];
  for (int j = 0; j < kPools; ++j) {
    double out = respired(j) + exported(j);
    for (int i = 0; i < kPools; ++i) {
      if (i == j) continue;
      const double aij = coefficient(i, j);
      a[i][j] = -dt * aij;
      out += aij;
    }
    a[j][j] = 1.0 + dt * out;
    b[j] = c[j] + dt * source[j];
  }
  solve_dominant<kPools>(a, b);
  StepLedger ledger;
  for (int j = 0; j < kPools; ++j) {
    x[j] = b[j];
    ledger.input += dt * source[j];
    ledger.respired += dt * respired(j) * x[j];
    ledger.exported += dt * exported(j) * x[j];
  }
  return ledger;
}

/// One MPRK22 step (alpha = 1) of length dt from `c` to `next` with constant turbidity: second order in
/// time, positive and conservative for any dt. Returns the carbon that entered and left during the step.
KOKKOS_INLINE_FUNCTION StepLedger mprk22_step(const FoodWebParameters& p, const double* c, double turbidity, double dt,
                                              double* next) {
  Flows f0, f1;
  double stage[kPools];
  food_web_flows(p, c, turbidity, f0);
  // Stage 1: modified Patankar-Euler (weights c, so the coefficients are the specific rates at c).
  patankar_stage(
      c, f0.source, dt, [&](int i, int j) { return f0.transfer[i][j]; }, [&](int j) { return f0.respiration[j]; },
      [&](int j) { return f0.exported[j]; }, stage);
  food_web_flows(p, stage, turbidity, f1);
  // Stage 2: trapezoidal flows weighted by (new donor) / (stage-1 donor).
  auto mean = [&](double k0, double k1, int j) { return stage[j] > 0.0 ? 0.5 * (k0 * c[j] / stage[j] + k1) : 0.5 * (k0 + k1); };
  double source[kPools];
  for (int i = 0; i < kPools; ++i) source[i] = 0.5 * (f0.source[i] + f1.source[i]);
  return patankar_stage(
      c, source, dt, [&](int i, int j) { return mean(f0.transfer[i][j], f1.transfer[i][j], j); },
      [&](int j) { return mean(f0.respiration[j], f1.respiration[j], j); },
      [&](int j) { return mean(f0.exported[j], f1.exported[j], j); }, next);
}

/// Fraction of a group that survives an effective burial depth h (m): 1 - s h^n / (h^n + h50^n).
KOKKOS_INLINE_FUNCTION double burial_survival(const GroupParameters& g, double h) {
  if (h <= 0.0 || g.burial_sensitivity <= 0.0) return 1.0;
  const double x = km::pow(h / g.burial_half_thickness, g.burial_steepness);
  return 1.0 - g.burial_sensitivity * x / (1.0 + x);
}

/// Effective burial added by a deposit increment dh laid down over dt: what the group cannot escape.
KOKKOS_INLINE_FUNCTION double burial_increment(const GroupParameters& g, double dh, double dt) {
  const double excess = dh - g.escape_velocity * dt;
  return excess > 0.0 ? excess : 0.0;
}

}  // namespace hadal::benthos
