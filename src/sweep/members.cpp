// SPDX-License-Identifier: MIT
// Writing member case files and the manifest, member states, and collecting results.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "core/config.hpp"
#include "io/json.hpp"
#include "sim/driver.hpp"
#include "sim/registry.hpp"
#include "sweep/sweep.hpp"
#include "sweep/util.hpp"

namespace hadal::sweep {

namespace fs = std::filesystem;

namespace {

std::string case_text(const SweepSpec& spec, const Member& m, std::size_t count, const YAML::Node& base) {
  YAML::Node tree = YAML::Clone(base);
  for (const auto& o : m.overrides) config::apply_override(tree, o);
  std::ostringstream text;
  text << "# Member " << m.id << " of " << count << " in sweep '" << spec.name << "' (written by hadal sweep; edit "
       << "the sweep file, not this)\n# base case: " << spec.base << "\n";
  for (std::size_t k = 0; k < spec.parameters.size(); ++k)
    text << "#   " << spec.parameters[k].name << " = " << m.values[k].label << "\n";
  YAML::Emitter out;
  out << tree;
  text << out.c_str() << "\n";
  return text.str();
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

/// summary.json flattened to "a.b[2].c" -> scalar text.
void flatten(const io::Json& j, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      // Lists of named blocks (per-class results) read better by name than by index.
      const auto& item = j[i];
      const std::string sub = item.is_object() && item.contains("name") && item["name"].is_string()
                                  ? prefix + "." + item["name"].get<std::string>()
                                  : prefix + "[" + std::to_string(i) + "]";
      if (item.is_object() && item.contains("name")) {
        for (auto it = item.begin(); it != item.end(); ++it)
          if (it.key() != "name") flatten(it.value(), sub + "." + it.key(), out);
      } else {
        flatten(item, sub, out);
      }
    }
  } else if (j.is_string()) {
    out.push_back({prefix, j.get<std::string>()});
  } else if (j.is_boolean()) {
    out.push_back({prefix, j.get<bool>() ? "true" : "false"});
  } else if (j.is_number()) {
    out.push_back({prefix, format_number(j.get<double>())});
  } else if (j.is_null()) {
    out.push_back({prefix, "nan"});
  }
}

}  // namespace

void write_members(const SweepSpec& spec, const std::vector<Member>& members) {
  const fs::path dir = spec.directory;
  std::error_code ec;
  for (const char* sub : {"cases", "runs", "logs"}) {
    fs::create_directories(dir / sub, ec);
    if (ec) throw InputError("cannot create the sweep folder '" + (dir / sub).string() + "': " + ec.message());
  }
  const YAML::Node base = config::read_yaml_file(spec.base);
  std::vector<Diagnostic> problems;
  std::vector<std::string> texts;
  for (const auto& m : members) {
    try {
      texts.push_back(case_text(spec, m, members.size(), base));
    } catch (const InputError& e) {
      for (auto d : e.diagnostics()) {
        d.message = "member " + m.id + ": " + d.message;
        d.file = spec.file;
        problems.push_back(d);
      }
      texts.emplace_back();
    }
  }
  if (!problems.empty()) throw InputError(problems);
  // A member that already has results keeps its case: changing it would mislabel those results.
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::string path = (dir / "cases" / (members[i].id + ".yaml")).string();
    const std::string old = read_text(path);
    const MemberState state = member_state(dir.string(), members[i].id);
    if (!old.empty() && old != texts[i] && (state == MemberState::Done || state == MemberState::Checkpointed)) {
      Diagnostic d;
      d.file = spec.file;
      d.message = "member " + members[i].id + " in '" + dir.string() +
                  "' already has results for a different case; write the changed sweep to a new folder (-o DIR)";
      problems.push_back(d);
    }
  }
  if (!problems.empty()) throw InputError(problems);
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::string path = (dir / "cases" / (members[i].id + ".yaml")).string();
    if (read_text(path) != texts[i]) write_text(path, texts[i]);
  }
  // Validate every member before anything runs: schema, units, ranges and the module's own checks.
  sim::register_all_modules();
  std::set<std::string> types;
  for (const auto& m : members) {
    const sim::CaseType* type = nullptr;
    try {
      sim::load_case((dir / "cases" / (m.id + ".yaml")).string(), {}, &type);
      if (type) types.insert(type->name);
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics()) problems.push_back(d);
    }
  }
  // Manifest: what every member is, for the runner, the job scripts and collect.
  io::Json manifest = io::Json::object();
  manifest["name"] = spec.name;
  manifest["sweep_file"] = fs::absolute(spec.file).lexically_normal().string();
  manifest["base"] = spec.base;
  manifest["directory"] = fs::absolute(dir).lexically_normal().string();
  manifest["working_directory"] = fs::current_path().string();
  manifest["case_types"] = io::Json(std::vector<std::string>(types.begin(), types.end()));
  manifest["id_width"] = member_id_width(members.size());
  io::Json params = io::Json::array();
  for (const auto& p : spec.parameters) {
    bool numeric = true;
    for (const auto& m : members)
      numeric = numeric && m.values[&p - &spec.parameters[0]].si.has_value();
    params.push_back({{"name", p.name},
                      {"keys", p.keys},
                      {"unit", p.has_dimension ? p.dimension.si_symbol() : ""},
                      {"numeric", numeric},
                      {"sampled", p.distribution.has_value()}});
  }
  manifest["parameters"] = params;
  io::Json plots = io::Json::array();
  for (const auto& p : spec.plots) plots.push_back({{"x", p.x}, {"y", p.y}, {"group", p.group}});
  manifest["plots"] = plots;
  io::Json list = io::Json::array();
  std::ostringstream csv;
  csv << "member";
  for (const auto& p : spec.parameters) csv << "," << csv_field(p.name);
  csv << "\n";
  for (const auto& m : members) {
    io::Json values = io::Json::object();
    csv << m.id;
    for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
      io::Json v = {{"label", m.values[k].label}, {"case_value", m.values[k].yaml}};
      if (m.values[k].si) v["si"] = *m.values[k].si;
      values[spec.parameters[k].name] = v;
      csv << "," << csv_field(m.values[k].si ? format_number(*m.values[k].si) : m.values[k].label);
    }
    csv << "\n";
    list.push_back({{"id", m.id},
                    {"case", "cases/" + m.id + ".yaml"},
                    {"output", "runs/" + m.id},
                    {"overrides", m.overrides},
                    {"values", values}});
  }
  manifest["members"] = list;
  io::write_json_atomically((dir / "manifest.json").string(), manifest);
  write_text((dir / "manifest.csv").string(), csv.str());
  const std::string sweep_copy = read_text(spec.file);
  write_text((dir / "sweep.yaml").string(), sweep_copy);
  if (!problems.empty()) throw InputError(problems);
}

