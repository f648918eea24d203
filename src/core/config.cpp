// SPDX-License-Identifier: MIT
#include "core/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "core/units.hpp"

namespace hadal::config {

// ---------------------------------------------------------------------------------------------
// Helpers

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

namespace {

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string node_text(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a block";
  return "?";
}

// ---------------------------------------------------------------------------------------------
// Validation

class Validator {
 public:
  Validator(std::string file, SourceMap& source) : file_(std::move(file)), source_(source) {}

  YAML::Node object(const YAML::Node& raw, const ObjectSpec& spec, const std::string& path, const YAML::Mark& mark) {
    YAML::Node resolved(YAML::NodeType::Map);
    remember(path, mark);
    if (raw.IsDefined() && !raw.IsNull() && !raw.IsMap()) {
      problem(mark_of(raw, mark), path, "expected a block of keys, found " + node_text(raw));
      return resolved;
    }
    std::vector<std::string> known;
    for (const auto& key : spec.keys()) known.push_back(key->name());
    if (raw.IsMap()) {
      std::set<std::string> seen;
      for (const auto& entry : raw) {
        const std::string name = entry.first.Scalar();
        const std::string key_path = join_path(path, name);
        if (!seen.insert(name).second) {
          problem(entry.first.Mark(), key_path, "key given twice in the same block");
          continue;
        }
        if (!spec.find(name)) {
          std::string message = "unknown key";
          const std::string suggestion = did_you_mean(name, known);
          if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
          else message += " (known keys here: " + list(known) + ")";
          problem(entry.first.Mark(), key_path, message);
        }
      }
    }
    for (const auto& key : spec.keys()) {
      const std::string key_path = join_path(path, key->name());
      const YAML::Node given = raw.IsMap() ? raw[key->name()] : YAML::Node();
      const bool present = given.IsDefined() && !given.IsNull();
      if (!applies(*key, raw, spec)) {
        if (present) {
          problem(mark_of(given, mark), key_path,
                  "applies only when '" + key->when_sibling() + "' is " + list(key->when_values(), " or "));
        }
        continue;
      }
      if (present) {
        resolved[key->name()] = value(given, *key, key_path, mark);
      } else if (key->is_required()) {
        problem(mark, key_path, "missing required key (" + describe(*key) + ": " + key->doc() + ")");
      } else if (key->default_node()) {
        resolved[key->name()] = value(*key->default_node(), *key, key_path, mark);
      } else if (key->kind() == ValueKind::Object && !key->is_optional()) {
        resolved[key->name()] = object(YAML::Node(), key->object(), key_path, mark);
      }
    }
    return resolved;
  }

  std::vector<Diagnostic> problems() const { return problems_; }

 private:
  static std::string list(const std::vector<std::string>& items, const std::string& sep = ", ") {
    std::string s;
    for (std::size_t i = 0; i < items.size(); ++i) s += (i ? sep : "") + items[i];
    return s;
  }

  static YAML::Mark mark_of(const YAML::Node& node, const YAML::Mark& fallback) {
    const YAML::Mark m = node.Mark();
    return m.line >= 0 ? m : fallback;
  }

  void remember(const std::string& path, const YAML::Mark& mark) {
    if (mark.line >= 0) source_.positions[path] = {mark.line + 1, mark.column + 1};
  }

  void problem(const YAML::Mark& mark, const std::string& path, const std::string& message) {
    Diagnostic d;
    d.file = file_;
    if (mark.line >= 0) {
      d.line = mark.line + 1;
      d.column = mark.column + 1;
    }
    d.key = path;
    d.message = message;
    problems_.push_back(d);
  }

  bool applies(const KeySpec& key, const YAML::Node& raw, const ObjectSpec& spec) const {
    if (key.when_sibling().empty()) return true;
    std::string current;
    const YAML::Node given = raw.IsMap() ? raw[key.when_sibling()] : YAML::Node();
    if (given.IsDefined() && given.IsScalar()) {
      current = given.Scalar();
    } else if (const KeySpec* sibling = spec.find(key.when_sibling()); sibling && sibling->default_node()) {
      current = sibling->default_node()->Scalar();
    }
    return std::find(key.when_values().begin(), key.when_values().end(), current) != key.when_values().end();
  }

