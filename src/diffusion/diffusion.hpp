// SPDX-License-Identifier: MIT
/// \file diffusion.hpp
/// \brief Physics-free verification case for the infrastructure: anisotropic diffusion of a Gaussian
/// puff in a closed box, compared every output with the exact solution. It exercises the grid, halos,
/// the time loop, output, stations, checkpoints and restart without any module's physics.
#pragma once

namespace hadal::diffusion {

/// Exact concentration of a Gaussian puff of `mass` released at t = -t0 at (xc, yc, zc), with
/// diffusivities (kx, ky, kz), evaluated at time t (unbounded domain).
double gaussian_puff(double mass, double kx, double ky, double kz, double t_total, double dx, double dy, double dz);

void register_module();

}  // namespace hadal::diffusion
