// SPDX-License-Identifier: MIT
// Current readers: the real CMEMS surface file (int64 "days since", scalar depth coordinate, 5-day means)
// and the real CROCO history + grid files (s-coordinates by the ROMS formulas, staggered u/v averaged and
// rotated), against values read independently with netCDF-C here; small files the tests write: HYCOM
// (time, lat, lon) surface fields, CF curvilinear lon/lat, a ROMS history on a grid rotated by 30 degrees
// (Vtransform 1, packed shorts, a land mask, the grid in a separate file). Missing coverage, times and
// variables name the key and the file.
#include <gtest/gtest.h>

#include <cmath>

#include <netcdf.h>

#include "core/error.hpp"
#include "core/log.hpp"
#include "ocean/coarse_data.hpp"
#include "ocean/keys.hpp"
#include "support/test_files.hpp"

using namespace hadal;
using namespace hadal_test;
using namespace hadal::ocean;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kEarthRadius = 6371000.0;
const std::string kData = std::string(HADAL_SOURCE_DIR) + "/data/currents/";

/// A `data:` block (keys of the ocean block) resolved and read for the domain box.
struct Read {
  config::ResolvedCase resolved;
  std::unique_ptr<CoarseCurrents> data;
};

config::ResolvedCase resolve(const std::string& data_yaml) {
  config::ObjectSpec root;
  declare_ocean_block(root.object("ocean", "ocean"), true);
  return config::validate(YAML::Load("ocean:\n  model: downscale\n  data: " + data_yaml + "\n"), root, "test.yaml");
}

std::unique_ptr<CoarseCurrents> read(const config::ResolvedCase& resolved, const DomainBox& box) {
  const auto block = resolved.root().child("ocean").child("data");
  return std::make_unique<CoarseCurrents>(coarse_data_spec(block, resolved.root()), block, box);
}

double at(const CoarseCurrents& data, int component, std::size_t n, double x, double y, double z) {
  DataStencil s;
  EXPECT_TRUE(data.locate(x, y, s)) << x << ", " << y;
  return data.value(component, n, s, z);
}

std::vector<double> read_all(const std::string& path, const std::string& name) {
  int nc = 0, var = 0, ndims = 0;
  EXPECT_EQ(nc_open(path.c_str(), NC_NOWRITE, &nc), NC_NOERR);
  EXPECT_EQ(nc_inq_varid(nc, name.c_str(), &var), NC_NOERR) << name;
  nc_inq_varndims(nc, var, &ndims);
  std::vector<int> dims(static_cast<std::size_t>(ndims));
  nc_inq_vardimid(nc, var, dims.data());
  std::size_t n = 1;
  for (int d : dims) {
    std::size_t len = 0;
    nc_inq_dimlen(nc, d, &len);
    n *= len;
  }
  std::vector<double> v(n);
  nc_get_var_double(nc, var, v.data());
  nc_close(nc);
  return v;
}

void text(int nc, int var, const char* name, const std::string& value) { nc_put_att_text(nc, var, name, value.size(), value.c_str()); }

}  // namespace

TEST(CoarseData, SLevelElevationsFollowTheRomsFormulas) {
  // Hand-computed: hc = 50 m, s = -0.5, C = -0.6, h = 1000 m, zeta = 1 m.
  EXPECT_NEAR(s_level_elevation(1, -0.5, -0.6, 50.0, 1000.0, 1.0), -595.0 + 1.0 * (1.0 - 0.595), 1e-12);
  EXPECT_NEAR(s_level_elevation(2, -0.5, -0.6, 50.0, 1000.0, 1.0), 1.0 + 1001.0 * (-625.0 / 1050.0), 1e-12);
  // The bottom (s = C = -1) is at -h and the top (s = C = 0) at the free surface, for both transforms.
  for (int vt : {1, 2}) {
    EXPECT_NEAR(s_level_elevation(vt, -1.0, -1.0, 200.0, 3000.0, 0.4), -3000.0, 1e-9);
    EXPECT_NEAR(s_level_elevation(vt, 0.0, 0.0, 200.0, 3000.0, 0.4), 0.4, 1e-12);
  }
}

