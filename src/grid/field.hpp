// SPDX-License-Identifier: MIT
/// \file field.hpp
/// \brief A named physical field on a StructuredGrid, stored as a Kokkos View with x/y halos.
#pragma once

#include <string>

#include <Kokkos_Core.hpp>

#include "grid/grid.hpp"

namespace hadal::grid {

/// Storage is View(i, j, k) with local indices: owned cells are i in [g, g+ni), j in [g, g+nj),
/// k in [0, nk). The default layout follows the execution space (k-contiguous columns on CPU,
/// i-coalesced on GPUs).
class Field {
 public:
  using View = Kokkos::View<double***>;
  using HostView = View::HostMirror;

  /// `nk` = number of vertical points (default: grid nz; nz+1 for w at faces; 1 for 2-D maps).
  Field(const StructuredGrid& grid, std::string name, std::string units, std::string long_name, int nk = -1);

  const std::string& name() const { return name_; }
  const std::string& units() const { return units_; }
  const std::string& long_name() const { return long_name_; }
  int nk() const { return nk_; }
  const StructuredGrid& grid() const { return *grid_; }
  View view() const { return view_; }

  void fill(double value);
  /// Fills the x/y halo from neighbouring ranks. Halo cells beyond the physical boundary are left as
  /// they are (the owner of the boundary condition sets them).
  void exchange_halo();
  /// Owned cells copied into a host buffer ordered [k][j][i] (x fastest), as HDF5 wants them.
  std::vector<double> owned_block() const;
  /// Inverse of owned_block().
  void set_owned_block(const std::vector<double>& block);

  /// Sum over owned cells of value x cell volume (3-D) or x cell area (nk == 1), on all ranks.
  double integral() const;
  double max_abs() const;  ///< global max |value| over owned cells
  /// Global index (i, j, k) of the first non-finite owned value on this rank, or i < 0 if none.
  std::array<int, 3> first_non_finite() const;

 private:
  const StructuredGrid* grid_;
  std::string name_, units_, long_name_;
  int nk_;
  View view_;
};

}  // namespace hadal::grid
