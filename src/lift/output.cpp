// SPDX-License-Identifier: MIT
#include "lift/output.hpp"

#include <cstdio>

#include "io/hdf5_file.hpp"

namespace hadal::lift {
namespace {

std::vector<double> nodes_of(const PipeCells& cells) {
  std::vector<double> x;
  double s = 0.0;
  x.push_back(s);
  for (double l : cells.length) x.push_back(s += l);
  return x;
}

io::Block row_block(MPI_Comm comm, std::size_t n) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  io::Block b;
  b.global_dims = {1, n};
  b.offset = {0, 0};
  b.count = {rank == 0 ? 1ull : 0ull, rank == 0 ? n : 0ull};
  return b;
}

}  // namespace

ProfileWriter::ProfileWriter(MPI_Comm comm, const std::string& directory, const PipeCells& riser,
                             const PipeCells& supply, double resume_time)
    : comm_(comm), directory_(directory), n_riser_(riser.s.size()), n_supply_(supply.s.size()) {
  const std::string mesh_file = "lift_mesh.h5";
  {
    io::H5File f(comm_, directory_ + "/" + mesh_file, io::H5File::Mode::Create);
    f.write_replicated("/riser/x", nodes_of(riser), {"m", "arc length along the riser from the feeder", "node"});
    f.write_replicated("/riser/y", {0.0, 1.0}, {"1", "dummy second axis", "node"});
    f.write_replicated("/supply/x", nodes_of(supply), {"m", "arc length along a supply pipe from the ship", "node"});
    f.write_replicated("/supply/y", {0.0, 1.0}, {"1", "dummy second axis", "node"});
    f.close();
  }
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  if (rank == 0) {
    riser_index_ = std::make_unique<io::XdmfSeries>(
        directory_ + "/lift_riser.xmf", "riser",
        io::RectilinearMesh{mesh_file, "/riser/x", "/riser/y", "", n_riser_ + 1, 2, 0, ""}, resume_time);
    supply_index_ = std::make_unique<io::XdmfSeries>(
        directory_ + "/lift_supply.xmf", "supply",
        io::RectilinearMesh{mesh_file, "/supply/x", "/supply/y", "", n_supply_ + 1, 2, 0, ""}, resume_time);
  }
}

void ProfileWriter::write(long step, double time, const PipeProfile& riser, const PipeProfile& supply) {
  char name[64];
  std::snprintf(name, sizeof name, "lift_profiles_%09ld.h5", step);
  io::H5File f(comm_, directory_ + "/" + name, io::H5File::Mode::Create);
  f.set_attribute("time", time);
  struct Item {
    const char* pipe;
    const char* field;
    const std::vector<double>* data;
    io::DatasetInfo info;
  };
  std::vector<double> riser_over(riser.pressure.size()), supply_over(supply.pressure.size());
  for (std::size_t i = 0; i < riser_over.size(); ++i) riser_over[i] = riser.pressure[i] - riser.ambient[i];
  for (std::size_t i = 0; i < supply_over.size(); ++i) supply_over[i] = supply.pressure[i] - supply.ambient[i];
  std::vector<Item> items = {
      {"riser", "pressure", &riser.pressure, {"Pa", "gauge pressure in the riser"}},
      {"riser", "overpressure", &riser_over, {"Pa", "riser pressure above the ambient seawater column"}},
      {"riser", "concentration", &riser.concentration, {"1", "in-situ volume concentration of coarse ore"}},
      {"riser", "solids_velocity", &riser.solids_velocity, {"m s-1", "coarse-ore velocity along the riser"}},
      {"riser", "depth", &riser.depth, {"m", "depth below the ship manifold"}},
      {"supply", "pressure", &supply.pressure, {"Pa", "gauge pressure in a supply pipe"}},
      {"supply", "overpressure", &supply_over, {"Pa", "supply pressure above the ambient seawater column"}},
      {"supply", "depth", &supply.depth, {"m", "depth below the ship manifold"}},
  };
  // The elastic model's envelopes so far and cavities.
  for (const auto* prof : {&riser, &supply}) {
    const char* pipe = prof == &riser ? "riser" : "supply";
    if (prof->pressure_max.empty()) continue;
    items.push_back({pipe, "pressure_max", &prof->pressure_max, {"Pa", "highest gauge pressure so far"}});
    items.push_back({pipe, "pressure_min", &prof->pressure_min, {"Pa", "lowest gauge pressure so far"}});
    items.push_back({pipe, "cavity_volume", &prof->cavity_volume, {"m3", "vapour cavity volume in the cell"}});
  }
  io::XdmfStep riser_step, supply_step;
  riser_step.time = supply_step.time = time;
  for (const auto& it : items) {
    const std::size_t n = it.data->size();
    const std::string dataset = std::string("/") + it.pipe + "/" + it.field;
    f.write(dataset, row_block(comm_, n), it.data->data(), it.info);
    io::XdmfAttribute a;
    a.name = it.field;
    a.file = name;
    a.dataset = dataset;
    a.dims = {1, n};
    (std::string(it.pipe) == "riser" ? riser_step : supply_step).attributes.push_back(a);
  }
  f.close();
  if (riser_index_) {
    riser_index_->add_step(riser_step);
    supply_index_->add_step(supply_step);
  }
}

int comm_rank(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

void write_series_h5(MPI_Comm comm, const std::string& path, const std::vector<std::string>& names,
                     const std::vector<std::vector<double>>& columns, const std::vector<std::string>& units) {
  io::H5File f(comm, path, io::H5File::Mode::Create);
  for (std::size_t k = 0; k < names.size(); ++k)
    f.write_replicated("/" + names[k], columns[k], {units[k], names[k], "none"});
  f.close();
}

}  // namespace hadal::lift
