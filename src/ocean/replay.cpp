// SPDX-License-Identifier: MIT
#include "ocean/replay.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>

#include "core/error.hpp"
#include "io/hdf5_file.hpp"
#include "numerics/constants.hpp"
#include "numerics/tides.hpp"

namespace hadal::ocean {

namespace {

using Complex = std::complex<double>;
using Policy2 = Kokkos::MDRangePolicy<Kokkos::Rank<2>>;
using numerics::kPi;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// One complex-exponential term c e^{i nu t} of a forcing shape, with the constituents it came from.
struct Term {
  double nu;
  Complex c;
  std::string name;
};
using Series = std::vector<Term>;

/// A real shape of the least-squares fit: phi(t) = constant + sum_c Re(T_c e^{i omega_c t}).
struct Shape {
  double constant = 0.0;
  std::vector<Complex> per_constituent;
};

/// The constituent list (merged by frequency) and the shapes, built from the forcing's constituents.
class ShapeBuilder {
 public:
  std::vector<HarmonicReplay::Constituent> constituents;
  std::vector<bool> replayed;  ///< false: fitted so that it biases nothing, left out of the replay
  std::vector<Shape> shapes;

  /// Re(series) (quadrature: Im(series) = Re(-i series)) as a new shape; an empty series adds nothing.
  void add(const Series& series, bool quadrature) {
    if (series.empty()) return;
    Shape shape;
    shape.per_constituent.assign(constituents.size(), Complex(0.0));
    for (const auto& term : series) {
      Complex c = quadrature ? Complex(0.0, -1.0) * term.c : term.c;
      double nu = term.nu;
      if (std::abs(nu) < 1e-12) {
        shape.constant += c.real();
        continue;
      }
      if (nu < 0) {  // Re(c e^{-i w t}) = Re(conj(c) e^{i w t})
        nu = -nu;
        c = std::conj(c);
      }
      const std::size_t index = constituent(nu, term.name);
      if (shape.per_constituent.size() <= index) shape.per_constituent.resize(index + 1, Complex(0.0));
      shape.per_constituent[index] += c;
    }
    shapes.push_back(shape);
  }

 private:
  std::size_t constituent(double omega, const std::string& name) {
    for (std::size_t n = 0; n < constituents.size(); ++n)
      if (std::abs(constituents[n].omega - omega) < 1e-9 * omega) return n;
    // Standard name when the table has this frequency (M4 = 2 M2, MS4 = M2 + S2, MN4, ...).
    std::string label = name;
    for (const auto& known : numerics::constituent_names())
      if (std::abs(numerics::constituent_frequency(known) - omega) < 1e-9 * omega) label = known;
    constituents.push_back({label, omega});
    replayed.push_back(label != "inertial");
    return constituents.size() - 1;
  }
};

/// Pivoted Cholesky factorisation of a symmetric positive semi-definite matrix (n x n, row-major): columns
/// whose remaining pivot falls below `drop` times their diagonal are dropped (linearly dependent shapes).
struct Cholesky {
  int n = 0;
  std::vector<double> L;
  std::vector<bool> kept;

