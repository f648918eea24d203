// SPDX-License-Identifier: MIT
#include "io/hdf5_file.hpp"

#include <cstdio>
#include <filesystem>

#include "core/error.hpp"

namespace hadal::io {

namespace {

void check(herr_t status, const std::string& what) {
  if (status < 0) throw IoError("HDF5: " + what + " failed");
}

// RAII for HDF5 identifiers.
struct Id {
  hid_t id;
  herr_t (*close)(hid_t);
  Id(hid_t i, herr_t (*c)(hid_t), const std::string& what) : id(i), close(c) {
    if (id < 0) throw IoError("HDF5: " + what + " failed");
  }
  ~Id() {
    if (id >= 0) close(id);
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  operator hid_t() const { return id; }
};

std::vector<hsize_t> to_hsize(const std::vector<unsigned long long>& v) { return {v.begin(), v.end()}; }

}  // namespace

H5File::H5File(MPI_Comm comm, const std::string& path, Mode mode) : comm_(comm), path_(path), mode_(mode) {
  Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "property list");
  check(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL), "H5Pset_fapl_mpio");
  check(H5Pset_all_coll_metadata_ops(fapl, true), "collective metadata reads");
  check(H5Pset_coll_metadata_write(fapl, true), "collective metadata writes");
  H5E_BEGIN_TRY {
    if (mode == Mode::Create) {
      tmp_path_ = path + ".tmp";
      file_ = H5Fcreate(tmp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    } else {
      file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
    }
  }
  H5E_END_TRY;
  if (file_ < 0) {
    if (mode == Mode::Create) throw IoError("cannot create HDF5 file '" + tmp_path_ + "' (is the directory writable?)");
    throw InputError(std::vector<Diagnostic>{{path, 0, 0, "", "cannot open as an HDF5 file (missing or corrupt)"}});
  }
}

H5File::~H5File() {
  if (file_ >= 0) {
    H5Fclose(file_);
    if (mode_ == Mode::Create) {
      int rank = 0;
      MPI_Comm_rank(comm_, &rank);
      if (rank == 0) std::remove(tmp_path_.c_str());
    }
  }
}

void H5File::close() {
  if (file_ < 0) return;
  check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
  check(H5Fclose(file_), "close");
  file_ = -1;
  if (mode_ == Mode::Create) {
    MPI_Barrier(comm_);
    int rank = 0;
    MPI_Comm_rank(comm_, &rank);
    int ok = 1;
    if (rank == 0) {
      std::error_code ec;
      std::filesystem::rename(tmp_path_, path_, ec);
      ok = ec ? 0 : 1;
    }
    MPI_Bcast(&ok, 1, MPI_INT, 0, comm_);
    if (!ok) throw IoError("cannot rename '" + tmp_path_ + "' to '" + path_ + "'");
  }
}

hid_t H5File::ensure_groups(const std::string& dataset) {
  std::size_t pos = 1;
  while ((pos = dataset.find('/', pos)) != std::string::npos) {
    const std::string group = dataset.substr(0, pos);
    if (H5Lexists(file_, group.c_str(), H5P_DEFAULT) <= 0) {
      const hid_t g = H5Gcreate2(file_, group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      if (g < 0) throw IoError("HDF5: cannot create group " + group);
      H5Gclose(g);
    }
    ++pos;
  }
  return file_;
}

namespace {

void write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  Id type(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  check(H5Tset_size(type, value.empty() ? 1 : value.size()), "string size");
  check(H5Tset_strpad(type, H5T_STR_NULLTERM), "string padding");
  Id space(H5Screate(H5S_SCALAR), H5Sclose, "scalar space");
  if (H5Aexists(object, name.c_str()) > 0) H5Adelete(object, name.c_str());
  Id attribute(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, "attribute " + name);
  check(H5Awrite(attribute, type, value.c_str()), "write attribute " + name);
}

void write_dataset_info(hid_t dataset, const DatasetInfo& info) {
  write_string_attribute(dataset, "units", info.units.empty() ? "1" : info.units);
  write_string_attribute(dataset, "long_name", info.long_name);
  write_string_attribute(dataset, "centering", info.centering);
}

}  // namespace

namespace {

// Collective hyperslab transfer of this rank's block (count may be zero) between memory and a dataset.
void transfer(hid_t dataset, const Block& block, hid_t memtype, void* data, bool writing, const std::string& name) {
  Id filespace(H5Dget_space(dataset), H5Sclose, "dataspace of " + name);
  const auto offset = to_hsize(block.offset);
  const auto count = to_hsize(block.count);
  hsize_t n = 1;
  for (auto c : count) n *= c;
  Id memspace(H5Screate_simple(1, &n, nullptr), H5Sclose, "memory space");
  if (n == 0) {
    H5Sselect_none(filespace);
    H5Sselect_none(memspace);
  } else {
    check(H5Sselect_hyperslab(filespace, H5S_SELECT_SET, offset.data(), nullptr, count.data(), nullptr), "hyperslab");
  }
  Id dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "transfer property list");
  check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "collective transfer");
  if (writing) {
    check(H5Dwrite(dataset, memtype, memspace, filespace, dxpl, data), "write " + name);
  } else {
    check(H5Dread(dataset, memtype, memspace, filespace, dxpl, data), "read " + name);
  }
}

}  // namespace

