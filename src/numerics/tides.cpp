// SPDX-License-Identifier: MIT
#include "numerics/tides.hpp"

#include <cmath>
#include <complex>
#include <map>
#include <stdexcept>

#include "numerics/constants.hpp"

namespace hadal::numerics {

namespace {
// Angular speeds in degrees per mean solar hour (Schureman / T_TIDE tables), converted below.
const std::map<std::string, double>& speeds_degrees_per_hour() {
  static const std::map<std::string, double> table = {
      {"M2", 28.9841042}, {"S2", 30.0000000},  {"N2", 28.4397295}, {"K2", 30.0821373},
      {"2N2", 27.8953548}, {"K1", 15.0410686}, {"O1", 13.9430356}, {"P1", 14.9589314},
      {"Q1", 13.3986609}, {"S1", 15.0000000}, {"M4", 57.9682084}, {"MS4", 58.9841042},
      {"MN4", 57.4238337}, {"M6", 86.9523127}, {"MF", 1.0980331},  {"MM", 0.5443747},
  };
  return table;
}
}  // namespace

double constituent_frequency(const std::string& name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto& table = speeds_degrees_per_hour();
  const auto it = table.find(upper);
  if (it == table.end()) return -1.0;
  return it->second * kPi / 180.0 / 3600.0;
}

std::vector<std::string> constituent_names() {
  std::vector<std::string> names;
  for (const auto& entry : speeds_degrees_per_hour()) names.push_back(entry.first);
  return names;
}

double synthesize(const std::vector<Harmonic>& harmonics, double time) {
  double sum = 0.0;
  for (const auto& h : harmonics) sum += h.amplitude * std::cos(h.omega * time - h.phase);
  return sum;
}

HarmonicFit harmonic_analysis(const std::vector<double>& times, const std::vector<double>& values,
                              const std::vector<std::string>& names) {
  const std::size_t n = times.size();
  const std::size_t m = 1 + 2 * names.size();
  if (values.size() != n) throw std::invalid_argument("harmonic_analysis: times and values differ in length");
  if (n < m + 1) throw std::invalid_argument("harmonic_analysis: too few samples for the constituents");
  std::vector<double> omegas;
  for (const auto& name : names) {
    const double w = constituent_frequency(name);
    if (w < 0) throw std::invalid_argument("harmonic_analysis: unknown constituent '" + name + "'");
    omegas.push_back(w);
  }
  // Normal equations (m is small); times are shifted to the record centre for conditioning and the
  // phases shifted back afterwards.
  const double t_mid = 0.5 * (times.front() + times.back());
  std::vector<double> ata(m * m, 0.0), atb(m, 0.0), row(m);
  for (std::size_t s = 0; s < n; ++s) {
    const double t = times[s] - t_mid;
    row[0] = 1.0;
    for (std::size_t c = 0; c < omegas.size(); ++c) {
      row[1 + 2 * c] = std::cos(omegas[c] * t);
      row[2 + 2 * c] = std::sin(omegas[c] * t);
    }
    for (std::size_t a = 0; a < m; ++a) {
      atb[a] += row[a] * values[s];
      for (std::size_t b = 0; b < m; ++b) ata[a * m + b] += row[a] * row[b];
    }
  }
  // Gaussian elimination with partial pivoting.
  std::vector<double> x = atb;
  for (std::size_t col = 0; col < m; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < m; ++r)
      if (std::abs(ata[r * m + col]) > std::abs(ata[pivot * m + col])) pivot = r;
    if (std::abs(ata[pivot * m + col]) < 1e-300) throw std::invalid_argument("harmonic_analysis: singular fit");
    if (pivot != col) {
      for (std::size_t b = 0; b < m; ++b) std::swap(ata[col * m + b], ata[pivot * m + b]);
      std::swap(x[col], x[pivot]);
    }
    for (std::size_t r = col + 1; r < m; ++r) {
      const double factor = ata[r * m + col] / ata[col * m + col];
      for (std::size_t b = col; b < m; ++b) ata[r * m + b] -= factor * ata[col * m + b];
      x[r] -= factor * x[col];
    }
  }
  for (std::size_t col = m; col-- > 0;) {
    for (std::size_t b = col + 1; b < m; ++b) x[col] -= ata[col * m + b] * x[b];
    x[col] /= ata[col * m + col];
  }
  HarmonicFit fit;
  fit.mean = x[0];
  for (std::size_t c = 0; c < omegas.size(); ++c) {
    Harmonic h;
    h.name = names[c];
    h.omega = omegas[c];
    const double a = x[1 + 2 * c], b = x[2 + 2 * c];
    h.amplitude = std::hypot(a, b);
    // a cos(w t') + b sin(w t') = A cos(w t' - atan2(b, a)), with t' = t - t_mid.
    double phase = std::atan2(b, a) + omegas[c] * t_mid;
    phase = std::fmod(phase, 2 * kPi);
    if (phase < 0) phase += 2 * kPi;
    h.phase = phase;
    fit.constituents.push_back(h);
  }
  double sum_sq = 0.0;
  for (std::size_t s = 0; s < n; ++s) {
    double model = fit.mean;
    for (const auto& h : fit.constituents) model += h.amplitude * std::cos(h.omega * times[s] - h.phase);
    sum_sq += (values[s] - model) * (values[s] - model);
  }
  fit.residual_rms = std::sqrt(sum_sq / n);
  return fit;
}

Ellipse current_ellipse(double u_amplitude, double u_phase, double v_amplitude, double v_phase) {
  // Rotary decomposition: u + i v = W+ e^{i w t} + W- e^{-i w t}, with
  // W+ = (U + i V)/2 and W- = conj(U - i V)/2... written out with U = Au e^{-i gu}, V = Av e^{-i gv}.
  const std::complex<double> U = std::polar(u_amplitude, -u_phase);
  const std::complex<double> V = std::polar(v_amplitude, -v_phase);
  const std::complex<double> I(0.0, 1.0);
  const std::complex<double> w_plus = 0.5 * (U + I * V);               // counter-clockwise part
  const std::complex<double> w_minus = 0.5 * std::conj(U - I * V);     // clockwise part (coefficient of e^{-iwt})
  Ellipse e;
  e.semi_major = std::abs(w_plus) + std::abs(w_minus);
  e.semi_minor = std::abs(w_plus) - std::abs(w_minus);
  const double theta_plus = std::arg(w_plus), theta_minus = std::arg(w_minus);
  // u + i v = e^{i (tp + tm)/2} [ |W+| e^{i(wt + (tp - tm)/2)} + |W-| e^{-i(wt + (tp - tm)/2)} ]
  double inclination = 0.5 * (theta_plus + theta_minus);
  double phase = -0.5 * (theta_plus - theta_minus);  // maximum along the major axis when wt = phase
  // Flipping the axis direction shifts the phase of the maximum by half a period.
  while (inclination < 0) {
    inclination += kPi;
    phase += kPi;
  }
  while (inclination >= kPi) {
    inclination -= kPi;
    phase += kPi;
  }
  phase = std::fmod(phase, 2 * kPi);
  if (phase < 0) phase += 2 * kPi;
  e.inclination = inclination;
  e.phase = phase;
  return e;
}

}  // namespace hadal::numerics
