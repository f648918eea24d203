// SPDX-License-Identifier: MIT
// Bathymetry from files, through the `bathymetry: {type: netcdf}` keys: the real Azores grid (GMT/COARDS,
// netCDF-4, x/y axes without units) against values read independently (h5py), and small files the tests
// write: GMT pixel registration, GMT's legacy layout, packed km elevations, NaN/_FillValue holes, GEBCO
// lat/lon/elevation in netCDF classic, depth variables, ASCII soundings, and a survey patch merged over a
// regional grid. Bad input names the key and the file. Runs on 1 and 2 ranks.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>

#include <netcdf.h>

#include "core/error.hpp"
#include "core/log.hpp"
#include "grid/bathymetry.hpp"
#include "grid/bathymetry_input.hpp"
#include "grid/field.hpp"
#include "support/test_files.hpp"

using namespace hadal;
using namespace hadal_test;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kEarthRadius = 6371000.0;

grid::GridSpec spec(double x0, double y0, double lx, double ly, int nx, int ny) {
  grid::GridSpec s;
  s.x0 = x0;
  s.y0 = y0;
  s.lx = lx;
  s.ly = ly;
  s.nx = nx;
  s.ny = ny;
  s.nz = 4;
  s.z_faces = grid::stretched_faces(-4000.0, 0.0, 4, 1.0);
  return s;
}

struct Built {
  std::unique_ptr<grid::SeabedShape> shape;
  std::vector<std::string> notes;
};

Built build(const std::string& yaml, const grid::GridSpec& s) {
  config::ObjectSpec root;
  grid::declare_bathymetry_schema(root);
  const auto resolved = config::validate(YAML::Load(yaml), root, "test.yaml");
  Built b;
  b.shape = grid::make_seabed_shape(resolved.root().child("bathymetry"), s);
  b.notes = b.shape->notes();
  return b;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

void text_attribute(int nc, int var, const char* name, const std::string& value) {
  nc_put_att_text(nc, var, name, value.size(), value.c_str());
}

/// A COARDS grid z(y, x) with 1-D axes x, y; `format` NC_NETCDF4 or NC_CLASSIC_MODEL.
struct GridFile {
  std::string path, xname = "x", yname = "y", zname = "z";
  std::vector<double> x, y;
  std::function<double(double, double)> z;
  std::string x_units, z_units, positive;
  int format = NC_NETCDF4;
  bool packed_short = false;   ///< store z as short with scale_factor / add_offset
  double scale = 1.0, offset = 0.0;
  int node_offset = -1;        ///< global node_offset attribute (-1: none)
  std::vector<std::pair<int, int>> nan_holes, fill_holes;  ///< (i, j) nodes without data

  void write() const {
    int nc, dx, dy, vx, vy, vz;
    ASSERT_EQ(nc_create(path.c_str(), NC_CLOBBER | format, &nc), NC_NOERR);
    nc_def_dim(nc, xname.c_str(), x.size(), &dx);
    nc_def_dim(nc, yname.c_str(), y.size(), &dy);
    nc_def_var(nc, xname.c_str(), NC_DOUBLE, 1, &dx, &vx);
    nc_def_var(nc, yname.c_str(), NC_DOUBLE, 1, &dy, &vy);
    const int dims[2] = {dy, dx};
    nc_def_var(nc, zname.c_str(), packed_short ? NC_SHORT : NC_FLOAT, 2, dims, &vz);
    if (!x_units.empty()) {
      text_attribute(nc, vx, "units", x_units);
      text_attribute(nc, vy, "units", x_units == "degrees_east" ? "degrees_north" : x_units);
    }
    if (!z_units.empty()) text_attribute(nc, vz, "units", z_units);
    if (!positive.empty()) text_attribute(nc, vz, "positive", positive);
    const short short_fill = -32767;
    const float float_fill = -99999.0f;
    if (packed_short) {
      nc_put_att_double(nc, vz, "scale_factor", NC_DOUBLE, 1, &scale);
      nc_put_att_double(nc, vz, "add_offset", NC_DOUBLE, 1, &offset);
      nc_put_att_short(nc, vz, "_FillValue", NC_SHORT, 1, &short_fill);
    } else {
      nc_put_att_float(nc, vz, "_FillValue", NC_FLOAT, 1, &float_fill);
    }
    if (node_offset >= 0) nc_put_att_int(nc, NC_GLOBAL, "node_offset", NC_INT, 1, &node_offset);
    nc_enddef(nc);
    nc_put_var_double(nc, vx, x.data());
    nc_put_var_double(nc, vy, y.data());
    std::vector<double> values(x.size() * y.size());
    for (std::size_t j = 0; j < y.size(); ++j)
      for (std::size_t i = 0; i < x.size(); ++i) values[j * x.size() + i] = z(x[i], y[j]);
    for (auto [i, j] : nan_holes) values[std::size_t(j) * x.size() + i] = std::nan("");
    if (packed_short) {
      std::vector<short> packed(values.size());
      for (std::size_t m = 0; m < values.size(); ++m)
        packed[m] = std::isnan(values[m]) ? short_fill : static_cast<short>(std::lround((values[m] - offset) / scale));
      for (auto [i, j] : fill_holes) packed[std::size_t(j) * x.size() + i] = short_fill;
      nc_put_var_short(nc, vz, packed.data());
    } else {
      std::vector<float> f(values.begin(), values.end());
      for (auto [i, j] : fill_holes) f[std::size_t(j) * x.size() + i] = float_fill;
      nc_put_var_float(nc, vz, f.data());
    }
    nc_close(nc);
  }
};

std::vector<double> axis(double first, double step, int n) {
  std::vector<double> a(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) a[static_cast<std::size_t>(i)] = first + step * i;
  return a;
}

double plane(double x, double y) { return -1500.0 - 0.05 * x + 0.02 * y; }

}  // namespace