TEST(CoarseData, CmemsSurfaceFiveDayMeans) {
  // The shipped CMEMS cut: uo/vo (time, latitude, longitude), int64 time in days since 2024-01-03, depth a
  // scalar coordinate. Model time 0 is 2023-12-31T12:00 and the site is Lucky Strike.
  const double lon0 = -32.28, lat0 = 37.29;
  const std::string file = kData + "cmems_azores_surface_1deg_5day_2024-01.nc";
  const std::string base = "{file: " + file + ", reference: [-32.28, 37.29], reference_time: 2023-12-31T12:00:00";
  const DomainBox box{-5000.0, 5000.0, -5000.0, 5000.0};
  const auto r = resolve(base + ", averaging_period: 5 d}");
  const auto data = read(r, box);
  ASSERT_EQ(data->times().size(), 6u);
  EXPECT_NEAR(data->times()[0], 2.5 * 86400.0, 1e-6);  // 2024-01-03T00:00
  EXPECT_NEAR(data->time_begin(), 0.0, 1e-6);
  EXPECT_NEAR(data->time_end(), 30.0 * 86400.0, 1e-6);
  EXPECT_EQ(data->levels(), 1u);
  // At a data node (lon -32.54166, lat 37.45833, float32) the value is the file's (read with h5py).
  const double x = kEarthRadius * std::cos(lat0 * kPi / 180.0) * (-32.54166030883789 - lon0) * kPi / 180.0;
  const double y = kEarthRadius * (37.45833206176758 - lat0) * kPi / 180.0;
  const double uo[6] = {0.017307521775364876, 0.00881554838269949, -0.07813939452171326,
                        -0.015998072922229767, -0.01718716137111187, -0.02283104881644249};
  const double vo5 = 0.007874127477407455;
  for (std::size_t n = 0; n < 6; ++n) EXPECT_NEAR(at(*data, 0, n, x, y, -1500.0), uo[n], 1e-9) << n;
  EXPECT_NEAR(at(*data, 1, 5, x, y, -10.0), vo5, 1e-9);
  // Surface-only: the same at every depth, so the depth mean equals it.
  DataStencil s;
  ASSERT_TRUE(data->locate(x, y, s));
  EXPECT_NEAR(data->depth_mean(0, 2, s, -1700.0, 0.0), uo[2], 1e-9);
  // The run must lie within the covered times: 30 days fit, 30.5 do not; without the averaging period only
  // the stamps (2.5 .. 27.5 d) are covered.
  data->require_cover(0.0, 30.0 * 86400.0, r.root(), "ocean");
  std::string e = input_error_text([&] { data->require_cover(0.0, 30.5 * 86400.0, r.root().child("ocean"), "data"); });
  EXPECT_NE(e.find("cmems_azores_surface_1deg_5day_2024-01.nc"), std::string::npos) << e;
  EXPECT_NE(e.find("ocean.data"), std::string::npos) << e;
  const auto strict = read(resolve(base + "}"), box);
  EXPECT_NEAR(strict->time_begin(), 2.5 * 86400.0, 1e-6);
  // A site outside the file (lon -32.28 + 20 deg) is refused naming the file and both extents.
  e = input_error_text([&] { read(resolve("{file: " + file + ", reference: [-12.28, 37.29]}"), box); });
  EXPECT_NE(e.find("ocean.data.file"), std::string::npos) << e;
  EXPECT_NE(e.find("the model grid needs"), std::string::npos) << e;
  // Geographic data need a reference point.
  e = input_error_text([&] { read(resolve("{file: " + file + "}"), box); });
  EXPECT_NE(e.find("ocean.data.reference"), std::string::npos) << e;
}

