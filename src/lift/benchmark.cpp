// SPDX-License-Identifier: MIT
// `hadal bench lift`: steady solve time, one hour of the loop at 1 m cells, a 1,000-case envelope sweep.
#include <chrono>

#include "core/log.hpp"
#include "lift/envelope.hpp"
#include "lift/run.hpp"
#include "lift/steady.hpp"
#include "lift/rigid_loop.hpp"
#include "sim/roofline.hpp"

namespace hadal::lift {

void run_benchmark(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results) {
  const Network net = reference_design();
  // 1. steady operating point
  SteadyResult r;
  int repeats = 0;
  auto t0 = std::chrono::steady_clock::now();
  do {
    r = solve_steady(net);
    ++repeats;
  } while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 1.0);
  const double steady_ms = 1e3 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / repeats;
  // 2. one hour of the full loop at 1 m cells (feeder cycle running)
  Network cyc = net;
  cyc.feeder.cycle.control = TankCycle::Control::Timed;
  TransientOptions o;
  o.cell_size = 1.0;
  RigidLoop loop(cyc, o);
  t0 = std::chrono::steady_clock::now();
  double t = 0.0;
  long steps = 0;
  while (t < 3600.0 - 1e-9) {
    const double dt = std::min(loop.stable_dt(0.9), 3600.0 - t);
    loop.advance(t, dt);
    t += dt;
    ++steps;
  }
  const double transient_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double updates = static_cast<double>(steps) * loop.cells();
  // 3. 1000-case envelope
  std::vector<double> v, c, d;
  for (int i = 0; i < 10; ++i) {
    v.push_back(2.0 + 0.4 * i);
    c.push_back(0.02 + 0.02 * i);
    d.push_back(0.005 + 0.005 * i);
  }
  SettlingClosure sc;
  sc.model = SettlingClosure::Model::Newton;
  sc.wall = SettlingClosure::Wall::Munroe;
  const EnvelopeResult env = sweep_envelope(comm, net, sc, v, c, d);
  const sim::TriadResult triad = sim::measure_triad(comm);
  // Per cell update the transport kernels touch about 7 doubles (c read x3 neighbours cached, flux
  // write+read x2, dx, sin, new c): 56 bytes, the memory traffic a roofline would charge.
  const double bytes_per_update = 56.0;
  results["steady_solve_ms"] = steady_ms;
  results["steady_snes_iterations"] = r.iterations;
  results["transient_1h_1m_cells_s"] = transient_s;
  results["transient_cells"] = loop.cells();
  results["transient_steps"] = steps;
  results["transient_cell_updates_per_s"] = updates / transient_s;
  results["transient_solids_conservation_error"] = loop.conservation_error();
  results["envelope_cases"] = env.points.size();
  results["envelope_wall_s"] = env.wall_seconds;
  results["envelope_cases_per_s"] = env.points.size() / env.wall_seconds;
  results["triad_bytes_per_s"] = triad.bytes_per_second;
  results["transient_fraction_of_triad_bandwidth"] = updates / transient_s * bytes_per_update / triad.bytes_per_second;
  log.info(strformat("lift bench: steady %.3f ms; 1 h transient (%d cells, %ld steps) %.2f s = %.3g cell-updates/s "
                     "(%.3f of triad bandwidth); envelope %zu cases in %.2f s",
                     steady_ms, loop.cells(), steps, transient_s, updates / transient_s,
                     updates / transient_s * bytes_per_update / triad.bytes_per_second, env.points.size(),
                     env.wall_seconds));
}

}  // namespace hadal::lift
