// SPDX-License-Identifier: MIT
#include "io/netcdf.hpp"

#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>

#include <netcdf.h>

#include "core/error.hpp"

namespace hadal::io {

namespace {

[[noreturn]] void fail(const std::string& file, const std::string& message) {
  throw InputError(std::vector<Diagnostic>{{file, 0, 0, "", message}});
}

}  // namespace

std::string lowercase(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

NetcdfFile::NetcdfFile(const std::string& path) : path_(path) {
  const int status = nc_open(path.c_str(), NC_NOWRITE, &id_);
  if (status != NC_NOERR) {
    id_ = -1;
    fail(path, std::string("cannot open NetCDF file: ") + nc_strerror(status));
  }
}

NetcdfFile::~NetcdfFile() {
  if (id_ >= 0) nc_close(id_);
}

bool NetcdfFile::looks_like_netcdf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {0, 0, 0, 0};
  in.read(magic, 4);
  if (in.gcount() < 4) return false;
  const bool classic = magic[0] == 'C' && magic[1] == 'D' && magic[2] == 'F';
  const bool hdf5 = static_cast<unsigned char>(magic[0]) == 0x89 && magic[1] == 'H' && magic[2] == 'D' && magic[3] == 'F';
  return classic || hdf5;
}

int NetcdfFile::variable_id(const std::string& variable) const {
  int var = 0;
  if (nc_inq_varid(id_, variable.c_str(), &var) != NC_NOERR) fail(path_, "no variable '" + variable + "'");
  return var;
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

std::vector<std::string> NetcdfFile::variable_names() const {
  int count = 0;
  nc_inq_nvars(id_, &count);
  std::vector<std::string> names;
  for (int v = 0; v < count; ++v) {
    char name[NC_MAX_NAME + 1];
    nc_inq_varname(id_, v, name);
    names.emplace_back(name);
  }
  return names;
}

std::vector<std::string> NetcdfFile::dimension_names(const std::string& variable) const {
  const int var = variable_id(variable);
  int ndims = 0;
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
  const int var = variable_id(variable);
  int ndims = 0;
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

void NetcdfFile::unpack(int var, std::vector<double>& values) const {
  auto numbers = [&](const char* name) {
    std::vector<double> out;
    nc_type type;
    std::size_t length = 0;
    if (nc_inq_att(id_, var, name, &type, &length) != NC_NOERR || type == NC_CHAR || length == 0) return out;
    out.resize(length);
    nc_get_att_double(id_, var, name, out.data());
    return out;
  };
  // CF: fill, missing and valid-range tests apply to the packed values, before scale and offset.
  const auto fill = numbers("_FillValue"), missing = numbers("missing_value"), scale = numbers("scale_factor"),
             offset = numbers("add_offset"), valid_min = numbers("valid_min"), valid_max = numbers("valid_max"),
             valid_range = numbers("valid_range");
  double low = -std::numeric_limits<double>::infinity(), high = std::numeric_limits<double>::infinity();
  if (valid_range.size() == 2) {
    low = valid_range[0];
    high = valid_range[1];
  }
  if (!valid_min.empty()) low = valid_min[0];
  if (!valid_max.empty()) high = valid_max[0];
  const bool packed = !scale.empty() || !offset.empty();
  // A valid range given for an unpacked variable is in data units too: same test.
  const double s = scale.empty() ? 1.0 : scale[0], o = offset.empty() ? 0.0 : offset[0];
  for (auto& v : values) {
    bool bad = !std::isfinite(v) || v < low || v > high;
    for (double f : fill) bad = bad || v == f;
    for (double m : missing) bad = bad || v == m;
    if (bad) {
      v = std::numeric_limits<double>::quiet_NaN();
    } else if (packed) {
      v = v * s + o;
    }
  }
}

std::vector<double> NetcdfFile::read(const std::string& variable) const {
  const auto extents = shape(variable);
  return read(variable, std::vector<std::size_t>(extents.size(), 0), extents);
}

std::vector<double> NetcdfFile::read(const std::string& variable, const std::vector<std::size_t>& start,
                                     const std::vector<std::size_t>& count) const {
  const int var = variable_id(variable);
  const auto extents = shape(variable);
  if (start.size() != extents.size() || count.size() != extents.size())
    fail(path_, "reading '" + variable + "': " + std::to_string(start.size()) + " indices for " +
                    std::to_string(extents.size()) + " dimensions");
  std::size_t n = 1;
  for (std::size_t d = 0; d < extents.size(); ++d) {
    if (start[d] + count[d] > extents[d])
      fail(path_, "reading '" + variable + "': index range beyond dimension " + std::to_string(d));
    n *= count[d];
  }
  std::vector<double> values(n);
  if (n == 0) return values;
  const int status = extents.empty() ? nc_get_var_double(id_, var, values.data())
                                     : nc_get_vara_double(id_, var, start.data(), count.data(), values.data());
  if (status != NC_NOERR) fail(path_, "cannot read variable '" + variable + "': " + nc_strerror(status));
  unpack(var, values);
  return values;
}

std::string NetcdfFile::attribute(const std::string& variable, const std::string& name) const {
  int var = NC_GLOBAL;
  if (!variable.empty() && nc_inq_varid(id_, variable.c_str(), &var) != NC_NOERR) return {};
  std::size_t length = 0;
  nc_type type;
  if (nc_inq_att(id_, var, name.c_str(), &type, &length) != NC_NOERR) return {};
  if (type == NC_STRING) {
    char* text = nullptr;
    if (length != 1 || nc_get_att_string(id_, var, name.c_str(), &text) != NC_NOERR) return {};
    std::string value = text ? text : "";
    nc_free_string(1, &text);
    return value;
  }
  if (type != NC_CHAR) return {};
  std::string value(length, '\0');
  nc_get_att_text(id_, var, name.c_str(), value.data());
  while (!value.empty() && value.back() == '\0') value.pop_back();
  return value;
}

std::vector<double> NetcdfFile::numeric_attribute(const std::string& variable, const std::string& name) const {
  int var = NC_GLOBAL;
  if (!variable.empty() && nc_inq_varid(id_, variable.c_str(), &var) != NC_NOERR) return {};
  std::size_t length = 0;
  nc_type type;
  if (nc_inq_att(id_, var, name.c_str(), &type, &length) != NC_NOERR || type == NC_CHAR || type == NC_STRING)
    return {};
  std::vector<double> values(length);
  if (length > 0) nc_get_att_double(id_, var, name.c_str(), values.data());
  return values;
}

std::string NetcdfFile::format() const {
  int format = 0;
  nc_inq_format(id_, &format);
  switch (format) {
    case NC_FORMAT_CLASSIC: return "netCDF classic";
    case NC_FORMAT_64BIT_OFFSET: return "netCDF 64-bit offset";
    case NC_FORMAT_CDF5: return "netCDF 64-bit data";
    default: return "netCDF-4";
  }
}

}  // namespace hadal::io
