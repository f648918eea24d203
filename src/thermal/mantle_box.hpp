// SPDX-License-Identifier: MIT
/// \file mantle_box.hpp
/// \brief What the 2-D and 3-D convection boxes (MantleConvection2D, MantleConvection3D) have in
/// common: the interface the case-file model (MantleModel) drives, the diagnostics, and the PETSc
/// objects of the implicit energy step.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <Kokkos_Core.hpp>
#include <mpi.h>
#include <petscdmda.h>
#include <petscksp.h>

#include "thermal/settings.hpp"
#include "thermal/stokes.hpp"

namespace hadal::thermal {

/// Global diagnostics (identical on all ranks). Wall fluxes are the upward conductive fluxes that the
/// discrete energy equation carries through the wall, 2 (T_cell - T_wall) / dz, so that at steady
/// state flux_top - flux_bottom equals the internal heating exactly; Nu = mean flux / (T_bottom - T_top).
struct MantleDiagnostics {
  double nu_top = 0.0, nu_bottom = 0.0;
  double flux_top = 0.0, flux_bottom = 0.0;  ///< mean upward flux through top and bottom
  double vrms = 0.0, vmax = 0.0;
  /// 2-D only: Blankenbach's corner fluxes q1..q4 (top x=0, top x=L, bottom x=L, bottom x=0).
  std::vector<double> corner_fluxes;
  double t_mean = 0.0;
  /// 1 + <w T> over the box: equals Nu at steady state without internal heating (dT = 1).
  double nu_volume = 0.0;
  std::vector<double> t_profile;  ///< horizontal mean T per cell layer, bottom to top
};

/// One row of an implicit energy operator (1/dt - lap + upwind advection) on a DMDA: per face a
/// diffusive conductance k and an advective coefficient a (the outward normal velocity times the
/// face's area over the cell's volume); an outflow face (a > 0) takes this cell's T, an inflow face
/// the neighbour's. A wall holding a temperature adds its conductance to the diagonal only.
class EnergyRow {
 public:
  EnergyRow(MatStencil cell, double dt) : cell_(cell), diag_(1.0 / dt) {}
  void face(MatStencil neighbour, double k, double a) {
    cols_[n_] = neighbour;
    vals_[n_++] = -k + (a < 0.0 ? a : 0.0);
    diag_ += k + (a > 0.0 ? a : 0.0);
  }
  void fixed_wall(double k) { diag_ += k; }
  void insert(Mat m);

 private:
  MatStencil cell_;
  MatStencil cols_[7];
  PetscScalar vals_[7];
  int n_ = 0;
  double diag_;
};

/// A convection box, nondimensional (length = height, time = height^2/kappa, T by the reference
/// temperature difference). Blocks of owned cells are ordered x fastest, z slowest.
class MantleBox {
 public:
  virtual ~MantleBox();
  MantleBox(const MantleBox&) = delete;
  MantleBox& operator=(const MantleBox&) = delete;

  /// The initial temperature of the case (perturbed conductive or boundary-layer profile).
  virtual void set_initial_temperature() = 0;
  /// Solves Stokes for the current temperature (viscosity refreshed if temperature dependent).
  virtual StokesSolveStats solve_stokes() = 0;
  /// Largest dt with advective Courant number `cfl` (and, if `diffusive_cap`, at most 12.5 h^2 for
  /// the accuracy of the implicit diffusion), rounded down to a geometric ladder (ratio 2^(1/8)) so
  /// the implicit operator is rarely rebuilt.
  virtual double stable_dt(double cfl, bool diffusive_cap = true) const = 0;
  /// One step of the energy equation (IMEX, or implicit upwind advection with an explicit MUSCL
  /// correction when physics().implicit_advection); the velocity stays that of the old temperature.
  virtual void advance_energy(double dt) = 0;
  /// advance_energy followed by a Stokes solve.
  StokesSolveStats step(double dt) {
    advance_energy(dt);
    return solve_stokes();
  }
  virtual MantleDiagnostics diagnostics() const = 0;

