// SPDX-License-Identifier: MIT
// Staggered-grid Stokes solver against the exact SolKz solution (viscosity contrast 1e6):
// observed second order in velocity and pressure, and solver iterations flat under refinement.
#include <gtest/gtest.h>

#include <cmath>
#include <mpi.h>

#include "thermal/solkz.hpp"
#include "thermal/stokes2d.hpp"

using namespace hadal::thermal;

namespace {
struct Errors {
  double u = 0, p = 0;
  int iterations = 0;
};

Errors solkz_errors(int n, double contrast, StokesMethod method = StokesMethod::Multigrid) {
  SolKz sol(0.5 * std::log(contrast), 2.0, 3);
  const std::string prefix = std::string("test_kz_") + (method == StokesMethod::Direct ? "lu_" : "") + std::to_string(n) + "_";
  StokesSolver2D s(MPI_COMM_WORLD, n, n, 1.0, 1.0, StokesBoundaries{}, 1e-10, prefix, "", method);
  const double h = 1.0 / n;
  StokesCoefficients c;
  c.eta_cell = [&](int, int j) { return sol.eta((j + 0.5) * h); };
  c.eta_node = [&](int, int j) { return sol.eta(j * h); };
  c.force_z = [&](int i, int j) { return sol.force_z((i + 0.5) * h, j * h); };
  const auto st = s.solve(c, true);
  std::vector<double> vx, vz;
  s.face_velocities(vx, vz);
  const auto p = s.cell_pressure();
  const auto o = s.owned();
  double e[4] = {0, 0, 0, 0};
  for (int j = 0; j < o.zm; ++j)
    for (int i = 0; i < o.xm; ++i) {  // each rank its own left faces (boundary faces are exact zeros)
      const double x = (o.xs + i) * h, z = (o.zs + j + 0.5) * h;
      e[0] += std::pow(vx[j * (o.xm + 1) + i] - sol.u(x, z), 2) * h * h;
    }
  for (int j = 0; j < o.zm; ++j)
    for (int i = 0; i < o.xm; ++i) {
      const double x = (o.xs + i + 0.5) * h, z = (o.zs + j) * h;
      e[1] += std::pow(vz[j * o.xm + i] - sol.w(x, z), 2) * h * h;
      const double xc = (o.xs + i + 0.5) * h, zc = (o.zs + j + 0.5) * h;
      e[2] += std::pow(p[j * o.xm + i] - sol.p(xc, zc), 2) * h * h;
    }
  double g[4];
  MPI_Allreduce(e, g, 4, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return {std::sqrt(g[0] + g[1]), std::sqrt(g[2]), st.iterations};
}
}  // namespace

TEST(ThermalStokes, SolKzAnalyticSolutionIsSelfConsistent) {
  SolKz sol(0.5 * std::log(1e6), 2.0, 3);
  EXPECT_LT(sol.characteristic_residual(), 1e-12);
  // Free slip: w = 0 and du/dz = 0 on z = 0, 1 (finite differences of the exact u).
  EXPECT_NEAR(sol.w(0.3, 0.0), 0.0, 1e-14);
  EXPECT_NEAR(sol.w(0.3, 1.0), 0.0, 1e-14);
  // Free slip du/dz = 0 at the wall: a one-sided difference quotient then shrinks linearly with
  // the step (it would tend to a nonzero limit otherwise).
  auto slope = [&](double d) { return (sol.u(0.3, d) - sol.u(0.3, 0.0)) / d; };
  EXPECT_LT(std::abs(slope(1e-5)), 0.02 * std::abs(slope(1e-3)));
  // Incompressibility: du/dx + dw/dz = 0.
  const double d = 1e-6, x = 0.37, z = 0.61;
  const double div = (sol.u(x + d, z) - sol.u(x - d, z)) / (2 * d) + (sol.w(x, z + d) - sol.w(x, z - d)) / (2 * d);
  EXPECT_LT(std::abs(div), 1e-6 * std::abs(sol.u(x, z)) / d * 1e-3 + 1e-9);
}

TEST(ThermalStokes, SolKzConvergesAtSecondOrder) {
  const int sizes[3] = {16, 32, 64};
  Errors e[3];
  for (int k = 0; k < 3; ++k) e[k] = solkz_errors(sizes[k], 1e6);
  for (int k = 1; k < 3; ++k) {
    const double ou = std::log2(e[k - 1].u / e[k].u), op = std::log2(e[k - 1].p / e[k].p);
    std::printf("SolKz 1e6: n = %d  L2(u) = %.4e (order %.2f)  L2(p) = %.4e (order %.2f)  iterations %d\n", sizes[k],
                e[k].u, ou, e[k].p, op, e[k].iterations);
    // Measured orders: u 1.82 (16->32), 1.95 (32->64); p 1.91, 1.98.
    EXPECT_GT(ou, 1.75);
    EXPECT_GT(op, 1.75);
  }
  // Measured at 64^2: L2(u) = 7.42e-8 for |u|_L2 = 2.52e-5 (0.3 %).
  EXPECT_LT(e[2].u, 8e-8);
  EXPECT_LT(e[2].p, 1.2e-4);
}

TEST(ThermalStokes, IterationCountsStayFlatUnderRefinement) {
  // Measured with hypre on the velocity block: 44, 46, 47 (and 49 at 256^2).
  const int a = solkz_errors(32, 1e6).iterations, b = solkz_errors(64, 1e6).iterations,
            c = solkz_errors(128, 1e6).iterations;
  std::printf("SolKz 1e6 iterations: 32^2 %d, 64^2 %d, 128^2 %d\n", a, b, c);
  EXPECT_LE(c, 1.3 * a);
  EXPECT_LE(c, 80);
}

TEST(ThermalStokes, DirectSolverSolvesTheSameDiscreteSystem) {
  // The MUMPS LU path must reproduce the multigrid solution's discretisation errors (same operator,
  // both solved to rtol 1e-10), in about one Krylov iteration.
  const Errors mg = solkz_errors(32, 1e6), lu = solkz_errors(32, 1e6, StokesMethod::Direct);
  std::printf("SolKz 1e6, 32^2: multigrid L2(u) %.6e L2(p) %.6e (%d its); direct %.6e %.6e (%d its)\n", mg.u, mg.p,
              mg.iterations, lu.u, lu.p, lu.iterations);
  EXPECT_NEAR(lu.u, mg.u, 1e-6 * mg.u);
  EXPECT_NEAR(lu.p, mg.p, 1e-6 * mg.p);
  EXPECT_LE(lu.iterations, 2);
}
