// SPDX-License-Identifier: MIT
#include "thermal/stokes.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "thermal/petsc_util.hpp"

namespace hadal::thermal {
namespace {

constexpr DMStagStencilLocation kFace[3] = {DMSTAG_LEFT, DMSTAG_DOWN, DMSTAG_BACK};

template <int Dim>
DMStagStencil at(DMStagStencilLocation loc, const std::array<int, Dim>& I) {
  DMStagStencil s;
  s.loc = loc;
  s.i = I[0];
  s.j = I[1];
  s.k = Dim == 3 ? I[Dim - 1] : 0;
  s.c = 0;
  return s;
}

template <int Dim>
std::array<int, Dim> shifted(std::array<int, Dim> I, int axis, int by) {
  I[axis] += by;
  return I;
}

/// Calls body(I) for every I in the box [lo, hi) (x fastest).
template <int Dim, class Body>
void for_each_index(const std::array<int, Dim>& lo, const std::array<int, Dim>& hi, Body&& body) {
  for (int a = 0; a < Dim; ++a)
    if (lo[a] >= hi[a]) return;
  std::array<int, Dim> I = lo;
  while (true) {
    body(I);
    int a = 0;
    while (a < Dim && ++I[a] == hi[a]) {
      I[a] = lo[a];
      ++a;
    }
    if (a == Dim) return;
  }
}

/// One matrix row under construction; columns are skipped when they are boundary (zero) velocities.
/// The preconditioning matrix leaves out the coupling between velocity components through the shear
/// stress: its velocity block is then decoupled scalar M-matrices, on which algebraic multigrid is
/// robust.
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

/// Value of the local (ghosted) DMStag vector at global index I, DOF slot `slot`.
template <int Dim>
struct LocalArray {
  DM dm;
  Vec local;
  std::conditional_t<Dim == 2, PetscScalar***, PetscScalar****> arr = nullptr;
  LocalArray(DM d, Vec global) : dm(d) {
    HADAL_PETSC(DMGetLocalVector(dm, &local));
    HADAL_PETSC(DMGlobalToLocal(dm, global, INSERT_VALUES, local));
    HADAL_PETSC(DMStagVecGetArrayRead(dm, local, &arr));
  }
  ~LocalArray() {
    DMStagVecRestoreArrayRead(dm, local, &arr);
    DMRestoreLocalVector(dm, &local);
  }
  LocalArray(const LocalArray&) = delete;
  LocalArray& operator=(const LocalArray&) = delete;
  double operator()(const std::array<int, Dim>& I, PetscInt slot) const {
    if constexpr (Dim == 2)
      return arr[I[1]][I[0]][slot];
    else
      return arr[I[2]][I[1]][I[0]][slot];
  }
};

}  // namespace

void FactorReuse::operators_changed(KSP ksp, bool direct) {
  const bool reuse = direct && factored_ && stale_seconds_ < factor_seconds_;
  HADAL_PETSC(KSPSetReusePreconditioner(ksp, reuse ? PETSC_TRUE : PETSC_FALSE));
  // Stale factors that need more than a few tens of iterations cost more than a new factorisation.
  if (direct) HADAL_PETSC(KSPSetTolerances(ksp, rtol_, PETSC_DEFAULT, PETSC_DEFAULT, reuse ? 30 : 200));
}

StokesSolveStats FactorReuse::solve(KSP ksp, Vec b, Vec x, double start_time, const std::string& what) {
  MPI_Comm comm;
  HADAL_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(ksp), &comm));
  // Times of the set-up (the factorisation, unless the factors are reused) and of the iterations,
  // the maxima over the ranks.
  auto timed = [&](auto&& work) {
    const double t0 = MPI_Wtime();
    work();
    double local = MPI_Wtime() - t0, global = 0.0;
    MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_MAX, comm);
    return global;
  };
  PetscBool reused = PETSC_FALSE;
  HADAL_PETSC(KSPGetReusePreconditioner(ksp, &reused));
  const double setup = timed([&] { HADAL_PETSC(KSPSetUp(ksp)); });
  double iterating = timed([&] { HADAL_PETSC(KSPSolve(ksp, b, x)); });
  PetscInt its = 0;
  KSPConvergedReason reason;
  HADAL_PETSC(KSPGetIterationNumber(ksp, &its));
  HADAL_PETSC(KSPGetConvergedReason(ksp, &reason));
  if (reason < 0 && reused) {
    // LU factors of an operator that has since changed a lot (a large pseudo-time step) no longer
    // precondition: factor the current operator and solve again from zero.
    HADAL_PETSC(KSPSetReusePreconditioner(ksp, PETSC_FALSE));
    HADAL_PETSC(KSPSetTolerances(ksp, rtol_, PETSC_DEFAULT, PETSC_DEFAULT, 200));
    HADAL_PETSC(VecZeroEntries(x));
    factor_seconds_ = timed([&] { HADAL_PETSC(KSPSetUp(ksp)); });
    iterating = timed([&] { HADAL_PETSC(KSPSolve(ksp, b, x)); });
    reused = PETSC_FALSE;
    PetscInt more = 0;
    HADAL_PETSC(KSPGetIterationNumber(ksp, &more));
    its += more;
    HADAL_PETSC(KSPGetConvergedReason(ksp, &reason));
  } else if (!reused) {
    factor_seconds_ = setup;
  }
  if (!reused) {
    ++factorisations_;
    factored_ = true;
    stale_seconds_ = 0.0;
  } else if (its > 1) {
    stale_seconds_ += iterating * static_cast<double>(its - 1) / static_cast<double>(its);
  }
  PetscReal rnorm = 0;
  HADAL_PETSC(KSPGetResidualNorm(ksp, &rnorm));
  StokesSolveStats stats;
  stats.iterations = static_cast<int>(its);
  stats.residual_norm = rnorm;
  stats.converged_reason = static_cast<int>(reason);
  stats.factorisations = factorisations_;
  stats.seconds = MPI_Wtime() - start_time;
  if (reason < 0 || !std::isfinite(rnorm)) {
    std::ostringstream msg;
    msg << what << " did not converge (" << KSPConvergedReasons[reason] << " after " << its << " iterations, residual "
        << rnorm << ")";
    throw NumericalError(msg.str());
  }
  return stats;
}

