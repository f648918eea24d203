// SPDX-License-Identifier: MIT
#include "lift/rigid_loop.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "lift/hydraulics.hpp"

namespace hadal::lift {

RigidLoop::RigidLoop(const Network& net, const TransientOptions& options) : LoopModel(net, options) {
  q_ = options.fixed_flow > 0.0 ? options.fixed_flow : steady_.flow;
  r_ = options.speed_ratio;
  solids_.set_uniform_velocity(riser_velocity());
  const bool with_the_flow = net_.feeder.by_concentration && net_.feeder.cycle.control == TankCycle::Control::Continuous;
  solids_.start(with_the_flow ? net_.feeder.delivered_concentration * q_ : feeder_.rate(0.0, true));
}

std::array<double, kValveLocations> RigidLoop::openings(double time) const {
  std::array<double, kValveLocations> tau{};
  for (int k = 0; k < kValveLocations; ++k) tau[k] = schedule_.valve_opening(static_cast<ValveLocation>(k), time);
  return tau;
}

double RigidLoop::loop_resistance(double q, const Sums& sums, double c_bottom, double c_top,
                                  const std::array<double, kValveLocations>& opening) const {
  const SupplyTerms sup = supply_terms(net_, q);
  const RiserProperties props = RiserProperties::from(net_);
  const double j = q / net_.riser.area();
  const double fg = friction_gradient(props.law, props.carrier_density, props.carrier_viscosity, props.diameter,
                                      props.roughness, j);
  double excess = 0.0;
  if (props.solids == SolidsFriction::Mixture) {
    excess = fg * sums.mixture_excess;
  } else if (props.solids == SolidsFriction::WorsterDenny) {
    const double sd = props.solids_density / props.carrier_density - 1.0;
    excess = durand_phi(props.durand_coefficient, j, props.diameter, sd, props.drag_coefficient, props.gravity) * fg *
             sums.worster;
  }
  const double valves = valve_loss(net_, ValveLocation::PumpDischarge, q, 0.0, opening[0]) +
                        valve_loss(net_, ValveLocation::Feeder, q, c_bottom, opening[1]) +
                        valve_loss(net_, ValveLocation::RiserTop, q, c_top, opening[2]);
  return sup.friction + sup.minor - sup.statics + feeder_loss(net_, q, c_bottom) + sums.statics +
         fg * net_.riser.length() + excess + riser_minor_loss(net_, q, c_top) + separator_loss(net_, q) + valves;
}

void RigidLoop::solve_flow(double time, double dt) {
  if (options_.fixed_flow > 0.0) {
    dqdt_ = 0.0;
    q_ = options_.fixed_flow;
    return;
  }
  const Sums sums = riser_sums();
  const double c_bottom = solids_.bottom_concentration(), c_top = solids_.top_concentration();
  const double inertance = supply_inertance(net_) + sums.inertance / net_.riser.area();
  const double omega0 = net_.pumps.rated_speed;
  const double rotor = net_.pumps.inertia * net_.pumps.count * omega0 * omega0;  // J w0^2
  const double q0 = q_, r0 = r_;
  const bool free_rundown = !schedule_.motor_on();
  const double r_target = schedule_.speed_target(time + dt);
  const auto tau = openings(time + dt);
  bool shut = false;
  for (int k = 0; k < kValveLocations; ++k)
    shut = shut || (net_.valve(static_cast<ValveLocation>(k)) != nullptr && tau[k] <= 0.0);

  auto f1 = [&](double q, double r) {
    return inertance * (q - q0) / dt - net_.pumps.pressure_rise(q, r) + loop_resistance(q, sums, c_bottom, c_top, tau);
  };
  auto f2 = [&](double q, double r) { return rotor * r * (r - r0) / dt + net_.pumps.shaft_power(q, r); };

  double q = q0, r = free_rundown ? r0 : r_target;
  const double hq = 1e-7, hr = 1e-7;
  for (int it = 0; it < 50 && !shut; ++it) {
    if (!free_rundown) {
      const double g = f1(q, r);
      const double dg = (f1(q + hq, r) - f1(q - hq, r)) / (2 * hq);
      const double step = g / dg;
      q -= step;
      if (std::fabs(step) < 1e-13) break;
    } else {
      const double a = f1(q, r), b = f2(q, r);
      const double a_q = (f1(q + hq, r) - f1(q - hq, r)) / (2 * hq);
      const double a_r = (f1(q, r + hr) - f1(q, r - hr)) / (2 * hr);
      const double b_q = (f2(q + hq, r) - f2(q - hq, r)) / (2 * hq);
      const double b_r = (f2(q, r + hr) - f2(q, r - hr)) / (2 * hr);
      const double det = a_q * b_r - a_r * b_q;
      const double dq = (a * b_r - a_r * b) / det;
      const double dr = (a_q * b - b_q * a) / det;
      q -= dq;
      r = std::max(r - dr, 0.0);
      if (std::fabs(dq) < 1e-13 && std::fabs(dr) < 1e-13) break;
    }
  }
  if (shut || (net_.pumps.check_valve && q < 0.0)) {
    // A shut valve or the closed non-return valve holds the column; the pumps run down against it.
    q = 0.0;
    if (free_rundown) r = net_.pumps.run_down(0.0, r0, dt);
  }
  if (!std::isfinite(q) || !std::isfinite(r))
    throw NumericalError("lift transient: loop flow became non-finite at t = " + std::to_string(time) + " s");
  dqdt_ = (q - q0) / dt;
  q_ = q;
  r_ = r;
}

void RigidLoop::advance(double time, double dt) {
  apply_events(time);
  solve_flow(time, dt);
  time_ = time + dt;
  solids_.set_uniform_velocity(riser_velocity());
  solids_.transport(time, dt, feeder_offer(time, dt, q_));
  solids_.check_alarms(time + dt);
}

double RigidLoop::pump_pressure() const { return net_.pumps.pressure_rise(q_, r_); }
double RigidLoop::pump_power() const { return net_.pumps.shaft_power(q_, r_); }

double RigidLoop::feeder_pressure() const {
  const SupplyTerms sup = supply_terms(net_, q_);
  const double valve = valve_loss(net_, ValveLocation::PumpDischarge, q_, 0.0, openings(time_)[0]);
  return pump_pressure() - valve + sup.statics - sup.friction - sup.minor - supply_inertance(net_) * dqdt_;
}

PipeProfile RigidLoop::supply_profile() const {
  const double accel = net_.fluid.carrier_density() * dqdt_ / (net_.supply.count * net_.supply.area());
  const double top = pump_pressure() - valve_loss(net_, ValveLocation::PumpDischarge, q_, 0.0, openings(time_)[0]);
  return lift::supply_profile(net_, supply_cells_, q_, top, accel);
}

PipeProfile RigidLoop::riser_profile() const {
  const std::vector<double> c = concentration();
  const double bottom = feeder_pressure() - feeder_loss(net_, q_, c.front()) -
                        valve_loss(net_, ValveLocation::Feeder, q_, c.front(), openings(time_)[1]);
  return lift::riser_profile(net_, riser_cells_, q_, bottom, c, dqdt_ / net_.riser.area());
}

void RigidLoop::restore_flow_state(const std::vector<double>& s, std::size_t& k) {
  q_ = s[k++];
  r_ = s[k++];
  dqdt_ = s[k++];
  time_ = s[k++];
  solids_.set_uniform_velocity(riser_velocity());
}

}  // namespace hadal::lift
