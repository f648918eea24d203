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

/// A device view of value(l) for l in [0, n).
template <class F>
Kokkos::View<double*> filled(const char* name, int n, F value) {
  Kokkos::View<double*> view(std::string(name), n);
  auto host = Kokkos::create_mirror_view(view);
  for (int l = 0; l < n; ++l) host(l) = value(l);
  Kokkos::deep_copy(view, host);
  return view;
}

/// Sets the stage's level heights from dz(k) over nz levels, with their inverses.
template <class Fz>
void set_levels(HorizontalStage& stage, int nz, Fz dz) {
  stage.dz = filled("dz", nz, dz);
  stage.inv_dz = filled("inv_dz", nz, [&](int k) { return 1.0 / dz(k); });
}

/// Sets the stage's column widths from dx(i) and dy(j) over local indices [0, ni) and [0, nj), with the
/// centre distances between neighbours.
template <class Fx, class Fy>
void set_widths(HorizontalStage& stage, int ni, int nj, Fx dx, Fy dy) {
  stage.dx = filled("dx", ni, dx), stage.dy = filled("dy", nj, dy);
  stage.inv_dx = filled("inv_dx", ni, [&](int i) { return 1.0 / dx(i); });
  stage.inv_dy = filled("inv_dy", nj, [&](int j) { return 1.0 / dy(j); });
  stage.inv_dx_between = filled("inv_dx_between", ni, [&](int i) { return i > 0 ? 2.0 / (dx(i) + dx(i - 1)) : 1.0 / dx(i); });
  stage.inv_dy_between = filled("inv_dy_between", nj, [&](int j) { return j > 0 ? 2.0 / (dy(j) + dy(j - 1)) : 1.0 / dy(j); });
}

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
    set_levels(stage, nz, [&](int) { return h; });
    set_widths(stage, width, width, [](int) { return 1.0; }, [](int) { return 1.0; });  // only w moves anything here
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
  set_widths(stage, nx, ny, [](int) { return 1.0; }, [](int) { return 1.0; });
  set_levels(stage, nz, [&](int) { return h; });
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

/// A stage whose velocity, Kh and seabed views are allocated (zero) for nx x ny local columns of nz levels.
HorizontalStage stage_with_flow_views(int nx, int ny, int nz) {
  using View3 = HorizontalStage::View3;
  HorizontalStage stage;
  stage.u = View3("u", nx + 1, ny + 1, nz), stage.v = View3("v", nx + 1, ny + 1, nz);
  stage.w = View3("w", nx, ny, nz + 1), stage.kh = View3("kh", nx, ny, nz);
  stage.first_wet = Kokkos::View<int**>("first_wet", nx, ny);
  return stage;
}

