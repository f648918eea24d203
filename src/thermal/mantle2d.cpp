// SPDX-License-Identifier: MIT
#include "thermal/mantle2d.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "numerics/constants.hpp"
#include "thermal/petsc_util.hpp"

namespace hadal::thermal {
MantleConvection2D::MantleConvection2D(MPI_Comm comm, const MantleParameters& params)
    : PlanarMantleBox(comm, params_), params_(params), dx_(params.aspect / params.nx), dz_(1.0 / params.nz) {
  stokes_ = std::make_unique<StokesSolver2D>(comm, std::array<int, 2>{params.nx, params.nz},
                                             std::array<double, 2>{params.aspect, 1.0}, params.velocity_bc,
                                             params.stokes_rtol, params.options_prefix, params.petsc_options,
                                             params.stokes_method);
  create_energy_grids(*stokes_, {params.nx, params.nz}, {params.aspect, 1.0});
  if (!params.implicit_advection)
    for (auto& d : diffusion_) {
      HADAL_PETSC(DMCreateMatrix(operator_da_, &d.matrix));
      d.ksp = create_energy_solver(true);
    }
  if (params.implicit_advection) {
    HADAL_PETSC(DMCreateMatrix(operator_da_, &advection_diffusion_));
    advection_diffusion_ksp_ = create_energy_solver(false);
  }
  const auto& o = stokes_->owned();
  T_ = View2("temperature", o.count[0] + 4, o.count[1] + 4);
  vx_ = View2("vx", o.count[0] + 1, o.count[1]);
  vz_ = View2("vz", o.count[0], o.count[1] + 1);
  tendency_ = View2("advective_tendency", o.count[0], o.count[1]);
}

MantleConvection2D::~MantleConvection2D() {
  for (auto& d : diffusion_) {
    KSPDestroy(&d.ksp);
    MatDestroy(&d.matrix);
  }
  KSPDestroy(&advection_diffusion_ksp_);
  MatDestroy(&advection_diffusion_);
}

void MantleConvection2D::set_initial_temperature() {
  const auto o = stokes_->owned();
  const double dx = dx_, dz = dz_, aspect = params_.aspect, amp = params_.perturbation;
  const double tb = params_.bottom.kind == ThermalBoundaryKind::Temperature ? params_.bottom.value : 1.0;
  const double tt = params_.top.kind == ThermalBoundaryKind::Temperature ? params_.top.value : 0.0;
  auto T = T_;
  const int xs = o.start[0], zs = o.start[1];
  Kokkos::parallel_for(
      "thermal_initial_T", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {o.count[0], o.count[1]}), KOKKOS_LAMBDA(int i, int j) {
        const double x = (xs + i + 0.5) * dx, z = (zs + j + 0.5) * dz;
        T(i + 2, j + 2) = tb + (tt - tb) * z + amp * cos(numerics::kPi * x / aspect) * sin(numerics::kPi * z);
      });
  Kokkos::fence();
  fill_ghosts();
}

void MantleConvection2D::fill_ghosts() {
  const auto o = stokes_->owned();
  auto h = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(h, T_);
  exchange_ghosts(h);

  // Physical boundaries: odd reflection about a wall temperature, linear extension for a flux,
  // even reflection on the insulating side walls (applied last so corners are consistent).
  const int nx = params_.nx, nz = params_.nz;
  const int ni = o.count[0] + 4;
  if (o.start[1] == 0) {
    for (int i = 0; i < ni; ++i)
      for (int k = 1; k <= 2; ++k) {
        const double t_in = h(i, 2 + k - 1);
        h(i, 2 - k) = params_.bottom.kind == ThermalBoundaryKind::Temperature
                          ? 2.0 * params_.bottom.value - t_in
                          : h(i, 2) + k * params_.bottom.value * dz_;
      }
  }
  if (o.start[1] + o.count[1] == nz) {
    const int top = o.count[1] + 1;  // local index of the last owned row
    for (int i = 0; i < ni; ++i)
      for (int k = 1; k <= 2; ++k) {
        const double t_in = h(i, top - (k - 1));
        h(i, top + k) = params_.top.kind == ThermalBoundaryKind::Temperature ? 2.0 * params_.top.value - t_in
                                                                              : h(i, top) - k * params_.top.value * dz_;
      }
  }
  const int nj = o.count[1] + 4;
  if (o.start[0] == 0)
    for (int j = 0; j < nj; ++j) {
      h(1, j) = h(2, j);
      h(0, j) = h(3, j);
    }
  if (o.start[0] + o.count[0] == nx) {
    const int last = o.count[0] + 1;
    for (int j = 0; j < nj; ++j) {
      h(last + 1, j) = h(last, j);
      h(last + 2, j) = h(last - 1, j);
    }
  }
  Kokkos::deep_copy(T_, h);
}

