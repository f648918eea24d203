// SPDX-License-Identifier: MIT
#include "plume/flow.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/error.hpp"
#include "grid/bathymetry.hpp"
#include "io/hdf5_file.hpp"

namespace hadal::plume {

void TidalCurrent::at(double t, double& u, double& v) const {
  u = mean_u;
  v = mean_v;
  for (const auto& c : constituents) {
    u += c.amplitude_u * std::cos(c.omega * t - c.phase_u);
    v += c.amplitude_v * std::cos(c.omega * t - c.phase_v);
  }
}

double TidalCurrent::max_speed() const {
  double s = std::hypot(mean_u, mean_v);
  for (const auto& c : constituents) s += std::hypot(c.amplitude_u, c.amplitude_v);
  return s;
}

void TidalCurrent::displacement(double t, double& x, double& y) const {
  x = mean_u * t;
  y = mean_v * t;
  for (const auto& c : constituents) {
    x += c.amplitude_u / c.omega * (std::sin(c.omega * t - c.phase_u) + std::sin(c.phase_u));
    y += c.amplitude_v / c.omega * (std::sin(c.omega * t - c.phase_v) + std::sin(c.phase_v));
  }
}

namespace {

using grid::Field;

// Sets face-normal velocities from a depth profile factor per cell: u on x faces, v on y faces.
// Faces touching a dry cell or lying outside the owned block plus one face are left at zero; the
// plume solver diagnoses w from continuity.
class AnalyticFlow : public sim::FlowProvider {
 public:
  AnalyticFlow(TidalCurrent current, double log_layer_height, const grid::StructuredGrid& grid,
               const grid::Bathymetry& bathymetry)
      : current_(std::move(current)), grid_(grid), profile_("log_profile", grid.local_ni(), grid.local_nj(), grid.nz()) {
    // Law-of-the-wall shape normalised to 1 at log_layer_height: ln(z'/z0)/ln(H/z0), z0 = 1 mm. Heights
    // are measured from the model seabed (the bottom face of the first wet cell), the bed the plume's
    // friction velocity, near-bed diffusivity, release height and deposition all refer to; from the
    // true seabed inside that cell, u* and with it K came out grid-dependent (docs/plume-lagrangian.md).
    auto host = Kokkos::create_mirror_view(profile_);
    constexpr double kRoughness = 1e-3;
    for (int lj = 0; lj < grid.local_nj(); ++lj)
      for (int li = 0; li < grid.local_ni(); ++li)
        for (int k = 0; k < grid.nz(); ++k) {
          const int kb = bathymetry.first_wet_host(li, lj);
          const double height = kb < grid.nz() ? grid.z_center(k) - grid.z_face(kb) : 0.0;
          double f = 1.0;
          if (log_layer_height > 0.0 && height < log_layer_height) {
            f = height > kRoughness ? std::log(height / kRoughness) / std::log(log_layer_height / kRoughness) : 0.0;
          }
          host(li, lj, k) = height > 0.0 ? f : 0.0;
        }
    Kokkos::deep_copy(profile_, host);
  }

  void velocity(double time, Field& u, Field& v, Field& w) override {
    double uc = 0.0, vc = 0.0;
    current_.at(time, uc, vc);
    const auto profile = profile_;
    const auto U = u.view(), V = v.view();
    const int g = grid_.ghost();
    const int ni = grid_.owned().ni(), nj = grid_.owned().nj(), nz = grid_.nz();
    // Faces g..g+ni (the east face of the last owned cell included); a face's value is the mean of
    // the profile factors of its two cells, zero if either is dry.
    Kokkos::parallel_for(
        "analytic_flow", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({g, g, 0}, {g + ni + 1, g + nj + 1, nz}),
        KOKKOS_LAMBDA(int i, int j, int k) {
          const double pu0 = profile(i - 1, j, k), pu1 = profile(i, j, k);
          U(i, j, k) = (pu0 > 0.0 && pu1 > 0.0) ? uc * 0.5 * (pu0 + pu1) : 0.0;
          const double pv0 = profile(i, j - 1, k);
          V(i, j, k) = (pv0 > 0.0 && pu1 > 0.0) ? vc * 0.5 * (pv0 + pu1) : 0.0;
        });
    w.fill(0.0);
  }

