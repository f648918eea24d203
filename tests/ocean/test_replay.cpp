// SPDX-License-Identifier: MIT
// Harmonic replay: the replayed depth-mean flow against the solved one over the days after the analysed
// record (a linear tide must be reproduced to the discretisation of the sampling; the nonlinear tide over a
// seamount with rotation to the size of its compound tides), divergence-free 3-D faces, the replay file and
// the checkpoint round trips (bitwise), nesting in time-varying data, and 1 rank = 2 ranks.
#include <gtest/gtest.h>

#include <cmath>


#include "grid/bathymetry.hpp"
#include "ocean/module.hpp"
#include "ocean/replay.hpp"
#include "sim/registry.hpp"
#include "support/test_files.hpp"
#include "test_support.hpp"

using namespace hadal;
using namespace hadal_test;
using namespace hadal::ocean;

namespace {

/// 1000 m deep with a 300 m seamount in a 2.4 km box.
class Seamount : public grid::SeabedShape {
 public:
  double elevation(double x, double y) const override {
    return -1000.0 + 300.0 * std::exp(-((x - 1200) * (x - 1200) + (y - 1200) * (y - 1200)) / (400.0 * 400.0));
  }
};

config::ResolvedCase resolve(const std::string& ocean, double end) {
  const config::ObjectSpec root = ocean_test::ocean_case_schema();
  return config::validate(YAML::Load("ocean:\n" + ocean + strformat("time: {start: 0, end: %.17g}\n", end)), root, "test.yaml");
}

const std::string kTide = R"(  model: tidal
  mean_current: [0.015, 0.005]
  constituents:
    - {name: M2, elevation_amplitude: 0.5, u_amplitude: 0.03, v_amplitude: 0.015, v_phase: 90 deg}
    - {name: S2, elevation_amplitude: 0.2, u_amplitude: 0.012, u_phase: 30 deg, v_amplitude: 0.006, v_phase: 120 deg}
  wave_speed: 10
  ramp_time: 10800
  spin_up: 43200
)";

struct Setup {
  std::unique_ptr<grid::StructuredGrid> grid;
  std::unique_ptr<grid::Bathymetry> bathymetry;
};

Setup setup(MPI_Comm comm, int n = 24) {
  Setup s;
  s.grid = ocean_test::make_grid(comm, n, n, 8, 2400.0, 2400.0, -1000.0, -900.0);
  Seamount shape;
  s.bathymetry = std::make_unique<grid::Bathymetry>(*s.grid, shape);
  return s;
}

/// The error studies solve for days: one rank runs them; the rank comparison has its own test.
bool distributed() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size > 1;
}

double max_difference(const grid::StructuredGrid& grid, const grid::Field& a, const grid::Field& b) {
  auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a.view());
  auto y = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b.view());
  double d = 0.0;
  for (std::size_t m = 0; m < x.size(); ++m) d = std::max(d, std::abs(x.data()[m] - y.data()[m]));
  return grid::global_max(grid.comm(), d);
}

}  // namespace

TEST(Replay, LinearTideIsReproduced) {
  if (distributed()) GTEST_SKIP() << "error study on one rank only";
  // Linear equations, no rotation: the response to the boundary tide is linear, one admittance per species.
  const auto r = resolve(kTide + "  nonlinear: false\n", 4 * 86400.0);
  auto s = setup(MPI_COMM_WORLD);
  TidalFlow flow(r.root().child("ocean"), r.root(), *s.grid, *s.bathymetry, 0.0, 4 * 86400.0);
  ReplaySettings settings;
  settings.enabled = true;
  settings.record = 1.5 * 86400.0;
  HarmonicReplay replay(flow, settings, 0.0, 4.0 * 86400.0, nullptr);
  const auto e = replay_error(flow, replay, 4.0 * 86400.0, 1800.0);
  if (rank() == 0)
    std::printf("linear tide replayed over 2.5 d after a 1.5 d record: RMS error %.2e m/s, max %.2e m/s (RMS speed %.2e "
                "m/s); %d shapes; solve %.3g s, replay %.3g s\n",
                e.rms, e.max, e.rms_speed, replay.fitted_shapes(), e.solve_seconds, e.replay_seconds);
  EXPECT_LT(e.rms, 0.01 * e.rms_speed);
  EXPECT_LT(e.max, 0.03 * e.rms_speed);
}

