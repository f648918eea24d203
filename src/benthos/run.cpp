// SPDX-License-Identifier: MIT
// The benthos module's entry points: inline with a plume run, and the offline recovery case.
#include "benthos/run.hpp"

#include <cmath>
#include <limits>

#include "benthos/benthos_model.hpp"
#include "benthos/keys.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "grid/bathymetry.hpp"
#include "sim/simulation.hpp"

namespace hadal::benthos {

namespace {

/// The seabed model of a plume run: each plume step is one step of the food web under its exposure.
class InlineBenthos : public sim::SeabedModel {
 public:
  InlineBenthos(const grid::StructuredGrid& grid, const grid::Bathymetry& bathymetry, BenthosSettings settings,
                sim::RunContext& context)
      : model_(grid, bathymetry.first_wet(), std::move(settings),
               grid::stations_from_config(context.config.child("output"), grid), context.output_dir,
               !context.restart_file.empty()) {}

  void advance(double time, double dt, const sim::SeabedExposure& exposure) override {
    auto view = [](const grid::Field* f) { return f ? f->view() : grid::Field::View(); };
    model_.advance(time, dt,
                   Disturbance{view(exposure.deposited), view(exposure.eroded), view(exposure.deposit_thickness),
                               view(exposure.near_bed_concentration)});
  }
  void write_output(long step, double time) override {
    model_.flush(time);  // the maps (and an offline continuation from them) hold the food web up to `time`
    model_.record_totals();
    model_.write_output(step, time);
    model_.sample_stations(time);
  }
  void save(sim::CheckpointWriter& checkpoint) override { model_.save(checkpoint); }
  void restore(sim::CheckpointReader& checkpoint) override { model_.restore(checkpoint); }
  void finish(io::Json& summary) override { model_.finish(summary); }

 private:
  BenthosModel model_;
};

/// The seabed of a finished plume run as a shape: the elevation of the cell holding (x, y).
class CellSeabed : public grid::SeabedShape {
 public:
  CellSeabed(const grid::GridSpec& spec, std::vector<double> elevation) : spec_(spec), elevation_(std::move(elevation)) {}
  double elevation(double x, double y) const override {
    const int i = std::clamp(static_cast<int>(std::floor((x - spec_.x0) / spec_.lx * spec_.nx)), 0, spec_.nx - 1);
    const int j = std::clamp(static_cast<int>(std::floor((y - spec_.y0) / spec_.ly * spec_.ny)), 0, spec_.ny - 1);
    return elevation_[static_cast<std::size_t>(j) * spec_.nx + i];
  }

 private:
  grid::GridSpec spec_;
  std::vector<double> elevation_;
};

/// Reads a whole map (every rank) of a plume run's seabed file.
std::vector<double> read_map(const io::H5File& file, const std::string& name, const grid::GridSpec& spec) {
  const std::string dataset = "/fields/" + name;
  if (!file.has(dataset)) throw InputError("seabed file " + file.path() + " has no " + dataset);
  io::Block block{{static_cast<unsigned long long>(spec.ny), static_cast<unsigned long long>(spec.nx)},
                  {0, 0},
                  {static_cast<unsigned long long>(spec.ny), static_cast<unsigned long long>(spec.nx)}};
  std::vector<double> values(static_cast<std::size_t>(spec.nx) * spec.ny);
  file.read(dataset, block, values.data());
  return values;
}

/// The plume run's grid from its grid.h5 (node coordinates).
grid::GridSpec grid_of_run(MPI_Comm comm, const std::string& directory) {
  io::H5File file(comm, directory + "/grid.h5", io::H5File::Mode::Read);
  const auto x = file.read_replicated("/grid/x_nodes"), y = file.read_replicated("/grid/y_nodes");
  grid::GridSpec spec;
  spec.x0 = x.front(), spec.y0 = y.front();
  spec.lx = x.back() - x.front(), spec.ly = y.back() - y.front();
  spec.nx = static_cast<int>(x.size()) - 1, spec.ny = static_cast<int>(y.size()) - 1;
  // Refined columns keep their faces; uniform ones (to round-off) stay uniform, as the run had them.
  auto uniform = [](const std::vector<double>& nodes) {
    const double length = nodes.back() - nodes.front();
    const auto even = grid::uniform_faces(nodes.front(), length, static_cast<int>(nodes.size()) - 1);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (std::abs(nodes[i] - even[i]) > 1e-9 * length) return false;
    }
    return true;
  };
  if (!uniform(x)) spec.x_faces = x;
  if (!uniform(y)) spec.y_faces = y;
  spec.z_faces = file.read_replicated("/grid/z_nodes");
  spec.nz = static_cast<int>(spec.z_faces.size()) - 1;
  return spec;
}

/// The offline integration as a time-stepping model: undisturbed web from the end of the plume run.
class RecoveryModel : public sim::Model {
 public:
  RecoveryModel(BenthosModel& model, double step) : model_(model), step_(step) {}
  double stable_dt(double, double) override { return step_; }
  void advance(double time, double dt) override { model_.advance(time, dt, Disturbance{}); }
  void after_step(long, double time) override {
    model_.record_totals();
    model_.sample_stations(time);
  }
  void check_finite(long step, double time) override { model_.check_finite(step, time); }
  void write_output(long step, double time) override { model_.write_output(step, time); }
  void save(sim::CheckpointWriter& checkpoint) override { model_.save(checkpoint); }
  void restore(sim::CheckpointReader& checkpoint) override { model_.restore(checkpoint); }
  void finish(io::Json& summary) override { model_.finish(summary); }
  double work_per_step() const override { return static_cast<double>(model_.wet_columns()); }
  std::string work_unit() const override { return "column-updates"; }