void MantleConvection2D::load_velocity() { load_faces(stokes_->face_velocities(), vx_, vz_); }

StokesSolveStats MantleConvection2D::solve_stokes() {
  const auto o = stokes_->owned();
  auto h = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(h, T_);
  const ViscosityLaw law = params_.viscosity;
  const double dz = dz_, ra = params_.rayleigh;
  auto cellT = [&, o](int i, int j) { return h(i - o.start[0] + 2, j - o.start[1] + 2); };
  using Index = StokesCoefficients<2>::Index;
  StokesCoefficients<2> c;
  c.eta_cell = [&](const Index& I) { return law(cellT(I[0], I[1]), 1.0 - (I[1] + 0.5) * dz); };
  // Node temperature: mean of the four cells around the node (ghost cells carry the wall values).
  c.eta_shear = [&](int, const Index& I) {
    const int i = I[0], j = I[1];
    const double t = 0.25 * (cellT(i - 1, j - 1) + cellT(i, j - 1) + cellT(i - 1, j) + cellT(i, j));
    return law(t, 1.0 - j * dz);
  };
  c.force = [&](int d, const Index& I) { return d == 1 ? ra * 0.5 * (cellT(I[0], I[1] - 1) + cellT(I[0], I[1])) : 0.0; };
  const bool refresh = law.kind != ViscosityKind::Constant;
  last_stokes_ = stokes_->solve(c, refresh);
  load_velocity();
  return last_stokes_;
}

double MantleConvection2D::stable_dt(double cfl, bool diffusive_cap) const {
  const auto o = stokes_->owned();
  auto vx = vx_;
  auto vz = vz_;
  const double dx = dx_, dz = dz_;
  double rate = 0.0;
  Kokkos::parallel_reduce(
      "thermal_cfl", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {o.count[0], o.count[1]}),
      KOKKOS_LAMBDA(int i, int j, double& m) {
        const double ux = fmax(fabs(vx(i, j)), fabs(vx(i + 1, j)));
        const double uz = fmax(fabs(vz(i, j)), fabs(vz(i, j + 1)));
        const double r = ux / dx + uz / dz;
        if (r > m) m = r;
      },
      Kokkos::Max<double>(rate));
  return ladder_dt(rate, std::min(dx_, dz_), cfl, diffusive_cap);
}

KSP MantleConvection2D::diffusion_solver(double dt) {
  // dt often alternates between two neighbouring rungs of its ladder; keeping the operators (and
  // their factorisations or AMG hierarchies) of the last two step sizes avoids rebuilding them.
  for (auto& d : diffusion_)
    if (d.dt == dt) {
      most_recent_diffusion_ = static_cast<int>(&d - diffusion_.data());
      return d.ksp;
    }
  most_recent_diffusion_ = 1 - most_recent_diffusion_;
  auto& d = diffusion_[most_recent_diffusion_];
  assemble_energy_operator(d.matrix, dt, false);
  HADAL_PETSC(KSPSetOperators(d.ksp, d.matrix, d.matrix));
  d.dt = dt;
  return d.ksp;
}

