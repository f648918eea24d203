// SPDX-License-Identifier: MIT
#include "thermal/core_history_model.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "io/csv.hpp"
#include "thermal/core_model.hpp"
#include "thermal/keys.hpp"

namespace hadal::thermal {

double interpolate(const std::vector<double>& t, const std::vector<double>& v, double time) {
  if (time <= t.front()) return v.front();
  if (time >= t.back()) return v.back();
  std::size_t k = 1;
  while (t[k] < time) ++k;
  const double w = (time - t[k - 1]) / (t[k] - t[k - 1]);
  return (1.0 - w) * v[k - 1] + w * v[k];
}

namespace {

/// The core alone, driven by a prescribed CMB heat-flow history.
class CoreHistoryModel : public sim::Model {
 public:
  /// The core starts at `start` (time.start, s) in its initial state.
  CoreHistoryModel(sim::RunContext& context, double start)
      : context_(context), core_(core_parameters(context.config.child("core"))) {
    core_.set_time(start);
    const auto q = context.config.child("core").child("cmb_heat_flow");
    times_ = q.reals("times");
    values_ = q.reals("values");
    initial_tc_ = core_.state().cmb_temperature;
    initial_ri_ = core_.state().inner_core_radius;
    MPI_Comm_rank(context.comm, &rank_);
    if (rank_ == 0)
      csv_ = std::make_unique<io::CsvSeries>(
          context.output_dir + "/core.csv",
          std::vector<std::string>{"time", "cmb_temperature_K", "icb_temperature_K", "inner_core_radius_m", "q_cmb_W",
                                   "q_secular_W", "q_latent_W", "q_gravitational_W", "q_radiogenic_W", "q_adiabatic_W",
                                   "stable_layer_m", "inner_core_growth_m_s"},
          !context.restart_file.empty());
  }
  double q(double t) const { return interpolate(times_, values_, t); }
  double stable_dt(double, double cfl) override { return cfl * 1e7 * 3.15576e7; }  // 10 Myr at CFL 1
  void advance(double, double dt) override {
    core_.advance(dt, [this](double t) { return q(t); });
  }
  void after_step(long, double time) override { write_row(time); }
  void check_finite(long step, double) override {
    if (!std::isfinite(core_.state().cmb_temperature))
      throw NumericalError("core temperature not finite at step " + std::to_string(step));
  }
  void write_output(long, double time) override { write_row(time); }
  void save(sim::CheckpointWriter& c) override { c.scalars("core_state", core_.state_values()); }
  void restore(sim::CheckpointReader& c) override { core_.set_state_values(c.scalars("core_state")); }
  void finish(io::Json& summary) override {
    const auto& s = core_.state();
    const auto b = core_.budget(q(s.time));
    summary["cmb_temperature_K"] = s.cmb_temperature;
    summary["inner_core_radius_m"] = s.inner_core_radius;
    summary["q_cmb_W"] = b.cmb;
    summary["q_secular_W"] = b.secular;
    summary["q_latent_W"] = b.latent;
    summary["q_gravitational_W"] = b.gravitational;
    summary["q_radiogenic_W"] = b.radiogenic;
    summary["q_adiabatic_W"] = b.adiabatic_cmb;
    summary["stable_layer_m"] = b.stable_layer_thickness;
    summary["cooling_rate_K_per_Gyr"] = b.cooling_rate * 3.15576e16;
    summary["conductive_entropy_W_K"] = b.conductive_entropy;
    const double released = core_.released_energy(initial_tc_, initial_ri_) + s.radiogenic_energy;
    summary["heat_out_J"] = s.heat_out;
    summary["energy_released_J"] = released;
    summary["energy_balance_rel_error"] = std::abs(released - s.heat_out) / std::max(std::abs(s.heat_out), 1e-300);
  }
  double work_per_step() const override { return 1.0; }
  std::string work_unit() const override { return "core-steps"; }

 private:
  void write_row(double time) {
    if (rank_ != 0 || time <= last_row_) return;
    last_row_ = time;
    const auto b = core_.budget(q(time));
    csv_->row({time, core_.state().cmb_temperature, b.icb_temperature, core_.state().inner_core_radius, b.cmb, b.secular,
               b.latent, b.gravitational, b.radiogenic, b.adiabatic_cmb, b.stable_layer_thickness, b.inner_core_growth});
  }
  sim::RunContext& context_;
  CoreModel core_;
  std::vector<double> times_, values_;
  double initial_tc_ = 0.0, initial_ri_ = 0.0, last_row_ = -1e300;
  int rank_ = 0;
  std::unique_ptr<io::CsvSeries> csv_;
};

}  // namespace

std::unique_ptr<sim::Model> make_core_history_model(sim::RunContext& context, double start) {
  return std::make_unique<CoreHistoryModel>(context, start);
}

}  // namespace hadal::thermal
