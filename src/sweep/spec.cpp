// SPDX-License-Identifier: MIT
// Reading a sweep file and expanding it into members.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "core/config.hpp"
#include "sweep/sweep.hpp"
#include "sweep/util.hpp"

namespace hadal::sweep {

namespace fs = std::filesystem;

namespace {

/// A scalar as a quantity; nullopt (and a problem) if it is not one.
std::optional<units::Quantity> quantity(const YAML::Node& node, const std::string& key, Problems& problems) {
  if (!node.IsDefined() || !node.IsScalar()) {
    problems.add(node, key, "expected a number with an optional unit, e.g. \"2 cm/s\"");
    return std::nullopt;
  }
  try {
    return units::parse_quantity(node.Scalar());
  } catch (const std::invalid_argument& e) {
    problems.add(node, key, e.what());
    return std::nullopt;
  }
}

Value numeric_value(double si, bool with_unit, const units::Dimension& dim) {
  Value v;
  v.si = si;
  v.yaml = format_number(si);
  // Written with its SI unit so the case validator still checks that the key wants this dimension.
  if (with_unit && dim != units::kDimensionless) v.yaml += " " + dim.si_symbol();
  v.label = format_number(si);
  return v;
}

/// Reads list-like parameters: values, range, log_range.
void read_values(const YAML::Node& p, const std::string& path, Parameter& param, Problems& problems) {
  const YAML::Node values = p["values"];
  if (values.IsDefined()) {
    if (!values.IsSequence() || values.size() == 0) {
      problems.add(values, path + ".values", "expected a non-empty list");
      return;
    }
    bool unit_seen = false, first = true;
    units::Dimension dim;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const YAML::Node v = values[i];
      Value value;
      value.yaml = emit_flow(v);
      value.label = v.IsScalar() ? v.Scalar() : value.yaml;
      if (v.IsScalar()) {
        try {
          const auto q = units::parse_quantity(v.Scalar());
          value.si = q.value;
          if (units::has_unit(v.Scalar())) {
            if (unit_seen && q.dimension != dim) {
              problems.add(v, path + ".values[" + std::to_string(i) + "]",
                           "unit of [" + q.dimension.si_symbol() + "] differs from the earlier values' [" +
                               dim.si_symbol() + "]");
            }
            unit_seen = true;
            dim = q.dimension;
          }
        } catch (const std::invalid_argument&) {
          // Not a number: a categorical value (a name, a block, a list) - fine.
        }
      }
      first = false;
      param.values.push_back(value);
    }
    (void)first;
    param.has_dimension = unit_seen;
    param.dimension = dim;
    const YAML::Node labels = p["labels"];
    if (labels.IsDefined()) {
      if (!labels.IsSequence() || labels.size() != values.size()) {
        problems.add(labels, path + ".labels", "expected a list of " + std::to_string(values.size()) +
                                                   " names, one per value");
      } else {
        for (std::size_t i = 0; i < labels.size(); ++i) param.values[i].label = emit_flow(labels[i]);
      }
    }
    return;
  }
  const bool logarithmic = p["log_range"].IsDefined();
  const std::string which = logarithmic ? "log_range" : "range";
  const YAML::Node range = p[which];
  const std::string rpath = path + "." + which;
  if (!range.IsMap()) {
    problems.add(range, rpath, "expected a block {from: ..., to: ..., count: N}");
    return;
  }
  check_keys(range, rpath, {"from", "to", "count", "step"}, problems);
  const auto from = quantity(range["from"], rpath + ".from", problems);
  const auto to = quantity(range["to"], rpath + ".to", problems);
  if (!from || !to) return;
  const bool with_unit = units::has_unit(range["from"].Scalar()) || units::has_unit(range["to"].Scalar());
  if (units::has_unit(range["from"].Scalar()) && units::has_unit(range["to"].Scalar()) &&
      from->dimension != to->dimension) {
    problems.add(range["to"], rpath + ".to", "unit differs from 'from'");
    return;
  }
  const units::Dimension dim = units::has_unit(range["from"].Scalar()) ? from->dimension : to->dimension;
  long count = 0;
  if (range["count"].IsDefined()) {
    try {
      count = range["count"].as<long>();
    } catch (const YAML::Exception&) {
      count = -1;
    }
    if (count < 2) problems.add(range["count"], rpath + ".count", "expected an integer >= 2");
  } else if (range["step"].IsDefined() && !logarithmic) {
    const auto step = quantity(range["step"], rpath + ".step", problems);
    if (!step) return;
    if (!(step->value > 0.0) || (to->value - from->value) / step->value > 1e6) {
      problems.add(range["step"], rpath + ".step", "expected a positive step that divides the range into at most 1e6");
      return;
    }
    // Inclusive of 'to' when the step divides the range (within round-off).
    count = static_cast<long>(std::floor((to->value - from->value) / step->value * (1.0 + 1e-12))) + 1;
    if (count < 2) problems.add(range["step"], rpath + ".step", "the step leaves fewer than 2 values");
  } else {
    problems.add(range, rpath, logarithmic ? "needs 'count'" : "needs 'count' or 'step'");
  }
  if (count < 2) return;
  if (logarithmic && !(from->value > 0.0 && to->value > 0.0)) {
    problems.add(range, rpath, "a logarithmic range needs positive ends");
    return;
  }
  if (!(to->value != from->value)) {
    problems.add(range, rpath, "'from' and 'to' are equal");
    return;
  }
  for (long i = 0; i < count; ++i) {
    const double t = static_cast<double>(i) / static_cast<double>(count - 1);
    double v = logarithmic ? std::exp(std::log(from->value) + t * (std::log(to->value) - std::log(from->value)))
                           : from->value + t * (to->value - from->value);
    if (i == count - 1 && range["count"].IsDefined()) v = to->value;  // exact end point
    if (i == 0) v = from->value;
    param.values.push_back(numeric_value(v, with_unit, dim));
  }
  param.has_dimension = with_unit;
  param.dimension = dim;
}

void read_distribution(const YAML::Node& p, const std::string& path, Parameter& param, Problems& problems) {
  const YAML::Node d = p["distribution"];
  const std::string dpath = path + ".distribution";
  if (!d.IsMap() || !d["type"].IsDefined()) {
    problems.add(d, dpath, "expected a block with 'type' (" + join(distribution_names(), ", ") + ")");
    return;
  }
  Distribution dist;
  try {
    dist.type = distribution_type(d["type"].Scalar());
  } catch (const std::invalid_argument&) {
    const std::string near = config::did_you_mean(d["type"].Scalar(), distribution_names());
    problems.add(d["type"], dpath + ".type", "unknown distribution '" + d["type"].Scalar() + "'; expected one of " +
                                                 join(distribution_names(), ", ") +
                                                 (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    return;
  }
  std::vector<std::string> needed;
  switch (dist.type) {
    case DistributionType::Uniform:
    case DistributionType::LogUniform: needed = {"low", "high"}; break;
    case DistributionType::Normal: needed = {"mean", "std"}; break;
    case DistributionType::LogNormal: needed = {"median", "sigma"}; break;
    case DistributionType::Triangular: needed = {"low", "mode", "high"}; break;
  }
  std::vector<std::string> allowed = needed;
  allowed.push_back("type");
  check_keys(d, dpath, allowed, problems);
  bool ok = true, unit_seen = false;
  units::Dimension dim;
  std::map<std::string, double> v;
  for (const auto& name : needed) {
    const YAML::Node node = d[name];
    if (!node.IsDefined()) {
      problems.add(d, dpath + "." + name, "missing (a " + d["type"].Scalar() + " distribution needs " +
                                              join(needed, ", ") + ")");
      ok = false;
      continue;
    }
    const auto q = quantity(node, dpath + "." + name, problems);
    if (!q) {
      ok = false;
      continue;
    }
    // sigma of a log-normal is dimensionless (spread of the natural log): it does not set the unit.
    if (units::has_unit(node.Scalar()) && name != "sigma") {
      if (unit_seen && q->dimension != dim) {
        problems.add(node, dpath + "." + name, "unit differs from the other parameters of the distribution");
        ok = false;
      }
      unit_seen = true;
      dim = q->dimension;
    }
    v[name] = q->value;
  }
  if (!ok) return;
  auto bad = [&](const std::string& key, const std::string& message) {
    problems.add(d[key], dpath + "." + key, message);
    ok = false;
  };
  switch (dist.type) {
    case DistributionType::Uniform:
    case DistributionType::LogUniform:
      dist.low = v["low"];
      dist.high = v["high"];
      if (!(dist.high > dist.low)) bad("high", "must be greater than low");
      if (dist.type == DistributionType::LogUniform && !(dist.low > 0.0)) bad("low", "must be positive");
      break;
    case DistributionType::Normal:
      dist.mean = v["mean"];
      dist.std = v["std"];
      if (!(dist.std > 0.0)) bad("std", "must be positive");
      break;
    case DistributionType::LogNormal:
      dist.median = v["median"];
      dist.sigma = v["sigma"];
      if (!(dist.median > 0.0)) bad("median", "must be positive");
      if (!(dist.sigma > 0.0)) bad("sigma", "must be positive");
      break;
    case DistributionType::Triangular:
      dist.low = v["low"];
      dist.mode = v["mode"];
      dist.high = v["high"];
      if (!(dist.high > dist.low)) bad("high", "must be greater than low");
      if (!(dist.mode >= dist.low && dist.mode <= dist.high)) bad("mode", "must lie between low and high");
      break;
  }
  if (!ok) return;
  param.distribution = dist;
  param.has_dimension = unit_seen;
  param.dimension = dim;
}

}  // namespace

SweepSpec read_sweep(const std::string& file) {
  const YAML::Node root = config::read_yaml_file(file);
  Problems problems(file);
  SweepSpec spec;
  spec.file = file;
  if (!root.IsMap()) {
    problems.add(root, "", "a sweep file is a block with base, parameters, ...");
    problems.throw_if_any();
  }
  check_keys(root, "", {"name", "base", "directory", "set", "parameters", "vectors", "samples", "seed", "plots"},
             problems);
  const fs::path folder = fs::path(file).parent_path();
  // name
  if (root["name"].IsDefined() && root["name"].IsScalar()) {
    spec.name = root["name"].Scalar();
    for (char c : spec.name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
        problems.add(root["name"], "name", "use letters, digits, '-', '_' and '.' only (it names folders and jobs)");
        break;
      }
  } else {
    spec.name = fs::path(file).stem().string();
  }
  // base
  YAML::Node base_raw;
  if (!root["base"].IsDefined() || !root["base"].IsScalar()) {
    problems.add(root["base"].IsDefined() ? root["base"] : root, "base", "required: the base case file");
  } else {
    fs::path base = root["base"].Scalar();
    if (base.is_relative()) base = folder / base;
    spec.base = fs::absolute(base).lexically_normal().string();
    try {
      base_raw = config::read_yaml_file(spec.base);
    } catch (const InputError& e) {
      problems.add(root["base"], "base", e.what());
    }
  }
  spec.directory = root["directory"].IsDefined() ? root["directory"].Scalar() : "sweeps/" + spec.name;
  // fixed settings
  const YAML::Node set = root["set"];
  if (set.IsDefined()) {
    if (!set.IsMap()) {
      problems.add(set, "set", "expected a block of key.path: value");
    } else {
      for (const auto& entry : set) spec.fixed.push_back({entry.first.as<std::string>(), emit_flow(entry.second)});
    }
  }
  // samples / seed
  if (root["samples"].IsDefined()) {
    long n = -1;
    try {
      n = root["samples"].as<long>();
    } catch (const YAML::Exception&) {
    }
    if (n < 1) problems.add(root["samples"], "samples", "expected a positive integer");
    else spec.samples = static_cast<std::size_t>(n);
  }
  if (root["seed"].IsDefined()) {
    try {
      spec.seed = root["seed"].as<std::uint64_t>();
    } catch (const YAML::Exception&) {
      problems.add(root["seed"], "seed", "expected a non-negative integer");
    }
  }
  // parameters
  const YAML::Node params = root["parameters"];
  if (!params.IsDefined() || !params.IsSequence() || params.size() == 0) {
    problems.add(params.IsDefined() ? params : root, "parameters", "required: a non-empty list of parameters");
  } else {
    std::set<std::string> names;
    for (std::size_t i = 0; i < params.size(); ++i) {
      const YAML::Node p = params[i];
      const std::string path = "parameters[" + std::to_string(i) + "]";
      if (!p.IsMap()) {
        problems.add(p, path, "expected a block");
        continue;
      }
      check_keys(p, path, {"name", "key", "keys", "values", "labels", "range", "log_range", "distribution", "group"},
                 problems);
      Parameter param;
      param.line = p.Mark().line + 1;
      if (p["key"].IsDefined()) param.keys.push_back(p["key"].Scalar());
      if (p["keys"].IsDefined()) {
        if (!p["keys"].IsSequence()) problems.add(p["keys"], path + ".keys", "expected a list of key paths");
        else
          for (const auto& k : p["keys"]) param.keys.push_back(k.Scalar());
      }
      param.name = p["name"].IsDefined() ? p["name"].Scalar() : (param.keys.empty() ? "" : param.keys.front());
      if (param.name.empty()) {
        problems.add(p, path, "needs a 'name' or a 'key'");
        continue;
      }
      if (!names.insert(param.name).second) problems.add(p, path + ".name", "parameter '" + param.name + "' given twice");
      if (p["group"].IsDefined()) param.group = p["group"].Scalar();
      int kinds = 0;
      for (const char* k : {"values", "range", "log_range", "distribution"}) kinds += p[k].IsDefined() ? 1 : 0;
      if (kinds != 1) {
        problems.add(p, path, "give exactly one of values, range, log_range, distribution");
        continue;
      }
      if (p["labels"].IsDefined() && !p["values"].IsDefined())
        problems.add(p["labels"], path + ".labels", "labels name the entries of 'values'");
      if (p["distribution"].IsDefined()) {
        read_distribution(p, path, param, problems);
        if (!param.group.empty())
          problems.add(p["group"], path + ".group", "sampled parameters cannot be grouped (samples are joint already)");
      } else {
        read_values(p, path, param, problems);
      }
      // Check the key paths against the base case now, so a typo points at the sweep file.
      if (base_raw.IsDefined() && (param.values.size() > 0 || param.distribution)) {
        for (const auto& key : param.keys) {
          YAML::Node probe = YAML::Clone(base_raw);
          const std::string value = param.values.empty() ? "0" : param.values.front().yaml;
          try {
            config::apply_override(probe, key + "=" + value);
          } catch (const InputError& e) {
            problems.add(p["key"].IsDefined() ? p["key"] : p, path + ".key", e.what());
          }
        }
      }
      spec.parameters.push_back(param);
    }
  }
  // Groups vary together: same length.
  std::map<std::string, std::size_t> group_length;
  for (const auto& param : spec.parameters) {
    if (param.group.empty() || param.distribution) continue;
    auto [it, inserted] = group_length.insert({param.group, param.values.size()});
    if (!inserted && it->second != param.values.size()) {
      problems.add(params, "parameters", "group '" + param.group + "': parameter '" + param.name + "' has " +
                                             std::to_string(param.values.size()) + " values, the group has " +
                                             std::to_string(it->second));
    }
  }
  bool any_distribution = false;
  for (const auto& param : spec.parameters) any_distribution = any_distribution || param.distribution.has_value();
  if (any_distribution && spec.samples == 0)
    problems.add(root, "samples", "required when a parameter has a distribution (the Latin-hypercube size)");
  if (!any_distribution && spec.samples > 0)
    problems.add(root["samples"], "samples", "no parameter has a distribution to sample");
  // vectors
  auto find = [&](const std::string& name) -> const Parameter* {
    for (const auto& p : spec.parameters)
      if (p.name == name) return &p;
    return nullptr;
  };
  const YAML::Node vectors = root["vectors"];
  if (vectors.IsDefined()) {
    if (!vectors.IsSequence()) problems.add(vectors, "vectors", "expected a list of {key, speed, direction}");
    for (std::size_t i = 0; vectors.IsSequence() && i < vectors.size(); ++i) {
      const YAML::Node v = vectors[i];
      const std::string path = "vectors[" + std::to_string(i) + "]";
      check_keys(v, path, {"key", "speed", "direction"}, problems);
      VectorRule rule;
      bool ok = true;
      for (const char* k : {"key", "speed", "direction"}) {
        if (!v[k].IsDefined() || !v[k].IsScalar()) {
          problems.add(v, path + "." + k, "required");
          ok = false;
        }
      }
      if (!ok) continue;
      rule.key = v["key"].Scalar();
      rule.speed = v["speed"].Scalar();
      rule.direction = v["direction"].Scalar();
      const Parameter* speed = find(rule.speed);
      const Parameter* direction = find(rule.direction);
      auto numeric = [](const Parameter* p) {
        if (p->distribution) return true;
        for (const auto& value : p->values)
          if (!value.si) return false;
        return true;
      };
      if (!speed) problems.add(v["speed"], path + ".speed", "no parameter named '" + rule.speed + "'");
      else if (!numeric(speed)) problems.add(v["speed"], path + ".speed", "parameter '" + rule.speed + "' is not numeric");
      else if (speed->has_dimension && speed->dimension != units::kVelocity)
        problems.add(v["speed"], path + ".speed", "parameter '" + rule.speed + "' is not a speed");
      if (!direction) problems.add(v["direction"], path + ".direction", "no parameter named '" + rule.direction + "'");
      else if (!numeric(direction) || !direction->has_dimension || direction->dimension != units::kDimensionless)
        problems.add(v["direction"], path + ".direction",
                     "parameter '" + rule.direction + "' must be an angle with its unit (e.g. 45 deg)");
      if (base_raw.IsDefined()) {
        YAML::Node probe = YAML::Clone(base_raw);
        try {
          config::apply_override(probe, rule.key + "=[0, 0]");
        } catch (const InputError& e) {
          problems.add(v["key"], path + ".key", e.what());
        }
      }
      spec.vectors.push_back(rule);
    }
  }
  for (const auto& p : spec.parameters) {
    bool used = !p.keys.empty();
    for (const auto& v : spec.vectors) used = used || v.speed == p.name || v.direction == p.name;
    if (!used) problems.add(params, "parameters", "parameter '" + p.name + "' sets no key (give 'key' or use it in 'vectors')");
  }
  // plots
  const YAML::Node plots = root["plots"];
  if (plots.IsDefined()) {
    if (!plots.IsSequence()) problems.add(plots, "plots", "expected a list of {x, y, group}");
    for (std::size_t i = 0; plots.IsSequence() && i < plots.size(); ++i) {
      const YAML::Node p = plots[i];
      const std::string path = "plots[" + std::to_string(i) + "]";
      check_keys(p, path, {"x", "y", "group"}, problems);
      PlotSpec plot;
      if (!p["x"].IsDefined() || !p["y"].IsDefined()) {
        problems.add(p, path, "needs x (a parameter) and y (a metric of summary.json, e.g. deposit_area_m2.0.005)");
        continue;
      }
      plot.x = p["x"].Scalar();
      plot.y = p["y"].Scalar();
      if (p["group"].IsDefined()) plot.group = p["group"].Scalar();
      if (!find(plot.x)) problems.add(p["x"], path + ".x", "no parameter named '" + plot.x + "'");
      if (!plot.group.empty() && !find(plot.group))
        problems.add(p["group"], path + ".group", "no parameter named '" + plot.group + "'");
      spec.plots.push_back(plot);
    }
  }
  problems.throw_if_any();
  return spec;
}

int member_id_width(std::size_t count) {
  int width = 1;
  for (std::size_t n = count > 0 ? count - 1 : 0; n >= 10; n /= 10) ++width;
  return std::max(width, 4);
}

std::string member_id(std::size_t index, std::size_t count) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "m%0*zu", member_id_width(count), index);
  return buffer;
}