template <int Dim>
StokesSolver<Dim>::StokesSolver(MPI_Comm comm, const Index& cells, const std::array<double, Dim>& lengths,
                                const StokesBoundaries<Dim>& bc, double rtol, const std::string& options_prefix,
                                const std::string& petsc_options, StokesMethod method)
    : comm_(comm), n_(cells), len_(lengths), bc_(bc), rtol_(rtol), prefix_(options_prefix),
      user_options_(petsc_options), method_(method), reuse_(rtol) {
  for (int a = 0; a < Dim; ++a) h_[a] = len_[a] / n_[a];
  if constexpr (Dim == 2) {
    HADAL_PETSC(DMStagCreate2d(comm_, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, n_[0], n_[1], PETSC_DECIDE, PETSC_DECIDE, 0,
                               1, 1, DMSTAG_STENCIL_BOX, 1, nullptr, nullptr, &dm_));
  } else {
    HADAL_PETSC(DMStagCreate3d(comm_, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, n_[0], n_[1], n_[2],
                               PETSC_DECIDE, PETSC_DECIDE, PETSC_DECIDE, 0, 0, 1, 1, DMSTAG_STENCIL_BOX, 1, nullptr,
                               nullptr, nullptr, &dm_));
  }
  HADAL_PETSC(DMSetFromOptions(dm_));
  HADAL_PETSC(DMSetUp(dm_));
  HADAL_PETSC(DMStagSetUniformCoordinatesProduct(dm_, 0.0, len_[0], 0.0, len_[1], 0.0, Dim == 3 ? len_[Dim - 1] : 0.0));
  PetscInt s[3], m[3], e[3];
  HADAL_PETSC(DMStagGetCorners(dm_, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2], &e[0], &e[1], &e[2]));
  for (int a = 0; a < Dim; ++a) {
    owned_.start[a] = static_cast<int>(s[a]);
    owned_.count[a] = static_cast<int>(m[a]);
  }
  HADAL_PETSC(DMCreateGlobalVector(dm_, &x_));
  HADAL_PETSC(VecDuplicate(x_, &b_));
  HADAL_PETSC(VecZeroEntries(x_));
  // DMCreateMatrix on a DMStag preallocates the whole box stencil (61 entries per velocity row in
  // 3-D) and keeps it as explicit zeros, which AMG coarsens as couplings and a sparse LU orders and
  // fills as if they were entries. Plain AIJ matrices with the DM's numbering hold only what the
  // stencil inserts (at most 11 per row in 2-D, 17 in 3-D).
  const PetscInt row_entries = Dim == 2 ? 11 : 17;
  PetscInt local_size = 0, global_size = 0;
  HADAL_PETSC(VecGetLocalSize(x_, &local_size));
  HADAL_PETSC(VecGetSize(x_, &global_size));
  ISLocalToGlobalMapping ltog;
  HADAL_PETSC(DMGetLocalToGlobalMapping(dm_, &ltog));
  for (Mat* M : {&A_, &P_}) {
    HADAL_PETSC(MatCreateAIJ(comm_, local_size, local_size, global_size, global_size, row_entries, nullptr, row_entries,
                             nullptr, M));
    HADAL_PETSC(MatSetLocalToGlobalMapping(*M, ltog, ltog));
    HADAL_PETSC(MatSetOption(*M, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
  }
  // Index sets of the two fields: every face unknown (velocity) and every element unknown (pressure).
  const Index zero{};
  std::vector<DMStagStencil> su, sp = {at<Dim>(DMSTAG_ELEMENT, zero)};
  for (int d = 0; d < Dim; ++d) su.push_back(at<Dim>(kFace[d], zero));
  HADAL_PETSC(DMStagCreateISFromStencils(dm_, Dim, su.data(), &is_u_));
  HADAL_PETSC(DMStagCreateISFromStencils(dm_, 1, sp.data(), &is_p_));
  configure_solver();
}

template <int Dim>
StokesSolver<Dim>::~StokesSolver() {
  KSPDestroy(&ksp_);
  ISDestroy(&is_u_);
  ISDestroy(&is_p_);
  MatDestroy(&A_);
  MatDestroy(&P_);
  VecDestroy(&x_);
  VecDestroy(&b_);
  DMDestroy(&dm_);
}

template <int Dim>
void StokesSolver<Dim>::configure_solver() {
  for (const auto& [k, v] : parse_petsc_options(user_options_)) set_prefixed_option(prefix_, k, v, false);
  const bool direct = method_ == StokesMethod::Direct;
  // Pivoting on the zero pressure block delays pivots beyond MUMPS's fill estimate (INFO(1) = -9
  // at 16^2 with the default 20 % margin); ICNTL(14) is that margin in per cent.
  if (direct) set_prefixed_option(prefix_, "mat_mumps_icntl_14", "100", true);
  // The zero pressure block also makes MUMPS delay most pivots under its fill-reducing ordering
  // (28,000 of 49,000 at 128^2, and a 256^2 factorisation took 40 s instead of 4 s): a maximum
  // weighted matching first (ICNTL(6) = 5, with scaling) puts large entries on the diagonal, and then
  // no pivot is delayed. (MUMPS applies it to a matrix held on one rank.)
  if (direct) set_prefixed_option(prefix_, "mat_mumps_icntl_6", "5", true);

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
  } else if constexpr (Dim == 2) {
    configure_schur_fieldsplit(ksp_, is_u_, is_p_, rtol_, prefix_,
                               {{"fieldsplit_u_ksp_type", "preonly"},
                                {"fieldsplit_u_pc_type", "hypre"},
                                {"fieldsplit_u_pc_gamg_agg_nsmooths", "1"},
                                {"fieldsplit_u_mg_levels_ksp_type", "chebyshev"},
                                {"fieldsplit_u_mg_levels_ksp_max_it", "3"},
                                {"fieldsplit_u_mg_levels_pc_type", "jacobi"},
                                {"fieldsplit_p_ksp_type", "preonly"},
                                {"fieldsplit_p_pc_type", "jacobi"}});
  } else {
    configure_schur_fieldsplit(ksp_, is_u_, is_p_, rtol_, prefix_,
                               {{"fieldsplit_u_ksp_type", "preonly"},
                                {"fieldsplit_u_pc_type", "gamg"},
                                {"fieldsplit_u_pc_gamg_threshold", "0.02"},
                                {"fieldsplit_u_mg_levels_ksp_type", "chebyshev"},
                                {"fieldsplit_u_mg_levels_pc_type", "jacobi"},
                                {"fieldsplit_p_ksp_type", "preonly"},
                                {"fieldsplit_p_pc_type", "jacobi"}});
  }
  HADAL_PETSC(KSPSetFromOptions(ksp_));
  void* default_test = nullptr;
  HADAL_PETSC(KSPConvergedDefaultCreate(&default_test));
  HADAL_PETSC(KSPSetConvergenceTest(ksp_, converged_after_one_iteration, default_test, KSPConvergedDefaultDestroy));
}

