// SPDX-License-Identifier: MIT
// `hadal run` of a `plume` case: the models the method asks for, their flow, the time loop.
#include "core/error.hpp"
#include "plume/both_methods_model.hpp"
#include "plume/flow.hpp"
#include "plume/keys.hpp"
#include "plume/module.hpp"
#include "sim/simulation.hpp"

namespace hadal::plume {

namespace {

// The models own the grid the flow must live on: build them first, then the flow on their grid.
class DeferredFlow : public sim::FlowProvider {
 public:
  std::unique_ptr<sim::FlowProvider> inner;
  void velocity(double t, grid::Field& u, grid::Field& v, grid::Field& w) override { inner->velocity(t, u, v, w); }
  double max_speed(double t0, double t1) override { return inner->max_speed(t0, t1); }
  void save(const std::string& file) override { inner->save(file); }
  void restore(const std::string& file) override { inner->restore(file); }
};

}  // namespace

void run_plume(sim::RunContext& context) {
  const auto root = context.config;
  const auto plume = root.child("plume");
  const auto spec = grid::grid_spec_from_config(root.child("grid"));
  const auto seabed = grid::make_seabed_shape(root.child("bathymetry"), spec);
  const auto settings = plume_settings_from_config(plume);
  const auto sources = sources_from_config(plume, settings.classes.size());
  const auto flow_settings = flow_settings_from_config(plume);
  const auto time = sim::time_settings_from_config(root);
  const Method method = method_from_config(plume);
  for (const auto& c : settings.classes) {
    context.log->info(strformat("class %-12s d = %.3g m, ws = %.3g m/s, deposit dry density %.0f kg/m3", c.name.c_str(),
                                c.diameter, c.settling_velocity, c.dry_density()));
  }
  std::unique_ptr<EulerianModel> eulerian;
  std::unique_ptr<LagrangianModel> lagrangian;
  std::unique_ptr<SharedFlow> shared;  // method both: one flow read by the two models
  DeferredFlow* eulerian_flow = nullptr;
  DeferredFlow* lagrangian_flow = nullptr;
  if (method != Method::Lagrangian) {
    auto deferred = std::make_unique<DeferredFlow>();
    eulerian_flow = deferred.get();
    eulerian = std::make_unique<EulerianModel>(context, spec, *seabed, settings, sources, std::move(deferred), time.start);
  }
  if (method != Method::Eulerian) {
    auto deferred = std::make_unique<DeferredFlow>();
    lagrangian_flow = deferred.get();
    lagrangian = std::make_unique<LagrangianModel>(context, spec, *seabed, settings, lagrangian_settings_from_config(plume),
                                                   sources, std::move(deferred), time.start);
  }
  for (const auto& model : sim::Registry::instance().seabed_models()) {
    if (plume.has(model.name)) {
      eulerian->attach_seabed_model(model.create(plume.child(model.name), eulerian->grid(), eulerian->bathymetry(), context));
    }
  }
  const auto& grid = eulerian ? eulerian->grid() : lagrangian->grid();
  const auto& bathymetry = eulerian ? eulerian->bathymetry() : lagrangian->bathymetry();
  auto flow = make_flow(flow_settings, grid, bathymetry, context, time.start, time.end);
  if (method == Method::Both) {
    shared = std::make_unique<SharedFlow>(grid, std::move(flow));
    eulerian_flow->inner = shared->reader();
    lagrangian_flow->inner = shared->reader();
  } else {
    (eulerian_flow ? eulerian_flow : lagrangian_flow)->inner = std::move(flow);
  }
  sim::CheckpointIdentity identity{"plume", sim::physics_hash(root.node()), grid.size(), grid.global_cells()};
  if (method == Method::Eulerian) {
    sim::run_time_loop(*eulerian, context, time, identity);
  } else if (method == Method::Lagrangian) {
    sim::run_time_loop(*lagrangian, context, time, identity);
    if (context.summary) (*context.summary)["method"] = "lagrangian";
  } else {
    BothMethodsModel both(context, *eulerian, *lagrangian);
    sim::run_time_loop(both, context, time, identity);
    if (context.summary) (*context.summary)["flow_evaluations"] = shared->evaluations();
  }
}

}  // namespace hadal::plume
