// SPDX-License-Identifier: MIT
/// \file closures.hpp
/// \brief Closure relations of the slurry-lift module: pipe friction, particle settling, hindered
/// settling / drift flux, resident concentration, carrier properties, wave speed, fluidisation.
///
/// Every function is a pure inline function of doubles so the same code runs on the host (steady
/// solver, envelope sweep) and inside Kokkos kernels (transient solver).
#pragma once

#include <cmath>

#include <Kokkos_Core.hpp>

namespace hadal::lift {

/// Friction-factor law for turbulent flow (laminar flow always uses 64/Re).
enum class FrictionLaw : int { Colebrook = 0, Haaland = 1, SwameeJain = 2 };

/// How the coarse solids change the riser's wall friction.
enum class SolidsFriction : int {
  Carrier = 0,       ///< Wilson/Newitt vertical: friction of the carrier alone; solids act by weight only
  Mixture = 1,       ///< pseudo-homogeneous: friction with the mixture density
  WorsterDenny = 2,  ///< carrier friction + Durand heterogeneous excess projected with cos(theta)
};

inline constexpr double kLaminarReynolds = 2000.0;
inline constexpr double kTurbulentReynolds = 4000.0;

/// Haaland (1983) explicit approximation of Colebrook.
KOKKOS_INLINE_FUNCTION double haaland_friction(double reynolds, double relative_roughness) {
  const double t = std::pow(relative_roughness / 3.7, 1.11) + 6.9 / reynolds;
  const double x = -1.8 * std::log10(t);
  return 1.0 / (x * x);
}

/// Swamee & Jain (1976) explicit approximation of Colebrook.
KOKKOS_INLINE_FUNCTION double swamee_jain_friction(double reynolds, double relative_roughness) {
  const double l = std::log10(relative_roughness / 3.7 + 5.74 / std::pow(reynolds, 0.9));
  return 0.25 / (l * l);
}

/// Colebrook-White, 1/sqrt(f) = -2 log10(eps/(3.7 D) + 2.51/(Re sqrt f)), solved by Newton on
/// x = 1/sqrt(f) from the Haaland start; converges to round-off in 3-4 iterations.
KOKKOS_INLINE_FUNCTION double colebrook_friction(double reynolds, double relative_roughness) {
  const double a = relative_roughness / 3.7;
  const double b = 2.51 / reynolds;
  double x = 1.0 / std::sqrt(haaland_friction(reynolds, relative_roughness));
  const double ln10 = std::log(10.0);
  for (int it = 0; it < 20; ++it) {
    const double arg = a + b * x;
    const double g = x + 2.0 * std::log10(arg);
    const double dg = 1.0 + 2.0 * b / (arg * ln10);
    const double step = g / dg;
    x -= step;
    if (std::fabs(step) < 1e-14 * x) break;
  }
  return 1.0 / (x * x);
}

/// Turbulent friction factor by the selected law.
KOKKOS_INLINE_FUNCTION double turbulent_friction(FrictionLaw law, double reynolds, double relative_roughness) {
  switch (law) {
    case FrictionLaw::Haaland: return haaland_friction(reynolds, relative_roughness);
    case FrictionLaw::SwameeJain: return swamee_jain_friction(reynolds, relative_roughness);
    default: return colebrook_friction(reynolds, relative_roughness);
  }
}

/// Darcy friction factor for any Reynolds number: 64/Re below 2000, the turbulent law above 4000 and
/// a linear blend in between so the loss stays continuous when a transient passes through zero flow.
KOKKOS_INLINE_FUNCTION double darcy_friction(FrictionLaw law, double reynolds, double relative_roughness) {
  const double re = std::fabs(reynolds);
  if (re < 1e-12) return 0.0;  // the loss f V|V| is zero anyway; avoids 64/0
  if (re <= kLaminarReynolds) return 64.0 / re;
  if (re >= kTurbulentReynolds) return turbulent_friction(law, re, relative_roughness);
  const double fl = 64.0 / kLaminarReynolds;
  const double ft = turbulent_friction(law, kTurbulentReynolds, relative_roughness);
  const double w = (re - kLaminarReynolds) / (kTurbulentReynolds - kLaminarReynolds);
  return (1.0 - w) * fl + w * ft;
}

/// Darcy-Weisbach pressure gradient (Pa/m, sign of the velocity) for mean velocity v.
KOKKOS_INLINE_FUNCTION double friction_gradient(FrictionLaw law, double density, double kinematic_viscosity,
                                                double diameter, double roughness, double velocity) {
  const double re = velocity * diameter / kinematic_viscosity;
  const double f = darcy_friction(law, re, roughness / diameter);
  return f * density * velocity * std::fabs(velocity) / (2.0 * diameter);
}

/// Terminal velocity in the Newton drag regime, v_t = sqrt(4 g d (S-1) / (3 C_D)).
KOKKOS_INLINE_FUNCTION double newton_settling_velocity(double diameter, double relative_density_excess,
                                                       double drag_coefficient, double gravity) {
  return std::sqrt(4.0 * gravity * diameter * relative_density_excess / (3.0 * drag_coefficient));
}

/// Ruby & Zanke settling velocity (natural sands; all regimes).
KOKKOS_INLINE_FUNCTION double ruby_zanke_settling_velocity(double diameter, double relative_density_excess,
                                                           double kinematic_viscosity, double gravity) {
  const double nu = kinematic_viscosity;
  return 10.0 * nu / diameter *
         (std::sqrt(1.0 + relative_density_excess * gravity * diameter * diameter * diameter / (100.0 * nu * nu)) -
          1.0);
}

/// Richardson-Zaki exponent from the particle Reynolds number (Rowe 1987).
KOKKOS_INLINE_FUNCTION double rowe_exponent(double particle_reynolds) {
  const double r = std::pow(std::fabs(particle_reynolds), 0.75);
  return (4.7 + 0.41 * r) / (1.0 + 0.175 * r);
}

/// Parameters of the drift-flux (slip) closure of the coarse solids.
struct DriftFlux {
  double settling_velocity = 1.0;   ///< v_t of a single particle in the pipe (wall factor included), m/s
  double exponent = 2.4;            ///< Richardson-Zaki n
  double distribution = 1.0;        ///< C0 (profile/distribution parameter)
  double packing_limit = 0.55;      ///< C_max: in-situ concentration of a settled bed

