// SPDX-License-Identifier: MIT
// Vertical structure and coupling: the log layer integrates to the depth mean, 3-D face velocities are
// discretely divergence-free and closed at the seabed, the `ocean` flow source runs the tidal solver or
// downscales NetCDF current data (CF time units, packed shorts, fill values, lon/lat), saved flow files
// round-trip and are refused on other (refined or uniform) columns, and bad input names the key.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <netcdf.h>

#include "core/config.hpp"
#include "grid/bathymetry.hpp"
#include "ocean/module.hpp"
#include "ocean/flow.hpp"
#include "sim/registry.hpp"
#include "support/test_files.hpp"
#include "test_support.hpp"

using namespace hadal;
using namespace hadal_test;
using namespace hadal::ocean;

namespace {

/// A caldera-like seabed: 1000 m plain, a 1 km crater 150 m deep inside a 300 m high rim, one mound.
class TestSeabed : public grid::SeabedShape {
 public:
  double elevation(double x, double y) const override {
    const double r2 = (x - 1600) * (x - 1600) + (y - 1600) * (y - 1600);
    const double m2 = (x - 1400) * (x - 1400) + (y - 1700) * (y - 1700);
    return -1000.0 + 300.0 * std::exp(-r2 / (700.0 * 700.0)) - 150.0 * std::exp(-r2 / (300.0 * 300.0)) +
           60.0 * std::exp(-m2 / (80.0 * 80.0));
  }
};

config::ResolvedCase resolve(const std::string& yaml) {
  const config::ObjectSpec root = ocean_test::ocean_case_schema();
  return config::validate(YAML::Load(yaml), root, "test.yaml");
}

void ensure_registered() {
  static bool done = false;
  if (!done) register_flow_sources();
  done = true;
}

/// A HYCOM-like file: water_u/water_v (time, depth, lat, lon) packed as shorts with scale 0.001 and a
/// fill value; u linear in lon and time, v linear in lat; the deepest level is missing (below the coarse
/// seabed) at one column.
void write_currents(const std::string& path, int nt = 3) {
  int nc, dt, dz, dy, dx, vt, vz, vy, vx, vu, vv;
  ASSERT_EQ(nc_create(path.c_str(), NC_CLOBBER | NC_NETCDF4, &nc), NC_NOERR);
  nc_def_dim(nc, "time", nt, &dt);
  nc_def_dim(nc, "depth", 4, &dz);
  nc_def_dim(nc, "lat", 5, &dy);
  nc_def_dim(nc, "lon", 6, &dx);
  nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt);
  nc_def_var(nc, "depth", NC_DOUBLE, 1, &dz, &vz);
  nc_def_var(nc, "lat", NC_DOUBLE, 1, &dy, &vy);
  nc_def_var(nc, "lon", NC_DOUBLE, 1, &dx, &vx);
  const int dims[4] = {dt, dz, dy, dx};
  nc_def_var(nc, "water_u", NC_SHORT, 4, dims, &vu);
  nc_def_var(nc, "water_v", NC_SHORT, 4, dims, &vv);
  const std::string tunits = "hours since 2020-01-01 00:00:00", deg_e = "degrees_east", deg_n = "degrees_north";
  nc_put_att_text(nc, vt, "units", tunits.size(), tunits.c_str());
  nc_put_att_text(nc, vx, "units", deg_e.size(), deg_e.c_str());
  nc_put_att_text(nc, vy, "units", deg_n.size(), deg_n.c_str());
  nc_put_att_text(nc, vz, "positive", 4, "down");
  for (int v : {vu, vv}) {
    const double scale = 0.001;
    const short fill = -30000;
    nc_put_att_double(nc, v, "scale_factor", NC_DOUBLE, 1, &scale);
    nc_put_att_short(nc, v, "_FillValue", NC_SHORT, 1, &fill);
    nc_put_att_text(nc, v, "units", 3, "m/s");
  }
  nc_enddef(nc);
  std::vector<double> t(nt), z{0.0, 400.0, 800.0, 1200.0}, lat(5), lon(6);
  for (int n = 0; n < nt; ++n) t[n] = 6.0 * n;  // 6-hourly from 2020-01-01T00
  for (int j = 0; j < 5; ++j) lat[j] = 27.00 + 0.02 * j;
  for (int i = 0; i < 6; ++i) lon[i] = 127.00 + 0.02 * i;
  nc_put_var_double(nc, vt, t.data());
  nc_put_var_double(nc, vz, z.data());
  nc_put_var_double(nc, vy, lat.data());
  nc_put_var_double(nc, vx, lon.data());
  std::vector<short> u(nt * 4 * 5 * 6), v(u.size());
  for (int n = 0; n < nt; ++n)
    for (int k = 0; k < 4; ++k)
      for (int j = 0; j < 5; ++j)
        for (int i = 0; i < 6; ++i) {
          const std::size_t m = ((n * 4 + k) * 5 + j) * 6 + i;
          u[m] = static_cast<short>(50 + 10 * i + 5 * n);  // 0.05 m/s + 0.01 per lon step + 0.005 per record
          v[m] = static_cast<short>(20 + 4 * j);
          if (k == 3 && i == 0 && j == 0) u[m] = v[m] = -30000;  // below the coarse seabed
        }
  nc_put_var_short(nc, vu, u.data());
  nc_put_var_short(nc, vv, v.data());
  nc_close(nc);
}

}  // namespace

