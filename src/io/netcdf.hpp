// SPDX-License-Identifier: MIT
/// \file netcdf.hpp
/// \brief Reading CF-style NetCDF inputs (bathymetry, ocean-model currents) with clear errors: netCDF
/// classic, 64-bit offset and netCDF-4 files, whole variables or hyperslabs, packed values unpacked.
#pragma once

#include <string>
#include <vector>

namespace hadal::io {

/// Lower-case copy of `text`: CF attribute values (units, positive, axis, standard_name) compare without case.
std::string lowercase(std::string text);
bool starts_with(const std::string& text, const std::string& prefix);

/// A read-only NetCDF file. Every rank reads what it needs (inputs are small relative to fields, and
/// large grids are read as hyperslabs of the region a run needs).
class NetcdfFile {
 public:
  explicit NetcdfFile(const std::string& path);  ///< throws InputError if missing/unreadable
  ~NetcdfFile();
  NetcdfFile(const NetcdfFile&) = delete;
  NetcdfFile& operator=(const NetcdfFile&) = delete;

  /// True when `path` starts like a NetCDF file (classic "CDF" or HDF5 signature).
  static bool looks_like_netcdf(const std::string& path);

  bool has_variable(const std::string& name) const;
  /// The first of `candidates` present, or throws InputError naming all of them and the file.
  std::string find_variable(const std::vector<std::string>& candidates, const std::string& what) const;
  std::vector<std::string> variable_names() const;
  std::vector<std::string> dimension_names(const std::string& variable) const;
  std::vector<std::size_t> shape(const std::string& variable) const;
  /// Whole variable as doubles (C order), unpacked: values outside valid_min/valid_max/valid_range and
  /// equal to _FillValue / missing_value become NaN, then scale_factor and add_offset are applied.
  std::vector<double> read(const std::string& variable) const;
  /// The hyperslab start[d] .. start[d] + count[d] - 1 of every dimension, unpacked like read().
  std::vector<double> read(const std::string& variable, const std::vector<std::size_t>& start,
                           const std::vector<std::size_t>& count) const;
  /// Text attribute ("" if absent); an empty `variable` means a global attribute.
  std::string attribute(const std::string& variable, const std::string& name) const;
  /// Numeric attribute values (empty if absent or not numeric); an empty `variable` means global.
  std::vector<double> numeric_attribute(const std::string& variable, const std::string& name) const;
  /// "classic", "64-bit offset", "64-bit data" or "netCDF-4", for reports.
  std::string format() const;
  const std::string& path() const { return path_; }

 private:
  int variable_id(const std::string& variable) const;
  void unpack(int var, std::vector<double>& values) const;
  std::string path_;
  int id_ = -1;
};

}  // namespace hadal::io
