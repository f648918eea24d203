// SPDX-License-Identifier: MIT
// GoogleTest main for hadal tests: MPI -> PETSc -> Kokkos, GoogleTest output from rank 0 only, and a
// pass/fail all-reduce so one failing rank fails every rank.
#include <gtest/gtest.h>
#include <mpi.h>

#include "core/runtime.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  hadal::Runtime runtime(argc, argv);
  if (runtime.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int local = RUN_ALL_TESTS();
  const bool failed = hadal::any_rank(runtime.comm(), local != 0);
  return failed ? 1 : 0;
}
