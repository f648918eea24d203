// SPDX-License-Identifier: MIT
// The staggered-grid Stokes solver (stokes.cpp) in 2-D and 3-D against the exact SolKz solution
// (viscosity contrast 1e6): observed second order in velocity and pressure, solver iterations flat
// under refinement, the direct (LU) method on the same discrete system, also with reused factors; in
// 3-D SolKz extruded along y and, rotated, along x (so both horizontal directions carry the flow),
// the 3-D discrete solution of an extruded problem equal to the 2-D one (no-slip walls included),
// and a symmetric operator for a fully 3-D viscosity.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mpi.h>

#include "thermal/solkz.hpp"
#include "thermal/stokes.hpp"

using namespace hadal::thermal;

namespace {

using Index3 = StokesCoefficients<3>::Index;

struct Errors {
  double u = 0, p = 0, cross = 0;  ///< L2 of velocity, pressure, and (3-D) of the velocity normal to the plane
  int iterations = 0;
};

Errors solkz_errors(int n, double contrast, StokesMethod method = StokesMethod::Multigrid) {
  SolKz sol(0.5 * std::log(contrast), 2.0, 3);
  const std::string prefix = std::string("test_kz_") + (method == StokesMethod::Direct ? "lu_" : "") + std::to_string(n) + "_";
  StokesSolver2D s(MPI_COMM_WORLD, {n, n}, {1.0, 1.0}, StokesBoundaries<2>{}, 1e-10, prefix, "", method);
  const double h = 1.0 / n;
  using Index = StokesCoefficients<2>::Index;
  StokesCoefficients<2> c;
  c.eta_cell = [&](const Index& I) { return sol.eta((I[1] + 0.5) * h); };
  c.eta_shear = [&](int, const Index& I) { return sol.eta(I[1] * h); };
  c.force = [&](int d, const Index& I) { return d == 1 ? sol.force_z((I[0] + 0.5) * h, I[1] * h) : 0.0; };
  const auto st = s.solve(c, true);
  const auto faces = s.face_velocities();
  const auto& vx = faces.v[0];
  const auto& vz = faces.v[1];
  const auto p = s.cell_pressure();
  const auto o = s.owned();
  double e[4] = {0, 0, 0, 0};
  for (int j = 0; j < o.count[1]; ++j)
    for (int i = 0; i < o.count[0]; ++i) {  // each rank its own left faces (boundary faces are exact zeros)
      const double x = (o.start[0] + i) * h, z = (o.start[1] + j + 0.5) * h;
      e[0] += std::pow(vx[j * (o.count[0] + 1) + i] - sol.u(x, z), 2) * h * h;
    }
  for (int j = 0; j < o.count[1]; ++j)
    for (int i = 0; i < o.count[0]; ++i) {
      const double x = (o.start[0] + i + 0.5) * h, z = (o.start[1] + j) * h;
      e[1] += std::pow(vz[j * o.count[0] + i] - sol.w(x, z), 2) * h * h;
      const double xc = (o.start[0] + i + 0.5) * h, zc = (o.start[1] + j + 0.5) * h;
      e[2] += std::pow(p[j * o.count[0] + i] - sol.p(xc, zc), 2) * h * h;
    }
  double g[4];
  MPI_Allreduce(e, g, 4, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return {std::sqrt(g[0] + g[1]), std::sqrt(g[2]), 0.0, st.iterations};
}
/// SolKz in the (h, z) plane where h is x (plane = 0, extruded along y) or y (plane = 1, extruded
/// along x). `n` cells across the plane, `ne` along the extrusion; cubic cells.
Errors solkz_extruded(int n, int ne, int plane, double contrast = 1e6, const StokesBoundaries<3>& bc = {}) {
  SolKz sol(0.5 * std::log(contrast), 2.0, 3);
  const double h = 1.0 / n;
  const int across = 1 - plane;  // the invariant horizontal axis
  std::array<int, 3> cells{n, n, n};
  cells[across] = ne;
  std::array<double, 3> len{1.0, 1.0, 1.0};
  len[across] = ne * h;
  StokesSolver3D s(MPI_COMM_WORLD, cells, len, bc, 1e-10,
                   "test_kz3_" + std::to_string(n) + "_" + std::to_string(ne) + "_" + std::to_string(plane) + "_");
  StokesCoefficients<3> c;
  c.eta_cell = [&](const Index3& I) { return sol.eta((I[2] + 0.5) * h); };
  c.eta_shear = [&](int f, const Index3& I) { return sol.eta(f == 2 ? (I[2] + 0.5) * h : I[2] * h); };
  c.force = [&](int d, const Index3& I) {
    if (d != 2) return 0.0;
    const int ih = plane == 0 ? I[0] : I[1];
    return sol.force_z((ih + 0.5) * h, I[2] * h);
  };
  const auto st = s.solve(c, true);
  const auto v = s.face_velocities();
  const auto p = s.cell_pressure();
  const auto& o = s.owned();
  double e[3] = {0, 0, 0};
  // Each rank sums its own lower faces (the far wall faces are exact zeros).
  for (int k = 0; k < o.count[2]; ++k)
    for (int j = 0; j < o.count[1]; ++j)
      for (int i = 0; i < o.count[0]; ++i) {
        const int gi = o.start[0] + i, gj = o.start[1] + j, gk = o.start[2] + k;
        const int gh = plane == 0 ? gi : gj;
        const double zc = (gk + 0.5) * h, hc = (gh + 0.5) * h;
        e[0] += std::pow(v(plane, i, j, k) - sol.u(gh * h, zc), 2);
        e[0] += std::pow(v(2, i, j, k) - sol.w(hc, gk * h), 2);
        e[1] += std::pow(p[(static_cast<std::size_t>(k) * o.count[1] + j) * o.count[0] + i] - sol.p(hc, zc), 2);
        e[2] += std::pow(v(across, i, j, k), 2);
      }
  double g[3];
  MPI_Allreduce(e, g, 3, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  // Volume weight h^3 per face over the extrusion length: norms comparable with the 2-D test.
  const double w = h * h * h / len[across];
  return {std::sqrt(g[0] * w), std::sqrt(g[1] * w), std::sqrt(g[2] * w), st.iterations};
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


TEST(ThermalStokes, ReusedFactorsGiveTheSolutionOfFreshOnes) {
  // The direct method keeps the LU factors of an earlier operator while they precondition cheaply
  // (FactorReuse). SolKz at 32^2 solved for contrast 1e6, then for a viscosity changed by up to 5 %
  // (the old factors are reused: still one factorisation), then for contrast 1e2 (reused or factored
  // again, as the cost model decides). Each solution equals a fresh solver's to the tolerance.
  // Measured: 6 iterations with the reused factors, 1.1e-11 from the fresh solution; for 1e2 the stale
  // factors fail within their 30 iterations and the operator is factored again (4.5e-13).
  const int n = 32;
  const double h = 1.0 / n;
  auto coefficients = [h](const SolKz& sol, double wiggle) {
    using Index = StokesCoefficients<2>::Index;
    auto eta = [&sol, wiggle](double z) { return sol.eta(z) * (1.0 + wiggle * std::sin(7.0 * z)); };
    StokesCoefficients<2> c;
    c.eta_cell = [eta, h](const Index& I) { return eta((I[1] + 0.5) * h); };
    c.eta_shear = [eta, h](int, const Index& I) { return eta(I[1] * h); };
    c.force = [&sol, h](int d, const Index& I) { return d == 1 ? sol.force_z((I[0] + 0.5) * h, I[1] * h) : 0.0; };
    return c;
  };
  const SolKz strong(0.5 * std::log(1e6), 2.0, 3), weak(0.5 * std::log(1e2), 2.0, 3);
  StokesSolver2D reused(MPI_COMM_WORLD, {n, n}, {1.0, 1.0}, StokesBoundaries<2>{}, 1e-10, "test_reuse_", "",
                        StokesMethod::Direct);
  reused.solve(coefficients(strong, 0.0), true);
  struct Case {
    const SolKz& sol;
    double wiggle;
    int most_factorisations;
  };
  int k = 0;
  for (const Case& c : {Case{strong, 0.05, 1}, Case{weak, 0.0, 2}}) {
    const auto st = reused.solve(coefficients(c.sol, c.wiggle), true);
    StokesSolver2D fresh(MPI_COMM_WORLD, {n, n}, {1.0, 1.0}, StokesBoundaries<2>{}, 1e-10,
                         "test_fresh_" + std::to_string(k++) + "_", "", StokesMethod::Direct);
    fresh.solve(coefficients(c.sol, c.wiggle), true);
    const auto a = reused.face_velocities(), b = fresh.face_velocities();
    double diff = 0.0, norm = 0.0, g[2];
    for (int d = 0; d < 2; ++d)
      for (std::size_t q = 0; q < a.v[d].size(); ++q) {
        diff = std::max(diff, std::abs(a.v[d][q] - b.v[d][q]));
        norm = std::max(norm, std::abs(b.v[d][q]));
      }
    const double local[2] = {diff, norm};
    MPI_Allreduce(local, g, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    std::printf("reused factors: %d factorisation(s), %d iterations, max |u - u_fresh| / max |u| = %.1e\n",
                st.factorisations, st.iterations, g[0] / g[1]);
    EXPECT_GE(st.factorisations, 1);
    EXPECT_LE(st.factorisations, c.most_factorisations);
    EXPECT_LT(g[0], 1e-8 * g[1]);
  }
}

TEST(ThermalStokes3D, ExtrudedSolKzConvergesAtSecondOrderInBothPlanes) {
  const int sizes[3] = {16, 32, 64};
  for (int plane = 0; plane < 2; ++plane) {
    Errors e[3];
    for (int k = 0; k < 3; ++k) e[k] = solkz_extruded(sizes[k], 2, plane);
    for (int k = 1; k < 3; ++k) {
      const double ou = std::log2(e[k - 1].u / e[k].u), op = std::log2(e[k - 1].p / e[k].p);
      std::printf("SolKz 1e6 extruded, flow in the %s-z plane: n = %d  L2(u) = %.4e (order %.2f)  L2(p) = %.4e "
                  "(order %.2f)  |v_normal| = %.1e  FGMRES %d\n",
                  plane == 0 ? "x" : "y", sizes[k], e[k].u, ou, e[k].p, op, e[k].cross, e[k].iterations);
      // Measured (both planes identical, and equal to the 2-D solver's): u 1.82 / 1.95, p 1.91 / 1.98.
      EXPECT_GT(ou, 1.75);
      EXPECT_GT(op, 1.75);
      EXPECT_LT(e[k].cross, 1e-4 * e[k].u);  // no flow across the plane: far below the error
    }
    // Measured at 64 x 2 x 64: L2(u) = 7.422e-8, L2(p) = 1.1345e-4 (the 2-D solver's values at 64^2).
    EXPECT_LT(e[2].u, 7.6e-8);
    EXPECT_LT(e[2].p, 1.16e-4);
  }
}

TEST(ThermalStokes3D, ExtrudedProblemReproducesTheTwoDimensionalSolverWithNoSlipWalls) {
  // With free slip on the walls normal to the extrusion, the 3-D equations of a y-invariant problem
  // reduce exactly to the 2-D ones, whatever the other walls do: the discrete solutions must agree
  // to solver tolerance. No slip on left/right/bottom/top exercises those boundary rows.
  const int n = 16;
  SolKz sol(0.5 * std::log(1e3), 2.0, 3);
  const double h = 1.0 / n;
  StokesBoundaries<2> bc2;
  for (auto& axis : bc2.wall) axis = {VelocityBoundary::NoSlip, VelocityBoundary::NoSlip};
  StokesSolver2D s2(MPI_COMM_WORLD, {n, n}, {1.0, 1.0}, bc2, 1e-12, "test_ns2_");
  using Index2 = StokesCoefficients<2>::Index;
  StokesCoefficients<2> c2;
  c2.eta_cell = [&](const Index2& I) { return sol.eta((I[1] + 0.5) * h); };
  c2.eta_shear = [&](int, const Index2& I) { return sol.eta(I[1] * h); };
  c2.force = [&](int d, const Index2& I) { return d == 1 ? sol.force_z((I[0] + 0.5) * h, I[1] * h) : 0.0; };
  s2.solve(c2, true);
  const auto faces2 = s2.face_velocities();
  const auto& vx2 = faces2.v[0];
  const auto& vz2 = faces2.v[1];
  const auto p2 = s2.cell_pressure();
  // Gather the 2-D solution on every rank (rank-local blocks summed into global arrays).
  std::vector<double> gu((n + 1) * n, 0.0), gw(n * (n + 1), 0.0), gp(n * n, 0.0);
  const auto o2 = s2.owned();
  for (int j = 0; j < o2.count[1]; ++j)
    for (int i = 0; i < o2.count[0]; ++i) {
      gu[(o2.start[1] + j) * (n + 1) + o2.start[0] + i] = vx2[j * (o2.count[0] + 1) + i];
      gw[(o2.start[1] + j) * n + o2.start[0] + i] = vz2[j * o2.count[0] + i];
      gp[(o2.start[1] + j) * n + o2.start[0] + i] = p2[j * o2.count[0] + i];
    }
  MPI_Allreduce(MPI_IN_PLACE, gu.data(), static_cast<int>(gu.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, gw.data(), static_cast<int>(gw.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, gp.data(), static_cast<int>(gp.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);

  for (int plane = 0; plane < 2; ++plane) {
    const int across = 1 - plane, ne = 3;
    StokesBoundaries<3> bc;
    bc.wall[plane] = {VelocityBoundary::NoSlip, VelocityBoundary::NoSlip};
    bc.wall[2] = {VelocityBoundary::NoSlip, VelocityBoundary::NoSlip};
    std::array<int, 3> cells{n, n, n};
    cells[across] = ne;
    std::array<double, 3> len{1.0, 1.0, 1.0};
    len[across] = ne * h;
    StokesSolver3D s3(MPI_COMM_WORLD, cells, len, bc, 1e-12, "test_ns3_" + std::to_string(plane) + "_");
    StokesCoefficients<3> c3;
    c3.eta_cell = [&](const Index3& I) { return sol.eta((I[2] + 0.5) * h); };
    c3.eta_shear = [&](int f, const Index3& I) { return sol.eta(f == 2 ? (I[2] + 0.5) * h : I[2] * h); };
    c3.force = [&](int d, const Index3& I) {
      return d == 2 ? sol.force_z(((plane == 0 ? I[0] : I[1]) + 0.5) * h, I[2] * h) : 0.0;
    };
    const auto st = s3.solve(c3, true);
    const auto v = s3.face_velocities();
    const auto p = s3.cell_pressure();
    const auto& o = s3.owned();
    double diff[3] = {0, 0, 0}, scale[2] = {0, 0};
    for (int k = 0; k < o.count[2]; ++k)
      for (int j = 0; j < o.count[1]; ++j)
        for (int i = 0; i < o.count[0]; ++i) {
          const int gk = o.start[2] + k, gh = plane == 0 ? o.start[0] + i : o.start[1] + j;
          diff[0] = std::max(diff[0], std::abs(v(plane, i, j, k) - gu[gk * (n + 1) + gh]));
          diff[0] = std::max(diff[0], std::abs(v(2, i, j, k) - gw[gk * n + gh]));
          diff[1] = std::max(diff[1], std::abs(p[(static_cast<std::size_t>(k) * o.count[1] + j) * o.count[0] + i] -
                                               gp[gk * n + gh]));
          diff[2] = std::max(diff[2], std::abs(v(across, i, j, k)));
          scale[0] = std::max(scale[0], std::abs(gw[gk * n + gh]));
          scale[1] = std::max(scale[1], std::abs(gp[gk * n + gh]));
        }
    MPI_Allreduce(MPI_IN_PLACE, diff, 3, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, scale, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    std::printf("no-slip box, flow in the %s-z plane: max |u3 - u2| / max|w| = %.2e, max |p3 - p2| / max|p| = %.2e, "
                "max |v_normal| = %.1e, FGMRES %d\n",
                plane == 0 ? "x" : "y", diff[0] / scale[0], diff[1] / scale[1], diff[2], st.iterations);
    EXPECT_LT(diff[0], 1e-7 * scale[0]);
    EXPECT_LT(diff[1], 1e-7 * scale[1]);
    EXPECT_LT(diff[2], 1e-9 * scale[0]);
  }
}

TEST(ThermalStokes3D, OperatorIsSymmetricForFullyThreeDimensionalViscosity) {
  // The extruded tests never see the x-y shear coupling (tau_xy = 0 there). The MAC operator is
  // symmetric by construction, so a wrong sign or misplaced viscosity in any cross term shows up
  // as asymmetry: check it with a viscosity that varies in all directions (cells and edges
  // differently) and every wall condition.
  auto hash = [](int a, int b, int c, int d) {
    unsigned v = 2654435761u * static_cast<unsigned>(a + 7) ^ 40503u * static_cast<unsigned>(b + 3) ^
                 97u * static_cast<unsigned>(c + 11) ^ 7919u * static_cast<unsigned>(d + 5);
    v ^= v >> 13;
    return std::exp(4.0 * ((v % 1000u) / 1000.0 - 0.5));  // factors 0.14 .. 7.4
  };
  StokesBoundaries<3> bc;
  bc.wall[0] = {VelocityBoundary::NoSlip, VelocityBoundary::FreeSlip};
  bc.wall[1] = {VelocityBoundary::FreeSlip, VelocityBoundary::NoSlip};
  bc.wall[2] = {VelocityBoundary::NoSlip, VelocityBoundary::FreeSlip};
  StokesSolver3D s(MPI_COMM_WORLD, {6, 5, 7}, {1.2, 0.9, 1.0}, bc, 1e-10, "test_sym3_");
  StokesCoefficients<3> c;
  c.eta_cell = [&](const Index3& I) { return hash(I[0], I[1], I[2], 9); };
  c.eta_shear = [&](int f, const Index3& I) { return hash(I[0], I[1], I[2], f); };
  c.force = [&](int d, const Index3& I) { return d == 2 ? std::sin(1.0 + I[0] + 2.0 * I[1] + 0.5 * I[2]) : 0.3 * d; };
  const auto st = s.solve(c, true);
  EXPECT_TRUE(s.operator_is_symmetric(1e-12));
  EXPECT_GT(st.iterations, 0);
}

TEST(ThermalStokes3D, IterationCountsStayFlatUnderRefinement) {
  // Full 3-D refinement of the extruded SolKz problem (viscosity contrast 1e6), n^3 cells.
  // HADAL_STOKES3D_LARGEST raises the finest grid (the long study runs 48). Measured with the GAMG
  // velocity block: 8^3 .. 24^3: see docs; 16^3 66, 32^3 72, 48^3 83.
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  int largest = ranks > 1 ? 18 : 24;  // keeps the 2-rank CI run short
  if (const char* env = std::getenv("HADAL_STOKES3D_LARGEST")) largest = std::atoi(env);
  const int sizes[3] = {largest / 3, 2 * largest / 3, largest};
  int its[3];
  for (int k = (std::getenv("HADAL_STOKES3D_ONLY_LARGEST") ? 2 : 0); k < 3; ++k) {
    const double t0 = MPI_Wtime();
    const auto e = solkz_extruded(sizes[k], sizes[k], k % 2);
    its[k] = e.iterations;
    std::printf("SolKz 1e6 extruded, %d^3 cells: FGMRES %d iterations, %.2f s, L2(u) %.3e L2(p) %.3e\n", sizes[k],
                its[k], MPI_Wtime() - t0, e.u, e.p);
  }
  if (std::getenv("HADAL_STOKES3D_ONLY_LARGEST")) return;
  EXPECT_LE(its[2], 1.3 * its[0] + 5);
  EXPECT_LE(its[2], 100);
}
