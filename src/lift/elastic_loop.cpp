// SPDX-License-Identifier: MIT
#include "lift/elastic_loop.hpp"

#include <algorithm>
#include <cmath>

#include "lift/hydraulics.hpp"

namespace hadal::lift {
namespace {

AcousticPipeSpec pipe_spec(const Network& net, const Pipe& pipe, const PipeCells& cells, bool ascending,
                           double velocity, const ElasticOptions& options) {
  AcousticPipeSpec s;
  s.cells = cells;
  s.ascending = ascending;
  s.diameter = pipe.diameter;
  s.roughness = pipe.roughness;
  s.count = pipe.count;
  s.law = net.friction_law;
  s.kinematic_viscosity = net.fluid.carrier_viscosity();
  if (options.unsteady_friction)
    s.unsteady_coefficient = options.brunone_coefficient >= 0.0
                                 ? options.brunone_coefficient
                                 : vardy_brown_coefficient(velocity * pipe.diameter / s.kinematic_viscosity);
  s.cavitation = options.cavitation;
  s.vapour_pressure = net.fluid.vapour_pressure - net.fluid.atmospheric_pressure;
  s.speed_range = std::max(20.0, 4.0 * std::fabs(velocity));
  s.gravity = net.fluid.gravity;
  return s;
}

std::vector<AcousticPipeSpec> loop_pipes(const Network& net, const TransientOptions& options, const PipeCells& supply,
                                         const PipeCells& riser, double flow) {
  return {pipe_spec(net, net.supply, supply, false, flow / (net.supply.count * net.supply.area()), options.elastic),
          pipe_spec(net, net.riser, riser, true, flow / net.riser.area(), options.elastic)};
}

// Index of the cell whose centre is nearest to `position` along the pipe.
int nearest_cell(const PipeCells& cells, double position) {
  int best = 0;
  for (int i = 1; i < static_cast<int>(cells.s.size()); ++i)
    if (std::fabs(cells.s[i] - position) < std::fabs(cells.s[best] - position)) best = i;
  return best;
}

}  // namespace

ElasticLoop::ElasticLoop(const Network& net, const TransientOptions& options)
    : LoopModel(net, options),
      pipes_(loop_pipes(net, options, supply_cells_, riser_cells_, steady_.flow)),
      courant_(options.elastic.courant),
      r_(options.speed_ratio),
      stations_(options.elastic.stations),
      station_interval_(options.elastic.station_interval) {
  const int ns = pipes_.cells(kSupply);
  const Pipe& s = net_.supply;
  const double supply_modulus =
      pipe_bulk_modulus(carrier_bulk_modulus(net_), s.diameter, s.wall_thickness, s.wall_modulus, s.restraint());
  pipes_.set_properties(kSupply, std::vector<double>(ns, net_.fluid.carrier_density()),
                        std::vector<double>(ns, supply_modulus), std::vector<double>(ns, 1.0));
  supply_wave_speed_ = lift::supply_wave_speed(net_);
  // Start in the steady state: the discrete equilibrium the scheme keeps, from the pump discharge down the
  // supply pipes, across the feeder and up the riser.
  const double q = steady_.flow;
  pump_flow_ = feeder_flow_ = top_flow_ = q;
  refresh_riser_properties();
  const double rho_c = net_.fluid.carrier_density(), vs = q / (s.count * s.area());
  pump_discharge_pressure_ = net_.pumps.pressure_rise(q, r_) - s.minor_loss * 0.5 * rho_c * vs * std::fabs(vs) -
                             valve_loss(net_, ValveLocation::PumpDischarge, q, 0.0, 1.0);
  feeder_inlet_pressure_ = pipes_.set_equilibrium(kSupply, pump_discharge_pressure_, vs);
  feeder_outlet_pressure_ =
      feeder_inlet_pressure_ - feeder_loss(net_, q, c_bottom_) - valve_loss(net_, ValveLocation::Feeder, q, c_bottom_, 1.0);
  riser_top_pressure_ = pipes_.set_equilibrium(kRiser, feeder_outlet_pressure_, q / net_.riser.area());
  solids_.set_uniform_velocity(q / net_.riser.area());
  const bool with_the_flow = net_.feeder.by_concentration && net_.feeder.cycle.control == TankCycle::Control::Continuous;
  solids_.start(with_the_flow ? net_.feeder.delivered_concentration * q : feeder_.rate(0.0, true));
  station_cells_ = Kokkos::View<int*>("lift_station_cells", stations_.size());
  auto h = Kokkos::create_mirror_view(station_cells_);
  for (std::size_t k = 0; k < stations_.size(); ++k) {
    const int pipe = stations_[k].riser ? kRiser : kSupply;
    h(k) = pipes_.offset(pipe) + nearest_cell(stations_[k].riser ? riser_cells_ : supply_cells_, stations_[k].position);
  }
  Kokkos::deep_copy(station_cells_, h);
  next_station_time_ = -1e300;  // the first step samples its start
}

double ElasticLoop::riser_velocity() const {
  const std::vector<double> v = pipes_.velocity(kRiser);
  double sum = 0.0, length = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    sum += v[i] * riser_cells_.length[i];
    length += riser_cells_.length[i];
  }
  return sum / length;
}

