// SPDX-License-Identifier: MIT
// Parallel HDF5 round trip of a distributed field and atomic file creation.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/runtime.hpp"
#include "grid/field.hpp"
#include "io/hdf5_file.hpp"
#include "sim/checkpoint.hpp"

using namespace hadal;

TEST(Io, CheckpointRoundTripIsBitwise) {
  grid::GridSpec spec;
  spec.nx = 9;
  spec.ny = 7;
  spec.nz = 3;
  spec.lx = spec.ly = 1.0;
  spec.z_faces = grid::stretched_faces(0.0, 1.0, 3, 1.0);
  grid::StructuredGrid grid(MPI_COMM_WORLD, spec, 2);
  grid::Field f(grid, "c", "kg m-3", "test"), g(grid, "c", "kg m-3", "test");
  auto host = Kokkos::create_mirror_view(f.view());
  for (int lj = 0; lj < grid.local_nj(); ++lj)
    for (int li = 0; li < grid.local_ni(); ++li)
      for (int k = 0; k < 3; ++k) host(li, lj, k) = std::sin(1.0 + grid.global_i(li) * 0.37 + grid.global_j(lj) * 1.1 + k);
  Kokkos::deep_copy(f.view(), host);
  const std::string path = "test_io_checkpoint.h5";
  sim::CheckpointIdentity id{"test", "abc", grid.size(), grid.global_cells()};
  {
    sim::CheckpointWriter writer(MPI_COMM_WORLD, path, id, 42, 3.25);
    writer.field(f);
    writer.scalar("mass", 1.0 / 3.0);
    writer.distributed("per_rank", std::vector<double>(static_cast<std::size_t>(grid.rank() + 1), grid.rank()));
    EXPECT_TRUE(std::filesystem::exists(path + ".tmp"));
    writer.commit();
  }
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  sim::CheckpointReader reader(MPI_COMM_WORLD, path, id);
  EXPECT_EQ(reader.step(), 42);
  EXPECT_EQ(reader.time(), 3.25);
  EXPECT_EQ(reader.scalar("mass"), 1.0 / 3.0);
  const auto mine = reader.distributed("per_rank");
  EXPECT_EQ(mine.size(), static_cast<std::size_t>(grid.rank() + 1));
  reader.field(g);
  EXPECT_EQ(f.owned_block(), g.owned_block());

  sim::CheckpointIdentity other = id;
  other.physics_hash = "different";
  EXPECT_THROW(sim::CheckpointReader(MPI_COMM_WORLD, path, other), InputError);
  MPI_Barrier(MPI_COMM_WORLD);
  if (grid.rank() == 0) std::filesystem::remove(path);
}

TEST(Io, UnclosedFileLeavesNothingBehind) {
  const std::string path = "test_io_abandoned.h5";
  {
    io::H5File file(MPI_COMM_WORLD, path, io::H5File::Mode::Create);
    file.write_replicated("/x", {1.0, 2.0}, {"m", "x", "none"});
    // no close(): as if the run failed here
  }
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}