void MantleConvection2D::assemble_energy_operator(Mat m, double dt, bool with_advection) const {
  const auto o = stokes_->owned();
  const double idx = 1.0 / dx_, idz = 1.0 / dz_, idx2 = idx * idx, idz2 = idz * idz;
  auto hx = Kokkos::create_mirror_view(vx_);
  auto hz = Kokkos::create_mirror_view(vz_);
  if (with_advection) {
    Kokkos::deep_copy(hx, vx_);
    Kokkos::deep_copy(hz, vz_);
  }
  HADAL_PETSC(MatZeroEntries(m));
  for (int j = o.start[1]; j < o.start[1] + o.count[1]; ++j)
    for (int i = o.start[0]; i < o.start[0] + o.count[0]; ++i) {
      EnergyRow row(MatStencil{0, j, i, 0}, dt);
      // Wall faces carry no flow, so the same neighbours exist with and without advection.
      const int li = i - o.start[0], lj = j - o.start[1];
      const double uw = with_advection ? hx(li, lj) : 0.0, ue = with_advection ? hx(li + 1, lj) : 0.0;
      const double ws = with_advection ? hz(li, lj) : 0.0, wn = with_advection ? hz(li, lj + 1) : 0.0;
      if (i > 0) row.face(MatStencil{0, j, i - 1, 0}, idx2, -uw * idx);
      if (i < params_.nx - 1) row.face(MatStencil{0, j, i + 1, 0}, idx2, ue * idx);
      if (j > 0) row.face(MatStencil{0, j - 1, i, 0}, idz2, -ws * idz);
      else if (params_.bottom.kind == ThermalBoundaryKind::Temperature) row.fixed_wall(2.0 * idz2);
      if (j < params_.nz - 1) row.face(MatStencil{0, j + 1, i, 0}, idz2, wn * idz);
      else if (params_.top.kind == ThermalBoundaryKind::Temperature) row.fixed_wall(2.0 * idz2);
      row.insert(m);
    }
  HADAL_PETSC(MatAssemblyBegin(m, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(MatAssemblyEnd(m, MAT_FINAL_ASSEMBLY));
}

KSP MantleConvection2D::advection_diffusion_solver(double dt) {
  assemble_energy_operator(advection_diffusion_, dt, true);
  HADAL_PETSC(KSPSetOperators(advection_diffusion_ksp_, advection_diffusion_, advection_diffusion_));
  return advection_diffusion_ksp_;
}

void MantleConvection2D::advance_energy(double dt) {
  const auto o = stokes_->owned();
  // Explicit advective tendency -div(u T) with MUSCL face values (ghosts are current).
  {
    auto T = T_;
    auto vx = vx_;
    auto vz = vz_;
    auto R = tendency_;
    const numerics::Limiter lim = params_.limiter;
    const double dx = dx_, dz = dz_;
    // With implicit advection only the MUSCL correction to the upwind face value stays explicit.
    const double upwind_weight = params_.implicit_advection ? 1.0 : 0.0;
    Kokkos::parallel_for(
        "thermal_advection", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {o.count[0], o.count[1]}),
        KOKKOS_LAMBDA(int i, int j) {
          const int a = i + 2, b = j + 2;
          const double uw = vx(i, j), ue = vx(i + 1, j), ws = vz(i, j), wn = vz(i, j + 1);
          auto face_flux = [&](double v, double m2, double m1, double p1, double p2) {
            return v * (numerics::face_value(lim, v, m2, m1, p1, p2) - upwind_weight * (v >= 0.0 ? m1 : p1));
          };
          const double fw = face_flux(uw, T(a - 2, b), T(a - 1, b), T(a, b), T(a + 1, b));
          const double fe = face_flux(ue, T(a - 1, b), T(a, b), T(a + 1, b), T(a + 2, b));
          const double fs = face_flux(ws, T(a, b - 2), T(a, b - 1), T(a, b), T(a, b + 1));
          const double fn = face_flux(wn, T(a, b - 1), T(a, b), T(a, b + 1), T(a, b + 2));
          R(i, j) = -((fe - fw) / dx + (fn - fs) / dz);
        });
    Kokkos::fence();
  }
  KSP energy_ksp = params_.implicit_advection ? advection_diffusion_solver(dt) : diffusion_solver(dt);
  solve_energy_step(energy_ksp, dt, dz_, [](bool) { return 1.0; }, "energy equation");
}

MantleDiagnostics MantleConvection2D::diagnostics() const {
  const auto o = stokes_->owned();
  const int nx = params_.nx, nz = params_.nz;
  auto h = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(h, T_);
  // Per-column wall fluxes and per-row sums, gathered by summation (zeros elsewhere).
  std::vector<double> buf(2 * nx + nz, 0.0);
  double* q_top = buf.data();
  double* q_bot = buf.data() + nx;
  double* rows = buf.data() + 2 * nx;
  if (o.start[1] + o.count[1] == nz) {
    const int top = o.count[1] + 1;
    for (int i = 0; i < o.count[0]; ++i)
      q_top[o.start[0] + i] = params_.top.kind == ThermalBoundaryKind::Temperature
                            ? 2.0 * (h(i + 2, top) - params_.top.value) / dz_
                            : params_.top.value;
  }
  if (o.start[1] == 0) {
    for (int i = 0; i < o.count[0]; ++i)
      q_bot[o.start[0] + i] = params_.bottom.kind == ThermalBoundaryKind::Temperature
                            ? 2.0 * (params_.bottom.value - h(i + 2, 2)) / dz_
                            : params_.bottom.value;
  }
  for (int j = 0; j < o.count[1]; ++j)
    for (int i = 0; i < o.count[0]; ++i) rows[o.start[1] + j] += h(i + 2, j + 2);
  std::vector<double> all(buf.size());
  MPI_Allreduce(buf.data(), all.data(), static_cast<int>(buf.size()), MPI_DOUBLE, MPI_SUM, comm_);
  q_top = all.data();
  q_bot = all.data() + nx;
  rows = all.data() + 2 * nx;

  MantleDiagnostics d;
  double st = 0.0, sb = 0.0;
  for (int i = 0; i < nx; ++i) {
    st += q_top[i];
    sb += q_bot[i];
  }
  d.flux_top = st / nx;
  d.flux_bottom = sb / nx;
  const bool both_fixed = params_.top.kind == ThermalBoundaryKind::Temperature &&
                          params_.bottom.kind == ThermalBoundaryKind::Temperature;
  const double dT = both_fixed ? params_.bottom.value - params_.top.value : 1.0;
  d.nu_top = d.flux_top / dT;
  d.nu_bottom = d.flux_bottom / dT;
  // Corner values: quadratic extrapolation from the three cell columns next to the wall.
  auto corner = [&](const double* q, bool right) {
    if (nx < 3) return q[right ? nx - 1 : 0];
    const double a = q[right ? nx - 1 : 0], b = q[right ? nx - 2 : 1], c = q[right ? nx - 3 : 2];
    return (15.0 * a - 10.0 * b + 3.0 * c) / 8.0;
  };
  d.corner_fluxes = {corner(q_top, false), corner(q_top, true), corner(q_bot, true), corner(q_bot, false)};
  d.t_profile.resize(nz);
  double tsum = 0.0;
  for (int j = 0; j < nz; ++j) {
    d.t_profile[j] = rows[j] / nx;
    tsum += rows[j];
  }
  d.t_mean = tsum / (static_cast<double>(nx) * nz);

  // Vrms from face velocities, each face counted once (by its owner).
  const bool last_x = o.start[0] + o.count[0] == nx, last_z = o.start[1] + o.count[1] == nz;
  auto vx = vx_;
  auto vz = vz_;
  double sx = 0.0, sz = 0.0, mx = 0.0;
  const int ixe = o.count[0] + (last_x ? 1 : 0), jze = o.count[1] + (last_z ? 1 : 0);
  Kokkos::parallel_reduce(
      "thermal_vrms_x", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {ixe, o.count[1]}),
      KOKKOS_LAMBDA(int i, int j, double& s) { s += vx(i, j) * vx(i, j); }, sx);
  Kokkos::parallel_reduce(
      "thermal_vrms_z", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {o.count[0], jze}),
      KOKKOS_LAMBDA(int i, int j, double& s) { s += vz(i, j) * vz(i, j); }, sz);
  Kokkos::parallel_reduce(
      "thermal_vmax", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {o.count[0], o.count[1]}),
      KOKKOS_LAMBDA(int i, int j, double& m) {
        const double u = 0.5 * (vx(i, j) + vx(i + 1, j)), w = 0.5 * (vz(i, j) + vz(i, j + 1));
        const double s = sqrt(u * u + w * w);
        if (s > m) m = s;
      },
      Kokkos::Max<double>(mx));
  double swt = 0.0;
  auto T = T_;
  Kokkos::parallel_reduce(
      "thermal_wT", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {o.count[0], o.count[1]}),
      KOKKOS_LAMBDA(int i, int j, double& s) { s += vz(i, j) * 0.5 * (T(i + 2, j + 1) + T(i + 2, j + 2)); }, swt);
  double loc[3] = {sx, sz, swt}, glob[3];
  MPI_Allreduce(loc, glob, 3, MPI_DOUBLE, MPI_SUM, comm_);
  const double dTv = params_.bottom.value - params_.top.value;
  d.nu_volume = (dTv + glob[2] * dx_ * dz_ / params_.aspect) / dTv;
  MPI_Allreduce(&mx, &d.vmax, 1, MPI_DOUBLE, MPI_MAX, comm_);
  d.vrms = std::sqrt((glob[0] + glob[1]) * dx_ * dz_ / params_.aspect);
  return d;
}

