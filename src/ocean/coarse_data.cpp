// SPDX-License-Identifier: MIT
#include "ocean/coarse_data.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/netcdf.hpp"
#include "ocean/current_readers.hpp"

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

/// Fractions (s, t) of (x, y) in the quadrilateral p00, p10, p11, p01 (bilinear map inverted by Newton
/// iterations); false when the point lies outside it.
bool inverse_bilinear(const double* px, const double* py, double x, double y, double& s, double& t) {
  s = t = 0.5;
  for (int iteration = 0; iteration < 30; ++iteration) {
    const double fx = (1 - s) * (1 - t) * px[0] + s * (1 - t) * px[1] + s * t * px[2] + (1 - s) * t * px[3] - x;
    const double fy = (1 - s) * (1 - t) * py[0] + s * (1 - t) * py[1] + s * t * py[2] + (1 - s) * t * py[3] - y;
    const double a = (1 - t) * (px[1] - px[0]) + t * (px[2] - px[3]), b = (1 - s) * (px[3] - px[0]) + s * (px[2] - px[1]);
    const double c = (1 - t) * (py[1] - py[0]) + t * (py[2] - py[3]), d = (1 - s) * (py[3] - py[0]) + s * (py[2] - py[1]);
    const double det = a * d - b * c;
    if (det == 0.0 || !std::isfinite(det)) return false;
    const double ds = (d * fx - b * fy) / det, dt = (a * fy - c * fx) / det;
    s -= ds;
    t -= dt;
    if (std::abs(ds) + std::abs(dt) < 1e-13) break;
  }
  const double tol = 1e-9;
  return s >= -tol && s <= 1 + tol && t >= -tol && t <= 1 + tol;
}

