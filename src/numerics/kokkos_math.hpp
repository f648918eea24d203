// SPDX-License-Identifier: MIT
/// \file kokkos_math.hpp
/// \brief Device-callable math for kernels, under one name for every Kokkos version: Kokkos 3.x keeps
/// these functions in Kokkos::Experimental, Kokkos 4 in Kokkos:: (and removed the old spelling).
/// Kernels call hadal::km::sqrt etc.; only this file knows where they live.
#pragma once

#include <Kokkos_Core.hpp>
#include <Kokkos_MathematicalFunctions.hpp>

#if KOKKOS_VERSION >= 40000
#define HADAL_KOKKOS_MATH Kokkos
#else
#define HADAL_KOKKOS_MATH Kokkos::Experimental
#endif

namespace hadal::km {
KOKKOS_INLINE_FUNCTION double sqrt(double x) { return HADAL_KOKKOS_MATH::sqrt(x); }
KOKKOS_INLINE_FUNCTION double cbrt(double x) { return HADAL_KOKKOS_MATH::cbrt(x); }
KOKKOS_INLINE_FUNCTION double exp(double x) { return HADAL_KOKKOS_MATH::exp(x); }
KOKKOS_INLINE_FUNCTION double log(double x) { return HADAL_KOKKOS_MATH::log(x); }
KOKKOS_INLINE_FUNCTION double expm1(double x) { return HADAL_KOKKOS_MATH::expm1(x); }
KOKKOS_INLINE_FUNCTION double log1p(double x) { return HADAL_KOKKOS_MATH::log1p(x); }
KOKKOS_INLINE_FUNCTION double pow(double x, double y) { return HADAL_KOKKOS_MATH::pow(x, y); }
KOKKOS_INLINE_FUNCTION double sin(double x) { return HADAL_KOKKOS_MATH::sin(x); }
KOKKOS_INLINE_FUNCTION double cos(double x) { return HADAL_KOKKOS_MATH::cos(x); }
KOKKOS_INLINE_FUNCTION double floor(double x) { return HADAL_KOKKOS_MATH::floor(x); }
KOKKOS_INLINE_FUNCTION double fabs(double x) { return HADAL_KOKKOS_MATH::fabs(x); }
KOKKOS_INLINE_FUNCTION double fmin(double x, double y) { return HADAL_KOKKOS_MATH::fmin(x, y); }
KOKKOS_INLINE_FUNCTION double fmax(double x, double y) { return HADAL_KOKKOS_MATH::fmax(x, y); }
}  // namespace hadal::km

#undef HADAL_KOKKOS_MATH
