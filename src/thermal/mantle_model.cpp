// SPDX-License-Identifier: MIT
#include "thermal/mantle_model.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "io/hdf5_file.hpp"
#include "numerics/constants.hpp"

namespace hadal::thermal {

MantleModel::MantleModel(sim::RunContext& context, std::unique_ptr<MantleBox> box, const MantleScales& scales,
                         std::unique_ptr<CoreModel> core, int anderson_depth)
    : context_(context),
      box_(std::move(box)),
      scales_(scales),
      core_(std::move(core)),
      anderson_(anderson_depth > 0 ? std::make_unique<AndersonPseudoTime>(context.comm, anderson_depth) : nullptr),
      stop_(context.config.child("steady_state"), !core_, box_->physics().implicit_advection) {
  MPI_Comm_rank(context.comm, &rank_);
  {  // The MUSCL stencil needs two owned cells per axis on every rank.
    const auto count = box_->owned_count();
    int local = *std::min_element(count.begin(), count.end()), fewest = 0;
    MPI_Allreduce(&local, &fewest, 1, MPI_INT, MPI_MIN, context.comm);
    if (fewest < 2)
      context.config.child("mantle").fail("cells", "too few cells for the number of MPI ranks: a rank owns only " +
                                                       std::to_string(fewest) + " cell(s) along some axis (need 2)");
  }
  if (core_) {
    initial_tc_ = core_->state().cmb_temperature;
    initial_ri_ = core_->state().inner_core_radius;
  }
  box_->solve_stokes();
  last_ = box_->diagnostics();
  if (rank_ == 0) {
    std::vector<std::string> cols = {"time", "nu_top", "nu_bottom", "nu_volume", "vrms", "vmax"};
    for (std::size_t q = 0; q < last_.corner_fluxes.size(); ++q) cols.push_back("q" + std::to_string(q + 1));
    for (const char* c : {"t_mean", "stokes_iterations"}) cols.push_back(c);
    if (scales_.dimensional) {
      for (const char* wall : {"top", "bottom"}) cols.push_back(std::string("heat_flow_") + wall + heat_flow_unit());
      for (const char* c : {"heat_flux_top_W_m2", "heat_flux_bottom_W_m2", "vrms_m_s"}) cols.push_back(c);
    }
    if (core_)
      for (const char* c : {"cmb_temperature_K", "inner_core_radius_m", "q_cmb_W", "q_secular_W", "q_latent_W",
                            "q_gravitational_W", "q_radiogenic_W", "q_adiabatic_W", "stable_layer_m"})
        cols.push_back(c);
    if (box_->physics().implicit_advection) cols.push_back("relative_steady_residual");
    csv_ = std::make_unique<io::CsvSeries>(context.output_dir + "/statistics.csv", cols, !context.restart_file.empty());
  }
  write_mesh();
}

void MantleModel::write_mesh() {
  const auto n = box_->global_cells();
  const auto len = box_->lengths();
  const auto xy = box_->node_xy();
  const std::vector<std::string> axes = n.size() == 2 ? std::vector<std::string>{"x", "z"}
                                                      : std::vector<std::string>{"x", "y", "z"};
  if (rank_ == 0) {
    io::RectilinearMesh mesh{"mesh.h5", "/x", n.size() == 2 ? "/z" : "/y", n.size() == 2 ? "" : "/z",
                             static_cast<std::size_t>(n[0] + 1), static_cast<std::size_t>(n[1] + 1),
                             n.size() == 2 ? 0 : static_cast<std::size_t>(n[2] + 1), xy.empty() ? "" : "/xy"};
    xdmf_ = std::make_unique<io::XdmfSeries>(context_.output_dir + "/fields.xmf", "mantle", mesh,
                                             !context_.restart_file.empty());
  }
  io::H5File file(context_.comm, context_.output_dir + "/mesh.h5", io::H5File::Mode::Create);
  const char* unit = scales_.dimensional ? "m" : "1";
  if (!xy.empty()) {  // curvilinear (annulus): every node's (x, y), [n1 + 1][n0 + 1][2]
    int rank = 0;
    MPI_Comm_rank(context_.comm, &rank);
    std::vector<double> scaled = xy;
    for (double& v : scaled) v *= scales_.depth;
    using ull = unsigned long long;
    const ull rows = rank == 0 ? n[1] + 1 : 0;
    io::Block b{{ull(n[1] + 1), ull(n[0] + 1), 2}, {0, 0, 0}, {rows, ull(n[0] + 1), 2}};
    file.write("/xy", b, scaled.data(), {unit, "node coordinates (x, y)", "node"});
  } else {
    for (std::size_t a = 0; a < n.size(); ++a) {
      std::vector<double> nodes(n[a] + 1);
      for (int i = 0; i <= n[a]; ++i) nodes[i] = i * len[a] / n[a] * scales_.depth;
      const std::string doc = axes[a] + " node coordinate" + (a + 1 == n.size() ? " (up)" : "");
      file.write_replicated("/" + axes[a], nodes, {unit, doc, "node"});
    }
  }
  file.close();
}

long long MantleModel::cells() const {
  long long c = 1;
  for (int n : box_->global_cells()) c *= n;
  return c;
}

double MantleModel::heat_flow(double flux, bool top) const {
  if (scales_.top_area > 0.0) return flux * scales_.flux * (top ? scales_.top_area : scales_.bottom_area);
  return flux * scales_.flux * (dimensions() == 2 ? scales_.width : scales_.width * scales_.width_y);
}

double MantleModel::stable_dt(double, double cfl) {
  return box_->stable_dt(stop_.courant(cfl), !box_->physics().implicit_advection) * scales_.time;
}

void MantleModel::advance(double time, double dt) {
  if (stop_.finished()) return;
  if (core_) {
    const double q_cmb = box_->diagnostics().flux_bottom * scales_.flux * 4.0 * numerics::kPi *
                         std::pow(core_->parameters().core_radius, 2);
    core_->advance(dt, [q_cmb](double) { return q_cmb; });
    last_q_cmb_ = q_cmb;
  }
  const auto stats = anderson_ ? anderson_->step(*box_, dt / scales_.time, stop_) : box_->step(dt / scales_.time);
  total_stokes_its_ += stats.iterations;
  stokes_seconds_ += stats.seconds;
  ++steps_;
  if (core_) box_->set_bottom_temperature((core_->state().cmb_temperature - scales_.t_top) / scales_.temperature);
  const auto d = box_->diagnostics();
  stop_.update(*context_.log, steps_, time + dt, scales_.time, dt / scales_.time, d.nu_top, d.vrms,
               box_->last_steady_residual());
  last_ = d;
}

StokesSolveStats AndersonPseudoTime::step(MantleBox& box, double dt_nd, SteadyStop& stop) {
  const auto x = box.temperature_block();
  box.advance_energy(dt_nd);
  constexpr double kAndersonStart = 1e-2, kRestartGrowth = 2.0;
  const double residual = box.last_steady_residual();  // that of x
  if (first_residual_ < 0.0) first_residual_ = residual;
  if (best_residual_ < 0.0 || residual < best_residual_) best_residual_ = residual;
  if (residual > kAndersonStart * first_residual_ || residual > kRestartGrowth * best_residual_) {
    // Clearly worse than the best: the mixed (or very long) steps have left the region where the
    // iteration contracts; plain steps from the first step size bring it back (a strongly
    // temperature-dependent viscosity otherwise settles into a two-step cycle).
    if (residual > kRestartGrowth * best_residual_) stop.restart_step_growth();
    mixing_.restart();
    return box.solve_stokes();
  }
  box.set_temperature_block(mixing_.next(x, box.temperature_block()));
  return box.solve_stokes();
}

void MantleModel::after_step(long, double time) {
  if (rank_ != 0 || steady_written_) return;
  record(time);
  if (stop_.steady()) steady_written_ = true;
}

void MantleModel::check_finite(long step, double time) {
  const auto bad = box_->first_non_finite();
  int local = !bad.empty(), any = 0;
  MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, context_.comm);
  if (any || !std::isfinite(last_.vrms)) {
    std::string where;
    for (std::size_t a = 0; a < bad.size(); ++a) where += (a ? ", " : " in cell (") + std::to_string(bad[a]);
    if (!where.empty()) where += ")";
    throw NumericalError("non-finite temperature at step " + std::to_string(step) + ", t = " + std::to_string(time) +
                         where);
  }
}

