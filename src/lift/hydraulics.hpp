// SPDX-License-Identifier: MIT
/// \file hydraulics.hpp
/// \brief Pressure-gradient terms shared by the steady and the transient solver, so that the steady
/// state of the transient solver is the steady solution by construction (same closures, same sums).
#pragma once

#include <cmath>

#include "lift/closures.hpp"
#include "lift/network.hpp"

namespace hadal::lift {

/// Per-unit-length pressure change along the riser in the flow direction (Pa/m, positive = loss).
struct RiserGradient {
  double statics = 0.0;   ///< rho_m g sin(theta)
  double friction = 0.0;  ///< carrier (or mixture) wall friction
  double excess = 0.0;    ///< extra solids friction (mixture - carrier, or Durand term)
};

/// Plain-data parameters of the riser gradient, copyable into kernels.
struct RiserProperties {
  double carrier_density, solids_density, carrier_viscosity, diameter, roughness, gravity;
  double drag_coefficient, durand_coefficient;
  FrictionLaw law;
  SolidsFriction solids;

  static RiserProperties from(const Network& net) {
    RiserProperties p{};
    p.carrier_density = net.fluid.carrier_density();
    p.solids_density = net.ore.density;
    p.carrier_viscosity = net.fluid.carrier_viscosity();
    p.diameter = net.riser.diameter;
    p.roughness = net.riser.roughness;
    p.gravity = net.fluid.gravity;
    p.drag_coefficient = net.ore.drag_coefficient;
    p.durand_coefficient = net.durand_coefficient;
    p.law = net.friction_law;
    p.solids = net.solids_friction;
    return p;
  }

  KOKKOS_INLINE_FUNCTION double mixture_density(double c) const {
    return carrier_density * (1.0 - c) + solids_density * c;
  }

  /// Gradient at in-situ concentration c, mixture flux j, inclination (sin, cos).
  KOKKOS_INLINE_FUNCTION RiserGradient gradient(double c, double j, double sin_a, double cos_a) const {
    RiserGradient g;
    const double rho_m = mixture_density(c);
    g.statics = rho_m * gravity * sin_a;
    g.friction = friction_gradient(law, carrier_density, carrier_viscosity, diameter, roughness, j);
    if (solids == SolidsFriction::Mixture) {
      g.excess = g.friction * (rho_m / carrier_density - 1.0);
    } else if (solids == SolidsFriction::WorsterDenny) {
      const double sd = solids_density / carrier_density - 1.0;
      g.excess = durand_phi(durand_coefficient, j, diameter, sd, drag_coefficient, gravity) * c * g.friction *
                 std::fabs(cos_a);
    }
    return g;
  }
};

/// Loss across the feeder's merging section: K on the riser velocity with the local mixture density,
/// plus the momentum given to the injected solids (rho_s C v_s^2).
inline double feeder_loss(const Network& net, double q, double c_bottom) {
  const double j = q / net.riser.area();
  const RiserProperties p = RiserProperties::from(net);
  const double rho_m = p.mixture_density(c_bottom);
  const double vs = net.drift_flux().solids_velocity(c_bottom, j, 1.0);
  const double acceleration = vs > 0.0 ? net.ore.density * c_bottom * vs * vs : 0.0;
  return net.feeder.loss_coefficient * 0.5 * rho_m * j * std::fabs(j) + acceleration;
}

/// Separator/ship back-pressure: quadratic in flow through the given point.
inline double separator_loss(const Network& net, double q) {
  const double s = q / net.separator.reference_flow;
  return net.separator.pressure_drop * s * std::fabs(s);
}

/// Supply-leg terms for loop flow q (all pipes in parallel carry q/count).
struct SupplyTerms {
  double statics = 0.0;   ///< rho_c g H gained going down (positive)
  double friction = 0.0;
  double minor = 0.0;
};

inline SupplyTerms supply_terms(const Network& net, double q) {
  SupplyTerms t;
  const Pipe& s = net.supply;
  const double v = q / (s.count * s.area());
  const double rho = net.fluid.carrier_density();
  t.statics = rho * net.fluid.gravity * s.rise();
  t.friction = friction_gradient(net.friction_law, rho, net.fluid.carrier_viscosity(), s.diameter, s.roughness, v) *
               s.length();
  t.minor = s.minor_loss * 0.5 * rho * v * std::fabs(v);
  return t;
}

inline double riser_minor_loss(const Network& net, double q, double c_top) {
  const double j = q / (net.riser.count * net.riser.area());
  return net.riser.minor_loss * 0.5 * RiserProperties::from(net).mixture_density(c_top) * j * std::fabs(j);
}

/// Loop inertance sum(rho L / A) of the supply legs (in parallel) and the riser with density field
/// integrated by the caller (riser part passed in as sum(rho_m dx)).
inline double supply_inertance(const Network& net) {
  return net.fluid.carrier_density() * net.supply.length() / (net.supply.count * net.supply.area());
}

/// Loss across the valve at `location` for loop flow q at relative opening `opening` (0 < tau <= 1),
/// K/tau^2 rho v|v|/2 on the velocity and density where the valve sits (c: in-situ concentration there).
/// Zero when the loop has no valve at that location, and for a shut valve (tau <= 0), which passes no
/// flow: the pressures on its two sides are then independent.
inline double valve_loss(const Network& net, ValveLocation location, double q, double c, double opening) {
  const Valve* valve = net.valve(location);
  if (valve == nullptr || opening <= 0.0) return 0.0;
  const bool supply_side = location == ValveLocation::PumpDischarge;
  const double v = supply_side ? q / (net.supply.count * net.supply.area()) : q / net.riser.area();
  const double rho = supply_side ? net.fluid.carrier_density() : RiserProperties::from(net).mixture_density(c);
  return valve->loss_coefficient / (opening * opening) * 0.5 * rho * v * std::fabs(v);
}

/// Bulk modulus of the carrier (seawater with fines, Wood).
inline double carrier_bulk_modulus(const Network& net) {
  return wood_bulk_modulus(net.fluid.bulk_modulus, net.ore.bulk_modulus, net.fluid.fines_concentration);
}

/// Bulk modulus of the riser slurry at in-situ coarse-ore concentration c (Wood: carrier and ore).
inline double slurry_bulk_modulus(const Network& net, double c) {
  return wood_bulk_modulus(carrier_bulk_modulus(net), net.ore.bulk_modulus, c);
}

/// Pressure-wave speed in the supply pipes (carrier) and in the riser at concentration c.
inline double supply_wave_speed(const Network& net) {
  const Pipe& s = net.supply;
  return std::sqrt(pipe_bulk_modulus(carrier_bulk_modulus(net), s.diameter, s.wall_thickness, s.wall_modulus,
                                     s.restraint()) /
                   net.fluid.carrier_density());
}
inline double riser_wave_speed(const Network& net, double c) {
  const Pipe& r = net.riser;
  return std::sqrt(pipe_bulk_modulus(slurry_bulk_modulus(net, c), r.diameter, r.wall_thickness, r.wall_modulus,
                                     r.restraint()) /
                   RiserProperties::from(net).mixture_density(c));
}

/// Joukowsky pressure rise rho a |j| for stopping the riser flow j instantly, riser concentration c.
inline double joukowsky_pressure(const Network& net, double c, double j) {
  return RiserProperties::from(net).mixture_density(c) * riser_wave_speed(net, c) * std::fabs(j);
}

}  // namespace hadal::lift
