// SPDX-License-Identifier: MIT
// `hadal bench thermal [n1 n2 n3 [m1 m2 m3]]`: Stokes solve time and iterations on three 2-D grids
// n^2 (Blankenbach 1a initial temperature, isoviscous, and a 1e6 SolKz viscosity contrast) and three
// 3-D grids m^3 (Busse 1a initial temperature, and SolKz 1e6 extruded along y), against the triad
// roofline.
#include <array>
#include <cmath>
#include <string>

#include "core/log.hpp"
#include "sim/registry.hpp"
#include "sim/roofline.hpp"
#include "thermal/mantle2d.hpp"
#include "thermal/mantle3d.hpp"
#include "thermal/solkz.hpp"
#include "thermal/stokes.hpp"
#include "thermal/thermal.hpp"

namespace hadal::thermal {
namespace {

/// SolKz (viscosity contrast 1e6) on n^Dim cells of the unit square or cube, invariant along y in
/// 3-D: one solve from rest.
template <int Dim>
StokesSolveStats solve_solkz(MPI_Comm comm, int n, const std::string& prefix) {
  SolKz sol(0.5 * std::log(1e6), 2.0, 3);
  std::array<int, Dim> cells;
  std::array<double, Dim> lengths;
  cells.fill(n);
  lengths.fill(1.0);
  StokesSolver<Dim> s(comm, cells, lengths, StokesBoundaries<Dim>{}, 1e-8, prefix);
  const double h = 1.0 / n;
  using Index = typename StokesCoefficients<Dim>::Index;
  StokesCoefficients<Dim> c;
  c.eta_cell = [&](const Index& I) { return sol.eta((I[Dim - 1] + 0.5) * h); };
  // Shear viscosity at nodes (2-D) or edges: at a cell-centre height only on z-parallel edges.
  c.eta_shear = [&](int f, const Index& I) { return sol.eta(f == Dim - 1 ? (I[Dim - 1] + 0.5) * h : I[Dim - 1] * h); };
  c.force = [&](int d, const Index& I) { return d == Dim - 1 ? sol.force_z((I[0] + 0.5) * h, I[Dim - 1] * h) : 0.0; };
  return s.solve(c, true);
}

/// One grid: the first Stokes solve of the box's initial state and the SolKz solve, with a
/// memory-traffic model of one outer iteration (the operator, about `nonzeros` x 12 B per unknown,
/// streamed once) as a ratio to the triad bandwidth: a rough "how far from streaming" figure, not a
/// claim of optimality.
template <int Dim>
io::Json measure_grid(MPI_Comm comm, int n, MantleBox& box, double nonzeros, double triad, Logger& log) {
  const int ranks = [&] {
    int r = 1;
    MPI_Comm_size(comm, &r);
    return r;
  }();
  io::Json row;
  row["cells"] = std::vector<int>(Dim, n);
  box.set_initial_temperature();
  const auto s = box.solve_stokes();
  row["unknowns"] = box.stokes_unknowns();
  row["isoviscous_iterations"] = s.iterations;
  row["isoviscous_seconds"] = s.seconds;
  row["isoviscous_unknowns_per_second"] = box.stokes_unknowns() / s.seconds;
  const auto kz = solve_solkz<Dim>(comm, n, "bench" + std::string(Dim == 3 ? "3" : "") + "_kz_" + std::to_string(n) + "_");
  row["solkz_1e6_iterations"] = kz.iterations;
  row["solkz_1e6_seconds"] = kz.seconds;
  const double bytes = 12.0 * nonzeros * box.stokes_unknowns() * s.iterations;
  row["isoviscous_effective_bandwidth_ratio_to_triad"] = bytes / ranks / s.seconds / triad;
  log.info(strformat("thermal bench %d-D %d^%d: isoviscous %d its %.3g s, SolKz 1e6 %d its %.3g s", Dim, n, Dim,
                     s.iterations, s.seconds, kz.iterations, kz.seconds));
  return row;
}

void run_benchmark(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results) {
  std::vector<int> sizes = {64, 128, 256}, sizes3 = {16, 24, 32};
  for (std::size_t k = 0; k < args.size() && k < 6; ++k) (k < 3 ? sizes[k] : sizes3[k - 3]) = std::stoi(args[k]);
  const auto triad = sim::measure_triad(comm);
  results["triad_bytes_per_second_per_rank"] = triad.bytes_per_second;
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  results["ranks"] = ranks;
  for (int n : sizes) {  // Blankenbach 1a: Ra = 1e4, isoviscous
    MantleParameters p;
    p.nx = p.nz = n;
    p.rayleigh = 1e4;
    p.options_prefix = "bench_iso_" + std::to_string(n) + "_";
    MantleConvection2D box(comm, p);
    results["grids"].push_back(measure_grid<2>(comm, n, box, 11.0, triad.bytes_per_second, log));
  }
  for (int n : sizes3) {  // Busse 1a start (rigid top and bottom), isoviscous Ra = 3e4, unit cube
    MantleParameters3D p;
    p.cells = {n, n, n};
    p.rayleigh = 3e4;
    p.perturbation = 0.2;
    p.boundary_layer_profile = true;
    p.velocity_bc.wall[2] = {VelocityBoundary::NoSlip, VelocityBoundary::NoSlip};
    p.options_prefix = "bench3_iso_" + std::to_string(n) + "_";
    MantleConvection3D box(comm, p);
    results["grids_3d"].push_back(measure_grid<3>(comm, n, box, 15.0, triad.bytes_per_second, log));
  }
}

}  // namespace

void register_benchmarks() {
  sim::Registry::instance().add_benchmark(
      {"thermal", "Stokes solve time and iterations on three 2-D and three 3-D grids (args: n1 n2 n3 m1 m2 m3, default 64 128 256 "
       "16 24 32)",
       run_benchmark});
}

}  // namespace hadal::thermal
