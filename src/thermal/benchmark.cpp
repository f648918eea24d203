// SPDX-License-Identifier: MIT
// `hadal bench thermal [n1 n2 n3 [m1 m2 m3]]`: Stokes solve time and iterations on three 2-D grids
// n^2 (Blankenbach 1a initial temperature, isoviscous, and a 1e6 SolKz viscosity contrast) and three
// 3-D grids m^3 (Busse 1a initial temperature, and SolKz 1e6 extruded along y), against the triad
// roofline.
#include <cmath>
#include <string>

#include "core/log.hpp"
#include "sim/registry.hpp"
#include "sim/roofline.hpp"
#include "thermal/mantle2d.hpp"
#include "thermal/mantle3d.hpp"
#include "thermal/solkz.hpp"
#include "thermal/stokes2d.hpp"
#include "thermal/stokes3d.hpp"
#include "thermal/thermal.hpp"

namespace hadal::thermal {
namespace {

void run_benchmark(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results) {
  std::vector<int> sizes = {64, 128, 256};
  for (std::size_t k = 0; k < args.size() && k < 3; ++k) sizes[k] = std::stoi(args[k]);
  const auto triad = sim::measure_triad(comm);
  results["triad_bytes_per_second_per_rank"] = triad.bytes_per_second;
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  results["ranks"] = ranks;
  for (int n : sizes) {
    io::Json row;
    row["cells"] = {n, n};
    {  // Blankenbach 1a: Ra = 1e4, isoviscous, first solve from the initial temperature.
      MantleParameters p;
      p.nx = p.nz = n;
      p.rayleigh = 1e4;
      p.options_prefix = "bench_iso_" + std::to_string(n) + "_";
      MantleConvection2D m(comm, p);
      m.set_initial_temperature();
      const auto s = m.solve_stokes();
      row["unknowns"] = m.stokes_unknowns();
      row["isoviscous_iterations"] = s.iterations;
      row["isoviscous_seconds"] = s.seconds;
      // Unknowns per second per rank over the triad's bytes: a rough "how far from streaming" figure.
      row["isoviscous_unknowns_per_second"] = m.stokes_unknowns() / s.seconds;
    }
    {  // SolKz, viscosity contrast 1e6.
      SolKz sol(0.5 * std::log(1e6), 2.0, 3);
      StokesSolver2D s(comm, n, n, 1.0, 1.0, StokesBoundaries{}, 1e-8, "bench_kz_" + std::to_string(n) + "_");
      const double h = 1.0 / n;
      StokesCoefficients c;
      c.eta_cell = [&](int, int j) { return sol.eta((j + 0.5) * h); };
      c.eta_node = [&](int, int j) { return sol.eta(j * h); };
      c.force_z = [&](int i, int j) { return sol.force_z((i + 0.5) * h, j * h); };
      const auto st = s.solve(c, true);
      row["solkz_1e6_iterations"] = st.iterations;
      row["solkz_1e6_seconds"] = st.seconds;
    }
    // Memory-traffic model of one outer iteration: the operator (~ 11 nonzeros x 12 B per unknown)
    // streamed a few times; reported as a ratio to the triad bandwidth, not a claim of optimality.
    const double bytes = 12.0 * 11.0 * row["unknowns"].get<double>() * row["isoviscous_iterations"].get<double>();
    row["isoviscous_effective_bandwidth_ratio_to_triad"] =
        bytes / ranks / row["isoviscous_seconds"].get<double>() / triad.bytes_per_second;
    log.info(strformat("thermal bench %dx%d: isoviscous %d its %.3g s, SolKz 1e6 %d its %.3g s", n, n,
                       row["isoviscous_iterations"].get<int>(), row["isoviscous_seconds"].get<double>(),
                       row["solkz_1e6_iterations"].get<int>(), row["solkz_1e6_seconds"].get<double>()));
    results["grids"].push_back(row);
  }
  std::vector<int> sizes3 = {16, 24, 32};
  for (std::size_t k = 3; k < args.size() && k < 6; ++k) sizes3[k - 3] = std::stoi(args[k]);
  for (int n : sizes3) {
    io::Json row;
    row["cells"] = {n, n, n};
    {  // Busse 1a start (rigid top and bottom), isoviscous Ra = 3e4, unit cube: first solve.
      MantleParameters3D p;
      p.cells = {n, n, n};
      p.rayleigh = 3e4;
      p.perturbation = 0.2;
      p.boundary_layer_profile = true;
      p.velocity_bc.wall[2] = {VelocityBoundary::NoSlip, VelocityBoundary::NoSlip};
      p.options_prefix = "bench3_iso_" + std::to_string(n) + "_";
      MantleConvection3D m(comm, p);
      m.set_initial_temperature();
      const auto s = m.solve_stokes();
      row["unknowns"] = m.stokes_unknowns();
      row["isoviscous_iterations"] = s.iterations;
      row["isoviscous_seconds"] = s.seconds;
      row["isoviscous_unknowns_per_second"] = m.stokes_unknowns() / s.seconds;
    }
    {  // SolKz, viscosity contrast 1e6, invariant along y.
      SolKz sol(0.5 * std::log(1e6), 2.0, 3);
      StokesSolver3D s(comm, {n, n, n}, {1.0, 1.0, 1.0}, StokesBoundaries3D{}, 1e-8, "bench3_kz_" + std::to_string(n) + "_");
      const double h = 1.0 / n;
      StokesCoefficients3D c;
      c.eta_cell = [&](int, int, int k) { return sol.eta((k + 0.5) * h); };
      c.eta_edge = [&](int f, int, int, int k) { return sol.eta(f == 2 ? (k + 0.5) * h : k * h); };
      c.force = [&](int d, int i, int, int k) { return d == 2 ? sol.force_z((i + 0.5) * h, k * h) : 0.0; };
      const auto st = s.solve(c, true);
      row["solkz_1e6_iterations"] = st.iterations;
      row["solkz_1e6_seconds"] = st.seconds;
    }
    // ~ 15 nonzeros x 12 B per unknown streamed per outer iteration, as a ratio to the triad.
    const double bytes = 12.0 * 15.0 * row["unknowns"].get<double>() * row["isoviscous_iterations"].get<double>();
    row["isoviscous_effective_bandwidth_ratio_to_triad"] =
        bytes / ranks / row["isoviscous_seconds"].get<double>() / triad.bytes_per_second;
    log.info(strformat("thermal bench 3-D %d^3: isoviscous %d its %.3g s, SolKz 1e6 %d its %.3g s", n,
                       row["isoviscous_iterations"].get<int>(), row["isoviscous_seconds"].get<double>(),
                       row["solkz_1e6_iterations"].get<int>(), row["solkz_1e6_seconds"].get<double>()));
    results["grids_3d"].push_back(row);
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