TEST(CoarseData, HycomSurfaceAndCurvilinearCf) {
  // HYCOM names on (time, lat, lon) without a depth dimension, packed shorts in cm/s; and a CF file on a
  // curvilinear grid whose 2-D lon/lat are named in the velocity's `coordinates` attribute. Both carry a
  // field linear in lon and lat, which the bilinear interpolation must reproduce.
  const std::string dir = scratch_directory("coarse_data_test");
  const std::string hycom = dir + "/hycom_surface.nc", curvi = dir + "/curvilinear.nc";
  auto u_of = [](double lon, double lat) { return 0.10 + 0.5 * (lon - 140.0) - 0.3 * (lat - 30.0); };
  on_rank0([&] {
    int nc, dt, dy, dx, vt, vy, vx, vu, vv;
    ASSERT_EQ(nc_create(hycom.c_str(), NC_CLOBBER | NC_NETCDF4, &nc), NC_NOERR);
    nc_def_dim(nc, "time", 2, &dt);
    nc_def_dim(nc, "lat", 5, &dy);
    nc_def_dim(nc, "lon", 6, &dx);
    nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt);
    nc_def_var(nc, "lat", NC_DOUBLE, 1, &dy, &vy);
    nc_def_var(nc, "lon", NC_DOUBLE, 1, &dx, &vx);
    const int dims[3] = {dt, dy, dx};
    nc_def_var(nc, "water_u", NC_SHORT, 3, dims, &vu);
    nc_def_var(nc, "water_v", NC_SHORT, 3, dims, &vv);
    text(nc, vt, "units", "hours since 2000-01-01 00:00:00");
    text(nc, vx, "units", "degrees_east");
    text(nc, vy, "units", "degrees_north");
    for (int v : {vu, vv}) {
      const double scale = 0.01;
      const short fill = -30000;
      nc_put_att_double(nc, v, "scale_factor", NC_DOUBLE, 1, &scale);
      nc_put_att_short(nc, v, "_FillValue", NC_SHORT, 1, &fill);
      text(nc, v, "units", "cm/s");
    }
    nc_enddef(nc);
    const double t[2] = {0.0, 3.0}, lat[5] = {29.96, 29.98, 30.0, 30.02, 30.04},
                 lon[6] = {139.96, 139.98, 140.0, 140.02, 140.04, 140.06};
    nc_put_var_double(nc, vt, t);
    nc_put_var_double(nc, vy, lat);
    nc_put_var_double(nc, vx, lon);
    std::vector<short> u(60), v(60);
    for (int n = 0; n < 2; ++n)
      for (int j = 0; j < 5; ++j)
        for (int i = 0; i < 6; ++i) {
          u[std::size_t((n * 5 + j) * 6 + i)] = static_cast<short>(std::lround(100.0 * u_of(lon[i], lat[j]) / 0.01));
          v[std::size_t((n * 5 + j) * 6 + i)] = static_cast<short>(500 * n);  // 0 then 5 cm/s
        }
    nc_put_var_short(nc, vu, u.data());
    nc_put_var_short(nc, vv, v.data());
    nc_close(nc);

    int dz, vlon, vlat, vz, vuo, vvo;
    ASSERT_EQ(nc_create(curvi.c_str(), NC_CLOBBER | NC_NETCDF4, &nc), NC_NOERR);
    nc_def_dim(nc, "time", 1, &dt);
    nc_def_dim(nc, "depth", 2, &dz);
    nc_def_dim(nc, "y", 4, &dy);
    nc_def_dim(nc, "x", 4, &dx);
    nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt);
    nc_def_var(nc, "depth", NC_DOUBLE, 1, &dz, &vz);
    const int d2[2] = {dy, dx};
    nc_def_var(nc, "nav_lon", NC_DOUBLE, 2, d2, &vlon);
    nc_def_var(nc, "nav_lat", NC_DOUBLE, 2, d2, &vlat);
    const int d4[4] = {dt, dz, dy, dx};
    nc_def_var(nc, "uo", NC_FLOAT, 4, d4, &vuo);
    nc_def_var(nc, "vo", NC_FLOAT, 4, d4, &vvo);
    text(nc, vt, "units", "seconds since 2000-01-01");
    text(nc, vz, "positive", "down");
    text(nc, vlon, "standard_name", "longitude");
    text(nc, vlat, "standard_name", "latitude");
    text(nc, vuo, "coordinates", "nav_lon nav_lat");
    text(nc, vvo, "coordinates", "nav_lon nav_lat");
    nc_enddef(nc);
    const double time0 = 0.0, depth[2] = {10.0, 2000.0};
    nc_put_var_double(nc, vt, &time0);
    nc_put_var_double(nc, vz, depth);
    // A sheared lattice: rows shift east as they go north.
    std::vector<double> glon(16), glat(16);
    std::vector<float> uo(32), vo(32);
    for (int j = 0; j < 4; ++j)
      for (int i = 0; i < 4; ++i) {
        glon[std::size_t(j * 4 + i)] = 139.95 + 0.04 * i + 0.01 * j;
        glat[std::size_t(j * 4 + i)] = 29.95 + 0.04 * j;
      }
    for (int k = 0; k < 2; ++k)
      for (int m = 0; m < 16; ++m) {
        uo[std::size_t(k * 16 + m)] = float(u_of(glon[std::size_t(m)], glat[std::size_t(m)]) * (k == 0 ? 1.0 : 0.5));
        vo[std::size_t(k * 16 + m)] = 0.0f;
      }
    nc_put_var_double(nc, vlon, glon.data());
    nc_put_var_double(nc, vlat, glat.data());
    nc_put_var_float(nc, vuo, uo.data());
    nc_put_var_float(nc, vvo, vo.data());
    nc_close(nc);
  });
  const DomainBox box{-1000.0, 1000.0, -1000.0, 1000.0};
  const double mx = kEarthRadius * std::cos(30.0 * kPi / 180.0) * kPi / 180.0, my = kEarthRadius * kPi / 180.0;
  const auto h = read(resolve("{file: " + hycom + ", reference: [140, 30]}"), box);
  EXPECT_EQ(h->levels(), 1u);
  const double x = 700.0, y = -400.0, lon = 140.0 + x / mx, lat = 30.0 + y / my;
  EXPECT_NEAR(at(*h, 0, 0, x, y, -3000.0), u_of(lon, lat), 1e-4);  // cm/s converted, packing 1e-4 m/s
  EXPECT_NEAR(at(*h, 1, 1, x, y, -3000.0), 0.05, 1e-12);
  const auto c = read(resolve("{file: " + curvi + ", reference: [140, 30]}"), box);
  EXPECT_NEAR(at(*c, 0, 0, x, y, -10.0), u_of(lon, lat), 1e-6);
  EXPECT_NEAR(at(*c, 0, 0, x, y, -1005.0), 0.75 * u_of(lon, lat), 1e-6);  // halfway between the levels
}

