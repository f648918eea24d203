// SPDX-License-Identifier: MIT
/// \file flow_field.hpp
/// \brief What both plume methods do to a provider's flow before using it: faces touching rock carry
/// nothing, w follows from continuity (so every wet cell's face fluxes balance), and the flow-derived
/// Smagorinsky diffusivity and bed shear stress.
#pragma once

#include "grid/bathymetry.hpp"
#include "grid/field.hpp"
#include "plume/settings.hpp"

namespace hadal::plume {

/// Zeroes u and v on faces touching a rock cell (all local faces) and sets w from continuity upwards
/// from the seabed (w = 0 there) in the owned columns; the grid top stays open. u and v must have
/// their halos exchanged.
void constrain_to_bathymetry(const grid::StructuredGrid& grid, const grid::Bathymetry& bathymetry, grid::Field& u,
                             grid::Field& v, grid::Field& w);

/// Kh = Cs^2 dx dy |D| + minimum from cell-centred velocity gradients, on the owned cells and `ring`
/// halo cells around them (ring <= ghost - 1).
void smagorinsky_diffusivity(const grid::StructuredGrid& grid, const PlumeSettings& settings, const grid::Field& u,
                             const grid::Field& v, grid::Field& kh, int ring);

/// Bed shear stress per column (map field): rho u*^2 with a given u*, else the law of the wall at the
/// lowest wet cell, tau = rho [kappa |u_b| / ln(z1 / z0)]^2. Owned columns plus `ring` halo columns.
void bed_shear_stress(const grid::StructuredGrid& grid, const grid::Bathymetry& bathymetry,
                      const PlumeSettings& settings, const grid::Field& u, const grid::Field& v, grid::Field& tau,
                      int ring);

}  // namespace hadal::plume
