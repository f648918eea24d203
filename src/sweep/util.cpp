// SPDX-License-Identifier: MIT
#include "sweep/util.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace hadal::sweep {

std::string format_number(double v) {
  char buffer[40];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, v);
    if (std::strtod(buffer, nullptr) == v) break;
  }
  return buffer;
}

std::string emit_flow(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << node;
  return out.c_str();
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) text += (i ? separator : "") + items[i];
  return text;
}

std::vector<std::string> split_words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string shell_quote(const std::string& text) {
  bool plain = !text.empty();
  for (char c : text)
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || std::string("/._-+:,=@%").find(c) != std::string::npos);
  if (plain) return text;
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError("cannot write '" + tmp + "'");
    out << text;
    if (!out.flush()) throw IoError("cannot write '" + tmp + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw IoError("cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
}

std::string format_hms(long seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02ld:%02ld:%02ld", seconds / 3600, (seconds / 60) % 60, seconds % 60);
  return buffer;
}

long parse_duration(const std::string& text) {
  if (text.find(':') != std::string::npos) {
    long days = 0;
    std::string rest = text;
    const auto dash = rest.find('-');
    if (dash != std::string::npos) {
      days = std::stol(rest.substr(0, dash));
      rest = rest.substr(dash + 1);
    }
    std::vector<long> parts;
    std::stringstream in(rest);
    for (std::string p; std::getline(in, p, ':');) {
      if (p.empty() || p.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("'" + text + "' is not a time like 04:00:00");
      parts.push_back(std::stol(p));
    }
    long s = 0;
    if (parts.size() == 3) s = parts[0] * 3600 + parts[1] * 60 + parts[2];
    else if (parts.size() == 2) s = parts[0] * 60 + parts[1];
    else throw std::invalid_argument("'" + text + "' is not a time like 04:00:00");
    return days * 86400 + s;
  }
  const auto q = units::parse_quantity(text);
  if (units::has_unit(text) && q.dimension != units::kTime)
    throw std::invalid_argument("'" + text + "' is not a duration");
  // A bare number is seconds (the SI unit), as everywhere in hadal.
  return std::lround(q.value);
}

void Problems::add(const YAML::Node& at, const std::string& key, const std::string& message) {
  Diagnostic d;
  d.file = file_;
  if (at.IsDefined() && at.Mark().line >= 0) {
    d.line = at.Mark().line + 1;
    d.column = at.Mark().column + 1;
  }
  d.key = key;
  d.message = message;
  list_.push_back(d);
}

void check_keys(const YAML::Node& block, const std::string& path, const std::vector<std::string>& allowed,
                Problems& problems) {
  if (!block.IsMap()) return;
  for (const auto& entry : block) {
    const std::string key = entry.first.as<std::string>();
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (known) continue;
    const std::string near = config::did_you_mean(key, allowed);
    problems.add(entry.first, path.empty() ? key : path + "." + key,
                 "unknown key" + (near.empty() ? std::string() : "; did you mean '" + near + "'?"));
  }
}

}  // namespace hadal::sweep
