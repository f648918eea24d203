// SPDX-License-Identifier: MIT
/// \file coarse_data.hpp
/// \brief Wide-area 3-D current data (HYCOM / CMEMS / FORA style NetCDF: time, depth, lat/lon or y/x)
/// prepared for downscaling: unit conversion, land/seabed gaps filled (deepest valid value extended
/// down, then nearest valid column sideways), times on the model clock, trilinear interpolation.
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "ocean/settings.hpp"

namespace hadal::ocean {

class CoarseCurrents {
 public:
  /// Reads and prepares the data. `block` locates errors (keys file, variables.*, reference_time, ...).
  CoarseCurrents(const CoarseDataSpec& spec, const config::ConfigView& block);

  /// Data times on the model clock (s), increasing.
  const std::vector<double>& times() const { return times_; }
  /// Throws InputError (at `key` of `block`) unless [t0, t1] lies within the data times.
  void require_cover(double t0, double t1, const config::ConfigView& block, const std::string& key) const;
  /// Component (0 = u, 1 = v, 2 = w) at record `n`, position (x, y, z) in model metres (z elevation),
  /// trilinear; clamped to the data's lateral and vertical extent.
  double value(int component, std::size_t n, double x, double y, double z) const;
  bool has_w() const { return has_w_; }
  double x_min() const { return x_.front(); }
  double x_max() const { return x_.back(); }
  double y_min() const { return y_.front(); }
  double y_max() const { return y_.back(); }
  std::string describe() const;

 private:
  std::vector<double> x_, y_, z_;   ///< ascending axes (z is elevation, ascending = shallower)
  std::vector<double> times_;
  std::vector<std::vector<double>> data_;  ///< per component: [t][z][y][x]
  bool has_w_ = false;
  std::string path_;
};

/// Seconds since 1970-01-01 of an ISO-8601 date "YYYY-MM-DD[(T| )hh[:mm[:ss]]][Z]"; throws
/// std::invalid_argument on a malformed string.
double parse_iso_time(const std::string& text);
/// Parses CF time units "<unit> since <date>" into seconds per unit and the epoch (s since 1970).
void parse_cf_time_units(const std::string& units, double& seconds_per_unit, double& epoch);

}  // namespace hadal::ocean
