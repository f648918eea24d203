// SPDX-License-Identifier: MIT
/// \file limiter.hpp
/// \brief Slope limiters and the upwind-biased MUSCL face value, for every finite-volume advection in
/// hadal (plume concentration, mantle temperature). Device-callable so they inline into Kokkos kernels.
#pragma once

#include <string>
#include <vector>

#include <Kokkos_Core.hpp>

namespace hadal::numerics {

/// TVD slope limiters; with any of them the forward-Euler update of a limited scheme is positive for a
/// Courant sum <= 1/2.
enum class Limiter : int { Minmod, VanLeer, MonotonizedCentral };

/// Case-file spellings, in the order of the enum: "minmod", "van_leer", "mc".
const std::vector<std::string>& limiter_names();
/// The limiter named `name` (one of limiter_names(); the schema has validated it).
Limiter limiter_from_name(const std::string& name);

/// Limited slope from the backward difference `a` and the forward difference `b`: zero at extrema
/// (a b <= 0), otherwise between the two as the limiter says.
KOKKOS_INLINE_FUNCTION double limited_slope(Limiter limiter, double a, double b) {
  if (a * b <= 0.0) return 0.0;
  if (limiter == Limiter::VanLeer) return 2.0 * a * b / (a + b);
  const double sign = a > 0.0 ? 1.0 : -1.0;
  const double abs_a = a * sign, abs_b = b * sign;
  if (limiter == Limiter::Minmod) return sign * (abs_a < abs_b ? abs_a : abs_b);
  double m = 0.5 * (abs_a + abs_b);  // monotonised central: centred, bounded by twice either side
  m = m < 2.0 * abs_a ? m : 2.0 * abs_a;
  m = m < 2.0 * abs_b ? m : 2.0 * abs_b;
  return sign * m;
}

/// Upwind-biased limited value on the face between cells m1 (lower index) and p1, for a velocity
/// `velocity` through it (positive towards p1), from the four cells m2, m1 | p1, p2 around it. Second
/// order where the field is smooth, first order (upwind) at extrema.
KOKKOS_INLINE_FUNCTION double face_value(Limiter limiter, double velocity, double m2, double m1, double p1, double p2) {
  if (velocity >= 0.0) return m1 + 0.5 * limited_slope(limiter, m1 - m2, p1 - m1);
  return p1 - 0.5 * limited_slope(limiter, p1 - m1, p2 - p1);
}

// Compile-time variants for inner loops: no branches (the compiler can vectorise them), and bitwise
// equal to limited_slope / face_value (the slope is computed in a form exactly symmetric and odd in
// its arguments, so the downwind-side face value reuses the upwind formula with mirrored differences).

/// limited_slope with the limiter fixed at compile time.
template <Limiter L>
KOKKOS_FORCEINLINE_FUNCTION double limited_slope_of(double a, double b) {
  const bool same_sign = a * b > 0.0;
  if constexpr (L == Limiter::VanLeer) {
    const double q = 2.0 * a * b / (a + b);  // evaluated regardless; its inf/NaN at a = -b is not selected
    return same_sign ? q : 0.0;
  } else {
    const double abs_a = a < 0.0 ? -a : a, abs_b = b < 0.0 ? -b : b;
    double m = abs_a < abs_b ? abs_a : abs_b;
    if constexpr (L == Limiter::MonotonizedCentral) {
      const double centred = 0.5 * (abs_a + abs_b);
      m = 2.0 * m < centred ? 2.0 * m : centred;
    }
    return same_sign ? (a > 0.0 ? m : -m) : 0.0;
  }
}

/// face_value with the limiter fixed at compile time.
template <Limiter L>
KOKKOS_FORCEINLINE_FUNCTION double face_value_of(double velocity, double m2, double m1, double p1, double p2) {
  const bool forward = velocity >= 0.0;
  const double upwind = forward ? m1 : p1;
  const double back = forward ? m1 - m2 : p1 - p2;
  const double ahead = forward ? p1 - m1 : m1 - p1;
  return upwind + 0.5 * limited_slope_of<L>(back, ahead);
}

}  // namespace hadal::numerics
