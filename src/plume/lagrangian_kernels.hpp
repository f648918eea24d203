// SPDX-License-Identifier: MIT
/// \file lagrangian_kernels.hpp
/// \brief Device code of the particle step: C-grid velocity interpolation (trilinear in space; linear
/// in time through the start, mid and end fields), diffusivity profiles, and the move functor.
#pragma once

#include <cstdint>

#include <Kokkos_Core.hpp>

#include "grid/grid.hpp"
#include "plume/particles.hpp"

namespace hadal::plume {

/// Grid geometry captured by value in kernels. Indices are global; local = global - begin + ghost.
struct FlowGeometry {
  double x0 = 0, y0 = 0, lx = 0, ly = 0, dx = 1, dy = 1, inv_dx = 1, inv_dy = 1;
  int nx = 1, ny = 1, nz = 1, g = 0, i_begin = 0, j_begin = 0, local_ni = 1, local_nj = 1;
  Kokkos::View<const double*> zf, dzv;

  static FlowGeometry of(const grid::StructuredGrid& grid) {
    FlowGeometry f;
    f.x0 = grid.spec().x0, f.y0 = grid.spec().y0, f.lx = grid.spec().lx, f.ly = grid.spec().ly;
    f.dx = grid.dx(), f.dy = grid.dy(), f.inv_dx = 1.0 / f.dx, f.inv_dy = 1.0 / f.dy;
    f.nx = grid.nx(), f.ny = grid.ny(), f.nz = grid.nz(), f.g = grid.ghost();
    f.i_begin = grid.owned().i_begin, f.j_begin = grid.owned().j_begin;
    f.local_ni = grid.local_ni(), f.local_nj = grid.local_nj();
    f.zf = grid.z_faces_view(), f.dzv = grid.dz_view();
    return f;
  }

