// SPDX-License-Identifier: MIT
#include "thermal/core_model.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "numerics/constants.hpp"

namespace hadal::thermal {

void check_core_parameters(const CoreParameters& p) {
  auto fail = [](const std::string& m) { throw std::invalid_argument(m); };
  if (!(p.core_radius > 0.0)) fail("core radius must be positive");
  if (p.inner_core_radius < 0.0 || p.inner_core_radius >= p.core_radius) {
    std::ostringstream m;
    m << "inner-core radius " << p.inner_core_radius / 1e3 << " km must lie in [0, core radius "
      << p.core_radius / 1e3 << " km)";
    fail(m.str());
  }
  const double volume = 4.0 / 3.0 * numerics::kPi * std::pow(p.core_radius, 3);
  const double mean_density = p.mass / volume;
  if (mean_density < 3000.0 || mean_density > 20000.0) {
    std::ostringstream m;
    m << "core mass " << p.mass << " kg and radius " << p.core_radius / 1e3 << " km imply a mean density of "
      << mean_density << " kg/m^3, outside the plausible 3000-20000 kg/m^3";
    fail(m.str());
  }
  const double inner_mass = p.inner_core_density * 4.0 / 3.0 * numerics::kPi * std::pow(p.inner_core_radius, 3);
  if (inner_mass >= p.mass) fail("the inner core (radius x inner-core density) is heavier than the whole core");
}

CoreModel::CoreModel(const CoreParameters& params) : p_(params) {
  check_core_parameters(p_);
  s_.cmb_temperature = p_.cmb_temperature;
  s_.inner_core_radius = p_.inner_core_radius;
}

double CoreModel::adiabatic_heat_flow_cmb(double tc) const {
  return 4.0 * numerics::kPi * p_.core_radius * p_.core_radius * p_.conductivity * p_.expansivity * p_.cmb_gravity * tc /
         p_.heat_capacity;
}

double CoreModel::icb_temperature(double tc, double ri) const {
  const double rc = p_.core_radius;
  return tc * std::exp(p_.expansivity * p_.cmb_gravity * (rc * rc - ri * ri) / (2.0 * rc * p_.heat_capacity));
}

double CoreModel::inner_core_area_rate(double tc, double ri) const {
  if (ri <= 0.0 && tc > p_.nucleation_temperature) return 0.0;
  // dr_i/dT_c = -T_i / (rho_i g_i T_c dslope) with g_i = g_c r_i / r_c, times 2 r_i.
  return -2.0 * icb_temperature(tc, ri) * p_.core_radius /
         (p_.inner_core_density * p_.cmb_gravity * tc * p_.melting_slope_difference);
}

double CoreModel::gravitational_energy_density(double r) const {
  // Light element released at r mixes into the outer core: potential psi = g_c r^2/(2 r_c) + const,
  // energy per unit volume = drho_chi (mean psi over the outer core - psi(r)).
  const double rc = p_.core_radius;
  const double mean_r2 = 0.6 * (std::pow(rc, 5) - std::pow(r, 5)) / (std::pow(rc, 3) - std::pow(r, 3));
  return p_.compositional_density_jump * p_.cmb_gravity / (2.0 * rc) * (mean_r2 - r * r);
}

double CoreModel::radiogenic_power(double t) const {
  const double lambda = std::log(2.0) / p_.radiogenic_half_life;
  return p_.mass * p_.radiogenic_heating * std::exp(-lambda * t);
}

void CoreModel::rates(double tc, double ri, double q, double qr, double& dtc, double& dri2) const {
  const double area_rate = inner_core_area_rate(tc, ri);  // <= 0
  const double per_area = 2.0 * numerics::kPi * ri * (p_.inner_core_density * p_.latent_heat + gravitational_energy_density(ri));
  const double capacity = p_.mass * p_.heat_capacity * p_.secular_factor - per_area * area_rate;
  dtc = -(q - qr) / capacity;
  dri2 = area_rate * dtc;
}

void CoreModel::advance(double dt, const std::function<double(double)>& q_cmb) {
  const double t = s_.time;
  auto f = [&](double time, double tc, double s, double& dtc, double& ds, double& q) {
    q = q_cmb(time);
    const double ri = std::sqrt(std::max(s, 0.0));
    rates(tc, ri, q, radiogenic_power(time), dtc, ds);
    if (s <= 0.0 && ds < 0.0) ds = 0.0;  // an absent inner core cannot shrink further
  };
  const double tc0 = s_.cmb_temperature, s0 = s_.inner_core_radius * s_.inner_core_radius;
  double k1t, k1s, q1, k2t, k2s, q2, k3t, k3s, q3, k4t, k4s, q4;
  f(t, tc0, s0, k1t, k1s, q1);
  f(t + 0.5 * dt, tc0 + 0.5 * dt * k1t, s0 + 0.5 * dt * k1s, k2t, k2s, q2);
  f(t + 0.5 * dt, tc0 + 0.5 * dt * k2t, s0 + 0.5 * dt * k2s, k3t, k3s, q3);
  f(t + dt, tc0 + dt * k3t, s0 + dt * k3s, k4t, k4s, q4);
  s_.cmb_temperature = tc0 + dt / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t);
  const double s1 = s0 + dt / 6.0 * (k1s + 2.0 * k2s + 2.0 * k3s + k4s);
  s_.inner_core_radius = std::sqrt(std::max(s1, 0.0));
  s_.heat_out += dt / 6.0 * (q1 + 2.0 * q2 + 2.0 * q3 + q4);
  // Radiogenic energy in closed form.
  const double lambda = std::log(2.0) / p_.radiogenic_half_life;
  s_.radiogenic_energy += p_.mass * p_.radiogenic_heating * (std::exp(-lambda * t) - std::exp(-lambda * (t + dt))) / lambda;
  s_.time = t + dt;
  if (!std::isfinite(s_.cmb_temperature) || !std::isfinite(s_.inner_core_radius))
    throw std::runtime_error("core model produced a non-finite state");
}

