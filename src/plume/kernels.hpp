// SPDX-License-Identifier: MIT
/// \file kernels.hpp
/// \brief The Eulerian plume's transport kernels as functors that depend on Kokkos and the numerics
/// floor only (no grid, MPI or I/O types), so that they are unit-tested alone and built into the
/// device benchmark.
///
/// HorizontalStage: one stage of horizontal advection (limited upwind-biased face values), horizontal
/// diffusion (unless it is sub-stepped apart) and w advection, in flux form: forward Euler for all of
/// it, or (implicit_w) forward Euler for the horizontal terms and the limited part of the w flux with
/// the upwind w flux backward Euler, one tridiagonal solve per column (eight columns side by side on
/// CPUs), so that fast w in thin cells does not limit the step. A work item is the line of cells at one
/// i of a group of up to four classes and sweeps j (the contiguous direction in memory), so the flux
/// through the face between two cells of the line is computed once and handed from the south cell to
/// the north one, and the classes share the work that does not depend on the class; the vertical fluxes
/// of a column are computed in a loop of their own. The explicit loops over k are free of loop-carried dependencies.
///
/// HorizontalDiffusionStep: one forward-Euler step of horizontal diffusion alone, with the stage's
/// diffusive fluxes, for the sub-stepped horizontal diffusion.
///
/// ColumnStep: the vertical half-step of every class of a block of columns (VerticalColumnSolve),
/// optionally followed in the same pass by what the new state gives the assessment: the total
/// concentration, the exposure maps and the columns' share of the mass ledger.
#pragma once

#include <Kokkos_Core.hpp>
#include <type_traits>

#include "numerics/limiter.hpp"
#include "plume/column_solve.hpp"

namespace hadal::plume {

/// One column's exposure after a step of length dt, given the largest concentration in the column now:
/// raises the running maximum (map `column_max`) and adds dt to the time above each threshold the
/// column reaches (map `time_above`, one level per threshold). Both plume methods call it.
template <class Map, class Thresholds>
KOKKOS_INLINE_FUNCTION void record_column_exposure(const Map& column_max, const Map& time_above,
                                                   const Thresholds& thresholds, int i, int j, double now_max,
                                                   double dt) {
  if (now_max > column_max(i, j, 0)) column_max(i, j, 0) = now_max;
  for (int t = 0; t < static_cast<int>(thresholds.extent(0)); ++t) {
    if (now_max >= thresholds(t)) time_above(i, j, t) += dt;
  }
}

struct HorizontalStage {
  using View3 = Kokkos::View<double***>;
  View3 in, out;                  ///< concentration (i, j, n * nz + k), local indices with the halo
  View3 u, v, w, kh;              ///< face velocities (west, south, bottom faces) and cell Kh
  Kokkos::View<int**> first_wet;  ///< first wet level per column
  Kokkos::View<double*> inv_dz;
  Kokkos::View<double**> line_outflow;  ///< (i - g, n): mass rate leaving the domain from the line at i, kg s-1
  Kokkos::View<const double*> dz;
  numerics::Limiter limiter = numerics::Limiter::VanLeer;
  int g = 2, ni = 1, nj = 1, nz = 1, nclasses = 1;  ///< halo width, owned columns and rows, levels, classes
  int gi0 = 0, gj0 = 0, nx = 1, ny = 1;  ///< global index of the first owned cell, global grid size
  /// Column widths, their inverses and the inverse distances between the centres of columns li-1 and
  /// li (lj-1 and lj), by local index: refined columns differ from line to line and row to row.
  Kokkos::View<const double*> dx, dy, inv_dx, inv_dy, inv_dx_between, inv_dy_between;
  double dt = 0.0;
  double keep = 0.0;  ///< out = keep out + (1 - keep) stage: 0, or 1/s in the last stage of SSPRK(s,2)
  bool implicit_w = false;  ///< upwind w flux backward Euler (see the file comment)
  bool diffuse = true;      ///< horizontal diffusion in the stage (false: sub-stepped apart, HorizontalDiffusionStep)
  bool skip_absent = true;  ///< skip the faces around cells a class has not reached (exact; off only to verify that)

