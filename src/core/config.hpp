// SPDX-License-Identifier: MIT
/// \file config.hpp
/// \brief Loading, validating and reading case files.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"
#include "core/schema.hpp"

namespace hadal::config {

/// Where each key path of the resolved config came from in the source file.
struct SourceMap {
  std::string file;
  std::map<std::string, std::pair<int, int>> positions;  ///< key path -> (line, column), 1-based
};

/// Read-only typed view of a validated, SI-resolved config block. Because validation already proved
/// every type and range, these accessors only fail on programming errors (std::logic_error).
class ConfigView {
 public:
  ConfigView() = default;
  ConfigView(YAML::Node node, std::string path, std::shared_ptr<const SourceMap> source);
  ConfigView(const ConfigView&) = default;
  /// Rebinds this view. (yaml-cpp's Node::operator= would overwrite the viewed block in the tree.)
  ConfigView& operator=(const ConfigView& other);

  bool has(const std::string& key) const;
  double real(const std::string& key) const;
  long integer(const std::string& key) const;
  bool boolean(const std::string& key) const;
  std::string string(const std::string& key) const;
  std::vector<double> reals(const std::string& key) const;
  std::vector<long> integers(const std::string& key) const;
  std::vector<std::string> strings(const std::string& key) const;
  ConfigView child(const std::string& key) const;
  std::vector<ConfigView> children(const std::string& key) const;  ///< an object list

  /// Full key path of `key` under this view, e.g. "plume.sources[1].rate".
  std::string path(const std::string& key = {}) const;
  /// A diagnostic located at `key` (or at this block if empty) in the source file.
  Diagnostic diagnostic(const std::string& key, const std::string& message) const;
  /// Throws InputError with diagnostic(key, message).
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

  const YAML::Node& node() const { return node_; }
  const std::shared_ptr<const SourceMap>& source() const { return source_; }

 private:
  YAML::Node at(const std::string& key) const;
  YAML::Node node_;
  std::string path_;
  std::shared_ptr<const SourceMap> source_;
};

/// A validated case: the resolved tree (defaults filled, quantities in SI) and where keys came from.
struct ResolvedCase {
  YAML::Node tree;
  std::shared_ptr<const SourceMap> source;
  ConfigView root() const { return ConfigView(tree, "", source); }
  /// The resolved tree as YAML text (written into the output directory and HDF5 metadata).
  std::string yaml() const;
};

/// Reads a YAML file; throws InputError on a missing file or a syntax error (with line and column).
YAML::Node read_yaml_file(const std::string& path);

/// Applies a "key.path[1].name=value" override (value parsed as YAML) to a raw tree.
/// Throws InputError if the path cannot be followed.
void apply_override(YAML::Node& root, const std::string& assignment);

/// Validates `raw` against `schema` and resolves it. Collects every problem and throws one
/// InputError listing all of them.
ResolvedCase validate(const YAML::Node& raw, const ObjectSpec& schema, const std::string& file);

/// Levenshtein-nearest candidate within a small distance, or "" if none is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace hadal::config
