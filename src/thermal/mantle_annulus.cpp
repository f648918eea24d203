// SPDX-License-Identifier: MIT
#include "thermal/mantle_annulus.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "numerics/constants.hpp"
#include "numerics/kokkos_math.hpp"
#include "numerics/limiter.hpp"
#include "thermal/petsc_util.hpp"

namespace hadal::thermal {

MantleConvectionAnnulus::MantleConvectionAnnulus(MPI_Comm comm, const MantleParametersAnnulus& params)
    : PlanarMantleBox(comm, params_), params_(params) {
  grid_.n_phi = params.n_phi;
  grid_.n_r = params.n_r;
  grid_.inner_radius = params.inner_radius;
  grid_.outer_radius = params.inner_radius + 1.0;
  stokes_ = std::make_unique<AnnulusStokesSolver>(comm, grid_, params.walls, params.stokes_rtol, params.options_prefix);
  create_energy_grids(*stokes_, {params.n_phi, params.n_r}, {2.0 * numerics::kPi, 1.0}, true);
  HADAL_PETSC(DMCreateMatrix(operator_da_, &matrix_));
  energy_ksp_ = create_energy_solver(!params.implicit_advection);
  const auto& m = count_;
  T_ = View2("temperature", m[0] + 4, m[1] + 4);
  vphi_ = View2("u_phi", m[0] + 1, m[1]);
  vr_ = View2("u_r", m[0], m[1] + 1);
  tendency_ = View2("advective_tendency", m[0], m[1]);
}

MantleConvectionAnnulus::~MantleConvectionAnnulus() {
  KSPDestroy(&energy_ksp_);
  MatDestroy(&matrix_);
}

void MantleConvectionAnnulus::set_initial_temperature() {
  const double r_in = grid_.inner_radius, r_out = grid_.outer_radius, dr = grid_.dr(), dphi = grid_.dphi();
  const double tb = params_.bottom.kind == ThermalBoundaryKind::Temperature ? params_.bottom.value : 1.0;
  const double tt = params_.top.kind == ThermalBoundaryKind::Temperature ? params_.top.value : 0.0;
  const bool logarithmic = params_.bottom.kind == ThermalBoundaryKind::Temperature &&
                           params_.top.kind == ThermalBoundaryKind::Temperature;
  const double amp = params_.perturbation, mode = params_.perturbation_mode;
  const int js = start_[0], is = start_[1];
  auto T = T_;
  Kokkos::parallel_for(
      "annulus_initial_T", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {count_[0], count_[1]}),
      KOKKOS_LAMBDA(int j, int i) {
        const double r = r_in + (is + i + 0.5) * dr, phi = (js + j + 0.5) * dphi;
        // The conductive steady state between two fixed temperatures is logarithmic in r.
        const double s = logarithmic ? km::log(r / r_out) / km::log(r_in / r_out) : (r_out - r) / (r_out - r_in);
        T(j + 2, i + 2) = tt + (tb - tt) * s + amp * km::cos(mode * phi) * km::sin(numerics::kPi * (r - r_in));
      });
  Kokkos::fence();
  fill_ghosts();
}

void MantleConvectionAnnulus::fill_ghosts() {
  auto h = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(h, T_);
  // Periodic in phi: the ghost columns come from the neighbours (or this rank) across phi = 0.
  exchange_ghosts(h);
  const int is = start_[1], mj = count_[0], mi = count_[1];
  // Walls: odd reflection about a wall temperature, linear extension for a flux (as in the boxes).
  const double dr = grid_.dr();
  const int nj = mj + 4;
  if (is == 0)
    for (int j = 0; j < nj; ++j)
      for (int k = 1; k <= 2; ++k)
        h(j, 2 - k) = params_.bottom.kind == ThermalBoundaryKind::Temperature ? 2.0 * params_.bottom.value - h(j, 1 + k)
                                                                               : h(j, 2) + k * params_.bottom.value * dr;
  if (is + mi == grid_.n_r) {
    const int top = mi + 1;
    for (int j = 0; j < nj; ++j)
      for (int k = 1; k <= 2; ++k)
        h(j, top + k) = params_.top.kind == ThermalBoundaryKind::Temperature ? 2.0 * params_.top.value - h(j, top - k + 1)
                                                                              : h(j, top) - k * params_.top.value * dr;
  }
  Kokkos::deep_copy(T_, h);
}

