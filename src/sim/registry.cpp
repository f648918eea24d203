// SPDX-License-Identifier: MIT
#include "sim/registry.hpp"

#include <stdexcept>

namespace hadal::sim {

Registry& Registry::instance() {
  static Registry registry;
  return registry;
}

void Registry::add_case_type(CaseType type) {
  if (find_case_type(type.name)) throw std::logic_error("case type '" + type.name + "' registered twice");
  case_types_.push_back(std::move(type));
}

void Registry::add_flow_source(FlowSourceType type) {
  if (find_flow_source(type.name)) throw std::logic_error("flow source '" + type.name + "' registered twice");
  flow_sources_.push_back(std::move(type));
}

void Registry::add_benchmark(Benchmark benchmark) {
  if (find_benchmark(benchmark.name)) throw std::logic_error("benchmark '" + benchmark.name + "' registered twice");
  benchmarks_.push_back(std::move(benchmark));
}

void Registry::add_seabed_model(SeabedModelType type) {
  if (find_seabed_model(type.name)) throw std::logic_error("seabed model '" + type.name + "' registered twice");
  seabed_models_.push_back(std::move(type));
}

const SeabedModelType* Registry::find_seabed_model(const std::string& name) const {
  for (const auto& t : seabed_models_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const CaseType* Registry::find_case_type(const std::string& name) const {
  for (const auto& t : case_types_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const FlowSourceType* Registry::find_flow_source(const std::string& name) const {
  for (const auto& t : flow_sources_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const Benchmark* Registry::find_benchmark(const std::string& name) const {
  for (const auto& b : benchmarks_) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

std::vector<std::string> Registry::case_type_names() const {
  std::vector<std::string> names;
  for (const auto& t : case_types_) names.push_back(t.name);
  return names;
}

}  // namespace hadal::sim
