// SPDX-License-Identifier: MIT
#include "lift/acoustic_pipes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "core/error.hpp"
#include "numerics/limiter.hpp"
#include "numerics/loop_hints.hpp"

namespace hadal::lift {
namespace {

constexpr int kChunkCells = 256;

using View = AcousticPipes::View;
// The sweep's arrays as unmanaged views: a step builds and dispatches the sweep, and copying thirty managed
// views would count references (atomic operations) for each of them, several times a step.
template <class T>
using Unmanaged = Kokkos::View<T, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
using UnmanagedView = Unmanaged<double*>;
using HostConstView = Kokkos::View<const double*, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>;

void copy_in(const View& dst, int offset, const std::vector<double>& src) {
  const HostConstView h(src.data(), src.size());
  Kokkos::deep_copy(Kokkos::subview(dst, std::make_pair(offset, offset + static_cast<int>(src.size()))), h);
}

std::vector<double> copy_out(const View& src, int offset, int n) {
  std::vector<double> out(n);
  Kokkos::View<double*, Kokkos::HostSpace, Kokkos::MemoryUnmanaged> h(out.data(), out.size());
  Kokkos::deep_copy(h, Kokkos::subview(src, std::make_pair(offset, offset + n)));
  return out;
}

/// One step of the pipes, block by block: each block of cells predicts its half-step states (and those of
/// its two neighbours), solves its faces and updates its cells in one pass, so the intermediate states
/// never leave the cache; the neighbouring blocks' shared faces are solved twice, identically, and only
/// the block owning a face (the one on its right; the last face of a pipe its last block) stores it.
/// Returns, or-ed, the flags kStretched (a cell would have taken tension: its deficit, in `deficit`, goes to
/// the faces afterwards) and kCavities (a face holds a cavity).
struct AcousticSweep {
  using value_type = int;
  static constexpr int kStretched = 1, kCavities = 2;
  AcousticCellArrays<UnmanagedView> cell;
  UnmanagedView p, v, gdx, friction, cavity;                    // read (friction also written)
  UnmanagedView p_next, v_next, gdx_next, cavity_next, volume;  // written
  UnmanagedView pmax, pmin, tmax, tmin, cavmax, tcav, deficit;  // envelopes, deficits
  UnmanagedView w_left, w_right, w_series, w_inverse;
  Unmanaged<AcousticPipeConstants*> pipe;
  Unmanaged<AcousticChunk*> chunk;
  UnmanagedView table;  // friction rate per pipe, row k from k (kFrictionTableIntervals + 1)
  Unmanaged<double**> boundary;
  double dt = 0.0, t_new = 0.0;

