// SPDX-License-Identifier: MIT
/// \file kernels.hpp
/// \brief Inline numerics of the plume transport: limited slopes and face fluxes (header-only so they
/// inline into Kokkos lambdas on any backend).
#pragma once

#include <Kokkos_Core.hpp>

namespace hadal::plume {

enum class Limiter : int { Minmod = 0, VanLeer = 1, MonotonizedCentral = 2 };

/// Limited slope from the backward difference `a` and forward difference `b` (TVD region, so the
/// forward-Euler update is positive for a Courant sum <= 1/2).
KOKKOS_INLINE_FUNCTION double limited_slope(double a, double b, int limiter) {
  if (a * b <= 0.0) return 0.0;
  const double sign = a > 0.0 ? 1.0 : -1.0;
  const double abs_a = a * sign, abs_b = b * sign;
  if (limiter == static_cast<int>(Limiter::VanLeer)) return 2.0 * a * b / (a + b);
  if (limiter == static_cast<int>(Limiter::Minmod)) return sign * (abs_a < abs_b ? abs_a : abs_b);
  const double centred = 0.5 * (abs_a + abs_b);
  double m = 2.0 * abs_a < 2.0 * abs_b ? 2.0 * abs_a : 2.0 * abs_b;
  m = centred < m ? centred : m;
  return sign * m;
}

/// Upwind-biased limited face value for velocity `vel` across a face between cells with values
/// c_mm (two behind), c_m (behind), c_p (ahead), c_pp (two ahead); "behind" = lower index.
KOKKOS_INLINE_FUNCTION double face_value(double vel, double c_mm, double c_m, double c_p, double c_pp, int limiter) {
  if (vel >= 0.0) return c_m + 0.5 * limited_slope(c_m - c_mm, c_p - c_m, limiter);
  return c_p - 0.5 * limited_slope(c_p - c_m, c_pp - c_p, limiter);
}

}  // namespace hadal::plume
