// SPDX-License-Identifier: MIT
/// \file mantle3d.hpp
/// \brief Infinite-Prandtl Boussinesq convection in a 3-D box (nondimensional, same scales as the
/// 2-D box: length = height, time = height^2/kappa, T by the reference temperature difference):
///   -div(2 eta D(u)) + grad p = Ra T e_z,  div u = 0,  dT/dt + u.grad T = lap T + H.
/// Stokes on a 3-D MAC grid (StokesSolver3D); T at cell centres, flux-form MUSCL advection in
/// Kokkos kernels, implicit diffusion (CG + BoomerAMG on a 3-D DMDA with the Stokes decomposition),
/// IMEX Euler. Side walls (x and y) are insulating; top and bottom hold a temperature or a flux.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include <Kokkos_Core.hpp>
#include <petscdmda.h>
#include <petscksp.h>

#include "thermal/mantle2d.hpp"
#include "thermal/stokes3d.hpp"

namespace hadal::thermal {

struct MantleParameters3D {
  std::array<int, 3> cells{16, 16, 16};
  double aspect_x = 1.0, aspect_y = 1.0;  ///< box length in x and y / height
  double rayleigh = 1e4;
  double internal_heating = 0.0;
  ViscosityLaw viscosity;
  StokesBoundaries3D velocity_bc;
  ThermalBoundary top{ThermalBoundaryKind::Temperature, 0.0};
  ThermalBoundary bottom{ThermalBoundaryKind::Temperature, 1.0};
  numerics::Limiter limiter = numerics::Limiter::VanLeer;
  /// Amplitude A of the bimodal perturbation A (cos(pi x/ax) + cos(pi y/ay)) sin(pi z) (Busse et
  /// al. 1994's starting pattern).
  double perturbation = 0.1;
  /// Mean initial profile: false = linear conductive profile; true = isothermal interior at the
  /// mean wall temperature with erf boundary layers of width 1/4, p(z) = (erf(4(1-z)) + erf(-4z) + 1)/2,
  /// the start that leads to Busse et al.'s steady 3-D (bimodal) pattern rather than 2-D rolls.
  bool boundary_layer_profile = false;
  /// Pseudo-time marching to a steady state, as MantleParameters::implicit_advection.
  bool implicit_advection = false;
  double stokes_rtol = 1e-8;
  std::string petsc_options;
  std::string options_prefix = "mantle_stokes_";
};

/// Global diagnostics (identical on all ranks); definitions as in MantleDiagnostics (wall fluxes are
/// the discrete conductive fluxes 2 (T_cell - T_wall)/dz).
struct MantleDiagnostics3D {
  double nu_top = 0.0, nu_bottom = 0.0;
  double flux_top = 0.0, flux_bottom = 0.0;  ///< mean upward conductive flux through top and bottom
  double vrms = 0.0, vmax = 0.0;
  double t_mean = 0.0;
  double nu_volume = 0.0;         ///< 1 + <w T>
  std::vector<double> t_profile;  ///< horizontal mean T per cell layer, bottom to top
};

class MantleConvection3D {
 public:
  using View3 = Kokkos::View<double***>;

  MantleConvection3D(MPI_Comm comm, const MantleParameters3D& params);
  ~MantleConvection3D();
  MantleConvection3D(const MantleConvection3D&) = delete;
  MantleConvection3D& operator=(const MantleConvection3D&) = delete;

  /// T = T_t + (T_b - T_t) p(z) + A (cos(pi x/ax) + cos(pi y/ay)) sin(pi z), p(z) = 1 - z or the
  /// boundary-layer profile.
  void set_initial_temperature();
  StokesSolveStats solve_stokes();
  /// Largest dt with advective Courant number `cfl` (and, if `diffusive_cap`, at most 12.5 h^2), on
  /// the 2^(1/8) ladder.
  double stable_dt(double cfl, bool diffusive_cap = true) const;
  /// One step of the energy equation (IMEX, or implicit upwind advection with an explicit MUSCL
  /// correction when parameters().implicit_advection) followed by a Stokes solve.
  StokesSolveStats step(double dt);

  const MantleParameters3D& parameters() const { return params_; }
  MantleDiagnostics3D diagnostics() const;
  const OwnedCells3D& owned() const { return stokes_->owned(); }
  /// Owned-cell blocks, x fastest then y then z.
  std::vector<double> temperature_block() const;
  void set_temperature_block(const std::vector<double>& block);
  std::vector<double> viscosity_block() const;
  std::vector<double> pressure_block() const { return stokes_->cell_pressure(); }
  /// Cell-centred velocity (face averages), interleaved (u, v, w) per cell.
  std::vector<double> velocity_block() const;
  /// First non-finite temperature (global i, j, k) on this rank, or i < 0.
  std::array<int, 3> first_non_finite() const;
  long long stokes_unknowns() const { return stokes_->unknowns(); }
  const StokesSolveStats& last_stokes() const { return last_stokes_; }
  /// With implicit advection: RMS residual of the discrete steady equations at the start of the last
  /// step (as MantleConvection2D::last_steady_residual); 0 otherwise.
  double last_steady_residual() const { return last_steady_residual_; }

 private:
  void fill_ghosts();
  void load_velocity();
  /// Assembles 1/dt - lap (with the wall conditions) into D_ and, with implicit advection, the
  /// upwind advection operator of the current velocity.
  void assemble_energy_operator(double dt);

  MPI_Comm comm_;
  MantleParameters3D params_;
  std::array<double, 3> h_;
  std::unique_ptr<StokesSolver3D> stokes_;
  DM da_ = nullptr;           ///< cell-centred T with two ghost layers (box stencil)
  DM operator_da_ = nullptr;  ///< same layout, 7-point star: the implicit energy operator
  Mat D_ = nullptr;
  KSP energy_ksp_ = nullptr;
  Vec rhs_ = nullptr, sol_ = nullptr, local_ = nullptr;
  Vec previous_ = nullptr;  ///< temperature before the step (implicit advection only)
  double matrix_dt_ = -1.0;
  View3 T_;              ///< (mx+4, my+4, mz+4): two ghost layers
  View3 vx_, vy_, vz_;   ///< face velocities, one extra entry along their own axis
  View3 tendency_;
  StokesSolveStats last_stokes_;
  double last_steady_residual_ = 0.0;
};

}  // namespace hadal::thermal
