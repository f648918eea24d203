// SPDX-License-Identifier: MIT
#include "grid/stations.hpp"

namespace hadal::grid {

void declare_stations_schema(config::ObjectSpec& output) {
  auto& station = output.object_list("stations", "Points where fields are recorded at every step into stations.csv");
  output.key("stations").optional();
  station.string("name", "Station name (CSV column prefix)").required();
  station.reals("position", units::kLength, "x, y, z of the station").items(3).required();
}

std::vector<Station> stations_from_config(const config::ConfigView& output, const StructuredGrid& grid) {
  std::vector<Station> stations;
  if (!output.has("stations")) return stations;
  for (const auto& s : output.children("stations")) {
    const auto p = s.reals("position");
    if (grid.cell_i(p[0]) < 0 || grid.cell_j(p[1]) < 0 || grid.cell_k(p[2]) < 0) {
      s.fail("position", "station lies outside the grid");
    }
    stations.push_back({s.string("name"), p[0], p[1], p[2]});
  }
  return stations;
}

StationSeries::StationSeries(const StructuredGrid& grid, std::vector<Station> stations,
                             std::vector<const Field*> fields, const std::string& path, bool resume)
    : grid_(grid), stations_(std::move(stations)), fields_(std::move(fields)) {
  if (stations_.empty() || grid.rank() != 0) return;
  std::vector<std::string> columns{"time_s"};
  for (const auto& s : stations_) {
    for (const auto* f : fields_) columns.push_back(s.name + ":" + f->name() + "[" + f->units() + "]");
  }
  csv_ = std::make_unique<io::CsvSeries>(path, columns, resume);
}

void StationSeries::sample(double time) {
  if (stations_.empty()) return;
  std::vector<double> local(stations_.size() * fields_.size(), 0.0);
  // Each value comes from the one rank that owns the station's column; a sum gathers them.
  for (std::size_t s = 0; s < stations_.size(); ++s) {
    const int gi = grid_.cell_i(stations_[s].x), gj = grid_.cell_j(stations_[s].y), k = grid_.cell_k(stations_[s].z);
    if (!grid_.owns(gi, gj)) continue;
    for (std::size_t f = 0; f < fields_.size(); ++f) {
      const auto view = fields_[f]->view();
      const int kk = fields_[f]->nk() == 1 ? 0 : k;
      auto one = Kokkos::subview(view, grid_.local_i(gi), grid_.local_j(gj), kk);
      double value = 0.0;
      Kokkos::deep_copy(value, one);
      local[s * fields_.size() + f] = value;
    }
  }
  std::vector<double> values(local.size());
  MPI_Reduce(local.data(), values.data(), static_cast<int>(local.size()), MPI_DOUBLE, MPI_SUM, 0, grid_.comm());
  if (csv_) {
    values.insert(values.begin(), time);
    csv_->row(values);
  }
}

}  // namespace hadal::grid