void H5File::write(const std::string& name, const Block& block, const double* data, const DatasetInfo& info,
                   bool single_precision) {
  ensure_groups(name);
  const auto dims = to_hsize(block.global_dims);
  Id filespace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, "dataspace");
  const hid_t file_type = single_precision ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
  Id dataset(H5Dcreate2(file_, name.c_str(), file_type, filespace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose, "create dataset " + name);
  transfer(dataset, block, H5T_NATIVE_DOUBLE, const_cast<double*>(data), true, name);
  write_dataset_info(dataset, info);
}

void H5File::write_int(const std::string& name, const Block& block, const long long* data, const DatasetInfo& info) {
  ensure_groups(name);
  const auto dims = to_hsize(block.global_dims);
  Id filespace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, "dataspace");
  Id dataset(H5Dcreate2(file_, name.c_str(), H5T_STD_I64LE, filespace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose, "create dataset " + name);
  transfer(dataset, block, H5T_NATIVE_LLONG, const_cast<long long*>(data), true, name);
  write_dataset_info(dataset, info);
}

void H5File::write_replicated(const std::string& name, const std::vector<double>& values, const DatasetInfo& info) {
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  Block block;
  block.global_dims = {values.size()};
  block.offset = {0};
  block.count = {rank == 0 ? values.size() : 0};
  write(name, block, values.data(), info);
}

void H5File::read(const std::string& name, const Block& block, double* data) const {
  Id dataset(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + name + " in " + path_);
  transfer(dataset, block, H5T_NATIVE_DOUBLE, data, false, name);
}

void H5File::read_int(const std::string& name, const Block& block, long long* data) const {
  Id dataset(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + name + " in " + path_);
  transfer(dataset, block, H5T_NATIVE_LLONG, data, false, name);
}

std::vector<double> H5File::read_replicated(const std::string& name) const {
  const auto d = dims(name);
  unsigned long long n = 1;
  for (auto v : d) n *= v;
  std::vector<double> values(n);
  Block block;
  block.global_dims = d;
  block.offset.assign(d.size(), 0);
  block.count = d;
  read(name, block, values.data());
  return values;
}

std::vector<unsigned long long> H5File::dims(const std::string& name) const {
  Id dataset(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + name + " in " + path_);
  Id space(H5Dget_space(dataset), H5Sclose, "dataspace");
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> d(static_cast<std::size_t>(rank > 0 ? rank : 0));
  H5Sget_simple_extent_dims(space, d.data(), nullptr);
  return {d.begin(), d.end()};
}

bool H5File::has(const std::string& path) const {
  // Check each prefix: H5Lexists fails on a missing intermediate group.
  std::size_t pos = 1;
  while (true) {
    pos = path.find('/', pos);
    const std::string prefix = path.substr(0, pos);
    if (H5Lexists(file_, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
    ++pos;
  }
}

void H5File::set_attribute(const std::string& name, const std::string& value, const std::string& object) {
  if (object != "/") ensure_groups(object + "/");
  Id target(H5Oopen(file_, object.c_str(), H5P_DEFAULT), H5Oclose, "open " + object);
  write_string_attribute(target, name, value);
}

void H5File::set_attribute(const std::string& name, double value, const std::string& object) {
  Id target(H5Oopen(file_, object.c_str(), H5P_DEFAULT), H5Oclose, "open " + object);
  Id space(H5Screate(H5S_SCALAR), H5Sclose, "scalar space");
  if (H5Aexists(target, name.c_str()) > 0) H5Adelete(target, name.c_str());
  Id attribute(H5Acreate2(target, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
               "attribute " + name);
  check(H5Awrite(attribute, H5T_NATIVE_DOUBLE, &value), "write attribute " + name);
}

bool H5File::has_attribute(const std::string& name, const std::string& object) const {
  if (object != "/" && !has(object)) return false;
  Id target(H5Oopen(file_, object.c_str(), H5P_DEFAULT), H5Oclose, "open " + object);
  return H5Aexists(target, name.c_str()) > 0;
}

std::string H5File::string_attribute(const std::string& name, const std::string& object) const {
  Id target(H5Oopen(file_, object.c_str(), H5P_DEFAULT), H5Oclose, "open " + object);
  Id attribute(H5Aopen(target, name.c_str(), H5P_DEFAULT), H5Aclose, "attribute " + name + " in " + path_);
  Id type(H5Aget_type(attribute), H5Tclose, "attribute type");
  const std::size_t size = H5Tget_size(type);
  std::string value(size, '\0');
  Id memtype(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  H5Tset_size(memtype, size);
  check(H5Aread(attribute, memtype, value.data()), "read attribute " + name);
  const auto end = value.find('\0');
  return end == std::string::npos ? value : value.substr(0, end);
}

double H5File::real_attribute(const std::string& name, const std::string& object) const {
  Id target(H5Oopen(file_, object.c_str(), H5P_DEFAULT), H5Oclose, "open " + object);
  Id attribute(H5Aopen(target, name.c_str(), H5P_DEFAULT), H5Aclose, "attribute " + name + " in " + path_);
  double value = 0.0;
  check(H5Aread(attribute, H5T_NATIVE_DOUBLE, &value), "read attribute " + name);
  return value;
}

}  // namespace hadal::io
