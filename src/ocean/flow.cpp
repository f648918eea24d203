// SPDX-License-Identifier: MIT
#include "ocean/flow.hpp"

#include "ocean/replay.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/hdf5_file.hpp"
#include "sim/registry.hpp"

namespace hadal::ocean {

namespace {
using Policy2 = Kokkos::MDRangePolicy<Kokkos::Rank<2>>;
using Policy3 = Kokkos::MDRangePolicy<Kokkos::Rank<3>>;

double run_time(const sim::RunContext& context, const char* key, double fallback) {
  const auto root = context.config;
  if (root.node().IsDefined() && root.has("time")) {
    const auto time = root.child("time");
    if (time.has(key)) return time.real(key);
  }
  return fallback;
}

}  // namespace

DomainBox domain_of(const grid::StructuredGrid& grid) {
  return {grid.x_face(0), grid.x_face(grid.nx()), grid.y_face(0), grid.y_face(grid.ny())};
}

namespace {

io::Block face_block(const grid::StructuredGrid& grid, int which, int nk) {
  // which: 0 = u faces (nx+1 in x), 1 = v faces (ny+1 in y), 2 = w faces; nk levels
  const auto& box = grid.owned();
  using ull = unsigned long long;
  io::Block b;
  const ull nx = grid.nx() + (which == 0 ? 1 : 0), ny = grid.ny() + (which == 1 ? 1 : 0);
  const ull ci = box.ni() + (which == 0 && box.i_end == grid.nx() ? 1 : 0);
  const ull cj = box.nj() + (which == 1 && box.j_end == grid.ny() ? 1 : 0);
  b.global_dims = {ull(nk), ny, nx};
  b.offset = {0, ull(box.j_begin), ull(box.i_begin)};
  b.count = {ull(nk), cj, ci};
  return b;
}

double face_max_speed(const grid::StructuredGrid& grid, const grid::Field& u, const grid::Field& v,
                      const grid::Field& w) {
  const int g = grid.ghost(), ni = grid.owned().ni(), nj = grid.owned().nj(), nz = grid.nz();
  auto a = u.view();
  auto b = v.view();
  auto c = w.view();
  double m = 0.0;
  Kokkos::parallel_reduce(
      "ocean::face_max_speed", Policy3({g, g, 0}, {g + ni + 1, g + nj + 1, nz + 1}),
      KOKKOS_LAMBDA(const int i, const int j, const int k, double& s) {
        double x = km::fabs(c(i, j, k));
        if (k < nz) {
          x = km::fmax(x, km::fabs(a(i, j, k)));
          x = km::fmax(x, km::fabs(b(i, j, k)));
        }
        s = x > s ? x : s;
      },
      Kokkos::Max<double>(m));
  return grid::global_max(grid.comm(), m);
}
}  // namespace

void write_face_dataset(io::H5File& file, const std::string& name, const grid::StructuredGrid& grid,
                        const grid::Field& field, int which, const io::DatasetInfo& info) {
  const io::Block block = face_block(grid, which, field.nk());
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), field.view());
  std::vector<double> data;
  data.reserve(block.count[0] * block.count[1] * block.count[2]);
  const int g = grid.ghost();
  for (unsigned long long k = 0; k < block.count[0]; ++k)
    for (unsigned long long j = 0; j < block.count[1]; ++j)
      for (unsigned long long i = 0; i < block.count[2]; ++i) data.push_back(host(g + int(i), g + int(j), int(k)));
  file.write(name, block, data.data(), info, false);
}

void read_face_dataset(const io::H5File& file, const std::string& name, const grid::StructuredGrid& grid,
                       grid::Field& field, int which) {
  const io::Block block = face_block(grid, which, field.nk());
  std::vector<double> data(block.count[0] * block.count[1] * block.count[2]);
  file.read(name, block, data.data());
  auto host = Kokkos::create_mirror_view(field.view());
  Kokkos::deep_copy(host, 0.0);
  const int g = grid.ghost();
  std::size_t n = 0;
  for (unsigned long long k = 0; k < block.count[0]; ++k)
    for (unsigned long long j = 0; j < block.count[1]; ++j)
      for (unsigned long long i = 0; i < block.count[2]; ++i) host(g + int(i), g + int(j), int(k)) = data[n++];
  Kokkos::deep_copy(field.view(), host);
  field.exchange_halo();
}

FaceVelocity::FaceVelocity(const grid::StructuredGrid& grid, const std::string& suffix)
    : u(grid, "u_face" + suffix, "m s-1", "x velocity on west cell faces"),
      v(grid, "v_face" + suffix, "m s-1", "y velocity on south cell faces"),
      w(grid, "w_face" + suffix, "m s-1", "upward velocity on bottom cell faces", grid.nz() + 1) {
  u.fill(0.0);
  v.fill(0.0);
  w.fill(0.0);
}

// ------------------------------------------------------------------------------------------------ tidal

