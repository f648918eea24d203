// SPDX-License-Identifier: MIT
/// \file flow.hpp
/// \brief The three ways this module produces a 3-D flow field on a grid: the tidal solver with its log
/// bottom layer (TidalFlow), the mass-consistent adjustment of coarse data (DownscaledFlow), and face
/// velocities saved by an earlier run (SavedFlow). Each gives discretely divergence-free C-grid face
/// velocities at any time; the FlowProviders handed to other modules wrap them.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "grid/bathymetry.hpp"
#include "io/hdf5_file.hpp"
#include "ocean/barotropic.hpp"
#include "ocean/coarse_data.hpp"
#include "ocean/keys.hpp"
#include "ocean/nesting.hpp"
#include "ocean/projection.hpp"
#include "ocean/vertical.hpp"

namespace hadal::ocean {

/// Face-velocity triple (u: nz, v: nz, w: nz+1 points).
struct FaceVelocity {
  FaceVelocity(const grid::StructuredGrid& grid, const std::string& suffix = {});
  grid::Field u, v, w;
};

/// The two records of a flow known at discrete instants (data records, saved files, replay instants) that
/// bracket the present time. A run moving forward in time builds each record once.
class RecordPair {
 public:
  using Build = std::function<void(long record, FaceVelocity& out)>;
  RecordPair(const grid::StructuredGrid& grid, Build build) : grid_(grid), build_(std::move(build)) {}
  /// Record n, built into the slot that does not hold `keep` unless it is held already.
  const FaceVelocity& get(long n, long keep = -1);
  /// out = (1 - weight) record(n) + weight record(next), each built if missing; weight 0 copies record n.
  void blend(long n, long next, double weight, grid::Field& u, grid::Field& v, grid::Field& w);

 private:
  const grid::StructuredGrid& grid_;
  Build build_;
  std::array<std::unique_ptr<FaceVelocity>, 2> slots_;
  std::array<long, 2> slot_record_{-1, -1};
};

class TidalFlow {
 public:
  /// The solver starts at `start_time - spin_up` from rest. With a `data:` block the open boundaries are
  /// nested in the data (see NestedForcing, DataShear), which must cover [start_time, end_time] (the
  /// spin-up holds the data at their first time); errors at root.time.end (or the data block when `root`
  /// has no time block).
  TidalFlow(const config::ConfigView& block, const config::ConfigView& root, const grid::StructuredGrid& grid,
            const grid::Bathymetry& bathymetry, double start_time, double end_time);
  /// Advances the solver to `time` (sub-cycling at its own stable step) and fills 3-D face velocities.
  void velocity(double time, grid::Field& u, grid::Field& v, grid::Field& w);
  /// Speed bound for [now, now + horizon]: the larger of the present maximum and the forcing's
  /// amplitude, doubled for topographic amplification.
  double speed_bound() const;
  BarotropicSolver& solver() { return *solver_; }
  const BarotropicSolver& solver() const { return *solver_; }
  const LogLayer& layer() const { return layer_; }
  const TidalConfig& config() const { return config_; }
  /// 3-D faces from the solver's present depth-mean velocity (and the data's shear at its time).
  void build_3d(grid::Field& u, grid::Field& v, grid::Field& w);
  /// 3-D faces from given depth-mean face velocities (maps) at `time`.
  void build_3d(double time, const grid::Field& ubar, const grid::Field& vbar, grid::Field& u, grid::Field& v,
                grid::Field& w);
  /// A solver of this flow's equations, depth and drag started from rest at `start` with another forcing
  /// (the replay's response solves).
  std::unique_ptr<BarotropicSolver> make_solver(std::shared_ptr<const BoundaryForcing> forcing, double start) const;
  const grid::Field& depth() const { return depth_; }
  /// The nesting in data, or null.
  const NestedForcing* nesting() const { return nested_.get(); }
  const CoarseCurrents* data() const { return data_.get(); }
  /// Physical sea-surface elevation (undoes the accelerated free surface's scaling of the set-up).
  void physical_eta(grid::Field& eta) const;