// A work item sweeps a group of classes together, sharing what does not depend on the class (the
// velocity and Kh loads, the faces' masks, the w solve's factorisation). Each class must come out
// exactly as when it is swept alone: six classes (a group of four and one of two) on a patch of
// columns with seabed steps, boundary faces, horizontal flow and diffusion, explicit and implicit w.
TEST(HorizontalStage, ClassesSweptTogetherEqualEachSweptAlone) {
  using View3 = HorizontalStage::View3;
  constexpr int g = 2, ni = 3, nj = 11, nz = 20, classes = 6;
  const int nx = ni + 2 * g, ny = nj + 2 * g;
  auto hash = [](int a, int b, int c, int d) {  // deterministic values in [0, 1)
    unsigned x = 2654435761u * static_cast<unsigned>(a + 7) ^ 40503u * static_cast<unsigned>(b + 11) ^
                 97u * static_cast<unsigned>(c + 3) ^ 13u * static_cast<unsigned>(d + 5);
    x ^= x >> 13, x *= 0x5bd1e995u, x ^= x >> 15;
    return (x & 0xffffff) / double(0x1000000);
  };
  HorizontalStage base = stage_with_flow_views(nx, ny, nz);
  set_levels(base, nz, [](int k) { return 1.0 + 0.1 * k; });
  auto hu = Kokkos::create_mirror_view(base.u), hv = Kokkos::create_mirror_view(base.v);
  auto hw = Kokkos::create_mirror_view(base.w), hk = Kokkos::create_mirror_view(base.kh);
  auto hkb = Kokkos::create_mirror_view(base.first_wet);
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j) hkb(i, j) = (i + 2 * j) % 5 == 0 ? nz : (i * 3 + j) % 6;  // steps and dry columns
  for (int i = 0; i <= nx; ++i)
    for (int j = 0; j <= ny; ++j)
      for (int k = 0; k <= nz; ++k) {
        if (k < nz) hu(i, j, k) = 0.2 * (hash(i, j, k, 1) - 0.4), hv(i, j, k) = 0.2 * (hash(i, j, k, 2) - 0.6);
        if (i < nx && j < ny) {
          hw(i, j, k) = k > hkb(i, j) && k < nz ? 0.02 * (hash(i, j, k, 3) - 0.3) : 0.0;
          if (k < nz) hk(i, j, k) = 0.5 * hash(i, j, k, 4);
        }
      }
  Kokkos::deep_copy(base.u, hu), Kokkos::deep_copy(base.v, hv), Kokkos::deep_copy(base.w, hw);
  Kokkos::deep_copy(base.kh, hk), Kokkos::deep_copy(base.first_wet, hkb);
  base.g = g, base.ni = ni, base.nj = nj, base.nz = nz, base.nx = ni, base.ny = nj;  // every side a boundary
  base.dt = 2.0;  // refined columns: widths that change from line to line and row to row
  set_widths(base, nx, ny, [](int i) { return 10.0 * (1.0 + 0.07 * i); }, [](int j) { return 12.0 / (1.0 + 0.05 * j); });
  auto concentration = [&](int n, int i, int j, int k) { return k >= hkb(i, j) ? hash(i, j, k, 10 + n) : 0.0; };

  for (bool implicit_w : {false, true}) {
    for (double keep : {0.0, 0.5}) {
      HorizontalStage together = base;
      together.implicit_w = implicit_w, together.keep = keep, together.nclasses = classes;
      View3 c("c", nx, ny, classes * nz), out("out", nx, ny, classes * nz);
      auto hc = Kokkos::create_mirror_view(c);
      for (int i = 0; i < nx; ++i)
        for (int j = 0; j < ny; ++j)
          for (int n = 0; n < classes; ++n)
            for (int k = 0; k < nz; ++k) hc(i, j, n * nz + k) = concentration(n, i, j, k);
      Kokkos::deep_copy(c, hc), Kokkos::deep_copy(out, hc);
      together.in = c, together.out = out, together.line_outflow = Kokkos::View<double**>("outflow", ni, classes);
      together.run();
      Kokkos::fence();
      auto joint = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
      auto joint_outflow = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), together.line_outflow);
      for (int n = 0; n < classes; ++n) {
        HorizontalStage alone = base;
        alone.implicit_w = implicit_w, alone.keep = keep, alone.nclasses = 1;
        View3 c1("c1", nx, ny, nz), out1("out1", nx, ny, nz);
        auto h1 = Kokkos::create_mirror_view(c1);
        for (int i = 0; i < nx; ++i)
          for (int j = 0; j < ny; ++j)
            for (int k = 0; k < nz; ++k) h1(i, j, k) = concentration(n, i, j, k);
        Kokkos::deep_copy(c1, h1), Kokkos::deep_copy(out1, h1);
        alone.in = c1, alone.out = out1, alone.line_outflow = Kokkos::View<double**>("outflow1", ni, 1);
        alone.run();
        Kokkos::fence();
        auto single = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out1);
        auto single_outflow = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), alone.line_outflow);
        int differing = 0;
        double changed = 0.0;
        for (int i = g; i < g + ni; ++i)
          for (int j = g; j < g + nj; ++j)
            for (int k = 0; k < nz; ++k) {
              differing += joint(i, j, n * nz + k) != single(i, j, k);
              changed += std::fabs(single(i, j, k) - h1(i, j, k));
            }
        EXPECT_EQ(differing, 0) << "class " << n << (implicit_w ? ", implicit w" : ", explicit w") << ", keep " << keep;
        EXPECT_GT(changed, 1e-3) << "the stage moved mass";  // the comparison is not of untouched inputs
        for (int i = 0; i < ni; ++i) EXPECT_EQ(joint_outflow(i, n), single_outflow(i, 0)) << "class " << n << ", line " << i;
      }
    }
  }
}

