// SPDX-License-Identifier: MIT
/// \file xdmf.hpp
/// \brief XDMF 3 light-data index of an HDF5 time series, so ParaView opens a run with one click.
#pragma once

#include <string>
#include <vector>

namespace hadal::io {

/// A rectilinear mesh given by node coordinates (VXVYVZ). 2-D meshes leave z empty. A 2-D mesh
/// with `xy_path` is curvilinear instead (2DSMesh): that dataset holds every node's (x, y),
/// [ny_nodes][nx_nodes][2], and x_path/y_path are not used.
struct RectilinearMesh {
  std::string coordinates_file;  ///< HDF5 file, relative to the .xmf
  std::string x_path, y_path, z_path;
  std::size_t nx_nodes = 0, ny_nodes = 0, nz_nodes = 0;  ///< nz_nodes == 0 => 2-D
  std::string xy_path;
};

struct XdmfAttribute {
  std::string name;
  std::string file;             ///< HDF5 file relative to the .xmf
  std::string dataset;          ///< path inside the file
  std::vector<std::size_t> dims;  ///< slowest first; a trailing 3 for vectors
  bool vector = false;
  bool single_precision = false;
  bool node_centered = false;
};

struct XdmfStep {
  double time = 0.0;
  std::vector<XdmfAttribute> attributes;
};

/// Writes the whole temporal collection atomically (tmp + rename) each time a step is added. The
/// steps are mirrored in "<path>.steps.json" so a restarted run can continue the same index.
class XdmfSeries {
 public:
  /// With `resume` (a restart), the steps recorded by the earlier run are kept until overwritten.
  XdmfSeries(std::string path, std::string name, RectilinearMesh mesh, bool resume = false);
  /// Appends a step, dropping recorded steps at or after its time, and rewrites the file (rank 0 only).
  void add_step(XdmfStep step);
  const std::vector<XdmfStep>& steps() const { return steps_; }
  void write() const;

 private:
  std::string path_, name_;
  RectilinearMesh mesh_;
  std::vector<XdmfStep> steps_;
};

/// Polyvertex particle clouds, one step per file group.
struct XdmfPointStep {
  double time = 0.0;
  std::string file;               ///< HDF5 file relative to the .xmf
  std::string position_dataset;   ///< [N][3]
  std::string connectivity_dataset;  ///< [N] ints 0..N-1
  std::size_t count = 0;
  std::vector<std::pair<std::string, std::string>> scalars;  ///< (name, dataset) with [N] values
};

void write_point_series(const std::string& path, const std::string& name, const std::vector<XdmfPointStep>& steps);

}  // namespace hadal::io