  /// Launches the stage over the ni lines times the groups of up to four classes.
  void run() const;
};

/// The stage's line sweep with the limiter, the w treatment and the diffusion fixed at compile time
/// (branch-free face values).
template <numerics::Limiter L, bool ImplicitW, bool Diffuse>
struct HorizontalStageLines {
  HorizontalStage s;
  using View3 = HorizontalStage::View3;

  static constexpr int kLanes = kColumnLanes;
  static constexpr bool kContiguousColumns = std::is_same_v<View3::array_layout, Kokkos::LayoutRight>;
  /// Classes swept by one work item. They share what does not depend on the class: the loads of the
  /// velocities and diffusivities, the faces' diffusion coefficients with their seabed masks, the
  /// implicit w flux's blend, and the factorisation of the w solve.
  static constexpr int kClasses = 4;

  /// The number of class groups: the work items are the ni lines times this.
  KOKKOS_INLINE_FUNCTION int groups() const { return (s.nclasses + kClasses - 1) / kClasses; }

  /// The implicit w solves of up to kLanes columns of a line, level by level across the columns: the
  /// Thomas recurrence is a chain of dependent divisions, and columns side by side turn the chains
  /// into vector operations. The matrix depends on w only, so it is factorised once for the classes of
  /// the work item. Levels below a column's seabed are identity rows (solution 0), so each column's
  /// arithmetic is exactly that of a solve on its wet levels alone.
  struct ImplicitBlock {
    double rhs[kClasses][kMaxLevels][kLanes];  ///< the explicit update per class; the solution after solve()
    double w[kMaxLevels + 1][kLanes];          ///< w on the bottom faces (0 below the bed)
    double forward[kMaxLevels][kLanes];        ///< Thomas's forward coefficients
    int kb[kLanes];
    double width_x[kLanes], width_y[kLanes];  ///< each column's widths (its open top's outflow)
    ColumnOf<View3> result[kClasses][kLanes];