TEST(Bathymetry, AzoresGridAroundLuckyStrike) {
  // The shipped cut of the GMT example grid: x/y axes without units (degrees), z elevation with NaN fill.
  const std::string file = std::string(HADAL_SOURCE_DIR) + "/data/bathymetry/azores_lucky_strike_1arcmin.nc";
  const double lon0 = -32.28333333333333, lat0 = 37.28333333333333;  // a node of the grid
  // Node spacing (1 arc-minute) in metres of the local projection.
  const double dlon = kEarthRadius * std::cos(lat0 * kPi / 180.0) * kPi / 180.0 / 60.0;
  const double dlat = kEarthRadius * kPi / 180.0 / 60.0;
  // A 3 x 3 model grid whose middle cell centre sits half a node east and north of the reference node:
  // its elevation is the mean of the four surrounding nodes (values read with h5py).
  const auto s = spec(0.5 * dlon - 150.0, 0.5 * dlat - 150.0, 300.0, 300.0, 3, 3);
  const std::string yaml = "bathymetry: {type: netcdf, file: " + file + ", coordinates: geographic, reference: [" +
                           strformat("%.15g, %.15g", lon0, lat0) + "]}";
  const auto b = build(yaml, s);
  const double expected = 0.25 * (-1739.838623046875 - 1721.39990234375 - 1713.3594970703125 - 1648.802490234375);
  EXPECT_NEAR(b.shape->elevation(0.5 * dlon, 0.5 * dlat), expected, 1e-9);
  // With coordinates: auto the unit-less x/y axes are taken as metres: the data then miss the site, and
  // the error names the file, both extents and the remedy.
  const std::string e = input_error_text([&] { build("bathymetry: {type: netcdf, file: " + file + "}", s); });
  EXPECT_NE(e.find("bathymetry.file"), std::string::npos) << e;
  EXPECT_NE(e.find("azores_lucky_strike_1arcmin.nc"), std::string::npos) << e;
  EXPECT_NE(e.find("coordinates: geographic"), std::string::npos) << e;
  if (rank() == 0) std::printf("%s", joined(b.notes).c_str());
}