  bool in_range(const KeySpec& key, double v) const {
    if (key.min_value() && (key.min_inclusive() ? v < *key.min_value() : v <= *key.min_value())) return false;
    if (key.max_value() && (key.max_inclusive() ? v > *key.max_value() : v >= *key.max_value())) return false;
    return true;
  }

  std::optional<double> real(const YAML::Node& node, const KeySpec& key, const std::string& path,
                             const YAML::Mark& parent) {
    const YAML::Mark mark = mark_of(node, parent);
    if (!node.IsScalar()) {
      problem(mark, path, "expected " + describe(key) + ", found " + node_text(node));
      return std::nullopt;
    }
    units::Quantity q;
    try {
      q = units::parse_quantity(node.Scalar());
    } catch (const std::invalid_argument& e) {
      problem(mark, path, "expected " + describe(key) + ", found '" + node.Scalar() + "': " + e.what());
      return std::nullopt;
    }
    if (units::has_unit(node.Scalar()) && q.dimension != key.dimension()) {
      problem(mark, path,
              "expected a value in units of [" + key.dimension().si_symbol() + "], found '" + node.Scalar() +
                  "' which is [" + q.dimension.si_symbol() + "]");
      return std::nullopt;
    }
    if (!in_range(key, q.value)) {
      std::ostringstream found;
      found << q.value;
      problem(mark, path, "value " + found.str() + " is out of range: expected " + describe(key));
      return std::nullopt;
    }
    return q.value;
  }

  std::optional<long> integer(const YAML::Node& node, const KeySpec& key, const std::string& path,
                              const YAML::Mark& parent) {
    const YAML::Mark mark = mark_of(node, parent);
    if (node.IsScalar()) {
      const std::string& text = node.Scalar();
      char* end = nullptr;
      const long v = std::strtol(text.c_str(), &end, 10);
      if (!text.empty() && *end == '\0') {
        if (!in_range(key, static_cast<double>(v))) {
          problem(mark, path, "value " + text + " is out of range: expected " + describe(key));
          return std::nullopt;
        }
        return v;
      }
    }
    problem(mark, path, "expected " + describe(key) + ", found " + node_text(node));
    return std::nullopt;
  }

  YAML::Node value(const YAML::Node& node, const KeySpec& key, const std::string& path, const YAML::Mark& parent) {
    const YAML::Mark mark = mark_of(node, parent);
    remember(path, mark);
    switch (key.kind()) {
      case ValueKind::Real: {
        const auto v = real(node, key, path, parent);
        return v ? YAML::Node(*v) : YAML::Node();
      }
      case ValueKind::Integer: {
        const auto v = integer(node, key, path, parent);
        return v ? YAML::Node(*v) : YAML::Node();
      }
      case ValueKind::Boolean: {
        bool b = false;
        if (node.IsScalar() && YAML::convert<bool>::decode(node, b)) return YAML::Node(b);
        problem(mark, path, "expected true or false, found " + node_text(node));
        return YAML::Node();
      }
      case ValueKind::String: {
        if (node.IsScalar()) return YAML::Node(node.Scalar());
        problem(mark, path, "expected a string, found " + node_text(node));
        return YAML::Node();
      }
      case ValueKind::Enum: {
        if (node.IsScalar()) {
          const auto& choices = key.choices();
          if (std::find(choices.begin(), choices.end(), node.Scalar()) != choices.end()) {
            return YAML::Node(node.Scalar());
          }
          std::string message = "expected " + describe(key) + ", found '" + node.Scalar() + "'";
          const std::string suggestion = did_you_mean(node.Scalar(), choices);
          if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
          problem(mark, path, message);
        } else {
          problem(mark, path, "expected " + describe(key) + ", found " + node_text(node));
        }
        return YAML::Node();
      }
      case ValueKind::RealList:
      case ValueKind::IntegerList:
      case ValueKind::StringList:
      case ValueKind::ObjectList: {
        if (!node.IsSequence()) {
          problem(mark, path, "expected " + describe(key) + ", found " + node_text(node));
          return YAML::Node();
        }
        if (node.size() < key.min_item_count() || node.size() > key.max_item_count()) {
          problem(mark, path, "expected " + describe(key) + ", found " + std::to_string(node.size()) + " items");
          return YAML::Node();
        }
        YAML::Node out(YAML::NodeType::Sequence);
        for (std::size_t i = 0; i < node.size(); ++i) {
          const std::string item_path = path + "[" + std::to_string(i) + "]";
          const YAML::Node item = node[i];
          remember(item_path, mark_of(item, mark));
          if (key.kind() == ValueKind::RealList) {
            const auto v = real(item, key, item_path, mark);
            out.push_back(v ? YAML::Node(*v) : YAML::Node());
          } else if (key.kind() == ValueKind::IntegerList) {
            const auto v = integer(item, key, item_path, mark);
            out.push_back(v ? YAML::Node(*v) : YAML::Node());
          } else if (key.kind() == ValueKind::StringList) {
            if (!item.IsScalar()) problem(mark_of(item, mark), item_path, "expected a string, found " + node_text(item));
            out.push_back(item.IsScalar() ? YAML::Node(item.Scalar()) : YAML::Node());
          } else {
            out.push_back(object(item, key.object(), item_path, mark_of(item, mark)));
          }
        }
        return out;
      }
      case ValueKind::Object: return object(node, key.object(), path, mark);
    }
    return YAML::Node();
  }

