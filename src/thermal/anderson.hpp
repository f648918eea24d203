// SPDX-License-Identifier: MIT
/// \file anderson.hpp
/// \brief Anderson acceleration of a fixed-point iteration x -> G(x) whose vectors are distributed
/// over the ranks (each rank holds its block; inner products are summed over the communicator).
///
/// With f_k = G(x_k) - x_k and the differences dF, dG of the last m pairs, the next iterate is
///   x_{k+1} = G(x_k) - dG gamma,   gamma = argmin |f_k - dF gamma|_2,
/// (Anderson 1965; the "type II" form of Walker & Ni 2011, undamped). For the steady mantle, G is
/// one pseudo-time step, and the fixed points of the accelerated iteration are those of G.
#pragma once

#include <deque>
#include <vector>

#include <mpi.h>

namespace hadal::thermal {

class AndersonMixing {
 public:
  AndersonMixing(MPI_Comm comm, int depth) : comm_(comm), depth_(depth) {}
  /// Takes x_k and g = G(x_k) (this rank's blocks); returns x_{k+1}.
  std::vector<double> next(const std::vector<double>& x, const std::vector<double>& g);
  /// Forgets the history: the next call returns G(x) (after a step that made things worse).
  void restart();
  /// Pairs in the history now.
  int history() const { return static_cast<int>(df_.size()); }

 private:
  MPI_Comm comm_;
  int depth_;
  std::vector<double> last_f_, last_g_;
  std::deque<std::vector<double>> df_, dg_;
};

}  // namespace hadal::thermal
