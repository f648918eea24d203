// SPDX-License-Identifier: MIT
/// \file closures.hpp
/// \brief The plume's physical closures, written once for both methods: settling velocity laws, the
/// bed's deposition probability, Partheniades erosion, the bottom-boundary-layer diffusivity and the
/// law-of-the-wall drag. Device-callable: the Eulerian column solve and the particle kernel call the
/// same functions, so "both methods agree" compares methods, not two copies of the physics. Depends on
/// Kokkos and the numerics floor only (the device benchmark builds it without MPI, PETSc or yaml-cpp).
#pragma once

#include <string>

#include <Kokkos_Core.hpp>

#include "numerics/constants.hpp"
#include "numerics/kokkos_math.hpp"

namespace hadal::plume {

/// What happens to grains reaching the bed: P_d = 1, Krone's max(0, 1 - tau_b / tau_cd), or P_d = 0
/// (a reflecting bed).
enum class Deposition : int { Always, Krone, None };

/// How a particle is carried by the flow over a step: Pollock's exact path through the mid-step C-grid
/// field, cell by cell, or Runge-Kutta stages (Heun RK2, classical RK4) sampling the fields at the
/// step's start, middle and end. Named as the case key `plume.lagrangian.advection` spells it.
enum class ParticleAdvection : int { Pollock, Heun, RungeKutta4 };
inline const char* advection_name(ParticleAdvection a) {
  return a == ParticleAdvection::Pollock ? "pollock" : (a == ParticleAdvection::Heun ? "rk2" : "rk4");
}
/// The scheme a name gives; false for a name that is none of advection_name's.
inline bool advection_from_name(const std::string& name, ParticleAdvection& a) {
  for (const auto candidate : {ParticleAdvection::Pollock, ParticleAdvection::Heun, ParticleAdvection::RungeKutta4}) {
    if (name == advection_name(candidate)) {
      a = candidate;
      return true;
    }
  }
  return false;
}

// ------------------------------------------------------------------------------------------------
// Settling velocity of a grain in still water (rho_s grain, rho_w water density, nu kinematic viscosity)

/// Stokes drag: ws = (rho_s - rho_w) g d^2 / (18 rho_w nu). Valid for particle Reynolds numbers
/// below about 0.5 (d < ~60 um for sulfide grains in seawater).
KOKKOS_INLINE_FUNCTION double stokes_velocity(double d, double rho_s, double rho_w, double nu) {
  return (rho_s - rho_w) * numerics::kStandardGravity * d * d / (18.0 * rho_w * nu);
}

/// Ferguson & Church (2004): ws = R g d^2 / (C1 nu + sqrt(0.75 C2 R g d^3)), C1 = 18, R = rho_s/rho_w - 1.
/// Reduces to Stokes for fine grains and to a constant drag coefficient for coarse ones.
/// `shape` = C2: 0.4 smooth spheres, 1.0 natural grains, 1.2 very angular.
KOKKOS_INLINE_FUNCTION double ferguson_church_velocity(double d, double rho_s, double rho_w, double nu, double shape) {
  const double r = rho_s / rho_w - 1.0;
  return r * numerics::kStandardGravity * d * d /
         (18.0 * nu + km::sqrt(0.75 * shape * r * numerics::kStandardGravity * d * d * d));
}

/// Soulsby (1997): ws = (nu/d) [sqrt(10.36^2 + 1.049 D*^3) - 10.36], D* = d [(s-1) g / nu^2]^(1/3).
KOKKOS_INLINE_FUNCTION double soulsby_velocity(double d, double rho_s, double rho_w, double nu) {
  const double d_star = d * km::cbrt((rho_s / rho_w - 1.0) * numerics::kStandardGravity / (nu * nu));
  return nu / d * (km::sqrt(10.36 * 10.36 + 1.049 * d_star * d_star * d_star) - 10.36);
}

// ------------------------------------------------------------------------------------------------
// The bed

/// Probability that a grain reaching the bed stays there, at bed shear stress tau_b.
KOKKOS_INLINE_FUNCTION double deposition_probability(Deposition law, double tau_b, double tau_cd) {
  if (law == Deposition::None) return 0.0;
  if (law == Deposition::Always) return 1.0;
  const double p = 1.0 - tau_b / tau_cd;  // Krone (1962)
  return p > 0.0 ? p : 0.0;
}

/// Partheniades erosion flux M (tau_b / tau_ce - 1), kg m-2 s-1, where tau_b exceeds the critical
/// stress tau_ce (a class with tau_ce = 0 does not erode).
KOKKOS_INLINE_FUNCTION double erosion_flux(double m, double tau_b, double tau_ce) {
  return (tau_ce > 0.0 && tau_b > tau_ce) ? m * (tau_b / tau_ce - 1.0) : 0.0;
}

/// Bottom-boundary-layer eddy diffusivity at height h above the bed: K = background + kappa u* h
/// (1 - h/delta) inside the layer 0 < h < delta, and its derivative dK/dh (for the particles' drift).
KOKKOS_INLINE_FUNCTION void boundary_layer_diffusivity(double background, double delta, double ustar, double h,
                                                       double& K, double& dK) {
  K = background, dK = 0.0;
  if (h > 0.0 && h < delta) {
    K += numerics::kVonKarman * ustar * h * (1.0 - h / delta);
    dK = numerics::kVonKarman * ustar * (1.0 - 2.0 * h / delta);
  }
}

/// Law of the wall: the ratio u* / |u| = kappa / ln(z1 / z0) for a velocity taken at height z1 above a
/// bed of roughness z0 (z1 / z0 bounded below by 2: a cell thinner than the roughness). The bed shear
/// stress is rho (ratio |u|)^2.
KOKKOS_INLINE_FUNCTION double law_of_the_wall_ratio(double z1, double z0) {
  return numerics::kVonKarman / km::log(z1 > 2 * z0 ? z1 / z0 : 2.0);
}

}  // namespace hadal::plume