TidalFlow::TidalFlow(const config::ConfigView& block, const config::ConfigView& root, const grid::StructuredGrid& grid,
                     const grid::Bathymetry& bathymetry, double start_time, double end_time)
    : grid_(grid),
      bathymetry_(bathymetry),
      config_(tidal_config(block, grid)),
      layer_(log_layer_config(block)),
      depth_(grid, "depth", "m", "still-water depth", 1) {
  grid::Field& depth = depth_;
  depth_from_elevation(bathymetry.elevation(), depth);
  if (depth.max_abs() < config_.solver.minimum_depth)
    block.fail("minimum_depth", strformat("no water column of the grid is deeper than %.6g m: every column is land (a "
                                          "bathymetry of depths read as elevations? see bathymetry.positive_down)",
                                          config_.solver.minimum_depth));
  if (config_.wave_speed > 0.0) {
    // Accelerated free surface: g' = c^2 / H_max. The dynamic set-up (departure from the uniform external
    // tide) obeys g' grad(eta') = g grad(eta), so it is g/g' times the physical one; the uniform external
    // tide has no gradient and keeps its physical amplitude (scaling it would fake a volume flux).
    const double h_max = depth.max_abs();
    const double reduced = config_.wave_speed * config_.wave_speed / std::max(h_max, 1e-9);
    if (reduced < config_.solver.gravity) {
      config_.eta_scale = reduced / config_.solver.gravity;
      config_.solver.gravity = reduced;
    }
  }
  const double solver_start = start_time - config_.spin_up;
  forcing_ = std::make_shared<HarmonicForcing>(config_.constituents, config_.mean_u, config_.mean_v, config_.ramp_time);
  forcing_->set_ramp_start(solver_start);
  std::shared_ptr<const BoundaryForcing> forcing = forcing_;
  if (block.has("data")) {
    const auto data_block = block.child("data");
    data_ = std::make_unique<CoarseCurrents>(coarse_data_spec(data_block, root), data_block, domain_of(grid));
    if (root.node().IsDefined() && root.has("time")) data_->require_cover(start_time, end_time, root.child("time"), "end");
    else data_->require_cover(start_time, end_time, data_block, "file");
    stencils_ = std::make_unique<FaceStencils>(*data_, grid);
    nested_ = std::make_shared<NestedForcing>(forcing_, *data_, grid, bathymetry);
    forcing = nested_;
    if (data_->levels() > 1) {
      shear_ = std::make_unique<DataShear>(*data_, *stencils_, grid, bathymetry, layer_);
      shear_u_ = std::make_unique<grid::Field>(grid, "u_shear", "m s-1", "data shear on west faces");
      shear_v_ = std::make_unique<grid::Field>(grid, "v_shear", "m s-1", "data shear on south faces");
    }
  }
  solver_ = make_solver(forcing, solver_start);
}

std::unique_ptr<BarotropicSolver> TidalFlow::make_solver(std::shared_ptr<const BoundaryForcing> forcing,
                                                         double start) const {
  auto solver = std::make_unique<BarotropicSolver>(grid_, depth_, config_.solver, std::move(forcing), start);
  if (config_.derive_drag) {
    grid::Field cd(grid_, "drag_coefficient", "1", "bottom drag coefficient", 1);
    auto c = cd.view();
    auto h = depth_.view();
    const LogLayer layer = layer_;
    const double hmin = config_.solver.minimum_depth;
    Kokkos::parallel_for(
        "ocean::drag_from_log_layer", Policy2({0, 0}, {long(c.extent(0)), long(c.extent(1))}),
        KOKKOS_LAMBDA(const int i, const int j) {
          c(i, j, 0) = h(i, j, 0) >= hmin && h(i, j, 0) > layer.roughness ? layer.drag_coefficient(h(i, j, 0)) : 0.0;
        });
    solver->set_drag_coefficient_field(cd);
  }
  solver->set_uniform_velocity(0.0, 0.0);
  return solver;
}

void TidalFlow::physical_eta(grid::Field& out) const {
  // eta = external tide + (model eta - external tide) * g'/g; the identity without acceleration.
  const double external = forcing_->at(solver_->time(), 0.0, 0.0, 1.0).eta;
  const double scale = config_.eta_scale;
  auto a = solver_->eta().view();
  auto b = out.view();
  auto h = solver_->depth().view();
  Kokkos::parallel_for(
      "ocean::physical_eta", Policy2({0, 0}, {long(b.extent(0)), long(b.extent(1))}),
      KOKKOS_LAMBDA(const int i, const int j) {
        b(i, j, 0) = h(i, j, 0) > 0.0 ? external + (a(i, j, 0) - external) * scale : 0.0;
      });
}

void TidalFlow::build_3d(grid::Field& u, grid::Field& v, grid::Field& w) {
  build_3d(solver_->time(), solver_->u(), solver_->v(), u, v, w);
}

void TidalFlow::build_3d(double time, const grid::Field& ubar, const grid::Field& vbar, grid::Field& u, grid::Field& v,
                         grid::Field& w) {
  if (shear_) shear_->at(time, *shear_u_, *shear_v_);
  if (!layer_factors_)
    layer_factors_ = std::make_unique<LayerFactors>(grid_, bathymetry_.first_wet(), layer_);
  layer_factors_->build(ubar, vbar, u, v, w, shear_u_.get(), shear_v_.get());
}

