// SPDX-License-Identifier: MIT
/// \file elastic_loop.hpp
/// \brief The elastic (compressible) model of the loop: pressure waves in the supply pipes and the riser
/// (AcousticPipes), joined by the pumps (curve, inertia, check valve, discharge valve), the feeder's
/// merging section (and feeder valve) and the riser outlet (separator, riser-top valve), with column
/// separation. The solids move on the same riser cells with the face volume fluxes of the pressure
/// waves; the riser's density and wave speed follow the concentration. Each outer step (the transport's
/// CFL) runs as many acoustic sub-steps as the wave speed needs.
#pragma once

#include <string>
#include <vector>

#include "lift/acoustic_pipes.hpp"
#include "lift/loop.hpp"

namespace hadal::lift {

/// Where and when a pressure extreme of the run occurred.
struct PressureExtreme {
  double value = 0.0;
  bool riser = true;      ///< riser or supply pipe
  double position = 0.0;  ///< m along the pipe from its start
  double depth = 0.0;     ///< m below the ship manifold
  double time = 0.0;      ///< s
};

class ElasticLoop : public LoopModel {
 public:
  static constexpr int kSupply = 0, kRiser = 1;

  ElasticLoop(const Network& net, const TransientOptions& options);

  double stable_dt(double cfl) const override { return solids_.stable_dt(cfl); }
  void advance(double time, double dt) override;

  double flow() const override { return pump_flow_; }
  double speed_ratio() const override { return r_; }
  double pump_pressure() const override { return net_.pumps.pressure_rise(pump_flow_, r_); }
  double pump_power() const override { return net_.pumps.shaft_power(pump_flow_, r_); }
  double feeder_pressure() const override { return feeder_inlet_pressure_; }
  double riser_velocity() const override;
  PipeProfile riser_profile() const override;
  PipeProfile supply_profile() const override;
  double work_of_last_step() const override { return substeps_ * pipes_.total_cells(); }
  double pump_energy(double /*dt*/) const override { return step_energy_; }

  const AcousticPipes& pipes() const { return pipes_; }
  /// Acoustic time step of the last outer step and the mean wave speeds now.
  double acoustic_step() const { return acoustic_step_; }
  double supply_wave_speed() const { return supply_wave_speed_; }
  double mean_riser_wave_speed() const;

  /// Columns of the station series and the rows sampled since the last call (every station_interval).
  std::vector<std::string> station_columns() const;
  std::vector<std::vector<double>> take_station_rows();

  /// Pressure extremes over the run so far: gauge maximum and minimum, and the largest excess of the pipe's
  /// pressure over the seawater outside (burst) and of the seawater over the pipe's (collapse).
  PressureExtreme maximum_pressure() const;
  PressureExtreme minimum_pressure() const;
  PressureExtreme maximum_overpressure() const;
  PressureExtreme maximum_underpressure() const;
  /// First cavity of the run (value: -1 if none) and the largest total cavity volume per pipe (m3) with
  /// its time (sampled with the stations).
  PressureExtreme first_cavity() const;
  double largest_cavity_volume(int pipe) const { return cavity_peak_[pipe]; }
  double largest_cavity_time(int pipe) const { return cavity_peak_time_[pipe]; }
  double valve_opening(ValveLocation location) const { return schedule_.valve_opening(location, time_); }

 protected:
  std::vector<double> flow_state() const override;
  void restore_flow_state(const std::vector<double>& s, std::size_t& k) override;

 private:
  void substep(double time, double dt);
  /// Density, effective bulk modulus and friction multiplier of the riser cells from the concentrations.
  void refresh_riser_properties();
  void sample_stations(double time);
  PipeProfile profile(int pipe) const;
  /// Extreme of `field` (per pipe) weighted by `sign` (+1 maximum, -1 minimum), relative to the ambient
  /// seawater pressure if `relative`.
  PressureExtreme extreme(bool maximum, bool relative) const;

  AcousticPipes pipes_;
  double courant_;
  double r_ = 1.0;
  double pump_flow_ = 0.0, feeder_flow_ = 0.0, top_flow_ = 0.0;
  double pump_discharge_pressure_ = 0.0, feeder_inlet_pressure_ = 0.0, feeder_outlet_pressure_ = 0.0,
         riser_top_pressure_ = 0.0;
  double c_bottom_ = 0.0, c_top_ = 0.0;
  double time_ = 0.0, acoustic_step_ = 0.0, substeps_ = 0.0, supply_wave_speed_ = 0.0;
  double step_energy_ = 0.0;  ///< pumps' shaft energy over the last outer step
  // Stations.
  std::vector<Station> stations_;
  Kokkos::View<int*> station_cells_;
  double station_interval_ = 0.01, next_station_time_ = 0.0;
  std::vector<std::vector<double>> station_rows_;
  double cavity_peak_[2] = {0.0, 0.0}, cavity_peak_time_[2] = {0.0, 0.0};
};

}  // namespace hadal::lift
