// SPDX-License-Identifier: MIT
/// \file projection.hpp
/// \brief Mass-consistent adjustment: the face-velocity field closest (in the weighted least-squares
/// sense) to a first guess that is discretely divergence-free in every wet cell and has no flow through
/// the seabed. A variational Poisson problem for the multiplier phi, solved with PETSc CG + multigrid.
///
/// Minimise sum_f A_f d_f [(u-u0)^2 (+ T^2 (w-w0)^2 on vertical faces)] subject to div u = 0:
/// u_f = u0_f + grad_f(phi), w_f = w0_f + T^-2 grad_f(phi), sum_f A_f g_f (phi_c - phi_nb) = sum_f A_f u0.n.
/// Lateral boundaries keep the first guess's normal flux (Neumann); the top is a rigid lid (Neumann,
/// w = 0, with the net boundary inflow removed first so the problem is compatible) or open (phi = 0).
#pragma once

#include <string>

#include <Kokkos_Core.hpp>
#include <petscksp.h>

#include "grid/field.hpp"
#include "ocean/settings.hpp"

namespace hadal::ocean {

struct ProjectionResult {
  int iterations = 0;
  double residual_norm = 0.0;
  double relative_divergence = 0.0;   ///< max |div u| * min(dx,dy) / max |u| after the adjustment
  double boundary_imbalance = 0.0;    ///< net inflow removed from the lateral boundary (m3/s, rigid lid)
  double initial_divergence = 0.0;    ///< the same measure before the adjustment
};

class MassConsistentProjector {
 public:
  /// Assembles the operator once (it depends only on the geometry and T) and sets up the solver.
  MassConsistentProjector(const grid::StructuredGrid& grid, const Kokkos::View<int**>& first_wet,
                          ProjectionSettings settings);
  ~MassConsistentProjector();
  MassConsistentProjector(const MassConsistentProjector&) = delete;
  MassConsistentProjector& operator=(const MassConsistentProjector&) = delete;

  /// Adjusts face velocities in place (u, v: nk = nz; w: nk = nz + 1; owned faces plus the east/north
  /// faces of the last owned cells). Throws NumericalError if the solver diverges.
  ProjectionResult project(grid::Field& u, grid::Field& v, grid::Field& w);
  const ProjectionSettings& settings() const { return settings_; }

 private:
  void assemble();
  const grid::StructuredGrid& grid_;
  Kokkos::View<int**> first_wet_;
  Kokkos::View<int**>::HostMirror first_wet_host_;
  ProjectionSettings settings_;
  DM da_ = nullptr;
  Mat matrix_ = nullptr;
  KSP ksp_ = nullptr;
  Vec phi_ = nullptr, rhs_ = nullptr;
  bool singular_ = false;
};

}  // namespace hadal::ocean
