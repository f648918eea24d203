// SPDX-License-Identifier: MIT
/// \file lagrangian_kernels.hpp
/// \brief Device code of the particle step: C-grid velocity interpolation (per cell, consistent with
/// the finite volumes; linear in time through the start, mid and end fields), diffusivity profiles,
/// and the move functor (which also bins and lists the particles needing bookkeeping). Depends on Kokkos
/// and the numerics floor only, so that the device benchmark builds it without MPI or the grid.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <Kokkos_Core.hpp>
#include <Kokkos_ScatterView.hpp>

#include "numerics/kokkos_math.hpp"
#include "plume/closures.hpp"
#include "plume/particle_random.hpp"

namespace hadal::plume {

/// Grid geometry captured by value in kernels. Indices are global; local = global - begin + ghost.
/// Plain data (the model fills it from its grid, the device benchmark from its box), then set_levels
/// and, for refined columns, set_columns.
struct FlowGeometry {
  double x0 = 0, y0 = 0, lx = 0, ly = 0, dx = 1, dy = 1, inv_dx = 1, inv_dy = 1;  ///< dx, dy: uniform columns
  int nx = 1, ny = 1, nz = 1, g = 0, i_begin = 0, j_begin = 0, local_ni = 1, local_nj = 1;
  Kokkos::View<const double*> zf, dzv;
  /// Refined columns: the global faces in x and y and lookup tables like the level table's (entry b:
  /// the column at x0 + b * the narrowest width). Uniform columns keep the arithmetic of x0 + i dx.
  bool uniform = true;
  Kokkos::View<const double*> xf, yf;
  Kokkos::View<const int*> x_table, y_table;
  double inv_x_step = 1.0, inv_y_step = 1.0;
  int x_table_last = 0, y_table_last = 0;
  /// Level lookup: level_table(b) = cell_k at z = zf(0) + b * table_step, with table_step the
  /// thinnest cell, so that a height is at most one level above its table entry.
  Kokkos::View<const int*> level_table;
  double table_step = 1.0, inv_table_step = 1.0;
  int table_last = 0;

