// SPDX-License-Identifier: MIT
/// \file plume.hpp
/// \brief Sediment-plume module entry points.
#pragma once

#include "core/schema.hpp"

namespace hadal::plume {

/// Declares every block a `plume` case uses (grid, bathymetry, time, output stations, plume).
void declare_plume_schema(config::ObjectSpec& root);
void register_module();

}  // namespace hadal::plume
