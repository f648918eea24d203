// SPDX-License-Identifier: MIT
// Mass-consistent adjustment: uniform flow over a flat bed is left unchanged; uniform flow over a
// hemisphere on a flat bed converges to the analytic potential flow; residual divergence at solver
// tolerance; idempotence; multigrid iteration counts under refinement; 1 vs 2 ranks; the same on columns
// refined over the hemisphere.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "grid/bathymetry.hpp"
#include "ocean/flow.hpp"
#include "ocean/projection.hpp"
#include "support/test_files.hpp"
#include "test_support.hpp"

using namespace hadal;
using namespace hadal_test;
using namespace hadal::ocean;

namespace {

/// Hemisphere of radius a centred at the origin on the plane z = 0.
class Hemisphere : public grid::SeabedShape {
 public:
  explicit Hemisphere(double a) : a_(a) {}
  double elevation(double x, double y) const override {
    const double r2 = x * x + y * y;
    return r2 < a_ * a_ ? std::sqrt(a_ * a_ - r2) : 0.0;
  }

 private:
  double a_;
};

/// Potential flow U x (1 + a^3 / (2 r^3)) past a sphere (the hemisphere on a wall by symmetry).
struct SphereFlow {
  double U = 1.0, a = 1.0;
  void velocity(double x, double y, double z, double& u, double& v, double& w) const {
    const double r2 = x * x + y * y + z * z, r = std::sqrt(r2), r5 = r2 * r2 * r;
    const double a3 = a * a * a;
    u = U * (1.0 + a3 / (2 * r2 * r) - 1.5 * a3 * x * x / r5);
    v = -1.5 * U * a3 * x * y / r5;
    w = -1.5 * U * a3 * x * z / r5;
  }
};

struct HemisphereResult {
  double max_error = 0.0, l2_error = 0.0, divergence = 0.0, idempotence = 0.0, crest_speed = 0.0;
  int iterations = 0;
  std::unique_ptr<grid::StructuredGrid> grid;
  std::unique_ptr<FaceVelocity> faces;
};

/// growth > 0: columns refined over |x|, |y| <= 1.5 a, widening by `growth` per column outside; `tolerance` > 0
/// replaces the solver's relative tolerance.
HemisphereResult run_hemisphere(MPI_Comm comm, int n, const std::string& pc, double growth = 0.0,
                                double tolerance = 0.0) {
  const double a = 100.0, half = 4 * a;
  HemisphereResult res;
  res.grid = growth > 0.0 ? ocean_test::make_refined_grid(comm, n, n, n / 2, 2 * half, 2 * half, 0.0, half, -half, -half,
                                                          -1.5 * a, 1.5 * a, -1.5 * a, 1.5 * a, growth)
                          : ocean_test::make_grid(comm, n, n, n / 2, 2 * half, 2 * half, 0.0, half, -half, -half);
  auto& grid = *res.grid;
  Hemisphere shape(a);
  grid::Bathymetry bathymetry(grid, shape);
  SphereFlow exact{1.0, a};
  ProjectionSettings settings;
  settings.top = ProjectionSettings::Top::Given;
  settings.preconditioner = pc;
  if (tolerance > 0.0) settings.relative_tolerance = tolerance;
  MassConsistentProjector projector(grid, bathymetry.first_wet(), settings);
  res.faces = std::make_unique<FaceVelocity>(grid);
  auto& f = *res.faces;
  // First guess: the undisturbed stream U, except on the outer boundary faces, where it is the exact
  // solution (so the only error left is the discretisation's).
  const int nx = grid.nx(), ny = grid.ny(), nz = grid.nz();
  ocean_test::set_field(f.u, [&](int gi, int gj, int k) {
    if (gi != 0 && gi != nx) return 1.0;
    double u, v, w;
    exact.velocity(grid.x_face(gi), grid.y_center(std::clamp(gj, 0, ny - 1)), grid.z_center(k), u, v, w);
    return u;
  });
  ocean_test::set_field(f.v, [&](int gi, int gj, int k) {
    if (gj != 0 && gj != ny) return 0.0;
    double u, v, w;
    exact.velocity(grid.x_center(std::clamp(gi, 0, nx - 1)), grid.y_face(gj), grid.z_center(k), u, v, w);
    return v;
  });
  ocean_test::set_field(f.w, [&](int gi, int gj, int k) {
    if (k != nz) return 0.0;
    double u, v, w;
    exact.velocity(grid.x_center(std::clamp(gi, 0, nx - 1)), grid.y_center(std::clamp(gj, 0, ny - 1)), grid.z_face(k),
                   u, v, w);
    return w;
  });
  const auto r = projector.project(f.u, f.v, f.w);
  res.iterations = r.iterations;
  res.divergence = r.relative_divergence;
  // Errors on u and w faces at least 1.5 a from the centre (the staircase bump is resolved only to O(dx)).
  auto uh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.u.view());
  auto wh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.w.view());
  double emax = 0.0, esum = 0.0, count = 0.0, crest = 0.0;
  const auto& box = grid.owned();
  for (int gj = box.j_begin; gj < box.j_end; ++gj)
    for (int gi = box.i_begin; gi < box.i_end; ++gi)
      for (int k = 0; k < nz; ++k) {
        double u, v, w;
        const double x = grid.x_face(gi), y = grid.y_center(gj), z = grid.z_center(k);
        if (std::sqrt(x * x + y * y + z * z) >= 1.5 * a) {
          exact.velocity(x, y, z, u, v, w);
          const double e = std::abs(uh(grid.local_i(gi), grid.local_j(gj), k) - u);
          emax = std::max(emax, e);
          esum += e * e;
          count += 1;
        }
        const double xc = grid.x_center(gi), zc = grid.z_face(k);
        if (k > 0 && std::sqrt(xc * xc + y * y + zc * zc) >= 1.5 * a) {
          exact.velocity(xc, y, zc, u, v, w);
          const double e = std::abs(wh(grid.local_i(gi), grid.local_j(gj), k) - w);
          emax = std::max(emax, e);
        }
        // Speed just above the crest (the first wet u face over x = 0, y = 0).
        if (gi == nx / 2 && gj == ny / 2 && k == bathymetry.first_wet_host(grid.local_i(gi), grid.local_j(gj)))
          crest = uh(grid.local_i(gi), grid.local_j(gj), k);
      }
  res.max_error = grid::global_max(comm, emax);
  res.l2_error = std::sqrt(grid::global_sum(comm, esum) / grid::global_sum(comm, count));
  res.crest_speed = grid::global_sum(comm, crest);
  // Idempotence: adjusting an adjusted field changes nothing (to solver tolerance).
  FaceVelocity again(grid, "_again");
  Kokkos::deep_copy(again.u.view(), f.u.view());
  Kokkos::deep_copy(again.v.view(), f.v.view());
  Kokkos::deep_copy(again.w.view(), f.w.view());
  projector.project(again.u, again.v, again.w);
  auto ah = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), again.u.view());
  double change = 0.0;
  for (std::size_t m = 0; m < ah.size(); ++m) change = std::max(change, std::abs(ah.data()[m] - uh.data()[m]));
  res.idempotence = grid::global_max(comm, change);
  return res;
}

}  // namespace