  /// Sets the vertical levels: face heights (nz + 1) and cell heights (nz) on the default memory
  /// space, and the level table built from them (allocated here: set once, copy freely).
  void set_levels(const Kokkos::View<const double*>& faces, const Kokkos::View<const double*>& heights) {
    zf = faces, dzv = heights;
    const auto zf_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), faces);
    const auto dz_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), heights);
    double thinnest = dz_host(0);
    for (int k = 1; k < nz; ++k) thinnest = thinnest < dz_host(k) ? thinnest : dz_host(k);
    const double height = zf_host(nz) - zf_host(0);
    const int entries = static_cast<int>(height / thinnest) + 2;
    table_step = thinnest, inv_table_step = 1.0 / thinnest, table_last = entries - 1;
    Kokkos::View<int*> table("level_table", static_cast<std::size_t>(entries));
    auto host = Kokkos::create_mirror_view(table);
    for (int b = 0, k = 0; b < entries; ++b) {
      const double z = zf_host(0) + b * thinnest;
      while (k + 1 < nz && zf_host(k + 1) <= z) ++k;
      host(b) = k;
    }
    Kokkos::deep_copy(table, host);
    level_table = table;
  }

  /// Sets refined columns from their faces (nx + 1 and ny + 1 values; host vectors).
  void set_columns(const std::vector<double>& x_faces, const std::vector<double>& y_faces) {
    uniform = false;
    auto faces_view = [](const char* name, const std::vector<double>& faces) {
      Kokkos::View<double*> view(std::string(name), faces.size());
      auto host = Kokkos::create_mirror_view(view);
      for (std::size_t i = 0; i < faces.size(); ++i) host(i) = faces[i];
      Kokkos::deep_copy(view, host);
      return view;
    };
    // Entry b: the column holding faces[0] + b * the narrowest width, so a point is at most one
    // column beyond its entry.
    auto table_of = [](const char* name, const std::vector<double>& faces, double& inv_step, int& last) {
      double narrowest = faces[1] - faces[0];
      for (std::size_t i = 1; i + 1 < faces.size(); ++i) narrowest = std::min(narrowest, faces[i + 1] - faces[i]);
      const int n = static_cast<int>(faces.size()) - 1;
      const int entries = static_cast<int>((faces.back() - faces.front()) / narrowest) + 2;
      inv_step = 1.0 / narrowest, last = entries - 1;
      Kokkos::View<int*> table(std::string(name), static_cast<std::size_t>(entries));
      auto host = Kokkos::create_mirror_view(table);
      for (int b = 0, i = 0; b < entries; ++b) {
        const double a = faces.front() + b * narrowest;
        while (i + 1 < n && faces[i + 1] <= a) ++i;
        host(b) = i;
      }
      Kokkos::deep_copy(table, host);
      return table;
    };
    xf = faces_view("x_faces", x_faces), yf = faces_view("y_faces", y_faces);
    x_table = table_of("x_table", x_faces, inv_x_step, x_table_last);
    y_table = table_of("y_table", y_faces, inv_y_step, y_table_last);
  }

  KOKKOS_INLINE_FUNCTION double x_face(int i) const { return uniform ? x0 + i * dx : xf(i); }
  KOKKOS_INLINE_FUNCTION double y_face(int j) const { return uniform ? y0 + j * dy : yf(j); }
  KOKKOS_INLINE_FUNCTION double width_x(int i) const { return uniform ? dx : xf(i + 1) - xf(i); }
  KOKKOS_INLINE_FUNCTION double width_y(int j) const { return uniform ? dy : yf(j + 1) - yf(j); }
  KOKKOS_INLINE_FUNCTION double x_center(int i) const { return uniform ? x0 + (i + 0.5) * dx : 0.5 * (xf(i) + xf(i + 1)); }
  KOKKOS_INLINE_FUNCTION double y_center(int j) const { return uniform ? y0 + (j + 0.5) * dy : 0.5 * (yf(j) + yf(j + 1)); }
  KOKKOS_INLINE_FUNCTION double cell_area(int i, int j) const { return uniform ? dx * dy : width_x(i) * width_y(j); }
  /// The column of a coordinate on refined faces (clamped to the domain): the table entry, corrected
  /// by at most a column (also against rounding of the table index).
  KOKKOS_FORCEINLINE_FUNCTION static int refined_index(const Kokkos::View<const double*>& faces,
                                                       const Kokkos::View<const int*>& table, double inv_step,
                                                       int last, int n, double a) {
    const double b = (a - faces(0)) * inv_step;
    int i = table(b > 0.0 ? (b < last ? static_cast<int>(b) : last) : 0);
    while (i + 1 < n && faces(i + 1) <= a) ++i;
    while (i > 0 && faces(i) > a) --i;
    return i;
  }
  /// Column gi holding x (clamped to the domain) and x's offset in it as a fraction of its width (not
  /// clamped); the same for y.
  KOKKOS_FORCEINLINE_FUNCTION void locate_x(double x, int& gi, double& fx) const {
    if (uniform) {
      const double ax = (x - x0) * inv_dx;
      gi = ax <= 0.0 ? 0 : (ax >= nx ? nx - 1 : static_cast<int>(ax));
      fx = ax - gi;
      return;
    }
    gi = refined_index(xf, x_table, inv_x_step, x_table_last, nx, x);
    fx = (x - xf(gi)) / (xf(gi + 1) - xf(gi));
  }
  KOKKOS_FORCEINLINE_FUNCTION void locate_y(double y, int& gj, double& fy) const {
    if (uniform) {
      const double ay = (y - y0) * inv_dy;
      gj = ay <= 0.0 ? 0 : (ay >= ny ? ny - 1 : static_cast<int>(ay));
      fy = ay - gj;
      return;
    }
    gj = refined_index(yf, y_table, inv_y_step, y_table_last, ny, y);
    fy = (y - yf(gj)) / (yf(gj + 1) - yf(gj));
  }
  /// Continuous index of x on the lattice of column centres (centre i at i), from its column and
  /// fraction: linear between neighbouring centres, whatever their distance.
  KOKKOS_INLINE_FUNCTION double centre_coordinate_x(int gi, double fx, double x) const {
    if (uniform) return gi + fx - 0.5;
    const int c0 = fx >= 0.5 ? gi : gi - 1;
    if (c0 < 0) return -1.0;
    if (c0 + 1 >= nx) return nx;
    return c0 + (x - x_center(c0)) / (x_center(c0 + 1) - x_center(c0));
  }
  KOKKOS_INLINE_FUNCTION double centre_coordinate_y(int gj, double fy, double y) const {
    if (uniform) return gj + fy - 0.5;
    const int c0 = fy >= 0.5 ? gj : gj - 1;
    if (c0 < 0) return -1.0;
    if (c0 + 1 >= ny) return ny;
    return c0 + (y - y_center(c0)) / (y_center(c0 + 1) - y_center(c0));
  }

  KOKKOS_INLINE_FUNCTION double dz(int k) const { return dzv(k); }
  KOKKOS_INLINE_FUNCTION double top() const { return zf(nz); }
  /// Cell level containing z (clamped to 0..nz-1).
  KOKKOS_FORCEINLINE_FUNCTION int cell_k(double z) const {
    // Largest k with zf(k) <= z (0 if none, or z not a number): the table entry, corrected by at
    // most a level (also against rounding of the table index).
    const double a = (z - zf(0)) * inv_table_step;
    int k = level_table(a > 0.0 ? (a < table_last ? static_cast<int>(a) : table_last) : 0);
    while (k + 1 < nz && zf(k + 1) <= z) ++k;
    while (k > 0 && zf(k) > z) --k;
    return k;
  }
  /// Whether (x, y) lies beyond the domain's lateral boundaries.
  KOKKOS_INLINE_FUNCTION bool outside(double x, double y) const {
    return x < x0 || x >= x0 + lx || y < y0 || y >= y0 + ly;
  }
  /// Global column of (x, y), clamped to the domain.
  KOKKOS_INLINE_FUNCTION void column(double x, double y, int& gi, int& gj) const {
    double fx, fy;
    locate_x(x, gi, fx);
    locate_y(y, gj, fy);
  }
  KOKKOS_FORCEINLINE_FUNCTION int local_i(int gi) const {
    const int l = gi - i_begin + g;
    return l < 0 ? 0 : (l >= local_ni ? local_ni - 1 : l);
  }
  KOKKOS_FORCEINLINE_FUNCTION int local_j(int gj) const {
    const int l = gj - j_begin + g;
    return l < 0 ? 0 : (l >= local_nj ? local_nj - 1 : l);
  }
  /// Neighbours i0, i1 = i0 + 1 and weight t of continuous index a on points 0..last (clamped).
  KOKKOS_FORCEINLINE_FUNCTION static void bracket(double a, int last, int& i0, int& i1, double& t) {
    if (a <= 0.0 || last == 0) {
      i0 = i1 = 0, t = 0.0;
    } else if (a >= last) {
      i0 = i1 = last, t = 0.0;
    } else {
      i0 = static_cast<int>(a), i1 = i0 + 1, t = a - i0;
    }
  }

  /// Trilinear interpolation between columns (a0|a1, b0|b1) (local indices) and levels k0|k1. Raw
  /// strides (any layout): the column offsets are computed once, not per value.
  template <class View>
  KOKKOS_FORCEINLINE_FUNCTION static double trilinear(const View& F, int a0, int a1, double tx, int b0, int b1, double ty,
                                                      int k0, int k1, double tz) {
    const double* data = F.data();
    const std::size_t s0 = F.stride(0), s1 = F.stride(1), s2 = F.stride(2);
    const std::size_t o00 = a0 * s0 + b0 * s1, o10 = a1 * s0 + b0 * s1, o01 = a0 * s0 + b1 * s1, o11 = a1 * s0 + b1 * s1;
    const std::size_t l0 = k0 * s2, l1 = k1 * s2;
    const double c00 = data[o00 + l0] + tz * (data[o00 + l1] - data[o00 + l0]);
    const double c10 = data[o10 + l0] + tz * (data[o10 + l1] - data[o10 + l0]);
    const double c01 = data[o01 + l0] + tz * (data[o01 + l1] - data[o01 + l0]);
    const double c11 = data[o11 + l0] + tz * (data[o11 + l1] - data[o11 + l0]);
    const double c0 = c00 + tx * (c10 - c00), c1 = c01 + tx * (c11 - c01);
    return c0 + ty * (c1 - c0);
  }

  /// Velocity at (x, y, z) consistent with the finite volumes: in the cell holding the point, u is
  /// linear in x between the cell's west and east faces, v linear in y between its south and north
  /// faces, w linear in z between its bottom and top faces. As the face fields satisfy the discrete
  /// continuity (w is built from it), this field is divergence-free inside every cell and its normal
  /// component is continuous across faces: advection alone keeps a uniform particle density
  /// uniform, also next to bathymetry steps, where w is exactly 0 on the bed and u, v are 0 on the
  /// masked step faces.
  template <class View>
  KOKKOS_INLINE_FUNCTION void velocity_cell(const View& U, const View& V, const View& W, double x, double y, double z,
                                            double& u, double& v, double& w) const {
    int gi, gj;
    double fx, fy;
    locate_x(x, gi, fx);
    locate_y(y, gj, fy);
    fx = fx < 0.0 ? 0.0 : (fx > 1.0 ? 1.0 : fx);
    fy = fy < 0.0 ? 0.0 : (fy > 1.0 ? 1.0 : fy);
    const int k = cell_k(z);
    double fz = (z - zf(k)) / dzv(k);
    fz = fz < 0.0 ? 0.0 : (fz > 1.0 ? 1.0 : fz);
    const int li = local_i(gi), lj = local_j(gj);
    const int le = li + 1 < local_ni ? li + 1 : li, ln = lj + 1 < local_nj ? lj + 1 : lj;
    u = U(li, lj, k) + fx * (U(le, lj, k) - U(li, lj, k));
    v = V(li, lj, k) + fy * (V(li, ln, k) - V(li, lj, k));
    w = W(li, lj, k) + fz * (W(li, lj, k + 1) - W(li, lj, k));
  }

  /// Velocity: the finite-volume-consistent cell interpolation, or (`trilinear`) each component
  /// trilinear on its staggered lattice (kept to show that it breaks the well-mixed condition next
  /// to bathymetry steps).
  template <class View>
  KOKKOS_INLINE_FUNCTION void flow_at(bool trilinear_lattice, const View& U, const View& V, const View& W, double x,
                                      double y, double z, double& u, double& v, double& w) const {
    if (trilinear_lattice) velocity(U, V, W, x, y, z, u, v, w);
    else velocity_cell(U, V, W, x, y, z, u, v, w);
  }

  /// Pollock's semi-analytic path through the steady C-grid field (U, V, W) for the time `left`, from
  /// (x, y, z) in global column (gi, gj). Inside a cell each component is linear in its own coordinate,
  /// u = u_w + a (x - x_w) with a = (u_e - u_w) / dx, so x(t) = x + u (e^{a t} - 1) / a exactly, and the
  /// time to the face the particle moves towards is ln(u_face / u) / a (never where u_face has the other
  /// sign or is 0: a wall, the bed, a stagnation point). The path goes from cell to cell with the time
  /// left. It follows every stagnation corner and riser of a stepped seabed however long the step is,
  /// which Runge-Kutta stages sampling the field at a few points do not. Returns true if the particle
  /// left the domain (it then stops on the top or the open side it left through).
  template <class View>
  KOKKOS_INLINE_FUNCTION bool trace(const View& U, const View& V, const View& W, double left, int& gi, int& gj,
                                    double& x, double& y, double& z) const {
    int k = cell_k(z);
    for (int crossing = 0; crossing < kMaxCrossings && left > 0.0; ++crossing) {
      const int li = local_i(gi), lj = local_j(gj);
      const double xw = x_face(gi), ys = y_face(gj), zb = zf(k), hz = dzv(k);
      const double wx = width_x(gi), wy = width_y(gj);
      const double uw = U(li, lj, k), ue = U(local_i(gi + 1), lj, k);
      const double vs = V(li, lj, k), vn = V(li, local_j(gj + 1), k);
      const double wb = W(li, lj, k), wt = W(li, lj, k + 1);
      const double ax = uniform ? (ue - uw) * inv_dx : (ue - uw) / wx, ay = uniform ? (vn - vs) * inv_dy : (vn - vs) / wy;
      const double az = (wt - wb) / hz;
      const double sx = clamp_to(x - xw, wx), sy = clamp_to(y - ys, wy), sz = clamp_to(z - zb, hz);
      const double u = uw + ax * sx, v = vs + ay * sy, w = wb + az * sz;
      const double tx = exit_time(u, ax, uw, ue, sx, wx), ty = exit_time(v, ay, vs, vn, sy, wy);
      const double tz = exit_time(w, az, wb, wt, sz, hz);
      const double te = tx < ty ? (tx < tz ? tx : tz) : (ty < tz ? ty : tz);
      const double spent = te < left ? te : left;
      x = xw + advance(sx, u, ax, spent, wx), y = ys + advance(sy, v, ay, spent, wy), z = zb + advance(sz, w, az, spent, hz);
      left -= spent;
      if (te > spent) break;  // the time ran out inside the cell
      // Onto the face reached first, and into the neighbour behind it.
      if (te == tx) {
        const int step = u > 0.0 ? 1 : -1;
        x = xw + (step > 0 ? wx : 0.0), gi += step;
        if (gi < 0 || gi >= nx) return true;
      } else if (te == ty) {
        const int step = v > 0.0 ? 1 : -1;
        y = ys + (step > 0 ? wy : 0.0), gj += step;
        if (gj < 0 || gj >= ny) return true;
      } else {
        const int step = w > 0.0 ? 1 : -1;
        z = zb + (step > 0 ? hz : 0.0), k += step;
        if (k >= nz) return true;
        if (k < 0) k = 0;  // w at the grid's floor is 0: not reached
      }
    }
    return false;  // (after kMaxCrossings the particle stays where the path got to)
  }
  /// Enough for a 600 s step through the main job's fastest cells (w 6.7 cm/s over the mound, 0.93 m
  /// levels: about 45 crossings).
  static constexpr int kMaxCrossings = 256;

  /// s clamped into 0..width (its cell).
  KOKKOS_FORCEINLINE_FUNCTION static double clamp_to(double s, double width) {
    return s < 0.0 ? 0.0 : (s > width ? width : s);
  }
  /// Time for a particle at s (velocity u, gradient a) to reach the face it moves towards, of velocity
  /// low (at 0) or high (at width); a huge number if it never does.
  KOKKOS_FORCEINLINE_FUNCTION static double exit_time(double u, double a, double low, double high, double s, double width) {
    if (u > 0.0) return time_to_face(u, a, high, width - s);
    if (u < 0.0) return time_to_face(u, a, low, s);
    return 1e300;
  }
  /// Time to cover `distance` towards a face of velocity `face` from velocity u (both of one sign if it
  /// gets there): e^{a t} = face / u, or distance / |u| where u hardly changes on the way.
  KOKKOS_FORCEINLINE_FUNCTION static double time_to_face(double u, double a, double face, double distance) {
    if (!(face * u > 0.0)) return 1e300;
    const double speed = u > 0.0 ? u : -u, change = a * distance;  // change: +-(face - u)
    return change > 1e-12 * speed || change < -1e-12 * speed ? km::log1p((face - u) / u) / a : distance / speed;
  }
  /// Position after time t from s with velocity u and gradient a, clamped into the cell.
  KOKKOS_FORCEINLINE_FUNCTION static double advance(double s, double u, double a, double t, double width) {
    const double at = a * t;
    const double growth = at > 1e-12 || at < -1e-12 ? km::expm1(at) / a : t;  // (e^{a t} - 1) / a
    return clamp_to(s + u * growth, width);
  }

  /// Velocity at (x, y, z) from C-grid face fields: u on west faces (x faces, y and z centres), v on
  /// south faces, w on bottom faces; each trilinear on its own staggered lattice. The brackets and
  /// local indices are shared by the three components.
  template <class View>
  KOKKOS_INLINE_FUNCTION void velocity(const View& U, const View& V, const View& W, double x, double y, double z,
                                            double& u, double& v, double& w) const {
    // Continuous indices on the face lattices (face i at i) and on the centre lattices (centre i at i).
    int gi, gj;
    double fx, fy;
    locate_x(x, gi, fx);
    locate_y(y, gj, fy);
    const double ax = uniform ? (x - x0) * inv_dx : gi + fx, ay = uniform ? (y - y0) * inv_dy : gj + fy;
    const double cx = uniform ? ax - 0.5 : centre_coordinate_x(gi, fx, x);
    const double cy = uniform ? ay - 0.5 : centre_coordinate_y(gj, fy, y);
    const int k = cell_k(z);
    const double zc = 0.5 * (zf(k) + zf(k + 1));
    int kc0, kc1;
    if (z >= zc) {
      kc0 = k, kc1 = k + 1 < nz ? k + 1 : k;
    } else {
      kc1 = k, kc0 = k > 0 ? k - 1 : 0;
    }
    double tc = 0.0;
    if (kc1 > kc0) {
      const double z0 = 0.5 * (zf(kc0) + zf(kc0 + 1)), z1 = 0.5 * (zf(kc1) + zf(kc1 + 1));
      tc = (z - z0) / (z1 - z0);
    }
    tc = tc < 0.0 ? 0.0 : (tc > 1.0 ? 1.0 : tc);
    double tf = (z - zf(k)) / dzv(k);
    tf = tf < 0.0 ? 0.0 : (tf > 1.0 ? 1.0 : tf);
    int i0, i1, j0, j1, ic0, ic1, jc0, jc1;
    double tx, ty, txc, tyc;
    bracket(ax, nx, i0, i1, tx);
    bracket(ay, ny, j0, j1, ty);
    bracket(cx, nx - 1, ic0, ic1, txc);
    bracket(cy, ny - 1, jc0, jc1, tyc);
    const int af0 = local_i(i0), af1 = local_i(i1), ac0 = local_i(ic0), ac1 = local_i(ic1);
    const int bf0 = local_j(j0), bf1 = local_j(j1), bc0 = local_j(jc0), bc1 = local_j(jc1);
    u = trilinear(U, af0, af1, tx, bc0, bc1, tyc, kc0, kc1, tc);
    v = trilinear(V, ac0, ac1, txc, bf0, bf1, ty, kc0, kc1, tc);
    w = trilinear(W, ac0, ac1, txc, bc0, bc1, tyc, k, k + 1, tf);
  }
};