TEST(CoarseData, CrocoHistoryWithItsGridFile) {
  // The shipped CROCO Benguela files. At a water rho point, the reader's velocity at each s-level's
  // elevation must be the average of the two u (v) faces around it, rotated by the grid angle, at the
  // elevation the Vtransform-2 formula gives from h, zeta, hc, s_rho and Cs_r (all read here directly).
  const std::string his = kData + "croco_benguela_his.nc", grd = kData + "croco_benguela_grd.nc";
  const auto lon = read_all(grd, "lon_rho"), lat = read_all(grd, "lat_rho"), mask = read_all(grd, "mask_rho");
  const auto h = read_all(grd, "h"), angle = read_all(grd, "angle"), zeta = read_all(his, "zeta");
  const auto u = read_all(his, "u"), v = read_all(his, "v"), s = read_all(his, "s_rho"), cs = read_all(his, "Cs_rho");
  const double hc = read_all(his, "hc")[0];
  const std::size_t L = 43, M = 44, N = 3;
  std::size_t i = 12, j = 22;
  while (mask[j * L + i] < 0.5 || mask[j * L + i + 1] < 0.5 || mask[(j + 1) * L + i] < 0.5 || mask[j * L + i - 1] < 0.5 ||
         mask[(j - 1) * L + i] < 0.5)
    ++i;
  const std::size_t c = j * L + i;
  const std::string yaml = strformat("{file: %s, grid_file: %s, reference: [%.15g, %.15g]}", his.c_str(), grd.c_str(),
                                     lon[c], lat[c]);
  const auto data = read(resolve(yaml), DomainBox{-2000.0, 2000.0, -2000.0, 2000.0});
  EXPECT_EQ(data->levels(), N);
  DataStencil st;
  ASSERT_TRUE(data->locate(0.0, 0.0, st));
  double worst = 0.0;
  for (std::size_t n = 0; n < 2; ++n)
    for (std::size_t k = 0; k < N; ++k) {
      const double z0 = (hc * s[k] + h[c] * cs[k]) / (hc + h[c]);
      const double z = zeta[n * M * L + c] + (zeta[n * M * L + c] + h[c]) * z0;
      const double a = 0.5 * (u[((n * N + k) * M + j) * (L - 1) + i - 1] + u[((n * N + k) * M + j) * (L - 1) + i]);
      const double b = 0.5 * (v[((n * N + k) * (M - 1) + j - 1) * L + i] + v[((n * N + k) * (M - 1) + j) * L + i]);
      const double east = a * std::cos(angle[c]) - b * std::sin(angle[c]), north = a * std::sin(angle[c]) + b * std::cos(angle[c]);
      worst = std::max({worst, std::abs(data->value(0, n, st, z) - east), std::abs(data->value(1, n, st, z) - north)});
    }
  if (rank() == 0) std::printf("CROCO column (%zu, %zu): largest difference %.2e m/s\n", j, i, worst);
  EXPECT_LT(worst, 1e-7);  // float data; the stencil weight of the column is 1 to round-off
  EXPECT_NEAR(data->time_end() - data->time_begin(), 259200.0, 1e-6);
  // The history alone lacks the grid's masks but has h, angle and lon_rho: it reads; a history without
  // Cs_r anywhere would name what is missing (tested on the synthetic ROMS file below).
  read(resolve(strformat("{file: %s, reference: [%.15g, %.15g]}", his.c_str(), lon[c], lat[c])),
       DomainBox{-2000.0, 2000.0, -2000.0, 2000.0});
}

