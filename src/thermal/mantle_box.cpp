// SPDX-License-Identifier: MIT
#include "thermal/mantle_box.hpp"

#include <cmath>

#include "thermal/petsc_util.hpp"

namespace hadal::thermal {

MantleBox::~MantleBox() {
  VecDestroy(&rhs_);
  VecDestroy(&sol_);
  VecDestroy(&previous_);
  VecDestroy(&local_);
  DMDestroy(&operator_da_);
  DMDestroy(&da_);
}

void MantleBox::create_energy_grids(const std::vector<int>& ranks, const std::vector<std::vector<PetscInt>>& ranges) {
  const auto& cells = cells_;
  // The operators come from a twin DMDA with the star stencil and the same layout: on da_ (width-2
  // box, for the advection ghosts and the diagonal neighbours of the shear viscosities)
  // DMCreateMatrix would store 25 (2-D) or 125 (3-D) entries a row, almost all explicit zeros that
  // the factorisations and AMG would carry along.
  for (auto [dm, stencil, width] : {std::tuple{&da_, DMDA_STENCIL_BOX, 2}, std::tuple{&operator_da_, DMDA_STENCIL_STAR, 1}}) {
    if (cells.size() == 2)
      HADAL_PETSC(DMDACreate2d(comm_, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, stencil, cells[0], cells[1], ranks[0], ranks[1],
                               1, width, ranges[0].data(), ranges[1].data(), dm));
    else
      HADAL_PETSC(DMDACreate3d(comm_, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, stencil, cells[0], cells[1],
                               cells[2], ranks[0], ranks[1], ranks[2], 1, width, ranges[0].data(), ranges[1].data(),
                               ranges[2].data(), dm));
    HADAL_PETSC(DMSetUp(*dm));
  }
  HADAL_PETSC(DMCreateGlobalVector(da_, &rhs_));
  HADAL_PETSC(VecDuplicate(rhs_, &sol_));
  HADAL_PETSC(DMCreateLocalVector(da_, &local_));
  if (physics().implicit_advection) HADAL_PETSC(VecDuplicate(rhs_, &previous_));
}

KSP MantleBox::create_energy_solver(bool symmetric) const {
  const auto& p = physics();
  KSP ksp;
  HADAL_PETSC(KSPCreate(comm_, &ksp));
  HADAL_PETSC(KSPSetOptionsPrefix(ksp, (p.options_prefix + "energy_").c_str()));
  PC pc;
  HADAL_PETSC(KSPGetPC(ksp, &pc));
  if (p.stokes_method == StokesMethod::Direct) {
    HADAL_PETSC(KSPSetType(ksp, KSPPREONLY));
    HADAL_PETSC(PCSetType(pc, PCLU));
    HADAL_PETSC(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
  } else {
    // Upwind advection keeps the operator an M-matrix, which BoomerAMG handles; GMRES for its asymmetry.
    HADAL_PETSC(KSPSetType(ksp, symmetric ? KSPCG : KSPGMRES));
    HADAL_PETSC(PCSetType(pc, PCHYPRE));
    HADAL_PETSC(KSPSetTolerances(ksp, 1e-11, 1e-14, PETSC_DEFAULT, 500));
    HADAL_PETSC(KSPSetInitialGuessNonzero(ksp, PETSC_TRUE));
  }
  HADAL_PETSC(KSPSetFromOptions(ksp));
  return ksp;
}

std::vector<int> MantleBox::first_non_finite() const {
  const auto t = temperature_block();
  const auto start = owned_start(), count = owned_count();
  for (std::size_t q = 0; q < t.size(); ++q) {
    if (std::isfinite(t[q])) continue;
    std::vector<int> at(start.size());
    std::size_t rest = q;
    for (std::size_t a = 0; a < start.size(); ++a) {
      at[a] = start[a] + static_cast<int>(rest % count[a]);
      rest /= count[a];
    }
    return at;
  }
  return {};
}

}  // namespace hadal::thermal
