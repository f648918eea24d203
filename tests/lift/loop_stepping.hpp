// SPDX-License-Identifier: MIT
// Shared by the loop tests: driving a loop model the way the time loop does (steps of the model's stable
// size, at most dt_max, landing on its events) and the design with the timed three-tank feeder cycle.
#pragma once

#include <algorithm>

#include "lift/loop.hpp"

namespace hadal::lift {

inline double run_until(LoopModel& loop, double t, double t_end, double cfl = 0.9, double dt_max = 1e9) {
  while (t < t_end - 1e-9) {
    double dt = std::min({loop.stable_dt(cfl), t_end - t, dt_max});
    const double to_event = loop.next_event_time() - t;
    if (to_event > 1e-9) dt = std::min(dt, to_event);
    loop.advance(t, dt);
    t += dt;
  }
  return t;
}

/// The reference design with the timed three-tank cycle (fill 100 s, hold 60 s, switch 10 s, discharge 50 s).
inline Network batch_feeding_design() {
  Network n = reference_design();
  n.feeder.cycle.control = TankCycle::Control::Timed;
  n.feeder.cycle.fill_time = 100.0;
  n.feeder.cycle.hold_time = 60.0;
  n.feeder.cycle.switch_time = 10.0;
  n.feeder.cycle.discharge_time = 50.0;
  return n;
}

}  // namespace hadal::lift