/// Vertical diffusivity K(h) and dK/dz at height h above the bed: constant, or the bottom boundary
/// layer (the Eulerian model's profile, closures.hpp).
KOKKOS_INLINE_FUNCTION void vertical_diffusivity(bool bbl, double kz, double background, double delta, double ustar,
                                                 double h, double& K, double& dK) {
  if (!bbl) {
    K = kz, dK = 0.0;
    return;
  }
  boundary_layer_diffusivity(background, delta, ustar, h, K, dK);
}

/// One step of every particle (see lagrangian_model.hpp for the sequence). Besides moving, the
/// kernel bins the particles that stay suspended on this rank into the concentration field, and
/// lists (in `listed`, `listed_count`) every particle that needs bookkeeping after the step: those
/// deposited, eroded or gone out of the domain, and those now over another rank's column, with
/// destination(p) = the rank that owns the new column, or -1 if it left the domain. So the steps
/// after the move touch only the listed particles, not all of them.
struct ParticleMover {
  using View3 = Kokkos::View<double***>;
  FlowGeometry geo;
  View3 u0, v0, w0, u1, v1, w1, um, vm, wm, kh, tau, ustar_map, bed;  ///< ustar_map: friction velocity per column
  Kokkos::View<int**> first_wet, owner;
  Kokkos::View<double*> ws, tau_ce, erosion_m;
  Kokkos::View<double*> x, y, z, mass, age;
  Kokkos::View<std::int64_t*> id;
  Kokkos::View<int*> cls, state, event;
  Kokkos::View<int*> destination, listed;
  Kokkos::View<int> listed_count;
  Kokkos::Experimental::ScatterView<double***> bins;  ///< concentration per class, (i, j, n * nz + k)
  double dt = 0.0;
  std::uint64_t seed = 0, step = 0;
  int rank = 0;
  bool trilinear = false;  ///< the Runge-Kutta stages' velocity: cell-consistent (false) or trilinear on the lattices
  /// Pollock's path is the case default, set by the model; Heun's stages here, so that the device benchmark's
  /// figures compare with earlier stops.
  ParticleAdvection scheme = ParticleAdvection::Heun;
  bool gaussian = true, drift = true, advection = true, kh_constant = true, bbl = false, erosion = false;
  double kh_value = 0.0, hstep_constant = 0.0;  ///< hstep_constant: sqrt(2 Kh dt) for a constant Kh
  double kz_value = 0.0, kz_background = 0.0, bbl_thickness = 1.0, water_density = 1030.0;
  Deposition deposition = Deposition::Always;
  double tau_cd = 0.07;