  Cholesky(const std::vector<double>& A, int size, double drop) : n(size), L(std::size_t(size) * size, 0.0), kept(std::size_t(size), false) {
    for (int j = 0; j < n; ++j) {
      double d = A[std::size_t(j) * n + j];
      for (int k = 0; k < j; ++k) d -= L[std::size_t(j) * n + k] * L[std::size_t(j) * n + k];
      if (!(d > drop * A[std::size_t(j) * n + j]) || A[std::size_t(j) * n + j] <= 0.0) continue;
      kept[std::size_t(j)] = true;
      const double ljj = std::sqrt(d);
      L[std::size_t(j) * n + j] = ljj;
      for (int i = j + 1; i < n; ++i) {
        double s = A[std::size_t(i) * n + j];
        for (int k = 0; k < j; ++k) s -= L[std::size_t(i) * n + k] * L[std::size_t(j) * n + k];
        L[std::size_t(i) * n + j] = s / ljj;
      }
    }
  }
  int rank() const { return int(std::count(kept.begin(), kept.end(), true)); }
  /// Solves L L^T x = b over the kept columns (dropped ones get 0).
  void solve(const double* b, double* x) const {
    std::vector<double> y(std::size_t(n), 0.0);
    for (int i = 0; i < n; ++i) {
      if (!kept[std::size_t(i)]) continue;
      double s = b[i];
      for (int k = 0; k < i; ++k) s -= L[std::size_t(i) * n + k] * y[std::size_t(k)];
      y[std::size_t(i)] = s / L[std::size_t(i) * n + i];
    }
    for (int i = n - 1; i >= 0; --i) {
      if (!kept[std::size_t(i)]) {
        x[i] = 0.0;
        continue;
      }
      double s = y[std::size_t(i)];
      for (int k = i + 1; k < n; ++k) s -= L[std::size_t(k) * n + i] * x[k];
      x[i] = s / L[std::size_t(i) * n + i];
    }
  }
};

/// Boundary forcing of the steady responses: the data's boundary current frozen at `to_time`, switched on
/// from the one frozen at `from_time` (from rest when from_time is NaN) with a half-cosine ramp.
class AnchorForcing : public BoundaryForcing {
 public:
  AnchorForcing(const NestedForcing& nested, double from_time, double to_time, double switch_start, double ramp_time)
      : nested_(nested), from_(from_time), to_(to_time), ramp_({}, 0.0, 0.0, ramp_time) {
    ramp_.set_ramp_start(switch_start);
  }
  ExternalState at(double time, double x, double y, double) const override {
    const double r = ramp_.ramp(time);
    const ExternalState b = nested_.data_at(to_, x, y);
    const ExternalState a = std::isnan(from_) ? ExternalState{} : nested_.data_at(from_, x, y);
    return {0.0, (1 - r) * a.u + r * b.u, (1 - r) * a.v + r * b.v};
  }