    KOKKOS_INLINE_FUNCTION void add_column(int lane, int k0, int nz, const ColumnOf<View3>& wc, double dx, double dy) {
      kb[lane] = k0;
      width_x[lane] = dx, width_y[lane] = dy;
      for (int k = 0; k < k0; ++k) w[k][lane] = 0.0;
      for (int k = k0; k <= nz; ++k) w[k][lane] = wc[k];
    }
    KOKKOS_INLINE_FUNCTION void add_class(int lane, int m, int k0, int nz, const double* updated,
                                          const ColumnOf<View3>& out) {
      result[m][lane] = out;
      for (int k = 0; k < k0; ++k) rhs[m][k][lane] = 0.0;
      for (int k = k0; k < nz; ++k) rhs[m][k][lane] = updated[k];
    }
    KOKKOS_INLINE_FUNCTION void add_dry(int lane, int nz, int classes) {
      kb[lane] = nz;
      width_x[lane] = width_y[lane] = 0.0;
      for (int k = 0; k <= nz; ++k) w[k][lane] = 0.0;
      for (int m = 0; m < classes; ++m)
        for (int k = 0; k < nz; ++k) rhs[m][k][lane] = 0.0;
    }
    /// (1 + dt A) c_new = rhs for lanes [0, lanes) and each of the classes, A the upwind w flux
    /// divergence: nothing through the bed, the open top lets out what rises and brings in clean water.
    /// Column-diagonally dominant M-matrices: the recurrence is stable and keeps c_new positive;
    /// dz-weighted sums conserve mass. Writes the stage's results and adds the mass rate out through
    /// the open top to out_top[m], kg s-1.
    KOKKOS_INLINE_FUNCTION void solve(const HorizontalStage& s, int lanes, int classes, double* out_top) {
      const int nz = s.nz;
      const double dt = s.dt, keep = s.keep;
      int k_first = nz;
      for (int l = 0; l < lanes; ++l) k_first = kb[l] < k_first ? kb[l] : k_first;
      double previous_forward[kLanes], previous_d[kClasses][kLanes];
      for (int l = 0; l < kLanes; ++l) previous_forward[l] = 0.0;
      for (int m = 0; m < kClasses; ++m)
        for (int l = 0; l < kLanes; ++l) previous_d[m][l] = 0.0;
      for (int k = k_first; k < nz; ++k) {
        const double r = dt * s.inv_dz(k);
        double lower[kLanes], inverse[kLanes];
        HADAL_INDEPENDENT_ITERATIONS
        for (int l = 0; l < kLanes; ++l) {
          const bool wet = k >= kb[l];
          const double w_bottom = k > kb[l] ? w[k][l] : 0.0, w_top = w[k + 1][l];
          lower[l] = k > kb[l] ? -r * (w_bottom > 0.0 ? w_bottom : 0.0) : 0.0;
          const double upper = wet && k + 1 < nz ? r * (w_top < 0.0 ? w_top : 0.0) : 0.0;
          const double diagonal = wet ? 1.0 + r * ((w_top > 0.0 ? w_top : 0.0) - (w_bottom < 0.0 ? w_bottom : 0.0)) : 1.0;
          inverse[l] = 1.0 / (diagonal - lower[l] * previous_forward[l]);
          previous_forward[l] = upper * inverse[l];
          forward[k][l] = previous_forward[l];
        }
        for (int m = 0; m < classes; ++m) {
          HADAL_INDEPENDENT_ITERATIONS
          for (int l = 0; l < kLanes; ++l) {
            previous_d[m][l] = (rhs[m][k][l] - lower[l] * previous_d[m][l]) * inverse[l];
            rhs[m][k][l] = previous_d[m][l];
          }
        }
      }
      for (int m = 0; m < classes; ++m) {
        for (int k = nz - 2; k >= k_first; --k) {
          HADAL_INDEPENDENT_ITERATIONS
          for (int l = 0; l < kLanes; ++l) rhs[m][k][l] -= forward[k][l] * rhs[m][k + 1][l];
        }
      }
      double lanes_out[kClasses];
      for (int m = 0; m < classes; ++m) {
        lanes_out[m] = 0.0;
        for (int l = 0; l < lanes; ++l) {
          if (kb[l] >= nz) continue;
          const auto& out = result[m][l];
          for (int k = kb[l]; k < nz; ++k) {
            const double averaged = keep * out[k] + (1.0 - keep) * rhs[m][k][l];
            out[k] = keep > 0.0 ? averaged : rhs[m][k][l];  // a first stage never reads what `out` held
          }
          const double w_out = w[nz][l];
          lanes_out[m] += (w_out > 0.0 ? w_out * rhs[m][nz - 1][l] : 0.0) * width_x[l] * width_y[l];  // the open top's outflow
        }
        out_top[m] += lanes_out[m];
      }
    }
  };

