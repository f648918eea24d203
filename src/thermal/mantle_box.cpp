// SPDX-License-Identifier: MIT
#include "thermal/mantle_box.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"
#include "thermal/petsc_util.hpp"

namespace hadal::thermal {

void EnergyRow::insert(Mat m) {
  cols_[n_] = cell_;
  vals_[n_++] = diag_;
  HADAL_PETSC(MatSetValuesStencil(m, 1, &cell_, n_, cols_, vals_, INSERT_VALUES));
}

MantleBox::~MantleBox() {
  VecDestroy(&rhs_);
  VecDestroy(&sol_);
  VecDestroy(&previous_);
  VecDestroy(&local_);
  DMDestroy(&operator_da_);
  DMDestroy(&da_);
}

void MantleBox::create_energy_grids(const std::vector<int>& ranks, const std::vector<std::vector<PetscInt>>& ranges,
                                    bool periodic_first_axis) {
  const auto& cells = cells_;
  const DMBoundaryType first = periodic_first_axis ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE;
  // The operators come from a twin DMDA with the star stencil and the same layout: on da_ (width-2
  // box, for the advection ghosts and the diagonal neighbours of the shear viscosities)
  // DMCreateMatrix would store 25 (2-D) or 125 (3-D) entries a row, almost all explicit zeros that
  // the factorisations and AMG would carry along.
  for (auto [dm, stencil, width] : {std::tuple{&da_, DMDA_STENCIL_BOX, 2}, std::tuple{&operator_da_, DMDA_STENCIL_STAR, 1}}) {
    if (cells.size() == 2)
      HADAL_PETSC(DMDACreate2d(comm_, first, DM_BOUNDARY_NONE, stencil, cells[0], cells[1], ranks[0], ranks[1],
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
    HADAL_PETSC(KSPSetType(ksp, symmetric ? KSPPREONLY : KSPGMRES));
    // Right preconditioning: the tolerance applies to the true residual of the increment.
    if (!symmetric) HADAL_PETSC(KSPSetPCSide(ksp, PC_RIGHT));
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

void MantleBox::solve_energy_system(KSP ksp, double cells, const char* what) {
  if (!previous_) {
    HADAL_PETSC(KSPSolve(ksp, rhs_, sol_));
    KSPConvergedReason reason;
    HADAL_PETSC(KSPGetConvergedReason(ksp, &reason));
    if (reason < 0) throw NumericalError(std::string(what) + ": implicit solve diverged");
    return;
  }
  Mat m;
  HADAL_PETSC(KSPGetOperators(ksp, &m, nullptr));
  Vec residual = previous_, increment = rhs_;
  HADAL_PETSC(MatMult(m, sol_, residual));
  HADAL_PETSC(VecAYPX(residual, -1.0, rhs_));
  PetscReal norm;
  HADAL_PETSC(VecNorm(residual, NORM_2, &norm));
  last_steady_residual_ = norm / std::sqrt(cells);
  HADAL_PETSC(VecZeroEntries(increment));
  if (physics().stokes_method == StokesMethod::Direct) {
    energy_reuse_.operators_changed(ksp, true);
    energy_reuse_.solve(ksp, residual, increment, MPI_Wtime(), what);
  } else {
    HADAL_PETSC(KSPSolve(ksp, residual, increment));
    KSPConvergedReason reason;
    HADAL_PETSC(KSPGetConvergedReason(ksp, &reason));
    if (reason < 0) throw NumericalError(std::string(what) + ": implicit solve diverged");
  }
  HADAL_PETSC(VecAXPY(sol_, 1.0, increment));
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

void MantleBox::set_temperature_from(const std::vector<int>& source_cells, const std::vector<double>& source) {
  const std::size_t dims = cells_.size();
  if (source_cells.size() != dims) throw std::invalid_argument("set_temperature_from: source has another dimension");
  // Per axis, the two source layers around a target centre and the weight of the upper one. Along
  // z the fixed-temperature walls are extra layers at index -1/2 and n - 1/2 (wall value -1: none).
  struct Bracket {
    int lo, hi;  ///< source layer indices; -1 / n stand for the bottom / top wall
    double weight;
  };
  const auto& phys = physics();
  const bool fixed_bottom = phys.bottom.kind == ThermalBoundaryKind::Temperature;
  const bool fixed_top = phys.top.kind == ThermalBoundaryKind::Temperature;
  auto bracket = [&](std::size_t a, double position) {  // position in units of the box length, 0..1
    const int n = source_cells[a];
    const double f = position * n - 0.5;  // source index coordinate of the point
    const bool vertical = a + 1 == dims;
    if (vertical && f < 0.0 && fixed_bottom) return Bracket{-1, 0, (f + 0.5) / 0.5};
    if (vertical && f > n - 1 && fixed_top) return Bracket{n - 1, n, (f - (n - 1)) / 0.5};
    const int lo = std::min(std::max(static_cast<int>(std::floor(f)), 0), std::max(n - 2, 0));
    return Bracket{lo, std::min(lo + 1, n - 1), std::min(std::max(f - lo, 0.0), 1.0)};
  };
  auto value = [&](const std::vector<int>& index) {  // source value, walls included
    const int k = index[dims - 1];
    if (k < 0) return phys.bottom.value;
    if (k >= source_cells[dims - 1]) return phys.top.value;
    std::size_t offset = 0;
    for (std::size_t a = dims; a-- > 0;) offset = offset * source_cells[a] + index[a];
    return source.at(offset);
  };
  std::vector<double> block(temperature_block().size());
  std::vector<int> local(dims, 0);
  for (double& out : block) {
    std::vector<Bracket> b(dims);
    for (std::size_t a = 0; a < dims; ++a) b[a] = bracket(a, (start_[a] + local[a] + 0.5) / cells_[a]);
    out = 0.0;
    for (unsigned corner = 0; corner < (1u << dims); ++corner) {  // multilinear: 2^dims corners
      std::vector<int> index(dims);
      double weight = 1.0;
      for (std::size_t a = 0; a < dims; ++a) {
        const bool upper = corner >> a & 1u;
        index[a] = upper ? b[a].hi : b[a].lo;
        weight *= upper ? b[a].weight : 1.0 - b[a].weight;
      }
      if (weight != 0.0) out += weight * value(index);
    }
    for (std::size_t a = 0; a < dims && ++local[a] == count_[a]; ++a) local[a] = 0;
  }
  set_temperature_block(block);
}

std::vector<double> MantleBox::gathered_temperature() const {
  std::size_t total = 1;
  for (int n : cells_) total *= static_cast<std::size_t>(n);
  std::vector<double> mine(total, 0.0), all(total, 0.0);
  const auto block = temperature_block();
  const std::size_t dims = cells_.size();
  std::vector<int> local(dims, 0);
  for (double v : block) {
    std::size_t offset = 0;
    for (std::size_t a = dims; a-- > 0;) offset = offset * cells_[a] + start_[a] + local[a];
    mine[offset] = v;
    for (std::size_t a = 0; a < dims && ++local[a] == count_[a]; ++a) local[a] = 0;
  }
  // Every cell is owned by one rank and zero elsewhere, so the sum is the field.
  MPI_Allreduce(mine.data(), all.data(), static_cast<int>(total), MPI_DOUBLE, MPI_SUM, comm_);
  return all;
}

std::vector<double> MantleBox::owned_values(const View2& field) const {
  auto h = Kokkos::create_mirror_view(field);
  Kokkos::deep_copy(h, field);
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(count_[0]) * count_[1]);
  for (int j = 0; j < count_[1]; ++j)
    for (int i = 0; i < count_[0]; ++i) out.push_back(h(i + 2, j + 2));
  return out;
}

void MantleBox::set_owned_values(const View2& field, const std::vector<double>& block) const {
  auto h = Kokkos::create_mirror_view(field);
  Kokkos::deep_copy(h, field);
  std::size_t q = 0;
  for (int j = 0; j < count_[1]; ++j)
    for (int i = 0; i < count_[0]; ++i) h(i + 2, j + 2) = block.at(q++);
  Kokkos::deep_copy(field, h);
}

void MantleBox::exchange_ghosts(const View2::HostMirror& h) {
  const int is = start_[0], js = start_[1];
  PetscScalar** g;
  Vec global;
  HADAL_PETSC(DMGetGlobalVector(da_, &global));
  HADAL_PETSC(DMDAVecGetArray(da_, global, &g));
  for (int j = 0; j < count_[1]; ++j)
    for (int i = 0; i < count_[0]; ++i) g[js + j][is + i] = h(i + 2, j + 2);
  HADAL_PETSC(DMDAVecRestoreArray(da_, global, &g));
  HADAL_PETSC(DMGlobalToLocal(da_, global, INSERT_VALUES, local_));
  HADAL_PETSC(DMRestoreGlobalVector(da_, &global));
  PetscInt gi, gj, gk, gmi, gmj, gmk;
  HADAL_PETSC(DMDAGetGhostCorners(da_, &gi, &gj, &gk, &gmi, &gmj, &gmk));
  const PetscScalar** l;
  HADAL_PETSC(DMDAVecGetArrayRead(da_, local_, &l));
  for (int j = gj; j < gj + gmj; ++j)
    for (int i = gi; i < gi + gmi; ++i) h(i - is + 2, j - js + 2) = l[j][i];
  HADAL_PETSC(DMDAVecRestoreArrayRead(da_, local_, &l));
}

void MantleBox::load_faces(const FaceVelocities<2>& f, const View2& first, const View2& second) {
  const View2 views[2] = {first, second};
  for (int d = 0; d < 2; ++d) {
    auto h = Kokkos::create_mirror_view(views[d]);
    for (int j = 0; j < f.dims[d][1]; ++j)
      for (int i = 0; i < f.dims[d][0]; ++i) h(i, j) = f(d, i, j);
    Kokkos::deep_copy(views[d], h);
  }
}

double MantleBox::ladder_dt(double local_rate, double h_min, double cfl, bool diffusive_cap) const {
  double global = 0.0;
  MPI_Allreduce(&local_rate, &global, 1, MPI_DOUBLE, MPI_MAX, comm_);
  double dt = diffusive_cap || global <= 0.0 ? 12.5 * h_min * h_min : std::numeric_limits<double>::max();
  if (global > 0.0) dt = std::min(dt, cfl / global);
  return std::pow(2.0, std::floor(8.0 * std::log2(dt)) / 8.0);
}

void PlanarMantleBox::solve_energy_step(KSP ksp, double dt, double h, const std::function<double(bool)>& wall_weight,
                                        const char* what) {
  const auto& phys = physics();
  auto hT = Kokkos::create_mirror_view(T_);
  Kokkos::deep_copy(hT, T_);
  auto hR = Kokkos::create_mirror_view(tendency_);
  Kokkos::deep_copy(hR, tendency_);
  const int is = start_[0], js = start_[1], last = cells_[1] - 1;
  const double ih = 1.0 / h, ih2 = ih * ih, H = phys.internal_heating;
  auto wall_term = [&](const ThermalBoundary& wall, bool top) {
    const double term = wall.kind == ThermalBoundaryKind::Temperature ? 2.0 * wall.value * ih2
                                                                      : (top ? -wall.value : wall.value) * ih;
    return term * wall_weight(top);
  };
  {
    PetscScalar **b, **x;
    HADAL_PETSC(DMDAVecGetArray(da_, rhs_, &b));
    HADAL_PETSC(DMDAVecGetArray(da_, sol_, &x));
    for (int j = 0; j < count_[1]; ++j)
      for (int i = 0; i < count_[0]; ++i) {
        const int gj = js + j;
        double v = hT(i + 2, j + 2) / dt + hR(i, j) + H;
        if (gj == 0) v += wall_term(phys.bottom, false);
        if (gj == last) v += wall_term(phys.top, true);
        b[gj][is + i] = v;
        x[gj][is + i] = hT(i + 2, j + 2);
      }
    HADAL_PETSC(DMDAVecRestoreArray(da_, rhs_, &b));
    HADAL_PETSC(DMDAVecRestoreArray(da_, sol_, &x));
  }
  solve_energy_system(ksp, static_cast<double>(cells_[0]) * cells_[1], what);
  {
    const PetscScalar** x;
    HADAL_PETSC(DMDAVecGetArrayRead(da_, sol_, &x));
    for (int j = 0; j < count_[1]; ++j)
      for (int i = 0; i < count_[0]; ++i) hT(i + 2, j + 2) = x[js + j][is + i];
    HADAL_PETSC(DMDAVecRestoreArrayRead(da_, sol_, &x));
  }
  Kokkos::deep_copy(T_, hT);
  fill_ghosts();
}

}  // namespace hadal::thermal