 private:
  const NestedForcing& nested_;
  double from_, to_;
  HarmonicForcing ramp_;
};

/// Linear-interpolation weights of time t between increasing anchor times (held beyond the ends).
void anchor_weights(const std::vector<double>& anchors, double t, double* weights) {
  for (std::size_t n = 0; n < anchors.size(); ++n) weights[n] = 0.0;
  if (anchors.empty()) return;
  std::size_t n = 0;
  double w = 0.0;
  bracket_time(anchors, t, n, w);
  weights[n] += 1.0 - w;
  if (anchors.size() > 1) weights[n + 1] += w;
}

/// Value of every shape at time t.
void evaluate(const std::vector<Shape>& shapes, const std::vector<HarmonicReplay::Constituent>& constituents, double t,
              std::vector<double>& out) {
  out.assign(shapes.size(), 0.0);
  for (std::size_t j = 0; j < shapes.size(); ++j) {
    double v = shapes[j].constant;
    for (std::size_t c = 0; c < shapes[j].per_constituent.size(); ++c)
      v += (shapes[j].per_constituent[c] * std::polar(1.0, constituents[c].omega * t)).real();
    out[j] = v;
  }
}

/// The shapes of the response method for the forced constituents over a record of `record` seconds; with a
/// Coriolis parameter f, also an inertial oscillation (the start-up's, undamped in a barotropic model) that
/// is fitted but not replayed.
ShapeBuilder build_shapes(const std::vector<TidalConstituent>& forced, double record, double coriolis) {
  ShapeBuilder b;
  Shape constant;
  constant.constant = 1.0;
  b.shapes.push_back(constant);
  // Complex forcing amplitudes (x = Re(A e^{-i G} e^{i w t})) and species (cycles per day, rounded).
  std::map<long, std::pair<Series, Series>> species;
  for (const auto& k : forced) {
    const Term u{k.omega, std::polar(k.u_amplitude, -k.u_phase), k.name}, v{k.omega, std::polar(k.v_amplitude, -k.v_phase), k.name};
    const long s = std::lround(k.omega * 86400.0 / (2.0 * kPi));
    if (k.u_amplitude > 0.0) species[s].first.push_back(u);
    if (k.v_amplitude > 0.0) species[s].second.push_back(v);
  }
  // Linear response: one complex admittance per species and forcing component.
  for (const auto& [s, uv] : species) {
    for (const Series* series : {&uv.first, &uv.second}) {
      b.add(*series, false);
      b.add(*series, true);
    }
  }
  // Quadratic response (advection, drag) within each species: the sum frequencies (M4, MS4, MN4 from the
  // semi-diurnal tides) always; the difference frequencies (MSf, ...) when the record spans half their
  // period (slower ones are indistinguishable from the mean over the record). Products across species would
  // fall on the frequencies of other species (M2 - K1 = O1, K1 + O1 = M2) and alias with their shapes.
  auto product = [&](const Series& a, const Series& c, bool conjugate) {
    Series out;
    for (const auto& p : a)
      for (const auto& q : c) {
        const double nu = conjugate ? p.nu - q.nu : p.nu + q.nu;
        if (conjugate && (p.name == q.name || std::abs(nu) * record < kPi)) continue;
        out.push_back({nu, p.c * (conjugate ? std::conj(q.c) : q.c), p.name + (conjugate ? "-" : "+") + q.name});
      }
    return out;
  };
  for (const auto& [s, uv] : species) {
    const Series &u = uv.first, &v = uv.second;
    for (const auto& [a, c] : {std::make_pair(&u, &u), std::make_pair(&u, &v), std::make_pair(&v, &v)}) {
      const Series sum = product(*a, *c, false);
      b.add(sum, false);
      b.add(sum, true);
    }
    b.add(product(u, u, true), false);  // real: no quadrature part
    const Series cross = product(u, v, true);
    b.add(cross, false);
    b.add(cross, true);
    b.add(product(v, v, true), false);
  }
  const double f = std::abs(coriolis);
  bool separable = f * record >= 2.0 * kPi;
  for (const auto& k : forced) separable = separable && std::abs(k.omega - f) * record >= kPi;
  if (separable) {
    const Series inertial{{f, Complex(1.0), "inertial"}};
    b.add(inertial, false);
    b.add(inertial, true);
  }
  for (auto& shape : b.shapes) shape.per_constituent.resize(b.constituents.size(), Complex(0.0));
  return b;
}

}  // namespace

HarmonicReplay::HarmonicReplay(TidalFlow& flow, const ReplaySettings& settings, double record_start, double run_end,
                               Logger* log)
    : flow_(flow),
      u_coef_(flow.solver().u().grid(), "replay_u", "m s-1", "replay coefficients of depth-mean u", 1),
      v_coef_(flow.solver().u().grid(), "replay_v", "m s-1", "replay coefficients of depth-mean v", 1) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto& grid = flow.solver().u().grid();
  const ShapeBuilder shapes = build_shapes(flow.config().constituents, settings.record, flow.config().solver.coriolis_f0);
  std::vector<int> replayed_index;  // fitted constituent -> replayed constituent (-1: not replayed)
  for (std::size_t c = 0; c < shapes.constituents.size(); ++c) {
    replayed_index.push_back(shapes.replayed[c] ? int(constituents_.size()) : -1);
    if (shapes.replayed[c]) constituents_.push_back(shapes.constituents[c]);
  }
  const int ns = int(shapes.shapes.size()), nc = int(constituents_.size()), nfit = int(shapes.constituents.size());

