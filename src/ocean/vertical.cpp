// SPDX-License-Identifier: MIT
#include "ocean/vertical.hpp"

#include <vector>

namespace hadal::ocean {

namespace {
using Policy2 = Kokkos::MDRangePolicy<Kokkos::Rank<2>>;
using Policy3 = Kokkos::MDRangePolicy<Kokkos::Rank<3>>;

Kokkos::View<double*> z_faces_view(const grid::StructuredGrid& grid) {
  Kokkos::View<double*> z("ocean::z_faces", grid.nz() + 1);
  auto host = Kokkos::create_mirror_view(z);
  for (int k = 0; k <= grid.nz(); ++k) host(k) = grid.z_face(k);
  Kokkos::deep_copy(z, host);
  return z;
}
}  // namespace

LayerFactors::LayerFactors(const grid::StructuredGrid& grid, const Kokkos::View<int**>& first_wet, const LogLayer& layer)
    : grid_(grid),
      first_wet_(first_wet),
      u_factor_(grid, "u_layer_factor", "1", "log-layer factor of the u faces"),
      v_factor_(grid, "v_layer_factor", "1", "log-layer factor of the v faces") {
  const int g = grid.ghost(), nz = grid.nz(), lni = grid.local_ni(), lnj = grid.local_nj();
  const int gi0 = grid.owned().i_begin, gj0 = grid.owned().j_begin, nx = grid.nx(), ny = grid.ny();
  auto zf = z_faces_view(grid);
  auto fw = first_wet;
  auto fu = u_factor_.view();
  auto fv = v_factor_.view();
  const LogLayer L = layer;
  u_factor_.fill(0.0);
  v_factor_.fill(0.0);
  // A face's log layer starts at its model seabed: the bottom face of the higher of its two columns'
  // first wet cells, where the face opens. Heights from the true seabed, which lies inside that cell,
  // gave the lowest open face the mean of a thinner, slower layer by an amount that depended on where
  // the grid's levels fell, and the friction velocity users of the flow derive from it with them.
  // Every local face with both cells local (halo faces included): the halo exchange sends owned rows
  // only, so the boundary faces of the neighbours' rows are computed here exactly as their owners do.
  Kokkos::parallel_for(
      "ocean::layer_factors", Policy3({0, 0, 0}, {lni, lnj, nz}), KOKKOS_LAMBDA(const int i, const int j, const int k) {
        const int gi = i - g + gi0, gj = j - g + gj0;
        if (i > 0 && gi >= 0 && gi <= nx && gj >= 0 && gj < ny) {
          // u face between cells (i-1, j) and (i, j); at the domain edge, the inside cell alone.
          int first = 0;
          if (gi > 0) first = fw(i - 1, j) > first ? fw(i - 1, j) : first;
          if (gi < nx) first = fw(i, j) > first ? fw(i, j) : first;
          const double bed = zf(first < nz ? first : nz), depth = -bed;
          if (k >= first && depth > 0.0) fu(i, j, k) = L.layer_factor(zf(k) - bed, zf(k + 1) - bed, depth);
        }
        if (j > 0 && gj >= 0 && gj <= ny && gi >= 0 && gi < nx) {
          int first = 0;
          if (gj > 0) first = fw(i, j - 1) > first ? fw(i, j - 1) : first;
          if (gj < ny) first = fw(i, j) > first ? fw(i, j) : first;
          const double bed = zf(first < nz ? first : nz), depth = -bed;
          if (k >= first && depth > 0.0) fv(i, j, k) = L.layer_factor(zf(k) - bed, zf(k + 1) - bed, depth);
        }
      });
}

void LayerFactors::build(const grid::Field& ubar, const grid::Field& vbar, grid::Field& u, grid::Field& v,
                         grid::Field& w, const grid::Field* u_shear, const grid::Field* v_shear) const {
  const int nz = grid_.nz(), lni = grid_.local_ni(), lnj = grid_.local_nj();
  const bool sheared = u_shear && v_shear;
  auto su = sheared ? u_shear->view() : u.view();
  auto sv = sheared ? v_shear->view() : v.view();
  auto fu = u_factor_.view();
  auto fv = v_factor_.view();
  auto ub = ubar.view();
  auto vb = vbar.view();
  auto u3 = u.view();
  auto v3 = v.view();
  // A closed face (factor 0) carries nothing, whatever the depth mean or the shear holds there.
  Kokkos::parallel_for(
      "ocean::build_3d_uv", Policy2({0, 0}, {lni, lnj}), KOKKOS_LAMBDA(const int i, const int j) {
        const double ui = ub(i, j, 0), vi = vb(i, j, 0);
        for (int k = 0; k < nz; ++k) {
          const double a = fu(i, j, k), b = fv(i, j, k);
          u3(i, j, k) = a > 0.0 ? ui * a + (sheared ? su(i, j, k) : 0.0) : 0.0;
          v3(i, j, k) = b > 0.0 ? vi * b + (sheared ? sv(i, j, k) : 0.0) : 0.0;
        }
      });
  u.exchange_halo();
  v.exchange_halo();
  vertical_velocity_from_continuity(grid_, first_wet_, u, v, w);
}

void vertical_velocity_from_continuity(const grid::StructuredGrid& grid, const Kokkos::View<int**>& first_wet,
                                       const grid::Field& u, const grid::Field& v, grid::Field& w) {
  const int g = grid.ghost(), nz = grid.nz(), lni = grid.local_ni(), lnj = grid.local_nj();
  const int gi0 = grid.owned().i_begin, gj0 = grid.owned().j_begin, nx = grid.nx(), ny = grid.ny();
  const auto dx = grid.dx_local_view(), dy = grid.dy_local_view();
  auto zf = z_faces_view(grid);
  auto fw = first_wet;
  auto u3 = u.view();
  auto v3 = v.view();
  auto w3 = w.view();
  // All local columns whose four side faces are local (u, v halos filled), so w needs no exchange of
  // its own beyond the outermost halo ring.
  Kokkos::parallel_for(
      "ocean::continuity_w", Policy2({0, 0}, {lni - 1, lnj - 1}), KOKKOS_LAMBDA(const int i, const int j) {
        const int gi = i - g + gi0, gj = j - g + gj0;
        const bool inside = gi >= 0 && gi < nx && gj >= 0 && gj < ny;
        const int first = inside ? fw(i, j) : nz;
        double flux = 0.0;  // w at the current bottom face
        for (int k = 0; k <= nz; ++k) {
          if (k > first) {
            const int c = k - 1;
            const double dz = zf(c + 1) - zf(c);
            flux -= dz * ((u3(i + 1, j, c) - u3(i, j, c)) / dx(i) + (v3(i, j + 1, c) - v3(i, j, c)) / dy(j));
          }
          w3(i, j, k) = k <= first ? 0.0 : flux;
        }
      });
  w.exchange_halo();
}

double relative_divergence(const grid::StructuredGrid& grid, const Kokkos::View<int**>& first_wet,
                           const grid::Field& u, const grid::Field& v, const grid::Field& w) {
  const int g = grid.ghost(), ni = grid.owned().ni(), nj = grid.owned().nj(), nz = grid.nz();
  const auto dx = grid.dx_local_view(), dy = grid.dy_local_view();
  auto zf = z_faces_view(grid);
  auto fw = first_wet;
  auto u3 = u.view();
  auto v3 = v.view();
  auto w3 = w.view();
  double max_div = 0.0, max_speed = 0.0;
  Kokkos::parallel_reduce(
      "ocean::max_divergence", Policy3({g, g, 0}, {g + ni, g + nj, nz}),
      KOKKOS_LAMBDA(const int i, const int j, const int k, double& m) {
        if (k < fw(i, j)) return;
        const double dz = zf(k + 1) - zf(k);
        const double div = (u3(i + 1, j, k) - u3(i, j, k)) / dx(i) + (v3(i, j + 1, k) - v3(i, j, k)) / dy(j) +
                           (w3(i, j, k + 1) - w3(i, j, k)) / dz;
        const double a = km::fabs(div);
        m = a > m ? a : m;
      },
      Kokkos::Max<double>(max_div));
  Kokkos::parallel_reduce(
      "ocean::max_face_speed", Policy3({g, g, 0}, {g + ni + 1, g + nj + 1, nz}),
      KOKKOS_LAMBDA(const int i, const int j, const int k, double& m) {
        const double a = km::fabs(u3(i, j, k)), b = km::fabs(v3(i, j, k));
        m = a > m ? a : m;
        m = b > m ? b : m;
      },
      Kokkos::Max<double>(max_speed));
  max_div = grid::global_max(grid.comm(), max_div);
  max_speed = grid::global_max(grid.comm(), max_speed);
  if (max_speed <= 0.0) return 0.0;
  return max_div * std::min(grid.min_dx(), grid.min_dy()) / max_speed;
}

void blend_fields(const grid::Field& a, const grid::Field& b, double weight, grid::Field& out) {
  // One flat loop over the contiguous storage (halos included): it vectorises.
  const double* x = a.view().data();
  const double* y = b.view().data();
  double* z = out.view().data();
  Kokkos::parallel_for(
      "ocean::blend", Kokkos::RangePolicy<>(0, out.view().span()),
      KOKKOS_LAMBDA(const std::size_t m) { z[m] = (1.0 - weight) * x[m] + weight * y[m]; });
}

void cell_centred_velocity(const grid::StructuredGrid& grid, const grid::Field& u, const grid::Field& v,
                           const grid::Field& w, grid::Field& uc, grid::Field& vc, grid::Field& wc) {
  const int g = grid.ghost(), ni = grid.owned().ni(), nj = grid.owned().nj(), nz = grid.nz();
  auto u3 = u.view();
  auto v3 = v.view();
  auto w3 = w.view();
  auto a = uc.view();
  auto b = vc.view();
  auto c = wc.view();
  Kokkos::parallel_for(
      "ocean::cell_velocity", Policy3({g, g, 0}, {g + ni, g + nj, nz}),
      KOKKOS_LAMBDA(const int i, const int j, const int k) {
        a(i, j, k) = 0.5 * (u3(i, j, k) + u3(i + 1, j, k));
        b(i, j, k) = 0.5 * (v3(i, j, k) + v3(i, j + 1, k));
        c(i, j, k) = 0.5 * (w3(i, j, k) + w3(i, j, k + 1));
      });
}

}  // namespace hadal::ocean
