// SPDX-License-Identifier: MIT
#include "thermal/anderson.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace hadal::thermal {
namespace {

/// Solves the small symmetric positive semi-definite system A gamma = b (n x n, row-major) by Gaussian
/// elimination with partial pivoting after a relative Tikhonov shift of the diagonal, which keeps
/// nearly dependent differences (late in a converging iteration) from producing huge coefficients.
std::vector<double> solve_regularised(std::vector<double> a, std::vector<double> b, int n) {
  double trace = 0.0;
  for (int i = 0; i < n; ++i) trace += a[i * n + i];
  const double shift = 1e-10 * (trace > 0.0 ? trace / n : 1.0);
  for (int i = 0; i < n; ++i) a[i * n + i] += shift;
  for (int c = 0; c < n; ++c) {
    int pivot = c;
    for (int r = c + 1; r < n; ++r)
      if (std::abs(a[r * n + c]) > std::abs(a[pivot * n + c])) pivot = r;
    if (a[pivot * n + c] == 0.0) return std::vector<double>(n, 0.0);
    if (pivot != c) {
      for (int k = 0; k < n; ++k) std::swap(a[c * n + k], a[pivot * n + k]);
      std::swap(b[c], b[pivot]);
    }
    for (int r = c + 1; r < n; ++r) {
      const double factor = a[r * n + c] / a[c * n + c];
      for (int k = c; k < n; ++k) a[r * n + k] -= factor * a[c * n + k];
      b[r] -= factor * b[c];
    }
  }
  std::vector<double> x(n);
  for (int r = n - 1; r >= 0; --r) {
    double s = b[r];
    for (int k = r + 1; k < n; ++k) s -= a[r * n + k] * x[k];
    x[r] = s / a[r * n + r];
  }
  return x;
}

}  // namespace

void AndersonMixing::restart() {
  df_.clear();
  dg_.clear();
  last_f_.clear();
  last_g_.clear();
}

std::vector<double> AndersonMixing::next(const std::vector<double>& x, const std::vector<double>& g) {
  if (x.size() != g.size()) throw std::invalid_argument("AndersonMixing: x and G(x) differ in size");
  std::vector<double> f(x.size());
  for (std::size_t q = 0; q < x.size(); ++q) f[q] = g[q] - x[q];
  if (!last_f_.empty()) {
    std::vector<double> df(f.size()), dg(g.size());
    for (std::size_t q = 0; q < f.size(); ++q) {
      df[q] = f[q] - last_f_[q];
      dg[q] = g[q] - last_g_[q];
    }
    df_.push_back(std::move(df));
    dg_.push_back(std::move(dg));
    if (static_cast<int>(df_.size()) > depth_) {
      df_.pop_front();
      dg_.pop_front();
    }
  }
  last_f_ = f;
  last_g_ = g;
  const int m = static_cast<int>(df_.size());
  if (m == 0) return g;
  // Normal equations of the least-squares problem, summed over the ranks in one reduction.
  std::vector<double> sums(static_cast<std::size_t>(m) * m + m, 0.0);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j <= i; ++j) {
      double s = 0.0;
      for (std::size_t q = 0; q < f.size(); ++q) s += df_[i][q] * df_[j][q];
      sums[i * m + j] = sums[j * m + i] = s;
    }
    double s = 0.0;
    for (std::size_t q = 0; q < f.size(); ++q) s += df_[i][q] * f[q];
    sums[m * m + i] = s;
  }
  MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(sums.size()), MPI_DOUBLE, MPI_SUM, comm_);
  const std::vector<double> gram(sums.begin(), sums.begin() + m * m), rhs(sums.begin() + m * m, sums.end());
  const auto gamma = solve_regularised(gram, rhs, m);
  std::vector<double> out = g;
  for (int i = 0; i < m; ++i)
    for (std::size_t q = 0; q < out.size(); ++q) out[q] -= gamma[i] * dg_[i][q];
  return out;
}

}  // namespace hadal::thermal
