// SPDX-License-Identifier: MIT
// hadal_device_bench: the plume kernels that carry the run time (horizontal transport, vertical
// column solve, particle move) on a flat-bed box, built against Kokkos alone so that it compiles for
// any Kokkos back-end (CUDA, HIP, OpenMP, Serial) on a machine without MPI, PETSc or HDF5.
//
//   hadal_device_bench [nx ny nz classes steps particles]   (defaults 256 256 32 4 20 4000000)
//
// Prints the throughput of each kernel group and the fraction of the device's bandwidth (a triad
// measured in the same run) that the compulsory memory traffic of the kernels reaches. It also
// checks the ledgers the kernels must keep (transport mass against the boundary outflow and the bed;
// particles against their count and binned mass): exit status 1 if one is broken.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <Kokkos_Core.hpp>

#include "plume/kernels.hpp"
#include "numerics/kokkos_math.hpp"
#include "plume/lagrangian_kernels.hpp"

namespace {

using hadal::plume::ColumnStep;
using hadal::plume::FlowGeometry;
using hadal::plume::HorizontalStage;
using hadal::plume::ParticleMover;
using View1 = Kokkos::View<double*>;
using View3 = Kokkos::View<double***>;

struct Box {
  int nx, ny, nz, nclasses, g = 2;
  double dx = 5.0, dy = 5.0, dz = 2.0;
  int local_ni() const { return nx + 2 * g; }
  int local_nj() const { return ny + 2 * g; }
};

/// Best time of a = b + s c over `elements` doubles: the bandwidth the kernels are compared with.
double triad_bytes_per_second(std::size_t elements) {
  View1 a("triad_a", elements), b("triad_b", elements), c("triad_c", elements);
  Kokkos::deep_copy(b, 1.0);
  Kokkos::deep_copy(c, 2.0);
  double best = 1e300;
  for (int pass = 0; pass < 11; ++pass) {
    Kokkos::fence();
    Kokkos::Timer timer;
    Kokkos::parallel_for("device_bench_triad", elements, KOKKOS_LAMBDA(std::size_t i) { a(i) = b(i) + 3.0 * c(i); });
    Kokkos::fence();
    if (pass > 0) best = best < timer.seconds() ? best : timer.seconds();  // pass 0 faults pages in
  }
  return 3.0 * sizeof(double) * static_cast<double>(elements) / best;
}

View1 filled(const std::string& name, int n, double value) {
  View1 v(name, static_cast<std::size_t>(n));
  Kokkos::deep_copy(v, value);
  return v;
}

/// Mass in the water (owned cells) plus the bed, kg.
double total_mass(const Box& box, const View3& c, const View3& bed) {
  const int g = box.g, nz = box.nz, nn = box.nclasses;
  const double volume = box.dx * box.dy * box.dz, area = box.dx * box.dy;
  double water = 0.0, deposit = 0.0;
  Kokkos::parallel_reduce(
      "device_bench_water", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({g, g, 0}, {g + box.nx, g + box.ny, nz * nn}),
      KOKKOS_LAMBDA(int i, int j, int kn, double& sum) { sum += c(i, j, kn) * volume; }, water);
  Kokkos::parallel_reduce(
      "device_bench_bed", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({g, g, 0}, {g + box.nx, g + box.ny, nn}),
      KOKKOS_LAMBDA(int i, int j, int n, double& sum) { sum += bed(i, j, n) * area; }, deposit);
  return water + deposit;
}

struct Figures {
  double seconds = 0.0, work = 0.0, bytes = 0.0;
};

void report(const char* what, const char* unit, const Figures& f, int steps, double triad) {
  const double rate = f.work * steps / f.seconds, bandwidth = f.bytes * steps / f.seconds;
  std::printf("%-22s %10.3e %s/s   %7.1f GB/s   %5.1f %% of the triad\n", what, rate, unit, bandwidth / 1e9,
              100.0 * bandwidth / triad);
}

/// The Eulerian step as the model takes it: half vertical step, two SSP-RK2 horizontal stages, half
/// vertical step with the assessment maps and sums. Returns false if the mass ledger is broken.
bool eulerian(const Box& box, int steps, double triad, Figures& horizontal, Figures& vertical) {
  const int ni = box.local_ni(), nj = box.local_nj(), nz = box.nz, nn = box.nclasses, g = box.g;
  View3 c("c", ni, nj, nn * nz), c_stage("c_stage", ni, nj, nn * nz);
  View3 u("u", ni, nj, nz), v("v", ni, nj, nz), w("w", ni, nj, nz + 1), kh("kh", ni, nj, nz);
  View3 kz("kz", ni, nj, nz + 1), tau_b("tau_b", ni, nj, 1), bed("bed", ni, nj, nn);
  View3 c_total("c_total", ni, nj, nz), deposit("deposit", ni, nj, 1), column_max("column_max", ni, nj, 1);
  View3 time_above("time_above", ni, nj, 1);
  Kokkos::View<int**> first_wet("first_wet", ni, nj);  // a flat bed: every level wet
  Kokkos::View<double**> line_outflow("line_outflow", box.nx, nn);
  Kokkos::deep_copy(u, 0.05);
  Kokkos::deep_copy(v, 0.02);
  Kokkos::deep_copy(kh, 0.1);
  Kokkos::deep_copy(kz, 1e-4);
  // A Gaussian cloud in the middle of the box, every class alike.
  const double xc = 0.5 * box.nx, yc = 0.5 * box.ny, zc = 0.3 * nz, r = 0.15 * box.nx;
  Kokkos::parallel_for(
      "device_bench_cloud", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({g, g, 0}, {g + box.nx, g + box.ny, nn * nz}),
      KOKKOS_LAMBDA(int i, int j, int kn) {
        const double a = i - g + 0.5 - xc, b = j - g + 0.5 - yc, h = kn % nz + 0.5 - zc;
        c(i, j, kn) = hadal::km::exp(-(a * a + b * b + 16.0 * h * h) / (r * r));
      });
  View1 ws("ws", nn);
  auto ws_host = Kokkos::create_mirror_view(ws);
  for (int n = 0; n < nn; ++n) ws_host(n) = 1e-4 * (n + 1);
  Kokkos::deep_copy(ws, ws_host);
  View1 inv_face_spacing = filled("inv_face_spacing", nz + 1, 1.0 / box.dz);
  Kokkos::deep_copy(Kokkos::subview(inv_face_spacing, 0), 0.0);
  Kokkos::deep_copy(Kokkos::subview(inv_face_spacing, nz), 0.0);
  const View1 dz = filled("dz", nz, box.dz), inv_dz = filled("inv_dz", nz, 1.0 / box.dz);
  const double dt = 10.0;  // Courant 0.1 (x), 0.04 (y), diffusion 0.16: the scheme's limit is 1/2

  HorizontalStage stage;
  stage.u = u, stage.v = v, stage.w = w, stage.kh = kh, stage.first_wet = first_wet;
  stage.inv_dz = inv_dz, stage.dz = dz, stage.line_outflow = line_outflow;
  stage.g = g, stage.ni = box.nx, stage.nj = box.ny, stage.nz = nz, stage.nclasses = nn, stage.nx = box.nx, stage.ny = box.ny;
  const int lni = box.nx + 2 * g, lnj = box.ny + 2 * g;
  stage.dt = dt, stage.dx = filled("dx", lni, box.dx), stage.dy = filled("dy", lnj, box.dy);
  stage.inv_dx = filled("inv_dx", lni, 1.0 / box.dx), stage.inv_dy = filled("inv_dy", lnj, 1.0 / box.dy);
  stage.inv_dx_between = stage.inv_dx, stage.inv_dy_between = stage.inv_dy;
  ColumnStep column;
  auto& s = column.solve;
  s.c = c, s.bed = bed, s.kz = kz, s.tau_b = tau_b, s.first_wet = first_wet, s.ws = ws;
  s.tau_ce = filled("tau_ce", nn, 0.1), s.erosion_m = filled("erosion_m", nn, 0.0);
  s.dz = dz, s.inv_dz = inv_dz, s.inv_face_spacing = inv_face_spacing, s.nz = nz, s.nclasses = nn;
  s.dt = 0.5 * dt;
  column.c_total = c_total, column.deposit = deposit, column.column_max = column_max, column.time_above = time_above;
  column.dry_density = filled("dry_density", nn, 1600.0), column.thresholds = filled("thresholds", 1, 1e-3);
  column.dx = stage.dx, column.dy = stage.dy;
  column.first_row = g, column.rows = box.ny;
  const Kokkos::MDRangePolicy<Kokkos::Rank<2>> columns({g, 0}, {g + box.nx, column.blocks()});

  const double mass_start = total_mass(box, c, bed);
  double outflow = 0.0;
  auto outflow_rate = [&] {
    double sum = 0.0;
    Kokkos::parallel_reduce(
        "device_bench_outflow", Kokkos::MDRangePolicy<Kokkos::Rank<2>>({0, 0}, {box.nx, nn}),
        KOKKOS_LAMBDA(int i, int n, double& o) { o += line_outflow(i, n); }, sum);
    return sum;
  };
  for (int step = -2; step < steps; ++step) {  // two warm-up steps
    Kokkos::fence();
    Kokkos::Timer timer;
    column.solve_first = true, column.with_metrics = false, column.exposure_dt = 0.0;
    double suspended = 0.0, deposited = 0.0, volume = 0.0;
    Kokkos::parallel_reduce("device_bench_columns", columns, column, suspended, deposited, volume);
    Kokkos::fence();
    double t_vertical = timer.seconds();
    timer.reset();
    stage.in = c, stage.out = c_stage, stage.keep = 0.0;
    stage.run();
    Kokkos::fence();
    double t_horizontal = timer.seconds();
    const double out0 = outflow_rate();
    timer.reset();
    stage.in = c_stage, stage.out = c, stage.keep = 0.5;
    stage.run();
    Kokkos::fence();
    t_horizontal += timer.seconds();
    outflow += 0.5 * dt * (out0 + outflow_rate());  // kg: the stages' outflow rates, as the model sums them
    timer.reset();
    column.with_metrics = true, column.exposure_dt = dt;
    Kokkos::parallel_reduce("device_bench_columns", columns, column, suspended, deposited, volume);
    Kokkos::fence();
    t_vertical += timer.seconds();
    if (step >= 0) horizontal.seconds += t_horizontal, vertical.seconds += t_vertical;
  }
  const double cells = static_cast<double>(box.nx) * box.ny * nz;
  // Compulsory traffic per step: each stage reads c and writes its output (the second also reads it:
  // the average), and reads u, v, w, Kh once per cell; each half vertical step reads and writes c and
  // reads Kz, the second also writes the cell total.
  horizontal.work = vertical.work = cells * nn;
  horizontal.bytes = cells * (nn * (16.0 + 24.0) + 2 * 32.0);
  vertical.bytes = cells * (nn * 32.0 + 2 * 8.0 + 8.0);
  const double updates = cells * nn * steps / (horizontal.seconds + vertical.seconds);
  report("horizontal transport", "cell-updates", horizontal, steps, triad);
  report("vertical column solve", "cell-updates", vertical, steps, triad);
  Figures step{horizontal.seconds + vertical.seconds, cells * nn, horizontal.bytes + vertical.bytes};
  report("whole transport step", "cell-updates", step, steps, triad);
  std::printf("cell_updates_per_second: %.4e\n", updates);
  std::printf("bandwidth_fraction: %.3f\n", (horizontal.bytes + vertical.bytes) * steps / step.seconds / triad);
  // Mass ledger: what the box holds now plus what left through its sides equals what it held.
  const double residual = std::abs(total_mass(box, c, bed) + outflow - mass_start) / mass_start;
  std::printf("transport mass ledger: relative residual %.2e over %d steps (outflow %.3e of the mass)\n", residual,
              steps + 2, outflow / mass_start);
  return residual < 1e-12;
}

/// The particle move kernel on a box with a uniform current, boundary-layer Kz and settling; each
/// step starts from the same particles. Returns false if a particle or binned mass is lost.
bool particles(const Box& box, long count, int steps, double triad, Figures& move) {
  const int ni = box.local_ni(), nj = box.local_nj(), nz = box.nz, nn = box.nclasses;
  FlowGeometry geo;
  geo.lx = box.nx * box.dx, geo.ly = box.ny * box.dy, geo.dx = box.dx, geo.dy = box.dy;
  geo.inv_dx = 1.0 / box.dx, geo.inv_dy = 1.0 / box.dy;
  geo.nx = box.nx, geo.ny = box.ny, geo.nz = nz, geo.g = box.g, geo.local_ni = ni, geo.local_nj = nj;
  View1 faces("z_faces", nz + 1);
  const View1 heights = filled("dz", nz, box.dz);
  Kokkos::parallel_for("device_bench_faces", nz + 1, KOKKOS_LAMBDA(int k) { faces(k) = -1650.0 + k * 2.0; });
  geo.set_levels(faces, heights);

  ParticleMover m;
  m.geo = geo;
  m.u0 = m.u1 = m.um = View3("u", ni, nj, nz);
  m.v0 = m.v1 = m.vm = View3("v", ni, nj, nz);
  m.w0 = m.w1 = m.wm = View3("w", ni, nj, nz + 1);
  Kokkos::deep_copy(m.u0, 0.03);
  Kokkos::deep_copy(m.v0, 0.01);
  m.kh = View3("kh", ni, nj, nz), m.tau = View3("tau", ni, nj, 1), m.ustar_map = View3("ustar", ni, nj, 1);
  Kokkos::deep_copy(m.ustar_map, 1e-3);
  m.bed = View3("bed", ni, nj, nn);
  m.first_wet = Kokkos::View<int**>("first_wet", box.nx, box.ny);
  m.owner = Kokkos::View<int**>("owner", box.nx, box.ny);
  m.ws = View1("ws", nn), m.tau_ce = filled("tau_ce", nn, 0.1), m.erosion_m = filled("erosion_m", nn, 0.0);
  Kokkos::deep_copy(m.ws, 1e-4);
  const std::size_t np = static_cast<std::size_t>(count);
  View1 x0("x0", np), y0("y0", np), z0("z0", np);
  m.x = View1("x", np), m.y = View1("y", np), m.z = View1("z", np), m.mass = filled("mass", count, 1e-3);
  m.age = View1("age", np), m.id = Kokkos::View<std::int64_t*>("id", np), m.cls = Kokkos::View<int*>("cls", np);
  m.state = Kokkos::View<int*>("state", np), m.event = Kokkos::View<int*>("event", np);
  m.destination = Kokkos::View<int*>("destination", np), m.listed = Kokkos::View<int*>("listed", np);
  m.listed_count = Kokkos::View<int>("listed_count");
  const auto ids = m.id;
  const auto classes = m.cls;
  const double lx = geo.lx, ly = geo.ly, height = nz * box.dz;
  Kokkos::parallel_for(
      "device_bench_seed", np, KOKKOS_LAMBDA(std::size_t p) {
        const std::uint64_t key = hadal::plume::stream_key(7, p, 0);
        // Away from the sides: a step never takes a particle out of the box.
        x0(p) = lx * (0.1 + 0.8 * hadal::plume::uniform01(key, 0));
        y0(p) = ly * (0.1 + 0.8 * hadal::plume::uniform01(key, 1));
        z0(p) = -1650.0 + height * (0.1 + 0.8 * hadal::plume::uniform01(key, 2));
        ids(p) = static_cast<std::int64_t>(p);
        classes(p) = static_cast<int>(p % nn);
      });
  View3 concentration("concentration", ni, nj, nn * nz);
  m.bins = Kokkos::Experimental::ScatterView<double***>(concentration);
  m.dt = 10.0, m.seed = 42, m.bbl = true, m.kz_value = 1e-4, m.kz_background = 1e-5, m.bbl_thickness = 5.0;
  m.kh_value = 0.05, m.hstep_constant = std::sqrt(2.0 * 0.05 * m.dt);

  int lost = 0;
  for (int step = -2; step < steps; ++step) {
    Kokkos::deep_copy(m.x, x0), Kokkos::deep_copy(m.y, y0), Kokkos::deep_copy(m.z, z0);
    Kokkos::deep_copy(m.state, 0), Kokkos::deep_copy(m.listed_count, 0);
    // With atomic binning (GPUs) the bins are the view itself; with duplicates (threads) they add to it.
    Kokkos::deep_copy(concentration, 0.0);
    m.bins.reset();
    m.step = static_cast<std::uint64_t>(step + 2);
    Kokkos::fence();
    Kokkos::Timer timer;
    Kokkos::parallel_for("device_bench_particles", Kokkos::RangePolicy<>(0, np), m);
    Kokkos::fence();
    if (step >= 0) move.seconds += timer.seconds();
    // Every particle either binned its mass (suspended) or is listed (deposited here).
    Kokkos::Experimental::contribute(concentration, m.bins);
    int listed = 0;
    Kokkos::deep_copy(listed, m.listed_count);
    const double volume = box.dx * box.dy * box.dz;
    double binned = 0.0;
    Kokkos::parallel_reduce(
        "device_bench_binned", concentration.span(),
        KOKKOS_LAMBDA(std::size_t q, double& sum) { sum += concentration.data()[q] * volume; }, binned);
    const double expected = (count - listed) * 1e-3;
    if (std::abs(binned - expected) > 1e-9 * expected) ++lost;
  }
  // Reads x, y, z, mass, age, id, class, state; writes x, y, z, age: the fields it samples stay in cache.
  move.work = static_cast<double>(count);
  move.bytes = static_cast<double>(count) * (5 * 8.0 + 8.0 + 4.0 + 4.0 + 4 * 8.0);
  report("particle move", "particle-steps", move, steps, triad);
  std::printf("particle ledger: %s\n", lost ? "binned mass lost" : "every particle binned or listed");
  return lost == 0;
}

}  // namespace