void TidalFlow::velocity(double time, grid::Field& u, grid::Field& v, grid::Field& w) {
  solver_->advance_to(time, config_.cfl);
  build_3d(u, v, w);
}

double TidalFlow::speed_bound() const {
  double forcing = std::hypot(forcing_->mean_u(), forcing_->mean_v());
  for (const auto& c : forcing_->constituents()) {
    const double scale = c.transport ? 1.0 / std::max(config_.solver.minimum_depth, 1.0) : 1.0;
    forcing += scale * std::hypot(c.u_amplitude, c.v_amplitude);
  }
  if (nested_) forcing += nested_->max_speed();
  // The log layer's interior speed exceeds the depth mean slightly (interior_ratio ~ 1.0-1.1); the data's
  // shear adds at most twice the data's speed.
  const double shear = shear_ ? 2.0 * data_->max_speed() : 0.0;
  return 2.0 * std::max(forcing, solver_->max_speed()) * 1.2 + shear;
}

// ------------------------------------------------------------------------------------------- downscale

DownscaledFlow::DownscaledFlow(const config::ConfigView& block, const config::ConfigView& root,
                               const grid::StructuredGrid& grid, const grid::Bathymetry& bathymetry, double run_start,
                               double run_end, const config::ConfigView& time_block, const std::string& time_key)
    : grid_(grid), bathymetry_(bathymetry), layer_(log_layer_config(block)), bottom_layer_(block.boolean("bottom_layer")) {
  if (!block.has("data")) block.fail("data", "downscaling needs a `data:` block naming the current file");
  const auto data_block = block.child("data");
  data_ = std::make_unique<CoarseCurrents>(coarse_data_spec(data_block, root), data_block, domain_of(grid));
  stencils_ = std::make_unique<FaceStencils>(*data_, grid);
  data_->require_cover(run_start, run_end, time_block, time_key);
  projector_ = std::make_unique<MassConsistentProjector>(grid, bathymetry.first_wet(), projection_config(block, grid));
  records_ = std::make_unique<RecordPair>(grid, [this](long n, FaceVelocity& out) {
    first_guess(std::size_t(n), out);
    last_result_ = projector_->project(out.u, out.v, out.w);
    results.push_back(last_result_);
    if (record_max_speed_.size() < data_->times().size()) record_max_speed_.assign(data_->times().size(), -1.0);
    record_max_speed_[std::size_t(n)] = face_max_speed(grid_, out.u, out.v, out.w);
  });
}

void DownscaledFlow::first_guess(std::size_t n, FaceVelocity& out) const {
  const auto& box = grid_.owned();
  const int nz = grid_.nz();
  auto uh = Kokkos::create_mirror_view(out.u.view());
  auto vh = Kokkos::create_mirror_view(out.v.view());
  auto wh = Kokkos::create_mirror_view(out.w.view());
  Kokkos::deep_copy(uh, 0.0);
  Kokkos::deep_copy(vh, 0.0);
  Kokkos::deep_copy(wh, 0.0);
  constexpr double kDeep = 1e30;  // shape_integral without the depth-mean renormalisation
  // The log layer starts at a face's model seabed, the bottom face of the higher of its two columns'
  // first wet cells, as in LayerFactors.
  auto face_seabed = [&](int first_a, int first_b) { return grid_.z_face(std::min(std::max(first_a, first_b), nz)); };
  auto factor = [&](double bed, int k) {
    if (!bottom_layer_) return 1.0;
    const double z1 = grid_.z_face(k) - bed, z2 = grid_.z_face(k + 1) - bed;
    if (z2 <= 0.0) return 0.0;
    const double a = std::max(z1, 0.0);
    return (layer_.shape_integral(z2, kDeep) - layer_.shape_integral(a, kDeep)) / (z2 - a);
  };
  for (int gj = box.j_begin; gj <= box.j_end; ++gj)
    for (int gi = box.i_begin; gi <= box.i_end; ++gi) {
      const int li = grid_.local_i(gi), lj = grid_.local_j(gj);
      for (int k = 0; k < nz; ++k) {
        const double z = grid_.z_center(k);
        if (gj < box.j_end) {
          const double bed = face_seabed(bathymetry_.first_wet_host(std::max(li - 1, 0), lj),
                                         bathymetry_.first_wet_host(li, lj));
          uh(li, lj, k) = data_->value(0, n, stencils_->u(li, lj), z) * factor(bed, k);
        }
        if (gi < box.i_end) {
          const double bed = face_seabed(bathymetry_.first_wet_host(li, std::max(lj - 1, 0)),
                                         bathymetry_.first_wet_host(li, lj));
          vh(li, lj, k) = data_->value(1, n, stencils_->v(li, lj), z) * factor(bed, k);
        }
      }
      if (data_->has_w() && gi < box.i_end && gj < box.j_end)
        for (int k = 0; k <= nz; ++k)
          wh(li, lj, k) = data_->value(2, n, stencils_->centre(li, lj), grid_.z_face(k));
    }
  Kokkos::deep_copy(out.u.view(), uh);
  Kokkos::deep_copy(out.v.view(), vh);
  Kokkos::deep_copy(out.w.view(), wh);
}

