// SPDX-License-Identifier: MIT
#include "plume/sources.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

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

double disk_rectangle_area(double xc, double yc, double r, double x0, double x1, double y0, double y1) {
  if (!(r > 0.0)) return 0.0;
  // In the disk's frame: the region is a0 < x < a1 between max(b0, -h(x)) and min(b1, h(x)), h the
  // upper half-chord sqrt(r^2 - x^2).
  const double a0 = std::max(x0 - xc, -r), a1 = std::min(x1 - xc, r), b0 = y0 - yc, b1 = y1 - yc;
  if (!(a0 < a1) || !(b0 < b1)) return 0.0;
  const double r2 = r * r;
  const auto half_chord = [r2](double x) { return std::sqrt(std::max(r2 - x * x, 0.0)); };
  // The integral of h from 0 to x.
  const auto h_integral = [r, r2, &half_chord](double x) {
    return 0.5 * (x * half_chord(x) + r2 * std::asin(std::clamp(x / r, -1.0, 1.0)));
  };
  // Where h meets a side (|b| = h), the integrand changes form; between those abscissae it is one of
  // h or a constant, above and below.
  double cuts[6] = {a0, a1};
  int n = 2;
  for (const double b : {b0, b1}) {
    if (std::abs(b) >= r) continue;
    const double s = std::sqrt(r2 - b * b);
    for (const double x : {-s, s}) {
      if (x > a0 && x < a1) cuts[n++] = x;
    }
  }
  for (int c = 1; c < n; ++c) {  // at most six abscissae: insertion sort
    for (int d = c; d > 0 && cuts[d] < cuts[d - 1]; --d) std::swap(cuts[d], cuts[d - 1]);
  }
  double area = 0.0;
  for (int c = 0; c + 1 < n; ++c) {
    const double p = cuts[c], q = cuts[c + 1];
    if (!(q > p)) continue;
    const double h = half_chord(0.5 * (p + q));
    const double top = std::min(b1, h), bottom = std::max(b0, -h);
    if (!(top > bottom)) continue;
    const double chord = h_integral(q) - h_integral(p);
    area += (h < b1 ? chord : b1 * (q - p)) - (-h > b0 ? -chord : b0 * (q - p));
  }
  return area;
}

}  // namespace hadal::plume
