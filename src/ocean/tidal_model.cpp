// SPDX-License-Identifier: MIT
// The ocean.tidal case's model: the tidal solver stepped by the run loop, its map / 3-D / flow-file
// outputs, station series and their tidal harmonic analysis.
#include "ocean/tidal_model.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/runtime.hpp"
#include "grid/field_output.hpp"
#include "io/csv.hpp"
#include "numerics/constants.hpp"
#include "numerics/tides.hpp"
#include "ocean/flow.hpp"
#include "sim/checkpoint.hpp"

namespace hadal::ocean {

namespace {
using Policy2 = Kokkos::MDRangePolicy<Kokkos::Rank<2>>;
using numerics::kPi;

/// Value of a map field at the cell containing (x, y), broadcast from its owner (0 if outside).
double sample_map(const grid::StructuredGrid& grid, const grid::Field::HostView& host, int gi, int gj) {
  double local = 0.0;
  if (gi >= 0 && gj >= 0 && grid.owns(gi, gj)) local = host(grid.local_i(gi), grid.local_j(gj), 0);
  return grid::global_sum(grid.comm(), local);
}

class TidalModel : public sim::Model {
 public:
  TidalModel(sim::RunContext& context, const grid::StructuredGrid& grid, const grid::Bathymetry& bathymetry,
             const sim::TimeSettings& settings)
      : context_(context),
        grid_(grid),
        bathymetry_(bathymetry),
        block_(context.config.child("ocean")),
        flow_(block_, context.config, grid, bathymetry, settings.start, settings.end),
        faces_(grid),
        u3_(grid, "u", "m s-1", "eastward velocity (cell centre)"),
        v3_(grid, "v", "m s-1", "northward velocity (cell centre)"),
        w3_(grid, "w", "m s-1", "upward velocity (cell centre)"),
        ubar_(grid, "u_depth_mean", "m s-1", "depth-mean eastward velocity", 1),
        vbar_(grid, "v_depth_mean", "m s-1", "depth-mean northward velocity", 1),
        taux_(grid, "bottom_stress_x", "Pa", "eastward bottom stress (rho0 = 1025 kg m-3)", 1),
        tauy_(grid, "bottom_stress_y", "Pa", "northward bottom stress (rho0 = 1025 kg m-3)", 1),
        ustar_(grid, "friction_velocity", "m s-1", "bottom friction velocity", 1),
        zeta_(grid, "vorticity", "s-1", "relative vorticity of the depth-mean flow", 1),
        eta_(grid, "eta", "m", "sea surface elevation", 1),
        depth_(grid, "depth", "m", "still-water depth", 1),
        stations_(stations_config(block_)),
        station_interval_(block_.real("station_interval")),
        write_flow_files_(block_.boolean("write_flow_files")),
        start_(settings.start) {
    depth_from_elevation(bathymetry.elevation(), depth_);
    for (const auto& s : stations_) {
      const int gi = grid.cell_i(s.x), gj = grid.cell_j(s.y);
      if (gi < 0 || gj < 0) {
        const auto list = block_.children("stations");
        for (const auto& item : list)
          if (item.string("name") == s.name) item.fail("position", "station '" + s.name + "' is outside the grid");
      }
      station_cells_.emplace_back(gi, gj);
    }
    if (flow_.solver().time() < settings.start) {
      context.log->info(strformat("ocean: spin-up from %.6g s to %.6g s", flow_.solver().time(), settings.start));
      flow_.solver().advance_to(settings.start, settings.cfl);
    }
    context.log->info(strformat("ocean: tidal solver on %d x %d columns, gravity-wave step limit %.4g s (CFL 1 of "
                                "the forward-backward scheme), max depth %.6g m",
                                grid.nx(), grid.ny(), flow_.solver().gravity_wave_dt_limit(), max_depth()));
    maps_ = std::make_unique<grid::FieldSeriesWriter>(grid, context.output_dir, "ocean_maps",
                                                      grid::FieldSeriesWriter::Kind::Map,
                                                      context.restart_file.empty() ? -1.0 : 0.0);
    volume_ = std::make_unique<grid::FieldSeriesWriter>(grid, context.output_dir, "ocean_velocity",
                                                        grid::FieldSeriesWriter::Kind::Volume,
                                                        context.restart_file.empty() ? -1.0 : 0.0);
    if (grid.rank() == 0 && !stations_.empty()) {
      std::vector<std::string> columns{"time"};
      for (const auto& s : stations_) {
        columns.push_back(s.name + "_eta");
        columns.push_back(s.name + "_u");
        columns.push_back(s.name + "_v");
      }
      csv_ = std::make_unique<io::CsvSeries>(context.output_dir + "/ocean_stations.csv", columns,
                                             !context.restart_file.empty());
    }
    initial_volume_ = flow_.solver().volume_anomaly();
    initial_inflow_ = flow_.solver().boundary_inflow();
    next_sample_ = settings.start;
    sample(settings.start);
  }

