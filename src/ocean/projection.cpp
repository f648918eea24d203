// SPDX-License-Identifier: MIT
#include "ocean/projection.hpp"

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "ocean/vertical.hpp"

namespace hadal::ocean {

namespace {
const char* kPrefix = "ocean_projection_";

void check(PetscErrorCode code, const char* what) {
  if (code != 0) throw NumericalError(std::string("PETSc failed in ") + what + " (error " + std::to_string(code) + ")");
}

/// Sets a PETSc option under our prefix unless the user already gave it.
void default_option(const std::string& name, const std::string& value) {
  const std::string full = std::string("-") + kPrefix + name;
  PetscBool set = PETSC_FALSE;
  PetscOptionsHasName(nullptr, nullptr, full.c_str(), &set);
  if (!set) PetscOptionsSetValue(nullptr, full.c_str(), value.empty() ? nullptr : value.c_str());
}
}  // namespace

MassConsistentProjector::MassConsistentProjector(const grid::StructuredGrid& grid,
                                                 const Kokkos::View<int**>& first_wet, ProjectionSettings settings)
    : grid_(grid), first_wet_(first_wet), settings_(std::move(settings)) {
  first_wet_host_ = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), first_wet_);
  // Same ownership as the grid's DMDA, but a 7-point star stencil of width 1: the grid's own DMDA has
  // a box stencil of the halo width, whose matrix preallocation would be ~20x larger.
  DM grid_dm = grid_.dm(grid_.nz());
  PetscInt m = 0, n = 0;
  check(DMDAGetInfo(grid_dm, nullptr, nullptr, nullptr, nullptr, &m, &n, nullptr, nullptr, nullptr, nullptr,
                    nullptr, nullptr, nullptr),
        "DMDAGetInfo");
  const PetscInt *lx = nullptr, *ly = nullptr;
  check(DMDAGetOwnershipRanges(grid_dm, &lx, &ly, nullptr), "DMDAGetOwnershipRanges");
  std::vector<PetscInt> lx_copy(lx, lx + m), ly_copy(ly, ly + n);
  check(DMDACreate3d(grid_.comm(), DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR,
                     grid_.nx(), grid_.ny(), grid_.nz(), m, n, 1, 1, 1, lx_copy.data(), ly_copy.data(), nullptr, &da_),
        "DMDACreate3d");
  if (settings_.preconditioner == "mg") check(DMDASetInterpolationType(da_, DMDA_Q0), "DMDASetInterpolationType");
  check(DMSetUp(da_), "DMSetUp");
  check(DMCreateMatrix(da_, &matrix_), "DMCreateMatrix");
  check(DMCreateGlobalVector(da_, &phi_), "DMCreateGlobalVector");
  check(VecDuplicate(phi_, &rhs_), "VecDuplicate");
  assemble();

  if (!settings_.petsc_options.empty())
    check(PetscOptionsInsertString(nullptr, settings_.petsc_options.c_str()), "PetscOptionsInsertString");
  check(KSPCreate(grid_.comm(), &ksp_), "KSPCreate");
  check(KSPSetOptionsPrefix(ksp_, kPrefix), "KSPSetOptionsPrefix");
  check(KSPSetType(ksp_, KSPCG), "KSPSetType");
  check(KSPSetOperators(ksp_, matrix_, matrix_), "KSPSetOperators");
  check(KSPSetTolerances(ksp_, settings_.relative_tolerance, 1e-300, 1e10, settings_.max_iterations),
        "KSPSetTolerances");
  check(KSPSetNormType(ksp_, KSP_NORM_UNPRECONDITIONED), "KSPSetNormType");
  check(KSPSetInitialGuessNonzero(ksp_, PETSC_FALSE), "KSPSetInitialGuessNonzero");
  PC pc;
  check(KSPGetPC(ksp_, &pc), "KSPGetPC");
  if (settings_.preconditioner == "mg") {
    // Geometric multigrid on the DMDA: piecewise-constant (cell-centred) transfers, Galerkin coarse
    // operators, as many levels as halve every dimension on every rank down to >= 2 cells. The transfers
    // go by index and the coarse operators come from the fine matrix, so refined columns need no
    // coordinates here (the DMDA has none).
    int levels = 1;
    const auto& box = grid_.owned();
    int ni = box.ni(), nj = box.nj(), nk = grid_.nz();
    while (ni % 2 == 0 && nj % 2 == 0 && nk % 2 == 0 && ni >= 4 && nj >= 4 && nk >= 4) {
      ni /= 2;
      nj /= 2;
      nk /= 2;
      ++levels;
    }
    int global_levels = levels;
    MPI_Allreduce(&levels, &global_levels, 1, MPI_INT, MPI_MIN, grid_.comm());
    check(KSPSetDM(ksp_, da_), "KSPSetDM");
    check(KSPSetDMActive(ksp_, PETSC_FALSE), "KSPSetDMActive");
    check(PCSetType(pc, PCMG), "PCSetType");
    check(PCMGSetLevels(pc, global_levels, nullptr), "PCMGSetLevels");
    check(PCMGSetGalerkin(pc, PC_MG_GALERKIN_BOTH), "PCMGSetGalerkin");
    default_option("mg_levels_ksp_type", "chebyshev");
    default_option("mg_levels_pc_type", "jacobi");
  } else {
    check(PCSetType(pc, PCGAMG), "PCSetType");
    default_option("mg_levels_ksp_type", "chebyshev");
    default_option("mg_levels_pc_type", "jacobi");
  }
  // The all-Neumann (rigid-lid) problem is singular: the coarsest-grid factorisation needs a shift.
  default_option("mg_coarse_pc_factor_shift_type", "nonzero");
  default_option("mg_coarse_sub_pc_factor_shift_type", "nonzero");
  default_option("mg_coarse_redundant_pc_factor_shift_type", "nonzero");
  check(KSPSetFromOptions(ksp_), "KSPSetFromOptions");
  check(KSPSetUp(ksp_), "KSPSetUp");
}

