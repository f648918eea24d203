// SPDX-License-Identifier: MIT
/// \file barotropic.hpp
/// \brief Nonlinear shallow-water (barotropic) equations on an Arakawa C-grid: forward-backward time
/// stepping, Coriolis on an f- or beta-plane, quadratic bottom drag, Laplacian viscosity, closed walls or
/// Flather open boundaries forced by an external state (tidal harmonics plus a mean current).
#pragma once

#include <array>
#include <memory>
#include <type_traits>
#include <vector>

#include <Kokkos_Core.hpp>

#include "grid/field.hpp"
#include "numerics/kokkos_math.hpp"
#include "numerics/tides.hpp"
#include "ocean/settings.hpp"

namespace hadal::ocean {

/// The external (outer) state that Flather open boundaries radiate against.
struct ExternalState {
  double eta = 0.0;  ///< m
  double u = 0.0;    ///< depth-mean velocity, m/s
  double v = 0.0;
};

/// A point of an open boundary where the external state is asked for.
struct BoundaryPoint {
  double x = 0.0, y = 0.0;  ///< m
  double depth = 0.0;       ///< still-water depth of the inside column, m
};

class BoundaryForcing {
 public:
  virtual ~BoundaryForcing() = default;
  /// External state at time t and position (x, y); `depth` is the local still-water depth (for
  /// forcings given as transports).
  virtual ExternalState at(double time, double x, double y, double depth) const = 0;
  /// The external state at one time for every point (the solver asks once per edge and step); by default
  /// at() per point. Forcings whose time functions do not depend on the position evaluate them once.
  virtual void at_points(double time, const std::vector<BoundaryPoint>& points, std::vector<ExternalState>& out) const;
};

/// Spatially uniform tidal forcing plus a mean current, ramped in with a half-cosine over `ramp_time`.
class HarmonicForcing : public BoundaryForcing {
 public:
  using Constituent = TidalConstituent;
  HarmonicForcing(std::vector<Constituent> constituents, double mean_u, double mean_v, double ramp_time)
      : constituents_(std::move(constituents)), mean_u_(mean_u), mean_v_(mean_v), ramp_time_(ramp_time) {}
  ExternalState at(double time, double x, double y, double depth) const override;
  /// The same values as at() point by point, with the cosines computed once.
  void at_points(double time, const std::vector<BoundaryPoint>& points, std::vector<ExternalState>& out) const override;
  double ramp(double time) const;
  /// The ramp starts at this time (the solver's start, which may precede t = 0 by a spin-up).
  void set_ramp_start(double time) { ramp_start_ = time; }
  const std::vector<Constituent>& constituents() const { return constituents_; }
  double mean_u() const { return mean_u_; }
  double mean_v() const { return mean_v_; }

 private:
  /// cos(omega t - phase) of each constituent's elevation, u and v, three per constituent.
  void phases_at(double time, std::vector<double>& cosines) const;
  /// The state at one point from phases_at()'s cosines and the ramp factor.
  ExternalState combine(const std::vector<double>& cosines, double depth, double ramp_factor) const;

  std::vector<Constituent> constituents_;
  double mean_u_, mean_v_, ramp_time_;
  double ramp_start_ = 0.0;
};

class BarotropicSolver {
 public:
  /// `still_depth` is a map (nk = 1) of the still-water depth h >= 0 (m, positive down); columns with
  /// h < minimum_depth are land. The initial state is eta = 0 and the velocity given by `initial_u/v`.
  BarotropicSolver(const grid::StructuredGrid& grid, const grid::Field& still_depth, BarotropicSettings settings,
                   std::shared_ptr<const BoundaryForcing> forcing, double start_time = 0.0);

  /// Largest stable step for Courant number `cfl` (1 = the forward-backward gravity-wave limit
  /// c dt sqrt(1/dx^2 + 1/dy^2) = 1 with the narrowest column widths, tightened by the viscous and
  /// advective limits). Global.
  double stable_dt(double cfl) const;
  /// The gravity-wave limit alone (what `cfl` = 1 means), for reports.
  double gravity_wave_dt_limit() const { return gravity_wave_limit_; }
  void step(double dt);
  /// Velocities u, v lead eta by half a step (staggered in time like leapfrog).
  /// Sub-cycles with equal steps of at most cfl * stable limit until `time` is reached.
  void advance_to(double time, double cfl);
  double time() const { return time_; }
  long steps() const { return steps_; }

  grid::Field& eta() { return eta_; }
  grid::Field& u() { return u_; }
  grid::Field& v() { return v_; }
  const grid::Field& eta() const { return eta_; }
  const grid::Field& u() const { return u_; }
  const grid::Field& v() const { return v_; }
  const grid::Field& depth() const { return depth_; }
  const grid::Field& drag() const { return drag_; }  ///< quadratic drag coefficient per column
  const BarotropicSettings& settings() const { return settings_; }
  /// Sets a uniform initial velocity on open faces (then halos).
  void set_uniform_velocity(double u0, double v0);
  /// Re-applies boundary ghosts and halos after eta/u/v were set from outside (restart, tests). With
  /// `reset_history` the previous-step velocities (used by the Coriolis term) are set equal to the present.
  void refresh_halos(bool reset_history = true);
  /// Velocities one step earlier (part of the state: checkpoints need them for bitwise restarts).
  grid::Field& u_previous() { return u_next_; }
  grid::Field& v_previous() { return v_next_; }
  void set_time(double time, long steps) { time_ = time; steps_ = steps; }
  /// Replaces the boundary forcing (the state is kept).
  void set_forcing(std::shared_ptr<const BoundaryForcing> forcing) { forcing_ = std::move(forcing); }

