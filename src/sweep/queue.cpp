// SPDX-License-Identifier: MIT
#include "sweep/queue.hpp"

#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "core/config.hpp"
#include "core/error.hpp"
#include "sweep/util.hpp"

namespace hadal::sweep {

namespace {

int positive_int(const YAML::Node& n, const std::string& key, Problems& problems, int fallback) {
  try {
    const long v = n.as<long>();
    if (v >= 1 && v <= 1000000) return static_cast<int>(v);
  } catch (const YAML::Exception&) {
  }
  problems.add(n, key, "expected a positive integer");
  return fallback;
}

std::vector<std::string> string_list(const YAML::Node& n, const std::string& key, Problems& problems) {
  std::vector<std::string> out;
  if (n.IsScalar()) return {n.Scalar()};
  if (!n.IsSequence()) {
    problems.add(n, key, "expected a list of strings");
    return out;
  }
  for (const auto& item : n) {
    if (!item.IsScalar()) problems.add(item, key, "expected a string");
    else out.push_back(item.Scalar());
  }
  return out;
}

void check_limits(const SiteProfile& site, const std::string& where) {
  if (site.max_wall_time > 0 && site.wall_time > site.max_wall_time)
    throw InputError(where + "wall time " + format_hms(site.wall_time) + " exceeds the site's max_wall_time " +
                     format_hms(site.max_wall_time));
  if (site.warning >= site.wall_time)
    throw InputError(where + "the checkpoint warning (" + std::to_string(site.warning) +
                     " s) must be shorter than the wall time (" + std::to_string(site.wall_time) + " s)");
  if (site.cores_per_node > 0 && site.ranks_per_node > site.cores_per_node)
    throw InputError(where + "ranks_per_node " + std::to_string(site.ranks_per_node) + " exceeds cores_per_node " +
                     std::to_string(site.cores_per_node));
}

}  // namespace

SiteProfile read_site(const std::string& file) {
  const YAML::Node root = config::read_yaml_file(file);
  Problems problems(file);
  SiteProfile site;
  site.file = file;
  if (!root.IsMap()) {
    problems.add(root, "", "a site profile is a block of settings (scheduler, account, modules, ...)");
    problems.throw_if_any();
  }
  check_keys(root, "",
             {"name", "scheduler", "account", "partition", "nodes", "ranks_per_node", "cores_per_node", "wall_time",
              "max_wall_time", "warning", "max_resubmits", "max_parallel", "launcher", "hadal", "module_purge",
              "modules", "environment", "setup", "directives"},
             problems);
  auto text = [&](const char* key, std::string& target) {
    if (root[key].IsDefined()) {
      if (!root[key].IsScalar()) problems.add(root[key], key, "expected a string");
      else target = root[key].Scalar();
    }
  };
  text("name", site.name);
  text("scheduler", site.scheduler);
  if (site.scheduler != "slurm" && site.scheduler != "pbs")
    problems.add(root["scheduler"], "scheduler", "expected slurm or pbs, got '" + site.scheduler + "'");
  text("account", site.account);
  text("partition", site.partition);
  text("launcher", site.launcher);
  text("hadal", site.hadal);
  if (root["nodes"].IsDefined()) site.nodes = positive_int(root["nodes"], "nodes", problems, 1);
  if (root["ranks_per_node"].IsDefined())
    site.ranks_per_node = positive_int(root["ranks_per_node"], "ranks_per_node", problems, 1);
  if (root["cores_per_node"].IsDefined())
    site.cores_per_node = positive_int(root["cores_per_node"], "cores_per_node", problems, 0);
  if (root["max_parallel"].IsDefined())
    site.max_parallel = positive_int(root["max_parallel"], "max_parallel", problems, 0);
  if (root["max_resubmits"].IsDefined()) {
    try {
      site.max_resubmits = root["max_resubmits"].as<int>();
      if (site.max_resubmits < 0) throw std::invalid_argument("negative");
    } catch (const std::exception&) {
      problems.add(root["max_resubmits"], "max_resubmits", "expected an integer >= 0");
    }
  }
  for (auto [key, target] : {std::pair<const char*, long*>{"wall_time", &site.wall_time},
                             {"max_wall_time", &site.max_wall_time},
                             {"warning", &site.warning}}) {
    if (!root[key].IsDefined()) continue;
    try {
      *target = parse_duration(root[key].Scalar());
      if (*target <= 0) throw std::invalid_argument("must be positive");
    } catch (const std::exception& e) {
      problems.add(root[key], key, std::string("expected a duration such as 04:00:00 or \"10 min\": ") + e.what());
    }
  }
  if (root["module_purge"].IsDefined()) {
    try {
      site.module_purge = root["module_purge"].as<bool>();
    } catch (const YAML::Exception&) {
      problems.add(root["module_purge"], "module_purge", "expected true or false");
    }
  }
  if (root["modules"].IsDefined()) site.modules = string_list(root["modules"], "modules", problems);
  if (root["setup"].IsDefined()) site.setup = string_list(root["setup"], "setup", problems);
  if (root["directives"].IsDefined()) site.directives = string_list(root["directives"], "directives", problems);
  if (root["environment"].IsDefined()) {
    if (!root["environment"].IsMap()) {
      problems.add(root["environment"], "environment", "expected a block NAME: value");
    } else {
      for (const auto& e : root["environment"]) {
        const std::string name = e.first.Scalar();
        bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
        for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
        if (!ok) problems.add(e.first, "environment." + name, "not a valid environment variable name");
        site.environment.push_back({name, e.second.Scalar()});
      }
    }
  }
  problems.throw_if_any();
  check_limits(site, file + ": ");
  return site;
}

void apply_job_options(SiteProfile& site, const std::map<std::string, std::string>& options) {
  for (const auto& [key, value] : options) {
    try {
      if (key == "--nodes" || key == "--ranks-per-node" || key == "--max-parallel") {
        std::size_t used = 0;
        const int v = std::stoi(value, &used);
        if (used != value.size() || v < 1) throw std::invalid_argument("not a positive integer");
        (key == "--nodes" ? site.nodes : key == "--ranks-per-node" ? site.ranks_per_node : site.max_parallel) = v;
      } else if (key == "--time") {
        site.wall_time = parse_duration(value);
      } else if (key == "--warning") {
        site.warning = parse_duration(value);
      } else if (key == "--account") {
        site.account = value;
      } else if (key == "--partition") {
        site.partition = value;
      } else if (key == "--queue") {
        if (value != "slurm" && value != "pbs") throw std::invalid_argument("expected slurm or pbs");
        site.scheduler = value;
      }
    } catch (const std::exception& e) {
      throw InputError(key + " " + value + ": " + e.what());
    }
  }
  check_limits(site, "");
}

std::string job_script(const SiteProfile& site, const JobRequest& job, const std::string& script_path,
                       const std::string& member_script_path, bool single_member) {
  const bool slurm = site.scheduler == "slurm";
  const bool sweep = !job.sweep_dir.empty();
  const bool array = sweep && !single_member;
  const int ranks = site.nodes * site.ranks_per_node;
  std::ostringstream s;
  s << "#!/bin/bash\n";
  if (sweep) {
    s << "# hadal job script: sweep '" << job.name << "', " << job.members << " members"
      << (array ? " as a job array" : "; continues one member (HADAL_MEMBER)") << ". Written by hadal sweep.\n";
  } else {
    s << "# hadal job script: case " << job.case_file << ". Written by hadal submit.\n";
  }
  s << "# Site profile: " << (site.file.empty() ? "(defaults)" : site.file) << "\n";
  s << "# Submit with: " << (slurm ? "sbatch " : "qsub ") << script_path << "\n";
  s << "# The run checkpoints " << site.warning << " s before the wall time and resubmits this script to continue\n"
    << "# from the checkpoint (at most " << site.max_resubmits << " times); a finished run exits at once.\n";
  // Directives.
  const std::string name = job.name.substr(0, slurm ? 64 : 15);
  const std::string logs = sweep ? job.sweep_dir + "/logs" : job.run_dir;
  if (slurm) {
    s << "#SBATCH --job-name=" << name << "\n";
    if (array) {
      s << "#SBATCH --array=0-" << job.members - 1;
      if (site.max_parallel > 0) s << "%" << site.max_parallel;
      s << "\n";
    }
    s << "#SBATCH --nodes=" << site.nodes << "\n";
    s << "#SBATCH --ntasks-per-node=" << site.ranks_per_node << "\n";
    s << "#SBATCH --time=" << format_hms(site.wall_time) << "\n";
    if (!site.account.empty()) s << "#SBATCH --account=" << site.account << "\n";
    if (!site.partition.empty()) s << "#SBATCH --partition=" << site.partition << "\n";
    s << "#SBATCH --signal=USR1@" << site.warning << "\n";
    s << "#SBATCH --output=" << logs << (sweep ? "/slurm_%A_%a.out" : "/job_%j.out") << "\n";
    s << "#SBATCH --open-mode=append\n";
    for (const auto& d : site.directives) s << "#SBATCH " << d << "\n";
  } else {
    s << "#PBS -N " << name << "\n";
    if (array) {
      s << "#PBS -J 0-" << job.members - 1 << "\n";
      if (site.max_parallel > 0) s << "#PBS -W max_run_subjobs=" << site.max_parallel << "\n";
    }
    const int cores = site.cores_per_node > 0 ? site.cores_per_node : site.ranks_per_node;
    s << "#PBS -l select=" << site.nodes << ":ncpus=" << cores << ":mpiprocs=" << site.ranks_per_node << "\n";
    s << "#PBS -l walltime=" << format_hms(site.wall_time) << "\n";
    if (!site.account.empty()) s << "#PBS -A " << site.account << "\n";
    if (!site.partition.empty()) s << "#PBS -q " << site.partition << "\n";
    s << "#PBS -j oe\n";
    s << "#PBS -o " << logs << "/\n";
    if (array) s << "#PBS -r y\n";
    for (const auto& d : site.directives) s << "#PBS " << d << "\n";
  }
  s << "\nset -u\n";
  // Site environment.
  if (site.module_purge || !site.modules.empty() || !site.environment.empty() || !site.setup.empty()) {
    s << "\n# Site environment\n";
    if (site.module_purge) s << "module purge\n";
    if (!site.modules.empty()) s << "module load " << join(site.modules, " ") << "\n";
    for (const auto& [k, v] : site.environment) s << "export " << k << "=" << shell_quote(v) << "\n";
    for (const auto& line : site.setup) s << line << "\n";
  }
  // What to run.
  s << "\nhadal=" << shell_quote(site.hadal.empty() ? job.hadal : site.hadal) << "\n";
  s << "workdir=" << shell_quote(job.working_directory) << "  # relative paths in the case files start here\n";
  s << "script=" << shell_quote(script_path) << "\n";
  s << "max_resubmits=" << site.max_resubmits << "\n";
  s << "wall_seconds=" << site.wall_time << "\n";
  s << "warning_seconds=" << site.warning << "\n";
  s << "chain=${HADAL_CHAIN:-0}\n";
  if (sweep) {
    s << "sweep_dir=" << shell_quote(job.sweep_dir) << "\n";
    if (!slurm) s << "member_script=" << shell_quote(member_script_path) << "\n";
    const std::string task = slurm ? "${SLURM_ARRAY_TASK_ID:-}" : "${PBS_ARRAY_INDEX:-${PBS_ARRAYID:-}}";
    s << "index=${HADAL_MEMBER:-" << task << "}\n";
    s << "if [[ -z \"$index\" ]]; then\n"
      << "  echo \"hadal job: no member index: submit this script as an array job (" << (slurm ? "sbatch" : "qsub")
      << " $script) or set HADAL_MEMBER\" >&2\n"
      << "  exit 2\n"
      << "fi\n";
    s << "printf -v id 'm%0" << job.id_width << "d' \"$index\"\n";
    s << "case_file=$sweep_dir/cases/$id.yaml\n";
    s << "run_dir=$sweep_dir/runs/$id\n";
    s << "exit_file=$sweep_dir/logs/$id.exit\n";
  } else {
    s << "id=" << shell_quote(job.name) << "\n";
    s << "case_file=" << shell_quote(job.case_file) << "\n";
    s << "run_dir=" << shell_quote(job.run_dir) << "\n";
    s << "exit_file=$run_dir/job.exit\n";
  }
  // The launcher; {ranks}, {nodes}, {ranks_per_node} are filled in.
  std::string launcher = site.launcher.empty() ? (slurm ? "srun" : "mpiexec -n {ranks}") : site.launcher;
  for (const auto& [token, value] : {std::pair<std::string, int>{"{ranks}", ranks},
                                     {"{nodes}", site.nodes},
                                     {"{ranks_per_node}", site.ranks_per_node}}) {
    for (std::size_t at; (at = launcher.find(token)) != std::string::npos;)
      launcher.replace(at, token.size(), std::to_string(value));
  }
  std::string extra;
  for (const auto& a : job.extra_args) extra += " " + shell_quote(a);
  std::string resubmit;
  if (slurm) {
    resubmit = std::string("sbatch ") + (sweep ? "--array=\"$index\" " : "") +
               "--export=ALL,HADAL_CHAIN=$((chain + 1)) \"$script\"";
  } else {
    resubmit = sweep ? "qsub -v HADAL_CHAIN=$((chain + 1)),HADAL_MEMBER=\"$index\" \"$member_script\""
                     : "qsub -v HADAL_CHAIN=$((chain + 1)) \"$script\"";
  }
  s << R"SH(
cd "$workdir" || exit 1
mkdir -p "$(dirname "$exit_file")"
if [[ -f "$run_dir/summary.json" ]]; then
  echo "hadal job: $id is complete already ($run_dir/summary.json)"
  echo 0 > "$exit_file"
  exit 0
fi
restart=()
if compgen -G "$run_dir/checkpoints/checkpoint_*.h5" > /dev/null; then
  restart=(--restart latest)
fi
echo "hadal job: $id on $(hostname) at $(date '+%F %T'), link $chain of the chain${restart[*]:+, from the latest checkpoint}"

)SH";
  s << launcher << " \"$hadal\" run \"$case_file\" -o \"$run_dir\"" << extra << " ${restart[@]+\"${restart[@]}\"} &\n";
  s << R"SH(pid=$!
# Ask the run to checkpoint warning_seconds before the wall time (besides the scheduler's own signal).
delay=$(( wall_seconds - warning_seconds - SECONDS ))
(( delay < 1 )) && delay=1
( sleep "$delay" & sleeper=$!
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  wait "$sleeper" && kill -USR1 "$pid" 2>/dev/null ) &
timer=$!
wait "$pid"
rc=$?
kill "$timer" 2>/dev/null
echo "$rc" > "$exit_file"
case $rc in
  0)
    echo "hadal job: $id finished" ;;
  75)
    if (( chain < max_resubmits )); then
      echo "hadal job: $id checkpointed; resubmitting to continue (link $((chain + 1)) of at most $max_resubmits)"
      )SH" << resubmit << R"SH(
    else
      echo "hadal job: $id checkpointed, but all $max_resubmits resubmissions are used; continue with: )SH"
    << (slurm ? std::string("sbatch ") + (sweep ? "--array=$index " : "") + "$script"
              : std::string("qsub ") + (sweep ? "-v HADAL_MEMBER=$index $member_script" : "$script"))
    << R"SH(" >&2
    fi ;;
  *)
    echo "hadal job: $id failed with exit $rc (2 invalid input, 3 numerical failure); see the output above" >&2 ;;
esac
exit "$rc"
)SH";
  return s.str();
}

}  // namespace hadal::sweep
