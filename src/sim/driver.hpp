// SPDX-License-Identifier: MIT
/// \file driver.hpp
/// \brief What `hadal run` and `hadal check` do: load + validate a case, prepare the output directory,
/// run the case type, write summary.json; map failures to exit codes.
#pragma once

#include <string>
#include <vector>

#include <mpi.h>

#include "core/config.hpp"
#include "sim/registry.hpp"

namespace hadal::sim {

struct RunOptions {
  std::string case_file;
  std::string output_dir;              ///< overrides output.directory when not empty
  std::string restart_file;            ///< --restart FILE ("latest" = newest checkpoint in the output dir)
  std::vector<std::string> overrides;  ///< --set key.path=value, applied before validation
  bool quiet = false;
  bool profile = false;                ///< --profile: time the named regions and print a table at the end
  std::string command_line;            ///< recorded in the log
};

/// The schema of a case of type `type`: core blocks (case, output) plus the module's declarations.
config::ObjectSpec case_schema(const CaseType& type);

/// Loads, applies overrides, validates (schema + module check). Throws InputError with all problems.
config::ResolvedCase load_case(const std::string& file, const std::vector<std::string>& overrides,
                               const CaseType** type_out = nullptr);

/// `hadal run`: returns the process exit code. Collective over `comm`.
int run_case(MPI_Comm comm, const RunOptions& options);
/// `hadal check`: prints every problem; returns 0 or 2.
int check_case(MPI_Comm comm, const RunOptions& options);

}  // namespace hadal::sim
