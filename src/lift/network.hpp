// SPDX-License-Identifier: MIT
/// \file network.hpp
/// \brief The circulating-slurry loop as data: fluid and ore, pumps, supply pipes, ore feeder, riser
/// and separator. Everything in SI. Built from a case file by keys.cpp or directly by tests.
#pragma once

#include <string>
#include <vector>

#include "lift/closures.hpp"
#include "lift/settings.hpp"
#include "numerics/constants.hpp"

namespace hadal::lift {

/// Carrier water with fines (pseudo-homogeneous) and the gravity constant.
struct Fluid {
  double water_density = 1025.0;         ///< kg/m3 (seawater)
  double water_viscosity = 1.2e-6;       ///< kinematic, m2/s
  double fines_concentration = 0.016;    ///< volume fraction of fines in the carrier
  double fines_density = 3500.0;         ///< kg/m3
  double gravity = 9.81;                 ///< m/s2
  double bulk_modulus = 2.34e9;          ///< Pa, seawater
  double vapour_pressure = 2.3e3;        ///< Pa absolute (column separation)
  double atmospheric_pressure = 101325.0;  ///< Pa absolute at the ship (gauge pressures are above it)

  double carrier_density() const { return water_density + fines_concentration * (fines_density - water_density); }
  double carrier_viscosity() const { return water_viscosity * thomas_relative_viscosity(fines_concentration) *
                                            water_density / carrier_density(); }
};

/// Coarse ore (the part that slips and settles).
struct Ore {
  double density = 3500.0;               ///< kg/m3
  double diameter = 0.02;                ///< m (for Rowe's exponent, Newton settling, Ergun, Durand)
  double settling_velocity = 1.2;        ///< m/s, single particle in the riser, wall factor included
  double drag_coefficient = 0.8;
  double hindered_exponent = 2.4;        ///< Richardson-Zaki n
  double distribution = 1.0;             ///< C0
  double packing_limit = 0.55;           ///< in-situ concentration of a settled bed
  double bulk_modulus = 7.0e10;          ///< Pa (pressure-wave speed of the slurry, Wood)
  double bed_porosity() const { return 1.0 - packing_limit; }
};

/// One straight stretch of a pipe, inclination measured from the horizontal (0..90 degrees).
struct PipeSection {
  double length = 0.0;     ///< m
  double angle = 0.0;      ///< rad
};

struct Pipe {
  std::string name;
  double diameter = 0.2;               ///< inner diameter, m
  double roughness = 4.5e-5;           ///< m
  double minor_loss = 0.0;             ///< sum of local loss coefficients K (on the pipe velocity)
  int count = 1;                       ///< identical pipes in parallel
  double wall_thickness = 0.02;        ///< m
  double wall_modulus = 207e9;         ///< Young's modulus of the wall, Pa (pressure-wave speed)
  double poisson_ratio = 0.3;
  PipeSupport support = PipeSupport::ExpansionJoints;
  std::vector<PipeSection> sections;

  double area() const { return 0.25 * numerics::kPi * diameter * diameter; }
  double length() const;
  double rise() const;  ///< sum of L sin(angle)
  double restraint() const { return restraint_factor(support, diameter, wall_thickness, poisson_ratio); }
};

/// Pump characteristic at rated speed: pressure rise and efficiency through points (monotone cubic).
class PumpCurve {
 public:
  PumpCurve() = default;
  /// flow strictly increasing, pressure strictly decreasing (validated by the caller).
  PumpCurve(std::vector<double> flow, std::vector<double> pressure, std::vector<double> efficiency);
  double pressure(double flow) const;
  double efficiency(double flow) const;
  double max_flow() const { return flow_.empty() ? 0.0 : flow_.back(); }
  double shutoff_pressure() const { return pressure(0.0); }
  /// Flow of the best-efficiency point (sampled once at construction).
  double best_efficiency_flow() const { return bep_flow_; }
  bool empty() const { return flow_.empty(); }

 private:
  static double evaluate(const std::vector<double>& x, const std::vector<double>& y,
                         const std::vector<double>& slope, double at);
  std::vector<double> flow_, pressure_, efficiency_, pressure_slope_, efficiency_slope_;
  double bep_flow_ = 0.0;
};

/// Monotone cubic (Fritsch-Carlson) slopes of y(x); exposed for tests.
std::vector<double> monotone_slopes(const std::vector<double>& x, const std::vector<double>& y);

/// Identical pumps in series or in parallel with the affinity laws for speed.
struct PumpSet {
  PumpCurve curve;            ///< one pump at rated speed
  int count = 2;
  bool series = true;
  double rated_speed = 157.08;  ///< rad/s
  double speed = 157.08;        ///< operating speed, rad/s
  double inertia = 30.0;        ///< kg m2 per pump (rotor + motor), for the run-down after a trip
  double shutoff_power_fraction = 0.4;  ///< shaft power at zero flow over power at the best point
  bool check_valve = true;      ///< non-return valve on the discharge: no reverse flow