TEST(OceanFlow, LogLayerIntegratesToTheDepthMean) {
  LogLayer layer;  // delta 20 m, z0 1 mm
  const double H = 1000.0;
  double integral = 0.0;
  for (int k = 0; k < 1000; ++k) integral += layer.layer_factor(k * 1.0, (k + 1) * 1.0, H);
  EXPECT_NEAR(integral / 1000.0, 1.0, 1e-12);
  const double L = std::log(20.0 / 1e-3), r = H / (H - (20.0 - 1e-3) / L);
  EXPECT_NEAR(layer.interior_ratio(H), r, 1e-12);
  EXPECT_NEAR(layer.drag_coefficient(H), std::pow(0.41 * r / L, 2), 1e-15);
  // Inside the layer the profile is logarithmic: thin-layer mean at 2 m vs the log law.
  EXPECT_NEAR(layer.layer_factor(1.9999, 2.0001, H), r * std::log(2.0 / 1e-3) / L, 1e-8);
  // A column shallower than delta uses its own depth as the layer top.
  double shallow = 0.0;
  for (int k = 0; k < 100; ++k) shallow += layer.layer_factor(k * 0.1, (k + 1) * 0.1, 10.0) * 0.1;
  EXPECT_NEAR(shallow / 10.0, 1.0, 1e-12);
}

TEST(OceanFlow, ThreeDimensionalFacesAreDivergenceFreeAndClosedAtTheBed) {
  auto grid = ocean_test::make_grid(MPI_COMM_WORLD, 32, 32, 20, 3200.0, 3200.0, -1000.0, 0.0);
  TestSeabed shape;
  grid::Bathymetry bathymetry(*grid, shape);
  grid::Field ubar(*grid, "ubar", "m s-1", "ubar", 1), vbar(*grid, "vbar", "m s-1", "vbar", 1);
  ocean_test::set_field(ubar, [](int i, int j, int) { return 0.05 + 0.01 * std::sin(0.3 * i) * std::cos(0.2 * j); });
  ocean_test::set_field(vbar, [](int i, int j, int) { return -0.02 + 0.01 * std::cos(0.25 * i + 0.1 * j); });
  FaceVelocity f(*grid);
  LogLayer layer;
  LayerFactors(*grid, bathymetry.first_wet(), layer).build(ubar, vbar, f.u, f.v, f.w);
  const double div = relative_divergence(*grid, bathymetry.first_wet(), f.u, f.v, f.w);
  if (rank() == 0) std::printf("3-D faces from the log layer: relative divergence %.2e\n", div);
  EXPECT_LT(div, 1e-12);
  // Closed faces carry nothing; a full-depth face on the flat plain carries exactly ubar * H.
  auto uh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.u.view());
  auto ub = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ubar.view());
  double leak = 0.0, transport_error = 0.0;
  const auto& box = grid->owned();
  for (int gj = box.j_begin; gj < box.j_end; ++gj)
    for (int gi = std::max(box.i_begin, 1); gi < box.i_end; ++gi) {
      const int li = grid->local_i(gi), lj = grid->local_j(gj);
      const int first = std::max(bathymetry.first_wet_host(li - 1, lj), bathymetry.first_wet_host(li, lj));
      double transport = 0.0;
      for (int k = 0; k < grid->nz(); ++k) {
        if (k < first) leak = std::max(leak, std::abs(uh(li, lj, k)));
        transport += uh(li, lj, k) * grid->dz(k);
      }
      const double bed = std::max(bathymetry.seabed(li - 1, lj), bathymetry.seabed(li, lj));
      if (bed < -999.99) transport_error = std::max(transport_error, std::abs(transport - ub(li, lj, 0) * 1000.0) / 1000.0);
    }
  EXPECT_EQ(grid::global_max(MPI_COMM_WORLD, leak), 0.0);
  EXPECT_LT(grid::global_max(MPI_COMM_WORLD, transport_error), 1e-14);
}