TEST(Bathymetry, PixelRegistrationCoversHalfACellMore) {
  // Gridline vs pixel registration of the same node values: a pixel grid's data reach half a cell beyond
  // the outer nodes (constant there), a gridline grid's stop at them.
  const std::string dir = scratch_directory("bathymetry_test");
  const std::string gridline = dir + "/gridline.nc", pixel = dir + "/pixel.nc";
  on_rank0([&] {
    GridFile g;
    g.path = gridline;
    g.x = axis(0.0, 100.0, 11);
    g.y = axis(0.0, 100.0, 11);
    g.z = plane;
    g.write();
    g.path = pixel;
    g.node_offset = 1;
    g.write();
  });
  const auto s = spec(-40.0, 0.0, 1080.0, 1000.0, 27, 25);  // cell centres from -20 m to 1040 m in x
  const auto p = build("bathymetry: {type: netcdf, file: " + pixel + "}", s);
  EXPECT_NEAR(p.shape->elevation(-20.0, 500.0), plane(0.0, 500.0), 1e-3);     // held beyond the first node
  EXPECT_NEAR(p.shape->elevation(500.0, 500.0), plane(500.0, 500.0), 1e-3);   // bilinear = exact for a plane
  EXPECT_NE(joined(p.notes).find("pixel registration"), std::string::npos) << joined(p.notes);
  const std::string e = input_error_text([&] { build("bathymetry: {type: netcdf, file: " + gridline + "}", s); });
  EXPECT_NE(e.find("bathymetry.file"), std::string::npos) << e;
  EXPECT_NE(e.find("covers x 0..1000 m"), std::string::npos) << e;
}

TEST(Bathymetry, PackedKilometresWithHolesAreFilledHarmonically) {
  // Elevation in km, packed as shorts (scale 1e-4 km, offset -2 km), with NaN and fill-value holes inside.
  // A plane is harmonic, so the filled values must reproduce it up to the packing resolution (0.1 m).
  const std::string path = scratch_directory("bathymetry_test") + "/packed_km.nc";
  on_rank0([&] {
    GridFile g;
    g.path = path;
    g.x = axis(0.0, 100.0, 21);
    g.y = axis(0.0, 100.0, 21);
    g.z = [](double x, double y) { return plane(x, y) / 1000.0; };
    g.x_units = "m";
    g.z_units = "km";
    g.packed_short = true;
    g.scale = 1e-4;
    g.offset = -2.0;
    for (int i = 6; i <= 9; ++i)
      for (int j = 7; j <= 10; ++j) g.fill_holes.emplace_back(i, j);
    g.fill_holes.emplace_back(15, 3);
    g.write();
  });
  const auto s = spec(0.0, 0.0, 2000.0, 2000.0, 20, 20);
  const auto b = build("bathymetry: {type: netcdf, file: " + path + "}", s);
  double worst = 0.0;
  for (int j = 0; j < 20; ++j)
    for (int i = 0; i < 20; ++i) {
      const double x = 50.0 + 100.0 * i, y = 50.0 + 100.0 * j;
      worst = std::max(worst, std::abs(b.shape->elevation(x, y) - plane(x, y)));
    }
  if (rank() == 0) std::printf("packed km grid with 17 holes: max error %.3g m\n%s", worst, joined(b.notes).c_str());
  EXPECT_LT(worst, 0.06);  // packing step 0.1 m, bilinear of rounded values
  EXPECT_NE(joined(b.notes).find("17 of 441 nodes"), std::string::npos) << joined(b.notes);
  EXPECT_NE(joined(b.notes).find("km converted to m"), std::string::npos) << joined(b.notes);
}

