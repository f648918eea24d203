// SPDX-License-Identifier: MIT
#include "io/xdmf.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "core/error.hpp"
#include "io/json.hpp"

namespace hadal::io {

namespace {

std::string dims_text(const std::vector<std::size_t>& dims) {
  std::string s;
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? " " : "") + std::to_string(dims[i]);
  return s;
}

void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << text;
    if (!out) throw IoError("cannot write '" + tmp + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw IoError("cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
}

std::string time_text(double t) {
  std::ostringstream out;
  out << std::setprecision(17) << t;
  return out.str();
}

}  // namespace

XdmfSeries::XdmfSeries(std::string path, std::string name, RectilinearMesh mesh, bool resume)
    : path_(std::move(path)), name_(std::move(name)), mesh_(std::move(mesh)) {
  const std::string sidecar = path_ + ".steps.json";
  if (!resume || !std::filesystem::exists(sidecar)) return;
  for (const auto& s : read_json(sidecar)) {
    XdmfStep step;
    step.time = s.at("time").get<double>();
    for (const auto& a : s.at("attributes")) {
      XdmfAttribute attribute;
      attribute.name = a.at("name").get<std::string>();
      attribute.file = a.at("file").get<std::string>();
      attribute.dataset = a.at("dataset").get<std::string>();
      attribute.dims = a.at("dims").get<std::vector<std::size_t>>();
      attribute.vector = a.at("vector").get<bool>();
      attribute.single_precision = a.at("single_precision").get<bool>();
      attribute.node_centered = a.at("node_centered").get<bool>();
      step.attributes.push_back(attribute);
    }
    steps_.push_back(step);
  }
}

void XdmfSeries::add_step(XdmfStep step) {
  // A restarted run rewrites the steps after its checkpoint: the new entry replaces them.
  while (!steps_.empty() && steps_.back().time >= step.time) steps_.pop_back();
  steps_.push_back(std::move(step));
  write();
}

void XdmfSeries::write() const {
  const bool three_d = mesh_.nz_nodes > 0;
  std::ostringstream x;
  x << "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n <Domain>\n";
  x << "  <Grid Name=\"" << name_ << "\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
  for (std::size_t s = 0; s < steps_.size(); ++s) {
    const auto& step = steps_[s];
    x << "   <Grid Name=\"" << name_ << "_" << s << "\" GridType=\"Uniform\">\n";
    x << "    <Time Value=\"" << time_text(step.time) << "\"/>\n";
    const auto& m = mesh_;
    auto item = [&](std::size_t n, const std::string& path) {
      x << "     <DataItem Dimensions=\"" << n << "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">"
        << m.coordinates_file << ":" << path << "</DataItem>\n";
    };
    if (three_d) {
      x << "    <Topology TopologyType=\"3DRectMesh\" Dimensions=\"" << m.nz_nodes << " " << m.ny_nodes << " "
        << m.nx_nodes << "\"/>\n";
      x << "    <Geometry GeometryType=\"VXVYVZ\">\n";
      item(m.nx_nodes, m.x_path);
      item(m.ny_nodes, m.y_path);
      item(m.nz_nodes, m.z_path);
    } else if (!m.xy_path.empty()) {
      x << "    <Topology TopologyType=\"2DSMesh\" Dimensions=\"" << m.ny_nodes << " " << m.nx_nodes << "\"/>\n";
      x << "    <Geometry GeometryType=\"XY\">\n";
      x << "     <DataItem Dimensions=\"" << m.ny_nodes << " " << m.nx_nodes << " 2\" NumberType=\"Float\" "
        << "Precision=\"8\" Format=\"HDF\">" << m.coordinates_file << ":" << m.xy_path << "</DataItem>\n";
    } else {
      x << "    <Topology TopologyType=\"2DRectMesh\" Dimensions=\"" << m.ny_nodes << " " << m.nx_nodes << "\"/>\n";
      x << "    <Geometry GeometryType=\"VXVY\">\n";
      item(m.nx_nodes, m.x_path);
      item(m.ny_nodes, m.y_path);
    }
    x << "    </Geometry>\n";
    for (const auto& a : step.attributes) {
      x << "    <Attribute Name=\"" << a.name << "\" AttributeType=\"" << (a.vector ? "Vector" : "Scalar")
        << "\" Center=\"" << (a.node_centered ? "Node" : "Cell") << "\">\n";
      x << "     <DataItem Dimensions=\"" << dims_text(a.dims) << "\" NumberType=\"Float\" Precision=\""
        << (a.single_precision ? 4 : 8) << "\" Format=\"HDF\">" << a.file << ":" << a.dataset << "</DataItem>\n";
      x << "    </Attribute>\n";
    }
    x << "   </Grid>\n";
  }
  x << "  </Grid>\n </Domain>\n</Xdmf>\n";
  write_atomically(path_, x.str());

  Json record = Json::array();
  for (const auto& step : steps_) {
    Json attributes = Json::array();
    for (const auto& a : step.attributes) {
      attributes.push_back({{"name", a.name}, {"file", a.file}, {"dataset", a.dataset}, {"dims", a.dims},
                            {"vector", a.vector}, {"single_precision", a.single_precision},
                            {"node_centered", a.node_centered}});
    }
    record.push_back({{"time", step.time}, {"attributes", attributes}});
  }
  write_json_atomically(path_ + ".steps.json", record);
}

void write_point_series(const std::string& path, const std::string& name, const std::vector<XdmfPointStep>& steps) {
  std::ostringstream x;
  x << "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n <Domain>\n";
  x << "  <Grid Name=\"" << name << "\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const auto& step = steps[s];
    x << "   <Grid Name=\"" << name << "_" << s << "\" GridType=\"Uniform\">\n";
    x << "    <Time Value=\"" << time_text(step.time) << "\"/>\n";
    x << "    <Topology TopologyType=\"Polyvertex\" NumberOfElements=\"" << step.count << "\" NodesPerElement=\"1\">\n";
    x << "     <DataItem Dimensions=\"" << step.count << "\" NumberType=\"Int\" Precision=\"8\" Format=\"HDF\">"
      << step.file << ":" << step.connectivity_dataset << "</DataItem>\n    </Topology>\n";
    x << "    <Geometry GeometryType=\"XYZ\">\n     <DataItem Dimensions=\"" << step.count
      << " 3\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">" << step.file << ":" << step.position_dataset
      << "</DataItem>\n    </Geometry>\n";
    for (const auto& [attribute, dataset] : step.scalars) {
      x << "    <Attribute Name=\"" << attribute << "\" AttributeType=\"Scalar\" Center=\"Node\">\n";
      x << "     <DataItem Dimensions=\"" << step.count << "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">"
        << step.file << ":" << dataset << "</DataItem>\n    </Attribute>\n";
    }
    x << "   </Grid>\n";
  }
  x << "  </Grid>\n </Domain>\n</Xdmf>\n";
  write_atomically(path, x.str());
}

}  // namespace hadal::io
