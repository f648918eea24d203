// SPDX-License-Identifier: MIT
/// \file stokes.hpp
/// \brief Variable-viscosity incompressible Stokes flow in a 2-D or 3-D box on a staggered (MAC)
/// grid, assembled on a PETSc DMStag and solved by FGMRES, one code for both dimensions.
///
/// Axes: x (and y) horizontal, z up, the last axis. Unknowns: the velocity component d on the
/// d-faces, p at cell centres. Cell viscosity enters the normal stresses; the shear stress tau_de
/// (d != e) lives where the d- and e-faces meet: on the nodes in 2-D, on the edges parallel to the
/// third axis f = 3 - d - e in 3-D, and uses the viscosity there. Equations (nondimensional or SI,
/// the solver does not care):
///   -div(2 eta D(u)) + grad p = f,   -div u = 0.
/// The pressure is fixed by pinning cell 0 and returned with zero domain mean.
///
/// Methods: `Multigrid` is FGMRES + PCFIELDSPLIT Schur (upper), the Schur complement preconditioned
/// by -1/eta, one AMG V-cycle on a velocity preconditioning matrix without the inter-component shear
/// coupling (decoupled scalar M-matrices); BoomerAMG in 2-D, GAMG in 3-D (BoomerAMG's iteration
/// counts jumped at some 3-D grid sizes, docs/thermal.md). `Direct` preconditions FGMRES with a
/// MUMPS LU of the whole operator, kept while it still preconditions well (2-D boxes up to a few
/// 1e5 unknowns).
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include <mpi.h>
#include <petscdmstag.h>
#include <petscksp.h>

#include "thermal/settings.hpp"

namespace hadal::thermal {

/// Cells this rank owns: [start[a], start[a] + count[a]) along axis a (global indices).
template <int Dim>
struct OwnedCells {
  std::array<int, Dim> start{}, count{};
};

/// Coefficients sampled by global index.
///  eta_cell(I): cell viscosity, asked for the owned cells and one layer around them (clipped).
///  eta_shear(f, I): viscosity of a shear stress: at node I in 2-D (f = 2 there), on the edge
///    parallel to axis f in 3-D (cell index along f, node index along the other two axes).
///  force(d, I): body force component d on d-face I; may be empty (zero).
template <int Dim>
struct StokesCoefficients {
  using Index = std::array<int, Dim>;
  std::function<double(const Index&)> eta_cell;
  std::function<double(int, const Index&)> eta_shear;
  std::function<double(int, const Index&)> force;
};

/// Face velocities touching the owned cells. Component d has count[a] + (a == d) entries along
/// axis a, stored x fastest: (d, i, j[, k]) with local indices.
template <int Dim>
struct FaceVelocities {
  std::array<std::vector<double>, Dim> v;
  std::array<std::array<int, Dim>, Dim> dims{};  ///< dims[d][a]
  template <class... Local>
  double operator()(int d, Local... local) const {
    static_assert(sizeof...(Local) == Dim, "one local index per axis");
    const int index[Dim] = {local...};
    std::size_t offset = 0;
    for (int a = Dim - 1; a >= 0; --a) offset = offset * dims[d][a] + index[a];
    return v[d][offset];
  }
};

struct StokesSolveStats {
  int iterations = 0;
  double residual_norm = 0.0;
  double seconds = 0.0;
  int converged_reason = 0;
  int factorisations = 0;  ///< of the solver's preconditioner so far (direct method: LU factorisations)
};

/// How a KSP whose operator changes from solve to solve reuses the LU factors of an earlier operator
/// as its preconditioner: old factors of a slowly changing operator still precondition well. A cost
/// model decides when to factor again: the time the stale factors cost in iterations beyond the one a
/// fresh factorisation needs, summed since the last factorisation, is weighed against the measured
/// time of a factorisation (a new one once they are equal; the ski-rental rule, at most twice the
/// cost of the best choice made in hindsight). A solve with stale factors that fails is repeated with
/// new ones. The measured times are the maxima over the ranks, so every rank decides alike.
class FactorReuse {
 public:
  explicit FactorReuse(double rtol) : rtol_(rtol) {}
  /// After new operators were set on `ksp`; `direct`: the preconditioner is an LU.
  void operators_changed(KSP ksp, bool direct);
  /// Solves ksp x = b (x holds the start) and reports; throws NumericalError naming `what` when the
  /// solve fails even with fresh factors.
  StokesSolveStats solve(KSP ksp, Vec b, Vec x, double start_time, const std::string& what);
  /// Factorisations so far.
  int factorisations() const { return factorisations_; }

 private:
  double rtol_;
  bool factored_ = false;
  int factorisations_ = 0;
  double factor_seconds_ = 0.0;  ///< time of the last factorisation
  double stale_seconds_ = 0.0;   ///< iterations beyond one with the current factors, in seconds
};

template <int Dim>
class StokesSolver {
 public:
  using Index = std::array<int, Dim>;
  /// `options_prefix` namespaces the PETSc options ("mantle_stokes_"); `petsc_options` are extra
  /// "-key value" pairs applied under that prefix after the defaults (user passthrough).
  StokesSolver(MPI_Comm comm, const Index& cells, const std::array<double, Dim>& lengths,
               const StokesBoundaries<Dim>& bc, double rtol = 1e-8, const std::string& options_prefix = "stokes_",
               const std::string& petsc_options = "", StokesMethod method = StokesMethod::Multigrid);
  ~StokesSolver();
  StokesSolver(const StokesSolver&) = delete;
  StokesSolver& operator=(const StokesSolver&) = delete;

  /// Assembles the operator (when `viscosity_changed` or first call) and the right-hand side, then
  /// solves from the previous solution. Throws NumericalError if the solve diverges.
  StokesSolveStats solve(const StokesCoefficients<Dim>& coefficients, bool viscosity_changed);

  const OwnedCells<Dim>& owned() const { return owned_; }
  const Index& cells() const { return n_; }
  const std::array<double, Dim>& lengths() const { return len_; }
  const std::array<double, Dim>& spacing() const { return h_; }
  MPI_Comm comm() const { return comm_; }
  /// Ownership ranges along axis a (cells per rank) and the number of ranks along a, for building
  /// compatible cell-centred DMDAs.
  std::vector<PetscInt> ranges(int axis) const;
  int ranks(int axis) const;

  FaceVelocities<Dim> face_velocities() const;
  /// Pressure in owned cells, x fastest, zero global mean.
  std::vector<double> cell_pressure() const;
  /// Global unknown count (velocity + pressure).
  long long unknowns() const;
  /// True when the assembled operator equals its transpose to `tolerance` (the discretisation is
  /// symmetric by construction; a self-check of the stencil signs for tests).
  bool operator_is_symmetric(double tolerance) const;

 private:
  void assemble_operator(const StokesCoefficients<Dim>& c);
  void assemble_rhs(const StokesCoefficients<Dim>& c);
  void configure_solver();

  MPI_Comm comm_;
  Index n_;
  std::array<double, Dim> len_, h_;
  StokesBoundaries<Dim> bc_;
  double rtol_;
  std::string prefix_, user_options_;
  StokesMethod method_;
  FactorReuse reuse_;
  OwnedCells<Dim> owned_;
  DM dm_ = nullptr;
  Mat A_ = nullptr, P_ = nullptr;
  Vec x_ = nullptr, b_ = nullptr;
  KSP ksp_ = nullptr;
  IS is_u_ = nullptr, is_p_ = nullptr;
  bool assembled_ = false;
};

using StokesSolver2D = StokesSolver<2>;
using StokesSolver3D = StokesSolver<3>;

}  // namespace hadal::thermal
