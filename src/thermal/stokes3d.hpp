// SPDX-License-Identifier: MIT
/// \file stokes3d.hpp
/// \brief Variable-viscosity incompressible Stokes flow in a 3-D box on a staggered (MAC) grid: the
/// 3-D counterpart of StokesSolver2D, with the same discretisation and solver strategy.
///
/// Axes: x and y horizontal, z up (PETSc DMStag's i, j, k). Unknowns: vx on x-faces
/// (x_i, y_{j+1/2}, z_{k+1/2}), vy on y-faces, vz on z-faces, p at cell centres. Cell viscosity
/// enters the normal stresses; the shear stress tau_de lives on the edges parallel to the third
/// axis f and uses the viscosity of that edge. Equations:
///   -div(2 eta D(u)) + grad p = f,   -div u = 0.
/// The pressure is fixed by pinning cell (0,0,0) and returned with zero domain mean.
/// Solver: FGMRES + PCFIELDSPLIT Schur (upper), Schur preconditioned by -1/eta, one BoomerAMG
/// V-cycle on a velocity preconditioning matrix without the inter-component shear coupling (three
/// decoupled scalar M-matrices).
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include <mpi.h>
#include <petscdmstag.h>
#include <petscksp.h>

#include "thermal/stokes2d.hpp"

namespace hadal::thermal {

/// Velocity condition on the six walls; wall[axis][0] is the low side (x = 0: left, y = 0: front,
/// z = 0: bottom), wall[axis][1] the high side (right, back, top).
struct StokesBoundaries3D {
  std::array<std::array<VelocityBoundary, 2>, 3> wall{{{VelocityBoundary::FreeSlip, VelocityBoundary::FreeSlip},
                                                       {VelocityBoundary::FreeSlip, VelocityBoundary::FreeSlip},
                                                       {VelocityBoundary::FreeSlip, VelocityBoundary::FreeSlip}}};
};

/// Cells this rank owns: [start[a], start[a] + count[a]) along axis a (global indices).
struct OwnedCells3D {
  std::array<int, 3> start{0, 0, 0}, count{0, 0, 0};
};

/// Coefficients sampled by global index (i, j, k).
///  eta_cell(i, j, k): cell viscosity, asked for the owned cells and one layer around them (clipped).
///  eta_edge(f, i, j, k): viscosity on the edge parallel to axis f; the index is the cell index
///    along f and the node index along the other two axes.
///  force(d, i, j, k): body force component d on the d-face (i, j, k); may be empty (zero).
struct StokesCoefficients3D {
  std::function<double(int, int, int)> eta_cell;
  std::function<double(int, int, int, int)> eta_edge;
  std::function<double(int, int, int, int)> force;
};

/// Face velocities touching the owned cells. Component d has count[a] + (a == d) entries along axis
/// a, stored x fastest: value(d, i, j, k) with local indices.
struct FaceVelocities3D {
  std::array<std::vector<double>, 3> v;
  std::array<std::array<int, 3>, 3> dims{};  ///< dims[d][a]
  double operator()(int d, int i, int j, int k) const {
    return v[d][(static_cast<std::size_t>(k) * dims[d][1] + j) * dims[d][0] + i];
  }
};

class StokesSolver3D {
 public:
  StokesSolver3D(MPI_Comm comm, std::array<int, 3> cells, std::array<double, 3> lengths,
                 const StokesBoundaries3D& bc, double rtol = 1e-8, const std::string& options_prefix = "stokes3d_",
                 const std::string& petsc_options = "");
  ~StokesSolver3D();
  StokesSolver3D(const StokesSolver3D&) = delete;
  StokesSolver3D& operator=(const StokesSolver3D&) = delete;

  /// Assembles the operator (when `viscosity_changed` or first call) and the right-hand side, then
  /// solves from the previous solution. Throws NumericalError if the solve diverges.
  StokesSolveStats solve(const StokesCoefficients3D& coefficients, bool viscosity_changed);

  const OwnedCells3D& owned() const { return owned_; }
  const std::array<int, 3>& cells() const { return n_; }
  const std::array<double, 3>& spacing() const { return h_; }
  MPI_Comm comm() const { return comm_; }
  /// Ownership ranges along axis a (cells per rank) and the number of ranks along a, for building
  /// compatible cell-centred DMDAs.
  std::vector<PetscInt> ranges(int axis) const;
  int ranks(int axis) const;

  FaceVelocities3D face_velocities() const;
  /// Pressure in owned cells, x fastest, zero global mean.
  std::vector<double> cell_pressure() const;
  long long unknowns() const;
  /// True when the assembled operator equals its transpose to `tolerance` (the discretisation is
  /// symmetric by construction; a self-check of the stencil signs for tests).
  bool operator_is_symmetric(double tolerance) const;

 private:
  void assemble_operator(const StokesCoefficients3D& c);
  void assemble_rhs(const StokesCoefficients3D& c);
  void configure_solver();

  MPI_Comm comm_;
  std::array<int, 3> n_;
  std::array<double, 3> len_, h_;
  StokesBoundaries3D bc_;
  double rtol_;
  std::string prefix_, user_options_;
  OwnedCells3D owned_;
  DM dm_ = nullptr;
  Mat A_ = nullptr, P_ = nullptr;
  Vec x_ = nullptr, b_ = nullptr;
  KSP ksp_ = nullptr;
  IS is_u_ = nullptr, is_p_ = nullptr;
  bool assembled_ = false;
};

}  // namespace hadal::thermal
