// SPDX-License-Identifier: MIT
#include "plume/flow.hpp"

#include <cmath>

#include "core/error.hpp"
#include "grid/bathymetry.hpp"
#include "io/hdf5_file.hpp"
#include "numerics/constants.hpp"
#include "numerics/tides.hpp"

namespace hadal::plume {

void declare_flow_schema(config::ObjectSpec& plume) {
  using namespace units;
  std::vector<std::string> types{"uniform", "tidal", "hdf5"};
  for (const auto& source : sim::Registry::instance().flow_sources()) types.push_back(source.name);
  auto& flow = plume.object("flow", "The current that carries the plume.");
  flow.enumeration("type", types,
                   "uniform: constant current; tidal: mean + tidal constituents; hdf5: 3-D fields from a file; "
                   "others: computed by another module in the same run")
      .default_value("uniform");
  flow.reals("velocity", kVelocity, "Mean current (u east, v north)")
      .items(2)
      .default_value(std::vector<double>{0.0, 0.0})
      .only_when("type", {"uniform", "tidal"});
  // Same names and spelling as the ocean module's boundary constituents (ocean.tidal.constituents).
  auto& constituent = flow.object_list("constituents", "Tidal current constituents (ellipse as u and v amplitudes/phases)");
  flow.key("constituents").optional().only_when("type", {"tidal"});
  std::string known;
  for (const auto& name : numerics::constituent_names()) known += (known.empty() ? "" : ", ") + name;
  constituent.string("name", "Constituent name (" + known + "; any letter case), or your own with `period`").required();
  constituent.real("period", kTime, "Period (default: from the name)").greater_than(0.0).optional();
  constituent.real("u_amplitude", kVelocity, "Amplitude of the eastward velocity").min(0.0).default_value(0.0);
  constituent.real("u_phase", kDimensionless, "Phase lag of u (e.g. '30 deg'; bare numbers are radians)").default_value(0.0);
  constituent.real("v_amplitude", kVelocity, "Amplitude of the northward velocity").min(0.0).default_value(0.0);
  constituent.real("v_phase", kDimensionless, "Phase lag of v").default_value(0.0);
  constituent.reals("amplitude", kVelocity, "Deprecated spelling of [u_amplitude, v_amplitude]").items(2).min(0.0).optional();
  constituent.reals("phase", kDimensionless, "Deprecated spelling of [u_phase, v_phase]").items(2).optional();
  flow.real("log_layer_height", kLength,
            "Below this height above the bed the current follows a logarithmic profile (0: uniform in depth)")
      .min(0.0)
      .default_value(0.0)
      .only_when("type", {"uniform", "tidal"});
  flow.string("file", "HDF5 file with /time [nt] and cell-centred /u, /v [nt][nz][ny][nx] on this grid")
      .required()
      .only_when("type", {"hdf5"});
  for (const auto& source : sim::Registry::instance().flow_sources()) {
    auto& block = flow.object(source.name, "Settings of the '" + source.name + "' flow source");
    flow.key(source.name).only_when("type", {source.name});
    if (source.declare_schema) source.declare_schema(block);
  }
}

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
    // Law-of-the-wall shape normalised to 1 at log_layer_height: ln(z'/z0)/ln(H/z0), z0 = 1 mm.
    auto host = Kokkos::create_mirror_view(profile_);
    constexpr double kRoughness = 1e-3;
    for (int lj = 0; lj < grid.local_nj(); ++lj)
      for (int li = 0; li < grid.local_ni(); ++li)
        for (int k = 0; k < grid.nz(); ++k) {
          const double height = grid.z_center(k) - bathymetry.seabed(li, lj);
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

std::unique_ptr<sim::FlowProvider> make_flow(const config::ConfigView& flow, const grid::StructuredGrid& grid,
                                             const grid::Bathymetry& bathymetry, sim::RunContext& context) {
  const std::string type = flow.string("type");
  if (type == "uniform" || type == "tidal") {
    TidalCurrent current;
    const auto mean = flow.reals("velocity");
    current.mean_u = mean[0];
    current.mean_v = mean[1];
    if (type == "tidal" && flow.has("constituents")) {
      for (const auto& c : flow.children("constituents")) {
        const double omega = c.has("period") ? 2.0 * numerics::kPi / c.real("period")
                                             : numerics::constituent_frequency(c.string("name"));
        if (omega <= 0.0) c.fail("name", "unknown constituent '" + c.string("name") + "': give its period");
        TidalConstituent k{omega, c.real("u_amplitude"), c.real("v_amplitude"), c.real("u_phase"), c.real("v_phase")};
        if (c.has("amplitude") || c.has("phase")) {
          if (c.real("u_amplitude") > 0.0 || c.real("v_amplitude") > 0.0 || c.real("u_phase") != 0.0 ||
              c.real("v_phase") != 0.0) {
            c.fail(c.has("amplitude") ? "amplitude" : "phase",
                   "give either the deprecated amplitude/phase lists or u_amplitude, u_phase, v_amplitude, v_phase");
          }
          if (context.log) {
            context.log->warn("plume.flow.constituents: 'amplitude: [u, v]' and 'phase: [u, v]' are deprecated; "
                              "write u_amplitude, u_phase, v_amplitude, v_phase as in ocean.tidal.constituents");
          }
          if (c.has("amplitude")) k.amplitude_u = c.reals("amplitude")[0], k.amplitude_v = c.reals("amplitude")[1];
          if (c.has("phase")) k.phase_u = c.reals("phase")[0], k.phase_v = c.reals("phase")[1];
        }
        current.constituents.push_back(k);
      }
    }
    return std::make_unique<AnalyticFlow>(current, flow.real("log_layer_height"), grid, bathymetry);
  }
  if (type == "hdf5") {
    auto provider = std::make_unique<Hdf5Flow>(flow, grid, bathymetry);
    const auto time = context.config.child("time");
    provider->require_covers(time.real("start"), time.real("end"), flow);
    return provider;
  }
  const auto* source = sim::Registry::instance().find_flow_source(type);
  if (!source) flow.fail("type", "no flow source '" + type + "' in this build");
  return source->create(flow.child(type), grid, bathymetry, context);
}

}  // namespace hadal::plume
