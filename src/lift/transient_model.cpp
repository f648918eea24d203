// SPDX-License-Identifier: MIT
#include "lift/transient_model.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/log.hpp"
#include "lift/hydraulics.hpp"
#include "lift/rigid_loop.hpp"

namespace hadal::lift {

TransientModel::TransientModel(sim::RunContext& ctx, const Network& net, const TransientOptions& options, double series_interval)
    : ctx_(ctx), net_(net), loop_(std::make_unique<RigidLoop>(net, options)), series_interval_(series_interval) {
  const bool resume = !ctx.restart_file.empty();
  // On a restart the writer is opened in restore(), once the time to continue the XDMF index from is known.
  if (!resume)
    writer_ = std::make_unique<ProfileWriter>(ctx.comm, ctx.output_dir, loop_->riser_cells(), loop_->supply_cells());
  start_time_ = ctx.config.child("time").real("start");
  last_time_ = start_time_;
  next_sample_ = start_time_;
  if (!resume) {
    open_series(false, 0.0);
    record(start_time_);
  }
}

double TransientModel::stable_dt(double time, double cfl) {
  double dt = loop_->stable_dt(cfl);
  const double to_event = loop_->next_event_time() - time;
  if (to_event > 1e-9) dt = std::min(dt, to_event);
  const double to_sample = next_sample_ - time;
  if (to_sample > 1e-9) dt = std::min(dt, to_sample);
  return dt;
}

void TransientModel::check_finite(long step, double time) {
  const std::vector<double> c = loop_->concentration();
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!std::isfinite(c[i]))
      throw NumericalError(strformat("lift.transient: non-finite riser concentration in cell %zu (s = %.1f m) at "
                                     "step %ld, t = %.3f s",
                                     i, loop_->riser_cells().s[i], step, time));
  }
  if (!std::isfinite(loop_->flow()))
    throw NumericalError(strformat("lift.transient: non-finite loop flow at step %ld, t = %.3f s", step, time));
}

void TransientModel::write_output(long step, double time) {
  writer_->write(step, time, loop_->riser_profile(), loop_->supply_profile());
}

void TransientModel::after_step(long, double time) {
  energy_ += loop_->pump_power() * (time - last_time_);
  last_time_ = time;
  if (time >= next_sample_ - 1e-9) record(time);
}

void TransientModel::save(sim::CheckpointWriter& cp) {
  cp.scalars("lift_concentration", loop_->concentration());
  cp.scalars("lift_state", loop_->scalar_state());
  cp.scalars("lift_model", {energy_, last_time_, next_sample_});
  std::vector<double> flat;
  for (const auto& row : series_) flat.insert(flat.end(), row.begin(), row.end());
  if (flat.empty()) flat.push_back(0.0);
  cp.scalars("lift_series", flat);
  cp.scalar("lift_series_rows", static_cast<double>(series_.size()));
}

void TransientModel::restore(sim::CheckpointReader& cp) {
  loop_->set_concentration(cp.scalars("lift_concentration"));
  loop_->restore_scalar_state(cp.scalars("lift_state"));
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
  writer_ = std::make_unique<ProfileWriter>(ctx_.comm, ctx_.output_dir, loop_->riser_cells(), loop_->supply_cells(),
                                            cp.time());
}

void TransientModel::finish(io::Json& s) {
  const double duration = last_time_ - start_time_;
  const SeriesSample now = loop_->sample(last_time_);
  const SteadyResult& st = loop_->initial_steady();
  const double delivered_kg = loop_->outflow_volume() * net_.ore.density;
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
  s["min_velocity_margin"] = loop_->min_velocity_margin() > 1e299 ? 0.0 : loop_->min_velocity_margin();
  const AlarmRecord& pk = loop_->packing_alarm();
  const AlarmRecord& vl = loop_->velocity_alarm();
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
  s["max_concentration"] = loop_->max_concentration_seen();
  s["solids_conservation_error"] = loop_->conservation_error();
  s["ore_injected_t"] = loop_->injected_volume() * net_.ore.density / 1000.0;
  s["ore_delivered_t"] = delivered_kg / 1000.0;
  s["riser_ore_inventory_t"] = loop_->riser_inventory() * net_.ore.density / 1000.0;
  s["settled_bed_length_m"] = loop_->bed_length();
  s["feeder_choked"] = loop_->choked_time() >= 0.0;
  if (loop_->choked_time() >= 0.0) {
    s["feeder_choked_time_s"] = loop_->choked_time();
    s["feeder_rejected_ore_t"] = loop_->rejected_volume() * net_.ore.density / 1000.0;
  }
  s["steady_flow_m3_per_h"] = st.flow * 3600.0;
  s["steady_pump_head_Pa"] = st.pump_pressure;
  s["riser_cells"] = loop_->cells();
  s["water_hammer_estimate_Pa"] = joukowsky_pressure(net_, st.resident_concentration, st.riser_velocity);
  if (loop_->restart_time() >= 0.0) {
    const double r_target = loop_->speed_ratio();
    s["restart_time_s"] = loop_->restart_time();
    s["restart_pressure_Pa"] = loop_->last_restart_pressure();
    s["bed_length_at_restart_m"] = loop_->bed_length_at_restart();
    s["pump_shutoff_pressure_Pa"] = net_.pumps.pressure_rise(0.0, std::max(r_target, 1e-9));
    const double umf = minimum_fluidisation_velocity(net_.ore.diameter, net_.fluid.carrier_density(),
                                                     net_.ore.density,
                                                     net_.fluid.carrier_viscosity() * net_.fluid.carrier_density(),
                                                     net_.ore.bed_porosity(), net_.fluid.gravity);
    s["minimum_fluidisation_velocity_m_per_s"] = umf;
    s["restart_flow_resumed"] = loop_->flow() > 0.0;
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

std::string TransientModel::status() const {
  return strformat("Q %.1f m3/h, C_top %.4f, mass err %.1e", loop_->flow() * 3600, loop_->concentration().back(),
                   loop_->conservation_error());
}

void TransientModel::open_series(bool append, double keep_until) {
  if (comm_rank(ctx_.comm) != 0) return;
  (void)keep_until;  // CsvSeries keeps earlier rows up to the first new row's time itself
  csv_ = std::make_unique<io::CsvSeries>(ctx_.output_dir + "/lift_timeseries.csv", series_columns(), append);
}

void TransientModel::record(double time) {
  const auto row = series_row(loop_->sample(time));
  series_.push_back(row);
  if (csv_) csv_->row(row);
  next_sample_ = start_time_ + series_interval_ * (std::floor((time - start_time_) / series_interval_ + 1e-9) + 1.0);
}

}  // namespace hadal::lift
