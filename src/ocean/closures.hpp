// SPDX-License-Identifier: MIT
/// \file closures.hpp
/// \brief Device-callable physics formulas of the ocean module: the logarithmic bottom boundary layer.
#pragma once

#include <Kokkos_Core.hpp>

#include "numerics/kokkos_math.hpp"

namespace hadal::ocean {

/// u(zeta) = U_delta ln(zeta/z0) / ln(delta/z0) for z0 < zeta < delta (height above the bed), U_delta
/// above, zero below z0. delta is capped by the water depth.
struct LogLayer {
  double kappa = 0.41;
  double roughness = 1e-3;   ///< z0, m
  double thickness = 20.0;   ///< delta, m

  /// Integral of the shape function from the bed to height zeta (m), for a column of depth H.
  KOKKOS_INLINE_FUNCTION double shape_integral(double zeta, double depth) const {
    const double z0 = roughness;
    const double delta = thickness < depth ? thickness : depth;
    if (zeta <= z0) return 0.0;
    const double log_delta = km::log(delta / z0);
    const double zl = zeta < delta ? zeta : delta;
    double integral = (zl * km::log(zl / z0) - zl + z0) / log_delta;
    if (zeta > delta) integral += zeta - delta;
    return integral;
  }
  /// U_delta / U: the interior speed over the depth mean.
  KOKKOS_INLINE_FUNCTION double interior_ratio(double depth) const {
    return depth / shape_integral(depth, depth);
  }
  /// Mean velocity over heights [zeta1, zeta2] above the bed divided by the depth-mean velocity.
  KOKKOS_INLINE_FUNCTION double layer_factor(double zeta1, double zeta2, double depth) const {
    if (zeta2 <= zeta1) return 0.0;
    return interior_ratio(depth) * (shape_integral(zeta2, depth) - shape_integral(zeta1, depth)) / (zeta2 - zeta1);
  }
  /// Quadratic drag coefficient tau/(rho U^2) implied by the log layer: (kappa r / ln(delta/z0))^2.
  KOKKOS_INLINE_FUNCTION double drag_coefficient(double depth) const {
    const double delta = thickness < depth ? thickness : depth;
    const double a = kappa * interior_ratio(depth) / km::log(delta / roughness);
    return a * a;
  }
};

}  // namespace hadal::ocean
