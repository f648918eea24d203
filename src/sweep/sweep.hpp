// SPDX-License-Identifier: MIT
/// \file sweep.hpp
/// \brief Parameter sweeps: a base case plus parameters (lists, ranges, log ranges, Latin-hypercube
/// samples of distributions) expanded into one validated case file per member, run locally or
/// through queue job arrays, and collected into one table.
///
/// Entry point for the command line: `main_command` (`hadal sweep ...`, `hadal submit ...`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <mpi.h>

#include "core/error.hpp"
#include "core/units.hpp"
#include "sweep/sampling.hpp"

namespace hadal::sweep {

/// `hadal sweep ...` and `hadal submit ...`: args[0] is "sweep" or "submit", the rest are its
/// arguments. Returns the process exit code. Runs on one rank (members are separate processes).
int main_command(MPI_Comm comm, const std::vector<std::string>& args);

/// Usage text of both commands (for `hadal --help`).
std::string usage();
/// The usage lines of one command, `sweep` or `submit` (`hadal sweep --help`).
std::string usage(const std::string& command);

/// One value a parameter takes in one member.
struct Value {
  std::string yaml;                 ///< text given to apply_override (case-file syntax, e.g. "2 cm/s")
  std::string label;                ///< how the value appears in tables
  std::optional<double> si;         ///< numeric value in SI (absent for categorical values)
};

struct Parameter {
  std::string name;                 ///< column name
  std::vector<std::string> keys;    ///< case keys it sets (empty: only feeds a vector rule)
  std::string group;                ///< parameters of one group vary together
  std::vector<Value> values;        ///< list / range / log_range parameters
  std::optional<Distribution> distribution;  ///< Latin-hypercube parameters
  units::Dimension dimension;       ///< of the numeric values
  bool has_dimension = false;       ///< false for plain numbers and categorical values
  int line = 0;
};

/// Sets a 2-D vector key from a speed and a compass direction (towards which the current flows,
/// clockwise from north = +y): [speed sin(direction), speed cos(direction)].
struct VectorRule {
  std::string key, speed, direction;
};

struct PlotSpec {
  std::string x, y, group;
};

struct SweepSpec {
  std::string file;                 ///< the sweep file
  std::string name;
  std::string base;                 ///< base case, resolved against the sweep file's folder
  std::string directory;            ///< sweep folder (default sweeps/<name>, relative to the cwd)
  std::vector<std::pair<std::string, std::string>> fixed;  ///< (key, yaml value) for every member
  std::vector<Parameter> parameters;
  std::vector<VectorRule> vectors;
  std::vector<PlotSpec> plots;
  std::size_t samples = 0;          ///< Latin-hypercube size
  std::uint64_t seed = 1;
};

struct Member {
  std::string id;                   ///< m0000, m0001, ...
  std::vector<Value> values;        ///< one per parameter, in SweepSpec::parameters order
  std::vector<std::string> overrides;  ///< key=value, applied to the base case in order
};

/// Reads and checks a sweep file; throws InputError listing every problem (file:line:column).
SweepSpec read_sweep(const std::string& file);
/// All members: the Cartesian product of the list axes (a group is one axis) crossed with the
/// Latin-hypercube samples (the sample index varies fastest).
std::vector<Member> expand(const SweepSpec& spec);
/// Member ids are "m" + zero-padded index, at least 4 digits.
std::string member_id(std::size_t index, std::size_t count);
int member_id_width(std::size_t count);

/// Writes cases/<id>.yaml, manifest.json, manifest.csv and plots.json under spec.directory and
/// validates every member against its case type. Throws InputError with every member's problems
/// (nothing is left half-written as "valid"). Refuses to change the case of a member that already
/// has results.
void write_members(const SweepSpec& spec, const std::vector<Member>& members);

/// Where a member stands, from its run directory and its exit-code file.
enum class MemberState { Pending, Done, Failed, Checkpointed };
MemberState member_state(const std::string& sweep_dir, const std::string& id, int* exit_code = nullptr);
std::string state_name(MemberState s);

/// Local execution options.
struct LocalOptions {
  int jobs = 1;                     ///< members at once
  int ranks = 1;                    ///< MPI ranks per member
  std::string mpiexec;              ///< launcher for ranks > 1 (default $MPIEXEC or "mpiexec")
  std::vector<std::string> only;    ///< run just these member ids
  bool retry_failed = false;        ///< rerun members whose last attempt failed
};
/// Runs the members as `hadal run` subprocesses; returns 0 (all done), 1 (some failed) or 75
/// (stopped by a signal; run again to continue).
int run_local(const SweepSpec& spec, const std::vector<Member>& members, const LocalOptions& options);

/// Gathers summary.json of every member into results.csv; returns the path.
std::string collect(const std::string& sweep_dir);

/// The hadal executable members run: $HADAL, else "hadal" next to the running program.
std::string hadal_executable();
/// This process's environment as it started, minus the variables an MPI launcher set, so that
/// child hadal processes start their own MPI job.
std::vector<std::string> child_environment();

}  // namespace hadal::sweep
