// SPDX-License-Identifier: MIT
// Registration of the lift module: case types lift.steady, lift.transient, lift.envelope and the
// benchmark `lift`.
#include <chrono>
#include <cmath>
#include <memory>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/csv.hpp"
#include "io/hdf5_file.hpp"
#include "lift/case_config.hpp"
#include "lift/envelope.hpp"
#include "lift/hydraulics.hpp"
#include "lift/output.hpp"
#include "lift/steady.hpp"
#include "lift/transient.hpp"
#include "sim/roofline.hpp"
#include "sim/simulation.hpp"

namespace hadal::lift {
namespace {

int comm_rank(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}

/// Turns a solver's InfeasibleInput into an InputError located at the key it names (under lift.).
[[noreturn]] void fail_infeasible(const config::ConfigView& lift, const InfeasibleInput& e) {
  const std::string& key = e.key();
  const auto dot = key.rfind('.');
  if (dot == std::string::npos) lift.fail(key, e.what());
  lift.child(key.substr(0, dot)).fail(key.substr(dot + 1), e.what());
}

double speed_ratio_of(const Network& net) { return net.pumps.speed / net.pumps.rated_speed; }

io::Json budget_json(const PressureBudget& b) {
  io::Json j;
  j["hydrostatic_imbalance_Pa"] = b.hydrostatic_imbalance;
  j["of_which_resident_ore_weight_Pa"] = b.solids_static;
  j["riser_friction_Pa"] = b.riser_friction;
  j["riser_solids_friction_Pa"] = b.riser_solids_friction;
  j["supply_friction_Pa"] = b.supply_friction;
  j["local_losses_Pa"] = b.local_losses;
  j["feeder_Pa"] = b.feeder;
  j["separator_Pa"] = b.separator;
  j["total_Pa"] = b.total();
  return j;
}

double joukowsky(const Network& net, double c, double j) {
  const double rho = RiserProperties::from(net).mixture_density(c);
  const double a = korteweg_wave_speed(net.fluid.bulk_modulus, rho, net.riser.diameter, net.riser.wall_thickness, 207e9);
  return rho * a * std::fabs(j);
}

// ---------------------------------------------------------------- lift.steady
void declare_steady(config::ObjectSpec& root) { declare_lift_schema(root, CaseKind::Steady); }
void declare_transient(config::ObjectSpec& root) {
  declare_lift_schema(root, CaseKind::Transient);
  sim::declare_time_schema(root);
}
void declare_envelope(config::ObjectSpec& root) { declare_lift_schema(root, CaseKind::Envelope); }

void check_network(const config::ConfigView& root, std::vector<Diagnostic>& problems) {
  network_from_config(root.child("lift"), problems);
}

void run_steady(sim::RunContext& ctx) {
  const auto lift = ctx.config.child("lift");
  const Network net = network_from_config(lift);
  const auto st = lift.child("steady");
  SteadyOptions o;
  o.fixed_flow = st.string("mode") == "fixed_flow";
  if (o.fixed_flow) o.flow = st.real("flow");
  o.speed_ratio = speed_ratio_of(net);
  SteadyResult r;
  const auto t0 = std::chrono::steady_clock::now();
  int repeats = 0;
  try {
    // Repeat for a stable timing figure (each solve is a few milliseconds at most).
    do {
      r = solve_steady(net, o);
      ++repeats;
    } while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 0.05 && repeats < 200);
  } catch (const InfeasibleInput& e) {
    fail_infeasible(lift, e);
  }
  const double solve_ms = 1e3 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / repeats;

