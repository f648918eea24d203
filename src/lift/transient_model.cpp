// SPDX-License-Identifier: MIT
#include "lift/transient_model.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/log.hpp"
#include "lift/elastic_loop.hpp"
#include "lift/hydraulics.hpp"
#include "lift/rigid_loop.hpp"

namespace hadal::lift {
namespace {

std::unique_ptr<LoopModel> make_loop(const Network& net, const TransientOptions& options) {
  if (options.model == TransientOptions::Model::Elastic) return std::make_unique<ElasticLoop>(net, options);
  return std::make_unique<RigidLoop>(net, options);
}

io::Json extreme_json(const PressureExtreme& e, const char* unit_key) {
  io::Json j;
  j[unit_key] = e.value;
  j["pipe"] = e.riser ? "riser" : "supply";
  j["position_m"] = e.position;
  j["depth_m"] = e.depth;
  j["time_s"] = e.time;
  return j;
}

}  // namespace

TransientModel::TransientModel(sim::RunContext& ctx, const Network& net, const TransientOptions& options, double series_interval,
                               double start_time)
    : ctx_(ctx),
      net_(net),
      loop_(make_loop(net, options)),
      elastic_(dynamic_cast<ElasticLoop*>(loop_.get())),
      series_interval_(series_interval) {
  const bool resume = !ctx.restart_file.empty();
  // On a restart the writer is opened in restore(), once the time to continue the XDMF index from is known.
  if (!resume)
    writer_ = std::make_unique<ProfileWriter>(ctx.comm, ctx.output_dir, loop_->riser_cells(), loop_->supply_cells());
  start_time_ = start_time;
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
  if (elastic_ && !elastic_->pipes().finite())
    throw NumericalError(strformat("lift.transient (elastic): non-finite pressure or velocity in the pipes at step "
                                   "%ld, t = %.3f s (acoustic step %.3g s)",
                                   step, time, elastic_->acoustic_step()));
}

void TransientModel::write_output(long step, double time) {
  writer_->write(step, time, loop_->riser_profile(), loop_->supply_profile());
}

void TransientModel::after_step(long, double time) {
  energy_ += loop_->pump_energy(time - last_time_);
  last_time_ = time;
  if (time >= next_sample_ - 1e-9) record(time);
  if (elastic_) {
    const auto rows = elastic_->take_station_rows();
    if (stations_csv_)
      for (const auto& row : rows) stations_csv_->row(row);
  }
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
  s["model"] = elastic_ ? "elastic" : "rigid";
  if (elastic_) finish_elastic(s);
  {  // collective: every rank holds the same series
    std::vector<std::vector<double>> cols(series_columns().size());
    for (const auto& row : series_)
      for (std::size_t k = 0; k < row.size(); ++k) cols[k].push_back(row[k]);
    const std::vector<std::string> units = {"s", "m3 h-1", "1", "Pa", "W", "Pa", "Pa", "1", "1", "t d-1", "t d-1",
                                            "m3", "1", "1"};
    write_series_h5(ctx_.comm, ctx_.output_dir + "/lift_timeseries.h5", series_columns(), cols, units);
  }
}

void TransientModel::finish_elastic(io::Json& s) const {
  const ElasticLoop& e = *elastic_;
  s["max_pressure"] = extreme_json(e.maximum_pressure(), "pressure_Pa");
  s["min_pressure"] = extreme_json(e.minimum_pressure(), "pressure_Pa");
  s["max_overpressure"] = extreme_json(e.maximum_overpressure(), "pressure_Pa");
  s["max_underpressure"] = extreme_json(e.maximum_underpressure(), "pressure_Pa");
  s["max_pressure_Pa"] = e.maximum_pressure().value;
  s["min_pressure_Pa"] = e.minimum_pressure().value;
  const PressureExtreme cavity = e.first_cavity();
  s["cavitation"] = cavity.value > 0.0;
  if (cavity.value > 0.0) {
    io::Json c;
    c["time_s"] = cavity.time;
    c["pipe"] = cavity.riser ? "riser" : "supply";
    c["position_m"] = cavity.position;
    c["depth_m"] = cavity.depth;
    c["largest_supply_volume_m3"] = e.largest_cavity_volume(ElasticLoop::kSupply);
    c["largest_supply_volume_time_s"] = e.largest_cavity_time(ElasticLoop::kSupply);
    c["largest_riser_volume_m3"] = e.largest_cavity_volume(ElasticLoop::kRiser);
    c["largest_riser_volume_time_s"] = e.largest_cavity_time(ElasticLoop::kRiser);
    s["first_cavity"] = c;
  }
  s["supply_wave_speed_m_per_s"] = e.supply_wave_speed();
  s["riser_wave_speed_m_per_s"] = e.mean_riser_wave_speed();
  s["acoustic_time_step_s"] = e.acoustic_step();
  // Envelopes along each pipe (collective write of the CSV by rank 0 only).
  if (comm_rank(ctx_.comm) != 0) return;
  for (int pipe : {ElasticLoop::kSupply, ElasticLoop::kRiser}) {
    const AcousticPipes& w = e.pipes();
    const PipeCells& cells = pipe == ElasticLoop::kRiser ? loop_->riser_cells() : loop_->supply_cells();
    const auto pmax = w.pressure_max(pipe), pmin = w.pressure_min(pipe), tmax = w.time_of_max(pipe),
               tmin = w.time_of_min(pipe), cav = w.cavity_max(pipe), tcav = w.first_cavity_time(pipe);
    io::CsvSeries table(ctx_.output_dir + (pipe == ElasticLoop::kRiser ? "/lift_envelope_riser.csv"
                                                                        : "/lift_envelope_supply.csv"),
                        {"position_m", "depth_m", "pressure_max_Pa", "time_of_max_s", "pressure_min_Pa",
                         "time_of_min_s", "ambient_Pa", "max_overpressure_Pa", "max_underpressure_Pa",
                         "cavity_volume_max_m3", "first_cavity_time_s"},
                        false);
    for (std::size_t i = 0; i < cells.s.size(); ++i) {
      const double ambient = net_.fluid.water_density * net_.fluid.gravity * cells.depth[i];
      table.row({cells.s[i], cells.depth[i], pmax[i], tmax[i], pmin[i], tmin[i], ambient, pmax[i] - ambient,
                 ambient - pmin[i], cav[i], tcav[i]});
    }
  }
}

std::string TransientModel::status() const {
  std::string line = strformat("Q %.1f m3/h, C_top %.4f, mass err %.1e", loop_->flow() * 3600,
                               loop_->concentration().back(), loop_->conservation_error());
  if (elastic_) line += strformat(", p max %.2f MPa", elastic_->maximum_pressure().value / 1e6);
  return line;
}

void TransientModel::open_series(bool append, double keep_until) {
  if (comm_rank(ctx_.comm) != 0) return;
  (void)keep_until;  // CsvSeries keeps earlier rows up to the first new row's time itself
  csv_ = std::make_unique<io::CsvSeries>(ctx_.output_dir + "/lift_timeseries.csv", series_columns(), append);
  if (elastic_)
    stations_csv_ =
        std::make_unique<io::CsvSeries>(ctx_.output_dir + "/lift_stations.csv", elastic_->station_columns(), append);
}

void TransientModel::record(double time) {
  const auto row = series_row(loop_->sample(time));
  series_.push_back(row);
  if (csv_) csv_->row(row);
  next_sample_ = start_time_ + series_interval_ * (std::floor((time - start_time_) / series_interval_ + 1e-9) + 1.0);
}

}  // namespace hadal::lift
