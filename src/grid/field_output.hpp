// SPDX-License-Identifier: MIT
/// \file field_output.hpp
/// \brief Time series of grid fields as one HDF5 file per output step plus an XDMF index.
///
/// Layout in the output directory: grid.h5 (node coordinates, written once), <series>_<step>.h5
/// (/fields/<name>, [nk][ny][nx], x fastest, with units and long_name), <series>.xmf.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grid/field.hpp"
#include "io/xdmf.hpp"

namespace hadal::grid {

class FieldSeriesWriter {
 public:
  enum class Kind { Volume, Map };  ///< 3-D cell fields, or 2-D maps (nk == 1) on the x-y mesh

  /// Collective. `metadata` (e.g. the resolved case YAML) is stored as root attributes of each file.
  /// With `resume` (a restart), the index keeps the steps written before the checkpoint.
  FieldSeriesWriter(const StructuredGrid& grid, std::string directory, std::string series, Kind kind,
                    bool resume = false);

  /// Collective: writes one step with `fields` (all with nk == nz for Volume, 1 for Map).
  void write(long step, double time, const std::vector<const Field*>& fields);
  void set_attribute(const std::string& name, const std::string& value) { attributes_.emplace_back(name, value); }
  bool single_precision = true;  ///< visualisation output in float32; checkpoints stay float64

 private:
  void write_grid_file() const;
  const StructuredGrid& grid_;
  std::string directory_, series_;
  Kind kind_;
  std::unique_ptr<io::XdmfSeries> index_;
  std::vector<std::pair<std::string, std::string>> attributes_;
};

}  // namespace hadal::grid
