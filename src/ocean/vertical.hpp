// SPDX-License-Identifier: MIT
/// \file vertical.hpp
/// \brief Vertical structure of the near-bed velocity: a logarithmic bottom boundary layer under a
/// uniform interior, scaled so its depth mean equals the barotropic velocity, and the 3-D C-grid face
/// velocities built from it with w from continuity (discretely divergence-free in every wet cell).
#pragma once

#include <Kokkos_Core.hpp>

#include "grid/field.hpp"
#include "numerics/kokkos_math.hpp"

namespace hadal::ocean {

/// u(zeta) = U_delta ln(zeta/z0) / ln(delta/z0) for z0 < zeta < delta (height above the bed), U_delta
/// above, zero below z0. delta is capped by the water depth.
struct LogLayer {
  double kappa = 0.41;
  double roughness = 1e-3;   ///< z0, m
  double thickness = 20.0;   ///< delta, m

  /// Integral of the shape function from the bed to height zeta (m), for a column of depth H.
  KOKKOS_INLINE_FUNCTION double shape_integral(double zeta, double depth) const {
    const double z0 = roughness;
    const double delta = thickness < depth ? thickness : depth;
    if (zeta <= z0) return 0.0;
    const double log_delta = km::log(delta / z0);
    const double zl = zeta < delta ? zeta : delta;
    double integral = (zl * km::log(zl / z0) - zl + z0) / log_delta;
    if (zeta > delta) integral += zeta - delta;
    return integral;
  }
  /// U_delta / U: the interior speed over the depth mean.
  KOKKOS_INLINE_FUNCTION double interior_ratio(double depth) const {
    return depth / shape_integral(depth, depth);
  }
  /// Mean velocity over heights [zeta1, zeta2] above the bed divided by the depth-mean velocity.
  KOKKOS_INLINE_FUNCTION double layer_factor(double zeta1, double zeta2, double depth) const {
    if (zeta2 <= zeta1) return 0.0;
    return interior_ratio(depth) * (shape_integral(zeta2, depth) - shape_integral(zeta1, depth)) / (zeta2 - zeta1);
  }
  /// Quadratic drag coefficient tau/(rho U^2) implied by the log layer: (kappa r / ln(delta/z0))^2.
  KOKKOS_INLINE_FUNCTION double drag_coefficient(double depth) const {
    const double delta = thickness < depth ? thickness : depth;
    const double a = kappa * interior_ratio(depth) / km::log(delta / roughness);
    return a * a;
  }
};

/// Builds 3-D face velocities (u on west faces, v on south faces, w on bottom faces, nk = nz+1) on the
/// grid from depth-mean face velocities `ubar`, `vbar` (maps, halos filled, boundary faces set) and the
/// still-water depth map. A face is open when the cells on both sides are wet at that level (at the
/// domain edge, the inside cell); w is zero at the bottom face of each column's first wet cell and
/// follows from continuity upwards. Halos are exchanged.
void build_3d_velocity(const grid::StructuredGrid& grid, const Kokkos::View<int**>& first_wet,
                       const grid::Field& seabed_elevation, const grid::Field& ubar, const grid::Field& vbar,
                       const LogLayer& layer, grid::Field& u, grid::Field& v, grid::Field& w);

/// w on bottom faces from continuity, column by column, given u and v on the faces (w = 0 on the
/// bottom face of the first wet cell and below). Halos of w are exchanged.
void vertical_velocity_from_continuity(const grid::StructuredGrid& grid, const Kokkos::View<int**>& first_wet,
                                       const grid::Field& u, const grid::Field& v, grid::Field& w);

/// Largest |divergence| * dx / max(|u|) over owned wet cells (global): a dimensionless
/// mass-consistency measure, round-off for fields from the two functions above.
double relative_divergence(const grid::StructuredGrid& grid, const Kokkos::View<int**>& first_wet,
                           const grid::Field& u, const grid::Field& v, const grid::Field& w);

/// Cell-centred components (averages of the two faces), for output.
void cell_centred_velocity(const grid::StructuredGrid& grid, const grid::Field& u, const grid::Field& v,
                           const grid::Field& w, grid::Field& uc, grid::Field& vc, grid::Field& wc);

}  // namespace hadal::ocean
