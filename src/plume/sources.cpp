// SPDX-License-Identifier: MIT
#include "plume/sources.hpp"

#include <algorithm>
#include <cmath>

namespace hadal::plume {

double Source::active_time(double t0, double t1) const {
  if (windows.empty()) return t1 - t0;
  double on = 0.0;
  for (std::size_t k = 0; k + 1 < windows.size(); k += 2) {
    on += std::max(0.0, std::min(t1, windows[k + 1]) - std::max(t0, windows[k]));
  }
  return on;
}

double Source::active_instant(double t0, double t1, double fraction) const {
  if (windows.empty()) return t0 + fraction * (t1 - t0);
  double left = fraction * active_time(t0, t1), last = t0;
  for (std::size_t k = 0; k + 1 < windows.size(); k += 2) {
    const double begin = std::max(t0, windows[k]), end = std::min(t1, windows[k + 1]);
    if (end <= begin) continue;
    if (left <= end - begin) return begin + left;
    left -= end - begin;
    last = end;
  }
  return last;
}

double Source::length() const {
  double total = 0.0;
  for (std::size_t p = 1; p < path.size() / 2; ++p) {
    total += std::hypot(path[2 * p] - path[2 * p - 2], path[2 * p + 1] - path[2 * p - 1]);
  }
  return total;
}

void Source::position(double t, double& x, double& y) const {
  x = path[0];
  y = path[1];
  if (kind != Kind::Moving) return;
  const double total = length();
  double s = speed * std::max(t, 0.0);
  if (back_and_forth) {
    s = std::fmod(s, 2.0 * total);
    if (s > total) s = 2.0 * total - s;
  } else {
    s = std::fmod(s, total);
  }
  for (std::size_t p = 1; p < path.size() / 2; ++p) {
    const double dx = path[2 * p] - path[2 * p - 2], dy = path[2 * p + 1] - path[2 * p - 1];
    const double segment = std::hypot(dx, dy);
    if (s <= segment || p + 1 == path.size() / 2) {
      const double f = segment > 0.0 ? std::min(s / segment, 1.0) : 0.0;
      x = path[2 * p - 2] + f * dx;
      y = path[2 * p - 1] + f * dy;
      return;
    }
    s -= segment;
  }
}

}  // namespace hadal::plume