  Logger& log = *ctx.log;
  const PressureBudget& b = r.budget;
  log.info(strformat("lift.steady: Q = %.2f m3/h, pump rise %.4f MPa, power %.1f kW, C_d %.4f, C_r %.4f, "
                     "%.1f t/day, %.2f kWh/t (SNES %d its, %.3f ms)",
                     r.flow * 3600, r.pump_pressure / 1e6, r.pump_power / 1e3, r.delivered_concentration,
                     r.resident_concentration, r.production_t_per_day, r.specific_energy_kWh_per_t, r.iterations,
                     solve_ms));
  log.info(strformat("  budget [MPa]: imbalance %.4f (ore weight %.4f), riser friction %.4f, solids friction %.4f, "
                     "supply friction %.4f, local %.4f, feeder %.4f, separator %.4f = %.4f",
                     b.hydrostatic_imbalance / 1e6, b.solids_static / 1e6, b.riser_friction / 1e6,
                     b.riser_solids_friction / 1e6, b.supply_friction / 1e6, b.local_losses / 1e6, b.feeder / 1e6,
                     b.separator / 1e6, b.total() / 1e6));
  if (r.beyond_pump_curve) log.warn("lift.steady: the operating flow lies beyond the last pump-curve point (extrapolated)");

  io::Json& s = *ctx.summary;
  const double rho_c = net.fluid.carrier_density();
  const double q_bep = net.pumps.rated_flow();
  s["flow_m3_per_h"] = r.flow * 3600.0;
  s["speed_ratio"] = r.speed_ratio;
  s["production_t_per_day"] = r.production_t_per_day;
  s["pump_head_Pa"] = r.pump_pressure;
  s["pump_head_m"] = r.pump_pressure / (rho_c * net.fluid.gravity);
  s["pump_rated_pressure_Pa"] = net.pumps.pressure_rise(q_bep, 1.0);
  s["pump_rated_flow_m3_per_h"] = q_bep * 3600.0;
  s["pump_power_W"] = r.pump_power;
  s["pump_efficiency"] = r.pump_efficiency;
  s["specific_energy_kWh_per_t"] = r.specific_energy_kWh_per_t;
  s["delivered_concentration"] = r.delivered_concentration;
  s["resident_concentration"] = r.resident_concentration;
  s["riser_velocity_m_per_s"] = r.riser_velocity;
  s["supply_velocity_m_per_s"] = r.supply_velocity;
  s["solids_velocity_m_per_s"] = r.solids_velocity;
  s["settling_velocity_m_per_s"] = net.ore.settling_velocity;
  s["hindered_exponent"] = net.ore.hindered_exponent;
  s["min_velocity_ratio"] = r.min_velocity_ratio;
  s["min_velocity_margin"] = r.min_velocity_margin;
  const bool packing = r.resident_concentration >= net.blockage.concentration;
  const bool slow = r.min_velocity_margin < 1.0;
  s["blockage"] = packing || slow;
  if (packing || slow) {
    s["blockage_reason"] = packing ? "in-situ concentration at the alarm level" : "velocity below the safe multiple of v_t";
    s["blockage_where"] = "riser";
    s["blockage_time_s"] = 0.0;
  }
  s["riser_loss_Pa"] = r.riser_loss;
  s["pressure_pump_discharge_Pa"] = r.pressure_discharge;
  s["pressure_feeder_inlet_Pa"] = r.pressure_feeder_inlet;
  s["pressure_feeder_outlet_Pa"] = r.pressure_feeder_outlet;
  s["pressure_riser_top_Pa"] = r.pressure_riser_top;
  s["ambient_pressure_at_feeder_Pa"] = r.ambient_at_feeder;
  s["feeder_overpressure_Pa"] = r.pressure_feeder_inlet - r.ambient_at_feeder;
  s["carrying_capacity_kg_per_s"] = r.carrying_capacity * net.ore.density;
  s["water_treatment_flow_m3_per_h"] = net.separator.treated_fraction * r.flow * (1.0 - r.delivered_concentration) * 3600;
  s["beyond_pump_curve"] = r.beyond_pump_curve;
  s["budget"] = budget_json(b);
  s["snes_iterations"] = r.iterations;
  s["snes_residual_norm"] = r.residual_norm;
  s["solve_time_ms"] = solve_ms;