  /// Work item: the line of cells at column i of a group of up to kClasses classes, swept along j, the
  /// direction in which consecutive cells are contiguous in memory (LayoutRight (i, j, n * nz + k)), so
  /// that the hardware prefetchers follow every stencil column. The face between two cells of the line
  /// is computed once and handed from the south cell to the north one. Each class's arithmetic is that
  /// of a sweep of the class alone.
  KOKKOS_INLINE_FUNCTION void operator()(int item) const {
    using numerics::face_value_of;
    const int group = item % groups(), i = s.g + item / groups(), nz = s.nz;
    const int first_class = group * kClasses;
    const int classes = s.nclasses - first_class < kClasses ? s.nclasses - first_class : kClasses;
    const int gi = s.gi0 + i - s.g;
    const bool west_boundary = gi == 0, east_boundary = gi == s.nx - 1;
    const double dt = s.dt, dx = s.dx(i);
    const double inv_dx = s.inv_dx(i), inv_dx_west = s.inv_dx_between(i), inv_dx_east = s.inv_dx_between(i + 1);
    const double* inv_dz = s.inv_dz.data();
    // 1 / dz of the level above each level (the top level's own, never selected), read without a gather.
    double inv_dz_above[kMaxLevels];
    for (int k = 0; k < nz; ++k) inv_dz_above[k] = inv_dz[k + 1 < nz ? k + 1 : k];
    // Fluxes through the faces of the cell: south (per class, carried from the previous cell's north
    // face), north, west, east, and top[k + 1] through the top of level k (top[kb] = 0: the bed carries
    // none).
    double south[kClasses][kMaxLevels], north[kMaxLevels], west[kMaxLevels], east[kMaxLevels], top[kMaxLevels + 1];
    // The class-independent parts of the faces: the mean Kh of the two cells and (implicit w) the weight
    // of the limited correction to the upwind w flux.
    double kh_south[kMaxLevels], kh_north[kMaxLevels], kh_west[kMaxLevels], kh_east[kMaxLevels], blend[kMaxLevels];
    double outflow[kClasses];
    for (int m = 0; m < kClasses; ++m) outflow[m] = 0.0;
    // With implicit w the columns' tridiagonal solves wait until a block of kLanes cells of the line has
    // its explicit part, then run side by side (ImplicitBlock).
    struct NoBlock {};
    std::conditional_t<ImplicitW, ImplicitBlock, NoBlock> block;
    if constexpr (ImplicitW) {
      for (int l = 0; l < kLanes; ++l) block.add_dry(l, nz, classes);
    }
    for (int j = s.g; j < s.g + s.nj; ++j) {
      const int lane = (j - s.g) % kLanes;
      const bool last = j == s.g + s.nj - 1;
      const double dy = s.dy(j), inv_dy = s.inv_dy(j), inv_dy_south = s.inv_dy_between(j), inv_dy_north = s.inv_dy_between(j + 1);
      const int kb = s.first_wet(i, j);
      const bool south_boundary = s.gj0 + j - s.g == 0, north_boundary = s.gj0 + j - s.g == s.ny - 1;
      const int kb_w = s.first_wet(i - 1, j), kb_e = s.first_wet(i + 1, j);
      const int kb_s = s.first_wet(i, j - 1), kb_n = s.first_wet(i, j + 1);
      // The lowest level from which each face carries a diffusive flux: none below the neighbour's
      // seabed (rock) and none on the domain's boundary (advective only there).
      const int open_west = west_boundary ? nz : kb_w, open_east = east_boundary ? nz : kb_e;
      const int open_south = south_boundary ? nz : kb_s, open_north = north_boundary ? nz : kb_n;
      const auto uw = column_of(s.u, i, j, 0), ue = column_of(s.u, i + 1, j, 0);
      const auto vs = column_of(s.v, i, j, 0), vn = column_of(s.v, i, j + 1, 0), wc = column_of(s.w, i, j, 0);
      if (kb >= nz) {  // a dry column: its north face touches rock
        for (int m = 0; m < classes; ++m)
          for (int k = 0; k < nz; ++k) south[m][k] = 0.0;
        if constexpr (ImplicitW) {
          block.add_dry(lane, nz, classes);
          if (lane == kLanes - 1 || last) block.solve(s, lane + 1, classes, outflow);
        }
        continue;
      }
      if constexpr (Diffuse) {
        const auto kc = column_of(s.kh, i, j, 0), kw = column_of(s.kh, i - 1, j, 0), ke = column_of(s.kh, i + 1, j, 0);
        const auto ks = column_of(s.kh, i, j - 1, 0), kn = column_of(s.kh, i, j + 1, 0);
        if (j == s.g) {
          HADAL_INDEPENDENT_ITERATIONS
          for (int k = kb; k < nz; ++k) kh_south[k] = 0.5 * (ks[k] + kc[k]);
        }
        HADAL_INDEPENDENT_ITERATIONS
        for (int k = kb; k < nz; ++k) {
          kh_north[k] = 0.5 * (kc[k] + kn[k]);
          kh_west[k] = 0.5 * (kw[k] + kc[k]);
          kh_east[k] = 0.5 * (kc[k] + ke[k]);
        }
      }
      if constexpr (ImplicitW) {
        // Only the limited correction to the upwind flux is explicit, faded out as the face's Courant
        // number reaches 1/2 (beyond it the positive implicit upwind flux alone carries the mass).
        HADAL_INDEPENDENT_ITERATIONS
        for (int k = kb; k < nz; ++k) {
          const double wf = wc[k + 1];
          const double courant = (wf > 0.0 ? wf : -wf) * dt * (wf > 0.0 || k + 1 >= nz ? inv_dz[k] : inv_dz_above[k]);
          blend[k] = courant < 0.5 ? 1.0 - 2.0 * courant : 0.0;
        }
        block.add_column(lane, kb, nz, wc, dx, dy);
      }
      top[kb] = 0.0;
      for (int m = 0; m < classes; ++m) {
        const int o = (first_class + m) * nz;
        double* south_m = south[m];
        const auto c = column_of(s.in, i, j, o);
        const auto cw1 = column_of(s.in, i - 1, j, o), cw2 = column_of(s.in, i - 2, j, o);
        const auto ce1 = column_of(s.in, i + 1, j, o), ce2 = column_of(s.in, i + 2, j, o);
        const auto cs1 = column_of(s.in, i, j - 1, o), cs2 = column_of(s.in, i, j - 2, o);
        const auto cn1 = column_of(s.in, i, j + 1, o), cn2 = column_of(s.in, i, j + 2, o);
        // Below the previous cell's seabed the south face touches rock and carries nothing.
        if (j > s.g) {
          for (int k = kb; k < kb_s && k < nz; ++k) south_m[k] = 0.0;
        }
        // A class absent from the cell and from its four face neighbours stays absent: every difference
        // across a face is zero, and so is every limited face value (a limited slope vanishes with
        // either of its two one-sided slopes, so the cells two away do not matter), hence every flux.
        // The sweep skips the faces' arithmetic there: where a plume has not yet arrived, and around
        // the fast-settling classes, most of a domain.
        int present = !s.skip_absent;
        HADAL_INDEPENDENT_ITERATIONS
        for (int k = kb; k < nz; ++k) {
          present |= (c[k] != 0.0) | (cw1[k] != 0.0) | (ce1[k] != 0.0) | (cs1[k] != 0.0) | (cn1[k] != 0.0);
        }
        const auto result = column_of(s.out, i, j, o);
        double updated[kMaxLevels];
        if (present) {
          // The south face: the previous cell's north face, or computed here for the line's first cell.
          if (j == s.g) {
            HADAL_INDEPENDENT_ITERATIONS
            for (int k = kb; k < nz; ++k) {
              const double diffusive = Diffuse ? kh_south[k] * (c[k] - cs1[k]) * inv_dy_south : 0.0;
              south_m[k] = vs[k] * face_value_of<L>(vs[k], cs2[k], cs1[k], c[k], cn1[k]) -
                           (k >= open_south ? diffusive : 0.0);
            }
          }
          HADAL_INDEPENDENT_ITERATIONS
          for (int k = kb; k < nz; ++k) {
            // Neighbours outside the wet column count as empty. The loads are always done, so that the
            // selections below are branch-free: where a column's levels are contiguous they read one
            // level below the bed and two above the top (the rock below, the next class's or column's
            // levels: inside the array, whose halo is two cells wide), which vectorises as plain loads;
            // elsewhere they are clamped into the column.
            const int k_below = kContiguousColumns || k > kb ? k - 1 : k;
            const int k_above = kContiguousColumns || k + 1 < nz ? k + 1 : k;
            const int k_above2 = kContiguousColumns || k + 2 < nz ? k + 2 : k;
            const double below = c[k_below], above = c[k_above], above2 = c[k_above2];
            const double c_mm = k > kb ? below : 0.0, c_p = k + 1 < nz ? above : 0.0, c_pp = k + 2 < nz ? above2 : 0.0;
            const double wf = wc[k + 1];
            const double face = face_value_of<L>(wf, c_mm, c[k], c_p, c_pp);
            if constexpr (ImplicitW) {
              const double upwind = wf > 0.0 ? c[k] : c_p, weight = blend[k];
              top[k + 1] = k + 1 < nz ? wf * (face - upwind) * weight : 0.0;
            } else {
              top[k + 1] = wf * face;
            }
          }
          // North, west and east faces, then the update: separate loops, each of which vectorises. Below
          // a neighbour's seabed a face touches rock: its velocity is zero and its diffusive flux is left out.
          HADAL_INDEPENDENT_ITERATIONS
          for (int k = kb; k < nz; ++k) {
            const double diffusive = Diffuse ? kh_north[k] * (cn1[k] - c[k]) * inv_dy_north : 0.0;
            north[k] = vn[k] * face_value_of<L>(vn[k], cs1[k], c[k], cn1[k], cn2[k]) -
                       (k >= open_north ? diffusive : 0.0);
          }
          HADAL_INDEPENDENT_ITERATIONS
          for (int k = kb; k < nz; ++k) {
            const double diffusive = Diffuse ? kh_west[k] * (c[k] - cw1[k]) * inv_dx_west : 0.0;
            west[k] = uw[k] * face_value_of<L>(uw[k], cw2[k], cw1[k], c[k], ce1[k]) -
                      (k >= open_west ? diffusive : 0.0);
          }
          HADAL_INDEPENDENT_ITERATIONS
          for (int k = kb; k < nz; ++k) {
            const double diffusive = Diffuse ? kh_east[k] * (ce1[k] - c[k]) * inv_dx_east : 0.0;
            east[k] = ue[k] * face_value_of<L>(ue[k], cw1[k], c[k], ce1[k], ce2[k]) -
                      (k >= open_east ? diffusive : 0.0);
          }
          HADAL_INDEPENDENT_ITERATIONS
          for (int k = kb; k < nz; ++k) {
            const double tendency = -(east[k] - west[k]) * inv_dx - (north[k] - south_m[k]) * inv_dy -
                                    (top[k + 1] - top[k]) * inv_dz[k];
            updated[k] = c[k] + dt * tendency;
          }
        } else {
          for (int k = kb; k < nz; ++k) north[k] = west[k] = east[k] = top[k + 1] = updated[k] = 0.0;
          if (j == s.g) {
            for (int k = kb; k < nz; ++k) south_m[k] = 0.0;
          }
        }
        if constexpr (ImplicitW) {
          block.add_class(lane, m, kb, nz, updated, result);
        } else {
          const double keep = s.keep;
          HADAL_INDEPENDENT_ITERATIONS
          for (int k = kb; k < nz; ++k) {
            const double averaged = keep * result[k] + (1.0 - keep) * updated[k];
            result[k] = keep > 0.0 ? averaged : updated[k];  // a first stage never reads what `out` held
          }
        }
        // What leaves through the domain's boundary faces (outward positive; advective only there).
        if (west_boundary || east_boundary || south_boundary || north_boundary) {
          for (int k = kb; k < nz; ++k) {
            const double area_x = dy * s.dz(k), area_y = dx * s.dz(k);
            if (west_boundary) outflow[m] -= west[k] * area_x;
            if (east_boundary) outflow[m] += east[k] * area_x;
            if (south_boundary) outflow[m] -= south_m[k] * area_y;
            if (north_boundary) outflow[m] += north[k] * area_y;
          }
        }
        for (int k = kb; k < nz; ++k) south_m[k] = north[k];
        if constexpr (!ImplicitW) outflow[m] += top[nz] * dx * dy;  // what leaves through the open top
      }
      if constexpr (ImplicitW) {
        if (lane == kLanes - 1 || last) block.solve(s, lane + 1, classes, outflow);
      }
    }
    for (int m = 0; m < classes; ++m) s.line_outflow(i - s.g, first_class + m) = outflow[m];
  }
};

template <bool ImplicitW, bool Diffuse>
void run_horizontal_stage(const HorizontalStage& stage) {
  using numerics::Limiter;
  const Kokkos::RangePolicy<> lines(0, stage.ni * HorizontalStageLines<Limiter::VanLeer, ImplicitW, Diffuse>{stage}.groups());
  switch (stage.limiter) {
    case Limiter::Minmod:
      Kokkos::parallel_for("plume_horizontal", lines, HorizontalStageLines<Limiter::Minmod, ImplicitW, Diffuse>{stage});
      break;
    case Limiter::VanLeer:
      Kokkos::parallel_for("plume_horizontal", lines, HorizontalStageLines<Limiter::VanLeer, ImplicitW, Diffuse>{stage});
      break;
    case Limiter::MonotonizedCentral:
      Kokkos::parallel_for("plume_horizontal", lines, HorizontalStageLines<Limiter::MonotonizedCentral, ImplicitW, Diffuse>{stage});
      break;
  }
}

inline void HorizontalStage::run() const {
  if (implicit_w) {
    diffuse ? run_horizontal_stage<true, true>(*this) : run_horizontal_stage<true, false>(*this);
  } else {
    diffuse ? run_horizontal_stage<false, true>(*this) : run_horizontal_stage<false, false>(*this);
  }
}

/// One forward-Euler step of horizontal diffusion, in -> out, for every class of the owned columns: the
/// diffusive fluxes of HorizontalStage (face Kh the mean of the two cells', gradients across the centre
/// distance, nothing through rock or the domain's boundary), so that each face's flux leaves one cell
/// and enters the other and the sub-steps conserve mass to round-off. Every new value is a positive
/// combination of the old ones while dt * 2 Kh (1/hx^2 + 1/hy^2) <= 1, h the narrowest width or centre
/// distance of the cell (EulerianModel sub-steps at half that). Launched over (i, j), local indices.
struct HorizontalDiffusionStep {
  using View3 = Kokkos::View<double***>;
  View3 in, out, kh;              ///< concentration (i, j, n * nz + k) with the halo; cell Kh
  Kokkos::View<int**> first_wet;  ///< first wet level per column
  Kokkos::View<const double*> inv_dx, inv_dy, inv_dx_between, inv_dy_between;  ///< as HorizontalStage's
  int g = 2, nz = 1, nclasses = 1;
  int gi0 = 0, gj0 = 0, nx = 1, ny = 1;  ///< global index of the first owned cell, global grid size
  double dt = 0.0;

