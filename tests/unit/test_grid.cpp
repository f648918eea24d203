// SPDX-License-Identifier: MIT
// Grid, halo exchange and reductions. Runs on 1 and 2 ranks; the answers must be identical.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "grid/field.hpp"

using namespace hadal::grid;

namespace {

GridSpec small_spec() {
  GridSpec spec;
  spec.lx = 120.0;
  spec.ly = 60.0;
  spec.nx = 12;
  spec.ny = 6;
  spec.nz = 4;
  spec.z_faces = stretched_faces(-100.0, 0.0, 4, 1.2);
  return spec;
}

// A value that encodes the global cell index, so a wrong halo shows up as a wrong number.
double label(int gi, int gj, int k) { return 10000.0 * gi + 100.0 * gj + k; }

}  // namespace

TEST(Grid, StretchedFacesSpanTheColumn) {
  const auto z = stretched_faces(-100.0, 0.0, 4, 1.2);
  ASSERT_EQ(z.size(), 5u);
  EXPECT_DOUBLE_EQ(z.front(), -100.0);
  EXPECT_DOUBLE_EQ(z.back(), 0.0);
  EXPECT_NEAR((z[2] - z[1]) / (z[1] - z[0]), 1.2, 1e-12);
}

TEST(Grid, BandedFacesPutTheThinnestUniformCellsInTheBand) {
  // Constructed so that the answer is exact: 4 levels of 1 m in the band [0, 4] and 6 above it doubling
  // (2 + 4 + ... + 64 = 126 m) reach z_top = 130 with the largest ratio allowed; 5 band levels of 0.8 m
  // would leave 5 levels that reach only 0.8 (2 + ... + 32) = 49.6 m.
  const auto z = banded_faces(0.0, 4.0, 130.0, 10, 2.0);
  ASSERT_EQ(z.size(), 11u);
  for (int k = 0; k <= 4; ++k) EXPECT_NEAR(z[k], k, 1e-12) << k;
  for (int k = 5; k <= 10; ++k) EXPECT_NEAR(z[k] - z[k - 1], std::pow(2.0, k - 4), 1e-9) << k;
  EXPECT_EQ(z.back(), 130.0);
  // A looser limit is not used up: the ratio is the one that fills the column, and the cells thicken.
  const auto w = banded_faces(-1604.0, -1545.0, -1430.0, 56, 1.2);
  const double dz0 = w[1] - w[0];
  int band = 0;
  while (band < 56 && std::abs((w[band + 1] - w[band]) - dz0) < 1e-9) ++band;
  EXPECT_NEAR(w[band], -1545.0, 1e-9);
  EXPECT_NEAR(dz0 * band, 59.0, 1e-9);
  for (int k = band + 1; k < 56; ++k) {
    const double ratio = (w[k + 1] - w[k]) / (w[k] - w[k - 1]);
    EXPECT_GT(ratio, 1.0) << k;
    EXPECT_LE(ratio, 1.2 + 1e-12) << k;
  }
  EXPECT_THROW(banded_faces(0.0, 4.0, 130.0, 4, 1.1), std::invalid_argument);   // too few levels above
  // 32 band levels of 0.125 m leave 8 that reach only 1.0004 m at ratio 1.0001; 31 of 0.129 m leave 9
  // that would be thinner than the band's to fit into 1.05 m.
  EXPECT_THROW(banded_faces(0.0, 4.0, 5.05, 40, 1.0001), std::invalid_argument);
  EXPECT_THROW(banded_faces(0.0, 140.0, 130.0, 10, 2.0), std::invalid_argument);  // band top above the top
}

TEST(Grid, HaloExchangeFillsNeighbourValues) {
  StructuredGrid grid(MPI_COMM_WORLD, small_spec(), 2);
  Field f(grid, "label", "1", "cell label");
  f.fill(-1.0);
  auto host = Kokkos::create_mirror_view(f.view());
  Kokkos::deep_copy(host, f.view());
  const int w = grid.ghost();
  for (int lj = w; lj < w + grid.owned().nj(); ++lj)
    for (int li = w; li < w + grid.owned().ni(); ++li)
      for (int k = 0; k < grid.nz(); ++k) host(li, lj, k) = label(grid.global_i(li), grid.global_j(lj), k);
  Kokkos::deep_copy(f.view(), host);
  f.exchange_halo();
  Kokkos::deep_copy(host, f.view());
  int wrong = 0;
  for (int lj = 0; lj < grid.local_nj(); ++lj)
    for (int li = 0; li < grid.local_ni(); ++li) {
      const int gi = grid.global_i(li), gj = grid.global_j(lj);
      const bool inside = gi >= 0 && gi < grid.nx() && gj >= 0 && gj < grid.ny();
      for (int k = 0; k < grid.nz(); ++k) {
        const double expected = inside ? label(gi, gj, k) : -1.0;  // beyond the domain: untouched
        if (host(li, lj, k) != expected) ++wrong;
      }
    }
  EXPECT_EQ(wrong, 0);
}

