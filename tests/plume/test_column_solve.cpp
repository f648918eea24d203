// SPDX-License-Identifier: MIT
// The Eulerian vertical step (VerticalColumnSolve) on single columns, against exact discrete solutions:
// upwind implicit settling, the steady settling-diffusion balance, the time order of the theta
// scheme on a diffusion eigenmode, the mass budget with erosion, and columns solved side by side
// (vector lanes) against each solved alone.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "plume/column_solve.hpp"

using namespace hadal::plume;

namespace {

/// One column of `nz` equal cells of height `h`, one class, bed at level `kb`.
struct Column {
  int nz, kb;
  double h;
  VerticalColumnSolve solve;
  Kokkos::View<double*> dz_storage;

  Column(int nz_, double h_, double ws, double kz, int kb_ = 0) : nz(nz_), kb(kb_), h(h_) {
    solve.nz = nz;
    solve.c = VerticalColumnSolve::View3("c", 1, 1, nz);
    solve.bed = VerticalColumnSolve::View3("bed", 1, 1, 1);
    solve.kz = VerticalColumnSolve::View3("kz", 1, 1, nz + 1);
    solve.tau_b = VerticalColumnSolve::View3("tau_b", 1, 1, 1);
    solve.first_wet = Kokkos::View<int**>("first_wet", 1, 1);
    solve.ws = Kokkos::View<double*>("ws", 1);
    solve.tau_ce = Kokkos::View<double*>("tau_ce", 1);
    solve.erosion_m = Kokkos::View<double*>("erosion_m", 1);
    dz_storage = Kokkos::View<double*>("dz", nz);
    solve.inv_dz = Kokkos::View<double*>("inv_dz", nz);
    solve.inv_face_spacing = Kokkos::View<double*>("inv_face_spacing", nz + 1);
    Kokkos::deep_copy(dz_storage, h);
    Kokkos::deep_copy(solve.inv_dz, 1.0 / h);
    Kokkos::deep_copy(solve.ws, ws);
    Kokkos::deep_copy(solve.first_wet, kb);
    auto spacing = Kokkos::create_mirror_view(solve.inv_face_spacing);
    for (int k = 0; k <= nz; ++k) spacing(k) = (k > 0 && k < nz) ? 1.0 / h : 0.0;
    Kokkos::deep_copy(solve.inv_face_spacing, spacing);
    Kokkos::deep_copy(solve.kz, kz);
    solve.dz = dz_storage;
  }
  void set(const std::vector<double>& c) {
    auto host = Kokkos::create_mirror_view(solve.c);
    for (int k = 0; k < nz; ++k) host(0, 0, k) = c[k];
    Kokkos::deep_copy(solve.c, host);
  }
  std::vector<double> get() const {
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solve.c);
    std::vector<double> c(nz);
    for (int k = 0; k < nz; ++k) c[k] = host(0, 0, k);
    return c;
  }
  double bed() const {
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solve.bed);
    return host(0, 0, 0);
  }
  double suspended() const {
    double m = 0.0;
    for (double v : get()) m += v * h;
    return m;
  }
  void step(double dt) {
    solve.dt = dt;
    Kokkos::parallel_for("test_column", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({0, 0, 0}, {1, 1, 1}), solve);
    Kokkos::fence();
  }
};

}  // namespace

TEST(ColumnSolve, ImplicitUpwindSettlingIsExact) {
  // Settling Courant number 0.8 >= 1/2: the limited correction is off and the step is backward-Euler
  // upwind, whose solution is a back-substitution from the top: c'_k = (c_k + s c'_{k+1}) / (1 + s).
  const int nz = 6;
  const double h = 2.0, ws = 1e-3, dt = 0.8 * h / ws, s = ws * dt / h;
  Column col(nz, h, ws, 0.0);
  const std::vector<double> c0{0.0, 1.0, 3.0, 2.0, 0.5, 4.0};
  col.set(c0);
  col.step(dt);
  std::vector<double> exact(nz);
  for (int k = nz - 1; k >= 0; --k) exact[k] = (c0[k] + (k + 1 < nz ? s * exact[k + 1] : 0.0)) / (1.0 + s);
  const auto c = col.get();
  for (int k = 0; k < nz; ++k) EXPECT_NEAR(c[k], exact[k], 1e-14 * exact[nz - 1]) << k;
  EXPECT_NEAR(col.bed(), dt * ws * exact[0], 1e-15 * col.bed());
  double mass0 = 0.0;
  for (double v : c0) mass0 += v * h;
  EXPECT_NEAR(col.suspended() + col.bed(), mass0, 1e-15 * mass0);
}

