// SPDX-License-Identifier: MIT
/// \file case_config.hpp
/// \brief The `lift:` block of a case file: schema, cross-key checks, and conversion into a Network.
#pragma once

#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "lift/network.hpp"
#include "lift/transient.hpp"

namespace hadal::lift {

enum class CaseKind { Steady, Transient, Envelope };

/// Declares the `lift:` block (with the sub-blocks the case kind uses) under `root`.
void declare_lift_schema(config::ObjectSpec& root, CaseKind kind);

/// Builds the network from a validated `lift:` block. Problems a user can fix (pump curve not
/// monotonic, depths that do not match, concentrations at or above the packing limit, ...) are
/// appended to `problems` with file/line/key; the returned network is only meaningful if none were.
Network network_from_config(const config::ConfigView& lift, std::vector<Diagnostic>& problems);

/// Same, throwing InputError listing every problem.
Network network_from_config(const config::ConfigView& lift);

/// Transient options (cell size, initial state, events) from `lift.transient`.
TransientOptions transient_options_from_config(const config::ConfigView& lift);

/// Settling velocity (m/s) and Richardson-Zaki exponent for a particle diameter, using the ore's
/// settling model, wall factor and the carrier properties (also used by the envelope sweep).
struct SettlingClosure {
  enum class Model { Given, Newton, RubyZanke } model = Model::Given;
  enum class Wall { None, Munroe, RichardsonZaki } wall = Wall::None;
  double given_velocity = 1.2;
  double drag_coefficient = 0.8;
  bool rowe = true;            ///< exponent from Rowe's correlation
  double fixed_exponent = 2.4;
};
void apply_settling(const SettlingClosure& closure, double diameter, Network& net);

/// The closure as read from `lift.ore`.
SettlingClosure settling_from_config(const config::ConfigView& ore);

}  // namespace hadal::lift
