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
  View3 deposited, eroded;  ///< optional (i, j, 0) accumulators of the mass settled / eroded, kg m-2 (all classes)
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

  /// Classes solved together: their recurrences are independent, so the core overlaps them.
  static constexpr int kLanes = 4;

  /// Work arrays of one column (on the stack of the work item).
  struct Work {
    double diffusion[kMaxLevels + 1];  ///< Kz / h at face k (below level k); 0 at the bed and the top
    double cp[kMaxLevels][kLanes];     ///< Thomas's c' per level and class of the group
  };

  /// Every class of column (i, j).
  KOKKOS_INLINE_FUNCTION void operator()(int i, int j) const {
    Work work;
    if (!prepare(i, j, work)) return;
    for (int n = 0; n < nclasses; n += kLanes) solve(i, j, n, n + kLanes < nclasses ? n + kLanes : nclasses, work);
  }
  /// Class n of column (i, j).
  KOKKOS_INLINE_FUNCTION void operator()(int i, int j, int n) const {
    Work work;
    if (prepare(i, j, work)) solve(i, j, n, n + 1, work);
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

  /// Classes [n0, n1) of column (i, j), at most kLanes of them.
  KOKKOS_INLINE_FUNCTION void solve(int i, int j, int n0, int n1, Work& work) const {
    switch (limiter) {
      case numerics::Limiter::Minmod: return solve_with<numerics::Limiter::Minmod>(i, j, n0, n1, work);
      case numerics::Limiter::VanLeer: return solve_with<numerics::Limiter::VanLeer>(i, j, n0, n1, work);
      case numerics::Limiter::MonotonizedCentral: return solve_with<numerics::Limiter::MonotonizedCentral>(i, j, n0, n1, work);
    }
  }

  /// The solve of classes [n0, n1) with the limiter fixed at compile time. Each class is an
  /// independent tridiagonal system; the loop over levels runs them side by side.
  template <numerics::Limiter L>
  KOKKOS_INLINE_FUNCTION void solve_with(int i, int j, int n0, int n1, Work& work) const {
    const int kb = first_wet(i, j), lanes = n1 - n0;
    const double inv_dt = 1.0 / dt;
    const double* h = dz.data();
    const double* inv_h = inv_dz.data();
    const double tau = tau_b(i, j, 0);
    const double pd_law = deposition_probability(deposition, tau, tau_cd);
    ColumnOf<View3> col[kLanes];
    double w[kLanes], pd_w[kLanes], mass_old[kLanes], previous_cp[kLanes], previous_d[kLanes];
    double c_below_old[kLanes], correction_below[kLanes], bottom_old[kLanes];
    for (int l = 0; l < lanes; ++l) {
      const int n = n0 + l;
      col[l] = column_of(c, i, j, n * nz);
      w[l] = ws(n);
      pd_w[l] = pd_law * w[l];
      // Erosion, explicit and capped by the bed mass present.
      const double flux = erosion_flux(erosion_m(n), tau, tau_ce(n));
      if (flux > 0.0) {
        double taken = flux * dt;
        taken = taken < bed(i, j, n) ? taken : bed(i, j, n);
        bed(i, j, n) -= taken;
        col[l][kb] += taken / h[kb];
        if (eroded.data()) eroded(i, j, 0) += taken;
      }
      bottom_old[l] = col[l][kb];
      mass_old[l] = previous_cp[l] = previous_d[l] = c_below_old[l] = correction_below[l] = 0.0;
    }
    // Operator A (mass per area per time): between k and k+1 settling carries w c(k+1) down and
    // diffusion acts with Kz/h; the bed takes pd w c(kb); nothing crosses the grid top. The theta
    // scheme gives a tridiagonal system per column, solved by the Thomas algorithm (rhs kept in c).
    // Second-order settling: an explicit limited correction to the implicit upwind flux through
    // interior faces, faded out as the settling Courant number w dt/dz approaches 1/2 so that coarse
    // grains (Courant >> 1) keep the positive first-order flux.
    for (int k = kb; k < nz; ++k) {
      const bool top = k == nz - 1;
      const double d_up = work.diffusion[k + 1], d_down = work.diffusion[k];
      const double a = -theta * d_down;
      for (int l = 0; l < lanes; ++l) {
        const double c_old = col[l][k];
        const double c_above_old = top ? 0.0 : col[l][k + 1];
        const double c_above2_old = k < nz - 2 ? col[l][k + 2] : 0.0;
        const double sup = top ? 0.0 : w[l] + d_up;
        const double diag = -(k > kb ? w[l] : pd_w[l]) - d_up - d_down;
        double correction_above = 0.0;
        if (!top) {  // the face between k and k + 1
          const double blend = 1.0 - 2.0 * w[l] * dt * inv_h[k + 1];
          if (blend > 0.0) {
            correction_above = w[l] * 0.5 * blend * numerics::limited_slope_of<L>(c_above_old - c_above2_old, c_old - c_above_old);
          }
        }
        const double rhs = h[k] * inv_dt * c_old + (1.0 - theta) * (d_down * c_below_old[l] + diag * c_old + sup * c_above_old) +
                           correction_above - correction_below[l];
        const double b = h[k] * inv_dt - theta * diag, cc = -theta * sup;
        const double denominator = 1.0 / (b - a * previous_cp[l]);
        previous_cp[l] = cc * denominator;
        previous_d[l] = (rhs - a * previous_d[l]) * denominator;
        work.cp[k][l] = previous_cp[l];
        col[l][k] = previous_d[l];
        mass_old[l] += c_old * h[k];
        c_below_old[l] = c_old;
        correction_below[l] = correction_above;
      }
    }
    double mass_new[kLanes];
    for (int l = 0; l < lanes; ++l) mass_new[l] = col[l][nz - 1] * h[nz - 1];
    for (int k = nz - 2; k >= kb; --k) {
      for (int l = 0; l < lanes; ++l) {
        col[l][k] -= work.cp[k][l] * col[l][k + 1];
        mass_new[l] += col[l][k] * h[k];
      }
    }
    for (int l = 0; l < lanes; ++l) {
      // What left the bottom cell went to the bed (same theta weighting as the solve).
      const double deposit = dt * pd_law * w[l] * (theta * col[l][kb] + (1.0 - theta) * bottom_old[l]);
      bed(i, j, n0 + l) += deposit;
      if (deposited.data()) deposited(i, j, 0) += deposit;
      // The solve conserves mass up to round-off; rescaling the column to its exact budget keeps the
      // ledger closed over millions of steps.
      const double mass_expected = mass_old[l] - deposit;
      if (mass_new[l] > 0.0 && mass_expected > 0.0 && mass_new[l] != mass_expected) {
        const double factor = mass_expected / mass_new[l];
        for (int k = kb; k < nz; ++k) col[l][k] *= factor;
      }
    }
  }
};

}  // namespace hadal::plume
