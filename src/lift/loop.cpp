// SPDX-License-Identifier: MIT
#include "lift/loop.hpp"

#include <algorithm>
#include <cmath>

#include "lift/hydraulics.hpp"

namespace hadal::lift {
namespace {

SteadyResult steady_start(const Network& net, const TransientOptions& options) {
  SteadyOptions so;
  so.speed_ratio = options.speed_ratio;
  so.ore_scale = options.start_from_steady ? 1.0 : 0.0;
  return solve_steady(net, so);
}

// In-situ concentration per riser cell: each section's steady value, or clear carrier.
std::vector<double> initial_concentration(const Network& net, const TransientOptions& options,
                                          const SteadyResult& steady) {
  std::vector<double> c;
  for (std::size_t k = 0; k < net.riser.sections.size(); ++k) {
    const int nk = std::max(1, static_cast<int>(std::lround(net.riser.sections[k].length / options.cell_size)));
    for (int i = 0; i < nk; ++i) c.push_back(options.start_from_steady ? steady.section_concentration[k] : 0.0);
  }
  return c;
}

// A concentration feeder with continuous control tracks the instantaneous flow; the others follow a cycle.
bool feeds_with_the_flow(const Network& net) {
  return net.feeder.by_concentration && net.feeder.cycle.control == TankCycle::Control::Continuous;
}

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

LoopModel::LoopModel(const Network& net, const TransientOptions& options)
    : net_(net),
      options_(options),
      steady_(steady_start(net, options)),
      riser_cells_(make_cells(net.riser, options.cell_size, 0.0, true)),
      supply_cells_(make_cells(net.supply, options.cell_size, 0.0, false)),
      schedule_(options.events, options.speed_ratio),
      // A mass-rate feeder's mean rate does not depend on the flow; a concentration feeder follows the
      // steady flow (continuous control tracks the instantaneous flow instead, see feeder_offer()).
      feeder_(net.feeder.cycle, net.ore_volume_rate(steady_.flow)),
      solids_(net, riser_cells_, initial_concentration(net, options, steady_)) {}

LoopModel::Sums LoopModel::riser_sums() const {
  // Four riser sums at once (Kokkos 3.4 reductions over a struct need volatile joins).
  struct Value {
    double statics = 0, mixture_excess = 0, worster = 0, inertance = 0;
    KOKKOS_INLINE_FUNCTION Value() = default;
    KOKKOS_INLINE_FUNCTION Value& operator+=(const Value& o) {
      statics += o.statics; mixture_excess += o.mixture_excess; worster += o.worster; inertance += o.inertance;
      return *this;
    }
    KOKKOS_INLINE_FUNCTION void operator+=(const volatile Value& o) volatile {
      statics += o.statics; mixture_excess += o.mixture_excess; worster += o.worster; inertance += o.inertance;
    }
  };
  const SolidsTransport::View c = solids_.concentration_view(), dx = solids_.cell_length(), sn = solids_.cell_sine(),
                              cs = solids_.cell_cosine();
  const RiserProperties props = RiserProperties::from(net_);
  Value total;
  Kokkos::parallel_reduce(
      "lift::riser_sums", cells(),
      KOKKOS_LAMBDA(const int i, Value& acc) {
        const double rho_m = props.mixture_density(c(i));
        acc.statics += rho_m * props.gravity * sn(i) * dx(i);
        acc.mixture_excess += (rho_m / props.carrier_density - 1.0) * dx(i);
        acc.worster += c(i) * std::fabs(cs(i)) * dx(i);
        acc.inertance += rho_m * dx(i);
      },
      total);
  return {total.statics, total.mixture_excess, total.worster, total.inertance};
}

double LoopModel::restart_pressure() const { return riser_sums().statics - supply_terms(net_, 0.0).statics; }

void LoopModel::apply_events(double time) {
  for (const TransientEvent& e : schedule_.apply(time, speed_ratio())) {
    if (e.kind != TransientEvent::Kind::Restart) continue;
    restart_pressure_at_event_ = restart_pressure();
    restart_time_ = e.time;
    bed_at_restart_ = bed_length();
  }
}

double LoopModel::feeder_offer(double time, double dt, double q) {
  if (feeds_with_the_flow(net_))
    return schedule_.feeder_on() ? net_.feeder.delivered_concentration * std::max(q, 0.0) * dt : 0.0;
  return feeder_.advance(time, dt, schedule_.feeder_on());
}

SeriesSample LoopModel::sample(double time) const {
  SeriesSample s{};
  const std::vector<double> c = concentration();
  const double j = riser_velocity();
  Kokkos::View<double, Kokkos::HostSpace> top_face("top_face");
  Kokkos::deep_copy(top_face, Kokkos::subview(solids_.face_velocity(), cells()));
  s.time = time;
  s.flow = flow();
  s.speed_ratio = speed_ratio();
  s.pump_pressure = pump_pressure();
  s.pump_power = pump_power();
  s.feeder_pressure = feeder_pressure();
  s.feeder_overpressure = s.feeder_pressure - net_.fluid.water_density * net_.fluid.gravity * net_.feeder.depth;
  s.top_concentration = c.back();
  s.top_delivered_concentration = top_face() > 1e-9 ? solids_.last_top_flux() / top_face() : 0.0;
  s.production_t_per_day = solids_.last_top_flux() * net_.riser.area() * net_.ore.density * 86.4;
  s.injection_t_per_day = solids_.last_injection_rate() * net_.ore.density * 86.4;
  s.riser_inventory = riser_inventory();
  s.max_concentration = *std::max_element(c.begin(), c.end());
  s.velocity_ratio = j / net_.ore.settling_velocity;
  return s;
}

std::vector<double> LoopModel::scalar_state() const {
  std::vector<double> s = flow_state();
  s.insert(s.end(), {restart_pressure_at_event_, restart_time_, bed_at_restart_});
  const std::vector<double> sched = schedule_.state(), sol = solids_.state(), feed = feeder_.state();
  s.insert(s.end(), sched.begin(), sched.end());
  s.insert(s.end(), sol.begin(), sol.end());
  s.insert(s.end(), feed.begin(), feed.end());
  return s;
}

void LoopModel::restore_scalar_state(const std::vector<double>& s) {
  std::size_t k = 0;
  restore_flow_state(s, k);
  restart_pressure_at_event_ = s[k++];
  restart_time_ = s[k++];
  bed_at_restart_ = s[k++];
  schedule_.restore(s, k);
  solids_.restore(s, k);
  feeder_.restore(std::vector<double>(s.begin() + static_cast<std::ptrdiff_t>(k), s.end()));
}

}  // namespace hadal::lift
