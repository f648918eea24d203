// SPDX-License-Identifier: MIT
/// \file keys.hpp
/// \brief Every case-file key of the `diffusion` case type: schema, checks, parsing.
#pragma once

#include <vector>

#include "core/config.hpp"
#include "diffusion/settings.hpp"

namespace hadal::diffusion {

/// Declares the grid, time, output stations and `diffusion:` blocks.
void declare_schema(config::ObjectSpec& root);
/// The release point lies inside the grid.
void check(const config::ConfigView& root, std::vector<Diagnostic>& problems);
DiffusionSettings settings_from_config(const config::ConfigView& diffusion);

}  // namespace hadal::diffusion
