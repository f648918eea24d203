// SPDX-License-Identifier: MIT
/// \file grid.hpp
/// \brief Structured 3-D grid decomposed over MPI ranks in x and y with PETSc DMDA.
///
/// Columns are never split: every rank owns full vertical columns, so implicit vertical solves stay
/// rank-local. Columns are uniform or refined over a box (widths growing geometrically away from it);
/// vertical faces may be stretched. z is elevation (m, up).
#pragma once

#include <array>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <mpi.h>
#include <petscdmda.h>

#include <Kokkos_Core.hpp>

#include "core/config.hpp"

namespace hadal::grid {

/// Geometry and resolution of the global grid, in metres.
struct GridSpec {
  double x0 = 0.0, y0 = 0.0;        ///< south-west corner
  double lx = 1.0, ly = 1.0;        ///< horizontal extents
  int nx = 1, ny = 1, nz = 1;       ///< cell counts
  std::vector<double> z_faces;      ///< nz+1 increasing elevations (bottom to top)
  /// nx+1 / ny+1 increasing column faces from x0 to x0+lx (y0 to y0+ly); empty: uniform columns.
  std::vector<double> x_faces, y_faces;
  int ranks_x = PETSC_DECIDE, ranks_y = PETSC_DECIDE;  ///< optional fixed decomposition
};

/// Declares the standard `grid:` block (extent, cells, vertical range/stretching, decomposition).
void declare_grid_schema(config::ObjectSpec& root);
/// Builds a GridSpec from a resolved `grid:` block.
GridSpec grid_spec_from_config(const config::ConfigView& grid);
/// Vertical faces from z_bottom to z_top; `stretching` = dz(k+1)/dz(k) (>1 refines near the bed).
std::vector<double> stretched_faces(double z_bottom, double z_top, int nz, double stretching);

/// Vertical faces with levels of one thickness from z_bottom up to `band_top`, thickening above it by a
/// constant ratio of at most `max_stretching` up to z_top: the band gets as many levels as that ratio
/// allows (its thinnest possible cells). Throws std::invalid_argument, saying why, when no split of the
/// nz levels fits: one level more in the band leaves too few above it to reach z_top, one less leaves
/// levels above it that would have to be thinner than the band's.
std::vector<double> banded_faces(double z_bottom, double band_top, double z_top, int nz, double max_stretching);

/// The n+1 faces of n equal columns from a0 over `length`, as uniform grids place them (a0 + i length / n).
std::vector<double> uniform_faces(double a0, double length, int n);

/// Column faces from a0 to a1 (n cells) with one width over [band_lo, band_hi] and widths growing by a
/// constant ratio of at most `max_growth` per column from the band to each end, up to `max_width` and
/// constant beyond it: the band gets as many columns as that allows (its narrowest possible ones). Of
/// the splits of the other columns between the two sides, the one with the smaller of the two sides'
/// largest ratio is taken. Throws std::invalid_argument, saying why, when no split fits.
std::vector<double> refined_faces(double a0, double a1, double band_lo, double band_hi, int n, double max_growth,
                                  double max_width = std::numeric_limits<double>::infinity());

/// One line for the log: each refined direction's narrowest and widest column and where the narrowest
/// lie, e.g. "refined columns: x 2.56 m over [590, 690] m, up to 12.5 m; y uniform 12.5 m".
std::string describe_columns(const GridSpec& spec);

/// Index box of the cells a rank owns, in global indices [begin, end).
struct OwnedBox {
  int i_begin = 0, i_end = 0, j_begin = 0, j_end = 0;
  int ni() const { return i_end - i_begin; }
  int nj() const { return j_end - j_begin; }
};

class StructuredGrid {
 public:
  /// `ghost` is the halo width in x and y (2 suits second-order TVD stencils).
  StructuredGrid(MPI_Comm comm, const GridSpec& spec, int ghost = 2);
  ~StructuredGrid();
  StructuredGrid(const StructuredGrid&) = delete;
  StructuredGrid& operator=(const StructuredGrid&) = delete;