const FaceVelocity& DownscaledFlow::record(std::size_t n) { return records_->get(long(n)); }

void DownscaledFlow::velocity(double time, grid::Field& u, grid::Field& v, grid::Field& w) {
  std::size_t n = 0;
  double weight = 0.0;
  bracket_time(data_->times(), time, n, weight);
  const long next = data_->times().size() > 1 ? long(n) + 1 : long(n);
  records_->blend(long(n), next, weight, u, v, w);
}

double DownscaledFlow::max_speed(double t0, double t1) {
  std::size_t n0 = 0, n1 = 0;
  double w0 = 0, w1 = 0;
  bracket_time(data_->times(), t0, n0, w0);
  bracket_time(data_->times(), t1, n1, w1);
  const std::size_t last = std::min(n1 + 1, data_->times().size() - 1);
  double m = 0.0;
  for (std::size_t n = n0; n <= last; ++n) {
    if (record_max_speed_.size() <= n || record_max_speed_[n] < 0.0) record(n);
    m = std::max(m, record_max_speed_[n]);
  }
  return m;
}

// -------------------------------------------------------------------------------------------- saved

void write_column_faces(io::H5File& file, const grid::StructuredGrid& grid) {
  if (grid.uniform_columns()) return;
  file.write_replicated("/x_faces", grid.x_nodes(), {"m", "x of the column faces (refined columns)", "none"});
  file.write_replicated("/y_faces", grid.y_nodes(), {"m", "y of the column faces (refined columns)", "none"});
}

std::string column_mismatch(const io::H5File& file, const grid::GridSpec& spec) {
  const double tol = 1e-9 * std::max(spec.lx, spec.ly);
  // One axis: the stored faces, else uniform ones from the attributes (files of uniform grids, and files
  // from before refined columns existed); without those attributes there is nothing to compare.
  auto axis = [&](const char* name, const char* a0_key, const char* length_key, const char* n_key, double a0,
                  double length, const std::vector<double>& refined, int n) -> std::string {
    std::vector<double> theirs;
    if (file.has(std::string("/") + name + "_faces")) {
      theirs = file.read_replicated(std::string("/") + name + "_faces");
    } else if (file.has_attribute(a0_key) && file.has_attribute(length_key) && file.has_attribute(n_key)) {
      theirs = grid::uniform_faces(file.real_attribute(a0_key), file.real_attribute(length_key), int(file.real_attribute(n_key)));
    } else {
      return "";
    }
    const std::vector<double> ours = refined.empty() ? grid::uniform_faces(a0, length, n) : refined;
    if (theirs.size() != ours.size())
      return strformat("the file has %d columns in %s, this grid %d", int(theirs.size()) - 1, name, int(ours.size()) - 1);
    for (std::size_t i = 0; i < ours.size(); ++i)
      if (std::abs(theirs[i] - ours[i]) > tol)
        return strformat("the file's %s faces differ from this grid's at face %d (%.9g m vs %.9g m)", name, int(i),
                         theirs[i], ours[i]);
    return "";
  };
  std::string why = axis("x", "x0", "lx", "nx", spec.x0, spec.lx, spec.x_faces, spec.nx);
  if (why.empty()) why = axis("y", "y0", "ly", "ny", spec.y0, spec.ly, spec.y_faces, spec.ny);
  const bool file_refined = file.has("/x_faces"), grid_refined = !spec.x_faces.empty() || !spec.y_faces.empty();
  if (!why.empty() && file_refined != grid_refined)
    why += file_refined ? " (the file's columns are refined, this grid's uniform)"
                        : " (this grid's columns are refined, the file's uniform)";
  return why;
}

void write_flow_file(const std::string& path, const grid::StructuredGrid& grid, const grid::Field& u,
                     const grid::Field& v, const grid::Field& w, double time) {
  io::H5File file(grid.comm(), path, io::H5File::Mode::Create);
  file.set_attribute("time", time);
  file.set_attribute("nx", double(grid.nx()));
  file.set_attribute("ny", double(grid.ny()));
  file.set_attribute("nz", double(grid.nz()));
  file.set_attribute("x0", grid.spec().x0);
  file.set_attribute("y0", grid.spec().y0);
  file.set_attribute("lx", grid.spec().lx);
  file.set_attribute("ly", grid.spec().ly);
  write_column_faces(file, grid);
  file.set_attribute("layout", "C-grid face velocities: u on west faces [nz][ny][nx+1], v on south faces "
                               "[nz][ny+1][nx], w on bottom faces [nz+1][ny][nx]");
  const grid::Field* fields[3] = {&u, &v, &w};
  const char* names[3] = {"/u_face", "/v_face", "/w_face"};
  const char* long_names[3] = {"x velocity on west cell faces", "y velocity on south cell faces",
                               "upward velocity on bottom cell faces"};
  for (int c = 0; c < 3; ++c) write_face_dataset(file, names[c], grid, *fields[c], c, {"m s-1", long_names[c], "face"});
  file.close();
}