double ElasticLoop::mean_riser_wave_speed() const {
  double sum = 0.0;
  for (double c : concentration()) sum += riser_wave_speed(net_, c);
  return sum / cells();
}

void ElasticLoop::refresh_riser_properties() {
  const std::vector<double> c = concentration();
  const RiserProperties props = RiserProperties::from(net_);
  const Pipe& r = net_.riser;
  const int n = static_cast<int>(c.size());
  std::vector<double> rho(n), modulus(n), fmul(n);
  // Worster-Denny's Durand term acts on the riser's mean velocity (lagged by an outer step; at least
  // 0.1 m/s, below which the excess has no meaning).
  double phi = 0.0;
  if (props.solids == SolidsFriction::WorsterDenny) {
    const double j = std::max(std::fabs(pipes_.velocity(kRiser).empty() ? 0.0 : riser_velocity()), 0.1);
    phi = durand_phi(props.durand_coefficient, j, props.diameter, props.solids_density / props.carrier_density - 1.0,
                     props.drag_coefficient, props.gravity);
  }
  for (int i = 0; i < n; ++i) {
    rho[i] = props.mixture_density(c[i]);
    modulus[i] = pipe_bulk_modulus(slurry_bulk_modulus(net_, c[i]), r.diameter, r.wall_thickness, r.wall_modulus,
                                   r.restraint());
    // The closures' friction is rho_c f v|v|/(2D) times 1 (carrier), rho_m/rho_c (mixture) or
    // 1 + phi C |cos| (Worster-Denny); the momentum equation divides by rho_m.
    const double carrier = props.carrier_density / rho[i];
    fmul[i] = props.solids == SolidsFriction::Mixture
                  ? 1.0
                  : carrier * (1.0 + phi * c[i] * std::fabs(riser_cells_.cos_angle[i]));
  }
  pipes_.set_properties(kRiser, rho, modulus, fmul);
  c_bottom_ = c.front();
  c_top_ = c.back();
}