template <int Dim>
void StokesSolver<Dim>::assemble_operator(const StokesCoefficients<Dim>& c) {
  // The direct method factors A itself: P would only cost assembly time.
  const bool with_preconditioning_matrix = method_ != StokesMethod::Direct;
  HADAL_PETSC(MatZeroEntries(A_));
  if (with_preconditioning_matrix) HADAL_PETSC(MatZeroEntries(P_));
  const Index origin{};
  const double pin_scale = 1.0 / c.eta_cell(origin);
  double wall_scale = 0.0;  // rows of wall faces are scaled like the interior rows
  for (int a = 0; a < Dim; ++a) wall_scale += 1.0 / (h_[a] * h_[a]);
  auto insert = [&](const DMStagStencil& r, const Row& row, double p_diag) {
    HADAL_PETSC(DMStagMatSetValuesStencil(dm_, A_, 1, &r, static_cast<PetscInt>(row.cols.size()), row.cols.data(),
                                          row.vals.data(), ADD_VALUES));
    if (!with_preconditioning_matrix) return;
    HADAL_PETSC(DMStagMatSetValuesStencil(dm_, P_, 1, &r, static_cast<PetscInt>(row.pcols.size()),
                                          row.pcols.data(), row.pvals.data(), ADD_VALUES));
    if (p_diag != 0.0) HADAL_PETSC(DMStagMatSetValuesStencil(dm_, P_, 1, &r, 1, &r, &p_diag, ADD_VALUES));
  };
  auto pressure = [&](Row& row, const Index& I, double v) {
    if (I == origin) return;  // pinned: its column is dropped to keep the operator symmetric
    row.add(at<Dim>(DMSTAG_ELEMENT, I), v);
  };

  // Momentum rows of component d on the d-faces owned by this rank (the last rank along d also
  // owns the far wall's faces).
  for (int d = 0; d < Dim; ++d) {
    Index hi;
    for (int a = 0; a < Dim; ++a)
      hi[a] = owned_.start[a] + owned_.count[a] + (a == d && owned_.start[a] + owned_.count[a] == n_[a] ? 1 : 0);
    const double hd = h_[d], ihd2 = 1.0 / (hd * hd);
    for_each_index<Dim>(owned_.start, hi, [&](const Index& I) {
      const DMStagStencil r = at<Dim>(kFace[d], I);
      Row row;
      if (I[d] == 0 || I[d] == n_[d]) {  // no penetration through the wall
        row.add(r, c.eta_cell(shifted<Dim>(I, d, I[d] == 0 ? 0 : -1)) * wall_scale);
        insert(r, row, 0.0);
        return;
      }
      // Normal stress: cells on either side of the face.
      const double eP = c.eta_cell(I), eM = c.eta_cell(shifted<Dim>(I, d, -1));
      double diag = 2.0 * (eP + eM) * ihd2;
      if (I[d] + 1 < n_[d]) row.add(at<Dim>(kFace[d], shifted<Dim>(I, d, 1)), -2.0 * eP * ihd2);
      if (I[d] - 1 > 0) row.add(at<Dim>(kFace[d], shifted<Dim>(I, d, -1)), -2.0 * eM * ihd2);
      // Shear stresses tau_de where the d- and e-faces meet.
      for (int e = 0; e < Dim; ++e) {
        if (e == d) continue;
        const int f = 3 - d - e;
        const double he = h_[e], ihe2 = 1.0 / (he * he), ihde = 1.0 / (hd * he);
        const auto up = shifted<Dim>(I, e, 1);
        const double eU = c.eta_shear(f, up), eL = c.eta_shear(f, I);
        if (I[e] + 1 < n_[e]) {
          diag += eU * ihe2;
          row.add(at<Dim>(kFace[d], up), -eU * ihe2);
          row.add(at<Dim>(kFace[e], up), -eU * ihde, true);
          row.add(at<Dim>(kFace[e], shifted<Dim>(up, d, -1)), eU * ihde, true);
        } else if (bc_.wall[e][1] == VelocityBoundary::NoSlip) {
          diag += 2.0 * eU * ihe2;  // ghost velocity = -interior value
        }
        if (I[e] > 0) {
          diag += eL * ihe2;
          row.add(at<Dim>(kFace[d], shifted<Dim>(I, e, -1)), -eL * ihe2);
          row.add(at<Dim>(kFace[e], I), eL * ihde, true);
          row.add(at<Dim>(kFace[e], shifted<Dim>(I, d, -1)), -eL * ihde, true);
        } else if (bc_.wall[e][0] == VelocityBoundary::NoSlip) {
          diag += 2.0 * eL * ihe2;
        }
      }
      row.add(r, diag);
      pressure(row, I, 1.0 / hd);
      pressure(row, shifted<Dim>(I, d, -1), -1.0 / hd);
      insert(r, row, 0.0);
    });
  }
  // Continuity rows (-div u = 0); cell 0 pins the pressure instead.
  Index end;
  for (int a = 0; a < Dim; ++a) end[a] = owned_.start[a] + owned_.count[a];
  for_each_index<Dim>(owned_.start, end, [&](const Index& I) {
    const DMStagStencil r = at<Dim>(DMSTAG_ELEMENT, I);
    Row row;
    if (I == origin) {
      row.add(r, -pin_scale);
      insert(r, row, 0.0);
      return;
    }
    for (int d = 0; d < Dim; ++d) {
      if (I[d] + 1 < n_[d]) row.add(at<Dim>(kFace[d], shifted<Dim>(I, d, 1)), -1.0 / h_[d]);
      if (I[d] > 0) row.add(at<Dim>(kFace[d], I), 1.0 / h_[d]);
    }
    insert(r, row, -1.0 / c.eta_cell(I));
  });
  HADAL_PETSC(MatAssemblyBegin(A_, MAT_FINAL_ASSEMBLY));
  HADAL_PETSC(MatAssemblyEnd(A_, MAT_FINAL_ASSEMBLY));
  if (with_preconditioning_matrix) {
    HADAL_PETSC(MatAssemblyBegin(P_, MAT_FINAL_ASSEMBLY));
    HADAL_PETSC(MatAssemblyEnd(P_, MAT_FINAL_ASSEMBLY));
  }
}