  const double cell = st.real("profile_cell_size");
  ProfileWriter writer(ctx.comm, ctx.output_dir, make_cells(net.riser, cell, 0.0, true),
                       make_cells(net.supply, cell, 0.0, false));
  writer.write(0, 0.0, steady_riser_profile(net, r, cell), steady_supply_profile(net, r, cell));
}

// ---------------------------------------------------------------- lift.transient
class LiftModel : public sim::Model {
 public:
  LiftModel(sim::RunContext& ctx, const Network& net, const TransientOptions& options, double series_interval)
      : ctx_(ctx), net_(net), loop_(net, options), series_interval_(series_interval) {
    const bool resume = !ctx.restart_file.empty();
    // On a restart the writer is opened in restore(), once the time to continue the XDMF index from is known.
    if (!resume)
      writer_ = std::make_unique<ProfileWriter>(ctx.comm, ctx.output_dir, loop_.riser_cells(), loop_.supply_cells());
    start_time_ = ctx.config.child("time").real("start");
    last_time_ = start_time_;
    next_sample_ = start_time_;
    if (!resume) {
      open_series(false, 0.0);
      record(start_time_);
    }
  }

  const LoopTransient& loop() const { return loop_; }

  double stable_dt(double time, double cfl) override {
    double dt = loop_.stable_dt(cfl);
    const double to_event = loop_.next_event_time() - time;
    if (to_event > 1e-9) dt = std::min(dt, to_event);
    const double to_sample = next_sample_ - time;
    if (to_sample > 1e-9) dt = std::min(dt, to_sample);
    return dt;
  }

  void advance(double time, double dt) override { loop_.advance(time, dt); }

  void check_finite(long step, double time) override {
    const std::vector<double> c = loop_.concentration();
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (!std::isfinite(c[i]))
        throw NumericalError(strformat("lift.transient: non-finite riser concentration in cell %zu (s = %.1f m) at "
                                       "step %ld, t = %.3f s",
                                       i, loop_.riser_cells().s[i], step, time));
    }
    if (!std::isfinite(loop_.flow()))
      throw NumericalError(strformat("lift.transient: non-finite loop flow at step %ld, t = %.3f s", step, time));
  }

  void write_output(long step, double time) override {
    writer_->write(step, time, loop_.riser_profile(), loop_.supply_profile());
  }

  void after_step(long, double time) override {
    energy_ += loop_.pump_power() * (time - last_time_);
    last_time_ = time;
    if (time >= next_sample_ - 1e-9) record(time);
  }

  void save(sim::CheckpointWriter& cp) override {
    cp.scalars("lift_concentration", loop_.concentration());
    cp.scalars("lift_state", loop_.scalar_state());
    cp.scalars("lift_model", {energy_, last_time_, next_sample_});
    std::vector<double> flat;
    for (const auto& row : series_) flat.insert(flat.end(), row.begin(), row.end());
    if (flat.empty()) flat.push_back(0.0);
    cp.scalars("lift_series", flat);
    cp.scalar("lift_series_rows", static_cast<double>(series_.size()));
  }

  void restore(sim::CheckpointReader& cp) override {
    loop_.set_concentration(cp.scalars("lift_concentration"));
    loop_.restore_scalar_state(cp.scalars("lift_state"));
    const auto m = cp.scalars("lift_model");
    energy_ = m[0];
    last_time_ = m[1];
    next_sample_ = m[2];
    const auto flat = cp.scalars("lift_series");
    const std::size_t rows = static_cast<std::size_t>(cp.scalar("lift_series_rows"));
    const std::size_t ncol = series_columns().size();
    series_.clear();
    for (std::size_t r = 0; r < rows; ++r) series_.emplace_back(flat.begin() + r * ncol, flat.begin() + (r + 1) * ncol);
    open_series(true, cp.time());
    writer_ = std::make_unique<ProfileWriter>(ctx_.comm, ctx_.output_dir, loop_.riser_cells(), loop_.supply_cells(),
                                              cp.time());
  }

