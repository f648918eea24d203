// SPDX-License-Identifier: MIT
/// \file netcdf.hpp
/// \brief Reading CF-style NetCDF inputs (bathymetry, coarse currents) with clear errors.
#pragma once

#include <string>
#include <vector>

namespace hadal::io {

/// A read-only NetCDF file. Every rank reads what it needs (inputs are small relative to fields).
class NetcdfFile {
 public:
  explicit NetcdfFile(const std::string& path);  ///< throws InputError if missing/unreadable
  ~NetcdfFile();
  NetcdfFile(const NetcdfFile&) = delete;
  NetcdfFile& operator=(const NetcdfFile&) = delete;

  bool has_variable(const std::string& name) const;
  /// The first of `candidates` present, or throws InputError naming all of them and the file.
  std::string find_variable(const std::vector<std::string>& candidates, const std::string& what) const;
  std::vector<std::string> dimension_names(const std::string& variable) const;
  std::vector<std::size_t> shape(const std::string& variable) const;
  /// Whole variable as doubles (C order), with scale_factor/add_offset applied and _FillValue /
  /// missing_value turned into NaN.
  std::vector<double> read(const std::string& variable) const;
  std::string attribute(const std::string& variable, const std::string& name) const;  ///< "" if absent
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int id_ = -1;
};

}  // namespace hadal::io