  KOKKOS_INLINE_FUNCTION void operator()(const int c, int& flags) const {
    const AcousticChunk ch = chunk(c);
    const AcousticPipeConstants pk = pipe(ch.pipe);
    const int n = pk.cells, b = ch.begin, e = ch.end, k = ch.pipe;
    const double vapour = pk.vapour, half_dt = 0.5 * dt;
    // Raw pointers to this pipe's cells (index i) and faces (index j: between cells j - 1 and j).
    const double *P = p.data() + pk.offset, *V = v.data() + pk.offset, *G = gdx.data() + pk.offset;
    const double *k_dx = cell.k_dx.data() + pk.offset, *inv_rho_dx = cell.inv_rho_dx.data() + pk.offset;
    const double* cav = cavity.data() + pk.first_face;

    // 1. Half-step states of cells [lo, hi) (the block and a neighbour on each side), slot i - lo.
    // MUSCL-Hancock: limited slopes of the pressure's deviation from equilibrium and of the velocity; first
    // order at pipe ends and next to a cavity, where the state jumps.
    const int lo = b > 0 ? b - 1 : 0, hi = e < n ? e + 1 : n;
    double pm[kChunkCells + 2], vm[kChunkCells + 2], pp[kChunkCells + 2], vp[kChunkCells + 2];
    auto first_order = [&](int i) {
      half_step(P[i], V[i], G[i], 0.0, 0.0, k_dx[i], inv_rho_dx[i], vapour, half_dt, pm[i - lo], vm[i - lo],
                pp[i - lo], vp[i - lo]);
    };
    const int i0 = lo > 0 ? lo : 1, i1 = hi < n ? hi : n - 1;
    if (lo == 0) first_order(0);
    if (hi == n) first_order(n - 1);
    HADAL_INDEPENDENT_ITERATIONS
    for (int i = i0; i < i1; ++i) {
      const double left = P[i] - P[i - 1] - 0.5 * (G[i - 1] + G[i]);
      const double right = P[i + 1] - P[i] - 0.5 * (G[i] + G[i + 1]);
      const double back = V[i] - V[i - 1], ahead = V[i + 1] - V[i];
      const bool liquid = (cav[i] <= 0.0) & (cav[i + 1] <= 0.0);
      const double dev = liquid ? numerics::limited_slope_of<numerics::Limiter::Minmod>(left, right) : 0.0;
      const double dv = liquid ? numerics::limited_slope_of<numerics::Limiter::Minmod>(back, ahead) : 0.0;
      half_step(P[i], V[i], G[i], dev, dv, k_dx[i], inv_rho_dx[i], vapour, half_dt, pm[i - lo], vm[i - lo],
                pp[i - lo], vp[i - lo]);
    }

    // 2. Faces [b, e], slot j - b: the exact acoustic Riemann solution; a pipe end takes the node's state.
    // Where a cavity is open or the liquid would fall below the vapour pressure (rare), the block's faces
    // are solved again with the vapour cavity.
    double fp[kChunkCells + 1], ful[kChunkCells + 1], fur[kChunkCells + 1], fcav[kChunkCells + 1];
    const int j0 = b > 0 ? b : 1, j1 = e < n ? e + 1 : n;
    if (b == 0) {
      fp[0] = boundary(k, 0);
      ful[0] = fur[0] = boundary(k, 1);
      fcav[0] = boundary(k, 2);
    }
    if (e == n) {
      fp[n - b] = boundary(k, 3);
      ful[n - b] = fur[n - b] = boundary(k, 4);
      fcav[n - b] = boundary(k, 5);
    }
    const double *wl = w_left.data() + pk.first_face, *wr = w_right.data() + pk.first_face;
    const double *ws = w_series.data() + pk.first_face, *wi = w_inverse.data() + pk.first_face;
    // Flags of the rare paths, or-ed: 64-bit like the doubles, so a loop's reduction vectorises as a tree (a
    // floating-point sum would be added lane by lane, in order).
    std::int64_t special = 0;
    HADAL_INDEPENDENT_ITERATIONS
    for (int j = j0; j < j1; ++j) {
      const FaceWeights w{wl[j], wr[j], ws[j], wi[j]};
      double pf, vf;
      acoustic_riemann(pp[j - 1 - lo], vp[j - 1 - lo], pm[j - lo], vm[j - lo], w, pf, vf);
      fp[j - b] = pf;
      ful[j - b] = fur[j - b] = vf;
      fcav[j - b] = 0.0;
      special |= (cav[j] > 0.0) | !(pf >= vapour);
    }
    if (special != 0) {
      const double* inv_z = cell.inv_z.data() + pk.offset;
      for (int j = j0; j < j1; ++j) {
        const FaceWeights w{wl[j], wr[j], ws[j], wi[j]};
        cavitating_face(pp[j - 1 - lo], vp[j - 1 - lo], pm[j - lo], vm[j - lo], w, inv_z[j - 1], inv_z[j], vapour,
                        cav[j], pk.area, dt, fp[j - b], ful[j - b], fur[j - b], fcav[j - b]);
      }
    }
    // Faces this block owns: [b, e), and the pipe's last face.
    double* cav_next = cavity_next.data() + pk.first_face;
    double* vol = volume.data() + pk.first_face;
    const int owned_end = e < n ? e : n + 1;
    std::int64_t cavities = 0;
    HADAL_INDEPENDENT_ITERATIONS
    for (int j = b; j < owned_end; ++j) {
      cav_next[j] = fcav[j - b];
      vol[j] += 0.5 * (ful[j - b] + fur[j - b]) * dt;
    }
    for (int j = b; j <= e; ++j) cavities |= fcav[j - b] != 0.0;

    // 3. Cells [b, e): volume balance (the liquid takes no tension: what would pull it below the vapour
    // pressure opens cavity volume on its faces instead), momentum with gravity, quasi-steady and unsteady
    // friction, the next step's friction rate and equilibrium increment, the pressure envelope.
    const double *gz = cell.gz.data() + pk.offset, *rho = cell.rho.data() + pk.offset;
    const double *dx = cell.dx.data() + pk.offset, *fmul = cell.fmul.data() + pk.offset;
    const double* row = table.data() + k * (kFrictionTableIntervals + 1);
    double *Vn = v_next.data() + pk.offset, *Gn = gdx_next.data() + pk.offset, *F = friction.data() + pk.offset;
    const double inv_step = pk.inv_step;
    double volume_balance[kChunkCells];  // pressure from the volume balance alone (below vapour: tension)
    double* balance = volume_balance - b;
    if (pk.brunone > 0.0)
      update_cells<true>(pk, b, e, fp - b, ful - b, fur - b, balance);
    else
      update_cells<false>(pk, b, e, fp - b, ful - b, fur - b, balance);
    // The next step's friction rate and equilibrium increment, at the new velocity (a loop of its own: the
    // table lookup is a gather, which vectorises only where the instruction set has one).
    HADAL_INDEPENDENT_ITERATIONS
    for (int i = b; i < e; ++i) {
      const double u = Vn[i];
      const double fr = fmul[i] * friction_rate(row, inv_step, hadal::km::fabs(u));
      F[i] = fr;
      Gn[i] = -rho[i] * (gz[i] + fr * u) * dx[i];
    }
    std::int64_t below = 0;
    for (int i = b; i < e; ++i) below |= balance[i] < vapour;
    if (below != 0) {  // rare: a cell between two cavities; its deficit (a division is fine here)
      const double* modulus = cell.modulus.data() + pk.offset;
      double* def = deficit.data() + pk.offset;
      for (int i = b; i < e; ++i)
        if (balance[i] < vapour) def[i] = pk.area * dx[i] * (vapour - balance[i]) / modulus[i];
      flags |= kStretched;
    }
    if (cavities != 0) {  // the cell's share of the cavities on its faces (an end face's is wholly its cell's)
      flags |= kCavities;
      double *cmax = cavmax.data() + pk.offset, *tc = tcav.data() + pk.offset;
      for (int i = b; i < e; ++i) {
        const double share = (i == 0 ? 1.0 : 0.5) * fcav[i - b] + (i == n - 1 ? 1.0 : 0.5) * fcav[i + 1 - b];
        if (share > 0.0) {
          if (share > cmax[i]) cmax[i] = share;
          if (tc[i] < 0.0) tc[i] = t_new;
        }
      }
    }
  }