TEST(Bathymetry, GebcoClassicDescendingLatitudeAndDepthVariables) {
  // GEBCO names (lat, lon, elevation) in a netCDF classic file with latitude stored north to south; then
  // the same relief as a `depth` variable, and as `z` with positive = "down": both must give elevations.
  const std::string dir = scratch_directory("bathymetry_test");
  const std::string gebco = dir + "/gebco.nc", depth = dir + "/depth.nc", down = dir + "/down.nc";
  const double lon0 = 140.0, lat0 = 27.0;
  const double mx = kEarthRadius * std::cos(lat0 * kPi / 180.0) * kPi / 180.0, my = kEarthRadius * kPi / 180.0;
  auto relief = [&](double lon, double lat) { return plane((lon - lon0) * mx, (lat - lat0) * my); };
  on_rank0([&] {
    GridFile g;
    g.path = gebco;
    g.xname = "lon";
    g.yname = "lat";
    g.zname = "elevation";
    g.x_units = "degrees_east";
    g.x = axis(139.9, 0.01, 21);
    g.y = axis(27.1, -0.01, 21);
    g.z = relief;
    g.format = NC_CLASSIC_MODEL;
    g.write();
    g.path = depth;
    g.zname = "depth";
    g.z = [&](double lon, double lat) { return -relief(lon, lat); };
    g.write();
    g.path = down;
    g.zname = "z";
    g.positive = "down";
    g.write();
  });
  const auto s = spec(-5000.0, -5000.0, 10000.0, 10000.0, 10, 10);
  for (const auto& file : {gebco, depth, down}) {
    const auto b = build("bathymetry: {type: netcdf, file: " + file + ", reference: [140, 27]}", s);
    double worst = 0.0;
    for (int j = 0; j < 10; ++j)
      for (int i = 0; i < 10; ++i) {
        const double x = -4500.0 + 1000.0 * i, y = -4500.0 + 1000.0 * j;
        worst = std::max(worst, std::abs(b.shape->elevation(x, y) - plane(x, y)));
      }
    EXPECT_LT(worst, 1e-3) << file;  // float storage of ~1500 m values
    if (file != gebco) EXPECT_NE(joined(b.notes).find("depth (positive down)"), std::string::npos) << joined(b.notes);
    else EXPECT_NE(joined(b.notes).find("netCDF classic"), std::string::npos) << joined(b.notes);
  }
  // A depth grid forced to be read as elevation is all land: refused, naming the remedy.
  const std::string e = input_error_text([&] {
    build("bathymetry: {type: netcdf, file: " + depth + ", reference: [140, 27], variable: depth}", s);
  });
  EXPECT_EQ(e, "");  // the name alone says depth
  const std::string land = scratch_directory("bathymetry_test") + "/land.nc";
  on_rank0([&] {
    GridFile g;
    g.path = land;
    g.x = axis(-100.0, 100.0, 12);
    g.y = axis(-100.0, 100.0, 12);
    g.z = [](double x, double y) { return 1500.0 + 0.01 * x + 0.01 * y; };  // depths, no name or attribute
    g.write();
  });
  const std::string f = input_error_text([&] { build("bathymetry: {type: netcdf, file: " + land + "}", spec(0, 0, 1000, 1000, 10, 10)); });
  EXPECT_NE(f.find("positive_down: true"), std::string::npos) << f;
  const auto fixed = build("bathymetry: {type: netcdf, file: " + land + ", positive_down: true}", spec(0, 0, 1000, 1000, 10, 10));
  EXPECT_NEAR(fixed.shape->elevation(550.0, 450.0), -1510.0, 1e-3);
}