  /// Cells per axis (x first, z last), this rank's first owned cell and owned counts per axis.
  const std::vector<int>& global_cells() const { return cells_; }
  const std::vector<int>& owned_start() const { return start_; }
  const std::vector<int>& owned_count() const { return count_; }
  /// Box lengths per axis (height 1).
  const std::vector<double>& lengths() const { return lengths_; }

  virtual std::vector<double> temperature_block() const = 0;
  virtual void set_temperature_block(const std::vector<double>& block) = 0;
  /// Starts from another run's temperature (nondimensional, `source_cells` per axis as global_cells(),
  /// x fastest), interpolated linearly along each axis between cell centres and, next to a
  /// fixed-temperature top or bottom, between the wall and the first cell; constant towards
  /// insulating walls. Grid sequencing: a steady state on a coarse grid is a close start on a finer
  /// one, which removes most of the transient.
  void set_temperature_from(const std::vector<int>& source_cells, const std::vector<double>& source);
  /// The whole temperature field on every rank (x fastest): the source of set_temperature_from on
  /// another grid.
  std::vector<double> gathered_temperature() const;
  virtual std::vector<double> viscosity_block() const = 0;
  virtual std::vector<double> pressure_block() const = 0;
  /// Cell-centred velocity (face averages), three components per cell: (x, y, z) in 3-D, (x, z, 0) in 2-D.
  virtual std::vector<double> velocity_block() const = 0;
  /// Global indices of the first non-finite temperature on this rank, or empty.
  std::vector<int> first_non_finite() const;
  virtual long long stokes_unknowns() const = 0;
  /// Node coordinates (x, y) of a curvilinear 2-D grid, [node j along axis 1][node i along axis 0][2],
  /// nondimensional; empty for the rectilinear boxes (their nodes follow from lengths()).
  virtual std::vector<double> node_xy() const { return {}; }

  const MantlePhysics& physics() const { return *physics_; }
  /// The bottom wall's value (temperature or flux); the coupled run moves it with the core.
  void set_bottom_temperature(double value) { physics_->bottom.value = value; }
  const StokesSolveStats& last_stokes() const { return last_stokes_; }
  /// LU factorisations of the pseudo-time energy operator so far (direct method; 0 otherwise).
  int energy_factorisations() const { return energy_reuse_.factorisations(); }
  /// With implicit advection: RMS over the cells of the residual of the discrete steady equations
  /// (lap T - div(u T) + H, MUSCL fluxes, u from this T) at the start of the last step; 0 otherwise.
  double last_steady_residual() const { return last_steady_residual_; }