  KOKKOS_INLINE_FUNCTION void list(std::size_t p, int where) const {
    destination(p) = where;
    listed(Kokkos::atomic_fetch_add(&listed_count(), 1)) = static_cast<int>(p);
  }
  KOKKOS_FORCEINLINE_FUNCTION void bin(int gi, int gj, int n, double zp, double m) const {
    const int k = geo.cell_k(zp);
    auto access = bins.access();
    access(geo.local_i(gi), geo.local_j(gj), n * geo.nz + k) += m / (geo.cell_area(gi, gj) * geo.dz(k));
  }

  /// Whether the seabed of global column (gi, gj) lies above height z (a dry column always does).
  KOKKOS_FORCEINLINE_FUNCTION bool is_wall(int gi, int gj, double z) const {
    const int kb = first_wet(gi, gj);
    return kb >= geo.nz || z < geo.zf(kb);
  }

  /// A move from column (gi, gj) at height z to coordinate `to` (x if along_x, else y) of column `target`
  /// along that axis: reflected at the near face of the first wall on the way, if any.
  KOKKOS_INLINE_FUNCTION double reflect_at_wall(int gi, int gj, int target, double z, double to, bool along_x) const {
    const int from = along_x ? gi : gj, step = target > from ? 1 : -1;
    for (int a = from + step; a != target + step; a += step) {
      if (along_x ? is_wall(a, gj, z) : is_wall(gi, a, z)) {
        const double face = along_x ? geo.x_face(step > 0 ? a : a + 1) : geo.y_face(step > 0 ? a : a + 1);
        return 2.0 * face - to;
      }
    }
    return to;
  }