MemberState member_state(const std::string& sweep_dir, const std::string& id, int* exit_code) {
  const fs::path run = fs::path(sweep_dir) / "runs" / id;
  const std::string code_text = read_text((fs::path(sweep_dir) / "logs" / (id + ".exit")).string());
  int code = -1;
  if (!code_text.empty()) code = std::atoi(code_text.c_str());
  if (exit_code) *exit_code = code;
  if (fs::exists(run / "summary.json")) return MemberState::Done;
  if (code >= 0 && code != 0 && code != 75) return MemberState::Failed;
  const fs::path checkpoints = run / "checkpoints";
  std::error_code ec;
  if (fs::is_directory(checkpoints, ec) && !fs::is_empty(checkpoints, ec)) return MemberState::Checkpointed;
  return MemberState::Pending;
}

std::string state_name(MemberState s) {
  switch (s) {
    case MemberState::Pending: return "pending";
    case MemberState::Done: return "done";
    case MemberState::Failed: return "failed";
    case MemberState::Checkpointed: return "checkpointed";
  }
  return "?";
}

std::string collect(const std::string& sweep_dir) {
  const fs::path dir = sweep_dir;
  if (!fs::exists(dir / "manifest.json"))
    throw InputError("'" + sweep_dir + "' holds no manifest.json: give the sweep folder (or the sweep file)");
  const io::Json manifest = io::read_json((dir / "manifest.json").string());
  std::vector<std::string> metric_columns;
  std::set<std::string> seen;
  std::vector<std::vector<std::pair<std::string, std::string>>> rows;
  for (const auto& m : manifest["members"]) {
    std::vector<std::pair<std::string, std::string>> metrics;
    const fs::path summary = dir / "runs" / m["id"].get<std::string>() / "summary.json";
    if (fs::exists(summary)) {
      try {
        flatten(io::read_json(summary.string()), "", metrics);
      } catch (const std::exception& e) {
        std::cerr << "hadal sweep: warning: cannot read " << summary.string() << ": " << e.what() << "\n";
      }
    }
    for (const auto& [k, v] : metrics)
      if (seen.insert(k).second) metric_columns.push_back(k);
    rows.push_back(metrics);
  }
  std::ostringstream csv;
  csv << "member,state,exit_code";
  for (const auto& p : manifest["parameters"]) csv << "," << csv_field(p["name"].get<std::string>());
  for (const auto& c : metric_columns) csv << "," << csv_field(c);
  csv << "\n";
  std::size_t i = 0, done = 0;
  for (const auto& m : manifest["members"]) {
    const std::string id = m["id"].get<std::string>();
    int code = -1;
    const MemberState state = member_state(sweep_dir, id, &code);
    done += state == MemberState::Done ? 1 : 0;
    csv << id << "," << state_name(state) << "," << (code >= 0 ? std::to_string(code) : "");
    for (const auto& p : manifest["parameters"]) {
      const auto& v = m["values"][p["name"].get<std::string>()];
      csv << "," << csv_field(v.contains("si") ? format_number(v["si"].get<double>()) : v["label"].get<std::string>());
    }
    std::map<std::string, std::string> by_name(rows[i].begin(), rows[i].end());
    for (const auto& c : metric_columns) {
      auto it = by_name.find(c);
      csv << "," << (it == by_name.end() ? "" : csv_field(it->second));
    }
    csv << "\n";
    ++i;
  }
  const std::string path = (dir / "results.csv").string();
  write_text(path, csv.str());
  std::cout << "hadal sweep: " << done << " of " << manifest["members"].size() << " members done; wrote " << path
            << " (" << metric_columns.size() << " metrics)" << std::endl;
  return path;
}

}  // namespace hadal::sweep
