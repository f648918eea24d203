// SPDX-License-Identifier: MIT
/// \file column_solve.hpp
/// \brief The Eulerian model's vertical step for one water column and one grain class: settling,
/// vertical diffusion and deposition (theta scheme, one tridiagonal solve), erosion (explicit, capped
/// by the bed mass), with the column's mass budget closed exactly. A functor so that it is tested on
/// its own (tests/plume/test_column_solve.cpp); the model launches it per block of columns along a row,
/// class by class, the columns of a block (neighbours along j) side by side in vector lanes.
#pragma once

#include <type_traits>

#include <Kokkos_Core.hpp>

#include "numerics/limiter.hpp"
#include "numerics/loop_hints.hpp"
#include "plume/closures.hpp"

namespace hadal::plume {

/// Most vertical levels the column kernels hold in local arrays.
constexpr int kMaxLevels = 512;

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


/// Columns (or classes) whose recurrences a CPU work item runs side by side, one per vector lane: the
/// Thomas recurrence is a chain of dependent divisions, which lanes turn into vector operations. A GPU
/// thread keeps one: its local memory is scarce and its parallelism comes from the columns.
#if defined(KOKKOS_ENABLE_CUDA) || defined(KOKKOS_ENABLE_HIP) || defined(KOKKOS_ENABLE_SYCL)
constexpr int kColumnLanes = 1;
#else
constexpr int kColumnLanes = 8;  // one AVX-512 vector of doubles, two AVX2 ones
#endif

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

  /// Columns solved side by side: on CPUs four vectors' worth, so that four independent chains of the Thomas
  /// recurrence's dependent divisions overlap in the core (the two half-steps with metrics 21-25 % faster
  /// than with one vector; eight vectors gained less). The work item's arrays (Work) then take about
  /// 400 kB of its thread's stack.
  static constexpr int kLanes = kColumnLanes == 1 ? 1 : 4 * kColumnLanes;

  /// Lane l solves class n[l] of column (i[l], j[l]).
  struct Lanes {
    int count = 0;
    int i[kLanes], j[kLanes], n[kLanes];
  };

  /// Work arrays of up to kLanes columns, level by level, and the lanes' state (on the stack of the work
  /// item; kept in memory rather than in local arrays, which the compiler splits into scalars and then
  /// cannot vectorise across).
  struct Work {
    double c[kMaxLevels + 2][kLanes];          ///< the columns, empty below their bed and above the top
    double diffusion[kMaxLevels + 1][kLanes];  ///< Kz / h at face k (below level k); 0 at the bed and the top
    double cp[kMaxLevels][kLanes];             ///< Thomas's c'
    int kb[kLanes];                            ///< first wet level (nz: a dry column or an unused lane)
    int k_first;                               ///< the lowest of them
    double tau[kLanes], pd[kLanes];            ///< bed shear stress, deposition probability
    double w[kLanes], pd_w[kLanes], bottom_old[kLanes];
    double previous_cp[kLanes], previous_d[kLanes], mass_old[kLanes], mass_new[kLanes];
    double c_below_old[kLanes], correction_below[kLanes];
  };

  /// Every class of the `count` (<= kLanes) columns (i, j0 .. j0 + count - 1), class by class: the
  /// columns next to each other in memory (LayoutRight).
  KOKKOS_INLINE_FUNCTION void columns(int i, int j0, int count) const {
    Work work;
    Lanes lanes;
    lanes.count = count;
    for (int l = 0; l < count; ++l) lanes.i[l] = i, lanes.j[l] = j0 + l;
    if (!prepare(lanes, work)) return;
    for (int n = 0; n < nclasses; ++n) {
      for (int l = 0; l < count; ++l) lanes.n[l] = n;
      solve(lanes, work);
    }
  }
  /// Every class of column (i, j).
  KOKKOS_INLINE_FUNCTION void operator()(int i, int j) const {
    Work work;
    Lanes lanes;
    lanes.count = nclasses < kLanes ? nclasses : kLanes;
    for (int l = 0; l < lanes.count; ++l) lanes.i[l] = i, lanes.j[l] = j;
    if (!prepare(lanes, work)) return;
    for (int n0 = 0; n0 < nclasses; n0 += kLanes) {
      lanes.count = n0 + kLanes < nclasses ? kLanes : nclasses - n0;
      for (int l = 0; l < lanes.count; ++l) lanes.n[l] = n0 + l;
      solve(lanes, work);
    }
  }
  /// Class n of column (i, j).
  KOKKOS_INLINE_FUNCTION void operator()(int i, int j, int n) const {
    Work work;
    Lanes lanes;
    lanes.count = 1, lanes.i[0] = i, lanes.j[0] = j, lanes.n[0] = n;
    if (prepare(lanes, work)) solve(lanes, work);
  }

