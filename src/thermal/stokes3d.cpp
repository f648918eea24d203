// SPDX-License-Identifier: MIT
#include "thermal/stokes3d.hpp"

#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "thermal/petsc_util.hpp"

namespace hadal::thermal {
namespace {

constexpr DMStagStencilLocation kFace[3] = {DMSTAG_LEFT, DMSTAG_DOWN, DMSTAG_BACK};

DMStagStencil at(DMStagStencilLocation loc, const std::array<int, 3>& I) {
  DMStagStencil s;
  s.loc = loc;
  s.i = I[0];
  s.j = I[1];
  s.k = I[2];
  s.c = 0;
  return s;
}

std::array<int, 3> shifted(std::array<int, 3> I, int axis, int by) {
  I[axis] += by;
  return I;
}

/// One matrix row under construction. The preconditioning matrix leaves out the coupling between
/// velocity components through the shear stress, so AMG sees three decoupled scalar M-matrices.
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

}  // namespace

StokesSolver3D::StokesSolver3D(MPI_Comm comm, std::array<int, 3> cells, std::array<double, 3> lengths,
                               const StokesBoundaries3D& bc, double rtol, const std::string& options_prefix,
                               const std::string& petsc_options)
    : comm_(comm), n_(cells), len_(lengths), bc_(bc), rtol_(rtol), prefix_(options_prefix),
      user_options_(petsc_options) {
  for (int a = 0; a < 3; ++a) h_[a] = len_[a] / n_[a];
  HADAL_PETSC(DMStagCreate3d(comm_, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, n_[0], n_[1], n_[2],
                             PETSC_DECIDE, PETSC_DECIDE, PETSC_DECIDE, 0, 0, 1, 1, DMSTAG_STENCIL_BOX, 1, nullptr,
                             nullptr, nullptr, &dm_));
  HADAL_PETSC(DMSetFromOptions(dm_));
  HADAL_PETSC(DMSetUp(dm_));
  HADAL_PETSC(DMStagSetUniformCoordinatesProduct(dm_, 0.0, len_[0], 0.0, len_[1], 0.0, len_[2]));
  PetscInt s[3], m[3], e[3];
  HADAL_PETSC(DMStagGetCorners(dm_, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2], &e[0], &e[1], &e[2]));
  for (int a = 0; a < 3; ++a) {
    owned_.start[a] = static_cast<int>(s[a]);
    owned_.count[a] = static_cast<int>(m[a]);
  }
  HADAL_PETSC(DMCreateGlobalVector(dm_, &x_));
  HADAL_PETSC(VecDuplicate(x_, &b_));
  HADAL_PETSC(VecZeroEntries(x_));
  // DMCreateMatrix on a DMStag stores the whole box stencil (61 entries per velocity row in 3-D,
  // almost all explicit zeros), which hypre then coarsens as if they were couplings. The matrices
  // are therefore plain AIJ with the DM's numbering and only the entries the stencil inserts
  // (at most 17 per row).
  PetscInt local_size = 0, global_size = 0;
  HADAL_PETSC(VecGetLocalSize(x_, &local_size));
  HADAL_PETSC(VecGetSize(x_, &global_size));
  ISLocalToGlobalMapping ltog;
  HADAL_PETSC(DMGetLocalToGlobalMapping(dm_, &ltog));
  for (Mat* M : {&A_, &P_}) {
    HADAL_PETSC(MatCreateAIJ(comm_, local_size, local_size, global_size, global_size, 17, nullptr, 17, nullptr, M));
    HADAL_PETSC(MatSetLocalToGlobalMapping(*M, ltog, ltog));
    HADAL_PETSC(MatSetOption(*M, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
  }
  const std::array<int, 3> zero{0, 0, 0};
  std::vector<DMStagStencil> su = {at(DMSTAG_LEFT, zero), at(DMSTAG_DOWN, zero), at(DMSTAG_BACK, zero)};
  std::vector<DMStagStencil> sp = {at(DMSTAG_ELEMENT, zero)};
  HADAL_PETSC(DMStagCreateISFromStencils(dm_, 3, su.data(), &is_u_));
  HADAL_PETSC(DMStagCreateISFromStencils(dm_, 1, sp.data(), &is_p_));
  configure_solver();
}

StokesSolver3D::~StokesSolver3D() {
  KSPDestroy(&ksp_);
  ISDestroy(&is_u_);
  ISDestroy(&is_p_);
  MatDestroy(&A_);
  MatDestroy(&P_);
  VecDestroy(&x_);
  VecDestroy(&b_);
  DMDestroy(&dm_);
}

void StokesSolver3D::configure_solver() {
  // The 2-D solver's multigrid method, with GAMG on the velocity block: BoomerAMG's iteration counts
  // jumped at some 3-D grid sizes (docs/thermal.md).
  for (const auto& [k, v] : parse_petsc_options(user_options_)) set_prefixed_option(prefix_, k, v, false);
  HADAL_PETSC(KSPCreate(comm_, &ksp_));
  HADAL_PETSC(KSPSetOptionsPrefix(ksp_, prefix_.c_str()));
  HADAL_PETSC(KSPSetOperators(ksp_, A_, P_));
  HADAL_PETSC(KSPSetInitialGuessNonzero(ksp_, PETSC_TRUE));
  HADAL_PETSC(KSPSetNormType(ksp_, KSP_NORM_UNPRECONDITIONED));
  configure_schur_fieldsplit(ksp_, is_u_, is_p_, rtol_, prefix_,
                             {{"fieldsplit_u_ksp_type", "preonly"},
                              {"fieldsplit_u_pc_type", "gamg"},
                              {"fieldsplit_u_pc_gamg_threshold", "0.02"},
                              {"fieldsplit_u_mg_levels_ksp_type", "chebyshev"},
                              {"fieldsplit_u_mg_levels_pc_type", "jacobi"},
                              {"fieldsplit_p_ksp_type", "preonly"},
                              {"fieldsplit_p_pc_type", "jacobi"}});
  HADAL_PETSC(KSPSetFromOptions(ksp_));
}

void StokesSolver3D::assemble_operator(const StokesCoefficients3D& c) {
  HADAL_PETSC(MatZeroEntries(A_));
  HADAL_PETSC(MatZeroEntries(P_));
  const double pin_scale = 1.0 / c.eta_cell(0, 0, 0);
  auto eta_cell = [&](const std::array<int, 3>& I) { return c.eta_cell(I[0], I[1], I[2]); };
  auto insert = [&](const DMStagStencil& r, const Row& row, double p_diag) {
    HADAL_PETSC(DMStagMatSetValuesStencil(dm_, A_, 1, &r, static_cast<PetscInt>(row.cols.size()), row.cols.data(),
                                          row.vals.data(), ADD_VALUES));
    HADAL_PETSC(DMStagMatSetValuesStencil(dm_, P_, 1, &r, static_cast<PetscInt>(row.pcols.size()),
                                          row.pcols.data(), row.pvals.data(), ADD_VALUES));
    if (p_diag != 0.0) HADAL_PETSC(DMStagMatSetValuesStencil(dm_, P_, 1, &r, 1, &r, &p_diag, ADD_VALUES));
  };
  auto pressure = [&](Row& row, const std::array<int, 3>& I, double v) {
    if (I[0] == 0 && I[1] == 0 && I[2] == 0) return;  // pinned: column dropped, operator stays symmetric
    row.add(at(DMSTAG_ELEMENT, I), v);
  };

  // Momentum rows of component d on the d-faces owned by this rank (the last rank along d also
  // owns the far wall's faces).
  for (int d = 0; d < 3; ++d) {
    std::array<int, 3> lo = owned_.start, hi;
    for (int a = 0; a < 3; ++a)
      hi[a] = owned_.start[a] + owned_.count[a] + (a == d && owned_.start[a] + owned_.count[a] == n_[a] ? 1 : 0);
    const double hd = h_[d], ihd2 = 1.0 / (hd * hd);
    std::array<int, 3> I;
    for (I[2] = lo[2]; I[2] < hi[2]; ++I[2])
      for (I[1] = lo[1]; I[1] < hi[1]; ++I[1])
        for (I[0] = lo[0]; I[0] < hi[0]; ++I[0]) {
          const DMStagStencil r = at(kFace[d], I);
          Row row;
          if (I[d] == 0 || I[d] == n_[d]) {  // no penetration; scaled like the interior rows
            const double scale = eta_cell(shifted(I, d, I[d] == 0 ? 0 : -1)) *
                                 (1.0 / (h_[0] * h_[0]) + 1.0 / (h_[1] * h_[1]) + 1.0 / (h_[2] * h_[2]));
            row.add(r, scale);
            insert(r, row, 0.0);
            continue;
          }
          // Normal stress: cells on either side of the face.
          const double eP = eta_cell(I), eM = eta_cell(shifted(I, d, -1));
          double diag = 2.0 * (eP + eM) * ihd2;
          if (I[d] + 1 < n_[d]) row.add(at(kFace[d], shifted(I, d, 1)), -2.0 * eP * ihd2);
          if (I[d] - 1 > 0) row.add(at(kFace[d], shifted(I, d, -1)), -2.0 * eM * ihd2);
          // Shear stresses tau_de on the edges parallel to the third axis f.
          for (int e = 0; e < 3; ++e) {
            if (e == d) continue;
            const int f = 3 - d - e;
            const double he = h_[e], ihe2 = 1.0 / (he * he), ihde = 1.0 / (hd * he);
            const auto up = shifted(I, e, 1);
            const double eU = c.eta_edge(f, up[0], up[1], up[2]), eL = c.eta_edge(f, I[0], I[1], I[2]);
            if (I[e] + 1 < n_[e]) {
              diag += eU * ihe2;
              row.add(at(kFace[d], up), -eU * ihe2);
              row.add(at(kFace[e], up), -eU * ihde, true);
              row.add(at(kFace[e], shifted(up, d, -1)), eU * ihde, true);
            } else if (bc_.wall[e][1] == VelocityBoundary::NoSlip) {
              diag += 2.0 * eU * ihe2;  // ghost velocity = -interior value
            }
            if (I[e] > 0) {
              diag += eL * ihe2;
              row.add(at(kFace[d], shifted(I, e, -1)), -eL * ihe2);
              row.add(at(kFace[e], I), eL * ihde, true);
              row.add(at(kFace[e], shifted(I, d, -1)), -eL * ihde, true);
            } else if (bc_.wall[e][0] == VelocityBoundary::NoSlip) {
              diag += 2.0 * eL * ihe2;
            }
          }
          row.add(r, diag);
          pressure(row, I, 1.0 / hd);
          pressure(row, shifted(I, d, -1), -1.0 / hd);
          insert(r, row, 0.0);
        }
  }
  // Continuity rows (-div u = 0); cell (0,0,0) pins the pressure instead.
  std::array<int, 3> I;
  const auto& s = owned_.start;
  const auto& m = owned_.count;
  for (I[2] = s[2]; I[2] < s[2] + m[2]; ++I[2])
    for (I[1] = s[1]; I[1] < s[1] + m[1]; ++I[1])
      for (I[0] = s[0]; I[0] < s[0] + m[0]; ++I[0]) {
        const DMStagStencil r = at(DMSTAG_ELEMENT, I);
        Row row;
        if (I[0] == 0 && I[1] == 0 && I[2] == 0) {
          row.add(r, -pin_scale);
          insert(r, row, 0.0);
          continue;
        }
        for (int d = 0; d < 3; ++d) {
          if (I[d] + 1 < n_[d]) row.add(at(kFace[d], shifted(I, d, 1)), -1.0 / h_[d]);
          if (I[d] > 0) row.add(at(kFace[d], I), 1.0 / h_[d]);
        }
        insert(r, row, -1.0 / eta_cell(I));
      }
  HADAL_PETSC(MatAssemblyBegin(A_, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(MatAssemblyEnd(A_, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(MatAssemblyBegin(P_, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(MatAssemblyEnd(P_, MAT_FINAL_ASSEMBLY));
}

void StokesSolver3D::assemble_rhs(const StokesCoefficients3D& c) {
  HADAL_PETSC(VecZeroEntries(b_));
  std::vector<DMStagStencil> rows;
  std::vector<PetscScalar> vals;
  if (c.force) {
    for (int d = 0; d < 3; ++d) {
      std::array<int, 3> lo = owned_.start, hi;
      for (int a = 0; a < 3; ++a) hi[a] = owned_.start[a] + owned_.count[a];
      lo[d] = std::max(lo[d], 1);  // wall faces carry the no-penetration rows (zero right-hand side)
      std::array<int, 3> I;
      for (I[2] = lo[2]; I[2] < hi[2]; ++I[2])
        for (I[1] = lo[1]; I[1] < hi[1]; ++I[1])
          for (I[0] = lo[0]; I[0] < hi[0]; ++I[0]) {
            rows.push_back(at(kFace[d], I));
            vals.push_back(c.force(d, I[0], I[1], I[2]));
          }
    }
  }
  if (!rows.empty())
    HADAL_PETSC(DMStagVecSetValuesStencil(dm_, b_, static_cast<PetscInt>(rows.size()), rows.data(), vals.data(),
                                          INSERT_VALUES));
  HADAL_PETSC(VecAssemblyBegin(b_));
  HADAL_PETSC(VecAssemblyEnd(b_));
}

StokesSolveStats StokesSolver3D::solve(const StokesCoefficients3D& coefficients, bool viscosity_changed) {
  const double t0 = MPI_Wtime();
  if (viscosity_changed || !assembled_) {
    assemble_operator(coefficients);
    HADAL_PETSC(KSPSetOperators(ksp_, A_, P_));
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
  stats.residual_norm = rnorm;
  stats.converged_reason = static_cast<int>(reason);
  stats.seconds = MPI_Wtime() - t0;
  if (reason < 0 || !std::isfinite(rnorm)) {
    std::ostringstream msg;
    msg << "3-D Stokes solve did not converge (" << KSPConvergedReasons[reason] << " after " << its
        << " iterations, residual " << rnorm << ")";
    throw NumericalError(msg.str());
  }
  return stats;
}

FaceVelocities3D StokesSolver3D::face_velocities() const {
  FaceVelocities3D out;
  const auto& s = owned_.start;
  const auto& m = owned_.count;
  Vec local;
  HADAL_PETSC(DMGetLocalVector(dm_, &local));
  HADAL_PETSC(DMGlobalToLocal(dm_, x_, INSERT_VALUES, local));
  PetscScalar**** arr;
  HADAL_PETSC(DMStagVecGetArrayRead(dm_, local, &arr));
  for (int d = 0; d < 3; ++d) {
    PetscInt slot;
    HADAL_PETSC(DMStagGetLocationSlot(dm_, kFace[d], 0, &slot));
    for (int a = 0; a < 3; ++a) out.dims[d][a] = m[a] + (a == d ? 1 : 0);
    auto& v = out.v[d];
    v.resize(static_cast<std::size_t>(out.dims[d][0]) * out.dims[d][1] * out.dims[d][2]);
    // The far face of the last rank lies in the ghost region of the local vector (boundary: zero).
    std::size_t n = 0;
    for (int k = 0; k < out.dims[d][2]; ++k)
      for (int j = 0; j < out.dims[d][1]; ++j)
        for (int i = 0; i < out.dims[d][0]; ++i) v[n++] = arr[s[2] + k][s[1] + j][s[0] + i][slot];
  }
  HADAL_PETSC(DMStagVecRestoreArrayRead(dm_, local, &arr));
  HADAL_PETSC(DMRestoreLocalVector(dm_, &local));
  return out;
}

std::vector<double> StokesSolver3D::cell_pressure() const {
  const auto& s = owned_.start;
  const auto& m = owned_.count;
  std::vector<double> p(static_cast<std::size_t>(m[0]) * m[1] * m[2]);
  Vec local;
  HADAL_PETSC(DMGetLocalVector(dm_, &local));
  HADAL_PETSC(DMGlobalToLocal(dm_, x_, INSERT_VALUES, local));
  PetscScalar**** arr;
  PetscInt se;
  HADAL_PETSC(DMStagGetLocationSlot(dm_, DMSTAG_ELEMENT, 0, &se));
  HADAL_PETSC(DMStagVecGetArrayRead(dm_, local, &arr));
  double sum = 0.0;
  std::size_t n = 0;
  for (int k = 0; k < m[2]; ++k)
    for (int j = 0; j < m[1]; ++j)
      for (int i = 0; i < m[0]; ++i) {
        p[n] = arr[s[2] + k][s[1] + j][s[0] + i][se];
        sum += p[n++];
      }
  HADAL_PETSC(DMStagVecRestoreArrayRead(dm_, local, &arr));
  HADAL_PETSC(DMRestoreLocalVector(dm_, &local));
  double total = 0.0;
  MPI_Allreduce(&sum, &total, 1, MPI_DOUBLE, MPI_SUM, comm_);
  const double mean = total / (static_cast<double>(n_[0]) * n_[1] * n_[2]);
  for (double& v : p) v -= mean;
  return p;
}

std::vector<PetscInt> StokesSolver3D::ranges(int axis) const {
  const PetscInt* l[3];
  HADAL_PETSC(DMStagGetOwnershipRanges(dm_, &l[0], &l[1], &l[2]));
  return std::vector<PetscInt>(l[axis], l[axis] + ranks(axis));
}

int StokesSolver3D::ranks(int axis) const {
  PetscInt r[3];
  HADAL_PETSC(DMStagGetNumRanks(dm_, &r[0], &r[1], &r[2]));
  return static_cast<int>(r[axis]);
}

bool StokesSolver3D::operator_is_symmetric(double tolerance) const {
  PetscBool symmetric = PETSC_FALSE;
  HADAL_PETSC(MatIsSymmetric(A_, tolerance, &symmetric));
  return symmetric == PETSC_TRUE;
}

long long StokesSolver3D::unknowns() const {
  PetscInt n;
  HADAL_PETSC(VecGetSize(x_, &n));
  return n;
}

}  // namespace hadal::thermal