TEST(OceanProjection, UniformFlowOverFlatBedIsUnchanged) {
  for (auto top : {ProjectionSettings::Top::RigidLid, ProjectionSettings::Top::Open}) {
    auto grid = ocean_test::make_grid(MPI_COMM_WORLD, 16, 12, 8, 1600.0, 1200.0, -800.0, -0.0);
    ocean_test::FlatSeabed shape(-800.0);
    grid::Bathymetry bathymetry(*grid, shape);
    ProjectionSettings settings;
    settings.top = top;
    MassConsistentProjector projector(*grid, bathymetry.first_wet(), settings);
    FaceVelocity f(*grid);
    f.u.fill(0.1);
    f.v.fill(0.05);
    f.w.fill(0.0);
    const auto r = projector.project(f.u, f.v, f.w);
    const auto uh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.u.view());
    const auto vh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.v.view());
    const auto wh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.w.view());
    double change = 0.0;
    for (std::size_t m = 0; m < uh.size(); ++m)
      change = std::max({change, std::abs(uh.data()[m] - 0.1), std::abs(vh.data()[m] - 0.05)});
    for (std::size_t m = 0; m < wh.size(); ++m) change = std::max(change, std::abs(wh.data()[m]));
    change = grid::global_max(MPI_COMM_WORLD, change);
    if (rank() == 0)
      std::printf("uniform flow, flat bed (%s top): max change %.2e m/s, %d iterations\n",
                  top == ProjectionSettings::Top::Open ? "open" : "rigid-lid", change, r.iterations);
    EXPECT_LT(change, 1e-12);
  }
}

#ifdef OCEAN_LONG
constexpr int kSizes[3] = {32, 64, 128};
#else
constexpr int kSizes[3] = {16, 32, 64};
#endif

TEST(OceanProjection, HemispherePotentialFlowConvergesAndMultigridScales) {
  const int* sizes = kSizes;
  double errors[3];
  int iterations[3];
  for (int m = 0; m < 3; ++m) {
    const auto r = run_hemisphere(MPI_COMM_WORLD, sizes[m], "gamg");
    errors[m] = r.max_error;
    iterations[m] = r.iterations;
    if (rank() == 0)
      std::printf("hemisphere %dx%dx%d (a = %d cells): max |u - u_exact| (r >= 1.5a) %.4f U, rms %.4f U, crest u "
                  "%.3f U (exact 1.5), divergence %.1e, idempotence %.1e, GAMG-CG iterations %d\n",
                  sizes[m], sizes[m], sizes[m] / 2, sizes[m] / 8, r.max_error, r.l2_error, r.crest_speed,
                  r.divergence, r.idempotence, r.iterations);
    EXPECT_LT(r.divergence, 1e-8);
    EXPECT_LT(r.idempotence, 1e-8);
  }
  // The seabed is a staircase of whole cells, so the body itself is represented to O(dx): first order.
  for (int m = 1; m < 3; ++m) {
    const double order = std::log2(errors[m - 1] / errors[m]);
    if (rank() == 0) std::printf("hemisphere: observed order of the max error %d->%d: %.2f\n", sizes[m - 1], sizes[m], order);
    EXPECT_GT(order, 0.4);
  }
  const double mean_order = 0.5 * std::log2(errors[0] / errors[2]);
  if (rank() == 0) std::printf("hemisphere: mean observed order %.2f\n", mean_order);
  EXPECT_GT(mean_order, 0.7);
  EXPECT_LT(errors[2], 0.05);
  const int lo = *std::min_element(iterations, iterations + 3), hi = *std::max_element(iterations, iterations + 3);
  EXPECT_LE(hi, 2 * lo + 2) << "multigrid iteration counts should not grow with refinement";
}

