// SPDX-License-Identifier: MIT
#include "grid/bathymetry_input.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/netcdf.hpp"
#include "numerics/constants.hpp"
#include "numerics/geographic.hpp"

namespace hadal::grid {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using io::lowercase;
using io::starts_with;

/// One source of a merged seabed: the base `file` or one of `patches`, with where to report problems.
struct Layer {
  const config::ConfigView* block = nullptr;
  std::string file;
  std::string variable;      ///< empty: the usual names
  int positive_down = -1;    ///< -1: from the file, 0: elevation, 1: depth
  std::string coordinates;   ///< auto | projected | geographic
  numerics::LocalProjection projection{0.0, 0.0};

  [[noreturn]] void fail(const std::string& message) const { block->fail("file", message); }
};

Layer layer_from(const config::ConfigView& item, const numerics::LocalProjection& projection) {
  Layer layer;
  layer.block = &item;
  layer.file = item.string("file");
  if (item.has("variable")) layer.variable = item.string("variable");
  if (item.has("positive_down")) layer.positive_down = item.boolean("positive_down") ? 1 : 0;
  layer.coordinates = item.string("coordinates");
  layer.projection = projection;
  return layer;
}

/// Scale from an elevation `units` attribute to metres (0 when the unit is not a length we know).
double length_scale(const std::string& units) {
  const std::string u = lowercase(units);
  if (u.empty() || u == "m" || starts_with(u, "meter") || starts_with(u, "metre")) return 1.0;
  if (u == "km" || starts_with(u, "kilometer") || starts_with(u, "kilometre")) return 1000.0;
  return 0.0;
}

/// Index of the interval of an ascending axis holding v (clamped to the first/last interval) and the
/// weight of the upper node.
void locate(const std::vector<double>& axis, double v, std::size_t& lo, double& weight) {
  if (axis.size() < 2) {
    lo = 0;
    weight = 0.0;
    return;
  }
  const auto it = std::upper_bound(axis.begin(), axis.end(), v);
  lo = static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(it - axis.begin() - 1, 0, std::ptrdiff_t(axis.size()) - 2));
  weight = std::clamp((v - axis[lo]) / (axis[lo + 1] - axis[lo]), 0.0, 1.0);
}

/// A NetCDF grid window in model metres: ascending axes, z[j][i] (NaN = hole), and how far the data
/// reach beyond the outer nodes (half a cell for pixel registration).
struct SourceGrid {
  std::vector<double> x, y, z;
  double margin_x = 0.0, margin_y = 0.0;
  std::size_t holes = 0;

  double& at(std::size_t i, std::size_t j) { return z[j * x.size() + i]; }
  /// Bilinear value at (px, py), NaN outside the data or next to a hole.
  double sample(double px, double py) const {
    const double tol = 1e-9 * (std::abs(px) + std::abs(py) + 1.0);
    if (px < x.front() - margin_x - tol || px > x.back() + margin_x + tol || py < y.front() - margin_y - tol ||
        py > y.back() + margin_y + tol)
      return kNaN;
    std::size_t i = 0, j = 0;
    double wx = 0.0, wy = 0.0;
    locate(x, px, i, wx);
    locate(y, py, j, wy);
    const std::size_t nx = x.size(), i1 = std::min(i + 1, nx - 1), j1 = std::min(j + 1, y.size() - 1);
    auto value = [&](std::size_t a, std::size_t b) { return z[b * nx + a]; };
    return (1 - wy) * ((1 - wx) * value(i, j) + wx * value(i1, j)) + wy * ((1 - wx) * value(i, j1) + wx * value(i1, j1));
  }
};

std::string extent_text(const std::vector<double>& a, double margin) {
  return strformat("%.6g..%.6g m", a.front() - margin, a.back() + margin);
}

