// SPDX-License-Identifier: MIT
#include "sweep/sampling.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "numerics/constants.hpp"

namespace hadal::sweep {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

// xoshiro256** seeded through splitmix64 (Blackman & Vigna): fully specified, so designs are
// reproducible from the seed alone.
Random::Random(std::uint64_t seed) {
  for (auto& s : state_) s = splitmix64(seed);
}

std::uint64_t Random::next() {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

double Random::uniform() {
  // (k + 0.5) / 2^53 with k a 53-bit integer: never exactly 0 or 1, so quantiles stay finite.
  return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53;
}

std::uint64_t Random::below(std::uint64_t n) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t x;
  do {
    x = next();
  } while (x >= limit);
  return x % n;
}

DistributionType distribution_type(const std::string& name) {
  if (name == "uniform") return DistributionType::Uniform;
  if (name == "log_uniform") return DistributionType::LogUniform;
  if (name == "normal") return DistributionType::Normal;
  if (name == "log_normal") return DistributionType::LogNormal;
  if (name == "triangular") return DistributionType::Triangular;
  throw std::invalid_argument("unknown distribution '" + name + "'");
}

std::vector<std::string> distribution_names() { return {"uniform", "log_uniform", "normal", "log_normal", "triangular"}; }

double standard_normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("normal quantile needs 0 < p < 1");
  // Acklam (2003): rational approximations in the central region and the tails, |rel. error| < 1.15e-9.
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double low = 0.02425, high = 1.0 - low;
  double x;
  if (p < low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p <= high) {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  } else {
    const double q = std::sqrt(-2.0 * std::log(1.0 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  // One Halley step on Phi(x) - p with Phi from erfc brings it to full double precision.
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2.0 * numerics::kPi) * std::exp(0.5 * x * x);
  return x - u / (1.0 + 0.5 * x * u);
}

double quantile(const Distribution& d, double p) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("quantile needs 0 < p < 1");
  switch (d.type) {
    case DistributionType::Uniform:
      return d.low + p * (d.high - d.low);
    case DistributionType::LogUniform:
      return std::exp(std::log(d.low) + p * (std::log(d.high) - std::log(d.low)));
    case DistributionType::Normal:
      return d.mean + d.std * standard_normal_quantile(p);
    case DistributionType::LogNormal:
      return d.median * std::exp(d.sigma * standard_normal_quantile(p));
    case DistributionType::Triangular: {
      const double width = d.high - d.low, split = (d.mode - d.low) / width;
      if (p < split) return d.low + std::sqrt(p * width * (d.mode - d.low));
      return d.high - std::sqrt((1.0 - p) * width * (d.high - d.mode));
    }
  }
  return 0.0;
}

std::vector<std::vector<double>> latin_hypercube(std::size_t samples, std::size_t dims, std::uint64_t seed) {
  std::vector<std::vector<double>> points(samples, std::vector<double>(dims));
  Random random(seed);
  std::vector<std::size_t> strata(samples);
  for (std::size_t k = 0; k < dims; ++k) {
    // A fresh random permutation of the strata per dimension (Fisher-Yates) decorrelates dimensions.
    std::iota(strata.begin(), strata.end(), 0);
    for (std::size_t i = samples; i > 1; --i) std::swap(strata[i - 1], strata[random.below(i)]);
    for (std::size_t i = 0; i < samples; ++i) {
      const double u = (static_cast<double>(strata[i]) + random.uniform()) / static_cast<double>(samples);
      points[i][k] = std::min(u, 1.0 - 0x1.0p-53);  // rounding must not reach 1 (infinite quantiles)
    }
  }
  return points;
}

}  // namespace hadal::sweep