  /// A horizontal move from (x0, y0) in column (gi, gj) at height z to (x1, y1): the parts that cross a wall
  /// are reflected (x1, y1 updated) and (g1, h1) is the column reached; a move that still ends in rock
  /// (around a corner, or between two walls) stays where it started. False if it leaves the domain
  /// through an open side.
  KOKKOS_INLINE_FUNCTION bool keep_off_walls(int gi, int gj, double x0, double y0, double z, double& x1, double& y1,
                                             int& g1, int& h1) const {
    geo.column(x1, y1, g1, h1);
    if (g1 != gi) x1 = reflect_at_wall(gi, gj, g1, z, x1, true);
    if (h1 != gj) y1 = reflect_at_wall(gi, gj, h1, z, y1, false);
    if (geo.outside(x1, y1)) return false;
    geo.column(x1, y1, g1, h1);
    if (is_wall(g1, h1, z)) x1 = x0, y1 = y0, g1 = gi, h1 = gj;
    return true;
  }

  /// The particle leaves the domain (an open side or the top) at (xo, yo, zo).
  KOKKOS_INLINE_FUNCTION void leave(std::size_t p, double xo, double yo, double zo) const {
    x(p) = xo, y(p) = yo, z(p) = zo;
    state(p) = kOutflow;
    event(p) = kJustLeft;
    list(p, -1);
  }

