// SPDX-License-Identifier: MIT
/// \file mantle2d.hpp
/// \brief Infinite-Prandtl Boussinesq convection in a 2-D box (nondimensional form):
///   -div(2 eta D(u)) + grad p = Ra T e_z,  div u = 0,
///   dT/dt + u.grad T = lap T + H,
/// with length scale = box height, time scale = height^2/kappa, T scaled by the reference
/// temperature difference. Stokes on a MAC grid (StokesSolver2D); temperature at cell centres,
/// advected by a flux-form MUSCL scheme (limited, second order) in Kokkos kernels and diffused
/// implicitly (IMEX Euler, whose steady states satisfy the discrete steady equations exactly).
#pragma once

#include <array>
#include <memory>
#include <vector>

#include <Kokkos_Core.hpp>

#include "thermal/mantle_box.hpp"

namespace hadal::thermal {

class MantleConvection2D : public PlanarMantleBox {
 public:

  MantleConvection2D(MPI_Comm comm, const MantleParameters& params);
  ~MantleConvection2D() override;

  /// T = T_b + (T_t - T_b) z + A cos(pi x/aspect) sin(pi z) (Blankenbach's initial state).
  void set_initial_temperature() override;
  StokesSolveStats solve_stokes() override;
  double stable_dt(double cfl, bool diffusive_cap = true) const override;
  void advance_energy(double dt) override;
  MantleDiagnostics diagnostics() const override;

  const OwnedCells<2>& owned() const { return stokes_->owned(); }

  std::vector<double> viscosity_block() const override;
  std::vector<double> pressure_block() const override { return stokes_->cell_pressure(); }
  std::vector<double> velocity_block() const override;
  long long stokes_unknowns() const override { return stokes_->unknowns(); }

  const MantleParameters& parameters() const { return params_; }

 private:
  void fill_ghosts() override;
  void load_velocity();
  /// The implicit-diffusion solver for this dt, assembled (and set up) only for a new dt.
  KSP diffusion_solver(double dt);
  /// The solver for 1/dt - lap + upwind advection by the current velocity, assembled every step.
  KSP advection_diffusion_solver(double dt);
  /// Assembles 1/dt - lap (with the wall conditions) and, if asked, the upwind advection operator.
  void assemble_energy_operator(Mat m, double dt, bool with_advection) const;

  MantleParameters params_;
  double dx_, dz_;
  std::unique_ptr<StokesSolver2D> stokes_;
  struct ImplicitDiffusion {
    double dt = -1.0;  ///< step size the operator was assembled for (< 0: none yet)
    Mat matrix = nullptr;
    KSP ksp = nullptr;
  };
  std::array<ImplicitDiffusion, 2> diffusion_;
  int most_recent_diffusion_ = 0;
  Mat advection_diffusion_ = nullptr;  ///< only with implicit_advection
  KSP advection_diffusion_ksp_ = nullptr;
  View2 vx_, vz_;  ///< (xm+1) x zm and xm x (zm+1)
};

}  // namespace hadal::thermal
