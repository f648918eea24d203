// SPDX-License-Identifier: MIT
// The benthos model on a small seabed: the reported disturbance pattern (bacteria up, epifaunal and
// infaunal meiobenthos down, nanobenthos unchanged during a turbidity and re-deposition event; the
// meiobenthos back within about a year, the composition near the reference after about four), the
// carbon budget with lateral larval exchange, and an undisturbed seabed that stays at its baseline.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "benthos/benthos_model.hpp"
#include "benthos/keys.hpp"

using namespace hadal;
using namespace hadal::benthos;
using Range2 = Kokkos::MDRangePolicy<Kokkos::Rank<2>>;

namespace {
constexpr double kDay = 86400.0, kYear = 365.25 * kDay;

grid::GridSpec seabed_spec() {
  grid::GridSpec spec;
  spec.lx = 200.0, spec.ly = 100.0;
  spec.nx = 8, spec.ny = 4, spec.nz = 1;
  spec.z_faces = {-10.0, 0.0};
  return spec;
}

/// `value` in the columns of the western half (the disturbed patch), 0 elsewhere.
void fill_patch(const grid::StructuredGrid& grid, grid::Field& field, double value) {
  const auto v = field.view();
  const int g = grid.ghost(), i0 = grid.owned().i_begin, half = grid.nx() / 2;
  Kokkos::parallel_for(
      "patch", Range2({0, 0}, {grid.local_ni(), grid.local_nj()}),
      KOKKOS_LAMBDA(int i, int j) { v(i, j, 0) = (i - g + i0) < half ? value : 0.0; });
}

/// Mean stock of a pool over the patch (west) or outside it (east), relative to baseline (all ranks).
double relative_mean(BenthosModel& model, int pool, bool west) {
  const auto& grid = model.grid();
  const auto s = model.stocks().view();
  const int g = grid.ghost(), i0 = grid.owned().i_begin, half = grid.nx() / 2;
  double local = 0.0, count = 0.0;
  Kokkos::parallel_reduce(
      "patch_mean", Range2({g, g}, {g + grid.owned().ni(), g + grid.owned().nj()}),
      KOKKOS_LAMBDA(int i, int j, double& sum, double& n) {
        if (((i - g + i0) < half) == west) {
          sum += s(i, j, pool);
          n += 1.0;
        }
      },
      local, count);
  return grid::global_sum(grid.comm(), local) / grid::global_sum(grid.comm(), count) /
         model.settings().web.baseline[pool];
}

struct Seabed {
  explicit Seabed(const grid::GridSpec& spec = seabed_spec()) : grid(MPI_COMM_WORLD, spec, 2) {}
  grid::StructuredGrid grid;
  Kokkos::View<int**> first_wet{"first_wet", static_cast<std::size_t>(grid.local_ni()),
                                static_cast<std::size_t>(grid.local_nj())};  // 0: every column wet
  BenthosModel model{grid, first_wet, default_settings(), {}, "", false};
  grid::Field deposited{grid, "deposited", "kg m-2", "", 1}, thickness{grid, "thickness", "m", "", 1};
  grid::Field concentration{grid, "concentration", "kg m-3", "", 1};
};
}  // namespace

TEST(BenthosModel, UndisturbedSeabedStaysAtBaseline) {
  Seabed s;
  for (int n = 0; n < 240; ++n) s.model.advance(n * kYear / 12, kYear / 12, Disturbance{});
  for (int p = 0; p < kPools; ++p) {
    EXPECT_NEAR(relative_mean(s.model, p, true), 1.0, 1e-12) << kPoolNames[p];
    EXPECT_NEAR(relative_mean(s.model, p, false), 1.0, 1e-12) << kPoolNames[p];
  }
}

