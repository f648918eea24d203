// SPDX-License-Identifier: MIT
// The impact metrics' exceedance areas against a map with exact contour areas. Runs on 1 and 2 ranks.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "plume/metrics.hpp"

using namespace hadal;

namespace {

/// Areas of a Gaussian mound d = A exp(-r^2 / (2 s^2)) (an off-centre peak) sampled at the cell centres
/// of a 400 x 300 m grid of n x 3n/4 cells: the summary's deposit areas, and the whole-cell counts.
struct Areas {
  std::vector<double> interpolated, cells;
};
Areas areas_of_gaussian(int n, double amplitude, double sigma) {
  grid::GridSpec spec;
  spec.lx = 400.0, spec.ly = 300.0, spec.nx = n, spec.ny = 3 * n / 4, spec.nz = 1;
  spec.z_faces = grid::stretched_faces(-1.0, 0.0, 1, 1.0);
  grid::StructuredGrid g(MPI_COMM_WORLD, spec, 2);
  grid::Field deposit(g, "deposit", "m", "deposit", 1), column_max(g, "column_max", "kg m-3", "column max", 1);
  const auto& box = g.owned();
  std::vector<double> block;
  for (int j = 0; j < box.nj(); ++j)
    for (int i = 0; i < box.ni(); ++i) {
      const double x = g.x_center(box.i_begin + i) - 171.3, y = g.y_center(box.j_begin + j) - 142.9;
      block.push_back(amplitude * std::exp(-(x * x + y * y) / (2 * sigma * sigma)));
    }
  deposit.set_owned_block(block);
  column_max.set_owned_block(block);
  plume::PlumeSettings settings;
  io::Json summary;
  plume::write_impact_metrics(g, deposit, column_max, settings, 0.0, 0.0, summary);
  Areas a;
  for (double thr : settings.deposit_thresholds) {
    a.interpolated.push_back(summary["deposit_area_m2"][plume::threshold_key(thr)].get<double>());
    double count = 0.0;
    for (double v : block) count += v >= thr;
    a.cells.push_back(grid::global_sum(MPI_COMM_WORLD, count) * g.dx(0) * g.dy(0));
  }
  return a;
}

}  // namespace

TEST(ImpactMetrics, ExceedanceAreasConvergeToTheExactContourAreas) {
  // Thresholds 1, 5 and 10 mm of a 20 mm peak, sigma 30 m: the contours are circles of area
  // 2 pi sigma^2 ln(A / threshold), radii 73, 50 and 35 m, over cells of 10, 5 and 2.5 m. The
  // interpolated areas converge at second order (measured orders 1.88-2.20, errors 1.2e-2 at most on
  // the coarse grid and 7.9e-4 on the fine one); whole-cell counts move by a cell's area as a contour
  // crosses a centre (5 mm: errors 2.1e-2, 8.2e-3, 4.2e-3).
  const double amplitude = 0.02, sigma = 30.0;
  plume::PlumeSettings settings;
  const Areas coarse = areas_of_gaussian(40, amplitude, sigma), medium = areas_of_gaussian(80, amplitude, sigma),
              fine = areas_of_gaussian(160, amplitude, sigma);
  for (std::size_t t = 0; t < settings.deposit_thresholds.size(); ++t) {
    const double exact = 2 * M_PI * sigma * sigma * std::log(amplitude / settings.deposit_thresholds[t]);
    const double e1 = std::abs(coarse.interpolated[t] / exact - 1), e2 = std::abs(medium.interpolated[t] / exact - 1),
                 e3 = std::abs(fine.interpolated[t] / exact - 1);
    std::printf("threshold %g m: exact %.1f m2; interpolated errors %.2e %.2e %.2e (orders %.2f %.2f); "
                "whole-cell errors %.2e %.2e %.2e\n", settings.deposit_thresholds[t], exact, e1, e2, e3,
                std::log2(e1 / e2), std::log2(e2 / e3), std::abs(coarse.cells[t] / exact - 1),
                std::abs(medium.cells[t] / exact - 1), std::abs(fine.cells[t] / exact - 1));
    EXPECT_LT(e1, 0.015) << settings.deposit_thresholds[t];
    EXPECT_LT(e3, 1e-3) << settings.deposit_thresholds[t];
    EXPECT_GT(std::log2(e1 / e2), 1.7) << settings.deposit_thresholds[t];
    EXPECT_GT(std::log2(e2 / e3), 1.7) << settings.deposit_thresholds[t];
  }
}
