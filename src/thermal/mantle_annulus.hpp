// SPDX-License-Identifier: MIT
/// \file mantle_annulus.hpp
/// \brief Infinite-Prandtl Boussinesq convection in a 2-D annulus r_in <= r <= r_in + 1 (polar
/// grid, periodic in phi), nondimensional as the boxes (length = thickness, time = thickness^2 /
/// kappa, T by the reference temperature difference):
///   -div(2 eta D(u)) + grad p = Ra T e_r,  div u = 0,  dT/dt + u.grad T = lap T + H,
/// with constant gravity pointing to the centre. Stokes on the annulus MAC grid
/// (AnnulusStokesSolver); T at cell centres, finite volumes: flux-form MUSCL advection in Kokkos
/// kernels, implicit diffusion (or, for pseudo-time marching, implicit upwind advection with the
/// MUSCL correction explicit) on a DMDA periodic in phi with the Stokes decomposition.
#pragma once

#include <memory>
#include <vector>

#include <Kokkos_Core.hpp>

#include "thermal/mantle_box.hpp"
#include "thermal/stokes_annulus.hpp"

namespace hadal::thermal {

class MantleConvectionAnnulus : public PlanarMantleBox {
 public:

  MantleConvectionAnnulus(MPI_Comm comm, const MantleParametersAnnulus& params);
  ~MantleConvectionAnnulus() override;

  /// T = conductive profile ln(r/r_out)/ln(r_in/r_out) between the wall values (linear in r for flux
  /// walls) + A cos(mode phi) sin(pi (r - r_in)).
  void set_initial_temperature() override;
  StokesSolveStats solve_stokes() override;
  double stable_dt(double cfl, bool diffusive_cap = true) const override;
  void advance_energy(double dt) override;
  /// Nu = heat flow through the wall / that of conduction in the same annulus, 2 pi dT / ln(r_out/r_in)
  /// (Davies et al.'s definition); flux_top and flux_bottom are the mean upward fluxes on each wall.
  MantleDiagnostics diagnostics() const override;

  std::vector<double> viscosity_block() const override;
  std::vector<double> pressure_block() const override { return stokes_->cell_pressure(); }
  /// Cartesian (x, y, 0) velocity at cell centres (ParaView's true geometry).
  std::vector<double> velocity_block() const override;
  long long stokes_unknowns() const override { return stokes_->unknowns(); }
  std::vector<double> node_xy() const override;

  const MantleParametersAnnulus& parameters() const { return params_; }

 private:
  void fill_ghosts() override;
  void load_velocity();
  /// 1/dt - lap (with the wall conditions) and, with implicit advection, upwind advection.
  void assemble_energy_operator(double dt);

  MantleParametersAnnulus params_;
  AnnulusGrid grid_;
  std::unique_ptr<AnnulusStokesSolver> stokes_;
  Mat matrix_ = nullptr;
  KSP energy_ksp_ = nullptr;
  double matrix_dt_ = -1.0;
  View2 vphi_, vr_;  ///< (m_phi + 1) x m_r and m_phi x (m_r + 1) face velocities
};

}  // namespace hadal::thermal