  /// Step 3 of a block, cells [b, e) of pipe `pk` with the face states (index j) of the block: new pressure
  /// (and the volume balance's, `balance`, index i), velocity and pressure envelope. With unsteady friction
  /// or without (a template, so the loop has no branch).
  template <bool Unsteady>
  KOKKOS_INLINE_FUNCTION void update_cells(const AcousticPipeConstants& pk, int b, int e, const double* face_p,
                                           const double* face_ul, const double* face_ur, double* balance) const {
    const int n = pk.cells;
    const double *P = p.data() + pk.offset, *V = v.data() + pk.offset, *F = friction.data() + pk.offset;
    const double *k_dx = cell.k_dx.data() + pk.offset, *inv_rho_dx = cell.inv_rho_dx.data() + pk.offset;
    const double *gz = cell.gz.data() + pk.offset, *brunone_a = cell.brunone_a.data() + pk.offset;
    const double *inv_back = cell.inv_back.data() + pk.offset, *inv_ahead = cell.inv_ahead.data() + pk.offset;
    double *Pn = p_next.data() + pk.offset, *Vn = v_next.data() + pk.offset;
    double *hi_p = pmax.data() + pk.offset, *lo_p = pmin.data() + pk.offset;
    double *hi_t = tmax.data() + pk.offset, *lo_t = tmin.data() + pk.offset;
    const double vapour = pk.vapour, inertia = pk.inertia, time = t_new, step = dt;
    // Velocity jumps across the block's faces [b, e] (slot j - b), zero at a pipe end, for the unsteady
    // friction's one-sided differences (so the cell loop reads no neighbour beyond the pipe).
    double jump[kChunkCells + 1];
    if constexpr (Unsteady) {
      const int j0 = b > 0 ? b : 1, j1 = e < n ? e + 1 : n;
      jump[0] = 0.0;
      jump[e - b] = 0.0;
      HADAL_INDEPENDENT_ITERATIONS
      for (int j = j0; j < j1; ++j) jump[j - b] = V[j] - V[j - 1];
    }
    HADAL_INDEPENDENT_ITERATIONS
    for (int i = b; i < e; ++i) {
      const double p_balance = P[i] - step * k_dx[i] * (face_ul[i + 1] - face_ur[i]);
      const double p_new = p_balance < vapour ? vapour : p_balance;
      balance[i] = p_balance;
      // Brunone-Vitkovsky unsteady friction k (dv/dt + a sign(v) |dv/ds|): the k dv/dt part with the
      // inertia, rho (1 + k) dv/dt (a lagged dv/dt destabilises the waves at Courant 1); the |dv/ds| part
      // is a Hamilton-Jacobi term, w_t + k a |w_s| = 0 in w = sign(v) v, upwinded with Godunov's flux for
      // |p| (a centred difference would be an unstable forward-time advection). At a pipe end the one-sided
      // difference beyond it is zero.
      double unsteady = 0.0;
      if constexpr (Unsteady) {
        const double sign = (V[i] > 0.0 ? 1.0 : 0.0) - (V[i] < 0.0 ? 1.0 : 0.0);
        const double back = sign * jump[i - b] * inv_back[i];
        const double ahead = sign * jump[i + 1 - b] * inv_ahead[i];
        const double rise = back > 0.0 ? back : 0.0, fall = ahead < 0.0 ? -ahead : 0.0;
        unsteady = brunone_a[i] * sign * (rise > fall ? rise : fall);
      }
      // Quasi-steady friction explicit: its rate f|v|/(2D) times dt is below 1e-2 for any pipe flow at the
      // acoustic time step (stable below 2), and no division is needed.
      const double u =
          V[i] - step * inertia * ((face_p[i + 1] - face_p[i]) * inv_rho_dx[i] + gz[i] + F[i] * V[i] + unsteady);
      Pn[i] = p_new;
      Vn[i] = u;
      // Envelope; the times follow the extremes (a select on the new extreme, so the loop vectorises).
      const double top = hi_p[i], bottom = lo_p[i], top_time = hi_t[i], bottom_time = lo_t[i];
      const double new_top = p_new > top ? p_new : top, new_bottom = p_new < bottom ? p_new : bottom;
      hi_p[i] = new_top;
      hi_t[i] = new_top != top ? time : top_time;
      lo_p[i] = new_bottom;
      lo_t[i] = new_bottom != bottom ? time : bottom_time;
    }
  }
};

}  // namespace

AcousticPipes::AcousticPipes(const std::vector<AcousticPipeSpec>& pipes) : specs_(pipes) {
  for (const auto& s : specs_) {
    offset_.push_back(total_);
    count_.push_back(static_cast<int>(s.cells.s.size()));
    total_ += count_.back();
  }
  faces_ = total_ + static_cast<int>(pipes.size());
  const int n = total_, np = this->pipes();
  for (View* f : {&cell_.dx, &cell_.gz, &cell_.rho, &cell_.modulus, &cell_.a, &cell_.k_dx, &cell_.inv_rho_dx,
                  &cell_.inv_z, &cell_.fmul, &cell_.brunone_a, &cell_.inv_back, &cell_.inv_ahead, &p_, &v_, &gdx_,
                  &p_next_, &v_next_, &gdx_next_, &friction_, &deficit_, &pmax_, &pmin_, &tmax_, &tmin_, &cavmax_,
                  &tcav_})
    *f = View("acoustic_cells", n);
  for (View* f : {&w_left_, &w_right_, &w_series_, &w_inverse_, &cavity_, &cavity_next_, &volume_, &open_})
    *f = View("acoustic_faces", faces_);
  face_left_ = Kokkos::View<int*>("acoustic_face_left", faces_);
  face_right_ = Kokkos::View<int*>("acoustic_face_right", faces_);
  Kokkos::deep_copy(cell_.rho, 1.0);
  Kokkos::deep_copy(cell_.modulus, 1.0);
  Kokkos::deep_copy(cell_.a, 1.0);
  Kokkos::deep_copy(cell_.fmul, 1.0);
  Kokkos::deep_copy(pmax_, -std::numeric_limits<double>::max());
  Kokkos::deep_copy(pmin_, std::numeric_limits<double>::max());
  Kokkos::deep_copy(tcav_, -1.0);
  Kokkos::deep_copy(w_left_, 0.5);
  Kokkos::deep_copy(w_right_, 0.5);

  pipe_ = Kokkos::View<AcousticPipeConstants*>("acoustic_pipes", np);
  constexpr int row = kFrictionTableIntervals + 1;
  table_ = View("acoustic_friction_table", np * row);
  auto h_pipe = Kokkos::create_mirror_view(pipe_);
  auto h_table = Kokkos::create_mirror_view(table_);
  auto h_left = Kokkos::create_mirror_view(face_left_);
  auto h_right = Kokkos::create_mirror_view(face_right_);
  std::vector<AcousticChunk> chunks;
  host_inv_step_.resize(np);
  for (int k = 0; k < np; ++k) {
    const AcousticPipeSpec& s = specs_[k];
    const int off = offset_[k], nk = count_[k];
    std::vector<double> dx(nk), gz(nk), inv_back(nk), inv_ahead(nk);
    for (int i = 0; i < nk; ++i) {
      dx[i] = s.cells.length[i];
      gz[i] = s.gravity * (s.ascending ? s.cells.sin_angle[i] : -s.cells.sin_angle[i]);
      inv_back[i] = i > 0 ? 2.0 / (s.cells.length[i - 1] + s.cells.length[i]) : 0.0;
      inv_ahead[i] = i < nk - 1 ? 2.0 / (s.cells.length[i] + s.cells.length[i + 1]) : 0.0;
    }
    copy_in(cell_.dx, off, dx);
    copy_in(cell_.gz, off, gz);
    copy_in(cell_.inv_back, off, inv_back);
    copy_in(cell_.inv_ahead, off, inv_ahead);
    for (int j = 0; j <= nk; ++j) {
      h_left(off + k + j) = j > 0 ? off + j - 1 : -(k + 1);  // negative: the pipe's first boundary face
      h_right(off + k + j) = j < nk ? off + j : -(k + 1);    // negative: the pipe's last boundary face
    }
    for (int b = 0; b < nk; b += kChunkCells) chunks.push_back({k, b, std::min(nk, b + kChunkCells)});
    // Quasi-steady friction rate psi(|v|) = f |v| / (2D) on a uniform speed grid; psi(0) is the laminar limit.
    const double step = s.speed_range / kFrictionTableIntervals;
    host_inv_step_[k] = 1.0 / step;
    for (int j = 0; j <= kFrictionTableIntervals; ++j) {
      const double speed = j * step;
      h_table(k * row + j) = j == 0 ? 32.0 * s.kinematic_viscosity / (s.diameter * s.diameter)
                             : darcy_friction(s.law, speed * s.diameter / s.kinematic_viscosity,
                                              s.roughness / s.diameter) *
                                   speed / (2.0 * s.diameter);
    }
    AcousticPipeConstants& pk = h_pipe(k);
    pk.offset = off;
    pk.cells = nk;
    pk.first_face = off + k;
    pk.vapour = s.cavitation ? s.vapour_pressure : -std::numeric_limits<double>::max();
    pk.area = s.count * s.area();
    pk.inertia = 1.0 / (1.0 + s.unsteady_coefficient);
    pk.brunone = s.unsteady_coefficient;
    pk.inv_step = host_inv_step_[k];
  }
  Kokkos::deep_copy(pipe_, h_pipe);
  Kokkos::deep_copy(table_, h_table);
  Kokkos::deep_copy(face_left_, h_left);
  Kokkos::deep_copy(face_right_, h_right);
  chunk_ = Kokkos::View<AcousticChunk*>("acoustic_chunks", chunks.size());
  auto h_chunk = Kokkos::create_mirror_view(chunk_);
  for (std::size_t c = 0; c < chunks.size(); ++c) h_chunk(c) = chunks[c];
  Kokkos::deep_copy(chunk_, h_chunk);
  ends_ = Kokkos::View<double**>("acoustic_ends", np, 6);
  boundary_ = Kokkos::View<double**>("acoustic_boundary", np, 6);
  ends_host_ = Kokkos::create_mirror_view(ends_);
  boundary_host_ = Kokkos::create_mirror_view(boundary_);
  end_z_first_.assign(np, 1.0);
  end_z_last_.assign(np, 1.0);
  host_rho_.resize(np);
  host_fmul_.resize(np);
  host_table_ = h_table;
}

double AcousticPipes::host_friction_rate(int pipe, double speed) const {
  return friction_rate(host_table_.data() + pipe * (kFrictionTableIntervals + 1), host_inv_step_[pipe], speed);
}

void AcousticPipes::set_properties(int pipe, const std::vector<double>& density, const std::vector<double>& modulus,
                                   const std::vector<double>& friction_multiplier) {
  const int n = count_[pipe], off = offset_[pipe];
  const double k = specs_[pipe].unsteady_coefficient;
  std::vector<double> a(n), z(n), k_dx(n), inv_rho_dx(n), inv_z(n), brunone_a(n);
  const std::vector<double>& dx = specs_[pipe].cells.length;
  for (int i = 0; i < n; ++i) {
    a[i] = std::sqrt(modulus[i] / density[i]);
    z[i] = density[i] * a[i];
    k_dx[i] = modulus[i] / dx[i];
    inv_rho_dx[i] = 1.0 / (density[i] * dx[i]);
    inv_z[i] = 1.0 / z[i];
    brunone_a[i] = k * a[i];
  }
  copy_in(cell_.rho, off, density);
  copy_in(cell_.modulus, off, modulus);
  copy_in(cell_.fmul, off, friction_multiplier);
  copy_in(cell_.a, off, a);
  copy_in(cell_.k_dx, off, k_dx);
  copy_in(cell_.inv_rho_dx, off, inv_rho_dx);
  copy_in(cell_.inv_z, off, inv_z);
  copy_in(cell_.brunone_a, off, brunone_a);
  // Interior faces of the pipe: f = offset + pipe + j between cells j-1 and j.
  if (n > 1) {
    std::vector<double> wl(n - 1), wr(n - 1), ws(n - 1), wi(n - 1);
    for (int j = 1; j < n; ++j) {
      const FaceWeights w = face_weights(z[j - 1], z[j]);
      wl[j - 1] = w.left;
      wr[j - 1] = w.right;
      ws[j - 1] = w.series;
      wi[j - 1] = w.inverse_sum;
    }
    copy_in(w_left_, off + pipe + 1, wl);
    copy_in(w_right_, off + pipe + 1, wr);
    copy_in(w_series_, off + pipe + 1, ws);
    copy_in(w_inverse_, off + pipe + 1, wi);
  }
  gradient_stale_ = true;
  end_z_first_[pipe] = z.front();
  end_z_last_[pipe] = z.back();
  host_rho_[pipe] = density;
  host_fmul_[pipe] = friction_multiplier;
}

double AcousticPipes::equilibrium_gradient(int pipe, int cell, double velocity) const {
  const AcousticPipeSpec& s = specs_[pipe];
  const double gz = s.gravity * (s.ascending ? s.cells.sin_angle[cell] : -s.cells.sin_angle[cell]);
  const double fr = host_fmul_[pipe][cell] * host_friction_rate(pipe, std::fabs(velocity));
  return -host_rho_[pipe][cell] * (gz + fr * velocity);
}

double AcousticPipes::set_equilibrium(int pipe, double start_pressure, double velocity) {
  const int n = count_[pipe];
  const std::vector<double>& dx = specs_[pipe].cells.length;
  std::vector<double> p(n), v(n, velocity);
  double g_prev = equilibrium_gradient(pipe, 0, velocity);
  p[0] = start_pressure + 0.5 * dx[0] * g_prev;
  for (int i = 1; i < n; ++i) {
    const double g = equilibrium_gradient(pipe, i, velocity);
    p[i] = p[i - 1] + 0.5 * (g_prev * dx[i - 1] + g * dx[i]);
    g_prev = g;
  }
  set_state(pipe, p, v);
  return p[n - 1] + 0.5 * dx[n - 1] * g_prev;
}

void AcousticPipes::set_state(int pipe, const std::vector<double>& pressure, const std::vector<double>& velocity) {
  gradient_stale_ = true;
  copy_in(p_, offset_[pipe], pressure);
  copy_in(v_, offset_[pipe], velocity);
}

double AcousticPipes::max_wave_rate() const {
  const View a = cell_.a, dx = cell_.dx;
  double rate = 0.0;
  Kokkos::parallel_reduce(
      "lift::acoustic_rate", total_,
      KOKKOS_LAMBDA(const int i, double& m) {
        const double r = a(i) / dx(i);
        if (r > m) m = r;
      },
      Kokkos::Max<double>(rate));
  return rate;
}

void AcousticPipes::predict(double dt) {
  // Unmanaged, as in the sweep (these kernels run every step).
  const UnmanagedView p = p_, v = v_, gdx = gdx_, friction = friction_, k_dx = cell_.k_dx,
                      inv_rho_dx = cell_.inv_rho_dx;
  const UnmanagedView cavity = cavity_;
  const UnmanagedView table = table_;
  const Unmanaged<AcousticPipeConstants*> pipe = pipe_;
  // Equilibrium pressure increment across each cell (gravity and quasi-steady friction) and its friction
  // rate; a step computes them for the next, so only after a change of properties or state.
  if (gradient_stale_) {
    const UnmanagedView rho = cell_.rho, gz = cell_.gz, dx = cell_.dx, fmul = cell_.fmul;
    for (int k = 0; k < pipes(); ++k) {
      const double inv_step = host_inv_step_[k];
      Kokkos::parallel_for(
          "lift::acoustic_gradient", Kokkos::RangePolicy<>(offset_[k], offset_[k] + count_[k]),
          KOKKOS_LAMBDA(const int i) {
            const double fr = fmul(i) * friction_rate(table.data() + k * (kFrictionTableIntervals + 1), inv_step,
                                                      hadal::km::fabs(v(i)));
            friction(i) = fr;
            gdx(i) = -rho(i) * (gz(i) + fr * v(i)) * dx(i);
          });
    }
    gradient_stale_ = false;
  }
  // The half-step states of the pipes' end cells (first order) for the nodes; the sweep in update()
  // computes the same again.
  const Unmanaged<double**> ends = ends_;
  const double half_dt = 0.5 * dt;
  Kokkos::parallel_for(
      "lift::acoustic_ends", pipes(), KOKKOS_LAMBDA(const int k) {
        const AcousticPipeConstants pk = pipe(k);
        const int first = pk.offset, last = pk.offset + pk.cells - 1;
        double pm, vm, pp, vp;
        half_step(p(first), v(first), gdx(first), 0.0, 0.0, k_dx(first), inv_rho_dx(first), pk.vapour, half_dt, pm,
                  vm, pp, vp);
        ends(k, 0) = pm;
        ends(k, 1) = vm;
        half_step(p(last), v(last), gdx(last), 0.0, 0.0, k_dx(last), inv_rho_dx(last), pk.vapour, half_dt, pm, vm,
                  pp, vp);
        ends(k, 2) = pp;
        ends(k, 3) = vp;
        ends(k, 4) = cavity(pk.first_face);              // first face of pipe k
        ends(k, 5) = cavity(pk.first_face + pk.cells);   // last face
      });
  Kokkos::deep_copy(ends_host_, ends_);
}

PipeEnd AcousticPipes::first_end(int pipe) const {
  const AcousticPipeSpec& s = specs_[pipe];
  return {ends_host_(pipe, 0), ends_host_(pipe, 1), end_z_first_[pipe], s.count * s.area(),
          s.cavitation ? s.vapour_pressure : -std::numeric_limits<double>::max(), ends_host_(pipe, 4)};
}

PipeEnd AcousticPipes::last_end(int pipe) const {
  const AcousticPipeSpec& s = specs_[pipe];
  return {ends_host_(pipe, 2), ends_host_(pipe, 3), end_z_last_[pipe], s.count * s.area(),
          s.cavitation ? s.vapour_pressure : -std::numeric_limits<double>::max(), ends_host_(pipe, 5)};
}

void AcousticPipes::set_boundary(int pipe, bool last, double pressure, double velocity, double cavity) {
  const int c = last ? 3 : 0;
  boundary_host_(pipe, c) = pressure;
  boundary_host_(pipe, c + 1) = velocity;
  boundary_host_(pipe, c + 2) = cavity;
}

void AcousticPipes::update(double time, double dt) {
  Kokkos::deep_copy(boundary_, boundary_host_);
  AcousticSweep sweep;
  sweep.cell = AcousticCellArrays<UnmanagedView>(cell_);
  sweep.p = p_;
  sweep.v = v_;
  sweep.gdx = gdx_;
  sweep.friction = friction_;
  sweep.cavity = cavity_;
  sweep.p_next = p_next_;
  sweep.v_next = v_next_;
  sweep.gdx_next = gdx_next_;
  sweep.cavity_next = cavity_next_;
  sweep.volume = volume_;
  sweep.pmax = pmax_;
  sweep.pmin = pmin_;
  sweep.tmax = tmax_;
  sweep.tmin = tmin_;
  sweep.cavmax = cavmax_;
  sweep.tcav = tcav_;
  sweep.deficit = deficit_;
  sweep.w_left = w_left_;
  sweep.w_right = w_right_;
  sweep.w_series = w_series_;
  sweep.w_inverse = w_inverse_;
  sweep.pipe = pipe_;
  sweep.chunk = chunk_;
  sweep.table = table_;
  sweep.boundary = boundary_;
  sweep.dt = dt;
  sweep.t_new = time + dt;
  int flags = 0;
  Kokkos::parallel_reduce("lift::acoustic_sweep", static_cast<int>(chunk_.extent(0)), sweep,
                          Kokkos::BOr<int>(flags));
  cavities_open_ = (flags & (AcousticSweep::kCavities | AcousticSweep::kStretched)) != 0;
  std::swap(p_, p_next_);
  std::swap(v_, v_next_);
  std::swap(gdx_, gdx_next_);
  std::swap(cavity_, cavity_next_);
  if ((flags & AcousticSweep::kStretched) == 0) return;
  // The stretched cells' deficits go to their open faces (split if both are open); with none open, to the
  // faces that can open: interior faces, not a pipe end (a node opens its own cavities).
  const View cavity = cavity_, open = open_, deficit = deficit_;
  const Kokkos::View<int*> left = face_left_, right = face_right_;
  Kokkos::parallel_for(
      "lift::acoustic_open", faces_, KOKKOS_LAMBDA(const int f) { open(f) = cavity(f) > 0.0 ? 1.0 : 0.0; });
  Kokkos::parallel_for(
      "lift::acoustic_deficits", faces_, KOKKOS_LAMBDA(const int f) {
        auto interior = [&](int g) { return left(g) >= 0 && right(g) >= 0; };
        auto share = [&](int other) {  // fraction of an adjacent cell's deficit for face f; `other`: its other face
          const bool open_f = open(f) > 0.0, open_o = open(other) > 0.0;
          if (open_f) return open_o ? 0.5 : 1.0;
          if (open_o || !interior(f)) return 0.0;
          return interior(other) ? 0.5 : 1.0;
        };
        double added = 0.0;
        const int l = left(f), r = right(f);
        if (l >= 0 && deficit(l) > 0.0) added += deficit(l) * share(f - 1);  // f: cell l's right face
        if (r >= 0 && deficit(r) > 0.0) added += deficit(r) * share(f + 1);  // f: cell r's left face
        cavity(f) += added;
      });
  Kokkos::deep_copy(deficit_, 0.0);
}

std::vector<double> AcousticPipes::pressure(int pipe) const { return copy_out(p_, offset_[pipe], count_[pipe]); }

std::vector<double> AcousticPipes::velocity(int pipe) const { return copy_out(v_, offset_[pipe], count_[pipe]); }

std::vector<double> AcousticPipes::cavity_volume(int pipe) const {
  const int n = count_[pipe];
  const std::vector<double> faces = copy_out(cavity_, offset_[pipe] + pipe, n + 1);
  std::vector<double> cells(n);
  for (int i = 0; i < n; ++i)
    cells[i] = (i == 0 ? 1.0 : 0.5) * faces[i] + (i == n - 1 ? 1.0 : 0.5) * faces[i + 1];
  return cells;
}

double AcousticPipes::total_cavity_volume(int pipe) const {
  if (!cavities_open_) return 0.0;  // the sum of the faces' zeros
  const View cavity = cavity_;
  double total = 0.0;
  Kokkos::parallel_reduce(
      "lift::cavity_volume", Kokkos::RangePolicy<>(offset_[pipe] + pipe, offset_[pipe] + pipe + count_[pipe] + 1),
      KOKKOS_LAMBDA(const int f, double& acc) { acc += cavity(f); }, total);
  return total;
}

std::vector<double> AcousticPipes::take_mean_face_velocity(int pipe, double duration) {
  const int first = offset_[pipe] + pipe, n = count_[pipe] + 1;
  std::vector<double> v = copy_out(volume_, first, n);
  for (double& x : v) x /= duration;
  Kokkos::deep_copy(Kokkos::subview(volume_, std::make_pair(first, first + n)), 0.0);
  return v;
}

void AcousticPipes::gather(const Kokkos::View<int*>& cells, std::vector<double>& pressure,
                           std::vector<double>& velocity) const {
  const int n = static_cast<int>(cells.extent(0));
  Kokkos::View<double**> out("acoustic_gather", n, 2);
  const View p = p_, v = v_;
  Kokkos::parallel_for(
      "lift::acoustic_gather", n, KOKKOS_LAMBDA(const int s) {
        out(s, 0) = p(cells(s));
        out(s, 1) = v(cells(s));
      });
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
  pressure.resize(n);
  velocity.resize(n);
  for (int s = 0; s < n; ++s) {
    pressure[s] = h(s, 0);
    velocity[s] = h(s, 1);
  }
}

std::vector<double> AcousticPipes::pressure_max(int pipe) const { return copy_out(pmax_, offset_[pipe], count_[pipe]); }
std::vector<double> AcousticPipes::pressure_min(int pipe) const { return copy_out(pmin_, offset_[pipe], count_[pipe]); }
std::vector<double> AcousticPipes::time_of_max(int pipe) const { return copy_out(tmax_, offset_[pipe], count_[pipe]); }
std::vector<double> AcousticPipes::time_of_min(int pipe) const { return copy_out(tmin_, offset_[pipe], count_[pipe]); }
std::vector<double> AcousticPipes::cavity_max(int pipe) const { return copy_out(cavmax_, offset_[pipe], count_[pipe]); }
std::vector<double> AcousticPipes::first_cavity_time(int pipe) const {
  return copy_out(tcav_, offset_[pipe], count_[pipe]);
}

bool AcousticPipes::finite() const {
  const View p = p_, v = v_;
  int bad = 0;
  Kokkos::parallel_reduce(
      "lift::acoustic_finite", total_,
      KOKKOS_LAMBDA(const int i, int& acc) {
        if (!(hadal::km::fabs(p(i)) < 1e300) || !(hadal::km::fabs(v(i)) < 1e300)) ++acc;
      },
      bad);
  return bad == 0;
}

std::vector<double> AcousticPipes::state() const {
  std::vector<double> s = copy_out(p_, 0, total_);
  const std::vector<double> vel = copy_out(v_, 0, total_);
  s.insert(s.end(), vel.begin(), vel.end());
  const std::vector<double> pmax = copy_out(pmax_, 0, total_), pmin = copy_out(pmin_, 0, total_),
                            tmax = copy_out(tmax_, 0, total_), tmin = copy_out(tmin_, 0, total_),
                            cavmax = copy_out(cavmax_, 0, total_), tcav = copy_out(tcav_, 0, total_);
  for (int i = 0; i < total_; ++i) s.insert(s.end(), {pmax[i], pmin[i], tmax[i], tmin[i], cavmax[i], tcav[i]});
  const std::vector<double> cavity = copy_out(cavity_, 0, faces_), volume = copy_out(volume_, 0, faces_);
  for (int f = 0; f < faces_; ++f) s.insert(s.end(), {cavity[f], volume[f]});
  return s;
}

void AcousticPipes::restore(const std::vector<double>& s, std::size_t& k) {
  gradient_stale_ = true;
  cavities_open_ = true;  // until the next step says otherwise
  copy_in(p_, 0, std::vector<double>(s.begin() + k, s.begin() + k + total_));
  k += total_;
  copy_in(v_, 0, std::vector<double>(s.begin() + k, s.begin() + k + total_));
  k += total_;
  std::vector<std::vector<double>> env(6, std::vector<double>(total_));
  for (int i = 0; i < total_; ++i)
    for (int m = 0; m < 6; ++m) env[m][i] = s[k++];
  const View* fields[6] = {&pmax_, &pmin_, &tmax_, &tmin_, &cavmax_, &tcav_};
  for (int m = 0; m < 6; ++m) copy_in(*fields[m], 0, env[m]);
  std::vector<double> cavity(faces_), volume(faces_);
  for (int f = 0; f < faces_; ++f) {
    cavity[f] = s[k++];
    volume[f] = s[k++];
  }
  copy_in(cavity_, 0, cavity);
  copy_in(volume_, 0, volume);
}

// ---------------------------------------------------------------- nodes
namespace {

// Face pressure of a node side for node flow q: a reservoir's, or the pipe end's characteristic.
double side_pressure(const NodeSide& side, bool upstream, double q) {
  if (side.reservoir) return side.pressure;
  const double dv = q / side.end.area - side.end.velocity;
  return upstream ? side.end.pressure - side.end.impedance * dv : side.end.pressure + side.end.impedance * dv;
}

NodeFlow balance_node(const NodeSide& upstream, const NodeSide& downstream, const std::function<double(double)>& drop,
                      double guess) {
  // R(q) = p_up(q) - p_down(q) - drop(q) decreases strictly with q: bracket the root, then Newton steps
  // kept inside the bracket (bisection when a step leaves it).
  auto residual = [&](double q) {
    return side_pressure(upstream, true, q) - side_pressure(downstream, false, q) - drop(q);
  };
  double scale = std::max(std::fabs(guess), 1e-6);
  double lo = guess, hi = guess;
  double r_lo = residual(lo), r_hi = r_lo;
  for (int it = 0; it < 200 && r_lo < 0.0; ++it) {
    hi = lo;
    r_hi = r_lo;
    lo -= scale;
    scale *= 2.0;
    r_lo = residual(lo);
  }
  for (int it = 0; it < 200 && r_hi > 0.0; ++it) {
    lo = hi;
    r_lo = r_hi;
    hi += scale;
    scale *= 2.0;
    r_hi = residual(hi);
  }
  if (!(r_lo >= 0.0 && r_hi <= 0.0))
    throw NumericalError("lift elastic model: no flow balances a node (pressure-drop law not monotonic?)");
  double q = std::clamp(guess, lo, hi);
  double r = residual(q);
  const double tol = 1e-13 * std::max({std::fabs(lo), std::fabs(hi), 1e-9});
  for (int it = 0; it < 100 && r != 0.0 && hi - lo > tol; ++it) {
    if (r > 0.0) lo = q; else hi = q;
    const double h = std::max(1e-9 * std::fabs(q), 1e-12);
    const double slope = (residual(q + h) - residual(q - h)) / (2.0 * h);
    double next = slope < 0.0 ? q - r / slope : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - q) < tol) {
      q = next;
      break;
    }
    q = next;
    r = residual(q);
  }
  NodeFlow f;
  f.flow = q;
  f.upstream_pressure = side_pressure(upstream, true, q);
  f.downstream_pressure = side_pressure(downstream, false, q);
  return f;
}

