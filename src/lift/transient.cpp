// SPDX-License-Identifier: MIT
#include "lift/transient.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "lift/hydraulics.hpp"

namespace hadal::lift {
namespace {

double feeder_mean_rate(const Network& net, double q) { return net.ore_volume_rate(q); }

KOKKOS_INLINE_FUNCTION double minmod(double a, double b) {
  if (a * b <= 0.0) return 0.0;
  return std::fabs(a) < std::fabs(b) ? a : b;
}

void kahan_add(double& sum, double& comp, double value) {
  const double y = value - comp;
  const double t = sum + y;
  comp = (t - sum) - y;
  sum = t;
}

// Four riser sums at once (Kokkos 3.4 reductions over a struct need volatile joins).
struct RiserSumValue {
  double statics = 0, mixture_excess = 0, worster = 0, inertance = 0;
  KOKKOS_INLINE_FUNCTION RiserSumValue() = default;
  KOKKOS_INLINE_FUNCTION RiserSumValue& operator+=(const RiserSumValue& o) {
    statics += o.statics; mixture_excess += o.mixture_excess; worster += o.worster; inertance += o.inertance;
    return *this;
  }
  KOKKOS_INLINE_FUNCTION void operator+=(const volatile RiserSumValue& o) volatile {
    statics += o.statics; mixture_excess += o.mixture_excess; worster += o.worster; inertance += o.inertance;
  }
};

}  // namespace

std::vector<std::string> series_columns() {
  return {"time_s", "flow_m3_per_h", "speed_ratio", "pump_pressure_Pa", "pump_power_W", "feeder_pressure_Pa",
          "feeder_overpressure_Pa", "top_concentration", "top_delivered_concentration", "production_t_per_day",
          "injection_t_per_day", "riser_ore_volume_m3", "max_concentration", "velocity_ratio"};
}

std::vector<double> series_row(const SeriesSample& s) {
  return {s.time, s.flow * 3600.0, s.speed_ratio, s.pump_pressure, s.pump_power, s.feeder_pressure,
          s.feeder_overpressure, s.top_concentration, s.top_delivered_concentration, s.production_t_per_day,
          s.injection_t_per_day, s.riser_inventory, s.max_concentration, s.velocity_ratio};
}

LoopTransient::LoopTransient(const Network& net, const TransientOptions& options)
    : net_(net),
      options_(options),
      drift_(net.drift_flux()),
      feeder_(net.feeder.cycle, feeder_mean_rate(net, net.pumps.rated_flow())) {
  SteadyOptions so;
  so.speed_ratio = options.speed_ratio;
  so.ore_scale = options.start_from_steady ? 1.0 : 0.0;
  steady_ = solve_steady(net, so);
  // A mass-rate feeder's mean rate does not depend on the flow; a concentration feeder follows the
  // steady flow (continuous control tracks the instantaneous flow instead, see advance()).
  feeder_ = FeederCycle(net.feeder.cycle, feeder_mean_rate(net, steady_.flow));
  riser_cells_ = make_cells(net.riser, options.cell_size, 0.0, true);
  supply_cells_ = make_cells(net.supply, options.cell_size, 0.0, false);
  n_ = static_cast<int>(riser_cells_.s.size());
  c_ = View("riser_concentration", n_);
  c_new_ = View("riser_concentration_new", n_);
  face_flux_ = View("riser_face_flux", n_ + 1);
  face_minus_ = View("riser_face_minus", n_);
  face_plus_ = View("riser_face_plus", n_);
  dx_ = View("riser_dx", n_);
  sin_ = View("riser_sin", n_);
  cos_ = View("riser_cos", n_);
  auto hdx = Kokkos::create_mirror_view(dx_);
  auto hsin = Kokkos::create_mirror_view(sin_);
  auto hcos = Kokkos::create_mirror_view(cos_);
  auto hc = Kokkos::create_mirror_view(c_);
  std::size_t cell = 0;
  for (std::size_t k = 0; k < net.riser.sections.size(); ++k) {
    const int nk = std::max(1, static_cast<int>(std::lround(net.riser.sections[k].length / options.cell_size)));
    for (int i = 0; i < nk; ++i, ++cell) hc(cell) = options.start_from_steady ? steady_.section_concentration[k] : 0.0;
  }
  for (int i = 0; i < n_; ++i) {
    hdx(i) = riser_cells_.length[i];
    hsin(i) = riser_cells_.sin_angle[i];
    hcos(i) = riser_cells_.cos_angle[i];
  }
  Kokkos::deep_copy(dx_, hdx);
  Kokkos::deep_copy(sin_, hsin);
  Kokkos::deep_copy(cos_, hcos);
  Kokkos::deep_copy(c_, hc);
  q_ = options.fixed_flow > 0.0 ? options.fixed_flow : steady_.flow;
  r_ = options.speed_ratio;
  ramp_from_ = ramp_to_ = r_;
  initial_inventory_ = riser_inventory();
  dx_host0_ = riser_cells_.length[0];
  last_injection_rate_ = feeder_.rate(0.0, true);
  if (net_.feeder.by_concentration && net_.feeder.cycle.control == TankCycle::Control::Continuous)
    last_injection_rate_ = net_.feeder.delivered_concentration * q_;
  last_top_flux_ = drift_.flux(hc(n_ - 1), riser_velocity(), hsin(n_ - 1));
  std::sort(options_.events.begin(), options_.events.end(),
            [](const TransientEvent& a, const TransientEvent& b) { return a.time < b.time; });
}

std::vector<double> LoopTransient::concentration() const {
  auto h = Kokkos::create_mirror_view(c_);
  Kokkos::deep_copy(h, c_);
  return std::vector<double>(h.data(), h.data() + n_);
}

void LoopTransient::set_concentration(const std::vector<double>& c) {
  auto h = Kokkos::create_mirror_view(c_);
  for (int i = 0; i < n_; ++i) h(i) = c[i];
  Kokkos::deep_copy(c_, h);
}

double LoopTransient::riser_inventory() const {
  const View c = c_, dx = dx_;
  double v = 0.0;
  Kokkos::parallel_reduce(
      "lift::inventory", n_, KOKKOS_LAMBDA(const int i, double& acc) { acc += c(i) * dx(i); }, v);
  return v * net_.riser.area();
}

double LoopTransient::conservation_error() const {
  const double expected = initial_inventory_ + injected_ - outflow_;
  const double scale = std::max(initial_inventory_ + injected_, 1e-30);
  return (riser_inventory() - expected) / scale;
}

LoopTransient::Sums LoopTransient::riser_sums() const {
  const View c = c_, dx = dx_, sn = sin_, cs = cos_;
  const RiserProperties props = RiserProperties::from(net_);
  RiserSumValue total;
  Kokkos::parallel_reduce(
      "lift::riser_sums", n_,
      KOKKOS_LAMBDA(const int i, RiserSumValue& acc) {
        const double rho_m = props.mixture_density(c(i));
        acc.statics += rho_m * props.gravity * sn(i) * dx(i);
        acc.mixture_excess += (rho_m / props.carrier_density - 1.0) * dx(i);
        acc.worster += c(i) * std::fabs(cs(i)) * dx(i);
        acc.inertance += rho_m * dx(i);
      },
      total);
  return {total.statics, total.mixture_excess, total.worster, total.inertance};
}

double LoopTransient::loop_resistance(double q, const Sums& sums, double c_bottom, double c_top) const {
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
  return sup.friction + sup.minor - sup.statics + feeder_loss(net_, q, c_bottom) + sums.statics +
         fg * net_.riser.length() + excess + riser_minor_loss(net_, q, c_top) + separator_loss(net_, q);
}

double LoopTransient::stable_dt(double cfl) const {
  const View c = c_, dx = dx_, sn = sin_;
  const DriftFlux drift = drift_;
  const double j = riser_velocity();
  double dt = 1e300;
  Kokkos::parallel_reduce(
      "lift::stable_dt", n_,
      KOKKOS_LAMBDA(const int i, double& m) {
        const double speed = std::fabs(drift.wave_speed(c(i), j, sn(i))) + 1e-12;
        const double local = dx(i) / speed;
        if (local < m) m = local;
      },
      Kokkos::Min<double>(dt));
  return cfl * dt;
}

double LoopTransient::scheduled_speed(double time) const {
  if (ramp_time_ <= 0.0) return ramp_to_;
  const double w = std::clamp((time - ramp_start_) / ramp_time_, 0.0, 1.0);
  return ramp_from_ + w * (ramp_to_ - ramp_from_);
}

void LoopTransient::apply_events(double time) {
  while (next_event_ < options_.events.size() && options_.events[next_event_].time <= time + 1e-9) {
    const TransientEvent& e = options_.events[next_event_++];
    switch (e.kind) {
      case TransientEvent::Kind::Trip:
        motor_on_ = false;
        break;
      case TransientEvent::Kind::Restart:
        restart_pressure_at_event_ = restart_pressure();
        restart_time_ = e.time;
        bed_at_restart_ = bed_length();
        [[fallthrough]];
      case TransientEvent::Kind::Speed:
        motor_on_ = true;
        ramp_from_ = r_;
        ramp_to_ = e.speed_ratio;
        ramp_start_ = e.time;
        ramp_time_ = e.ramp_time;
        break;
      case TransientEvent::Kind::FeederStop: feeder_on_ = false; break;
      case TransientEvent::Kind::FeederStart: feeder_on_ = true; break;
    }
  }
}

void LoopTransient::solve_flow(double time, double dt) {
  if (options_.fixed_flow > 0.0) {
    dqdt_ = 0.0;
    q_ = options_.fixed_flow;
    return;
  }
  const Sums sums = riser_sums();
  double c_ends[2];
  {
    auto hb = Kokkos::subview(c_, 0);
    auto ht = Kokkos::subview(c_, n_ - 1);
    Kokkos::View<double, Kokkos::HostSpace> b("b"), t("t");
    Kokkos::deep_copy(b, hb);
    Kokkos::deep_copy(t, ht);
    c_ends[0] = b();
    c_ends[1] = t();
  }
  const double inertance = supply_inertance(net_) + sums.inertance / net_.riser.area();
  const double omega0 = net_.pumps.rated_speed;
  const double rotor = net_.pumps.inertia * net_.pumps.count * omega0 * omega0;  // J w0^2
  const double q0 = q_, r0 = r_;
  const bool free_rundown = !motor_on_;
  const double r_target = scheduled_speed(time + dt);

  auto f1 = [&](double q, double r) {
    return inertance * (q - q0) / dt - net_.pumps.pressure_rise(q, r) + loop_resistance(q, sums, c_ends[0], c_ends[1]);
  };
  auto f2 = [&](double q, double r) { return rotor * r * (r - r0) / dt + net_.pumps.shaft_power(q, r); };

  double q = q0, r = free_rundown ? r0 : r_target;
  const double hq = 1e-7, hr = 1e-7;
  for (int it = 0; it < 50; ++it) {
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
  if (net_.pumps.check_valve && q < 0.0) {
    // The non-return valve closes: no reverse flow; the pump keeps running down against it.
    q = 0.0;
    if (free_rundown) {
      for (int it = 0; it < 50; ++it) {
        const double b = f2(0.0, r);
        const double db = (f2(0.0, r + hr) - f2(0.0, r - hr)) / (2 * hr);
        const double step = b / db;
        r = std::max(r - step, 0.0);
        if (std::fabs(step) < 1e-13) break;
      }
    }
  }
  if (!std::isfinite(q) || !std::isfinite(r))
    throw NumericalError("lift transient: loop flow became non-finite at t = " + std::to_string(time) + " s");
  dqdt_ = (q - q0) / dt;
  q_ = q;
  r_ = r;
}

void LoopTransient::transport(double dt, double injected) {
  const View c = c_, cn = c_new_, flux = face_flux_, dx = dx_, sn = sin_;
  const DriftFlux drift = drift_;
  const double j = riser_velocity();
  const double cmax = net_.ore.packing_limit;
  const int n = n_;
  // MUSCL-Hancock: each cell's two face states, advanced half a step with the cell's own flux
  // difference, computed once per cell (the costly part is the power in the hindered-settling term).
  const View cm = face_minus_, cp = face_plus_;
  Kokkos::parallel_for(
      "lift::reconstruct", n, KOKKOS_LAMBDA(const int i) {
        const double slope = (i > 0 && i < n - 1) ? minmod(c(i) - c(i - 1), c(i + 1) - c(i)) : 0.0;
        double lo = c(i) - 0.5 * slope, hi = c(i) + 0.5 * slope;
        if (slope != 0.0) {
          const double half = 0.5 * dt / dx(i) * (drift.flux(hi, j, sn(i)) - drift.flux(lo, j, sn(i)));
          lo -= half;
          hi -= half;
        }
        cm(i) = lo < 0.0 ? 0.0 : (lo > cmax ? cmax : lo);
        cp(i) = hi < 0.0 ? 0.0 : (hi > cmax ? cmax : hi);
      });
  Kokkos::parallel_for(
      "lift::faces", n + 1, KOKKOS_LAMBDA(const int f) {
        if (f == 0) {
          flux(f) = 0.0;  // nothing enters from the supply side; the feeder is a source in cell 0
          return;
        }
        if (f == n) {
          // outflow to the separator only; no solids come back down from the ship
          const double out = drift.flux(c(n - 1), j, sn(n - 1));
          const double cap = c(n - 1) * dx(n - 1) / dt;
          flux(f) = out > 0.0 ? (out < cap ? out : cap) : 0.0;
          return;
        }
        const int l = f - 1, r = f;
        // At a joint between sections of different inclination the flux function jumps: take the
        // upwind section's (by the sign of the wave speed), so a steady state is exactly preserved.
        double s_face = sn(l);
        if (sn(l) != sn(r) && drift.wave_speed(cp(l), j, sn(l)) < 0.0) s_face = sn(r);
        double F = drift.godunov_flux(cp(l), cm(r), j, s_face);
        // Positivity and packing limiter. Upward transport obeys a maximum principle (F' > 0 where it
        // carries solids up), so only downward (settling) fluxes can pile solids above the packing
        // limit: they stop when the cell below is packed, which is how a settled bed builds up. No
        // face moves more than its donor holds.
        if (F > 0.0) {
          const double have = c(l) * dx(l) / dt;
          F = F < have ? F : have;
        } else if (F < 0.0) {
          const double room = cmax - c(l) > 0.0 ? (cmax - c(l)) * dx(l) / dt : 0.0;
          const double have = c(r) * dx(r) / dt;
          F = -F < room ? F : -room;
          F = -F < have ? F : -have;
        }
        flux(f) = F;
      });
  const double area = net_.riser.area();
  Kokkos::parallel_for(
      "lift::update", n, KOKKOS_LAMBDA(const int i) { cn(i) = c(i) - dt / dx(i) * (flux(i + 1) - flux(i)); });
  Kokkos::fence();
  // The feeder cannot push ore into a packed merging section: what does not fit stays in the feeder
  // (choked) and is not counted as injected, so the solids balance stays exact.
  {
    Kokkos::View<double, Kokkos::HostSpace> bottom("bottom");
    Kokkos::deep_copy(bottom, Kokkos::subview(cn, 0));
    const double room = std::max(0.0, cmax - bottom()) * area * dx_host0_;
    const double accepted = std::min(injected, room);
    if (accepted < injected) {
      kahan_add(rejected_, rejected_comp_, injected - accepted);
      if (choked_time_ < 0.0) choked_time_ = current_time_;
    }
    injected = accepted;
    bottom() += accepted / (area * dx_host0_);
    Kokkos::deep_copy(Kokkos::subview(cn, 0), bottom);
  }
  std::swap(c_, c_new_);
  Kokkos::View<double, Kokkos::HostSpace> top("top");
  Kokkos::deep_copy(top, Kokkos::subview(face_flux_, n_));
  last_top_flux_ = top();
  kahan_add(outflow_, outflow_comp_, last_top_flux_ * area * dt);
  kahan_add(injected_, injected_comp_, injected);
  last_injection_rate_ = injected / dt;
}

void LoopTransient::advance(double time, double dt) {
  current_time_ = time;
  apply_events(time);
  solve_flow(time, dt);
  double injected;
  if (net_.feeder.by_concentration && net_.feeder.cycle.control == TankCycle::Control::Continuous)
    injected = feeder_on_ ? net_.feeder.delivered_concentration * std::max(q_, 0.0) * dt : 0.0;
  else
    injected = feeder_.advance(time, dt, feeder_on_);
  transport(dt, injected);
  check_alarms(time + dt);
}

void LoopTransient::check_alarms(double time) {
  const View c = c_;
  using MaxLoc = Kokkos::MaxLoc<double, int>;
  MaxLoc::value_type best;
  Kokkos::parallel_reduce(
      "lift::max_c", n_,
      KOKKOS_LAMBDA(const int i, MaxLoc::value_type& m) {
        if (c(i) > m.val) { m.val = c(i); m.loc = i; }
      },
      MaxLoc(best));
  const double threshold = net_.blockage.solids_threshold;
  int lowest = n_;
  Kokkos::parallel_reduce(
      "lift::lowest_solids", n_,
      KOKKOS_LAMBDA(const int i, int& m) {
        if (c(i) > threshold && i < m) m = i;
      },
      Kokkos::Min<int>(lowest));
  max_c_seen_ = std::max(max_c_seen_, best.val);
  if (!packing_.raised && best.val >= net_.blockage.concentration) {
    packing_ = {true, time, riser_cells_.s[best.loc], riser_cells_.depth[best.loc], best.val};
  }
  if (lowest < n_) {
    const double ratio = riser_velocity() / net_.ore.settling_velocity;
    const double margin = ratio / net_.blockage.velocity_ratio;
    min_margin_ = std::min(min_margin_, margin);
    if (!velocity_.raised && margin < 1.0)
      velocity_ = {true, time, riser_cells_.s[lowest], riser_cells_.depth[lowest], ratio};
  }
}

double LoopTransient::pump_pressure() const { return net_.pumps.pressure_rise(q_, r_); }
double LoopTransient::pump_power() const { return net_.pumps.shaft_power(q_, r_); }

double LoopTransient::restart_pressure() const {
  return riser_sums().statics - supply_terms(net_, 0.0).statics;
}

double LoopTransient::bed_length() const {
  const View c = c_, dx = dx_;
  const double limit = 0.99 * net_.ore.packing_limit;
  double len = 0.0;
  Kokkos::parallel_reduce(
      "lift::bed", n_, KOKKOS_LAMBDA(const int i, double& acc) { if (c(i) >= limit) acc += dx(i); }, len);
  return len;
}

SeriesSample LoopTransient::sample(double time) const {
  SeriesSample s{};
  const std::vector<double> c = concentration();
  const double j = riser_velocity();
  s.time = time;
  s.flow = q_;
  s.speed_ratio = r_;
  s.pump_pressure = pump_pressure();
  s.pump_power = pump_power();
  const SupplyTerms sup = supply_terms(net_, q_);
  s.feeder_pressure = s.pump_pressure + sup.statics - sup.friction - sup.minor - supply_inertance(net_) * dqdt_;
  s.feeder_overpressure = s.feeder_pressure - net_.fluid.water_density * net_.fluid.gravity * net_.feeder.depth;
  s.top_concentration = c.back();
  s.top_delivered_concentration = j > 1e-9 ? last_top_flux_ / j : 0.0;
  s.production_t_per_day = last_top_flux_ * net_.riser.area() * net_.ore.density * 86.4;
  s.injection_t_per_day = last_injection_rate_ * net_.ore.density * 86.4;
  s.riser_inventory = riser_inventory();
  s.max_concentration = *std::max_element(c.begin(), c.end());
  s.velocity_ratio = j / net_.ore.settling_velocity;
  return s;
}

PipeProfile LoopTransient::supply_profile() const {
  PipeProfile prof;
  const double rho = net_.fluid.carrier_density();
  const double v = q_ / (net_.supply.count * net_.supply.area());
  const double fg = friction_gradient(net_.friction_law, rho, net_.fluid.carrier_viscosity(), net_.supply.diameter,
                                      net_.supply.roughness, v);
  const double accel = rho * dqdt_ / (net_.supply.count * net_.supply.area());
  double p = pump_pressure();
  for (std::size_t i = 0; i < supply_cells_.s.size(); ++i) {
    const double half = 0.5 * supply_cells_.length[i] * (fg + accel - rho * net_.fluid.gravity * supply_cells_.sin_angle[i]);
    p -= half;
    prof.s.push_back(supply_cells_.s[i]);
    prof.depth.push_back(supply_cells_.depth[i]);
    prof.pressure.push_back(p);
    prof.ambient.push_back(net_.fluid.water_density * net_.fluid.gravity * supply_cells_.depth[i]);
    prof.concentration.push_back(0.0);
    prof.solids_velocity.push_back(0.0);
    p -= half;
  }
  return prof;
}

PipeProfile LoopTransient::riser_profile() const {
  PipeProfile prof;
  const std::vector<double> c = concentration();
  const RiserProperties props = RiserProperties::from(net_);
  const double j = riser_velocity();
  const double accel = dqdt_ / net_.riser.area();
  const SeriesSample s = sample(0.0);
  double p = s.feeder_pressure - feeder_loss(net_, q_, c.front());
  for (int i = 0; i < n_; ++i) {
    const RiserGradient g = props.gradient(c[i], j, riser_cells_.sin_angle[i], riser_cells_.cos_angle[i]);
    const double grad = g.statics + g.friction + g.excess + props.mixture_density(c[i]) * accel;
    p -= 0.5 * riser_cells_.length[i] * grad;
    prof.s.push_back(riser_cells_.s[i]);
    prof.depth.push_back(riser_cells_.depth[i]);
    prof.pressure.push_back(p);
    prof.ambient.push_back(net_.fluid.water_density * net_.fluid.gravity * riser_cells_.depth[i]);
    prof.concentration.push_back(c[i]);
    prof.solids_velocity.push_back(drift_.solids_velocity(c[i], j, riser_cells_.sin_angle[i]));
    p -= 0.5 * riser_cells_.length[i] * grad;
  }
  return prof;
}

std::vector<double> LoopTransient::scalar_state() const {
  std::vector<double> s = {q_, r_, dqdt_, motor_on_ ? 1.0 : 0.0, feeder_on_ ? 1.0 : 0.0, ramp_from_, ramp_to_,
                           ramp_start_, ramp_time_, static_cast<double>(next_event_), injected_, injected_comp_,
                           outflow_, outflow_comp_, initial_inventory_, last_injection_rate_, last_top_flux_,
                           min_margin_, restart_pressure_at_event_, restart_time_, max_c_seen_, bed_at_restart_,
                           rejected_, rejected_comp_, choked_time_};
  for (const AlarmRecord* a : {&packing_, &velocity_}) {
    s.push_back(a->raised ? 1.0 : 0.0);
    s.push_back(a->time);
    s.push_back(a->position);
    s.push_back(a->depth);
    s.push_back(a->value);
  }
  const std::vector<double> f = feeder_.state();
  s.insert(s.end(), f.begin(), f.end());
  return s;
}

void LoopTransient::restore_scalar_state(const std::vector<double>& s) {
  std::size_t k = 0;
  q_ = s[k++]; r_ = s[k++]; dqdt_ = s[k++];
  motor_on_ = s[k++] != 0.0; feeder_on_ = s[k++] != 0.0;
  ramp_from_ = s[k++]; ramp_to_ = s[k++]; ramp_start_ = s[k++]; ramp_time_ = s[k++];
  next_event_ = static_cast<std::size_t>(s[k++]);
  injected_ = s[k++]; injected_comp_ = s[k++]; outflow_ = s[k++]; outflow_comp_ = s[k++];
  initial_inventory_ = s[k++]; last_injection_rate_ = s[k++]; last_top_flux_ = s[k++];
  min_margin_ = s[k++]; restart_pressure_at_event_ = s[k++]; restart_time_ = s[k++]; max_c_seen_ = s[k++];
  bed_at_restart_ = s[k++];
  rejected_ = s[k++]; rejected_comp_ = s[k++]; choked_time_ = s[k++];
  for (AlarmRecord* a : {&packing_, &velocity_}) {
    a->raised = s[k++] != 0.0;
    a->time = s[k++];
    a->position = s[k++];
    a->depth = s[k++];
    a->value = s[k++];
  }
  feeder_.restore(std::vector<double>(s.begin() + k, s.end()));
}

}  // namespace hadal::lift