double read_flow_file(const std::string& path, const grid::StructuredGrid& grid, grid::Field& u, grid::Field& v,
                      grid::Field& w) {
  io::H5File file(grid.comm(), path, io::H5File::Mode::Read);
  const double nx = file.real_attribute("nx"), ny = file.real_attribute("ny"), nz = file.real_attribute("nz");
  if (int(nx) != grid.nx() || int(ny) != grid.ny() || int(nz) != grid.nz())
    throw InputError(std::vector<Diagnostic>{
        {path, 0, 0, "",
         strformat("flow file is for a %d x %d x %d grid; this run's grid is %d x %d x %d", int(nx), int(ny), int(nz),
                   grid.nx(), grid.ny(), grid.nz())}});
  // Same counts are not enough: faces from differently placed (or refined) columns would be misread.
  const std::string columns = column_mismatch(file, grid.spec());
  if (!columns.empty())
    throw InputError(std::vector<Diagnostic>{{path, 0, 0, "", "flow file was written on other columns: " + columns}});
  grid::Field* fields[3] = {&u, &v, &w};
  const char* names[3] = {"/u_face", "/v_face", "/w_face"};
  for (int c = 0; c < 3; ++c) read_face_dataset(file, names[c], grid, *fields[c], c);
  const double time = file.real_attribute("time");
  file.close();
  return time;
}

SavedFlow::SavedFlow(const config::ConfigView& block, const grid::StructuredGrid& grid, double run_start,
                     double run_end)
    : grid_(grid), records_(grid, [this](long n, FaceVelocity& out) { load(std::size_t(n), out); }) {
  const std::string directory = block.string("directory");
  std::vector<std::string> files;
  std::error_code ec;
  if (std::filesystem::is_directory(directory, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("flow_", 0) == 0 && entry.path().extension() == ".h5") files.push_back(entry.path().string());
    }
  }
  if (files.empty())
    block.fail("directory", "no flow_*.h5 files in '" + directory + "' (written by ocean.tidal/ocean.downscale runs "
                            "with write_flow_files: true)");
  std::vector<std::pair<double, std::string>> timed;
  for (const auto& f : files) {
    io::H5File file(grid.comm(), f, io::H5File::Mode::Read);
    if (!file.has_attribute("time") || !file.has("/u_face"))
      block.fail("directory", "'" + f + "' is not a flow file (no time attribute or /u_face)");
    timed.emplace_back(file.real_attribute("time"), f);
    file.close();
  }
  std::sort(timed.begin(), timed.end());
  for (const auto& [t, f] : timed) {
    times_.push_back(t);
    files_.push_back(f);
  }
  const double eps = 1e-6 * std::max(1.0, std::abs(run_end));
  if (run_start < times_.front() - eps || run_end > times_.back() + eps)
    block.fail("directory", strformat("the saved flow covers times %.6g..%.6g s; the run needs %.6g..%.6g s",
                                      times_.front(), times_.back(), run_start, run_end));
  FaceVelocity scratch(grid);
  for (std::size_t n = 0; n < files_.size(); ++n) {
    load(n, scratch);
    max_speed_ = std::max(max_speed_, face_max_speed(grid, scratch.u, scratch.v, scratch.w));
  }
}

void SavedFlow::load(std::size_t n, FaceVelocity& out) const { read_flow_file(files_[n], grid_, out.u, out.v, out.w); }

void SavedFlow::velocity(double time, grid::Field& u, grid::Field& v, grid::Field& w) {
  std::size_t n = 0;
  double weight = 0.0;
  bracket_time(times_, time, n, weight);
  const long next = times_.size() > 1 ? long(n) + 1 : long(n);
  records_.blend(long(n), next, weight, u, v, w);
}

const FaceVelocity& RecordPair::get(long n, long keep) {
  for (int s = 0; s < 2; ++s)
    if (slot_record_[s] == n) return *slots_[s];
  const int s = slot_record_[0] == keep ? 1 : 0;
  if (!slots_[s]) slots_[s] = std::make_unique<FaceVelocity>(grid_, s == 0 ? "_a" : "_b");
  slot_record_[s] = -1;  // a failed build leaves no stale record behind
  build_(n, *slots_[s]);
  slot_record_[s] = n;
  return *slots_[s];
}

void RecordPair::blend(long n, long next, double weight, grid::Field& u, grid::Field& v, grid::Field& w) {
  if (weight == 0.0 || next == n) {
    const auto& a = get(n, next);
    Kokkos::deep_copy(u.view(), a.u.view());
    Kokkos::deep_copy(v.view(), a.v.view());
    Kokkos::deep_copy(w.view(), a.w.view());
    return;
  }
  get(n, next);
  const auto& b = get(next, n);
  const auto& a = get(n, next);
  blend_fields(a.u, b.u, weight, u);
  blend_fields(a.v, b.v, weight, v);
  blend_fields(a.w, b.w, weight, w);
}

// ------------------------------------------------------------------------------------------ providers