std::vector<Member> expand(const SweepSpec& spec) {
  // Axes of the grid: each ungrouped list parameter, or one group of list parameters.
  std::vector<std::vector<std::size_t>> axes;
  std::map<std::string, std::size_t> group_axis;
  std::vector<std::size_t> sampled;
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    const auto& p = spec.parameters[k];
    if (p.distribution) {
      sampled.push_back(k);
    } else if (p.group.empty()) {
      axes.push_back({k});
    } else {
      auto it = group_axis.find(p.group);
      if (it == group_axis.end()) {
        group_axis[p.group] = axes.size();
        axes.push_back({k});
      } else {
        axes[it->second].push_back(k);
      }
    }
  }
  std::size_t grid_count = 1;
  for (const auto& axis : axes) grid_count *= spec.parameters[axis.front()].values.size();
  const std::size_t sample_count = sampled.empty() ? 1 : spec.samples;
  const auto design = sampled.empty() ? std::vector<std::vector<double>>{}
                                      : latin_hypercube(spec.samples, sampled.size(), spec.seed);
  const std::size_t total = grid_count * sample_count;
  std::vector<Member> members;
  members.reserve(total);
  for (std::size_t g = 0; g < grid_count; ++g) {
    // Mixed-radix digits of g, first axis slowest.
    std::vector<std::size_t> digit(axes.size());
    std::size_t rest = g;
    for (std::size_t a = axes.size(); a-- > 0;) {
      const std::size_t n = spec.parameters[axes[a].front()].values.size();
      digit[a] = rest % n;
      rest /= n;
    }
    for (std::size_t s = 0; s < sample_count; ++s) {
      Member m;
      m.id = member_id(members.size(), total);
      m.values.resize(spec.parameters.size());
      for (std::size_t a = 0; a < axes.size(); ++a)
        for (std::size_t k : axes[a]) m.values[k] = spec.parameters[k].values[digit[a]];
      for (std::size_t d = 0; d < sampled.size(); ++d) {
        const auto& p = spec.parameters[sampled[d]];
        m.values[sampled[d]] = numeric_value(quantile(*p.distribution, design[s][d]), p.has_dimension, p.dimension);
      }
      for (const auto& [key, value] : spec.fixed) m.overrides.push_back(key + "=" + value);
      for (std::size_t k = 0; k < spec.parameters.size(); ++k)
        for (const auto& key : spec.parameters[k].keys) m.overrides.push_back(key + "=" + m.values[k].yaml);
      for (const auto& rule : spec.vectors) {
        double speed = 0.0, direction = 0.0;
        bool speed_unit = false;
        for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
          if (spec.parameters[k].name == rule.speed) {
            speed = *m.values[k].si;
            speed_unit = spec.parameters[k].has_dimension;
          }
          if (spec.parameters[k].name == rule.direction) direction = *m.values[k].si;
        }
        // Compass convention: direction towards which the water flows, clockwise from north (+y).
        const std::string unit = speed_unit ? " m s-1" : "";
        m.overrides.push_back(rule.key + "=[" + format_number(speed * std::sin(direction)) + unit + ", " +
                              format_number(speed * std::cos(direction)) + unit + "]");
      }
      members.push_back(std::move(m));
    }
  }
  return members;
}

}  // namespace hadal::sweep