  /// The vertical diffusive displacement over dt of a particle h above the bed, where K(h) = K and
  /// dK/dh = dK, from two independent unit random numbers r and q. With K linear in height about the
  /// particle, K(h') = K + dK (h' - h), along the Ito walk dh = dK dt + sqrt(2 K(h)) dW the value of
  /// K is a squared Bessel process of dimension 2: Y = sqrt(2 K(h)) / |dK| is the distance from the
  /// origin of a plane Brownian motion. So one step with Gaussian r, q is exact for any dt:
  ///   Y' = |(Y, 0) + sqrt(dt) (r, q)|,   i.e.   h' - h = sqrt(2 K dt) r + dK dt (r^2 + q^2) / 2
  /// (mean dK dt, the drift that keeps a well-mixed tracer well mixed). Visser's scheme, which this
  /// replaces, needs dt << K / dK^2; next to the bed that is background / (kappa u*)^2, about 30-60 s
  /// for the bottom boundary layer, while the runs step 200 s, and the walk then emptied the
  /// centimetres over the bed and deposited 16 % too little.
  /// The bed (h = 0, dK > 0) is the circle Y = Yb, Yb^2 = 2 K(0) / dK^2, and the water lies outside
  /// it. A step that ends inside the circle is replaced by a step from a point drawn uniformly inside
  /// it that ends outside: what a well-mixed tracer would bring out of the circle, so a well-mixed
  /// tracer stays well mixed whatever dt is (the mirror image about the circle piles the particles
  /// against the bed when sqrt(dt) is comparable with Yb, as it is at 200 s).
  KOKKOS_INLINE_FUNCTION double vertical_walk(std::uint64_t key, double K, double dK, double h, double r, double q,
                                              double dt) const {
    const double step = km::sqrt(2.0 * K * dt) * r + 0.5 * dK * dt * (r * r + q * q);
    const double k_bed = K - dK * h;  // K at the bed on the linear profile
    if (h + step >= 0.0 || !(dK > 0.0) || !(k_bed > 0.0)) return step;  // a plain reflection (the caller) otherwise
    const double yb2 = 2.0 * k_bed / (dK * dK), root_dt = km::sqrt(dt);
    for (int attempt = 0; attempt < kBedDraws; ++attempt) {
      // A point at radius Yb sqrt(U) (uniform over the disc; the plane step is isotropic, so its angle
      // does not matter), then a step from it.
      double a, b;
      normal_pair(key, 2 + attempt, a, b);
      const double x = km::sqrt(yb2 * uniform01(key, 9 + attempt)) + root_dt * a, y = root_dt * b;
      const double y2 = x * x + y * y;
      if (y2 >= yb2) return 0.5 * dK * (y2 - yb2) - h;
    }
    return -2.0 * h - step;  // every draw stayed inside (rare unless dt << Yb^2): the mirror image
  }
  static constexpr int kBedDraws = 16;