  // Nested flows: the steady response to the data's boundary current at each data record spanning the run
  // (anchors), solved in sequence, each from the previous one with the boundary current switched over 3 h.
  const NestedForcing* nested = flow.nesting();
  if (nested) {
    const auto& times = flow.data()->times();
    const double last = std::max(run_end, record_start + settings.record);
    for (std::size_t n = 0; n < times.size(); ++n) {
      const bool before_next = n + 1 < times.size() && times[n + 1] <= record_start;
      const bool after_previous = n > 0 && times[n - 1] >= last;
      if (!before_next && !after_previous) anchor_times_.push_back(times[n]);
    }
  }
  const int na = int(anchor_times_.size()), ncoef = 1 + 2 * nc + na;
  u_coef_ = grid::Field(grid, "replay_u", "m s-1", "replay coefficients of depth-mean u", ncoef);
  v_coef_ = grid::Field(grid, "replay_v", "m s-1", "replay coefficients of depth-mean v", ncoef);
  u_coef_.fill(0.0);
  v_coef_.fill(0.0);
  std::unique_ptr<BarotropicSolver> steady;
  for (int a = 0; a < na; ++a) {
    const double begin = a * settings.response_time;
    auto forcing = std::make_shared<AnchorForcing>(*nested, a == 0 ? std::nan("") : anchor_times_[std::size_t(a - 1)],
                                                   anchor_times_[std::size_t(a)], begin, 3.0 * 3600.0);
    if (!steady) {
      steady = flow.make_solver(forcing, 0.0);
    } else {
      steady->set_forcing(forcing);
    }
    // The steady flow is the mean over the last inertial period (an hour without rotation): a barotropic
    // model keeps the inertial oscillation the switch excites.
    const double f = std::abs(flow.config().solver.coriolis_f0);
    const double period = f > 0.0 ? std::min(2.0 * kPi / f, 0.5 * settings.response_time) : 3600.0;
    const double end = begin + settings.response_time;
    steady->advance_to(end - period, flow.config().cfl);
    auto cu = u_coef_.view(), cv = v_coef_.view(), su = steady->u().view(), sv = steady->v().view();
    const int slot = 1 + 2 * nc + a, averages = 24;
    Kokkos::parallel_for(
        "ocean::replay_anchor_zero", Policy2({0, 0}, {long(cu.extent(0)), long(cu.extent(1))}),
        KOKKOS_LAMBDA(const int i, const int j) { cu(i, j, slot) = cv(i, j, slot) = 0.0; });
    for (int m = 0; m < averages; ++m) {
      steady->advance_to(end - period + (m + 0.5) * period / averages, flow.config().cfl);
      Kokkos::parallel_for(
          "ocean::replay_anchor_sum", Policy2({0, 0}, {long(cu.extent(0)), long(cu.extent(1))}),
          KOKKOS_LAMBDA(const int i, const int j) {
            cu(i, j, slot) += su(i, j, 0) / averages;
            cv(i, j, slot) += sv(i, j, 0) / averages;
          });
    }
    steady->advance_to(end, flow.config().cfl);
    double change = 0.0, speed = 0.0;
    Kokkos::parallel_reduce(
        "ocean::replay_anchor_departure", Policy2({0, 0}, {long(cu.extent(0)), long(cu.extent(1))}),
        KOKKOS_LAMBDA(const int i, const int j, double& mx) {
          const double x = km::fmax(km::fabs(su(i, j, 0) - cu(i, j, slot)), km::fabs(sv(i, j, 0) - cv(i, j, slot)));
          mx = x > mx ? x : mx;
        },
        Kokkos::Max<double>(change));
    change = grid::global_max(grid.comm(), change);
    speed = steady->max_speed();
    if (log)
      log->info(strformat("ocean replay: steady response to the data current of t = %.6g s solved over %.4g h: max "
                          "speed %.3g m/s, largest departure from its mean over the last inertial period %.2g %% of it",
                          anchor_times_[std::size_t(a)], settings.response_time / 3600.0, speed,
                          100.0 * change / std::max(speed, 1e-12)));
  }
  // The steady responses interpolated in time, subtracted from the solved record before the fit.
  std::vector<double> weights(std::size_t(std::max(na, 1)), 0.0);

  // Samples of the record: 24 per period of the fastest constituent, at most 15 min apart.
  double fastest = 0.0;
  for (const auto& c : shapes.constituents) fastest = std::max(fastest, c.omega);
  const double interval = fastest > 0.0 ? std::min(900.0, 2.0 * kPi / fastest / 24.0) : 900.0;
  const int samples = int(std::floor(settings.record / interval + 1e-9)) + 1;
  std::vector<std::vector<double>> phi(static_cast<std::size_t>(samples));
  std::vector<double> norm(static_cast<std::size_t>(ns), 0.0);
  for (int s = 0; s < samples; ++s) {
    evaluate(shapes.shapes, shapes.constituents, record_start + s * interval, phi[std::size_t(s)]);
    for (int j = 0; j < ns; ++j) norm[std::size_t(j)] += phi[std::size_t(s)][std::size_t(j)] * phi[std::size_t(s)][std::size_t(j)];
  }
  // Shapes scaled to unit norm over the record (the forcing's squares are tiny next to 1).
  for (auto& n : norm) n = n > 0.0 ? std::sqrt(n) : 0.0;
  std::vector<double> gram(std::size_t(ns) * std::size_t(ns), 0.0);
  for (const auto& p : phi)
    for (int a = 0; a < ns; ++a)
      for (int b = 0; b < ns; ++b)
        if (norm[std::size_t(a)] > 0.0 && norm[std::size_t(b)] > 0.0)
          gram[std::size_t(a) * std::size_t(ns) + std::size_t(b)] +=
              p[std::size_t(a)] * p[std::size_t(b)] / (norm[std::size_t(a)] * norm[std::size_t(b)]);

