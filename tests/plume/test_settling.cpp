// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include "plume/settling.hpp"

using namespace hadal::plume;

namespace {
constexpr double kWater = 1030.0, kNu = 1.68e-6;
}

TEST(Settling, StokesFormula) {
  // 10 um quartz-like grain: (2700-1030) 9.81 (1e-5)^2 / (18 1030 1.68e-6)
  EXPECT_NEAR(stokes_velocity(10e-6, 2700, kWater, kNu), 1670.0 * 9.81 * 1e-10 / (18.0 * 1030.0 * 1.68e-6), 1e-15);
}

TEST(Settling, FergusonChurchTendsToStokesForFines) {
  for (double d : {1e-6, 2e-6, 5e-6}) {
    const double ratio = ferguson_church_velocity(d, 4000, kWater, kNu, 1.0) / stokes_velocity(d, 4000, kWater, kNu);
    EXPECT_GT(ratio, 0.97);
    EXPECT_LT(ratio, 1.0);
  }
}

TEST(Settling, FergusonChurchMatchesPublishedTable) {
  // ws for sulfide grains (4000 kg/m3) in 2-4 degC sea water, from the plume reference table
  // (Ferguson & Church 2004 with C2 = 1): 2 um 3.7e-6, 20 um 3.7e-4, 74 um 4.7e-3, 300 um 4.7e-2 m/s.
  const double d[] = {2e-6, 20e-6, 74e-6, 300e-6};
  const double ws[] = {3.7e-6, 3.7e-4, 4.7e-3, 4.7e-2};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(ferguson_church_velocity(d[i], 4000, kWater, kNu, 1.0) / ws[i], 1.0, 0.03) << d[i];
  }
}

TEST(Settling, SoulsbyAgreesWithFergusonChurchWithinFifteenPercent) {
  for (double d = 2e-6; d < 2e-3; d *= 1.5) {
    const double ratio = soulsby_velocity(d, 4000, kWater, kNu) / ferguson_church_velocity(d, 4000, kWater, kNu, 1.0);
    EXPECT_NEAR(ratio, 1.0, 0.15) << d;
  }
}
