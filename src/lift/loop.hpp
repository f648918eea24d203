// SPDX-License-Identifier: MIT
/// \file loop.hpp
/// \brief What every transient model of the loop shares: the initial steady point, the operator's
/// schedule, the feeder's tank cycle, the coarse-ore transport in the riser with its alarms, the time
/// series sample and the checkpoint state. The flow itself (rigid column or pressure waves) is the
/// derived model's. Independent of the time-loop driver so tests can drive a model step by step.
#pragma once

#include <string>
#include <vector>

#include "lift/feeder.hpp"
#include "lift/network.hpp"
#include "lift/schedule.hpp"
#include "lift/settings.hpp"
#include "lift/solids.hpp"
#include "lift/steady.hpp"

namespace hadal::lift {

/// One sample of the time series.
struct SeriesSample {
  double time, flow, speed_ratio, pump_pressure, pump_power, feeder_pressure, feeder_overpressure, top_concentration,
      top_delivered_concentration, production_t_per_day, injection_t_per_day, riser_inventory, max_concentration,
      velocity_ratio;
};
std::vector<std::string> series_columns();
std::vector<double> series_row(const SeriesSample& s);

class LoopModel {
 public:
  LoopModel(const Network& net, const TransientOptions& options);
  virtual ~LoopModel() = default;
  LoopModel(const LoopModel&) = delete;
  LoopModel& operator=(const LoopModel&) = delete;

  /// Largest step the model takes next (transport CFL; the elastic model sub-steps the pressure waves).
  virtual double stable_dt(double cfl) const = 0;
  /// Time of the next scheduled event not yet applied (+inf if none), so steps can land on it.
  double next_event_time() const { return schedule_.next_event_time(); }
  /// Advances from `time` to `time + dt` (events at or before `time` have been applied).
  virtual void advance(double time, double dt) = 0;

  // Flow state.
  virtual double flow() const = 0;            ///< through the pumps, m3/s
  virtual double speed_ratio() const = 0;     ///< pump N/N0
  virtual double pump_pressure() const = 0;   ///< pressure rise of the pump set, Pa
  virtual double pump_power() const = 0;      ///< shaft power of the set, W
  virtual double feeder_pressure() const = 0; ///< gauge pressure at the end of the supply pipes, Pa
  virtual double riser_velocity() const = 0;  ///< mean mixture velocity in the riser, m/s
  /// Pressure (gauge) profiles of the present state.
  virtual PipeProfile riser_profile() const = 0;
  virtual PipeProfile supply_profile() const = 0;
  /// Shaft energy the pumps took over the last step of length dt, J.
  virtual double pump_energy(double dt) const { return pump_power() * dt; }
  /// Cell-updates of the last step (throughput figures).
  virtual double work_of_last_step() const { return solids_.cells(); }

  // Shared state and diagnostics.
  int cells() const { return solids_.cells(); }
  const PipeCells& riser_cells() const { return riser_cells_; }
  const PipeCells& supply_cells() const { return supply_cells_; }
  const SolidsTransport& solids() const { return solids_; }
  std::vector<double> concentration() const { return solids_.concentration(); }
  void set_concentration(const std::vector<double>& c) { solids_.set_concentration(c); }
  double riser_inventory() const { return solids_.inventory(); }
  double injected_volume() const { return solids_.injected_volume(); }
  double outflow_volume() const { return solids_.outflow_volume(); }
  double conservation_error() const { return solids_.conservation_error(); }
  double bed_length() const { return solids_.bed_length(); }
  const AlarmRecord& packing_alarm() const { return solids_.packing_alarm(); }
  const AlarmRecord& velocity_alarm() const { return solids_.velocity_alarm(); }
  double min_velocity_margin() const { return solids_.min_velocity_margin(); }
  double rejected_volume() const { return solids_.rejected_volume(); }
  double choked_time() const { return solids_.choked_time(); }
  double max_concentration_seen() const { return solids_.max_concentration_seen(); }
  /// Pump pressure needed to start flow from rest with the present solids (static loop imbalance).
  double restart_pressure() const;
  double last_restart_pressure() const { return restart_pressure_at_event_; }
  double restart_time() const { return restart_time_; }
  double bed_length_at_restart() const { return bed_at_restart_; }
  const SteadyResult& initial_steady() const { return steady_; }
  const FeederCycle& feeder() const { return feeder_; }
  const OperatingSchedule& schedule() const { return schedule_; }
  const Network& network() const { return net_; }
  const TransientOptions& options() const { return options_; }
  SeriesSample sample(double time) const;

  /// Everything needed to continue a run besides the concentration field (checkpoint), and its inverse.
  std::vector<double> scalar_state() const;
  void restore_scalar_state(const std::vector<double>& state);

 protected:
  /// Riser sums over the cells: static head, mixture-friction and Worster-Denny weights, inertance.
  struct Sums {
    double statics, mixture_excess, worster, inertance;
  };
  Sums riser_sums() const;
  /// Applies the events due at `time` (recording the static restart pressure at a restart).
  void apply_events(double time);
  /// Ore volume the feeder offers over [time, time + dt] at loop flow q.
  double feeder_offer(double time, double dt, double q);
  /// The flow model's own checkpoint state.
  virtual std::vector<double> flow_state() const = 0;
  virtual void restore_flow_state(const std::vector<double>& state, std::size_t& k) = 0;

  Network net_;
  TransientOptions options_;
  SteadyResult steady_;
  PipeCells riser_cells_, supply_cells_;
  OperatingSchedule schedule_;
  FeederCycle feeder_;
  SolidsTransport solids_;
  double restart_pressure_at_event_ = 0.0, restart_time_ = -1.0, bed_at_restart_ = 0.0;
};

}  // namespace hadal::lift
