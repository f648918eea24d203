// SPDX-License-Identifier: MIT
/// \file bathymetry_input.hpp
/// \brief Bathymetry from files: NetCDF grids (GMT/COARDS, GMT's legacy 1-D layout, GEBCO/ETOPO, CF; classic
/// or netCDF-4; gridline or pixel registration; packed; holes) and scattered ASCII soundings, brought onto
/// the model's lattice of cell centres, holes filled, and several sources merged by priority.
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "grid/grid.hpp"

namespace hadal::grid {

/// Seabed elevations (m, positive up) at the model's cell centres plus one ring of cells around the domain:
/// node (i, j) sits at x0 + (i - 1/2) dx, y0 + (j - 1/2) dy for i = 0..nx+1, j = 0..ny+1. NaN = no data.
struct ElevationLattice {
  double x0 = 0.0, y0 = 0.0, dx = 1.0, dy = 1.0;  ///< position of node (0, 0) and the spacing
  int ni = 0, nj = 0;
  std::vector<double> z;  ///< [j * ni + i]

  /// The lattice of a model grid (cell centres plus one ring), every node NaN.
  static ElevationLattice for_grid(const GridSpec& spec);
  double x(int i) const { return x0 + i * dx; }
  double y(int j) const { return y0 + j * dy; }
  double& at(int i, int j) { return z[static_cast<std::size_t>(j) * ni + i]; }
  double at(int i, int j) const { return z[static_cast<std::size_t>(j) * ni + i]; }
  /// Bilinear interpolation, clamped to the lattice (every node must be finite).
  double interpolate(double x, double y) const;
};

/// Fills the NaN entries of a [ny][nx] array by harmonic (Laplace) interpolation of the finite ones:
/// the discrete Laplacian is zero at every filled node, with zero normal gradient at the array edges,
/// solved by successive over-relaxation. Returns the number of nodes filled. Throws InputError (naming
/// `what`) when the array holds no finite value.
std::size_t fill_holes_harmonic(std::vector<double>& values, int nx, int ny, const std::string& what);

/// The index runs [first, last] of a coordinate axis (node positions `p` in model metres, file order) whose
/// positions lie in [lo, hi], ordered by position: one run, or two when a longitude axis wraps around the
/// reference (a 0..360 grid around a site near 0 E, a -180..180 grid around a site near 180 E). Shared by
/// the readers of gridded data (bathymetry, currents).
std::vector<std::pair<std::size_t, std::size_t>> axis_runs(const std::vector<double>& p, double lo, double hi);

/// The seabed a `bathymetry: {type: netcdf}` block describes, on the lattice of `spec`: the base `file`,
/// then each entry of `patches` over it. `notes` receives one line per source (format, region read,
/// registration, sign and units taken, holes filled, soundings coverage, patch coverage and blend).
/// Throws InputError naming the key, the file and what is wrong or missing.
ElevationLattice seabed_from_files(const config::ConfigView& block, const GridSpec& spec,
                                   std::vector<std::string>& notes);

}  // namespace hadal::grid
