// SPDX-License-Identifier: MIT
// Slope limiters and MUSCL face values against their defining properties.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "numerics/limiter.hpp"

using namespace hadal::numerics;

namespace {
const Limiter kAll[] = {Limiter::Minmod, Limiter::VanLeer, Limiter::MonotonizedCentral};
}

TEST(Limiter, NamesRoundTrip) {
  EXPECT_EQ(limiter_names().size(), 3u);
  for (Limiter l : kAll) EXPECT_EQ(limiter_from_name(limiter_names()[static_cast<int>(l)]), l);
  EXPECT_EQ(limiter_from_name("van_leer"), Limiter::VanLeer);
  EXPECT_EQ(limiter_from_name("mc"), Limiter::MonotonizedCentral);
  EXPECT_THROW(limiter_from_name("superbee"), std::invalid_argument);
}

TEST(Limiter, KnownValues) {
  // a = 1, b = 3: minmod 1, van Leer 2ab/(a+b) = 1.5, MC min(2, 2a, 2b) = 2.
  EXPECT_DOUBLE_EQ(limited_slope(Limiter::Minmod, 1.0, 3.0), 1.0);
  EXPECT_DOUBLE_EQ(limited_slope(Limiter::VanLeer, 1.0, 3.0), 1.5);
  EXPECT_DOUBLE_EQ(limited_slope(Limiter::MonotonizedCentral, 1.0, 3.0), 2.0);
  // a = 1, b = 5: MC is bounded by 2a.
  EXPECT_DOUBLE_EQ(limited_slope(Limiter::MonotonizedCentral, 1.0, 5.0), 2.0);
  EXPECT_DOUBLE_EQ(limited_slope(Limiter::MonotonizedCentral, -1.0, -1.5), -1.25);
}

TEST(Limiter, TvdRegionSymmetryAndExtrema) {
  for (Limiter l : kAll) {
    for (double a : {-3.0, -0.5, -1e-12, 0.0, 1e-12, 0.25, 2.0}) {
      for (double b : {-2.0, -0.1, 0.0, 0.3, 1.0, 7.0}) {
        const double s = limited_slope(l, a, b);
        if (a * b <= 0.0) {
          EXPECT_EQ(s, 0.0) << "extremum must give zero slope";
          continue;
        }
        // Sweby's TVD region: the slope has the sign of a and b, and |s| <= 2 min(|a|, |b|).
        EXPECT_GT(s * a, 0.0);
        EXPECT_LE(std::abs(s), 2.0 * std::min(std::abs(a), std::abs(b)) * (1 + 1e-15));
        // Symmetric in its arguments and odd.
        EXPECT_DOUBLE_EQ(s, limited_slope(l, b, a));
        EXPECT_DOUBLE_EQ(-s, limited_slope(l, -a, -b));
      }
    }
  }
}

TEST(Limiter, FaceValueExactForLinearDataAndUpwindAtExtrema) {
  for (Limiter l : kAll) {
    // Linear data c = 2 + 0.5 i on cells -2, -1 | 0, 1: the face at i = -1/2 has the exact value 1.75.
    const double m2 = 1.0, m1 = 1.5, p1 = 2.0, p2 = 2.5;
    EXPECT_DOUBLE_EQ(face_value(l, 1.0, m2, m1, p1, p2), 1.75);
    EXPECT_DOUBLE_EQ(face_value(l, -1.0, m2, m1, p1, p2), 1.75);
    // At a local maximum the upwind cell's value is used.
    EXPECT_DOUBLE_EQ(face_value(l, 1.0, 1.0, 3.0, 2.0, 2.5), 3.0);
    EXPECT_DOUBLE_EQ(face_value(l, -1.0, 1.0, 1.5, 3.0, 2.0), 3.0);
    // The face value lies between the two cells it separates (no new extrema).
    for (double v : {-1.0, 1.0}) {
      const double f = face_value(l, v, 0.0, 0.2, 1.0, 1.1);
      EXPECT_GE(f, 0.2);
      EXPECT_LE(f, 1.0);
    }
  }
}

TEST(Limiter, CompileTimeVariantsAreBitwiseEqual) {
  // The branch-free forms used in inner loops give exactly the runtime functions' values, both flow
  // directions, over magnitudes from 1e-30 to 1e3 and every sign pattern.
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = static_cast<double>(state >> 11) * 0x1.0p-53;
    const double magnitude = std::pow(10.0, -30.0 + 33.0 * u);
    return (state & 1) ? magnitude : -magnitude;
  };
  for (int trial = 0; trial < 20000; ++trial) {
    const double c[4] = {next(), next(), next(), next()}, vel = next();
    const double a = next(), b = trial % 7 == 0 ? -a : next();  // include a = -b
    auto same = [](double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; };
    EXPECT_TRUE(same(limited_slope_of<Limiter::Minmod>(a, b), limited_slope(Limiter::Minmod, a, b)));
    EXPECT_TRUE(same(limited_slope_of<Limiter::VanLeer>(a, b), limited_slope(Limiter::VanLeer, a, b)));
    EXPECT_TRUE(same(limited_slope_of<Limiter::MonotonizedCentral>(a, b), limited_slope(Limiter::MonotonizedCentral, a, b)));
    EXPECT_TRUE(same(face_value_of<Limiter::Minmod>(vel, c[0], c[1], c[2], c[3]), face_value(Limiter::Minmod, vel, c[0], c[1], c[2], c[3])));
    EXPECT_TRUE(same(face_value_of<Limiter::VanLeer>(vel, c[0], c[1], c[2], c[3]), face_value(Limiter::VanLeer, vel, c[0], c[1], c[2], c[3])));
    EXPECT_TRUE(same(face_value_of<Limiter::MonotonizedCentral>(vel, c[0], c[1], c[2], c[3]),
                     face_value(Limiter::MonotonizedCentral, vel, c[0], c[1], c[2], c[3])));
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "inputs " << a << " " << b << " / " << vel << " " << c[0] << " " << c[1] << " " << c[2] << " " << c[3];
      return;
    }
  }
}