// The sub-stepped horizontal diffusion's forward-Euler step (HorizontalDiffusionStep), on a closed
// patch of unequal columns with seabed steps and dry columns and a varying Kh:
// - it is the stage's diffusion: the stage with no flow gives the same update (to round-off; the sums
//   are ordered differently), and the stage without its diffusion leaves the state as it was;
// - it conserves the mass (sum of c dx dy dz) to round-off;
// - it stays positive up to its bound, the smallest 1 / (sum of a cell's face coefficients), and a
//   spike in the cell of that bound turns its value negative beyond it.
TEST(HorizontalDiffusionStep, IsTheStagesDiffusionConservesMassAndIsPositiveToItsBound) {
  using View3 = HorizontalStage::View3;
  constexpr int g = 2, ni = 9, nj = 11, nz = 12, classes = 2;
  const int nx = ni + 2 * g, ny = nj + 2 * g;
  HorizontalStage stage = stage_with_flow_views(nx, ny, nz);
  auto height = [](int k) { return 1.0 + 0.2 * k; };
  set_levels(stage, nz, height);
  auto hkb = Kokkos::create_mirror_view(stage.first_wet);
  auto hk = Kokkos::create_mirror_view(stage.kh);
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j) {
      hkb(i, j) = (i + 3 * j) % 7 == 0 ? nz : (2 * i + j) % 5;  // steps and dry columns
      for (int k = 0; k < nz; ++k) hk(i, j, k) = 0.05 + 0.45 * (0.5 + 0.5 * std::sin(1.3 * i + 0.7 * j + 0.4 * k));
    }
  Kokkos::deep_copy(stage.first_wet, hkb), Kokkos::deep_copy(stage.kh, hk);
  stage.g = g, stage.ni = ni, stage.nj = nj, stage.nz = nz, stage.nclasses = classes, stage.nx = ni, stage.ny = nj;
  auto width_x = [](int i) { return 3.0 * (1.0 + 0.1 * i); };
  auto width_y = [](int j) { return 4.0 / (1.0 + 0.08 * j); };
  set_widths(stage, nx, ny, width_x, width_y);
  stage.line_outflow = Kokkos::View<double**>("outflow", ni, classes);

  HorizontalDiffusionStep step;
  step.kh = stage.kh, step.first_wet = stage.first_wet;
  step.inv_dx = stage.inv_dx, step.inv_dy = stage.inv_dy;
  step.inv_dx_between = stage.inv_dx_between, step.inv_dy_between = stage.inv_dy_between;
  step.g = g, step.nz = nz, step.nclasses = classes, step.nx = ni, step.ny = nj;
  auto run_step = [&](const View3& in, double dt) {
    View3 out("out", nx, ny, classes * nz);
    step.in = in, step.out = out, step.dt = dt;
    Kokkos::parallel_for("diffusion_step", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({g, g}, {g + ni, g + nj}), step);
    Kokkos::fence();
    return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
  };
  auto mass = [&](const auto& c) {
    double m = 0.0;
    for (int i = g; i < g + ni; ++i)
      for (int j = g; j < g + nj; ++j)
        for (int n = 0; n < classes; ++n)
          for (int k = 0; k < nz; ++k) m += c(i, j, n * nz + k) * width_x(i) * width_y(j) * height(k);
    return m;
  };
  // The bound: the smallest 1 / (sum of the face coefficients) over the wet owned cells, and where.
  auto face = [&](int i, int j, int k, int i2, int j2, double inv_width, double inv_between) {
    const bool inside = i2 >= g && i2 < g + ni && j2 >= g && j2 < g + nj;
    return inside && k >= hkb(i2, j2) ? 0.5 * (hk(i, j, k) + hk(i2, j2, k)) * inv_width * inv_between : 0.0;
  };
  double bound = 1e300;
  int bi = 0, bj = 0, bk = 0;
  for (int i = g; i < g + ni; ++i)
    for (int j = g; j < g + nj; ++j)
      for (int k = hkb(i, j); k < nz; ++k) {
        const double ix = 1.0 / width_x(i), iy = 1.0 / width_y(j);
        const double sum = face(i, j, k, i - 1, j, ix, 2.0 / (width_x(i) + width_x(i - 1))) +
                           face(i, j, k, i + 1, j, ix, 2.0 / (width_x(i) + width_x(i + 1))) +
                           face(i, j, k, i, j - 1, iy, 2.0 / (width_y(j) + width_y(j - 1))) +
                           face(i, j, k, i, j + 1, iy, 2.0 / (width_y(j) + width_y(j + 1)));
        if (sum > 0.0 && 1.0 / sum < bound) bound = 1.0 / sum, bi = i, bj = j, bk = k;
      }

  View3 c("c", nx, ny, classes * nz);
  auto hc = Kokkos::create_mirror_view(c);
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j)
      for (int n = 0; n < classes; ++n)
        for (int k = 0; k < nz; ++k)
          hc(i, j, n * nz + k) = k >= hkb(i, j) ? 1.0 + std::cos(0.9 * i * (n + 1) - 0.6 * j + 0.3 * k) : 0.0;
  Kokkos::deep_copy(c, hc);
  const double dt = 0.5 * bound;
  const auto diffused = run_step(c, dt);
  auto stage_result = [&](bool diffuse) {
    View3 out("stage_out", nx, ny, classes * nz);
    Kokkos::deep_copy(out, hc);
    HorizontalStage s = stage;
    s.in = c, s.out = out, s.dt = dt, s.diffuse = diffuse;
    s.run();
    Kokkos::fence();
    return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
  };
  const auto with = stage_result(true), without = stage_result(false);
  double largest_difference = 0.0, largest_change = 0.0, untouched = 0.0;
  for (int i = g; i < g + ni; ++i)
    for (int j = g; j < g + nj; ++j)
      for (int kn = 0; kn < classes * nz; ++kn) {
        largest_difference = std::max(largest_difference, std::fabs(diffused(i, j, kn) - with(i, j, kn)));
        largest_change = std::max(largest_change, std::fabs(diffused(i, j, kn) - hc(i, j, kn)));
        untouched = std::max(untouched, std::fabs(without(i, j, kn) - hc(i, j, kn)));
      }
  const double mass_change = mass(diffused) / mass(hc) - 1.0;
  std::printf("diffusion step: bound %.4f s at (%d, %d, %d); against the stage's diffusion %.1e (largest change %.3f); "
              "mass change %.1e\n", bound, bi, bj, bk, largest_difference, largest_change, mass_change);
  EXPECT_GT(largest_change, 0.05);  // the step moved mass
  EXPECT_LT(largest_difference, 2e-15);  // measured 2.2e-16: the same terms summed in another order
  EXPECT_EQ(untouched, 0.0);
  EXPECT_NEAR(mass_change, 0.0, 1e-14);

  // A spike in the cell of the bound: every value stays >= 0 at the bound, its own goes negative beyond.
  Kokkos::deep_copy(hc, 0.0);
  hc(bi, bj, bk) = 1.0;
  Kokkos::deep_copy(c, hc);
  for (double factor : {1.0, 1.1}) {
    const auto spread = run_step(c, factor * bound);
    double lowest = 0.0;
    for (int i = g; i < g + ni; ++i)
      for (int j = g; j < g + nj; ++j)
        for (int kn = 0; kn < classes * nz; ++kn) lowest = std::min(lowest, spread(i, j, kn));
    if (factor == 1.0) {
      EXPECT_GE(lowest, -1e-15);
      EXPECT_NEAR(mass(spread), mass(hc), 1e-14 * mass(hc));
    } else {
      EXPECT_LT(spread(bi, bj, bk), -0.05);
    }
  }
}