  // Accumulate shape x (velocity - steady response to the data's boundary current) on every local face.
  grid::Field rhs_u(grid, "rhs_u", "m s-1", "replay right-hand side", ns), rhs_v(grid, "rhs_v", "m s-1", "replay right-hand side", ns);
  rhs_u.fill(0.0);
  rhs_v.fill(0.0);
  Kokkos::View<double*> shape_weights("ocean::replay_weights", std::size_t(ns)), time_weights("ocean::anchor_weights", std::size_t(std::max(na, 1)));
  auto shape_host = Kokkos::create_mirror_view(shape_weights);
  auto time_host = Kokkos::create_mirror_view(time_weights);
  auto& solver = flow.solver();
  for (int s = 0; s < samples; ++s) {
    const double t = record_start + s * interval;
    solver.advance_to(t, flow.config().cfl);
    for (int j = 0; j < ns; ++j)
      shape_host(j) = norm[std::size_t(j)] > 0.0 ? phi[std::size_t(s)][std::size_t(j)] / norm[std::size_t(j)] : 0.0;
    anchor_weights(anchor_times_, t, weights.data());
    for (int a = 0; a < na; ++a) time_host(a) = weights[std::size_t(a)];
    Kokkos::deep_copy(shape_weights, shape_host);
    Kokkos::deep_copy(time_weights, time_host);
    auto cu = u_coef_.view(), cv = v_coef_.view(), su = solver.u().view(), sv = solver.v().view();
    auto au = rhs_u.view(), av = rhs_v.view();
    const int first_anchor = 1 + 2 * nc;
    Kokkos::parallel_for(
        "ocean::replay_accumulate", Policy2({0, 0}, {long(au.extent(0)), long(au.extent(1))}),
        KOKKOS_LAMBDA(const int i, const int j) {
          double yu = su(i, j, 0), yv = sv(i, j, 0);
          for (int a = 0; a < na; ++a) {
            yu -= time_weights(a) * cu(i, j, first_anchor + a);
            yv -= time_weights(a) * cv(i, j, first_anchor + a);
          }
          for (int k = 0; k < ns; ++k) {
            au(i, j, k) += shape_weights(k) * yu;
            av(i, j, k) += shape_weights(k) * yv;
          }
        });
  }

  // Least squares per face, then the shapes written per constituent.
  // Shapes whose part independent of the earlier ones is below 0.1 % of their norm over the record are
  // dropped: their coefficients would cancel within the record and diverge beyond it.
  const Cholesky factor(gram, ns, 1e-6);
  fitted_shapes_ = factor.rank();
  samples_ = samples;
  auto coefficients = [&](const grid::Field& rhs, grid::Field& out) {
    auto r = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rhs.view());
    auto o = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out.view());
    std::vector<double> b(static_cast<std::size_t>(ns)), x(static_cast<std::size_t>(ns));
    for (std::size_t i = 0; i < r.extent(0); ++i)
      for (std::size_t j = 0; j < r.extent(1); ++j) {
        for (int k = 0; k < ns; ++k) b[std::size_t(k)] = r(i, j, k);
        factor.solve(b.data(), x.data());
        double mean = 0.0;
        std::vector<Complex> z(std::size_t(nc), Complex(0.0));
        for (int k = 0; k < ns; ++k) {
          if (norm[std::size_t(k)] <= 0.0) continue;
          const double a = x[std::size_t(k)] / norm[std::size_t(k)];
          mean += a * shapes.shapes[std::size_t(k)].constant;
          for (int c = 0; c < nfit; ++c)
            if (replayed_index[std::size_t(c)] >= 0)
              z[std::size_t(replayed_index[std::size_t(c)])] += a * shapes.shapes[std::size_t(k)].per_constituent[std::size_t(c)];
        }
        o(i, j, 0) = mean;
        for (int c = 0; c < nc; ++c) {
          o(i, j, 1 + 2 * c) = z[std::size_t(c)].real();   // Re(Z e^{iwt}) = Re Z cos wt - Im Z sin wt
          o(i, j, 2 + 2 * c) = -z[std::size_t(c)].imag();
        }
      }
    Kokkos::deep_copy(out.view(), o);
  };
  coefficients(rhs_u, u_coef_);
  coefficients(rhs_v, v_coef_);
  set_speed_bound();
  analysis_seconds_ = seconds_since(t0);
  if (log) {
    std::string names;
    for (const auto& c : constituents_) names += (names.empty() ? "" : ", ") + c.name;
    log->info(strformat("ocean replay: analysed %.4g d of solved flow (%d samples, %d of %d shapes independent) in %.3g s; "
                        "constituents %s",
                        settings.record / 86400.0, samples, fitted_shapes_, ns, analysis_seconds_, names.c_str()));
  }
}

