// SPDX-License-Identifier: MIT
/// \file runtime.hpp
/// \brief Start-up and shut-down of MPI, PETSc and Kokkos, and the build/run facts `hadal info` prints.
#pragma once

#include <string>
#include <vector>

#include <mpi.h>

namespace hadal {

/// RAII owner of the parallel runtime: MPI -> PETSc -> Kokkos, torn down in reverse.
/// PETSc's own signal handlers are disabled so that hadal's SIGTERM/SIGUSR1 handling works.
/// Kokkos is given only the --kokkos-* arguments, which are removed from argc/argv.
class Runtime {
 public:
  Runtime(int& argc, char**& argv);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  MPI_Comm comm() const { return MPI_COMM_WORLD; }
  /// Number of --kokkos-* arguments Kokkos was given (and removed from argv).
  int kokkos_arguments() const { return kokkos_arguments_; }
  int rank() const;
  int size() const;

 private:
  int kokkos_arguments_ = 0;
};

/// name/value pairs describing the build and the runtime (versions, git hash, Kokkos space, ranks).
std::vector<std::pair<std::string, std::string>> build_and_runtime_facts(MPI_Comm comm);

std::string hadal_version();
std::string git_hash();
std::string kokkos_execution_space();

/// All-reduced error flag: true on every rank if `local_failed` is true on any rank.
bool any_rank(MPI_Comm comm, bool local_failed);

}  // namespace hadal