  KOKKOS_INLINE_FUNCTION void operator()(std::size_t p) const {
    const int s = state(p);
    if (s == kDeposited) {
      if (erosion) resuspend(p);
      return;
    }
    if (s != kSuspended) return;
    const int n = cls(p);
    const std::uint64_t key = stream_key(seed, static_cast<std::uint64_t>(id(p)), step);
    // A particle released during this step (negative age: release() sets minus the time from the step's
    // start to its release) moves from its release to the step's end; moving it the whole step would
    // give every new particle on average dt / 2 more than it has lived. (Its flow stages still use
    // the fields at the step's ends: a time error of under one step, once.)
    const double h = dt + (age(p) < 0.0 ? age(p) : 0.0);
    const double xp = x(p), yp = y(p), zp = z(p);
    age(p) += dt;

    // The move is split into the flow's part and the walk with settling, each from where the other left
    // the particle. (Until stop 31 the stages' vertical displacement, computed at the starting height,
    // was added after the bed reflection of the walk: where w grows with height off the bed, in the
    // columns in front of a seabed step, that lift kept every particle the walk brought to the bed off
    // it, and deposition there stopped; where w falls towards the bed it doubled.)
    Position at{xp, yp, zp, 0, 0};
    geo.column(xp, yp, at.gi, at.gj);
    if (advection && scheme == ParticleAdvection::Pollock) {
      // The walk and settling first, where the particle is, then the exact path through the mid-step
      // field, which never enters rock and needs no wall rule. (Walking and settling where the path
      // ends instead puts the deposit of a step's time on the far side of every seabed step the path
      // crossed: down a stepped slope at 60 s steps the fines deposited 9 % too little.)
      if (!diffuse_and_settle(p, n, key, h, at)) return;
      if (geo.trace(um, vm, wm, h, at.gi, at.gj, at.x, at.y, at.z)) {
        leave(p, at.x, at.y, at.z);
        return;
      }
    } else {
      if (advection) {
        // Runge-Kutta stages (they settle too, so they sample the flow where the grain goes); the walk and
        // settling then start from where they took the particle.
        const double w_settle = ws(n);
        double ax, ay, az;
        double ua, va, wa, ub, vb, wb;
        if (scheme == ParticleAdvection::Heun) {  // stages with the fields at the step's start and end
          geo.flow_at(trilinear, u0, v0, w0, xp, yp, zp, ua, va, wa);
          geo.flow_at(trilinear, u1, v1, w1, xp + h * ua, yp + h * va, zp + h * (wa - w_settle), ub, vb, wb);
          ax = 0.5 * h * (ua + ub), ay = 0.5 * h * (va + vb), az = 0.5 * h * (wa + wb);
        } else {
          double uc, vc, wc, ud, vd, wd;
          geo.flow_at(trilinear, u0, v0, w0, xp, yp, zp, ua, va, wa);
          geo.flow_at(trilinear, um, vm, wm, xp + 0.5 * h * ua, yp + 0.5 * h * va, zp + 0.5 * h * (wa - w_settle), ub, vb, wb);
          geo.flow_at(trilinear, um, vm, wm, xp + 0.5 * h * ub, yp + 0.5 * h * vb, zp + 0.5 * h * (wb - w_settle), uc, vc, wc);
          geo.flow_at(trilinear, u1, v1, w1, xp + h * uc, yp + h * vc, zp + h * (wc - w_settle), ud, vd, wd);
          ax = h / 6.0 * (ua + 2.0 * ub + 2.0 * uc + ud);
          ay = h / 6.0 * (va + 2.0 * vb + 2.0 * vc + vd);
          az = h / 6.0 * (wa + 2.0 * wb + 2.0 * wc + wd);
        }
        // A column whose seabed is above the particle is a wall, a step face without flux: the part of a
        // horizontal move that crosses one is reflected at its face, along x in the particle's row and
        // along y in its column, as the bed reflects the vertical part. So the motion along a wall is
        // kept (cancelling the whole move instead held particles back along every step of the seabed).
        at.x = xp + ax, at.y = yp + ay;
        if (!keep_off_walls(at.gi, at.gj, xp, yp, zp, at.x, at.y, at.gi, at.gj)) {
          leave(p, at.x, at.y, zp + az);
          return;
        }
        // No flow crosses the bed (the stages' interpolated w need not vanish there next to a step), so
        // the advective part reflects; w carrying the particle through the top leaves by the open top, as
        // in the Eulerian model.
        at.z = zp + az;
        const double top = geo.top(), bed = bed_of(at.gi, at.gj);
        if (at.z > top) {
          leave(p, at.x, at.y, at.z);
          return;
        }
        if (at.z < bed) at.z = 2.0 * bed - at.z < top ? 2.0 * bed - at.z : bed;
      }
      if (!diffuse_and_settle(p, n, key, h, at)) return;
    }
    x(p) = at.x, y(p) = at.y, z(p) = at.z;
    const int where = owner(at.gi, at.gj);
    if (where == rank) bin(at.gi, at.gj, n, at.z, mass(p));
    else list(p, where);
  }
  /// Where a particle is during its step, with its global column.
  struct Position {
    double x, y, z;
    int gi, gj;
  };

  /// The model seabed of global column (gi, gj) (the grid's floor for a dry column).
  KOKKOS_FORCEINLINE_FUNCTION double bed_of(int gi, int gj) const {
    const int kb = first_wet(gi, gj);
    return geo.zf(kb < geo.nz ? kb : geo.nz - 1);
  }

