// SPDX-License-Identifier: MIT
// Entry points of the thermal case types: build the box (and core), run the time loop.
#include "thermal/run.hpp"

#include <filesystem>
#include <memory>

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
  if (!coupled && config.child("mantle").has("initial_temperature_file"))
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
