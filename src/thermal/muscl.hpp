// SPDX-License-Identifier: MIT
/// \file muscl.hpp
/// \brief Slope limiters and upwind MUSCL face values shared by the 2-D and 3-D energy equations.
/// Device-callable (KOKKOS_INLINE_FUNCTION) so the same source runs in Kokkos kernels on any backend.
#pragma once

#include <Kokkos_Core.hpp>

namespace hadal::thermal::muscl {

/// Limiter codes, in the order of MantleParameters::Limiter.
enum LimiterCode : int { kVanLeer = 0, kMC = 1, kMinmod = 2 };

/// Limited slope from the backward difference a and the forward difference b (zero at extrema).
KOKKOS_INLINE_FUNCTION double limited_slope(int limiter, double a, double b) {
  if (a * b <= 0.0) return 0.0;
  if (limiter == kVanLeer) return 2.0 * a * b / (a + b);
  const double s = a > 0.0 ? 1.0 : -1.0;
  const double aa = fabs(a), bb = fabs(b);
  if (limiter == kMC) {  // monotonised central
    double m = 0.5 * (aa + bb);
    m = m < 2.0 * aa ? m : 2.0 * aa;
    m = m < 2.0 * bb ? m : 2.0 * bb;
    return s * m;
  }
  return s * (aa < bb ? aa : bb);  // minmod
}

/// Upwind MUSCL value on a face from the four cells around it (m2, m1 | p1, p2): second order where
/// the field is smooth, first order (upwind) at extrema.
KOKKOS_INLINE_FUNCTION double face_value(int limiter, double velocity, double m2, double m1, double p1, double p2) {
  if (velocity >= 0.0) return m1 + 0.5 * limited_slope(limiter, m1 - m2, p1 - m1);
  return p1 - 0.5 * limited_slope(limiter, p1 - m1, p2 - p1);
}

}  // namespace hadal::thermal::muscl
