// SPDX-License-Identifier: MIT
// The horizontal-stage kernel's implicit w advection on one column, against its exact discrete answer.
// With the limited correction faded out (face Courant number C = W dt / dz >= 1/2), one stage is
// implicit-Euler upwind: the profile is convolved with a geometric distribution of upward shifts of
// mean C and variance C (1 + C) cells, so the centroid moves by exactly W dt and the variance grows by
// exactly W dt dz (1 + C) per stage. The SSP-RK2 step (c + S(S(c))) / 2 mixes no shift with two
// stages' shift: mean W dt again, variance W dt dz (1 + 2 C). At small C the limited correction (weight
// 1 - 2 C) keeps the spreading well under the upwind scheme's.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>

#include "plume/kernels.hpp"

using namespace hadal::plume;

namespace {

/// One owned column (with its two-cell halo of identical columns) of nz equal cells of height h, in a
/// uniform upward flow w (the bed face carries nothing).
struct RisingColumn {
  static constexpr int g = 2, width = 2 * g + 1;
  int nz;
  double h;
  HorizontalStage stage;
  HorizontalStage::View3 c, c_stage;

  RisingColumn(int nz_, double h_, double w) : nz(nz_), h(h_) {
    using View3 = HorizontalStage::View3;
    c = View3("c", width, width, nz), c_stage = View3("c_stage", width, width, nz);
    stage.u = View3("u", width + 1, width + 1, nz), stage.v = View3("v", width + 1, width + 1, nz);
    stage.w = View3("w", width, width, nz + 1), stage.kh = View3("kh", width, width, nz);
    Kokkos::deep_copy(stage.w, w);
    stage.first_wet = Kokkos::View<int**>("first_wet", width, width);
    auto inv_dz = Kokkos::View<double*>("inv_dz", nz);
    auto dz = Kokkos::View<double*>("dz", nz);
    Kokkos::deep_copy(inv_dz, 1.0 / h);
    Kokkos::deep_copy(dz, h);
    stage.inv_dz = inv_dz, stage.dz = dz;
    stage.line_outflow = Kokkos::View<double**>("line_outflow", 1, 1);
    stage.g = g, stage.ni = 1, stage.nj = 1, stage.nz = nz, stage.nclasses = 1, stage.nx = 1, stage.ny = 1;
    stage.implicit_w = true;
  }
  template <class F>
  void set(F profile) {
    auto host = Kokkos::create_mirror_view(c);
    for (int i = 0; i < width; ++i)
      for (int j = 0; j < width; ++j)
        for (int k = 0; k < nz; ++k) host(i, j, k) = profile((k + 0.5) * h);
    Kokkos::deep_copy(c, host);
  }
  /// Mass per area, centroid height, variance of the owned column.
  std::array<double, 3> moments() const {
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), c);
    double m0 = 0.0, m1 = 0.0, m2 = 0.0;
    for (int k = 0; k < nz; ++k) {
      const double v = host(g, g, k) * h, z = (k + 0.5) * h;
      m0 += v, m1 += v * z, m2 += v * z * z;
    }
    return {m0, m1 / m0, m2 / m0 - (m1 / m0) * (m1 / m0)};
  }
  /// One stage c <- S(c).
  void single_stage(double dt) {
    run(c, c_stage, dt, false);
    Kokkos::deep_copy(c, c_stage);
  }
  /// The model's SSP-RK2 step: c1 = S(c); c <- (c + S(c1)) / 2.
  void ssp_step(double dt) {
    run(c, c_stage, dt, false);
    run(c_stage, c, dt, true);
  }

 private:
  void run(const HorizontalStage::View3& in, const HorizontalStage::View3& out, double dt, bool average) {
    stage.in = in, stage.out = out, stage.dt = dt, stage.keep = average ? 0.5 : 0.0;
    stage.run();
    Kokkos::fence();
    // The halo columns follow the owned one (a horizontally uniform state stays uniform).
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
    for (int i = 0; i < width; ++i)
      for (int j = 0; j < width; ++j)
        for (int k = 0; k < nz; ++k) host(i, j, k) = host(g, g, k);
    Kokkos::deep_copy(out, host);
  }
};

}  // namespace

TEST(HorizontalStageImplicitW, RiseMovesTheCentroidExactlyAndSpreadsAsTheDiscreteKernel) {
  const int nz = 500;  // 250 m (kMaxLevels = 512): the implicit scheme's geometric tails stay far below the open top
  const double h = 0.5, w = 0.01, duration = 2000.0, z0 = 30.0, sigma = 3.0;
  double upwind_spread = 0.0;
  for (bool ssp : {false, true}) {
    for (double courant : {4.0, 2.0, 1.0, 0.05}) {
      RisingColumn column(nz, h, w);
      column.set([&](double z) { return std::exp(-0.5 * (z - z0) * (z - z0) / (sigma * sigma)); });
      const auto before = column.moments();
      const double dt = courant * h / w;
      const int steps = static_cast<int>(std::lround(duration / dt));
      for (int n = 0; n < steps; ++n) ssp ? column.ssp_step(dt) : column.single_stage(dt);
      const auto after = column.moments();
      const double t = steps * dt, growth = after[2] - before[2];
      const double predicted = w * t * h * (1.0 + (ssp ? 2.0 : 1.0) * courant);
      std::printf("%s, C = %.2f: centroid moved %.12f m (exact %.12f), variance grew %.8f m2 (exact discrete %.8f, "
                  "upwind limit C -> 0: %.4f), mass change %.1e\n",
                  ssp ? "SSP-RK2 step" : "one stage", courant, after[1] - before[1], w * t, growth, predicted,
                  w * t * h, after[0] / before[0] - 1.0);
      EXPECT_NEAR(after[0] / before[0], 1.0, 1e-13);
      if (courant >= 0.5) {
        EXPECT_NEAR(after[1] - before[1], w * t, 1e-9);
        EXPECT_NEAR(growth / predicted, 1.0, 1e-9);
        upwind_spread = w * t * h;
      } else {
        EXPECT_NEAR(after[1] - before[1], w * t, 1e-3 * w * t);
        EXPECT_LT(growth, 0.5 * upwind_spread);
      }
    }
  }
}

