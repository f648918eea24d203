// SPDX-License-Identifier: MIT
// Entry points of the thermal case types: build the box (and core), run the time loop.
#include "thermal/run.hpp"

#include <filesystem>
#include <memory>

#include <mpi.h>

#include "io/hdf5_file.hpp"
#include "sim/simulation.hpp"
#include "thermal/core_history_model.hpp"
#include "thermal/keys.hpp"
#include "thermal/mantle2d.hpp"
#include "thermal/mantle3d.hpp"
#include "thermal/mantle_annulus.hpp"
#include "thermal/mantle_model.hpp"

namespace hadal::thermal {
namespace {

/// Replaces the initial temperature by that of an earlier run's fields file (same dimension),
/// interpolated onto this grid (grid sequencing, or continuation from a steady state at another
/// Rayleigh number).
void start_from_fields_file(const config::ConfigView& m, const MantleScales& sc, MPI_Comm comm, MantleBox& mantle) {
  const std::string path = m.string("initial_temperature_file");
  if (!std::filesystem::is_regular_file(path)) m.fail("initial_temperature_file", "no such file: " + path);
  io::H5File file(comm, path, io::H5File::Mode::Read);
  if (!file.has("/temperature"))
    m.fail("initial_temperature_file", path + " has no /temperature (expected a fields_<step>.h5 of thermal.mantle)");
  const auto dims = file.dims("/temperature");
  const auto cells = mantle.global_cells();
  if (dims.size() != cells.size())
    m.fail("initial_temperature_file", path + " holds a " + std::to_string(dims.size()) + "-D temperature; need " +
                                           std::to_string(cells.size()) + "-D");
  const std::string units = file.string_attribute("units", "/temperature");
  const std::string expected = sc.dimensional ? "K" : "1";
  if (units != expected)
    m.fail("initial_temperature_file", path + " has temperature in '" + units + "' but this case needs '" + expected +
                                           "' (both runs must use the same mantle.units)");
  auto t = file.read_replicated("/temperature");
  for (double& v : t) v = (v - sc.t_top) / sc.temperature;
  std::vector<int> source_cells(dims.rbegin(), dims.rend());  // the file is z slowest
  mantle.set_temperature_from(source_cells, t);
}

/// Marches `box` in pseudo-time to its steady state with the case's steady_state settings (Anderson
/// acceleration included), without output; returns the steps taken.
long march_to_steady_state(sim::RunContext& context, MantleBox& box) {
  SteadyStop stop(context.config.child("steady_state"), true, true);
  const int depth = anderson_depth(context.config);
  auto anderson = depth > 0 ? std::make_unique<AndersonPseudoTime>(context.comm, depth) : nullptr;
  box.solve_stokes();
  long steps = 0;
  double pseudo_time = 0.0;
  while (!stop.finished()) {
    const double dt = box.stable_dt(stop.courant(0.0), false);
    if (anderson)
      anderson->step(box, dt, stop);
    else
      box.step(dt);
    pseudo_time += dt;
    const auto d = box.diagnostics();
    stop.update(*context.log, ++steps, pseudo_time, 1.0, dt, d.nu_top, d.vrms, box.last_steady_residual());
  }
  return steps;
}

/// Grid sequencing (steady_state.coarse_grids): the steady states of the case on `levels` grids
/// coarser by 2^levels ... 2, the coarsest started from the case's initial temperature and each of
/// the others from the last one's steady state; the finest of them is interpolated onto `box`. The
/// cells, steps and wall seconds of each grid go into the summary.
void start_from_coarse_grids(sim::RunContext& context, int levels, MantleBox& box) {
  const auto& config = context.config;
  std::vector<int> cells;
  std::vector<double> temperature;
  std::vector<std::vector<int>> grids;
  std::vector<long> steps;
  std::vector<double> seconds;
  for (int level = levels; level >= 1; --level) {
    const double start = MPI_Wtime();
    auto setup = mantle_setup(config, false);
    setup.params.nx >>= level;
    setup.params.nz >>= level;
    MantleConvection2D coarse(context.comm, setup.params);
    coarse.set_initial_temperature();
    if (!temperature.empty())
      coarse.set_temperature_from(cells, temperature);
    else if (config.child("mantle").has("initial_temperature_file"))
      start_from_fields_file(config.child("mantle"), setup.scales, context.comm, coarse);
    context.log->info(strformat("grid sequencing: steady state on %d x %d cells first", setup.params.nx,
                                setup.params.nz));
    steps.push_back(march_to_steady_state(context, coarse));
    cells = coarse.global_cells();
    temperature = coarse.gathered_temperature();
    grids.push_back(cells);
    seconds.push_back(MPI_Wtime() - start);
  }
  box.set_temperature_from(cells, temperature);
  auto& summary = *context.summary;
  summary["coarse_grid_cells"] = grids;
  summary["coarse_grid_steps"] = steps;
  summary["coarse_grid_wall_seconds"] = seconds;
}

void run_model(sim::RunContext& context, sim::Model& model, const sim::TimeSettings& settings,
               const std::string& type, long long cells) {
  int size = 1;
  MPI_Comm_size(context.comm, &size);
  sim::CheckpointIdentity identity{type, sim::physics_hash(context.config.node()), size, cells};
  sim::run_time_loop(model, context, settings, identity);
}

}  // namespace

void run_mantle(sim::RunContext& context, bool coupled, const std::string& type) {
  const auto& config = context.config;
  std::unique_ptr<MantleBox> box;
  MantleScales scales;
  if (config.child("mantle").string("geometry") == "annulus") {
    auto setup = mantle_setup_annulus(config, coupled);
    scales = setup.scales;
    box = std::make_unique<MantleConvectionAnnulus>(context.comm, setup.params);
  } else if (config.child("mantle").integers("cells").size() == 3) {
    auto setup = mantle_setup_3d(config);
    scales = setup.scales;
    box = std::make_unique<MantleConvection3D>(context.comm, setup.params);
  } else {
    auto setup = mantle_setup(config, coupled);
    scales = setup.scales;
    box = std::make_unique<MantleConvection2D>(context.comm, setup.params);
  }
  box->set_initial_temperature();
  // A restart takes its temperature from the checkpoint.
  const auto coarse_grids = static_cast<int>(config.child("steady_state").integer("coarse_grids"));
  if (coarse_grids > 0 && context.restart_file.empty())
    start_from_coarse_grids(context, coarse_grids, *box);
  else if (!coupled && config.child("mantle").has("initial_temperature_file"))
    start_from_fields_file(config.child("mantle"), scales, context.comm, *box);
  const auto settings = sim::time_settings_from_config(config);
  auto core = coupled ? std::make_unique<CoreModel>(core_parameters(config.child("core"))) : nullptr;
  if (core) core->set_time(settings.start);
  MantleModel model(context, std::move(box), scales, std::move(core), anderson_depth(config));
  run_model(context, model, settings, type, model.cells());
}

void run_core(sim::RunContext& context) {
  const auto settings = sim::time_settings_from_config(context.config);
  auto model = make_core_history_model(context, settings.start);
  run_model(context, *model, settings, "thermal.core", 1);
}

}  // namespace hadal::thermal
