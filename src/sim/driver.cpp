// SPDX-License-Identifier: MIT
#include "sim/driver.hpp"

#include <petscsys.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "core/error.hpp"
#include "core/runtime.hpp"
#include "core/profiling.hpp"
#include "grid/grid.hpp"
#include "sim/simulation.hpp"

namespace hadal::sim {

namespace fs = std::filesystem;

config::ObjectSpec case_schema(const CaseType& type) {
  config::ObjectSpec root("A hadal case file.");
  auto& c = root.object("case", "What this case is.");
  c.string("name", "Short name (default: the case file's name without extension)").optional();
  c.enumeration("type", Registry::instance().case_type_names(), "Which model runs").required();
  c.string("description", "Free text, copied into the outputs").optional();
  auto& output = root.object("output", "Where and what to write.");
  output.string("directory", "Output directory (default: runs/<case.name>); -o on the command line overrides it")
      .optional();
  output.boolean("overwrite", "Allow replacing the results of an earlier run in the same directory")
      .default_value(false);
  auto& solver = root.object("solver", "Linear/nonlinear solver settings.");
  solver.string("petsc_options", "Extra PETSc options, e.g. \"-ksp_monitor -ksp_rtol 1e-10\"").default_value("");
  if (type.declare_schema) type.declare_schema(root);
  return root;
}

namespace {

// Every block of the case that selects a flow source ({type: <name>, <name>: {...}}, e.g. plume.flow) gets
// that source's own checks, which open the files it names: `hadal check` then finds what `run` would.
void check_flow_source_blocks(const config::ConfigView& view, const config::ConfigView& root,
                              std::vector<Diagnostic>& problems) {
  const YAML::Node& node = view.node();
  if (!node.IsMap()) return;
  if (node["type"] && node["type"].IsScalar()) {
    const auto* source = Registry::instance().find_flow_source(node["type"].Scalar());
    if (source && source->check && view.has(source->name)) source->check(view.child(source->name), root, problems);
  }
  for (const auto& entry : node)
    if (entry.second.IsMap()) check_flow_source_blocks(view.child(entry.first.Scalar()), root, problems);
}

}  // namespace

config::ResolvedCase load_case(const std::string& file, const std::vector<std::string>& overrides,
                               const CaseType** type_out) {
  YAML::Node raw = config::read_yaml_file(file);
  for (const auto& assignment : overrides) config::apply_override(raw, assignment);

  const auto& registry = Registry::instance();
  const YAML::Node case_block = raw["case"];
  const YAML::Node type_node = case_block.IsMap() ? case_block["type"] : YAML::Node();
  if (!type_node.IsDefined() || !type_node.IsScalar()) {
    std::string known;
    for (const auto& name : registry.case_type_names()) known += (known.empty() ? "" : ", ") + name;
    const YAML::Mark mark = case_block.IsDefined() ? case_block.Mark() : YAML::Mark();
    throw InputError(std::vector<Diagnostic>{{file, mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0,
                                              "case.type", "missing: say which model runs (one of " + known + ")"}});
  }
  const CaseType* type = registry.find_case_type(type_node.Scalar());
  if (!type) {
    std::string message = "unknown case type '" + type_node.Scalar() + "'";
    const std::string suggestion = config::did_you_mean(type_node.Scalar(), registry.case_type_names());
    if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
    std::string known;
    for (const auto& name : registry.case_type_names()) known += (known.empty() ? "" : ", ") + name;
    message += " (known: " + known + ")";
    throw InputError(std::vector<Diagnostic>{
        {file, type_node.Mark().line + 1, type_node.Mark().column + 1, "case.type", message}});
  }
  config::ObjectSpec schema = case_schema(*type);
  config::ResolvedCase resolved = config::validate(raw, schema, file);
  if (!resolved.tree["case"]["name"]) resolved.tree["case"]["name"] = fs::path(file).stem().string();
  std::vector<Diagnostic> problems;
  if (type->check) type->check(resolved.root(), problems);
  if (problems.empty()) check_flow_source_blocks(resolved.root(), resolved.root(), problems);
  if (!problems.empty()) throw InputError(problems);
  if (type_out) *type_out = type;
  return resolved;
}

namespace {

// Rank 0 decides; every rank gets the same verdict so errors stay collective.
void collective_check(MPI_Comm comm, std::string problem, const std::string& key) {
  int length = static_cast<int>(problem.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm);
  problem.resize(static_cast<std::size_t>(length));
  MPI_Bcast(problem.data(), length, MPI_CHAR, 0, comm);
  if (!problem.empty()) throw InputError(std::vector<Diagnostic>{{"", 0, 0, key, problem}});
}

std::string broadcast_string(MPI_Comm comm, std::string value) {
  int length = static_cast<int>(value.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm);
  value.resize(static_cast<std::size_t>(length));
  MPI_Bcast(value.data(), length, MPI_CHAR, 0, comm);
  return value;
}

bool is_hadal_output(const fs::path& p) {
  static const std::regex pattern(R"(.*\.(h5|xmf|csv|json|png)|.*\.steps\.json|hadal\.log|case\.resolved\.yaml)");
  return std::regex_match(p.filename().string(), pattern);
}

// Creates/validates the output directory. Refuses to replace a finished run or a run with checkpoints
// unless restarting or allowed to overwrite.
std::string prepare_output_directory(const std::string& dir, bool restarting, bool overwrite) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) return "cannot create output directory '" + dir + "': " + ec.message();
  const fs::path probe = fs::path(dir) / ".hadal_write_test";
  {
    std::ofstream out(probe);
    if (!out) return "output directory '" + dir + "' is not writable";
  }
  fs::remove(probe, ec);
  const bool finished = fs::exists(fs::path(dir) / "summary.json");
  const bool has_checkpoints = fs::exists(fs::path(dir) / "checkpoints") && !fs::is_empty(fs::path(dir) / "checkpoints", ec);
  if (restarting) return {};
  if ((finished || has_checkpoints) && !overwrite) {
    return "output directory '" + dir + "' already holds " +
           std::string(finished ? "the results of a finished run" : "checkpoints of an unfinished run") +
           "; use another directory (-o DIR), restart with --restart latest, or set output.overwrite: true";
  }
  // Fresh start in a directory hadal may have used before: remove our old files so nothing stale
  // poses as a result of this run.
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && is_hadal_output(it->path())) fs::remove(it->path(), ec);
  }
  fs::remove_all(fs::path(dir) / "checkpoints", ec);
  return {};
}

