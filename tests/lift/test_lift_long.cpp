// SPDX-License-Identifier: MIT
// Longer verification studies (label `long`, not in CI): cell-size convergence of the batch-feeding
// concentration waves at the riser top and of the settled bed, down to 0.5 m cells.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "lift/network.hpp"
#include "lift/rigid_loop.hpp"

#include "loop_stepping.hpp"

using namespace hadal::lift;

namespace {
double run_until(RigidLoop& loop, double t, double t_end, double cfl, double dt_max, std::vector<double>* top,
                 double sample = 1.0) {
  double next = t;
  while (t < t_end - 1e-9) {
    double dt = std::min({loop.stable_dt(cfl), t_end - t, dt_max});
    if (top && next - t > 1e-9) dt = std::min(dt, next - t);
    const double to_event = loop.next_event_time() - t;
    if (to_event > 1e-9) dt = std::min(dt, to_event);
    loop.advance(t, dt);
    t += dt;
    if (top && t >= next - 1e-9) {
      top->push_back(loop.concentration().back());
      next += sample;
    }
  }
  return t;
}
}  // namespace

TEST(LiftLong, BatchFeedingWavesConverge) {
  const Network n = batch_feeding_design();
  std::vector<std::vector<double>> tops;
  const double sizes[] = {4.0, 2.0, 1.0, 0.5};
  for (double dx : sizes) {
    TransientOptions o;
    o.cell_size = dx;
    RigidLoop loop(n, o);
    std::vector<double> top;
    run_until(loop, 0.0, 1200.0, 0.9, 1e9, &top);
    tops.push_back(top);
  }
  // L1 (in time) difference of the top concentration between successive resolutions
  std::vector<double> diffs;
  for (std::size_t k = 0; k + 1 < tops.size(); ++k) {
    const std::size_t m = std::min(tops[k].size(), tops[k + 1].size());
    double d = 0.0;
    for (std::size_t i = 600; i < m; ++i) d += std::fabs(tops[k][i] - tops[k + 1][i]);
    diffs.push_back(d / (m - 600));
  }
  for (std::size_t k = 0; k < diffs.size(); ++k) {
    std::printf("  top concentration, %.1f m vs %.1f m cells: mean |dC| = %.3e", sizes[k], sizes[k + 1], diffs[k]);
    if (k > 0) std::printf(", observed order %.2f", std::log2(diffs[k - 1] / diffs[k]));
    std::printf("\n");
  }
  EXPECT_LT(diffs.back(), diffs.front());
}

TEST(LiftLong, SettledBedConverges) {
  const Network n = reference_design();
  for (double dx : {5.0, 2.0, 1.0, 0.5}) {
    TransientOptions o;
    o.cell_size = dx;
    o.events = {{10.0, TransientEvent::Kind::Trip}, {10.0, TransientEvent::Kind::FeederStop}};
    RigidLoop loop(n, o);
    run_until(loop, 0.0, 30.0, 0.9, 0.1, nullptr);
    const double exact = loop.riser_inventory() / (n.riser.area() * n.ore.packing_limit);
    run_until(loop, 30.0, 2400.0, 0.9, 0.5, nullptr);
    std::printf("  dx %.1f m: bed %.2f m, exact %.2f m, packing alarm at %.2f s\n", dx, loop.bed_length(), exact,
                loop.packing_alarm().time);
    EXPECT_NEAR(loop.bed_length(), exact, dx + 1e-9);
    EXPECT_LT(std::fabs(loop.conservation_error()), 1e-13);
  }
}
