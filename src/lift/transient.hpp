// SPDX-License-Identifier: MIT
/// \file transient.hpp
/// \brief 1-D finite-volume drift-flux transient of the loop: coarse-solids transport with slip in the
/// riser (MUSCL-Hancock + exact Godunov flux, packing limiter), rigid-column mixture momentum for the
/// loop flow (backward Euler), pump speed dynamics after a trip, the feeder's tank cycle, and blockage
/// detection. Independent of the time-loop driver so tests can drive it step by step.
#pragma once

#include <string>
#include <vector>

#include <Kokkos_Core.hpp>

#include "lift/feeder.hpp"
#include "lift/network.hpp"
#include "lift/settings.hpp"
#include "lift/steady.hpp"

namespace hadal::lift {

/// First occurrence of an alarm.
struct AlarmRecord {
  bool raised = false;
  double time = 0.0;
  double position = 0.0;  ///< m along the riser from the feeder
  double depth = 0.0;     ///< m below the manifold
  double value = 0.0;     ///< concentration or velocity ratio that raised it
};

/// One sample of the time series.
struct SeriesSample {
  double time, flow, speed_ratio, pump_pressure, pump_power, feeder_pressure, feeder_overpressure, top_concentration,
      top_delivered_concentration, production_t_per_day, injection_t_per_day, riser_inventory, max_concentration,
      velocity_ratio;
};
std::vector<std::string> series_columns();
std::vector<double> series_row(const SeriesSample& s);

class LoopTransient {
 public:
  using View = Kokkos::View<double*>;

  LoopTransient(const Network& net, const TransientOptions& options);

  double stable_dt(double cfl) const;
  /// Time of the next scheduled event not yet applied (+inf if none), so steps can land on it.
  double next_event_time() const {
    return next_event_ < options_.events.size() ? options_.events[next_event_].time : 1e300;
  }
  /// Advances from `time` to `time + dt` (events at or before `time` have been applied).
  void advance(double time, double dt);

  // State and diagnostics.
  double flow() const { return q_; }
  double speed_ratio() const { return r_; }
  double riser_velocity() const { return q_ / net_.riser.area(); }
  int cells() const { return n_; }
  const PipeCells& riser_cells() const { return riser_cells_; }
  const PipeCells& supply_cells() const { return supply_cells_; }
  std::vector<double> concentration() const;  ///< host copy
  void set_concentration(const std::vector<double>& c);
  double riser_inventory() const;          ///< m3 of ore in the riser
  double injected_volume() const { return injected_; }
  double outflow_volume() const { return outflow_; }
  double initial_inventory() const { return initial_inventory_; }
  /// (inventory - initial - injected + outflow) / max(initial + injected, tiny)
  double conservation_error() const;
  double pump_pressure() const;
  double pump_power() const;
  /// Pump pressure needed to start flow from rest with the present solids (static loop imbalance).
  double restart_pressure() const;
  /// Settled-bed length: cells at or above 99 % of the packing limit.
  double bed_length() const;
  SeriesSample sample(double time) const;
  /// Riser and supply pressure profiles (gauge) for the present state.
  PipeProfile riser_profile() const;
  PipeProfile supply_profile() const;

  const AlarmRecord& packing_alarm() const { return packing_; }
  const AlarmRecord& velocity_alarm() const { return velocity_; }
  double min_velocity_margin() const { return min_margin_; }
  double last_restart_pressure() const { return restart_pressure_at_event_; }
  double restart_time() const { return restart_time_; }
  double bed_length_at_restart() const { return bed_at_restart_; }
  /// Ore the feeder could not push into a packed merging section (stays in the feeder), m3.
  double rejected_volume() const { return rejected_; }
  double choked_time() const { return choked_time_; }
  double max_concentration_seen() const { return max_c_seen_; }
  const SteadyResult& initial_steady() const { return steady_; }
  const FeederCycle& feeder() const { return feeder_; }

  /// Everything needed to continue a run (checkpoint), as a flat vector, and its inverse.
  std::vector<double> scalar_state() const;
  void restore_scalar_state(const std::vector<double>& s);

 private:
  struct Sums {
    double statics, mixture_excess, worster, inertance;
  };
  Sums riser_sums() const;
  double loop_resistance(double q, const Sums& sums, double c_bottom, double c_top) const;
  void apply_events(double time);
  double scheduled_speed(double time) const;
  void solve_flow(double time, double dt);
  void transport(double dt, double injected);
  void check_alarms(double time);

  Network net_;
  TransientOptions options_;
  SteadyResult steady_;
  PipeCells riser_cells_, supply_cells_;
  int n_ = 0;
  View c_, c_new_, face_flux_, face_minus_, face_plus_, dx_, sin_, cos_;
  DriftFlux drift_;
  FeederCycle feeder_;

  double q_ = 0.0, r_ = 1.0, dqdt_ = 0.0;
  bool motor_on_ = true, feeder_on_ = true;
  double ramp_from_ = 1.0, ramp_to_ = 1.0, ramp_start_ = 0.0, ramp_time_ = 0.0;
  std::size_t next_event_ = 0;
  double injected_ = 0.0, injected_comp_ = 0.0, outflow_ = 0.0, outflow_comp_ = 0.0, initial_inventory_ = 0.0;
  double last_injection_rate_ = 0.0, last_top_flux_ = 0.0;
  AlarmRecord packing_, velocity_;
  double min_margin_ = 1e300;
  double restart_pressure_at_event_ = 0.0, restart_time_ = -1.0, bed_at_restart_ = 0.0;
  double rejected_ = 0.0, rejected_comp_ = 0.0, choked_time_ = -1.0, current_time_ = 0.0, dx_host0_ = 1.0;
  double max_c_seen_ = 0.0;
};

}  // namespace hadal::lift