MassConsistentProjector::~MassConsistentProjector() {
  if (ksp_) KSPDestroy(&ksp_);
  if (matrix_) MatDestroy(&matrix_);
  if (phi_) VecDestroy(&phi_);
  if (rhs_) VecDestroy(&rhs_);
  if (da_) DMDestroy(&da_);
}

void MassConsistentProjector::assemble() {
  const auto& box = grid_.owned();
  const int nz = grid_.nz(), nx = grid_.nx(), ny = grid_.ny();
  const double inv_t2 = 1.0 / (settings_.vertical_weight * settings_.vertical_weight);
  auto fw = [&](int gi, int gj) { return first_wet_host_(grid_.local_i(gi), grid_.local_j(gj)); };
  singular_ = settings_.top != ProjectionSettings::Top::Open;
  for (int gj = box.j_begin; gj < box.j_end; ++gj) {
    for (int gi = box.i_begin; gi < box.i_end; ++gi) {
      const int first = fw(gi, gj);
      // Each coefficient is a face's area over the distance between the centres it joins: the same number
      // in both cells' rows, so the matrix stays symmetric on refined columns.
      const double dx = grid_.dx(gi), dy = grid_.dy(gj);
      for (int k = 0; k < nz; ++k) {
        MatStencil row{};
        row.i = gi;
        row.j = gj;
        row.k = k;
        if (k < first) {
          const PetscScalar one = 1.0;
          check(MatSetValuesStencil(matrix_, 1, &row, 1, &row, &one, INSERT_VALUES), "MatSetValuesStencil");
          continue;
        }
        const double dz = grid_.dz(k);
        MatStencil cols[7];
        PetscScalar vals[7];
        int n = 1;
        double diag = 0.0;
        auto neighbour = [&](int ni, int nj, int nk, double coefficient) {
          cols[n] = MatStencil{};
          cols[n].i = ni;
          cols[n].j = nj;
          cols[n].k = nk;
          vals[n] = -coefficient;
          diag += coefficient;
          ++n;
        };
        if (gi > 0 && k >= fw(gi - 1, gj)) neighbour(gi - 1, gj, k, dy * dz / grid_.dx_between(gi));
        if (gi < nx - 1 && k >= fw(gi + 1, gj)) neighbour(gi + 1, gj, k, dy * dz / grid_.dx_between(gi + 1));
        if (gj > 0 && k >= fw(gi, gj - 1)) neighbour(gi, gj - 1, k, dx * dz / grid_.dy_between(gj));
        if (gj < ny - 1 && k >= fw(gi, gj + 1)) neighbour(gi, gj + 1, k, dx * dz / grid_.dy_between(gj + 1));
        if (k > first) neighbour(gi, gj, k - 1, dx * dy * inv_t2 / (0.5 * (grid_.dz(k - 1) + dz)));
        if (k < nz - 1) neighbour(gi, gj, k + 1, dx * dy * inv_t2 / (0.5 * (grid_.dz(k + 1) + dz)));
        if (k == nz - 1 && settings_.top == ProjectionSettings::Top::Open) diag += dx * dy * inv_t2 / (0.5 * dz);  // phi = 0 above
        cols[0] = row;
        vals[0] = diag;
        if (n == 1 && diag == 0.0) vals[0] = 1.0;  // an isolated wet cell: nothing can flow, phi arbitrary
        check(MatSetValuesStencil(matrix_, 1, &row, n, cols, vals, INSERT_VALUES), "MatSetValuesStencil");
      }
    }
  }
  check(MatAssemblyBegin(matrix_, MAT_FINAL_ASSEMBLY), "MatAssemblyBegin");
  check(MatAssemblyEnd(matrix_, MAT_FINAL_ASSEMBLY), "MatAssemblyEnd");
  if (singular_) {
    // Null space: constant phi on the wet cells (dry rows are identities and stay zero).
    Vec constant;
    check(VecDuplicate(phi_, &constant), "VecDuplicate");
    PetscScalar*** a;
    check(DMDAVecGetArray(da_, constant, &a), "DMDAVecGetArray");
    double count = 0.0;
    for (int gj = box.j_begin; gj < box.j_end; ++gj)
      for (int gi = box.i_begin; gi < box.i_end; ++gi)
        for (int k = 0; k < nz; ++k) {
          const bool wet = k >= fw(gi, gj);
          a[k][gj][gi] = wet ? 1.0 : 0.0;
          count += wet ? 1.0 : 0.0;
        }
    check(DMDAVecRestoreArray(da_, constant, &a), "DMDAVecRestoreArray");
    check(VecNormalize(constant, nullptr), "VecNormalize");
    MatNullSpace space;
    check(MatNullSpaceCreate(grid_.comm(), PETSC_FALSE, 1, &constant, &space), "MatNullSpaceCreate");
    check(MatSetNullSpace(matrix_, space), "MatSetNullSpace");
    check(MatNullSpaceDestroy(&space), "MatNullSpaceDestroy");
    check(VecDestroy(&constant), "VecDestroy");
  }
}