TEST(OceanFlow, TheLogLayerStartsAtTheModelSeabed) {
  // 10 m levels over [-1000, 0]. A bed at -996 m lies inside the lowest cell (its centre, -995 m, is
  // water), so the model seabed is that cell's bottom face, -1000 m: the 3-D faces must be those of a bed
  // at -1000 m, each the layer's exact mean over its heights above -1000 m, and carry ubar x 1000 m.
  // Measured from the true bed (until stop 30), the lowest face carried the mean of the layer's lowest
  // 6 m spread over 10 m: 0.56 of what a bed at its floor gives.
  auto grid = ocean_test::make_grid(MPI_COMM_WORLD, 8, 8, 100, 800.0, 800.0, -1000.0, 0.0);
  grid::Field ubar(*grid, "ubar", "m s-1", "ubar", 1), vbar(*grid, "vbar", "m s-1", "vbar", 1);
  ubar.fill(0.05);
  vbar.fill(-0.02);
  LogLayer layer;
  std::vector<std::vector<double>> profiles;
  for (double bed : {-1000.0, -996.0}) {
    ocean_test::FlatSeabed shape(bed);
    grid::Bathymetry bathymetry(*grid, shape);
    FaceVelocity f(*grid);
    LayerFactors(*grid, bathymetry.first_wet(), layer).build(ubar, vbar, f.u, f.v, f.w);
    auto uh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.u.view());
    auto vh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.v.view());
    const int li = grid->local_i(grid->owned().i_begin + 1), lj = grid->local_j(grid->owned().j_begin + 1);
    std::vector<double> column;
    double transport = 0.0;
    for (int k = 0; k < grid->nz(); ++k) {
      const double exact = layer.layer_factor(grid->z_face(k) + 1000.0, grid->z_face(k + 1) + 1000.0, 1000.0);
      EXPECT_NEAR(uh(li, lj, k), 0.05 * exact, 1e-15) << "bed " << bed << ", level " << k;
      EXPECT_NEAR(vh(li, lj, k), -0.02 * exact, 1e-15) << "bed " << bed << ", level " << k;
      column.push_back(uh(li, lj, k));
      transport += uh(li, lj, k) * grid->dz(k);
    }
    EXPECT_NEAR(transport, 0.05 * 1000.0, 1e-12);
    profiles.push_back(column);
  }
  EXPECT_EQ(profiles[0], profiles[1]);
}

