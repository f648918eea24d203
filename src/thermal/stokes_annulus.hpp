// SPDX-License-Identifier: MIT
/// \file stokes_annulus.hpp
/// \brief Variable-viscosity incompressible Stokes flow in an annulus R1 <= r <= R2 (polar grid,
/// periodic in phi), on a staggered grid: u_phi on the phi-faces (phi_j, r_{i+1/2}), u_r on the
/// r-faces (phi_{j+1/2}, r_i), p at cell centres; a PETSc DMStag with x = phi (periodic) and y = r.
///
/// The discrete operator is the gradient of the discrete dissipation
///   sum over cells of 2 eta (e_rr^2 + e_pp^2) V + sum over nodes of eta g^2 V / 2 - sum p div(u) V,
///   e_rr = du_r/dr, e_pp = (1/r) du_phi/dphi + u_r/r (u_r averaged to the centre),
///   g = r d(u_phi/r)/dr + (1/r) du_r/dphi (at nodes), V = r dr dphi,
/// so it is symmetric, a rigid rotation u_phi = c r has exactly zero stress (free slip keeps it in
/// the null space), and each row is the momentum or mass balance of its control volume. Walls:
/// u_r = 0; free slip (zero shear stress) or no slip (u_phi = 0 at the wall, ghost = -interior of
/// u_phi/r). The pressure is pinned in cell (0, 0) and returned with zero area mean; with free slip
/// on both walls the phi-velocity of face (0, 0) is pinned and the rigid rotation removed after the
/// solve (zero net angular momentum). Solved by FGMRES around a MUMPS LU of the whole operator.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <mpi.h>
#include <petscdmstag.h>
#include <petscksp.h>

#include "thermal/stokes.hpp"

namespace hadal::thermal {

struct AnnulusGrid {
  int n_phi = 64, n_r = 16;
  double inner_radius = 1.22, outer_radius = 2.22;
  double dr() const { return (outer_radius - inner_radius) / n_r; }
  double dphi() const;
  /// Radius of r-face (node) i and of cell centre i + 1/2.
  double face_radius(int i) const { return inner_radius + i * dr(); }
  double centre_radius(int i) const { return inner_radius + (i + 0.5) * dr(); }
};

/// Coefficients by global index (j along phi, i along r; j may be -1 or n_phi: periodic ghosts).
///  eta_cell(j, i): cell (phi_{j+1/2}, r_{i+1/2}); eta_node(j, i): node (phi_j, r_i);
///  force_r(j, i): on r-face (phi_{j+1/2}, r_i); force_phi(j, i): on phi-face (phi_j, r_{i+1/2}).
struct AnnulusStokesCoefficients {
  std::function<double(int, int)> eta_cell, eta_node;
  std::function<double(int, int)> force_r, force_phi;  ///< may be empty (zero)
};

class AnnulusStokesSolver {
 public:
  /// walls[0] is the inner wall (CMB), walls[1] the outer one.
  AnnulusStokesSolver(MPI_Comm comm, const AnnulusGrid& grid, std::array<VelocityBoundary, 2> walls,
                      double rtol = 1e-10, const std::string& options_prefix = "annulus_stokes_");
  ~AnnulusStokesSolver();
  AnnulusStokesSolver(const AnnulusStokesSolver&) = delete;
  AnnulusStokesSolver& operator=(const AnnulusStokesSolver&) = delete;

  StokesSolveStats solve(const AnnulusStokesCoefficients& coefficients, bool viscosity_changed);

  const OwnedCells<2>& owned() const { return owned_; }  ///< [0]: phi, [1]: r
  const AnnulusGrid& grid() const { return grid_; }
  /// Face velocities touching the owned cells: component 0 = u_phi ((count_phi + 1) x count_r), 1 = u_r
  /// (count_phi x (count_r + 1)), phi fastest; rigid rotation removed when both walls are free slip.
  FaceVelocities<2> face_velocities() const;
  /// Pressure in owned cells (phi fastest), zero area mean.
  std::vector<double> cell_pressure() const;
  long long unknowns() const;
  bool operator_is_symmetric(double tolerance) const;
  std::vector<PetscInt> ranges(int axis) const;
  int ranks(int axis) const;

 private:
  void assemble_operator(const AnnulusStokesCoefficients& c);
  void assemble_rhs(const AnnulusStokesCoefficients& c);
  /// Angular velocity of the rigid rotation in the solution (free slip), to subtract.
  double rigid_rotation() const;

  MPI_Comm comm_;
  AnnulusGrid grid_;
  std::array<VelocityBoundary, 2> walls_;
  bool rotation_free_;
  double rtol_;
  std::string prefix_;
  OwnedCells<2> owned_;
  DM dm_ = nullptr;
  Mat A_ = nullptr;
  Vec x_ = nullptr, b_ = nullptr;
  KSP ksp_ = nullptr;
  FactorReuse reuse_;
  bool assembled_ = false;
};

}  // namespace hadal::thermal
