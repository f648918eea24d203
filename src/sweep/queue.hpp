// SPDX-License-Identifier: MIT
/// \file queue.hpp
/// \brief Slurm and PBS job scripts for one case or a sweep (job array), from a site profile.
///
/// Every script checkpoints before the wall time (Slurm: --signal=USR1@warning to the job step;
/// PBS: a timer in the script sends USR1 to the launcher; both: time.wall_time_limit as a fallback)
/// and, when hadal exits 75, resubmits itself to continue from the checkpoint (a chain of at most
/// max_resubmits jobs). A member or case that is complete already exits 0 at once.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace hadal::sweep {

struct SiteProfile {
  std::string file;                       ///< where it was read from ("" = defaults)
  std::string name = "default";
  std::string scheduler = "slurm";        ///< slurm | pbs
  std::string account, partition;         ///< partition = PBS queue
  int nodes = 1;
  int ranks_per_node = 1;
  int cores_per_node = 0;                 ///< 0 = ranks_per_node (PBS ncpus)
  long wall_time = 3600;                  ///< s
  long max_wall_time = 0;                 ///< s; 0 = no site limit
  long warning = 600;                     ///< s before the wall time to checkpoint
  int max_resubmits = 10;
  int max_parallel = 0;                   ///< array members at once; 0 = no limit
  std::string launcher;                   ///< "" = srun (Slurm) / "mpiexec -n {ranks}" (PBS)
  std::string hadal;                      ///< executable on the cluster ("" = the one writing the script)
  bool module_purge = false;
  std::vector<std::string> modules;
  std::vector<std::pair<std::string, std::string>> environment;
  std::vector<std::string> setup;         ///< shell lines run before hadal
  std::vector<std::string> directives;    ///< extra #SBATCH / #PBS lines, verbatim
};

/// Reads a site profile (YAML); throws InputError listing every problem.
SiteProfile read_site(const std::string& file);
/// Applies command-line settings (--nodes N --ranks-per-node R --time T --warning T --account A --partition P
/// --max-parallel K --queue slurm|pbs); throws InputError on a bad value or a wall time over the limit.
void apply_job_options(SiteProfile& site, const std::map<std::string, std::string>& options);

/// What one job script runs.
struct JobRequest {
  std::string name;                       ///< job name
  std::string working_directory;          ///< absolute; relative paths in case files resolve here
  std::string hadal;                      ///< absolute executable path
  std::vector<std::string> extra_args;    ///< after "hadal run CASE -o DIR" (e.g. --set ...)
  // One case:
  std::string case_file, run_dir;         ///< absolute
  // A sweep (array):
  std::string sweep_dir;                  ///< absolute; cases/<id>.yaml, runs/<id>, logs/<id>.*
  std::size_t members = 0;
  int id_width = 4;
};

/// The job script text. `script_path` is where it will be written (the resubmission calls it).
/// `single_member` (PBS sweeps): the non-array script that continues one member.
std::string job_script(const SiteProfile& site, const JobRequest& job, const std::string& script_path,
                       const std::string& member_script_path = {}, bool single_member = false);

}  // namespace hadal::sweep
