// SPDX-License-Identifier: MIT
/// \file csv.hpp
/// \brief Time-series CSV files (stations, statistics): header once, rows flushed as written.
#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace hadal::io {

class CsvSeries {
 public:
  /// Opens `path` for writing (rank 0 only should construct). With `resume` (a restart) the rows of
  /// the earlier run are kept up to the time (first column) of the first new row.
  CsvSeries(const std::string& path, std::vector<std::string> columns, bool resume = false);
  /// Appends a row; values[0] is the time.
  void row(const std::vector<double>& values);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> columns_;
  std::vector<std::string> earlier_rows_;  ///< from the run being resumed, until the first new row
  bool opened_ = false;
  std::ofstream out_;
};

}  // namespace hadal::io