/// Reads the window of a NetCDF grid that the lattice needs (plus two data nodes on each side), with
/// the format recognised from the file.
SourceGrid read_netcdf_grid(const Layer& layer, const ElevationLattice& lattice, bool fill, std::vector<std::string>& notes) {
  io::NetcdfFile file(layer.file);
  const std::string var = layer.variable.empty()
                              ? file.find_variable({"elevation", "z", "Band1", "topo", "depth", "bathymetry", "height",
                                                    "altitude"},
                                                   "bathymetry (name it with bathymetry.variable)")
                              : layer.variable;
  if (!file.has_variable(var)) layer.block->fail("variable", "variable '" + var + "' is not in " + layer.file);
  const auto dims = file.dimension_names(var);
  const auto shape = file.shape(var);
  // GMT's legacy layout: z(xysize) with x_range, y_range, dimension (and node_offset) describing the lattice.
  const bool legacy = dims.size() == 1 && file.has_variable("x_range") && file.has_variable("y_range") &&
                      file.has_variable("dimension");
  std::size_t leading = 0;  // leading singleton dimensions (e.g. time = 1) are skipped
  while (!legacy && dims.size() - leading > 2 && shape[leading] == 1) ++leading;
  if (!legacy && dims.size() - leading != 2)
    layer.block->fail("variable", strformat("variable '%s' in %s has %zu dimensions; expected 2 (y, x), or GMT's legacy "
                                            "z(xysize) with x_range, y_range and dimension",
                                            var.c_str(), layer.file.c_str(), dims.size()));

  // Node positions in file order, in the file's own units, and the registration.
  std::vector<double> xs, ys;
  bool pixel = false;
  std::string xname = "x", yname = "y";
  auto node_offset = [&](const std::string& v) {
    const auto a = file.numeric_attribute(v, "node_offset");
    return !a.empty() && a[0] == 1.0;
  };
  std::size_t file_nx = 0, file_ny = 0;
  if (legacy) {
    const auto xr = file.read("x_range"), yr = file.read("y_range"), dimension = file.read("dimension");
    if (xr.size() != 2 || yr.size() != 2 || dimension.size() != 2)
      layer.fail("GMT legacy grid " + layer.file + " has malformed x_range/y_range/dimension");
    file_nx = static_cast<std::size_t>(dimension[0]);
    file_ny = static_cast<std::size_t>(dimension[1]);
    if (file_nx * file_ny != shape[0] || file_nx < 2 || file_ny < 2)
      layer.fail(strformat("GMT legacy grid %s: dimension %zu x %zu does not match z (%zu values)", layer.file.c_str(),
                           file_nx, file_ny, shape[0]));
    pixel = node_offset(var) || node_offset("");
    // Gridline: nodes on the range limits; pixel: nodes at the centres of nx cells spanning the range.
    for (std::size_t i = 0; i < file_nx; ++i)
      xs.push_back(pixel ? xr[0] + (i + 0.5) * (xr[1] - xr[0]) / file_nx : xr[0] + i * (xr[1] - xr[0]) / (file_nx - 1));
    // Rows are stored from north to south.
    for (std::size_t r = 0; r < file_ny; ++r)
      ys.push_back(pixel ? yr[1] - (r + 0.5) * (yr[1] - yr[0]) / file_ny : yr[1] - r * (yr[1] - yr[0]) / (file_ny - 1));
  } else {
    xname = dims[leading + 1];
    yname = dims[leading];
    if (!file.has_variable(xname) || !file.has_variable(yname))
      layer.fail("grid variable '" + var + "' in " + layer.file + " has no coordinate variables for its dimensions '" +
                 yname + "' and '" + xname + "'");
    xs = file.read(xname);
    ys = file.read(yname);
    file_nx = xs.size();
    file_ny = ys.size();
    if (file_nx < 2 || file_ny < 2) layer.fail("grid " + layer.file + " needs at least 2 x 2 nodes");
    pixel = node_offset(var) || node_offset("");
    // GMT also writes the grid's outer edges as the axes' actual_range: edges half a cell beyond the
    // outer nodes mean pixel registration.
    const auto range = file.numeric_attribute(xname, "actual_range");
    const double step = (xs.back() - xs.front()) / double(file_nx - 1);
    if (range.size() == 2 && std::abs(std::min(range[0], range[1]) - (std::min(xs.front(), xs.back()) - 0.5 * std::abs(step))) <
                                 1e-6 * std::abs(step))
      pixel = true;
  }

  // Geographic or projected, and the model-metre positions.
  std::string mode = layer.coordinates;
  const std::string xunits = lowercase(file.attribute(xname, "units"));
  if (mode == "auto") {
    const std::string xstd = lowercase(file.attribute(xname, "standard_name"));
    const bool degrees = starts_with(xunits, "degree") || xstd == "longitude" || lowercase(xname) == "lon" ||
                         lowercase(xname) == "longitude";
    mode = degrees ? "geographic" : "projected";
  }
  const bool geographic = mode == "geographic";
  double axis_scale = 1.0;
  if (!geographic) {
    axis_scale = length_scale(xunits);
    if (axis_scale == 0.0) {
      if (starts_with(xunits, "degree"))
        layer.block->fail("coordinates", "the axes of " + layer.file + " are in " + xunits +
                                             ": use coordinates: geographic (or auto)");
      layer.fail("x axis '" + xname + "' of " + layer.file + " has units '" + xunits + "'; expected m or km");
    }
  }
  std::vector<double> px(xs.size()), py(ys.size());
  for (std::size_t i = 0; i < xs.size(); ++i) px[i] = geographic ? layer.projection.x(xs[i]) : xs[i] * axis_scale;
  for (std::size_t j = 0; j < ys.size(); ++j) py[j] = geographic ? layer.projection.y(ys[j]) : ys[j] * axis_scale;
  const double step_x = std::abs(px[1] - px[0]), step_y = std::abs(py[1] - py[0]);

  // The window: lattice extent plus two data nodes on each side.
  const double lo_x = lattice.x(0) - 2.01 * step_x, hi_x = lattice.x(lattice.ni - 1) + 2.01 * step_x;
  const double lo_y = lattice.y(0) - 2.01 * step_y, hi_y = lattice.y(lattice.nj - 1) + 2.01 * step_y;
  const auto xruns = axis_runs(px, lo_x, hi_x), yruns = axis_runs(py, lo_y, hi_y);
  const auto [pxmin, pxmax] = std::minmax_element(px.begin(), px.end());
  const auto [pymin, pymax] = std::minmax_element(py.begin(), py.end());
  const double mx = pixel ? 0.5 * step_x : 0.0, my = pixel ? 0.5 * step_y : 0.0;
  auto coverage_problem = [&]() {
    std::string hint;
    if (!geographic && std::abs(*pxmin) <= 360.0 && std::abs(*pxmax) <= 360.0 && std::abs(*pymin) <= 90.0 &&
        std::abs(*pymax) <= 90.0)
      hint = " (if the axes are longitude/latitude in degrees, set coordinates: geographic and reference: [lon, lat])";
    else if (geographic)
      hint = strformat(" (reference: [%.6g, %.6g] is model x = y = 0)", layer.projection.lon0(), layer.projection.lat0());
    return strformat("%s covers x %.6g..%.6g m, y %.6g..%.6g m in the model frame; the model grid needs x %.6g..%.6g m, "
                     "y %.6g..%.6g m",
                     layer.file.c_str(), *pxmin - mx, *pxmax + mx, *pymin - my, *pymax + my, lattice.x(1),
                     lattice.x(lattice.ni - 2), lattice.y(1), lattice.y(lattice.nj - 2)) +
           hint;
  };
  if (xruns.empty() || yruns.empty() || yruns.size() > 1 || xruns.size() > 2) layer.fail(coverage_problem());

  SourceGrid out;
  out.margin_x = mx;
  out.margin_y = my;
  // Output columns and rows in ascending position; column_of maps a file index to its output column.
  std::vector<std::size_t> columns, rows;
  for (const auto& [i0, i1] : xruns)
    for (std::size_t i = i0; i <= i1; ++i) columns.push_back(i);
  for (std::size_t j = yruns.front().first; j <= yruns.front().second; ++j) rows.push_back(j);
  std::sort(columns.begin(), columns.end(), [&](std::size_t a, std::size_t b) { return px[a] < px[b]; });
  std::sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) { return py[a] < py[b]; });
  std::vector<std::size_t> column_of(px.size(), 0);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    out.x.push_back(px[columns[c]]);
    column_of[columns[c]] = c;
  }
  for (std::size_t j : rows) out.y.push_back(py[j]);
  out.z.assign(out.x.size() * out.y.size(), kNaN);

  // Values of the window, one hyperslab per run and row, placed at their ascending positions.
  const std::string zunits = file.attribute(var, "units");
  const double zscale = length_scale(zunits);
  if (zscale == 0.0) layer.fail("variable '" + var + "' in " + layer.file + " has units '" + zunits + "'; expected m or km");
  for (const auto& [i0, i1] : xruns) {
    const std::size_t ni = i1 - i0 + 1;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::size_t j = rows[r];
      std::vector<double> values;
      if (legacy) {
        values = file.read(var, {j * file_nx + i0}, {ni});
      } else {
        std::vector<std::size_t> start(dims.size(), 0), count(dims.size(), 1);
        start[leading] = j;
        start[leading + 1] = i0;
        count[leading + 1] = ni;
        values = file.read(var, start, count);
      }
      for (std::size_t n = 0; n < ni; ++n) out.at(column_of[i0 + n], r) = values[n] * zscale;
    }
  }

  // Sign: depth when the variable says so (name, CF positive or standard_name) unless positive_down is given.
  const std::string positive = lowercase(file.attribute(var, "positive"));
  const std::string standard = lowercase(file.attribute(var, "standard_name"));
  const bool file_says_depth = lowercase(var) == "depth" || positive == "down" || standard.find("depth") != std::string::npos;
  const bool depth = layer.positive_down >= 0 ? layer.positive_down == 1 : file_says_depth;
  if (depth)
    for (auto& v : out.z) v = -v;

  for (double v : out.z) out.holes += std::isfinite(v) ? 0 : 1;
  std::string note = strformat("%s (%s, %s): variable '%s' read as %s%s%s, %s registration, window %zu x %zu nodes of %zu x "
                               "%zu, x %s, y %s",
                               layer.file.c_str(), file.format().c_str(), legacy ? "GMT legacy layout" : "CF/COARDS",
                               var.c_str(), depth ? "depth (positive down)" : "elevation (positive up)",
                               layer.positive_down >= 0 ? " (positive_down given)"
                                                        : (file_says_depth ? " (from the file's name/attributes)" : ""),
                               zscale != 1.0 ? ", km converted to m" : "", pixel ? "pixel" : "gridline", out.x.size(),
                               out.y.size(), file_nx, file_ny, extent_text(out.x, mx).c_str(), extent_text(out.y, my).c_str());
  if (geographic) note += strformat(", lon/lat around [%.6g, %.6g]", layer.projection.lon0(), layer.projection.lat0());
  notes.push_back(note);
  if (out.holes > 0 && fill) {
    fill_holes_harmonic(out.z, int(out.x.size()), int(out.y.size()), layer.file);
    notes.push_back(strformat("%s: %zu of %zu nodes in the window (%.3g %%) were missing (NaN or fill value) and were "
                              "filled by harmonic (Laplace) interpolation",
                              layer.file.c_str(), out.holes, out.z.size(), 100.0 * out.holes / out.z.size()));
  }
  if (depth == false && layer.positive_down < 0) {
    // A depth grid read as elevation would make every column land.
    bool any_wet = false;
    for (double v : out.z) any_wet = any_wet || (std::isfinite(v) && v < 0.0);
    if (!any_wet)
      layer.fail("every value of '" + var + "' in the region read from " + layer.file +
                 " is at or above sea level when read as elevation (positive up); if it holds depths (positive down), "
                 "set positive_down: true");
  }
  return out;
}