TEST(Grid, ReductionsAreIndependentOfTheDecomposition) {
  StructuredGrid grid(MPI_COMM_WORLD, small_spec(), 2);
  Field f(grid, "f", "kg m-3", "test");
  auto host = Kokkos::create_mirror_view(f.view());
  const int w = grid.ghost();
  for (int lj = w; lj < w + grid.owned().nj(); ++lj)
    for (int li = w; li < w + grid.owned().ni(); ++li)
      for (int k = 0; k < grid.nz(); ++k) host(li, lj, k) = 1.0 + 0.01 * label(grid.global_i(li), grid.global_j(lj), k) * 1e-4;
  Kokkos::deep_copy(f.view(), host);
  // Exact: sum over cells of value * dx * dy * dz(k).
  double exact = 0.0;
  for (int gj = 0; gj < grid.ny(); ++gj)
    for (int gi = 0; gi < grid.nx(); ++gi)
      for (int k = 0; k < grid.nz(); ++k) exact += (1.0 + 0.01 * label(gi, gj, k) * 1e-4) * grid.dx(gi) * grid.dy(gj) * grid.dz(k);
  EXPECT_NEAR(f.integral(), exact, 1e-12 * exact);
  EXPECT_DOUBLE_EQ(f.max_abs(), 1.0 + 0.01 * label(11, 5, 3) * 1e-4);
  const auto bad = f.first_non_finite();
  EXPECT_LT(bad[0], 0);
}

TEST(Grid, NonFiniteValuesAreLocated) {
  StructuredGrid grid(MPI_COMM_WORLD, small_spec(), 2);
  Field f(grid, "f", "1", "test");
  f.fill(0.0);
  if (grid.owns(7, 3)) {
    auto one = Kokkos::subview(f.view(), grid.local_i(7), grid.local_j(3), 2);
    Kokkos::deep_copy(one, std::nan(""));
  }
  const auto bad = f.first_non_finite();
  if (grid.owns(7, 3)) {
    EXPECT_EQ(bad[0], 7);
    EXPECT_EQ(bad[1], 3);
    EXPECT_EQ(bad[2], 2);
  } else {
    EXPECT_LT(bad[0], 0);
  }
}

TEST(Grid, RefinedFacesHaveOneWidthInTheBandAndGrowWithinTheLimit) {
  // Constructed so that the answer is exact: 4 columns of 1 m over [0, 4] and 6 on each side doubling
  // (2 + 4 + ... + 64 = 126 m) reach -126 and 130 at the largest ratio allowed. Five band columns of
  // 0.8 m would need 7 doubling columns per side (0.8 (2 + ... + 64) = 100.8 m < 126 m), 14 of 11.
  const auto x = refined_faces(-126.0, 130.0, 0.0, 4.0, 16, 2.0);
  ASSERT_EQ(x.size(), 17u);
  for (int i = 6; i <= 10; ++i) EXPECT_NEAR(x[i], i - 6, 1e-12) << i;
  for (int i = 11; i <= 16; ++i) EXPECT_NEAR(x[i] - x[i - 1], std::pow(2.0, i - 10), 1e-9) << i;
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(x[i + 1] - x[i], std::pow(2.0, 6 - i), 1e-9) << i;
  EXPECT_EQ(x.front(), -126.0);
  EXPECT_EQ(x.back(), 130.0);
  // The shipped kind of use: a 200 m x 150 m box in a 1.6 km domain. The band is uniform, the ratio
  // within the limit, and the band is as narrow as it can be: one column more would not fit.
  const auto f = refined_faces(0.0, 1600.0, 450.0, 650.0, 128, 1.1);
  int first = 0;
  while (f[first + 1] <= 450.0 + 1e-9) ++first;
  const double h = f[first + 1] - f[first];
  EXPECT_NEAR(f[first], 450.0, 1e-9);
  int band = 0;
  while (std::abs(f[first + band + 1] - f[first + band] - h) < 1e-9) ++band;
  EXPECT_NEAR(band * h, 200.0, 1e-9);
  for (int i = 1; i < 128; ++i) {
    const double ratio = (f[i + 1] - f[i]) / (f[i] - f[i - 1]);
    EXPECT_LE(std::max(ratio, 1.0 / ratio), 1.1 + 1e-12) << i;
  }
  // With a widest column: the growth stops at 12.5 m (the main job's uniform width), which leaves more
  // columns for the band (2.56 m over 100 m with 176 columns in 1.6 km).
  const auto capped = refined_faces(0.0, 1600.0, 590.0, 690.0, 176, 1.1, 12.5);
  double widest = 0.0, narrowest = 1e30;
  for (int i = 0; i < 176; ++i) {
    const double width = capped[i + 1] - capped[i];
    widest = std::max(widest, width), narrowest = std::min(narrowest, width);
    if (i > 0) {
      const double ratio = width / (capped[i] - capped[i - 1]);
      EXPECT_LE(std::max(ratio, 1.0 / ratio), 1.1 + 1e-12) << i;
    }
  }
  EXPECT_NEAR(widest, 12.5, 1e-9);
  EXPECT_NEAR(narrowest, 100.0 / 39.0, 1e-9);
  EXPECT_THROW(refined_faces(0.0, 1600.0, 590.0, 690.0, 100, 1.1, 12.5), std::invalid_argument);  // 1500 m / 12.5 m > 100
  GridSpec spec;
  spec.lx = 1600.0, spec.ly = 1200.0, spec.nx = 176, spec.ny = 96;
  spec.x_faces = capped;
  EXPECT_EQ(describe_columns(spec), "refined columns: x 2.56 m over [590, 690] m, up to 12.5 m; y uniform 12.5 m");
  // A band that is the whole domain gives uniform columns; bad ranges and impossible counts throw.
  const auto u = refined_faces(0.0, 10.0, 0.0, 10.0, 5, 1.1);
  for (int i = 0; i <= 5; ++i) EXPECT_NEAR(u[i], 2.0 * i, 1e-12);
  EXPECT_THROW(refined_faces(0.0, 10.0, 5.0, 4.0, 5, 1.1), std::invalid_argument);
  EXPECT_THROW(refined_faces(0.0, 10.0, -1.0, 4.0, 5, 1.1), std::invalid_argument);
  EXPECT_THROW(refined_faces(0.0, 1000.0, 500.0, 501.0, 6, 1.05), std::invalid_argument);
}

