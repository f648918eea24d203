// SPDX-License-Identifier: MIT
/// \file roofline.hpp
/// \brief A STREAM-like triad measured in the same run as a benchmark, as its memory-bandwidth reference.
#pragma once

#include <cstddef>

#include <mpi.h>

namespace hadal::sim {

struct TriadResult {
  double bytes_per_second = 0.0;  ///< per rank, best of the repetitions (24 bytes per element counted)
  std::size_t elements = 0;
  int repetitions = 0;
};

/// a(i) = b(i) + s * c(i) over Kokkos Views of `elements` doubles, all ranks at once (so shared memory
/// bandwidth is split as in the real run). Best of `repetitions`.
TriadResult measure_triad(MPI_Comm comm, std::size_t elements = std::size_t(1) << 24, int repetitions = 10);

}  // namespace hadal::sim
