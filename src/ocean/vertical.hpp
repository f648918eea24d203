// SPDX-License-Identifier: MIT
/// \file vertical.hpp
/// \brief Vertical structure of the near-bed velocity: a logarithmic bottom boundary layer under a
/// uniform interior, scaled so its depth mean equals the barotropic velocity, and the 3-D C-grid face
/// velocities built from it with w from continuity (discretely divergence-free in every wet cell).
#pragma once

#include <Kokkos_Core.hpp>

#include "grid/field.hpp"
#include "ocean/closures.hpp"

namespace hadal::ocean {

/// The log layer's factor of every local face (the profile's mean over the face's height over the depth
/// mean, 0 on closed faces), with heights from the face's model seabed (the bottom face of the first
/// level open on both sides), fixed by the wet cells: computed once, so that each 3-D field then costs a
/// multiply-add per face instead of the layer's logarithms.
class LayerFactors {
 public:
  LayerFactors(const grid::StructuredGrid& grid, const Kokkos::View<int**>& first_wet, const LogLayer& layer);
  /// 3-D face velocities (u on west faces, v on south faces, w on bottom faces, nk = nz+1) from depth-mean
  /// face velocities `ubar`, `vbar` (maps, halos filled, boundary faces set). A face is open when the cells
  /// on both sides are wet at that level (at the domain edge, the inside cell); w is zero at the bottom face
  /// of each column's first wet cell and follows from continuity upwards. Halos are exchanged. `u_shear`,
  /// `v_shear` (3-D face fields on every local face, or null) are added to the open faces before w is
  /// formed: a vertical shear whose full-column integral is zero (the data's, see DataShear) keeps the
  /// depth mean.
  void build(const grid::Field& ubar, const grid::Field& vbar, grid::Field& u, grid::Field& v, grid::Field& w,
             const grid::Field* u_shear = nullptr, const grid::Field* v_shear = nullptr) const;

 private:
  const grid::StructuredGrid& grid_;
  Kokkos::View<int**> first_wet_;
  grid::Field u_factor_, v_factor_;
};

/// w on bottom faces from continuity, column by column, given u and v on the faces (w = 0 on the
/// bottom face of the first wet cell and below). Halos of w are exchanged.
void vertical_velocity_from_continuity(const grid::StructuredGrid& grid, const Kokkos::View<int**>& first_wet,
                                       const grid::Field& u, const grid::Field& v, grid::Field& w);

/// Largest |divergence| * dx / max(|u|) over owned wet cells (global): a dimensionless
/// mass-consistency measure, round-off for fields from the two functions above.
double relative_divergence(const grid::StructuredGrid& grid, const Kokkos::View<int**>& first_wet,
                           const grid::Field& u, const grid::Field& v, const grid::Field& w);

/// out = (1 - weight) a + weight b over whole views (halos included, so no exchange is needed): fields of
/// two records blended in time.
void blend_fields(const grid::Field& a, const grid::Field& b, double weight, grid::Field& out);

/// Cell-centred components (averages of the two faces), for output.
void cell_centred_velocity(const grid::StructuredGrid& grid, const grid::Field& u, const grid::Field& v,
                           const grid::Field& w, grid::Field& uc, grid::Field& vc, grid::Field& wc);

}  // namespace hadal::ocean