std::string newest_checkpoint(const std::string& dir) {
  const fs::path checkpoints = fs::path(dir) / "checkpoints";
  std::string newest;
  if (!fs::is_directory(checkpoints)) return {};
  for (const auto& entry : fs::directory_iterator(checkpoints)) {
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, std::regex("checkpoint_[0-9]+\\.h5")) && entry.path().string() > newest) {
      newest = entry.path().string();
    }
  }
  return newest;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

void report(const InputError& e, int rank) {
  if (rank != 0) return;
  for (const auto& d : e.diagnostics()) std::cerr << "hadal: error: " << d.format() << '\n';
  std::cerr.flush();
}

}  // namespace

int run_case(MPI_Comm comm, const RunOptions& options) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  Logger log(comm);
  log.set_quiet(options.quiet);
  try {
    register_all_modules();
    const CaseType* type = nullptr;
    const config::ResolvedCase resolved = load_case(options.case_file, options.overrides, &type);
    const auto root = resolved.root();
    const std::string name = root.child("case").string("name");
    std::string dir = options.output_dir;
    if (dir.empty()) dir = root.child("output").has("directory") ? root.child("output").string("directory") : "runs/" + name;

    std::string restart = options.restart_file;
    const bool restarting = !restart.empty();
    collective_check(comm, rank == 0 ? prepare_output_directory(dir, restarting, root.child("output").boolean("overwrite")) : "",
                     "output.directory");
    if (restart == "latest") {
      restart = broadcast_string(comm, rank == 0 ? newest_checkpoint(dir) : "");
      if (restart.empty()) throw InputError("--restart latest: no checkpoint in '" + dir + "/checkpoints'");
    } else if (restarting) {
      collective_check(comm, rank == 0 && !fs::exists(restart) ? "restart file '" + restart + "' does not exist" : "",
                       "--restart");
    }

    log.open_file(dir + "/hadal.log");
    log.file_only("==== hadal run " + utc_now() + " ====");
    log.file_only("command: " + options.command_line);
    for (const auto& [key, value] : build_and_runtime_facts(comm)) log.file_only(key + ": " + value);
    log.file_only("case file: " + options.case_file + (restarting ? " (restart from " + restart + ")" : ""));
    log.file_only("resolved case:\n" + resolved.yaml());
    if (rank == 0) {
      std::ofstream out(dir + "/case.resolved.yaml");
      out << "# Resolved by hadal " << hadal_version() << " (" << git_hash() << ") from " << options.case_file
          << "\n# Every default filled in; every quantity in SI units.\n"
          << resolved.yaml();
    }
    log.info("hadal " + hadal_version() + " (" + git_hash() + "): " + type->name + " case '" + name + "' on " +
             std::to_string(size) + " rank(s), output in " + dir);
    if (root.has("grid") && root.child("grid").has("refine")) {
      log.info(grid::describe_columns(grid::grid_spec_from_config(root.child("grid"))));
    }

    const std::string petsc_options = root.child("solver").string("petsc_options");
    if (!petsc_options.empty()) PetscOptionsInsertString(nullptr, petsc_options.c_str());

    io::Json summary = io::Json::object();
    RunContext context;
    context.comm = comm;
    context.config = root;
    context.resolved_yaml = resolved.yaml();
    context.case_file = options.case_file;
    context.output_dir = dir;
    context.restart_file = restart;
    context.log = &log;
    context.summary = &summary;
    const auto start = std::chrono::steady_clock::now();
    profiling::enable(options.profile);
    type->run(context);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options.profile) {
      // Every rank takes part; rank 0's log prints it.
      const std::string table = profiling::table(comm, wall);
      log.info("time by region (s, inclusive of nested regions; wall " + strformat("%.3f", wall) + " s):\n" + table);
      io::Json profile = io::Json::object();
      for (const auto& e : profiling::entries()) profile[e.path] = {{"calls", e.calls}, {"seconds", e.seconds}};
      summary["profile_rank0"] = profile;
    }

    io::Json document = io::Json::object();
    document["case"] = name;
    document["type"] = type->name;
    document["status"] = "completed";
    document["hadal_version"] = hadal_version();
    document["git"] = git_hash();
    document["ranks"] = size;
    document["wall_seconds"] = wall;
    document["finished_utc"] = utc_now();
    for (const auto& [key, value] : summary.items()) document[key] = value;
    if (rank == 0) io::write_json_atomically(dir + "/summary.json", document);
    log.info("summary: " + dir + "/summary.json");
    return kExitSuccess;
  } catch (const InputError& e) {
    report(e, rank);
    log.file_only(std::string("input error: ") + e.what());
    return kExitInvalidInput;
  } catch (const NumericalError& e) {
    log.error(std::string("numerical failure: ") + e.what());
    return kExitNumerical;
  } catch (const CheckpointedStop& e) {
    log.warn(std::string(e.what()) + "; continue with: hadal run " + options.case_file + " --restart latest");
    return kExitCheckpointed;
  } catch (const std::exception& e) {
    // Possibly raised on one rank only: abort all so nobody waits forever in a collective.
    std::cerr << "hadal: error (rank " << rank << "): " << e.what() << std::endl;
    if (size > 1) MPI_Abort(comm, kExitFailure);
    return kExitFailure;
  }
}

int check_case(MPI_Comm comm, const RunOptions& options) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  try {
    register_all_modules();
    const CaseType* type = nullptr;
    const config::ResolvedCase resolved = load_case(options.case_file, options.overrides, &type);
    if (rank == 0) {
      std::cout << options.case_file << ": valid " << type->name << " case '"
                << resolved.root().child("case").string("name") << "'\n";
      if (!options.quiet) std::cout << "\n# resolved case (SI units, defaults filled in)\n" << resolved.yaml();
    }
    return kExitSuccess;
  } catch (const InputError& e) {
    report(e, rank);
    return kExitInvalidInput;
  }
}

}  // namespace hadal::sim
