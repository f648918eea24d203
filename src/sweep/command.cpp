// SPDX-License-Identifier: MIT
// `hadal sweep ...` and `hadal submit ...`.
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "core/config.hpp"
#include "core/error.hpp"
#include "io/json.hpp"
#include "sim/driver.hpp"
#include "sim/registry.hpp"
#include "sweep/queue.hpp"
#include "sweep/sweep.hpp"
#include "sweep/util.hpp"

#ifndef HADAL_SOURCE_DIR
#define HADAL_SOURCE_DIR ""
#endif

namespace hadal::sweep {

namespace fs = std::filesystem;

namespace {
const char* kSweepUsage = R"(  sweep SWEEP.yaml [-o DIR]
        expand a sweep into one case file per member (DIR/cases) and validate them all
  sweep SWEEP.yaml --local [-j N] [--ranks R] [--mpiexec CMD] [--only m0003,m0007] [--retry-failed]
        run the members here as separate hadal processes, skipping complete ones
  sweep SWEEP.yaml --queue slurm|pbs [--site SITE.yaml] [--nodes N] [--ranks-per-node R]
        [--time HH:MM:SS] [--warning T] [--account A] [--partition P] [--max-parallel K] [--submit]
        write a job-array script (DIR/queue/) that checkpoints before the wall time and resubmits
  sweep collect DIR|SWEEP.yaml [--no-plots]
        gather every member's summary.json into DIR/results.csv and draw the plots (DIR/plots)
  sweep status DIR|SWEEP.yaml
        list the members and where each stands (done, failed, checkpointed, pending)
)";
const char* kSubmitUsage = R"(  submit CASE.yaml [--queue slurm|pbs] [--site SITE.yaml] [-o RUN_DIR] [--script FILE]
        [--set key.path=value ...] [--nodes N] [--ranks-per-node R] [--time HH:MM:SS] [--warning T]
        [--account A] [--partition P] [--submit]
        write (and with --submit, submit) a Slurm or PBS job script for one case
)";
}  // namespace

std::string usage() { return std::string(kSweepUsage) + kSubmitUsage; }

std::string usage(const std::string& command) { return command == "submit" ? kSubmitUsage : kSweepUsage; }

