// SPDX-License-Identifier: MIT
#include "plume/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace hadal::plume {

std::string threshold_key(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

void write_impact_metrics(const grid::StructuredGrid& grid, const grid::Field& deposit, const grid::Field& column_max,
                          const PlumeSettings& settings, double x0, double y0, io::Json& summary) {
  const auto dep = deposit.owned_block();
  const auto cmax = column_max.owned_block();
  const auto& box = grid.owned();
  const double area = grid.dx() * grid.dy();
  summary["max_deposit_thickness_m"] = deposit.max_abs();
  summary["max_concentration_kg_m3"] = column_max.max_abs();
  io::Json deposit_area = io::Json::object(), turbidity_area = io::Json::object();
  for (double thr : settings.deposit_thresholds) {
    double a = 0.0;
    for (double v : dep) a += v >= thr ? area : 0.0;
    deposit_area[threshold_key(thr)] = grid::global_sum(grid.comm(), a);
  }
  for (double thr : settings.concentration_thresholds) {
    double a = 0.0;
    for (double v : cmax) a += v >= thr ? area : 0.0;
    turbidity_area[threshold_key(thr)] = grid::global_sum(grid.comm(), a);
  }
  summary["deposit_area_m2"] = deposit_area;
  summary["turbidity_area_m2"] = turbidity_area;
  const double thr = settings.concentration_thresholds.front();
  double east = 0, west = 0, north = 0, south = 0;
  for (int j = 0; j < box.nj(); ++j)
    for (int i = 0; i < box.ni(); ++i) {
      if (cmax[static_cast<std::size_t>(j) * box.ni() + i] < thr) continue;
      const double x = grid.x_center(box.i_begin + i) - x0, y = grid.y_center(box.j_begin + j) - y0;
      east = std::max(east, x);
      west = std::max(west, -x);
      north = std::max(north, y);
      south = std::max(south, -y);
    }
  summary["extent_m"] = {{"E", grid::global_max(grid.comm(), east)},
                         {"W", grid::global_max(grid.comm(), west)},
                         {"N", grid::global_max(grid.comm(), north)},
                         {"S", grid::global_max(grid.comm(), south)}};
  summary["extent_threshold_kg_m3"] = thr;
}

}  // namespace hadal::plume
