// SPDX-License-Identifier: MIT
#include "core/runtime.hpp"

#include <H5public.h>
#include <Kokkos_Core.hpp>
#include <netcdf.h>
#include <petscsys.h>
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <string>
#include <vector>

#include "build_info.hpp"

namespace hadal {

Runtime::Runtime(int& argc, char**& argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) MPI_Init(&argc, &argv);
  // Our own SIGTERM/SIGUSR1 handling must see queue signals, so PETSc's handler stays off.
  PetscOptionsSetValue(nullptr, "-no_signal_handler", nullptr);
  PetscInitializeNoArguments();
  // Kokkos also reads unprefixed arguments (--help, --threads ...), which are hadal's to interpret:
  // it sees only the --kokkos-* ones, and those leave argv (--kokkos-help prints its list).
  std::vector<char*> kokkos_args{argv[0]}, rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    (std::string(argv[i]).rfind("--kokkos-", 0) == 0 ? kokkos_args : rest).push_back(argv[i]);
  }
  int kokkos_argc = static_cast<int>(kokkos_args.size());
  kokkos_arguments_ = kokkos_argc - 1;
  kokkos_args.push_back(nullptr);
  Kokkos::initialize(kokkos_argc, kokkos_args.data());
  for (std::size_t i = 0; i < rest.size(); ++i) argv[i] = rest[i];
  argc = static_cast<int>(rest.size());
  argv[argc] = nullptr;
}

Runtime::~Runtime() {
  Kokkos::finalize();
  PetscFinalize();
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (!finalised) MPI_Finalize();
}

int Runtime::rank() const {
  int r = 0;
  MPI_Comm_rank(comm(), &r);
  return r;
}

int Runtime::size() const {
  int s = 1;
  MPI_Comm_size(comm(), &s);
  return s;
}

std::string hadal_version() { return HADAL_VERSION; }
std::string git_hash() { return HADAL_GIT_HASH; }

std::string kokkos_execution_space() { return Kokkos::DefaultExecutionSpace::name(); }

bool any_rank(MPI_Comm comm, bool local_failed) {
  int local = local_failed ? 1 : 0, any = 0;
  MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, comm);
  return any != 0;
}

std::vector<std::pair<std::string, std::string>> build_and_runtime_facts(MPI_Comm comm) {
  std::vector<std::pair<std::string, std::string>> facts;
  facts.emplace_back("hadal", hadal_version());
  facts.emplace_back("git", git_hash());
  facts.emplace_back("build type", HADAL_BUILD_TYPE);
  facts.emplace_back("compiler", HADAL_COMPILER);

  char mpi_version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(mpi_version, &length);
  std::string mpi(mpi_version, static_cast<std::size_t>(length));
  if (const auto cut = mpi.find_first_of(",\n"); cut != std::string::npos) mpi = mpi.substr(0, cut);
  int size = 1;
  MPI_Comm_size(comm, &size);
  facts.emplace_back("MPI", mpi);
  facts.emplace_back("MPI ranks", std::to_string(size));

  char petsc[256];
  PetscGetVersion(petsc, sizeof petsc);
  facts.emplace_back("PETSc", petsc);

  std::ostringstream kokkos;
  kokkos << KOKKOS_VERSION / 10000 << '.' << (KOKKOS_VERSION / 100) % 100 << '.' << KOKKOS_VERSION % 100;
  facts.emplace_back("Kokkos", kokkos.str() + " (" + HADAL_KOKKOS_SOURCE + ")");
  facts.emplace_back("Kokkos execution space", kokkos_execution_space());
  facts.emplace_back("Kokkos concurrency", std::to_string(Kokkos::DefaultExecutionSpace().concurrency()));

  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  facts.emplace_back("HDF5", std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release) +
                                 " (parallel)");
  facts.emplace_back("NetCDF", std::string(nc_inq_libvers()).substr(0, std::string(nc_inq_libvers()).find(' ')));
  facts.emplace_back("yaml-cpp", HADAL_YAML_CPP_VERSION);
  return facts;
}

}  // namespace hadal
