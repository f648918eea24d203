// SPDX-License-Identifier: MIT
/// \file checkpoint.hpp
/// \brief Full-precision checkpoints: fields, scalars and the identity of the case they belong to.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grid/field.hpp"
#include "io/hdf5_file.hpp"

namespace hadal::sim {

/// What must match for a restart to be accepted.
struct CheckpointIdentity {
  std::string case_type;
  std::string physics_hash;  ///< hash of the resolved case without output/time-control keys
  int ranks = 1;
  long long cells = 0;
};

class CheckpointWriter {
 public:
  CheckpointWriter(MPI_Comm comm, const std::string& path, const CheckpointIdentity& identity, long step,
                   double time);
  void field(const grid::Field& field);  ///< owned cells, float64
  void scalar(const std::string& name, double value);
  void scalars(const std::string& name, const std::vector<double>& values);  ///< replicated values
  /// Distributed 1-D data: each rank contributes `local` (any length); read back on the same ranks.
  void distributed(const std::string& name, const std::vector<double>& local);
  void commit();  ///< collective close + rename into place
  io::H5File& file() { return file_; }

 private:
  MPI_Comm comm_;
  io::H5File file_;
};

class CheckpointReader {
 public:
  /// Opens and checks the identity; throws InputError naming what differs.
  CheckpointReader(MPI_Comm comm, const std::string& path, const CheckpointIdentity& expected);
  long step() const { return step_; }
  double time() const { return time_; }
  void field(grid::Field& field) const;
  double scalar(const std::string& name) const;
  std::vector<double> scalars(const std::string& name) const;
  std::vector<double> distributed(const std::string& name) const;
  io::H5File& file() { return *file_; }

 private:
  MPI_Comm comm_;
  std::unique_ptr<io::H5File> file_;
  long step_ = 0;
  double time_ = 0.0;
};

/// Hash (hex) of the physics-relevant part of a resolved case (drops output/checkpoint/time.end...).
std::string physics_hash(const config::ResolvedCase& resolved);
std::string physics_hash(const YAML::Node& resolved_tree);

}  // namespace hadal::sim