TEST(ColumnSolve, SteadySettlingDiffusionBalanceOverAReflectingBed) {
  // With no deposition, the steady state has zero net flux through every face: ws c_{k+1} =
  // (Kz / h)(c_k - c_{k+1}), so c_{k+1} / c_k = (Kz/h) / (ws + Kz/h), the discrete Rouse profile.
  const int nz = 10;
  const double h = 1.0, ws = 2e-4, kz = 5e-4, dt = 1e4;  // settling Courant 2: first-order flux
  Column col(nz, h, ws, kz);
  col.solve.deposition = Deposition::None;
  col.set(std::vector<double>(nz, 1.0));
  for (int n = 0; n < 200; ++n) col.step(dt);
  const auto c = col.get();
  const double ratio = (kz / h) / (ws + kz / h);
  for (int k = 0; k + 1 < nz; ++k) EXPECT_NEAR(c[k + 1] / c[k], ratio, 1e-10) << k;
  EXPECT_NEAR(col.suspended(), nz * h, 1e-12);  // nothing left through the bed or the top
  EXPECT_EQ(col.bed(), 0.0);
}

TEST(ColumnSolve, CrankNicolsonIsSecondOrderInTime) {
  // Pure diffusion of the discrete Neumann eigenmode cos(pi m (k + 1/2) / nz): exactly
  // exp(-lambda t) times the mode, lambda = 4 (Kz / h^2) sin^2(pi m / (2 nz)). The error of the
  // theta scheme at t = T falls as dt^2 for theta = 1/2 and as dt for theta = 1.
  const int nz = 16, m = 3;
  const double h = 1.0, kz = 0.05, T = 40.0;
  const double lambda = 4 * kz / (h * h) * std::pow(std::sin(M_PI * m / (2.0 * nz)), 2);
  std::vector<double> mode(nz);
  for (int k = 0; k < nz; ++k) mode[k] = 1.0 + std::cos(M_PI * m * (k + 0.5) / nz);  // + 1: positive
  auto error = [&](double theta, int steps) {
    Column col(nz, h, 0.0, kz);
    col.solve.theta = theta;
    col.set(mode);
    for (int n = 0; n < steps; ++n) col.step(T / steps);
    const auto c = col.get();
    double e = 0.0;
    for (int k = 0; k < nz; ++k) {
      const double exact = 1.0 + (mode[k] - 1.0) * std::exp(-lambda * T);
      e = std::max(e, std::abs(c[k] - exact));
    }
    return e;
  };
  for (double theta : {0.5, 1.0}) {
    const double e1 = error(theta, 10), e2 = error(theta, 20), e3 = error(theta, 40);
    const double p1 = std::log2(e1 / e2), p2 = std::log2(e2 / e3);
    std::printf("theta %.1f: errors %.3e %.3e %.3e, observed orders %.2f %.2f\n", theta, e1, e2, e3, p1, p2);
    const double expected = theta == 0.5 ? 2.0 : 1.0;
    EXPECT_NEAR(p2, expected, 0.1);
  }
}

TEST(ColumnSolve, ErosionIsCappedByTheBedAndTheBudgetCloses) {
  // tau_b = 3 tau_ce: Partheniades flux 2 M, over dt more than the bed holds, so all of it rises into
  // the bottom cell; the column plus the bed keeps its mass (the deposit of the same step included).
  const int nz = 4;
  const double h = 1.0, ws = 1e-5, dt = 100.0, m = 1e-3, tau_ce = 0.1;
  Column col(nz, h, ws, 1e-4);
  Kokkos::deep_copy(col.solve.tau_ce, tau_ce);
  Kokkos::deep_copy(col.solve.erosion_m, m);
  Kokkos::deep_copy(col.solve.tau_b, 3 * tau_ce);
  Kokkos::deep_copy(col.solve.bed, 0.05);  // < 2 M dt = 0.2 kg/m2
  col.set({0.0, 0.0, 0.0, 0.0});
  col.step(dt);
  const double total = col.suspended() + col.bed();
  EXPECT_NEAR(total, 0.05, 4e-16 * 0.05);  // round-off of a handful of operations
  EXPECT_GT(col.suspended(), 0.049);   // the bed emptied into the water, a little settled back
  EXPECT_LT(col.bed(), 0.05 * ws * dt / h);
}

