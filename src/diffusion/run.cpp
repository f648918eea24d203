// SPDX-License-Identifier: MIT
// `hadal run` of a `diffusion` case.
#include "diffusion/diffusion_model.hpp"
#include "diffusion/keys.hpp"
#include "diffusion/module.hpp"

namespace hadal::diffusion {

void run(sim::RunContext& context) {
  const auto spec = grid::grid_spec_from_config(context.config.child("grid"));
  const auto time = sim::time_settings_from_config(context.config);
  DiffusionModel model(context, spec, settings_from_config(context.config.child("diffusion")), time.start);
  sim::CheckpointIdentity identity{"diffusion", sim::physics_hash(context.config.node()), model.grid().size(),
                                   model.grid().global_cells()};
  sim::run_time_loop(model, context, time, identity);
}

}  // namespace hadal::diffusion