void ElasticLoop::substep(double time, double dt) {
  pipes_.predict(dt);
  const double mid = time + 0.5 * dt;
  const double rho_c = net_.fluid.carrier_density();
  const Pipe& s = net_.supply;
  auto opening = [&](ValveLocation v) { return schedule_.valve_opening(v, mid); };
  auto shut = [&](ValveLocation v) { return net_.valve(v) != nullptr && opening(v) <= 0.0; };
  const NodeSide suction{true, 0.0, {}}, tank{true, 0.0, {}};

  // Pumps: suction tank (gauge 0) to the supply pipes; the check valve holds reverse flow.
  const NodeSide supply_in{false, 0.0, pipes_.first_end(kSupply)};
  const double r_pump = schedule_.motor_on() ? schedule_.speed_target(mid) : r_;
  const double tau_pump = opening(ValveLocation::PumpDischarge);
  NodeFlow pump;
  if (shut(ValveLocation::PumpDischarge)) {
    pump = shut_node(suction, supply_in, dt);
  } else {
    pump = solve_node(
        suction, supply_in,
        [&](double q) {
          const double v = q / (s.count * s.area());  // supply local losses sit at the ship end
          return -net_.pumps.pressure_rise(q, r_pump) + s.minor_loss * 0.5 * rho_c * v * std::fabs(v) +
                 valve_loss(net_, ValveLocation::PumpDischarge, q, 0.0, tau_pump);
        },
        pump_flow_, dt);
    if (net_.pumps.check_valve && pump.flow < 0.0) pump = shut_node(suction, supply_in, dt);
  }
  pipes_.set_boundary(kSupply, false, pump.downstream_pressure, pump.downstream_velocity, pump.downstream_cavity);
  r_ = schedule_.motor_on() ? schedule_.speed_target(time + dt) : net_.pumps.run_down(pump.flow, r_, dt);
  pump_flow_ = pump.flow;
  pump_discharge_pressure_ = pump.downstream_pressure;

  // Feeder: the supply pipes' ends to the riser base through the merging section (and feeder valve).
  const NodeSide supply_out{false, 0.0, pipes_.last_end(kSupply)}, riser_in{false, 0.0, pipes_.first_end(kRiser)};
  const double tau_feeder = opening(ValveLocation::Feeder);
  const NodeFlow feeder =
      shut(ValveLocation::Feeder)
          ? shut_node(supply_out, riser_in, dt)
          : solve_node(
                supply_out, riser_in,
                [&](double q) {
                  return feeder_loss(net_, q, c_bottom_) + valve_loss(net_, ValveLocation::Feeder, q, c_bottom_, tau_feeder);
                },
                feeder_flow_, dt);
  pipes_.set_boundary(kSupply, true, feeder.upstream_pressure, feeder.upstream_velocity, feeder.upstream_cavity);
  pipes_.set_boundary(kRiser, false, feeder.downstream_pressure, feeder.downstream_velocity, feeder.downstream_cavity);
  feeder_flow_ = feeder.flow;
  feeder_inlet_pressure_ = feeder.upstream_pressure;
  feeder_outlet_pressure_ = feeder.downstream_pressure;

  // Riser outlet: local losses, riser-top valve and separator into the tank at the pumps' suction.
  const NodeSide riser_out{false, 0.0, pipes_.last_end(kRiser)};
  const double tau_top = opening(ValveLocation::RiserTop);
  const NodeFlow top = shut(ValveLocation::RiserTop)
                           ? shut_node(riser_out, tank, dt)
                           : solve_node(
                                 riser_out, tank,
                                 [&](double q) {
                                   return riser_minor_loss(net_, q, c_top_) + separator_loss(net_, q) +
                                          valve_loss(net_, ValveLocation::RiserTop, q, c_top_, tau_top);
                                 },
                                 top_flow_, dt);
  pipes_.set_boundary(kRiser, true, top.upstream_pressure, top.upstream_velocity, top.upstream_cavity);
  top_flow_ = top.flow;
  riser_top_pressure_ = top.upstream_pressure;

  pipes_.update(time, dt);
}

