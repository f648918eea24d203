// SPDX-License-Identifier: MIT
/// \file column_solve.hpp
/// \brief The Eulerian model's vertical step for one water column and one grain class: settling,
/// vertical diffusion and deposition (theta scheme, one tridiagonal solve), erosion (explicit, capped
/// by the bed mass), with the column's mass budget closed exactly. A functor so that it is tested on
/// its own (tests/plume/test_column_solve.cpp); the model launches it per column, all classes in turn.
#pragma once

#include <type_traits>

#include <Kokkos_Core.hpp>

#include "numerics/limiter.hpp"
#include "plume/closures.hpp"

namespace hadal::plume {

/// Most vertical levels the column kernels hold in local arrays.
constexpr int kMaxLevels = 512;

// The k loops of the column kernels read and write distinct columns: say so, so the host compiler
// vectorises them without run-time overlap checks (their cost exceeds the work in 24-level columns).
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
#define HADAL_INDEPENDENT_ITERATIONS _Pragma("GCC ivdep")
#elif defined(__clang__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
#define HADAL_INDEPENDENT_ITERATIONS _Pragma("clang loop vectorize(assume_safety)")
#else
#define HADAL_INDEPENDENT_ITERATIONS
#endif

/// A column of a 3-D view from level k0 up: contiguous on CPU layouts, strided on GPU ones. Taking the
/// column's address once keeps the index arithmetic out of the k loops.
template <class View>
struct ColumnOf {
  typename View::pointer_type p;
  long stride;
  KOKKOS_FORCEINLINE_FUNCTION typename View::reference_type operator[](int k) const {
    if constexpr (std::is_same<typename View::array_layout, Kokkos::LayoutRight>::value) {
      return p[k];
    } else {
      return p[k * stride];
    }
  }
};
template <class View>
KOKKOS_FORCEINLINE_FUNCTION ColumnOf<View> column_of(const View& view, int i, int j, int k0) {
  return {&view(i, j, k0), static_cast<long>(view.stride(2))};
}


struct VerticalColumnSolve {
  using View3 = Kokkos::View<double***>;
  View3 c;            ///< concentration, (i, j, n * nz + k), kg m-3; updated in place
  View3 bed;          ///< bed mass per class, (i, j, n), kg m-2; updated in place
  View3 kz;           ///< vertical diffusivity on bottom faces, (i, j, k) for k = 0..nz, m2 s-1
  View3 tau_b;        ///< bed shear stress, (i, j, 0), Pa
  Kokkos::View<int**> first_wet;              ///< first wet level per column (nz: a dry column)
  Kokkos::View<double*> ws, tau_ce, erosion_m;  ///< per class: settling velocity, critical shear, Partheniades M
  Kokkos::View<const double*> dz;             ///< cell heights
  Kokkos::View<double*> inv_dz;               ///< 1 / dz(k)
  Kokkos::View<double*> inv_face_spacing;     ///< 1 / (z_c(k) - z_c(k-1)) at face k (0 at the ends)
  int nz = 1;
  int nclasses = 1;
  double dt = 0.0;
  double theta = 1.0;                         ///< 1 backward Euler, 1/2 Crank-Nicolson
  numerics::Limiter limiter = numerics::Limiter::VanLeer;
  Deposition deposition = Deposition::Always;
  double tau_cd = 0.07;                       ///< Krone critical stress for deposition

  /// Work arrays of one column (on the stack of the work item).
  struct Work {
    double diffusion[kMaxLevels + 1];  ///< Kz / h at face k (below level k); 0 at the bed and the top
    double old[kMaxLevels], correction[kMaxLevels], rhs[kMaxLevels];
    double lower[kMaxLevels], diagonal[kMaxLevels], upper[kMaxLevels];  ///< upper becomes Thomas's c'
  };

  /// Every class of column (i, j).
  KOKKOS_INLINE_FUNCTION void operator()(int i, int j) const {
    Work work;
    if (!prepare(i, j, work)) return;
    for (int n = 0; n < nclasses; ++n) solve(i, j, n, work);
  }
  /// Class n of column (i, j).
  KOKKOS_INLINE_FUNCTION void operator()(int i, int j, int n) const {
    Work work;
    if (prepare(i, j, work)) solve(i, j, n, work);
  }

  /// The class-independent part: the diffusion coefficient of every face. False for a dry column.
  KOKKOS_INLINE_FUNCTION bool prepare(int i, int j, Work& work) const {
    const int kb = first_wet(i, j);
    if (kb >= nz) return false;
    const auto k_z = column_of(kz, i, j, 0);
    work.diffusion[kb] = 0.0;
    for (int k = kb + 1; k < nz; ++k) work.diffusion[k] = k_z[k] * inv_face_spacing(k);
    work.diffusion[nz] = 0.0;
    return true;
  }