  KOKKOS_INLINE_FUNCTION double dz(int k) const { return dzv(k); }
  KOKKOS_INLINE_FUNCTION double top() const { return zf(nz); }
  /// Cell level containing z (clamped to 0..nz-1).
  KOKKOS_INLINE_FUNCTION int cell_k(double z) const {
    int lo = 0, hi = nz - 1;
    while (lo < hi) {
      const int mid = (lo + hi + 1) / 2;
      if (zf(mid) <= z) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  /// Global column of (x, y), clamped to the domain.
  KOKKOS_INLINE_FUNCTION void column(double x, double y, int& gi, int& gj) const {
    const double ax = (x - x0) * inv_dx, ay = (y - y0) * inv_dy;
    gi = ax <= 0.0 ? 0 : (ax >= nx ? nx - 1 : static_cast<int>(ax));
    gj = ay <= 0.0 ? 0 : (ay >= ny ? ny - 1 : static_cast<int>(ay));
  }
  KOKKOS_INLINE_FUNCTION int local_i(int gi) const {
    const int l = gi - i_begin + g;
    return l < 0 ? 0 : (l >= local_ni ? local_ni - 1 : l);
  }
  KOKKOS_INLINE_FUNCTION int local_j(int gj) const {
    const int l = gj - j_begin + g;
    return l < 0 ? 0 : (l >= local_nj ? local_nj - 1 : l);
  }
  /// Neighbours i0, i1 = i0 + 1 and weight t of continuous index a on points 0..last (clamped).
  KOKKOS_INLINE_FUNCTION static void bracket(double a, int last, int& i0, int& i1, double& t) {
    if (a <= 0.0 || last == 0) {
      i0 = i1 = 0, t = 0.0;
    } else if (a >= last) {
      i0 = i1 = last, t = 0.0;
    } else {
      i0 = static_cast<int>(a), i1 = i0 + 1, t = a - i0;
    }
  }

  template <class View>
  KOKKOS_INLINE_FUNCTION double trilinear(const View& F, int i0, int i1, double tx, int j0, int j1, double ty, int k0,
                                          int k1, double tz) const {
    const int a0 = local_i(i0), a1 = local_i(i1), b0 = local_j(j0), b1 = local_j(j1);
    const double c00 = F(a0, b0, k0) + tz * (F(a0, b0, k1) - F(a0, b0, k0));
    const double c10 = F(a1, b0, k0) + tz * (F(a1, b0, k1) - F(a1, b0, k0));
    const double c01 = F(a0, b1, k0) + tz * (F(a0, b1, k1) - F(a0, b1, k0));
    const double c11 = F(a1, b1, k0) + tz * (F(a1, b1, k1) - F(a1, b1, k0));
    const double c0 = c00 + tx * (c10 - c00), c1 = c01 + tx * (c11 - c01);
    return c0 + ty * (c1 - c0);
  }

  /// Velocity at (x, y, z) from C-grid face fields: u on west faces (x faces, y and z centres), v on
  /// south faces, w on bottom faces; each trilinear on its own staggered lattice.
  template <class View>
  KOKKOS_INLINE_FUNCTION void velocity(const View& U, const View& V, const View& W, double x, double y, double z,
                                       double& u, double& v, double& w) const {
    const double ax = (x - x0) * inv_dx, ay = (y - y0) * inv_dy;
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
    bracket(ax - 0.5, nx - 1, ic0, ic1, txc);
    bracket(ay - 0.5, ny - 1, jc0, jc1, tyc);
    u = trilinear(U, i0, i1, tx, jc0, jc1, tyc, kc0, kc1, tc);
    v = trilinear(V, ic0, ic1, txc, j0, j1, ty, kc0, kc1, tc);
    w = trilinear(W, ic0, ic1, txc, jc0, jc1, tyc, k, k + 1, tf);
  }
};

/// Vertical diffusivity K(h) and dK/dz at height h above the bed: constant, or the bottom boundary
/// layer kappa u* h (1 - h/delta) + background (the Eulerian model's profile).
KOKKOS_INLINE_FUNCTION void vertical_diffusivity(bool bbl, double kz, double background, double delta, double ustar,
                                                 double h, double& K, double& dK) {
  if (!bbl) {
    K = kz, dK = 0.0;
    return;
  }
  K = background, dK = 0.0;
  if (h > 0.0 && h < delta) {
    K += 0.41 * ustar * h * (1.0 - h / delta);
    dK = 0.41 * ustar * (1.0 - 2.0 * h / delta);
  }
}

/// One step of every particle (see lagrangian_model.hpp for the sequence).
struct ParticleMover {
  using View3 = Kokkos::View<double***>;
  FlowGeometry geo;
  View3 u0, v0, w0, u1, v1, w1, um, vm, wm, kh, tau, bed;
  Kokkos::View<int**> first_wet;
  Kokkos::View<double*> ws, tau_ce, erosion_m;
  Kokkos::View<double*> x, y, z, mass, age;
  Kokkos::View<std::int64_t*> id;
  Kokkos::View<int*> cls, state, event;
  double dt = 0.0;
  std::uint64_t seed = 0, step = 0;
  bool rk4 = false, gaussian = true, drift = true, advection = true, kh_constant = true, bbl = false, erosion = false;
  double kh_value = 0.0, kz_value = 0.0, kz_background = 0.0, bbl_thickness = 1.0, water_density = 1030.0;
  int deposition = 1;  ///< 0 none (reflecting bed), 1 always, 2 Krone
  double tau_cd = 0.07, area = 1.0;

  KOKKOS_INLINE_FUNCTION double ustar_at(int li, int lj) const {
    const double t = tau(li, lj, 0);
    return t > 0.0 ? Kokkos::Experimental::sqrt(t / water_density) : 0.0;
  }

  KOKKOS_INLINE_FUNCTION void operator()(std::size_t p) const {
    const int n = cls(p);
    const std::uint64_t key = stream_key(seed, static_cast<std::uint64_t>(id(p)), step);
    const double top = geo.top();
    if (state(p) == kDeposited) {
      // Resuspension: probability E dt / m_bed per deposited particle gives the Partheniades flux.
      if (!erosion || tau_ce(n) <= 0.0) return;
      int gi, gj;
      geo.column(x(p), y(p), gi, gj);
      const int li = geo.local_i(gi), lj = geo.local_j(gj);
      const double t = tau(li, lj, 0), m_bed = bed(li, lj, n);
      if (t <= tau_ce(n) || m_bed <= 0.0) return;
      const double probability = erosion_m(n) * (t / tau_ce(n) - 1.0) * dt / m_bed;
      if (uniform01(key, 7) < probability) {
        const int kb = first_wet(gi, gj);
        state(p) = kSuspended;
        event(p) = kJustEroded;
        z(p) = geo.zf(kb) + uniform01(key, 8) * geo.dz(kb);
      }
      return;
    }
    if (state(p) != kSuspended) return;
    const double xp = x(p), yp = y(p), zp = z(p);
    const double w_settle = ws(n);

    // Advective displacement (the stages settle too, so they sample the flow where the grain goes).
    double ax = 0.0, ay = 0.0, az = 0.0;
    if (advection) {
      double ua, va, wa, ub, vb, wb;
      if (!rk4) {  // Heun: stages at t and t + dt
        geo.velocity(u0, v0, w0, xp, yp, zp, ua, va, wa);
        geo.velocity(u1, v1, w1, xp + dt * ua, yp + dt * va, zp + dt * (wa - w_settle), ub, vb, wb);
        ax = 0.5 * dt * (ua + ub), ay = 0.5 * dt * (va + vb), az += 0.5 * dt * (wa + wb);
      } else {
        double uc, vc, wc, ud, vd, wd;
        geo.velocity(u0, v0, w0, xp, yp, zp, ua, va, wa);
        geo.velocity(um, vm, wm, xp + 0.5 * dt * ua, yp + 0.5 * dt * va, zp + 0.5 * dt * (wa - w_settle), ub, vb, wb);
        geo.velocity(um, vm, wm, xp + 0.5 * dt * ub, yp + 0.5 * dt * vb, zp + 0.5 * dt * (wb - w_settle), uc, vc, wc);
        geo.velocity(u1, v1, w1, xp + dt * uc, yp + dt * vc, zp + dt * (wc - w_settle), ud, vd, wd);
        ax = dt / 6.0 * (ua + 2.0 * ub + 2.0 * uc + ud);
        ay = dt / 6.0 * (va + 2.0 * vb + 2.0 * vc + vd);
        az += dt / 6.0 * (wa + 2.0 * wb + 2.0 * wc + wd);
      }
    }

    // Random increments of unit variance.
    double rx, ry, rz;
    if (gaussian) {
      double spare;
      normal_pair(key, 0, rx, ry);
      normal_pair(key, 2, rz, spare);
    } else {
      rx = uniform_unit_variance(key, 0), ry = uniform_unit_variance(key, 1), rz = uniform_unit_variance(key, 2);
    }

    // Horizontal random walk (Ito): drift grad Kh, amplitude sqrt(2 Kh dt).
    int gi, gj;
    geo.column(xp, yp, gi, gj);
    double khv = kh_value, dkx = 0.0, dky = 0.0;
    if (!kh_constant) {
      const int k = geo.cell_k(zp);
      int i0, i1, j0, j1;
      double tx, ty;
      FlowGeometry::bracket((xp - geo.x0) * geo.inv_dx - 0.5, geo.nx - 1, i0, i1, tx);
      FlowGeometry::bracket((yp - geo.y0) * geo.inv_dy - 0.5, geo.ny - 1, j0, j1, ty);
      const double k00 = kh(geo.local_i(i0), geo.local_j(j0), k), k10 = kh(geo.local_i(i1), geo.local_j(j0), k);
      const double k01 = kh(geo.local_i(i0), geo.local_j(j1), k), k11 = kh(geo.local_i(i1), geo.local_j(j1), k);
      khv = (1 - ty) * ((1 - tx) * k00 + tx * k10) + ty * ((1 - tx) * k01 + tx * k11);
      if (drift) {
        dkx = i1 > i0 ? ((1 - ty) * (k10 - k00) + ty * (k11 - k01)) * geo.inv_dx : 0.0;
        dky = j1 > j0 ? ((1 - tx) * (k01 - k00) + tx * (k11 - k10)) * geo.inv_dy : 0.0;
      }
    }
    const double hstep = Kokkos::Experimental::sqrt(2.0 * (khv > 0.0 ? khv : 0.0) * dt);
    double xn = xp + ax + dkx * dt + hstep * rx;
    double yn = yp + ay + dky * dt + hstep * ry;

    // Vertical random walk (Visser 1997): z + K'(z) dt + sqrt(2 K(z + K'(z) dt/2) dt) r.
    const int kb0 = first_wet(gi, gj);
    const double bed0 = geo.zf(kb0 < geo.nz ? kb0 : geo.nz - 1);
    const double ustar = bbl ? ustar_at(geo.local_i(gi), geo.local_j(gj)) : 0.0;
    double K, dK;
    vertical_diffusivity(bbl, kz_value, kz_background, bbl_thickness, ustar, zp - bed0, K, dK);
    if (!drift) dK = 0.0;
    double z_eval = zp + 0.5 * dK * dt;
    if (z_eval < bed0) z_eval = 2.0 * bed0 - z_eval;
    if (z_eval > top) z_eval = 2.0 * top - z_eval;
    double K_eval, dK_unused;
    vertical_diffusivity(bbl, kz_value, kz_background, bbl_thickness, ustar, z_eval - bed0, K_eval, dK_unused);
    if (!drift) K_eval = K;
    const double dz_diffusive = dK * dt + Kokkos::Experimental::sqrt(2.0 * K_eval * dt) * rz;

    age(p) += dt;
    // Open lateral boundaries: the particle leaves the domain.
    if (xn < geo.x0 || xn >= geo.x0 + geo.lx || yn < geo.y0 || yn >= geo.y0 + geo.ly) {
      x(p) = xn, y(p) = yn, z(p) = zp + dz_diffusive + az;
      state(p) = kOutflow;
      event(p) = kJustLeft;
      return;
    }
    // A column whose seabed is above the particle is a wall: the particle keeps its column.
    int gn, hn;
    geo.column(xn, yn, gn, hn);
    int kb = first_wet(gn, hn);
    if (kb >= geo.nz || zp < geo.zf(kb)) {
      xn = xp, yn = yp, kb = kb0;
      gn = gi, hn = gj;
    }
    const double bed = geo.zf(kb);
    // Diffusive part: reflected at the bed (zero diffusive flux) and at the top.
    double zn = zp + dz_diffusive;
    if (zn < bed) zn = 2.0 * bed - zn;
    if (zn > top) zn = 2.0 * top - zn;
    if (zn < bed) zn = bed;
    // Flow part: no flow crosses the bed (the interpolated w need not vanish there next to a step),
    // so it reflects; w carrying the particle through the top leaves by the open top, as in the
    // Eulerian model.
    zn += az;
    x(p) = xn, y(p) = yn;
    if (zn > top) {
      z(p) = zn;
      state(p) = kOutflow;
      event(p) = kJustLeft;
      return;
    }
    if (zn < bed) zn = 2.0 * bed - zn < top ? 2.0 * bed - zn : bed;
    // Settling part: crossing the bed deposits, i.e. the deposition flux is ws c at the bed.
    zn -= w_settle * dt;
    if (zn < bed) {
      double pd = deposition == 0 ? 0.0 : 1.0;
      if (deposition == 2) {
        pd = 1.0 - tau(geo.local_i(gn), geo.local_j(hn), 0) / tau_cd;
        pd = pd > 0.0 ? pd : 0.0;
      }
      if (pd >= 1.0 || uniform01(key, 5) < pd) {
        z(p) = bed;
        state(p) = kDeposited;
        event(p) = kJustDeposited;
        return;
      }
      zn = 2.0 * bed - zn;
      if (zn > top) zn = top;
    }
    z(p) = zn;
  }
};

}  // namespace hadal::plume
