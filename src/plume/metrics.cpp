// SPDX-License-Identifier: MIT
#include "plume/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hadal::plume {
namespace {

/// Sample points per cell and direction of the exceedance areas.
constexpr int kAreaSamples = 8;

/// Area (m2) where the bilinear interpolation between cell centres of a 2-D map reaches each threshold,
/// from kAreaSamples^2 points per owned cell (constant beyond the domain's edge). A count of whole
/// cells moves by a cell's area as the contour crosses a centre; the interpolated area converges with
/// the grid. On uniform columns the counts are integers, so the sum over ranks is exact and the same on
/// any rank count; on refined ones it is a sum of areas, the same to round-off.
std::vector<double> exceedance_areas(const grid::StructuredGrid& grid, const grid::Field& map,
                                     const std::vector<double>& thresholds) {
  grid::Field copy(grid, map.name() + "_for_areas", map.units(), "exceedance-area copy", 1);
  copy.set_owned_block(map.owned_block());
  copy.exchange_halo();
  const auto v = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), copy.view());
  const auto& box = grid.owned();
  const int w = grid.ghost();
  // The neighbour a sample leans towards, clamped at the domain's edge.
  auto neighbour_i = [&](int i, int step) {
    const int gi = box.i_begin + i + step;
    return gi < 0 || gi >= grid.nx() ? i : i + step;
  };
  auto neighbour_j = [&](int j, int step) {
    const int gj = box.j_begin + j + step;
    return gj < 0 || gj >= grid.ny() ? j : j + step;
  };
  // Counts per threshold: of the whole domain on uniform columns (integers, so the sum over ranks is
  // exact), of the current cell on refined ones, where each cell's samples weigh its own area.
  const bool uniform = grid.uniform_columns();
  std::vector<long long> counts(thresholds.size(), 0);
  std::vector<double> refined_areas(thresholds.size(), 0.0);
  for (int j = 0; j < box.nj(); ++j) {
    const int gj = box.j_begin + j;
    for (int i = 0; i < box.ni(); ++i) {
      const int gi = box.i_begin + i;
      for (int b = 0; b < kAreaSamples; ++b) {
        const double fy = (b + 0.5) / kAreaSamples - 0.5;
        const int jn = neighbour_j(j, fy < 0 ? -1 : 1);
        // The weight of the neighbour is the sample's distance from this centre over the centres'.
        const double wy = uniform || jn == j ? std::abs(fy)
                                             : std::abs(fy) * grid.dy(gj) / std::abs(grid.y_center(box.j_begin + jn) - grid.y_center(gj));
        for (int a = 0; a < kAreaSamples; ++a) {
          const double fx = (a + 0.5) / kAreaSamples - 0.5;
          const int in = neighbour_i(i, fx < 0 ? -1 : 1);
          const double wx = uniform || in == i ? std::abs(fx)
                                               : std::abs(fx) * grid.dx(gi) / std::abs(grid.x_center(box.i_begin + in) - grid.x_center(gi));
          const double value = (1 - wx) * (1 - wy) * v(i + w, j + w, 0) + wx * (1 - wy) * v(in + w, j + w, 0) +
                               (1 - wx) * wy * v(i + w, jn + w, 0) + wx * wy * v(in + w, jn + w, 0);
          for (std::size_t t = 0; t < thresholds.size(); ++t) counts[t] += value >= thresholds[t];
        }
      }
      if (!uniform) {
        const double sample_area = grid.cell_area(gi, gj) / (kAreaSamples * kAreaSamples);
        for (std::size_t t = 0; t < thresholds.size(); ++t) {
          refined_areas[t] += static_cast<double>(counts[t]) * sample_area;
          counts[t] = 0;
        }
      }
    }
  }
  std::vector<double> areas(thresholds.size());
  if (!uniform) {
    for (std::size_t t = 0; t < thresholds.size(); ++t) areas[t] = grid::global_sum(grid.comm(), refined_areas[t]);
    return areas;
  }
  MPI_Allreduce(MPI_IN_PLACE, counts.data(), static_cast<int>(counts.size()), MPI_LONG_LONG, MPI_SUM, grid.comm());
  const double sample_area = grid.dx(0) * grid.dy(0) / (kAreaSamples * kAreaSamples);
  for (std::size_t t = 0; t < thresholds.size(); ++t) areas[t] = static_cast<double>(counts[t]) * sample_area;
  return areas;
}

}  // namespace

std::string threshold_key(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

void write_impact_metrics(const grid::StructuredGrid& grid, const grid::Field& deposit, const grid::Field& column_max,
                          const PlumeSettings& settings, double x0, double y0, io::Json& summary) {
  const auto cmax = column_max.owned_block();
  const auto& box = grid.owned();
  summary["max_deposit_thickness_m"] = deposit.max_abs();
  summary["max_concentration_kg_m3"] = column_max.max_abs();
  io::Json deposit_area = io::Json::object(), turbidity_area = io::Json::object();
  const auto deposit_areas = exceedance_areas(grid, deposit, settings.deposit_thresholds);
  for (std::size_t t = 0; t < deposit_areas.size(); ++t) {
    deposit_area[threshold_key(settings.deposit_thresholds[t])] = deposit_areas[t];
  }
  const auto turbidity_areas = exceedance_areas(grid, column_max, settings.concentration_thresholds);
  for (std::size_t t = 0; t < turbidity_areas.size(); ++t) {
    turbidity_area[threshold_key(settings.concentration_thresholds[t])] = turbidity_areas[t];
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