TEST(OceanFlow, TidalFlowSourceOnAPlumeGrid) {
  ensure_registered();
  const auto* source = sim::Registry::instance().find_flow_source("ocean");
  ASSERT_NE(source, nullptr);
  const auto resolved = resolve(R"(
ocean:
  model: tidal
  latitude: 27.25 deg
  mean_current: [0.02, 0.0]
  ramp_time: 1800
  constituents:
    - {name: M2, u_amplitude: 0.05, v_amplitude: 0.02, v_phase: 90 deg}
time: {start: 0, end: 7200}
)");
  auto run = [&](MPI_Comm comm, double t) {
    // A near-bed slab of the plume grid: the solver still uses the full water depth.
    auto grid = ocean_test::make_grid(comm, 32, 32, 10, 3200.0, 3200.0, -1000.0, -800.0);
    TestSeabed shape;
    auto bathymetry = std::make_unique<grid::Bathymetry>(*grid, shape);
    sim::RunContext context;
    context.comm = comm;
    context.config = resolved.root();
    auto provider = source->create(resolved.root().child("ocean"), *grid, *bathymetry, context);
    auto f = std::make_unique<FaceVelocity>(*grid);
    provider->velocity(t, f->u, f->v, f->w);
    const double div = relative_divergence(*grid, bathymetry->first_wet(), f->u, f->v, f->w);
    const double bound = provider->max_speed(t, t + 60.0);
    grid::Field ustar(*grid, "ustar", "m s-1", "ustar", 1);
    EXPECT_TRUE(provider->friction_velocity(t, ustar));
    const double speed = std::max(f->u.max_abs(), f->v.max_abs());
    return std::make_tuple(std::move(grid), std::move(bathymetry), std::move(f), div, bound, speed, ustar.max_abs());
  };
  auto [grid, bathymetry, f, div, bound, speed, ustar] = run(MPI_COMM_WORLD, 5400.0);
  if (rank() == 0)
    std::printf("tidal flow source at t = 1.5 h: max face speed %.4f m/s (bound %.4f), max u* %.2e m/s, relative "
                "divergence %.1e\n",
                speed, bound, ustar, div);
  EXPECT_LT(div, 1e-12);
  EXPECT_GT(speed, 0.01);
  EXPECT_LT(speed, bound);
  EXPECT_GT(ustar, 0.0);
  // Same answer on one rank.
  auto [sgrid, sbathy, sf, sdiv, sbound, sspeed, sustar] = run(MPI_COMM_SELF, 5400.0);
  EXPECT_LT(ocean_test::max_difference(f->u, sf->u), 1e-15);
}