ProjectionResult MassConsistentProjector::project(grid::Field& u, grid::Field& v, grid::Field& w) {
  ProjectionResult result;
  result.initial_divergence = relative_divergence(grid_, first_wet_, u, v, w);
  const auto& box = grid_.owned();
  const int nz = grid_.nz(), nx = grid_.nx(), ny = grid_.ny();
  const double inv_t2 = 1.0 / (settings_.vertical_weight * settings_.vertical_weight);
  // Face areas from the cells' own widths, gradients across the centre distances (as in the matrix).
  auto dx = [&](int gi) { return grid_.dx(gi); };
  auto dy = [&](int gj) { return grid_.dy(gj); };
  auto uh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u.view());
  auto vh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v.view());
  auto wh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), w.view());
  auto fw = [&](int gi, int gj) { return first_wet_host_(grid_.local_i(gi), grid_.local_j(gj)); };
  auto li = [&](int gi) { return grid_.local_i(gi); };
  auto lj = [&](int gj) { return grid_.local_j(gj); };

  // 1. No flow through closed faces: the seabed (bottom faces of first wet cells, faces between a wet
  //    and a rock cell), and the lid.
  for (int gj = box.j_begin; gj <= box.j_end; ++gj) {
    for (int gi = box.i_begin; gi <= box.i_end; ++gi) {
      for (int k = 0; k < nz; ++k) {
        if (gj < box.j_end) {
          bool open = (gi == 0 || k >= fw(gi - 1, gj)) && (gi == nx || k >= fw(gi, gj));
          if (!open) uh(li(gi), lj(gj), k) = 0.0;
        }
        if (gi < box.i_end) {
          const bool open = (gj == 0 || k >= fw(gi, gj - 1)) && (gj == ny || k >= fw(gi, gj));
          if (!open) vh(li(gi), lj(gj), k) = 0.0;
        }
      }
      if (gi < box.i_end && gj < box.j_end) {
        const int first = fw(gi, gj);
        for (int k = 0; k <= std::min(first, nz); ++k) wh(li(gi), lj(gj), k) = 0.0;
        if (settings_.top == ProjectionSettings::Top::RigidLid) wh(li(gi), lj(gj), nz) = 0.0;
      }
    }
  }

  // 2. Rigid lid: the lateral inflow must balance; remove the net imbalance uniformly over the open
  //    lateral boundary area (the first guess's integral transport is the least-trusted part).
  if (singular_) {
    double inflow = 0.0, area = 0.0;
    // Flux through the top (given w) counts as outflow.
    for (int gj = box.j_begin; gj < box.j_end; ++gj)
      for (int gi = box.i_begin; gi < box.i_end; ++gi) inflow -= wh(li(gi), lj(gj), nz) * dx(gi) * dy(gj);
    for (int gj = box.j_begin; gj < box.j_end; ++gj)
      for (int k = 0; k < nz; ++k) {
        if (box.i_begin == 0 && k >= fw(0, gj)) {
          inflow += uh(li(0), lj(gj), k) * dy(gj) * grid_.dz(k);
          area += dy(gj) * grid_.dz(k);
        }
        if (box.i_end == nx && k >= fw(nx - 1, gj)) {
          inflow -= uh(li(nx), lj(gj), k) * dy(gj) * grid_.dz(k);
          area += dy(gj) * grid_.dz(k);
        }
      }
    for (int gi = box.i_begin; gi < box.i_end; ++gi)
      for (int k = 0; k < nz; ++k) {
        if (box.j_begin == 0 && k >= fw(gi, 0)) {
          inflow += vh(li(gi), lj(0), k) * dx(gi) * grid_.dz(k);
          area += dx(gi) * grid_.dz(k);
        }
        if (box.j_end == ny && k >= fw(gi, ny - 1)) {
          inflow -= vh(li(gi), lj(ny), k) * dx(gi) * grid_.dz(k);
          area += dx(gi) * grid_.dz(k);
        }
      }
    inflow = grid::global_sum(grid_.comm(), inflow);
    area = grid::global_sum(grid_.comm(), area);
    result.boundary_imbalance = inflow;
    if (area > 0.0) {
      const double correction = inflow / area;  // subtract from the inward normal velocity
      for (int gj = box.j_begin; gj < box.j_end; ++gj)
        for (int k = 0; k < nz; ++k) {
          if (box.i_begin == 0 && k >= fw(0, gj)) uh(li(0), lj(gj), k) -= correction;
          if (box.i_end == nx && k >= fw(nx - 1, gj)) uh(li(nx), lj(gj), k) += correction;
        }
      for (int gi = box.i_begin; gi < box.i_end; ++gi)
        for (int k = 0; k < nz; ++k) {
          if (box.j_begin == 0 && k >= fw(gi, 0)) vh(li(gi), lj(0), k) -= correction;
          if (box.j_end == ny && k >= fw(gi, ny - 1)) vh(li(gi), lj(ny), k) += correction;
        }
    }
  }

  // 3. Right-hand side: the volume outflow of each wet cell.
  {
    PetscScalar*** b;
    check(DMDAVecGetArray(da_, rhs_, &b), "DMDAVecGetArray");
    for (int gj = box.j_begin; gj < box.j_end; ++gj)
      for (int gi = box.i_begin; gi < box.i_end; ++gi) {
        const int first = fw(gi, gj);
        for (int k = 0; k < nz; ++k) {
          if (k < first) {
            b[k][gj][gi] = 0.0;
            continue;
          }
          const int a = li(gi), c = lj(gj);
          b[k][gj][gi] = (uh(a + 1, c, k) - uh(a, c, k)) * dy(gj) * grid_.dz(k) +
                         (vh(a, c + 1, k) - vh(a, c, k)) * dx(gi) * grid_.dz(k) +
                         (wh(a, c, k + 1) - wh(a, c, k)) * dx(gi) * dy(gj);
        }
      }
    check(DMDAVecRestoreArray(da_, rhs_, &b), "DMDAVecRestoreArray");
  }
  if (singular_) {
    MatNullSpace space;
    check(MatGetNullSpace(matrix_, &space), "MatGetNullSpace");
    check(MatNullSpaceRemove(space, rhs_), "MatNullSpaceRemove");
  }

  // 4. Solve.
  check(KSPSolve(ksp_, rhs_, phi_), "KSPSolve");
  KSPConvergedReason reason;
  check(KSPGetConvergedReason(ksp_, &reason), "KSPGetConvergedReason");
  PetscInt iterations = 0;
  check(KSPGetIterationNumber(ksp_, &iterations), "KSPGetIterationNumber");
  PetscReal residual = 0.0;
  check(KSPGetResidualNorm(ksp_, &residual), "KSPGetResidualNorm");
  result.iterations = static_cast<int>(iterations);
  result.residual_norm = residual;
  if (reason < 0) {
    throw NumericalError(strformat("ocean: mass-consistent projection solver did not converge (KSP reason %d after "
                                   "%d iterations, residual %.3g)",
                                   static_cast<int>(reason), result.iterations, residual));
  }

  // 5. Corrections from phi with one ghost layer.
  Vec local;
  check(DMGetLocalVector(da_, &local), "DMGetLocalVector");
  check(DMGlobalToLocalBegin(da_, phi_, INSERT_VALUES, local), "DMGlobalToLocalBegin");
  check(DMGlobalToLocalEnd(da_, phi_, INSERT_VALUES, local), "DMGlobalToLocalEnd");
  PetscScalar*** p;
  check(DMDAVecGetArrayRead(da_, local, &p), "DMDAVecGetArrayRead");
  for (int gj = box.j_begin; gj <= box.j_end; ++gj)
    for (int gi = box.i_begin; gi <= box.i_end; ++gi)
      for (int k = 0; k < nz; ++k) {
        if (gj < box.j_end && gj < ny && gi > 0 && gi < nx && k >= fw(gi - 1, gj) && k >= fw(gi, gj))
          uh(li(gi), lj(gj), k) += (p[k][gj][gi] - p[k][gj][gi - 1]) / grid_.dx_between(gi);
        if (gi < box.i_end && gi < nx && gj > 0 && gj < ny && k >= fw(gi, gj - 1) && k >= fw(gi, gj))
          vh(li(gi), lj(gj), k) += (p[k][gj][gi] - p[k][gj - 1][gi]) / grid_.dy_between(gj);
      }
  for (int gj = box.j_begin; gj < box.j_end; ++gj)
    for (int gi = box.i_begin; gi < box.i_end; ++gi) {
      const int first = fw(gi, gj);
      for (int k = first + 1; k < nz; ++k)
        wh(li(gi), lj(gj), k) += inv_t2 * (p[k][gj][gi] - p[k - 1][gj][gi]) / (0.5 * (grid_.dz(k) + grid_.dz(k - 1)));
      if (settings_.top == ProjectionSettings::Top::Open && first < nz)
        wh(li(gi), lj(gj), nz) += inv_t2 * (0.0 - p[nz - 1][gj][gi]) / (0.5 * grid_.dz(nz - 1));
    }
  check(DMDAVecRestoreArrayRead(da_, local, &p), "DMDAVecRestoreArrayRead");
  check(DMRestoreLocalVector(da_, &local), "DMRestoreLocalVector");

  Kokkos::deep_copy(u.view(), uh);
  Kokkos::deep_copy(v.view(), vh);
  Kokkos::deep_copy(w.view(), wh);
  u.exchange_halo();
  v.exchange_halo();
  w.exchange_halo();
  result.relative_divergence = relative_divergence(grid_, first_wet_, u, v, w);
  return result;
}

}  // namespace hadal::ocean
