// SPDX-License-Identifier: MIT
/// \file metrics.hpp
/// \brief The environmental-impact summary both plume methods report: exceedance areas of the deposit
/// and of the column-maximum concentration per threshold, maxima, and the furthest exceedance of the
/// first concentration threshold from the first source in each compass direction.
#pragma once

#include <string>

#include "grid/field.hpp"
#include "io/json.hpp"
#include "plume/settings.hpp"

namespace hadal::plume {

/// One column's exposure after a step of length dt, given the largest concentration in the column now:
/// raises the running maximum (map `column_max`) and adds dt to the time above each threshold the
/// column reaches (map `time_above`, one level per threshold). Both methods call it.
template <class Map, class Thresholds>
KOKKOS_INLINE_FUNCTION void record_column_exposure(const Map& column_max, const Map& time_above,
                                                   const Thresholds& thresholds, int i, int j, double now_max,
                                                   double dt) {
  if (now_max > column_max(i, j, 0)) column_max(i, j, 0) = now_max;
  for (int t = 0; t < static_cast<int>(thresholds.extent(0)); ++t) {
    if (now_max >= thresholds(t)) time_above(i, j, t) += dt;
  }
}

/// "%g" of a threshold, the key used in summary.json objects and field names.
std::string threshold_key(double value);

/// Writes max_deposit_thickness_m, max_concentration_kg_m3, deposit_area_m2, turbidity_area_m2, extent_m
/// and extent_threshold_kg_m3 from the deposit and column-maximum maps; (x0, y0) is the reference
/// point of the extents. Collective.
void write_impact_metrics(const grid::StructuredGrid& grid, const grid::Field& deposit, const grid::Field& column_max,
                          const PlumeSettings& settings, double x0, double y0, io::Json& summary);

}  // namespace hadal::plume
