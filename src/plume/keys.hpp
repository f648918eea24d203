// SPDX-License-Identifier: MIT
/// \file keys.hpp
/// \brief Every case-file key of the plume module: the schema (`hadal keys plume`), the cross-key
/// checks (`hadal check`), and the parsing of a validated case into the settings of settings.hpp.
#pragma once

#include <vector>

#include "core/config.hpp"
#include "plume/settings.hpp"
#include "plume/sources.hpp"

namespace hadal::plume {

/// Declares every block a `plume` case uses (grid, bathymetry, time, output stations, plume).
void declare_plume_schema(config::ObjectSpec& root);
/// Checks that need several keys: sources inside the domain and in water, particle counts a machine
/// can hold, a flow file that fits the grid.
void check_plume(const config::ConfigView& root, std::vector<Diagnostic>& problems);

/// `plume:` transport, bed and threshold settings; each class's settling velocity resolved from its law.
PlumeSettings plume_settings_from_config(const config::ConfigView& plume);
/// `plume.lagrangian` (defaults if the block is absent).
LagrangianSettings lagrangian_settings_from_config(const config::ConfigView& plume);
/// `plume.sources`; checks the fractions against the number of classes.
std::vector<Source> sources_from_config(const config::ConfigView& plume, std::size_t classes);
/// `plume.flow`.
FlowSettings flow_settings_from_config(const config::ConfigView& plume);
/// `plume.method`.
Method method_from_config(const config::ConfigView& plume);

}  // namespace hadal::plume