 protected:
  /// `physics`: the derived box's parameters (a member of it, so valid for the box's lifetime).
  MantleBox(MPI_Comm comm, MantlePhysics& physics) : comm_(comm), physics_(&physics) {}
  /// Takes the layout of the box's Stokes grid and creates on it the cell-centred DMDAs (da_ with two
  /// ghost layers and a box stencil, operator_da_ with a star stencil for the implicit operators) and
  /// the work vectors.
  /// `periodic_first_axis`: the annulus's phi.
  template <class Stokes>
  void create_energy_grids(const Stokes& stokes, const std::vector<int>& cells, const std::vector<double>& lengths,
                           bool periodic_first_axis = false) {
    lengths_ = lengths;
    cells_ = cells;
    start_.assign(stokes.owned().start.begin(), stokes.owned().start.end());
    count_.assign(stokes.owned().count.begin(), stokes.owned().count.end());
    std::vector<int> ranks;
    std::vector<std::vector<PetscInt>> ranges;
    for (std::size_t a = 0; a < cells.size(); ++a) {
      ranks.push_back(stokes.ranks(static_cast<int>(a)));
      ranges.push_back(stokes.ranges(static_cast<int>(a)));
    }
    create_energy_grids(ranks, ranges, periodic_first_axis);
  }
  void create_energy_grids(const std::vector<int>& ranks, const std::vector<std::vector<PetscInt>>& ranges,
                           bool periodic_first_axis);
  /// The step of stable_dt from this rank's largest advective rate (|u|/h summed over the axes):
  /// Courant number `cfl` over the global rate, at most 12.5 h_min^2 if `diffusive_cap` (the
  /// accuracy of the implicit diffusion), rounded down to a geometric ladder of ratio 2^(1/8) so
  /// the implicit operator is rarely rebuilt.
  double ladder_dt(double local_rate, double h_min, double cfl, bool diffusive_cap) const;
  using View2 = Kokkos::View<double**>;
  /// The 2-D geometries' shared steps, on views with two ghost layers indexed (axis 0, axis 1):
  /// owned values (axis 0 fastest), setting them, the exchange of the ghost layers through da_
  /// (the walls are each geometry's own), and the face velocities of a Stokes solve.
  std::vector<double> owned_values(const View2& field) const;
  void set_owned_values(const View2& field, const std::vector<double>& block) const;
  /// Refreshes the inter-rank (and periodic) ghosts of `mirror`, a host copy of the field.
  void exchange_ghosts(const View2::HostMirror& mirror);
  static void load_faces(const FaceVelocities<2>& faces, const View2& first, const View2& second);
  /// A solver for the implicit energy operator: MUMPS LU with the direct Stokes method (as the
  /// preconditioner of GMRES, its factors reused across steps, when the operator has upwind advection
  /// and so changes every step), else CG (symmetric diffusion) or GMRES (with upwind advection) +
  /// BoomerAMG.
  KSP create_energy_solver(bool symmetric) const;
  /// Solves the implicit energy system of one step, ksp x = b, with x (sol_) holding the old T and
  /// b in rhs_; `cells`: the global cell count. With implicit advection (pseudo-time marching), whose
  /// operator M changes every step, it solves M dT = R(T) = b - M T for the increment instead: R is
  /// the residual of the discrete steady equations at the step's start (last_steady_residual_ is its
  /// RMS), and the solve needs accuracy relative to R, not to b, so stale LU factors precondition it
  /// (the fixed point, R = 0, does not depend on the solve's accuracy); rhs_ is overwritten then.
  void solve_energy_system(KSP ksp, double cells, const char* what);

  MPI_Comm comm_;
  MantlePhysics* physics_;
  std::vector<int> cells_, start_, count_;
  std::vector<double> lengths_;
  DM da_ = nullptr;           ///< cell-centred T with two ghost layers (box stencil)
  DM operator_da_ = nullptr;  ///< same layout, star stencil: the implicit energy operators
  Vec rhs_ = nullptr, sol_ = nullptr, local_ = nullptr;
  Vec previous_ = nullptr;  ///< steady residual of the step's start (implicit advection only)
  FactorReuse energy_reuse_{kEnergyIncrementTolerance};
  StokesSolveStats last_stokes_;
  double last_steady_residual_ = 0.0;

 private:
  /// Relative tolerance of the increment solve of a pseudo-time step (direct method).
  static constexpr double kEnergyIncrementTolerance = 1e-10;
};

/// The 2-D geometries (box and annulus): the temperature on a view with two ghost layers, indexed
/// (axis 0, axis 1).
class PlanarMantleBox : public MantleBox {
 public:
  std::vector<double> temperature_block() const override { return owned_values(T_); }
  void set_temperature_block(const std::vector<double>& block) override {
    set_owned_values(T_, block);
    fill_ghosts();
  }

 protected:
  using MantleBox::MantleBox;
  /// Refreshes the ghost layers of T_ (other ranks, periodic seams, walls) after its owned values changed.
  virtual void fill_ghosts() = 0;
  /// The implicit energy solve of a step: rhs = T/dt + tendency_ + H, plus in the cells next to the
  /// bottom and top walls the wall's term (2 T_w/h^2 for a temperature, +-q/h for a flux; h the
  /// spacing along axis 1) times wall_weight(top) (1 in the box, r_wall/r_cell in the annulus);
  /// then T from `ksp` and its ghosts. Sets last_steady_residual_.
  void solve_energy_step(KSP ksp, double dt, double h, const std::function<double(bool)>& wall_weight,
                         const char* what);
  View2 T_;
  View2 tendency_;  ///< explicit advective tendency of the step, owned cells
};

}  // namespace hadal::thermal
