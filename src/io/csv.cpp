// SPDX-License-Identifier: MIT
#include "io/csv.hpp"

#include <cstdlib>
#include <iomanip>
#include <sstream>

#include "core/error.hpp"

namespace hadal::io {

CsvSeries::CsvSeries(const std::string& path, std::vector<std::string> columns, bool resume)
    : path_(path), columns_(std::move(columns)) {
  if (!resume) return;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) earlier_rows_.push_back(line);
}

void CsvSeries::row(const std::vector<double>& values) {
  if (!opened_) {
    // Written on the first row so that a resumed run keeps exactly the rows before its restart time.
    out_.open(path_, std::ios::trunc);
    if (!out_) throw IoError("cannot write '" + path_ + "'");
    for (std::size_t i = 0; i < columns_.size(); ++i) out_ << (i ? "," : "") << columns_[i];
    out_ << '\n';
    for (const auto& earlier : earlier_rows_) {
      if (std::strtod(earlier.c_str(), nullptr) >= values.at(0)) break;
      out_ << earlier << '\n';
    }
    earlier_rows_.clear();
    opened_ = true;
  }
  std::ostringstream line;
  line << std::setprecision(10);
  for (std::size_t i = 0; i < values.size(); ++i) line << (i ? "," : "") << values[i];
  out_ << line.str() << '\n';
  out_.flush();
}

}  // namespace hadal::io
