// SPDX-License-Identifier: MIT
#include "sim/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <regex>

#include "core/error.hpp"
#include "core/profiling.hpp"
#include "core/runtime.hpp"
#include "core/signals.hpp"

namespace hadal::sim {

void declare_time_schema(config::ObjectSpec& root) {
  using namespace units;
  auto& time = root.object("time", "Time stepping.");
  time.real("end", kTime, "Simulated time at which the run ends").greater_than(0.0).required();
  time.real("start", kTime, "Simulated time at the start (tidal phases refer to t = 0)").default_value(0.0);
  time.real("cfl", kDimensionless, "Target Courant number for adaptive steps").greater_than(0.0).max(1.0).default_value(0.5);
  time.real("dt_max", kTime, "Upper bound of the time step").greater_than(0.0).optional();
  time.real("dt", kTime, "Fixed time step (disables adaptive stepping)").greater_than(0.0).optional();
  time.integer("max_steps", "Stop after this many steps (0 = no limit)").min(0).default_value(0);
  time.real("progress_interval", kTime, "Wall-clock time between progress lines").greater_than(0.0).default_value(10.0);
  time.real("wall_time_limit", kTime, "Wall-clock budget: checkpoint and stop (exit 75) when it runs out")
      .greater_than(0.0)
      .optional();
  root.key("output").object().real("interval", kTime, "Simulated time between field outputs (default: start and end only)")
      .greater_than(0.0)
      .optional();
  auto& checkpoint = root.object("checkpoint", "Checkpoints for restart (also written on SIGTERM/SIGUSR1).");
  checkpoint.real("interval", kTime, "Simulated time between checkpoints (default: only on signals and at the end)")
      .greater_than(0.0)
      .optional();
  checkpoint.integer("keep", "Number of newest checkpoints kept").min(1).default_value(2);
}

TimeSettings time_settings_from_config(const config::ConfigView& root) {
  const auto time = root.child("time");
  TimeSettings s;
  s.start = time.real("start");
  s.end = time.real("end");
  if (s.end <= s.start) time.fail("end", "must be after time.start");
  s.cfl = time.real("cfl");
  if (time.has("dt_max")) s.dt_max = time.real("dt_max");
  if (time.has("dt")) s.dt_fixed = time.real("dt");
  s.max_steps = time.integer("max_steps");
  s.progress_interval = time.real("progress_interval");
  if (time.has("wall_time_limit")) s.wall_time_limit = time.real("wall_time_limit");
  const auto output = root.child("output");
  if (output.has("interval")) s.output_interval = output.real("interval");
  const auto checkpoint = root.child("checkpoint");
  if (checkpoint.has("interval")) s.checkpoint_interval = checkpoint.real("interval");
  s.keep_checkpoints = static_cast<int>(checkpoint.integer("keep"));
  return s;
}

namespace {

namespace fs = std::filesystem;

std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = static_cast<long>(seconds + 0.5);
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + std::to_string((s % 3600) / 60) + "m";
}

std::string sim_time_text(double t) {
  if (std::abs(t) < 600) return strformat("%.3g s", t);
  if (std::abs(t) < 2 * 86400) return strformat("%.4g h", t / 3600);
  if (std::abs(t) < 3.15576e9) return strformat("%.4g d", t / 86400);
  return strformat("%.4g Myr", t / 3.15576e13);
}

// Next multiple of `interval` after `t` (counted from `start`), or +inf if no interval.
double next_event(double start, double interval, double t) {
  if (interval <= 0.0) return INFINITY;
  const double n = std::floor((t - start) / interval * (1.0 + 1e-12) + 1e-9) + 1.0;
  return start + n * interval;
}

std::string checkpoint_directory(const RunContext& context) { return context.output_dir + "/checkpoints"; }

std::string write_checkpoint(Model& model, RunContext& context, const CheckpointIdentity& identity, long step,
                             double time, int keep) {
  const std::string dir = checkpoint_directory(context);
  int rank = 0;
  MPI_Comm_rank(context.comm, &rank);
  if (rank == 0) fs::create_directories(dir);
  MPI_Barrier(context.comm);
  const std::string path = dir + strformat("/checkpoint_%09ld.h5", step);
  CheckpointWriter writer(context.comm, path, identity, step, time);
  model.save(writer);
  writer.commit();
  if (rank == 0) {
    // Keep the newest `keep` checkpoints.
    std::vector<fs::path> all;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (std::regex_match(entry.path().filename().string(), std::regex("checkpoint_[0-9]+\\.h5"))) {
        all.push_back(entry.path());
      }
    }
    std::sort(all.begin(), all.end());
    for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < all.size(); ++i) {
      // Companion files of a checkpoint (a flow provider's state) share its name as a prefix.
      const std::string prefix = all[i].filename().string() + ".";
      for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().filename().string().rfind(prefix, 0) == 0) fs::remove(entry.path());
      }
      fs::remove(all[i]);
    }
  }
  context.log->info("checkpoint written: " + path + " (t = " + sim_time_text(time) + ", step " + std::to_string(step) + ")");
  return path;
}

}  // namespace