TEST(OceanProjection, GeometricMultigridOnTheDmda) {
  int iterations[3];
  const int* sizes = kSizes;
  for (int m = 0; m < 3; ++m) {
    const auto r = run_hemisphere(MPI_COMM_WORLD, sizes[m], "mg");
    iterations[m] = r.iterations;
    if (rank() == 0) std::printf("hemisphere %d^2x%d, PCMG (DMDA, Galerkin): %d CG iterations, error %.4f U\n", sizes[m],
                                 sizes[m] / 2, r.iterations, r.max_error);
    EXPECT_LT(r.divergence, 1e-8);
  }
  EXPECT_LE(iterations[2], 2 * iterations[0] + 2);
}

TEST(OceanProjection, OneAndTwoRanksAgree) {
  const auto distributed = run_hemisphere(MPI_COMM_WORLD, 16, "gamg");
  const auto serial = run_hemisphere(MPI_COMM_SELF, 16, "gamg");
  const double diff = ocean_test::max_difference(distributed.faces->u, serial.faces->u);
  if (rank() == 0) std::printf("projection: distributed vs serial max |du| = %.2e U\n", diff);
  // Different decompositions give different (equally converged) multigrid iterates: agree to tolerance.
  EXPECT_LT(diff, 1e-8);
}

// ------------------------------------------------------------------------------------- refined columns

namespace {
/// The widest column in x.
double widest_column(const grid::StructuredGrid& grid) {
  double w = 0.0;
  for (int i = 0; i < grid.nx(); ++i) w = std::max(w, grid.dx(i));
  return w;
}
}  // namespace

TEST(OceanProjection, RefinedColumnsOverAHemisphere) {
  // Columns refined over |x|, |y| <= 1.5 a and widening by 1.25 per column outside. The matrix takes face
  // areas over centre distances and the right-hand side the cells' own widths, so the divergence that
  // relative_divergence measures with each cell's widths vanishes to the solver's tolerance (here 1e-13);
  // one width everywhere would leave an O(1) relative divergence on the unequal cells.
  const int n = 32;
  const auto uniform = run_hemisphere(MPI_COMM_WORLD, n, "gamg");
  const auto uniform_fine = run_hemisphere(MPI_COMM_WORLD, 2 * n, "gamg");
  for (const char* pc : {"gamg", "mg"}) {
    const auto r = run_hemisphere(MPI_COMM_WORLD, n, pc, 1.25, 1e-13);
    if (rank() == 0)
      std::printf("refined hemisphere %dx%dx%d, %s (dx %.1f..%.1f m; uniform %.1f m): divergence %.1e, idempotence %.1e, "
                  "%d CG iterations; max |u - u_exact| (r >= 1.5a) %.4f U, rms %.4f U, crest u %.3f U; uniform %d^2: max "
                  "%.4f U, rms %.4f U, crest %.3f U; uniform %d^2: max %.4f U, rms %.4f U\n",
                  n, n, n / 2, pc, r.grid->min_dx(), widest_column(*r.grid), 800.0 / n, r.divergence, r.idempotence,
                  r.iterations, r.max_error, r.l2_error, r.crest_speed, n, uniform.max_error, uniform.l2_error,
                  uniform.crest_speed, 2 * n, uniform_fine.max_error, uniform_fine.l2_error);
    EXPECT_LT(r.divergence, 1e-11);
    EXPECT_LT(r.idempotence, 1e-10);
    // Finer columns where the flow bends, coarser far away: no worse than the uniform grid of the same count.
    EXPECT_LT(r.max_error, uniform.max_error);
    EXPECT_LT(r.iterations, 100);
  }
}

TEST(OceanProjection, RefinedColumnsOnOneAndTwoRanksAgree) {
  const auto distributed = run_hemisphere(MPI_COMM_WORLD, 16, "gamg", 1.25);
  const auto serial = run_hemisphere(MPI_COMM_SELF, 16, "gamg", 1.25);
  const double diff = ocean_test::max_difference(distributed.faces->u, serial.faces->u);
  if (rank() == 0)
    std::printf("refined projection: distributed vs serial max |du| = %.2e U, divergence %.1e / %.1e\n", diff,
                distributed.divergence, serial.divergence);
  EXPECT_LT(diff, 1e-8);
  EXPECT_LT(distributed.divergence, 1e-8);
}
