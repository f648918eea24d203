// SPDX-License-Identifier: MIT
/// \file rigid_loop.hpp
/// \brief The rigid-column model of the loop: the incompressible mixture's momentum integrated over the
/// whole loop gives one ODE for the loop flow (backward Euler, solved by Newton together with the pump
/// speed after a trip); the check valve and shut valves hold the column. No pressure waves.
#pragma once

#include <array>
#include <vector>

#include "lift/loop.hpp"

namespace hadal::lift {

class RigidLoop : public LoopModel {
 public:
  RigidLoop(const Network& net, const TransientOptions& options);

  double stable_dt(double cfl) const override { return solids_.stable_dt(cfl); }
  void advance(double time, double dt) override;

  double flow() const override { return q_; }
  double speed_ratio() const override { return r_; }
  double pump_pressure() const override;
  double pump_power() const override;
  double feeder_pressure() const override;
  double riser_velocity() const override { return q_ / net_.riser.area(); }
  PipeProfile riser_profile() const override;
  PipeProfile supply_profile() const override;

 protected:
  std::vector<double> flow_state() const override { return {q_, r_, dqdt_, time_}; }
  void restore_flow_state(const std::vector<double>& s, std::size_t& k) override;

 private:
  /// Relative openings of the valves at `time` (1 where the loop has none).
  std::array<double, kValveLocations> openings(double time) const;
  /// Pressure needed to drive flow q through the loop (losses and static imbalance), Pa.
  double loop_resistance(double q, const Sums& sums, double c_bottom, double c_top,
                         const std::array<double, kValveLocations>& opening) const;
  void solve_flow(double time, double dt);

  double q_ = 0.0, r_ = 1.0, dqdt_ = 0.0;
  double time_ = 0.0;  ///< end of the last step (valve openings of the profiles)
};

}  // namespace hadal::lift