  KOKKOS_INLINE_FUNCTION void solve(int i, int j, int n, Work& work) const {
    switch (limiter) {
      case numerics::Limiter::Minmod: return solve_with<numerics::Limiter::Minmod>(i, j, n, work);
      case numerics::Limiter::VanLeer: return solve_with<numerics::Limiter::VanLeer>(i, j, n, work);
      case numerics::Limiter::MonotonizedCentral: return solve_with<numerics::Limiter::MonotonizedCentral>(i, j, n, work);
    }
  }

  /// Class n of column (i, j) with the limiter fixed at compile time. The system is set up in
  /// branch-free loops over k; only the Thomas recurrences run level by level.
  template <numerics::Limiter L>
  KOKKOS_INLINE_FUNCTION void solve_with(int i, int j, int n, Work& work) const {
    const int kb = first_wet(i, j);
    const int o = n * nz;
    const double w = ws(n), inv_dt = 1.0 / dt;
    const double pd = deposition_probability(deposition, tau_b(i, j, 0), tau_cd);
    const auto col = column_of(c, i, j, o);
    const double* h = dz.data();
    const double* inv_h = inv_dz.data();
    // Erosion, explicit and capped by the bed mass present.
    const double flux = erosion_flux(erosion_m(n), tau_b(i, j, 0), tau_ce(n));
    if (flux > 0.0) {
      double eroded = flux * dt;
      eroded = eroded < bed(i, j, n) ? eroded : bed(i, j, n);
      bed(i, j, n) -= eroded;
      col[kb] += eroded / h[kb];
    }
    // Operator A (mass per area per time): between k and k+1 settling carries w c(k+1) down and
    // diffusion acts with Kz/h; the bed takes pd w c(kb); nothing crosses the grid top. The theta
    // scheme gives a tridiagonal system per column, solved by the Thomas algorithm.
    // Second-order settling: an explicit limited correction to the implicit upwind flux through
    // interior faces, faded out as the settling Courant number w dt/dz approaches 1/2 so that coarse
    // grains (Courant >> 1) keep the positive first-order flux.
    double* old = work.old;
    for (int k = kb; k < nz; ++k) old[k] = col[k];
    for (int k = kb; k + 1 < nz; ++k) {  // the face between k and k + 1
      const double above2 = old[k + 2 < nz ? k + 2 : k];
      const double blend = 1.0 - 2.0 * w * dt * inv_h[k + 1];
      const double slope = numerics::limited_slope_of<L>(old[k + 1] - (k + 2 < nz ? above2 : 0.0), old[k] - old[k + 1]);
      const double correction = w * 0.5 * blend * slope;
      work.correction[k] = blend <= 0.0 ? 0.0 : correction;
    }
    for (int k = kb; k < nz; ++k) {
      const bool top = k == nz - 1;
      const double d_up = work.diffusion[k + 1], d_down = work.diffusion[k];
      const double c_below = k > kb ? old[k > kb ? k - 1 : k] : 0.0, c_above = top ? 0.0 : old[top ? k : k + 1];
      const double correction_above = top ? 0.0 : work.correction[k];
      const double correction_below = k > kb ? work.correction[k > kb ? k - 1 : k] : 0.0;
      const double sub = d_down, sup = top ? 0.0 : w + d_up;
      const double diag = -(k > kb ? w : pd * w) - d_up - d_down;
      work.rhs[k] = h[k] * inv_dt * old[k] + (1.0 - theta) * (sub * c_below + diag * old[k] + sup * c_above) +
                    correction_above - correction_below;
      work.lower[k] = -theta * sub;
      work.diagonal[k] = h[k] * inv_dt - theta * diag;
      work.upper[k] = -theta * sup;
    }
    double mass_old = 0.0, previous_cp = 0.0, previous_d = 0.0;
    for (int k = kb; k < nz; ++k) {
      const double denominator = 1.0 / (work.diagonal[k] - work.lower[k] * previous_cp);
      previous_cp = work.upper[k] * denominator;
      previous_d = (work.rhs[k] - work.lower[k] * previous_d) * denominator;
      work.upper[k] = previous_cp;
      col[k] = previous_d;
      mass_old += old[k] * h[k];
    }
    double mass_new = col[nz - 1] * h[nz - 1];
    for (int k = nz - 2; k >= kb; --k) {
      col[k] -= work.upper[k] * col[k + 1];
      mass_new += col[k] * h[k];
    }
    // What left the bottom cell went to the bed (same theta weighting as the solve).
    const double deposit = dt * pd * w * (theta * col[kb] + (1.0 - theta) * old[kb]);
    bed(i, j, n) += deposit;
    // The solve conserves mass up to round-off; rescaling the column to its exact budget keeps the
    // ledger closed over millions of steps.
    const double mass_expected = mass_old - deposit;
    if (mass_new > 0.0 && mass_expected > 0.0 && mass_new != mass_expected) {
      const double factor = mass_expected / mass_new;
      for (int k = kb; k < nz; ++k) col[k] *= factor;
    }
  }
};

}  // namespace hadal::plume
