// SPDX-License-Identifier: MIT
/// \file keys.hpp
/// \brief Case-file keys of the thermal module: the schema of the `mantle`, `steady_state`,
/// `stokes` and `core` blocks, the cross-key checks, and their parsing into settings.
#pragma once

#include <vector>

#include "core/config.hpp"
#include "core/schema.hpp"
#include "thermal/settings.hpp"

namespace hadal::thermal {

/// `mantle`, `steady_state` and `stokes`; `coupled`: the 2-D box under thermal.coupled (dimensional by
/// default, no 3-D keys).
void declare_mantle_schema(config::ObjectSpec& root, bool coupled);
/// `core`; `prescribed_flow`: with the cmb_heat_flow history of thermal.core.
void declare_core_schema(config::ObjectSpec& root, bool prescribed_flow);

/// Cross-key problems of the mantle blocks (file, line and key in each diagnostic).
void check_mantle(const config::ConfigView& root, std::vector<Diagnostic>& problems, bool coupled);
void check_core(const config::ConfigView& root, std::vector<Diagnostic>& problems, bool prescribed);

CoreParameters core_parameters(const config::ConfigView& core);
/// The 2-D box of a case and its scales (dimensional units: derived from mantle.physical; coupled:
/// the bottom temperature is the core's initial CMB temperature).
MantleSetup<MantleParameters> mantle_setup(const config::ConfigView& root, bool coupled);
/// The annulus of a case (geometry: annulus; its walls are velocity_boundaries.bottom and top), and
/// its inner radius in units of the thickness.
MantleSetup<MantleParametersAnnulus> mantle_setup_annulus(const config::ConfigView& root, bool coupled);
double annulus_inner_radius(const config::ConfigView& root);
/// How many earlier pseudo-time steps the Anderson acceleration mixes; 0 without acceleration.
int anderson_depth(const config::ConfigView& root);
/// The 3-D box of a thermal.mantle case with three cells.
MantleSetup<MantleParameters3D> mantle_setup_3d(const config::ConfigView& root);

}  // namespace hadal::thermal