/// Integral over [a, b] of the piecewise-linear profile through (z_k, f_k) (ascending z), held beyond its
/// first and last points.
template <typename Level, typename Value>
double profile_integral(std::size_t nz, const Level& z, const Value& f, double a, double b) {
  if (b <= a) return 0.0;
  if (nz == 1) return f(0) * (b - a);
  double sum = 0.0;
  // Below the first level and above the last: constant.
  if (a < z(0)) sum += f(0) * (std::min(b, z(0)) - a);
  if (b > z(nz - 1)) sum += f(nz - 1) * (b - std::max(a, z(nz - 1)));
  for (std::size_t k = 0; k + 1 < nz; ++k) {
    const double lo = std::max(a, z(k)), hi = std::min(b, z(k + 1));
    if (hi <= lo) continue;
    const double h = z(k + 1) - z(k);
    auto at = [&](double zz) { return h > 0 ? f(k) + (f(k + 1) - f(k)) * (zz - z(k)) / h : f(k); };
    sum += 0.5 * (at(lo) + at(hi)) * (hi - lo);
  }
  return sum;
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
  const std::string u = io::lowercase(units);
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

void bracket_time(const std::vector<double>& times, double t, std::size_t& n, double& weight) {
  if (times.size() == 1 || t <= times.front()) {
    n = 0;
    weight = 0.0;
    return;
  }
  if (t >= times.back()) {
    n = times.size() - 2;
    weight = 1.0;
    return;
  }
  n = static_cast<std::size_t>(std::upper_bound(times.begin(), times.end(), t) - times.begin()) - 1;
  weight = (t - times[n]) / (times[n + 1] - times[n]);
}

double s_level_elevation(int vtransform, double s, double stretching, double hc, double h, double zeta) {
  if (vtransform == 1) {
    const double z0 = hc * s + (h - hc) * stretching;
    return z0 + zeta * (1.0 + z0 / h);
  }
  const double z0 = (hc * s + h * stretching) / (hc + h);
  return zeta + (zeta + h) * z0;
}

CoarseCurrents::CoarseCurrents(const CoarseDataSpec& spec, const config::ConfigView& block, const DomainBox& domain)
    : path_(spec.file) {
  if (!io::NetcdfFile::looks_like_netcdf(spec.file))
    block.fail("file", std::ifstream(spec.file) ? "'" + spec.file + "' is not a NetCDF file" : "no such file '" + spec.file + "'");
  io::NetcdfFile file(spec.file);
  const bool roms = is_roms_history(file, spec);
  Columns c = roms ? read_roms_currents(file, spec, block, domain, notes_) : read_cf_currents(file, spec, block, domain, notes_);
  format_ = std::string(roms ? "ROMS/CROCO s-coordinates" : "CF") + ", " + file.format();
  ni_ = c.ni;
  nj_ = c.nj;
  nz_ = c.nz;
  nt_ = c.nt;
  x_ = std::move(c.x);
  y_ = std::move(c.y);
  per_column_levels_ = c.per_column_levels;
  z_ = std::move(c.z);
  times_ = std::move(c.times);
  has_w_ = !c.w.empty();
  data_[0] = std::move(c.u);
  data_[1] = std::move(c.v);
  data_[2] = std::move(c.w);
  // Every point of the domain must lie between data columns (the reader kept those around it).
  const int samples = 32;
  for (int e = 0; e <= samples; ++e) {
    const double f = double(e) / samples;
    const double px[4] = {domain.x0 + f * (domain.x1 - domain.x0), domain.x0 + f * (domain.x1 - domain.x0), domain.x0, domain.x1};
    const double py[4] = {domain.y0, domain.y1, domain.y0 + f * (domain.y1 - domain.y0), domain.y0 + f * (domain.y1 - domain.y0)};
    for (int m = 0; m < 4; ++m) {
      DataStencil stencil;
      if (!locate(px[m], py[m], stencil)) {
        double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
        for (std::size_t c2 = 0; c2 < x_.size(); ++c2)
          x0 = std::min(x0, x_[c2]), x1 = std::max(x1, x_[c2]), y0 = std::min(y0, y_[c2]), y1 = std::max(y1, y_[c2]);
        block.fail("file", strformat("the current data in %s do not cover the model point (%.6g, %.6g) m: their columns "
                                     "around the domain span x %.6g..%.6g m, y %.6g..%.6g m; the model grid needs x "
                                     "%.6g..%.6g m, y %.6g..%.6g m",
                                     path_.c_str(), px[m], py[m], x0, x1, y0, y1, domain.x0, domain.x1, domain.y0,
                                     domain.y1));
      }
    }
  }
  fill_gaps(data_[0], "u", block);
  fill_gaps(data_[1], "v", block);
  if (has_w_) fill_gaps(data_[2], "w", block);
  const bool static_field = c.timeless;
  time_begin_ = static_field ? -std::numeric_limits<double>::infinity() : times_.front() - 0.5 * c.averaging_period;
  time_end_ = static_field ? std::numeric_limits<double>::infinity() : times_.back() + 0.5 * c.averaging_period;
  if (c.averaging_period > 0.0)
    notes_.push_back(strformat("%s: records are %.6g-day means; the data cover %.6g s before the first and after the "
                               "last time stamp (the first and last record held there)",
                               path_.c_str(), c.averaging_period / 86400.0, 0.5 * c.averaging_period));
}

void CoarseCurrents::fill_gaps(std::vector<double>& data, const std::string& name, const config::ConfigView& block) {
  // Below the deepest valid value of a column, extend it downwards (avoids spurious overturning); columns
  // with no valid value (land) take the nearest valid column of the same level.
  const std::size_t columns = ni_ * nj_;
  std::size_t filled = 0;
  for (std::size_t n = 0; n < nt_; ++n) {
    double* rec = data.data() + n * nz_ * columns;
    auto at = [&](std::size_t k, std::size_t c) -> double& { return rec[k * columns + c]; };
    for (std::size_t c = 0; c < columns; ++c) {
      std::size_t k = 0;
      while (k < nz_ && !std::isfinite(at(k, c))) ++k;
      if (k == nz_) continue;
      for (std::size_t kk = 0; kk < k; ++kk) at(kk, c) = at(k, c), ++filled;
      for (std::size_t kk = k + 1; kk < nz_; ++kk)
        if (!std::isfinite(at(kk, c))) at(kk, c) = at(kk - 1, c), ++filled;
    }
    for (std::size_t k = 0; k < nz_; ++k) {
      std::vector<std::size_t> valid;
      for (std::size_t c = 0; c < columns; ++c)
        if (std::isfinite(at(k, c))) valid.push_back(c);
      if (valid.empty())
        block.fail("file", "variable '" + name + "' in " + path_ + " has no valid value around the model domain at record " +
                               std::to_string(n) + ", level " + std::to_string(k));
      if (valid.size() == columns) continue;
      for (std::size_t c = 0; c < columns; ++c) {
        if (std::isfinite(at(k, c))) continue;
        double best = std::numeric_limits<double>::max(), value = 0.0;
        for (const auto v : valid) {
          const double d = std::pow(x_[c] - x_[v], 2) + std::pow(y_[c] - y_[v], 2);
          if (d < best) {
            best = d;
            value = at(k, v);
          }
        }
        at(k, c) = value;
        ++filled;
      }
    }
  }
  if (filled > 0)
    notes_.push_back(strformat("%s: %zu of %zu values of %s were missing (land, below the coarse seabed) and filled", path_.c_str(),
                               filled, data.size(), name.c_str()));
}

void CoarseCurrents::require_cover(double t0, double t1, const config::ConfigView& block, const std::string& key) const {
  const double eps = 1e-6 * std::max(1.0, std::abs(t1));
  if (t0 < time_begin_ - eps || t1 > time_end_ + eps) {
    block.fail(key, strformat("the current data in %s cover model times %.6g s to %.6g s, but the run needs %.6g s to "
                              "%.6g s",
                              path_.c_str(), time_begin_, time_end_, t0, t1));
  }
}

bool CoarseCurrents::locate(double x, double y, DataStencil& stencil) const {
  if (ni_ == 1 && nj_ == 1) {
    stencil.column = {0, 0, 0, 0};
    stencil.weight = {1.0, 0.0, 0.0, 0.0};
    return true;
  }
  if (ni_ < 2 || nj_ < 2) return false;
  // The cell around the nearest column first, then every cell.
  std::size_t nearest = 0;
  double best = std::numeric_limits<double>::max();
  for (std::size_t c = 0; c < x_.size(); ++c) {
    const double d = (x_[c] - x) * (x_[c] - x) + (y_[c] - y) * (y_[c] - y);
    if (d < best) best = d, nearest = c;
  }
  auto try_cell = [&](std::size_t i, std::size_t j) {
    const std::size_t c[4] = {j * ni_ + i, j * ni_ + i + 1, (j + 1) * ni_ + i + 1, (j + 1) * ni_ + i};
    const double px[4] = {x_[c[0]], x_[c[1]], x_[c[2]], x_[c[3]]}, py[4] = {y_[c[0]], y_[c[1]], y_[c[2]], y_[c[3]]};
    double s = 0.0, t = 0.0;
    if (!inverse_bilinear(px, py, x, y, s, t)) return false;
    s = std::clamp(s, 0.0, 1.0);
    t = std::clamp(t, 0.0, 1.0);
    stencil.column = {c[0], c[1], c[2], c[3]};
    stencil.weight = {(1 - s) * (1 - t), s * (1 - t), s * t, (1 - s) * t};
    return true;
  };
  const std::size_t ci = nearest % ni_, cj = nearest / ni_;
  for (std::size_t j = cj > 0 ? cj - 1 : 0; j <= std::min(cj, nj_ - 2); ++j)
    for (std::size_t i = ci > 0 ? ci - 1 : 0; i <= std::min(ci, ni_ - 2); ++i)
      if (try_cell(i, j)) return true;
  for (std::size_t j = 0; j + 1 < nj_; ++j)
    for (std::size_t i = 0; i + 1 < ni_; ++i)
      if (try_cell(i, j)) return true;
  return false;
}

double CoarseCurrents::level(std::size_t n, std::size_t k, std::size_t column) const {
  return per_column_levels_ ? z_[(n * nz_ + k) * (ni_ * nj_) + column] : z_[k];
}

std::vector<double> CoarseCurrents::column_levels(std::size_t n, std::size_t column) const {
  std::vector<double> z(nz_);
  for (std::size_t k = 0; k < nz_; ++k) z[k] = level(n, k, column);
  return z;
}

double CoarseCurrents::column_value(const std::vector<double>& data, std::size_t n, std::size_t column, double z) const {
  const std::size_t columns = ni_ * nj_;
  const double* rec = data.data() + n * nz_ * columns;
  if (nz_ == 1 || z <= level(n, 0, column)) return rec[column];
  if (z >= level(n, nz_ - 1, column)) return rec[(nz_ - 1) * columns + column];
  std::size_t k = 0;
  while (k + 2 < nz_ && level(n, k + 1, column) < z) ++k;
  const double z0 = level(n, k, column), z1 = level(n, k + 1, column);
  const double w = z1 > z0 ? (z - z0) / (z1 - z0) : 0.0;
  return (1 - w) * rec[k * columns + column] + w * rec[(k + 1) * columns + column];
}

double CoarseCurrents::column_mean(const std::vector<double>& data, std::size_t n, std::size_t column, double bottom,
                                   double top) const {
  const std::size_t columns = ni_ * nj_;
  const double* rec = data.data() + n * nz_ * columns;
  if (top <= bottom) return column_value(data, n, column, bottom);
  const double integral = profile_integral(
      nz_, [&](std::size_t k) { return level(n, k, column); }, [&](std::size_t k) { return rec[k * columns + column]; },
      bottom, top);
  return integral / (top - bottom);
}

double CoarseCurrents::value(int component, std::size_t n, const DataStencil& stencil, double z) const {
  double sum = 0.0;
  for (int m = 0; m < 4; ++m)
    if (stencil.weight[m] != 0.0) sum += stencil.weight[m] * column_value(data_[component], n, stencil.column[m], z);
  return sum;
}

double CoarseCurrents::depth_mean(int component, std::size_t n, const DataStencil& stencil, double bottom,
                                  double top) const {
  double sum = 0.0;
  for (int m = 0; m < 4; ++m)
    if (stencil.weight[m] != 0.0) sum += stencil.weight[m] * column_mean(data_[component], n, stencil.column[m], bottom, top);
  return sum;
}

FaceStencils::FaceStencils(const CoarseCurrents& data, const grid::StructuredGrid& grid) : ni_(grid.local_ni()) {
  const std::size_t n = std::size_t(grid.local_ni()) * std::size_t(grid.local_nj());
  u_.resize(n);
  v_.resize(n);
  c_.resize(n);
  const auto& box = grid.owned();
  for (int gj = box.j_begin; gj <= box.j_end; ++gj)
    for (int gi = box.i_begin; gi <= box.i_end; ++gi) {
      const int li = grid.local_i(gi), lj = grid.local_j(gj);
      const double xc = grid.x_center(std::min(gi, grid.nx() - 1)), yc = grid.y_center(std::min(gj, grid.ny() - 1));
      // The reader checked that the whole domain lies between data columns.
      data.locate(grid.x_face(gi), yc, u_[index(li, lj)]);
      data.locate(xc, grid.y_face(gj), v_[index(li, lj)]);
      data.locate(xc, yc, c_[index(li, lj)]);
    }
}

double CoarseCurrents::max_speed() const {
  double m = 0.0;
  for (std::size_t i = 0; i < data_[0].size(); ++i) m = std::max(m, std::hypot(data_[0][i], data_[1][i]));
  return m;
}

std::string CoarseCurrents::describe() const {
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (std::size_t c = 0; c < x_.size(); ++c) {
    x0 = std::min(x0, x_[c]);
    x1 = std::max(x1, x_[c]);
    y0 = std::min(y0, y_[c]);
    y1 = std::max(y1, y_[c]);
  }
  return strformat("%s (%s): %zu records over %.6g..%.6g s (covering %.6g..%.6g s), %zu x %zu columns, %zu level(s), x "
                   "%.6g..%.6g m, y %.6g..%.6g m%s",
                   path_.c_str(), format_.c_str(), times_.size(), times_.front(), times_.back(), time_begin_, time_end_,
                   ni_, nj_, nz_, x0, x1, y0, y1, has_w_ ? ", with w" : "");
}

}  // namespace hadal::ocean
