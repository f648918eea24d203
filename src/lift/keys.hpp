// SPDX-License-Identifier: MIT
/// \file keys.hpp
/// \brief The `lift:` block of a case file: schema of every key, cross-key checks, and the parsing into
/// a Network and the settings of each case type.
#pragma once

#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "lift/network.hpp"
#include "lift/settings.hpp"

namespace hadal::lift {

/// Schemas of the three case types (the `lift:` block; the transient adds `time:` and `checkpoint:`).
void declare_steady_schema(config::ObjectSpec& root);
void declare_transient_schema(config::ObjectSpec& root);
void declare_envelope_schema(config::ObjectSpec& root);

/// Cross-key checks run by `hadal check` and before every run: appends every problem found.
void check_lift_case(const config::ConfigView& root, std::vector<Diagnostic>& problems);

/// Builds the network from a validated `lift:` block. Problems a user can fix (pump curve not
/// monotonic, depths that do not match, concentrations at or above the packing limit, ...) are
/// appended to `problems` with file/line/key; the returned network is only meaningful if none were.
Network network_from_config(const config::ConfigView& lift, std::vector<Diagnostic>& problems);

/// Same, throwing InputError listing every problem.
Network network_from_config(const config::ConfigView& lift);

/// Steady options (mode, imposed flow, pump speed) from `lift.steady` and `lift.pumps`.
SteadyOptions steady_options_from_config(const config::ConfigView& lift);

/// Transient options (cell size, initial state, events) from `lift.transient`.
TransientOptions transient_options_from_config(const config::ConfigView& lift);

/// The settling closure as read from `lift.ore`.
SettlingClosure settling_from_config(const config::ConfigView& ore);

}  // namespace hadal::lift
