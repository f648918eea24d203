// SPDX-License-Identifier: MIT
// The plume module's case type (`plume`), its case-file schema and checks, and `hadal bench plume`.
#include "plume/plume.hpp"

#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "grid/stations.hpp"
#include "io/hdf5_file.hpp"
#include "plume/flow.hpp"
#include "plume/lagrangian_model.hpp"
#include "plume/plume_model.hpp"
#include "sim/roofline.hpp"

namespace hadal::plume {

void declare_plume_schema(config::ObjectSpec& root) {
  using namespace units;
  grid::declare_grid_schema(root);
  grid::declare_bathymetry_schema(root);
  sim::declare_time_schema(root);
  grid::declare_stations_schema(root.key("output").object());
  auto& p = root.object("plume", "Sediment plume: classes, transport settings, flow, sources, thresholds.");
  p.real("water_density", kDensity, "Sea-water density").greater_than(900.0).less_than(1100.0).default_value(1030.0);
  p.real("kinematic_viscosity", kDiffusivity, "Sea-water kinematic viscosity (1.68e-6 at 2-4 degC)")
      .greater_than(0.0)
      .default_value(1.68e-6);
  auto& c = p.object_list("classes", "Sediment grain classes");
  p.key("classes").min_items(1).required();
  c.string("name", "Class name (used in output field names)").required();
  c.real("diameter", kLength, "Grain diameter").greater_than(0.0).required();
  c.real("grain_density", kDensity, "Grain density (about 2700 for fines, 3500-4200 for sulfide)")
      .greater_than(0.0)
      .default_value(2700.0);
  c.real("porosity", kDimensionless, "Porosity of the fresh deposit (0.7-0.9 fines, 0.4 sand)")
      .min(0.0)
      .less_than(1.0)
      .default_value(0.7);
  c.enumeration("settling", {"stokes", "ferguson_church", "soulsby", "given"}, "Settling-velocity law")
      .default_value("ferguson_church");
  c.real("settling_velocity", kVelocity, "Settling velocity").min(0.0).required().only_when("settling", {"given"});
  c.real("shape_factor", kDimensionless, "Ferguson-Church C2 (0.4 spheres, 1.0 natural, 1.2 angular)")
      .greater_than(0.0)
      .default_value(1.0)
      .only_when("settling", {"ferguson_church"});
  c.real("critical_shear", kPressure, "Critical bed shear stress for erosion (absent: no erosion)")
      .greater_than(0.0)
      .optional();
  c.real("erosion_rate", kMassPerArea / kTime, "Partheniades erosion constant M").min(0.0).default_value(5e-5);
  auto& advection = p.object("advection", "Horizontal and w advection (second-order TVD, SSP-RK2).");
  advection.enumeration("limiter", numerics::limiter_names(), "Slope limiter").default_value("van_leer");
  auto& vertical = p.object("vertical", "Implicit vertical settling and diffusion per column.");
  vertical.enumeration("scheme", {"implicit_euler", "crank_nicolson"},
                       "implicit_euler: always positive; crank_nicolson: second order in time (positive while "
                       "dt (ws/dz + 2 Kz/dz^2) <= 2)")
      .default_value("implicit_euler");
  auto& diffusivity = p.object("diffusivity", "Turbulent diffusivities.");
  auto& h = diffusivity.object("horizontal", "Horizontal diffusivity.");
  h.enumeration("type", {"constant", "smagorinsky"}, "constant or Smagorinsky (from the velocity field)")
      .default_value("constant");
  h.real("value", kDiffusivity, "Constant Kh").min(0.0).default_value(0.1).only_when("type", {"constant"});
  h.real("coefficient", kDimensionless, "Smagorinsky Cs").greater_than(0.0).default_value(0.15).only_when("type", {"smagorinsky"});
  h.real("minimum", kDiffusivity, "Kh added to the Smagorinsky value").min(0.0).default_value(0.01).only_when("type", {"smagorinsky"});
  auto& v = diffusivity.object("vertical", "Vertical diffusivity.");
  v.enumeration("type", {"constant", "bottom_boundary_layer"},
                "constant, or kappa u* z' (1 - z'/delta) + background within delta of the bed")
      .default_value("constant");
  v.real("value", kDiffusivity, "Constant Kz").min(0.0).default_value(1e-4).only_when("type", {"constant"});
  v.real("background", kDiffusivity, "Kz outside the boundary layer").min(0.0).default_value(1e-5)
      .only_when("type", {"bottom_boundary_layer"});
  v.real("layer_thickness", kLength, "Boundary-layer thickness delta").greater_than(0.0).default_value(20.0)
      .only_when("type", {"bottom_boundary_layer"});
  v.real("friction_velocity", kVelocity, "u* (default: from the flow by the law of the wall)")
      .greater_than(0.0)
      .optional()
      .only_when("type", {"bottom_boundary_layer"});
  auto& deposition = p.object("deposition", "Deposition at the bed (flux ws c of the bottom cell times P_d).");
  deposition.enumeration("type", {"always", "krone", "none"},
                         "P_d = 1, Krone max(0, 1 - tau_b/tau_cd), or none (a reflecting bed)")
      .default_value("always");
  deposition.real("critical_shear", kPressure, "Krone tau_cd").greater_than(0.0).default_value(0.07)
      .only_when("type", {"krone"});
  p.real("bed_roughness", kLength, "Roughness length z0 for the bed shear stress").greater_than(0.0).default_value(1e-3);
  declare_flow_schema(p);
  declare_sources_schema(p);
  auto& thresholds = p.object("thresholds", "Environmental-impact thresholds.");
  thresholds.reals("deposit_thickness", kLength, "Deposit thicknesses whose exceedance area is reported")
      .min_items(1)
      .greater_than(0.0)
      .default_value(std::vector<double>{0.001, 0.005, 0.01});
  thresholds.reals("concentration", kDensity, "Suspended concentrations (2 mg/L = 0.002 kg/m3)")
      .min_items(1)
      .greater_than(0.0)
      .default_value(std::vector<double>{0.002});
  declare_lagrangian_schema(p);
}

namespace {

void check_plume(const config::ConfigView& root, std::vector<Diagnostic>& problems) {
  const auto plume = root.child("plume");
  grid::GridSpec spec;
  std::unique_ptr<grid::SeabedShape> seabed;
  try {
    spec = grid::grid_spec_from_config(root.child("grid"));
    seabed = grid::make_seabed_shape(root.child("bathymetry"), spec);
    sources_from_config(plume, plume.children("classes").size());
    plume_settings_from_config(plume);
  } catch (const InputError& e) {
    problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    return;
  }
  const double x1 = spec.x0 + spec.lx, y1 = spec.y0 + spec.ly;
  const double z_top = spec.z_faces.back();
  for (const auto& s : plume.children("sources")) {
    const auto path = s.reals("path");
    for (std::size_t p = 0; p + 1 < path.size(); p += 2) {
      const double x = path[p], y = path[p + 1];
      const std::string where = "(" + std::to_string(x) + ", " + std::to_string(y) + ") m";
      if (x < spec.x0 || x > x1 || y < spec.y0 || y > y1) {
        problems.push_back(s.diagnostic("path", "point " + where + " lies outside the domain x " + std::to_string(spec.x0) +
                                                    ".." + std::to_string(x1) + ", y " + std::to_string(spec.y0) + ".." +
                                                    std::to_string(y1) + " m"));
        continue;
      }
      const double zb = seabed->elevation(x, y);
      if (zb >= z_top) {
        problems.push_back(s.diagnostic("path", "point " + where + " is under the seabed (seabed at " + std::to_string(zb) +
                                                    " m is above the grid top " + std::to_string(z_top) + " m)"));
      } else if (zb + s.real("height_above_bed") > z_top) {
        problems.push_back(s.diagnostic("height_above_bed", "the release at " + where + " is above the grid top"));
      }
    }
  }
  if (plume.has("lagrangian")) {
    // Particles released over the run: refuse counts no machine could hold (~60 bytes each).
    const auto l = plume.child("lagrangian");
    const double duration = root.child("time").real("end") - root.child("time").real("start");
    const double released = l.real("particles_per_second") * duration *
                            static_cast<double>(plume.children("classes").size() * plume.children("sources").size());
    if (released > 2e9) {
      problems.push_back(l.diagnostic("particles_per_second",
                                      strformat("would release %.3g particles over the run (limit 2e9): lower the rate",
                                                released)));
    }
  }
  const auto flow = plume.child("flow");
  if (flow.string("type") == "hdf5") {
    try {
      io::H5File file(MPI_COMM_SELF, flow.string("file"), io::H5File::Mode::Read);
      if (!file.has("/u") || !file.has("/v") || !file.has("/time")) {
        problems.push_back(flow.diagnostic("file", "flow file " + flow.string("file") + " needs datasets /time, /u and /v"));
      } else {
        const auto d = file.dims("/u");
        if (d.size() != 4 || d[1] != static_cast<unsigned long long>(spec.nz) ||
            d[2] != static_cast<unsigned long long>(spec.ny) || d[3] != static_cast<unsigned long long>(spec.nx)) {
          problems.push_back(flow.diagnostic("file", "flow file " + flow.string("file") +
                                                         " is for another grid: /u must be [time][" + std::to_string(spec.nz) +
                                                         "][" + std::to_string(spec.ny) + "][" + std::to_string(spec.nx) + "]"));
        }
      }
    } catch (const InputError& e) {
      problems.push_back(flow.diagnostic("file", "cannot open flow file " + flow.string("file") + " as HDF5"));
    }
  }
}

// The models own the grid the flow must live on: build them first, then the flow on their grid.
class DeferredFlow : public sim::FlowProvider {
 public:
  std::unique_ptr<sim::FlowProvider> inner;
  void velocity(double t, grid::Field& u, grid::Field& v, grid::Field& w) override { inner->velocity(t, u, v, w); }
  double max_speed(double t0, double t1) override { return inner->max_speed(t0, t1); }
  bool friction_velocity(double t, grid::Field& ustar) override { return inner->friction_velocity(t, ustar); }
  void save(const std::string& file) override { inner->save(file); }
  void restore(const std::string& file) override { inner->restore(file); }
  void write_output(long step, double time) override { inner->write_output(step, time); }
};

void run_plume(sim::RunContext& context) {
  const auto root = context.config;
  const auto plume = root.child("plume");
  const auto spec = grid::grid_spec_from_config(root.child("grid"));
  const auto seabed = grid::make_seabed_shape(root.child("bathymetry"), spec);
  auto settings = plume_settings_from_config(plume);
  auto sources = sources_from_config(plume, settings.classes.size());
  const std::string method = plume.string("method");
  for (const auto& c : settings.classes) {
    context.log->info(strformat("class %-12s d = %.3g m, ws = %.3g m/s, deposit dry density %.0f kg/m3", c.name.c_str(),
                                c.diameter, c.settling_velocity, c.dry_density()));
  }
  const auto time = sim::time_settings_from_config(root);
  std::unique_ptr<PlumeModel> eulerian;
  std::unique_ptr<LagrangianModel> lagrangian;
  if (method != "lagrangian") {
    auto deferred = std::make_unique<DeferredFlow>();
    DeferredFlow* flow = deferred.get();
    eulerian = std::make_unique<PlumeModel>(context, spec, *seabed, settings, sources, std::move(deferred));
    flow->inner = make_flow(plume.child("flow"), eulerian->grid(), eulerian->bathymetry(), context);
  }
  if (method != "eulerian") {
    // Its own flow provider on its own (identically decomposed) grid: the flow is evaluated at the
    // step ends here, at mid-step by the Eulerian model.
    auto deferred = std::make_unique<DeferredFlow>();
    DeferredFlow* flow = deferred.get();
    lagrangian = std::make_unique<LagrangianModel>(context, spec, *seabed, settings, lagrangian_settings_from_config(plume),
                                                   sources, std::move(deferred));
    flow->inner = make_flow(plume.child("flow"), lagrangian->grid(), lagrangian->bathymetry(), context);
  }
  const auto& grid = eulerian ? eulerian->grid() : lagrangian->grid();
  sim::CheckpointIdentity identity{"plume", sim::physics_hash(root.node()), grid.size(), grid.global_cells()};
  if (method == "eulerian") {
    sim::run_time_loop(*eulerian, context, time, identity);
  } else if (method == "lagrangian") {
    sim::run_time_loop(*lagrangian, context, time, identity);
    if (context.summary) (*context.summary)["method"] = "lagrangian";
  } else {
    BothMethodsModel both(context, *eulerian, *lagrangian);
    sim::run_time_loop(both, context, time, identity);
  }
}

// Benchmarks run a model without a case file: a flat seabed and a context with only time.start.
std::unique_ptr<grid::SeabedShape> flat_seabed(double depth, const grid::GridSpec& spec) {
  config::ObjectSpec schema;
  grid::declare_bathymetry_schema(schema);
  const auto block = config::validate(YAML::Load("bathymetry: {type: flat, depth: " + std::to_string(depth) + "}"),
                                      schema, "benchmark");
  return grid::make_seabed_shape(block.root().child("bathymetry"), spec);
}

sim::RunContext benchmark_context(MPI_Comm comm, Logger& log) {
  config::ObjectSpec schema;
  schema.object("time", "").real("start", units::kTime, "").default_value(0.0);
  sim::RunContext context;
  context.comm = comm;
  context.log = &log;
  context.config = config::validate(YAML::Load("time: {start: 0}"), schema, "benchmark").root();
  return context;
}

// `hadal bench plume [nx ny nz classes steps]`: a flat-bed box with a uniform current and one source.
void bench_plume(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results) {
  auto arg = [&](std::size_t i, int fallback) { return args.size() > i ? std::stoi(args[i]) : fallback; };
  const int nx = arg(0, 128), ny = arg(1, 128), nz = arg(2, 32), nclasses = arg(3, 4), steps = arg(4, 20);
  grid::GridSpec spec;
  spec.lx = 5.0 * nx;
  spec.ly = 5.0 * ny;
  spec.nx = nx;
  spec.ny = ny;
  spec.nz = nz;
  spec.z_faces = grid::stretched_faces(-1650.0, -1600.0, nz, 1.0);
  const auto seabed = flat_seabed(1640.0, spec);
  PlumeSettings settings;
  for (int n = 0; n < nclasses; ++n) {
    SedimentClass c;
    c.name = "c" + std::to_string(n);
    c.diameter = 10e-6 * (n + 1);
    c.settling_velocity = 1e-4 * (n + 1);
    settings.classes.push_back(c);
  }
  Source source;
  source.path = {0.3 * spec.lx, 0.5 * spec.ly};
  source.rate = 1.0;
  source.radius = 20.0;
  source.fractions.assign(static_cast<std::size_t>(nclasses), 1.0 / nclasses);
  class Uniform : public sim::FlowProvider {
   public:
    void velocity(double, grid::Field& u, grid::Field& v, grid::Field& w) override {
      u.fill(0.05);
      v.fill(0.02);
      w.fill(0.0);
    }
    double max_speed(double, double) override { return 0.06; }
  };
  sim::RunContext context = benchmark_context(comm, log);
  PlumeModel model(context, spec, *seabed, settings, {source}, std::make_unique<Uniform>(), false);
  double t = 0.0;
  auto step = [&] {  // as the time loop does it
    const double dt = model.stable_dt(t, 0.5);
    model.advance(t, dt);
    t += dt;
  };
  for (int s = 0; s < 3; ++s) step();  // warm-up
  MPI_Barrier(comm);
  const auto start = std::chrono::steady_clock::now();
  for (int s = 0; s < steps; ++s) step();
  Kokkos::fence();
  MPI_Barrier(comm);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / steps;
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  const double updates = static_cast<double>(nx) * ny * nz * nclasses;
  // Compulsory memory traffic per cell-class update as implemented: SSP-RK2 stages 40 B, two vertical
  // half-steps 64 B, the ledger and metric passes 24 B, halo copies 16 B (doubles read or written).
  const double bytes_per_update = 144.0;
  const auto triad = sim::measure_triad(comm);
  const double per_rank = updates / seconds / ranks;
  results["grid"] = {nx, ny, nz};
  results["classes"] = nclasses;
  results["steps"] = steps;
  results["seconds_per_step"] = seconds;
  results["cell_updates_per_second_per_rank"] = per_rank;
  results["bytes_per_cell_update_model"] = bytes_per_update;
  results["triad_bandwidth_GB_s_per_rank"] = triad.bytes_per_second / 1e9;
  results["effective_bandwidth_GB_s_per_rank"] = per_rank * bytes_per_update / 1e9;
  results["roofline_fraction"] = per_rank * bytes_per_update / triad.bytes_per_second;
  results["roofline_cell_updates_per_second_per_rank"] = triad.bytes_per_second / bytes_per_update;
  results["mass_balance_rel_error"] = model.max_balance_error();
}

// `hadal bench plume_particles [particles_per_rank steps rk2|rk4 gaussian|uniform]`: particles spread
// uniformly over a flat-bed box with a tidal current, bottom-boundary-layer Kz and slow settling.
// Reports particle-steps per second per rank for the move kernel alone and for the whole step
// (migration, bookkeeping, binning and metrics included).
void bench_particles(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results) {
  const long per_rank = args.size() > 0 ? std::stol(args[0]) : 1000000;
  const int steps = args.size() > 1 ? std::stoi(args[1]) : 20;
  const bool rk4 = args.size() > 2 && args[2] == "rk4";
  const bool gaussian = !(args.size() > 3 && args[3] == "uniform");
  int ranks = 1, rank = 0;
  MPI_Comm_size(comm, &ranks);
  MPI_Comm_rank(comm, &rank);
  grid::GridSpec spec;
  spec.nx = 128;
  spec.ny = 96;
  spec.nz = 24;
  spec.lx = 10.0 * spec.nx;
  spec.ly = 10.0 * spec.ny;
  spec.z_faces = grid::stretched_faces(-1650.0, -1600.0, spec.nz, 1.05);
  const auto seabed = flat_seabed(1650.0, spec);
  PlumeSettings settings;
  for (int n = 0; n < 4; ++n) {
    SedimentClass c;
    c.name = "c" + std::to_string(n);
    c.settling_velocity = 1e-5 * (n + 1);
    settings.classes.push_back(c);
  }
  settings.kh = 0.05;
  settings.bbl = true;
  settings.friction_velocity = 1e-3;
  LagrangianSettings lagrangian;
  lagrangian.rk4 = rk4;
  lagrangian.gaussian = gaussian;
  class Tide : public sim::FlowProvider {
   public:
    void velocity(double t, grid::Field& u, grid::Field& v, grid::Field& w) override {
      u.fill(0.02 + 0.02 * std::cos(1.4e-4 * t));
      v.fill(0.01 * std::sin(1.4e-4 * t));
      w.fill(0.0);
    }
    double max_speed(double, double) override { return 0.05; }
  };
  sim::RunContext context = benchmark_context(comm, log);
  LagrangianModel model(context, spec, *seabed, settings, lagrangian, {}, std::make_unique<Tide>(), false);
  // Every rank builds the same global list and keeps its own columns: per_rank x ranks particles.
  std::vector<ParticleRecord> records;
  const long total = per_rank * ranks;
  records.reserve(static_cast<std::size_t>(total));
  for (long q = 0; q < total; ++q) {
    const std::uint64_t key = stream_key(7, static_cast<std::uint64_t>(q), 0);
    ParticleRecord r;
    r.x = uniform01(key, 0) * spec.lx;
    r.y = uniform01(key, 1) * spec.ly;
    r.z = -1650.0 + uniform01(key, 2) * 50.0;
    r.mass = 1e-3;
    r.id = q;
    r.cls = static_cast<int>(q % 4);
    records.push_back(r);
  }
  model.add_particles(records);
  records.clear();
  records.shrink_to_fit();
  double t = 0.0;
  const double dt = 30.0;
  for (int s = 0; s < 2; ++s) model.advance(t, dt), t += dt;  // warm-up
  // Whole steps.
  MPI_Barrier(comm);
  auto start = std::chrono::steady_clock::now();
  for (int s = 0; s < steps; ++s) model.advance(t, dt), t += dt;
  Kokkos::fence();
  MPI_Barrier(comm);
  const double whole = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / steps;
  const double alive = grid::global_sum(comm, static_cast<double>(model.particles().size())) / ranks;
  const auto triad = sim::measure_triad(comm);
  // Compulsory traffic of the move kernel per particle-step: read and write x, y, z, age (64 B),
  // read mass, id, class, state, event (28 B), the flow gathers mostly hit cache.
  const double bytes = 92.0;
  const double per_rank_rate = alive / whole;
  results["particles_per_rank"] = alive;
  results["steps"] = steps;
  results["advection"] = rk4 ? "rk4" : "rk2";
  results["random_increments"] = gaussian ? "gaussian" : "uniform";
  results["ranks"] = ranks;
  results["seconds_per_step"] = whole;
  results["particle_steps_per_second_per_rank"] = per_rank_rate;
  results["bytes_per_particle_step_model"] = bytes;
  results["triad_bandwidth_GB_s_per_rank"] = triad.bytes_per_second / 1e9;
  results["roofline_fraction"] = per_rank_rate * bytes / triad.bytes_per_second;
  results["mass_balance_rel_error"] = model.max_balance_error();
  if (rank == 0) log.info(strformat("%.3g particle-steps/s per rank (%s, %s)", per_rank_rate, rk4 ? "rk4" : "rk2",
                                    gaussian ? "gaussian" : "uniform"));
}

}  // namespace

void register_module() {
  auto& registry = sim::Registry::instance();
  registry.add_case_type({"plume",
                          "Sediment plume: advection, diffusion, settling and re-deposition with impact metrics",
                          declare_plume_schema, check_plume, run_plume});
  registry.add_benchmark({"plume", "Eulerian plume step throughput vs the triad roofline: [nx ny nz classes steps]",
                          bench_plume});
  registry.add_benchmark({"plume_particles",
                          "Lagrangian particle-step throughput: [particles_per_rank steps rk2|rk4 gaussian|uniform]",
                          bench_particles});
}

}  // namespace hadal::plume