TEST(CoarseData, RomsOnARotatedGridWithMasksAndPackedValues) {
  // A ROMS history on a projected grid rotated by 30 degrees (xi axis 30 degrees north of east), Vtransform 1,
  // u/v packed as shorts with a fill value, a land cell in one corner, and h, angle, x/y_rho, mask_rho in a
  // separate grid file. The flow is uniform in each level: east 0.10 + 0.02 k, north 0.05 m/s; the reader
  // must return it at each level's elevation, away from the land, to the packing step (1e-4 m/s).
  const std::string dir = scratch_directory("coarse_data_test");
  const std::string his = dir + "/roms_his.nc", grd = dir + "/roms_grd.nc";
  const int L = 8, M = 7, N = 4;
  const double theta = kPi / 6.0, d = 1000.0, hc = 50.0;
  const double s_rho[N] = {-0.875, -0.625, -0.375, -0.125}, cs_r[N] = {-0.95, -0.7, -0.4, -0.1};
  auto east = [](int k) { return 0.10 + 0.02 * k; };
  const double north = 0.05;
  auto depth = [](int i) { return 1000.0 + 50.0 * i; };
  const double zeta_t[2] = {0.5, -0.3};
  on_rank0([&] {
    int nc, deta, dxi, dxiu, detav, ds, dt, var;
    ASSERT_EQ(nc_create(grd.c_str(), NC_CLOBBER, &nc), NC_NOERR);
    nc_def_dim(nc, "eta_rho", M, &deta);
    nc_def_dim(nc, "xi_rho", L, &dxi);
    const int d2[2] = {deta, dxi};
    int vh, va, vx, vy, vm;
    nc_def_var(nc, "h", NC_DOUBLE, 2, d2, &vh);
    nc_def_var(nc, "angle", NC_DOUBLE, 2, d2, &va);
    nc_def_var(nc, "x_rho", NC_DOUBLE, 2, d2, &vx);
    nc_def_var(nc, "y_rho", NC_DOUBLE, 2, d2, &vy);
    nc_def_var(nc, "mask_rho", NC_DOUBLE, 2, d2, &vm);
    nc_enddef(nc);
    std::vector<double> h(M * L), a(M * L, theta), x(M * L), y(M * L), m(M * L, 1.0);
    for (int j = 0; j < M; ++j)
      for (int i = 0; i < L; ++i) {
        const int c = j * L + i;
        h[std::size_t(c)] = depth(i);
        x[std::size_t(c)] = -3000.0 + i * d * std::cos(theta) - j * d * std::sin(theta);
        y[std::size_t(c)] = -3000.0 + i * d * std::sin(theta) + j * d * std::cos(theta);
      }
    m[std::size_t((M - 1) * L + L - 1)] = 0.0;  // land corner
    nc_put_var_double(nc, vh, h.data());
    nc_put_var_double(nc, va, a.data());
    nc_put_var_double(nc, vx, x.data());
    nc_put_var_double(nc, vy, y.data());
    nc_put_var_double(nc, vm, m.data());
    nc_close(nc);

    ASSERT_EQ(nc_create(his.c_str(), NC_CLOBBER, &nc), NC_NOERR);
    nc_def_dim(nc, "ocean_time", 2, &dt);
    nc_def_dim(nc, "s_rho", N, &ds);
    nc_def_dim(nc, "eta_rho", M, &deta);
    nc_def_dim(nc, "xi_rho", L, &dxi);
    nc_def_dim(nc, "xi_u", L - 1, &dxiu);
    nc_def_dim(nc, "eta_v", M - 1, &detav);
    int vt, vs, vc, vhc, vvt, vz, vu, vv;
    nc_def_var(nc, "ocean_time", NC_DOUBLE, 1, &dt, &vt);
    nc_def_var(nc, "s_rho", NC_DOUBLE, 1, &ds, &vs);
    nc_def_var(nc, "Cs_r", NC_DOUBLE, 1, &ds, &vc);
    nc_def_var(nc, "hc", NC_DOUBLE, 0, nullptr, &vhc);
    nc_def_var(nc, "Vtransform", NC_INT, 0, nullptr, &vvt);
    const int dz3[3] = {dt, deta, dxi}, du[4] = {dt, ds, deta, dxiu}, dv[4] = {dt, ds, detav, dxi};
    nc_def_var(nc, "zeta", NC_DOUBLE, 3, dz3, &vz);
    nc_def_var(nc, "u", NC_SHORT, 4, du, &vu);
    nc_def_var(nc, "v", NC_SHORT, 4, dv, &vv);
    text(nc, vt, "units", "seconds since 2020-01-01 00:00:00");
    for (int w : {vu, vv}) {
      const double scale = 1e-4;
      const short fill = -32767;
      nc_put_att_double(nc, w, "scale_factor", NC_DOUBLE, 1, &scale);
      nc_put_att_short(nc, w, "_FillValue", NC_SHORT, 1, &fill);
      text(nc, w, "units", "meter second-1");
    }
    nc_enddef(nc);
    const double t[2] = {0.0, 86400.0};
    const int one = 1;
    nc_put_var_double(nc, vt, t);
    nc_put_var_double(nc, vs, s_rho);
    nc_put_var_double(nc, vc, cs_r);
    nc_put_var_double(nc, vhc, &hc);
    nc_put_var_int(nc, vvt, &one);
    std::vector<double> z(2 * M * L);
    for (int n = 0; n < 2; ++n)
      for (int c = 0; c < M * L; ++c) z[std::size_t(n * M * L + c)] = zeta_t[n];
    nc_put_var_double(nc, vz, z.data());
    std::vector<short> u(2 * N * M * (L - 1)), v(2 * N * (M - 1) * L);
    for (int n = 0; n < 2; ++n)
      for (int k = 0; k < N; ++k) {
        // Grid components of the east/north flow: along xi and along eta.
        const double uxi = east(k) * std::cos(theta) + north * std::sin(theta);
        const double veta = -east(k) * std::sin(theta) + north * std::cos(theta);
        for (int j = 0; j < M; ++j)
          for (int i = 0; i < L - 1; ++i)
            u[std::size_t(((n * N + k) * M + j) * (L - 1) + i)] =
                (j == M - 1 && i == L - 2) ? short(-32767) : short(std::lround(uxi / 1e-4));
        for (int j = 0; j < M - 1; ++j)
          for (int i = 0; i < L; ++i)
            v[std::size_t(((n * N + k) * (M - 1) + j) * L + i)] =
                (j == M - 2 && i == L - 1) ? short(-32767) : short(std::lround(veta / 1e-4));
      }
    nc_put_var_short(nc, vu, u.data());
    nc_put_var_short(nc, vv, v.data());
    nc_close(nc);
    (void)var;
  });
  const DomainBox box{-1000.0, 1000.0, 0.0, 2000.0};  // inside the rotated grid
  const auto data = read(resolve("{file: " + his + ", grid_file: " + grd + "}"), box);
  // Rho column (i = 3, j = 2): its position and depth.
  const int i = 3, j = 2;
  const double x = -3000.0 + i * d * std::cos(theta) - j * d * std::sin(theta);
  const double y = -3000.0 + i * d * std::sin(theta) + j * d * std::cos(theta);
  DataStencil st;
  ASSERT_TRUE(data->locate(x, y, st));
  double worst = 0.0;
  for (std::size_t n = 0; n < 2; ++n)
    for (int k = 0; k < N; ++k) {
      const double z0 = hc * s_rho[k] + (depth(i) - hc) * cs_r[k];
      const double z = z0 + zeta_t[n] * (1.0 + z0 / depth(i));
      worst = std::max({worst, std::abs(data->value(0, n, st, z) - east(k)), std::abs(data->value(1, n, st, z) - north)});
    }
  if (rank() == 0) std::printf("rotated ROMS grid: largest east/north error %.2e m/s\n", worst);
  EXPECT_LT(worst, 2e-4);
  // Level elevations of the column, and the depth mean over the column between its deepest and top levels.
  const std::size_t column = st.weight[0] > 0.5 ? st.column[0] : st.weight[1] > 0.5 ? st.column[1]
                             : st.weight[2] > 0.5 ? st.column[2] : st.column[3];
  const auto levels = data->column_levels(1, column);
  ASSERT_EQ(levels.size(), std::size_t(N));
  for (int k = 0; k < N; ++k) {
    const double z0 = hc * s_rho[k] + (depth(i) - hc) * cs_r[k];
    EXPECT_NEAR(levels[std::size_t(k)], z0 + zeta_t[1] * (1.0 + z0 / depth(i)), 1e-9);
  }
  EXPECT_NEAR(data->depth_mean(1, 0, st, -3000.0, 0.0), north, 2e-4);

  // Without the grid file the grid variables are missing: the error names the variable and the key.
  std::string e = input_error_text([&] { read(resolve("{file: " + his + "}"), box); });
  EXPECT_NE(e.find("ocean.data.grid_file"), std::string::npos) << e;
  EXPECT_NE(e.find("x_rho"), std::string::npos) << e;
  // A domain beyond the rotated grid is refused.
  e = input_error_text([&] { read(resolve("{file: " + his + ", grid_file: " + grd + "}"), DomainBox{20000, 21000, 0, 1000}); });
  EXPECT_NE(e.find("roms_his.nc"), std::string::npos) << e;
  remove_scratch_directory("coarse_data_test");
}