  std::string file_;
  SourceMap& source_;
  std::vector<Diagnostic> problems_;
};

}  // namespace

ResolvedCase validate(const YAML::Node& raw, const ObjectSpec& schema, const std::string& file) {
  auto source = std::make_shared<SourceMap>();
  source->file = file;
  Validator validator(file, *source);
  YAML::Mark top;
  top.line = 0;
  top.column = 0;
  ResolvedCase resolved;
  resolved.tree = validator.object(raw, schema, "", top);
  if (!validator.problems().empty()) throw InputError(validator.problems());
  resolved.source = source;
  return resolved;
}

std::string ResolvedCase::yaml() const {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << tree;
  return std::string(out.c_str()) + "\n";
}

YAML::Node read_yaml_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(std::vector<Diagnostic>{{path, 0, 0, "", "cannot open the file (does it exist and is it readable?)"}});
  try {
    YAML::Node node = YAML::Load(in);
    if (!node.IsDefined() || node.IsNull()) {
      throw InputError(std::vector<Diagnostic>{{path, 0, 0, "", "the file is empty: expected a YAML block of keys"}});
    }
    if (!node.IsMap()) {
      throw InputError(std::vector<Diagnostic>{{path, node.Mark().line + 1, node.Mark().column + 1, "",
                                                "expected a YAML block of keys at the top level"}});
    }
    return node;
  } catch (const YAML::Exception& e) {
    throw InputError(std::vector<Diagnostic>{
        {path, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.column >= 0 ? e.mark.column + 1 : 0, "",
         "YAML syntax error: " + e.msg}});
  }
}

void apply_override(YAML::Node& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError("override '" + assignment + "': expected key.path=value");
  }
  const std::string path = assignment.substr(0, eq);
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw InputError("override '" + assignment + "': value is not valid YAML: " + e.msg);
  }
  // Tokenise "a.b[2].c" into names and indices.
  std::vector<std::pair<std::string, long>> tokens;  // (name, -1) or ("", index)
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '.') { ++pos; continue; }
    if (path[pos] == '[') {
      const auto close = path.find(']', pos);
      if (close == std::string::npos) throw InputError("override '" + assignment + "': unclosed '['");
      tokens.push_back({"", std::atol(path.substr(pos + 1, close - pos - 1).c_str())});
      pos = close + 1;
      continue;
    }
    const auto next = path.find_first_of(".[", pos);
    tokens.push_back({path.substr(pos, next == std::string::npos ? std::string::npos : next - pos), -1});
    pos = next == std::string::npos ? path.size() : next;
  }
  if (tokens.empty()) throw InputError("override '" + assignment + "': empty key path");
  // yaml-cpp nodes are handles: walk down with fresh handles (reset), assign at the end.
  std::vector<YAML::Node> chain{root};
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    YAML::Node current = chain.back();
    YAML::Node next;
    if (tokens[i].second >= 0) {
      if (!current.IsSequence() || tokens[i].second >= static_cast<long>(current.size())) {
        throw InputError("override '" + assignment + "': no list item [" + std::to_string(tokens[i].second) + "]");
      }
      next = current[static_cast<std::size_t>(tokens[i].second)];
    } else {
      if (!current[tokens[i].first].IsDefined()) current[tokens[i].first] = YAML::Node(YAML::NodeType::Map);
      next = current[tokens[i].first];
    }
    chain.push_back(next);
  }
  YAML::Node parent = chain.back();
  const auto& last = tokens.back();
  if (last.second >= 0) {
    if (!parent.IsSequence() || last.second >= static_cast<long>(parent.size())) {
      throw InputError("override '" + assignment + "': no list item [" + std::to_string(last.second) + "]");
    }
    parent[static_cast<std::size_t>(last.second)] = value;
  } else {
    parent[last.first] = value;
  }
}