  void finish(io::Json& s) override {
    const double duration = last_time_ - start_time_;
    const SeriesSample now = loop_.sample(last_time_);
    const SteadyResult& st = loop_.initial_steady();
    const double delivered_kg = loop_.outflow_volume() * net_.ore.density;
    s["production_t_per_day"] = duration > 0 ? delivered_kg / 1000.0 / duration * 86400.0 : 0.0;
    s["final_production_t_per_day"] = now.production_t_per_day;
    s["pump_head_Pa"] = now.pump_pressure;
    s["pump_power_W"] = now.pump_power;
    s["mean_pump_power_W"] = duration > 0 ? energy_ / duration : 0.0;
    s["specific_energy_kWh_per_t"] = delivered_kg > 0 ? energy_ / delivered_kg / 3600.0 : 0.0;
    s["flow_m3_per_h"] = now.flow * 3600.0;
    s["speed_ratio"] = now.speed_ratio;
    s["feeder_pressure_Pa"] = now.feeder_pressure;
    s["top_concentration"] = now.top_concentration;
    s["min_velocity_margin"] = loop_.min_velocity_margin() > 1e299 ? 0.0 : loop_.min_velocity_margin();
    const AlarmRecord& pk = loop_.packing_alarm();
    const AlarmRecord& vl = loop_.velocity_alarm();
    const AlarmRecord* first = nullptr;
    if (pk.raised) first = &pk;
    if (vl.raised && (!first || vl.time < first->time)) first = &vl;
    s["blockage"] = first != nullptr;
    if (first) {
      s["blockage_reason"] = first == &pk ? "in-situ concentration reached the alarm level"
                                          : "mixture velocity below the safe multiple of the settling velocity";
      s["blockage_time_s"] = first->time;
      s["blockage_where"] = "riser";
      s["blockage_position_m"] = first->position;
      s["blockage_depth_m"] = first->depth;
    }
    auto alarm = [](const AlarmRecord& a) {
      io::Json j;
      j["raised"] = a.raised;
      if (a.raised) {
        j["time_s"] = a.time;
        j["position_m"] = a.position;
        j["depth_m"] = a.depth;
        j["value"] = a.value;
      }
      return j;
    };
    s["packing_alarm"] = alarm(pk);
    s["velocity_alarm"] = alarm(vl);
    s["max_concentration"] = loop_.max_concentration_seen();
    s["solids_conservation_error"] = loop_.conservation_error();
    s["ore_injected_t"] = loop_.injected_volume() * net_.ore.density / 1000.0;
    s["ore_delivered_t"] = delivered_kg / 1000.0;
    s["riser_ore_inventory_t"] = loop_.riser_inventory() * net_.ore.density / 1000.0;
    s["settled_bed_length_m"] = loop_.bed_length();
    s["feeder_choked"] = loop_.choked_time() >= 0.0;
    if (loop_.choked_time() >= 0.0) {
      s["feeder_choked_time_s"] = loop_.choked_time();
      s["feeder_rejected_ore_t"] = loop_.rejected_volume() * net_.ore.density / 1000.0;
    }
    s["steady_flow_m3_per_h"] = st.flow * 3600.0;
    s["steady_pump_head_Pa"] = st.pump_pressure;
    s["riser_cells"] = loop_.cells();
    s["water_hammer_estimate_Pa"] = joukowsky(net_, st.resident_concentration, st.riser_velocity);
    if (loop_.restart_time() >= 0.0) {
      const double r_target = loop_.speed_ratio();
      s["restart_time_s"] = loop_.restart_time();
      s["restart_pressure_Pa"] = loop_.last_restart_pressure();
      s["bed_length_at_restart_m"] = loop_.bed_length_at_restart();
      s["pump_shutoff_pressure_Pa"] = net_.pumps.pressure_rise(0.0, std::max(r_target, 1e-9));
      const double umf = minimum_fluidisation_velocity(net_.ore.diameter, net_.fluid.carrier_density(),
                                                       net_.ore.density,
                                                       net_.fluid.carrier_viscosity() * net_.fluid.carrier_density(),
                                                       net_.ore.bed_porosity(), net_.fluid.gravity);
      s["minimum_fluidisation_velocity_m_per_s"] = umf;
      s["restart_flow_resumed"] = loop_.flow() > 0.0;
    }
    {  // collective: every rank holds the same series
      std::vector<std::vector<double>> cols(series_columns().size());
      for (const auto& row : series_)
        for (std::size_t k = 0; k < row.size(); ++k) cols[k].push_back(row[k]);
      const std::vector<std::string> units = {"s", "m3 h-1", "1", "Pa", "W", "Pa", "Pa", "1", "1", "t d-1", "t d-1",
                                              "m3", "1", "1"};
      write_series_h5(ctx_.comm, ctx_.output_dir + "/lift_timeseries.h5", series_columns(), cols, units);
    }
  }

