// SPDX-License-Identifier: MIT
/// \file profiling.hpp
/// \brief Named regions around the work of a run. Every region is a Kokkos profiling region, so a
/// Kokkos tool (kernel timer, Nsight, VTune connector) shows where time goes; with `hadal run
/// --profile` hadal also times them itself (fencing at each region's end) and prints a table at the end.
#pragma once

#include <string>
#include <vector>

#include <mpi.h>

namespace hadal::profiling {

/// Switches hadal's own timing on or off (off by default: regions then cost a Kokkos push/pop only).
void enable(bool on);
bool enabled();
/// Forgets every time recorded so far.
void reset();

/// RAII region: `Region r("plume/horizontal");` Nested regions are recorded under their parent's path.
class Region {
 public:
  explicit Region(const char* name);
  ~Region();
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;

 private:
  double start_ = 0.0;
  bool timed_ = false;
};

struct Entry {
  std::string path;   ///< parent/child/...
  long calls = 0;
  double seconds = 0.0;
};
/// This rank's regions, in the order first entered.
std::vector<Entry> entries();
/// The table of every region (time is the maximum over ranks, inclusive of nested regions, with its
/// share of `total_seconds`); collective; the text is meant for rank 0.
std::string table(MPI_Comm comm, double total_seconds);

}  // namespace hadal::profiling