  MPI_Comm comm() const { return comm_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  const GridSpec& spec() const { return spec_; }

  int nx() const { return spec_.nx; }
  int ny() const { return spec_.ny; }
  int nz() const { return spec_.nz; }
  long long global_cells() const { return 1LL * spec_.nx * spec_.ny * spec_.nz; }
  int ghost() const { return ghost_; }

  /// True when every column has the same width in x and the same in y.
  bool uniform_columns() const { return uniform_; }
  /// Throws InputError naming `who` when the columns are refined (for code written for uniform ones).
  void require_uniform_columns(const std::string& who) const;
  /// Column widths and the distance between the centres of columns i-1 and i (j-1 and j), by global
  /// index. Outside the domain (halo cells) the boundary column's width repeats, so they stay defined.
  double dx(int i) const { return dx_[clamp_i(i)]; }
  double dy(int j) const { return dy_[clamp_j(j)]; }
  double dx_between(int i) const { return uniform_ ? dx_[0] : x_center(i) - x_center(i - 1); }
  double dy_between(int j) const { return uniform_ ? dy_[0] : y_center(j) - y_center(j - 1); }
  double cell_area(int i, int j) const { return dx(i) * dy(j); }
  double min_dx() const { return min_dx_; }
  double min_dy() const { return min_dy_; }
  /// Global-index coordinates (extended past the domain by columns of the boundary column's width).
  double x_center(int i) const;
  double y_center(int j) const;
  double x_face(int i) const;
  double y_face(int j) const;
  double z_face(int k) const { return spec_.z_faces[k]; }
  double z_center(int k) const { return 0.5 * (spec_.z_faces[k] + spec_.z_faces[k + 1]); }
  double dz(int k) const { return spec_.z_faces[k + 1] - spec_.z_faces[k]; }
  /// Node coordinate arrays (nx+1, ny+1, nz+1 values) for output.
  std::vector<double> x_nodes() const;
  std::vector<double> y_nodes() const;
  const std::vector<double>& z_nodes() const { return spec_.z_faces; }

  const OwnedBox& owned() const { return owned_; }
  /// Local extents including ghosts (the Field view extents in i and j).
  int local_ni() const { return owned_.ni() + 2 * ghost_; }
  int local_nj() const { return owned_.nj() + 2 * ghost_; }
  /// Global index of local index li/lj (ghost offset included).
  int global_i(int li) const { return li - ghost_ + owned_.i_begin; }
  int global_j(int lj) const { return lj - ghost_ + owned_.j_begin; }
  int local_i(int gi) const { return gi - owned_.i_begin + ghost_; }
  int local_j(int gj) const { return gj - owned_.j_begin + ghost_; }
  bool owns(int gi, int gj) const {
    return gi >= owned_.i_begin && gi < owned_.i_end && gj >= owned_.j_begin && gj < owned_.j_end;
  }
  /// Global cell index containing (x, y), clamped to the domain; -1 if outside.
  int cell_i(double x) const;
  int cell_j(double y) const;
  int cell_k(double z) const;

  /// Column widths by local index (halo included) on the default memory space,
  /// and the distances between the centres of local columns li-1 and li (same indexing).
  Kokkos::View<const double*> dx_local_view() const { return dx_local_; }
  Kokkos::View<const double*> dy_local_view() const { return dy_local_; }
  Kokkos::View<const double*> dx_between_local_view() const { return dx_between_local_; }
  Kokkos::View<const double*> dy_between_local_view() const { return dy_between_local_; }

  /// Neighbour ranks (MPI_PROC_NULL at physical boundaries) for halo exchange.
  int rank_west() const { return west_; }
  int rank_east() const { return east_; }
  int rank_south() const { return south_; }
  int rank_north() const { return north_; }
  int ranks_x() const { return ranks_x_; }
  int ranks_y() const { return ranks_y_; }
  /// Vertical cell thickness dz(k) on the default memory space (for kernels).
  Kokkos::View<const double*> dz_view() const { return dz_; }
  /// Vertical face elevations z(k), k = 0..nz, on the default memory space.
  Kokkos::View<const double*> z_faces_view() const { return z_faces_; }

  /// DMDA for fields with `nk` vertical points (nz for cell fields, nz+1 for w faces, 1 for maps),
  /// created on first use with the same x/y ownership as the grid (nk == 1 gives the 2-D DMDA).
  /// Box stencil of width ghost(), DM_BOUNDARY_GHOSTED in x and y. For PETSc solvers; fields
  /// exchange halos directly (Field::exchange_halo).
  DM dm(int nk) const;

 private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  GridSpec spec_;
  int ghost_;
  int ranks_x_ = 1, ranks_y_ = 1;
  int west_ = -1, east_ = -1, south_ = -1, north_ = -1;
  Kokkos::View<double*> dz_, z_faces_;
  Kokkos::View<double*> dx_local_, dy_local_, dx_between_local_, dy_between_local_;
  bool uniform_ = true;
  std::vector<double> dx_, dy_;  ///< column widths by global index
  double min_dx_ = 1.0, min_dy_ = 1.0;
  int clamp_i(int i) const { return i < 0 ? 0 : (i >= spec_.nx ? spec_.nx - 1 : i); }
  int clamp_j(int j) const { return j < 0 ? 0 : (j >= spec_.ny ? spec_.ny - 1 : j); }
  std::vector<PetscInt> lx_, ly_;  ///< ownership ranges from the first DMDA, reused for the others
  OwnedBox owned_;
  mutable std::map<int, DM> dms_;
};

/// MPI reductions over the grid's communicator.
double global_sum(MPI_Comm comm, double local);
double global_max(MPI_Comm comm, double local);
double global_min(MPI_Comm comm, double local);

}  // namespace hadal::grid