  /// Solids velocity v_s = C0 j - v_t sin(theta) (1-C)^n (C clipped into [0, 1) so iterates cannot NaN).
  KOKKOS_INLINE_FUNCTION double solids_velocity(double c, double j, double sin_angle) const {
    const double cc = c < 0.0 ? 0.0 : (c > 0.999 ? 0.999 : c);
    return distribution * j - settling_velocity * sin_angle * std::pow(1.0 - cc, exponent);
  }
  /// Solids volume flux F(C) = C v_s, m/s.
  KOKKOS_INLINE_FUNCTION double flux(double c, double j, double sin_angle) const {
    return c * solids_velocity(c, j, sin_angle);
  }
  /// dF/dC: the kinematic (concentration-wave) speed.
  KOKKOS_INLINE_FUNCTION double wave_speed(double c, double j, double sin_angle) const {
    const double cc = c < 0.0 ? 0.0 : (c > 0.999 ? 0.999 : c);
    return distribution * j -
           settling_velocity * sin_angle * std::pow(1.0 - cc, exponent - 1.0) * (1.0 - (exponent + 1.0) * cc);
  }
  /// Concentration above which F is no longer convex (inflection point), 2/(n+1).
  KOKKOS_INLINE_FUNCTION double inflection() const { return 2.0 / (exponent + 1.0); }

  /// F and F' together from a single power (the dominant cost in the transport kernels).
  KOKKOS_INLINE_FUNCTION void flux_and_speed(double c, double j, double sin_angle, double& f, double& speed) const {
    const double cc = c < 0.0 ? 0.0 : (c > 0.999 ? 0.999 : c);
    const double p = std::pow(1.0 - cc, exponent - 1.0);  // (1-C)^(n-1)
    const double vt = settling_velocity * sin_angle;
    f = c * (distribution * j - vt * p * (1.0 - cc));
    speed = distribution * j - vt * p * (1.0 - (exponent + 1.0) * cc);
  }

