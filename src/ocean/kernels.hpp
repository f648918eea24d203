// SPDX-License-Identifier: MIT
/// \file kernels.hpp
/// \brief Helpers of the barotropic solver's row kernels: a row of a 2-D map (nk = 1) addressed by j, and
/// the pragma that tells the host compiler a row loop's iterations are independent.
#pragma once

#include <type_traits>

#include <Kokkos_Core.hpp>

namespace hadal::ocean {

// The j loops of the row kernels write one map and read others: say so, so the host compiler vectorises
// them without run-time overlap checks.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
#define HADAL_OCEAN_INDEPENDENT_ITERATIONS _Pragma("GCC ivdep")
#elif defined(__clang__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
#define HADAL_OCEAN_INDEPENDENT_ITERATIONS _Pragma("clang loop vectorize(assume_safety)")
#else
#define HADAL_OCEAN_INDEPENDENT_ITERATIONS
#endif

/// Row i of a map view (i, j, 0). On LayoutRight with nk = 1 (every host build) j is contiguous, which the
/// compiler must know at compile time to vectorise; other layouts use the stride.
template <class View>
struct RowOf {
  double* p;
  long stride;
  KOKKOS_FORCEINLINE_FUNCTION double& operator[](int j) const {
    if constexpr (std::is_same<typename View::array_layout, Kokkos::LayoutRight>::value) {
      return p[j];
    } else {
      return p[j * stride];
    }
  }
};
/// Row i of `view`, which must be a map (extent(2) == 1, checked by the caller once).
template <class View>
KOKKOS_FORCEINLINE_FUNCTION RowOf<View> row_of(const View& view, int i) {
  return {view.data() + i * static_cast<long>(view.stride(0)), static_cast<long>(view.stride(1))};
}

}  // namespace hadal::ocean
