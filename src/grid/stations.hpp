// SPDX-License-Identifier: MIT
/// \file stations.hpp
/// \brief Named observation points: fields sampled in the cell holding each station, gathered to
/// rank 0 and appended to a CSV time series (one row per sample time).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "grid/field.hpp"
#include "io/csv.hpp"

namespace hadal::grid {

struct Station {
  std::string name;
  double x = 0, y = 0, z = 0;
};

/// Declares `output.stations` (list of {name, position: [x, y, z]}).
void declare_stations_schema(config::ObjectSpec& output);
/// Reads stations, failing with the key path if one lies outside the grid.
std::vector<Station> stations_from_config(const config::ConfigView& output, const StructuredGrid& grid);

class StationSeries {
 public:
  /// `fields` are sampled (3-D fields at the station's cell; maps at its column). With `resume` (a
  /// restart) the rows written before the restart time are kept.
  StationSeries(const StructuredGrid& grid, std::vector<Station> stations, std::vector<const Field*> fields,
                const std::string& path, bool resume = false);
  /// Collective.
  void sample(double time);
  bool empty() const { return stations_.empty(); }

 private:
  const StructuredGrid& grid_;
  std::vector<Station> stations_;
  std::vector<const Field*> fields_;
  std::unique_ptr<io::CsvSeries> csv_;
};

}  // namespace hadal::grid
