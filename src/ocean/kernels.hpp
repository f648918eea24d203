// SPDX-License-Identifier: MIT
/// \file kernels.hpp
/// \brief A row of a 2-D map (nk = 1) addressed by j, for the barotropic solver's row kernels (whose j loops
/// are marked HADAL_INDEPENDENT_ITERATIONS, numerics/loop_hints.hpp).
#pragma once

#include <type_traits>

#include <Kokkos_Core.hpp>

#include "numerics/loop_hints.hpp"

namespace hadal::ocean {


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
