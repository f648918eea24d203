// SPDX-License-Identifier: MIT
/// \file output.hpp
/// \brief Profiles along the supply legs and the riser as HDF5 files indexed by XDMF (one file per
/// output time). The network is 1-D and replicated on every rank: rank 0 holds all data, the other
/// ranks take part in the collective HDF5 calls with empty blocks.
#pragma once

#include <memory>
#include <string>

#include <mpi.h>

#include "io/xdmf.hpp"
#include "lift/steady.hpp"

namespace hadal::lift {

class ProfileWriter {
 public:
  /// `resume_time` >= 0 continues the XDMF index of an earlier run (restart).
  ProfileWriter(MPI_Comm comm, const std::string& directory, const PipeCells& riser, const PipeCells& supply,
                double resume_time = -1.0);
  void write(long step, double time, const PipeProfile& riser, const PipeProfile& supply);

 private:
  MPI_Comm comm_;
  std::string directory_;
  std::size_t n_riser_, n_supply_;
  std::unique_ptr<io::XdmfSeries> riser_index_, supply_index_;
};

/// Rank of this process in `comm` (rank 0 writes the CSV and XDMF files).
int comm_rank(MPI_Comm comm);

/// Writes named 1-D series (equal lengths) into an HDF5 file (collective; rank 0's data).
void write_series_h5(MPI_Comm comm, const std::string& path, const std::vector<std::string>& names,
                     const std::vector<std::vector<double>>& columns, const std::vector<std::string>& units);

}  // namespace hadal::lift