  double work_per_step() const override { return loop_.cells(); }
  std::string status() const override {
    return strformat("Q %.1f m3/h, C_top %.4f, mass err %.1e", loop_.flow() * 3600, loop_.concentration().back(),
                     loop_.conservation_error());
  }

 private:
  void open_series(bool append, double keep_until) {
    if (comm_rank(ctx_.comm) != 0) return;
    (void)keep_until;  // CsvSeries keeps earlier rows up to the first new row's time itself
    csv_ = std::make_unique<io::CsvSeries>(ctx_.output_dir + "/lift_timeseries.csv", series_columns(), append);
  }
  void record(double time) {
    const auto row = series_row(loop_.sample(time));
    series_.push_back(row);
    if (csv_) csv_->row(row);
    next_sample_ = start_time_ + series_interval_ * (std::floor((time - start_time_) / series_interval_ + 1e-9) + 1.0);
  }

  sim::RunContext& ctx_;
  Network net_;
  LoopTransient loop_;
  double series_interval_;
  std::unique_ptr<ProfileWriter> writer_;
  std::unique_ptr<io::CsvSeries> csv_;
  std::vector<std::vector<double>> series_;
  double energy_ = 0.0, last_time_ = 0.0, next_sample_ = 0.0, start_time_ = 0.0;
};

void run_transient(sim::RunContext& ctx) {
  const auto lift = ctx.config.child("lift");
  const Network net = network_from_config(lift);
  const TransientOptions options = transient_options_from_config(lift);
  const double series_interval = lift.child("transient").real("series_interval");
  try {
    LiftModel model(ctx, net, options, series_interval);
    const auto settings = sim::time_settings_from_config(ctx.config);
    int size = 1;
    MPI_Comm_size(ctx.comm, &size);
    sim::CheckpointIdentity identity{"lift.transient", sim::physics_hash(ctx.config.node()), size,
                                     static_cast<long long>(model.loop().cells())};
    sim::run_time_loop(model, ctx, settings, identity);
  } catch (const InfeasibleInput& e) {
    fail_infeasible(lift, e);
  }
}

