// SPDX-License-Identifier: MIT
#include "lift/schedule.hpp"

#include <algorithm>
#include <cmath>

namespace hadal::lift {

OperatingSchedule::OperatingSchedule(std::vector<TransientEvent> events, double speed_ratio)
    : events_(std::move(events)), ramp_from_(speed_ratio), ramp_to_(speed_ratio) {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const TransientEvent& a, const TransientEvent& b) { return a.time < b.time; });
}

std::vector<TransientEvent> OperatingSchedule::apply(double time, double speed_now) {
  std::vector<TransientEvent> applied;
  while (next_ < events_.size() && events_[next_].time <= time + 1e-9) {
    const TransientEvent& e = events_[next_++];
    switch (e.kind) {
      case TransientEvent::Kind::Trip: motor_on_ = false; break;
      case TransientEvent::Kind::Restart:
      case TransientEvent::Kind::Speed:
        motor_on_ = true;
        ramp_from_ = speed_now;
        ramp_to_ = e.speed_ratio;
        ramp_start_ = e.time;
        ramp_time_ = e.ramp_time;
        break;
      case TransientEvent::Kind::FeederStop: feeder_on_ = false; break;
      case TransientEvent::Kind::FeederStart: feeder_on_ = true; break;
      case TransientEvent::Kind::ValveClose:
      case TransientEvent::Kind::ValveOpen: {
        Stroke& s = strokes_[static_cast<int>(e.valve)];
        s.from = valve_opening(e.valve, e.time);
        s.to = e.final_opening;
        s.start = e.time;
        s.duration = e.stroke_time;
        s.exponent = e.stroke_exponent;
        break;
      }
    }
    applied.push_back(e);
  }
  return applied;
}

double OperatingSchedule::speed_target(double time) const {
  if (ramp_time_ <= 0.0) return ramp_to_;
  const double w = std::clamp((time - ramp_start_) / ramp_time_, 0.0, 1.0);
  return ramp_from_ + w * (ramp_to_ - ramp_from_);
}

double OperatingSchedule::valve_opening(ValveLocation location, double time) const {
  const Stroke& s = strokes_[static_cast<int>(location)];
  if (time < s.start) return s.from;
  if (s.duration <= 0.0 || time >= s.start + s.duration) return s.to;
  const double remaining = 1.0 - (time - s.start) / s.duration;
  return s.to + (s.from - s.to) * std::pow(remaining, s.exponent);
}

double OperatingSchedule::last_stroke_end() const {
  double end = -1e300;
  for (std::size_t i = 0; i < next_; ++i) {
    const TransientEvent& e = events_[i];
    if (e.kind == TransientEvent::Kind::ValveClose || e.kind == TransientEvent::Kind::ValveOpen)
      end = std::max(end, e.time + e.stroke_time);
  }
  return end;
}

std::vector<double> OperatingSchedule::state() const {
  std::vector<double> s = {static_cast<double>(next_), motor_on_ ? 1.0 : 0.0, feeder_on_ ? 1.0 : 0.0,
                           ramp_from_, ramp_to_, ramp_start_, ramp_time_};
  for (const Stroke& v : strokes_) s.insert(s.end(), {v.start, v.duration, v.from, v.to, v.exponent});
  return s;
}

void OperatingSchedule::restore(const std::vector<double>& s, std::size_t& k) {
  next_ = static_cast<std::size_t>(s[k++]);
  motor_on_ = s[k++] != 0.0;
  feeder_on_ = s[k++] != 0.0;
  ramp_from_ = s[k++];
  ramp_to_ = s[k++];
  ramp_start_ = s[k++];
  ramp_time_ = s[k++];
  for (Stroke& v : strokes_) {
    v.start = s[k++];
    v.duration = s[k++];
    v.from = s[k++];
    v.to = s[k++];
    v.exponent = s[k++];
  }
}

}  // namespace hadal::lift