void MantleModel::write_output(long step, double time) {
  const auto n = box_->global_cells();
  const auto start = box_->owned_start(), count = box_->owned_count();
  const std::string name = strformat("fields_%06ld.h5", step);
  io::H5File f(context_.comm, context_.output_dir + "/" + name, io::H5File::Mode::Create);
  io::Block b;  // z slowest, x fastest
  for (std::size_t a = n.size(); a-- > 0;) {
    b.global_dims.push_back(n[a]);
    b.offset.push_back(start[a]);
    b.count.push_back(count[a]);
  }
  auto t = box_->temperature_block();
  for (double& v : t) v = scales_.t_top + scales_.temperature * v;
  auto vel = box_->velocity_block();
  for (double& v : vel) v *= scales_.velocity;
  auto p = box_->pressure_block();
  for (double& v : p) v *= scales_.pressure;
  auto eta = box_->viscosity_block();
  for (double& v : eta) v *= scales_.viscosity;
  const bool dim = scales_.dimensional;
  f.write("/temperature", b, t.data(), {dim ? "K" : "1", "temperature"});
  io::Block bv = b;
  bv.global_dims.push_back(3);
  bv.offset.push_back(0);
  bv.count.push_back(3);
  // XDMF's y axis is our z in 2-D.
  f.write("/velocity", bv, vel.data(), {dim ? "m s-1" : "1", n.size() == 2 ? "velocity (x, z, 0)" : "velocity (x, y, z)"});
  f.write("/pressure", b, p.data(), {dim ? "Pa" : "1", "dynamic pressure (zero mean)"});
  f.write("/viscosity", b, eta.data(), {dim ? "Pa s" : "1", "viscosity"});
  f.set_attribute("time", time);
  f.set_attribute("case", context_.resolved_yaml);
  f.close();
  if (rank_ == 0) {
    std::vector<std::size_t> dims(b.global_dims.begin(), b.global_dims.end());
    auto vdims = dims;
    vdims.push_back(3);
    io::XdmfStep s;
    s.time = time;
    s.attributes = {{"temperature", name, "/temperature", dims},
                    {"velocity", name, "/velocity", vdims, true},
                    {"pressure", name, "/pressure", dims},
                    {"viscosity", name, "/viscosity", dims}};
    xdmf_->add_step(s);
  }
}