TEST(ColumnSolve, ColumnsSolvedSideBySideEqualEachSolvedAlone) {
  // A line of columns (a full block of lanes and a partial one) with different beds (one dry),
  // diffusivities and bed stresses (erosion in some), three classes settling at Courant numbers from
  // 0.05 to 5: solved side by side (the model's path) and one column and class at a time, the
  // concentrations and beds agree bitwise, since levels below a lane's bed are identity rows that
  // leave the wet levels' arithmetic untouched.
  const int nz = 10, ni = VerticalColumnSolve::kLanes + 11, nn = 3;
  const double h = 2.0, dt = 200.0;
  auto make = [&]() {
    VerticalColumnSolve s;
    s.nz = nz, s.nclasses = nn, s.dt = dt, s.theta = 0.5;
    s.c = VerticalColumnSolve::View3("c", 1, ni, nn * nz);
    s.bed = VerticalColumnSolve::View3("bed", 1, ni, nn);
    s.kz = VerticalColumnSolve::View3("kz", 1, ni, nz + 1);
    s.tau_b = VerticalColumnSolve::View3("tau_b", 1, ni, 1);
    s.first_wet = Kokkos::View<int**>("first_wet", 1, ni);
    s.ws = Kokkos::View<double*>("ws", nn), s.tau_ce = Kokkos::View<double*>("tau_ce", nn);
    s.erosion_m = Kokkos::View<double*>("erosion_m", nn);
    auto dz = Kokkos::View<double*>("dz", nz);
    s.inv_dz = Kokkos::View<double*>("inv_dz", nz);
    s.inv_face_spacing = Kokkos::View<double*>("inv_face_spacing", nz + 1);
    Kokkos::deep_copy(dz, h);
    Kokkos::deep_copy(s.inv_dz, 1.0 / h);
    s.dz = dz;
    auto spacing = Kokkos::create_mirror_view(s.inv_face_spacing);
    for (int k = 0; k <= nz; ++k) spacing(k) = (k > 0 && k < nz) ? 1.0 / h : 0.0;
    Kokkos::deep_copy(s.inv_face_spacing, spacing);
    auto c = Kokkos::create_mirror_view(s.c);
    auto bed = Kokkos::create_mirror_view(s.bed);
    auto kz = Kokkos::create_mirror_view(s.kz);
    auto tau = Kokkos::create_mirror_view(s.tau_b);
    auto wet = Kokkos::create_mirror_view(s.first_wet);
    for (int i = 0; i < ni; ++i) {
      wet(0, i) = i == 6 ? nz : (3 * i) % 5;
      tau(0, i, 0) = 0.05 * (i % 4);
      for (int k = 0; k <= nz; ++k) kz(0, i, k) = 1e-4 * (1 + (i + k) % 3);
      for (int n = 0; n < nn; ++n) {
        bed(0, i, n) = 0.01 * (n + 1);
        for (int k = 0; k < nz; ++k) c(0, i, n * nz + k) = k >= wet(0, i) ? 1.0 + std::sin(0.7 * k + i + n) : 0.0;
      }
    }
    Kokkos::deep_copy(s.c, c), Kokkos::deep_copy(s.bed, bed), Kokkos::deep_copy(s.kz, kz);
    Kokkos::deep_copy(s.tau_b, tau), Kokkos::deep_copy(s.first_wet, wet);
    auto ws = Kokkos::create_mirror_view(s.ws);
    auto tau_ce = Kokkos::create_mirror_view(s.tau_ce);
    auto m = Kokkos::create_mirror_view(s.erosion_m);
    for (int n = 0; n < nn; ++n) ws(n) = 5e-4 * std::pow(10.0, n), tau_ce(n) = 0.08, m(n) = 1e-4;
    Kokkos::deep_copy(s.ws, ws), Kokkos::deep_copy(s.tau_ce, tau_ce), Kokkos::deep_copy(s.erosion_m, m);
    return s;
  };
  const VerticalColumnSolve together = make(), alone = make();
  Kokkos::parallel_for("side_by_side", Kokkos::RangePolicy<>(0, 1), KOKKOS_LAMBDA(int) {
    constexpr int lanes = VerticalColumnSolve::kLanes;
    for (int i0 = 0; i0 < ni; i0 += lanes) together.columns(0, i0, i0 + lanes < ni ? lanes : ni - i0);
  });
  Kokkos::parallel_for("alone", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({0, 0, 0}, {1, ni, nn}), alone);
  Kokkos::fence();
  auto c1 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), together.c);
  auto c2 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), alone.c);
  auto b1 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), together.bed);
  auto b2 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), alone.bed);
  double changed = 0.0;
  for (int i = 0; i < ni; ++i) {
    for (int n = 0; n < nn; ++n) {
      EXPECT_EQ(b1(0, i, n), b2(0, i, n)) << "bed of column " << i << " class " << n;
      changed += std::fabs(b1(0, i, n) - 0.01 * (n + 1));
      for (int k = 0; k < nz; ++k) EXPECT_EQ(c1(0, i, n * nz + k), c2(0, i, n * nz + k)) << "column " << i << " class " << n << " level " << k;
    }
  }
  EXPECT_GT(changed, 1e-3);  // the step did settle and erode
}