  /// The random walk of particle p (class n) over time `span` from `at`, with the draws of `key`, then its
  /// settling, which deposits it (probability P_d) if it crosses the bed. False if it was deposited or
  /// left the domain (then recorded); otherwise `at` is where it now is.
  KOKKOS_INLINE_FUNCTION bool diffuse_and_settle(std::size_t p, int n, std::uint64_t key, double span, Position& at) const {
    const double top = geo.top(), bed_a = bed_of(at.gi, at.gj);
    // Random increments of unit variance.
    double rx, ry, rz, rw;  // rw: the vertical walk's second component (below)
    if (gaussian) {
      normal_pair(key, 0, rx, ry);
      normal_pair(key, 1, rz, rw);
    } else {
      rx = uniform_unit_variance(key, 0), ry = uniform_unit_variance(key, 1), rz = uniform_unit_variance(key, 2);
      rw = uniform_unit_variance(key, 3);
    }

    // Horizontal random walk (Ito): drift grad Kh, amplitude sqrt(2 Kh span).
    double khv = kh_value, dkx = 0.0, dky = 0.0;
    if (!kh_constant) {
      const int k = geo.cell_k(at.z);
      int i0, i1, j0, j1;
      double tx, ty;
      int ci, cj;
      double fx, fy;
      geo.locate_x(at.x, ci, fx);
      geo.locate_y(at.y, cj, fy);
      FlowGeometry::bracket(geo.centre_coordinate_x(ci, fx, at.x), geo.nx - 1, i0, i1, tx);
      FlowGeometry::bracket(geo.centre_coordinate_y(cj, fy, at.y), geo.ny - 1, j0, j1, ty);
      const double k00 = kh(geo.local_i(i0), geo.local_j(j0), k), k10 = kh(geo.local_i(i1), geo.local_j(j0), k);
      const double k01 = kh(geo.local_i(i0), geo.local_j(j1), k), k11 = kh(geo.local_i(i1), geo.local_j(j1), k);
      khv = (1 - ty) * ((1 - tx) * k00 + tx * k10) + ty * ((1 - tx) * k01 + tx * k11);
      if (drift) {
        const double inv_x = geo.uniform ? geo.inv_dx : 1.0 / (geo.x_center(i1) - geo.x_center(i0));
        const double inv_y = geo.uniform ? geo.inv_dy : 1.0 / (geo.y_center(j1) - geo.y_center(j0));
        dkx = i1 > i0 ? ((1 - ty) * (k10 - k00) + ty * (k11 - k01)) * inv_x : 0.0;
        dky = j1 > j0 ? ((1 - tx) * (k01 - k00) + tx * (k11 - k10)) * inv_y : 0.0;
      }
    }
    const double hstep = kh_constant && span == dt ? hstep_constant : km::sqrt(2.0 * (khv > 0.0 ? khv : 0.0) * span);
    double xn = at.x + dkx * span + hstep * rx;
    double yn = at.y + dky * span + hstep * ry;

    // Vertical random walk, exact where K is linear in height (see vertical_walk).
    const double ustar = bbl ? ustar_map(geo.local_i(at.gi), geo.local_j(at.gj), 0) : 0.0;
    double K, dK;
    vertical_diffusivity(bbl, kz_value, kz_background, bbl_thickness, ustar, at.z - bed_a, K, dK);
    if (!drift) dK = 0.0;
    const double dz_diffusive = vertical_walk(key, K, dK, at.z - bed_a, rz, rw, span);

    int gn, hn;
    if (!keep_off_walls(at.gi, at.gj, at.x, at.y, at.z, xn, yn, gn, hn)) {
      leave(p, xn, yn, at.z + dz_diffusive);
      return false;
    }
    const double bed = bed_of(gn, hn);
    // The walk reflects at the bed (zero diffusive flux) and at the top.
    double zn = at.z + dz_diffusive;
    if (zn < bed) zn = 2.0 * bed - zn;
    if (zn > top) zn = 2.0 * top - zn;
    if (zn < bed) zn = bed;
    // Settling: crossing the bed deposits, i.e. the deposition flux is ws c at the bed.
    zn -= ws(n) * span;
    if (zn < bed) {
      const double pd = deposition_probability(deposition, tau(geo.local_i(gn), geo.local_j(hn), 0), tau_cd);
      if (pd >= 1.0 || uniform01(key, 5) < pd) {
        x(p) = xn, y(p) = yn, z(p) = bed;
        state(p) = kDeposited;
        event(p) = kJustDeposited;
        list(p, owner(gn, hn));
        return false;
      }
      zn = 2.0 * bed - zn;
      if (zn > top) zn = top;
    }
    at.x = xn, at.y = yn, at.z = zn, at.gi = gn, at.gj = hn;
    return true;
  }

  /// Resuspension: probability E dt / m_bed per deposited particle gives the Partheniades flux.
  KOKKOS_INLINE_FUNCTION void resuspend(std::size_t p) const {
    const int n = cls(p);
    if (tau_ce(n) <= 0.0) return;
    int gi, gj;
    geo.column(x(p), y(p), gi, gj);
    const int li = geo.local_i(gi), lj = geo.local_j(gj);
    const double t = tau(li, lj, 0), m_bed = bed(li, lj, n);
    if (t <= tau_ce(n) || m_bed <= 0.0) return;
    const std::uint64_t key = stream_key(seed, static_cast<std::uint64_t>(id(p)), step);
    const double probability = erosion_flux(erosion_m(n), t, tau_ce(n)) * dt / m_bed;
    if (uniform01(key, 7) < probability) {
      const int kb = first_wet(gi, gj);
      state(p) = kSuspended;
      event(p) = kJustEroded;
      z(p) = geo.zf(kb) + uniform01(key, 8) * geo.dz(kb);
      const int where = owner(gi, gj);
      list(p, where);
      if (where == rank) bin(gi, gj, n, z(p), mass(p));
    }
  }
};

}  // namespace hadal::plume
