// SPDX-License-Identifier: MIT
/// \file closures.hpp
/// \brief Device-callable physics formulas of the mantle: the viscosity law.
#pragma once

#include <Kokkos_Core.hpp>

#include "numerics/kokkos_math.hpp"

namespace hadal::thermal {

enum class ViscosityKind { Constant, Exponential, Arrhenius };

/// Nondimensional viscosity eta(T, depth), normalised to 1 at T = 0 and depth 0 (the cold top, as
/// in Blankenbach et al. 1989):
///   Exponential (Frank-Kamenetskii): exp(-b T + c d)
///   Arrhenius: exp(E/(T + T0) - E/T0 + c d)
/// clipped to [eta_min, eta_max].
struct ViscosityLaw {
  ViscosityKind kind = ViscosityKind::Constant;
  double b = 0.0;   ///< thermal factor (ln of the viscosity contrast across the box)
  double c = 0.0;   ///< depth factor
  double E = 0.0;   ///< nondimensional activation energy E*/(R dT)
  double T0 = 1.0;  ///< surface-temperature offset T_top/dT (K / K)
  double eta_min = 0.0, eta_max = 1e300;

  KOKKOS_INLINE_FUNCTION double operator()(double T, double depth) const {
    double v = 1.0;
    if (kind == ViscosityKind::Exponential) v = km::exp(-b * T + c * depth);
    else if (kind == ViscosityKind::Arrhenius) v = km::exp(E / (T + T0) - E / T0 + c * depth);
    return v < eta_min ? eta_min : (v > eta_max ? eta_max : v);
  }
  bool depends_on_temperature() const { return kind != ViscosityKind::Constant && (b != 0.0 || kind == ViscosityKind::Arrhenius); }
};

}  // namespace hadal::thermal