// One pipe side of a node, given the node's flow q: the face state with or without a cavity on the face.
// Returns false if the side's state (cavity or liquid) turned out inconsistent with `with_cavity`.
struct SideState {
  double pressure, velocity, cavity;
};
bool side_state(const NodeSide& side, bool upstream, double q, bool with_cavity, double dt, SideState& out) {
  const PipeEnd& e = side.end;
  if (!with_cavity) {
    out = {side_pressure(side, upstream, q), q / e.area, 0.0};
    return out.pressure >= e.vapour;
  }
  // At the vapour pressure the pipe moves on its own characteristic; the cavity takes the difference.
  const double v = upstream ? e.velocity + (e.pressure - e.vapour) / e.impedance
                            : e.velocity - (e.pressure - e.vapour) / e.impedance;
  const double grown = e.cavity + (upstream ? q - e.area * v : e.area * v - q) * dt;
  out = {e.vapour, v, grown};
  return grown > 0.0;
}

NodeSide at_vapour(const NodeSide& side) { return {true, side.end.vapour, side.end}; }

// Shared by solve_node and shut_node: `flow` gives the node's flow for the chosen side models.
NodeFlow settle_node(const NodeSide& upstream, const NodeSide& downstream, double dt,
                     const std::function<NodeFlow(const NodeSide&, const NodeSide&)>& flow) {
  // A pipe side holds a cavity if it had one on its face; one opens if the liquid face would fall below
  // vapour pressure, and one closes when its volume runs out. Few passes settle it.
  bool cav_up = !upstream.reservoir && upstream.end.cavity > 0.0;
  bool cav_down = !downstream.reservoir && downstream.end.cavity > 0.0;
  NodeFlow f;
  for (int pass = 0; pass < 4; ++pass) {
    f = flow(cav_up ? at_vapour(upstream) : upstream, cav_down ? at_vapour(downstream) : downstream);
    SideState up{f.upstream_pressure, 0.0, 0.0}, down{f.downstream_pressure, 0.0, 0.0};
    bool ok = true;
    if (!upstream.reservoir && !side_state(upstream, true, f.flow, cav_up, dt, up)) {
      cav_up = !cav_up;
      ok = false;
    }
    if (!downstream.reservoir && !side_state(downstream, false, f.flow, cav_down, dt, down)) {
      cav_down = !cav_down;
      ok = false;
    }
    f.upstream_pressure = up.pressure;
    f.upstream_velocity = up.velocity;
    f.upstream_cavity = up.cavity;
    f.downstream_pressure = down.pressure;
    f.downstream_velocity = down.velocity;
    f.downstream_cavity = down.cavity;
    if (ok) break;
  }
  return f;
}

}  // namespace

NodeFlow solve_node(const NodeSide& upstream, const NodeSide& downstream, const std::function<double(double)>& drop,
                    double guess, double dt) {
  return settle_node(upstream, downstream, dt, [&](const NodeSide& up, const NodeSide& down) {
    return balance_node(up, down, drop, guess);
  });
}

NodeFlow shut_node(const NodeSide& upstream, const NodeSide& downstream, double dt) {
  return settle_node(upstream, downstream, dt, [](const NodeSide& up, const NodeSide& down) {
    NodeFlow f;
    f.upstream_pressure = side_pressure(up, true, 0.0);
    f.downstream_pressure = side_pressure(down, false, 0.0);
    return f;
  });
}

}  // namespace hadal::lift