namespace {

class OceanFlowProvider : public sim::FlowProvider {
 public:
  OceanFlowProvider(const config::ConfigView& block, const grid::StructuredGrid& grid,
                    const grid::Bathymetry& bathymetry, sim::RunContext& context)
      : grid_(grid), context_(context), replay_settings_(replay_settings(block)) {
    const double start = run_time(context, "start", 0.0);
    const double end = run_time(context, "end", start);
    if (block.string("model") == "tidal") {
      // The replay solves its record from the run's start, possibly beyond a short run's end.
      const double solved_until = replay_settings_.enabled ? std::max(end, start + replay_settings_.record) : end;
      tidal_ = std::make_unique<TidalFlow>(block, context.config, grid, bathymetry, start,
                                           replay_settings_.from_file ? end : solved_until);
      record_start_ = start;
      run_end_ = end;
      if (replay_settings_.enabled) {
        replay_block_ = std::make_unique<config::ConfigView>(block.child("replay"));
        ubar_ = std::make_unique<grid::Field>(grid, "ubar_replay", "m s-1", "replayed depth-mean u", 1);
        vbar_ = std::make_unique<grid::Field>(grid, "vbar_replay", "m s-1", "replayed depth-mean v", 1);
        if (replay_settings_.interval > 0.0) {
          replay_instants_ = std::make_unique<RecordPair>(grid, [this](long n, FaceVelocity& out) {
            replayed_field(record_start_ + double(n) * replay_settings_.interval, out.u, out.v, out.w);
          });
        }
      }
      if (context.log) {
        context.log->info(strformat("ocean: tidal flow on the plume grid, solver step limit %.4g s (gravity waves, "
                                    "CFL 1), spin-up %.6g s%s",
                                    tidal_->solver().gravity_wave_dt_limit(), tidal_->config().spin_up,
                                    replay_settings_.enabled ? ", replayed from its harmonic analysis" : ""));
        if (tidal_->data()) {
          context.log->info("ocean: nested in " + tidal_->data()->describe());
          for (const auto& note : tidal_->data()->notes()) context.log->info("ocean: " + note);
        }
        for (const auto& note : bathymetry.notes()) context.log->info("bathymetry: " + note);
      }
    } else {
      // Never copy-assign a ConfigView: yaml-cpp's Node::operator= rebinds the shared node, which
      // would overwrite the block it previously viewed.
      const auto& root = context.config;
      const bool has_time = root.node().IsDefined() && root.has("time");
      if (has_time) {
        downscaled_ = std::make_unique<DownscaledFlow>(block, root, grid, bathymetry, start, end, root.child("time"), "end");
      } else {
        downscaled_ = std::make_unique<DownscaledFlow>(block, root, grid, bathymetry, start, end, block, "data");
      }
      if (context.log) context.log->info("ocean: downscaling " + downscaled_->data().describe());
    }
  }

  void velocity(double time, grid::Field& u, grid::Field& v, grid::Field& w) override {
    if (replay_instants_) {
      // Instants t_n = start + n interval, a pure function of time: a restart blends the same records.
      const double position = std::max(0.0, (time - record_start_) / replay_settings_.interval);
      const long n = long(std::floor(position));
      replay_instants_->blend(n, n + 1, position - double(n), u, v, w);
    } else if (replay_settings_.enabled) {
      replayed_field(time, u, v, w);
    } else if (tidal_) {
      tidal_->velocity(time, u, v, w);
    } else {
      downscaled_->velocity(time, u, v, w);
    }
  }

  double max_speed(double t0, double t1) override {
    if (replay_settings_.enabled) {
      // Log-layer interior ratio (<= 1.2) and, nested, the data's shear (at most twice the data's speed).
      const double shear = tidal_->data() && tidal_->data()->levels() > 1 ? 2.0 * tidal_->data()->max_speed() : 0.0;
      return 1.2 * replay().speed_bound() + shear;
    }
    if (tidal_) return tidal_->speed_bound();
    return downscaled_->max_speed(t0, t1);
  }

  bool friction_velocity(double time, grid::Field& ustar) override {
    if (!tidal_) return false;
    auto& s = tidal_->solver();
    if (replay_settings_.enabled) {
      replay().depth_mean(time, *ubar_, *vbar_);
      ocean::friction_velocity(grid_, *ubar_, *vbar_, s.drag(), s.depth(), ustar);
      return true;
    }
    s.advance_to(time, tidal_->config().cfl);
    s.friction_velocity(ustar);
    return true;
  }

  void save(const std::string& checkpoint_file) override {
    if (!tidal_) return;  // the downscaled field is a pure function of time
    io::H5File file(grid_.comm(), checkpoint_file + ".ocean.h5", io::H5File::Mode::Create);
    if (replay_settings_.enabled) {
      // The replay is a function of time given its coefficients: they are the whole state.
      auto& r = replay();
      std::string names;
      std::vector<double> omegas;
      for (const auto& c : r.constituents()) {
        names += (names.empty() ? "" : ",") + c.name;
        omegas.push_back(c.omega);
      }
      file.set_attribute("replay_constituents", names);
      file.write_replicated("/ocean/replay_omega", omegas, {"rad s-1", "constituent frequencies", "none"});
      if (!r.anchor_times().empty())
        file.write_replicated("/ocean/replay_anchor_time", r.anchor_times(), {"s", "times of the steady responses", "none"});
      write_local(file, r.u_coefficients(), "replay_u");
      write_local(file, r.v_coefficients(), "replay_v");
      file.close();
      return;
    }
    auto& s = tidal_->solver();
    file.set_attribute("time", s.time());
    file.set_attribute("steps", double(s.steps()));
    const char* names[5] = {"eta", "u", "v", "u_previous", "v_previous"};
    const grid::Field* fields[5] = {&s.eta(), &s.u(), &s.v(), &s.u_previous(), &s.v_previous()};
    for (int n = 0; n < 5; ++n) write_local(file, *fields[n], names[n]);
    file.close();
  }