std::vector<double> MantleConvection2D::viscosity_block() const {
  const auto o = stokes_->owned();
  auto t = temperature_block();
  for (int j = 0; j < o.count[1]; ++j)
    for (int i = 0; i < o.count[0]; ++i) {
      auto& v = t[static_cast<std::size_t>(j) * o.count[0] + i];
      v = params_.viscosity(v, 1.0 - (o.start[1] + j + 0.5) * dz_);
    }
  return t;
}

std::vector<double> MantleConvection2D::velocity_block() const {
  const auto o = stokes_->owned();
  auto hx = Kokkos::create_mirror_view(vx_);
  auto hz = Kokkos::create_mirror_view(vz_);
  Kokkos::deep_copy(hx, vx_);
  Kokkos::deep_copy(hz, vz_);
  std::vector<double> out(3 * static_cast<std::size_t>(o.count[0]) * o.count[1]);
  std::size_t q = 0;
  for (int j = 0; j < o.count[1]; ++j)
    for (int i = 0; i < o.count[0]; ++i) {
      out[q++] = 0.5 * (hx(i, j) + hx(i + 1, j));
      out[q++] = 0.5 * (hz(i, j) + hz(i, j + 1));
      out[q++] = 0.0;
    }
  return out;
}

}  // namespace hadal::thermal
