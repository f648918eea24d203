// SPDX-License-Identifier: MIT
/// \file kokkos_math.hpp
/// \brief Device-callable math for kernels: Kokkos 3.4 keeps these in Kokkos::Experimental (later
/// versions in Kokkos::), so kernels call hadal::ocean::km::* and only this file knows where they live.
#pragma once

#include <Kokkos_Core.hpp>
#include <Kokkos_MathematicalFunctions.hpp>

namespace hadal::ocean::km {
KOKKOS_INLINE_FUNCTION double sqrt(double x) { return Kokkos::Experimental::sqrt(x); }
KOKKOS_INLINE_FUNCTION double log(double x) { return Kokkos::Experimental::log(x); }
KOKKOS_INLINE_FUNCTION double fabs(double x) { return Kokkos::Experimental::fabs(x); }
KOKKOS_INLINE_FUNCTION double fmax(double x, double y) { return Kokkos::Experimental::fmax(x, y); }
}  // namespace hadal::ocean::km
