// SPDX-License-Identifier: MIT
// Case types ocean.tidal and ocean.downscale: build the grid, the bathymetry and the model, run it, write the
// summary (fields, station series and face-velocity files for later plume runs).
#include <chrono>
#include <cmath>
#include <map>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/runtime.hpp"
#include "grid/bathymetry.hpp"
#include "grid/field_output.hpp"
#include "io/csv.hpp"
#include "numerics/constants.hpp"
#include "numerics/tides.hpp"
#include "ocean/module.hpp"
#include "ocean/flow.hpp"
#include "ocean/tidal_model.hpp"
#include "sim/checkpoint.hpp"
#include "sim/registry.hpp"
#include "sim/simulation.hpp"

namespace hadal::ocean {

namespace {
using Policy2 = Kokkos::MDRangePolicy<Kokkos::Rank<2>>;

/// The ocean block's checks, then the files the case names (bathymetry, current data), opened as the run
/// would open them.
void check_case_inputs(const config::ConfigView& root, const std::string& model, std::vector<Diagnostic>& problems) {
  check_ocean_block(root.child("ocean"), model, problems);
  if (!problems.empty()) return;
  try {
    const auto spec = grid::grid_spec_from_config(root.child("grid"));
    grid::make_seabed_shape(root.child("bathymetry"), spec);
  } catch (const InputError& e) {
    problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    return;
  }
  check_ocean_inputs(root.child("ocean"), root, model, problems);
}

void declare_common(config::ObjectSpec& root) {
  grid::declare_grid_schema(root);
  grid::declare_bathymetry_schema(root);
  sim::declare_time_schema(root);
}

/// Depth-mean (over each column's wet cells) of cell-centred 3-D fields, and near-bed values.
void column_diagnostics(const grid::StructuredGrid& grid, const Kokkos::View<int**>& first_wet,
                        const grid::Field& uc, const grid::Field& vc, grid::Field& umean, grid::Field& vmean,
                        grid::Field& ubed, grid::Field& vbed) {
  const int g = grid.ghost(), ni = grid.owned().ni(), nj = grid.owned().nj(), nz = grid.nz();
  Kokkos::View<double*> dz("ocean::dz", nz);
  auto dz_host = Kokkos::create_mirror_view(dz);
  for (int k = 0; k < nz; ++k) dz_host(k) = grid.dz(k);
  Kokkos::deep_copy(dz, dz_host);
  auto fw = first_wet;
  auto a = uc.view();
  auto b = vc.view();
  auto am = umean.view();
  auto bm = vmean.view();
  auto ab = ubed.view();
  auto bb = vbed.view();
  Kokkos::parallel_for(
      "ocean::column_diagnostics", Policy2({g, g}, {g + ni, g + nj}), KOKKOS_LAMBDA(const int i, const int j) {
        double su = 0.0, sv = 0.0, h = 0.0;
        for (int k = fw(i, j); k < nz; ++k) {
          su += a(i, j, k) * dz(k);
          sv += b(i, j, k) * dz(k);
          h += dz(k);
        }
        const int first = fw(i, j);
        am(i, j, 0) = h > 0 ? su / h : 0.0;
        bm(i, j, 0) = h > 0 ? sv / h : 0.0;
        ab(i, j, 0) = first < nz ? a(i, j, first) : 0.0;
        bb(i, j, 0) = first < nz ? b(i, j, first) : 0.0;
      });
}

// ------------------------------------------------------------------------------------ ocean.tidal

void run_tidal(sim::RunContext& context) {
  const auto root = context.config;
  const auto spec = grid::grid_spec_from_config(root.child("grid"));
  grid::StructuredGrid grid(context.comm, spec);
  const auto shape = grid::make_seabed_shape(root.child("bathymetry"), spec);
  grid::Bathymetry bathymetry(grid, *shape);
  const auto settings = sim::time_settings_from_config(root);
  auto model = make_tidal_model(context, grid, bathymetry, settings);
  sim::CheckpointIdentity identity{"ocean.tidal", sim::physics_hash(root.node()), grid.size(), grid.global_cells()};
  const auto stats = sim::run_time_loop(*model, context, settings, identity);
  (*context.summary)["ocean"]["wall_seconds"] = stats.wall_seconds;
  (*context.summary)["ocean"]["column_updates_per_second"] =
      stats.wall_seconds > 0 ? stats.steps * model->work_per_step() / stats.wall_seconds : 0.0;
}

// --------------------------------------------------------------------------------- ocean.downscale

void run_downscale(sim::RunContext& context) {
  const auto root = context.config;
  const auto block = root.child("ocean");
  const auto spec = grid::grid_spec_from_config(root.child("grid"));
  grid::StructuredGrid grid(context.comm, spec);
  const auto shape = grid::make_seabed_shape(root.child("bathymetry"), spec);
  grid::Bathymetry bathymetry(grid, *shape);
  const auto settings = sim::time_settings_from_config(root);
  const auto t0 = std::chrono::steady_clock::now();
  DownscaledFlow flow(block, root, grid, bathymetry, settings.start, settings.end, root.child("time"), "end");
  const double setup = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  context.log->info("ocean: " + flow.data().describe());
  context.log->info(strformat("ocean: projection operator and multigrid set up in %.3g s", setup));

  FaceVelocity guess(grid, "_guess");
  grid::Field u3(grid, "u", "m s-1", "eastward velocity (cell centre)");
  grid::Field v3(grid, "v", "m s-1", "northward velocity (cell centre)");
  grid::Field w3(grid, "w", "m s-1", "upward velocity (cell centre)");
  grid::Field du(grid, "u_adjustment", "m s-1", "eastward velocity minus the interpolated data (cell centre)");
  grid::Field gu(grid, "u_guess", "m s-1", "interpolated data (cell centre)");
  grid::Field gv(grid, "v_guess", "m s-1", "interpolated data (cell centre)");
  grid::Field gw(grid, "w_guess", "m s-1", "interpolated data (cell centre)");
  grid::Field umean(grid, "u_depth_mean", "m s-1", "depth-mean eastward velocity", 1);
  grid::Field vmean(grid, "v_depth_mean", "m s-1", "depth-mean northward velocity", 1);
  grid::Field ubed(grid, "u_bed", "m s-1", "eastward velocity in the lowest wet cell", 1);
  grid::Field vbed(grid, "v_bed", "m s-1", "northward velocity in the lowest wet cell", 1);
  grid::FieldSeriesWriter volume(grid, context.output_dir, "ocean_velocity", grid::FieldSeriesWriter::Kind::Volume);
  grid::FieldSeriesWriter maps(grid, context.output_dir, "ocean_maps", grid::FieldSeriesWriter::Kind::Map);
  volume.set_attribute("method", "mass-consistent downscaling: no dynamics (no rectified mean flow, internal tides, "
                                 "lee waves or separation)");
  io::Json records = io::Json::array();
  const auto& times = flow.data().times();
  long written = 0;
  for (std::size_t n = 0; n < times.size(); ++n) {
    // Records spanning the run: the one at or before the start through the one at or after the end.
    const bool before_next = n + 1 < times.size() && times[n + 1] <= settings.start;
    const bool after_prev = n > 0 && times[n - 1] >= settings.end;
    if (before_next || after_prev) continue;
    const auto s0 = std::chrono::steady_clock::now();
    const FaceVelocity& f = flow.record(n);
    const double solve = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
    const auto& r = flow.last_result();
    context.log->info(strformat("ocean: record %zu (t = %.6g s): %d CG iterations, residual %.3g, relative "
                                "divergence %.3g (before %.3g), boundary imbalance removed %.4g m3/s, %.3g s",
                                n, times[n], r.iterations, r.residual_norm, r.relative_divergence,
                                r.initial_divergence, r.boundary_imbalance, solve));
    flow.first_guess(n, guess);
    cell_centred_velocity(grid, guess.u, guess.v, guess.w, gu, gv, gw);
    cell_centred_velocity(grid, f.u, f.v, f.w, u3, v3, w3);
    {
      auto a = u3.view();
      auto b = gu.view();
      auto c = du.view();
      Kokkos::parallel_for(
          "ocean::difference", Kokkos::RangePolicy<>(0, long(a.size())),
          KOKKOS_LAMBDA(const long m) { c.data()[m] = a.data()[m] - b.data()[m]; });
    }
    column_diagnostics(grid, bathymetry.first_wet(), u3, v3, umean, vmean, ubed, vbed);
    volume.write(written, times[n], {&u3, &v3, &w3, &gu, &gv, &du});
    maps.write(written, times[n], {&umean, &vmean, &ubed, &vbed});
    if (block.boolean("write_flow_files")) {
      char name[64];
      std::snprintf(name, sizeof name, "/flow_%06ld.h5", written);
      write_flow_file(context.output_dir + name, grid, f.u, f.v, f.w, times[n]);
    }
    io::Json j;
    j["time_s"] = times[n];
    j["iterations"] = r.iterations;
    j["residual_norm"] = r.residual_norm;
    j["relative_divergence"] = r.relative_divergence;
    j["initial_relative_divergence"] = r.initial_divergence;
    j["boundary_imbalance_m3_s"] = r.boundary_imbalance;
    j["solve_seconds"] = solve;
    records.push_back(j);
    ++written;
  }
  (*context.summary)["ocean"]["setup_seconds"] = setup;
  (*context.summary)["ocean"]["records"] = records;
}

}  // namespace

void register_case_types() {
  auto& registry = sim::Registry::instance();
  registry.add_case_type(
      {"ocean.tidal", "Barotropic tidal flow (nonlinear shallow water, Flather tides) with a log bottom layer",
       [](config::ObjectSpec& root) {
         declare_common(root);
         declare_ocean_block(root.object("ocean", "Ocean flow: tidal solver settings"), false);
       },
       [](const config::ConfigView& root, std::vector<Diagnostic>& problems) {
         check_case_inputs(root, "tidal", problems);
       },
       run_tidal});
  registry.add_case_type(
      {"ocean.downscale", "Mass-consistent downscaling of coarse current data over detailed bathymetry",
       [](config::ObjectSpec& root) {
         declare_common(root);
         declare_ocean_block(root.object("ocean", "Ocean flow: downscaling settings"), false);
       },
       [](const config::ConfigView& root, std::vector<Diagnostic>& problems) {
         check_case_inputs(root, "downscale", problems);
       },
       run_downscale});
}

}  // namespace hadal::ocean
