// SPDX-License-Identifier: MIT
// `hadal bench benthos [nx ny steps]`: the offline recovery step (undisturbed food web with lateral larval
// exchange) on nx x ny wet columns with month steps, from a disturbed start.
#include "benthos/benchmark.hpp"

#include <chrono>

#include "benthos/benthos_model.hpp"
#include "benthos/keys.hpp"
#include "sim/roofline.hpp"

namespace hadal::benthos {

void bench_recovery(MPI_Comm comm, const std::vector<std::string>& args, Logger&, io::Json& results) {
  auto arg = [&](std::size_t i, int fallback) { return args.size() > i ? std::stoi(args[i]) : fallback; };
  const int nx = arg(0, 128), ny = arg(1, 96), steps = arg(2, 240);
  grid::GridSpec spec;
  spec.lx = 12.5 * nx, spec.ly = 12.5 * ny;
  spec.nx = nx, spec.ny = ny, spec.nz = 1;
  spec.z_faces = {-10.0, 0.0};
  grid::StructuredGrid grid(comm, spec, 2);
  Kokkos::View<int**> first_wet("first_wet", grid.local_ni(), grid.local_nj());  // every column wet
  BenthosModel model(grid, first_wet, default_settings(), {}, "", false);
  // A 5 mm deposit over one day on every column, so the web is far from its steady state.
  grid::Field thickness(grid, "thickness", "m", "", 1);
  thickness.fill(5e-3);
  model.apply_deposit(thickness, 1200.0, 86400.0);
  const double dt = 30.0 * 86400.0;
  MPI_Barrier(comm);
  const auto start = std::chrono::steady_clock::now();
  for (int s = 0; s < steps; ++s) model.advance(s * dt, dt, Disturbance{});
  Kokkos::fence();
  MPI_Barrier(comm);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  const double per_rank = static_cast<double>(nx) * ny * steps / seconds / ranks;
  // Compulsory traffic per column-step as implemented: stocks, ledger, losses and the two recovery clocks
  // read and written (7 + 4 + 3 x 7 doubles), the larval exchange's copies and stencil (5 doubles).
  const double bytes_per_update = (2.0 * (7 + 4 + 21) + 5.0) * 8.0;
  const auto triad = sim::measure_triad(comm);
  results["grid"] = {nx, ny};
  results["steps"] = steps;
  results["step_days"] = 30;
  results["seconds_total"] = seconds;
  results["column_steps_per_second_per_rank"] = per_rank;
  results["bytes_per_column_step_model"] = bytes_per_update;
  results["triad_bandwidth_GB_s_per_rank"] = triad.bytes_per_second / 1e9;
  results["roofline_fraction"] = per_rank * bytes_per_update / triad.bytes_per_second;
  results["carbon_budget_rel_error"] = model.budget_closure().second;
}

}  // namespace hadal::benthos
