// SPDX-License-Identifier: MIT
// The case-type entry points of the lift module: lift.steady, lift.transient, lift.envelope.
#include "lift/run.hpp"

#include <algorithm>
#include <chrono>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/csv.hpp"
#include "io/hdf5_file.hpp"
#include "lift/envelope.hpp"
#include "lift/keys.hpp"
#include "lift/output.hpp"
#include "lift/steady.hpp"
#include "lift/transient_model.hpp"
#include "sim/simulation.hpp"

namespace hadal::lift {
namespace {

/// Turns a solver's InfeasibleInput into an InputError located at the key it names (under lift.).
[[noreturn]] void fail_infeasible(const config::ConfigView& lift, const InfeasibleInput& e) {
  const std::string& key = e.key();
  const auto dot = key.rfind('.');
  if (dot == std::string::npos) lift.fail(key, e.what());
  lift.child(key.substr(0, dot)).fail(key.substr(dot + 1), e.what());
}

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

}  // namespace

void run_steady(sim::RunContext& ctx) {
  const auto lift = ctx.config.child("lift");
  const Network net = network_from_config(lift);
  const auto st = lift.child("steady");
  const SteadyOptions o = steady_options_from_config(lift);
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

void run_transient(sim::RunContext& ctx) {
  const auto lift = ctx.config.child("lift");
  const Network net = network_from_config(lift);
  const TransientOptions options = transient_options_from_config(lift);
  const double series_interval = lift.child("transient").real("series_interval");
  try {
    const auto settings = sim::time_settings_from_config(ctx.config);
    TransientModel model(ctx, net, options, series_interval, settings.start);
    int size = 1;
    MPI_Comm_size(ctx.comm, &size);
    sim::CheckpointIdentity identity{"lift.transient", sim::physics_hash(ctx.config.node()), size,
                                     static_cast<long long>(model.loop().cells())};
    sim::run_time_loop(model, ctx, settings, identity);
  } catch (const InfeasibleInput& e) {
    fail_infeasible(lift, e);
  }
}

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

}  // namespace hadal::lift
