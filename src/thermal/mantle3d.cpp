// SPDX-License-Identifier: MIT
#include "thermal/mantle3d.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "numerics/constants.hpp"
#include "thermal/petsc_util.hpp"

namespace hadal::thermal {

MantleConvection3D::MantleConvection3D(MPI_Comm comm, const MantleParameters3D& params)
    : MantleBox(comm, params_), params_(params) {
  const auto& n = params.cells;
  const std::array<double, 3> len = {params.aspect_x, params.aspect_y, 1.0};
  for (int a = 0; a < 3; ++a) h_[a] = len[a] / n[a];
  stokes_ = std::make_unique<StokesSolver3D>(comm, n, len, params.velocity_bc, params.stokes_rtol,
                                             params.options_prefix, params.petsc_options);
  create_energy_grids(*stokes_, {n[0], n[1], n[2]}, {len[0], len[1], len[2]});
  HADAL_PETSC(DMCreateMatrix(operator_da_, &D_));
  energy_ksp_ = create_energy_solver(!params.implicit_advection);
  const auto& m = stokes_->owned().count;
  T_ = View3("temperature", m[0] + 4, m[1] + 4, m[2] + 4);
  vx_ = View3("vx", m[0] + 1, m[1], m[2]);
  vy_ = View3("vy", m[0], m[1] + 1, m[2]);
  vz_ = View3("vz", m[0], m[1], m[2] + 1);
  tendency_ = View3("advective_tendency", m[0], m[1], m[2]);
}

MantleConvection3D::~MantleConvection3D() {
  KSPDestroy(&energy_ksp_);
  MatDestroy(&D_);
}

void MantleConvection3D::set_initial_temperature() {
  const auto& o = stokes_->owned();
  const double dx = h_[0], dy = h_[1], dz = h_[2], ax = params_.aspect_x, ay = params_.aspect_y;
  const double amp = params_.perturbation;
  const double tb = params_.bottom.kind == ThermalBoundaryKind::Temperature ? params_.bottom.value : 1.0;
  const double tt = params_.top.kind == ThermalBoundaryKind::Temperature ? params_.top.value : 0.0;
  const int xs = o.start[0], ys = o.start[1], zs = o.start[2];
  const bool layers = params_.boundary_layer_profile;
  auto T = T_;
  Kokkos::parallel_for(
      "thermal3d_initial_T", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({0, 0, 0}, {o.count[0], o.count[1], o.count[2]}),
      KOKKOS_LAMBDA(int i, int j, int k) {
        const double x = (xs + i + 0.5) * dx, y = (ys + j + 0.5) * dy, z = (zs + k + 0.5) * dz;
        const double profile = layers ? 0.5 * (erf(4.0 * (1.0 - z)) + erf(-4.0 * z) + 1.0) : 1.0 - z;
        T(i + 2, j + 2, k + 2) =
            tt + (tb - tt) * profile + amp * (cos(numerics::kPi * x / ax) + cos(numerics::kPi * y / ay)) * sin(numerics::kPi * z);
      });
  Kokkos::fence();
  fill_ghosts();
}

void MantleConvection3D::fill_ghosts() {
  const auto& o = stokes_->owned();
  const auto& s = o.start;
  const auto& m = o.count;
  auto h = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(h, T_);
  Vec global;
  HADAL_PETSC(DMGetGlobalVector(da_, &global));
  PetscScalar*** g;
  HADAL_PETSC(DMDAVecGetArray(da_, global, &g));
  for (int k = 0; k < m[2]; ++k)
    for (int j = 0; j < m[1]; ++j)
      for (int i = 0; i < m[0]; ++i) g[s[2] + k][s[1] + j][s[0] + i] = h(i + 2, j + 2, k + 2);
  HADAL_PETSC(DMDAVecRestoreArray(da_, global, &g));
  HADAL_PETSC(DMGlobalToLocal(da_, global, INSERT_VALUES, local_));
  HADAL_PETSC(DMRestoreGlobalVector(da_, &global));
  PetscInt gs[3], gm[3];
  HADAL_PETSC(DMDAGetGhostCorners(da_, &gs[0], &gs[1], &gs[2], &gm[0], &gm[1], &gm[2]));
  const PetscScalar*** l;
  HADAL_PETSC(DMDAVecGetArrayRead(da_, local_, &l));
  for (int k = gs[2]; k < gs[2] + gm[2]; ++k)
    for (int j = gs[1]; j < gs[1] + gm[1]; ++j)
      for (int i = gs[0]; i < gs[0] + gm[0]; ++i) h(i - s[0] + 2, j - s[1] + 2, k - s[2] + 2) = l[k][j][i];
  HADAL_PETSC(DMDAVecRestoreArrayRead(da_, local_, &l));

  // Physical walls: odd reflection about a wall temperature or linear extension for a flux (top,
  // bottom), then even reflection on the insulating side walls (so edges and corners agree).
  const auto& n = params_.cells;
  const int ni = m[0] + 4, nj = m[1] + 4, nk = m[2] + 4;
  const double dz = h_[2];
  const auto& bot = params_.bottom;
  const auto& top = params_.top;
  for (int j = 0; j < nj; ++j)
    for (int i = 0; i < ni; ++i)
      for (int q = 1; q <= 2; ++q) {
        if (s[2] == 0)
          h(i, j, 2 - q) = bot.kind == ThermalBoundaryKind::Temperature ? 2.0 * bot.value - h(i, j, 2 + q - 1)
                                                                         : h(i, j, 2) + q * bot.value * dz;
        if (s[2] + m[2] == n[2]) {
          const int last = m[2] + 1;
          h(i, j, last + q) = top.kind == ThermalBoundaryKind::Temperature ? 2.0 * top.value - h(i, j, last - (q - 1))
                                                                          : h(i, j, last) - q * top.value * dz;
        }
      }
  if (s[0] == 0)
    for (int k = 0; k < nk; ++k)
      for (int j = 0; j < nj; ++j) {
        h(1, j, k) = h(2, j, k);
        h(0, j, k) = h(3, j, k);
      }
  if (s[0] + m[0] == n[0])
    for (int k = 0; k < nk; ++k)
      for (int j = 0; j < nj; ++j) {
        const int last = m[0] + 1;
        h(last + 1, j, k) = h(last, j, k);
        h(last + 2, j, k) = h(last - 1, j, k);
      }
  if (s[1] == 0)
    for (int k = 0; k < nk; ++k)
      for (int i = 0; i < ni; ++i) {
        h(i, 1, k) = h(i, 2, k);
        h(i, 0, k) = h(i, 3, k);
      }
  if (s[1] + m[1] == n[1])
    for (int k = 0; k < nk; ++k)
      for (int i = 0; i < ni; ++i) {
        const int last = m[1] + 1;
        h(i, last + 1, k) = h(i, last, k);
        h(i, last + 2, k) = h(i, last - 1, k);
      }
  Kokkos::deep_copy(T_, h);
}

void MantleConvection3D::load_velocity() {
  const auto f = stokes_->face_velocities();
  View3 views[3] = {vx_, vy_, vz_};
  for (int d = 0; d < 3; ++d) {
    auto hv = Kokkos::create_mirror_view(views[d]);
    for (int k = 0; k < f.dims[d][2]; ++k)
      for (int j = 0; j < f.dims[d][1]; ++j)
        for (int i = 0; i < f.dims[d][0]; ++i) hv(i, j, k) = f(d, i, j, k);
    Kokkos::deep_copy(views[d], hv);
  }
}

StokesSolveStats MantleConvection3D::solve_stokes() {
  const auto& o = stokes_->owned();
  auto h = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(h, T_);
  const ViscosityLaw law = params_.viscosity;
  const double dz = h_[2], ra = params_.rayleigh;
  const std::array<int, 3> s = o.start;
  auto cellT = [&h, s](int i, int j, int k) { return h(i - s[0] + 2, j - s[1] + 2, k - s[2] + 2); };
  using Index = StokesCoefficients<3>::Index;
  StokesCoefficients<3> c;
  c.eta_cell = [&](const Index& I) { return law(cellT(I[0], I[1], I[2]), 1.0 - (I[2] + 0.5) * dz); };
  // Edge temperature: mean of the four cells sharing the edge (ghost cells carry the wall values).
  c.eta_shear = [&](int f, const Index& I) {
    const int i = I[0], j = I[1], k = I[2];
    double t = 0.0;
    for (int a = 0; a < 2; ++a)
      for (int b = 0; b < 2; ++b) {
        if (f == 0) t += cellT(i, j - a, k - b);
        else if (f == 1) t += cellT(i - a, j, k - b);
        else t += cellT(i - a, j - b, k);
      }
    const double depth = f == 2 ? 1.0 - (k + 0.5) * dz : 1.0 - k * dz;
    return law(0.25 * t, depth);
  };
  c.force = [&](int d, const Index& I) {
    return d == 2 ? ra * 0.5 * (cellT(I[0], I[1], I[2] - 1) + cellT(I[0], I[1], I[2])) : 0.0;
  };
  last_stokes_ = stokes_->solve(c, law.kind != ViscosityKind::Constant);
  load_velocity();
  return last_stokes_;
}

double MantleConvection3D::stable_dt(double cfl, bool diffusive_cap) const {
  const auto& m = stokes_->owned().count;
  auto vx = vx_;
  auto vy = vy_;
  auto vz = vz_;
  const double dx = h_[0], dy = h_[1], dz = h_[2];
  double rate = 0.0;
  Kokkos::parallel_reduce(
      "thermal3d_cfl", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({0, 0, 0}, {m[0], m[1], m[2]}),
      KOKKOS_LAMBDA(int i, int j, int k, double& r) {
        const double ux = fmax(fabs(vx(i, j, k)), fabs(vx(i + 1, j, k)));
        const double uy = fmax(fabs(vy(i, j, k)), fabs(vy(i, j + 1, k)));
        const double uz = fmax(fabs(vz(i, j, k)), fabs(vz(i, j, k + 1)));
        const double v = ux / dx + uy / dy + uz / dz;
        if (v > r) r = v;
      },
      Kokkos::Max<double>(rate));
  return ladder_dt(rate, std::min({h_[0], h_[1], h_[2]}), cfl, diffusive_cap);
}

void MantleConvection3D::assemble_energy_operator(double dt) {
  const auto& o = stokes_->owned();
  const auto& n = params_.cells;
  const double ih[3] = {1.0 / h_[0], 1.0 / h_[1], 1.0 / h_[2]};
  const double ih2[3] = {ih[0] * ih[0], ih[1] * ih[1], ih[2] * ih[2]};
  const bool upwind = params_.implicit_advection;
  View3::HostMirror hv[3] = {Kokkos::create_mirror_view(vx_), Kokkos::create_mirror_view(vy_),
                             Kokkos::create_mirror_view(vz_)};
  if (upwind) {
    Kokkos::deep_copy(hv[0], vx_);
    Kokkos::deep_copy(hv[1], vy_);
    Kokkos::deep_copy(hv[2], vz_);
  }
  const bool fixed_bottom = params_.bottom.kind == ThermalBoundaryKind::Temperature;
  const bool fixed_top = params_.top.kind == ThermalBoundaryKind::Temperature;
  HADAL_PETSC(MatZeroEntries(D_));
  for (int k = o.start[2]; k < o.start[2] + o.count[2]; ++k)
    for (int j = o.start[1]; j < o.start[1] + o.count[1]; ++j)
      for (int i = o.start[0]; i < o.start[0] + o.count[0]; ++i) {
        EnergyRow row(MatStencil{k, j, i, 0}, dt);
        // Side walls are insulating: no neighbour and no extra term; wall faces carry no flow.
        const int li = i - o.start[0], lj = j - o.start[1], lk = k - o.start[2];
        const int idx[3] = {i, j, k};
        for (int a = 0; a < 3; ++a) {
          const int lo[3] = {a == 0, a == 1, a == 2};
          const double u_minus = upwind ? hv[a](li, lj, lk) : 0.0;
          const double u_plus = upwind ? hv[a](li + lo[0], lj + lo[1], lk + lo[2]) : 0.0;
          if (idx[a] > 0)
            row.face(MatStencil{k - lo[2], j - lo[1], i - lo[0], 0}, ih2[a], -u_minus * ih[a]);
          else if (a == 2 && fixed_bottom)
            row.fixed_wall(2.0 * ih2[2]);
          if (idx[a] < n[a] - 1)
            row.face(MatStencil{k + lo[2], j + lo[1], i + lo[0], 0}, ih2[a], u_plus * ih[a]);
          else if (a == 2 && fixed_top)
            row.fixed_wall(2.0 * ih2[2]);
        }
        row.insert(D_);
      }
  HADAL_PETSC(MatAssemblyBegin(D_, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(MatAssemblyEnd(D_, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(KSPSetOperators(energy_ksp_, D_, D_));
  matrix_dt_ = upwind ? -1.0 : dt;  // the upwind part changes with the velocity every step
}

void MantleConvection3D::advance_energy(double dt) {
  const auto& o = stokes_->owned();
  const auto& m = o.count;
  {  // Explicit advective tendency -div(u T) with MUSCL face values (ghosts are current).
    auto T = T_;
    auto vx = vx_;
    auto vy = vy_;
    auto vz = vz_;
    auto R = tendency_;
    const numerics::Limiter lim = params_.limiter;
    const double dx = h_[0], dy = h_[1], dz = h_[2];
    // With implicit advection only the MUSCL correction to the upwind face value stays explicit.
    const double upwind_weight = params_.implicit_advection ? 1.0 : 0.0;
    Kokkos::parallel_for(
        "thermal3d_advection", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({0, 0, 0}, {m[0], m[1], m[2]}),
        KOKKOS_LAMBDA(int i, int j, int k) {
          const int a = i + 2, b = j + 2, c = k + 2;
          const double uw = vx(i, j, k), ue = vx(i + 1, j, k);
          const double vs = vy(i, j, k), vn = vy(i, j + 1, k);
          const double wd = vz(i, j, k), wu = vz(i, j, k + 1);
          auto flux = [&](double v, double m2, double m1, double p1, double p2) {
            return v * (numerics::face_value(lim, v, m2, m1, p1, p2) - upwind_weight * (v >= 0.0 ? m1 : p1));
          };
          const double fw = flux(uw, T(a - 2, b, c), T(a - 1, b, c), T(a, b, c), T(a + 1, b, c));
          const double fe = flux(ue, T(a - 1, b, c), T(a, b, c), T(a + 1, b, c), T(a + 2, b, c));
          const double fs = flux(vs, T(a, b - 2, c), T(a, b - 1, c), T(a, b, c), T(a, b + 1, c));
          const double fn = flux(vn, T(a, b - 1, c), T(a, b, c), T(a, b + 1, c), T(a, b + 2, c));
          const double fd = flux(wd, T(a, b, c - 2), T(a, b, c - 1), T(a, b, c), T(a, b, c + 1));
          const double fu = flux(wu, T(a, b, c - 1), T(a, b, c), T(a, b, c + 1), T(a, b, c + 2));
          R(i, j, k) = -((fe - fw) / dx + (fn - fs) / dy + (fu - fd) / dz);
        });
    Kokkos::fence();
  }
  if (dt != matrix_dt_) assemble_energy_operator(dt);
  auto hT = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(hT, T_);
  auto hR = Kokkos::create_mirror_view(tendency_);
  Kokkos::deep_copy(hR, tendency_);
  const auto& s = o.start;
  const int nz = params_.cells[2];
  {
    PetscScalar ***b, ***x;
    HADAL_PETSC(DMDAVecGetArray(da_, rhs_, &b));
    HADAL_PETSC(DMDAVecGetArray(da_, sol_, &x));
    const double idz = 1.0 / h_[2], idz2 = idz * idz, H = params_.internal_heating;
    const auto& bot = params_.bottom;
    const auto& top = params_.top;
    for (int k = 0; k < m[2]; ++k)
      for (int j = 0; j < m[1]; ++j)
        for (int i = 0; i < m[0]; ++i) {
          const int gk = s[2] + k;
          double v = hT(i + 2, j + 2, k + 2) / dt + hR(i, j, k) + H;
          if (gk == 0)
            v += bot.kind == ThermalBoundaryKind::Temperature ? 2.0 * bot.value * idz2 : bot.value * idz;
          if (gk == nz - 1)
            v += top.kind == ThermalBoundaryKind::Temperature ? 2.0 * top.value * idz2 : -top.value * idz;
          b[gk][s[1] + j][s[0] + i] = v;
          x[gk][s[1] + j][s[0] + i] = hT(i + 2, j + 2, k + 2);
        }
    HADAL_PETSC(DMDAVecRestoreArray(da_, rhs_, &b));
    HADAL_PETSC(DMDAVecRestoreArray(da_, sol_, &x));
  }
  const auto& n = params_.cells;
  solve_energy_system(energy_ksp_, static_cast<double>(n[0]) * n[1] * n[2], "3-D energy equation");
  {
    const PetscScalar*** x;
    HADAL_PETSC(DMDAVecGetArrayRead(da_, sol_, &x));
    for (int k = 0; k < m[2]; ++k)
      for (int j = 0; j < m[1]; ++j)
        for (int i = 0; i < m[0]; ++i) hT(i + 2, j + 2, k + 2) = x[s[2] + k][s[1] + j][s[0] + i];
    HADAL_PETSC(DMDAVecRestoreArrayRead(da_, sol_, &x));
  }
  Kokkos::deep_copy(T_, hT);
  fill_ghosts();
}

MantleDiagnostics MantleConvection3D::diagnostics() const {
  const auto& o = stokes_->owned();
  const auto& s = o.start;
  const auto& m = o.count;
  const auto& n = params_.cells;
  const double dz = h_[2];
  auto h = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(h, T_);
  // Wall fluxes are the conductive fluxes the discrete energy equation carries through the wall,
  // 2 (T_cell - T_wall)/dz (as in 2-D), so at steady state flux_top - flux_bottom = H exactly.
  // buf: [sum of top fluxes, sum of bottom fluxes, per-layer T sums (nz)], summed over ranks.
  std::vector<double> buf(2 + n[2], 0.0);
  const auto& top = params_.top;
  const auto& bot = params_.bottom;
  for (int j = 0; j < m[1]; ++j)
    for (int i = 0; i < m[0]; ++i) {
      if (s[2] + m[2] == n[2]) {
        const int last = m[2] + 1;
        buf[0] += top.kind == ThermalBoundaryKind::Temperature ? 2.0 * (h(i + 2, j + 2, last) - top.value) / dz
                                                                : top.value;
      }
      if (s[2] == 0)
        buf[1] += bot.kind == ThermalBoundaryKind::Temperature ? 2.0 * (bot.value - h(i + 2, j + 2, 2)) / dz
                                                                : bot.value;
    }
  for (int k = 0; k < m[2]; ++k)
    for (int j = 0; j < m[1]; ++j)
      for (int i = 0; i < m[0]; ++i) buf[2 + s[2] + k] += h(i + 2, j + 2, k + 2);
  std::vector<double> all(buf.size());
  MPI_Allreduce(buf.data(), all.data(), static_cast<int>(buf.size()), MPI_DOUBLE, MPI_SUM, comm_);
  const double columns = static_cast<double>(n[0]) * n[1];
  MantleDiagnostics d;
  d.flux_top = all[0] / columns;
  d.flux_bottom = all[1] / columns;
  const bool both_fixed =
      top.kind == ThermalBoundaryKind::Temperature && bot.kind == ThermalBoundaryKind::Temperature;
  const double dT = both_fixed ? bot.value - top.value : 1.0;
  d.nu_top = d.flux_top / dT;
  d.nu_bottom = d.flux_bottom / dT;
  d.t_profile.resize(n[2]);
  double tsum = 0.0;
  for (int k = 0; k < n[2]; ++k) {
    d.t_profile[k] = all[2 + k] / columns;
    tsum += all[2 + k];
  }
  d.t_mean = tsum / (columns * n[2]);

  // Vrms from face velocities, each face counted once (by its owner); wall normals are zero.
  auto vx = vx_;
  auto vy = vy_;
  auto vz = vz_;
  auto T = T_;
  const int ex = m[0] + (s[0] + m[0] == n[0] ? 1 : 0), ey = m[1] + (s[1] + m[1] == n[1] ? 1 : 0),
            ez = m[2] + (s[2] + m[2] == n[2] ? 1 : 0);
  double sx = 0.0, sy = 0.0, sz = 0.0, swt = 0.0, vmax = 0.0;
  using Range = Kokkos::MDRangePolicy<Kokkos::Rank<3>>;
  Kokkos::parallel_reduce(
      "thermal3d_vrms_x", Range({0, 0, 0}, {ex, m[1], m[2]}),
      KOKKOS_LAMBDA(int i, int j, int k, double& a) { a += vx(i, j, k) * vx(i, j, k); }, sx);
  Kokkos::parallel_reduce(
      "thermal3d_vrms_y", Range({0, 0, 0}, {m[0], ey, m[2]}),
      KOKKOS_LAMBDA(int i, int j, int k, double& a) { a += vy(i, j, k) * vy(i, j, k); }, sy);
  Kokkos::parallel_reduce(
      "thermal3d_vrms_z", Range({0, 0, 0}, {m[0], m[1], ez}),
      KOKKOS_LAMBDA(int i, int j, int k, double& a) { a += vz(i, j, k) * vz(i, j, k); }, sz);
  // <w T> on the lower z-face of each owned cell (the top wall's w is zero).
  Kokkos::parallel_reduce(
      "thermal3d_wT", Range({0, 0, 0}, {m[0], m[1], m[2]}),
      KOKKOS_LAMBDA(int i, int j, int k, double& a) {
        a += vz(i, j, k) * 0.5 * (T(i + 2, j + 2, k + 1) + T(i + 2, j + 2, k + 2));
      },
      swt);
  Kokkos::parallel_reduce(
      "thermal3d_vmax", Range({0, 0, 0}, {m[0], m[1], m[2]}),
      KOKKOS_LAMBDA(int i, int j, int k, double& r) {
        const double u = 0.5 * (vx(i, j, k) + vx(i + 1, j, k)), v = 0.5 * (vy(i, j, k) + vy(i, j + 1, k)),
                     w = 0.5 * (vz(i, j, k) + vz(i, j, k + 1));
        const double sp = sqrt(u * u + v * v + w * w);
        if (sp > r) r = sp;
      },
      Kokkos::Max<double>(vmax));
  double loc[4] = {sx, sy, sz, swt}, glob[4];
  MPI_Allreduce(loc, glob, 4, MPI_DOUBLE, MPI_SUM, comm_);
  MPI_Allreduce(&vmax, &d.vmax, 1, MPI_DOUBLE, MPI_MAX, comm_);
  const double cell_over_box = h_[0] * h_[1] * h_[2] / (params_.aspect_x * params_.aspect_y);
  d.vrms = std::sqrt((glob[0] + glob[1] + glob[2]) * cell_over_box);
  const double dTv = bot.value - top.value;
  d.nu_volume = (dTv + glob[3] * cell_over_box) / dTv;
  return d;
}

std::vector<double> MantleConvection3D::temperature_block() const {
  const auto& m = stokes_->owned().count;
  auto h = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(h, T_);
  std::vector<double> out(static_cast<std::size_t>(m[0]) * m[1] * m[2]);
  std::size_t q = 0;
  for (int k = 0; k < m[2]; ++k)
    for (int j = 0; j < m[1]; ++j)
      for (int i = 0; i < m[0]; ++i) out[q++] = h(i + 2, j + 2, k + 2);
  return out;
}

void MantleConvection3D::set_temperature_block(const std::vector<double>& block) {
  const auto& m = stokes_->owned().count;
  auto h = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(h, T_);
  std::size_t q = 0;
  for (int k = 0; k < m[2]; ++k)
    for (int j = 0; j < m[1]; ++j)
      for (int i = 0; i < m[0]; ++i) h(i + 2, j + 2, k + 2) = block[q++];
  Kokkos::deep_copy(T_, h);
  fill_ghosts();
}

std::vector<double> MantleConvection3D::viscosity_block() const {
  const auto& o = stokes_->owned();
  auto t = temperature_block();
  std::size_t q = 0;
  for (int k = 0; k < o.count[2]; ++k)
    for (int j = 0; j < o.count[1]; ++j)
      for (int i = 0; i < o.count[0]; ++i, ++q) t[q] = params_.viscosity(t[q], 1.0 - (o.start[2] + k + 0.5) * h_[2]);
  return t;
}

std::vector<double> MantleConvection3D::velocity_block() const {
  const auto& m = stokes_->owned().count;
  auto hx = Kokkos::create_mirror_view(vx_);
  auto hy = Kokkos::create_mirror_view(vy_);
  auto hz = Kokkos::create_mirror_view(vz_);
  Kokkos::deep_copy(hx, vx_);
  Kokkos::deep_copy(hy, vy_);
  Kokkos::deep_copy(hz, vz_);
  std::vector<double> out(3 * static_cast<std::size_t>(m[0]) * m[1] * m[2]);
  std::size_t q = 0;
  for (int k = 0; k < m[2]; ++k)
    for (int j = 0; j < m[1]; ++j)
      for (int i = 0; i < m[0]; ++i) {
        out[q++] = 0.5 * (hx(i, j, k) + hx(i + 1, j, k));
        out[q++] = 0.5 * (hy(i, j, k) + hy(i, j + 1, k));
        out[q++] = 0.5 * (hz(i, j, k) + hz(i, j, k + 1));
      }
  return out;
}

}  // namespace hadal::thermal