TEST(OceanFlow, DownscalingNetcdfCurrents) {
  ensure_registered();
  const std::string file = scratch_directory("ocean_test") + "/currents.nc";
  if (rank() == 0) write_currents(file);
  MPI_Barrier(MPI_COMM_WORLD);
  const std::string base = R"(
ocean:
  model: downscale
  data:
    file: )" + file + R"(
    coordinates: geographic
    reference: [127.02, 27.02]
    reference_time: 2020-01-01T06:00:00
)";
  // Data times: -6 h, 0, +6 h on the model clock.
  const auto resolved = resolve(base + "time: {start: 0, end: 10800}\n");
  const auto data_block = resolved.root().child("ocean").child("data");
  CoarseCurrents data(coarse_data_spec(data_block, resolved.root()), data_block, DomainBox{0.0, 3200.0, 0.0, 3200.0});
  auto value = [&](int c, std::size_t n, double x, double y, double z) {
    DataStencil stencil;
    EXPECT_TRUE(data.locate(x, y, stencil));
    return data.value(c, n, stencil, z);
  };
  ASSERT_EQ(data.times().size(), 3u);
  EXPECT_NEAR(data.times()[0], -21600.0, 1e-9);
  EXPECT_NEAR(data.times()[2], 21600.0, 1e-9);
  // Linear in x: one lon step (0.02 deg at 27.02 N) adds 0.01 m/s; the reference point is lon index 1.
  const double dx_lon = 6371000.0 * std::cos(27.02 * M_PI / 180.0) * 0.02 * M_PI / 180.0;
  EXPECT_NEAR(value(0, 1, 0.5 * dx_lon, 0.0, -200.0), 0.065 + 0.005, 1e-9);
  // Below the coarse seabed the deepest valid value is carried down (the fill at the corner column).
  const double dy_lat = 6371000.0 * 0.02 * M_PI / 180.0;
  EXPECT_NEAR(value(0, 0, -dx_lon, -dy_lat, -1200.0), 0.05, 1e-9);

  auto grid = ocean_test::make_grid(MPI_COMM_WORLD, 32, 32, 16, 3200.0, 3200.0, -1000.0, 0.0);
  TestSeabed shape;
  grid::Bathymetry bathymetry(*grid, shape);
  sim::RunContext context;
  context.config = resolved.root();
  const auto* source = sim::Registry::instance().find_flow_source("ocean");
  auto provider = source->create(resolved.root().child("ocean"), *grid, bathymetry, context);
  FaceVelocity f(*grid);
  provider->velocity(3600.0, f.u, f.v, f.w);
  const double div = relative_divergence(*grid, bathymetry.first_wet(), f.u, f.v, f.w);
  const double bound = provider->max_speed(0.0, 3600.0);  // collective
  if (rank() == 0) std::printf("downscaled NetCDF currents at t = 1 h: relative divergence %.1e, max speed %.4f m/s\n", div, bound);
  EXPECT_LT(div, 1e-8);
  EXPECT_GT(bound, 0.05);

  // Saved face velocities round-trip through ocean_file.
  const std::string dir = scratch_directory("ocean_test") + "/flow";
  if (rank() == 0) std::filesystem::create_directories(dir);
  MPI_Barrier(MPI_COMM_WORLD);
  write_flow_file(dir + "/flow_000000.h5", *grid, f.u, f.v, f.w, 0.0);
  write_flow_file(dir + "/flow_000001.h5", *grid, f.u, f.v, f.w, 7200.0);
  config::ObjectSpec fs_root;
  sim::Registry::instance().find_flow_source("ocean_file")->declare_schema(fs_root.object("flow", "flow"));
  const auto fs = config::validate(YAML::Load("flow: {directory: " + dir + "}"), fs_root, "test.yaml");
  sim::RunContext empty;
  auto saved = sim::Registry::instance().find_flow_source("ocean_file")->create(fs.root().child("flow"), *grid, bathymetry, empty);
  FaceVelocity g(*grid);
  saved->velocity(3000.0, g.u, g.v, g.w);
  auto a = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.w.view());
  auto b = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), g.w.view());
  double diff = 0.0;
  for (std::size_t m = 0; m < a.size(); ++m) diff = std::max(diff, std::abs(a.data()[m] - b.data()[m]));
  EXPECT_LT(grid::global_max(MPI_COMM_WORLD, diff), 1e-15);
}

TEST(OceanFlow, BadInputNamesTheKey) {
  ensure_registered();
  const std::string file = scratch_directory("ocean_test") + "/currents_bad.nc";
  if (rank() == 0) write_currents(file);
  MPI_Barrier(MPI_COMM_WORLD);
  auto grid = ocean_test::make_grid(MPI_COMM_WORLD, 16, 16, 8, 3200.0, 3200.0, -1000.0, 0.0);
  TestSeabed shape;
  grid::Bathymetry bathymetry(*grid, shape);
  const auto* source = sim::Registry::instance().find_flow_source("ocean");
  auto attempt = [&](const std::string& yaml) {
    return input_error_text([&] {
      const auto resolved = resolve(yaml);
      sim::RunContext context;
      context.config = resolved.root();
      source->create(resolved.root().child("ocean"), *grid, bathymetry, context);
    });
  };
  const std::string data = R"(
ocean:
  model: downscale
  data:
    file: )" + file + R"(
    coordinates: geographic
    reference: [127.02, 27.02]
)";
  // Missing variable named by the user.
  std::string e = attempt(data + "    variables: {u: eastward_velocity}\ntime: {end: 3600}\n");
  EXPECT_NE(e.find("ocean.data.variables.u"), std::string::npos) << e;
  EXPECT_NE(e.find("eastward_velocity"), std::string::npos) << e;
  // Data time range shorter than the run (records at 0, 6, 12 h).
  e = attempt(data + "time: {end: 86400}\n");
  EXPECT_NE(e.find("time.end"), std::string::npos) << e;
  EXPECT_NE(e.find("cover"), std::string::npos) << e;
  // Data not covering the grid laterally.
  e = attempt("ocean:\n  model: downscale\n  data: {file: " + file +
              ", coordinates: geographic, reference: [127.09, 27.02]}\ntime: {end: 3600}\n");
  EXPECT_NE(e.find("ocean.data.file"), std::string::npos) << e;
  // Unknown constituent.
  e = attempt("ocean:\n  constituents:\n    - {name: M3x, u_amplitude: 0.1}\n");
  EXPECT_NE(e.find("ocean.constituents[0].name"), std::string::npos) << e;
  EXPECT_NE(e.find("M3x"), std::string::npos) << e;
  // Missing file.
  e = attempt("ocean:\n  model: downscale\n  data: {file: no_such_file.nc}\n");
  EXPECT_NE(e.find("no_such_file.nc"), std::string::npos) << e;
  // Bad reference time.
  e = attempt(data + "    reference_time: yesterday\ntime: {end: 3600}\n");
  EXPECT_NE(e.find("reference_time"), std::string::npos) << e;
  remove_scratch_directory("ocean_test");
}

