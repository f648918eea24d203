// SPDX-License-Identifier: MIT
/// \file settings.hpp
/// \brief Settings of the lift case types as plain data: what keys.cpp parses a case file into and what
/// the solvers take (tests fill them directly).
#pragma once

#include <string>
#include <vector>

namespace hadal::lift {

/// Where a valve sits in the loop (see Valve in network.hpp).
enum class ValveLocation : int {
  PumpDischarge = 0,  ///< at the pumps' outlet, on the supply velocity (carrier)
  Feeder = 1,         ///< at the feeder, on the riser velocity (mixture at the riser base)
  RiserTop = 2,       ///< at the riser top before the separator, on the riser velocity (mixture at the top)
};
inline constexpr int kValveLocations = 3;

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
  enum class Kind { Trip, Restart, Speed, FeederStop, FeederStart, ValveClose, ValveOpen };
  double time = 0.0;
  Kind kind = Kind::Trip;
  double speed_ratio = 1.0;  ///< Restart / Speed target N/N0
  double ramp_time = 0.0;    ///< s, Restart / Speed
  ValveLocation valve = ValveLocation::Feeder;  ///< ValveClose / ValveOpen
  double stroke_time = 0.0;      ///< s, ValveClose / ValveOpen: 0 = instantaneous
  double stroke_exponent = 1.0;  ///< m of the law tau = tau_end + (tau_start - tau_end)(1 - s)^m, s = t/stroke
  double final_opening = 0.0;    ///< tau at the end of the stroke (ValveClose: default 0, ValveOpen: 1)
};

/// A pressure/velocity probe of the elastic model.
struct Station {
  std::string name;
  bool riser = true;      ///< riser or supply pipe
  double position = 0.0;  ///< m along the pipe from its start (riser: feeder; supply: ship)
};

/// Settings of the elastic (compressible) model of `lift.transient`.
struct ElasticOptions {
  double courant = 1.0;             ///< acoustic Courant number of the fastest cell
  bool unsteady_friction = true;    ///< Brunone's instantaneous-acceleration term
  double brunone_coefficient = -1.0;  ///< k; < 0: Vardy-Brown from the initial Reynolds number
  bool cavitation = true;           ///< discrete vapour cavities where the pressure reaches vapour pressure
  std::vector<Station> stations;
  double station_interval = 0.01;   ///< s between station samples
};

/// `lift.transient`: discretisation, initial state and schedule.
struct TransientOptions {
  enum class Model { Rigid, Elastic };
  Model model = Model::Rigid;
  double cell_size = 5.0;          ///< m (riser and supply legs)
  bool start_from_steady = true;   ///< false: riser full of carrier, feeder starts at t = 0
  double speed_ratio = 1.0;        ///< initial N/N0
  std::vector<TransientEvent> events;  ///< sorted by time
  double fixed_flow = 0.0;         ///< > 0: hold the loop flow at this value (verification of transport)
  ElasticOptions elastic;
};

}  // namespace hadal::lift