HarmonicReplay::HarmonicReplay(TidalFlow& flow, const std::string& path, const config::ConfigView& block)
    : flow_(flow),
      u_coef_(flow.solver().u().grid(), "replay_u", "m s-1", "replay coefficients of depth-mean u", 1),
      v_coef_(flow.solver().u().grid(), "replay_v", "m s-1", "replay coefficients of depth-mean v", 1) {
  const auto& grid = flow.solver().u().grid();
  int exists = 0;
  if (grid.rank() == 0) exists = std::filesystem::exists(path) ? 1 : 0;
  MPI_Bcast(&exists, 1, MPI_INT, 0, grid.comm());
  if (!exists) block.fail("file", "no replay file '" + path + "' (written by a run with replay.source: solve and this file)");
  io::H5File file(grid.comm(), path, io::H5File::Mode::Read);
  const double nx = file.real_attribute("nx"), ny = file.real_attribute("ny");
  const double x0 = file.real_attribute("x0"), y0 = file.real_attribute("y0"), lx = file.real_attribute("lx"),
               ly = file.real_attribute("ly");
  const auto& spec = grid.spec();
  const double tol = 1e-9 * std::max(spec.lx, spec.ly);
  if (int(nx) != grid.nx() || int(ny) != grid.ny() || std::abs(x0 - spec.x0) > tol || std::abs(y0 - spec.y0) > tol ||
      std::abs(lx - spec.lx) > tol || std::abs(ly - spec.ly) > tol)
    block.fail("file", strformat("replay file %s is for a %d x %d grid at (%.6g, %.6g) m of %.6g x %.6g m; this run's grid is "
                                 "%d x %d at (%.6g, %.6g) m of %.6g x %.6g m",
                                 path.c_str(), int(nx), int(ny), x0, y0, lx, ly, grid.nx(), grid.ny(), spec.x0, spec.y0,
                                 spec.lx, spec.ly));
  const std::string columns = column_mismatch(file, spec);
  if (!columns.empty()) block.fail("file", "replay file " + path + " was written on other columns: " + columns);
  const auto omegas = file.read_replicated("/constituent_omega");
  std::string names = file.string_attribute("constituents");
  for (std::size_t n = 0; n < omegas.size(); ++n) {
    const auto comma = names.find(',');
    constituents_.push_back({names.substr(0, comma), omegas[n]});
    names = comma == std::string::npos ? "" : names.substr(comma + 1);
  }
  if (file.has("/anchor_time")) anchor_times_ = file.read_replicated("/anchor_time");
  if (!anchor_times_.empty() && !flow.nesting())
    block.fail("file", "replay file " + path + " was made nested in current data, this flow is not (ocean.data)");
  const int ncoef = 1 + 2 * int(constituents_.size()) + int(anchor_times_.size());
  u_coef_ = grid::Field(grid, "replay_u", "m s-1", "replay coefficients of depth-mean u", ncoef);
  v_coef_ = grid::Field(grid, "replay_v", "m s-1", "replay coefficients of depth-mean v", ncoef);
  read_face_dataset(file, "/u_coefficients", grid, u_coef_, 0);
  read_face_dataset(file, "/v_coefficients", grid, v_coef_, 1);
  file.close();
  set_speed_bound();
}

HarmonicReplay::HarmonicReplay(TidalFlow& flow, std::vector<Constituent> constituents, std::vector<double> anchor_times)
    : flow_(flow),
      constituents_(std::move(constituents)),
      anchor_times_(std::move(anchor_times)),
      u_coef_(flow.solver().u().grid(), "replay_u", "m s-1", "replay coefficients of depth-mean u",
              1 + 2 * int(constituents_.size()) + int(anchor_times_.size())),
      v_coef_(flow.solver().u().grid(), "replay_v", "m s-1", "replay coefficients of depth-mean v",
              1 + 2 * int(constituents_.size()) + int(anchor_times_.size())) {
  u_coef_.fill(0.0);
  v_coef_.fill(0.0);
}

