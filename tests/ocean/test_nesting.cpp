// SPDX-License-Identifier: MIT
// The tidal solver nested in current data: the boundary forcing is the data's depth mean at each boundary
// face (varying along the boundary and in time), the interior depth-mean flow follows it, the 3-D faces
// carry the data's vertical shear above the log layer without changing the depth mean, every cell stays
// divergence-free, and 1 and 2 ranks agree; on refined columns every boundary face gets its own row's data.
#include <gtest/gtest.h>

#include <cmath>


#include "grid/bathymetry.hpp"
#include "ocean/flow.hpp"
#include "support/test_files.hpp"
#include "test_support.hpp"

using namespace hadal;
using namespace hadal_test;
using namespace hadal::ocean;

namespace {

/// Sub-tidal data: u = U(t) (1.2 - 0.4 d / 1000 m) + 2e-6 y, v = -0.01 (1.2 - 0.4 d / 1000 m), depth d; over
/// 0..1000 m the depth mean of u is U(t) + 2e-6 y. U alternates 0.02 / 0.03 m/s every 12 h.
double data_u(double hours, double depth, double y) {
  const double U = (std::lround(hours / 12.0) % 2 == 0) ? 0.02 : 0.03;
  return U * (1.2 - 0.4 * depth / 1000.0) + 2e-6 * y;
}
double data_v(double depth) { return -0.01 * (1.2 - 0.4 * depth / 1000.0); }

config::ResolvedCase resolve(const std::string& file) {
  const config::ObjectSpec root = ocean_test::ocean_case_schema();
  const std::string yaml = R"(
ocean:
  model: tidal
  ramp_time: 3600
  spin_up: 21600
  wave_speed: 10
  data: {file: )" + file + R"(, coordinates: projected, reference_time: 2020-01-01T00:00:00}
time: {start: 0, end: 129600}
)";
  return config::validate(YAML::Load(yaml), root, "test.yaml");
}

/// The coarse currents of both tests: data_u and data_v on a 2 km lattice, 3 depths, 4 times (rank 0 writes).
void write_data(const std::string& file) {
  if (rank() == 0)
    ocean_test::write_projected_currents(file, {-3000, -1000, 1000, 3000, 5000}, {-3000, -1000, 1000, 3000, 5000},
                                         {0.0, 500.0, 1000.0}, {0.0, 12.0, 24.0, 36.0},
                                         [](int c, double t, double d, double, double y) {
                                           return c == 0 ? data_u(t, d, y) : data_v(d);
                                         });
  MPI_Barrier(MPI_COMM_WORLD);
}

}  // namespace

TEST(Nesting, BoundaryForcingInteriorFlowAndShearFollowTheData) {
  const std::string file = scratch_directory("nesting_test") + "/subtidal.nc";
  write_data(file);
  const auto resolved = resolve(file);
  auto run = [&](MPI_Comm comm) {
    auto grid = ocean_test::make_grid(comm, 20, 20, 10, 2000.0, 2000.0, -1000.0, 0.0);
    ocean_test::FlatSeabed bed(-1000.0);
    auto bathymetry = std::make_unique<grid::Bathymetry>(*grid, bed);
    auto flow = std::make_unique<TidalFlow>(resolved.root().child("ocean"), resolved.root(), *grid, *bathymetry, 0.0,
                                            129600.0);
    return std::make_tuple(std::move(grid), std::move(bathymetry), std::move(flow));
  };
  auto [grid, bathymetry, flow] = run(MPI_COMM_WORLD);
  ASSERT_NE(flow->nesting(), nullptr);
  // Boundary forcing at a west face = the analytic depth mean of the data (time 18 h: halfway between the
  // records of 12 h (U = 0.03) and 24 h (U = 0.02)).
  // The forcing serves the boundary faces of the rank's own edge rows.
  const double t = 18.0 * 3600.0, y = grid->y_center(7);
  if (grid->owns(0, 7)) {
    const auto ext = flow->nesting()->at(t, grid->x_face(0), y, 1000.0);
    EXPECT_NEAR(ext.u, 0.025 + 2e-6 * y, 1e-12);
    EXPECT_NEAR(ext.v, -0.01, 1e-12);
  }

  // Interior depth-mean flow after the spin-up follows the forcing (flat bed, no tide, no rotation).
  FaceVelocity f(*grid);
  flow->velocity(t, f.u, f.v, f.w);
  grid::Field uc(*grid, "uc", "m s-1", "u", 1), vc(*grid, "vc", "m s-1", "v", 1);
  flow->solver().cell_velocity(uc, vc);
  const double u_mid = ocean_test::global_value(uc, 10, 7, 0), v_mid = ocean_test::global_value(vc, 10, 7, 0);
  const double expected = 0.025 + 2e-6 * grid->y_center(7);
  if (rank() == 0)
    std::printf("nested interior at 18 h: u %.5f m/s (data %.5f), v %.5f (data -0.01)\n", u_mid, expected, v_mid);
  EXPECT_NEAR(u_mid, expected, 0.02 * expected);
  EXPECT_NEAR(v_mid, -0.01, 0.0005);

  // 3-D faces: divergence-free; above the 20 m log layer the shear is the data's (u_d(z1) - u_d(z2) =
  // 0.4 U (d1 - d2) / 1000 m with U = 0.025 at 18 h); the full-column transport is the depth mean times H.
  const double div = relative_divergence(*grid, bathymetry->first_wet(), f.u, f.v, f.w);
  EXPECT_LT(div, 1e-12);
  const int k1 = 3, k2 = 8;  // cell centres at -650 m and -150 m
  const double u1 = ocean_test::global_value(f.u, 10, 7, k1), u2 = ocean_test::global_value(f.u, 10, 7, k2);
  const double d1 = -grid->z_center(k1), d2 = -grid->z_center(k2);
  EXPECT_NEAR(u2 - u1, 0.4 * 0.025 * (d1 - d2) / 1000.0, 1e-9);
  double transport = 0.0;
  for (int k = 0; k < grid->nz(); ++k) transport += ocean_test::global_value(f.u, 10, 7, k) * grid->dz(k);
  EXPECT_NEAR(transport / 1000.0, ocean_test::global_value(flow->solver().u(), 10, 7, 0), 1e-12);
  if (rank() == 0) std::printf("nested 3-D faces: divergence %.1e, shear between -650 m and -150 m %.5f m/s\n", div, u2 - u1);

  // One rank gives the same faces.
  auto [sgrid, sbathymetry, sflow] = run(MPI_COMM_SELF);
  FaceVelocity g(*sgrid);
  sflow->velocity(t, g.u, g.v, g.w);
  EXPECT_EQ(ocean_test::max_difference(f.u, g.u), 0.0);
}

