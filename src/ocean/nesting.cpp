// SPDX-License-Identifier: MIT
#include "ocean/nesting.hpp"

#include <algorithm>
#include <cmath>

#include "grid/field.hpp"
#include "ocean/vertical.hpp"

namespace hadal::ocean {

NestedForcing::NestedForcing(std::shared_ptr<const HarmonicForcing> tide, const CoarseCurrents& data,
                             const grid::StructuredGrid& grid, const grid::Bathymetry& bathymetry)
    : tide_(std::move(tide)), grid_(grid), times_(data.times()) {
  const auto& box = grid.owned();
  const std::size_t nt = times_.size();
  double fastest = 0.0;
  for (int e = 0; e < 4; ++e) {
    const bool x_edge = e == kWest || e == kEast;
    const bool on = e == kWest ? box.i_begin == 0 : e == kEast ? box.i_end == grid.nx() : e == kSouth ? box.j_begin == 0
                                                                                                      : box.j_end == grid.ny();
    Edge& edge = edges_[e];
    if (!on) continue;
    edge.present = true;
    // Every local along-edge index the solver asks for (halo rows included, clamped to the domain).
    const int n_local = x_edge ? grid.local_nj() : grid.local_ni();
    const int first = std::clamp(x_edge ? grid.global_j(0) : grid.global_i(0), 0, (x_edge ? grid.ny() : grid.nx()) - 1);
    const int last = std::clamp(x_edge ? grid.global_j(n_local - 1) : grid.global_i(n_local - 1), 0,
                                (x_edge ? grid.ny() : grid.nx()) - 1);
    edge.first = first;
    edge.count = last - first + 1;
    edge.u.assign(nt * std::size_t(edge.count), 0.0);
    edge.v.assign(nt * std::size_t(edge.count), 0.0);
    for (int m = 0; m < edge.count; ++m) {
      const int g = first + m;
      // Face position and the inside cell's seabed.
      const double x = x_edge ? (e == kWest ? grid.x_face(0) : grid.x_face(grid.nx())) : grid.x_center(g);
      const double y = x_edge ? grid.y_center(g) : (e == kSouth ? grid.y_face(0) : grid.y_face(grid.ny()));
      const int ci = x_edge ? (e == kWest ? 0 : grid.nx() - 1) : g, cj = x_edge ? g : (e == kSouth ? 0 : grid.ny() - 1);
      const double bed = bathymetry.seabed(grid.local_i(ci), grid.local_j(cj));
      DataStencil stencil;
      data.locate(x, y, stencil);  // the reader checked that the domain lies within the data
      for (std::size_t n = 0; n < nt; ++n) {
        const double u = bed < 0.0 ? data.depth_mean(0, n, stencil, bed, 0.0) : 0.0;
        const double v = bed < 0.0 ? data.depth_mean(1, n, stencil, bed, 0.0) : 0.0;
        edge.u[n * std::size_t(edge.count) + std::size_t(m)] = u;
        edge.v[n * std::size_t(edge.count) + std::size_t(m)] = v;
        fastest = std::max(fastest, std::hypot(u, v));
      }
    }
  }
  max_speed_ = grid::global_max(grid.comm(), fastest);
}

namespace {
/// Adds the ramped data current to a tidal state.
void add_data(ExternalState& s, const ExternalState& data, double ramp_factor) {
  s.u += ramp_factor * data.u;
  s.v += ramp_factor * data.v;
}
}  // namespace

ExternalState NestedForcing::at(double time, double x, double y, double depth) const {
  ExternalState s = tide_->at(time, x, y, depth);
  add_data(s, data_at(time, x, y), tide_->ramp(time));
  return s;
}

void NestedForcing::at_points(double time, const std::vector<BoundaryPoint>& points,
                              std::vector<ExternalState>& out) const {
  tide_->at_points(time, points, out);
  const double r = tide_->ramp(time);
  for (std::size_t n = 0; n < points.size(); ++n) add_data(out[n], data_at(time, points[n].x, points[n].y), r);
}

ExternalState NestedForcing::data_at(double data_time, double x, double y) const {
  ExternalState s;
  // Which boundary face line (x, y) lies on: the solver asks at the faces' exact positions. The tolerance
  // scales with the width of the column along that edge.
  const int nx = grid_.nx(), ny = grid_.ny();
  int e = -1;
  if (std::abs(x - grid_.x_face(0)) < 1e-6 * grid_.dx(0)) e = kWest;
  else if (std::abs(x - grid_.x_face(nx)) < 1e-6 * grid_.dx(nx - 1)) e = kEast;
  else if (std::abs(y - grid_.y_face(0)) < 1e-6 * grid_.dy(0)) e = kSouth;
  else if (std::abs(y - grid_.y_face(ny)) < 1e-6 * grid_.dy(ny - 1)) e = kNorth;
  if (e < 0 || !edges_[e].present) return s;
  const Edge& edge = edges_[e];
  const bool x_edge = e == kWest || e == kEast;
  // The column holding the along-edge position (asked at column centres); points beyond the domain's
  // ends take the end column.
  auto column = [](double a, double first_face, double last_face, int n, int found) {
    return a <= first_face ? 0 : a >= last_face ? n - 1 : found;
  };
  const long g = x_edge ? column(y, grid_.y_face(0), grid_.y_face(ny), ny, grid_.cell_j(y))
                        : column(x, grid_.x_face(0), grid_.x_face(nx), nx, grid_.cell_i(x));
  const std::size_t m = std::size_t(std::clamp<long>(g - edge.first, 0, edge.count - 1));
  std::size_t n = 0;
  double w = 0.0;
  bracket_time(times_, data_time, n, w);
  const std::size_t n1 = std::min(n + 1, times_.size() - 1), count = std::size_t(edge.count);
  s.u = (1 - w) * edge.u[n * count + m] + w * edge.u[n1 * count + m];
  s.v = (1 - w) * edge.v[n * count + m] + w * edge.v[n1 * count + m];
  return s;
}

DataShear::DataShear(const CoarseCurrents& data, const FaceStencils& stencils, const grid::StructuredGrid& grid,
                     const grid::Bathymetry& bathymetry, const LogLayer& layer)
    : data_(data), stencils_(stencils), grid_(grid), bathymetry_(bathymetry), layer_(layer) {
  for (int s = 0; s < 2; ++s) {
    slots_[2 * s] = std::make_unique<grid::Field>(grid, "u_shear", "m s-1", "data shear on west faces");
    slots_[2 * s + 1] = std::make_unique<grid::Field>(grid, "v_shear", "m s-1", "data shear on south faces");
  }
}

void DataShear::build(std::size_t n, grid::Field& u, grid::Field& v) const {
  const auto& box = grid_.owned();
  const int nz = grid_.nz();
  auto uh = Kokkos::create_mirror_view(u.view());
  auto vh = Kokkos::create_mirror_view(v.view());
  Kokkos::deep_copy(uh, 0.0);
  Kokkos::deep_copy(vh, 0.0);
  // Shear of one face column: the face is open at level k above both cells' first wet levels; the part of
  // the cell above the layer top carries the data minus the data's mean over [layer top, surface].
  auto column = [&](int component, const DataStencil& stencil, double bed, int first_wet, auto&& out) {
    if (bed >= 0.0) return;
    const double top = bed + std::min(layer_.thickness, -bed);
    const double mean = data_.depth_mean(component, n, stencil, top, 0.0);
    for (int k = first_wet; k < nz; ++k) {
      const double z0 = std::max(grid_.z_face(k), top), z1 = grid_.z_face(k + 1);
      if (z1 <= z0) continue;
      const double above = (z1 - z0) / grid_.dz(k);
      out(k, above * (data_.value(component, n, stencil, 0.5 * (z0 + z1)) - mean));
    }
  };
  for (int gj = box.j_begin; gj <= box.j_end; ++gj)
    for (int gi = box.i_begin; gi <= box.i_end; ++gi) {
      const int li = grid_.local_i(gi), lj = grid_.local_j(gj);
      if (gj < box.j_end && gi <= grid_.nx()) {
        // u face between cells gi-1 and gi (only the inside one on the domain edge).
        const int a = gi > 0 ? li - 1 : li, b = gi < grid_.nx() ? li : li - 1;
        const double bed = std::max(bathymetry_.seabed(a, lj), bathymetry_.seabed(b, lj));
        const int first = std::max(bathymetry_.first_wet_host(a, lj), bathymetry_.first_wet_host(b, lj));
        column(0, stencils_.u(li, lj), bed, first, [&](int k, double s) { uh(li, lj, k) = s; });
      }
      if (gi < box.i_end && gj <= grid_.ny()) {
        const int a = gj > 0 ? lj - 1 : lj, b = gj < grid_.ny() ? lj : lj - 1;
        const double bed = std::max(bathymetry_.seabed(li, a), bathymetry_.seabed(li, b));
        const int first = std::max(bathymetry_.first_wet_host(li, a), bathymetry_.first_wet_host(li, b));
        column(1, stencils_.v(li, lj), bed, first, [&](int k, double s) { vh(li, lj, k) = s; });
      }
    }
  Kokkos::deep_copy(u.view(), uh);
  Kokkos::deep_copy(v.view(), vh);
  u.exchange_halo();
  v.exchange_halo();
}

int DataShear::slot(std::size_t n, long keep) {
  for (int s = 0; s < 2; ++s)
    if (slot_record_[s] == long(n)) return s;
  const int s = slot_record_[0] == keep ? 1 : 0;
  build(n, *slots_[2 * s], *slots_[2 * s + 1]);
  slot_record_[s] = long(n);
  return s;
}

void DataShear::at(double time, grid::Field& u, grid::Field& v) {
  std::size_t n = 0;
  double w = 0.0;
  bracket_time(data_.times(), time, n, w);
  const std::size_t n1 = std::min(n + 1, data_.times().size() - 1);
  const int a = slot(n, long(n1));
  const int b = slot(n1, long(n));
  blend_fields(*slots_[2 * a], *slots_[2 * b], w, u);
  blend_fields(*slots_[2 * a + 1], *slots_[2 * b + 1], w, v);
}

}  // namespace hadal::ocean