  /// The class-independent part of the lanes' columns: bed levels, the diffusion coefficient of every
  /// face and the deposition probability. False if every column is dry.
  KOKKOS_INLINE_FUNCTION bool prepare(const Lanes& lanes, Work& work) const {
    work.k_first = nz;
    for (int l = 0; l < kLanes; ++l) {
      work.kb[l] = l < lanes.count ? first_wet(lanes.i[l], lanes.j[l]) : nz;
      work.k_first = work.kb[l] < work.k_first ? work.kb[l] : work.k_first;
    }
    if (work.k_first >= nz) return false;
    for (int l = 0; l < kLanes; ++l) {
      const int kb = work.kb[l];
      for (int k = work.k_first; k <= kb && k <= nz; ++k) work.diffusion[k][l] = 0.0;
      work.diffusion[nz][l] = 0.0;
      work.tau[l] = work.pd[l] = 0.0;
      if (kb >= nz) continue;
      const int i = lanes.i[l], j = lanes.j[l];
      const auto k_z = column_of(kz, i, j, 0);
      for (int k = kb + 1; k < nz; ++k) work.diffusion[k][l] = k_z[k] * inv_face_spacing(k);
      work.tau[l] = tau_b(i, j, 0);
      work.pd[l] = deposition_probability(deposition, work.tau[l], tau_cd);
    }
    return true;
  }

  KOKKOS_INLINE_FUNCTION void solve(const Lanes& lanes, Work& work) const {
    switch (limiter) {
      case numerics::Limiter::Minmod: return solve_with<numerics::Limiter::Minmod>(lanes, work);
      case numerics::Limiter::VanLeer: return solve_with<numerics::Limiter::VanLeer>(lanes, work);
      case numerics::Limiter::MonotonizedCentral: return solve_with<numerics::Limiter::MonotonizedCentral>(lanes, work);
    }
  }

