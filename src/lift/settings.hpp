// SPDX-License-Identifier: MIT
/// \file settings.hpp
/// \brief Settings of the lift case types as plain data: what keys.cpp parses a case file into and what
/// the solvers take (tests fill them directly).
#pragma once

#include <vector>

namespace hadal::lift {

/// How the ore's settling velocity and hindered-settling exponent follow from its size (`lift.ore`).
struct SettlingClosure {
  enum class Model { Given, Newton, RubyZanke } model = Model::Given;
  enum class Wall { None, Munroe, RichardsonZaki } wall = Wall::None;
  double given_velocity = 1.2;
  double drag_coefficient = 0.8;
  bool rowe = true;            ///< exponent from Rowe's correlation
  double fixed_exponent = 2.4;
};

/// `lift.steady`: what the steady solver imposes.
struct SteadyOptions {
  bool fixed_flow = false;   ///< impose the flow and compute the pump pressure rise it needs
  double flow = 0.2;         ///< m3/s, when fixed_flow
  double speed_ratio = 1.0;  ///< N/N0 of the pumps (pump-curve mode)
  double ore_scale = 1.0;    ///< multiplies the ore feed (continuation)
};

/// One scheduled operation of `lift.transient.events`.
struct TransientEvent {
  enum class Kind { Trip, Restart, Speed, FeederStop, FeederStart };
  double time = 0.0;
  Kind kind = Kind::Trip;
  double speed_ratio = 1.0;  ///< Restart / Speed target N/N0
  double ramp_time = 0.0;    ///< s, Restart / Speed
};

/// `lift.transient`: discretisation, initial state and schedule.
struct TransientOptions {
  double cell_size = 5.0;          ///< m (riser and supply legs)
  bool start_from_steady = true;   ///< false: riser full of carrier, feeder starts at t = 0
  double speed_ratio = 1.0;        ///< initial N/N0
  std::vector<TransientEvent> events;  ///< sorted by time
  double fixed_flow = 0.0;         ///< > 0: hold the loop flow at this value (verification of transport)
};

}  // namespace hadal::lift