TEST(Replay, NonlinearTideOverASeamountWithRotation) {
  if (distributed()) GTEST_SKIP() << "error study on one rank only";
  // The full equations at 37 N: advection and drag make compound tides (M4, MS4, S4); the replay carries them.
  const auto r = resolve(kTide + "  latitude: 37.3 deg\n", 5 * 86400.0);
  auto s = setup(MPI_COMM_WORLD);
  TidalFlow flow(r.root().child("ocean"), r.root(), *s.grid, *s.bathymetry, 0.0, 5 * 86400.0);
  ReplaySettings settings;
  settings.enabled = true;
  settings.record = 2.0 * 86400.0;
  HarmonicReplay replay(flow, settings, 0.0, 4.0 * 86400.0, nullptr);
  std::string names;
  for (const auto& c : replay.constituents()) names += c.name + " ";
  const auto e = replay_error(flow, replay, 5.0 * 86400.0, 1800.0);
  if (rank() == 0)
    std::printf("nonlinear tide at 37 N replayed over 3 d after a 2 d record: RMS error %.2e m/s (%.2f %% of the RMS speed "
                "%.2e m/s), max %.2e m/s; constituents %s; speed-up of the replay over the solver %.0fx\n",
                e.rms, 100 * e.rms / e.rms_speed, e.rms_speed, e.max, names.c_str(),
                e.solve_seconds / std::max(e.replay_seconds, 1e-9));
  EXPECT_NE(names.find("M4"), std::string::npos) << names;
  EXPECT_NE(names.find("MS4"), std::string::npos) << names;
  EXPECT_LT(e.rms, 0.02 * e.rms_speed);
  EXPECT_LT(e.max, 0.08 * e.rms_speed);
}

TEST(Replay, FlowSourceFileCheckpointAndRanks) {
  static bool registered = false;
  if (!registered) register_flow_sources();
  registered = true;
  const auto* source = sim::Registry::instance().find_flow_source("ocean");
  ASSERT_NE(source, nullptr);
  const std::string file = scratch_directory("replay_test") + "/harmonics.h5";
  const auto solve = resolve(kTide + "  latitude: 37.3 deg\n  replay: {record: 1 d, file: " + file + "}\n", 3 * 86400.0);
  const auto load = resolve(kTide + "  latitude: 37.3 deg\n  replay: {source: file, file: " + file + "}\n", 3 * 86400.0);
  auto s = setup(MPI_COMM_WORLD);
  sim::RunContext context;
  context.config = solve.root();
  auto provider = source->create(solve.root().child("ocean"), *s.grid, *s.bathymetry, context);
  const double t = 2.3 * 86400.0;
  FaceVelocity a(*s.grid);
  provider->velocity(t, a.u, a.v, a.w);
  const double div = relative_divergence(*s.grid, s.bathymetry->first_wet(), a.u, a.v, a.w);
  const double bound = provider->max_speed(t, t + 600.0);
  const double speed = std::max(a.u.max_abs(), a.v.max_abs());  // collective
  if (rank() == 0) std::printf("replayed 3-D faces: relative divergence %.1e, max speed %.4f m/s (bound %.4f)\n", div, speed, bound);
  EXPECT_LT(div, 1e-12);
  EXPECT_LT(speed, bound);
  grid::Field ustar(*s.grid, "ustar", "m s-1", "u*", 1);
  EXPECT_TRUE(provider->friction_velocity(t, ustar));
  EXPECT_GT(ustar.max_abs(), 0.0);

  // A later run reads the analysis from the file: the same faces, bit for bit.
  context.config = load.root();
  auto loaded = source->create(load.root().child("ocean"), *s.grid, *s.bathymetry, context);
  FaceVelocity b(*s.grid);
  loaded->velocity(t, b.u, b.v, b.w);
  EXPECT_EQ(max_difference(*s.grid, a.u, b.u), 0.0);
  EXPECT_EQ(max_difference(*s.grid, a.w, b.w), 0.0);

  // replay.interval: the flow rebuilt at instants n * interval and blended linearly in time. At an
  // instant it is the replay itself; in between each blend is divergence-free and the error is the
  // linear interpolation's, (w interval)^2 / 8 of a constituent's amplitude at mid-interval: second order.
  auto blended = [&](double interval) {
    const auto c = resolve(kTide + strformat("  latitude: 37.3 deg\n  replay: {source: file, file: %s, interval: %.17g}\n",
                                             file.c_str(), interval), 3 * 86400.0);
    context.config = c.root();
    return source->create(c.root().child("ocean"), *s.grid, *s.bathymetry, context);
  };
  auto mid_interval_error = [&](double interval, double t0) {
    auto provider_blended = blended(interval);
    FaceVelocity exact(*s.grid), blend(*s.grid);
    const double mid = t0 + 0.5 * interval;
    loaded->velocity(mid, exact.u, exact.v, exact.w);
    provider_blended->velocity(mid, blend.u, blend.v, blend.w);
    EXPECT_LT(relative_divergence(*s.grid, s.bathymetry->first_wet(), blend.u, blend.v, blend.w), 1e-12);
    FaceVelocity at_instant(*s.grid);
    provider_blended->velocity(t0, at_instant.u, at_instant.v, at_instant.w);
    loaded->velocity(t0, exact.u, exact.v, exact.w);
    EXPECT_EQ(max_difference(*s.grid, at_instant.u, exact.u), 0.0);
    EXPECT_EQ(max_difference(*s.grid, at_instant.w, exact.w), 0.0);
    loaded->velocity(mid, exact.u, exact.v, exact.w);
    return std::max(max_difference(*s.grid, blend.u, exact.u), max_difference(*s.grid, blend.v, exact.v));
  };
  const double t_instant = 165 * 1200.0;  // an instant of both intervals
  const double e20 = mid_interval_error(1200.0, t_instant), e10 = mid_interval_error(600.0, t_instant);
  const double order = std::log2(e20 / e10);
  // The fastest replayed constituent is a quarter-diurnal compound tide (M4: 2.8e-4 rad/s).
  const double interpolation_bound = std::pow(2.8e-4 * 600.0, 2) / 8.0 * bound;
  if (rank() == 0)
    std::printf("replay.interval: max face error at mid-interval %.2e m/s (20 min), %.2e m/s (10 min; bound %.2e): "
                "observed order %.2f\n", e20, e10, interpolation_bound, order);
  EXPECT_GT(order, 1.8);
  EXPECT_LT(order, 2.2);
  EXPECT_LT(e10, interpolation_bound);

  // A checkpoint restores the replay without solving: bitwise the same faces.
  const std::string checkpoint = scratch_directory("replay_test") + "/checkpoint_1.h5";
  provider->save(checkpoint);
  context.config = solve.root();
  auto restarted = source->create(solve.root().child("ocean"), *s.grid, *s.bathymetry, context);
  restarted->restore(checkpoint);
  FaceVelocity c(*s.grid);
  restarted->velocity(t, c.u, c.v, c.w);
  EXPECT_EQ(max_difference(*s.grid, a.u, c.u), 0.0);
  EXPECT_EQ(max_difference(*s.grid, a.v, c.v), 0.0);

  // One rank replays the same faces as this job's ranks (each rank alone, writing no file).
  const auto quiet = resolve(kTide + "  latitude: 37.3 deg\n  replay: {record: 1 d}\n", 3 * 86400.0);
  context.config = quiet.root();
  auto serial = setup(MPI_COMM_SELF);
  auto alone = source->create(quiet.root().child("ocean"), *serial.grid, *serial.bathymetry, context);
  FaceVelocity d(*serial.grid);
  alone->velocity(t, d.u, d.v, d.w);
  auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a.u.view());
  auto y = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), d.u.view());
  double diff = 0.0;
  for (int gj = s.grid->owned().j_begin; gj < s.grid->owned().j_end; ++gj)
    for (int gi = s.grid->owned().i_begin; gi < s.grid->owned().i_end; ++gi)
      for (int k = 0; k < s.grid->nz(); ++k)
        diff = std::max(diff, std::abs(x(s.grid->local_i(gi), s.grid->local_j(gj), k) -
                                       y(serial.grid->local_i(gi), serial.grid->local_j(gj), k)));
  EXPECT_EQ(grid::global_max(MPI_COMM_WORLD, diff), 0.0);
  remove_scratch_directory("replay_test");
}

