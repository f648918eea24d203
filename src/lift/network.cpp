// SPDX-License-Identifier: MIT
#include "lift/network.hpp"

#include <algorithm>
#include <cmath>

namespace hadal::lift {

double Pipe::length() const {
  double total = 0.0;
  for (const auto& s : sections) total += s.length;
  return total;
}

double Pipe::rise() const {
  double total = 0.0;
  for (const auto& s : sections) total += s.length * std::sin(s.angle);
  return total;
}

std::vector<double> monotone_slopes(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  std::vector<double> m(n, 0.0);
  if (n < 2) return m;
  std::vector<double> delta(n - 1);
  for (std::size_t i = 0; i + 1 < n; ++i) delta[i] = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
  if (n == 2) {
    m[0] = m[1] = delta[0];
    return m;
  }
  // Interior: weighted harmonic mean (Fritsch-Butland), zero at a local extremum.
  for (std::size_t i = 1; i + 1 < n; ++i) {
    if (delta[i - 1] * delta[i] <= 0.0) {
      m[i] = 0.0;
    } else {
      const double h0 = x[i] - x[i - 1], h1 = x[i + 1] - x[i];
      const double w1 = 2.0 * h1 + h0, w2 = h1 + 2.0 * h0;
      m[i] = (w1 + w2) / (w1 / delta[i - 1] + w2 / delta[i]);
    }
  }
  // Ends: one-sided three-point formula, limited to keep monotonicity.
  auto end_slope = [](double h0, double h1, double d0, double d1) {
    double s = ((2.0 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
    if (s * d0 <= 0.0) s = 0.0;
    else if (d0 * d1 <= 0.0 && std::fabs(s) > std::fabs(3.0 * d0)) s = 3.0 * d0;
    return s;
  };
  m[0] = end_slope(x[1] - x[0], x[2] - x[1], delta[0], delta[1]);
  m[n - 1] = end_slope(x[n - 1] - x[n - 2], x[n - 2] - x[n - 3], delta[n - 2], delta[n - 3]);
  return m;
}

PumpCurve::PumpCurve(std::vector<double> flow, std::vector<double> pressure, std::vector<double> efficiency)
    : flow_(std::move(flow)), pressure_(std::move(pressure)), efficiency_(std::move(efficiency)) {
  pressure_slope_ = monotone_slopes(flow_, pressure_);
  efficiency_slope_ = monotone_slopes(flow_, efficiency_);
  double best_eta = -1.0;
  const int samples = 400;
  for (int i = 1; i <= samples; ++i) {
    const double q = max_flow() * i / samples;
    const double eta = PumpCurve::efficiency(q);
    if (eta > best_eta) {
      best_eta = eta;
      bep_flow_ = q;
    }
  }
}

double PumpCurve::evaluate(const std::vector<double>& x, const std::vector<double>& y,
                           const std::vector<double>& slope, double at) {
  const std::size_t n = x.size();
  if (n == 1) return y[0];
  // Outside the data: linear with the end slope (reverse flow, run-out).
  if (at <= x.front()) return y.front() + slope.front() * (at - x.front());
  if (at >= x.back()) return y.back() + slope.back() * (at - x.back());
  const std::size_t i = std::upper_bound(x.begin(), x.end(), at) - x.begin() - 1;
  const double h = x[i + 1] - x[i];
  const double t = (at - x[i]) / h;
  const double t2 = t * t, t3 = t2 * t;
  return (2 * t3 - 3 * t2 + 1) * y[i] + (t3 - 2 * t2 + t) * h * slope[i] + (-2 * t3 + 3 * t2) * y[i + 1] +
         (t3 - t2) * h * slope[i + 1];
}

double PumpCurve::pressure(double flow) const { return evaluate(flow_, pressure_, pressure_slope_, flow); }

double PumpCurve::efficiency(double flow) const {
  return std::clamp(evaluate(flow_, efficiency_, efficiency_slope_, flow), 0.0, 1.0);
}

double PumpSet::pressure_rise(double q, double r) const {
  const double qp = pump_flow(q);
  if (r <= 0.0) return 0.0;
  const double single = r * r * curve.pressure(qp / r);
  return series ? count * single : single;
}

double PumpSet::efficiency(double q, double r) const {
  if (r <= 0.0) return 0.0;
  return curve.efficiency(pump_flow(q) / r);
}

double PumpSet::rated_flow() const {
  const double q = curve.best_efficiency_flow();
  return series ? q : q * count;
}

double PumpSet::shaft_power(double q, double r) const {
  if (r <= 0.0) return 0.0;
  const double qp = pump_flow(q);
  const double single_rise = r * r * curve.pressure(qp / r);
  const double eta = curve.efficiency(qp / r);
  const double hydraulic = single_rise * std::max(qp, 0.0);
  // Power at the best-efficiency point at this speed (affinity: ~ r^3), to bound the power at low flow
  // where hydraulic/eta is 0/0: a closed-valve pump still absorbs a fraction of its rated power.
  const double q_bep = rated_flow() / (series ? 1.0 : count);
  const double p_bep = curve.pressure(q_bep) * q_bep / std::max(curve.efficiency(q_bep), 1e-3);
  const double floor = shutoff_power_fraction * p_bep * r * r * r;
  const double single = eta > 1e-3 ? std::max(hydraulic / eta, floor) : floor;
  return count * single;
}

double PumpSet::run_down(double q, double r0, double dt) const {
  const double rotor = inertia * count * rated_speed * rated_speed;  // J w0^2
  auto balance = [&](double r) { return rotor * r * (r - r0) / dt + shaft_power(q, r); };
  const double h = 1e-7;
  double r = r0;
  for (int it = 0; it < 50; ++it) {
    const double step = balance(r) / ((balance(r + h) - balance(r - h)) / (2 * h));
    r = std::max(r - step, 0.0);
    if (std::fabs(step) < 1e-13) break;
  }
  return r;
}

double Network::delivered_concentration(double q) const {
  if (feeder.by_concentration) return feeder.delivered_concentration;
  if (q <= 0.0) return 0.0;
  return feeder.mass_rate / ore.density / q;
}

double Network::ore_volume_rate(double q) const {
  if (feeder.by_concentration) return feeder.delivered_concentration * std::max(q, 0.0);
  return feeder.mass_rate / ore.density;
}

void apply_settling(const SettlingClosure& s, double diameter, Network& net) {
  const double rho_c = net.fluid.carrier_density();
  const double sd = net.ore.density / rho_c - 1.0;
  const double nu = net.fluid.carrier_viscosity();
  double vt = s.given_velocity;
  if (s.model != SettlingClosure::Model::Given) {
    vt = s.model == SettlingClosure::Model::Newton
             ? newton_settling_velocity(diameter, sd, s.drag_coefficient, net.fluid.gravity)
             : ruby_zanke_settling_velocity(diameter, sd, nu, net.fluid.gravity);
    const double ratio = diameter / net.riser.diameter;
    if (s.wall == SettlingClosure::Wall::Munroe) vt *= std::max(0.0, 1.0 - std::pow(ratio, 1.5));
    if (s.wall == SettlingClosure::Wall::RichardsonZaki) vt *= std::pow(10.0, -ratio);
  }
  net.ore.diameter = diameter;
  net.ore.settling_velocity = vt;
  net.ore.drag_coefficient = s.drag_coefficient;
  net.ore.hindered_exponent = s.rowe ? rowe_exponent(vt * diameter / nu) : s.fixed_exponent;
}

Network reference_design() {
  constexpr double pi = numerics::kPi;
  Network n;
  n.fluid = Fluid{};
  n.ore.settling_velocity = 1.2;
  n.ore.hindered_exponent = 2.4;
  n.pumps.curve = PumpCurve({0.0, 0.1, 0.2, 0.25}, {4.578e6, 4.35e6, 3.815e6, 3.2e6}, {0.0, 0.62, 0.78, 0.72});
  n.pumps.count = 2;
  n.pumps.series = true;
  n.pumps.rated_speed = n.pumps.speed = 2.0 * pi * 25.0;
  n.supply.name = "supply";
  n.supply.diameter = 0.20638;
  n.supply.count = 2;
  n.supply.minor_loss = 5.0;
  n.supply.sections = {{2000.0, pi / 2}};
  n.riser.name = "riser";
  n.riser.diameter = 0.23017;
  n.riser.sections = {{2000.0, pi / 2}};
  n.feeder.depth = 2000.0;
  n.feeder.loss_coefficient = 10.0;
  n.feeder.by_concentration = false;
  n.feeder.mass_rate = 5000.0e3 / 86400.0;
  n.separator.pressure_drop = 0.3e6;
  n.separator.reference_flow = 0.2;
  return n;
}

}  // namespace hadal::lift