void MantleModel::save(sim::CheckpointWriter& c) {
  c.distributed("temperature", box_->temperature_block());
  auto state = stop_.state();
  state.insert(state.begin(), box_->physics().bottom.value);
  c.scalars("mantle_state", state);
  if (core_) {
    auto values = core_->state_values();
    for (double v : {initial_tc_, initial_ri_, last_q_cmb_}) values.push_back(v);
    c.scalars("core_state", values);
  }
}

void MantleModel::restore(sim::CheckpointReader& c) {
  const auto st = c.scalars("mantle_state");
  // [bottom value, steady-stop state (7, or 4 before pseudo-time)]; 3-D checkpoints written before
  // the 2-D and 3-D boxes shared this model hold the steady-stop state alone.
  const bool has_bottom = st.size() != 4 && st.size() != 7;
  if (has_bottom) box_->set_bottom_temperature(st[0]);
  stop_.restore(st, has_bottom ? 1 : 0);
  box_->set_temperature_block(c.distributed("temperature"));
  if (core_) {
    const auto v = c.scalars("core_state");  // the core's state values, then the coupling's
    core_->set_state_values(v);
    initial_tc_ = v.at(5);
    initial_ri_ = v.at(6);
    last_q_cmb_ = v.at(7);
  }
  box_->solve_stokes();
  last_ = box_->diagnostics();
}