/// Scattered soundings in model metres (elevation, positive up).
struct Soundings {
  std::vector<double> x, y, z;
  std::size_t lines = 0;
};

bool parse_number(const std::string& token, double& value) {
  char* end = nullptr;
  value = std::strtod(token.c_str(), &end);
  return end != token.c_str() && *end == '\0';
}

std::vector<std::string> split_fields(const std::string& line) {
  std::string s = line;
  for (auto& c : s)
    if (c == ',' || c == ';' || c == '\t') c = ' ';
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

/// Reads `lon lat depth` / `x y z` lines. A header line (plain or after '#') naming the columns sets
/// their meaning: lon/longitude or x/easting, lat/latitude or y/northing, and depth (positive down) or
/// z/elevation/height (positive up). Without one: columns 1-3, the sign from positive_down or, when every
/// value has one sign, from that sign.
Soundings read_soundings(const Layer& layer, std::vector<std::string>& notes) {
  std::ifstream in(layer.file);
  if (!in) layer.fail("cannot open " + layer.file);
  int cx = 0, cy = 1, cz = 2;
  int header_down = -1;       // -1 no header
  std::string header_frame;   // "geographic" / "projected" from the header
  std::vector<double> a, b, c;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string text = line;
    const bool comment = !text.empty() && (text[0] == '#' || text[0] == '%' || text[0] == '>');
    if (comment) text = text.substr(1);
    const auto fields = split_fields(text);
    if (fields.empty()) continue;
    double value = 0.0;
    const bool numeric = parse_number(fields[0], value);
    if (!numeric) {
      if (header_down >= 0 || !a.empty()) {
        if (comment) continue;
        throw InputError(std::vector<Diagnostic>{{layer.file, int(number), 1, "",
                                                  "expected numbers (x y z), found '" + line + "'"}});
      }
      int fx = -1, fy = -1, fz = -1, down = -1;
      std::string frame;
      for (std::size_t n = 0; n < fields.size(); ++n) {
        const std::string f = lowercase(fields[n]);
        if (f == "lon" || f == "longitude" || f == "long") fx = int(n), frame = "geographic";
        else if (f == "lat" || f == "latitude") fy = int(n);
        else if (f == "x" || f == "easting") fx = int(n), frame = "projected";
        else if (f == "y" || f == "northing") fy = int(n);
        else if (f == "depth") fz = int(n), down = 1;
        else if (f == "z" || f == "elevation" || f == "elev" || f == "height" || f == "altitude" || f == "topo") fz = int(n), down = 0;
      }
      if (fx >= 0 && fy >= 0 && fz >= 0) {
        cx = fx;
        cy = fy;
        cz = fz;
        header_down = down;
        header_frame = frame;
      } else if (!comment) {
        throw InputError(std::vector<Diagnostic>{
            {layer.file, int(number), 1, "",
             "cannot read the header '" + line + "': name the columns lon lat depth, or x y z (or elevation)"}});
      }
      continue;
    }
    if (comment) continue;
    const int needed = std::max({cx, cy, cz}) + 1;
    double v[3];
    bool ok = int(fields.size()) >= needed;
    const int columns[3] = {cx, cy, cz};
    for (int m = 0; ok && m < 3; ++m) ok = parse_number(fields[std::size_t(columns[m])], v[m]);
    if (!ok)
      throw InputError(std::vector<Diagnostic>{{layer.file, int(number), 1, "",
                                                strformat("expected %d numbers (x y z), found '%s'", needed, line.c_str())}});
    if (!std::isfinite(v[0]) || !std::isfinite(v[1]) || !std::isfinite(v[2])) continue;
    a.push_back(v[0]);
    b.push_back(v[1]);
    c.push_back(v[2]);
  }
  if (c.empty()) layer.fail(layer.file + " holds no soundings (lines of x y z)");

  bool down = false;
  std::string sign_source;
  if (layer.positive_down >= 0) {
    down = layer.positive_down == 1;
    sign_source = "positive_down given";
  } else if (header_down >= 0) {
    down = header_down == 1;
    sign_source = "from the header";
  } else {
    const auto [lo, hi] = std::minmax_element(c.begin(), c.end());
    if (*lo >= 0.0) down = true;
    else if (*hi <= 0.0) down = false;
    else
      layer.block->fail("positive_down", layer.file + " has no header and its third column has both signs: say whether it "
                                                      "holds depths (positive_down: true) or elevations (false)");
    sign_source = "from the sign of the values";
  }
  std::string mode = layer.coordinates == "auto" ? (header_frame.empty() ? "projected" : header_frame) : layer.coordinates;
  Soundings s;
  s.lines = c.size();
  for (std::size_t n = 0; n < c.size(); ++n) {
    s.x.push_back(mode == "geographic" ? layer.projection.x(a[n]) : a[n]);
    s.y.push_back(mode == "geographic" ? layer.projection.y(b[n]) : b[n]);
    s.z.push_back(down ? -c[n] : c[n]);
  }
  notes.push_back(strformat("%s (ASCII soundings): %zu soundings, %s coordinates, %s (%s)", layer.file.c_str(), s.lines,
                            mode.c_str(), down ? "depth (positive down)" : "elevation (positive up)", sign_source.c_str()));
  return s;
}