// ---------------------------------------------------------------- lift.envelope
void run_envelope(sim::RunContext& ctx) {
  const auto lift = ctx.config.child("lift");
  const Network net = network_from_config(lift);
  const auto en = lift.child("envelope");
  const auto v = en.reals("velocities"), c = en.reals("concentrations"), d = en.reals("diameters");
  const EnvelopeResult res = sweep_envelope(ctx.comm, net, settling_from_config(lift.child("ore")), v, c, d);
  std::size_t risky = 0, pump_short = 0;
  for (const auto& p : res.points) {
    risky += p.risk ? 1 : 0;
    pump_short += p.pump_ok ? 0 : 1;
  }
  if (comm_rank(ctx.comm) == 0) {
    io::CsvSeries table(ctx.output_dir + "/envelope.csv",
                        {"velocity_m_per_s", "delivered_concentration", "diameter_m", "settling_velocity_m_per_s",
                         "hindered_exponent", "velocity_ratio", "resident_concentration", "pump_pressure_required_Pa",
                         "pump_pressure_available_Pa", "feasible", "blockage_risk", "pump_ok"});
    for (const auto& p : res.points)
      table.row({p.velocity, p.concentration, p.diameter, p.settling_velocity, p.exponent, p.velocity_ratio,
                 p.resident_concentration, p.pump_pressure_required, p.pump_pressure_available, p.feasible ? 1.0 : 0.0,
                 p.risk ? 1.0 : 0.0, p.pump_ok ? 1.0 : 0.0});
    io::CsvSeries boundary(ctx.output_dir + "/envelope_boundary.csv",
                           {"diameter_m", "delivered_concentration", "min_safe_velocity_m_per_s"});
    for (std::size_t id = 0; id < d.size(); ++id)
      for (std::size_t ic = 0; ic < c.size(); ++ic) boundary.row({d[id], c[ic], res.safe_velocity[id * c.size() + ic]});
  }
  // 3-D maps (diameter, concentration, velocity) for plotting.
  {
    io::H5File f(ctx.comm, ctx.output_dir + "/envelope.h5", io::H5File::Mode::Create);
    const bool root = comm_rank(ctx.comm) == 0;
    io::Block b{{d.size(), c.size(), v.size()}, {0, 0, 0},
                {root ? d.size() : 0ull, root ? c.size() : 0ull, root ? v.size() : 0ull}};
    std::vector<double> risk, cr, dp, ratio;
    for (const auto& p : res.points) {
      risk.push_back(p.risk ? 1.0 : 0.0);
      cr.push_back(p.resident_concentration);
      dp.push_back(p.pump_pressure_required);
      ratio.push_back(p.velocity_ratio);
    }
    f.write("/blockage_risk", b, risk.data(), {"1", "1 where blockage risk (infeasible, slow, or packed)", "none"});
    f.write("/resident_concentration", b, cr.data(), {"1", "in-situ concentration (-1: cannot carry)", "none"});
    f.write("/pump_pressure_required", b, dp.data(), {"Pa", "pump pressure rise needed at that flow", "none"});
    f.write("/velocity_ratio", b, ratio.data(), {"1", "mixture velocity over settling velocity", "none"});
    f.write_replicated("/velocity", v, {"m s-1", "riser mixture velocity", "none"});
    f.write_replicated("/concentration", c, {"1", "delivered concentration", "none"});
    f.write_replicated("/diameter", d, {"m", "particle diameter", "none"});
    f.close();
  }
  io::Json& s = *ctx.summary;
  s["cases"] = res.points.size();
  s["risky_cases"] = risky;
  s["cases_beyond_pump_capacity"] = pump_short;
  s["sweep_wall_seconds"] = res.wall_seconds;
  s["cases_per_second"] = res.points.size() / std::max(res.wall_seconds, 1e-12);
  io::Json table = io::Json::array();
  for (std::size_t id = 0; id < d.size(); ++id)
    for (std::size_t ic = 0; ic < c.size(); ++ic) {
      io::Json row;
      row["diameter_m"] = d[id];
      row["delivered_concentration"] = c[ic];
      row["min_safe_velocity_m_per_s"] = res.safe_velocity[id * c.size() + ic];
      table.push_back(row);
    }
  s["safe_velocity"] = table;
  ctx.log->info(strformat("lift.envelope: %zu cases in %.3f s (%zu with blockage risk)", res.points.size(),
                          res.wall_seconds, risky));
}

