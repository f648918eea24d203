// SPDX-License-Identifier: MIT
#include "lift/envelope.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "lift/steady.hpp"

namespace hadal::lift {

EnvelopeResult sweep_envelope(MPI_Comm comm, const Network& base, const SettlingClosure& settling,
                              const std::vector<double>& velocities, const std::vector<double>& concentrations,
                              const std::vector<double>& diameters) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const std::size_t nv = velocities.size(), nc = concentrations.size(), nd = diameters.size();
  const std::size_t total = nv * nc * nd;
  constexpr int kFields = 10;
  std::vector<double> local(total * kFields, 0.0), global(total * kFields, 0.0);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t idx = rank; idx < total; idx += size) {
    const std::size_t iv = idx % nv, ic = (idx / nv) % nc, id = idx / (nv * nc);
    Network net = base;
    apply_settling(settling, diameters[id], net);
    net.feeder.by_concentration = true;
    net.feeder.delivered_concentration = concentrations[ic];
    const double q = velocities[iv] * net.riser.area();
    double* out = &local[idx * kFields];
    out[0] = net.ore.settling_velocity;
    out[1] = net.ore.hindered_exponent;
    out[2] = velocities[iv] / net.ore.settling_velocity;
    const double r = net.pumps.speed / net.pumps.rated_speed;
    out[3] = net.pumps.pressure_rise(q, r);
    const bool closure_ok = net.ore.packing_limit < net.drift_flux().inflection() &&
                            concentrations[ic] < net.ore.packing_limit;
    double cr = -1.0, dp = 0.0;
    bool feasible = false;
    if (closure_ok) {
      try {
        SteadyOptions o;
        o.fixed_flow = true;
        o.flow = q;
        o.speed_ratio = r;
        const SteadyResult s = solve_steady(net, o);
        cr = s.resident_concentration;
        dp = s.pump_pressure;
        feasible = true;
      } catch (const InfeasibleInput&) {
        feasible = false;
      }
    }
    out[4] = cr;
    out[5] = dp;
    out[6] = feasible ? 1.0 : 0.0;
    const bool risk = !feasible || out[2] < net.blockage.velocity_ratio || cr >= net.blockage.concentration;
    out[7] = risk ? 1.0 : 0.0;
    out[8] = feasible && out[3] >= dp ? 1.0 : 0.0;
    out[9] = 1.0;  // computed marker
  }
  MPI_Allreduce(local.data(), global.data(), static_cast<int>(global.size()), MPI_DOUBLE, MPI_SUM, comm);
  EnvelopeResult res;
  res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MPI_Allreduce(MPI_IN_PLACE, &res.wall_seconds, 1, MPI_DOUBLE, MPI_MAX, comm);
  res.points.resize(total);
  for (std::size_t idx = 0; idx < total; ++idx) {
    const double* g = &global[idx * kFields];
    EnvelopePoint& p = res.points[idx];
    p.velocity = velocities[idx % nv];
    p.concentration = concentrations[(idx / nv) % nc];
    p.diameter = diameters[idx / (nv * nc)];
    p.settling_velocity = g[0];
    p.exponent = g[1];
    p.velocity_ratio = g[2];
    p.pump_pressure_available = g[3];
    p.resident_concentration = g[4];
    p.pump_pressure_required = g[5];
    p.feasible = g[6] > 0.5;
    p.risk = g[7] > 0.5;
    p.pump_ok = g[8] > 0.5;
  }
  // Safe-velocity boundary per (d, c), scanning velocities in the given order sorted ascending.
  std::vector<std::size_t> order(nv);
  for (std::size_t i = 0; i < nv; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return velocities[a] < velocities[b]; });
  res.safe_velocity.assign(nd * nc, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t id = 0; id < nd; ++id)
    for (std::size_t ic = 0; ic < nc; ++ic) {
      double boundary = std::numeric_limits<double>::quiet_NaN();
      for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const EnvelopePoint& p = res.points[(id * nc + ic) * nv + *it];
        if (p.risk) break;
        boundary = p.velocity;
      }
      res.safe_velocity[id * nc + ic] = boundary;
    }
  return res;
}

}  // namespace hadal::lift