TEST(Bathymetry, GmtLegacyLayoutWithNodeOffset) {
  // GMT's legacy layout (as GEBCO_08 was distributed): z(xysize) stored row by row from the north, with
  // x_range, y_range, dimension, spacing and node_offset = 1 (pixel registration).
  const std::string path = scratch_directory("bathymetry_test") + "/legacy.grd";
  const int nx = 12, ny = 10;
  const double x0 = 0.0, x1 = 1200.0, y0 = 0.0, y1 = 1000.0;  // outer edges: 100 m pixels
  on_rank0([&] {
    int nc, dside, dxy, dsize, vxr, vyr, vzr, vsp, vdim, vz;
    ASSERT_EQ(nc_create(path.c_str(), NC_CLOBBER, &nc), NC_NOERR);
    nc_def_dim(nc, "side", 2, &dside);
    nc_def_dim(nc, "xysize", nx * ny, &dsize);
    nc_def_dim(nc, "xy", 2, &dxy);
    nc_def_var(nc, "x_range", NC_DOUBLE, 1, &dside, &vxr);
    nc_def_var(nc, "y_range", NC_DOUBLE, 1, &dside, &vyr);
    nc_def_var(nc, "z_range", NC_DOUBLE, 1, &dside, &vzr);
    nc_def_var(nc, "spacing", NC_DOUBLE, 1, &dxy, &vsp);
    nc_def_var(nc, "dimension", NC_INT, 1, &dxy, &vdim);
    nc_def_var(nc, "z", NC_FLOAT, 1, &dsize, &vz);
    const int one = 1;
    nc_put_att_int(nc, vz, "node_offset", NC_INT, 1, &one);
    nc_enddef(nc);
    const double xr[2] = {x0, x1}, yr[2] = {y0, y1}, zr[2] = {-2000, -1000}, sp[2] = {100, 100};
    const int dim[2] = {nx, ny};
    nc_put_var_double(nc, vxr, xr);
    nc_put_var_double(nc, vyr, yr);
    nc_put_var_double(nc, vzr, zr);
    nc_put_var_double(nc, vsp, sp);
    nc_put_var_int(nc, vdim, dim);
    std::vector<float> z(nx * ny);
    for (int r = 0; r < ny; ++r)
      for (int i = 0; i < nx; ++i) z[std::size_t(r * nx + i)] = float(plane(50.0 + 100.0 * i, y1 - 50.0 - 100.0 * r));
    nc_put_var_float(nc, vz, z.data());
    nc_close(nc);
  });
  // The model covers the whole pixel area: its edge cells' centres lie within the outer half pixels.
  const auto b = build("bathymetry: {type: netcdf, file: " + path + "}", spec(0.0, 0.0, 1200.0, 1000.0, 24, 20));
  EXPECT_NEAR(b.shape->elevation(625.0, 375.0), plane(625.0, 375.0), 1e-3);
  EXPECT_NEAR(b.shape->elevation(25.0, 975.0), plane(50.0, 950.0), 1e-3);  // held over the outer half pixel
  EXPECT_NE(joined(b.notes).find("GMT legacy layout"), std::string::npos) << joined(b.notes);
}

