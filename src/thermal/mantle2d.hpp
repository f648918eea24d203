// SPDX-License-Identifier: MIT
/// \file mantle2d.hpp
/// \brief Infinite-Prandtl Boussinesq convection in a 2-D box (nondimensional form):
///   -div(2 eta D(u)) + grad p = Ra T e_z,  div u = 0,
///   dT/dt + u.grad T = lap T + H,
/// with length scale = box height, time scale = height^2/kappa, T scaled by the reference
/// temperature difference. Stokes on a MAC grid (StokesSolver2D); temperature at cell centres,
/// advected by a flux-form MUSCL scheme (limited, second order) in Kokkos kernels and diffused
/// implicitly (IMEX Euler, whose steady states satisfy the discrete steady equations exactly).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include <Kokkos_Core.hpp>
#include <petscdmda.h>
#include <petscksp.h>

#include "numerics/limiter.hpp"
#include "thermal/stokes2d.hpp"

namespace hadal::thermal {

enum class ViscosityKind { Constant, Exponential, Arrhenius };

/// Nondimensional viscosity eta(T, depth), normalised to 1 at T = 0 and depth 0 (the cold top, as
/// in Blankenbach et al. 1989):
///   Exponential (Frank-Kamenetskii): exp(-b T + c d)
///   Arrhenius: exp(E/(T + T0) - E/T0 + c d)
/// clipped to [eta_min, eta_max].
struct ViscosityLaw {
  ViscosityKind kind = ViscosityKind::Constant;
  double b = 0.0;      ///< thermal factor (ln of the viscosity contrast across the box)
  double c = 0.0;      ///< depth factor
  double E = 0.0;      ///< nondimensional activation energy E*/(R dT)
  double T0 = 1.0;     ///< surface-temperature offset T_top/dT (K / K)
  double eta_min = 0.0, eta_max = 1e300;

  KOKKOS_INLINE_FUNCTION double operator()(double T, double depth) const {
    double v = 1.0;
    if (kind == ViscosityKind::Exponential) v = exp(-b * T + c * depth);
    else if (kind == ViscosityKind::Arrhenius) v = exp(E / (T + T0) - E / T0 + c * depth);
    return v < eta_min ? eta_min : (v > eta_max ? eta_max : v);
  }
  bool depends_on_temperature() const { return kind != ViscosityKind::Constant && (b != 0.0 || kind == ViscosityKind::Arrhenius); }
};

enum class ThermalBoundaryKind { Temperature, Flux };

/// value is the temperature, or for Flux the heat flux leaving the box through that wall
/// (nondimensional, positive outward at the top and inward... see docs: positive = upward flux).
struct ThermalBoundary {
  ThermalBoundaryKind kind = ThermalBoundaryKind::Temperature;
  double value = 0.0;
};

struct MantleParameters {
  int nx = 32, nz = 32;
  double aspect = 1.0;            ///< box width / height
  double rayleigh = 1e4;
  double internal_heating = 0.0;  ///< H (nondimensional)
  ViscosityLaw viscosity;
  StokesBoundaries velocity_bc;
  ThermalBoundary top{ThermalBoundaryKind::Temperature, 0.0};
  ThermalBoundary bottom{ThermalBoundaryKind::Temperature, 1.0};
  numerics::Limiter limiter = numerics::Limiter::VanLeer;
  double perturbation = 0.1;      ///< amplitude of cos(pi x/aspect) sin(pi z)
  /// Advection implicit by first-order upwinding, with the MUSCL-minus-upwind flux difference kept
  /// explicit (defect correction): stable at any dt but only first order in time, and its steady
  /// states are exactly those of the explicit MUSCL scheme. For pseudo-time marching to a steady state.
  bool implicit_advection = false;
  double stokes_rtol = 1e-8;
  StokesMethod stokes_method = StokesMethod::Multigrid;
  std::string petsc_options;
  std::string options_prefix = "mantle_stokes_";
};

/// Global diagnostics (identical on all ranks). Wall fluxes are the upward conductive fluxes that the
/// discrete energy equation carries through the wall, 2 (T_cell - T_wall) / dz, so that at steady
/// state flux_top - flux_bottom equals the internal heating exactly; Nu = mean flux / (T_bottom - T_top).
struct MantleDiagnostics {
  double nu_top = 0.0, nu_bottom = 0.0;
  double flux_top = 0.0, flux_bottom = 0.0;  ///< mean upward flux through top and bottom
  double vrms = 0.0, vmax = 0.0;
  double q1 = 0.0, q2 = 0.0, q3 = 0.0, q4 = 0.0;  ///< Blankenbach corner fluxes (top x=0, top x=L, bottom x=L, bottom x=0)
  double t_mean = 0.0;
  /// 1 + <w T> over the box: equals Nu at steady state without internal heating (dT = 1).
  double nu_volume = 0.0;
  std::vector<double> t_profile;  ///< horizontal mean T per cell row, bottom to top
};

class MantleConvection2D {
 public:
  using View2 = Kokkos::View<double**>;

