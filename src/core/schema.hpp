// SPDX-License-Identifier: MIT
/// \file schema.hpp
/// \brief Declarative schema for case files: every key is typed, documented, ranged and unit-checked.
///
/// Modules declare their blocks once; the same declaration drives validation ("did you mean",
/// file:line:column, key paths), default filling, unit conversion to SI, and the generated key
/// reference (`hadal keys`).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/units.hpp"

namespace hadal::config {

enum class ValueKind { Real, Integer, Boolean, String, Enum, RealList, IntegerList, StringList, Object, ObjectList };

class ObjectSpec;

/// One key: its type, unit, default, range and documentation. Setters chain.
class KeySpec {
 public:
  KeySpec(std::string name, ValueKind kind, std::string doc, units::Dimension dim = {});

  KeySpec& required();
  /// Absent from the file => absent from the resolved config (ConfigView::has() is false).
  KeySpec& optional();
  /// Default in the key's SI unit (or a quantity string such as "2 cm/s"), a bool, an integer,
  /// a string, or a list. Stored as YAML and validated like file input.
  KeySpec& default_value(const YAML::Node& value);
  KeySpec& default_value(const char* value) { return default_value(YAML::Node(std::string(value))); }
  KeySpec& default_value(const std::string& value) { return default_value(YAML::Node(value)); }
  KeySpec& default_value(double value) { return default_value(YAML::Node(value)); }
  KeySpec& default_value(int value) { return default_value(YAML::Node(value)); }
  KeySpec& default_value(bool value) { return default_value(YAML::Node(value)); }
  KeySpec& default_value(const std::vector<double>& value);
  KeySpec& default_value(const std::vector<std::string>& value);
  /// Range in SI units. Lists apply it to every element.
  KeySpec& min(double v) { min_ = v; min_inclusive_ = true; return *this; }
  KeySpec& greater_than(double v) { min_ = v; min_inclusive_ = false; return *this; }
  KeySpec& max(double v) { max_ = v; max_inclusive_ = true; return *this; }
  KeySpec& less_than(double v) { max_ = v; max_inclusive_ = false; return *this; }
  KeySpec& min_items(std::size_t n) { min_items_ = n; return *this; }
  KeySpec& max_items(std::size_t n) { max_items_ = n; return *this; }
  KeySpec& items(std::size_t n) { min_items_ = max_items_ = n; return *this; }
  /// The key applies only when sibling enum `sibling` has one of `values`: otherwise giving it is an
  /// error, and its default is not filled in.
  KeySpec& only_when(const std::string& sibling, std::vector<std::string> values);

  const std::string& name() const { return name_; }
  ValueKind kind() const { return kind_; }
  const std::string& doc() const { return doc_; }
  units::Dimension dimension() const { return dim_; }
  bool is_required() const { return required_; }
  bool is_optional() const { return optional_; }
  const std::optional<YAML::Node>& default_node() const { return default_; }
  std::vector<std::string>& choices() { return choices_; }
  const std::vector<std::string>& choices() const { return choices_; }
  const std::optional<double>& min_value() const { return min_; }
  const std::optional<double>& max_value() const { return max_; }
  bool min_inclusive() const { return min_inclusive_; }
  bool max_inclusive() const { return max_inclusive_; }
  std::size_t min_item_count() const { return min_items_; }
  std::size_t max_item_count() const { return max_items_; }
  const std::string& when_sibling() const { return when_sibling_; }
  const std::vector<std::string>& when_values() const { return when_values_; }
  /// For Object and ObjectList keys: the spec of the object (list item).
  ObjectSpec& object();
  const ObjectSpec& object() const;

 private:
  std::string name_;
  ValueKind kind_;
  std::string doc_;
  units::Dimension dim_;
  bool required_ = false;
  bool optional_ = false;
  std::optional<YAML::Node> default_;
  std::optional<double> min_, max_;
  bool min_inclusive_ = true, max_inclusive_ = true;
  std::size_t min_items_ = 0, max_items_ = static_cast<std::size_t>(-1);
  std::string when_sibling_;
  std::vector<std::string> when_values_;
  std::vector<std::string> choices_;
  std::shared_ptr<ObjectSpec> object_;
};

/// A mapping block: an ordered set of keys.
class ObjectSpec {
 public:
  explicit ObjectSpec(std::string doc = {}) : doc_(std::move(doc)) {}

  KeySpec& real(const std::string& name, units::Dimension dim, const std::string& doc);
  KeySpec& integer(const std::string& name, const std::string& doc);
  KeySpec& boolean(const std::string& name, const std::string& doc);
  KeySpec& string(const std::string& name, const std::string& doc);
  KeySpec& enumeration(const std::string& name, std::vector<std::string> choices, const std::string& doc);
  KeySpec& reals(const std::string& name, units::Dimension dim, const std::string& doc);
  KeySpec& integers(const std::string& name, const std::string& doc);
  KeySpec& strings(const std::string& name, const std::string& doc);
  /// A nested block. If absent it is resolved from its children's defaults (unless marked optional()).
  /// Returns the block's spec; the block's KeySpec is `key(name)`.
  ObjectSpec& object(const std::string& name, const std::string& doc);
  /// A list of blocks of the same shape; returns the item spec.
  ObjectSpec& object_list(const std::string& name, const std::string& doc);

  /// An existing key, to adjust it (throws std::logic_error if missing).
  KeySpec& key(const std::string& name);
  const KeySpec* find(const std::string& name) const;
  const std::vector<std::shared_ptr<KeySpec>>& keys() const { return keys_; }
  const std::string& doc() const { return doc_; }

 private:
  KeySpec& add(std::shared_ptr<KeySpec> key);
  std::string doc_;
  std::vector<std::shared_ptr<KeySpec>> keys_;
};

/// Human description of a key's type/unit/range/default, used in errors and the key reference.
std::string describe(const KeySpec& key);

/// Markdown reference of every key under `root` (generated docs).
std::string markdown_reference(const ObjectSpec& root, const std::string& title);

}  // namespace hadal::config
