// SPDX-License-Identifier: MIT
/// \file geographic.hpp
/// \brief Longitude/latitude in degrees to local metres (x east, y north) around a reference point, the
/// one mapping every reader of geographic data uses (bathymetry grids, ocean-model currents).
///
/// Equirectangular tangent plane: x = R cos(lat0) (lon - lon0), y = R (lat - lat0), R the mean Earth
/// radius. Over a site of L km at latitude phi, distances are off by about (L/R) tan(phi) / 2 relative
/// (0.03 % for 50 km at 37 N), well below what bathymetry or reanalysis data resolve.
#pragma once

namespace hadal::numerics {

class LocalProjection {
 public:
  /// `lon0`, `lat0` (degrees) map to x = 0, y = 0.
  LocalProjection(double lon0, double lat0);
  double x(double lon) const;  ///< m east of the reference; longitudes are taken within 180 deg of it
  double y(double lat) const;  ///< m north of the reference
  double lon(double x) const;  ///< inverse of x(), degrees
  double lat(double y) const;  ///< inverse of y(), degrees
  double lon0() const { return lon0_; }
  double lat0() const { return lat0_; }

 private:
  double lon0_, lat0_;
  double metres_per_radian_east_;  ///< R cos(lat0)
};

}  // namespace hadal::numerics