  double max_depth() const {
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), depth_.view());
    double m = 0.0;
    for (std::size_t n = 0; n < h.size(); ++n) m = std::max(m, h.data()[n]);
    return grid::global_max(grid_.comm(), m);
  }

  double stable_dt(double, double cfl) override { return flow_.solver().stable_dt(cfl); }
  void advance(double, double dt) override { flow_.solver().step(dt); }

  void check_finite(long step, double time) override {
    auto& s = flow_.solver();
    for (const grid::Field* f : {&s.eta(), &s.u(), &s.v()}) {
      const auto bad = f->first_non_finite();
      const bool any = any_rank(grid_.comm(), bad[0] >= 0);
      if (any) {
        throw NumericalError(strformat("ocean: non-finite %s at cell (%d, %d) at step %ld, t = %.6g s; the time step "
                                       "may exceed the stable limit %.4g s",
                                       f->name().c_str(), bad[0], bad[1], step, time, s.gravity_wave_dt_limit()));
      }
    }
  }

  void write_output(long step, double time) override {
    auto& s = flow_.solver();
    flow_.build_3d(faces_.u, faces_.v, faces_.w);
    cell_centred_velocity(grid_, faces_.u, faces_.v, faces_.w, u3_, v3_, w3_);
    s.cell_velocity(ubar_, vbar_);
    s.bottom_stress(taux_, tauy_);
    scale(taux_, kSeawaterDensity);
    scale(tauy_, kSeawaterDensity);
    s.friction_velocity(ustar_);
    s.vorticity(zeta_);
    flow_.physical_eta(eta_);
    maps_->write(step, time, {&eta_, &ubar_, &vbar_, &taux_, &tauy_, &ustar_, &zeta_, &depth_});
    volume_->write(step, time, {&u3_, &v3_, &w3_});
    if (write_flow_files_) {
      char name[64];
      std::snprintf(name, sizeof name, "/flow_%06ld.h5", step);
      write_flow_file(context_.output_dir + name, grid_, faces_.u, faces_.v, faces_.w, time);
    }
  }

  void after_step(long, double time) override {
    if (time + 1e-9 >= next_sample_) sample(time);
  }

