// SPDX-License-Identifier: MIT
#include "io/netcdf.hpp"

#include <cmath>
#include <limits>

#include <netcdf.h>

#include "core/error.hpp"

namespace hadal::io {

namespace {

[[noreturn]] void fail(const std::string& file, const std::string& message) {
  throw InputError(std::vector<Diagnostic>{{file, 0, 0, "", message}});
}

}  // namespace

NetcdfFile::NetcdfFile(const std::string& path) : path_(path) {
  const int status = nc_open(path.c_str(), NC_NOWRITE, &id_);
  if (status != NC_NOERR) fail(path, std::string("cannot open NetCDF file: ") + nc_strerror(status));
}

NetcdfFile::~NetcdfFile() {
  if (id_ >= 0) nc_close(id_);
}

bool NetcdfFile::has_variable(const std::string& name) const {
  int var = 0;
  return nc_inq_varid(id_, name.c_str(), &var) == NC_NOERR;
}

std::string NetcdfFile::find_variable(const std::vector<std::string>& candidates, const std::string& what) const {
  for (const auto& name : candidates) {
    if (has_variable(name)) return name;
  }
  std::string names;
  for (const auto& name : candidates) names += (names.empty() ? "'" : ", '") + name + "'";
  fail(path_, "no variable for " + what + " (looked for " + names + ")");
}

std::vector<std::string> NetcdfFile::dimension_names(const std::string& variable) const {
  int var = 0, ndims = 0;
  if (nc_inq_varid(id_, variable.c_str(), &var) != NC_NOERR) fail(path_, "no variable '" + variable + "'");
  nc_inq_varndims(id_, var, &ndims);
  std::vector<int> dimids(static_cast<std::size_t>(ndims));
  nc_inq_vardimid(id_, var, dimids.data());
  std::vector<std::string> names;
  for (int d : dimids) {
    char name[NC_MAX_NAME + 1];
    nc_inq_dimname(id_, d, name);
    names.emplace_back(name);
  }
  return names;
}

std::vector<std::size_t> NetcdfFile::shape(const std::string& variable) const {
  int var = 0, ndims = 0;
  if (nc_inq_varid(id_, variable.c_str(), &var) != NC_NOERR) fail(path_, "no variable '" + variable + "'");
  nc_inq_varndims(id_, var, &ndims);
  std::vector<int> dimids(static_cast<std::size_t>(ndims));
  nc_inq_vardimid(id_, var, dimids.data());
  std::vector<std::size_t> extents;
  for (int d : dimids) {
    std::size_t n = 0;
    nc_inq_dimlen(id_, d, &n);
    extents.push_back(n);
  }
  return extents;
}

std::vector<double> NetcdfFile::read(const std::string& variable) const {
  int var = 0;
  if (nc_inq_varid(id_, variable.c_str(), &var) != NC_NOERR) fail(path_, "no variable '" + variable + "'");
  std::size_t n = 1;
  for (auto e : shape(variable)) n *= e;
  std::vector<double> values(n);
  const int status = nc_get_var_double(id_, var, values.data());
  if (status != NC_NOERR) fail(path_, "cannot read variable '" + variable + "': " + nc_strerror(status));

  auto attribute_value = [&](const char* name, double& out) {
    return nc_get_att_double(id_, var, name, &out) == NC_NOERR;
  };
  double fill = 0.0, missing = 0.0, scale = 1.0, offset = 0.0;
  const bool has_fill = attribute_value("_FillValue", fill);
  const bool has_missing = attribute_value("missing_value", missing);
  const bool has_scale = attribute_value("scale_factor", scale);
  const bool has_offset = attribute_value("add_offset", offset);
  for (auto& v : values) {
    if ((has_fill && v == fill) || (has_missing && v == missing)) {
      v = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    if (has_scale) v *= scale;
    if (has_offset) v += offset;
  }
  return values;
}

std::string NetcdfFile::attribute(const std::string& variable, const std::string& name) const {
  int var = NC_GLOBAL;
  if (!variable.empty() && nc_inq_varid(id_, variable.c_str(), &var) != NC_NOERR) return {};
  std::size_t length = 0;
  nc_type type;
  if (nc_inq_att(id_, var, name.c_str(), &type, &length) != NC_NOERR || type != NC_CHAR) return {};
  std::string value(length, '\0');
  nc_get_att_text(id_, var, name.c_str(), value.data());
  while (!value.empty() && value.back() == '\0') value.pop_back();
  return value;
}

}  // namespace hadal::io
