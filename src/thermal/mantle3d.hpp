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
#include <vector>

#include <Kokkos_Core.hpp>

#include "thermal/mantle_box.hpp"

namespace hadal::thermal {

class MantleConvection3D : public MantleBox {
 public:
  using View3 = Kokkos::View<double***>;

  MantleConvection3D(MPI_Comm comm, const MantleParameters3D& params);
  ~MantleConvection3D() override;

  /// T = T_t + (T_b - T_t) p(z) + A (cos(pi x/ax) + cos(pi y/ay)) sin(pi z), p(z) = 1 - z or the
  /// boundary-layer profile.
  void set_initial_temperature() override;
  StokesSolveStats solve_stokes() override;
  double stable_dt(double cfl, bool diffusive_cap = true) const override;
  void advance_energy(double dt) override;
  /// As in 2-D, without the corner fluxes.
  MantleDiagnostics diagnostics() const override;

  const OwnedCells<3>& owned() const { return stokes_->owned(); }

  std::vector<double> temperature_block() const override;
  void set_temperature_block(const std::vector<double>& block) override;
  std::vector<double> viscosity_block() const override;
  std::vector<double> pressure_block() const override { return stokes_->cell_pressure(); }
  std::vector<double> velocity_block() const override;
  long long stokes_unknowns() const override { return stokes_->unknowns(); }

  const MantleParameters3D& parameters() const { return params_; }

 private:
  void fill_ghosts();
  void load_velocity();
  /// Assembles 1/dt - lap (with the wall conditions) into D_ and, with implicit advection, the
  /// upwind advection operator of the current velocity.
  void assemble_energy_operator(double dt);

  MantleParameters3D params_;
  std::array<double, 3> h_;
  std::unique_ptr<StokesSolver3D> stokes_;
  Mat D_ = nullptr;
  KSP energy_ksp_ = nullptr;
  double matrix_dt_ = -1.0;
  View3 T_;             ///< (mx+4, my+4, mz+4): two ghost layers
  View3 vx_, vy_, vz_;  ///< face velocities, one extra entry along their own axis
  View3 tendency_;
};

}  // namespace hadal::thermal