  KOKKOS_INLINE_FUNCTION void operator()(int i, int j) const {
    const int kb = first_wet(i, j);
    if (kb >= nz) return;  // rock: nothing to diffuse
    const int gi = gi0 + i - g, gj = gj0 + j - g;
    // The lowest level from which each face is open: none below the neighbour's seabed, none on the
    // domain's boundary.
    const int open_west = gi == 0 ? nz : first_wet(i - 1, j), open_east = gi == nx - 1 ? nz : first_wet(i + 1, j);
    const int open_south = gj == 0 ? nz : first_wet(i, j - 1), open_north = gj == ny - 1 ? nz : first_wet(i, j + 1);
    // Each face's Kh times 1 / (the centre distance times the cell's width): the class-independent
    // coefficients, zero where the face is closed.
    double west[kMaxLevels], east[kMaxLevels], south[kMaxLevels], north[kMaxLevels];
    {
      const auto kc = column_of(kh, i, j, 0), kw = column_of(kh, i - 1, j, 0), ke = column_of(kh, i + 1, j, 0);
      const auto ks = column_of(kh, i, j - 1, 0), kn = column_of(kh, i, j + 1, 0);
      const double ax_w = 0.5 * inv_dx(i) * inv_dx_between(i), ax_e = 0.5 * inv_dx(i) * inv_dx_between(i + 1);
      const double ay_s = 0.5 * inv_dy(j) * inv_dy_between(j), ay_n = 0.5 * inv_dy(j) * inv_dy_between(j + 1);
      HADAL_INDEPENDENT_ITERATIONS
      for (int k = kb; k < nz; ++k) {
        west[k] = k >= open_west ? ax_w * (kw[k] + kc[k]) : 0.0;
        east[k] = k >= open_east ? ax_e * (ke[k] + kc[k]) : 0.0;
        south[k] = k >= open_south ? ay_s * (ks[k] + kc[k]) : 0.0;
        north[k] = k >= open_north ? ay_n * (kn[k] + kc[k]) : 0.0;
      }
    }
    for (int n = 0; n < nclasses; ++n) {
      const int o = n * nz;
      const auto c = column_of(in, i, j, o), cw = column_of(in, i - 1, j, o), ce = column_of(in, i + 1, j, o);
      const auto cs = column_of(in, i, j - 1, o), cn = column_of(in, i, j + 1, o);
      const auto result = column_of(out, i, j, o);
      HADAL_INDEPENDENT_ITERATIONS
      for (int k = kb; k < nz; ++k) {
        result[k] = c[k] + dt * (east[k] * (ce[k] - c[k]) - west[k] * (c[k] - cw[k]) + north[k] * (cn[k] - c[k]) -
                                 south[k] * (c[k] - cs[k]));
      }
    }
  }
};

/// Launched over the owned columns i and blocks of VerticalColumnSolve::kLanes owned columns along j
/// (neighbours in memory), with three sums: suspended mass, deposited mass, and the water volume at or
/// above the first concentration threshold (kg, kg, m3).
struct ColumnStep {
  using View3 = Kokkos::View<double***>;
  VerticalColumnSolve solve;
  bool solve_first = true;   ///< false: only the metrics of the present state
  bool with_metrics = true;  ///< false: only the solve (the sums are then zero)
  View3 c_total, deposit, column_max, time_above;  ///< cell total; maps (deposit, running maximum, time above)
  View3 near_bed;  ///< optional map: total concentration in the lowest wet cell
  Kokkos::View<double*> dry_density, thresholds;
  Kokkos::View<const double*> dx, dy;  ///< column widths by local index (the columns' areas)
  double exposure_dt = 0.0;            ///< time added to the maps (0: none)
  int first_row = 0, rows = 0;                ///< the owned columns along j: local index of the first, count