  double max_speed(double, double) override { return current_.max_speed(); }

 private:
  TidalCurrent current_;
  const grid::StructuredGrid& grid_;
  Kokkos::View<double***> profile_;
};

// Cell-centred 3-D velocities at a list of times, linearly interpolated in time and averaged to faces.
class Hdf5Flow : public sim::FlowProvider {
 public:
  Hdf5Flow(const config::ConfigView& flow, const grid::StructuredGrid& grid, const grid::Bathymetry& bathymetry)
      : grid_(grid), bathymetry_(bathymetry), path_(flow.string("file")),
        u0_(grid, "u0", "m s-1", "", grid.nz()), v0_(grid, "v0", "m s-1", "", grid.nz()),
        u1_(grid, "u1", "m s-1", "", grid.nz()), v1_(grid, "v1", "m s-1", "", grid.nz()) {
    file_ = std::make_unique<io::H5File>(grid.comm(), path_, io::H5File::Mode::Read);
    for (const char* name : {"/time", "/u", "/v"}) {
      if (!file_->has(name)) flow.fail("file", "flow file " + path_ + " has no dataset " + name);
    }
    times_ = file_->read_replicated("/time");
    const auto dims = file_->dims("/u");
    const std::vector<unsigned long long> expected{times_.size(), static_cast<unsigned long long>(grid.nz()),
                                                   static_cast<unsigned long long>(grid.ny()),
                                                   static_cast<unsigned long long>(grid.nx())};
    if (dims != expected || file_->dims("/v") != expected) {
      auto text = [](const std::vector<unsigned long long>& d) {
        std::string s;
        for (auto v : d) s += (s.empty() ? "" : " x ") + std::to_string(v);
        return s;
      };
      flow.fail("file", "flow file " + path_ + " has u/v of shape " + text(dims) + "; this grid needs " +
                            text(expected) + " (time x nz x ny x nx)");
    }
    for (std::size_t n = 1; n < times_.size(); ++n) {
      if (!(times_[n] > times_[n - 1])) flow.fail("file", "flow file " + path_ + ": /time is not increasing");
    }
  }

  void require_covers(double t0, double t1, const config::ConfigView& flow) const {
    if (times_.empty() || t0 < times_.front() || t1 > times_.back()) {
      flow.fail("file", "flow file " + path_ + " covers t = " + std::to_string(times_.empty() ? 0 : times_.front()) +
                            " .. " + std::to_string(times_.empty() ? 0 : times_.back()) + " s; the run needs " +
                            std::to_string(t0) + " .. " + std::to_string(t1) + " s");
    }
  }

  void velocity(double time, Field& u, Field& v, Field& w) override {
    std::size_t n = 0;
    while (n + 2 < times_.size() && times_[n + 1] <= time) ++n;
    if (times_.size() == 1) n = 0;
    load(n);
    const double a = times_.size() > 1 ? std::clamp((time - times_[n]) / (times_[n + 1] - times_[n]), 0.0, 1.0) : 0.0;
    const auto U0 = u0_.view(), V0 = v0_.view(), U1 = u1_.view(), V1 = v1_.view();
    const auto U = u.view(), V = v.view();
    const auto wet = bathymetry_.first_wet();
    const int g = grid_.ghost(), ni = grid_.owned().ni(), nj = grid_.owned().nj(), nz = grid_.nz();
    const int gi0 = grid_.owned().i_begin, gj0 = grid_.owned().j_begin, nx = grid_.nx(), ny = grid_.ny();
    Kokkos::parallel_for(
        "hdf5_flow_faces", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({g, g, 0}, {g + ni + 1, g + nj + 1, nz}),
        KOKKOS_LAMBDA(int i, int j, int k) {
          const int gi = gi0 + i - g, gj = gj0 + j - g;
          auto cell_u = [&](int ii, int jj) { return (1 - a) * U0(ii, jj, k) + a * U1(ii, jj, k); };
          auto cell_v = [&](int ii, int jj) { return (1 - a) * V0(ii, jj, k) + a * V1(ii, jj, k); };
          const bool here_wet = k >= wet(i, j);
          // Boundary faces take the inner cell's value.
          const bool west_in = gi > 0, south_in = gj > 0;
          const bool u_ok = here_wet && (!west_in || k >= wet(i - 1, j)) && gi <= nx;
          const bool v_ok = here_wet && (!south_in || k >= wet(i, j - 1)) && gj <= ny;
          const int iw = west_in ? i - 1 : i, ie = gi < nx ? i : i - 1;
          const int js = south_in ? j - 1 : j, jn = gj < ny ? j : j - 1;
          U(i, j, k) = u_ok ? 0.5 * (cell_u(iw, j) + cell_u(ie, j)) : 0.0;
          V(i, j, k) = v_ok ? 0.5 * (cell_v(i, js) + cell_v(i, jn)) : 0.0;
        });
    w.fill(0.0);
  }

