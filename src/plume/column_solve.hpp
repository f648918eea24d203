// SPDX-License-Identifier: MIT
/// \file column_solve.hpp
/// \brief The Eulerian model's vertical step for one water column and one grain class: settling,
/// vertical diffusion and deposition (theta scheme, one tridiagonal solve), erosion (explicit, capped
/// by the bed mass), with the column's mass budget closed exactly. A functor so that it is tested on
/// its own (tests/plume/test_column_solve.cpp) and launched over (i, j, class) by the model.
#pragma once

#include <Kokkos_Core.hpp>

#include "numerics/limiter.hpp"
#include "plume/closures.hpp"

namespace hadal::plume {

struct VerticalColumnSolve {
  using View3 = Kokkos::View<double***>;
  View3 c;            ///< concentration, (i, j, n * nz + k), kg m-3; updated in place
  View3 bed;          ///< bed mass per class, (i, j, n), kg m-2; updated in place
  View3 kz;           ///< vertical diffusivity on bottom faces, (i, j, k) for k = 0..nz, m2 s-1
  View3 tau_b;        ///< bed shear stress, (i, j, 0), Pa
  View3 scratch;      ///< Thomas coefficients, same shape as c
  Kokkos::View<int**> first_wet;              ///< first wet level per column (nz: a dry column)
  Kokkos::View<double*> ws, tau_ce, erosion_m;  ///< per class: settling velocity, critical shear, Partheniades M
  Kokkos::View<const double*> dz;             ///< cell heights
  Kokkos::View<double*> inv_dz;               ///< 1 / dz(k)
  Kokkos::View<double*> inv_face_spacing;     ///< 1 / (z_c(k) - z_c(k-1)) at face k (0 at the ends)
  int nz = 1;
  double dt = 0.0;
  double theta = 1.0;                         ///< 1 backward Euler, 1/2 Crank-Nicolson
  numerics::Limiter limiter = numerics::Limiter::VanLeer;
  Deposition deposition = Deposition::Always;
  double tau_cd = 0.07;                       ///< Krone critical stress for deposition

  KOKKOS_INLINE_FUNCTION void operator()(int i, int j, int n) const {
    const int kb = first_wet(i, j);
    if (kb >= nz) return;
    const int o = n * nz;
    const double w = ws(n), inv_dt = 1.0 / dt;
    const double pd = deposition_probability(deposition, tau_b(i, j, 0), tau_cd);
    // Erosion, explicit and capped by the bed mass present.
    const double flux = erosion_flux(erosion_m(n), tau_b(i, j, 0), tau_ce(n));
    if (flux > 0.0) {
      double eroded = flux * dt;
      eroded = eroded < bed(i, j, n) ? eroded : bed(i, j, n);
      bed(i, j, n) -= eroded;
      c(i, j, o + kb) += eroded / dz(kb);
    }
    // Operator A (mass per area per time): between k and k+1 settling carries w c(k+1) down and
    // diffusion acts with Kz/h; the bed takes pd w c(kb); nothing crosses the grid top. The theta
    // scheme gives a tridiagonal system per column, solved by the Thomas algorithm (rhs kept in c,
    // the c' coefficients in scratch).
    // Second-order settling: an explicit limited correction to the implicit upwind flux through
    // interior faces, faded out as the settling Courant number w dt/dz approaches 1/2 so that coarse
    // grains (Courant >> 1) keep the positive first-order flux.
    auto correction = [&](int k, double c_k, double c_k1, double c_k2) {  // face between k and k+1
      const double blend = 1.0 - 2.0 * w * dt * inv_dz(k + 1);
      if (blend <= 0.0) return 0.0;
      return w * 0.5 * blend * numerics::limited_slope(limiter, c_k1 - c_k2, c_k - c_k1);
    };
    const double bottom_old = c(i, j, o + kb);
    double mass_old = 0.0;
    double previous_cp = 0.0, previous_d = 0.0;
    double c_below_old = 0.0, correction_below = 0.0, d_down = 0.0;
    for (int k = kb; k < nz; ++k) {
      const bool top = k == nz - 1;
      const double c_old = c(i, j, o + k);
      const double c_above_old = top ? 0.0 : c(i, j, o + k + 1);
      const double c_above2_old = k < nz - 2 ? c(i, j, o + k + 2) : 0.0;
      const double d_up = top ? 0.0 : kz(i, j, k + 1) * inv_face_spacing(k + 1);
      const double sub = d_down, sup = top ? 0.0 : w + d_up;
      const double diag = -(k > kb ? w : pd * w) - d_up - d_down;
      const double correction_above = top ? 0.0 : correction(k, c_old, c_above_old, c_above2_old);
      const double rhs = dz(k) * inv_dt * c_old + (1.0 - theta) * (sub * c_below_old + diag * c_old + sup * c_above_old) +
                         correction_above - correction_below;
      const double a = -theta * sub, b = dz(k) * inv_dt - theta * diag, cc = -theta * sup;
      const double denominator = 1.0 / (b - a * previous_cp);
      previous_cp = cc * denominator;
      previous_d = (rhs - a * previous_d) * denominator;
      scratch(i, j, o + k) = previous_cp;
      c(i, j, o + k) = previous_d;
      mass_old += c_old * dz(k);
      c_below_old = c_old;
      correction_below = correction_above;
      d_down = d_up;
    }
    double mass_new = c(i, j, o + nz - 1) * dz(nz - 1);
    for (int k = nz - 2; k >= kb; --k) {
      c(i, j, o + k) -= scratch(i, j, o + k) * c(i, j, o + k + 1);
      mass_new += c(i, j, o + k) * dz(k);
    }
    // What left the bottom cell went to the bed (same theta weighting as the solve).
    const double deposit = dt * pd * w * (theta * c(i, j, o + kb) + (1.0 - theta) * bottom_old);
    bed(i, j, n) += deposit;
    // The solve conserves mass up to round-off; rescaling the column to its exact budget keeps the
    // ledger closed over millions of steps.
    const double mass_expected = mass_old - deposit;
    if (mass_new > 0.0 && mass_expected > 0.0 && mass_new != mass_expected) {
      const double factor = mass_expected / mass_new;
      for (int k = kb; k < nz; ++k) c(i, j, o + k) *= factor;
    }
  }
};

}  // namespace hadal::plume
