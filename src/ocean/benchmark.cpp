// SPDX-License-Identifier: MIT
// `hadal bench ocean [nx ny nz [steps]]`: throughput of the tidal solver and of the 3-D velocity build,
// and the time of one mass-consistent downscaling solve, with the memory-bandwidth roofline ratio.
#include <chrono>
#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/log.hpp"
#include "grid/bathymetry.hpp"
#include "ocean/module.hpp"
#include "ocean/flow.hpp"
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
  std::vector<HarmonicForcing::Constituent> tide(1);
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

  // --- 3-D velocity from the barotropic state (log layer + continuity), per call
  FaceVelocity faces(grid);
  LogLayer layer;
  const int builds = 5;
  t0 = std::chrono::steady_clock::now();
  for (int b = 0; b < builds; ++b)
    build_3d_velocity(grid, bathymetry.first_wet(), bathymetry.elevation(), solver.u(), solver.v(), layer, faces.u,
                      faces.v, faces.w);
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

}  // namespace

void register_benchmarks() {
  sim::Registry::instance().add_benchmark(
      {"ocean", "tidal solver column-updates/s, 3-D velocity build, one downscaling solve (args: nx ny nz [steps [gamg|mg]])",
       run_benchmark});
}

}  // namespace hadal::ocean
