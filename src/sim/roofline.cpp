// SPDX-License-Identifier: MIT
#include "sim/roofline.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>

namespace hadal::sim {

TriadResult measure_triad(MPI_Comm comm, std::size_t elements, int repetitions) {
  Kokkos::View<double*> a("triad_a", elements), b("triad_b", elements), c("triad_c", elements);
  Kokkos::deep_copy(b, 1.0);
  Kokkos::deep_copy(c, 2.0);
  const double s = 3.0;
  double best = 1e300;
  for (int r = 0; r < repetitions + 1; ++r) {
    MPI_Barrier(comm);  // every rank streams at once, as in a real run
    Kokkos::Timer timer;
    Kokkos::parallel_for(
        "triad", elements, KOKKOS_LAMBDA(std::size_t i) { a(i) = b(i) + s * c(i); });
    Kokkos::fence();
    const double t = timer.seconds();
    if (r > 0) best = std::min(best, t);  // the first pass faults pages in
  }
  double slowest = 0.0;
  MPI_Allreduce(&best, &slowest, 1, MPI_DOUBLE, MPI_MAX, comm);
  TriadResult result;
  result.elements = elements;
  result.repetitions = repetitions;
  result.bytes_per_second = 3.0 * sizeof(double) * static_cast<double>(elements) / slowest;
  return result;
}

}  // namespace hadal::sim
