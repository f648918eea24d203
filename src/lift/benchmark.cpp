// SPDX-License-Identifier: MIT
// `hadal bench lift`: steady solve time, one hour of the rigid loop at 1 m cells, the elastic loop at 1 m
// cells (a minute of pressure waves after a feeder-valve closure; `hadal bench lift elastic-hour` runs the
// whole hour with the feeder cycle), a 1,000-case envelope sweep.
#include <algorithm>
#include <chrono>
#include <ctime>

#include "core/log.hpp"
#include "lift/envelope.hpp"
#include "lift/run.hpp"
#include "lift/steady.hpp"
#include "lift/elastic_loop.hpp"
#include "lift/rigid_loop.hpp"
#include "sim/roofline.hpp"

namespace hadal::lift {
namespace {

struct LoopTiming {
  double seconds = 0.0, cpu_seconds = 0.0, cell_updates = 0.0;
  long steps = 0;
};

// Runs `loop` from 0 to `end` with the time loop's step rule (CFL 0.9, landing on events).
LoopTiming time_loop(LoopModel& loop, double end) {
  LoopTiming timing;
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();  // this process's CPU time: the cores are shared
  double t = 0.0;
  while (t < end - 1e-9) {
    double dt = std::min(loop.stable_dt(0.9), end - t);
    const double to_event = loop.next_event_time() - t;
    if (to_event > 1e-9) dt = std::min(dt, to_event);
    loop.advance(t, dt);
    t += dt;
    ++timing.steps;
    timing.cell_updates += loop.work_of_last_step();
  }
  timing.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  timing.cpu_seconds = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  return timing;
}

}  // namespace

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
  // 2. one hour of the full loop at 1 m cells (feeder cycle running), rigid column
  Network cyc = net;
  cyc.feeder.cycle.control = TankCycle::Control::Timed;
  TransientOptions o;
  o.cell_size = 1.0;
  RigidLoop loop(cyc, o);
  const LoopTiming rigid = time_loop(loop, 3600.0);
  const double transient_s = rigid.seconds;
  const long steps = rigid.steps;
  const double updates = rigid.cell_updates;
  // 2b. the elastic loop at 1 m cells: pressure waves in 2 x 2,000 cells at the acoustic time step
  const bool hour = std::find(args.begin(), args.end(), "elastic-hour") != args.end();
  TransientOptions eo;
  eo.model = TransientOptions::Model::Elastic;
  eo.cell_size = 1.0;
  Network valved = hour ? cyc : net;
  if (!hour) {
    valved.valves.push_back({ValveLocation::Feeder, 0.2});
    TransientEvent close;
    close.time = 5.0;
    close.kind = TransientEvent::Kind::ValveClose;
    close.valve = ValveLocation::Feeder;
    close.stroke_time = 2.0;
    eo.events = {close};
  }
  ElasticLoop elastic_loop(valved, eo);
  const double elastic_end = hour ? 3600.0 : 60.0;
  const LoopTiming elastic = time_loop(elastic_loop, elastic_end);
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
  results["elastic_simulated_s"] = elastic_end;
  results["elastic_wall_s"] = elastic.seconds;
  results["elastic_cpu_s"] = elastic.cpu_seconds;
  results["elastic_cells"] = elastic_loop.pipes().total_cells();
  results["elastic_acoustic_step_s"] = elastic_loop.acoustic_step();
  results["elastic_cell_updates_per_s"] = elastic.cell_updates / elastic.seconds;
  results["elastic_1h_1m_cells_s"] = elastic.seconds * 3600.0 / elastic_end;  // measured if elastic-hour
  results["elastic_1h_1m_cells_cpu_s"] = elastic.cpu_seconds * 3600.0 / elastic_end;
  results["elastic_solids_conservation_error"] = elastic_loop.conservation_error();
  results["transient_solids_conservation_error"] = loop.conservation_error();
  results["envelope_cases"] = env.points.size();
  results["envelope_wall_s"] = env.wall_seconds;
  results["envelope_cases_per_s"] = env.points.size() / env.wall_seconds;
  results["triad_bytes_per_s"] = triad.bytes_per_second;
  results["transient_fraction_of_triad_bandwidth"] = updates / transient_s * bytes_per_update / triad.bytes_per_second;
  log.info(strformat("lift bench: elastic loop (%d cells, acoustic step %.3g s): %.0f s simulated in %.1f s "
                     "(%.1f s of CPU) = %.3g cell-updates/s, one hour %s %.0f s (%.0f s of CPU)",
                     elastic_loop.pipes().total_cells(), elastic_loop.acoustic_step(), elastic_end, elastic.seconds,
                     elastic.cpu_seconds, elastic.cell_updates / elastic.seconds, hour ? "in" : "projected",
                     elastic.seconds * 3600.0 / elastic_end, elastic.cpu_seconds * 3600.0 / elastic_end));
  log.info(strformat("lift bench: steady %.3f ms; 1 h transient (%d cells, %ld steps) %.2f s = %.3g cell-updates/s "
                     "(%.3f of triad bandwidth); envelope %zu cases in %.2f s",
                     steady_ms, loop.cells(), steps, transient_s, updates / transient_s,
                     updates / transient_s * bytes_per_update / triad.bytes_per_second, env.points.size(),
                     env.wall_seconds));
}

}  // namespace hadal::lift
