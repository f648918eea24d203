// SPDX-License-Identifier: MIT
// `hadal bench ocean [nx ny nz [steps]]`: throughput of the tidal solver and of the 3-D velocity build,
// and the time of one mass-consistent downscaling solve, with the memory-bandwidth roofline ratio.
// `hadal bench ocean_replay CASE [days]`: the harmonic replay's error and speed against the solved flow.
#include <chrono>
#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/log.hpp"
#include "grid/bathymetry.hpp"
#include "ocean/module.hpp"
#include "ocean/flow.hpp"
#include "ocean/replay.hpp"
#include "sim/driver.hpp"
#include "sim/registry.hpp"
#include "sim/roofline.hpp"

namespace hadal::ocean {

namespace {

/// A 1 km caldera-like bump field: a Gaussian seamount with a crater, 1500 m deep surroundings.
class BenchSeabed : public grid::SeabedShape {
 public:
  BenchSeabed(double xc, double yc) : xc_(xc), yc_(yc) {}
  double elevation(double x, double y) const override {
    const double r2 = (x - xc_) * (x - xc_) + (y - yc_) * (y - yc_);
    return -1500.0 + 400.0 * std::exp(-r2 / (2000.0 * 2000.0)) - 150.0 * std::exp(-r2 / (600.0 * 600.0));
  }

