// SPDX-License-Identifier: MIT
// `hadal bench plume` and `hadal bench plume_particles`: the models' step throughput against the triad
// roofline measured in the same run.
#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "numerics/constants.hpp"
#include "plume/eulerian_model.hpp"
#include "plume/lagrangian_model.hpp"
#include "plume/module.hpp"
#include "sim/roofline.hpp"

namespace hadal::plume {

namespace {

// Benchmarks run a model without a case file: a flat seabed and a bare context.
std::unique_ptr<grid::SeabedShape> flat_seabed(double depth, const grid::GridSpec& spec) {
  config::ObjectSpec schema;
  grid::declare_bathymetry_schema(schema);
  const auto block = config::validate(YAML::Load("bathymetry: {type: flat, depth: " + std::to_string(depth) + "}"),
                                      schema, "benchmark");
  return grid::make_seabed_shape(block.root().child("bathymetry"), spec);
}

sim::RunContext benchmark_context(MPI_Comm comm, Logger& log) {
  sim::RunContext context;
  context.comm = comm;
  context.log = &log;
  return context;
}

// `hadal bench plume [nx ny nz classes steps explicit|implicit stages]`: a flat-bed box with a uniform
// current and one source; the vertical advection and the number of Runge-Kutta stages as the case keys
// plume.advection.vertical and plume.advection.stages set them.
void bench_plume(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results) {
  auto arg = [&](std::size_t i, int fallback) { return args.size() > i ? std::stoi(args[i]) : fallback; };
  const int nx = arg(0, 128), ny = arg(1, 128), nz = arg(2, 32), nclasses = arg(3, 4), steps = arg(4, 20);
  const bool implicit_w = args.size() > 5 && args[5] == "implicit";
  if (args.size() > 5 && !implicit_w && args[5] != "explicit") {
    throw InputError("bench plume: the sixth argument is the vertical advection, explicit or implicit, not '" + args[5] + "'");
  }
  const int stages = arg(6, 2);
  if (stages < 2) throw InputError("bench plume: the seventh argument (Runge-Kutta stages) must be at least 2");
  grid::GridSpec spec;
  spec.lx = 5.0 * nx;
  spec.ly = 5.0 * ny;
  spec.nx = nx;
  spec.ny = ny;
  spec.nz = nz;
  spec.z_faces = grid::stretched_faces(-1650.0, -1600.0, nz, 1.0);
  const auto seabed = flat_seabed(1640.0, spec);
  PlumeSettings settings;
  settings.implicit_w = implicit_w;
  settings.stages = stages;
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
  EulerianModel model(context, spec, *seabed, settings, {source}, std::make_unique<Uniform>(), 0.0, false);
  // Every class fills the box (a smooth positive field with both signs of slope in every direction),
  // so that every cell does the whole of its work: the dense case the roofline model counts. The
  // sweeps skip cells a class has not reached; with the source alone that would be most of the box.
  for (int n = 0; n < nclasses; ++n) {
    const double kx = 2.0 * numerics::kPi / spec.lx * (1 + n), ky = 2.0 * numerics::kPi / spec.ly * (2 + n);
    const double kz = 2.0 * numerics::kPi / 50.0;
    model.add_concentration(n, [&](double x, double y, double z) {
      return 1e-3 * (2.0 + std::sin(kx * x) * std::cos(ky * y) + 0.5 * std::sin(kz * z));
    });
  }
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
  // Compulsory memory traffic per cell-class update as implemented (doubles read or written): the
  // s stages of SSPRK(s,2) 16 s + 8 B (each reads its input and writes its output; the last also reads
  // the step's start), two vertical half-steps 64 B, the ledger and metric passes 24 B, halo copies
  // 16 B; 144 B with two stages.
  const double bytes_per_update = 16.0 * stages + 8.0 + 64.0 + 24.0 + 16.0;
  const auto triad = sim::measure_triad(comm);
  const double per_rank = updates / seconds / ranks;
  results["grid"] = {nx, ny, nz};
  results["classes"] = nclasses;
  results["steps"] = steps;
  results["vertical_advection"] = implicit_w ? "implicit" : "explicit";
  results["stages"] = stages;
  results["seconds_per_step"] = seconds;
  results["cell_updates_per_second_per_rank"] = per_rank;
  results["bytes_per_cell_update_model"] = bytes_per_update;
  results["triad_bandwidth_GB_s_per_rank"] = triad.bytes_per_second / 1e9;
  results["effective_bandwidth_GB_s_per_rank"] = per_rank * bytes_per_update / 1e9;
  results["roofline_fraction"] = per_rank * bytes_per_update / triad.bytes_per_second;
  results["roofline_cell_updates_per_second_per_rank"] = triad.bytes_per_second / bytes_per_update;
  results["mass_balance_rel_error"] = model.max_balance_error();
}

// `hadal bench plume_particles [particles_per_rank steps pollock|rk2|rk4 gaussian|uniform]`: particles spread
// uniformly over a flat-bed box with a tidal current, bottom-boundary-layer Kz and slow settling.
// Reports particle-steps per second per rank for the move kernel alone and for the whole step
// (migration, bookkeeping, binning and metrics included).
void bench_particles(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results) {
  const long per_rank = args.size() > 0 ? std::stol(args[0]) : 1000000;
  const int steps = args.size() > 1 ? std::stoi(args[1]) : 20;
  const std::string advection = args.size() > 2 ? args[2] : "pollock";
  ParticleAdvection scheme = ParticleAdvection::Pollock;
  if (!advection_from_name(advection, scheme))
    throw InputError("bench plume_particles: the third argument is the advection, pollock, rk2 or rk4, not '" + advection + "'");
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
  lagrangian.advection = scheme;
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
  LagrangianModel model(context, spec, *seabed, settings, lagrangian, {}, std::make_unique<Tide>(), 0.0, false);
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
  results["advection"] = advection;
  results["random_increments"] = gaussian ? "gaussian" : "uniform";
  results["ranks"] = ranks;
  results["seconds_per_step"] = whole;
  results["particle_steps_per_second_per_rank"] = per_rank_rate;
  results["bytes_per_particle_step_model"] = bytes;
  results["triad_bandwidth_GB_s_per_rank"] = triad.bytes_per_second / 1e9;
  results["roofline_fraction"] = per_rank_rate * bytes / triad.bytes_per_second;
  results["mass_balance_rel_error"] = model.max_balance_error();
  if (rank == 0) log.info(strformat("%.3g particle-steps/s per rank (%s, %s)", per_rank_rate, advection.c_str(),
                                    gaussian ? "gaussian" : "uniform"));
}

}  // namespace

void register_benchmarks() {
  auto& registry = sim::Registry::instance();
  registry.add_benchmark({"plume", "Eulerian plume step throughput vs the triad roofline: [nx ny nz classes steps explicit|implicit stages]",
                          bench_plume});
  registry.add_benchmark({"plume_particles",
                          "Lagrangian particle-step throughput: [particles_per_rank steps pollock|rk2|rk4 gaussian|uniform]",
                          bench_particles});
}

}  // namespace hadal::plume