void MantleConvectionAnnulus::load_velocity() { load_faces(stokes_->face_velocities(), vphi_, vr_); }

StokesSolveStats MantleConvectionAnnulus::solve_stokes() {
  auto h = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(h, T_);
  const ViscosityLaw law = params_.viscosity;
  const double ra = params_.rayleigh, r_out = grid_.outer_radius;
  const int js = start_[0], is = start_[1];
  auto cellT = [&h, js, is](int j, int i) { return h(j - js + 2, i - is + 2); };
  AnnulusStokesCoefficients c;
  c.eta_cell = [&](int j, int i) { return law(cellT(j, i), r_out - grid_.centre_radius(i)); };
  // Node temperature: mean of the four cells around the node (ghosts carry the wall values).
  c.eta_node = [&](int j, int i) {
    const double t = 0.25 * (cellT(j - 1, i - 1) + cellT(j, i - 1) + cellT(j - 1, i) + cellT(j, i));
    return law(t, r_out - grid_.face_radius(i));
  };
  c.force_r = [&](int j, int i) { return ra * 0.5 * (cellT(j, i - 1) + cellT(j, i)); };
  last_stokes_ = stokes_->solve(c, law.kind != ViscosityKind::Constant);
  load_velocity();
  return last_stokes_;
}

double MantleConvectionAnnulus::stable_dt(double cfl, bool diffusive_cap) const {
  auto vp = vphi_;
  auto vr = vr_;
  const double dr = grid_.dr(), dphi = grid_.dphi(), r_in = grid_.inner_radius;
  const int is = start_[1];
  double rate = 0.0;
  Kokkos::parallel_reduce(
      "annulus_cfl", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {count_[0], count_[1]}),
      KOKKOS_LAMBDA(int j, int i, double& m) {
        const double r = r_in + (is + i + 0.5) * dr;
        const double up = km::fmax(km::fabs(vp(j, i)), km::fabs(vp(j + 1, i)));
        const double ur = km::fmax(km::fabs(vr(j, i)), km::fabs(vr(j, i + 1)));
        const double v = up / (r * dphi) + ur / dr;
        if (v > m) m = v;
      },
      Kokkos::Max<double>(rate));
  return ladder_dt(rate, std::min(dr, r_in * dphi), cfl, diffusive_cap);
}

