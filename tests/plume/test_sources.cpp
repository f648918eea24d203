// SPDX-License-Identifier: MIT
// Sources: the release instant the particles take within a step (Source::active_instant).
#include <gtest/gtest.h>

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