void ElasticLoop::advance(double time, double dt) {
  apply_events(time);
  if (time >= next_station_time_ - 1e-12) sample_stations(time);
  const int steps = std::max(1, static_cast<int>(std::ceil(dt * pipes_.max_wave_rate() / courant_ - 1e-9)));
  const double h = dt / steps;
  double fed = 0.0;  // volume through the feeder over the step
  step_energy_ = 0.0;
  for (int m = 0; m < steps; ++m) {
    const double t = time + m * h;
    substep(t, h);
    fed += feeder_flow_ * h;
    step_energy_ += pump_power() * h;
    if (t + h >= next_station_time_ - 1e-12) sample_stations(t + h);
  }
  acoustic_step_ = h;
  substeps_ = steps;
  time_ = time + dt;
  // The solids move with the volume that passed each riser face; the supply pipes carry none.
  pipes_.take_mean_face_velocity(kSupply, dt);
  const std::vector<double> j = pipes_.take_mean_face_velocity(kRiser, dt);
  {
    const Kokkos::View<const double*, Kokkos::HostSpace, Kokkos::MemoryUnmanaged> h_j(j.data(), j.size());
    Kokkos::deep_copy(solids_.face_velocity(), h_j);
  }
  solids_.transport(time, dt, feeder_offer(time, dt, fed / dt));
  solids_.check_alarms(time + dt);
  refresh_riser_properties();
}

std::vector<std::string> ElasticLoop::station_columns() const {
  std::vector<std::string> c = {"time_s",
                                "pump_flow_m3_per_h",
                                "speed_ratio",
                                "pump_pressure_Pa",
                                "pump_discharge_pressure_Pa",
                                "feeder_inlet_pressure_Pa",
                                "feeder_outlet_pressure_Pa",
                                "riser_top_pressure_Pa",
                                "supply_cavity_volume_m3",
                                "riser_cavity_volume_m3"};
  for (const Station& s : stations_) {
    c.push_back(s.name + "_pressure_Pa");
    c.push_back(s.name + "_velocity_m_per_s");
  }
  return c;
}

void ElasticLoop::sample_stations(double time) {
  std::vector<double> row = {time,
                             pump_flow_ * 3600.0,
                             r_,
                             pump_pressure(),
                             pump_discharge_pressure_,
                             feeder_inlet_pressure_,
                             feeder_outlet_pressure_,
                             riser_top_pressure_,
                             pipes_.total_cavity_volume(kSupply),
                             pipes_.total_cavity_volume(kRiser)};
  for (int k : {kSupply, kRiser}) {
    const double volume = row[8 + k];
    if (volume > cavity_peak_[k]) {
      cavity_peak_[k] = volume;
      cavity_peak_time_[k] = time;
    }
  }
  if (!stations_.empty()) {
    std::vector<double> p, v;
    pipes_.gather(station_cells_, p, v);
    for (std::size_t k = 0; k < p.size(); ++k) row.insert(row.end(), {p[k], v[k]});
  }
  station_rows_.push_back(row);
  if (next_station_time_ < -1e299) next_station_time_ = time;
  while (next_station_time_ <= time + 1e-12) next_station_time_ += station_interval_;
}

std::vector<std::vector<double>> ElasticLoop::take_station_rows() {
  std::vector<std::vector<double>> rows;
  rows.swap(station_rows_);
  return rows;
}

PipeProfile ElasticLoop::profile(int pipe) const {
  const bool riser = pipe == kRiser;
  const PipeCells& cells = riser ? riser_cells_ : supply_cells_;
  PipeProfile prof;
  prof.s = cells.s;
  prof.depth = cells.depth;
  prof.pressure = pipes_.pressure(pipe);
  for (double d : cells.depth) prof.ambient.push_back(net_.fluid.water_density * net_.fluid.gravity * d);
  const std::vector<double> v = pipes_.velocity(pipe);
  prof.concentration = riser ? concentration() : std::vector<double>(cells.s.size(), 0.0);
  const DriftFlux drift = net_.drift_flux();
  for (std::size_t i = 0; i < cells.s.size(); ++i)
    prof.solids_velocity.push_back(riser ? drift.solids_velocity(prof.concentration[i], v[i], cells.sin_angle[i]) : 0.0);
  prof.pressure_max = pipes_.pressure_max(pipe);
  prof.pressure_min = pipes_.pressure_min(pipe);
  prof.cavity_volume = pipes_.cavity_volume(pipe);
  return prof;
}

PipeProfile ElasticLoop::riser_profile() const { return profile(kRiser); }
PipeProfile ElasticLoop::supply_profile() const { return profile(kSupply); }

