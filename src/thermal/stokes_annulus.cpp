// SPDX-License-Identifier: MIT
#include "thermal/stokes_annulus.hpp"

#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "numerics/constants.hpp"
#include "thermal/petsc_util.hpp"

namespace hadal::thermal {
namespace {

DMStagStencil at(DMStagStencilLocation loc, int j, int i) {
  DMStagStencil s;
  s.loc = loc;
  s.i = j;  // phi
  s.j = i;  // r
  s.k = 0;
  s.c = 0;
  return s;
}
DMStagStencil u_phi(int j, int i) { return at(DMSTAG_LEFT, j, i); }
DMStagStencil u_r(int j, int i) { return at(DMSTAG_DOWN, j, i); }
DMStagStencil pressure(int j, int i) { return at(DMSTAG_ELEMENT, j, i); }

/// A matrix row: entries of pinned unknowns are left out (they are zero), which keeps the operator
/// symmetric.
struct AnnulusRow {
  std::vector<DMStagStencil> cols;
  std::vector<PetscScalar> vals;
  std::function<bool(const DMStagStencil&)> pinned;
  void add(const DMStagStencil& c, double v) {
    if (pinned(c)) return;
    cols.push_back(c);
    vals.push_back(v);
  }
};

}  // namespace

double AnnulusGrid::dphi() const { return 2.0 * numerics::kPi / n_phi; }

AnnulusStokesSolver::AnnulusStokesSolver(MPI_Comm comm, const AnnulusGrid& grid, std::array<VelocityBoundary, 2> walls,
                                         double rtol, const std::string& options_prefix)
    : comm_(comm),
      grid_(grid),
      walls_(walls),
      rotation_free_(walls[0] == VelocityBoundary::FreeSlip && walls[1] == VelocityBoundary::FreeSlip),
      rtol_(rtol),
      prefix_(options_prefix),
      reuse_(rtol) {
  HADAL_PETSC(DMStagCreate2d(comm_, DM_BOUNDARY_PERIODIC, DM_BOUNDARY_NONE, grid_.n_phi, grid_.n_r, PETSC_DECIDE,
                             PETSC_DECIDE, 0, 1, 1, DMSTAG_STENCIL_BOX, 1, nullptr, nullptr, &dm_));
  HADAL_PETSC(DMSetFromOptions(dm_));
  HADAL_PETSC(DMSetUp(dm_));
  PetscInt s[3], m[3], e[3];
  HADAL_PETSC(DMStagGetCorners(dm_, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2], &e[0], &e[1], &e[2]));
  for (int a = 0; a < 2; ++a) {
    owned_.start[a] = static_cast<int>(s[a]);
    owned_.count[a] = static_cast<int>(m[a]);
  }
  HADAL_PETSC(DMCreateGlobalVector(dm_, &x_));
  HADAL_PETSC(VecDuplicate(x_, &b_));
  HADAL_PETSC(VecZeroEntries(x_));
  PetscInt local_size = 0, global_size = 0;
  HADAL_PETSC(VecGetLocalSize(x_, &local_size));
  HADAL_PETSC(VecGetSize(x_, &global_size));
  ISLocalToGlobalMapping ltog;
  HADAL_PETSC(DMGetLocalToGlobalMapping(dm_, &ltog));
  HADAL_PETSC(MatCreateAIJ(comm_, local_size, local_size, global_size, global_size, 13, nullptr, 13, nullptr, &A_));
  HADAL_PETSC(MatSetLocalToGlobalMapping(A_, ltog, ltog));
  HADAL_PETSC(MatSetOption(A_, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
  // Pivoting on the zero pressure block delays pivots beyond MUMPS's fill estimate; ICNTL(14) is
  // that margin in per cent.
  set_prefixed_option(prefix_, "mat_mumps_icntl_14", "100", true);
  HADAL_PETSC(KSPCreate(comm_, &ksp_));
  HADAL_PETSC(KSPSetOptionsPrefix(ksp_, prefix_.c_str()));
  HADAL_PETSC(KSPSetType(ksp_, KSPFGMRES));
  HADAL_PETSC(KSPSetTolerances(ksp_, rtol_, PETSC_DEFAULT, PETSC_DEFAULT, 200));
  HADAL_PETSC(KSPSetNormType(ksp_, KSP_NORM_UNPRECONDITIONED));
  HADAL_PETSC(KSPSetInitialGuessNonzero(ksp_, PETSC_TRUE));
  PC pc;
  HADAL_PETSC(KSPGetPC(ksp_, &pc));
  HADAL_PETSC(PCSetType(pc, PCLU));
  HADAL_PETSC(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
  HADAL_PETSC(KSPSetFromOptions(ksp_));
}

AnnulusStokesSolver::~AnnulusStokesSolver() {
  KSPDestroy(&ksp_);
  MatDestroy(&A_);
  VecDestroy(&x_);
  VecDestroy(&b_);
  DMDestroy(&dm_);
}

void AnnulusStokesSolver::assemble_operator(const AnnulusStokesCoefficients& c) {
  HADAL_PETSC(MatZeroEntries(A_));
  const int np = grid_.n_phi, nr = grid_.n_r;
  const double dr = grid_.dr(), dphi = grid_.dphi();
  const double pin_scale = 1.0 / c.eta_cell(0, 0);
  const bool no_slip[2] = {walls_[0] == VelocityBoundary::NoSlip, walls_[1] == VelocityBoundary::NoSlip};
  auto is_pinned = [&](const DMStagStencil& s) {
    const int j = (s.i + np) % np;
    if (s.loc == DMSTAG_ELEMENT) return j == 0 && s.j == 0;
    if (s.loc == DMSTAG_LEFT) return rotation_free_ && j == 0 && s.j == 0;
    return s.j == 0 || s.j == nr;  // u_r on the walls
  };
  auto insert = [&](const DMStagStencil& r, const AnnulusRow& row) {
    HADAL_PETSC(DMStagMatSetValuesStencil(dm_, A_, 1, &r, static_cast<PetscInt>(row.cols.size()), row.cols.data(),
                                          row.vals.data(), ADD_VALUES));
  };
  auto identity_row = [&](const DMStagStencil& r, double scale) {
    HADAL_PETSC(DMStagMatSetValuesStencil(dm_, A_, 1, &r, 1, &r, &scale, ADD_VALUES));
  };
  const int js = owned_.start[0], je = js + owned_.count[0], is = owned_.start[1], ie = is + owned_.count[1];
  const bool last_r = ie == nr;

  // r-momentum rows on the r-faces (phi_{j+1/2}, r_i), scaled by the volume r_i dr dphi, written
  // as the derivatives of the dissipation (see the header).
  for (int i = is; i < ie + (last_r ? 1 : 0); ++i)
    for (int j = js; j < je; ++j) {
      const DMStagStencil row_at = u_r(j, i);
      if (i == 0 || i == nr) {  // no penetration, scaled like the interior rows
        identity_row(row_at, c.eta_cell(j, i == 0 ? 0 : nr - 1) * (1.0 / (dr * dr)) * grid_.face_radius(i) * dr * dphi);
        continue;
      }
      AnnulusRow row{{}, {}, is_pinned};
      const double r = grid_.face_radius(i);
      // Normal stress 2 eta du_r/dr in the cells below (i - 1/2) and above (i + 1/2).
      for (int side = 0; side < 2; ++side) {
        const int cell = i - 1 + side;
        const double rc = grid_.centre_radius(cell), eta = c.eta_cell(j, cell);
        // d e_rr/d u_r(i) = +-1/dr (cell below / above), e_rr = (u_r(cell+1) - u_r(cell))/dr.
        const double w = 2.0 * eta * rc * dphi / dr * (side == 0 ? 1.0 : -1.0);
        row.add(u_r(j, cell + 1), w);
        row.add(u_r(j, cell), -w);
        // Hoop stress 2 eta e_pp, e_pp = (u_phi(j+1) - u_phi(j))/(rc dphi) + (u_r(cell) + u_r(cell+1))/(2 rc):
        // d e_pp/d u_r(i) = 1/(2 rc), times the volume rc dr dphi.
        const double h = 2.0 * eta * 0.5 * dr * dphi;
        row.add(u_phi(j + 1, cell), h / (rc * dphi));
        row.add(u_phi(j, cell), -h / (rc * dphi));
        row.add(u_r(j, cell), h * 0.5 / rc);
        row.add(u_r(j, cell + 1), h * 0.5 / rc);
      }
      // Shear stress at the nodes (phi_j, r_i) and (phi_{j+1}, r_i):
      // g = r (u_phi(i+1/2)/r_{i+1/2} - u_phi(i-1/2)/r_{i-1/2})/dr + (u_r(j+1/2) - u_r(j-1/2))/(r dphi),
      // d g / d u_r(j + 1/2) = +-1/(r dphi) at node j+1 / j; volume r dr dphi.
      for (int side = 0; side < 2; ++side) {
        const int node = j + side;
        const double sign = side == 0 ? 1.0 : -1.0;  // dg/du_r(j+1/2) = sign/(r dphi) at node j + side
        const double w = c.eta_node(node, i) * r * dr * dphi * sign / (r * dphi);
        const double ro = grid_.centre_radius(i), ri = grid_.centre_radius(i - 1);
        row.add(u_phi(node, i), w * r / (ro * dr));
        row.add(u_phi(node, i - 1), -w * r / (ri * dr));
        row.add(u_r(node, i), w / (r * dphi));
        row.add(u_r(node - 1, i), -w / (r * dphi));
      }
      // Pressure: -sum p div(u) V, d/du_r(i) = r dphi (p(i+1/2) - p(i-1/2)).
      row.add(pressure(j, i), r * dphi);
      row.add(pressure(j, i - 1), -r * dphi);
      insert(row_at, row);
    }
  // phi-momentum rows on the phi-faces (phi_j, r_{i+1/2}).
  for (int i = is; i < ie; ++i)
    for (int j = js; j < je; ++j) {
      const DMStagStencil row_at = u_phi(j, i);
      const double rc = grid_.centre_radius(i);
      if (is_pinned(row_at)) {  // the rigid rotation of a free-slip annulus: u_phi(0, 0) = 0
        identity_row(row_at, c.eta_cell(0, 0) * rc * dr * dphi / (rc * rc * dphi * dphi));
        continue;
      }
      AnnulusRow row{{}, {}, is_pinned};
      // Hoop stress in the cells on either side (j - 1/2, j + 1/2): d e_pp / d u_phi(j) = -+1/(rc dphi).
      for (int side = 0; side < 2; ++side) {
        const int cell = j - 1 + side;
        const double eta = c.eta_cell(cell, i);
        const double w = 2.0 * eta * rc * dr * dphi * (side == 0 ? 1.0 : -1.0) / (rc * dphi);
        row.add(u_phi(cell + 1, i), w / (rc * dphi));
        row.add(u_phi(cell, i), -w / (rc * dphi));
        row.add(u_r(cell, i), w * 0.5 / rc);
        row.add(u_r(cell, i + 1), w * 0.5 / rc);
      }
      // Shear at the nodes below (r_i) and above (r_{i+1}): d g / d u_phi(i+1/2) = -+ r_node/(rc dr).
      for (int side = 0; side < 2; ++side) {
        const int node = i + side;
        const double r = grid_.face_radius(node);
        const double sign = side == 0 ? 1.0 : -1.0;
        const bool wall = node == 0 || node == nr;
        if (wall && !no_slip[node == 0 ? 0 : 1]) continue;  // free slip: no shear stress on the wall
        const double w = c.eta_node(j, node) * r * dr * dphi * sign * r / (rc * dr);
        if (wall) {  // u_phi = 0 on the wall: g = +-2 r u_phi(i+1/2)/(rc dr) (ghost = -interior of u_phi/r)
          row.add(u_phi(j, i), w * sign * 2.0 * r / (rc * dr));
          continue;
        }
        const double r_in = grid_.centre_radius(node - 1), r_out = grid_.centre_radius(node);
        row.add(u_phi(j, node), w * r / (r_out * dr));
        row.add(u_phi(j, node - 1), -w * r / (r_in * dr));
        row.add(u_r(j, node), w / (r * dphi));
        row.add(u_r(j - 1, node), -w / (r * dphi));
      }
      // Pressure: d/du_phi(j) of -sum p div(u) V = dr (p(j+1/2) - p(j-1/2)).
      row.add(pressure(j, i), dr);
      row.add(pressure(j - 1, i), -dr);
      insert(row_at, row);
    }
  // Mass rows: -div(u) V in cells; cell (0, 0) pins the pressure instead.
  for (int i = is; i < ie; ++i)
    for (int j = js; j < je; ++j) {
      const DMStagStencil row_at = pressure(j, i);
      if (is_pinned(row_at)) {
        identity_row(row_at, -pin_scale * grid_.centre_radius(0) * dr * dphi);
        continue;
      }
      AnnulusRow row{{}, {}, is_pinned};
      row.add(u_r(j, i + 1), grid_.face_radius(i + 1) * dphi);
      row.add(u_r(j, i), -grid_.face_radius(i) * dphi);
      row.add(u_phi(j + 1, i), dr);
      row.add(u_phi(j, i), -dr);
      for (double& v : row.vals) v = -v;
      insert(row_at, row);
    }
  HADAL_PETSC(MatAssemblyBegin(A_, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(MatAssemblyEnd(A_, MAT_FINAL_ASSEMBLY));
}

void AnnulusStokesSolver::assemble_rhs(const AnnulusStokesCoefficients& c) {
  HADAL_PETSC(VecZeroEntries(b_));
  const double dr = grid_.dr(), dphi = grid_.dphi();
  std::vector<DMStagStencil> rows;
  std::vector<PetscScalar> vals;
  const int js = owned_.start[0], je = js + owned_.count[0], is = owned_.start[1], ie = is + owned_.count[1];
  for (int i = is; i < ie; ++i)
    for (int j = js; j < je; ++j) {
      if (c.force_r && i > 0) {
        rows.push_back(u_r(j, i));
        vals.push_back(c.force_r(j, i) * grid_.face_radius(i) * dr * dphi);
      }
      if (c.force_phi && !(rotation_free_ && i == 0 && j == 0)) {
        rows.push_back(u_phi(j, i));
        vals.push_back(c.force_phi(j, i) * grid_.centre_radius(i) * dr * dphi);
      }
    }
  if (!rows.empty())
    HADAL_PETSC(DMStagVecSetValuesStencil(dm_, b_, static_cast<PetscInt>(rows.size()), rows.data(), vals.data(),
                                          INSERT_VALUES));
  HADAL_PETSC(VecAssemblyBegin(b_));
  HADAL_PETSC(VecAssemblyEnd(b_));
}

StokesSolveStats AnnulusStokesSolver::solve(const AnnulusStokesCoefficients& coefficients, bool viscosity_changed) {
  const double t0 = MPI_Wtime();
  if (viscosity_changed || !assembled_) {
    assemble_operator(coefficients);
    HADAL_PETSC(KSPSetOperators(ksp_, A_, A_));
    reuse_.operators_changed(ksp_, true);
    assembled_ = true;
  }
  assemble_rhs(coefficients);
  return reuse_.solve(ksp_, b_, x_, t0, "annulus Stokes solve");
}

double AnnulusStokesSolver::rigid_rotation() const {
  if (!rotation_free_) return 0.0;
  // Angular velocity of the rigid rotation w r in u_phi: sum u_phi r V / sum r^2 V over the phi-faces.
  Vec local;
  HADAL_PETSC(DMGetLocalVector(dm_, &local));
  HADAL_PETSC(DMGlobalToLocal(dm_, x_, INSERT_VALUES, local));
  PetscScalar*** arr;
  PetscInt slot;
  HADAL_PETSC(DMStagGetLocationSlot(dm_, DMSTAG_LEFT, 0, &slot));
  HADAL_PETSC(DMStagVecGetArrayRead(dm_, local, &arr));
  double sums[2] = {0.0, 0.0};
  for (int i = owned_.start[1]; i < owned_.start[1] + owned_.count[1]; ++i)
    for (int j = owned_.start[0]; j < owned_.start[0] + owned_.count[0]; ++j) {
      const double r = grid_.centre_radius(i);
      sums[0] += arr[i][j][slot] * r * r;
      sums[1] += r * r * r;
    }
  HADAL_PETSC(DMStagVecRestoreArrayRead(dm_, local, &arr));
  HADAL_PETSC(DMRestoreLocalVector(dm_, &local));
  MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm_);
  return sums[0] / sums[1];
}

FaceVelocities<2> AnnulusStokesSolver::face_velocities() const {
  const double omega = rigid_rotation();
  FaceVelocities<2> out;
  Vec local;
  HADAL_PETSC(DMGetLocalVector(dm_, &local));
  HADAL_PETSC(DMGlobalToLocal(dm_, x_, INSERT_VALUES, local));
  PetscScalar*** arr;
  PetscInt slot_phi, slot_r;
  HADAL_PETSC(DMStagGetLocationSlot(dm_, DMSTAG_LEFT, 0, &slot_phi));
  HADAL_PETSC(DMStagGetLocationSlot(dm_, DMSTAG_DOWN, 0, &slot_r));
  HADAL_PETSC(DMStagVecGetArrayRead(dm_, local, &arr));
  const int js = owned_.start[0], is = owned_.start[1], mj = owned_.count[0], mi = owned_.count[1];
  out.dims[0] = {mj + 1, mi};
  out.dims[1] = {mj, mi + 1};
  // The phi-face east of the last owned column lies in the (periodic) ghost region.
  for (int i = 0; i < mi; ++i)
    for (int j = 0; j <= mj; ++j) out.v[0].push_back(arr[is + i][js + j][slot_phi] - omega * grid_.centre_radius(is + i));
  // The outer wall's r-faces of the last rank lie in the ghost region (zero by construction).
  for (int i = 0; i <= mi; ++i)
    for (int j = 0; j < mj; ++j) out.v[1].push_back(arr[is + i][js + j][slot_r]);
  HADAL_PETSC(DMStagVecRestoreArrayRead(dm_, local, &arr));
  HADAL_PETSC(DMRestoreLocalVector(dm_, &local));
  return out;
}

std::vector<double> AnnulusStokesSolver::cell_pressure() const {
  Vec local;
  HADAL_PETSC(DMGetLocalVector(dm_, &local));
  HADAL_PETSC(DMGlobalToLocal(dm_, x_, INSERT_VALUES, local));
  PetscScalar*** arr;
  PetscInt slot;
  HADAL_PETSC(DMStagGetLocationSlot(dm_, DMSTAG_ELEMENT, 0, &slot));
  HADAL_PETSC(DMStagVecGetArrayRead(dm_, local, &arr));
  std::vector<double> p;
  double sums[2] = {0.0, 0.0};  // area-weighted sum and area (r dr dphi, dr dphi dropped)
  for (int i = owned_.start[1]; i < owned_.start[1] + owned_.count[1]; ++i)
    for (int j = owned_.start[0]; j < owned_.start[0] + owned_.count[0]; ++j) {
      p.push_back(arr[i][j][slot]);
      sums[0] += p.back() * grid_.centre_radius(i);
      sums[1] += grid_.centre_radius(i);
    }
  HADAL_PETSC(DMStagVecRestoreArrayRead(dm_, local, &arr));
  HADAL_PETSC(DMRestoreLocalVector(dm_, &local));
  MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm_);
  for (double& v : p) v -= sums[0] / sums[1];
  return p;
}

long long AnnulusStokesSolver::unknowns() const {
  PetscInt n;
  HADAL_PETSC(VecGetSize(x_, &n));
  return n;
}

bool AnnulusStokesSolver::operator_is_symmetric(double tolerance) const {
  PetscBool symmetric = PETSC_FALSE;
  HADAL_PETSC(MatIsSymmetric(A_, tolerance, &symmetric));
  return symmetric == PETSC_TRUE;
}

std::vector<PetscInt> AnnulusStokesSolver::ranges(int axis) const {
  const PetscInt* l[3];
  HADAL_PETSC(DMStagGetOwnershipRanges(dm_, &l[0], &l[1], &l[2]));
  return std::vector<PetscInt>(l[axis], l[axis] + ranks(axis));
}

int AnnulusStokesSolver::ranks(int axis) const {
  PetscInt r[3];
  HADAL_PETSC(DMStagGetNumRanks(dm_, &r[0], &r[1], &r[2]));
  return static_cast<int>(r[axis]);
}

}  // namespace hadal::thermal
