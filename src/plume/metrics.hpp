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

/// "%g" of a threshold, the key used in summary.json objects and field names.
std::string threshold_key(double value);

/// Writes max_deposit_thickness_m, max_concentration_kg_m3, deposit_area_m2, turbidity_area_m2, extent_m
/// and extent_threshold_kg_m3 from the deposit and column-maximum maps; (x0, y0) is the reference
/// point of the extents. Collective.
void write_impact_metrics(const grid::StructuredGrid& grid, const grid::Field& deposit, const grid::Field& column_max,
                          const PlumeSettings& settings, double x0, double y0, io::Json& summary);

}  // namespace hadal::plume
