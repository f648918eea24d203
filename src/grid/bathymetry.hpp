// SPDX-License-Identifier: MIT
/// \file bathymetry.hpp
/// \brief Seabed elevation on the model grid: synthetic generators (flat, slope, Gaussian seamount,
/// caldera with mounds and chimneys) or real data (NetCDF grids, ASCII soundings, merged by priority; see
/// bathymetry_input.hpp) brought onto the model's cell centres, plus the wet mask.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "grid/field.hpp"

namespace hadal::grid {

/// Declares the `bathymetry:` block.
void declare_bathymetry_schema(config::ObjectSpec& root);

/// Seabed elevation z_b(x, y) in metres (negative below sea level).
class SeabedShape {
 public:
  virtual ~SeabedShape() = default;
  virtual double elevation(double x, double y) const = 0;
  /// What was done to build the shape from data (sources, holes filled, coverage), one line each, for the
  /// run's log and summary; empty for synthetic shapes.
  virtual std::vector<std::string> notes() const { return {}; }
};

/// Builds the shape described by a resolved `bathymetry:` block; file input is resampled onto `spec`'s
/// cell centres here. Throws InputError (key, file, what is missing) if a file does not cover the domain,
/// lacks a variable or cannot be read.
std::unique_ptr<SeabedShape> make_seabed_shape(const config::ConfigView& block, const GridSpec& spec);

/// Seabed on the grid: elevation per column (map field with halos) and the index of the lowest wet
/// cell of each column (cells whose centre lies above the seabed are wet). Columns with no wet cell
/// have first_wet == nz (land/rock).
class Bathymetry {
 public:
  Bathymetry(const StructuredGrid& grid, const SeabedShape& shape);

  /// First wet level of a column whose seabed is at `seabed_elevation` (nz if none is wet).
  static int first_wet_index(const StructuredGrid& grid, double seabed_elevation);

  const Field& elevation() const { return elevation_; }
  /// View(i, j) of the first wet k, local indices with halos, on the default memory space.
  Kokkos::View<int**> first_wet() const { return first_wet_; }
  /// Seabed elevation at local column (li, lj), host copy.
  double seabed(int li, int lj) const;  ///< host access (from a host mirror)
  int first_wet_host(int li, int lj) const { return first_wet_host_(li, lj); }
  /// The shape's notes (see SeabedShape::notes).
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  Field elevation_;
  Kokkos::View<int**> first_wet_;
  Kokkos::View<int**>::HostMirror first_wet_host_;
  Field::HostView elevation_host_;
  std::vector<std::string> notes_;
};

}  // namespace hadal::grid
