// SPDX-License-Identifier: MIT
/// \file benchmark.hpp
/// \brief The module's `hadal bench` entries.
#pragma once

#include <string>
#include <vector>

#include <mpi.h>

#include "core/log.hpp"
#include "io/json.hpp"

namespace hadal::benthos {

/// `hadal bench benthos [nx ny steps]`: column-steps per second of the offline recovery, vs the triad.
void bench_recovery(MPI_Comm comm, const std::vector<std::string>& args, Logger& log, io::Json& results);

}  // namespace hadal::benthos