void HarmonicReplay::save(const std::string& path) const {
  const auto& grid = u_coef_.grid();
  io::H5File file(grid.comm(), path, io::H5File::Mode::Create);
  const auto& spec = grid.spec();
  file.set_attribute("nx", double(grid.nx()));
  file.set_attribute("ny", double(grid.ny()));
  file.set_attribute("x0", spec.x0);
  file.set_attribute("y0", spec.y0);
  file.set_attribute("lx", spec.lx);
  file.set_attribute("ly", spec.ly);
  write_column_faces(file, grid);
  std::string names;
  std::vector<double> omegas;
  for (const auto& c : constituents_) {
    names += (names.empty() ? "" : ",") + c.name;
    omegas.push_back(c.omega);
  }
  file.set_attribute("constituents", names);
  file.set_attribute("layout",
                     "depth-mean velocity of each face u(t) = c[0] + sum_k (c[1+2k] cos(w_k t) + c[2+2k] sin(w_k t)) + "
                     "sum_a h_a(t) c[1+2n+a], t the model time (s), w_k = /constituent_omega (n of them), h_a the "
                     "linear interpolation weights of t between the times /anchor_time of the steady responses to "
                     "the data's sub-tidal current (none when not nested); amplitude hypot(c[1+2k], c[2+2k]), phase "
                     "lag atan2(c[2+2k], c[1+2k]). /u_coefficients on west faces [1+2n+a][ny][nx+1], "
                     "/v_coefficients on south faces [1+2n+a][ny+1][nx]");
  file.write_replicated("/constituent_omega", omegas, {"rad s-1", "angular frequency of each constituent", "none"});
  if (!anchor_times_.empty())
    file.write_replicated("/anchor_time", anchor_times_, {"s", "model times of the steady responses to the data", "none"});
  write_face_dataset(file, "/u_coefficients", grid, u_coef_, 0, {"m s-1", "replay coefficients of the depth-mean u", "face"});
  write_face_dataset(file, "/v_coefficients", grid, v_coef_, 1, {"m s-1", "replay coefficients of the depth-mean v", "face"});
  file.close();
}

void HarmonicReplay::depth_mean(double time, grid::Field& ubar, grid::Field& vbar) const {
  const int nc = int(constituents_.size()), na = int(anchor_times_.size()), ncoef = 1 + 2 * nc + na;
  Kokkos::View<double*> basis("ocean::replay_basis", std::size_t(ncoef));
  auto host = Kokkos::create_mirror_view(basis);
  host(0) = 1.0;
  for (int c = 0; c < nc; ++c) {
    host(1 + 2 * c) = std::cos(constituents_[std::size_t(c)].omega * time);
    host(2 + 2 * c) = std::sin(constituents_[std::size_t(c)].omega * time);
  }
  if (na > 0) anchor_weights(anchor_times_, time, &host(1 + 2 * nc));
  Kokkos::deep_copy(basis, host);
  auto cu = u_coef_.view(), cv = v_coef_.view(), u = ubar.view(), v = vbar.view();
  Kokkos::parallel_for(
      "ocean::replay_depth_mean", Policy2({0, 0}, {long(u.extent(0)), long(u.extent(1))}),
      KOKKOS_LAMBDA(const int i, const int j) {
        double a = 0.0, c = 0.0;
        for (int k = 0; k < ncoef; ++k) {
          a += cu(i, j, k) * basis(k);
          c += cv(i, j, k) * basis(k);
        }
        u(i, j, 0) = a;
        v(i, j, 0) = c;
      });
}

