// SPDX-License-Identifier: MIT
// Helpers shared by the ocean tests: grids on a chosen communicator, host access to owned cells.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>

#include "core/config.hpp"
#include "core/units.hpp"
#include "grid/bathymetry.hpp"
#include "grid/field.hpp"
#include "grid/grid.hpp"
#include "ocean/keys.hpp"

/// printf on rank 0 only (the numbers are global, so one copy is enough in the test log).
#define OCEAN_PRINT(...)                     \
  do {                                       \
    int rank_ = 0;                           \
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);   \
    if (rank_ == 0) std::printf(__VA_ARGS__); \
  } while (0)

namespace ocean_test {

/// A flat seabed at elevation z.
class FlatSeabed : public hadal::grid::SeabedShape {
 public:
  explicit FlatSeabed(double z) : z_(z) {}
  double elevation(double, double) const override { return z_; }

 private:
  double z_;
};

/// The schema of a test case: the `ocean` block (with `model`) and `time: {start, end}`.
inline hadal::config::ObjectSpec ocean_case_schema() {
  hadal::config::ObjectSpec root;
  hadal::ocean::declare_ocean_block(root.object("ocean", "ocean"), true);
  auto& time = root.object("time", "time");
  time.real("start", hadal::units::kTime, "start").default_value(0.0);
  time.real("end", hadal::units::kTime, "end").default_value(0.0);
  return root;
}

/// make_grid with refined columns: an axis with a band [lo, hi] (lo < hi) gets grid::refined_faces over it
/// with growth `growth` outside; an axis with lo >= hi stays uniform.
inline std::unique_ptr<hadal::grid::StructuredGrid> make_refined_grid(MPI_Comm comm, int nx, int ny, int nz, double lx,
                                                                      double ly, double z_bottom, double z_top,
                                                                      double x0, double y0, double x_lo, double x_hi,
                                                                      double y_lo, double y_hi, double growth) {
  hadal::grid::GridSpec spec;
  spec.x0 = x0;
  spec.y0 = y0;
  spec.lx = lx;
  spec.ly = ly;
  spec.nx = nx;
  spec.ny = ny;
  spec.nz = nz;
  spec.z_faces = hadal::grid::stretched_faces(z_bottom, z_top, nz, 1.0);
  if (x_lo < x_hi) spec.x_faces = hadal::grid::refined_faces(x0, x0 + lx, x_lo, x_hi, nx, growth);
  if (y_lo < y_hi) spec.y_faces = hadal::grid::refined_faces(y0, y0 + ly, y_lo, y_hi, ny, growth);
  return std::make_unique<hadal::grid::StructuredGrid>(comm, spec);
}

/// A grid of uniform columns and levels.
inline std::unique_ptr<hadal::grid::StructuredGrid> make_grid(MPI_Comm comm, int nx, int ny, int nz, double lx,
                                                              double ly, double z_bottom, double z_top,
                                                              double x0 = 0.0, double y0 = 0.0) {
  return make_refined_grid(comm, nx, ny, nz, lx, ly, z_bottom, z_top, x0, y0, 0.0, 0.0, 0.0, 0.0, 1.0);
}

/// Largest |a - b| over the owned cells of a (all ranks), b the same field on another decomposition of the
/// same grid (e.g. a one-rank run), whose every cell this rank holds.
inline double max_difference(const hadal::grid::Field& a, const hadal::grid::Field& b) {
  const auto& ga = a.grid();
  const auto& gb = b.grid();
  const auto va = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a.view());
  const auto vb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b.view());
  double diff = 0.0;
  for (int gj = ga.owned().j_begin; gj < ga.owned().j_end; ++gj)
    for (int gi = ga.owned().i_begin; gi < ga.owned().i_end; ++gi)
      for (int k = 0; k < a.nk(); ++k)
        diff = std::max(diff, std::abs(va(ga.local_i(gi), ga.local_j(gj), k) - vb(gb.local_i(gi), gb.local_j(gj), k)));
  return hadal::grid::global_max(ga.comm(), diff);
}

/// Sets every local entry (halos included) of a field from f(global i, global j, k) on the host.
inline void set_field(hadal::grid::Field& field, const std::function<double(int, int, int)>& f) {
  const auto& grid = field.grid();
  auto host = Kokkos::create_mirror_view(field.view());
  for (int lj = 0; lj < grid.local_nj(); ++lj)
    for (int li = 0; li < grid.local_ni(); ++li)
      for (int k = 0; k < field.nk(); ++k) host(li, lj, k) = f(grid.global_i(li), grid.global_j(lj), k);
  Kokkos::deep_copy(field.view(), host);
}

/// Value at global (gi, gj, k), summed from its owner (0 elsewhere): identical on all ranks.
inline double global_value(const hadal::grid::Field& field, int gi, int gj, int k) {
  const auto& grid = field.grid();
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), field.view());
  double local = grid.owns(gi, gj) ? host(grid.local_i(gi), grid.local_j(gj), k) : 0.0;
  return hadal::grid::global_sum(grid.comm(), local);
}

}  // namespace ocean_test

#include <netcdf.h>

#include <string>
#include <vector>

namespace ocean_test {

/// Writes a CF current file on a projected lattice (x, y in metres; depth positive down; time in hours since
/// 2020-01-01): u and v (time, depth, y, x) in m/s from f(component, hours, depth, x, y).
inline void write_projected_currents(const std::string& path, const std::vector<double>& x, const std::vector<double>& y,
                                     const std::vector<double>& depth, const std::vector<double>& hours,
                                     const std::function<double(int, double, double, double, double)>& f) {
  int nc, dt, dz, dy, dx, vt, vz, vy, vx, vu, vv;
  nc_create(path.c_str(), NC_CLOBBER | NC_NETCDF4, &nc);
  nc_def_dim(nc, "time", hours.size(), &dt);
  nc_def_dim(nc, "depth", depth.size(), &dz);
  nc_def_dim(nc, "y", y.size(), &dy);
  nc_def_dim(nc, "x", x.size(), &dx);
  nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt);
  nc_def_var(nc, "depth", NC_DOUBLE, 1, &dz, &vz);
  nc_def_var(nc, "y", NC_DOUBLE, 1, &dy, &vy);
  nc_def_var(nc, "x", NC_DOUBLE, 1, &dx, &vx);
  const int dims[4] = {dt, dz, dy, dx};
  nc_def_var(nc, "uo", NC_DOUBLE, 4, dims, &vu);
  nc_def_var(nc, "vo", NC_DOUBLE, 4, dims, &vv);
  const std::string units = "hours since 2020-01-01 00:00:00";
  nc_put_att_text(nc, vt, "units", units.size(), units.c_str());
  nc_put_att_text(nc, vz, "positive", 4, "down");
  nc_put_att_text(nc, vx, "units", 1, "m");
  nc_put_att_text(nc, vy, "units", 1, "m");
  nc_enddef(nc);
  nc_put_var_double(nc, vt, hours.data());
  nc_put_var_double(nc, vz, depth.data());
  nc_put_var_double(nc, vy, y.data());
  nc_put_var_double(nc, vx, x.data());
  for (int c = 0; c < 2; ++c) {
    std::vector<double> values;
    for (double t : hours)
      for (double d : depth)
        for (double yy : y)
          for (double xx : x) values.push_back(f(c, t, d, xx, yy));
    nc_put_var_double(nc, c == 0 ? vu : vv, values.data());
  }
  nc_close(nc);
}

}  // namespace ocean_test