TEST(Bathymetry, SoundingsAreGriddedAndGapsFilledHarmonically) {
  // Soundings of a plane at some cell centres: a ring around the domain, a ship track across it, and a
  // cell with two soundings (averaged). A plane is discretely harmonic, so the filled cells reproduce it.
  const std::string path = scratch_directory("bathymetry_test") + "/track.xyz";
  const int n = 16;
  const double d = 100.0;
  int with_data = 0;
  on_rank0([&] {
    std::ofstream out(path);
    out << "# survey export\nx y depth\n";
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        const bool ring = i == 0 || j == 0 || i == n - 1 || j == n - 1, track = i == j || i == 4;
        if (!ring && !track) continue;
        const double x = (i + 0.5) * d, y = (j + 0.5) * d;
        out << x << ", " << y << ", " << -plane(x, y) << "\n";
      }
    // Two soundings 10 m apart in one cell: their mean is the plane at their midpoint, the cell centre.
    out << 5.5 * d - 10 << " " << 9.5 * d << " " << -plane(5.5 * d - 10, 9.5 * d) << "\n";
    out << 5.5 * d + 10 << " " << 9.5 * d << " " << -plane(5.5 * d + 10, 9.5 * d) << "\n";
    out << "1e9 1e9 1500\n";  // far outside: ignored
  });
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) with_data += (i == 0 || j == 0 || i == n - 1 || j == n - 1 || i == j || i == 4) ? 1 : 0;
  ++with_data;
  const auto b = build("bathymetry: {type: netcdf, file: " + path + "}", spec(0.0, 0.0, n * d, n * d, n, n));
  double worst = 0.0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const double x = (i + 0.5) * d, y = (j + 0.5) * d;
      worst = std::max(worst, std::abs(b.shape->elevation(x, y) - plane(x, y)));
    }
  if (rank() == 0) std::printf("soundings: max error %.2e m\n%s", worst, joined(b.notes).c_str());
  EXPECT_LT(worst, 1e-6);
  const std::string fraction = strformat("%d of %d cells", with_data, n * n);
  EXPECT_NE(joined(b.notes).find(fraction), std::string::npos) << fraction << "\n" << joined(b.notes);
  EXPECT_NE(joined(b.notes).find("depth (positive down) (from the header)"), std::string::npos) << joined(b.notes);

  // No header and values of both signs: the sign must be stated.
  const std::string mixed = scratch_directory("bathymetry_test") + "/mixed.xyz";
  on_rank0([&] { std::ofstream(mixed) << "10 10 -5\n20 20 3\n"; });
  std::string e = input_error_text([&] { build("bathymetry: {type: netcdf, file: " + mixed + "}", spec(0, 0, 100, 100, 4, 4)); });
  EXPECT_NE(e.find("bathymetry.positive_down"), std::string::npos) << e;
  // A malformed line is reported with its line number.
  const std::string bad = scratch_directory("bathymetry_test") + "/bad.xyz";
  on_rank0([&] { std::ofstream(bad) << "lon lat depth\n-32.1 37.2 1700\n-32.1 37.2\n"; });
  e = input_error_text([&] { build("bathymetry: {type: netcdf, file: " + bad + "}", spec(0, 0, 100, 100, 4, 4)); });
  EXPECT_NE(e.find("bad.xyz:3"), std::string::npos) << e;
  // A missing file is named.
  e = input_error_text([&] { build("bathymetry: {type: netcdf, file: /no/such/bathymetry.nc}", spec(0, 0, 100, 100, 4, 4)); });
  EXPECT_NE(e.find("/no/such/bathymetry.nc"), std::string::npos) << e;
}

TEST(Bathymetry, SurveyPatchOverARegionalGrid) {
  // A regional plane with a local survey grid of a 60 m mound over the middle third: the patch wins where it
  // has data, the regional grid holds beyond blend_width, and in between the seabed changes continuously.
  const std::string dir = scratch_directory("bathymetry_test");
  const std::string regional = dir + "/regional.nc", survey = dir + "/survey.nc";
  auto mound = [](double x, double y) {
    return plane(x, y) + 60.0 * std::exp(-((x - 1500) * (x - 1500) + (y - 1500) * (y - 1500)) / (300.0 * 300.0));
  };
  on_rank0([&] {
    GridFile g;
    g.path = regional;
    g.x = axis(-500.0, 500.0, 9);
    g.y = axis(-500.0, 500.0, 9);
    g.z = plane;
    g.write();
    g.path = survey;
    g.x = axis(1000.0, 25.0, 41);
    g.y = axis(1000.0, 25.0, 41);
    g.z = mound;
    g.nan_holes = {{20, 20}};  // a hole in the survey: the regional grid shows through there
    g.write();
  });
  const auto s = spec(0.0, 0.0, 3000.0, 3000.0, 60, 60);
  const auto b = build("bathymetry: {type: netcdf, file: " + regional + ", patches: [{file: " + survey +
                           ", blend_width: 300 m}]}",
                       s);
  const auto& shape = *b.shape;
  EXPECT_NEAR(shape.elevation(1275.0, 1325.0), mound(1275.0, 1325.0), 0.3);  // inside: the survey (bilinear)
  EXPECT_NEAR(shape.elevation(2575.0, 1525.0), plane(2575.0, 1525.0), 1e-3);  // > 300 m beyond: regional
  EXPECT_NEAR(shape.elevation(425.0, 2825.0), plane(425.0, 2825.0), 1e-3);
  // From the last survey cell east of the mound (x = 1975 m) outwards the seabed changes by at most the
  // regional slope (2.5 m per 50 m cell) plus the fading of the 4.86 m survey - regional difference there
  // (smoothstep over 300 m: at most 1.5 * 4.86 * 50 / 300 = 1.22 m per cell); an abrupt edge steps 7.4 m.
  double largest_step = 0.0;
  for (double x = 1975.0; x < 2400.0; x += 50.0)
    largest_step = std::max(largest_step, std::abs(shape.elevation(x + 50.0, 1525.0) - shape.elevation(x, 1525.0)));
  EXPECT_LT(largest_step, 3.75);
  EXPECT_NE(joined(b.notes).find("survey.nc: covers"), std::string::npos) << joined(b.notes);
  if (rank() == 0) std::printf("%s", joined(b.notes).c_str());
  // A patch outside the domain is refused, naming the patch's key.
  const std::string e = input_error_text([&] {
    build("bathymetry: {type: netcdf, file: " + regional + ", patches: [{file: " + survey + "}]}",
          spec(2200.0, 200.0, 800.0, 800.0, 8, 8));
  });
  EXPECT_NE(e.find("bathymetry.patches[0].file"), std::string::npos) << e;
}