void MantleConvectionAnnulus::assemble_energy_operator(double dt) {
  const bool advection = params_.implicit_advection;
  if (!advection && dt == matrix_dt_) return;
  const int js = start_[0], is = start_[1], mj = count_[0], mi = count_[1], nr = grid_.n_r;
  const double dr = grid_.dr(), dphi = grid_.dphi();
  auto hp = Kokkos::create_mirror_view(vphi_);
  auto hr = Kokkos::create_mirror_view(vr_);
  Kokkos::deep_copy(hp, vphi_);
  Kokkos::deep_copy(hr, vr_);
  HADAL_PETSC(MatZeroEntries(matrix_));
  for (int i = is; i < is + mi; ++i)
    for (int j = js; j < js + mj; ++j) {
      const double rc = grid_.centre_radius(i), r_lo = grid_.face_radius(i), r_hi = grid_.face_radius(i + 1);
      EnergyRow row(MatStencil{0, i, j, 0}, dt);
      // Finite volume r dr dphi: conductances and advective coefficients per face over the volume.
      const double kphi = 1.0 / (rc * rc * dphi * dphi), k_lo = r_lo / (rc * dr * dr), k_hi = r_hi / (rc * dr * dr);
      const int lj = j - js, li = i - is;
      const double uw = advection ? hp(lj, li) / (rc * dphi) : 0.0, ue = advection ? hp(lj + 1, li) / (rc * dphi) : 0.0;
      const double us = advection ? hr(lj, li) * r_lo / (rc * dr) : 0.0, un = advection ? hr(lj, li + 1) * r_hi / (rc * dr) : 0.0;
      row.face(MatStencil{0, i, j - 1, 0}, kphi, -uw);
      row.face(MatStencil{0, i, j + 1, 0}, kphi, ue);
      if (i > 0) row.face(MatStencil{0, i - 1, j, 0}, k_lo, -us);
      else if (params_.bottom.kind == ThermalBoundaryKind::Temperature) row.fixed_wall(2.0 * k_lo);
      if (i < nr - 1) row.face(MatStencil{0, i + 1, j, 0}, k_hi, un);
      else if (params_.top.kind == ThermalBoundaryKind::Temperature) row.fixed_wall(2.0 * k_hi);
      row.insert(matrix_);
    }
  HADAL_PETSC(MatAssemblyBegin(matrix_, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(MatAssemblyEnd(matrix_, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(KSPSetOperators(energy_ksp_, matrix_, matrix_));
  matrix_dt_ = dt;
}

void MantleConvectionAnnulus::advance_energy(double dt) {
  const int mj = count_[0], mi = count_[1], is = start_[1];
  {  // Explicit advective tendency -div(u T) with MUSCL face values (ghosts are current).
    auto T = T_;
    auto vp = vphi_;
    auto vr = vr_;
    auto R = tendency_;
    const numerics::Limiter lim = params_.limiter;
    const double dr = grid_.dr(), dphi = grid_.dphi(), r_in = grid_.inner_radius;
    // With implicit advection only the MUSCL correction to the upwind face value stays explicit.
    const double upwind_weight = params_.implicit_advection ? 1.0 : 0.0;
    Kokkos::parallel_for(
        "annulus_advection", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {mj, mi}), KOKKOS_LAMBDA(int j, int i) {
          const int a = j + 2, b = i + 2;
          const double rc = r_in + (is + i + 0.5) * dr, r_lo = rc - 0.5 * dr, r_hi = rc + 0.5 * dr;
          auto face_flux = [&](double v, double m2, double m1, double p1, double p2) {
            return v * (numerics::face_value(lim, v, m2, m1, p1, p2) - upwind_weight * (v >= 0.0 ? m1 : p1));
          };
          const double fw = face_flux(vp(j, i), T(a - 2, b), T(a - 1, b), T(a, b), T(a + 1, b));
          const double fe = face_flux(vp(j + 1, i), T(a - 1, b), T(a, b), T(a + 1, b), T(a + 2, b));
          const double fs = face_flux(vr(j, i), T(a, b - 2), T(a, b - 1), T(a, b), T(a, b + 1));
          const double fn = face_flux(vr(j, i + 1), T(a, b - 1), T(a, b), T(a, b + 1), T(a, b + 2));
          R(j, i) = -((fe - fw) / (rc * dphi) + (r_hi * fn - r_lo * fs) / (rc * dr));
        });
    Kokkos::fence();
  }
  assemble_energy_operator(dt);
  // The wall's conductance is r_wall dphi / (dr/2) over the volume r_cell dr dphi.
  const double r_first = grid_.centre_radius(0), r_last = grid_.centre_radius(grid_.n_r - 1);
  solve_energy_step(energy_ksp_, dt, grid_.dr(),
                    [&](bool top) { return top ? grid_.outer_radius / r_last : grid_.inner_radius / r_first; },
                    "annulus energy equation");
}

MantleDiagnostics MantleConvectionAnnulus::diagnostics() const {
  const int is = start_[1], mj = count_[0], mi = count_[1], np = grid_.n_phi, nr = grid_.n_r;
  const double dr = grid_.dr(), dphi = grid_.dphi(), r_in = grid_.inner_radius, r_out = grid_.outer_radius;
  auto h = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(h, T_);
  auto hp = Kokkos::create_mirror_view(vphi_);
  auto hr = Kokkos::create_mirror_view(vr_);
  Kokkos::deep_copy(hp, vphi_);
  Kokkos::deep_copy(hr, vr_);
  // Sums over this rank: [0] heat flow out of the top, [1] into the bottom (per unit length, the
  // conductive wall flux 2 (T_cell - T_wall)/dr times the wall's arc), [2] sum u^2 V, [3] sum T V,
  // [4] area, [5] advected heat sum u_r T_face V at r-faces, [6] sum T dr dphi, then layer sums.
  std::vector<double> sums(7 + nr, 0.0);
  if (is + mi == nr)
    for (int j = 0; j < mj; ++j)
      sums[0] += (params_.top.kind == ThermalBoundaryKind::Temperature ? 2.0 * (h(j + 2, mi + 1) - params_.top.value) / dr
                                                                        : params_.top.value) *
                 r_out * dphi;
  if (is == 0)
    for (int j = 0; j < mj; ++j)
      sums[1] += (params_.bottom.kind == ThermalBoundaryKind::Temperature ? 2.0 * (params_.bottom.value - h(j + 2, 2)) / dr
                                                                           : params_.bottom.value) *
                 r_in * dphi;
  double vmax = 0.0;
  for (int i = 0; i < mi; ++i)
    for (int j = 0; j < mj; ++j) {
      const double rc = grid_.centre_radius(is + i), rf = grid_.face_radius(is + i), t = h(j + 2, i + 2);
      sums[2] += hp(j, i) * hp(j, i) * rc * dr * dphi + hr(j, i) * hr(j, i) * rf * dr * dphi;
      sums[3] += t * rc * dr * dphi;
      sums[4] += rc * dr * dphi;
      sums[5] += hr(j, i) * 0.5 * (h(j + 2, i + 1) + t) * rf * dr * dphi;
      sums[6] += t * dr * dphi;
      sums[7 + is + i] += t;
      const double up = 0.5 * (hp(j, i) + hp(j + 1, i)), ur = 0.5 * (hr(j, i) + hr(j, i + 1));
      vmax = std::max(vmax, std::sqrt(up * up + ur * ur));
    }
  MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(sums.size()), MPI_DOUBLE, MPI_SUM, comm_);
  MantleDiagnostics d;
  MPI_Allreduce(&vmax, &d.vmax, 1, MPI_DOUBLE, MPI_MAX, comm_);
  const double two_pi = 2.0 * numerics::kPi;
  d.flux_top = sums[0] / (two_pi * r_out);
  d.flux_bottom = sums[1] / (two_pi * r_in);
  const bool both_fixed = params_.top.kind == ThermalBoundaryKind::Temperature &&
                          params_.bottom.kind == ThermalBoundaryKind::Temperature;
  const double dT = both_fixed ? params_.bottom.value - params_.top.value : 1.0;
  const double conductive = two_pi * dT / std::log(r_out / r_in);
  d.nu_top = sums[0] / conductive;
  d.nu_bottom = sums[1] / conductive;
  d.vrms = std::sqrt(sums[2] / sums[4]);
  d.t_mean = sums[3] / sums[4];
  // Volume Nusselt number: the radial heat flow (advected + conducted) integrated over r, by
  // conduction's; equals Nu at a steady state without internal heating. The conducted part is
  // -int dT/dr r dr dphi = -[r T] + int T dr dphi (walls at their temperatures).
  const double t_bottom = params_.bottom.value, t_top = params_.top.value;
  const double conducted = two_pi * (r_in * t_bottom - r_out * t_top) + sums[6];
  d.nu_volume = both_fixed ? (sums[5] + conducted) / (conductive * (r_out - r_in)) : 0.0;
  d.t_profile.resize(nr);
  for (int i = 0; i < nr; ++i) d.t_profile[i] = sums[7 + i] / np;
  return d;
}

std::vector<double> MantleConvectionAnnulus::viscosity_block() const {
  auto t = temperature_block();
  std::size_t q = 0;
  for (int i = 0; i < count_[1]; ++i)
    for (int j = 0; j < count_[0]; ++j, ++q)
      t[q] = params_.viscosity(t[q], grid_.outer_radius - grid_.centre_radius(start_[1] + i));
  return t;
}

std::vector<double> MantleConvectionAnnulus::velocity_block() const {
  auto hp = Kokkos::create_mirror_view(vphi_);
  auto hr = Kokkos::create_mirror_view(vr_);
  Kokkos::deep_copy(hp, vphi_);
  Kokkos::deep_copy(hr, vr_);
  std::vector<double> out;
  for (int i = 0; i < count_[1]; ++i)
    for (int j = 0; j < count_[0]; ++j) {
      const double phi = (start_[0] + j + 0.5) * grid_.dphi();
      const double up = 0.5 * (hp(j, i) + hp(j + 1, i)), ur = 0.5 * (hr(j, i) + hr(j, i + 1));
      out.push_back(ur * std::cos(phi) - up * std::sin(phi));
      out.push_back(ur * std::sin(phi) + up * std::cos(phi));
      out.push_back(0.0);
    }
  return out;
}

std::vector<double> MantleConvectionAnnulus::node_xy() const {
  std::vector<double> xy;
  for (int i = 0; i <= grid_.n_r; ++i)
    for (int j = 0; j <= grid_.n_phi; ++j) {
      const double r = grid_.face_radius(i), phi = j * grid_.dphi();
      xy.push_back(r * std::cos(phi));
      xy.push_back(r * std::sin(phi));
    }
  return xy;
}

}  // namespace hadal::thermal
