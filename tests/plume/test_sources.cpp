// SPDX-License-Identifier: MIT
// Sources: the release instant the particles take within a step (Source::active_instant), and the area
// of a source disk inside a cell (disk_rectangle_area), which spreads the Eulerian release.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "plume/sources.hpp"

using hadal::plume::Source;

TEST(SourceRelease, InstantIsUniformOverTheWholeStepWithoutWindows) {
  Source s;
  EXPECT_DOUBLE_EQ(s.active_instant(100.0, 300.0, 0.0), 100.0);
  EXPECT_DOUBLE_EQ(s.active_instant(100.0, 300.0, 0.25), 150.0);
  EXPECT_DOUBLE_EQ(s.active_instant(100.0, 300.0, 1.0), 300.0);
}

TEST(SourceRelease, InstantIsUniformOverTheActivePartOfTheStep) {
  Source s;
  s.windows = {0.0, 100.0, 200.0, 300.0, 400.0, 500.0};  // on 50 s of the step, off 100 s, on 50 s
  const double t0 = 50.0, t1 = 250.0;
  ASSERT_DOUBLE_EQ(s.active_time(t0, t1), 100.0);
  EXPECT_DOUBLE_EQ(s.active_instant(t0, t1, 0.0), 50.0);
  EXPECT_DOUBLE_EQ(s.active_instant(t0, t1, 0.25), 75.0);
  EXPECT_DOUBLE_EQ(s.active_instant(t0, t1, 0.5), 100.0);
  EXPECT_DOUBLE_EQ(s.active_instant(t0, t1, 0.75), 225.0);
  EXPECT_DOUBLE_EQ(s.active_instant(t0, t1, 1.0), 250.0);
  // The source has been on for the fraction asked by the instant returned: uniform fractions give
  // instants uniform over the time the source is on, none in the gap.
  for (int q = 0; q <= 20; ++q) {
    const double fraction = q / 20.0, instant = s.active_instant(t0, t1, fraction);
    EXPECT_NEAR(s.active_time(t0, instant), fraction * 100.0, 1e-12) << "fraction " << fraction;
    EXPECT_FALSE(instant > 100.0 && instant < 200.0) << "instant " << instant << " in the gap";
  }
}

namespace {

// The overlap area by the midpoint rule over n strips of the chord clipped to the rectangle: an
// answer independent of the closed form (error of order n^-1.5 from the chord's square-root ends).
double overlap_by_strips(double xc, double yc, double r, double x0, double x1, double y0, double y1, int n) {
  double area = 0.0;
  const double h = (x1 - x0) / n;
  for (int s = 0; s < n; ++s) {
    const double x = x0 + (s + 0.5) * h - xc;
    if (std::abs(x) >= r) continue;
    const double half = std::sqrt(r * r - x * x);
    area += std::max(0.0, std::min(y1, yc + half) - std::max(y0, yc - half)) * h;
  }
  return area;
}

}  // namespace

TEST(SourceDisk, RectangleAreaMatchesClosedFormCases) {
  using hadal::plume::disk_rectangle_area;
  const double r = 8.0, pi = std::acos(-1.0);
  EXPECT_NEAR(disk_rectangle_area(3.0, -2.0, r, -100.0, 100.0, -100.0, 100.0), pi * r * r, 1e-12);  // whole disk
  EXPECT_NEAR(disk_rectangle_area(0.0, 0.0, r, 0.0, 20.0, 0.0, 20.0), 0.25 * pi * r * r, 1e-12);    // a quadrant
  EXPECT_NEAR(disk_rectangle_area(0.0, 0.0, r, -20.0, 20.0, -20.0, 0.0), 0.5 * pi * r * r, 1e-12);  // a half
  const double a = r / std::sqrt(2.0);  // the inscribed square
  EXPECT_NEAR(disk_rectangle_area(0.0, 0.0, r, -a, a, -a, a), 4.0 * a * a, 1e-12);
  // A band |x| < b through the centre: 2 (b sqrt(r^2 - b^2) + r^2 asin(b / r)).
  const double b = 3.0;
  EXPECT_NEAR(disk_rectangle_area(0.0, 0.0, r, -b, b, -50.0, 50.0), 2.0 * (b * std::sqrt(r * r - b * b) + r * r * std::asin(b / r)),
              1e-12);
  EXPECT_EQ(disk_rectangle_area(0.0, 0.0, r, 8.0, 20.0, -5.0, 5.0), 0.0);  // touching from outside
  EXPECT_EQ(disk_rectangle_area(0.0, 0.0, r, 6.0, 20.0, 6.0, 20.0), 0.0);  // the corner outside the disk
  EXPECT_EQ(disk_rectangle_area(0.0, 0.0, 0.0, -1.0, 1.0, -1.0, 1.0), 0.0);
}

// Against the strip sum on rectangles cutting the disk every way (sides through it, corners inside and
// outside, rectangles smaller than the disk), and the tiles of a grid summing to the whole disk.
TEST(SourceDisk, RectangleAreaMatchesStripsAndTilesTheDisk) {
  using hadal::plume::disk_rectangle_area;
  const double r = 8.0, xc = 41.3, yc = 57.9, pi = std::acos(-1.0);
  double worst = 0.0;
  for (double x0 = 30.0; x0 < 50.0; x0 += 2.7)
    for (double y0 = 46.0; y0 < 66.0; y0 += 3.1)
      for (double size : {1.3, 6.25, 12.5}) {
        const double exact = disk_rectangle_area(xc, yc, r, x0, x0 + size, y0, y0 + 0.8 * size);
        const double strips = overlap_by_strips(xc, yc, r, x0, x0 + size, y0, y0 + 0.8 * size, 200000);
        worst = std::max(worst, std::abs(exact - strips));
      }
  std::printf("disk in rectangles: largest difference from the strip sum %.2e m2\n", worst);
  EXPECT_LT(worst, 1e-6) << "largest difference from the strip sum (its own error: 2.4e-7 m2 measured), m2";
  for (double cell : {1.0, 3.0, 6.25, 12.5, 25.0}) {
    double sum = 0.0;
    for (double x0 = -100.0; x0 < 100.0; x0 += cell)
      for (double y0 = -100.0; y0 < 100.0; y0 += cell) sum += disk_rectangle_area(xc - 50.0, yc - 50.0, r, x0, x0 + cell, y0, y0 + cell);
    EXPECT_NEAR(sum, pi * r * r, 1e-10 * pi * r * r) << "cells of " << cell << " m";
  }
}