TEST(Bathymetry, HarmonicFillIsExactForLinearData) {
  // The filler on its own: a linear field with an interior hole region is reproduced to round-off; an
  // all-missing array is an input error.
  std::vector<double> v(30 * 20);
  for (int j = 0; j < 20; ++j)
    for (int i = 0; i < 30; ++i) v[std::size_t(j * 30 + i)] = 3.0 * i - 2.0 * j;
  auto expect = v;
  for (int j = 3; j < 17; ++j)
    for (int i = 5; i < 25; ++i) v[std::size_t(j * 30 + i)] = std::nan("");
  EXPECT_EQ(grid::fill_holes_harmonic(v, 30, 20, "test"), 280u);
  double worst = 0.0;
  for (std::size_t m = 0; m < v.size(); ++m) worst = std::max(worst, std::abs(v[m] - expect[m]));
  EXPECT_LT(worst, 1e-6);
  std::vector<double> empty(16, std::nan(""));
  EXPECT_THROW(grid::fill_holes_harmonic(empty, 4, 4, "test"), InputError);
}

TEST(Bathymetry, SameSeabedOnOneAndTwoRanks) {
  // The wet mask and elevations of a grid built from the Azores file: every rank computes its columns from
  // the same lattice, so the distributed result equals the serial one exactly.
  const std::string file = std::string(HADAL_SOURCE_DIR) + "/data/bathymetry/azores_lucky_strike_1arcmin.nc";
  auto s = spec(-4000.0, -4000.0, 8000.0, 8000.0, 16, 16);
  s.nz = 10;
  s.z_faces = grid::stretched_faces(-2400.0, -1400.0, 10, 1.0);
  const std::string yaml = "bathymetry: {type: netcdf, file: " + file + ", coordinates: geographic, reference: [-32.28, 37.29]}";
  const auto b = build(yaml, s);
  grid::StructuredGrid distributed(MPI_COMM_WORLD, s), serial(MPI_COMM_SELF, s);
  grid::Bathymetry a(distributed, *b.shape), c(serial, *b.shape);
  double diff = 0.0;
  int wet_diff = 0;
  for (int gj = distributed.owned().j_begin; gj < distributed.owned().j_end; ++gj)
    for (int gi = distributed.owned().i_begin; gi < distributed.owned().i_end; ++gi) {
      const int li = distributed.local_i(gi), lj = distributed.local_j(gj);
      diff = std::max(diff, std::abs(a.seabed(li, lj) - c.seabed(serial.local_i(gi), serial.local_j(gj))));
      wet_diff += a.first_wet_host(li, lj) != c.first_wet_host(serial.local_i(gi), serial.local_j(gj));
    }
  EXPECT_EQ(grid::global_max(MPI_COMM_WORLD, diff), 0.0);
  EXPECT_EQ(wet_diff, 0);
  EXPECT_FALSE(a.notes().empty());
  remove_scratch_directory("bathymetry_test");
}
