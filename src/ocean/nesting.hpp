// SPDX-License-Identifier: MIT
/// \file nesting.hpp
/// \brief The tidal solver nested in coarse current data: open boundaries forced by the tidal constituents
/// plus the data's sub-tidal current (its mean over each boundary column, varying along the boundary and in
/// time), and the data's vertical shear kept above the bottom log layer of the 3-D field.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "grid/bathymetry.hpp"
#include "ocean/barotropic.hpp"
#include "ocean/closures.hpp"
#include "ocean/coarse_data.hpp"

namespace hadal::ocean {

/// External state of nested open boundaries: the tide (and mean current) of `tide`, plus the depth mean of
/// the data over each boundary face's column, linear in time between records (held before the first and
/// after the last), ramped in with the tide. At points off the boundary faces only the tide is returned.
class NestedForcing : public BoundaryForcing {
 public:
  NestedForcing(std::shared_ptr<const HarmonicForcing> tide, const CoarseCurrents& data,
                const grid::StructuredGrid& grid, const grid::Bathymetry& bathymetry);
  ExternalState at(double time, double x, double y, double depth) const override;
  /// The same values as at() point by point, with the tide's cosines computed once.
  void at_points(double time, const std::vector<BoundaryPoint>& points, std::vector<ExternalState>& out) const override;
  /// The data part alone (no tide, no ramp) at boundary face (x, y) and time `data_time`; zero off the
  /// boundary faces of this rank.
  ExternalState data_at(double data_time, double x, double y) const;
  /// Largest data speed on the boundary faces over all records (global).
  double max_speed() const { return max_speed_; }
  const HarmonicForcing& tide() const { return *tide_; }

 private:
  struct Edge {
    bool present = false;
    int first = 0, count = 0;      ///< global along-edge index of entry 0, number of entries
    std::vector<double> u, v;      ///< [record * count + entry]
  };
  std::shared_ptr<const HarmonicForcing> tide_;
  const grid::StructuredGrid& grid_;
  std::vector<double> times_;
  std::array<Edge, 4> edges_;
  double max_speed_ = 0.0;
};

/// The data's vertical shear on the 3-D faces: above the log layer (heights > delta over the higher of the
/// two beds) the data velocity minus its mean over that part of the column, zero inside the layer and on
/// closed faces, so adding it leaves every face's full-column transport unchanged. Built per record on
/// demand (two kept) and interpolated linearly in time.
class DataShear {
 public:
  DataShear(const CoarseCurrents& data, const FaceStencils& stencils, const grid::StructuredGrid& grid,
            const grid::Bathymetry& bathymetry, const LogLayer& layer);
  /// u and v shear at time t on every local face (halos exchanged).
  void at(double time, grid::Field& u, grid::Field& v);

 private:
  void build(std::size_t n, grid::Field& u, grid::Field& v) const;
  int slot(std::size_t n, long keep);
  const CoarseCurrents& data_;
  const FaceStencils& stencils_;
  const grid::StructuredGrid& grid_;
  const grid::Bathymetry& bathymetry_;
  LogLayer layer_;
  std::array<std::unique_ptr<grid::Field>, 4> slots_;  ///< u, v of two records
  std::array<long, 2> slot_record_{-1, -1};
};

}  // namespace hadal::ocean