TEST(Replay, NestedInTimeVaryingData) {
  if (distributed()) GTEST_SKIP() << "error study on one rank only";
  // Sub-tidal data switching between 2 and 3 cm/s every 12 h under an M2 tide: the response to the data's
  // boundary current (solved once towards east and north) carries the slow changes the record never saw.
  const std::string file = scratch_directory("replay_test") + "/subtidal.nc";
  if (rank() == 0)
    ocean_test::write_projected_currents(file, {-3000, 0, 3000, 6000}, {-3000, 0, 3000, 6000}, {0.0, 2000.0},
                                         {0, 12, 24, 36, 48, 60, 72, 84, 96},
                                         [](int c, double t, double, double, double) {
                                           const double U = (std::lround(t / 12.0) % 2 == 0) ? 0.02 : 0.03;
                                           return c == 0 ? U : -0.3 * U;
                                         });
  MPI_Barrier(MPI_COMM_WORLD);
  const std::string ocean = R"(  model: tidal
  latitude: 37.3 deg
  constituents:
    - {name: M2, elevation_amplitude: 0.5, u_amplitude: 0.02, v_amplitude: 0.01, v_phase: 90 deg}
  wave_speed: 10
  ramp_time: 10800
  spin_up: 43200
  data: {file: )" + file + R"(, coordinates: projected, reference_time: 2020-01-01T00:00:00}
)";
  const auto r = resolve(ocean, 4 * 86400.0);
  auto s = setup(MPI_COMM_WORLD);
  TidalFlow flow(r.root().child("ocean"), r.root(), *s.grid, *s.bathymetry, 0.0, 4 * 86400.0);
  ReplaySettings settings;
  settings.enabled = true;
  settings.record = 86400.0;
  settings.response_time = 86400.0;
  HarmonicReplay replay(flow, settings, 0.0, 4.0 * 86400.0, nullptr);
  const auto e = replay_error(flow, replay, 4.0 * 86400.0, 1800.0);
  if (rank() == 0)
    std::printf("nested replay over 3 d after a 1 d record: RMS error %.2e m/s (%.2f %% of the RMS speed %.2e m/s), max "
                "%.2e m/s\n",
                e.rms, 100 * e.rms / e.rms_speed, e.rms_speed, e.max);
  EXPECT_LT(e.rms, 0.03 * e.rms_speed);
  remove_scratch_directory("replay_test");
}