TEST(OceanFlow, AcceleratedFreeSurfaceKeepsTheCurrents) {
  // A 1.6 km box is ~1e-4 of the M2 wavelength: slowing the surface gravity wave from 121 m/s to 5 m/s
  // must leave the tidal + mean currents over a seamount unchanged (to O((L/wavelength)^2, Fr^2)).
  const std::string common = R"(
ocean:
  model: tidal
  latitude: 27 deg
  mean_current: [0.015, 0.005]
  ramp_time: 1800
  constituents:
    - {name: M2, elevation_amplitude: ETA, u_amplitude: 0.03, v_amplitude: 0.01, v_phase: 90 deg}
)";
  auto velocity = [&](const std::string& extra) {
    std::string text = common + extra + "time: {start: 0, end: 7200}\n";
    text.replace(text.find("ETA"), 3, "0.6");
    const auto resolved = resolve(text);
    auto grid = ocean_test::make_grid(MPI_COMM_WORLD, 20, 20, 4, 1600.0, 1600.0, -1600.0, -1200.0);
    class Mount : public grid::SeabedShape {
     public:
      double elevation(double x, double y) const override {
        return -1500.0 + 250.0 * std::exp(-((x - 800) * (x - 800) + (y - 800) * (y - 800)) / (250.0 * 250.0));
      }
    } shape;
    grid::Bathymetry bathymetry(*grid, shape);
    TidalFlow flow(resolved.root().child("ocean"), resolved.root(), *grid, bathymetry, 0.0, 7200.0);
    flow.solver().advance_to(7200.0, 0.8);
    grid::Field uc(*grid, "uc", "m s-1", "u", 1), vc(*grid, "vc", "m s-1", "v", 1);
    flow.solver().cell_velocity(uc, vc);
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), uc.view());
    std::vector<double> out(h.data(), h.data() + h.size());
    return std::make_tuple(out, flow.solver().steps(), uc.max_abs());
  };
  const auto [full, full_steps, full_max] = velocity("");
  // The departure is O(U/c) (the Flather boundaries' response p'/(rho c) and the start-up transient):
  // measured 3.7 % of max |u| at 5 m/s, 1.8 % at 10, 0.8 % at 20, 0.3 % at 40 m/s.
  double diffs[2];
  long steps[2];
  const char* speeds[2] = {"5 m/s", "20 m/s"};
  for (int n = 0; n < 2; ++n) {
    const auto [fast, fast_steps, fast_max] = velocity(std::string("  wave_speed: ") + speeds[n] + "\n");
    double diff = 0.0;
    for (std::size_t m = 0; m < full.size(); ++m) diff = std::max(diff, std::abs(full[m] - fast[m]));
    diffs[n] = grid::global_max(MPI_COMM_WORLD, diff);
    steps[n] = fast_steps;
    if (rank() == 0)
      std::printf("accelerated free surface (%s): %ld steps instead of %ld; max |u difference| %.2e m/s = %.2f %% of "
                  "max |u| %.4f m/s\n",
                  speeds[n], fast_steps, full_steps, diffs[n], 100 * diffs[n] / full_max, full_max);
  }
  EXPECT_LT(diffs[1], 0.012 * full_max);
  EXPECT_GT(diffs[0] / diffs[1], 2.5);  // first order in 1/c
  EXPECT_LT(diffs[0] / diffs[1], 6.0);
  EXPECT_LT(steps[1] * 4, full_steps);
}

