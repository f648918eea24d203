// SPDX-License-Identifier: MIT
#include "sim/checkpoint.hpp"

#include <cstdio>

#include "core/error.hpp"
#include "core/runtime.hpp"

namespace hadal::sim {

namespace {

io::Block field_block(const grid::Field& field) {
  const auto& g = field.grid();
  const auto& box = g.owned();
  io::Block block;
  block.global_dims = {static_cast<unsigned long long>(field.nk()), static_cast<unsigned long long>(g.ny()),
                       static_cast<unsigned long long>(g.nx())};
  block.offset = {0, static_cast<unsigned long long>(box.j_begin), static_cast<unsigned long long>(box.i_begin)};
  block.count = {static_cast<unsigned long long>(field.nk()), static_cast<unsigned long long>(box.nj()),
                 static_cast<unsigned long long>(box.ni())};
  return block;
}

std::vector<unsigned long long> counts_of_all_ranks(MPI_Comm comm, unsigned long long local) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  std::vector<unsigned long long> counts(static_cast<std::size_t>(size));
  MPI_Allgather(&local, 1, MPI_UNSIGNED_LONG_LONG, counts.data(), 1, MPI_UNSIGNED_LONG_LONG, comm);
  return counts;
}

// FNV-1a, 64 bit: a stable fingerprint, not a security hash.
std::string fnv1a_hex(const std::string& text) {
  unsigned long long h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", h);
  return buffer;
}

}  // namespace

std::string physics_hash(const YAML::Node& resolved_tree) {
  // Keys that change how long or where a run writes, not what it computes.
  YAML::Node tree = YAML::Clone(resolved_tree);
  tree.remove("output");
  tree.remove("checkpoint");
  if (tree["case"]) {
    tree["case"].remove("name");
    tree["case"].remove("description");
  }
  if (tree["time"]) {
    for (const char* key : {"end", "max_steps", "wall_time_limit", "progress_interval"}) tree["time"].remove(key);
  }
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << tree;
  return fnv1a_hex(out.c_str());
}

std::string physics_hash(const config::ResolvedCase& resolved) { return physics_hash(resolved.tree); }

CheckpointWriter::CheckpointWriter(MPI_Comm comm, const std::string& path, const CheckpointIdentity& identity,
                                   long step, double time)
    : comm_(comm), file_(comm, path, io::H5File::Mode::Create) {
  file_.set_attribute("case_type", identity.case_type);
  file_.set_attribute("physics_hash", identity.physics_hash);
  file_.set_attribute("ranks", static_cast<double>(identity.ranks));
  file_.set_attribute("cells", static_cast<double>(identity.cells));
  file_.set_attribute("step", static_cast<double>(step));
  file_.set_attribute("time", time);
  file_.set_attribute("hadal_version", hadal_version() + " " + git_hash());
}

void CheckpointWriter::field(const grid::Field& field) {
  const auto data = field.owned_block();
  file_.write("/fields/" + field.name(), field_block(field), data.data(), {field.units(), field.long_name(), "cell"});
}

void CheckpointWriter::scalar(const std::string& name, double value) { scalars(name, {value}); }

void CheckpointWriter::scalars(const std::string& name, const std::vector<double>& values) {
  file_.write_replicated("/scalars/" + name, values, {"", name, "none"});
}

void CheckpointWriter::distributed(const std::string& name, const std::vector<double>& local) {
  const auto counts = counts_of_all_ranks(comm_, local.size());
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  unsigned long long offset = 0, total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    if (static_cast<int>(r) < rank) offset += counts[r];
    total += counts[r];
  }
  io::Block block{{total}, {offset}, {local.size()}};
  file_.write("/distributed/" + name, block, local.data(), {"", name, "none"});
  file_.write_replicated("/distributed/" + name + "_counts", std::vector<double>(counts.begin(), counts.end()),
                         {"1", "entries per rank", "none"});
}

void CheckpointWriter::commit() { file_.close(); }

CheckpointReader::CheckpointReader(MPI_Comm comm, const std::string& path, const CheckpointIdentity& expected)
    : comm_(comm) {
  file_ = std::make_unique<io::H5File>(comm, path, io::H5File::Mode::Read);
  auto problem = [&](const std::string& what) {
    throw InputError(std::vector<Diagnostic>{{path, 0, 0, "--restart", "checkpoint does not belong to this case: " + what}});
  };
  if (!file_->has_attribute("physics_hash")) problem("it is not a hadal checkpoint");
  const std::string type = file_->string_attribute("case_type");
  if (type != expected.case_type) problem("it was written by a '" + type + "' case, this case is '" + expected.case_type + "'");
  const long long cells = static_cast<long long>(file_->real_attribute("cells"));
  if (cells != expected.cells) {
    problem("its grid has " + std::to_string(cells) + " cells, this case has " + std::to_string(expected.cells));
  }
  if (file_->string_attribute("physics_hash") != expected.physics_hash) {
    problem("the physics settings differ (only output, checkpoint and time.end/max_steps may change on restart)");
  }
  step_ = static_cast<long>(file_->real_attribute("step"));
  time_ = file_->real_attribute("time");
}

void CheckpointReader::field(grid::Field& field) const {
  const std::string name = "/fields/" + field.name();
  if (!file_->has(name)) throw InputError("checkpoint " + file_->path() + " has no field '" + field.name() + "'");
  const io::Block block = field_block(field);
  std::vector<double> data(block.count[0] * block.count[1] * block.count[2]);
  file_->read(name, block, data.data());
  field.set_owned_block(data);
  field.exchange_halo();
}

double CheckpointReader::scalar(const std::string& name) const { return scalars(name).at(0); }

std::vector<double> CheckpointReader::scalars(const std::string& name) const {
  if (!file_->has("/scalars/" + name)) throw InputError("checkpoint " + file_->path() + " has no value '" + name + "'");
  return file_->read_replicated("/scalars/" + name);
}

std::vector<double> CheckpointReader::distributed(const std::string& name) const {
  const auto counts = file_->read_replicated("/distributed/" + name + "_counts");
  int rank = 0, size = 1;
  MPI_Comm_rank(comm_, &rank);
  MPI_Comm_size(comm_, &size);
  if (static_cast<int>(counts.size()) != size) {
    throw InputError("checkpoint " + file_->path() + " was written by " + std::to_string(counts.size()) +
                     " ranks; restart it on the same number of ranks");
  }
  unsigned long long offset = 0, total = 0;
  for (int r = 0; r < size; ++r) {
    if (r < rank) offset += static_cast<unsigned long long>(counts[r]);
    total += static_cast<unsigned long long>(counts[r]);
  }
  const auto n = static_cast<unsigned long long>(counts[rank]);
  std::vector<double> local(n);
  file_->read("/distributed/" + name, io::Block{{total}, {offset}, {n}}, local.data());
  return local;
}

}  // namespace hadal::sim