TEST(BenthosModel, ReproducesTheReportedDisturbancePattern) {
  Seabed s;
  // Event: 7 days of turbid near-bed water (20 mg/L) laying 5 mm of deposit (1200 kg/m3 dry) on the patch.
  const double event = 7 * kDay, total = 5e-3, density = 1200.0;
  fill_patch(s.grid, s.concentration, 0.02);
  fill_patch(s.grid, s.deposited, total * density * kDay / event);
  double time = 0.0;
  for (int day = 1; day <= 7; ++day) {
    fill_patch(s.grid, s.thickness, total * day * kDay / event);
    s.model.advance(time, kDay, Disturbance{s.deposited.view(), {}, s.thickness.view(), s.concentration.view()});
    time += kDay;
  }
  const double bacteria = relative_mean(s.model, kBacteria, true), nano = relative_mean(s.model, kNano, true);
  const double epi = relative_mean(s.model, kMeioEpi, true), in = relative_mean(s.model, kMeioIn, true);
  std::printf("end of event (patch / baseline): bacteria %.3f nano %.3f meio epi %.3f meio in %.3f macro %.3f\n",
              bacteria, nano, epi, in, relative_mean(s.model, kMacro, true));
  EXPECT_GT(bacteria, 1.0);
  EXPECT_LT(epi, 0.5);   // epifauna: smothered and washed out
  EXPECT_LT(in, 0.9);    // infauna: partly buried
  EXPECT_GT(epi, 0.0);
  EXPECT_NEAR(nano, 1.0, 0.1);  // nanobenthos: "no change" within the band stated in docs/benthos.md

  // Recovery with day steps: the time each group's patch mean is back to 90 % of baseline.
  fill_patch(s.grid, s.concentration, 0.0);
  fill_patch(s.grid, s.deposited, 0.0);
  double epi_back = -1.0, in_back = -1.0, composition_at_4yr = 0.0;
  for (int day = 8; day <= 6 * 365; ++day) {
    s.model.advance(time, kDay, Disturbance{s.deposited.view(), {}, s.thickness.view(), s.concentration.view()});
    time += kDay;
    if (epi_back < 0.0 && relative_mean(s.model, kMeioEpi, true) >= 0.9) epi_back = time;
    if (in_back < 0.0 && relative_mean(s.model, kMeioIn, true) >= 0.9) in_back = time;
    if (day == 4 * 365) {
      for (int p = kBacteria; p <= kMacro; ++p) {
        composition_at_4yr = std::max(composition_at_4yr, std::fabs(relative_mean(s.model, p, true) - 1.0));
      }
    }
  }
  std::printf("back to 90 %%: meio epifauna after %.2f yr, meio infauna after %.2f yr; largest group departure at 4 yr "
              "%.1f %%\n",
              epi_back / kYear, in_back / kYear, 100.0 * composition_at_4yr);
  EXPECT_GT(epi_back, 0.25 * kYear);
  EXPECT_LT(epi_back, 2.0 * kYear);
  EXPECT_GT(in_back, 0.0);
  EXPECT_LT(in_back, 3.0 * kYear);
  EXPECT_LT(composition_at_4yr, 0.1);
  // The undisturbed half exchanged larvae with the patch; carbon is accounted for in every cell.
  const auto [cell, global] = s.model.budget_closure();
  std::printf("carbon budget closure: cell max %.2e, domain %.2e\n", cell, global);
  EXPECT_LT(cell, 1e-13);
  EXPECT_LT(global, 1e-13);
}

// Refined columns (12.5-62 m in x, the narrow ones on the patch's side; 20-40 m in y): the larval exchange in
// flux form moves carbon between columns of different areas, so the budget closes only with each column's
// area in the fluxes and in the sums (the exchange of uniform columns, rx (L_w + L_e - 2 L), gains or
// loses carbon there). The totals are the area-weighted sums.
TEST(BenthosModel, CarbonBudgetClosesOnRefinedColumns) {
  auto spec = seabed_spec();
  spec.x_faces = grid::refined_faces(0.0, 200.0, 0.0, 50.0, 8, 1.5);
  spec.y_faces = grid::refined_faces(0.0, 100.0, 40.0, 60.0, 4, 2.0);
  Seabed s(spec);
  ASSERT_FALSE(s.grid.uniform_columns());
  const double event = 7 * kDay, total = 5e-3, density = 1200.0;
  fill_patch(s.grid, s.concentration, 0.02);
  fill_patch(s.grid, s.deposited, total * density * kDay / event);
  double time = 0.0;
  for (int day = 1; day <= 60; ++day) {
    if (day == 8) fill_patch(s.grid, s.concentration, 0.0), fill_patch(s.grid, s.deposited, 0.0);
    fill_patch(s.grid, s.thickness, total * std::min(day, 7) * kDay / event);
    s.model.advance(time, kDay, Disturbance{s.deposited.view(), {}, s.thickness.view(), s.concentration.view()});
    time += kDay;
  }
  s.model.flush(time);
  const auto [cell, global] = s.model.budget_closure();
  // The totals against the stocks weighed by each column's area here.
  const auto stocks = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.model.stocks().view());
  const auto totals = s.model.totals();
  double worst = 0.0;
  for (int p = 0; p < kPools; ++p) {
    double local = 0.0;
    for (int j = s.grid.owned().j_begin; j < s.grid.owned().j_end; ++j)
      for (int i = s.grid.owned().i_begin; i < s.grid.owned().i_end; ++i)
        local += stocks(s.grid.local_i(i), s.grid.local_j(j), p) * s.grid.cell_area(i, j) * 1e-6;  // mg to kg
    worst = std::max(worst, std::abs(totals[p] / grid::global_sum(MPI_COMM_WORLD, local) - 1.0));
  }
  std::printf("refined columns: carbon budget closure cell max %.2e, domain %.2e; totals against the area-weighted "
              "stocks %.1e; patch meiobenthos (epifauna) %.3f of baseline\n",
              cell, global, worst, relative_mean(s.model, kMeioEpi, true));
  EXPECT_LT(cell, 1e-13);
  EXPECT_LT(global, 1e-13);
  EXPECT_LT(worst, 1e-13);
  EXPECT_LT(relative_mean(s.model, kMeioEpi, true), 0.99);  // the event did disturb the patch
}