/// Bins soundings onto the lattice: each node gets the mean of the soundings inside its cell.
ElevationLattice bin_soundings(const Soundings& s, const ElevationLattice& shape, std::size_t& inside) {
  ElevationLattice out = shape;
  std::vector<double> sum(out.z.size(), 0.0);
  std::vector<int> count(out.z.size(), 0);
  inside = 0;
  for (std::size_t n = 0; n < s.z.size(); ++n) {
    const long i = std::lround((s.x[n] - out.x0) / out.dx), j = std::lround((s.y[n] - out.y0) / out.dy);
    if (i < 0 || j < 0 || i >= out.ni || j >= out.nj) continue;
    const std::size_t m = std::size_t(j) * out.ni + std::size_t(i);
    sum[m] += s.z[n];
    ++count[m];
    if (i >= 1 && j >= 1 && i <= out.ni - 2 && j <= out.nj - 2) ++inside;
  }
  for (std::size_t m = 0; m < out.z.size(); ++m) out.z[m] = count[m] > 0 ? sum[m] / count[m] : kNaN;
  return out;
}

/// The source of one layer on the lattice, NaN where it has no data; the base fills its holes.
ElevationLattice layer_on_lattice(const Layer& layer, const ElevationLattice& shape, bool base,
                                  std::vector<std::string>& notes) {
  ElevationLattice out = shape;
  const int interior = (shape.ni - 2) * (shape.nj - 2);
  if (!io::NetcdfFile::looks_like_netcdf(layer.file)) {
    if (!std::ifstream(layer.file)) layer.fail("cannot open " + layer.file + ": no such file");
    const Soundings s = read_soundings(layer, notes);
    std::size_t inside = 0;
    out = bin_soundings(s, shape, inside);
    int covered = 0;
    for (int j = 1; j < out.nj - 1; ++j)
      for (int i = 1; i < out.ni - 1; ++i) covered += std::isfinite(out.at(i, j)) ? 1 : 0;
    if (inside == 0)
      layer.fail(strformat("none of the %zu soundings of %s lies in the model domain x %.6g..%.6g m, y %.6g..%.6g m",
                           s.lines, layer.file.c_str(), shape.x(1) - 0.5 * shape.dx, shape.x(shape.ni - 2) + 0.5 * shape.dx,
                           shape.y(1) - 0.5 * shape.dy, shape.y(shape.nj - 2) + 0.5 * shape.dy));
    std::string note = strformat("%s: %zu soundings in the domain, averaged per model cell: %d of %d cells (%.3g %%) hold "
                                 "soundings",
                                 layer.file.c_str(), inside, covered, interior, 100.0 * covered / interior);
    if (base) {
      fill_holes_harmonic(out.z, out.ni, out.nj, layer.file);
      note += strformat("; the other %.3g %% were filled by harmonic (Laplace) interpolation between them",
                        100.0 * (interior - covered) / interior);
    }
    notes.push_back(note);
    return out;
  }
  const SourceGrid source = read_netcdf_grid(layer, shape, base, notes);
  int covered = 0;
  for (int j = 0; j < out.nj; ++j)
    for (int i = 0; i < out.ni; ++i) {
      // The outer ring may reach beyond the data: it takes the nearest data (constant extrapolation).
      const bool ring = i == 0 || j == 0 || i == out.ni - 1 || j == out.nj - 1;
      double px = out.x(i), py = out.y(j);
      if (ring && base) {
        px = std::clamp(px, source.x.front() - source.margin_x, source.x.back() + source.margin_x);
        py = std::clamp(py, source.y.front() - source.margin_y, source.y.back() + source.margin_y);
      }
      out.at(i, j) = source.sample(px, py);
      if (!ring && std::isfinite(out.at(i, j))) ++covered;
    }
  if (base && covered < interior) {
    std::string problem = strformat("%s covers x %s, y %s in the model frame; the model grid needs cell centres x %.6g..%.6g "
                                    "m, y %.6g..%.6g m",
                                    layer.file.c_str(), extent_text(source.x, source.margin_x).c_str(),
                                    extent_text(source.y, source.margin_y).c_str(), shape.x(1), shape.x(shape.ni - 2),
                                    shape.y(1), shape.y(shape.nj - 2));
    layer.fail(problem);
  }
  if (!base) {
    if (covered == 0) layer.fail(layer.file + " holds no data inside the model domain");
    notes.push_back(strformat("%s: covers %d of %d model cells (%.3g %%)", layer.file.c_str(), covered, interior,
                              100.0 * covered / interior));
  }
  return out;
}

