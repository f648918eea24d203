// SPDX-License-Identifier: MIT
/// \file sources.hpp
/// \brief Sediment sources: fixed points, lines, and moving sources (an excavator following a path at
/// a speed), each with a total mass rate split over the classes, a release layer above the seabed, an
/// optional horizontal radius, and on/off windows.
#pragma once

#include <string>
#include <vector>


namespace hadal::plume {

struct Source {
  enum class Kind { Point, Line, Moving };
  std::string name;
  Kind kind = Kind::Point;
  std::vector<double> path;          ///< x0, y0, x1, y1, ... (1 point: Point; 2: Line; >= 2: Moving)
  double speed = 0.0;                ///< m s-1 along the path (Moving)
  bool back_and_forth = true;        ///< Moving: reverse at the ends instead of jumping back
  double height_above_bed = 1.0;     ///< centre of the release layer, m
  double thickness = 2.0;            ///< release layer thickness, m
  double radius = 0.0;               ///< horizontal spread (uniform over a disk), m; 0 = one cell
  double rate = 0.0;                 ///< total mass rate, kg s-1
  std::vector<double> fractions;     ///< per class, sum 1
  std::vector<double> windows;       ///< on between windows[2k] and windows[2k+1]; empty = always

  /// Seconds the source is on within [t0, t1].
  double active_time(double t0, double t1) const;
  /// The instant in [t0, t1] by which the source has been on for `fraction` of active_time(t0, t1):
  /// uniform `fraction` gives an instant uniform over the step's active part.
  double active_instant(double t0, double t1, double fraction) const;
  /// Position (x, y) at time t.
  void position(double t, double& x, double& y) const;
  /// Path length (Line and Moving).
  double length() const;
};

/// Area of the part of the disk of radius r about (xc, yc) that lies in the rectangle [x0, x1] x [y0, y1]
/// (exact: the chord length integrated in closed form between the abscissae where its ends meet the
/// rectangle's sides). The Eulerian model spreads a source's disk over the grid's columns by it, so that
/// each column receives the cell average of the uniform disk whatever the cell size.
double disk_rectangle_area(double xc, double yc, double r, double x0, double x1, double y0, double y1);

}  // namespace hadal::plume
