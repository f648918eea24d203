// SPDX-License-Identifier: MIT
#include "thermal/annulus_solution.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace hadal::thermal {
namespace {

/// Radial factor of (-lap u + grad p)_r for Psi = r^m (times r^(m-3) cos(n phi)).
double force_factor(double m, double n) { return (m - n) * (m + n) * (m - n - 2.0) * (m + n - 2.0) / n; }

}  // namespace

AnnulusSolution::AnnulusSolution(double inner_radius, double outer_radius, int n, int k, bool free_slip)
    : r1_(inner_radius), r2_(outer_radius), n_(n), k_(k), free_slip_(free_slip) {
  power_ = {k + 3.0, 1.0 * n, -1.0 * n, n + 2.0, 2.0 - n};
  const double fa = force_factor(power_[0], n);
  if (n < 2 || std::abs(fa) < 1e-12) throw std::invalid_argument("AnnulusSolution: k + 3 is a homogeneous power");
  coeff_[0] = 1.0 / fa;
  // Wall conditions on C1..C4: rows (Psi, shear or slope) at R1 and R2, Gaussian elimination.
  double a[4][5];
  int row = 0;
  for (double R : {r1_, r2_}) {
    for (int condition = 0; condition < 2; ++condition, ++row) {
      auto value = [&](int term, double c) {
        const double m = power_[term];
        const double v = c * std::pow(R, m), d1 = c * m * std::pow(R, m - 1.0),
                     d2 = c * m * (m - 1.0) * std::pow(R, m - 2.0);
        if (condition == 0) return v;
        return free_slip_ ? d2 - d1 / R : d1;
      };
      for (int t = 1; t < 5; ++t) a[row][t - 1] = value(t, 1.0);
      a[row][4] = -value(0, coeff_[0]);
    }
  }
  for (int c = 0; c < 4; ++c) {
    int pivot = c;
    for (int r = c + 1; r < 4; ++r)
      if (std::abs(a[r][c]) > std::abs(a[pivot][c])) pivot = r;
    for (int q = 0; q < 5; ++q) std::swap(a[c][q], a[pivot][q]);
    for (int r = 0; r < 4; ++r) {
      if (r == c) continue;
      const double f = a[r][c] / a[c][c];
      for (int q = c; q < 5; ++q) a[r][q] -= f * a[c][q];
    }
  }
  for (int c = 0; c < 4; ++c) coeff_[c + 1] = a[c][4] / a[c][c];
}

std::array<double, 3> AnnulusSolution::psi(double r) const {
  std::array<double, 3> out{0.0, 0.0, 0.0};
  for (int t = 0; t < 5; ++t) {
    const double m = power_[t], c = coeff_[t];
    out[0] += c * std::pow(r, m);
    out[1] += c * m * std::pow(r, m - 1.0);
    out[2] += c * m * (m - 1.0) * std::pow(r, m - 2.0);
  }
  return out;
}

double AnnulusSolution::pressure_profile(double r) const {
  double p = 0.0;
  for (int t = 0; t < 5; ++t) {
    const double m = power_[t];
    p += coeff_[t] * (m - 2.0) * (m - n_) * (m + n_) / n_ * std::pow(r, m - 2.0);
  }
  return p;
}

double AnnulusSolution::force_r(double r, double phi) const { return std::pow(r, k_) * std::cos(n_ * phi); }
double AnnulusSolution::u_r(double r, double phi) const { return n_ / r * psi(r)[0] * std::cos(n_ * phi); }
double AnnulusSolution::u_phi(double r, double phi) const { return -psi(r)[1] * std::sin(n_ * phi); }
double AnnulusSolution::p(double r, double phi) const { return pressure_profile(r) * std::cos(n_ * phi); }

double AnnulusSolution::boundary_residual() const {
  double worst = 0.0, scale = 0.0;
  for (double c : coeff_) scale = std::max(scale, std::abs(c));
  for (double R : {r1_, r2_}) {
    const auto s = psi(R);
    worst = std::max({worst, std::abs(s[0]), std::abs(free_slip_ ? s[2] - s[1] / R : s[1])});
  }
  return worst / scale;
}

}  // namespace hadal::thermal
