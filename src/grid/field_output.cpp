// SPDX-License-Identifier: MIT
#include "grid/field_output.hpp"

#include <filesystem>

#include "io/hdf5_file.hpp"

namespace hadal::grid {

namespace {
constexpr const char* kGridFile = "grid.h5";
}

FieldSeriesWriter::FieldSeriesWriter(const StructuredGrid& grid, std::string directory, std::string series, Kind kind,
                                     bool resume)
    : grid_(grid), directory_(std::move(directory)), series_(std::move(series)), kind_(kind) {
  io::RectilinearMesh mesh;
  mesh.coordinates_file = kGridFile;
  mesh.x_path = "/grid/x_nodes";
  mesh.y_path = "/grid/y_nodes";
  mesh.z_path = "/grid/z_nodes";
  mesh.nx_nodes = static_cast<std::size_t>(grid.nx()) + 1;
  mesh.ny_nodes = static_cast<std::size_t>(grid.ny()) + 1;
  mesh.nz_nodes = kind == Kind::Volume ? static_cast<std::size_t>(grid.nz()) + 1 : 0;
  index_ = std::make_unique<io::XdmfSeries>(directory_ + "/" + series_ + ".xmf", series_, mesh, resume);
  if (!std::filesystem::exists(directory_ + "/" + kGridFile)) write_grid_file();
}

void FieldSeriesWriter::write_grid_file() const {
  io::H5File file(grid_.comm(), directory_ + "/" + kGridFile, io::H5File::Mode::Create);
  file.write_replicated("/grid/x_nodes", grid_.x_nodes(), {"m", "x coordinate of cell faces (east)", "node"});
  file.write_replicated("/grid/y_nodes", grid_.y_nodes(), {"m", "y coordinate of cell faces (north)", "node"});
  file.write_replicated("/grid/z_nodes", grid_.z_nodes(), {"m", "elevation of cell faces", "node"});
  file.close();
}

void FieldSeriesWriter::write(long step, double time, const std::vector<const Field*>& fields) {
  char name[64];
  std::snprintf(name, sizeof name, "%s_%06ld.h5", series_.c_str(), step);
  const std::string file_name = name;
  io::H5File file(grid_.comm(), directory_ + "/" + file_name, io::H5File::Mode::Create);
  file.set_attribute("time", time);
  file.set_attribute("step", static_cast<double>(step));
  for (const auto& [key, value] : attributes_) file.set_attribute(key, value);

  io::XdmfStep entry;
  entry.time = time;
  const auto& box = grid_.owned();
  for (const Field* field : fields) {
    io::Block block;
    const auto nk = static_cast<unsigned long long>(field->nk());
    if (kind_ == Kind::Volume) {
      block.global_dims = {nk, static_cast<unsigned long long>(grid_.ny()), static_cast<unsigned long long>(grid_.nx())};
      block.offset = {0, static_cast<unsigned long long>(box.j_begin), static_cast<unsigned long long>(box.i_begin)};
      block.count = {nk, static_cast<unsigned long long>(box.nj()), static_cast<unsigned long long>(box.ni())};
    } else {
      block.global_dims = {static_cast<unsigned long long>(grid_.ny()), static_cast<unsigned long long>(grid_.nx())};
      block.offset = {static_cast<unsigned long long>(box.j_begin), static_cast<unsigned long long>(box.i_begin)};
      block.count = {static_cast<unsigned long long>(box.nj()), static_cast<unsigned long long>(box.ni())};
    }
    const auto data = field->owned_block();
    const std::string dataset = "/fields/" + field->name();
    file.write(dataset, block, data.data(), {field->units(), field->long_name(), "cell"}, single_precision);
    io::XdmfAttribute attribute;
    attribute.name = field->name();
    attribute.file = file_name;
    attribute.dataset = dataset;
    attribute.dims.assign(block.global_dims.begin(), block.global_dims.end());
    attribute.single_precision = single_precision;
    entry.attributes.push_back(attribute);
  }
  file.close();
  if (grid_.rank() == 0) index_->add_step(entry);
}

}  // namespace hadal::grid