 private:
  const grid::StructuredGrid& grid_;
  const grid::Bathymetry& bathymetry_;
  TidalConfig config_;
  LogLayer layer_;
  grid::Field depth_;
  std::unique_ptr<LayerFactors> layer_factors_;  ///< built on the first 3-D field
  std::shared_ptr<HarmonicForcing> forcing_;
  std::unique_ptr<CoarseCurrents> data_;
  std::unique_ptr<FaceStencils> stencils_;
  std::shared_ptr<NestedForcing> nested_;
  std::unique_ptr<DataShear> shear_;
  std::unique_ptr<grid::Field> shear_u_, shear_v_;
  std::unique_ptr<BarotropicSolver> solver_;
};

class DownscaledFlow {
 public:
  /// `run_start`/`run_end` are checked against the data's time range (error at `time_key` of `time_block`);
  /// `root` is the case (for bathymetry.reference), possibly undefined.
  DownscaledFlow(const config::ConfigView& block, const config::ConfigView& root, const grid::StructuredGrid& grid,
                 const grid::Bathymetry& bathymetry, double run_start, double run_end,
                 const config::ConfigView& time_block, const std::string& time_key);
  /// Linear interpolation in time between the adjusted fields of the bracketing data records (each
  /// adjusted once, on first use).
  void velocity(double time, grid::Field& u, grid::Field& v, grid::Field& w);
  /// The adjusted field of record n (computed on demand) and its solve statistics.
  const FaceVelocity& record(std::size_t n);
  const ProjectionResult& last_result() const { return last_result_; }
  const CoarseCurrents& data() const { return *data_; }
  double max_speed(double t0, double t1);
  /// Interpolates the first guess of record n onto the faces (before adjustment).
  void first_guess(std::size_t n, FaceVelocity& out) const;
  MassConsistentProjector& projector() { return *projector_; }
  std::vector<ProjectionResult> results;  ///< one per adjusted record, in the order adjusted

 private:
  const grid::StructuredGrid& grid_;
  const grid::Bathymetry& bathymetry_;
  std::unique_ptr<CoarseCurrents> data_;
  std::unique_ptr<FaceStencils> stencils_;
  std::unique_ptr<MassConsistentProjector> projector_;
  LogLayer layer_;
  bool bottom_layer_ = true;
  std::unique_ptr<RecordPair> records_;
  std::vector<double> record_max_speed_;
  ProjectionResult last_result_;
};

/// Face velocities saved by `ocean.*` runs (flow_*.h5), interpolated linearly in time.
class SavedFlow {
 public:
  SavedFlow(const config::ConfigView& block, const grid::StructuredGrid& grid, double run_start, double run_end);
  void velocity(double time, grid::Field& u, grid::Field& v, grid::Field& w);
  double max_speed() const { return max_speed_; }
  const std::vector<double>& times() const { return times_; }

 private:
  void load(std::size_t n, FaceVelocity& out) const;
  const grid::StructuredGrid& grid_;
  std::vector<std::string> files_;
  std::vector<double> times_;
  RecordPair records_;
  double max_speed_ = 0.0;
};

/// Writes face velocities to `path` (HDF5: /u_face [nz][ny][nx+1], /v_face [nz][ny+1][nx],
/// /w_face [nz+1][ny][nx], float64; attributes time, nx, ny, nz, x0, y0, lx, ly; on refined columns also
/// /x_faces and /y_faces, see write_column_faces). Collective.
void write_flow_file(const std::string& path, const grid::StructuredGrid& grid, const grid::Field& u,
                     const grid::Field& v, const grid::Field& w, double time);
/// Reads a flow file written on a grid of the same shape and columns (checked, see column_mismatch). Collective.
double read_flow_file(const std::string& path, const grid::StructuredGrid& grid, grid::Field& u, grid::Field& v,
                      grid::Field& w);

/// Owned faces (and the east/north faces closing the domain) of a face field: u faces (`which` 0), v faces (1)
/// or w faces (2), as dataset [nk][ny(+1)][nx(+1)]. Collective.
void write_face_dataset(io::H5File& file, const std::string& name, const grid::StructuredGrid& grid,
                        const grid::Field& field, int which, const io::DatasetInfo& info);
/// Inverse of write_face_dataset; halos exchanged. Collective.
void read_face_dataset(const io::H5File& file, const std::string& name, const grid::StructuredGrid& grid,
                       grid::Field& field, int which);

/// Stores the grid's column faces in a file of fields on it: /x_faces (nx+1) and /y_faces (ny+1) when the
/// columns are refined; uniform grids need only the attributes x0, y0, lx, ly, nx, ny (written by the caller),
/// so their files stay as they were. Collective.
void write_column_faces(io::H5File& file, const grid::StructuredGrid& grid);
/// Compares the columns a file was written on (its /x_faces, /y_faces, or uniform ones from x0, y0, lx, ly,
/// nx, ny) with the grid `spec`'s, to 1e-9 of the extent. Empty when they agree, else what differs, e.g.
/// "the file's x faces differ from this grid's at face 12 (1234.5 m vs 1240 m)". The caller checks nx, ny.
std::string column_mismatch(const io::H5File& file, const grid::GridSpec& spec);

/// The model-frame box of a grid (its outer faces).
DomainBox domain_of(const grid::StructuredGrid& grid);

/// Opens and checks the input files an `ocean:` block names, as a run would: the current data (variables,
/// the grid's region, the run's times) and a replay file (present, same grid). `model` is tidal or
/// downscale; problems are appended (for `hadal check`).
void check_ocean_inputs(const config::ConfigView& block, const config::ConfigView& root, const std::string& model,
                        std::vector<Diagnostic>& problems);

/// Registers the flow sources `ocean` and `ocean_file`.
void register_flow_sources();

}  // namespace hadal::ocean
