// SPDX-License-Identifier: MIT
#include "thermal/stokes2d.hpp"

#include <cmath>
#include <sstream>

#include <mpi.h>

#include "core/error.hpp"
#include "thermal/petsc_util.hpp"

namespace hadal::thermal {
namespace {

DMStagStencil at(DMStagStencilLocation loc, int i, int j) {
  DMStagStencil s;
  s.loc = loc;
  s.i = i;
  s.j = j;
  s.k = 0;
  s.c = 0;
  return s;
}

/// One matrix row under construction; columns are skipped when they are boundary (zero) velocities.
/// The preconditioning matrix leaves out the vx-vz coupling of the shear stress: its velocity block
/// is then two decoupled scalar M-matrices, on which algebraic multigrid is robust.
struct Row {
  std::vector<DMStagStencil> cols, pcols;
  std::vector<PetscScalar> vals, pvals;
  void add(const DMStagStencil& c, double v, bool cross = false) {
    cols.push_back(c);
    vals.push_back(v);
    if (!cross) {
      pcols.push_back(c);
      pvals.push_back(v);
    }
  }
};

/// The default test, except that a solve always takes at least one Krylov iteration. A warm start
/// from the previous step's velocity often meets the tolerance at once when the temperature changed
/// only slightly; the velocity would then lag the temperature and jump every few steps, which a
/// near-steady run (and its steady-state test) would see as noise.
PetscErrorCode converged_after_one_iteration(KSP ksp, PetscInt n, PetscReal rnorm, KSPConvergedReason* reason,
                                             void* context) {
  const PetscErrorCode code = KSPConvergedDefault(ksp, n, rnorm, reason, context);
  if (code == 0 && n == 0 && *reason > 0) *reason = KSP_CONVERGED_ITERATING;
  return code;
}

}  // namespace

StokesSolver2D::StokesSolver2D(MPI_Comm comm, int nx, int nz, double lx, double lz, const StokesBoundaries& bc,
                               double rtol, const std::string& options_prefix, const std::string& petsc_options,
                               StokesMethod method)
    : comm_(comm), nx_(nx), nz_(nz), lx_(lx), lz_(lz), dx_(lx / nx), dz_(lz / nz), bc_(bc), rtol_(rtol),
      prefix_(options_prefix), user_options_(petsc_options), method_(method) {
  HADAL_PETSC(DMStagCreate2d(comm_, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, nx_, nz_, PETSC_DECIDE, PETSC_DECIDE, 0, 1, 1,
                             DMSTAG_STENCIL_BOX, 1, nullptr, nullptr, &dm_));
  HADAL_PETSC(DMSetFromOptions(dm_));
  HADAL_PETSC(DMSetUp(dm_));
  HADAL_PETSC(DMStagSetUniformCoordinatesProduct(dm_, 0.0, lx_, 0.0, lz_, 0.0, 0.0));
  PetscInt xs, zs, zz, xm, zm, zk, ex, ez, ek;
  HADAL_PETSC(DMStagGetCorners(dm_, &xs, &zs, &zz, &xm, &zm, &zk, &ex, &ez, &ek));
  owned_ = {static_cast<int>(xs), static_cast<int>(zs), static_cast<int>(xm), static_cast<int>(zm)};
  HADAL_PETSC(DMCreateGlobalVector(dm_, &x_));
  HADAL_PETSC(VecDuplicate(x_, &b_));
  HADAL_PETSC(VecZeroEntries(x_));
  // DMCreateMatrix on a DMStag preallocates the whole box stencil and keeps it as explicit zeros,
  // which AMG coarsens as couplings and a sparse LU orders and fills as if they were entries. Plain
  // AIJ matrices with the DM's numbering hold only what the stencil inserts (at most 11 per row).
  PetscInt local_size = 0, global_size = 0;
  HADAL_PETSC(VecGetLocalSize(x_, &local_size));
  HADAL_PETSC(VecGetSize(x_, &global_size));
  ISLocalToGlobalMapping ltog;
  HADAL_PETSC(DMGetLocalToGlobalMapping(dm_, &ltog));
  for (Mat* M : {&A_, &P_}) {
    HADAL_PETSC(MatCreateAIJ(comm_, local_size, local_size, global_size, global_size, 11, nullptr, 11, nullptr, M));
    HADAL_PETSC(MatSetLocalToGlobalMapping(*M, ltog, ltog));
    HADAL_PETSC(MatSetOption(*M, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
  }

  // Index sets of the two fields: every face unknown (velocity) and every element unknown (pressure).
  std::vector<DMStagStencil> su = {at(DMSTAG_LEFT, 0, 0), at(DMSTAG_DOWN, 0, 0)};
  std::vector<DMStagStencil> sp = {at(DMSTAG_ELEMENT, 0, 0)};
  HADAL_PETSC(DMStagCreateISFromStencils(dm_, 2, su.data(), &is_u_));
  HADAL_PETSC(DMStagCreateISFromStencils(dm_, 1, sp.data(), &is_p_));
  configure_solver();
}

StokesSolver2D::~StokesSolver2D() {
  KSPDestroy(&ksp_);
  ISDestroy(&is_u_);
  ISDestroy(&is_p_);
  MatDestroy(&A_);
  MatDestroy(&P_);
  VecDestroy(&x_);
  VecDestroy(&b_);
  DMDestroy(&dm_);
}

void StokesSolver2D::configure_solver() {
  for (const auto& [k, v] : parse_petsc_options(user_options_)) set_prefixed_option(prefix_, k, v, false);
  const bool direct = method_ == StokesMethod::Direct;
  // Pivoting on the zero pressure block delays pivots beyond MUMPS's fill estimate (INFO(1) = -9
  // at 16^2 with the default 20 % margin); ICNTL(14) is that margin in per cent.
  if (direct) set_prefixed_option(prefix_, "mat_mumps_icntl_14", "100", true);

  HADAL_PETSC(KSPCreate(comm_, &ksp_));
  HADAL_PETSC(KSPSetOptionsPrefix(ksp_, prefix_.c_str()));
  // The direct method factors the true operator; the multigrid one preconditions with P.
  HADAL_PETSC(KSPSetOperators(ksp_, A_, direct ? A_ : P_));
  HADAL_PETSC(KSPSetInitialGuessNonzero(ksp_, PETSC_TRUE));
  HADAL_PETSC(KSPSetNormType(ksp_, KSP_NORM_UNPRECONDITIONED));
  if (direct) {
    // FGMRES around MUMPS's LU; MUMPS pivots, which the zero pressure block of the saddle point needs.
    HADAL_PETSC(KSPSetType(ksp_, KSPFGMRES));
    HADAL_PETSC(KSPSetTolerances(ksp_, rtol_, PETSC_DEFAULT, PETSC_DEFAULT, 200));
    PC pc;
    HADAL_PETSC(KSPGetPC(ksp_, &pc));
    HADAL_PETSC(PCSetType(pc, PCLU));
    HADAL_PETSC(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
  } else {
    configure_schur_fieldsplit(ksp_, is_u_, is_p_, rtol_, prefix_,
                               {{"fieldsplit_u_ksp_type", "preonly"},
                                {"fieldsplit_u_pc_type", "hypre"},
                                {"fieldsplit_u_pc_gamg_agg_nsmooths", "1"},
                                {"fieldsplit_u_mg_levels_ksp_type", "chebyshev"},
                                {"fieldsplit_u_mg_levels_ksp_max_it", "3"},
                                {"fieldsplit_u_mg_levels_pc_type", "jacobi"},
                                {"fieldsplit_p_ksp_type", "preonly"},
                                {"fieldsplit_p_pc_type", "jacobi"}});
  }
  HADAL_PETSC(KSPSetFromOptions(ksp_));
  void* default_test = nullptr;
  HADAL_PETSC(KSPConvergedDefaultCreate(&default_test));
  HADAL_PETSC(KSPSetConvergenceTest(ksp_, converged_after_one_iteration, default_test, KSPConvergedDefaultDestroy));
}

void StokesSolver2D::assemble_operator(const StokesCoefficients& c) {
  HADAL_PETSC(MatZeroEntries(A_));
  HADAL_PETSC(MatZeroEntries(P_));
  const double dx = dx_, dz = dz_;
  const double idx2 = 1.0 / (dx * dx), idz2 = 1.0 / (dz * dz), idxz = 1.0 / (dx * dz);
  pin_scale_ = 1.0 / c.eta_cell(0, 0);
  const bool last_x = owned_.xs + owned_.xm == nx_, last_z = owned_.zs + owned_.zm == nz_;
  const bool fs_top = bc_.top == VelocityBoundary::FreeSlip, fs_bottom = bc_.bottom == VelocityBoundary::FreeSlip;
  const bool fs_left = bc_.left == VelocityBoundary::FreeSlip, fs_right = bc_.right == VelocityBoundary::FreeSlip;

  auto insert = [&](const DMStagStencil& r, const Row& row, double p_diag) {
    HADAL_PETSC(DMStagMatSetValuesStencil(dm_, A_, 1, &r, static_cast<PetscInt>(row.cols.size()), row.cols.data(),
                                          row.vals.data(), ADD_VALUES));
    HADAL_PETSC(DMStagMatSetValuesStencil(dm_, P_, 1, &r, static_cast<PetscInt>(row.pcols.size()),
                                          row.pcols.data(), row.pvals.data(), ADD_VALUES));
    if (p_diag != 0.0) HADAL_PETSC(DMStagMatSetValuesStencil(dm_, P_, 1, &r, 1, &r, &p_diag, ADD_VALUES));
  };
  auto pressure = [&](Row& row, int i, int j, double v) {
    if (i == 0 && j == 0) return;  // pinned pressure: its column is dropped to keep the operator symmetric
    row.add(at(DMSTAG_ELEMENT, i, j), v);
  };

  // x-momentum rows on x-faces.
  const int i_end_x = owned_.xs + owned_.xm + (last_x ? 1 : 0);
  for (int j = owned_.zs; j < owned_.zs + owned_.zm; ++j) {
    for (int i = owned_.xs; i < i_end_x; ++i) {
      const DMStagStencil r = at(DMSTAG_LEFT, i, j);
      Row row;
      if (i == 0 || i == nx_) {  // no penetration through the side walls
        const double scale = c.eta_cell(i == 0 ? 0 : nx_ - 1, j) * (idx2 + idz2);
        row.add(r, scale);
        insert(r, row, 0.0);
        continue;
      }
      const double eR = c.eta_cell(i, j), eL = c.eta_cell(i - 1, j);
      const double eT = c.eta_node(i, j + 1), eB = c.eta_node(i, j);
      double diag = 2.0 * (eR + eL) * idx2;
      if (i + 1 < nx_) row.add(at(DMSTAG_LEFT, i + 1, j), -2.0 * eR * idx2);
      if (i - 1 > 0) row.add(at(DMSTAG_LEFT, i - 1, j), -2.0 * eL * idx2);
      if (j + 1 < nz_) {
        diag += eT * idz2;
        row.add(at(DMSTAG_LEFT, i, j + 1), -eT * idz2);
        row.add(at(DMSTAG_DOWN, i, j + 1), -eT * idxz, true);
        row.add(at(DMSTAG_DOWN, i - 1, j + 1), eT * idxz, true);
      } else if (!fs_top) {
        diag += 2.0 * eT * idz2;
      }
      if (j > 0) {
        diag += eB * idz2;
        row.add(at(DMSTAG_LEFT, i, j - 1), -eB * idz2);
        row.add(at(DMSTAG_DOWN, i, j), eB * idxz, true);
        row.add(at(DMSTAG_DOWN, i - 1, j), -eB * idxz, true);
      } else if (!fs_bottom) {
        diag += 2.0 * eB * idz2;
      }
      row.add(r, diag);
      pressure(row, i, j, 1.0 / dx);
      pressure(row, i - 1, j, -1.0 / dx);
      insert(r, row, 0.0);
    }
  }
  // z-momentum rows on z-faces.
  const int j_end_z = owned_.zs + owned_.zm + (last_z ? 1 : 0);
  for (int j = owned_.zs; j < j_end_z; ++j) {
    for (int i = owned_.xs; i < owned_.xs + owned_.xm; ++i) {
      const DMStagStencil r = at(DMSTAG_DOWN, i, j);
      Row row;
      if (j == 0 || j == nz_) {
        const double scale = c.eta_cell(i, j == 0 ? 0 : nz_ - 1) * (idx2 + idz2);
        row.add(r, scale);
        insert(r, row, 0.0);
        continue;
      }
      const double eU = c.eta_cell(i, j), eD = c.eta_cell(i, j - 1);
      const double eR = c.eta_node(i + 1, j), eL = c.eta_node(i, j);
      double diag = 2.0 * (eU + eD) * idz2;
      if (j + 1 < nz_) row.add(at(DMSTAG_DOWN, i, j + 1), -2.0 * eU * idz2);
      if (j - 1 > 0) row.add(at(DMSTAG_DOWN, i, j - 1), -2.0 * eD * idz2);
      if (i + 1 < nx_) {
        diag += eR * idx2;
        row.add(at(DMSTAG_DOWN, i + 1, j), -eR * idx2);
        row.add(at(DMSTAG_LEFT, i + 1, j), -eR * idxz, true);
        row.add(at(DMSTAG_LEFT, i + 1, j - 1), eR * idxz, true);
      } else if (!fs_right) {
        diag += 2.0 * eR * idx2;
      }
      if (i > 0) {
        diag += eL * idx2;
        row.add(at(DMSTAG_DOWN, i - 1, j), -eL * idx2);
        row.add(at(DMSTAG_LEFT, i, j), eL * idxz, true);
        row.add(at(DMSTAG_LEFT, i, j - 1), -eL * idxz, true);
      } else if (!fs_left) {
        diag += 2.0 * eL * idx2;
      }
      row.add(r, diag);
      pressure(row, i, j, 1.0 / dz);
      pressure(row, i, j - 1, -1.0 / dz);
      insert(r, row, 0.0);
    }
  }
  // Continuity rows (-div u = 0) in cells; cell (0,0) pins the pressure instead.
  for (int j = owned_.zs; j < owned_.zs + owned_.zm; ++j) {
    for (int i = owned_.xs; i < owned_.xs + owned_.xm; ++i) {
      const DMStagStencil r = at(DMSTAG_ELEMENT, i, j);
      Row row;
      if (i == 0 && j == 0) {
        row.add(r, -pin_scale_);
        insert(r, row, -pin_scale_);  // P gets the same entry twice: halve it below
        const double fix = pin_scale_;
        HADAL_PETSC(DMStagMatSetValuesStencil(dm_, P_, 1, &r, 1, &r, &fix, ADD_VALUES));
        continue;
      }
      if (i + 1 < nx_) row.add(at(DMSTAG_LEFT, i + 1, j), -1.0 / dx);
      if (i > 0) row.add(at(DMSTAG_LEFT, i, j), 1.0 / dx);
      if (j + 1 < nz_) row.add(at(DMSTAG_DOWN, i, j + 1), -1.0 / dz);
      if (j > 0) row.add(at(DMSTAG_DOWN, i, j), 1.0 / dz);
      insert(r, row, -1.0 / c.eta_cell(i, j));
    }
  }
  HADAL_PETSC(MatAssemblyBegin(A_, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(MatAssemblyEnd(A_, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(MatAssemblyBegin(P_, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(MatAssemblyEnd(P_, MAT_FINAL_ASSEMBLY));
}

void StokesSolver2D::assemble_rhs(const StokesCoefficients& c) {
  HADAL_PETSC(VecZeroEntries(b_));
  const bool last_x = owned_.xs + owned_.xm == nx_, last_z = owned_.zs + owned_.zm == nz_;
  std::vector<DMStagStencil> rows;
  std::vector<PetscScalar> vals;
  if (c.force_x) {
    for (int j = owned_.zs; j < owned_.zs + owned_.zm; ++j)
      for (int i = std::max(owned_.xs, 1); i < owned_.xs + owned_.xm + (last_x ? 1 : 0); ++i) {
        if (i == nx_) continue;
        rows.push_back(at(DMSTAG_LEFT, i, j));
        vals.push_back(c.force_x(i, j));
      }
  }
  if (c.force_z) {
    for (int j = std::max(owned_.zs, 1); j < owned_.zs + owned_.zm + (last_z ? 1 : 0); ++j) {
      if (j == nz_) continue;
      for (int i = owned_.xs; i < owned_.xs + owned_.xm; ++i) {
        rows.push_back(at(DMSTAG_DOWN, i, j));
        vals.push_back(c.force_z(i, j));
      }
    }
  }
  if (!rows.empty())
    HADAL_PETSC(DMStagVecSetValuesStencil(dm_, b_, static_cast<PetscInt>(rows.size()), rows.data(), vals.data(),
                                          INSERT_VALUES));
  HADAL_PETSC(VecAssemblyBegin(b_));
  HADAL_PETSC(VecAssemblyEnd(b_));
}

StokesSolveStats StokesSolver2D::solve(const StokesCoefficients& coefficients, bool viscosity_changed) {
  const double t0 = MPI_Wtime();
  if (viscosity_changed || !assembled_) {
    assemble_operator(coefficients);
    const bool direct = method_ == StokesMethod::Direct;
    HADAL_PETSC(KSPSetOperators(ksp_, A_, direct ? A_ : P_));
    // Old LU factors of a slowly changing operator still precondition well; refactor once they
    // need more than a few Krylov iterations.
    constexpr int kRefactorIterations = 4;
    HADAL_PETSC(KSPSetReusePreconditioner(
        ksp_, direct && assembled_ && last_iterations_ <= kRefactorIterations ? PETSC_TRUE : PETSC_FALSE));
    assembled_ = true;
  }
  assemble_rhs(coefficients);
  HADAL_PETSC(KSPSolve(ksp_, b_, x_));
  StokesSolveStats stats;
  PetscInt its = 0;
  KSPConvergedReason reason;
  HADAL_PETSC(KSPGetIterationNumber(ksp_, &its));
  HADAL_PETSC(KSPGetConvergedReason(ksp_, &reason));
  PetscReal rnorm = 0;
  HADAL_PETSC(KSPGetResidualNorm(ksp_, &rnorm));
  stats.iterations = static_cast<int>(its);
  last_iterations_ = stats.iterations;
  stats.residual_norm = rnorm;
  stats.converged_reason = static_cast<int>(reason);
  stats.seconds = MPI_Wtime() - t0;
  if (reason < 0 || !std::isfinite(rnorm)) {
    std::ostringstream msg;
    msg << "Stokes solve did not converge (" << KSPConvergedReasons[reason] << " after " << its
        << " iterations, residual " << rnorm << ")";
    throw NumericalError(msg.str());
  }
  return stats;
}

void StokesSolver2D::face_velocities(std::vector<double>& vx, std::vector<double>& vz) const {
  const int xm = owned_.xm, zm = owned_.zm, xs = owned_.xs, zs = owned_.zs;
  vx.assign(static_cast<std::size_t>(zm) * (xm + 1), 0.0);
  vz.assign(static_cast<std::size_t>(zm + 1) * xm, 0.0);
  Vec local;
  HADAL_PETSC(DMGetLocalVector(dm_, &local));
  HADAL_PETSC(DMGlobalToLocal(dm_, x_, INSERT_VALUES, local));
  PetscScalar*** arr;
  PetscInt sl, sd;
  HADAL_PETSC(DMStagGetLocationSlot(dm_, DMSTAG_LEFT, 0, &sl));
  HADAL_PETSC(DMStagGetLocationSlot(dm_, DMSTAG_DOWN, 0, &sd));
  HADAL_PETSC(DMStagVecGetArrayRead(dm_, local, &arr));
  // Boundary faces hold zero by construction; reading them keeps the code uniform.
  for (int j = 0; j < zm; ++j)
    for (int i = 0; i <= xm; ++i) vx[static_cast<std::size_t>(j) * (xm + 1) + i] = arr[zs + j][xs + i][sl];
  for (int j = 0; j <= zm; ++j)
    for (int i = 0; i < xm; ++i) vz[static_cast<std::size_t>(j) * xm + i] = arr[zs + j][xs + i][sd];
  HADAL_PETSC(DMStagVecRestoreArrayRead(dm_, local, &arr));
  HADAL_PETSC(DMRestoreLocalVector(dm_, &local));
}

std::vector<double> StokesSolver2D::cell_pressure() const {
  const int xm = owned_.xm, zm = owned_.zm, xs = owned_.xs, zs = owned_.zs;
  std::vector<double> p(static_cast<std::size_t>(xm) * zm);
  Vec local;
  HADAL_PETSC(DMGetLocalVector(dm_, &local));
  HADAL_PETSC(DMGlobalToLocal(dm_, x_, INSERT_VALUES, local));
  PetscScalar*** arr;
  PetscInt se;
  HADAL_PETSC(DMStagGetLocationSlot(dm_, DMSTAG_ELEMENT, 0, &se));
  HADAL_PETSC(DMStagVecGetArrayRead(dm_, local, &arr));
  double sum = 0.0;
  for (int j = 0; j < zm; ++j)
    for (int i = 0; i < xm; ++i) {
      p[static_cast<std::size_t>(j) * xm + i] = arr[zs + j][xs + i][se];
      sum += p[static_cast<std::size_t>(j) * xm + i];
    }
  HADAL_PETSC(DMStagVecRestoreArrayRead(dm_, local, &arr));
  HADAL_PETSC(DMRestoreLocalVector(dm_, &local));
  double total = 0.0;
  MPI_Allreduce(&sum, &total, 1, MPI_DOUBLE, MPI_SUM, comm_);
  const double mean = total / (static_cast<double>(nx_) * nz_);
  for (double& v : p) v -= mean;
  return p;
}

std::vector<PetscInt> StokesSolver2D::ranges_x() const {
  const PetscInt *lx, *lz, *l3;
  HADAL_PETSC(DMStagGetOwnershipRanges(dm_, &lx, &lz, &l3));
  return std::vector<PetscInt>(lx, lx + ranks_x());
}
std::vector<PetscInt> StokesSolver2D::ranges_z() const {
  const PetscInt *lx, *lz, *l3;
  HADAL_PETSC(DMStagGetOwnershipRanges(dm_, &lx, &lz, &l3));
  return std::vector<PetscInt>(lz, lz + ranks_z());
}
int StokesSolver2D::ranks_x() const {
  PetscInt m, n, p;
  HADAL_PETSC(DMStagGetNumRanks(dm_, &m, &n, &p));
  return static_cast<int>(m);
}
int StokesSolver2D::ranks_z() const {
  PetscInt m, n, p;
  HADAL_PETSC(DMStagGetNumRanks(dm_, &m, &n, &p));
  return static_cast<int>(n);
}
long long StokesSolver2D::unknowns() const {
  PetscInt n;
  HADAL_PETSC(VecGetSize(x_, &n));
  return n;
}

}  // namespace hadal::thermal
