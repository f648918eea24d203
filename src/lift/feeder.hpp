// SPDX-License-Identifier: MIT
/// \file feeder.hpp
/// \brief The seabed ore feeder's tank cycle: how much ore enters the riser in a time interval.
///
/// Three (or more) lock-hopper tanks cycle fill -> hold (pressurise) -> discharge. The timed cycle is
/// integrated in closed form, the level-controlled one event by event, so the injected volume over a
/// step is exact and independent of the time step (solids conservation relies on it).
#pragma once

#include <string>
#include <vector>

#include "lift/network.hpp"

namespace hadal::lift {

class FeederCycle {
 public:
  /// `mean_rate`: ore volume rate (m3/s) the cycle delivers on average (timed) or while a tank
  /// discharges (level control; the rotary feeder's rate).
  FeederCycle(const TankCycle& cycle, double mean_rate);

  /// Ore volume injected over [t, t + dt]; advances the tank states. `enabled` false = feeder stopped
  /// (the level-controlled tanks still fill and hold, nothing is discharged).
  double advance(double t, double dt, bool enabled);
  /// Instantaneous injection rate at time t (for the time series).
  double rate(double t, bool enabled) const;
  /// Volume of ore in tank k (level control; timed cycle: derived from the phase).
  double level(int k, double t) const;
  int tanks() const { return cycle_.tanks; }
  double cycle_period() const { return period_; }
  double discharge_rate() const { return discharge_rate_; }

  /// Level-control state for checkpoints.
  std::vector<double> state() const;
  void restore(const std::vector<double>& state);

 private:
  enum Phase : int { Filling = 0, Holding = 1, Ready = 2, Discharging = 3, Depressurising = 4 };
  double timed_discharge_seconds(int k, double t) const;  ///< cumulative discharge time of tank k up to t
  double advance_level(double dt, bool enabled);

  TankCycle cycle_;
  double mean_rate_;
  double period_ = 0.0;
  double discharge_rate_ = 0.0;
  double tank_volume_ = 0.0;
  std::vector<int> phase_;
  std::vector<double> level_, timer_;
};

}  // namespace hadal::lift