TEST(Grid, RefinedColumnsGiveWidthsCentresLookupAndIntegrals) {
  GridSpec spec = small_spec();
  spec.x0 = 10.0;
  spec.x_faces = refined_faces(10.0, 130.0, 50.0, 70.0, 12, 1.5);
  spec.y_faces = refined_faces(0.0, 60.0, 0.0, 20.0, 6, 1.5);
  StructuredGrid grid(MPI_COMM_WORLD, spec, 2);
  EXPECT_FALSE(grid.uniform_columns());
  EXPECT_THROW(grid.require_uniform_columns("this test"), hadal::InputError);
  double min_dx = 1e30;
  for (int i = 0; i < 12; ++i) {
    EXPECT_DOUBLE_EQ(grid.dx(i), spec.x_faces[i + 1] - spec.x_faces[i]);
    EXPECT_DOUBLE_EQ(grid.x_center(i), 0.5 * (spec.x_faces[i] + spec.x_faces[i + 1]));
    EXPECT_DOUBLE_EQ(grid.x_face(i), spec.x_faces[i]);
    if (i > 0) {
      EXPECT_DOUBLE_EQ(grid.dx_between(i), grid.x_center(i) - grid.x_center(i - 1));
    }
    // Lookups just inside each face, at the centre, and on the face itself.
    EXPECT_EQ(grid.cell_i(spec.x_faces[i] + 1e-9), i);
    EXPECT_EQ(grid.cell_i(grid.x_center(i)), i);
    EXPECT_EQ(grid.cell_i(spec.x_faces[i + 1] - 1e-9), i);
    min_dx = std::min(min_dx, grid.dx(i));
  }
  EXPECT_EQ(grid.cell_i(130.0), 11);
  EXPECT_EQ(grid.cell_i(9.0), -1);
  EXPECT_EQ(grid.cell_i(130.5), -1);
  EXPECT_DOUBLE_EQ(grid.min_dx(), min_dx);
  EXPECT_DOUBLE_EQ(grid.dx(-1), grid.dx(0));  // halo columns repeat the boundary column
  EXPECT_DOUBLE_EQ(grid.x_center(-1), 10.0 - 0.5 * grid.dx(0));
  // The local width views follow the global index of each local column.
  const auto dx = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), grid.dx_local_view());
  const auto dyc = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), grid.dy_between_local_view());
  for (int li = 0; li < grid.local_ni(); ++li) EXPECT_DOUBLE_EQ(dx(li), grid.dx(grid.global_i(li)));
  for (int lj = 0; lj < grid.local_nj(); ++lj) EXPECT_DOUBLE_EQ(dyc(lj), grid.dy_between(grid.global_j(lj)));
  // A field's integral weighs each cell by its own area: a constant integrates to the volume exactly.
  Field f(grid, "f", "1", "test");
  f.fill(2.0);
  EXPECT_NEAR(f.integral(), 2.0 * 120.0 * 60.0 * 100.0, 1e-9);
}

TEST(Grid, CellLookup) {
  StructuredGrid grid(MPI_COMM_WORLD, small_spec(), 2);
  EXPECT_EQ(grid.cell_i(0.0), 0);
  EXPECT_EQ(grid.cell_i(119.9), 11);
  EXPECT_EQ(grid.cell_i(-1.0), -1);
  EXPECT_EQ(grid.cell_k(-99.0), 0);
  EXPECT_EQ(grid.cell_k(-0.5), 3);
}