void HarmonicReplay::set_speed_bound() {
  const int nc = int(constituents_.size()), na = int(anchor_times_.size());
  auto cu = u_coef_.view(), cv = v_coef_.view();
  double m = 0.0;
  Kokkos::parallel_reduce(
      "ocean::replay_bound", Policy2({0, 0}, {long(cu.extent(0)), long(cu.extent(1))}),
      KOKKOS_LAMBDA(const int i, const int j, double& s) {
        double a = km::fabs(cu(i, j, 0)), c = km::fabs(cv(i, j, 0));
        for (int k = 0; k < nc; ++k) {
          a += km::sqrt(cu(i, j, 1 + 2 * k) * cu(i, j, 1 + 2 * k) + cu(i, j, 2 + 2 * k) * cu(i, j, 2 + 2 * k));
          c += km::sqrt(cv(i, j, 1 + 2 * k) * cv(i, j, 1 + 2 * k) + cv(i, j, 2 + 2 * k) * cv(i, j, 2 + 2 * k));
        }
        double sa = 0.0, sc = 0.0;  // the steady part: the largest anchor (interpolation stays between them)
        for (int k = 0; k < na; ++k) {
          sa = km::fmax(sa, km::fabs(cu(i, j, 1 + 2 * nc + k)));
          sc = km::fmax(sc, km::fabs(cv(i, j, 1 + 2 * nc + k)));
        }
        a += sa;
        c += sc;
        s = a > s ? a : s;
        s = c > s ? c : s;
      },
      Kokkos::Max<double>(m));
  speed_bound_ = grid::global_max(u_coef_.grid().comm(), m);
}

ReplayError replay_error(TidalFlow& flow, const HarmonicReplay& replay, double end, double interval) {
  auto& solver = flow.solver();
  const auto& grid = solver.u().grid();
  grid::Field ub(grid, "ubar_replay", "m s-1", "replayed u", 1), vb(grid, "vbar_replay", "m s-1", "replayed v", 1);
  ReplayError e;
  double sum = 0.0, sum_solved = 0.0, count = 0.0, largest = 0.0;
  const int g = grid.ghost(), ni = grid.owned().ni(), nj = grid.owned().nj();
  for (double t = solver.time() + interval; t <= end + 1e-9; t += interval) {
    auto t0 = std::chrono::steady_clock::now();
    solver.advance_to(t, flow.config().cfl);
    e.solve_seconds += seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    replay.depth_mean(t, ub, vb);
    Kokkos::fence();
    e.replay_seconds += seconds_since(t0);
    auto su = solver.u().view(), sv = solver.v().view(), ru = ub.view(), rv = vb.view(), h = solver.depth().view();
    double s2 = 0.0, q2 = 0.0, n = 0.0, m = 0.0;
    // Owned faces between two wet columns: squared error, squared solved velocity, count.
    for (int quantity = 0; quantity < 3; ++quantity) {
      double sum_q = 0.0;
      Kokkos::parallel_reduce(
          "ocean::replay_error", Policy2({g, g}, {g + ni, g + nj}),
          KOKKOS_LAMBDA(const int i, const int j, double& a) {
            if (h(i, j, 0) <= 0.0) return;
            auto add = [&](double replayed, double solved) {
              a += quantity == 0 ? (replayed - solved) * (replayed - solved) : quantity == 1 ? solved * solved : 1.0;
            };
            if (h(i - 1, j, 0) > 0.0) add(ru(i, j, 0), su(i, j, 0));
            if (h(i, j - 1, 0) > 0.0) add(rv(i, j, 0), sv(i, j, 0));
          },
          sum_q);
      (quantity == 0 ? s2 : quantity == 1 ? q2 : n) = sum_q;
    }
    Kokkos::parallel_reduce(
        "ocean::replay_error_max", Policy2({g, g}, {g + ni, g + nj}),
        KOKKOS_LAMBDA(const int i, const int j, double& x) {
          if (h(i, j, 0) <= 0.0) return;
          double d = 0.0;
          if (h(i - 1, j, 0) > 0.0) d = km::fabs(ru(i, j, 0) - su(i, j, 0));
          if (h(i, j - 1, 0) > 0.0) d = km::fmax(d, km::fabs(rv(i, j, 0) - sv(i, j, 0)));
          x = d > x ? d : x;
        },
        Kokkos::Max<double>(m));
    sum += grid::global_sum(grid.comm(), s2);
    sum_solved += grid::global_sum(grid.comm(), q2);
    count += grid::global_sum(grid.comm(), n);
    largest = std::max(largest, grid::global_max(grid.comm(), m));
    ++e.samples;
  }
  e.rms = count > 0 ? std::sqrt(sum / count) : 0.0;
  e.rms_speed = count > 0 ? std::sqrt(sum_solved / count) : 0.0;
  e.max = largest;
  return e;
}

}  // namespace hadal::ocean