RunStatistics run_time_loop(Model& model, RunContext& context, const TimeSettings& settings,
                            const CheckpointIdentity& identity) {
  Logger& log = *context.log;
  install_stop_signal_handlers();
  const auto wall_start = std::chrono::steady_clock::now();
  auto wall = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count(); };

  double t = settings.start;
  long step = 0;
  if (!context.restart_file.empty()) {
    CheckpointReader reader(context.comm, context.restart_file, identity);
    model.restore(reader);
    t = reader.time();
    step = reader.step();
    log.info("restarted from " + context.restart_file + " at t = " + sim_time_text(t) + ", step " + std::to_string(step));
  } else {
    model.check_finite(0, t);
    model.write_output(0, t);
  }
  double next_output = next_event(settings.start, settings.output_interval, t);
  double next_checkpoint = next_event(settings.start, settings.checkpoint_interval, t);
  double last_output = t;
  double last_checkpoint = t;
  double last_progress_wall = 0.0;
  const long first_step = step;
  double dt = 0.0;
  RunStatistics stats;
  const double end_tolerance = 1e-12 * std::max(1.0, std::abs(settings.end));

  const bool iterating = model.iterates_to_steady_state();
  while ((iterating || t < settings.end - end_tolerance) && (settings.max_steps == 0 || step < settings.max_steps) &&
         !model.finished()) {
    if (settings.dt_fixed > 0.0) {
      dt = settings.dt_fixed;
    } else {
      profiling::Region region("stable_dt");
      dt = model.stable_dt(t, settings.cfl);
    }
    if (settings.dt_max > 0.0) dt = std::min(dt, settings.dt_max);
    if (!(dt > 0.0) || !std::isfinite(dt)) {
      throw NumericalError("time step " + std::to_string(step + 1) + " at t = " + sim_time_text(t) +
                           ": the model returned an unusable dt = " + std::to_string(dt) + " s");
    }
    // Land exactly on the end, output and checkpoint times.
    const double target = std::min({iterating ? std::numeric_limits<double>::infinity() : settings.end, next_output,
                                    next_checkpoint});
    if (t + dt >= target - 1e-9 * dt) dt = target - t;
    {
      profiling::Region region("advance");
      model.advance(t, dt);
    }
    t = (std::abs(t + dt - target) <= 1e-9 * dt) ? target : t + dt;
    ++step;
    {
      profiling::Region region("after_step");
      model.after_step(step, t);
    }
    const bool output_now = t >= next_output;
    if (output_now || step % 10 == 0) {
      profiling::Region region("check_finite");
      model.check_finite(step, t);
    }
    if (output_now) {
      profiling::Region region("output");
      model.write_output(step, t);
      last_output = t;
      next_output = next_event(settings.start, settings.output_interval, t);
    }
    if (t >= next_checkpoint) {
      profiling::Region region("checkpoint");
      write_checkpoint(model, context, identity, step, t, settings.keep_checkpoints);
      last_checkpoint = t;
      next_checkpoint = next_event(settings.start, settings.checkpoint_interval, t);
    }
    // What the ranks must decide together, in one reduction per step: a stop signal, the wall-time
    // limit, and the progress line (it asks the model for sums over ranks, so one rank's clock alone
    // must not decide it).
    int together[3] = {received_stop_signal() != 0 ? 1 : 0,
                       settings.wall_time_limit > 0.0 && wall() >= settings.wall_time_limit ? 1 : 0,
                       wall() - last_progress_wall >= settings.progress_interval ? 1 : 0};
    MPI_Allreduce(MPI_IN_PLACE, together, 3, MPI_INT, MPI_MAX, context.comm);
    if (together[0] || together[1]) {
      const int signal = received_stop_signal();
      log.warn(signal ? "received signal " + std::to_string(signal) + ": writing a checkpoint and stopping"
                      : "wall-time limit reached: writing a checkpoint and stopping");
      model.check_finite(step, t);
      const std::string path = write_checkpoint(model, context, identity, step, t, settings.keep_checkpoints);
      throw CheckpointedStop(path);
    }
    if (together[2]) {
      last_progress_wall = wall();
      const double fraction = (t - settings.start) / (settings.end - settings.start);
      const double done_here = static_cast<double>(step - first_step);
      const double rate = done_here * model.work_per_step() / std::max(wall(), 1e-9);
      const double eta = wall() * (1.0 - fraction) / std::max(fraction, 1e-12);
      std::string line =
          iterating ? strformat("step %7ld  pseudo-time %-10s dt = %-9s wall %-7s %.3g %s/s", step,
                                sim_time_text(t).c_str(), sim_time_text(dt).c_str(), duration_text(wall()).c_str(),
                                rate, model.work_unit().c_str())
                    : strformat("step %7ld  t = %-10s (%5.1f%%)  dt = %-9s wall %-7s ETA %-7s %.3g %s/s", step,
                                sim_time_text(t).c_str(), 100.0 * fraction, sim_time_text(dt).c_str(),
                                duration_text(wall()).c_str(), duration_text(eta).c_str(), rate,
                                model.work_unit().c_str());
      const std::string status = model.status();
      if (!status.empty()) line += "  " + status;
      log.info(line);
    }
  }
  model.check_finite(step, t);
  if (t > last_output) model.write_output(step, t);
  if (settings.checkpoint_interval > 0.0 && t > last_checkpoint) {
    write_checkpoint(model, context, identity, step, t, settings.keep_checkpoints);
  }
  stats.steps = step;
  stats.final_time = t;
  stats.wall_seconds = wall();
  log.info(strformat("finished: %ld steps to t = %s in %s wall (%.3g %s/s)", step, sim_time_text(t).c_str(),
                     duration_text(stats.wall_seconds).c_str(),
                     static_cast<double>(step - first_step) * model.work_per_step() / std::max(stats.wall_seconds, 1e-9),
                     model.work_unit().c_str()));
  model.finish(*context.summary);
  (*context.summary)["steps"] = step;
  (*context.summary)["simulated_time_s"] = t;
  return stats;
}

}  // namespace hadal::sim
