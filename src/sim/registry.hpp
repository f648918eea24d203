// SPDX-License-Identifier: MIT
/// \file registry.hpp
/// \brief Case types (one per physics module entry point) and flow providers, registered by name.
///
/// Physics modules never depend on each other: a module registers its case types and, if it can
/// produce a flow field, a FlowSourceType here; another module looks flow sources up by name.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <mpi.h>

#include "core/config.hpp"
#include "core/log.hpp"
#include "io/json.hpp"

namespace hadal::grid {
class StructuredGrid;
class Bathymetry;
class Field;
}  // namespace hadal::grid

namespace hadal::sim {

class CheckpointWriter;
class CheckpointReader;

/// Everything a case needs from the driver.
struct RunContext {
  MPI_Comm comm = MPI_COMM_WORLD;
  config::ConfigView config;       ///< root of the resolved case
  std::string resolved_yaml;       ///< the resolved case as text (stored as metadata)
  std::string case_file;
  std::string output_dir;          ///< exists and is writable
  std::string restart_file;        ///< empty for a fresh start
  Logger* log = nullptr;
  io::Json* summary = nullptr;     ///< the module adds its metrics; the driver writes summary.json
};

struct CaseType {
  std::string name;         ///< value of `case.type`
  std::string description;  ///< one line for `hadal info`/docs
  /// Adds the module's blocks (and grid/time/... blocks it uses) to the root schema.
  std::function<void(config::ObjectSpec& root)> declare_schema;
  /// Checks that need several keys at once (source inside the domain, ...). May be empty.
  std::function<void(const config::ConfigView& root, std::vector<Diagnostic>& problems)> check;
  /// Runs the case. Throws InputError / NumericalError / IoError on failure.
  std::function<void(RunContext& context)> run;
};

/// A time-dependent velocity field on a StructuredGrid, face-normal on a C-grid:
/// u(li,lj,k) on the west face of cell (li,lj,k), v on the south face, w on the bottom face (w has
/// nz+1 points). Fill owned faces plus the east/north face of the last owned cell (local index
/// g+ni / g+nj) and exchange halos; velocities are zero on faces touching dry cells.
class FlowProvider {
 public:
  virtual ~FlowProvider() = default;
  virtual void velocity(double time, grid::Field& u, grid::Field& v, grid::Field& w) = 0;
  /// An upper bound of |velocity| over [t0, t1] for time-step control (global over ranks).
  virtual double max_speed(double t0, double t1) = 0;
  /// Bottom friction velocity u* per column (map field) for erosion; default: unknown (returns false).
  virtual bool friction_velocity(double /*time*/, grid::Field& /*ustar*/) { return false; }
  /// Checkpointing of internal state for time-stepping providers: write companion files named
  /// "<checkpoint_file>.<something>" (pruned together with the checkpoint).
  virtual void save(const std::string& /*checkpoint_file*/) {}
  virtual void restore(const std::string& /*checkpoint_file*/) {}
  /// Output of the provider's own diagnostic fields at output times (may do nothing).
  virtual void write_output(long /*step*/, double /*time*/) {}
};

/// A named way to build a FlowProvider from a block of a case file (e.g. "ocean").
struct FlowSourceType {
  std::string name;
  std::function<void(config::ObjectSpec& block)> declare_schema;
  std::function<std::unique_ptr<FlowProvider>(const config::ConfigView& block, const grid::StructuredGrid& grid,
                                              const grid::Bathymetry& bathymetry, RunContext& context)>
      create;
  /// Checks of the block against the whole case (`root`): the files it names, the times and region they
  /// must cover. May be empty. Run by `hadal check` and `hadal run` before anything else, for every block
  /// `{type: <name>, <name>: {...}}` of a case.
  std::function<void(const config::ConfigView& block, const config::ConfigView& root, std::vector<Diagnostic>& problems)>
      check;
};

/// What a sediment-transport model hands the seabed after each of its steps: maps (nk = 1, owned
/// columns filled) on the transport model's grid and decomposition.
struct SeabedExposure {
  const grid::Field* deposited = nullptr;               ///< kg m-2 settled onto the bed during the step, all classes
  const grid::Field* eroded = nullptr;                  ///< kg m-2 taken up from the bed during the step
  const grid::Field* deposit_thickness = nullptr;       ///< m of re-deposit accumulated since the start
  const grid::Field* near_bed_concentration = nullptr;  ///< kg m-3 in the lowest wet cell, all classes, after the step
  const grid::Field* bed_shear_stress = nullptr;        ///< Pa, or nullptr where the transport model has none
  const grid::Field* near_bed_u = nullptr;              ///< m s-1, eastward velocity in the lowest wet cell
  const grid::Field* near_bed_v = nullptr;              ///< m s-1, northward
};

/// A model of what lives on the seabed, driven by a transport model's exposure (e.g. `benthos`).
class SeabedModel {
 public:
  virtual ~SeabedModel() = default;
  /// Advances from `time` to `time + dt` under the exposure of that step (collective).
  virtual void advance(double time, double dt, const SeabedExposure& exposure) = 0;
  /// Writes its fields at the transport model's output times (collective).
  virtual void write_output(long step, double time) = 0;
  /// Its state in the transport model's checkpoint.
  virtual void save(CheckpointWriter& checkpoint) = 0;
  virtual void restore(CheckpointReader& checkpoint) = 0;
  /// Adds its metrics to the summary.
  virtual void finish(io::Json& summary) = 0;
};

/// A named seabed model; a transport model that supports seabed models declares the block
/// `<its settings>.<name>` for each registered type and runs the model when that block is present.
struct SeabedModelType {
  std::string name;
  std::function<void(config::ObjectSpec& block)> declare_schema;
  std::function<std::unique_ptr<SeabedModel>(const config::ConfigView& block, const grid::StructuredGrid& grid,
                                             const grid::Bathymetry& bathymetry, RunContext& context)>
      create;
};

/// A performance benchmark run by `hadal bench <name> [args...]`. It records its figures in
/// `results` (printed as JSON and written to bench_<name>.json), including throughput and the ratio to
/// a reference measured in the same run (see sim/roofline.hpp).
struct Benchmark {
  std::string name;
  std::string description;
  std::function<void(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results)> run;
};

class Registry {
 public:
  static Registry& instance();
  void add_case_type(CaseType type);
  void add_flow_source(FlowSourceType type);
  void add_benchmark(Benchmark benchmark);
  void add_seabed_model(SeabedModelType type);
  const SeabedModelType* find_seabed_model(const std::string& name) const;
  const std::vector<SeabedModelType>& seabed_models() const { return seabed_models_; }
  const Benchmark* find_benchmark(const std::string& name) const;
  const std::vector<Benchmark>& benchmarks() const { return benchmarks_; }
  const CaseType* find_case_type(const std::string& name) const;
  const FlowSourceType* find_flow_source(const std::string& name) const;
  std::vector<std::string> case_type_names() const;
  const std::vector<CaseType>& case_types() const { return case_types_; }
  const std::vector<FlowSourceType>& flow_sources() const { return flow_sources_; }

 private:
  std::vector<CaseType> case_types_;
  std::vector<FlowSourceType> flow_sources_;
  std::vector<Benchmark> benchmarks_;
  std::vector<SeabedModelType> seabed_models_;
};

/// Calls every compiled-in module's register function (generated at configure time).
void register_all_modules();

}  // namespace hadal::sim