// A line of columns whose implicit solves run side by side (HorizontalStageLines::ImplicitBlock): more
// columns than one block holds, different seabed levels, rise speeds and a dry column. With no
// horizontal flow or diffusion each column is its own rising column, so each must move its centroid by
// exactly its own W dt per stage (C >= 1/2), keep its mass, and leave its levels below the bed empty.
TEST(HorizontalStageImplicitW, ColumnsSolvedSideBySideStayIndependent) {
  using View3 = HorizontalStage::View3;
  constexpr int g = 2, cells = 11, nz = 120, dry = 7;  // 60 m: the geometric tails stay far below the top
  const double h = 0.5, dt = 100.0;
  const int nx = 1 + 2 * g, ny = cells + 2 * g;  // one line along j, the direction a work item sweeps
  HorizontalStage stage;
  View3 c("c", nx, ny, nz), out("out", nx, ny, nz);
  stage.u = View3("u", nx + 1, ny + 1, nz), stage.v = View3("v", nx + 1, ny + 1, nz);
  stage.w = View3("w", nx, ny, nz + 1), stage.kh = View3("kh", nx, ny, nz);
  stage.first_wet = Kokkos::View<int**>("first_wet", nx, ny);
  auto inv_dz = Kokkos::View<double*>("inv_dz", nz);
  auto dz = Kokkos::View<double*>("dz", nz);
  Kokkos::deep_copy(inv_dz, 1.0 / h);
  Kokkos::deep_copy(dz, h);
  auto host_c = Kokkos::create_mirror_view(c);
  auto host_w = Kokkos::create_mirror_view(stage.w);
  auto host_kb = Kokkos::create_mirror_view(stage.first_wet);
  auto bed_of = [&](int j) { return j - g == dry ? nz : (j * 3) % 7; };
  auto speed_of = [&](int j) { return 0.005 * (1.0 + 0.1 * j); };  // C = w dt / h from 1 to 2.3
  for (int i = 0; i < nx; ++i) {
    for (int j = 0; j < ny; ++j) {
      host_kb(i, j) = bed_of(j);
      for (int k = 0; k <= nz; ++k) host_w(i, j, k) = k > bed_of(j) && k < nz ? speed_of(j) : 0.0;
      for (int k = 0; k < nz; ++k) {
        const double z = (k + 0.5) * h;
        host_c(i, j, k) = k >= bed_of(j) ? std::exp(-0.5 * (z - 8.0) * (z - 8.0) / 4.0) : 0.0;
      }
    }
  }
  Kokkos::deep_copy(c, host_c);
  Kokkos::deep_copy(stage.w, host_w);
  Kokkos::deep_copy(stage.first_wet, host_kb);
  stage.in = c, stage.out = out;
  stage.inv_dz = inv_dz, stage.dz = dz;
  stage.line_outflow = Kokkos::View<double**>("line_outflow", 1, 1);
  stage.g = g, stage.ni = 1, stage.nj = cells, stage.nz = nz, stage.nclasses = 1, stage.nx = 1, stage.ny = cells;
  stage.dt = dt, stage.implicit_w = true;
  stage.run();
  Kokkos::fence();
  auto result = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
  for (int j = g; j < g + cells; ++j) {
    double m0 = 0.0, m1 = 0.0, n0 = 0.0, n1 = 0.0, below_bed = 0.0;
    for (int k = 0; k < nz; ++k) {
      const double z = (k + 0.5) * h;
      if (k < bed_of(j)) below_bed += std::fabs(result(g, j, k));
      m0 += host_c(g, j, k), m1 += host_c(g, j, k) * z;
      n0 += result(g, j, k), n1 += result(g, j, k) * z;
    }
    if (j - g == dry) {
      EXPECT_EQ(n0, 0.0) << "the dry column";
      continue;
    }
    EXPECT_EQ(below_bed, 0.0) << "column " << j;
    // Measured: mass to 1.2e-15, rise to 1.0e-14 m (round-off of the moments).
    EXPECT_NEAR(n0 / m0, 1.0, 1e-14) << "column " << j;
    // The profile starts near the bed: the rise is measured from the first moment of the mass.
    EXPECT_NEAR(n1 / n0 - m1 / m0, speed_of(j) * dt, 1e-13) << "column " << j;
  }
}
