// SPDX-License-Identifier: MIT
/// \file settings.hpp
/// \brief Settings of the thermal module, as parsed from a case file (keys.cpp) or set by tests:
/// plain data only.
#pragma once

#include <array>
#include <string>

#include "numerics/limiter.hpp"
#include "thermal/closures.hpp"

namespace hadal::thermal {

enum class VelocityBoundary { FreeSlip, NoSlip };

/// How the Stokes saddle-point system is solved.
/// Multigrid: FGMRES + fieldsplit Schur with AMG on velocity (scalable; the default).
/// Direct: FGMRES preconditioned by a sparse LU (MUMPS) of the full operator. The factors are kept
/// while they still precondition well (at most a few iterations after the viscosity changed), so a
/// time loop pays for a factorisation only now and then. Fast for 2-D boxes up to a few 1e5 unknowns.
enum class StokesMethod { Multigrid, Direct };

/// Velocity condition on each wall; wall[axis][0] is the low side (x = 0: left, y = 0: front,
/// z = 0: bottom), wall[axis][1] the high side (right, back, top). Free slip by default.
template <int Dim>
struct StokesBoundaries {
  std::array<std::array<VelocityBoundary, 2>, Dim> wall{};
};

enum class ThermalBoundaryKind { Temperature, Flux };

/// A wall's thermal condition: `value` is the temperature, or for Flux the upward heat flux through
/// that wall (nondimensional).
struct ThermalBoundary {
  ThermalBoundaryKind kind = ThermalBoundaryKind::Temperature;
  double value = 0.0;
};

/// What the 2-D and 3-D boxes share: the nondimensional physics and the solver choices.
struct MantlePhysics {
  double rayleigh = 1e4;
  double internal_heating = 0.0;  ///< H (nondimensional)
  ViscosityLaw viscosity;
  ThermalBoundary top{ThermalBoundaryKind::Temperature, 0.0};
  ThermalBoundary bottom{ThermalBoundaryKind::Temperature, 1.0};
  numerics::Limiter limiter = numerics::Limiter::VanLeer;
  /// Amplitude A of the initial perturbation: A cos(pi x/aspect) sin(pi z) in 2-D, Busse et al.
  /// 1994's bimodal A (cos(pi x/ax) + cos(pi y/ay)) sin(pi z) in 3-D.
  double perturbation = 0.1;
  /// Advection implicit by first-order upwinding, with the MUSCL-minus-upwind flux difference kept
  /// explicit (defect correction): stable at any dt but only first order in time, and its steady
  /// states are exactly those of the explicit MUSCL scheme. For pseudo-time marching to a steady state.
  bool implicit_advection = false;
  double stokes_rtol = 1e-8;
  StokesMethod stokes_method = StokesMethod::Multigrid;
  std::string petsc_options;
  std::string options_prefix = "mantle_stokes_";
};

/// The 2-D box (x, z).
struct MantleParameters : MantlePhysics {
  int nx = 32, nz = 32;
  double aspect = 1.0;  ///< box width / height
  StokesBoundaries<2> velocity_bc;
};

/// The 3-D box (x, y, z).
struct MantleParameters3D : MantlePhysics {
  std::array<int, 3> cells{16, 16, 16};
  double aspect_x = 1.0, aspect_y = 1.0;  ///< box length in x and y / height
  StokesBoundaries<3> velocity_bc;
  /// Mean initial profile: false = linear conductive profile; true = isothermal interior at the
  /// mean wall temperature with erf boundary layers of width 1/4, p(z) = (erf(4(1-z)) + erf(-4z) + 1)/2,
  /// the start that leads to Busse et al.'s steady 3-D (bimodal) pattern rather than 2-D rolls.
  bool boundary_layer_profile = false;
};

/// The 2-D spherical annulus (phi, r): a cylindrical annulus of unit thickness whose radii are
/// rescaled so that the ratio of its boundary lengths, r_in / r_out, equals the ratio of the areas
/// of the core-mantle boundary and the surface of a spherical shell, (r_c / r_s)^2 (van Keken 2001,
/// compared by Hernlund & Tackley 2008): the CMB then carries the share of the heat flow it carries
/// in a sphere (docs/thermal.md).
struct MantleParametersAnnulus : MantlePhysics {
  int n_phi = 128, n_r = 32;
  double inner_radius = 1.22;  ///< nondimensional (thickness 1); outer = inner + 1
  /// Velocity condition at the inner (CMB) and outer (surface) walls.
  std::array<VelocityBoundary, 2> walls{VelocityBoundary::FreeSlip, VelocityBoundary::FreeSlip};
  int perturbation_mode = 4;  ///< initial T perturbation A cos(mode phi) sin(pi (r - r_in))
};

/// Scales between SI and the nondimensional mantle equations (all 1 in nondimensional units).
struct MantleScales {
  bool dimensional = false;
  double depth = 1.0, time = 1.0, velocity = 1.0, temperature = 1.0, t_top = 0.0, flux = 1.0, viscosity = 1.0,
         pressure = 1.0, width = 1.0, width_y = 1.0;
  /// Annulus: the areas (m^2) of the spherical surfaces its top and bottom stand for, 4 pi r^2; the
  /// heat flows of a dimensional annulus are its mean wall fluxes times these. 0 for the boxes.
  double top_area = 0.0, bottom_area = 0.0;
};

/// A mantle case: the box's parameters and the scales of its output.
template <class Parameters>
struct MantleSetup {
  Parameters params;
  MantleScales scales;
};

/// The core's parameters (defaults: present-day Earth, reference note 3.4).
struct CoreParameters {
  double core_radius = 3480e3;              ///< m
  double inner_core_radius = 1221e3;        ///< m, initial
  double mass = 1.94e24;                    ///< kg (whole core)
  double inner_core_density = 12760.0;      ///< kg m-3
  double heat_capacity = 800.0;             ///< J kg-1 K-1
  double expansivity = 1.25e-5;             ///< K-1
  double cmb_gravity = 10.68;               ///< m s-2
  double conductivity = 100.0;              ///< W m-1 K-1 (30-250)
  double secular_factor = 1.0;              ///< epsilon_T, mass average of T_a/T_c
  double latent_heat = 0.70e6;              ///< J kg-1
  double melting_slope_difference = 2e-9;   ///< (dT_m/dP - dT_a/dP) at the ICB, K Pa-1
  double compositional_density_jump = 0.0;  ///< kg m-3 (light-element buoyancy, drives Q_G)
  double cmb_temperature = 4000.0;          ///< K, initial
  double nucleation_temperature = 0.0;      ///< K: T_c at which the inner core nucleates (if none yet)
  double radiogenic_heating = 0.0;          ///< W kg-1 at t = 0
  double radiogenic_half_life = 1.25e9 * 3.15576e7;  ///< s (40K)
};

}  // namespace hadal::thermal