  void save(sim::CheckpointWriter& checkpoint) override {
    auto& s = flow_.solver();
    const char* names[5] = {"eta", "u", "v", "u_previous", "v_previous"};
    const grid::Field* fields[5] = {&s.eta(), &s.u(), &s.v(), &s.u_previous(), &s.v_previous()};
    for (int n = 0; n < 5; ++n) {
      auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), fields[n]->view());
      checkpoint.distributed(std::string("ocean_") + names[n],
                             std::vector<double>(host.data(), host.data() + host.size()));
    }
    checkpoint.scalar("ocean_boundary_inflow", s.boundary_inflow());
    checkpoint.scalar("ocean_next_sample", next_sample_);
  }

  void restore(sim::CheckpointReader& checkpoint) override {
    auto& s = flow_.solver();
    const char* names[5] = {"eta", "u", "v", "u_previous", "v_previous"};
    grid::Field* fields[5] = {&s.eta(), &s.u(), &s.v(), &s.u_previous(), &s.v_previous()};
    for (int n = 0; n < 5; ++n) {
      const auto data = checkpoint.distributed(std::string("ocean_") + names[n]);
      auto host = Kokkos::create_mirror_view(fields[n]->view());
      std::copy(data.begin(), data.end(), host.data());
      Kokkos::deep_copy(fields[n]->view(), host);
    }
    s.set_time(checkpoint.time(), checkpoint.step());
    s.refresh_halos(false);
    next_sample_ = checkpoint.scalar("ocean_next_sample");
    series_time_.clear();
    for (auto& v : series_) v.clear();
  }

  void finish(io::Json& summary) override {
    auto& s = flow_.solver();
    io::Json o;
    const double volume_change = s.volume_anomaly() - initial_volume_;
    const double inflow = s.boundary_inflow() - initial_inflow_;
    o["volume_change_m3"] = volume_change;
    o["boundary_inflow_m3"] = inflow;
    const double scale_volume = std::max(std::abs(inflow), grid_.spec().lx * grid_.spec().ly * 1e-3);
    o["volume_budget_relative_error"] = std::abs(volume_change - inflow) / scale_volume;
    o["energy_J"] = s.energy() * kSeawaterDensity;
    o["max_speed_m_s"] = s.max_speed();
    o["gravity_wave_dt_limit_s"] = s.gravity_wave_dt_limit();
    o["solver_steps"] = s.steps();
    o["coriolis_f0_s-1"] = s.settings().coriolis_f0;
    o["barotropic_gravity_m_s2"] = s.settings().gravity;
    flow_.build_3d(faces_.u, faces_.v, faces_.w);
    o["relative_divergence_3d"] = relative_divergence(grid_, bathymetry_.first_wet(), faces_.u, faces_.v, faces_.w);
    o["stations"] = harmonic_analysis_of_stations();
    summary["ocean"] = o;
  }

  double work_per_step() const override { return double(grid_.nx()) * grid_.ny(); }
  std::string work_unit() const override { return "column-updates"; }
  std::string status() const override {
    return strformat("max |u| %.3g m/s", flow_.solver().max_speed());
  }

 private:
  static void scale(grid::Field& f, double factor) {
    auto v = f.view();
    Kokkos::parallel_for(
        "ocean::scale", Policy2({0, 0}, {long(v.extent(0)), long(v.extent(1))}),
        KOKKOS_LAMBDA(const int i, const int j) { v(i, j, 0) *= factor; });
  }

  void sample(double time) {
    if (stations_.empty()) return;
    auto& s = flow_.solver();
    s.cell_velocity(ubar_, vbar_);
    flow_.physical_eta(eta_);
    auto eta = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), eta_.view());
    auto uh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ubar_.view());
    auto vh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), vbar_.view());
    std::vector<double> row{time};
    series_.resize(3 * stations_.size());
    for (std::size_t n = 0; n < stations_.size(); ++n) {
      const auto [gi, gj] = station_cells_[n];
      const double values[3] = {sample_map(grid_, eta, gi, gj), sample_map(grid_, uh, gi, gj),
                                sample_map(grid_, vh, gi, gj)};
      for (int c = 0; c < 3; ++c) {
        row.push_back(values[c]);
        series_[3 * n + c].push_back(values[c]);
      }
    }
    series_time_.push_back(time);
    if (csv_) csv_->row(row);
    next_sample_ = time + station_interval_;
  }

  io::Json harmonic_analysis_of_stations() {
    io::Json out = io::Json::object();
    const auto& names = flow_.config().constituent_names;
    if (stations_.empty() || names.empty()) return out;
    // Analyse after the ramp; constituents must be separable over the record (Rayleigh criterion).
    const double ramp_end = start_ - flow_.config().spin_up + block_.real("ramp_time");
    std::vector<std::size_t> use;
    for (std::size_t n = 0; n < series_time_.size(); ++n)
      if (series_time_[n] >= ramp_end) use.push_back(n);
    if (use.size() < 4 + 2 * names.size() || series_time_[use.back()] - series_time_[use.front()] <= 0.0) {
      context_.log->warn("ocean: station records too short after the ramp for harmonic analysis");
      return out;
    }
    const double record = series_time_[use.back()] - series_time_[use.front()];
    std::vector<std::string> resolved;
    for (const auto& name : names) {
      bool ok = numerics::constituent_frequency(name) * record >= 2 * kPi;  // at least one full cycle
      for (const auto& other : resolved)
        if (std::abs(numerics::constituent_frequency(name) - numerics::constituent_frequency(other)) * record < 2 * kPi) ok = false;
      if (ok) resolved.push_back(name);
      else context_.log->warn("ocean: harmonic analysis skips " + name + ": the record (" +
                              strformat("%.3g", record / 86400.0) + " d) does not separate it (Rayleigh criterion)");
    }
    std::vector<double> t;
    for (auto n : use) t.push_back(series_time_[n]);
    std::unique_ptr<io::CsvSeries> csv;
    std::vector<std::string> columns{"station_index", "omega_rad_s", "eta_amplitude_m", "eta_phase_deg",
                                     "u_amplitude_m_s", "u_phase_deg", "v_amplitude_m_s", "v_phase_deg",
                                     "ellipse_major_m_s", "ellipse_minor_m_s", "ellipse_inclination_deg",
                                     "ellipse_phase_deg"};
    if (grid_.rank() == 0) csv = std::make_unique<io::CsvSeries>(context_.output_dir + "/ocean_harmonics.csv", columns);
    for (std::size_t st = 0; st < stations_.size(); ++st) {
      numerics::HarmonicFit fits[3];
      for (int c = 0; c < 3; ++c) {
        std::vector<double> x;
        for (auto n : use) x.push_back(series_[3 * st + c][n]);
        fits[c] = numerics::harmonic_analysis(t, x, resolved);
      }
      io::Json js;
      js["mean_eta_m"] = fits[0].mean;
      js["mean_u_m_s"] = fits[1].mean;
      js["mean_v_m_s"] = fits[2].mean;
      for (std::size_t k = 0; k < resolved.size(); ++k) {
        const auto& e = fits[0].constituents[k];
        const auto& a = fits[1].constituents[k];
        const auto& b = fits[2].constituents[k];
        const numerics::Ellipse el = numerics::current_ellipse(a.amplitude, a.phase, b.amplitude, b.phase);
        io::Json c;
        const double deg = 180.0 / kPi;
        c["eta_amplitude_m"] = e.amplitude;
        c["eta_phase_deg"] = e.phase * deg;
        c["u_amplitude_m_s"] = a.amplitude;
        c["u_phase_deg"] = a.phase * deg;
        c["v_amplitude_m_s"] = b.amplitude;
        c["v_phase_deg"] = b.phase * deg;
        c["ellipse_major_m_s"] = el.semi_major;
        c["ellipse_minor_m_s"] = el.semi_minor;
        c["ellipse_inclination_deg"] = el.inclination * deg;
        c["ellipse_phase_deg"] = el.phase * deg;
        js[resolved[k]] = c;
        if (csv)
          csv->row({double(st), e.omega, e.amplitude, e.phase * deg, a.amplitude, a.phase * deg, b.amplitude,
                    b.phase * deg, el.semi_major, el.semi_minor, el.inclination * deg, el.phase * deg});
      }
      out[stations_[st].name] = js;
    }
    return out;
  }

  sim::RunContext& context_;
  const grid::StructuredGrid& grid_;
  const grid::Bathymetry& bathymetry_;
  config::ConfigView block_;
  TidalFlow flow_;
  FaceVelocity faces_;
  grid::Field u3_, v3_, w3_, ubar_, vbar_, taux_, tauy_, ustar_, zeta_, eta_, depth_;
  std::vector<Station> stations_;
  std::vector<std::pair<int, int>> station_cells_;
  double station_interval_;
  bool write_flow_files_;
  double start_;
  std::unique_ptr<grid::FieldSeriesWriter> maps_, volume_;
  std::unique_ptr<io::CsvSeries> csv_;
  std::vector<double> series_time_;
  std::vector<std::vector<double>> series_;
  double next_sample_ = 0.0;
  double initial_volume_ = 0.0, initial_inflow_ = 0.0;
};

}  // namespace

std::unique_ptr<sim::Model> make_tidal_model(sim::RunContext& context, const grid::StructuredGrid& grid,
                                             const grid::Bathymetry& bathymetry, const sim::TimeSettings& settings) {
  return std::make_unique<TidalModel>(context, grid, bathymetry, settings);
}

}  // namespace hadal::ocean
