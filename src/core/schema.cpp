// SPDX-License-Identifier: MIT
#include "core/schema.hpp"

#include <sstream>
#include <stdexcept>

namespace hadal::config {

KeySpec::KeySpec(std::string name, ValueKind kind, std::string doc, units::Dimension dim)
    : name_(std::move(name)), kind_(kind), doc_(std::move(doc)), dim_(dim) {
  if (kind_ == ValueKind::Object || kind_ == ValueKind::ObjectList) object_ = std::make_shared<ObjectSpec>(doc_);
}

KeySpec& KeySpec::required() {
  required_ = true;
  optional_ = false;
  return *this;
}

KeySpec& KeySpec::optional() {
  optional_ = true;
  required_ = false;
  return *this;
}

KeySpec& KeySpec::default_value(const YAML::Node& value) {
  default_ = YAML::Clone(value);
  return *this;
}

KeySpec& KeySpec::default_value(const std::vector<double>& value) {
  YAML::Node list(YAML::NodeType::Sequence);
  for (double v : value) list.push_back(v);
  return default_value(list);
}

KeySpec& KeySpec::default_value(const std::vector<std::string>& value) {
  YAML::Node list(YAML::NodeType::Sequence);
  for (const auto& v : value) list.push_back(v);
  return default_value(list);
}

KeySpec& KeySpec::only_when(const std::string& sibling, std::vector<std::string> values) {
  when_sibling_ = sibling;
  when_values_ = std::move(values);
  return *this;
}

ObjectSpec& KeySpec::object() {
  if (!object_) throw std::logic_error("key '" + name_ + "' is not an object");
  return *object_;
}

const ObjectSpec& KeySpec::object() const {
  if (!object_) throw std::logic_error("key '" + name_ + "' is not an object");
  return *object_;
}

KeySpec& ObjectSpec::add(std::shared_ptr<KeySpec> key) {
  for (const auto& existing : keys_) {
    if (existing->name() == key->name()) throw std::logic_error("schema declares key '" + key->name() + "' twice");
  }
  keys_.push_back(std::move(key));
  return *keys_.back();
}

KeySpec& ObjectSpec::real(const std::string& name, units::Dimension dim, const std::string& doc) {
  return add(std::make_shared<KeySpec>(name, ValueKind::Real, doc, dim));
}
KeySpec& ObjectSpec::integer(const std::string& name, const std::string& doc) {
  return add(std::make_shared<KeySpec>(name, ValueKind::Integer, doc));
}
KeySpec& ObjectSpec::boolean(const std::string& name, const std::string& doc) {
  return add(std::make_shared<KeySpec>(name, ValueKind::Boolean, doc));
}
KeySpec& ObjectSpec::string(const std::string& name, const std::string& doc) {
  return add(std::make_shared<KeySpec>(name, ValueKind::String, doc));
}
KeySpec& ObjectSpec::enumeration(const std::string& name, std::vector<std::string> choices, const std::string& doc) {
  auto& key = add(std::make_shared<KeySpec>(name, ValueKind::Enum, doc));
  key.choices() = std::move(choices);
  return key;
}
KeySpec& ObjectSpec::reals(const std::string& name, units::Dimension dim, const std::string& doc) {
  return add(std::make_shared<KeySpec>(name, ValueKind::RealList, doc, dim));
}
KeySpec& ObjectSpec::integers(const std::string& name, const std::string& doc) {
  return add(std::make_shared<KeySpec>(name, ValueKind::IntegerList, doc));
}
KeySpec& ObjectSpec::strings(const std::string& name, const std::string& doc) {
  return add(std::make_shared<KeySpec>(name, ValueKind::StringList, doc));
}
ObjectSpec& ObjectSpec::object(const std::string& name, const std::string& doc) {
  return add(std::make_shared<KeySpec>(name, ValueKind::Object, doc)).object();
}
ObjectSpec& ObjectSpec::object_list(const std::string& name, const std::string& doc) {
  return add(std::make_shared<KeySpec>(name, ValueKind::ObjectList, doc)).object();
}

KeySpec& ObjectSpec::key(const std::string& name) {
  for (auto& k : keys_) {
    if (k->name() == name) return *k;
  }
  throw std::logic_error("schema has no key '" + name + "'");
}

const KeySpec* ObjectSpec::find(const std::string& name) const {
  for (const auto& k : keys_) {
    if (k->name() == name) return k.get();
  }
  return nullptr;
}

namespace {

std::string kind_name(const KeySpec& key) {
  const bool has_dim = key.dimension() != units::kDimensionless;
  const std::string unit = has_dim ? " [" + key.dimension().si_symbol() + "]" : "";
  switch (key.kind()) {
    case ValueKind::Real: return (has_dim ? "quantity" : "number") + unit;
    case ValueKind::Integer: return "integer";
    case ValueKind::Boolean: return "true/false";
    case ValueKind::String: return "string";
    case ValueKind::Enum: {
      std::string s = "one of {";
      for (std::size_t i = 0; i < key.choices().size(); ++i) s += (i ? ", " : "") + key.choices()[i];
      return s + "}";
    }
    case ValueKind::RealList: return "list of " + std::string(has_dim ? "quantities" : "numbers") + unit;
    case ValueKind::IntegerList: return "list of integers";
    case ValueKind::StringList: return "list of strings";
    case ValueKind::Object: return "block";
    case ValueKind::ObjectList: return "list of blocks";
  }
  return "?";
}

std::string yaml_inline(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

}  // namespace

std::string describe(const KeySpec& key) {
  std::ostringstream out;
  out << kind_name(key);
  if (key.min_value() || key.max_value()) {
    out << ", range " << (key.min_value() ? (key.min_inclusive() ? "[" : "(") : "(");
    if (key.min_value()) out << *key.min_value(); else out << "-inf";
    out << ", ";
    if (key.max_value()) out << *key.max_value(); else out << "inf";
    out << (key.max_value() ? (key.max_inclusive() ? "]" : ")") : ")");
  }
  if (key.min_item_count() > 0 || key.max_item_count() != static_cast<std::size_t>(-1)) {
    if (key.min_item_count() == key.max_item_count()) {
      out << ", exactly " << key.min_item_count() << " items";
    } else {
      out << ", " << key.min_item_count() << ".." ;
      if (key.max_item_count() == static_cast<std::size_t>(-1)) out << "n"; else out << key.max_item_count();
      out << " items";
    }
  }
  return out.str();
}

namespace {

void reference_rows(const ObjectSpec& spec, const std::string& prefix, std::ostringstream& out) {
  for (const auto& key : spec.keys()) {
    const bool is_list = key->kind() == ValueKind::ObjectList;
    const std::string path = prefix + key->name() + (is_list ? "[]" : "");
    std::string status;
    if (key->is_required()) {
      status = "required";
    } else if (key->default_node()) {
      status = "default `" + yaml_inline(*key->default_node()) + "`";
    } else if (key->kind() == ValueKind::Object && !key->is_optional()) {
      status = "block (defaults below)";
    } else {
      status = "optional";
    }
    if (!key->when_sibling().empty()) {
      status += "; only when `" + key->when_sibling() + "` is ";
      for (std::size_t i = 0; i < key->when_values().size(); ++i) status += (i ? "/" : "") + key->when_values()[i];
    }
    std::string doc = key->doc();
    for (auto& c : doc) {
      if (c == '|') c = '/';
      if (c == '\n') c = ' ';
    }
    out << "| `" << path << "` | " << describe(*key) << " | " << status << " | " << doc << " |\n";
    if (key->kind() == ValueKind::Object || key->kind() == ValueKind::ObjectList) {
      reference_rows(key->object(), path + ".", out);
    }
  }
}

}  // namespace

std::string markdown_reference(const ObjectSpec& root, const std::string& title) {
  std::ostringstream out;
  out << "## " << title << "\n\n";
  if (!root.doc().empty()) out << root.doc() << "\n\n";
  out << "| key | type | default | meaning |\n|---|---|---|---|\n";
  reference_rows(root, "", out);
  out << "\n";
  return out.str();
}

}  // namespace hadal::config
