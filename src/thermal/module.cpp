// SPDX-License-Identifier: MIT
// Registration of the thermal module: its case types and its benchmark.
#include "sim/registry.hpp"
#include "thermal/keys.hpp"
#include "thermal/run.hpp"
#include "thermal/thermal.hpp"

namespace hadal::thermal {
namespace {

using config::ConfigView;
using config::ObjectSpec;

void register_case_types() {
  auto& registry = sim::Registry::instance();
  registry.add_case_type(
      {"thermal.mantle",
       "Mantle convection in a 2-D or 3-D box or a 2-D spherical annulus (Blankenbach, Busse, Davies benchmarks; T-dependent viscosity, internal heating)",
       [](ObjectSpec& root) {
         sim::declare_time_schema(root);
         declare_mantle_schema(root, false);
       },
       [](const ConfigView& root, std::vector<Diagnostic>& problems) { check_mantle(root, problems, false); },
       [](sim::RunContext& c) { run_mantle(c, false, "thermal.mantle"); }});
  registry.add_case_type(
      {"thermal.core", "1-D core thermal evolution under a prescribed CMB heat-flow history",
       [](ObjectSpec& root) {
         sim::declare_time_schema(root);
         declare_core_schema(root, true);
       },
       [](const ConfigView& root, std::vector<Diagnostic>& problems) { check_core(root, problems, true); },
       run_core});
  registry.add_case_type(
      {"thermal.coupled", "2-D mantle (box or spherical annulus) over the 1-D core, coupled through T_CMB and Q_CMB",
       [](ObjectSpec& root) {
         sim::declare_time_schema(root);
         declare_mantle_schema(root, true);
         declare_core_schema(root, false);
       },
       [](const ConfigView& root, std::vector<Diagnostic>& problems) {
         check_mantle(root, problems, true);
         check_core(root, problems, false);
       },
       [](sim::RunContext& c) { run_mantle(c, true, "thermal.coupled"); }});
}

}  // namespace

void register_module() {
  register_case_types();
  register_benchmarks();
}

}  // namespace hadal::thermal
