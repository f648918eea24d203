// SPDX-License-Identifier: MIT
/// \file settling.hpp
/// \brief Terminal settling velocity of a sediment grain in still water.
#pragma once

#include <string>

namespace hadal::plume {

enum class SettlingLaw { Given, Stokes, FergusonChurch, Soulsby };

SettlingLaw settling_law_from_name(const std::string& name);

/// Stokes drag: ws = (rho_s - rho_w) g d^2 / (18 rho_w nu). Valid for particle Reynolds numbers
/// below about 0.5 (d < ~60 um for sulfide grains in seawater).
double stokes_velocity(double diameter, double grain_density, double water_density, double kinematic_viscosity);

/// Ferguson & Church (2004): ws = R g d^2 / (C1 nu + sqrt(0.75 C2 R g d^3)), C1 = 18, R = rho_s/rho_w - 1.
/// Reduces to Stokes for fine grains and to a constant drag coefficient for coarse ones.
/// `shape` = C2: 0.4 smooth spheres, 1.0 natural grains, 1.2 very angular.
double ferguson_church_velocity(double diameter, double grain_density, double water_density,
                                double kinematic_viscosity, double shape);

/// Soulsby (1997): ws = (nu/d) [sqrt(10.36^2 + 1.049 D*^3) - 10.36], D* = d [(s-1) g / nu^2]^(1/3).
double soulsby_velocity(double diameter, double grain_density, double water_density, double kinematic_viscosity);

}  // namespace hadal::plume
