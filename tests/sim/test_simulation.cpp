// SPDX-License-Identifier: MIT
// run_time_loop with a toy model: dy/dt = -lambda y, advanced exactly each step, so that every
// property of the loop is checked against exact numbers: where steps land (end, outputs,
// checkpoints), dt limits, early stops, non-finite detection, and bitwise restart.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "sim/simulation.hpp"
#include "support/test_files.hpp"

using namespace hadal;
using namespace hadal::sim;

namespace {

class Decay : public Model {
 public:
  double lambda = 0.01, y = 1.0, dt_limit = 7.0;
  double finish_after = std::numeric_limits<double>::infinity();  ///< finished() once t >= this
  long poison_at_step = -1;                                        ///< y becomes NaN at this step
  bool steady = false;
  std::vector<double> step_dts, outputs, finite_checks;
  double now = 0.0;
  long steps = 0;

  double stable_dt(double, double cfl) override { return cfl / 0.5 * dt_limit; }
  void advance(double time, double dt) override {
    step_dts.push_back(dt);
    y *= std::exp(-lambda * dt);
    now = time + dt;
    if (++steps == poison_at_step) y = std::nan("");
  }
  void check_finite(long step, double time) override {
    finite_checks.push_back(time);
    if (!std::isfinite(y)) throw NumericalError("y is not finite at step " + std::to_string(step));
  }
  void write_output(long, double time) override { outputs.push_back(time); }
  void save(CheckpointWriter& checkpoint) override { checkpoint.scalar("y", y); }
  void restore(CheckpointReader& checkpoint) override { y = checkpoint.scalar("y"); }
  void finish(io::Json& summary) override { summary["y"] = y; }
  double work_per_step() const override { return 1.0; }
  bool finished() const override { return now >= finish_after; }
  bool iterates_to_steady_state() const override { return steady; }
};

struct Loop {
  Logger log{MPI_COMM_WORLD};
  io::Json summary = io::Json::object();
  RunContext context;
  CheckpointIdentity identity{"decay", "0", 1, 1};

  Loop() {
    log.set_quiet(true);
    context.log = &log;
    context.summary = &summary;
    context.output_dir = hadal_test::scratch_directory(scratch);
    MPI_Comm_size(MPI_COMM_WORLD, &identity.ranks);
  }
  /// This loop's scratch directory, one per Loop (shared by the ranks), removed with it.
  std::string scratch = "time_loop_" + std::to_string(next_loop()++);
  static int& next_loop() {
    static int made = 0;
    return made;
  }
  ~Loop() { hadal_test::remove_scratch_directory(scratch); }
  RunStatistics run(Decay& model, const TimeSettings& time) { return run_time_loop(model, context, time, identity); }
};

TimeSettings window(double start, double end) {
  TimeSettings t;
  t.start = start;
  t.end = end;
  return t;
}

}  // namespace

TEST(TimeLoop, LandsExactlyOnOutputsAndTheEnd) {
  Loop loop;
  Decay model;
  auto time = window(10.0, 100.0);
  time.output_interval = 25.0;
  const auto stats = loop.run(model, time);
  // Steps of 7 s truncated at 35, 60, 85 and 100: 4 + 4 + 4 + 3.
  EXPECT_EQ(stats.steps, 15);
  EXPECT_EQ(stats.final_time, 100.0);
  EXPECT_EQ(model.outputs, (std::vector<double>{10.0, 35.0, 60.0, 85.0, 100.0}));
  for (double dt : model.step_dts) EXPECT_LE(dt, 7.0);
  EXPECT_NEAR(model.y, std::exp(-0.01 * 90.0), 1e-14);
  EXPECT_EQ(loop.summary["steps"].get<long>(), 15);
  EXPECT_EQ(loop.summary["simulated_time_s"].get<double>(), 100.0);
  EXPECT_EQ(loop.summary["y"].get<double>(), model.y);
}

