// SPDX-License-Identifier: MIT
/// \file keys.hpp
/// \brief Every key of the `ocean:` case-file block (tidal solver, downscaling, vertical structure, stations),
/// the cross-key checks, and the parsing of a block into the settings of settings.hpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "grid/grid.hpp"
#include "ocean/closures.hpp"
#include "ocean/settings.hpp"

namespace hadal::ocean {

/// Declares the keys of an `ocean:` block. `with_model` adds `model: tidal|downscale` (the flow-source
/// form used inside plume.flow); case types fix the model instead.
void declare_ocean_block(config::ObjectSpec& block, bool with_model);
/// Cross-key checks (constituent names, required sub-blocks); `model` is "tidal" or "downscale".
void check_ocean_block(const config::ConfigView& block, const std::string& model, std::vector<Diagnostic>& problems);

TidalConfig tidal_config(const config::ConfigView& block, const grid::StructuredGrid& grid);
LogLayer log_layer_config(const config::ConfigView& block);
/// The `data:` block; `root` (the case, if any) supplies bathymetry.reference when data.reference is absent.
CoarseDataSpec coarse_data_spec(const config::ConfigView& data, const config::ConfigView& root);
ProjectionSettings projection_config(const config::ConfigView& block, const grid::StructuredGrid& grid);
std::vector<Station> stations_config(const config::ConfigView& block);
ReplaySettings replay_settings(const config::ConfigView& block);

}  // namespace hadal::ocean