TEST(OceanFlow, FlowFilesAreRefusedOnOtherColumns) {
  // Same counts and extent, different columns: a file read onto other columns would put every face value
  // at the wrong place, so the faces are stored (refined grids) or implied (uniform ones) and compared.
  const std::string dir = scratch_directory("ocean_columns");
  auto refined_a = ocean_test::make_refined_grid(MPI_COMM_WORLD, 16, 16, 8, 3200.0, 3200.0, -1000.0, 0.0, 0.0, 0.0,
                                                 1000.0, 2000.0, 1200.0, 1800.0, 1.2);
  auto refined_b = ocean_test::make_refined_grid(MPI_COMM_WORLD, 16, 16, 8, 3200.0, 3200.0, -1000.0, 0.0, 0.0, 0.0,
                                                 1400.0, 2400.0, 1200.0, 1800.0, 1.2);
  auto uniform = ocean_test::make_grid(MPI_COMM_WORLD, 16, 16, 8, 3200.0, 3200.0, -1000.0, 0.0);
  auto write = [&](const grid::StructuredGrid& grid, const std::string& name) {
    FaceVelocity f(grid);
    ocean_test::set_field(f.u, [](int gi, int gj, int k) { return 0.01 * gi + 0.001 * gj + 1e-4 * k; });
    f.v.fill(0.02);
    f.w.fill(0.0);
    write_flow_file(dir + "/" + name, grid, f.u, f.v, f.w, 0.0);
    return std::make_unique<FaceVelocity>(std::move(f));
  };
  auto read = [&](const grid::StructuredGrid& grid, const std::string& name) {
    return input_error_text([&] {
      FaceVelocity g(grid, "_read");
      read_flow_file(dir + "/" + name, grid, g.u, g.v, g.w);
    });
  };
  const auto written = write(*refined_a, "refined.h5");
  write(*uniform, "uniform.h5");
  // The same refined columns read back exactly.
  FaceVelocity back(*refined_a, "_back");
  read_flow_file(dir + "/refined.h5", *refined_a, back.u, back.v, back.w);
  auto a = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), written->u.view());
  auto b = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), back.u.view());
  double diff = 0.0;  // over the owned faces (the file holds no ghosts beyond the domain)
  const auto& box = refined_a->owned();
  for (int gj = box.j_begin; gj < box.j_end; ++gj)
    for (int gi = box.i_begin; gi < box.i_end; ++gi)
      for (int k = 0; k < refined_a->nz(); ++k) {
        const int li = refined_a->local_i(gi), lj = refined_a->local_j(gj);
        diff = std::max(diff, std::abs(a(li, lj, k) - b(li, lj, k)));
      }
  EXPECT_EQ(grid::global_max(MPI_COMM_WORLD, diff), 0.0);
  EXPECT_EQ(read(*uniform, "uniform.h5"), "");
  const std::string other = read(*refined_b, "refined.h5"), to_uniform = read(*uniform, "refined.h5"),
                    from_uniform = read(*refined_a, "uniform.h5");
  if (rank() == 0)
    std::printf("flow file on other columns: %s\nrefined file on a uniform grid: %s\nuniform file on refined columns: "
                "%s\n",
                other.c_str(), to_uniform.c_str(), from_uniform.c_str());
  EXPECT_NE(other.find("other columns"), std::string::npos) << other;
  EXPECT_NE(other.find("x faces differ"), std::string::npos) << other;
  EXPECT_NE(to_uniform.find("the file's columns are refined, this grid's uniform"), std::string::npos) << to_uniform;
  EXPECT_NE(from_uniform.find("this grid's columns are refined, the file's uniform"), std::string::npos) << from_uniform;
  remove_scratch_directory("ocean_columns");
}