// The sweep skips the faces around cells a class has not reached. That must be exact: a compact
// patch of two classes over seabed steps gives the same stage, value for value, with the skip on and
// off, for each limiter and both w treatments; the cells next to the patch (whose own faces the sweep
// evaluates only because of their neighbour) do receive mass.
TEST(HorizontalStage, SkippingCellsAClassHasNotReachedIsExact) {
  using View3 = HorizontalStage::View3;
  constexpr int g = 2, ni = 12, nj = 14, nz = 16, classes = 2;
  const int nx = ni + 2 * g, ny = nj + 2 * g;
  HorizontalStage base = stage_with_flow_views(nx, ny, nz);
  set_levels(base, nz, [](int) { return 1.0; });
  auto hu = Kokkos::create_mirror_view(base.u), hv = Kokkos::create_mirror_view(base.v);
  auto hw = Kokkos::create_mirror_view(base.w);
  auto hkb = Kokkos::create_mirror_view(base.first_wet);
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j) hkb(i, j) = (i + j) % 4;
  for (int i = 0; i <= nx; ++i)
    for (int j = 0; j <= ny; ++j)
      for (int k = 0; k <= nz; ++k) {
        if (k < nz) hu(i, j, k) = 0.05 * std::sin(0.7 * i + 0.3 * k), hv(i, j, k) = 0.04 * std::cos(0.5 * j - 0.2 * k);
        if (i < nx && j < ny) hw(i, j, k) = k > hkb(i, j) && k < nz ? 0.01 * std::sin(0.9 * (i + j) + k) : 0.0;
      }
  Kokkos::deep_copy(base.u, hu), Kokkos::deep_copy(base.v, hv), Kokkos::deep_copy(base.w, hw);
  Kokkos::deep_copy(base.kh, 0.3), Kokkos::deep_copy(base.first_wet, hkb);
  base.g = g, base.ni = ni, base.nj = nj, base.nz = nz, base.nclasses = classes, base.nx = ni, base.ny = nj;
  base.dt = 2.0;
  set_widths(base, nx, ny, [](int) { return 5.0; }, [](int) { return 5.0; });
  base.line_outflow = Kokkos::View<double**>("outflow", ni, classes);
  View3 c("c", nx, ny, classes * nz);
  auto hc = Kokkos::create_mirror_view(c);
  // Class 0 a 3 x 3 patch, class 1 a single cell, both off-centre and in the middle levels.
  for (int k = 5; k < 9; ++k) {
    for (int i = 6; i < 9; ++i)
      for (int j = 5; j < 8; ++j) hc(i, j, k) = 1.0 + 0.1 * (i - j + k);
    hc(10, 11, nz + k) = 2.0;
  }
  Kokkos::deep_copy(c, hc);
  using hadal::numerics::Limiter;
  for (auto limiter : {Limiter::Minmod, Limiter::VanLeer, Limiter::MonotonizedCentral}) {
    for (bool implicit_w : {false, true}) {
      View3 skipped("skipped", nx, ny, classes * nz), full("full", nx, ny, classes * nz);
      for (bool skip : {true, false}) {
        HorizontalStage stage = base;
        stage.in = c, stage.out = skip ? skipped : full, stage.implicit_w = implicit_w, stage.skip_absent = skip;
        stage.limiter = limiter;
        stage.run();
      }
      Kokkos::fence();
      auto a = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), skipped);
      auto b = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), full);
      int differing = 0;
      for (int i = g; i < g + ni; ++i)
        for (int j = g; j < g + nj; ++j)
          for (int k = 0; k < classes * nz; ++k) differing += a(i, j, k) != b(i, j, k);
      EXPECT_EQ(differing, 0) << (implicit_w ? "implicit w" : "explicit w") << ", limiter " << static_cast<int>(limiter);
      EXPECT_GT(a(5, 6, 6), 0.0) << "the ring west of the patch received mass";
      EXPECT_GT(a(10, 10, nz + 6), 0.0) << "the cell south of the single one received mass";
    }
  }
}