  double max_speed(double t0, double t1) override {
    std::size_t n = 0;
    while (n + 2 < times_.size() && times_[n + 1] <= t0) ++n;
    load(n);
    double s = std::max(std::max(u0_.max_abs(), u1_.max_abs()), std::max(v0_.max_abs(), v1_.max_abs()));
    if (t1 > times_[std::min(n + 1, times_.size() - 1)]) s *= 1.5;  // the next interval may be faster
    return s * std::sqrt(2.0);
  }

 private:
  // Loads records n and n+1 into (u0, v0) and (u1, v1) with halos.
  void load(std::size_t n) {
    if (n == loaded_) return;
    const auto& box = grid_.owned();
    const std::size_t m = std::min(n + 1, times_.size() - 1);
    for (auto [record, uf, vf] : {std::tuple<std::size_t, Field*, Field*>{n, &u0_, &v0_}, {m, &u1_, &v1_}}) {
      io::Block block{{times_.size(), static_cast<unsigned long long>(grid_.nz()), static_cast<unsigned long long>(grid_.ny()),
                       static_cast<unsigned long long>(grid_.nx())},
                      {record, 0, static_cast<unsigned long long>(box.j_begin), static_cast<unsigned long long>(box.i_begin)},
                      {1, static_cast<unsigned long long>(grid_.nz()), static_cast<unsigned long long>(box.nj()),
                       static_cast<unsigned long long>(box.ni())}};
      std::vector<double> data(block.count[1] * block.count[2] * block.count[3]);
      file_->read("/u", block, data.data());
      uf->set_owned_block(data);
      uf->exchange_halo();
      file_->read("/v", block, data.data());
      vf->set_owned_block(data);
      vf->exchange_halo();
    }
    loaded_ = n;
  }

  const grid::StructuredGrid& grid_;
  const grid::Bathymetry& bathymetry_;
  std::string path_;
  std::unique_ptr<io::H5File> file_;
  std::vector<double> times_;
  Field u0_, v0_, u1_, v1_;
  std::size_t loaded_ = static_cast<std::size_t>(-1);
};

}  // namespace

// ------------------------------------------------------------------------------------------------
// One flow for several models

struct SharedFlow::Snapshot {
  Snapshot(const grid::StructuredGrid& grid, double t)
      : time(t), u(grid, "shared_u", "m s-1", ""), v(grid, "shared_v", "m s-1", ""),
        w(grid, "shared_w", "m s-1", "", grid.nz() + 1) {}
  double time;
  Field u, v, w;
};

namespace {
class SharedFlowReader : public sim::FlowProvider {
 public:
  explicit SharedFlowReader(SharedFlow& shared) : shared_(shared) {}
  void velocity(double time, Field& u, Field& v, Field& w) override { shared_.velocity(time, u, v, w); }
  double max_speed(double t0, double t1) override { return shared_.max_speed(t0, t1); }
  void save(const std::string& file) override { shared_.save(file); }
  void restore(const std::string& file) override { shared_.restore(file); }