 private:
  double xc_, yc_;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void run_benchmark(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results) {
  int nx = 256, ny = 256, nz = 64, steps = 200;
  std::string preconditioner = "gamg";
  try {
    if (args.size() >= 3) {
      nx = std::stoi(args[0]);
      ny = std::stoi(args[1]);
      nz = std::stoi(args[2]);
    }
    if (args.size() >= 4) steps = std::stoi(args[3]);
    if (args.size() >= 5) preconditioner = args[4];
  } catch (const std::exception&) {
    throw InputError("bench ocean: arguments are nx ny nz [steps [gamg|mg]]");
  }
  if (nx < 4 || ny < 4 || nz < 2 || steps < 1) throw InputError("bench ocean: need nx, ny >= 4, nz >= 2, steps >= 1");
  if (preconditioner != "gamg" && preconditioner != "mg") throw InputError("bench ocean: preconditioner is gamg or mg");
  grid::GridSpec spec;
  spec.lx = 12800.0;
  spec.ly = 12800.0;
  spec.nx = nx;
  spec.ny = ny;
  spec.nz = nz;
  spec.z_faces = grid::stretched_faces(-1600.0, 0.0, nz, 1.0);
  grid::StructuredGrid grid(comm, spec);
  BenchSeabed shape(0.5 * spec.lx, 0.5 * spec.ly);
  grid::Bathymetry bathymetry(grid, shape);

  const auto triad = sim::measure_triad(comm);
  results["triad_bytes_per_second_per_rank"] = triad.bytes_per_second;
  results["grid"] = {nx, ny, nz};

  // --- tidal solver (2-D barotropic core)
  grid::Field depth(grid, "depth", "m", "depth", 1);
  depth_from_elevation(bathymetry.elevation(), depth);
  BarotropicSettings settings;
  settings.coriolis_f0 = 6.68e-5;
  settings.drag_coefficient = 2.5e-3;
  settings.viscosity = 1.0;
  for (auto& e : settings.edges) e = EdgeKind::Open;
  std::vector<TidalConstituent> tide(1);
  tide[0].name = "M2";
  tide[0].omega = numerics::constituent_frequency("M2");
  tide[0].eta_amplitude = 0.5;
  tide[0].u_amplitude = 0.05;
  auto forcing = std::make_shared<HarmonicForcing>(tide, 0.02, 0.0, 0.0);
  BarotropicSolver solver(grid, depth, settings, forcing);
  const double dt = solver.stable_dt(0.9);
  for (int s = 0; s < 5; ++s) solver.step(dt);  // warm-up
  Kokkos::fence();
  MPI_Barrier(comm);
  auto t0 = std::chrono::steady_clock::now();
  for (int s = 0; s < steps; ++s) solver.step(dt);
  Kokkos::fence();
  MPI_Barrier(comm);
  const double tidal_seconds = seconds_since(t0);
  const double columns = double(nx) * ny;
  const double column_rate = columns * steps / tidal_seconds;
  // Compulsory traffic per column and step: continuity reads h, eta, u, v and writes eta (5 doubles); each
  // momentum kernel reads h, drag, eta, u, v and writes one component (6 doubles each): 17 doubles.
  const double bytes_per_column = 17.0 * sizeof(double);
  const int ranks = grid.size();
  const double achieved = column_rate * bytes_per_column / ranks;
  results["tidal_dt_s"] = dt;
  results["tidal_steps"] = steps;
  results["tidal_column_updates_per_second"] = column_rate;
  results["tidal_model_bytes_per_column_update"] = bytes_per_column;
  results["tidal_roofline_ratio"] = achieved / triad.bytes_per_second;
  log.info(strformat("ocean bench: tidal solver %.3g column-updates/s (%d x %d, %d steps, dt %.3g s), roofline ratio "
                     "%.2f",
                     column_rate, nx, ny, steps, dt, achieved / triad.bytes_per_second));

  // --- 3-D velocity from the barotropic state (log layer + continuity), per call; the layer's face
  // factors are computed once, as the flow sources do.
  FaceVelocity faces(grid);
  const LayerFactors factors(grid, bathymetry.first_wet(), LogLayer{});
  const int builds = 5;
  t0 = std::chrono::steady_clock::now();
  for (int b = 0; b < builds; ++b) factors.build(solver.u(), solver.v(), faces.u, faces.v, faces.w);
  Kokkos::fence();
  const double build_seconds = seconds_since(t0) / builds;
  const double cells = double(nx) * ny * nz;
  results["velocity_3d_cell_updates_per_second"] = cells / build_seconds;
  // u, v written, read back for w, w written (+ halos): about 6 doubles per cell.
  results["velocity_3d_roofline_ratio"] = cells * 6.0 * sizeof(double) / ranks / build_seconds / triad.bytes_per_second;

  // --- one downscaling solve on the same grid (uniform first guess over the bump)
  ProjectionSettings p;
  p.top = ProjectionSettings::Top::RigidLid;
  p.preconditioner = preconditioner;
  results["downscale_preconditioner"] = preconditioner;
  t0 = std::chrono::steady_clock::now();
  MassConsistentProjector projector(grid, bathymetry.first_wet(), p);
  const double setup_seconds = seconds_since(t0);
  faces.u.fill(0.05);
  faces.v.fill(0.02);
  faces.w.fill(0.0);
  t0 = std::chrono::steady_clock::now();
  const auto r = projector.project(faces.u, faces.v, faces.w);
  const double solve_seconds = seconds_since(t0);
  results["downscale_setup_seconds"] = setup_seconds;
  results["downscale_solve_seconds"] = solve_seconds;
  results["downscale_iterations"] = r.iterations;
  results["downscale_relative_divergence"] = r.relative_divergence;
  // A CG + multigrid iteration streams the 7-point matrix (~7 x 12 bytes per row) a few times; report the
  // achieved bandwidth of one matrix pass per iteration against the triad as a lower-bound roofline ratio.
  const double matrix_bytes = cells * (7.0 * 12.0 + 3 * 8.0);
  results["downscale_roofline_ratio_lower_bound"] =
      matrix_bytes * std::max(r.iterations, 1) / ranks / solve_seconds / triad.bytes_per_second;
  log.info(strformat("ocean bench: downscaling solve %.3g s (%d iterations, setup %.3g s), divergence %.2g", solve_seconds,
                     r.iterations, setup_seconds, r.relative_divergence));
}

/// `hadal bench ocean_replay CASE [days [key=value ...]]`: the tidal flow of a case (an ocean.tidal case or a
/// plume case with plume.flow.type ocean) is solved, analysed as its replay settings say (default: a 2 d
/// record), then solved on for `days` (default 14.77, a spring-neap cycle) beside the replay: RMS and
/// largest error of the replayed depth-mean face velocities, and the time per simulated day of the solver
/// against the time of one replayed 3-D field (the reference measured in the same run).
void run_replay_benchmark(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results) {
  if (args.empty()) throw InputError("bench ocean_replay: arguments are CASE.yaml [days [key=value ...]]");
  double days = 14.765;
  std::vector<std::string> overrides;
  try {
    if (args.size() >= 2) days = std::stod(args[1]);
  } catch (const std::exception&) {
    throw InputError("bench ocean_replay: days must be a number, found '" + args[1] + "'");
  }
  for (std::size_t n = 2; n < args.size(); ++n) overrides.push_back(args[n]);
  const auto resolved = sim::load_case(args[0], overrides);
  const auto root = resolved.root();
  const bool plume = root.has("plume");
  if (plume && root.child("plume").child("flow").string("type") != "ocean")
    throw InputError("bench ocean_replay: " + args[0] + " does not take its flow from the ocean (plume.flow.type)");
  const auto block = plume ? root.child("plume").child("flow").child("ocean") : root.child("ocean");
  if (plume && block.string("model") != "tidal") throw InputError("bench ocean_replay: the ocean flow is not tidal");
  const auto spec = grid::grid_spec_from_config(root.child("grid"));
  grid::StructuredGrid grid(comm, spec);
  const auto shape = grid::make_seabed_shape(root.child("bathymetry"), spec);
  grid::Bathymetry bathymetry(grid, *shape);
  ReplaySettings settings = replay_settings(block);
  settings.enabled = true;
  const double start = root.child("time").real("start");
  const double end = start + settings.record + days * 86400.0;
  TidalFlow flow(block, root, grid, bathymetry, start, end);
  const HarmonicReplay replay(flow, settings, start, end, &log);
  const double record_end = start + settings.record;
  const auto error = replay_error(flow, replay, end, 3600.0);
  // One replayed 3-D field: depth-mean faces from the analysis, then the same 3-D build as the solved flow.
  grid::Field ub(grid, "ub", "m s-1", "u", 1), vb(grid, "vb", "m s-1", "v", 1);
  FaceVelocity faces(grid);
  const int evaluations = 20;
  Kokkos::fence();
  MPI_Barrier(comm);
  auto t0 = std::chrono::steady_clock::now();
  for (int e = 0; e < evaluations; ++e) {
    const double t = record_end + 600.0 * e;
    replay.depth_mean(t, ub, vb);
    flow.build_3d(t, ub, vb, faces.u, faces.v, faces.w);
  }
  Kokkos::fence();
  MPI_Barrier(comm);
  const double evaluation_seconds = seconds_since(t0) / evaluations;
  const double solve_per_day = error.solve_seconds / days;
  results["case"] = args[0];
  results["grid"] = {spec.nx, spec.ny, spec.nz};
  results["record_days"] = settings.record / 86400.0;
  results["compared_days"] = days;
  results["analysis_seconds"] = replay.analysis_seconds();
  results["independent_shapes"] = replay.fitted_shapes();
  results["constituents"] = int(replay.constituents().size());
  results["rms_error_m_s"] = error.rms;
  results["max_error_m_s"] = error.max;
  results["rms_speed_m_s"] = error.rms_speed;
  results["rms_error_relative"] = error.rms / std::max(error.rms_speed, 1e-30);
  results["solver_seconds_per_day"] = solve_per_day;
  results["replay_3d_field_seconds"] = evaluation_seconds;
  // The reference: the solver's wall time for the 10 simulated minutes between two replayed fields.
  results["speedup_at_10_min_per_field"] = solve_per_day / 144.0 / evaluation_seconds;
  log.info(strformat("ocean replay bench: %s, %d x %d x %d; record %.3g d, compared over %.4g d: RMS error %.3g m/s "
                     "(%.3g %% of the RMS speed %.3g m/s), max %.3g m/s; solver %.3g s per day, one replayed 3-D field "
                     "%.3g s: %.0fx faster at one field per 10 min",
                     args[0].c_str(), spec.nx, spec.ny, spec.nz, settings.record / 86400.0, days, error.rms,
                     100.0 * error.rms / std::max(error.rms_speed, 1e-30), error.rms_speed, error.max, solve_per_day,
                     evaluation_seconds, solve_per_day / 144.0 / evaluation_seconds));
}

}  // namespace

void register_benchmarks() {
  sim::Registry::instance().add_benchmark(
      {"ocean", "tidal solver column-updates/s, 3-D velocity build, one downscaling solve (args: nx ny nz [steps [gamg|mg]])",
       run_benchmark});
  sim::Registry::instance().add_benchmark(
      {"ocean_replay",
       "replay error and speed-up against the solved tidal flow of a case (args: CASE.yaml [days [key=value ...]])",
       run_replay_benchmark});
}

}  // namespace hadal::ocean
