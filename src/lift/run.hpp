// SPDX-License-Identifier: MIT
/// \file run.hpp
/// \brief Entry points of the lift module's case types and benchmark (registered by module.cpp).
#pragma once

#include <string>
#include <vector>

#include <mpi.h>

#include "core/log.hpp"
#include "io/json.hpp"
#include "sim/registry.hpp"

namespace hadal::lift {

/// `lift.steady`: operating point, pressure budget and profiles.
void run_steady(sim::RunContext& context);
/// `lift.transient`: the loop in time (sim::Model through sim::run_time_loop).
void run_transient(sim::RunContext& context);
/// `lift.envelope`: operating-envelope sweep.
void run_envelope(sim::RunContext& context);
/// `hadal bench lift`.
void run_benchmark(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results);

}  // namespace hadal::lift