 private:
  SharedFlow& shared_;
};
}  // namespace

SharedFlow::SharedFlow(const grid::StructuredGrid& grid, std::unique_ptr<sim::FlowProvider> inner)
    : grid_(grid), inner_(std::move(inner)) {}

SharedFlow::~SharedFlow() = default;

std::unique_ptr<sim::FlowProvider> SharedFlow::reader() { return std::make_unique<SharedFlowReader>(*this); }

void SharedFlow::velocity(double time, Field& u, Field& v, Field& w) {
  const auto copy = [&](const Snapshot& s) {
    Kokkos::deep_copy(u.view(), s.u.view());
    Kokkos::deep_copy(v.view(), s.v.view());
    Kokkos::deep_copy(w.view(), s.w.view());
  };
  for (const auto& s : kept_) {
    if (s->time == time) return copy(*s);
  }
  if (kept_.empty() || time > kept_.back()->time || time < kept_.front()->time) {
    constexpr std::size_t kKept = 3;
    std::unique_ptr<Snapshot> s;
    if (kept_.size() == kKept) {  // reuse the oldest one's memory
      s = std::move(kept_.front());
      kept_.erase(kept_.begin());
      s->time = time;
    } else {
      s = std::make_unique<Snapshot>(grid_, time);
    }
    inner_->velocity(time, s->u, s->v, s->w);
    ++evaluations_;
    copy(*s);
    const auto at = std::find_if(kept_.begin(), kept_.end(), [&](const auto& k) { return k->time > time; });
    kept_.insert(at, std::move(s));
    return;
  }
  // Between two kept evaluations: linear in time.
  std::size_t n = 1;
  while (kept_[n]->time < time) ++n;
  const Snapshot &a = *kept_[n - 1], &b = *kept_[n];
  const double f = (time - a.time) / (b.time - a.time);
  for (auto [out, from, to] : {std::tuple<Field*, const Field*, const Field*>{&u, &a.u, &b.u}, {&v, &a.v, &b.v},
                               {&w, &a.w, &b.w}}) {
    const auto O = out->view(), A = from->view(), B = to->view();
    Kokkos::parallel_for(
        "plume_shared_flow_interpolate",
        Kokkos::MDRangePolicy<Kokkos::Rank<3>>({0, 0, 0}, {static_cast<long>(O.extent(0)), static_cast<long>(O.extent(1)),
                                                           static_cast<long>(O.extent(2))}),
        KOKKOS_LAMBDA(long i, long j, long k) { O(i, j, k) = A(i, j, k) + f * (B(i, j, k) - A(i, j, k)); });
  }
}

void SharedFlow::save(const std::string& checkpoint_file) {
  if (checkpoint_file == saved_to_) return;
  inner_->save(checkpoint_file);
  saved_to_ = checkpoint_file;
}

void SharedFlow::restore(const std::string& checkpoint_file) {
  if (checkpoint_file == restored_from_) return;
  inner_->restore(checkpoint_file);
  restored_from_ = checkpoint_file;
  kept_.clear();
}

std::unique_ptr<sim::FlowProvider> make_flow(const FlowSettings& settings, const grid::StructuredGrid& grid,
                                             const grid::Bathymetry& bathymetry, sim::RunContext& context, double start,
                                             double end) {
  if (settings.type == "uniform" || settings.type == "tidal") {
    TidalCurrent current;
    current.mean_u = settings.mean_u;
    current.mean_v = settings.mean_v;
    current.constituents = settings.constituents;
    if (settings.deprecated_constituent_spelling && context.log) {
      context.log->warn("plume.flow.constituents: 'amplitude: [u, v]' and 'phase: [u, v]' are deprecated; write "
                        "u_amplitude, u_phase, v_amplitude, v_phase as in ocean.tidal.constituents");
    }
    return std::make_unique<AnalyticFlow>(current, settings.log_layer_height, grid, bathymetry);
  }
  if (settings.type == "hdf5") {
    auto provider = std::make_unique<Hdf5Flow>(settings.block, grid, bathymetry);
    provider->require_covers(start, end, settings.block);
    return provider;
  }
  const auto* source = sim::Registry::instance().find_flow_source(settings.type);
  if (!source) settings.block.fail("type", "no flow source '" + settings.type + "' in this build");
  return source->create(settings.block.child(settings.type), grid, bathymetry, context);
}

}  // namespace hadal::plume