template <int Dim>
void StokesSolver<Dim>::assemble_rhs(const StokesCoefficients<Dim>& c) {
  HADAL_PETSC(VecZeroEntries(b_));
  std::vector<DMStagStencil> rows;
  std::vector<PetscScalar> vals;
  if (c.force) {
    for (int d = 0; d < Dim; ++d) {
      Index lo = owned_.start, hi;
      for (int a = 0; a < Dim; ++a) hi[a] = owned_.start[a] + owned_.count[a];
      lo[d] = std::max(lo[d], 1);  // wall faces carry the no-penetration rows (zero right-hand side)
      for_each_index<Dim>(lo, hi, [&](const Index& I) {
        rows.push_back(at<Dim>(kFace[d], I));
        vals.push_back(c.force(d, I));
      });
    }
  }
  if (!rows.empty())
    HADAL_PETSC(DMStagVecSetValuesStencil(dm_, b_, static_cast<PetscInt>(rows.size()), rows.data(), vals.data(),
                                          INSERT_VALUES));
  HADAL_PETSC(VecAssemblyBegin(b_));
  HADAL_PETSC(VecAssemblyEnd(b_));
}

template <int Dim>
StokesSolveStats StokesSolver<Dim>::solve(const StokesCoefficients<Dim>& coefficients, bool viscosity_changed) {
  const double t0 = MPI_Wtime();
  if (viscosity_changed || !assembled_) {
    assemble_operator(coefficients);
    const bool direct = method_ == StokesMethod::Direct;
    HADAL_PETSC(KSPSetOperators(ksp_, A_, direct ? A_ : P_));
    reuse_.operators_changed(ksp_, direct);
    assembled_ = true;
  }
  assemble_rhs(coefficients);
  return reuse_.solve(ksp_, b_, x_, t0, std::to_string(Dim) + "-D Stokes solve");
}