CoreBudget CoreModel::budget(double q_cmb) const {
  CoreBudget b;
  const double tc = s_.cmb_temperature, ri = s_.inner_core_radius;
  b.radiogenic = radiogenic_power(s_.time);
  double dtc, dri2;
  rates(tc, ri, q_cmb, b.radiogenic, dtc, dri2);
  if (ri <= 0.0 && dri2 < 0.0) dri2 = 0.0;
  b.cmb = q_cmb;
  b.cooling_rate = dtc;
  b.secular = -p_.mass * p_.heat_capacity * p_.secular_factor * dtc;
  b.latent = 2.0 * numerics::kPi * ri * p_.inner_core_density * p_.latent_heat * dri2;
  b.gravitational = 2.0 * numerics::kPi * ri * gravitational_energy_density(ri) * dri2;
  b.inner_core_growth = ri > 0.0 ? dri2 / (2.0 * ri) : 0.0;
  b.adiabatic_cmb = adiabatic_heat_flow_cmb(tc);
  b.icb_temperature = icb_temperature(tc, ri);
  b.stable_layer_thickness = stable_layer_thickness(q_cmb, b.secular + b.radiogenic, b.latent + b.gravitational,
                                                    b.adiabatic_cmb, p_.core_radius, ri);
  const double grad = p_.expansivity * p_.cmb_gravity / p_.heat_capacity;
  b.conductive_entropy = p_.conductivity * grad * grad * 0.6 * 4.0 / 3.0 * numerics::kPi * std::pow(p_.core_radius, 3);
  return b;
}

double CoreModel::released_energy(double initial_tc,
                                  double initial_ri) const {
  const double secular = p_.mass * p_.heat_capacity * p_.secular_factor * (initial_tc - s_.cmb_temperature);
  const double r1 = s_.inner_core_radius;
  const double latent = 4.0 / 3.0 * numerics::kPi * p_.inner_core_density * p_.latent_heat *
                        (std::pow(r1, 3) - std::pow(initial_ri, 3));
  // Gravitational part: 5-point Gauss-Legendre on 400 panels of 4 pi r^2 e_G(r).
  static const double xg[5] = {-0.9061798459386640, -0.5384693101056831, 0.0, 0.5384693101056831,
                               0.9061798459386640};
  static const double wg[5] = {0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665,
                               0.2369268850561891};
  double grav = 0.0;
  const int panels = 400;
  const double h = (r1 - initial_ri) / panels;
  for (int k = 0; k < panels && h != 0.0; ++k) {
    const double mid = initial_ri + (k + 0.5) * h;
    for (int g = 0; g < 5; ++g) {
      const double r = mid + 0.5 * h * xg[g];
      grav += 0.5 * h * wg[g] * 4.0 * numerics::kPi * r * r * gravitational_energy_density(r);
    }
  }
  return secular + latent + grav;
}

double inner_core_growth_factor(double t_icb, double rho_icb, double g_icb, double tc, double dslope) {
  return t_icb / (rho_icb * g_icb * tc * dslope);
}

double stable_layer_thickness(double q_cmb, double q_volume, double q_icb, double q_ad_cmb, double r_core,
                              double r_inner) {
  if (q_cmb >= q_ad_cmb) return 0.0;
  const double xi = std::pow(r_inner / r_core, 3);
  if (q_ad_cmb * xi - q_icb >= 0.0) return r_core - r_inner;  // subadiabatic down to the ICB
  const double xs = (q_icb - q_volume * xi / (1.0 - xi)) / (q_ad_cmb - q_volume / (1.0 - xi));
  return r_core - r_core * std::cbrt(xs);
}

std::vector<double> CoreModel::state_values() const {
  return {s_.time, s_.cmb_temperature, s_.inner_core_radius, s_.heat_out, s_.radiogenic_energy};
}

void CoreModel::set_state_values(const std::vector<double>& v) {
  s_.time = v.at(0);
  s_.cmb_temperature = v.at(1);
  s_.inner_core_radius = v.at(2);
  s_.heat_out = v.at(3);
  s_.radiogenic_energy = v.at(4);
}

}  // namespace hadal::thermal