  /// The number of blocks along j to launch.
  static constexpr int kBlock = VerticalColumnSolve::kLanes;
  int blocks() const { return (rows + kBlock - 1) / kBlock; }

  KOKKOS_INLINE_FUNCTION void operator()(int i, int block, double& suspended, double& deposited, double& volume) const {
    const int j0 = first_row + block * kBlock;
    const int end = j0 + kBlock < first_row + rows ? j0 + kBlock : first_row + rows;
    if (solve_first) solve.columns(i, j0, end - j0);
    if (!with_metrics) return;
    for (int j = j0; j < end; ++j) record(i, j, suspended, deposited, volume);
  }

  /// What the state of column (i, j) gives the assessment.
  KOKKOS_INLINE_FUNCTION void record(int i, int j, double& suspended, double& deposited, double& volume) const {
    const auto& c = solve.c;
    const int nz = solve.nz, nn = solve.nclasses, kb = solve.first_wet(i, j);
    const double first_threshold = thresholds(0), cell_area = dx(i) * dy(j);
    // The classes' sum level by level, class after class (contiguous loops, the same order of addition
    // as a sum over the classes per level).
    const auto total = column_of(c_total, i, j, 0);
    for (int k = 0; k < nz; ++k) total[k] = 0.0;
    for (int n = 0; n < nn; ++n) {
      const auto class_n = column_of(c, i, j, n * nz);
      HADAL_INDEPENDENT_ITERATIONS
      for (int k = 0; k < nz; ++k) total[k] += class_n[k];
    }
    double column_max_now = 0.0, mass = 0.0;
    for (int k = 0; k < nz; ++k) {
      if (k >= kb && total[k] >= first_threshold) volume += cell_area * solve.dz(k);
      column_max_now = total[k] > column_max_now ? total[k] : column_max_now;
      mass += total[k] * solve.dz(k);
    }
    suspended += mass * cell_area;
    if (near_bed.data()) near_bed(i, j, 0) = kb < nz ? total[kb] : 0.0;
    record_column_exposure(column_max, time_above, thresholds, i, j, column_max_now, exposure_dt);
    double thickness = 0.0, bed_mass = 0.0;
    for (int n = 0; n < nn; ++n) {
      thickness += solve.bed(i, j, n) / dry_density(n);
      bed_mass += solve.bed(i, j, n);
    }
    deposit(i, j, 0) = thickness;
    deposited += bed_mass * cell_area;
  }
};

}  // namespace hadal::plume
