// SPDX-License-Identifier: MIT
/// \file transient_model.hpp
/// \brief `lift.transient` as a sim::Model: drives the loop transient through the shared time loop and
/// writes its time series, profiles, checkpoints and summary.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "lift/network.hpp"
#include "lift/output.hpp"
#include "lift/elastic_loop.hpp"
#include "lift/loop.hpp"
#include "sim/simulation.hpp"

namespace hadal::lift {

/// The loop transient run by the shared time loop (adaptive dt on the kinematic-wave CFL, events and
/// series samples landed on exactly, checkpoints and restart).
class TransientModel : public sim::Model {
 public:
  /// `start_time` is time.start (TimeSettings).
  TransientModel(sim::RunContext& ctx, const Network& net, const TransientOptions& options, double series_interval,
                 double start_time);

  const LoopModel& loop() const { return *loop_; }
  double stable_dt(double time, double cfl) override;
  void advance(double time, double dt) override { loop_->advance(time, dt); }
  void check_finite(long step, double time) override;
  void write_output(long step, double time) override;
  void after_step(long, double time) override;
  void save(sim::CheckpointWriter& cp) override;
  void restore(sim::CheckpointReader& cp) override;
  void finish(io::Json& s) override;
  double work_per_step() const override { return loop_->work_of_last_step(); }
  std::string status() const override;

 private:
  void open_series(bool append, double keep_until);
  void record(double time);
  /// Pressure extremes, cavities and wave speeds of the elastic model; envelopes along the pipes.
  void finish_elastic(io::Json& summary) const;

  sim::RunContext& ctx_;
  Network net_;
  std::unique_ptr<LoopModel> loop_;
  ElasticLoop* elastic_;  ///< loop_ when the model is elastic, else null
  double series_interval_;
  std::unique_ptr<ProfileWriter> writer_;
  std::unique_ptr<io::CsvSeries> csv_, stations_csv_;
  std::vector<std::vector<double>> series_;
  double energy_ = 0.0, last_time_ = 0.0, next_sample_ = 0.0, start_time_ = 0.0;
};

}  // namespace hadal::lift
