// SPDX-License-Identifier: MIT
/// \file hdf5_file.hpp
/// \brief Parallel HDF5 files with collective writes of distributed blocks, written under a temporary
/// name and renamed into place on close so a killed run never leaves a half file posing as whole.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <hdf5.h>
#include <mpi.h>

namespace hadal::io {

/// The part of a global C-ordered array (slowest dimension first) that this rank holds.
struct Block {
  std::vector<unsigned long long> global_dims;  ///< e.g. {nz, ny, nx}
  std::vector<unsigned long long> offset;       ///< start of this rank's block in each dimension
  std::vector<unsigned long long> count;        ///< extent of this rank's block (0 allowed)
};

/// Attributes every dataset carries (CF-like).
struct DatasetInfo {
  std::string units;      ///< UDUNITS spelling, "1" for dimensionless
  std::string long_name;
  std::string centering = "cell";  ///< "cell" | "node" | "none"
};

class H5File {
 public:
  enum class Mode { Create, Read };
  /// Collective. Create writes to "<path>.tmp" and renames on close(); Read opens `path`.
  H5File(MPI_Comm comm, const std::string& path, Mode mode);
  ~H5File();  ///< an un-closed Create file is removed (the run failed)
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;

  /// Collective: every rank passes its own block (count may be zero) of `data` (C order).
  void write(const std::string& dataset, const Block& block, const double* data, const DatasetInfo& info,
             bool single_precision = false);
  void write_int(const std::string& dataset, const Block& block, const long long* data, const DatasetInfo& info);
  /// Collective write of a small array identical on all ranks (rank 0's copy is written).
  void write_replicated(const std::string& dataset, const std::vector<double>& values, const DatasetInfo& info);
  void read(const std::string& dataset, const Block& block, double* data) const;
  void read_int(const std::string& dataset, const Block& block, long long* data) const;
  std::vector<double> read_replicated(const std::string& dataset) const;
  std::vector<unsigned long long> dims(const std::string& dataset) const;
  bool has(const std::string& path) const;

  /// Attributes on the root group (or on `object` if given). Collective, identical on all ranks.
  void set_attribute(const std::string& name, const std::string& value, const std::string& object = "/");
  void set_attribute(const std::string& name, double value, const std::string& object = "/");
  std::string string_attribute(const std::string& name, const std::string& object = "/") const;
  double real_attribute(const std::string& name, const std::string& object = "/") const;
  bool has_attribute(const std::string& name, const std::string& object = "/") const;

  /// Flushes, closes and (Create) renames the temporary file into place. Collective.
  void close();
  const std::string& path() const { return path_; }

 private:
  hid_t ensure_groups(const std::string& dataset);
  MPI_Comm comm_;
  std::string path_, tmp_path_;
  Mode mode_;
  hid_t file_ = -1;
};

}  // namespace hadal::io