namespace {

int fail_usage(const std::string& message) {
  std::cerr << "hadal: error: " << message << "\n\nusage:\n" << usage();
  return kExitInvalidInput;
}

int report(const InputError& e) {
  for (const auto& d : e.diagnostics()) std::cerr << "hadal: error: " << d.format() << "\n";
  if (e.diagnostics().empty()) std::cerr << "hadal: error: " << e.what() << "\n";
  return kExitInvalidInput;
}

struct Arguments {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  ///< flags with values
  std::vector<std::string> sets;               ///< --set, repeatable
  std::vector<std::string> switches;           ///< flags without values
  bool has(const std::string& s) const {
    return std::find(switches.begin(), switches.end(), s) != switches.end() || options.count(s);
  }
  std::string get(const std::string& key, const std::string& fallback = {}) const {
    auto it = options.find(key);
    return it == options.end() ? fallback : it->second;
  }
};

Arguments parse(const std::vector<std::string>& args, std::size_t first, const std::vector<std::string>& valued,
                const std::vector<std::string>& flags) {
  Arguments a;
  for (std::size_t i = first; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (s == "--set") {
      if (i + 1 >= args.size()) throw InputError("--set needs key.path=value");
      a.sets.push_back(args[++i]);
    } else if (std::find(valued.begin(), valued.end(), s) != valued.end()) {
      if (i + 1 >= args.size()) throw InputError(s + " needs a value");
      a.options[s] = args[++i];
    } else if (std::find(flags.begin(), flags.end(), s) != flags.end()) {
      a.switches.push_back(s);
    } else if (!s.empty() && s[0] == '-') {
      throw InputError("unknown option '" + s + "'");
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

const std::vector<std::string> kJobOptions = {"--nodes", "--ranks-per-node", "--time", "--account", "--partition",
                                              "--max-parallel", "--queue", "--warning"};

SiteProfile site_for(const Arguments& a) {
  SiteProfile site = a.options.count("--site") ? read_site(a.get("--site")) : SiteProfile{};
  if (!a.options.count("--site") && !a.options.count("--queue"))
    throw InputError("which scheduler? give --site SITE.yaml or --queue slurm|pbs");
  std::map<std::string, std::string> job;
  for (const auto& k : kJobOptions)
    if (a.options.count(k)) job[k] = a.get(k);
  apply_job_options(site, job);
  return site;
}

void make_executable(const std::string& path) { chmod(path.c_str(), 0755); }

int submit_script(const SiteProfile& site, const std::string& script) {
  const std::string command = (site.scheduler == "slurm" ? "sbatch " : "qsub ") + shell_quote(script);
  std::cout << "hadal: " << command << std::endl;
  const int status = std::system(command.c_str());
  if (status != 0) {
    std::cerr << "hadal: error: the submission failed (" << command << ")\n";
    return kExitFailure;
  }
  return kExitSuccess;
}

/// time.wall_time_limit for the job, if this case type has a time loop (the fallback when the
/// scheduler's signal does not arrive): the wall time less the warning.
std::vector<std::string> wall_time_override(const std::string& case_file, const std::vector<std::string>& sets,
                                            const SiteProfile& site) {
  std::vector<std::string> with = sets;
  with.push_back("time.wall_time_limit=" + std::to_string(site.wall_time - site.warning));
  try {
    sim::load_case(case_file, with);
    return {"--set", with.back()};
  } catch (const InputError&) {
    return {};  // no time loop (steady case): the signal alone applies
  }
}

std::string plot_script() {
  if (const char* d = std::getenv("HADAL_SCRIPTS_DIR"); d && *d) return std::string(d) + "/sweep/plot_sweep.py";
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = self.parent_path().parent_path() / "share" / "hadal" / "scripts" / "sweep" / "plot_sweep.py";
    if (fs::exists(installed)) return installed.string();
  }
  return std::string(HADAL_SOURCE_DIR) + "/scripts/sweep/plot_sweep.py";
}

/// A sweep folder from "DIR" or "SWEEP.yaml" (+ -o DIR).
std::string sweep_folder(const Arguments& a) {
  if (a.positional.size() != 2) throw InputError("give the sweep folder or the sweep file");
  const std::string& target = a.positional[1];
  if (fs::is_directory(target)) return target;
  if (a.options.count("-o")) return a.get("-o");
  return read_sweep(target).directory;
}

int collect_command(const Arguments& a) {
  const std::string dir = sweep_folder(a);
  const std::string csv = collect(dir);
  if (a.has("--no-plots")) return kExitSuccess;
  const char* py = std::getenv("HADAL_PYTHON");
  const std::string python = py && *py ? py : (fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
  const std::string script = plot_script();
  if (!fs::exists(script)) {
    std::cerr << "hadal sweep: warning: plot script " << script << " not found (set HADAL_SCRIPTS_DIR); no plots\n";
    return kExitSuccess;
  }
  const std::string command = shell_quote(python) + " " + shell_quote(script) + " " + shell_quote(dir);
  const int status = std::system(command.c_str());
  constexpr int kNoMatplotlib = 3;  // plot_sweep.py: the plotting library is missing
  if (WIFEXITED(status) && WEXITSTATUS(status) == kNoMatplotlib) {
    std::cerr << "hadal sweep: warning: matplotlib is missing, no plots (results.csv is complete)\n";
    return kExitSuccess;
  }
  if (status != 0) {
    std::cerr << "hadal sweep: warning: plotting failed (" << command << "); results.csv is complete\n";
    return kExitFailure;
  }
  return kExitSuccess;
}

int status_command(const Arguments& a) {
  const std::string dir = sweep_folder(a);
  if (!fs::exists(fs::path(dir) / "manifest.json")) throw InputError("'" + dir + "' holds no manifest.json");
  const io::Json manifest = io::read_json((fs::path(dir) / "manifest.json").string());
  std::map<std::string, int> counts;
  for (const auto& m : manifest["members"]) {
    const std::string id = m["id"].get<std::string>();
    int code = -1;
    const auto state = member_state(dir, id, &code);
    ++counts[state_name(state)];
    std::cout << id << "  " << state_name(state);
    if (state == MemberState::Failed) std::cout << " (exit " << code << ", see " << dir << "/logs/" << id << ".log)";
    std::cout << "\n";
  }
  std::cout << "total " << manifest["members"].size();
  for (const auto& [k, v] : counts) std::cout << ", " << k << " " << v;
  std::cout << std::endl;
  return counts.count("failed") ? kExitFailure : kExitSuccess;
}

int sweep_command(const std::vector<std::string>& args) {
  std::vector<std::string> valued = {"-o", "-j", "--ranks", "--mpiexec", "--only", "--site"};
  valued.insert(valued.end(), kJobOptions.begin(), kJobOptions.end());
  const Arguments a = parse(args, 1, valued, {"--local", "--retry-failed", "--submit", "--no-plots"});
  if (a.positional.empty()) return fail_usage("sweep: which sweep file?");
  if (a.positional[0] == "collect") return collect_command(a);
  if (a.positional[0] == "status") return status_command(a);
  if (a.positional.size() > 1) return fail_usage("sweep: one sweep file, got '" + a.positional[1] + "' too");
  SweepSpec spec = read_sweep(a.positional[0]);
  if (a.options.count("-o")) spec.directory = a.get("-o");
  const auto members = expand(spec);
  if (members.empty()) throw InputError("the sweep has no members");
  const bool local = a.has("--local"), queue = a.options.count("--queue") || a.options.count("--site");
  if (local && queue) return fail_usage("sweep: --local or --queue, not both");
  SiteProfile site;
  if (queue) site = site_for(a);  // before writing anything: a bad profile changes nothing
  write_members(spec, members);
  std::cout << "hadal sweep: " << spec.name << ": " << members.size() << " members written to " << spec.directory
            << "/cases and validated" << std::endl;
  if (local) {
    LocalOptions options;
    try {
      options.jobs = std::stoi(a.get("-j", "1"));
      options.ranks = std::stoi(a.get("--ranks", "1"));
    } catch (const std::exception&) {
      return fail_usage("-j and --ranks take positive integers");
    }
    if (options.jobs < 1 || options.ranks < 1) return fail_usage("-j and --ranks take positive integers");
    options.mpiexec = a.get("--mpiexec");
    options.retry_failed = a.has("--retry-failed");
    if (a.options.count("--only")) {
      std::stringstream in(a.get("--only"));
      for (std::string id; std::getline(in, id, ',');) {
        bool known = false;
        for (const auto& m : members) known = known || m.id == id;
        if (!known) return fail_usage("--only: no member '" + id + "'");
        options.only.push_back(id);
      }
    }
    return run_local(spec, members, options);
  }
  if (!queue) return kExitSuccess;
  const fs::path dir = fs::absolute(spec.directory).lexically_normal();
  fs::create_directories(dir / "queue");
  JobRequest job;
  job.name = spec.name;
  job.working_directory = fs::current_path().string();
  job.hadal = fs::absolute(hadal_executable()).string();
  job.sweep_dir = dir.string();
  job.members = members.size();
  job.id_width = member_id_width(members.size());
  job.extra_args = wall_time_override((dir / "cases" / (members.front().id + ".yaml")).string(), {}, site);
  const std::string suffix = site.scheduler == "slurm" ? ".slurm" : ".pbs";
  const std::string script = (dir / "queue" / ("sweep" + suffix)).string();
  const std::string member_script = (dir / "queue" / ("member" + suffix)).string();
  write_text(script, job_script(site, job, script, member_script));
  make_executable(script);
  if (site.scheduler == "pbs") {
    write_text(member_script, job_script(site, job, script, member_script, true));
    make_executable(member_script);
  }
  std::cout << "hadal sweep: wrote " << script << " (" << members.size() << " array tasks, " << site.nodes
            << " node(s) x " << site.ranks_per_node << " ranks, wall time " << format_hms(site.wall_time) << ")"
            << std::endl;
  if (a.has("--submit")) return submit_script(site, script);
  std::cout << "submit with: " << (site.scheduler == "slurm" ? "sbatch " : "qsub ") << script << std::endl;
  return kExitSuccess;
}

int submit_command(const std::vector<std::string>& args) {
  std::vector<std::string> valued = {"-o", "--site", "--script"};
  valued.insert(valued.end(), kJobOptions.begin(), kJobOptions.end());
  const Arguments a = parse(args, 1, valued, {"--submit"});
  if (a.positional.size() != 1) return fail_usage("submit: give one case file");
  const std::string case_file = fs::absolute(a.positional[0]).lexically_normal().string();
  sim::register_all_modules();
  const config::ResolvedCase resolved = sim::load_case(case_file, a.sets);  // invalid input never reaches the queue
  const SiteProfile site = site_for(a);
  std::string run_dir = a.get("-o");
  const auto root = resolved.root();
  if (run_dir.empty())
    run_dir = root.child("output").has("directory") ? root.child("output").string("directory")
                                                     : "runs/" + root.child("case").string("name");
  run_dir = fs::absolute(run_dir).lexically_normal().string();
  fs::create_directories(run_dir);
  JobRequest job;
  job.name = root.child("case").string("name");
  job.working_directory = fs::current_path().string();
  job.hadal = fs::absolute(hadal_executable()).string();
  job.case_file = case_file;
  job.run_dir = run_dir;
  for (const auto& s : a.sets) {
    job.extra_args.push_back("--set");
    job.extra_args.push_back(s);
  }
  for (const auto& extra : wall_time_override(case_file, a.sets, site)) job.extra_args.push_back(extra);
  const std::string script =
      a.get("--script", run_dir + "/job" + (site.scheduler == "slurm" ? ".slurm" : ".pbs"));
  write_text(script, job_script(site, job, script));
  make_executable(script);
  std::cout << "hadal submit: wrote " << script << " (" << site.nodes << " node(s) x " << site.ranks_per_node
            << " ranks, wall time " << format_hms(site.wall_time) << ")" << std::endl;
  if (a.has("--submit")) return submit_script(site, script);
  std::cout << "submit with: " << (site.scheduler == "slurm" ? "sbatch " : "qsub ") << script << std::endl;
  return kExitSuccess;
}

}  // namespace

int main_command(MPI_Comm comm, const std::vector<std::string>& args) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  if (size > 1) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    if (rank == 0)
      std::cerr << "hadal: error: run 'hadal " << (args.empty() ? "sweep" : args[0])
                << "' without mpiexec; members get their ranks from --ranks or the site profile\n";
    return kExitInvalidInput;
  }
  if (args.empty() || (args[0] != "sweep" && args[0] != "submit")) return fail_usage("expected sweep or submit");
  try {
    return args[0] == "sweep" ? sweep_command(args) : submit_command(args);
  } catch (const InputError& e) {
    return report(e);
  } catch (const IoError& e) {
    std::cerr << "hadal: error: " << e.what() << "\n";
    return kExitFailure;
  } catch (const fs::filesystem_error& e) {
    std::cerr << "hadal: error: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace hadal::sweep
