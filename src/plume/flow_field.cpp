// SPDX-License-Identifier: MIT
#include "plume/flow_field.hpp"

#include <algorithm>

#include "numerics/kokkos_math.hpp"
#include "plume/closures.hpp"

namespace hadal::plume {

namespace {
using Range2 = Kokkos::MDRangePolicy<Kokkos::Rank<2>>;
using Range3 = Kokkos::MDRangePolicy<Kokkos::Rank<3>>;
}  // namespace

void constrain_to_bathymetry(const grid::StructuredGrid& grid, const grid::Bathymetry& bathymetry, grid::Field& u,
                             grid::Field& v, grid::Field& w) {
  const auto U = u.view(), V = v.view(), W = w.view();
  const auto wet = bathymetry.first_wet();
  const int g = grid.ghost(), nz = grid.nz();
  Kokkos::parallel_for(
      "plume_mask_faces", Range3({1, 1, 0}, {grid.local_ni(), grid.local_nj(), nz}), KOKKOS_LAMBDA(int i, int j, int k) {
        const bool here = k >= wet(i, j);
        if (!here || k < wet(i - 1, j)) U(i, j, k) = 0.0;
        if (!here || k < wet(i, j - 1)) V(i, j, k) = 0.0;
      });
  const auto dx = grid.dx_local_view(), dy = grid.dy_local_view();
  const auto dz = grid.dz_view();
  Kokkos::parallel_for(
      "plume_w_continuity", Range2({g, g}, {g + grid.owned().ni(), g + grid.owned().nj()}), KOKKOS_LAMBDA(int i, int j) {
        const int kb = wet(i, j);
        for (int k = 0; k <= kb && k <= nz; ++k) W(i, j, k) = 0.0;
        for (int k = kb; k < nz; ++k) {
          const double divergence = (U(i + 1, j, k) - U(i, j, k)) / dx(i) + (V(i, j + 1, k) - V(i, j, k)) / dy(j);
          W(i, j, k + 1) = W(i, j, k) - divergence * dz(k);
        }
      });
}

void smagorinsky_diffusivity(const grid::StructuredGrid& grid, const PlumeSettings& settings, const grid::Field& u,
                             const grid::Field& v, grid::Field& kh, int ring) {
  const auto U = u.view(), V = v.view(), KH = kh.view();
  const int g = grid.ghost(), nz = grid.nz(), ni = grid.owned().ni(), nj = grid.owned().nj();
  const auto dx = grid.dx_local_view(), dy = grid.dy_local_view();
  const auto dxc = grid.dx_between_local_view(), dyc = grid.dy_between_local_view();
  const double cs2 = settings.smagorinsky_coefficient * settings.smagorinsky_coefficient;
  const double minimum = settings.kh_minimum;
  Kokkos::parallel_for(
      "plume_smagorinsky", Range3({g - ring, g - ring, 0}, {g + ni + ring, g + nj + ring, nz}),
      KOKKOS_LAMBDA(int i, int j, int k) {
        auto uc = [&](int ii, int jj) { return 0.5 * (U(ii, jj, k) + U(ii + 1, jj, k)); };
        auto vc = [&](int ii, int jj) { return 0.5 * (V(ii, jj, k) + V(ii, jj + 1, k)); };
        const double ux = (U(i + 1, j, k) - U(i, j, k)) / dx(i);
        const double vy = (V(i, j + 1, k) - V(i, j, k)) / dy(j);
        const double uy = (uc(i, j + 1) - uc(i, j - 1)) / (dyc(j) + dyc(j + 1));
        const double vx = (vc(i + 1, j) - vc(i - 1, j)) / (dxc(i) + dxc(i + 1));
        const double d = km::sqrt((ux - vy) * (ux - vy) + (uy + vx) * (uy + vx));
        KH(i, j, k) = cs2 * dx(i) * dy(j) * d + minimum;
      });
}

void bed_shear_stress(const grid::StructuredGrid& grid, const grid::Bathymetry& bathymetry,
                      const PlumeSettings& settings, const grid::Field& u, const grid::Field& v, grid::Field& tau,
                      int ring) {
  const auto U = u.view(), V = v.view(), TAU = tau.view();
  const auto wet = bathymetry.first_wet();
  const auto dz = grid.dz_view();
  const int g = grid.ghost(), nz = grid.nz();
  const double rho = settings.water_density, z0 = settings.bed_roughness, given_ustar = settings.friction_velocity;
  // The east/north face of the last column must exist: stop one column short of the local arrays.
  const int i_end = std::min(g + grid.owned().ni() + ring, grid.local_ni() - 1);
  const int j_end = std::min(g + grid.owned().nj() + ring, grid.local_nj() - 1);
  Kokkos::parallel_for(
      "plume_bed_stress", Range2({g - ring, g - ring}, {i_end, j_end}), KOKKOS_LAMBDA(int i, int j) {
        const int kb = wet(i, j);
        double stress = 0.0;
        if (kb < nz) {
          if (given_ustar > 0.0) {
            stress = rho * given_ustar * given_ustar;
          } else {
            const double ub = 0.5 * (U(i, j, kb) + U(i + 1, j, kb)), vb = 0.5 * (V(i, j, kb) + V(i, j + 1, kb));
            const double z1 = 0.5 * dz(kb);
            const double ratio = law_of_the_wall_ratio(z1, z0);
            stress = rho * ratio * ratio * (ub * ub + vb * vb);
          }
        }
        TAU(i, j, 0) = stress;
      });
}

}  // namespace hadal::plume
