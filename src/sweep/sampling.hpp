// SPDX-License-Identifier: MIT
/// \file sampling.hpp
/// \brief Reproducible sampling for parameter sweeps: Latin-hypercube designs and the inverse CDFs
/// that map stratified uniforms onto the distributions a sweep file names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hadal::sweep {

/// A random stream that gives the same numbers on every compiler and platform (the standard fixes
/// mt19937_64's output but not std::uniform_real_distribution's algorithm).
class Random {
 public:
  explicit Random(std::uint64_t seed);
  /// Uniform on the open interval (0, 1), 53 random bits.
  double uniform();
  /// Uniform integer in [0, n), without modulo bias.
  std::uint64_t below(std::uint64_t n);

 private:
  std::uint64_t next();
  std::uint64_t state_[4];
};

enum class DistributionType { Uniform, LogUniform, Normal, LogNormal, Triangular };

/// Parameters in SI: uniform/log_uniform (low, high); normal (mean, std); log_normal (median, sigma of
/// the natural log); triangular (low, mode, high).
struct Distribution {
  DistributionType type = DistributionType::Uniform;
  double low = 0.0, high = 0.0, mode = 0.0, mean = 0.0, std = 0.0, median = 0.0, sigma = 0.0;
};

/// Distribution names as the sweep file spells them.
DistributionType distribution_type(const std::string& name);  ///< throws std::invalid_argument
std::vector<std::string> distribution_names();

/// Quantile of the standard normal distribution (Acklam's rational approximation refined by one
/// Halley step on erfc: relative error below 1e-15 over (0, 1)).
double standard_normal_quantile(double p);
/// Quantile function (inverse CDF) of `d` at probability p in (0, 1).
double quantile(const Distribution& d, double p);

/// A Latin-hypercube design: `samples` points in (0,1)^dims such that, in every dimension, each of the
/// `samples` equal-probability strata holds exactly one point. Points are uniform within their stratum.
/// result[i][k] = coordinate k of sample i.
std::vector<std::vector<double>> latin_hypercube(std::size_t samples, std::size_t dims, std::uint64_t seed);

}  // namespace hadal::sweep
