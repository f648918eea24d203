// SPDX-License-Identifier: MIT
#include "ocean/current_readers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "core/error.hpp"
#include "core/log.hpp"
#include "grid/bathymetry_input.hpp"
#include "numerics/geographic.hpp"

namespace hadal::ocean {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using io::lowercase;
using io::starts_with;

/// Scale to m/s from a velocity `units` attribute.
double velocity_scale(const std::string& units) {
  const std::string u = lowercase(units);
  if (starts_with(u, "cm") || starts_with(u, "centimet")) return 0.01;
  if (starts_with(u, "mm") || starts_with(u, "millimet")) return 0.001;
  return 1.0;
}

/// Longitude/latitude (or metres) of the file to model metres.
struct Frame {
  bool geographic = false;
  double metres_per_unit = 1.0;
  numerics::LocalProjection projection{0.0, 0.0};
  double x(double a) const { return geographic ? projection.x(a) : a * metres_per_unit; }
  double y(double b) const { return geographic ? projection.y(b) : b * metres_per_unit; }
};

Frame frame_for(const CoarseDataSpec& spec, bool looks_geographic, const std::string& x_units,
                const config::ConfigView& block) {
  Frame f;
  f.geographic = spec.coordinates == "geographic" || (spec.coordinates == "auto" && looks_geographic);
  if (f.geographic && !spec.has_reference)
    block.fail("reference", "the coordinates of " + spec.file + " are longitude/latitude: give reference: [lon, lat] "
                            "(degrees) of model x = y = 0 here or in bathymetry.reference");
  f.projection = numerics::LocalProjection(spec.reference_lon, spec.reference_lat);
  const std::string u = lowercase(x_units);
  if (!f.geographic && (u == "km" || starts_with(u, "kilomet"))) f.metres_per_unit = 1000.0;
  return f;
}

bool degrees(const io::NetcdfFile& file, const std::string& var) {
  const std::string units = lowercase(file.attribute(var, "units")), standard = lowercase(file.attribute(var, "standard_name"));
  const std::string name = lowercase(var);
  return starts_with(units, "degree") || standard == "longitude" || standard == "latitude" || name == "lon" ||
         name == "longitude" || name == "nav_lon" || name == "lon_rho";
}

/// Record times on the model clock, and the averaging period of mean records (from CF time bounds).
void model_times(const io::NetcdfFile& file, const std::string& tname, const CoarseDataSpec& spec,
                 const config::ConfigView& block, CoarseCurrents::Columns& out, std::vector<std::string>& notes) {
  const std::vector<double> t = file.read(tname);
  double seconds_per_unit = 1.0, epoch = 0.0;
  const std::string units = file.attribute(tname, "units");
  try {
    parse_cf_time_units(units, seconds_per_unit, epoch);
  } catch (const std::invalid_argument& e) {
    if (!spec.reference_time.empty())
      block.fail("reference_time", std::string("cannot relate the data times to reference_time: ") + e.what() +
                                       " (variable '" + tname + "' in " + spec.file + ")");
    const std::string u = lowercase(units);
    seconds_per_unit = starts_with(u, "day") ? 86400.0 : starts_with(u, "hour") ? 3600.0 : 1.0;
    epoch = 0.0;
    notes.push_back(spec.file + ": time units '" + units + "' name no date: model t = 0 is the first record");
  }
  double origin = epoch + t.front() * seconds_per_unit;
  if (!spec.reference_time.empty()) {
    try {
      origin = parse_iso_time(spec.reference_time);
    } catch (const std::invalid_argument& e) {
      block.fail("reference_time", e.what());
    }
  }
  out.times.clear();
  for (double value : t) out.times.push_back(epoch + value * seconds_per_unit - origin);
  for (std::size_t n = 1; n < out.times.size(); ++n)
    if (!(out.times[n] > out.times[n - 1]))
      block.fail("file", "times in '" + tname + "' of " + spec.file + " are not increasing");
  if (spec.averaging_period >= 0.0) {
    out.averaging_period = spec.averaging_period;
  } else {
    const std::string bounds = file.attribute(tname, "bounds");
    if (!bounds.empty() && file.has_variable(bounds)) {
      const auto b = file.read(bounds);
      if (b.size() == 2 * t.size()) {
        out.averaging_period = (b[1] - b[0]) * seconds_per_unit;
        notes.push_back(strformat("%s: records are means over %.6g s (time bounds '%s')", spec.file.c_str(),
                                  out.averaging_period, bounds.c_str()));
      }
    }
  }
}

/// The nodes of a [nj][ni] lattice of positions around the domain: the index box of every node within one
/// node spacing of the domain, plus one ring. Empty (i0 > i1) when no node is near.
struct Window {
  std::size_t i0 = 1, i1 = 0, j0 = 1, j1 = 0;
  bool empty() const { return i0 > i1 || j0 > j1; }
};

Window window_around(const std::vector<double>& px, const std::vector<double>& py, std::size_t ni, std::size_t nj,
                     const DomainBox& domain) {
  double spacing = 0.0;
  for (std::size_t j = 0; j < nj; ++j)
    for (std::size_t i = 0; i < ni; ++i) {
      const std::size_t m = j * ni + i;
      if (i + 1 < ni) spacing = std::max(spacing, std::hypot(px[m + 1] - px[m], py[m + 1] - py[m]));
      if (j + 1 < nj) spacing = std::max(spacing, std::hypot(px[m + ni] - px[m], py[m + ni] - py[m]));
    }
  Window w;
  w.i0 = ni;
  w.j0 = nj;
  w.i1 = 0;
  w.j1 = 0;
  bool any = false;
  for (std::size_t j = 0; j < nj; ++j)
    for (std::size_t i = 0; i < ni; ++i) {
      const std::size_t m = j * ni + i;
      if (px[m] < domain.x0 - spacing || px[m] > domain.x1 + spacing || py[m] < domain.y0 - spacing ||
          py[m] > domain.y1 + spacing || !std::isfinite(px[m]) || !std::isfinite(py[m]))
        continue;
      any = true;
      w.i0 = std::min(w.i0, i);
      w.i1 = std::max(w.i1, i);
      w.j0 = std::min(w.j0, j);
      w.j1 = std::max(w.j1, j);
    }
  if (!any) return Window{};
  w.i0 = w.i0 > 0 ? w.i0 - 1 : 0;
  w.j0 = w.j0 > 0 ? w.j0 - 1 : 0;
  w.i1 = std::min(w.i1 + 1, ni - 1);
  w.j1 = std::min(w.j1 + 1, nj - 1);
  return w;
}

std::string extent_text(const std::vector<double>& x, const std::vector<double>& y) {
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (std::size_t m = 0; m < x.size(); ++m) {
    if (!std::isfinite(x[m]) || !std::isfinite(y[m])) continue;
    x0 = std::min(x0, x[m]);
    x1 = std::max(x1, x[m]);
    y0 = std::min(y0, y[m]);
    y1 = std::max(y1, y[m]);
  }
  return strformat("x %.6g..%.6g m, y %.6g..%.6g m", x0, x1, y0, y1);
}

[[noreturn]] void not_covered(const config::ConfigView& block, const std::string& file, const std::vector<double>& x,
                              const std::vector<double>& y, const DomainBox& domain, const Frame& frame) {
  std::string hint;
  if (frame.geographic)
    hint = strformat(" (reference: [%.6g, %.6g] is model x = y = 0)", frame.projection.lon0(), frame.projection.lat0());
  block.fail("file", "the current data in " + file + " cover " + extent_text(x, y) + " in the model frame; the model " +
                         strformat("grid needs x %.6g..%.6g m, y %.6g..%.6g m", domain.x0, domain.x1, domain.y0, domain.y1) +
                         hint);
}

/// The role of one dimension of a velocity variable: 'T', 'Z', 'Y', 'X' or '?'.
char dimension_role(const io::NetcdfFile& file, const std::string& dim) {
  if (file.has_variable(dim)) {
    const std::string axis = lowercase(file.attribute(dim, "axis"));
    if (axis == "t" || axis == "z" || axis == "y" || axis == "x") return static_cast<char>(std::toupper(axis[0]));
    const std::string standard = lowercase(file.attribute(dim, "standard_name")), units = lowercase(file.attribute(dim, "units"));
    if (units.find(" since ") != std::string::npos || standard == "time") return 'T';
    if (standard == "depth" || !file.attribute(dim, "positive").empty()) return 'Z';
    if (standard == "latitude" || starts_with(units, "degrees_n") || starts_with(units, "degree_n")) return 'Y';
    if (standard == "longitude" || starts_with(units, "degrees_e") || starts_with(units, "degree_e")) return 'X';
  }
  const std::string name = lowercase(dim);
  for (const char* t : {"time", "t", "ocean_time", "mt", "time_counter"})
    if (name == t) return 'T';
  for (const char* z : {"depth", "z", "lev", "level", "deptht", "depthu", "depthv"})
    if (name == z) return 'Z';
  for (const char* y : {"lat", "latitude", "y", "nlat", "j"})
    if (name == y) return 'Y';
  for (const char* x : {"lon", "longitude", "x", "nlon", "i"})
    if (name == x) return 'X';
  return '?';
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string pick(const io::NetcdfFile& file, const std::string& given, const std::vector<std::string>& usual,
                 const std::string& standard_name, const std::string& key, bool required,
                 const config::ConfigView& block) {
  if (!given.empty()) {
    if (!file.has_variable(given)) block.fail(key, "variable '" + given + "' is not in " + file.path());
    return given;
  }
  for (const auto& name : usual)
    if (file.has_variable(name)) return name;
  if (!standard_name.empty())
    for (const auto& name : file.variable_names())
      if (lowercase(file.attribute(name, "standard_name")) == standard_name) return name;
  if (!required) return {};
  std::string names;
  for (const auto& name : usual) names += (names.empty() ? "" : ", ") + name;
  block.fail(key, "none of the variables " + names + (standard_name.empty() ? "" : " (or standard_name " + standard_name + ")") +
                      " is in " + file.path() + "; name it with " + block.path(key));
}

/// Column index of file column `i` in the kept window (runs ordered by position).
struct ColumnMap {
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  std::vector<std::size_t> order;  ///< file indices in window order
  std::size_t size() const { return order.size(); }
};

ColumnMap column_map(std::vector<std::pair<std::size_t, std::size_t>> runs) {
  ColumnMap m;
  m.runs = std::move(runs);
  for (const auto& [a, b] : m.runs)
    for (std::size_t i = a; i <= b; ++i) m.order.push_back(i);
  return m;
}

/// Reads variable `name` with dimensions [T?][Z?][Y][X] over all records and levels, the rows j0..j1 and
/// the column runs of `columns`, into [t][k][row][window column], scaled.
std::vector<double> read_window(const io::NetcdfFile& file, const std::string& name, bool has_t, bool has_z,
                                std::size_t nt, std::size_t nz, std::size_t j0, std::size_t nj, const ColumnMap& columns,
                                double scale) {
  const std::size_t ni = columns.size();
  std::vector<double> out(nt * nz * nj * ni, kNaN);
  std::size_t offset = 0;
  for (const auto& [a, b] : columns.runs) {
    const std::size_t run = b - a + 1;
    std::vector<std::size_t> start, count;
    if (has_t) start.push_back(0), count.push_back(nt);
    if (has_z) start.push_back(0), count.push_back(nz);
    start.push_back(j0);
    count.push_back(nj);
    start.push_back(a);
    count.push_back(run);
    const auto values = file.read(name, start, count);
    for (std::size_t n = 0; n < nt; ++n)
      for (std::size_t k = 0; k < nz; ++k)
        for (std::size_t j = 0; j < nj; ++j)
          for (std::size_t i = 0; i < run; ++i)
            out[((n * nz + k) * nj + j) * ni + offset + i] = values[((n * nz + k) * nj + j) * run + i] * scale;
    offset += run;
  }
  return out;
}

/// Puts levels in ascending elevation: reverses k in [t][k][column] data when the file lists them downwards.
void reverse_levels(std::vector<double>& data, std::size_t nt, std::size_t nz, std::size_t columns) {
  for (std::size_t n = 0; n < nt; ++n)
    for (std::size_t k = 0; k < nz / 2; ++k)
      for (std::size_t c = 0; c < columns; ++c)
        std::swap(data[(n * nz + k) * columns + c], data[(n * nz + nz - 1 - k) * columns + c]);
}

}  // namespace

bool is_roms_history(const io::NetcdfFile& file, const CoarseDataSpec& spec) {
  const std::string u = spec.u.empty() ? "u" : spec.u;
  if (file.has_variable(u)) {
    for (const auto& d : file.dimension_names(u))
      if (d == "s_rho") return true;
  }
  return file.has_variable("Cs_r") || file.has_variable("Cs_rho");
}

CoarseCurrents::Columns read_cf_currents(const io::NetcdfFile& file, const CoarseDataSpec& spec,
                                         const config::ConfigView& block, const DomainBox& domain,
                                         std::vector<std::string>& notes) {
  CoarseCurrents::Columns out;
  const std::string uname = pick(file, spec.u, {"water_u", "uo", "u", "eastward_sea_water_velocity"},
                                 "eastward_sea_water_velocity", "variables.u", true, block);
  const std::string vname = pick(file, spec.v, {"water_v", "vo", "v", "northward_sea_water_velocity"},
                                 "northward_sea_water_velocity", "variables.v", true, block);
  const std::string wname = pick(file, spec.w, {"water_w", "wo", "w"}, "upward_sea_water_velocity", "variables.w", false,
                                 block);
  const auto dims = file.dimension_names(uname);
  const auto shape = file.shape(uname);
  for (const auto& other : {vname, wname})
    if (!other.empty() && file.shape(other) != shape)
      block.fail(other == vname ? "variables.v" : "variables.w",
                 "variable '" + other + "' in " + spec.file + " does not have the shape of '" + uname + "'");
  // Roles of the dimensions: coordinate attributes, then names, then position (the last two are y, x).
  std::vector<char> roles;
  for (const auto& d : dims) roles.push_back(dimension_role(file, d));
  const std::size_t nd = dims.size();
  if (nd < 2 || nd > 4)
    block.fail("variables.u", strformat("variable '%s' in %s has %zu dimensions; expected 2 to 4 ([time,] [depth,] y, x)",
                                        uname.c_str(), spec.file.c_str(), nd));
  roles[nd - 1] = 'X';
  roles[nd - 2] = 'Y';
  if (nd == 4) roles[0] = 'T', roles[1] = 'Z';
  if (nd == 3 && roles[0] != 'Z') roles[0] = 'T';
  const bool has_t = roles[0] == 'T', has_z = nd == 4 || (nd == 3 && roles[0] == 'Z');
  const std::size_t nt = has_t ? shape[0] : 1, nz = has_z ? shape[has_t ? 1 : 0] : 1;
  const std::string ydim = dims[nd - 2], xdim = dims[nd - 1];

  // Horizontal positions: 1-D coordinate variables (rectilinear), or 2-D ones named in `coordinates`.
  std::string xname = spec.x.empty() ? xdim : spec.x, yname = spec.y.empty() ? ydim : spec.y;
  if (spec.x.empty() && spec.y.empty() && (!file.has_variable(xdim) || !file.has_variable(ydim))) {
    for (const auto& c : words(file.attribute(uname, "coordinates"))) {
      if (!file.has_variable(c) || file.shape(c).size() != 2) continue;
      const std::string standard = lowercase(file.attribute(c, "standard_name")), name = lowercase(c);
      if (standard == "longitude" || name.find("lon") != std::string::npos) xname = c;
      if (standard == "latitude" || name.find("lat") != std::string::npos) yname = c;
    }
  }
  for (const auto& [name, key] : {std::make_pair(xname, std::string("variables.x")), std::make_pair(yname, std::string("variables.y"))})
    if (!file.has_variable(name))
      block.fail(key, "no coordinate variable '" + name + "' for the horizontal dimensions of '" + uname + "' in " +
                          spec.file + "; name it with " + block.path(key));
  const Frame frame = frame_for(spec, degrees(file, xname), file.attribute(xname, "units"), block);
  const bool rectilinear = file.shape(xname).size() == 1 && file.shape(yname).size() == 1;
  const std::size_t file_nx = shape[nd - 1], file_ny = shape[nd - 2];
  ColumnMap columns;
  std::size_t j0 = 0, nj = 0;
  if (rectilinear) {
    const auto xs = file.read(xname), ys = file.read(yname);
    if (xs.size() != file_nx || ys.size() != file_ny)
      block.fail("file", "coordinate lengths do not match '" + uname + "' in " + spec.file);
    std::vector<double> px, py;
    for (double v : xs) px.push_back(frame.x(v));
    for (double v : ys) py.push_back(frame.y(v));
    const double sx = file_nx > 1 ? std::abs(px[1] - px[0]) : 0.0, sy = file_ny > 1 ? std::abs(py[1] - py[0]) : 0.0;
    auto xruns = grid::axis_runs(px, domain.x0 - 1.01 * sx, domain.x1 + 1.01 * sx);
    auto yruns = grid::axis_runs(py, domain.y0 - 1.01 * sy, domain.y1 + 1.01 * sy);
    std::vector<double> all_x, all_y;
    for (std::size_t j = 0; j < file_ny; ++j)
      for (std::size_t i = 0; i < file_nx; ++i) all_x.push_back(px[i]), all_y.push_back(py[j]);
    if (xruns.empty() || yruns.size() != 1 || xruns.size() > 2) not_covered(block, spec.file, all_x, all_y, domain, frame);
    columns = column_map(xruns);
    j0 = yruns.front().first;
    nj = yruns.front().second - j0 + 1;
    for (std::size_t j = 0; j < nj; ++j)
      for (std::size_t c = 0; c < columns.size(); ++c) {
        out.x.push_back(px[columns.order[c]]);
        out.y.push_back(py[j0 + j]);
      }
  } else {
    if (file.shape(xname) != std::vector<std::size_t>{file_ny, file_nx} || file.shape(yname) != file.shape(xname))
      block.fail("variables.x", "2-D coordinates '" + xname + "'/'" + yname + "' in " + spec.file + " do not match '" +
                                    uname + "'");
    const auto lon = file.read(xname), lat = file.read(yname);
    std::vector<double> px(lon.size()), py(lat.size());
    for (std::size_t m = 0; m < lon.size(); ++m) px[m] = frame.x(lon[m]), py[m] = frame.y(lat[m]);
    const Window w = window_around(px, py, file_nx, file_ny, domain);
    if (w.empty()) not_covered(block, spec.file, px, py, domain, frame);
    columns = column_map({{w.i0, w.i1}});
    j0 = w.j0;
    nj = w.j1 - w.j0 + 1;
    for (std::size_t j = w.j0; j <= w.j1; ++j)
      for (std::size_t i = w.i0; i <= w.i1; ++i) out.x.push_back(px[j * file_nx + i]), out.y.push_back(py[j * file_nx + i]);
  }
  out.ni = columns.size();
  out.nj = nj;
  out.nt = nt;
  out.nz = nz;

  // Levels: a depth coordinate (positive down unless it says up), a scalar depth coordinate of a
  // surface-only field, or the surface.
  std::vector<double> levels;
  std::string zname = spec.depth;
  if (zname.empty() && has_z) zname = dims[has_t ? 1 : 0];
  if (zname.empty())
    for (const auto& c : words(file.attribute(uname, "coordinates")))
      if (file.has_variable(c) && file.shape(c).empty() &&
          (lowercase(file.attribute(c, "standard_name")) == "depth" || !file.attribute(c, "positive").empty() ||
           lowercase(c) == "depth"))
        zname = c;
  if (!zname.empty() && file.has_variable(zname)) {
    const auto depth = file.read(zname);
    if (depth.size() != nz)
      block.fail("variables.depth", "depth coordinate '" + zname + "' in " + spec.file + " has " +
                                        std::to_string(depth.size()) + " values for " + std::to_string(nz) + " levels");
    const std::string positive = lowercase(file.attribute(zname, "positive"));
    const bool up = positive == "up" || (positive.empty() && *std::max_element(depth.begin(), depth.end()) <= 0.0);
    for (double d : depth) levels.push_back(std::isfinite(d) ? (up ? d : -d) : 0.0);
  } else if (has_z) {
    block.fail("variables.depth", "no depth coordinate for dimension '" + dims[has_t ? 1 : 0] + "' of '" + uname +
                                      "' in " + spec.file + "; name it with " + block.path("variables.depth"));
  } else {
    levels.push_back(0.0);
  }
  if (nz == 1)
    notes.push_back(strformat("%s: a single level at %.4g m: the current is taken as uniform in depth (no data below)",
                              spec.file.c_str(), levels[0]));

  // Velocities, scaled to m/s, on [t][k][column].
  const std::vector<std::string> names = {uname, vname, wname};
  std::vector<double>* targets[3] = {&out.u, &out.v, &out.w};
  for (int c = 0; c < 3; ++c) {
    if (names[c].empty()) continue;
    *targets[c] = read_window(file, names[c], has_t, has_z, nt, nz, j0, nj, columns,
                              velocity_scale(file.attribute(names[c], "units")));
  }
  if (nz > 1 && levels[1] < levels[0]) {
    std::reverse(levels.begin(), levels.end());
    for (auto* t : targets)
      if (!t->empty()) reverse_levels(*t, nt, nz, out.ni * out.nj);
  }
  out.z = levels;
  if (has_t) {
    const std::string tname = spec.time.empty() ? dims[0] : spec.time;
    if (!file.has_variable(tname))
      block.fail("variables.time", "no time coordinate '" + tname + "' in " + spec.file + "; name it with " +
                                       block.path("variables.time"));
    model_times(file, tname, spec, block, out, notes);
  } else {
    out.times = {0.0};
    out.timeless = true;
    notes.push_back(spec.file + ": no time dimension: one field for all times");
  }
  notes.push_back(strformat("%s (%s, CF): '%s', '%s'%s; %zu records, %zu level(s), %zu x %zu columns kept around the "
                            "domain, %s coordinates",
                            spec.file.c_str(), file.format().c_str(), uname.c_str(), vname.c_str(),
                            wname.empty() ? "" : (", '" + wname + "'").c_str(), nt, nz, out.ni, out.nj,
                            frame.geographic ? "lon/lat" : "projected"));
  return out;
}

CoarseCurrents::Columns read_roms_currents(const io::NetcdfFile& file, const CoarseDataSpec& spec,
                                           const config::ConfigView& block, const DomainBox& domain,
                                           std::vector<std::string>& notes) {
  std::unique_ptr<io::NetcdfFile> grid_file;
  if (!spec.grid_file.empty()) grid_file = std::make_unique<io::NetcdfFile>(spec.grid_file);
  // A grid variable from the history file, else from the grid file.
  auto source = [&](const std::string& name) -> const io::NetcdfFile* {
    if (file.has_variable(name)) return &file;
    if (grid_file && grid_file->has_variable(name)) return grid_file.get();
    return nullptr;
  };
  auto missing = [&](const std::string& what) {
    if (grid_file)
      block.fail("grid_file", "the ROMS/CROCO variable " + what + " is neither in " + spec.file + " nor in " + spec.grid_file);
    block.fail("grid_file", "the ROMS/CROCO variable " + what + " is not in " + spec.file +
                                "; name the model's grid file with " + block.path("grid_file"));
  };
  auto first_of = [&](const std::vector<std::string>& names, const std::string& what) -> std::string {
    for (const auto& n : names)
      if (source(n)) return n;
    missing(what);
    return {};  // not reached: missing() throws
  };
  const std::string uname = spec.u.empty() ? "u" : spec.u, vname = spec.v.empty() ? "v" : spec.v;
  for (const auto& [name, key] : {std::make_pair(uname, std::string("variables.u")), std::make_pair(vname, std::string("variables.v"))})
    if (!file.has_variable(name)) block.fail(key, "variable '" + name + "' is not in " + spec.file);
  const auto ushape = file.shape(uname), vshape = file.shape(vname);
  if (ushape.size() != 4 || vshape.size() != 4)
    block.fail("variables.u", "ROMS/CROCO velocities '" + uname + "', '" + vname + "' in " + spec.file +
                                  " must be (time, s_rho, eta, xi)");
  const std::size_t nt = ushape[0], nz = ushape[1];

  // Grid: rho points, curvilinear; lon/lat on spherical grids, x/y (m) otherwise.
  const bool spherical = source("lon_rho") != nullptr && spec.coordinates != "projected";
  const std::string xname = spherical ? "lon_rho" : first_of({"x_rho"}, "'x_rho' (or lon_rho)");
  const std::string yname = spherical ? "lat_rho" : first_of({"y_rho"}, "'y_rho' (or lat_rho)");
  if (!source(yname)) missing("'" + yname + "'");
  const auto rho_shape = source(xname)->shape(xname);
  if (rho_shape.size() != 2) block.fail("file", "'" + xname + "' is not 2-D in " + source(xname)->path());
  const std::size_t M = rho_shape[0], L = rho_shape[1];
  if (ushape[2] != M || ushape[3] + 1 != L || vshape[2] + 1 != M || vshape[3] != L)
    block.fail("variables.u", strformat("'%s' (%zu x %zu) and '%s' (%zu x %zu) in %s are not on the u and v points of "
                                        "the %zu x %zu rho grid",
                                        uname.c_str(), ushape[2], ushape[3], vname.c_str(), vshape[2], vshape[3],
                                        spec.file.c_str(), M, L));
  const Frame frame = frame_for(spec, spherical, "m", block);
  const auto lon = source(xname)->read(xname), lat = source(yname)->read(yname);
  std::vector<double> px(lon.size()), py(lat.size());
  for (std::size_t m = 0; m < lon.size(); ++m) px[m] = frame.x(lon[m]), py[m] = frame.y(lat[m]);
  const Window w = window_around(px, py, L, M, domain);
  if (w.empty()) not_covered(block, spec.file, px, py, domain, frame);
  const std::size_t ni = w.i1 - w.i0 + 1, nj = w.j1 - w.j0 + 1, columns = ni * nj;
  CoarseCurrents::Columns out;
  out.ni = ni;
  out.nj = nj;
  out.nz = nz;
  out.nt = nt;
  for (std::size_t j = w.j0; j <= w.j1; ++j)
    for (std::size_t i = w.i0; i <= w.i1; ++i) out.x.push_back(px[j * L + i]), out.y.push_back(py[j * L + i]);

  // 2-D grid fields on the window (optional ones default: angle 0, masks from mask_rho or all water).
  auto window2 = [&](const std::string& name, std::size_t j0, std::size_t nrows, std::size_t i0, std::size_t ncols) {
    const io::NetcdfFile* f = source(name);
    const auto shape = f->shape(name);
    std::vector<std::size_t> start(shape.size(), 0), count(shape.size(), 1);
    start[shape.size() - 2] = j0;
    start[shape.size() - 1] = i0;
    count[shape.size() - 2] = nrows;
    count[shape.size() - 1] = ncols;
    return f->read(name, start, count);
  };
  const std::string hname = first_of({"h"}, "'h' (bathymetry at rho points)");
  const auto h = window2(hname, w.j0, nj, w.i0, ni);
  std::vector<double> angle(columns, 0.0), mask(columns, 1.0);
  if (source("angle")) angle = window2("angle", w.j0, nj, w.i0, ni);
  else notes.push_back(spec.file + ": no 'angle': the grid's xi axis is taken as east");
  if (source("mask_rho")) mask = window2("mask_rho", w.j0, nj, w.i0, ni);
  // u points between rho columns i and i+1 (index i), v points between rows j and j+1.
  const std::size_t iu0 = w.i0 > 0 ? w.i0 - 1 : 0, iu1 = std::min(w.i1, L - 2);
  const std::size_t jv0 = w.j0 > 0 ? w.j0 - 1 : 0, jv1 = std::min(w.j1, M - 2);
  const std::size_t nu = iu1 - iu0 + 1, nv = jv1 - jv0 + 1;
  std::vector<double> mask_u(nj * nu, 1.0), mask_v(nv * ni, 1.0);
  if (source("mask_u")) mask_u = window2("mask_u", w.j0, nj, iu0, nu);
  else if (source("mask_rho")) {
    const auto m = window2("mask_rho", w.j0, nj, iu0, nu + 1);
    for (std::size_t j = 0; j < nj; ++j)
      for (std::size_t i = 0; i < nu; ++i) mask_u[j * nu + i] = m[j * (nu + 1) + i] * m[j * (nu + 1) + i + 1];
  }
  if (source("mask_v")) mask_v = window2("mask_v", jv0, nv, w.i0, ni);
  else if (source("mask_rho")) {
    const auto m = window2("mask_rho", jv0, nv + 1, w.i0, ni);
    for (std::size_t j = 0; j < nv; ++j)
      for (std::size_t i = 0; i < ni; ++i) mask_v[j * ni + i] = m[j * ni + i] * m[(j + 1) * ni + i];
  }

  // s-coordinate: s_rho, Cs_r, hc, Vtransform.
  const std::string sname = first_of({"s_rho"}, "'s_rho' (s-coordinate at rho points)");
  const std::string cname = first_of({"Cs_r", "Cs_rho"}, "'Cs_r' (s-coordinate stretching)");
  const auto s = source(sname)->read(sname), cs = source(cname)->read(cname);
  if (s.size() != nz || cs.size() != nz)
    block.fail("file", strformat("'%s' and '%s' in %s have %zu and %zu values for %zu s-levels of '%s'", sname.c_str(),
                                 cname.c_str(), spec.file.c_str(), s.size(), cs.size(), nz, uname.c_str()));
  double hc = 0.0;
  if (source("hc")) hc = source("hc")->read("hc").at(0);
  else if (!file.numeric_attribute("", "hc").empty()) hc = file.numeric_attribute("", "hc")[0];
  else missing("'hc' (critical depth)");
  int vtransform = 0;
  if (source("Vtransform")) vtransform = int(source("Vtransform")->read("Vtransform").at(0));
  else if (!file.numeric_attribute("", "Vtransform").empty()) vtransform = int(file.numeric_attribute("", "Vtransform")[0]);
  else if (file.attribute("", "Vtransform") == "2" || file.attribute("", "VertCoordType") == "NEW") vtransform = 2;
  else {
    vtransform = 1;
    notes.push_back(spec.file + ": no Vtransform: the original ROMS transform (1) is assumed");
  }
  if (vtransform != 1 && vtransform != 2)
    block.fail("file", strformat("Vtransform %d in %s: only 1 and 2 are defined", vtransform, spec.file.c_str()));

  // Times and free surface.
  const std::string tname = spec.time.empty() ? first_of({"ocean_time", "time", "scrum_time"}, "'ocean_time' (time)") : spec.time;
  model_times(*source(tname), tname, spec, block, out, notes);
  if (out.times.size() != nt) block.fail("variables.time", "'" + tname + "' does not have one value per record of '" + uname + "'");
  std::vector<double> zeta(nt * columns, 0.0);
  if (file.has_variable("zeta")) {
    const auto z = file.read("zeta", {0, w.j0, w.i0}, {nt, nj, ni});
    for (std::size_t m = 0; m < z.size(); ++m) zeta[m] = std::isfinite(z[m]) ? z[m] : 0.0;
  } else {
    notes.push_back(spec.file + ": no 'zeta': levels computed for a flat sea surface");
  }

  // Velocities: average the staggered u (v) of the two faces of each rho cell, wet faces only, rotate by
  // the grid angle to east/north; land columns stay empty (NaN) for the gap filling.
  const double uscale = velocity_scale(file.attribute(uname, "units")), vscale = velocity_scale(file.attribute(vname, "units"));
  const auto u = file.read(uname, {0, 0, w.j0, iu0}, {nt, nz, nj, nu});
  const auto v = file.read(vname, {0, 0, jv0, w.i0}, {nt, nz, nv, ni});
  out.u.assign(nt * nz * columns, kNaN);
  out.v.assign(nt * nz * columns, kNaN);
  out.per_column_levels = true;
  out.z.assign(nt * nz * columns, 0.0);
  for (std::size_t n = 0; n < nt; ++n)
    for (std::size_t k = 0; k < nz; ++k)
      for (std::size_t j = 0; j < nj; ++j)
        for (std::size_t i = 0; i < ni; ++i) {
          const std::size_t c = j * ni + i, gi = w.i0 + i, gj = w.j0 + j;
          const std::size_t m = (n * nz + k) * columns + c;
          out.z[m] = s_level_elevation(vtransform, s[k], cs[k], hc, h[c], zeta[n * columns + c]);
          if (mask[c] < 0.5) continue;
          double su = 0.0, sv = 0.0;
          int cu = 0, cv = 0;
          for (std::size_t face : {gi - 1, gi}) {  // u faces west (gi-1) and east (gi) of rho column gi
            if (face + 1 == 0 || face > L - 2 || face < iu0 || face > iu1) continue;
            const std::size_t fi = face - iu0;
            const double value = u[((n * nz + k) * nj + j) * nu + fi];
            if (mask_u[j * nu + fi] < 0.5 || !std::isfinite(value)) continue;
            su += value;
            ++cu;
          }
          for (std::size_t face : {gj - 1, gj}) {
            if (face + 1 == 0 || face > M - 2 || face < jv0 || face > jv1) continue;
            const std::size_t fj = face - jv0;
            const double value = v[((n * nz + k) * nv + fj) * ni + i];
            if (mask_v[fj * ni + i] < 0.5 || !std::isfinite(value)) continue;
            sv += value;
            ++cv;
          }
          if (cu == 0 || cv == 0) continue;
          const double a = su / cu * uscale, b = sv / cv * vscale;
          out.u[m] = a * std::cos(angle[c]) - b * std::sin(angle[c]);
          out.v[m] = a * std::sin(angle[c]) + b * std::cos(angle[c]);
        }
  notes.push_back(strformat("%s (%s, ROMS/CROCO history%s): '%s', '%s' on %zu s-levels (Vtransform %d, hc %.6g m), "
                            "%zu records, %zu x %zu rho columns kept around the domain, rotated to east/north",
                            spec.file.c_str(), file.format().c_str(),
                            grid_file ? (" + grid " + spec.grid_file).c_str() : "", uname.c_str(), vname.c_str(), nz,
                            vtransform, hc, nt, ni, nj));
  return out;
}

}  // namespace hadal::ocean
