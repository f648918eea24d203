// SPDX-License-Identifier: MIT
/// \file coarse_data.hpp
/// \brief Wide-area current data from ocean models and reanalyses, read from the files people have and
/// brought onto the model frame: CF files on z-levels or at the surface (CMEMS `uo`/`vo`, HYCOM
/// `water_u`/`water_v`, FORA; 3-D or 4-D; packed; rectilinear or curvilinear lon/lat) and ROMS/CROCO
/// history files (terrain-following s-coordinates, staggered u/v rotated to east/north, masks, a separate
/// grid file). Gaps are filled (the deepest valid value carried down, then the nearest valid column of the
/// same level), times put on the model clock, and values interpolated bilinearly between the four data
/// columns around a point and linearly in height within each column.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "grid/grid.hpp"
#include "ocean/settings.hpp"

namespace hadal::ocean {

/// The part of the model frame (m) the data must cover.
struct DomainBox {
  double x0 = 0.0, x1 = 0.0, y0 = 0.0, y1 = 0.0;
};

/// The four data columns around a point and their bilinear weights (see CoarseCurrents::locate).
struct DataStencil {
  std::array<std::size_t, 4> column{};
  std::array<double, 4> weight{};
};

/// Records n and n + 1 around time t in an increasing list and the weight of n + 1; held at the first
/// record before it and at the last after it.
void bracket_time(const std::vector<double>& times, double t, std::size_t& n, double& weight);

/// Elevation (m, up) of an s-level with stretching C over a column of depth h under a surface zeta, by
/// the ROMS formulas: Vtransform 1: z0 = hc s + (h - hc) C, z = z0 + zeta (1 + z0 / h); Vtransform 2:
/// z0 = (hc s + h C) / (hc + h), z = zeta + (zeta + h) z0.
double s_level_elevation(int vtransform, double s, double stretching, double hc, double h, double zeta);

class CoarseCurrents {
 public:
  /// Reads the data the spec names, keeping the columns around `domain`. Errors (exit 2) name the file,
  /// the variable and what is missing, at keys of `block` (the `data:` block).
  CoarseCurrents(const CoarseDataSpec& spec, const config::ConfigView& block, const DomainBox& domain);

  /// Record times on the model clock (s), increasing.
  const std::vector<double>& times() const { return times_; }
  /// Model times the data cover: the record times, widened by half the averaging period of mean records.
  double time_begin() const { return time_begin_; }
  double time_end() const { return time_end_; }
  /// Throws InputError (at `key` of `block`) unless [t0, t1] lies within the covered times.
  void require_cover(double t0, double t1, const config::ConfigView& block, const std::string& key) const;
  /// The columns around (x, y) (model metres); false outside the data.
  bool locate(double x, double y, DataStencil& stencil) const;
  /// Component (0 = u east, 1 = v north, 2 = w up) at record n, height z (m, up): bilinear between the
  /// columns, linear in z within each column, held beyond its top and bottom levels.
  double value(int component, std::size_t n, const DataStencil& stencil, double z) const;
  /// Mean of a component over heights [bottom, top] of each column's profile (as value()), bilinear.
  double depth_mean(int component, std::size_t n, const DataStencil& stencil, double bottom, double top) const;
  /// Elevations of the levels of column `column` at record n (ascending).
  std::vector<double> column_levels(std::size_t n, std::size_t column) const;
  /// Largest horizontal speed of the data (every record, level and kept column).
  double max_speed() const;
  bool has_w() const { return has_w_; }
  std::size_t levels() const { return nz_; }
  /// One line: file, format, records, columns, levels, extent, what was assumed.
  std::string describe() const;
  /// What the reader found and assumed, one line each (format, units, surface-only, gaps filled).
  const std::vector<std::string>& notes() const { return notes_; }

  /// What a format reader hands over: columns in model metres, levels ascending, velocities east/north.
  struct Columns {
    std::size_t ni = 0, nj = 0, nz = 0, nt = 0;
    std::vector<double> x, y;         ///< [j * ni + i]
    bool per_column_levels = false;
    std::vector<double> z;            ///< nz shared levels, or [t][k][column]
    std::vector<double> u, v, w;      ///< [t][k][column], m/s, NaN = no data; w may be empty
    std::vector<double> times;        ///< model clock
    double averaging_period = 0.0;    ///< records are means over this interval (0: instantaneous)
    bool timeless = false;            ///< no time dimension: one field for all times
  };

 private:
  double level(std::size_t n, std::size_t k, std::size_t column) const;
  double column_value(const std::vector<double>& data, std::size_t n, std::size_t column, double z) const;
  double column_mean(const std::vector<double>& data, std::size_t n, std::size_t column, double bottom,
                     double top) const;
  void fill_gaps(std::vector<double>& data, const std::string& name, const config::ConfigView& block);

  std::string path_, format_;
  std::size_t ni_ = 0, nj_ = 0, nz_ = 0, nt_ = 0;
  std::vector<double> x_, y_;
  bool per_column_levels_ = false;
  std::vector<double> z_;
  std::array<std::vector<double>, 3> data_;
  bool has_w_ = false;
  std::vector<double> times_;
  double time_begin_ = 0.0, time_end_ = 0.0;
  std::vector<std::string> notes_;
};

/// The data stencils of a rank's u faces (x_face(i), y_center(j)), v faces (x_center(i), y_face(j)) and
/// cell centres, for its owned columns and the east/north faces closing them (local indices).
class FaceStencils {
 public:
  FaceStencils(const CoarseCurrents& data, const grid::StructuredGrid& grid);
  const DataStencil& u(int li, int lj) const { return u_[index(li, lj)]; }
  const DataStencil& v(int li, int lj) const { return v_[index(li, lj)]; }
  const DataStencil& centre(int li, int lj) const { return c_[index(li, lj)]; }

 private:
  std::size_t index(int li, int lj) const { return std::size_t(lj) * std::size_t(ni_) + std::size_t(li); }
  int ni_ = 0;
  std::vector<DataStencil> u_, v_, c_;
};

/// Seconds since 1970-01-01 of an ISO-8601 date "YYYY-MM-DD[(T| )hh[:mm[:ss]]][Z]"; throws
/// std::invalid_argument on a malformed string.
double parse_iso_time(const std::string& text);
/// Parses CF time units "<unit> since <date>" into seconds per unit and the epoch (s since 1970).
void parse_cf_time_units(const std::string& units, double& seconds_per_unit, double& epoch);

}  // namespace hadal::ocean