int main(int argc, char* argv[]) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  auto arg = [&](int i, long fallback) { return argc > i ? std::atol(argv[i]) : fallback; };
  Box box{static_cast<int>(arg(1, 256)), static_cast<int>(arg(2, 256)), static_cast<int>(arg(3, 32)),
          static_cast<int>(arg(4, 4))};
  const int steps = static_cast<int>(arg(5, 20));
  const long count = arg(6, 4000000);
  if (box.nx < 8 || box.ny < 8 || box.nz < 2 || box.nz > hadal::plume::kMaxLevels || box.nclasses < 1 || steps < 1 ||
      count < 1) {
    std::fprintf(stderr, "usage: %s [nx ny nz classes steps particles] (nx, ny >= 8, 2 <= nz <= %d)\n", argv[0],
                 hadal::plume::kMaxLevels);
    return 2;
  }
  std::printf("Kokkos %d, execution space %s, concurrency %d\n", KOKKOS_VERSION, Kokkos::DefaultExecutionSpace::name(),
              static_cast<int>(Kokkos::DefaultExecutionSpace().concurrency()));
  std::printf("box %d x %d x %d, %d classes, %d steps, %ld particles\n", box.nx, box.ny, box.nz, box.nclasses, steps,
              count);
  const double triad = triad_bytes_per_second(std::size_t(1) << 25);
  std::printf("triad bandwidth: %.1f GB/s\n", triad / 1e9);
  Figures horizontal, vertical, move;
  const bool transport_ok = eulerian(box, steps, triad, horizontal, vertical);
  const bool particles_ok = particles(box, count, steps, triad, move);
  return transport_ok && particles_ok ? 0 : 1;
}