  MantleConvection2D(MPI_Comm comm, const MantleParameters& params);
  ~MantleConvection2D();
  MantleConvection2D(const MantleConvection2D&) = delete;
  MantleConvection2D& operator=(const MantleConvection2D&) = delete;

  /// T = T_b + (T_t - T_b) z + A cos(pi x/aspect) sin(pi z) (Blankenbach's initial state).
  void set_initial_temperature();
  /// Solves Stokes for the current temperature (viscosity refreshed if temperature dependent).
  StokesSolveStats solve_stokes();
  /// Largest dt with advective Courant number `cfl` (and, if `diffusive_cap`, at most 12.5 h^2 for
  /// the accuracy of the implicit diffusion), rounded down to a geometric ladder (ratio 2^(1/8)) so
  /// the implicit operator is rarely rebuilt.
  double stable_dt(double cfl, bool diffusive_cap = true) const;
  /// One step of the energy equation (IMEX, or implicit upwind advection with an explicit MUSCL
  /// correction when parameters().implicit_advection) followed by a Stokes solve.
  StokesSolveStats step(double dt);

  void set_bottom_temperature(double value) { params_.bottom.value = value; }
  const MantleParameters& parameters() const { return params_; }
  MantleDiagnostics diagnostics() const;

  const OwnedCells& owned() const { return stokes_->owned(); }
  int nx() const { return params_.nx; }
  int nz() const { return params_.nz; }
  /// Owned-cell blocks ordered [j][i] (x fastest) for output and checkpoints.
  std::vector<double> temperature_block() const;
  void set_temperature_block(const std::vector<double>& block);
  /// Starts from another run's temperature (nondimensional, global nz_src x nx_src array, x fastest),
  /// interpolated bilinearly between cell centres and, next to a fixed-temperature wall, between the
  /// wall and the first cell; constant towards insulating walls. Grid sequencing: a steady state on a
  /// coarse grid is a close start on a finer one, which removes most of the transient.
  void set_temperature_from(int nx_src, int nz_src, const std::vector<double>& source);
  std::vector<double> viscosity_block() const;
  std::vector<double> pressure_block() const { return stokes_->cell_pressure(); }
  /// Cell-centred velocity components (averages of the two faces).
  void velocity_blocks(std::vector<double>& u, std::vector<double>& w) const;
  /// First non-finite temperature (global i, j) on this rank, or i < 0.
  std::array<int, 2> first_non_finite() const;
  long long stokes_unknowns() const { return stokes_->unknowns(); }
  const StokesSolveStats& last_stokes() const { return last_stokes_; }
  /// With implicit advection: RMS over the cells of the residual of the discrete steady equations
  /// (lap T - div(u T) + H, MUSCL fluxes, u from this T) at the start of the last step; 0 otherwise.
  double last_steady_residual() const { return last_steady_residual_; }

 private:
  void fill_ghosts();
  void load_velocity();
  KSP create_energy_solver(bool symmetric) const;
  /// The implicit-diffusion solver for this dt, assembled (and set up) only for a new dt.
  KSP diffusion_solver(double dt);
  /// The solver for 1/dt - lap + upwind advection by the current velocity, assembled every step.
  KSP advection_diffusion_solver(double dt);
  /// Assembles 1/dt - lap (with the wall conditions) and, if asked, the upwind advection operator.
  void assemble_energy_operator(Mat m, double dt, bool with_advection) const;

  MPI_Comm comm_;
  MantleParameters params_;
  double dx_, dz_;
  std::unique_ptr<StokesSolver2D> stokes_;
  DM da_ = nullptr;           ///< cell-centred T with two ghost layers (box stencil)
  DM operator_da_ = nullptr;  ///< same layout, 5-point star: the implicit energy operators
  struct ImplicitDiffusion {
    double dt = -1.0;  ///< step size the operator was assembled for (< 0: none yet)
    Mat matrix = nullptr;
    KSP ksp = nullptr;
  };
  std::array<ImplicitDiffusion, 2> diffusion_;
  int most_recent_diffusion_ = 0;
  Mat advection_diffusion_ = nullptr;  ///< only with implicit_advection
  KSP advection_diffusion_ksp_ = nullptr;
  Vec rhs_ = nullptr, sol_ = nullptr, local_ = nullptr;
  Vec previous_ = nullptr;  ///< temperature before the step (implicit advection only)
  View2 T_;        ///< (xm+4) x (zm+4): two ghost layers
  View2 vx_, vz_;  ///< (xm+1) x zm and xm x (zm+1)
  View2 tendency_;
  StokesSolveStats last_stokes_;
  double last_steady_residual_ = 0.0;
};

}  // namespace hadal::thermal