  void restore(const std::string& checkpoint_file) override {
    if (!tidal_) return;
    io::H5File file(grid_.comm(), checkpoint_file + ".ocean.h5", io::H5File::Mode::Read);
    if (replay_settings_.enabled) {
      const auto omegas = file.read_replicated("/ocean/replay_omega");
      std::string names = file.string_attribute("replay_constituents");
      std::vector<HarmonicReplay::Constituent> constituents;
      for (double omega : omegas) {
        const auto comma = names.find(',');
        constituents.push_back({names.substr(0, comma), omega});
        names = comma == std::string::npos ? "" : names.substr(comma + 1);
      }
      std::vector<double> anchors;
      if (file.has("/ocean/replay_anchor_time")) anchors = file.read_replicated("/ocean/replay_anchor_time");
      replay_ = std::make_unique<HarmonicReplay>(*tidal_, constituents, anchors);
      read_local(file, replay_->u_coefficients(), "replay_u");
      read_local(file, replay_->v_coefficients(), "replay_v");
      replay_->refresh();
      file.close();
      return;
    }
    auto& s = tidal_->solver();
    s.set_time(file.real_attribute("time"), long(file.real_attribute("steps")));
    const char* names[5] = {"eta", "u", "v", "u_previous", "v_previous"};
    grid::Field* fields[5] = {&s.eta(), &s.u(), &s.v(), &s.u_previous(), &s.v_previous()};
    for (int n = 0; n < 5; ++n) read_local(file, *fields[n], names[n]);
    file.close();
    s.refresh_halos(false);
  }

 private:
  // Whole local views (halos included) so a restart reproduces boundary faces bit for bit.
  io::Block local_block(std::size_t local_size) const {
    unsigned long long n = local_size, offset = 0, total = 0;
    MPI_Exscan(&n, &offset, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, grid_.comm());
    if (grid_.rank() == 0) offset = 0;
    MPI_Allreduce(&n, &total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, grid_.comm());
    return io::Block{{total}, {offset}, {n}};
  }
  void write_local(io::H5File& file, const grid::Field& f, const std::string& name) const {
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.view());
    std::vector<double> data(host.data(), host.data() + host.size());
    file.write("/ocean/" + name, local_block(data.size()), data.data(), {f.units(), f.long_name(), "none"});
  }
  void read_local(io::H5File& file, grid::Field& f, const std::string& name) const {
    auto host = Kokkos::create_mirror_view(f.view());
    std::vector<double> data(host.size());
    file.read("/ocean/" + name, local_block(data.size()), data.data());
    std::copy(data.begin(), data.end(), host.data());
    Kokkos::deep_copy(f.view(), host);
  }

  void replayed_field(double time, grid::Field& u, grid::Field& v, grid::Field& w) {
    replay().depth_mean(time, *ubar_, *vbar_);
    tidal_->build_3d(time, *ubar_, *vbar_, u, v, w);
  }

  /// The replay, analysed (or read) on first use: a restart restores it from the checkpoint instead.
  HarmonicReplay& replay() {
    if (replay_) return *replay_;
    if (replay_settings_.from_file) {
      replay_ = std::make_unique<HarmonicReplay>(*tidal_, replay_settings_.file, *replay_block_);
      if (context_.log) context_.log->info("ocean replay: analysis read from " + replay_settings_.file);
    } else {
      replay_ = std::make_unique<HarmonicReplay>(*tidal_, replay_settings_, record_start_, run_end_, context_.log);
      if (!replay_settings_.file.empty()) {
        replay_->save(replay_settings_.file);
        if (context_.log) context_.log->info("ocean replay: analysis written to " + replay_settings_.file);
      }
    }
    if (context_.summary) {
      io::Json j;
      j["analysis_seconds"] = replay_->analysis_seconds();
      j["samples"] = replay_->samples();
      j["independent_shapes"] = replay_->fitted_shapes();
      j["speed_bound_m_s"] = replay_->speed_bound();
      io::Json names = io::Json::array();
      for (const auto& c : replay_->constituents()) names.push_back(c.name);
      j["constituents"] = names;
      (*context_.summary)["ocean_replay"] = j;
    }
    return *replay_;
  }

  const grid::StructuredGrid& grid_;
  sim::RunContext& context_;
  ReplaySettings replay_settings_;
  std::unique_ptr<config::ConfigView> replay_block_;
  double record_start_ = 0.0, run_end_ = 0.0;
  std::unique_ptr<TidalFlow> tidal_;
  std::unique_ptr<DownscaledFlow> downscaled_;
  std::unique_ptr<HarmonicReplay> replay_;
  std::unique_ptr<grid::Field> ubar_, vbar_;
  std::unique_ptr<RecordPair> replay_instants_;  ///< with replay.interval: the flow at the bracketing instants
};

