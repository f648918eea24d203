// SPDX-License-Identifier: MIT
/// \file envelope.hpp
/// \brief Operating-envelope sweep: riser velocity x delivered concentration x particle size, each
/// point a full steady loop solve at imposed flow. Points are dealt out round-robin over MPI ranks and
/// summed back, so every rank ends with the same table whatever the rank count.
#pragma once

#include <vector>

#include <mpi.h>

#include "lift/network.hpp"
#include "lift/settings.hpp"

namespace hadal::lift {

struct EnvelopePoint {
  double velocity = 0, concentration = 0, diameter = 0;
  double settling_velocity = 0, exponent = 0;
  double resident_concentration = 0;  ///< -1 when the riser cannot carry the feed
  double pump_pressure_required = 0;  ///< Pa (0 when infeasible)
  double pump_pressure_available = 0; ///< pump curve at that flow and the operating speed
  double velocity_ratio = 0;          ///< j / v_t
  bool feasible = false;              ///< a steady state exists below the packing limit
  bool risk = true;                   ///< blockage risk: infeasible, ratio below the safe multiple, or C_r at alarm
  bool pump_ok = false;               ///< the pumps at their operating speed deliver the required pressure
};

struct EnvelopeResult {
  std::vector<EnvelopePoint> points;  ///< index (d, c, v) with v fastest
  double wall_seconds = 0;
  /// per (d, c): smallest velocity of the sweep from which every larger velocity is safe (NaN if none)
  std::vector<double> safe_velocity;
};

EnvelopeResult sweep_envelope(MPI_Comm comm, const Network& base, const SettlingClosure& settling,
                              const std::vector<double>& velocities, const std::vector<double>& concentrations,
                              const std::vector<double>& diameters);

}  // namespace hadal::lift
