// SPDX-License-Identifier: MIT
#include "thermal/solkz.hpp"

#include <cmath>
#include <complex>
#include <stdexcept>

#include "numerics/constants.hpp"

namespace hadal::thermal {
namespace {
using cd = std::complex<double>;

cd characteristic(cd l, double B, double k) {
  return (l * l + k * k) * ((l + 2.0 * B) * (l + 2.0 * B) + k * k) - 4.0 * k * k * l * (l + 2.0 * B);
}

/// n-th derivative of exp(l z): l^n exp(l z).
cd dexp(cd l, double z, int n) {
  cd f = std::exp(l * z);
  for (int k = 0; k < n; ++k) f *= l;
  return f;
}

/// Solves the 4x4 system a x = b by Gaussian elimination with partial pivoting.
std::array<double, 4> solve4(std::array<std::array<double, 4>, 4> a, std::array<double, 4> b) {
  for (int c = 0; c < 4; ++c) {
    int piv = c;
    for (int r = c + 1; r < 4; ++r)
      if (std::abs(a[r][c]) > std::abs(a[piv][c])) piv = r;
    std::swap(a[c], a[piv]);
    std::swap(b[c], b[piv]);
    if (a[c][c] == 0.0) throw std::runtime_error("SolKz: singular boundary system");
    for (int r = c + 1; r < 4; ++r) {
      const double f = a[r][c] / a[c][c];
      for (int k = c; k < 4; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  std::array<double, 4> x{};
  for (int r = 3; r >= 0; --r) {
    double s = b[r];
    for (int k = r + 1; k < 4; ++k) s -= a[r][k] * x[k];
    x[r] = s / a[r][r];
  }
  return x;
}
}  // namespace

SolKz::SolKz(double B, double km, int n, double sigma) : B_(B), km_(km), kn_(n * numerics::kPi), sigma_(sigma) {
  const cd mu = std::sqrt(cd(B * B + kn_ * kn_, 2.0 * kn_ * B));
  const cd l1 = -B + mu, l2 = -B - std::conj(mu);
  l1r_ = l1.real();
  l1i_ = l1.imag();
  l2r_ = l2.real();
  l2i_ = l2.imag();
  const cd lp(-2.0 * B, km);
  const cd C = cd(0.0, sigma * kn_) / characteristic(lp, B, kn_);
  cpr_ = C.real();
  cpi_ = C.imag();
  // Boundary rows: F(0), F''(0), F(1), F''(1) of each basis function.
  std::array<std::array<double, 4>, 4> a{};
  std::array<double, 4> rhs{};
  const double zs[2] = {0.0, 1.0};
  for (int side = 0; side < 2; ++side)
    for (int d = 0; d < 2; ++d) {
      const int row = 2 * side + d, order = 2 * d;
      const cd e1 = dexp(l1, zs[side], order), e2 = dexp(l2, zs[side], order);
      a[row] = {e1.real(), e1.imag(), e2.real(), e2.imag()};
      rhs[row] = -(C * dexp(lp, zs[side], order)).real();
    }
  coeff_ = solve4(a, rhs);
}

std::array<double, 4> SolKz::F(double z) const {
  const cd l1(l1r_, l1i_), l2(l2r_, l2i_), lp(-2.0 * B_, km_), C(cpr_, cpi_);
  std::array<double, 4> out{};
  for (int n = 0; n < 4; ++n) {
    const cd e1 = dexp(l1, z, n), e2 = dexp(l2, z, n);
    out[n] = coeff_[0] * e1.real() + coeff_[1] * e1.imag() + coeff_[2] * e2.real() + coeff_[3] * e2.imag() +
             (C * dexp(lp, z, n)).real();
  }
  return out;
}

double SolKz::eta(double z) const { return std::exp(2.0 * B_ * z); }
double SolKz::force_z(double x, double z) const { return sigma_ * std::sin(km_ * z) * std::cos(kn_ * x); }
double SolKz::u(double x, double z) const { return F(z)[1] * std::sin(kn_ * x); }
double SolKz::w(double x, double z) const { return -kn_ * F(z)[0] * std::cos(kn_ * x); }
double SolKz::p(double x, double z) const {
  const auto f = F(z);
  const double e = eta(z), k2 = kn_ * kn_;
  const double G = f[2] + k2 * f[0], dG = f[3] + k2 * f[1];
  const double etaG_prime = e * (2.0 * B_ * G + dG);
  return -(etaG_prime - 2.0 * k2 * e * f[1]) / kn_ * std::cos(kn_ * x);
}
double SolKz::characteristic_residual() const {
  const cd l1(l1r_, l1i_);
  const double scale = std::pow(std::abs(l1) + kn_ + 2.0 * std::abs(B_), 4);
  return std::abs(characteristic(l1, B_, kn_)) / scale;
}

}  // namespace hadal::thermal
