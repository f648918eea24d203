// SPDX-License-Identifier: MIT
// The particles' counter-based random numbers (particle_random.hpp): the normal pairs of the polar method
// against the standard normal distribution's moments and CDF, their independence, and reproducibility.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "plume/particle_random.hpp"

using namespace hadal::plume;

namespace {

// Standard normal CDF.
double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

}  // namespace

TEST(ParticleRandom, NormalPairsAreStandardNormalAndIndependent) {
  // 2 x 10^6 pairs over (particle id, step, stream) as the move kernel draws them.
  const int ids = 100000, steps = 10;
  double n = 0, sum[2] = {0, 0}, sum2[2] = {0, 0}, sum4[2] = {0, 0}, cross = 0, streams = 0;
  const double cuts[4] = {-2.0, -0.5, 1.0, 2.5};
  double below[4] = {0, 0, 0, 0};
  for (int id = 0; id < ids; ++id) {
    for (int step = 0; step < steps; ++step) {
      const std::uint64_t key = stream_key(20240601, static_cast<std::uint64_t>(id), static_cast<std::uint64_t>(step));
      double a, b, c, d;
      normal_pair(key, 0, a, b);
      normal_pair(key, 1, c, d);
      const double v[2] = {a, b};
      for (int m = 0; m < 2; ++m) {
        sum[m] += v[m], sum2[m] += v[m] * v[m], sum4[m] += v[m] * v[m] * v[m] * v[m];
        for (int q = 0; q < 4; ++q) below[q] += v[m] < cuts[q] ? 1.0 : 0.0;
      }
      cross += a * b;
      streams += a * c;
      n += 1;
      double a2, b2;
      normal_pair(key, 0, a2, b2);
      ASSERT_EQ(a, a2);  // a counter-based stream: the same key gives the same numbers
      ASSERT_EQ(b, b2);
    }
  }
  // Five standard errors of each estimate for n samples of N(0, 1): mean 1/sqrt(n), variance sqrt(2/n),
  // fourth moment sqrt(96/n), correlation 1/sqrt(n), CDF sqrt(p (1 - p) / (2 n)) over both members.
  const double se = 1.0 / std::sqrt(n);
  for (int m = 0; m < 2; ++m) {
    const double mean = sum[m] / n, variance = sum2[m] / n - mean * mean, fourth = sum4[m] / n;
    std::printf("member %d: mean %.2e, variance %.5f, fourth moment %.4f (n = %.0f)\n", m, mean, variance, fourth, n);
    EXPECT_LT(std::abs(mean), 5 * se);
    EXPECT_LT(std::abs(variance - 1.0), 5 * std::sqrt(2.0) * se);
    EXPECT_LT(std::abs(fourth - 3.0), 5 * std::sqrt(96.0) * se);
  }
  std::printf("correlation within a pair %.2e, between streams %.2e\n", cross / n, streams / n);
  EXPECT_LT(std::abs(cross / n), 5 * se);
  EXPECT_LT(std::abs(streams / n), 5 * se);
  for (int q = 0; q < 4; ++q) {
    const double p = phi(cuts[q]), observed = below[q] / (2 * n);
    std::printf("P(X < %.1f): %.6f (exact %.6f)\n", cuts[q], observed, p);
    EXPECT_LT(std::abs(observed - p), 5 * std::sqrt(p * (1 - p) / (2 * n)));
  }
}
