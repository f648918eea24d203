// SPDX-License-Identifier: MIT
#include "lift/feeder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace hadal::lift {

FeederCycle::FeederCycle(const TankCycle& cycle, double mean_rate) : cycle_(cycle), mean_rate_(mean_rate) {
  const int n = cycle_.tanks;
  switch (cycle_.control) {
    case TankCycle::Control::Continuous:
      discharge_rate_ = mean_rate_;
      break;
    case TankCycle::Control::Timed:
      period_ = cycle_.fill_time + cycle_.hold_time + cycle_.switch_time + cycle_.discharge_time;
      // n tanks each deliver one batch per period: batch = mean_rate * period / n.
      tank_volume_ = mean_rate_ * period_ / n;
      discharge_rate_ = tank_volume_ / cycle_.discharge_time;
      break;
    case TankCycle::Control::Level:
      tank_volume_ = cycle_.tank_volume;
      discharge_rate_ = mean_rate_;
      phase_.assign(n, Filling);
      level_.assign(n, 0.0);
      timer_.assign(n, 0.0);
      // Start with every tank but the last full and pressurised: tank 0 discharges at t = 0.
      for (int k = 0; k + 1 < n; ++k) {
        phase_[k] = Ready;
        level_[k] = tank_volume_;
      }
      phase_[0] = Discharging;
      break;
  }
}

double FeederCycle::timed_discharge_seconds(int k, double t) const {
  // Tank k runs its cycle shifted by k/n of a period; discharge is the last phase.
  const double shift = period_ * k / cycle_.tanks;
  const double tau = t + shift;
  const double start = cycle_.fill_time + cycle_.hold_time + cycle_.switch_time;
  const double whole = std::floor(tau / period_);
  const double in_cycle = tau - whole * period_;
  const double base_tau0 = 0.0 + shift;  // subtract what had accumulated at t = 0
  const double whole0 = std::floor(base_tau0 / period_);
  const double in0 = base_tau0 - whole0 * period_;
  const double acc = whole * cycle_.discharge_time + std::clamp(in_cycle - start, 0.0, cycle_.discharge_time);
  const double acc0 = whole0 * cycle_.discharge_time + std::clamp(in0 - start, 0.0, cycle_.discharge_time);
  return acc - acc0;
}

double FeederCycle::rate(double t, bool enabled) const {
  if (!enabled) return 0.0;
  switch (cycle_.control) {
    case TankCycle::Control::Continuous: return mean_rate_;
    case TankCycle::Control::Timed: {
      double r = 0.0;
      const double start = cycle_.fill_time + cycle_.hold_time + cycle_.switch_time;
      for (int k = 0; k < cycle_.tanks; ++k) {
        const double tau = t + period_ * k / cycle_.tanks;
        const double in_cycle = tau - std::floor(tau / period_) * period_;
        if (in_cycle >= start) r += discharge_rate_;
      }
      return r;
    }
    case TankCycle::Control::Level: {
      for (int k = 0; k < cycle_.tanks; ++k)
        if (phase_[k] == Discharging) return discharge_rate_;
      return 0.0;
    }
  }
  return 0.0;
}

double FeederCycle::level(int k, double t) const {
  if (cycle_.control == TankCycle::Control::Level) return level_[k];
  if (cycle_.control == TankCycle::Control::Continuous) return 0.0;
  const double tau = t + period_ * k / cycle_.tanks;
  const double in_cycle = tau - std::floor(tau / period_) * period_;
  if (in_cycle < cycle_.fill_time) return tank_volume_ * in_cycle / cycle_.fill_time;
  const double start = cycle_.fill_time + cycle_.hold_time + cycle_.switch_time;
  if (in_cycle < start) return tank_volume_;
  return tank_volume_ * (1.0 - (in_cycle - start) / cycle_.discharge_time);
}

double FeederCycle::advance(double t, double dt, bool enabled) {
  switch (cycle_.control) {
    case TankCycle::Control::Continuous: return enabled ? mean_rate_ * dt : 0.0;
    case TankCycle::Control::Timed: {
      if (!enabled) return 0.0;
      double v = 0.0;
      for (int k = 0; k < cycle_.tanks; ++k)
        v += discharge_rate_ * (timed_discharge_seconds(k, t + dt) - timed_discharge_seconds(k, t));
      return v;
    }
    case TankCycle::Control::Level: return advance_level(dt, enabled);
  }
  return 0.0;
}

double FeederCycle::advance_level(double dt, bool enabled) {
  // Event-by-event integration: advance to the next phase change of any tank, repeat.
  const int n = cycle_.tanks;
  double injected = 0.0;
  double left = dt;
  for (int guard = 0; left > 0.0 && guard < 10000; ++guard) {
    // a ready tank takes over when no tank discharges
    bool discharging = false;
    for (int k = 0; k < n; ++k) discharging = discharging || phase_[k] == Discharging;
    if (!discharging && enabled) {
      for (int k = 0; k < n; ++k)
        if (phase_[k] == Ready) { phase_[k] = Discharging; break; }
    }
    double step = left;
    for (int k = 0; k < n; ++k) {
      switch (phase_[k]) {
        case Filling: step = std::min(step, (tank_volume_ - level_[k]) / cycle_.fill_rate); break;
        case Holding: step = std::min(step, cycle_.hold_time - timer_[k]); break;
        case Discharging:
          if (enabled) step = std::min(step, level_[k] / discharge_rate_);
          break;
        case Depressurising: step = std::min(step, cycle_.depressurise_time - timer_[k]); break;
        default: break;
      }
    }
    step = std::max(step, 0.0);
    for (int k = 0; k < n; ++k) {
      switch (phase_[k]) {
        case Filling:
          level_[k] += cycle_.fill_rate * step;
          if (level_[k] >= tank_volume_ * (1.0 - 1e-12)) { level_[k] = tank_volume_; phase_[k] = Holding; timer_[k] = 0.0; }
          break;
        case Holding:
          timer_[k] += step;
          if (timer_[k] >= cycle_.hold_time * (1.0 - 1e-12)) phase_[k] = Ready;
          break;
        case Discharging:
          if (enabled) {
            const double out = std::min(level_[k], discharge_rate_ * step);
            level_[k] -= out;
            injected += out;
            if (level_[k] <= tank_volume_ * 1e-12) { level_[k] = 0.0; phase_[k] = Depressurising; timer_[k] = 0.0; }
          }
          break;
        case Depressurising:
          timer_[k] += step;
          if (timer_[k] >= cycle_.depressurise_time * (1.0 - 1e-12)) { phase_[k] = Filling; timer_[k] = 0.0; }
          break;
        default: break;
      }
    }
    left -= step;
    if (step == 0.0 && left > 0.0) {
      // only zero-length transitions happened; loop again to apply them
      continue;
    }
  }
  return injected;
}

std::vector<double> FeederCycle::state() const {
  std::vector<double> s;
  for (std::size_t k = 0; k < phase_.size(); ++k) {
    s.push_back(phase_[k]);
    s.push_back(level_[k]);
    s.push_back(timer_[k]);
  }
  return s;
}

void FeederCycle::restore(const std::vector<double>& s) {
  for (std::size_t k = 0; k < phase_.size() && 3 * k + 2 < s.size(); ++k) {
    phase_[k] = static_cast<int>(s[3 * k]);
    level_[k] = s[3 * k + 1];
    timer_[k] = s[3 * k + 2];
  }
}

}  // namespace hadal::lift