  /// The solve of the lanes (prepared) with the limiter fixed at compile time. Each lane is an independent
  /// tridiagonal system; levels below a lane's bed are identity rows (solution 0) that do not couple to
  /// the wet levels, so every lane's arithmetic is exactly that of its column solved alone.
  template <numerics::Limiter L>
  KOKKOS_INLINE_FUNCTION void solve_with(const Lanes& lanes, Work& work) const {
    const double inv_dt = 1.0 / dt;
    const double* h = dz.data();
    const double* inv_h = inv_dz.data();
    const int* kb = work.kb;
    const int k_first = work.k_first;
    const double* pd = work.pd;
    double *w = work.w, *pd_w = work.pd_w, *bottom_old = work.bottom_old;
    for (int l = 0; l < kLanes; ++l) {
      for (int k = k_first; k < kb[l] && k < nz; ++k) work.c[k][l] = 0.0;
      work.c[nz][l] = work.c[nz + 1][l] = 0.0;
      w[l] = pd_w[l] = bottom_old[l] = 0.0;
      if (kb[l] >= nz) continue;
      const int i = lanes.i[l], j = lanes.j[l], n = lanes.n[l];
      const auto col = column_of(c, i, j, n * nz);
      for (int k = kb[l]; k < nz; ++k) work.c[k][l] = col[k];
      w[l] = ws(n);
      pd_w[l] = pd[l] * w[l];
      // Erosion, explicit and capped by the bed mass present.
      const double flux = erosion_flux(erosion_m(n), work.tau[l], tau_ce(n));
      if (flux > 0.0) {
        double taken = flux * dt;
        taken = taken < bed(i, j, n) ? taken : bed(i, j, n);
        bed(i, j, n) -= taken;
        work.c[kb[l]][l] += taken / h[kb[l]];
        if (eroded.data()) eroded(i, j, 0) += taken;
      }
      bottom_old[l] = work.c[kb[l]][l];
    }
    // Columns the class has not reached (nor eroded into) stay empty and deposit nothing: the solve
    // would only write their zeros back. Most columns, for the fast-settling classes.
    int present = 0;
    for (int k = k_first; k < nz; ++k) {
      HADAL_INDEPENDENT_ITERATIONS
      for (int l = 0; l < kLanes; ++l) present |= work.c[k][l] != 0.0;
    }
    if (!present) return;
    // Operator A (mass per area per time): between k and k+1 settling carries w c(k+1) down and
    // diffusion acts with Kz/h; the bed takes pd w c(kb); nothing crosses the grid top. The theta
    // scheme gives a tridiagonal system per column, solved by the Thomas algorithm (rhs kept in c).
    // Second-order settling: an explicit limited correction to the implicit upwind flux through
    // interior faces, faded out as the settling Courant number w dt/dz approaches 1/2 so that coarse
    // grains (Courant >> 1) keep the positive first-order flux.
    double *previous_cp = work.previous_cp, *previous_d = work.previous_d, *mass_old = work.mass_old;
    double *c_below_old = work.c_below_old, *correction_below = work.correction_below;
    for (int l = 0; l < kLanes; ++l) previous_cp[l] = previous_d[l] = mass_old[l] = c_below_old[l] = correction_below[l] = 0.0;
    for (int k = k_first; k < nz; ++k) {
      const bool top = k == nz - 1;
      const double inv_h_above = top ? 0.0 : inv_h[k + 1];
      HADAL_INDEPENDENT_ITERATIONS
      for (int l = 0; l < kLanes; ++l) {
        const bool wet = k >= kb[l];
        const double d_up = work.diffusion[k + 1][l], d_down = work.diffusion[k][l];
        const double a = -theta * d_down;
        const double c_old = work.c[k][l], c_above_old = work.c[k + 1][l], c_above2_old = work.c[k + 2][l];
        const double sup = top ? 0.0 : w[l] + d_up;
        const double diag = -(k > kb[l] ? w[l] : pd_w[l]) - d_up - d_down;
        // The face between k and k + 1 (none above the top level).
        const double blend = 1.0 - 2.0 * w[l] * dt * inv_h_above;
        const double slope = numerics::limited_slope_of<L>(c_above_old - c_above2_old, c_old - c_above_old);
        const double correction_above = !top && wet && blend > 0.0 ? w[l] * 0.5 * blend * slope : 0.0;
        const double rhs = h[k] * inv_dt * c_old + (1.0 - theta) * (d_down * c_below_old[l] + diag * c_old + sup * c_above_old) +
                           correction_above - correction_below[l];
        const double b = h[k] * inv_dt - theta * diag, cc = -theta * sup;
        const double denominator = 1.0 / ((wet ? b : 1.0) - a * previous_cp[l]);
        previous_cp[l] = (wet ? cc : 0.0) * denominator;
        previous_d[l] = ((wet ? rhs : 0.0) - a * previous_d[l]) * denominator;
        work.cp[k][l] = previous_cp[l];
        work.c[k][l] = previous_d[l];
        mass_old[l] += c_old * h[k];
        c_below_old[l] = c_old;
        correction_below[l] = correction_above;
      }
    }
    double* mass_new = work.mass_new;
    for (int l = 0; l < kLanes; ++l) mass_new[l] = work.c[nz - 1][l] * h[nz - 1];
    for (int k = nz - 2; k >= k_first; --k) {
      HADAL_INDEPENDENT_ITERATIONS
      for (int l = 0; l < kLanes; ++l) {
        work.c[k][l] -= work.cp[k][l] * work.c[k + 1][l];
        mass_new[l] += work.c[k][l] * h[k];
      }
    }
    for (int l = 0; l < lanes.count; ++l) {
      if (kb[l] >= nz) continue;
      const int i = lanes.i[l], j = lanes.j[l], n = lanes.n[l];
      // What left the bottom cell went to the bed (same theta weighting as the solve).
      const double deposit = dt * pd[l] * w[l] * (theta * work.c[kb[l]][l] + (1.0 - theta) * bottom_old[l]);
      bed(i, j, n) += deposit;
      if (deposited.data()) deposited(i, j, 0) += deposit;
      // The solve conserves mass up to round-off; rescaling the column to its exact budget keeps the
      // ledger closed over millions of steps.
      const double mass_expected = mass_old[l] - deposit;
      const double factor = mass_new[l] > 0.0 && mass_expected > 0.0 && mass_new[l] != mass_expected ? mass_expected / mass_new[l] : 1.0;
      const auto col = column_of(c, i, j, n * nz);
      for (int k = kb[l]; k < nz; ++k) col[k] = work.c[k][l] * factor;
    }
  }
};

}  // namespace hadal::plume