// ---------------------------------------------------------------- benchmark
void bench(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results) {
  const Network net = reference_design();
  // 1. steady operating point
  SteadyResult r;
  int repeats = 0;
  auto t0 = std::chrono::steady_clock::now();
  do {
    r = solve_steady(net);
    ++repeats;
  } while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 1.0);
  const double steady_ms = 1e3 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / repeats;
  // 2. one hour of the full loop at 1 m cells (feeder cycle running)
  Network cyc = net;
  cyc.feeder.cycle.control = TankCycle::Control::Timed;
  TransientOptions o;
  o.cell_size = 1.0;
  LoopTransient loop(cyc, o);
  t0 = std::chrono::steady_clock::now();
  double t = 0.0;
  long steps = 0;
  while (t < 3600.0 - 1e-9) {
    const double dt = std::min(loop.stable_dt(0.9), 3600.0 - t);
    loop.advance(t, dt);
    t += dt;
    ++steps;
  }
  const double transient_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double updates = static_cast<double>(steps) * loop.cells();
  // 3. 1000-case envelope
  std::vector<double> v, c, d;
  for (int i = 0; i < 10; ++i) {
    v.push_back(2.0 + 0.4 * i);
    c.push_back(0.02 + 0.02 * i);
    d.push_back(0.005 + 0.005 * i);
  }
  SettlingClosure sc;
  sc.model = SettlingClosure::Model::Newton;
  sc.wall = SettlingClosure::Wall::Munroe;
  const EnvelopeResult env = sweep_envelope(comm, net, sc, v, c, d);
  const sim::TriadResult triad = sim::measure_triad(comm);
  // Per cell update the transport kernels touch about 7 doubles (c read x3 neighbours cached, flux
  // write+read x2, dx, sin, new c): 56 bytes, the memory traffic a roofline would charge.
  const double bytes_per_update = 56.0;
  results["steady_solve_ms"] = steady_ms;
  results["steady_snes_iterations"] = r.iterations;
  results["transient_1h_1m_cells_s"] = transient_s;
  results["transient_cells"] = loop.cells();
  results["transient_steps"] = steps;
  results["transient_cell_updates_per_s"] = updates / transient_s;
  results["transient_solids_conservation_error"] = loop.conservation_error();
  results["envelope_cases"] = env.points.size();
  results["envelope_wall_s"] = env.wall_seconds;
  results["envelope_cases_per_s"] = env.points.size() / env.wall_seconds;
  results["triad_bytes_per_s"] = triad.bytes_per_second;
  results["transient_fraction_of_triad_bandwidth"] = updates / transient_s * bytes_per_update / triad.bytes_per_second;
  log.info(strformat("lift bench: steady %.3f ms; 1 h transient (%d cells, %ld steps) %.2f s = %.3g cell-updates/s "
                     "(%.3f of triad bandwidth); envelope %zu cases in %.2f s",
                     steady_ms, loop.cells(), steps, transient_s, updates / transient_s,
                     updates / transient_s * bytes_per_update / triad.bytes_per_second, env.points.size(),
                     env.wall_seconds));
}

}  // namespace

void register_module() {
  auto& reg = sim::Registry::instance();
  reg.add_case_type({"lift.steady",
                     "Circulating-slurry lift: steady operating point of pumps, supply pipes, feeder, riser (PETSc SNES)",
                     declare_steady, check_network, run_steady});
  reg.add_case_type({"lift.transient",
                     "Circulating-slurry lift: 1-D drift-flux transient with feeder cycle, pump trip/restart, blockage",
                     declare_transient, check_network, run_transient});
  reg.add_case_type({"lift.envelope",
                     "Circulating-slurry lift: operating-envelope sweep (velocity x concentration x particle size)",
                     declare_envelope, check_network, run_envelope});
  reg.add_benchmark({"lift", "Lift: steady solve time, 1 h transient at 1 m cells, 1000-case envelope sweep", bench});
}

}  // namespace hadal::lift