  /// Exact Godunov flux for a flux convex on [0, inflection()] (the validation keeps C_max below it).
  KOKKOS_INLINE_FUNCTION double godunov_flux(double cl, double cr, double j, double sin_angle) const {
    if (cl <= cr) {  // minimum of F over [cl, cr]
      double fl, al, fr, ar;
      flux_and_speed(cl, j, sin_angle, fl, al);
      if (al >= 0.0) return fl;
      flux_and_speed(cr, j, sin_angle, fr, ar);
      if (ar <= 0.0) return fr;
      double lo = cl, hi = cr;  // sonic point: F' is increasing here, bisect F' = 0
      for (int it = 0; it < 60; ++it) {
        const double mid = 0.5 * (lo + hi);
        if (wave_speed(mid, j, sin_angle) < 0.0) lo = mid; else hi = mid;
      }
      return flux(0.5 * (lo + hi), j, sin_angle);
    }
    const double fl = flux(cl, j, sin_angle), fr = flux(cr, j, sin_angle);
    return fl > fr ? fl : fr;  // maximum over [cr, cl] of a convex function is at an end
  }
};

/// In-situ (resident) concentration C_r with F(C_r) = C_d j on [0, C_max]. F is convex with F(0) = 0,
/// so {F <= C_d j} is an interval starting at 0 and the root is its right end: bisection is exact and
/// safe. Returns a negative value when the pipe cannot carry that solids flux below C_max.
KOKKOS_INLINE_FUNCTION double resident_concentration(const DriftFlux& closure, double delivered, double j,
                                                     double sin_angle) {
  const double target = delivered * j;
  if (target <= 0.0) return 0.0;
  if (closure.flux(closure.packing_limit, j, sin_angle) < target) return -1.0;
  double lo = 0.0, hi = closure.packing_limit;
  for (int it = 0; it < 100; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (closure.flux(mid, j, sin_angle) <= target) lo = mid; else hi = mid;
    if (hi - lo < 1e-15) break;
  }
  return 0.5 * (lo + hi);
}

/// Relative viscosity of a fine suspension (Thomas 1965).
KOKKOS_INLINE_FUNCTION double thomas_relative_viscosity(double c) {
  return 1.0 + 2.5 * c + 10.05 * c * c + 0.00273 * std::exp(16.6 * c);
}

/// Durand-Condolios heterogeneous excess, (i_m - i_w)/(C i_w) = K [V^2 sqrt(C_D)/(g D (S-1))]^-1.5.
KOKKOS_INLINE_FUNCTION double durand_phi(double coefficient, double velocity, double diameter,
                                         double relative_density_excess, double drag_coefficient, double gravity) {
  const double psi = velocity * velocity * std::sqrt(drag_coefficient) / (gravity * diameter * relative_density_excess);
  if (psi <= 0.0) return 0.0;
  return coefficient * std::pow(psi, -1.5);
}

/// How a pipe is held axially; sets how much axial strain accompanies the hoop strain of a pressure wave.
enum class PipeSupport : int {
  ExpansionJoints = 0,   ///< axially free (a hanging riser, pipes with expansion joints)
  Anchored = 1,          ///< anchored throughout against axial movement
  UpstreamAnchored = 2,  ///< anchored at its upstream end only
};

/// Restraint factor psi of a thick-walled elastic pipe (Wylie & Streeter 1993, sec. 1.4):
/// psi = 2 (e/D)(1 + nu) + D/(D + e) x {1, 1 - nu^2, 1 - nu/2} for the three supports. Thin walls
/// (e << D) give the Korteweg factors 1, 1 - nu^2, 1 - nu/2.
inline double restraint_factor(PipeSupport support, double diameter, double wall_thickness, double poisson_ratio) {
  const double radial = 2.0 * wall_thickness / diameter * (1.0 + poisson_ratio);
  const double hoop = diameter / (diameter + wall_thickness);
  switch (support) {
    case PipeSupport::Anchored: return radial + hoop * (1.0 - poisson_ratio * poisson_ratio);
    case PipeSupport::UpstreamAnchored: return radial + hoop * (1.0 - 0.5 * poisson_ratio);
    default: return radial + hoop;
  }
}

/// Wood's bulk modulus of a suspension: the volume-weighted harmonic mean of the components' moduli,
/// 1/K = (1 - C)/K_liquid + C/K_solid (both phases feel the same pressure; no slip on the wave's scale).
KOKKOS_INLINE_FUNCTION double wood_bulk_modulus(double liquid_modulus, double solid_modulus, double solid_fraction) {
  return 1.0 / ((1.0 - solid_fraction) / liquid_modulus + solid_fraction / solid_modulus);
}

/// Effective bulk modulus K' of a fluid in an elastic pipe, 1/K' = 1/K + psi D / (E e): the pipe's
/// hoop strain adds to the fluid's compressibility. The pressure-wave speed is sqrt(K'/rho).
KOKKOS_INLINE_FUNCTION double pipe_bulk_modulus(double fluid_modulus, double diameter, double wall_thickness,
                                                double youngs_modulus, double restraint) {
  return 1.0 / (1.0 / fluid_modulus + restraint * diameter / (youngs_modulus * wall_thickness));
}

/// Korteweg pressure-wave speed in a thin-walled elastic pipe (restraint factor 1).
inline double korteweg_wave_speed(double bulk_modulus, double density, double diameter, double wall_thickness,
                                  double youngs_modulus) {
  return std::sqrt(pipe_bulk_modulus(bulk_modulus, diameter, wall_thickness, youngs_modulus, 1.0) / density);
}

/// Brunone's unsteady-friction coefficient k from Vardy & Brown's shear-decay coefficient,
/// k = sqrt(C*)/2 with C* = 0.00476 (laminar) or 7.41 / Re^log10(14.3 / Re^0.05) (turbulent, smooth pipe).
inline double vardy_brown_coefficient(double reynolds) {
  const double re = std::fabs(reynolds);
  const double shear_decay =
      re < kLaminarReynolds ? 0.00476 : 7.41 / std::pow(re, std::log10(14.3 / std::pow(re, 0.05)));
  return 0.5 * std::sqrt(shear_decay);
}

/// Minimum-fluidisation superficial velocity from the Ergun equation (bed porosity `porosity`).
inline double minimum_fluidisation_velocity(double diameter, double fluid_density, double solids_density,
                                            double dynamic_viscosity, double porosity, double gravity) {
  const double e3 = porosity * porosity * porosity;
  const double archimedes = diameter * diameter * diameter * fluid_density * (solids_density - fluid_density) *
                            gravity / (dynamic_viscosity * dynamic_viscosity);
  // 1.75/e^3 Re^2 + 150 (1-e)/e^3 Re - Ar = 0
  const double a = 1.75 / e3, b = 150.0 * (1.0 - porosity) / e3;
  const double re = (-b + std::sqrt(b * b + 4.0 * a * archimedes)) / (2.0 * a);
  return re * dynamic_viscosity / (fluid_density * diameter);
}

}  // namespace hadal::lift
