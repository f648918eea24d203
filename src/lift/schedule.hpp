// SPDX-License-Identifier: MIT
/// \file schedule.hpp
/// \brief The operator's schedule of a loop transient: which events have happened and what the pump
/// motors, the feeder and the valves are doing at any time. Shared by the rigid and the elastic model.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "lift/settings.hpp"

namespace hadal::lift {

class OperatingSchedule {
 public:
  /// `events` in any order; `speed_ratio`: the pumps' initial N/N0.
  OperatingSchedule(std::vector<TransientEvent> events, double speed_ratio);

  /// Time of the next event not yet applied (+inf if none), so steps can land on it.
  double next_event_time() const {
    return next_ < events_.size() ? events_[next_].time : 1e300;
  }
  /// Applies every event due at or before `time` and returns them, so the caller can react (restarts).
  /// `speed_now`: the pumps' present N/N0, where a speed ramp starts from.
  std::vector<TransientEvent> apply(double time, double speed_now);

  bool motor_on() const { return motor_on_; }
  bool feeder_on() const { return feeder_on_; }
  /// N/N0 the motors are told to run at (linear ramps between events).
  double speed_target(double time) const;
  /// Relative opening tau of the valve at `location` at `time` (1 until an event moves it).
  double valve_opening(ValveLocation location, double time) const;
  /// Time at which no valve moves any more (start of the last stroke + its duration; -inf if none).
  double last_stroke_end() const;

  /// Checkpoint state, and its inverse (reads from `state[k]` on, advances k).
  std::vector<double> state() const;
  void restore(const std::vector<double>& state, std::size_t& k);

 private:
  struct Stroke {
    double start = 0.0, duration = 0.0, from = 1.0, to = 1.0, exponent = 1.0;
  };
  std::vector<TransientEvent> events_;
  std::size_t next_ = 0;
  bool motor_on_ = true, feeder_on_ = true;
  double ramp_from_ = 1.0, ramp_to_ = 1.0, ramp_start_ = 0.0, ramp_time_ = 0.0;
  std::array<Stroke, kValveLocations> strokes_{};
};

}  // namespace hadal::lift