template <int Dim>
FaceVelocities<Dim> StokesSolver<Dim>::face_velocities() const {
  FaceVelocities<Dim> out;
  const LocalArray<Dim> local(dm_, x_);
  for (int d = 0; d < Dim; ++d) {
    PetscInt slot;
    HADAL_PETSC(DMStagGetLocationSlot(dm_, kFace[d], 0, &slot));
    Index hi;
    for (int a = 0; a < Dim; ++a) {
      out.dims[d][a] = owned_.count[a] + (a == d ? 1 : 0);
      hi[a] = owned_.start[a] + out.dims[d][a];
    }
    // The far face of the last rank lies in the ghost region of the local vector (boundary: zero).
    auto& v = out.v[d];
    for_each_index<Dim>(owned_.start, hi, [&](const Index& I) { v.push_back(local(I, slot)); });
  }
  return out;
}

template <int Dim>
std::vector<double> StokesSolver<Dim>::cell_pressure() const {
  std::vector<double> p;
  {
    const LocalArray<Dim> local(dm_, x_);
    PetscInt slot;
    HADAL_PETSC(DMStagGetLocationSlot(dm_, DMSTAG_ELEMENT, 0, &slot));
    Index end;
    for (int a = 0; a < Dim; ++a) end[a] = owned_.start[a] + owned_.count[a];
    for_each_index<Dim>(owned_.start, end, [&](const Index& I) { p.push_back(local(I, slot)); });
  }
  double sum = 0.0, total = 0.0, cells = 1.0;
  for (double v : p) sum += v;
  MPI_Allreduce(&sum, &total, 1, MPI_DOUBLE, MPI_SUM, comm_);
  for (int a = 0; a < Dim; ++a) cells *= n_[a];
  const double mean = total / cells;
  for (double& v : p) v -= mean;
  return p;
}

template <int Dim>
std::vector<PetscInt> StokesSolver<Dim>::ranges(int axis) const {
  const PetscInt* l[3];
  HADAL_PETSC(DMStagGetOwnershipRanges(dm_, &l[0], &l[1], &l[2]));
  return std::vector<PetscInt>(l[axis], l[axis] + ranks(axis));
}

template <int Dim>
int StokesSolver<Dim>::ranks(int axis) const {
  PetscInt r[3];
  HADAL_PETSC(DMStagGetNumRanks(dm_, &r[0], &r[1], &r[2]));
  return static_cast<int>(r[axis]);
}

template <int Dim>
bool StokesSolver<Dim>::operator_is_symmetric(double tolerance) const {
  PetscBool symmetric = PETSC_FALSE;
  HADAL_PETSC(MatIsSymmetric(A_, tolerance, &symmetric));
  return symmetric == PETSC_TRUE;
}

template <int Dim>
long long StokesSolver<Dim>::unknowns() const {
  PetscInt n;
  HADAL_PETSC(VecGetSize(x_, &n));
  return n;
}

template class StokesSolver<2>;
template class StokesSolver<3>;

}  // namespace hadal::thermal
