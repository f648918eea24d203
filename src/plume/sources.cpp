// SPDX-License-Identifier: MIT
#include "plume/sources.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hadal::plume {

void declare_sources_schema(config::ObjectSpec& plume) {
  using namespace units;
  auto& s = plume.object_list("sources", "Where, when and how much sediment enters the water");
  plume.key("sources").min_items(1).required();
  s.string("name", "Source name").default_value("source");
  s.enumeration("type", {"point", "line", "moving"},
                "point: fixed; line: spread evenly along a segment; moving: travels along `path` at `speed`")
      .default_value("point");
  s.reals("path", kLength,
          "Horizontal positions x0, y0, x1, y1, ...: one point (point), two (line), or the waypoints (moving)")
      .min_items(2)
      .required();
  s.real("speed", kVelocity, "Speed along the path").greater_than(0.0).default_value(0.1).only_when("type", {"moving"});
  s.boolean("back_and_forth", "Reverse at the path ends (otherwise restart at the first waypoint)")
      .default_value(true)
      .only_when("type", {"moving"});
  s.real("height_above_bed", kLength, "Centre of the release layer above the seabed").min(0.0).default_value(1.0);
  s.real("thickness", kLength, "Thickness of the release layer").greater_than(0.0).default_value(2.0);
  s.real("radius", kLength, "Horizontal radius of the initial cloud (0: one grid column)").min(0.0).default_value(0.0);
  s.real("rate", kMassRate, "Total sediment mass rate while active").min(0.0).required();
  s.reals("fractions", kDimensionless, "Mass fraction per class (in the order of plume.classes; sum 1)")
      .min(0.0)
      .max(1.0)
      .required();
  s.reals("active", kTime, "On/off windows as start, end pairs (default: always on)").min_items(2).optional();
}

std::vector<Source> sources_from_config(const config::ConfigView& plume, std::size_t classes) {
  std::vector<Source> sources;
  for (const auto& s : plume.children("sources")) {
    Source src;
    src.name = s.string("name");
    const std::string type = s.string("type");
    src.kind = type == "point" ? Source::Kind::Point : type == "line" ? Source::Kind::Line : Source::Kind::Moving;
    src.path = s.reals("path");
    if (src.path.size() % 2 != 0) s.fail("path", "needs x, y pairs: found an odd number of values");
    const std::size_t points = src.path.size() / 2;
    if (src.kind == Source::Kind::Point && points != 1) s.fail("path", "a point source has one x, y pair");
    if (src.kind == Source::Kind::Line && points != 2) s.fail("path", "a line source has two x, y pairs");
    if (src.kind == Source::Kind::Moving && points < 2) s.fail("path", "a moving source needs at least two waypoints");
    if (src.kind != Source::Kind::Point && src.length() <= 0.0) s.fail("path", "the path has zero length");
    if (src.kind == Source::Kind::Moving) {
      src.speed = s.real("speed");
      src.back_and_forth = s.boolean("back_and_forth");
    }
    src.height_above_bed = s.real("height_above_bed");
    src.thickness = s.real("thickness");
    src.radius = s.real("radius");
    src.rate = s.real("rate");
    src.fractions = s.reals("fractions");
    if (src.fractions.size() != classes) {
      s.fail("fractions", "has " + std::to_string(src.fractions.size()) + " values; plume.classes has " +
                              std::to_string(classes));
    }
    const double sum = std::accumulate(src.fractions.begin(), src.fractions.end(), 0.0);
    if (std::abs(sum - 1.0) > 1e-6) s.fail("fractions", "must sum to 1, found " + std::to_string(sum));
    if (s.has("active")) {
      src.windows = s.reals("active");
      if (src.windows.size() % 2 != 0) s.fail("active", "needs start, end pairs: found an odd number of values");
      for (std::size_t k = 1; k < src.windows.size(); ++k) {
        if (src.windows[k] < src.windows[k - 1]) s.fail("active", "windows must be in increasing time order");
      }
    }
    sources.push_back(src);
  }
  return sources;
}

double Source::active_time(double t0, double t1) const {
  if (windows.empty()) return t1 - t0;
  double on = 0.0;
  for (std::size_t k = 0; k + 1 < windows.size(); k += 2) {
    on += std::max(0.0, std::min(t1, windows[k + 1]) - std::max(t0, windows[k]));
  }
  return on;
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