 private:
  BenthosModel& model_;
  double step_;
};

}  // namespace

std::unique_ptr<sim::SeabedModel> create_inline(const config::ConfigView& block, const grid::StructuredGrid& grid,
                                                const grid::Bathymetry& bathymetry, sim::RunContext& context) {
  return std::make_unique<InlineBenthos>(grid, bathymetry, settings_from_config(block), context);
}

void run_recovery(sim::RunContext& context) {
  const auto root = context.config;
  const auto block = root.child("benthos");
  const auto source = source_from_config(block.child("source"));
  const std::string seabed_file = last_series_file(source.directory, "seabed");
  if (seabed_file.empty()) {
    block.child("source").fail("directory", std::filesystem::is_directory(source.directory)
                                                ? "'" + source.directory + "' holds no seabed outputs (seabed_NNNNNN.h5)"
                                                : "'" + source.directory + "' does not exist: run the plume case first");
  }
  const auto spec = grid_of_run(context.comm, source.directory);
  grid::StructuredGrid grid(context.comm, spec, 2);
  io::H5File seabed(context.comm, seabed_file, io::H5File::Mode::Read);
  const CellSeabed shape(spec, read_map(seabed, "seabed_elevation", spec));
  const grid::Bathymetry bathymetry(grid, shape);
  const bool resume = !context.restart_file.empty();
  BenthosModel model(grid, bathymetry.first_wet(), settings_from_config(block),
                     grid::stations_from_config(root.child("output"), grid), context.output_dir, resume);
  const double plume_duration = seabed.real_attribute("time");
  if (!resume) {
    const std::string state_file = last_series_file(source.directory, "benthos");
    if (!state_file.empty()) {
      context.log->info("continuing the inline benthos state of " + state_file);
      io::H5File state(context.comm, state_file, io::H5File::Mode::Read);
      model.load_state(state);
    } else {
      context.log->info(strformat("no inline benthos state: the deposit of %s is applied at once (%.3g s of deposition)",
                                  seabed_file.c_str(), plume_duration));
      grid::Field thickness(grid, "deposit_thickness", "m", "re-deposited sediment thickness", 1);
      const auto& box = grid.owned();
      const auto whole = read_map(seabed, "deposit_thickness", spec);
      std::vector<double> owned;
      for (int j = box.j_begin; j < box.j_end; ++j) {
        for (int i = box.i_begin; i < box.i_end; ++i) owned.push_back(whole[static_cast<std::size_t>(j) * spec.nx + i]);
      }
      thickness.set_owned_block(owned);
      model.apply_deposit(thickness, source.deposit_dry_density, std::max(plume_duration, 0.0));
    }
  }
  const auto time = sim::time_settings_from_config(root);
  RecoveryModel recovery(model, recovery_step_from_config(block));
  sim::CheckpointIdentity identity{"benthos.recovery", sim::physics_hash(root.node()), grid.size(),
                                   static_cast<long long>(grid.nx()) * grid.ny()};
  sim::run_time_loop(recovery, context, time, identity);
}

}  // namespace hadal::benthos
