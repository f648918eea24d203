// SPDX-License-Identifier: MIT
/// \file cli.hpp
/// \brief The `hadal` command line: run, check, info, keys, bench.
#pragma once

#include <string>
#include <vector>

#include <mpi.h>

namespace hadal::app {

/// Dispatches a command line (without the program name); returns the exit code.
int main_command(MPI_Comm comm, const std::vector<std::string>& args);

}  // namespace hadal::app
