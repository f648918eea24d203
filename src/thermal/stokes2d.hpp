// SPDX-License-Identifier: MIT
/// \file stokes2d.hpp
/// \brief Variable-viscosity incompressible Stokes flow in a 2-D box on a staggered (MAC) grid,
/// assembled on a PETSc DMStag and solved by FGMRES with a fieldsplit Schur-complement
/// preconditioner (algebraic multigrid on the velocity block, 1/eta-scaled pressure mass matrix
/// for the Schur complement).
///
/// Unknowns: vx on the x-faces (x_i, z_{j+1/2}), vz on the z-faces (x_{i+1/2}, z_j), p at cell
/// centres. Equations (nondimensional or SI, the solver does not care):
///   -div(2 eta D(u)) + grad p = f,   -div u = 0.
/// The pressure is fixed by pinning cell (0,0) and returned with zero domain mean.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <mpi.h>
#include <petscdmstag.h>
#include <petscksp.h>

namespace hadal::thermal {

enum class VelocityBoundary { FreeSlip, NoSlip };

/// How the saddle-point system is solved.
/// Multigrid: FGMRES + fieldsplit Schur with AMG on velocity (scalable; the default).
/// Direct: FGMRES preconditioned by a sparse LU (MUMPS) of the full operator. The factors are kept
/// while they still precondition well (at most a few iterations after the viscosity changed), so a
/// time loop pays for a factorisation only now and then. Fast for 2-D boxes up to a few 1e5 unknowns.
enum class StokesMethod { Multigrid, Direct };

/// Which velocity condition holds on each wall of the box.
struct StokesBoundaries {
  VelocityBoundary left = VelocityBoundary::FreeSlip, right = VelocityBoundary::FreeSlip;
  VelocityBoundary bottom = VelocityBoundary::FreeSlip, top = VelocityBoundary::FreeSlip;
};

/// Cells this rank owns: i in [xs, xs+xm), j in [zs, zs+zm) (global indices, j counts upward).
struct OwnedCells {
  int xs = 0, zs = 0, xm = 0, zm = 0;
};

/// Coefficients sampled by global index. eta_cell(i, j) is asked for i in [xs-1, xs+xm] and
/// j in [zs-1, zs+zm] clipped to the grid; eta_node(i, j) at nodes (x_i, z_j) touching owned cells;
/// force_x(i, j) on x-face (i, j); force_z(i, j) on z-face (i, j).
struct StokesCoefficients {
  std::function<double(int, int)> eta_cell;
  std::function<double(int, int)> eta_node;
  std::function<double(int, int)> force_x;  ///< may be empty (zero)
  std::function<double(int, int)> force_z;
};

struct StokesSolveStats {
  int iterations = 0;
  double residual_norm = 0.0;
  double seconds = 0.0;
  int converged_reason = 0;
};

class StokesSolver2D {
 public:
  /// `options_prefix` namespaces the PETSc options ("mantle_stokes_"); `petsc_options` are extra
  /// "-key value" pairs applied under that prefix after the defaults (user passthrough).
  StokesSolver2D(MPI_Comm comm, int nx, int nz, double lx, double lz, const StokesBoundaries& bc,
                 double rtol = 1e-8, const std::string& options_prefix = "stokes_",
                 const std::string& petsc_options = "", StokesMethod method = StokesMethod::Multigrid);
  ~StokesSolver2D();
  StokesSolver2D(const StokesSolver2D&) = delete;
  StokesSolver2D& operator=(const StokesSolver2D&) = delete;

  /// Assembles the operator (when `viscosity_changed` or first call) and the right-hand side, then
  /// solves, starting from the previous solution. Throws NumericalError if the solve diverges.
  StokesSolveStats solve(const StokesCoefficients& coefficients, bool viscosity_changed);

  const OwnedCells& owned() const { return owned_; }
  int nx() const { return nx_; }
  int nz() const { return nz_; }
  double dx() const { return dx_; }
  double dz() const { return dz_; }
  MPI_Comm comm() const { return comm_; }
  /// Ownership ranges (cells per rank in x and z), for building compatible cell-centred DMDAs.
  std::vector<PetscInt> ranges_x() const;
  std::vector<PetscInt> ranges_z() const;
  int ranks_x() const;
  int ranks_z() const;

  /// Velocity on faces touching owned cells, row-major: vx is (zm) x (xm+1), vz is (zm+1) x (xm),
  /// index [j - zs][i - xs].
  void face_velocities(std::vector<double>& vx, std::vector<double>& vz) const;
  /// Pressure in owned cells [j - zs][i - xs], zero global mean.
  std::vector<double> cell_pressure() const;

  /// Global unknown count (velocity + pressure).
  long long unknowns() const;

 private:
  void assemble_operator(const StokesCoefficients& c);
  void assemble_rhs(const StokesCoefficients& c);
  void configure_solver();

  MPI_Comm comm_;
  int nx_, nz_;
  double lx_, lz_, dx_, dz_;
  StokesBoundaries bc_;
  double rtol_;
  std::string prefix_, user_options_;
  StokesMethod method_;
  int last_iterations_ = 0;
  OwnedCells owned_;
  DM dm_ = nullptr;
  Mat A_ = nullptr, P_ = nullptr;
  Vec x_ = nullptr, b_ = nullptr;
  KSP ksp_ = nullptr;
  IS is_u_ = nullptr, is_p_ = nullptr;
  bool assembled_ = false;
  double pin_scale_ = 1.0;
};

}  // namespace hadal::thermal