class SavedFlowProvider : public sim::FlowProvider {
 public:
  SavedFlowProvider(const config::ConfigView& block, const grid::StructuredGrid& grid, sim::RunContext& context)
      : flow_(block, grid, run_time(context, "start", 0.0), run_time(context, "end", 0.0)) {}
  void velocity(double time, grid::Field& u, grid::Field& v, grid::Field& w) override { flow_.velocity(time, u, v, w); }
  double max_speed(double, double) override { return flow_.max_speed(); }

 private:
  SavedFlow flow_;
};

}  // namespace

void check_ocean_inputs(const config::ConfigView& block, const config::ConfigView& root, const std::string& model,
                        std::vector<Diagnostic>& problems) {
  auto collect = [&](const std::function<void()>& check) {
    try {
      check();
    } catch (const InputError& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  };
  if (!root.has("grid") || !root.has("time")) return;
  grid::GridSpec spec;
  try {
    spec = grid::grid_spec_from_config(root.child("grid"));
  } catch (const InputError&) {
    return;  // reported by the grid's own checks
  }
  const auto time = root.child("time");
  const double start = time.real("start"), end = time.real("end");
  const ReplaySettings replay = replay_settings(block);
  if (block.has("data") && !(replay.enabled && replay.from_file && model == "tidal")) {
    collect([&] {
      const auto data_block = block.child("data");
      const CoarseCurrents data(coarse_data_spec(data_block, root), data_block,
                                DomainBox{spec.x0, spec.x0 + spec.lx, spec.y0, spec.y0 + spec.ly});
      const double needed = replay.enabled ? std::max(end, start + replay.record) : end;
      data.require_cover(start, needed, time, "end");
    });
  }
  if (replay.enabled && replay.from_file) {
    const auto r = block.child("replay");
    if (!std::filesystem::exists(replay.file)) {
      problems.push_back(r.diagnostic("file", "no replay file '" + replay.file + "' (written by a run with replay.source: "
                                               "solve and this file)"));
    } else {
      collect([&] {
        io::H5File file(MPI_COMM_SELF, replay.file, io::H5File::Mode::Read);
        if (!file.has_attribute("nx") || !file.has("/u_coefficients"))
          r.fail("file", "'" + replay.file + "' is not a replay file (no nx attribute or /u_coefficients)");
        if (int(file.real_attribute("nx")) != spec.nx || int(file.real_attribute("ny")) != spec.ny)
          r.fail("file", strformat("replay file %s is for a %d x %d grid; this case's grid has %d x %d columns",
                                   replay.file.c_str(), int(file.real_attribute("nx")), int(file.real_attribute("ny")),
                                   spec.nx, spec.ny));
        const std::string columns = column_mismatch(file, spec);
        if (!columns.empty()) r.fail("file", "replay file " + replay.file + " was written on other columns: " + columns);
        file.close();
      });
    }
  }
}

void register_flow_sources() {
  auto& registry = sim::Registry::instance();
  registry.add_flow_source(
      {"ocean", [](config::ObjectSpec& block) { declare_ocean_block(block, true); },
       [](const config::ConfigView& block, const grid::StructuredGrid& grid, const grid::Bathymetry& bathymetry,
          sim::RunContext& context) -> std::unique_ptr<sim::FlowProvider> {
         std::vector<Diagnostic> problems;
         check_ocean_block(block, block.string("model"), problems);
         if (!problems.empty()) throw InputError(problems);
         return std::make_unique<OceanFlowProvider>(block, grid, bathymetry, context);
       },
       [](const config::ConfigView& block, const config::ConfigView& root, std::vector<Diagnostic>& problems) {
         check_ocean_block(block, block.string("model"), problems);
         if (problems.empty()) check_ocean_inputs(block, root, block.string("model"), problems);
       }});
  registry.add_flow_source(
      {"ocean_file",
       [](config::ObjectSpec& block) {
         block.string("directory", "Output directory of an earlier ocean.tidal/ocean.downscale run (its flow/ folder)")
             .required();
       },
       [](const config::ConfigView& block, const grid::StructuredGrid& grid, const grid::Bathymetry&,
          sim::RunContext& context) -> std::unique_ptr<sim::FlowProvider> {
         return std::make_unique<SavedFlowProvider>(block, grid, context);
       },
       [](const config::ConfigView& block, const config::ConfigView&, std::vector<Diagnostic>& problems) {
         const std::string directory = block.string("directory");
         bool found = false;
         std::error_code ec;
         for (auto it = std::filesystem::directory_iterator(directory, ec); !ec && it != std::filesystem::directory_iterator();
              it.increment(ec)) {
           const std::string name = it->path().filename().string();
           found = found || (name.rfind("flow_", 0) == 0 && it->path().extension() == ".h5");
         }
         if (!found)
           problems.push_back(block.diagnostic("directory", "no flow_*.h5 files in '" + directory +
                                                                "' (written by ocean.tidal/ocean.downscale runs)"));
       }});
}

}  // namespace hadal::ocean