TEST(TimeLoop, StepLimitsAndFixedStep) {
  Loop loop;
  Decay capped;
  auto time = window(0.0, 20.0);
  time.dt_max = 3.0;
  loop.run(capped, time);
  EXPECT_EQ(capped.step_dts.size(), 7u);  // 6 x 3 s + 2 s
  for (double dt : capped.step_dts) EXPECT_LE(dt, 3.0);

  Decay fixed;
  fixed.dt_limit = 1e-9;  // ignored: a fixed dt does not ask the model
  time = window(0.0, 20.0);
  time.dt_fixed = 6.0;
  loop.run(fixed, time);
  EXPECT_EQ(fixed.step_dts, (std::vector<double>{6.0, 6.0, 6.0, 2.0}));
}

TEST(TimeLoop, RanksPrintProgressTogether) {
  // The progress line asks the model for figures that are sums over ranks (particle counts), so every
  // rank must decide to print it together even when their clocks disagree. Rank 0 starts the loop
  // 200 ms after the others; a line is due every 50 ms of a 10-step run (10 ms per step). Ranks that
  // decided from their own clocks asked for the figures 3 and 4 times, and a collective sum there hung
  // a 2-rank run of `method: both`.
  class Counting : public Decay {
   public:
    mutable int asked = 0;
    void advance(double time, double dt) override {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      Decay::advance(time, dt);
    }
    double work_per_step() const override { return ++asked, 1.0; }
  };
  Loop loop;
  Counting model;
  TimeSettings time = window(0.0, 70.0);
  time.progress_interval = 0.05;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  loop.run(model, time);
  int fewest = 0, most = 0;
  MPI_Allreduce(&model.asked, &fewest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(&model.asked, &most, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  EXPECT_EQ(fewest, most);
  EXPECT_GE(fewest, 2);
}

TEST(TimeLoop, EarlyStops) {
  Loop loop;
  Decay limited;
  auto time = window(0.0, 1000.0);
  time.max_steps = 4;
  const auto a = loop.run(limited, time);
  EXPECT_EQ(a.steps, 4);
  EXPECT_EQ(limited.outputs.back(), 28.0);  // the final output is written where the run stopped

  Decay done;
  done.finish_after = 50.0;
  loop.run(done, window(0.0, 1000.0));
  EXPECT_EQ(done.now, 56.0);  // first step end at or after 50
  EXPECT_EQ(done.outputs.back(), 56.0);

  // A pseudo-time model ignores time.end and stops when finished.
  Decay steady;
  steady.steady = true;
  steady.finish_after = 300.0;
  loop.run(steady, window(0.0, 100.0));
  EXPECT_EQ(steady.now, 301.0);
}

TEST(TimeLoop, NonFiniteStateStopsTheRunWithinTenSteps) {
  Loop loop;
  Decay model;
  model.poison_at_step = 13;
  try {
    loop.run(model, window(0.0, 1000.0));
    FAIL() << "NaN not detected";
  } catch (const NumericalError& e) {
    EXPECT_NE(std::string(e.what()).find("at step 20"), std::string::npos) << e.what();
  }
  Decay zero;
  zero.dt_limit = 0.0;
  EXPECT_THROW(loop.run(zero, window(0.0, 10.0)), NumericalError);
}

TEST(TimeLoop, RestartFromACheckpointIsBitwiseIdentical) {
  Loop whole;
  Decay uninterrupted;
  auto time = window(0.0, 100.0);
  time.checkpoint_interval = 30.0;
  time.keep_checkpoints = 5;
  time.output_interval = 20.0;
  const auto full = whole.run(uninterrupted, time);

  Loop restarted;
  restarted.context.output_dir = whole.context.output_dir + "/restart";
  std::filesystem::create_directories(restarted.context.output_dir);
  restarted.context.restart_file = whole.context.output_dir + "/checkpoints/checkpoint_000000010.h5";  // t = 60
  ASSERT_TRUE(std::filesystem::exists(restarted.context.restart_file));
  Decay resumed;
  resumed.y = -1.0;  // overwritten by the checkpoint
  const auto rest = restarted.run(resumed, time);
  EXPECT_EQ(rest.steps, full.steps);
  EXPECT_EQ(resumed.y, uninterrupted.y);  // bitwise
  EXPECT_EQ(resumed.outputs, (std::vector<double>{80.0, 100.0}));
  // A checkpoint of another case type is refused.
  Loop other;
  other.identity.case_type = "something_else";
  other.context.restart_file = restarted.context.restart_file;
  Decay refused;
  EXPECT_THROW(other.run(refused, time), InputError);
}
