// SPDX-License-Identifier: MIT
/// \file kernels.hpp
/// \brief Device-callable pieces of the elastic (pressure-wave) solver: the exact Riemann solution of the
/// linear acoustic system, the face with a discrete vapour cavity, and the friction lookup.
#pragma once

#include <Kokkos_Core.hpp>

#include "numerics/kokkos_math.hpp"

namespace hadal::lift {

/// The impedance weights of a face between cells of impedances zl and zr (rho a), computed once per
/// property change so the Riemann solution needs no division.
struct FaceWeights {
  double left = 0.5, right = 0.5;  ///< zl/(zl+zr), zr/(zl+zr)
  double series = 0.0;             ///< zl zr/(zl+zr)
  double inverse_sum = 0.0;        ///< 1/(zl+zr)
};
KOKKOS_INLINE_FUNCTION FaceWeights face_weights(double zl, double zr) {
  const double inv = 1.0 / (zl + zr);
  return {zl * inv, zr * inv, zl * zr * inv, inv};
}

/// Exact solution of the Riemann problem of the water-hammer equations (dp/dt + K dv/ds = 0,
/// rho dv/dt + dp/ds = 0) between a left state (pl, vl) and a right state (pr, vr): the face pressure and
/// velocity both waves leave behind. With equal impedances it is the method of characteristics' interior
/// point; with different ones it transmits and reflects at the jump.
KOKKOS_INLINE_FUNCTION void acoustic_riemann(double pl, double vl, double pr, double vr, const FaceWeights& w,
                                             double& p, double& v) {
  v = w.left * vl + w.right * vr + w.inverse_sum * (pl - pr);
  p = w.right * pl + w.left * pr + w.series * (vl - vr);
}

/// Face state where the liquid cannot take tension (discrete vapour cavity on the face). With a cavity of
/// volume `cavity` already there, or where the Riemann solution would fall below the vapour pressure pv,
/// both sides see pv and move on their own characteristics (left: p + zl v, right: p - zr v; inv_zl =
/// 1/zl); the cavity grows by area (v_right - v_left) dt. When that brings it to zero or below it has
/// collapsed and the liquid faces meet (Riemann solution). Returns the face pressure, the velocities seen
/// by the left and by the right cell, and the new cavity volume.
KOKKOS_INLINE_FUNCTION void cavitating_face(double pl, double vl, double pr, double vr, const FaceWeights& w,
                                            double inv_zl, double inv_zr, double pv, double cavity, double area,
                                            double dt, double& p, double& v_left, double& v_right,
                                            double& cavity_next) {
  double v;
  acoustic_riemann(pl, vl, pr, vr, w, p, v);
  v_left = v_right = v;
  cavity_next = 0.0;
  if (cavity <= 0.0 && p >= pv) return;
  const double left = vl + (pl - pv) * inv_zl, right = vr - (pr - pv) * inv_zr;
  const double grown = cavity + area * (right - left) * dt;
  if (grown <= 0.0) return;  // collapsed (or never opened): liquid contact
  p = pv;
  v_left = left;
  v_right = right;
  cavity_next = grown;
}

/// Intervals of the friction tables (a power of two, so dividing by it is exact as a multiplication).
constexpr int kFrictionTableIntervals = 16384;

/// Quasi-steady friction rate psi(|v|) = f(Re) |v| / (2 D) (1/s) by linear interpolation in a table of
/// kFrictionTableIntervals + 1 entries on a uniform grid of |v| (spacing 1/inv_step); beyond the table f is
/// taken as constant, so psi grows linearly with |v|. Branch-free, so a loop of it vectorises (a non-finite
/// speed reads the table's first entry and gives a non-finite rate).
KOKKOS_FORCEINLINE_FUNCTION double friction_rate(const double* table, double inv_step, double speed) {
  constexpr double last = kFrictionTableIntervals;
  const double x = speed * inv_step;
  const bool inside = x < last;
  const int j = inside ? static_cast<int>(x) : 0;
  const double w = x - j;
  const double interpolated = table[j] + w * (table[j + 1] - table[j]);
  const double extrapolated = table[kFrictionTableIntervals] * x * (1.0 / last);
  return inside ? interpolated : extrapolated;
}

/// MUSCL-Hancock half step of one cell: from its pressure p, velocity v, equilibrium increment gdx = G dx,
/// limited deviation slope dev and velocity slope dv (both zero for a first-order cell), the states on its
/// back (minus) and front (plus) faces half a step dt later, the pressure not below the vapour pressure.
KOKKOS_FORCEINLINE_FUNCTION void half_step(double p, double v, double gdx, double dev, double dv, double k_dx,
                                           double inv_rho_dx, double vapour, double half_dt, double& pm, double& vm,
                                           double& pp, double& vp) {
  const double slope = gdx + dev;
  const double pt = p - half_dt * k_dx * dv;
  const double vt = v - half_dt * dev * inv_rho_dx;
  const double lo = pt - 0.5 * slope, hi = pt + 0.5 * slope;
  pm = lo > vapour ? lo : vapour;
  pp = hi > vapour ? hi : vapour;
  vm = vt - 0.5 * dv;
  vp = vt + 0.5 * dv;
}

}  // namespace hadal::lift
