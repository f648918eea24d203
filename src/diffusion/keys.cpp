// SPDX-License-Identifier: MIT
#include "diffusion/keys.hpp"

#include "core/error.hpp"
#include "grid/grid.hpp"
#include "grid/stations.hpp"
#include "sim/simulation.hpp"

namespace hadal::diffusion {

void declare_schema(config::ObjectSpec& root) {
  using namespace units;
  grid::declare_grid_schema(root);
  sim::declare_time_schema(root);
  grid::declare_stations_schema(root.key("output").object());
  auto& d = root.object("diffusion", "Gaussian puff diffusing in a closed box (verification case).");
  d.reals("diffusivity", kDiffusivity, "Kx, Ky, Kz").items(3).greater_than(0.0).required();
  d.real("mass", kMass, "Mass released").greater_than(0.0).default_value(1.0);
  d.reals("center", kLength, "Release point x, y, z").items(3).required();
  d.real("age", kTime, "Age of the puff at the start time: its initial variance is 2 K age")
      .greater_than(0.0)
      .required();
}

void check(const config::ConfigView& root, std::vector<Diagnostic>& problems) {
  const auto grid = root.child("grid");
  const auto c = root.child("diffusion").reals("center");
  const auto origin = grid.reals("origin"), extent = grid.reals("extent");
  const bool inside = c[0] >= origin[0] && c[0] <= origin[0] + extent[0] && c[1] >= origin[1] &&
                      c[1] <= origin[1] + extent[1] && c[2] >= grid.real("z_bottom") && c[2] <= grid.real("z_top");
  if (!inside) problems.push_back(root.child("diffusion").diagnostic("center", "release point lies outside the grid"));
  if (grid.has("refine")) {
    try {
      grid::grid_spec_from_config(grid);  // the refined box's own problems first
      problems.push_back(grid.diagnostic("refine", "the diffusion verification model needs uniform columns; remove grid.refine"));
    } catch (const InputError& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
}

DiffusionSettings settings_from_config(const config::ConfigView& diffusion) {
  DiffusionSettings s;
  const auto k = diffusion.reals("diffusivity");
  s.diffusivity = {k[0], k[1], k[2]};
  s.mass = diffusion.real("mass");
  s.center = diffusion.reals("center");
  s.age = diffusion.real("age");
  return s;
}

}  // namespace hadal::diffusion