PressureExtreme ElasticLoop::extreme(bool maximum, bool relative) const {
  PressureExtreme best;
  bool found = false;
  for (int pipe : {kSupply, kRiser}) {
    const PipeCells& cells = pipe == kRiser ? riser_cells_ : supply_cells_;
    const std::vector<double> p = maximum ? pipes_.pressure_max(pipe) : pipes_.pressure_min(pipe);
    const std::vector<double> t = maximum ? pipes_.time_of_max(pipe) : pipes_.time_of_min(pipe);
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double ambient = net_.fluid.water_density * net_.fluid.gravity * cells.depth[i];
      // Burst: pipe over seawater at the maximum; collapse: seawater over pipe at the minimum.
      const double value = relative ? (maximum ? p[i] - ambient : ambient - p[i]) : p[i];
      const bool better = !found || (maximum || relative ? value > best.value : value < best.value);
      if (better) {
        best = {value, pipe == kRiser, cells.s[i], cells.depth[i], t[i]};
        found = true;
      }
    }
  }
  return best;
}

PressureExtreme ElasticLoop::maximum_pressure() const { return extreme(true, false); }
PressureExtreme ElasticLoop::minimum_pressure() const { return extreme(false, false); }
PressureExtreme ElasticLoop::maximum_overpressure() const { return extreme(true, true); }
PressureExtreme ElasticLoop::maximum_underpressure() const { return extreme(false, true); }

PressureExtreme ElasticLoop::first_cavity() const {
  PressureExtreme first{-1.0, true, 0.0, 0.0, 0.0};
  for (int pipe : {kSupply, kRiser}) {
    const PipeCells& cells = pipe == kRiser ? riser_cells_ : supply_cells_;
    const std::vector<double> t = pipes_.first_cavity_time(pipe);
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i] >= 0.0 && (first.value < 0.0 || t[i] < first.time))
        first = {1.0, pipe == kRiser, cells.s[i], cells.depth[i], t[i]};
  }
  return first;
}

std::vector<double> ElasticLoop::flow_state() const {
  std::vector<double> s = {r_,
                           pump_flow_,
                           feeder_flow_,
                           top_flow_,
                           pump_discharge_pressure_,
                           feeder_inlet_pressure_,
                           feeder_outlet_pressure_,
                           riser_top_pressure_,
                           time_,
                           acoustic_step_,
                           substeps_,
                           next_station_time_,
                           cavity_peak_[0],
                           cavity_peak_[1],
                           cavity_peak_time_[0],
                           cavity_peak_time_[1],
                           step_energy_};
  auto faces = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solids_.face_velocity());
  s.insert(s.end(), faces.data(), faces.data() + faces.extent(0));
  const std::vector<double> waves = pipes_.state();
  s.insert(s.end(), waves.begin(), waves.end());
  return s;
}

void ElasticLoop::restore_flow_state(const std::vector<double>& s, std::size_t& k) {
  for (double* x : {&r_, &pump_flow_, &feeder_flow_, &top_flow_, &pump_discharge_pressure_, &feeder_inlet_pressure_,
                    &feeder_outlet_pressure_, &riser_top_pressure_, &time_, &acoustic_step_, &substeps_,
                    &next_station_time_, &cavity_peak_[0], &cavity_peak_[1], &cavity_peak_time_[0],
                    &cavity_peak_time_[1], &step_energy_})
    *x = s[k++];
  const std::size_t faces = solids_.face_velocity().extent(0);
  const std::vector<double> j(s.begin() + static_cast<std::ptrdiff_t>(k), s.begin() + static_cast<std::ptrdiff_t>(k + faces));
  k += faces;
  const Kokkos::View<const double*, Kokkos::HostSpace, Kokkos::MemoryUnmanaged> h_j(j.data(), j.size());
  Kokkos::deep_copy(solids_.face_velocity(), h_j);
  pipes_.restore(s, k);
  refresh_riser_properties();
}

}  // namespace hadal::lift
