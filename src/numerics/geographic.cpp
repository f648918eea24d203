// SPDX-License-Identifier: MIT
#include "numerics/geographic.hpp"

#include <cmath>

#include "numerics/constants.hpp"

namespace hadal::numerics {

LocalProjection::LocalProjection(double lon0, double lat0)
    : lon0_(lon0), lat0_(lat0), metres_per_radian_east_(kEarthRadius * std::cos(lat0 * kDegree)) {}

double LocalProjection::x(double lon) const {
  // A grid in 0..360 and a reference in -180..180 (or the other way round) describe the same place.
  double d = lon - lon0_;
  d -= 360.0 * std::floor((d + 180.0) / 360.0);
  return metres_per_radian_east_ * d * kDegree;
}

double LocalProjection::y(double lat) const { return kEarthRadius * (lat - lat0_) * kDegree; }

double LocalProjection::lon(double x) const { return lon0_ + x / metres_per_radian_east_ / kDegree; }

double LocalProjection::lat(double y) const { return lat0_ + y / kEarthRadius / kDegree; }

}  // namespace hadal::numerics