// ---------------------------------------------------------------------------------------------
// ConfigView

ConfigView::ConfigView(YAML::Node node, std::string path, std::shared_ptr<const SourceMap> source)
    : node_(std::move(node)), path_(std::move(path)), source_(std::move(source)) {}

ConfigView& ConfigView::operator=(const ConfigView& other) {
  if (this != &other) {
    node_.reset(other.node_);
    path_ = other.path_;
    source_ = other.source_;
  }
  return *this;
}

YAML::Node ConfigView::at(const std::string& key) const {
  const YAML::Node& n = node_;
  YAML::Node value = n[key];
  if (!value.IsDefined() || value.IsNull()) {
    throw std::logic_error("config key '" + path(key) + "' is not present (schema and code disagree)");
  }
  return value;
}

bool ConfigView::has(const std::string& key) const {
  const YAML::Node& n = node_;
  if (!n.IsMap()) return false;
  const YAML::Node value = n[key];
  return value.IsDefined() && !value.IsNull();
}

double ConfigView::real(const std::string& key) const { return at(key).as<double>(); }
long ConfigView::integer(const std::string& key) const { return at(key).as<long>(); }
bool ConfigView::boolean(const std::string& key) const { return at(key).as<bool>(); }
std::string ConfigView::string(const std::string& key) const { return at(key).as<std::string>(); }
std::vector<double> ConfigView::reals(const std::string& key) const { return at(key).as<std::vector<double>>(); }
std::vector<long> ConfigView::integers(const std::string& key) const { return at(key).as<std::vector<long>>(); }
std::vector<std::string> ConfigView::strings(const std::string& key) const {
  return at(key).as<std::vector<std::string>>();
}

ConfigView ConfigView::child(const std::string& key) const { return ConfigView(at(key), path(key), source_); }

std::vector<ConfigView> ConfigView::children(const std::string& key) const {
  const YAML::Node list = at(key);
  std::vector<ConfigView> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    out.emplace_back(list[i], path(key) + "[" + std::to_string(i) + "]", source_);
  }
  return out;
}

std::string ConfigView::path(const std::string& key) const {
  if (key.empty()) return path_;
  if (!key.empty() && key[0] == '[') return path_ + key;
  return join_path(path_, key);
}

Diagnostic ConfigView::diagnostic(const std::string& key, const std::string& message) const {
  Diagnostic d;
  d.key = path(key);
  d.message = message;
  if (source_) {
    d.file = source_->file;
    // Walk up the path until a remembered position is found (defaults point at their block).
    std::string p = d.key;
    while (true) {
      const auto it = source_->positions.find(p);
      if (it != source_->positions.end()) {
        d.line = it->second.first;
        d.column = it->second.second;
        break;
      }
      const auto cut = p.find_last_of(".[");
      if (cut == std::string::npos || cut == 0) break;
      p = p.substr(0, cut);
    }
  }
  return d;
}

void ConfigView::fail(const std::string& key, const std::string& message) const {
  throw InputError(std::vector<Diagnostic>{diagnostic(key, message)});
}

}  // namespace hadal::config
