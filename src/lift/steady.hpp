// SPDX-License-Identifier: MIT
/// \file steady.hpp
/// \brief Steady operating point of the circulating loop, solved with PETSc SNES.
///
/// Unknowns: loop flow Q (or the pump pressure rise when the flow is imposed), the gauge pressures at
/// pump discharge, feeder inlet, feeder outlet and riser top, and the in-situ concentration of every
/// riser section. Residuals: pump curve, supply-leg balance, feeder loss, riser balance, loop closure
/// at the separator, and the drift-flux relation F(C_r) = C_d j per section.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "lift/network.hpp"
#include "lift/settings.hpp"

namespace hadal::lift {

/// The loop has no operating point for this input; `key` names the case-file key to change.
class InfeasibleInput : public std::runtime_error {
 public:
  InfeasibleInput(std::string key, const std::string& message) : std::runtime_error(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

/// Term-by-term pressure budget of the loop (Pa); the terms add up to the pump pressure rise.
struct PressureBudget {
  double hydrostatic_imbalance = 0.0;  ///< riser column (mixture) minus supply column (carrier)
  double solids_static = 0.0;          ///<   of which: weight of the resident coarse ore above carrier
  double riser_friction = 0.0;         ///< carrier wall friction in the riser
  double riser_solids_friction = 0.0;  ///< extra friction from the coarse solids (model dependent)
  double supply_friction = 0.0;
  double local_losses = 0.0;           ///< minor losses of supply legs and riser
  double feeder = 0.0;                 ///< merging section K and solids acceleration
  double separator = 0.0;
  double total() const {
    return hydrostatic_imbalance + riser_friction + riser_solids_friction + supply_friction + local_losses + feeder +
           separator;
  }
};

struct SteadyResult {
  double flow = 0.0;                    ///< m3/s through the riser (= through the pumps)
  double speed_ratio = 1.0;
  double pump_pressure = 0.0;           ///< Pa, whole pump set
  double pump_power = 0.0;              ///< W shaft, whole set
  double pump_efficiency = 0.0;
  double riser_velocity = 0.0, supply_velocity = 0.0;
  double delivered_concentration = 0.0;
  double resident_concentration = 0.0;  ///< length-weighted mean over the riser
  double solids_velocity = 0.0;         ///< at the riser bottom
  double pressure_discharge = 0.0;      ///< gauge, pump outlet
  double pressure_feeder_inlet = 0.0;   ///< gauge, end of supply legs
  double pressure_feeder_outlet = 0.0;  ///< gauge, riser base
  double pressure_riser_top = 0.0;      ///< gauge
  double ambient_at_feeder = 0.0;       ///< seawater column at the feeder depth
  double production_t_per_day = 0.0;
  double specific_energy_kWh_per_t = 0.0;
  double min_velocity_ratio = 0.0;      ///< min over sections of j / v_t
  double min_velocity_margin = 0.0;     ///< min_velocity_ratio / blockage.velocity_ratio (< 1 unsafe)
  double riser_loss = 0.0;              ///< riser pressure loss above the seawater column (static excess + friction)
  double carrying_capacity = 0.0;       ///< max ore volume rate the riser can carry below C_max at this flow
  bool beyond_pump_curve = false;       ///< the operating flow lies beyond the last curve point
  std::vector<double> section_concentration;
  PressureBudget budget;
  int iterations = 0;
  double residual_norm = 0.0;
};

/// Solves the operating point. Throws InfeasibleInput when there is none (feeder rate too high for the
/// flow, pumps unable to lift the column), NumericalError if SNES fails for another reason.
SteadyResult solve_steady(const Network& net, const SteadyOptions& options = {});

/// Pressure (gauge) along a pipe at cell centres, for profiles. `concentration` per riser cell.
struct PipeProfile {
  std::vector<double> s, depth, pressure, ambient, concentration, solids_velocity;
  /// Elastic model only (empty otherwise): pressure envelope so far and the cavity volume per cell.
  std::vector<double> pressure_max, pressure_min, cavity_volume;
};
/// Steady profiles with cells of about `cell_size` metres.
PipeProfile steady_riser_profile(const Network& net, const SteadyResult& result, double cell_size);
PipeProfile steady_supply_profile(const Network& net, const SteadyResult& result, double cell_size);

/// Cells of a pipe: centre arc length, centre depth below the manifold (positive down) and inclination.
struct PipeCells {
  std::vector<double> s, depth, sin_angle, cos_angle, length;
};
/// Riser profile at loop flow q from `p_bottom` at the feeder outlet up, with the in-situ concentration per cell,
/// the closures' gradient and an inertial term rho_m * acceleration (dj/dt, m/s2; 0 in a steady state).
PipeProfile riser_profile(const Network& net, const PipeCells& cells, double q, double p_bottom,
                          const std::vector<double>& c_cells, double acceleration);
/// Supply-pipe profile at loop flow `flow` from `top_pressure` at the pumps down, with friction, the carrier's
/// weight and an inertial gradient (rho dv/dt, Pa/m; 0 in a steady state).
PipeProfile supply_profile(const Network& net, const PipeCells& cells, double flow, double top_pressure,
                           double inertia_gradient);
/// Cells of about `cell_size`, every section split into a whole number of equal cells. `ascending`:
/// the riser is described from the feeder upwards, the supply legs from the ship downwards.
PipeCells make_cells(const Pipe& pipe, double cell_size, double top_depth, bool ascending);

}  // namespace hadal::lift