  /// Total pressure rise at loop flow q and speed ratio r = N/N0 (affinity laws).
  double pressure_rise(double q, double r) const;
  /// Efficiency of each pump at loop flow q and speed ratio r.
  double efficiency(double q, double r) const;
  /// Shaft power of the whole set (W).
  double shaft_power(double q, double r) const;
  /// Speed ratio after a free run-down over dt from r0 at loop flow q: backward Euler of
  /// J w0^2 r dr/dt = -P_shaft(q, r) (all pumps), by Newton.
  double run_down(double q, double r0, double dt) const;
  double pump_flow(double q) const { return series ? q : q / count; }
  double rated_flow() const;  ///< loop flow at the best-efficiency point at rated speed
};

/// The three-tank lock-hopper feeder cycle.
struct TankCycle {
  enum class Control { Continuous, Timed, Level };
  Control control = Control::Continuous;
  int tanks = 3;
  double fill_time = 60.0;         ///< s (timed)
  double hold_time = 60.0;         ///< s, pressurise + wait (timed and level)
  double discharge_time = 60.0;    ///< s (timed)
  double switch_time = 0.0;        ///< s, plate-valve dead time before each discharge (timed)
  double tank_volume = 1.0;        ///< m3 of ore per tank batch
  double fill_rate = 0.05;         ///< m3/s of ore into a tank at ambient pressure (level)
  double depressurise_time = 10.0; ///< s (level)
};

struct Feeder {
  double depth = 2000.0;           ///< m below the ship manifold
  double loss_coefficient = 10.0;  ///< K on the riser velocity, mixture density (swirl merging section)
  double pressure_drop = 0.0;      ///< fixed extra loss, Pa
  bool by_concentration = false;   ///< true: delivered_concentration given; false: ore mass rate given
  double mass_rate = 57.87;        ///< kg/s of coarse ore
  double delivered_concentration = 0.08;
  TankCycle cycle;
};

struct Separator {
  double pressure_drop = 0.3e6;    ///< screens, hydrocyclones, ship piping, Pa
  double reference_flow = 0.2;     ///< loop flow at which pressure_drop applies (loss ~ Q^2), m3/s
  double treated_fraction = 0.1;   ///< share of the returned water sent to treatment (replaced by make-up)
};

/// An isolating valve: loss K/tau^2 rho v|v|/2 at relative opening tau (1 open, 0 shut).
struct Valve {
  ValveLocation location = ValveLocation::Feeder;
  double loss_coefficient = 0.2;  ///< K of the open valve
};

struct BlockageCriteria {
  double concentration = 0.5;      ///< alarm when in-situ concentration reaches this
  double velocity_ratio = 3.0;     ///< alarm when j < ratio * v_t where solids are present
  double solids_threshold = 1e-4;  ///< "solids present" above this in-situ concentration
};

struct Network {
  Fluid fluid;
  Ore ore;
  PumpSet pumps;
  Pipe supply;
  Pipe riser;
  Feeder feeder;
  Separator separator;
  FrictionLaw friction_law = FrictionLaw::Colebrook;
  SolidsFriction solids_friction = SolidsFriction::Carrier;
  double durand_coefficient = 81.0;
  BlockageCriteria blockage;
  std::vector<Valve> valves;

  /// The valve at `location`, or nullptr if the loop has none there.
  const Valve* valve(ValveLocation location) const {
    for (const auto& v : valves)
      if (v.location == location) return &v;
    return nullptr;
  }
  DriftFlux drift_flux() const {
    DriftFlux d;
    d.settling_velocity = ore.settling_velocity;
    d.exponent = ore.hindered_exponent;
    d.distribution = ore.distribution;
    d.packing_limit = ore.packing_limit;
    return d;
  }
  /// Delivered concentration for loop flow q (mass-rate feeders dilute with flow).
  double delivered_concentration(double q) const;
  /// Ore volume rate fed in for loop flow q.
  double ore_volume_rate(double q) const;
};

/// Sets the ore's diameter, settling velocity (model and wall factor of `closure`, carrier properties
/// and riser diameter of `net`) and hindered-settling exponent (also used by the envelope sweep).
void apply_settling(const SettlingClosure& closure, double diameter, Network& net);

/// The JOGMEC-type design of the issue (2 x 5-stage pumps in series, 2 supply pipes 206.38 mm, riser
/// 230.17 mm, 2000 m, 5000 t/day), with the worked-example closures (v_t 1.2 m/s, n 2.4). The pump curve
/// is an assumed quadratic-like shape through shut-off 1.2 x rated, the rated point and run-out.
Network reference_design();

}  // namespace hadal::lift