double smoothstep(double s) {
  s = std::clamp(s, 0.0, 1.0);
  return s * s * (3.0 - 2.0 * s);
}

/// Puts `patch` (NaN where it has no data) over `merged`: patch values where it has data; beyond, the
/// difference patch - merged at the nearest patch node, faded by a smoothstep to zero at `width`.
void blend_patch(ElevationLattice& merged, const ElevationLattice& patch, double width) {
  const int ni = merged.ni, nj = merged.nj;
  std::vector<double> distance(merged.z.size(), std::numeric_limits<double>::infinity()), offset(merged.z.size(), 0.0);
  const int ri = int(std::ceil(width / merged.dx)), rj = int(std::ceil(width / merged.dy));
  auto has = [&](int i, int j) { return i >= 0 && j >= 0 && i < ni && j < nj && std::isfinite(patch.at(i, j)); };
  for (int j = 0; j < nj; ++j)
    for (int i = 0; i < ni; ++i) {
      if (!has(i, j)) continue;
      bool edge = false;  // a patch node next to a node without patch data (8-neighbourhood)
      for (int b = -1; b <= 1 && !edge; ++b)
        for (int a = -1; a <= 1 && !edge; ++a) edge = !has(i + a, j + b) && i + a >= 0 && j + b >= 0 && i + a < ni && j + b < nj;
      if (!edge) continue;
      const double d = patch.at(i, j) - merged.at(i, j);
      for (int b = std::max(0, j - rj); b <= std::min(nj - 1, j + rj); ++b)
        for (int a = std::max(0, i - ri); a <= std::min(ni - 1, i + ri); ++a) {
          if (has(a, b)) continue;
          const double r = std::hypot((a - i) * merged.dx, (b - j) * merged.dy);
          const std::size_t m = std::size_t(b) * ni + std::size_t(a);
          if (r < distance[m]) {
            distance[m] = r;
            offset[m] = d;
          }
        }
    }
  for (int j = 0; j < nj; ++j)
    for (int i = 0; i < ni; ++i) {
      const std::size_t m = std::size_t(j) * ni + std::size_t(i);
      if (has(i, j)) merged.z[m] = patch.z[m];
      else if (distance[m] < width) merged.z[m] += (1.0 - smoothstep(distance[m] / width)) * offset[m];
    }
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> axis_runs(const std::vector<double>& p, double lo, double hi) {
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  for (std::size_t n = 0; n < p.size(); ++n) {
    if (p[n] < lo || p[n] > hi) continue;
    if (!runs.empty() && runs.back().second + 1 == n) {
      runs.back().second = n;
    } else {
      runs.emplace_back(n, n);
    }
  }
  std::sort(runs.begin(), runs.end(), [&](const auto& a, const auto& b) { return p[a.first] < p[b.first]; });
  return runs;
}

ElevationLattice ElevationLattice::for_grid(const GridSpec& spec) {
  ElevationLattice l;
  // Spaced like the columns; for refined ones like the narrowest, so the seabed keeps its detail there.
  auto narrowest = [](const std::vector<double>& faces, double uniform) {
    double d = uniform;
    for (std::size_t i = 1; i < faces.size(); ++i) d = std::min(d, faces[i] - faces[i - 1]);
    return d;
  };
  l.dx = narrowest(spec.x_faces, spec.lx / spec.nx);
  l.dy = narrowest(spec.y_faces, spec.ly / spec.ny);
  l.x0 = spec.x0 - 0.5 * l.dx;
  l.y0 = spec.y0 - 0.5 * l.dy;
  l.ni = spec.x_faces.empty() ? spec.nx + 2 : static_cast<int>(std::ceil(spec.lx / l.dx - 1e-9)) + 2;
  l.nj = spec.y_faces.empty() ? spec.ny + 2 : static_cast<int>(std::ceil(spec.ly / l.dy - 1e-9)) + 2;
  l.z.assign(std::size_t(l.ni) * std::size_t(l.nj), kNaN);
  return l;
}

double ElevationLattice::interpolate(double px, double py) const {
  const double fx = std::clamp((px - x0) / dx, 0.0, double(ni - 1)), fy = std::clamp((py - y0) / dy, 0.0, double(nj - 1));
  const int i = std::min(int(fx), ni - 2), j = std::min(int(fy), nj - 2);
  const double wx = fx - i, wy = fy - j;
  return (1 - wy) * ((1 - wx) * at(i, j) + wx * at(i + 1, j)) + wy * ((1 - wx) * at(i, j + 1) + wx * at(i + 1, j + 1));
}

std::size_t fill_holes_harmonic(std::vector<double>& values, int nx, int ny, const std::string& what) {
  std::vector<std::size_t> holes;
  double sum = 0.0, lo = std::numeric_limits<double>::max(), hi = -lo;
  std::size_t known = 0;
  for (std::size_t m = 0; m < values.size(); ++m) {
    if (std::isfinite(values[m])) {
      sum += values[m];
      lo = std::min(lo, values[m]);
      hi = std::max(hi, values[m]);
      ++known;
    } else {
      holes.push_back(m);
    }
  }
  if (holes.empty()) return 0;
  if (known == 0) throw InputError(std::vector<Diagnostic>{{what, 0, 0, "", "holds no valid value in the region needed"}});
  for (auto m : holes) values[m] = sum / double(known);
  // SOR on the holes only; the over-relaxation factor of the Poisson problem on the whole array.
  const double omega = 2.0 / (1.0 + std::sin(numerics::kPi / (std::max(nx, ny) + 1.0)));
  const double tolerance = 1e-12 * std::max(1.0, hi - lo);
  for (int sweep = 0; sweep < 200000; ++sweep) {
    double change = 0.0;
    for (auto m : holes) {
      const int i = int(m % std::size_t(nx)), j = int(m / std::size_t(nx));
      double s = 0.0;
      int n = 0;
      if (i > 0) s += values[m - 1], ++n;
      if (i + 1 < nx) s += values[m + 1], ++n;
      if (j > 0) s += values[m - std::size_t(nx)], ++n;
      if (j + 1 < ny) s += values[m + std::size_t(nx)], ++n;
      const double update = omega * (s / n - values[m]);
      values[m] += update;
      change = std::max(change, std::abs(update));
    }
    if (change < tolerance) break;
  }
  return holes.size();
}

ElevationLattice seabed_from_files(const config::ConfigView& block, const GridSpec& spec, std::vector<std::string>& notes) {
  const auto reference = block.reals("reference");
  const numerics::LocalProjection projection(reference[0], reference[1]);
  const ElevationLattice shape = ElevationLattice::for_grid(spec);
  ElevationLattice merged = layer_on_lattice(layer_from(block, projection), shape, true, notes);
  if (block.has("patches")) {
    for (const auto& item : block.children("patches")) {
      const ElevationLattice patch = layer_on_lattice(layer_from(item, projection), shape, false, notes);
      const double width = item.has("blend_width") ? item.real("blend_width") : 4.0 * std::max(shape.dx, shape.dy);
      blend_patch(merged, patch, width);
      notes.push_back(strformat("%s: over the sources before it, blended over %.6g m beyond its data",
                                item.string("file").c_str(), width));
    }
  }
  return merged;
}

}  // namespace hadal::grid
