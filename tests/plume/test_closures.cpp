// SPDX-License-Identifier: MIT
// The plume's closures (shared by the Eulerian and Lagrangian kernels) against their formulas,
// published values and limits.
#include <gtest/gtest.h>

#include <cmath>

#include "numerics/constants.hpp"
#include "plume/closures.hpp"

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

TEST(BedClosures, DepositionProbability) {
  EXPECT_EQ(deposition_probability(Deposition::Always, 0.5, 0.07), 1.0);
  EXPECT_EQ(deposition_probability(Deposition::None, 0.0, 0.07), 0.0);
  EXPECT_EQ(deposition_probability(Deposition::Krone, 0.0, 0.07), 1.0);
  EXPECT_DOUBLE_EQ(deposition_probability(Deposition::Krone, 0.035, 0.07), 0.5);
  EXPECT_EQ(deposition_probability(Deposition::Krone, 0.07, 0.07), 0.0);
  EXPECT_EQ(deposition_probability(Deposition::Krone, 0.2, 0.07), 0.0);
}

TEST(BedClosures, PartheniadesErosion) {
  const double m = 5e-5, tau_ce = 0.1;
  EXPECT_EQ(erosion_flux(m, 0.05, tau_ce), 0.0);
  EXPECT_EQ(erosion_flux(m, 0.1, tau_ce), 0.0);
  EXPECT_DOUBLE_EQ(erosion_flux(m, 0.2, tau_ce), m);
  EXPECT_DOUBLE_EQ(erosion_flux(m, 0.35, tau_ce), 2.5 * m);
  EXPECT_EQ(erosion_flux(m, 10.0, 0.0), 0.0);  // no critical stress: the class does not erode
}

TEST(BedClosures, BoundaryLayerDiffusivityAndItsSlope) {
  const double background = 1e-5, delta = 20.0, ustar = 2e-3;
  double K, dK;
  boundary_layer_diffusivity(background, delta, ustar, 0.5 * delta, K, dK);
  EXPECT_DOUBLE_EQ(K, background + hadal::numerics::kVonKarman * ustar * delta / 4);  // the maximum
  EXPECT_NEAR(dK, 0.0, 1e-18);
  for (double h : {0.0, -1.0, delta, 30.0}) {  // outside the layer: the background alone
    boundary_layer_diffusivity(background, delta, ustar, h, K, dK);
    EXPECT_EQ(K, background);
    EXPECT_EQ(dK, 0.0);
  }
  // dK is the derivative of K (the particles' drift term): a central difference agrees to its error.
  for (double h : {0.3, 2.0, 7.5, 13.0, 19.0}) {
    const double e = 1e-4;
    double kp, km_, unused;
    boundary_layer_diffusivity(background, delta, ustar, h + e, kp, unused);
    boundary_layer_diffusivity(background, delta, ustar, h - e, km_, unused);
    boundary_layer_diffusivity(background, delta, ustar, h, K, dK);
    EXPECT_NEAR(dK, (kp - km_) / (2 * e), 1e-12) << h;
  }
}

TEST(BedClosures, LawOfTheWall) {
  const double z0 = 1e-3;
  EXPECT_NEAR(law_of_the_wall_ratio(z0 * std::exp(1.0), z0), hadal::numerics::kVonKarman, 1e-15);
  EXPECT_NEAR(law_of_the_wall_ratio(1.0, z0), 0.41 / std::log(1000.0), 1e-15);
  // A bottom cell thinner than twice the roughness uses ln 2, not a negative or infinite log.
  EXPECT_DOUBLE_EQ(law_of_the_wall_ratio(1e-3, z0), 0.41 / std::log(2.0));
}