  /// Global diagnostics.
  double volume_anomaly() const;  ///< sum of eta * cell area over wet cells, m3
  double energy() const;          ///< sum of (g eta^2 / 2 + D |u|^2 / 2) * area, m5/s2 (times rho = J)
  double max_speed() const;       ///< max |u|, |v| over faces, m/s
  /// Accumulated boundary inflow volume (m3) since the start, for the volume budget.
  double boundary_inflow() const;  ///< collective

  /// Cell-centred diagnostics (maps, owned cells): depth-mean velocity, bottom stress / rho (m2/s2),
  /// friction velocity, relative vorticity (cell-centred average of the four corner values).
  void cell_velocity(grid::Field& uc, grid::Field& vc) const;
  void bottom_stress(grid::Field& taux, grid::Field& tauy) const;
  void friction_velocity(grid::Field& ustar) const;
  void vorticity(grid::Field& zeta) const;

  /// The drag coefficient used on each face: a constant from settings. Per-column values (from a log
  /// layer) are set here, a map of cell values.
  void set_drag_coefficient_field(const grid::Field& cd);

 private:
  void set_up_boundary_points();
  void fill_forcing(double eta_time, double velocity_time);
  void apply_edge_ghosts(grid::Field& f, bool x_faces, bool y_faces) const;
  void continuity(double dt);
  void momentum_u(double dt);
  void momentum_v(double dt);
  // The interior kernels, compiled per option so that the rows carry no per-cell branch on them.
  template <bool Nonlinear>
  void continuity_interior(double dt);
  template <bool Nonlinear, bool Viscous>
  void momentum_u_interior(double dt);
  template <bool Nonlinear, bool Viscous>
  void momentum_v_interior(double dt);
  /// Calls `kernel(nonlinear, viscous)` with the settings' options as std::bool_constant types.
  template <class Kernel>
  void with_options(Kernel&& kernel) {
    const bool viscous = settings_.viscosity > 0.0;
    if (settings_.nonlinear) {
      if (viscous) kernel(std::true_type{}, std::true_type{});
      else kernel(std::true_type{}, std::false_type{});
    } else {
      if (viscous) kernel(std::false_type{}, std::true_type{});
      else kernel(std::false_type{}, std::false_type{});
    }
  }

  const grid::StructuredGrid& grid_;
  BarotropicSettings settings_;
  std::shared_ptr<const BoundaryForcing> forcing_;
  grid::Field depth_, drag_, eta_, eta_next_, u_, u_next_, v_, v_next_;
  // External state on the boundary faces of each edge (indexed by the local along-edge cell index).
  std::array<Kokkos::View<double*>, 4> ext_eta_, ext_normal_;
  std::array<bool, 4> on_edge_{false, false, false, false};
  double time_ = 0.0;
  long steps_ = 0;
  double gravity_wave_limit_ = 0.0;
  double max_depth_ = 0.0;
  double local_inflow_ = 0.0;  ///< this rank's share of the boundary inflow
  std::array<Kokkos::View<double*>::HostMirror, 4> ext_eta_host_, ext_normal_host_;
  // Where each edge's external state is asked for: the inside cells' centres (elevation) and the boundary
  // faces (normal velocity), per local along-edge index; fixed, so set up once.
  std::array<std::vector<BoundaryPoint>, 4> centre_points_, face_points_;
  std::vector<ExternalState> states_;  ///< scratch of fill_forcing
  /// Three-point stencil along one direction through u or v points, by local index (halo included):
  /// flux-form second difference (up f(+1) - centre f(0) + down f(-1)) / spacing2 and centred first
  /// difference (f(+1) - f(-1)) / span. Set up once from the column widths (set_up_metrics).
  struct Stencil {
    Kokkos::View<double*> up, centre, down, spacing2, span;
  };
  Stencil u_along_x_, u_along_y_, v_along_x_, v_along_y_;
  Kokkos::View<double*> u_row_y_, v_row_y_;  ///< y of the u points (cell centres) and v points (faces), by local j
  void set_up_metrics();
};

/// Bottom friction velocity u* = sqrt(C_d) |u| per owned column from depth-mean face velocities (cell-centred
/// averages), zero on land; halos exchanged.
void friction_velocity(const grid::StructuredGrid& grid, const grid::Field& u, const grid::Field& v,
                       const grid::Field& drag, const grid::Field& depth, grid::Field& ustar);

/// Still-water depth map (-seabed elevation, 0 on land) from a bathymetry.
void depth_from_elevation(const grid::Field& elevation, grid::Field& depth);

}  // namespace hadal::ocean