void MantleModel::finish(io::Json& summary) {
  const auto d = box_->diagnostics();
  const auto& sc = scales_;
  const auto& physics = box_->physics();
  const auto n = box_->global_cells();
  const auto len = box_->lengths();
  summary["dimensions"] = dimensions();
  summary["rayleigh"] = physics.rayleigh;
  summary["internal_heating_nondimensional"] = physics.internal_heating;
  summary["cells"] = n;
  summary["aspect_ratio"] = std::vector<double>(len.begin(), len.end() - 1);
  summary["nu_top"] = d.nu_top;
  summary["nu_bottom"] = d.nu_bottom;
  summary["nu_volume"] = d.nu_volume;
  summary["vrms"] = d.vrms;
  summary["vmax"] = d.vmax;
  for (std::size_t q = 0; q < d.corner_fluxes.size(); ++q) summary["q" + std::to_string(q + 1)] = d.corner_fluxes[q];
  summary["t_mean"] = d.t_mean;
  summary["t_profile"] = d.t_profile;
  stop_.summarize(summary);
  summary["mantle_steps"] = steps_;
  summary["stokes_unknowns"] = box_->stokes_unknowns();
  summary["stokes_iterations_mean"] = steps_ ? static_cast<double>(total_stokes_its_) / steps_ : 0.0;
  summary["stokes_seconds_total"] = stokes_seconds_;
  if (box_->physics().stokes_method == StokesMethod::Direct) {
    summary["stokes_factorisations"] = box_->last_stokes().factorisations;
    if (box_->physics().implicit_advection) summary["energy_factorisations"] = box_->energy_factorisations();
  }
  if (sc.dimensional) {
    summary["heat_flux_top_W_m2"] = d.flux_top * sc.flux;
    summary["heat_flux_bottom_W_m2"] = d.flux_bottom * sc.flux;
    summary["heat_flow_top" + heat_flow_unit()] = heat_flow(d.flux_top, true);
    summary["heat_flow_bottom" + heat_flow_unit()] = heat_flow(d.flux_bottom, false);
    summary["vrms_m_s"] = d.vrms * sc.velocity;
    summary["temperature_scale_K"] = sc.temperature;
  }
  if (core_) {
    const auto b = core_->budget(last_q_cmb_);
    const auto& s = core_->state();
    summary["core_cmb_temperature_K"] = s.cmb_temperature;
    summary["core_inner_core_radius_m"] = s.inner_core_radius;
    summary["core_q_cmb_W"] = last_q_cmb_;
    summary["core_q_adiabatic_W"] = b.adiabatic_cmb;
    summary["core_stable_layer_m"] = b.stable_layer_thickness;
    const double released = core_->released_energy(initial_tc_, initial_ri_) + s.radiogenic_energy;
    summary["core_heat_out_J"] = s.heat_out;
    summary["core_energy_balance_rel_error"] = std::abs(released - s.heat_out) / std::max(std::abs(s.heat_out), 1e-300);
  }
}

std::string MantleModel::status() const {
  return stop_.status(last_.nu_top, last_.vrms, box_->last_stokes().iterations);
}

void MantleModel::record(double time) {
  const auto& d = last_;
  const auto& sc = scales_;
  std::vector<double> row = {time, d.nu_top, d.nu_bottom, d.nu_volume, d.vrms, d.vmax};
  row.insert(row.end(), d.corner_fluxes.begin(), d.corner_fluxes.end());
  row.push_back(sc.t_top + sc.temperature * d.t_mean);
  row.push_back(static_cast<double>(box_->last_stokes().iterations));
  if (sc.dimensional)
    for (double v : {heat_flow(d.flux_top, true), heat_flow(d.flux_bottom, false), d.flux_top * sc.flux,
                     d.flux_bottom * sc.flux, d.vrms * sc.velocity})
      row.push_back(v);
  if (core_) {
    const auto b = core_->budget(last_q_cmb_);
    for (double v : {core_->state().cmb_temperature, core_->state().inner_core_radius, b.cmb, b.secular, b.latent,
                     b.gravitational, b.radiogenic, b.adiabatic_cmb, b.stable_layer_thickness})
      row.push_back(v);
  }
  if (box_->physics().implicit_advection) row.push_back(stop_.relative_residual());
  csv_->row(row);
}

}  // namespace hadal::thermal
