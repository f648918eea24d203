// SPDX-License-Identifier: MIT
// The local geographic projection against great-circle distances and its own inverse.
#include <gtest/gtest.h>

#include <cmath>

#include "numerics/constants.hpp"
#include "numerics/geographic.hpp"

using namespace hadal::numerics;

namespace {
// Haversine great-circle distance on the sphere of radius kEarthRadius, metres.
double great_circle(double lon1, double lat1, double lon2, double lat2) {
  const double p1 = lat1 * kDegree, p2 = lat2 * kDegree;
  const double dp = p2 - p1, dl = (lon2 - lon1) * kDegree;
  const double h = std::sin(dp / 2) * std::sin(dp / 2) + std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
  return 2.0 * kEarthRadius * std::asin(std::sqrt(h));
}
}  // namespace

TEST(Geographic, ReferenceIsTheOriginAndOneDegreeOfLatitude) {
  const LocalProjection p(-32.28, 37.29);  // Lucky Strike
  EXPECT_EQ(p.x(-32.28), 0.0);
  EXPECT_EQ(p.y(37.29), 0.0);
  EXPECT_NEAR(p.y(38.29), kEarthRadius * kDegree, 1e-6);  // 111.195 km
  EXPECT_NEAR(p.x(-31.28), kEarthRadius * kDegree * std::cos(37.29 * kDegree), 1e-6);
}

TEST(Geographic, DistancesMatchGreatCirclesOverASite) {
  // Over 25 km around 37 N the tangent plane's distances differ from great circles by the order of
  // (L / R) tan(lat) / 2 relative, here below 1e-3; checked against that bound.
  const double lon0 = -32.28, lat0 = 37.29;
  const LocalProjection p(lon0, lat0);
  double worst = 0.0;
  for (double dlon : {-0.25, -0.1, 0.0, 0.1, 0.25})
    for (double dlat : {-0.2, -0.05, 0.05, 0.2}) {
      const double exact = great_circle(lon0, lat0, lon0 + dlon, lat0 + dlat);
      const double plane = std::hypot(p.x(lon0 + dlon), p.y(lat0 + dlat));
      const double bound = 0.5 * (exact / kEarthRadius) * std::tan(std::abs(lat0) * kDegree) + 1e-9;
      EXPECT_LE(std::abs(plane - exact) / exact, bound) << dlon << " " << dlat;
      worst = std::max(worst, std::abs(plane - exact) / exact);
    }
  std::printf("worst relative distance error over +-25 km at 37 N: %.2e\n", worst);
  EXPECT_GT(worst, 0.0);  // the mapping is an approximation: the test measures it
}

TEST(Geographic, InverseAndLongitudeWrap) {
  const LocalProjection p(-32.28, 37.29);
  for (double x : {-25e3, -1.0, 0.0, 3e3, 40e3}) EXPECT_NEAR(p.x(p.lon(x)), x, 1e-8);
  for (double y : {-25e3, 0.0, 12e3}) EXPECT_NEAR(p.y(p.lat(y)), y, 1e-8);
  // A grid in 0..360 degrees east describes the same place as -180..180.
  EXPECT_NEAR(p.x(360.0 - 32.0), p.x(-32.0), 1e-7);
  const LocalProjection dateline(179.9, -10.0);
  EXPECT_NEAR(dateline.x(-179.9), kEarthRadius * std::cos(-10.0 * kDegree) * 0.2 * kDegree, 1e-6);
}
