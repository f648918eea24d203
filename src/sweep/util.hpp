// SPDX-License-Identifier: MIT
/// \file util.hpp
/// \brief Small text helpers shared by the sweep tools.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"

namespace hadal::sweep {

/// Shortest decimal text that reads back as exactly `v` ("0.01", not "0.01000000000000000021").
std::string format_number(double v);
/// A YAML node in one-line flow style (the form `--set key=value` and apply_override take).
std::string emit_flow(const YAML::Node& node);
std::string join(const std::vector<std::string>& items, const std::string& separator);
/// Splits on blanks (for launcher commands such as "mpiexec --oversubscribe").
std::vector<std::string> split_words(const std::string& text);
/// Single-quoted for bash, safe for any content.
std::string shell_quote(const std::string& text);
std::string read_text(const std::string& path);  ///< "" if missing
/// Writes via a temporary file and rename; throws IoError.
void write_text(const std::string& path, const std::string& text);
/// "HH:MM:SS" from seconds, and back (accepts D-HH:MM:SS, HH:MM:SS, MM:SS, or a quantity "4 h").
std::string format_hms(long seconds);
long parse_duration(const std::string& text);  ///< throws std::invalid_argument

/// Collects every problem in a YAML input with its position, so one run reports them all.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void add(const YAML::Node& at, const std::string& key, const std::string& message);
  void throw_if_any() const {
    if (!list_.empty()) throw InputError(list_);
  }

 private:
  std::string file_;
  std::vector<Diagnostic> list_;
};

/// Reports keys of `block` that are not in `allowed` (with a "did you mean").
void check_keys(const YAML::Node& block, const std::string& path, const std::vector<std::string>& allowed,
                Problems& problems);

}  // namespace hadal::sweep
