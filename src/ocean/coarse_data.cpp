// SPDX-License-Identifier: MIT
#include "ocean/coarse_data.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/netcdf.hpp"
#include "numerics/geographic.hpp"

namespace hadal::ocean {

namespace {

long days_from_civil(long y, unsigned m, unsigned d) {
  // Howard Hinnant's algorithm: days since 1970-01-01 in the proleptic Gregorian calendar.
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Scale to m/s from a velocity `units` attribute.
double velocity_scale(const std::string& units) {
  const std::string u = lower(units);
  if (u.find("cm") == 0) return 0.01;
  if (u.find("mm") == 0) return 0.001;
  return 1.0;
}

/// Index i and weight of x in an ascending axis (clamped).
void locate(const std::vector<double>& axis, double x, std::size_t& i, double& w) {
  if (axis.size() == 1 || x <= axis.front()) {
    i = 0;
    w = 0.0;
    return;
  }
  if (x >= axis.back()) {
    i = axis.size() - 2;
    w = 1.0;
    return;
  }
  i = static_cast<std::size_t>(std::upper_bound(axis.begin(), axis.end(), x) - axis.begin()) - 1;
  w = (x - axis[i]) / (axis[i + 1] - axis[i]);
}

}  // namespace

double parse_iso_time(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
  double second = 0.0;
  std::string s = text;
  for (auto& c : s)
    if (c == 'T' || c == 'Z' || c == 't' || c == 'z') c = ' ';
  const int n = std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%lf", &year, &month, &day, &hour, &minute, &second);
  if (n < 3 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 24 || minute < 0 || minute > 59)
    throw std::invalid_argument("'" + text + "' is not a date (expected YYYY-MM-DD[Thh:mm:ss])");
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400.0 + hour * 3600.0 +
         minute * 60.0 + second;
}

void parse_cf_time_units(const std::string& units, double& seconds_per_unit, double& epoch) {
  const std::string u = lower(units);
  const auto pos = u.find(" since ");
  if (pos == std::string::npos) throw std::invalid_argument("time units '" + units + "' are not '<unit> since <date>'");
  const std::string unit = u.substr(0, pos);
  if (unit == "seconds" || unit == "second" || unit == "s" || unit == "sec") seconds_per_unit = 1.0;
  else if (unit == "minutes" || unit == "minute" || unit == "min") seconds_per_unit = 60.0;
  else if (unit == "hours" || unit == "hour" || unit == "h" || unit == "hr") seconds_per_unit = 3600.0;
  else if (unit == "days" || unit == "day" || unit == "d") seconds_per_unit = 86400.0;
  else throw std::invalid_argument("time unit '" + unit + "' in '" + units + "' is not seconds/minutes/hours/days");
  epoch = parse_iso_time(units.substr(pos + 7));
}

CoarseCurrents::CoarseCurrents(const CoarseDataSpec& spec, const config::ConfigView& block) : path_(spec.file) {
  io::NetcdfFile file(spec.file);
  auto pick = [&](const std::string& given, const std::vector<std::string>& usual, const std::string& key,
                  bool required) -> std::string {
    if (!given.empty()) {
      if (!file.has_variable(given))
        block.fail(key, "variable '" + given + "' is not in " + spec.file);
      return given;
    }
    for (const auto& name : usual)
      if (file.has_variable(name)) return name;
    if (!required) return {};
    std::string names;
    for (const auto& name : usual) names += (names.empty() ? "" : ", ") + name;
    block.fail(key, "none of the variables " + names + " is in " + spec.file + "; name it with " + block.path(key));
  };
  const std::string uname = pick(spec.u, {"water_u", "uo", "u", "eastward_sea_water_velocity"}, "variables.u", true);
  const std::string vname = pick(spec.v, {"water_v", "vo", "v", "northward_sea_water_velocity"}, "variables.v", true);
  const std::string wname = pick(spec.w, {"water_w", "wo", "w"}, "variables.w", false);
  has_w_ = !wname.empty();
  const auto dims = file.dimension_names(uname);
  if (dims.size() != 4)
    block.fail("variables.u", "variable '" + uname + "' in " + spec.file + " has " + std::to_string(dims.size()) +
                                  " dimensions; expected 4 (time, depth, y/lat, x/lon)");
  const auto shape = file.shape(uname);
  for (const auto& other : {vname, wname}) {
    if (!other.empty() && file.shape(other) != shape)
      block.fail(other == vname ? "variables.v" : "variables.w",
                 "variable '" + other + "' in " + spec.file + " does not have the shape of '" + uname + "'");
  }
  const std::string tname = pick(spec.time.empty() ? dims[0] : spec.time, {}, "variables.time", true);
  const std::string zname = pick(spec.depth.empty() ? dims[1] : spec.depth, {}, "variables.depth", true);
  const std::string yname = pick(spec.y.empty() ? dims[2] : spec.y, {}, "variables.y", true);
  const std::string xname = pick(spec.x.empty() ? dims[3] : spec.x, {}, "variables.x", true);
  const std::size_t nt = shape[0], nz = shape[1], ny = shape[2], nx = shape[3];

  // Times on the model clock.
  std::vector<double> t = file.read(tname);
  double seconds_per_unit = 1.0, epoch = 0.0;
  const std::string tunits = file.attribute(tname, "units");
  try {
    parse_cf_time_units(tunits, seconds_per_unit, epoch);
  } catch (const std::invalid_argument& e) {
    if (!spec.reference_time.empty())
      block.fail("reference_time", std::string("cannot relate the data times to reference_time: ") + e.what() +
                                       " (variable '" + tname + "' in " + spec.file + ")");
    seconds_per_unit = 1.0;  // plain seconds on an arbitrary origin; t = 0 is the first record
    epoch = 0.0;
  }
  double origin = epoch + t.front() * seconds_per_unit;
  if (!spec.reference_time.empty()) {
    try {
      origin = parse_iso_time(spec.reference_time);
    } catch (const std::invalid_argument& e) {
      block.fail("reference_time", e.what());
    }
  }
  for (double value : t) times_.push_back(epoch + value * seconds_per_unit - origin);
  for (std::size_t n = 1; n < times_.size(); ++n)
    if (!(times_[n] > times_[n - 1])) block.fail("file", "times in '" + tname + "' of " + spec.file + " are not increasing");

  // Horizontal axes in model metres.
  x_ = file.read(xname);
  y_ = file.read(yname);
  if (x_.size() != nx || y_.size() != ny) block.fail("file", "coordinate lengths do not match '" + uname + "' in " + spec.file);
  if (spec.geographic) {
    const numerics::LocalProjection projection(spec.reference_lon, spec.reference_lat);
    for (auto& v : x_) v = projection.x(v);
    for (auto& v : y_) v = projection.y(v);
  }
  // Depth axis to elevation: depth positive down unless the attribute says "up" (or all values <= 0).
  std::vector<double> depth = file.read(zname);
  const std::string positive = lower(file.attribute(zname, "positive"));
  bool up = positive == "up";
  if (positive.empty()) up = *std::max_element(depth.begin(), depth.end()) <= 0.0;
  z_.resize(nz);
  for (std::size_t k = 0; k < nz; ++k) z_[k] = up ? depth[k] : -depth[k];

  // Read components, convert units, then reorder every axis ascending.
  const std::vector<std::string> names = {uname, vname, wname};
  const bool flip_x = nx > 1 && x_[1] < x_[0], flip_y = ny > 1 && y_[1] < y_[0], flip_z = nz > 1 && z_[1] < z_[0];
  if (flip_x) std::reverse(x_.begin(), x_.end());
  if (flip_y) std::reverse(y_.begin(), y_.end());
  if (flip_z) std::reverse(z_.begin(), z_.end());
  data_.resize(3);
  for (int c = 0; c < (has_w_ ? 3 : 2); ++c) {
    const std::vector<double> raw = file.read(names[c]);
    const double scale = velocity_scale(file.attribute(names[c], "units"));
    auto& out = data_[c];
    out.assign(raw.size(), 0.0);
    for (std::size_t n = 0; n < nt; ++n)
      for (std::size_t k = 0; k < nz; ++k)
        for (std::size_t j = 0; j < ny; ++j)
          for (std::size_t i = 0; i < nx; ++i) {
            const std::size_t src = ((n * nz + k) * ny + j) * nx + i;
            const std::size_t dst = ((n * nz + (flip_z ? nz - 1 - k : k)) * ny + (flip_y ? ny - 1 - j : j)) * nx +
                                    (flip_x ? nx - 1 - i : i);
            out[dst] = raw[src] * scale;
          }
    // Gaps: below the deepest valid value of a column, extend it downwards (avoids spurious overturning);
    // columns with no valid value (land) take the nearest valid column of the same level.
    for (std::size_t n = 0; n < nt; ++n) {
      double* rec = out.data() + n * nz * ny * nx;
      auto at = [&](std::size_t k, std::size_t j, std::size_t i) -> double& { return rec[(k * ny + j) * nx + i]; };
      for (std::size_t j = 0; j < ny; ++j)
        for (std::size_t i = 0; i < nx; ++i) {
          // z ascending: index 0 is deepest. Find the deepest valid level and copy it below.
          std::size_t k = 0;
          while (k < nz && !std::isfinite(at(k, j, i))) ++k;
          if (k == nz) continue;
          for (std::size_t kk = 0; kk < k; ++kk) at(kk, j, i) = at(k, j, i);
          // Isolated gaps higher up: copy from below.
          for (std::size_t kk = k + 1; kk < nz; ++kk)
            if (!std::isfinite(at(kk, j, i))) at(kk, j, i) = at(kk - 1, j, i);
        }
      for (std::size_t k = 0; k < nz; ++k) {
        std::vector<std::pair<std::size_t, std::size_t>> valid;
        for (std::size_t j = 0; j < ny; ++j)
          for (std::size_t i = 0; i < nx; ++i)
            if (std::isfinite(at(k, j, i))) valid.emplace_back(j, i);
        if (valid.empty())
          block.fail("file", "variable '" + names[c] + "' in " + spec.file + " has no valid value at record " +
                                 std::to_string(n) + ", level " + std::to_string(k));
        if (valid.size() == nx * ny) continue;
        for (std::size_t j = 0; j < ny; ++j)
          for (std::size_t i = 0; i < nx; ++i) {
            if (std::isfinite(at(k, j, i))) continue;
            double best = 1e300, value = 0.0;
            for (const auto& [vj, vi] : valid) {
              const double d = std::pow(x_[i] - x_[vi], 2) + std::pow(y_[j] - y_[vj], 2);
              if (d < best) {
                best = d;
                value = at(k, vj, vi);
              }
            }
            at(k, j, i) = value;
          }
      }
    }
  }
}

void CoarseCurrents::require_cover(double t0, double t1, const config::ConfigView& block, const std::string& key) const {
  const double eps = 1e-6 * std::max(1.0, std::abs(t1));
  if (t0 < times_.front() - eps || t1 > times_.back() + eps) {
    block.fail(key, strformat("the current data in %s cover model times %.6g s to %.6g s, but the run needs %.6g s to "
                              "%.6g s",
                              path_.c_str(), times_.front(), times_.back(), t0, t1));
  }
}

double CoarseCurrents::value(int component, std::size_t n, double x, double y, double z) const {
  const std::size_t nx = x_.size(), ny = y_.size(), nz = z_.size();
  std::size_t i, j, k;
  double wx, wy, wz;
  locate(x_, x, i, wx);
  locate(y_, y, j, wy);
  locate(z_, z, k, wz);
  const std::size_t i1 = std::min(i + 1, nx - 1), j1 = std::min(j + 1, ny - 1), k1 = std::min(k + 1, nz - 1);
  const double* rec = data_[component].data() + n * nz * ny * nx;
  auto at = [&](std::size_t kk, std::size_t jj, std::size_t ii) { return rec[(kk * ny + jj) * nx + ii]; };
  auto plane = [&](std::size_t kk) {
    return (1 - wy) * ((1 - wx) * at(kk, j, i) + wx * at(kk, j, i1)) + wy * ((1 - wx) * at(kk, j1, i) + wx * at(kk, j1, i1));
  };
  return (1 - wz) * plane(k) + wz * plane(k1);
}

std::string CoarseCurrents::describe() const {
  return strformat("%s: %zu records over %.6g..%.6g s, %zu x %zu x %zu points, x %.6g..%.6g m, y %.6g..%.6g m, z "
                   "%.6g..%.6g m%s",
                   path_.c_str(), times_.size(), times_.front(), times_.back(), x_.size(), y_.size(), z_.size(),
                   x_.front(), x_.back(), y_.front(), y_.back(), z_.front(), z_.back(), has_w_ ? ", with w" : "");
}

}  // namespace hadal::ocean
