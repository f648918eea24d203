// SPDX-License-Identifier: MIT
/// \file test_files.hpp
/// \brief Helpers for tests that write input files on 1 or 2 ranks: the rank, a scratch directory per test
/// job, rank-0-only writing, and the text of an InputError.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include <mpi.h>
#include <unistd.h>

#include "core/error.hpp"

namespace hadal_test {

inline int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

/// The scratch directories made so far, by name.
inline std::map<std::string, std::string>& scratch_directories() {
  static std::map<std::string, std::string> made;
  return made;
}

/// `<tmp>/hadal_<name>_<pid of rank 0>`, shared by the ranks of this job, made on first use (collective
/// then): tests never write into the source or build tree.
inline std::string scratch_directory(const std::string& name) {
  auto& dir = scratch_directories()[name];
  if (dir.empty()) {
    long pid = static_cast<long>(getpid());
    MPI_Bcast(&pid, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    dir = (std::filesystem::temp_directory_path() / ("hadal_" + name + "_" + std::to_string(pid))).string();
    if (rank() == 0) std::filesystem::create_directories(dir);
    MPI_Barrier(MPI_COMM_WORLD);
  }
  return dir;
}

/// Removes the scratch directory `name` (collective); a later scratch_directory(name) makes it again.
inline void remove_scratch_directory(const std::string& name) {
  const std::string dir = scratch_directory(name);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank() == 0) std::filesystem::remove_all(dir);
  MPI_Barrier(MPI_COMM_WORLD);
  scratch_directories().erase(name);
}

/// Runs `write` on rank 0 only (the files are shared by the ranks), then waits for it.
inline void on_rank0(const std::function<void()>& write) {
  if (rank() == 0) write();
  MPI_Barrier(MPI_COMM_WORLD);
}

/// The message and every diagnostic of the InputError `f` throws ("" if it throws none).
inline std::string input_error_text(const std::function<void()>& f) {
  try {
    f();
  } catch (const hadal::InputError& e) {
    std::string text = e.what();
    for (const auto& d : e.diagnostics()) text += " | " + d.format();
    return text;
  }
  return "";
}

}  // namespace hadal_test