TEST(Nesting, RefinedColumnsLookUpTheirOwnRowsData) {
  // The data's depth-mean u grows with y (2e-6 / s), so a west or east face given another row's data is off
  // by 2e-6 times the rows' distance: the lookup must find the row holding y on unequal rows.
  const std::string file = scratch_directory("nesting_refined") + "/subtidal.nc";
  write_data(file);
  const auto resolved = resolve(file);
  auto grid = ocean_test::make_refined_grid(MPI_COMM_WORLD, 20, 20, 10, 2000.0, 2000.0, -1000.0, 0.0, 0.0, 0.0, 600.0,
                                            1000.0, 1200.0, 1500.0, 1.2);
  ocean_test::FlatSeabed bed(-1000.0);
  grid::Bathymetry bathymetry(*grid, bed);
  TidalFlow flow(resolved.root().child("ocean"), resolved.root(), *grid, bathymetry, 0.0, 129600.0);
  ASSERT_NE(flow.nesting(), nullptr);
  const double t = 18.0 * 3600.0;
  double worst = 0.0;
  int faces = 0;
  for (int gj = grid->owned().j_begin; gj < grid->owned().j_end; ++gj)
    for (int edge : {0, 1}) {
      if (edge == 0 ? grid->owned().i_begin != 0 : grid->owned().i_end != grid->nx()) continue;
      const double x = edge == 0 ? grid->x_face(0) : grid->x_face(grid->nx()), y = grid->y_center(gj);
      const auto ext = flow.nesting()->at(t, x, y, 1000.0);
      worst = std::max({worst, std::abs(ext.u - (0.025 + 2e-6 * y)), std::abs(ext.v + 0.01)});
      ++faces;
    }
  worst = grid::global_max(MPI_COMM_WORLD, worst);
  faces = int(grid::global_sum(MPI_COMM_WORLD, faces));
  double widest = 0.0;
  for (int j = 0; j < grid->ny(); ++j) widest = std::max(widest, grid->dy(j));
  if (rank() == 0)
    std::printf("nested forcing on refined rows (dy %.1f..%.1f m): max |data - analytic| over %d west/east faces %.1e "
                "m/s\n",
                grid->min_dy(), widest, faces, worst);
  EXPECT_EQ(faces, 40);
  EXPECT_LT(worst, 1e-12);
  remove_scratch_directory("nesting_refined");
}

TEST(Nesting, DataMustCoverTheRun) {
  const std::string file = scratch_directory("nesting_test") + "/short.nc";
  if (rank() == 0)
    ocean_test::write_projected_currents(file, {-3000, 5000}, {-3000, 5000}, {0.0}, {0.0, 12.0},
                                         [](int, double, double, double, double) { return 0.01; });
  MPI_Barrier(MPI_COMM_WORLD);
  const auto resolved = resolve(file);  // the run needs 36 h, the data hold 12 h
  auto grid = ocean_test::make_grid(MPI_COMM_WORLD, 8, 8, 4, 2000.0, 2000.0, -1000.0, 0.0);
  ocean_test::FlatSeabed bed(-1000.0);
  grid::Bathymetry bathymetry(*grid, bed);
  try {
    TidalFlow flow(resolved.root().child("ocean"), resolved.root(), *grid, bathymetry, 0.0, 129600.0);
    ADD_FAILURE() << "a run beyond the data was accepted";
  } catch (const InputError& e) {
    const std::string text = e.diagnostics().front().format();
    EXPECT_NE(text.find("time.end"), std::string::npos) << text;
    EXPECT_NE(text.find("short.nc"), std::string::npos) << text;
  }
  remove_scratch_directory("nesting_test");
}
