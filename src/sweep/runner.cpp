// SPDX-License-Identifier: MIT
// Local execution: members run as separate `hadal run` processes, so one failing member (a crash,
// a numerical failure, an abort) cannot take the sweep down.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/signals.hpp"
#include "sweep/sweep.hpp"
#include "sweep/util.hpp"

extern char** environ;

namespace hadal::sweep {

namespace fs = std::filesystem;

std::string hadal_executable() {
  if (const char* env = std::getenv("HADAL"); env && *env) return env;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path sibling = self.parent_path() / "hadal";
    if (fs::exists(sibling)) return sibling.string();
  }
  throw InputError("cannot find the hadal executable for the members: set HADAL=/path/to/hadal");
}

std::vector<std::string> child_environment() {
  // /proc/self/environ is the environment this process was started with, before MPI_Init added
  // its own variables; a child that inherited those would try to join this process's MPI job.
  std::vector<std::string> env;
  const std::string text = read_text("/proc/self/environ");
  if (!text.empty()) {
    std::size_t start = 0;
    while (start < text.size()) {
      const auto end = text.find('\0', start);
      env.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
  } else {
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
  }
  // Variables an MPI launcher sets for its ranks (hadal sweep started under mpiexec -n 1).
  static const char* launcher_prefixes[] = {"OMPI_COMM_WORLD_", "OMPI_MCA_ess", "OMPI_MCA_orte_", "OMPI_MCA_pmix",
                                            "OMPI_FILE_LOCATION", "OMPI_UNIVERSE_SIZE", "OMPI_APP_CTX",
                                            "OMPI_FIRST_RANKS", "OMPI_NUM_APP_CTX", "OMPI_ARGV", "OMPI_COMMAND",
                                            "OMPI_MCA_initial_wdir", "PMIX_", "PMI_", "HYDRA_", "MPI_LOCALNRANKS",
                                            "MPI_LOCALRANKID"};
  std::vector<std::string> kept;
  for (const auto& e : env) {
    bool drop = false;
    for (const char* p : launcher_prefixes) drop = drop || e.rfind(p, 0) == 0;
    if (!drop) kept.push_back(e);
  }
  return kept;
}

namespace {

struct Running {
  std::string id;
  std::chrono::steady_clock::time_point start;
};

/// The last line of a member's log that says what went wrong.
std::string last_error_line(const std::string& log) {
  const std::string text = read_text(log);
  std::string best, line;
  std::istringstream in(text);
  while (std::getline(in, line))
    if (line.find("error") != std::string::npos || line.find("Error") != std::string::npos) best = line;
  return best;
}

std::string exit_meaning(int code) {
  switch (code) {
    case 0: return "success";
    case 1: return "failure";
    case 2: return "invalid input";
    case 3: return "numerical failure";
    case 75: return "checkpointed on a signal";
    default: return code >= 128 ? "killed by signal " + std::to_string(code - 128) : "exit " + std::to_string(code);
  }
}

}  // namespace

int run_local(const SweepSpec& spec, const std::vector<Member>& members, const LocalOptions& options) {
  const std::string hadal = hadal_executable();
  const std::vector<std::string> env_strings = child_environment();
  std::vector<char*> envp;
  for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::vector<std::string> launcher;
  if (options.ranks > 1) {
    const char* m = std::getenv("MPIEXEC");
    launcher = split_words(!options.mpiexec.empty() ? options.mpiexec : (m && *m ? m : "mpiexec"));
    launcher.push_back("-n");
    launcher.push_back(std::to_string(options.ranks));
  }
  const fs::path dir = spec.directory;
  std::vector<const Member*> queue;
  std::size_t skipped = 0, skipped_failed = 0;
  for (const auto& m : members) {
    if (!options.only.empty() && std::find(options.only.begin(), options.only.end(), m.id) == options.only.end()) continue;
    const MemberState state = member_state(dir.string(), m.id);
    if (state == MemberState::Done) {
      ++skipped;
      continue;
    }
    if (state == MemberState::Failed && !options.retry_failed) {
      ++skipped_failed;
      continue;
    }
    queue.push_back(&m);
  }
  std::cout << "hadal sweep: " << spec.name << ": " << members.size() << " members; " << skipped
            << " already done, " << skipped_failed << " failed earlier (not retried; --retry-failed reruns them), "
            << queue.size() << " to run, " << options.jobs << " at a time" << std::endl;
  install_stop_signal_handlers();
  std::map<pid_t, Running> running;
  std::vector<std::string> failed, stopped;
  std::size_t next = 0, finished = 0;
  bool stopping = false;
  const auto sweep_start = std::chrono::steady_clock::now();
  while (next < queue.size() || !running.empty()) {
    if (!stopping && received_stop_signal() != 0) {
      // Pass the stop on: every running member checkpoints and exits 75; none new starts.
      stopping = true;
      std::cout << "hadal sweep: signal " << received_stop_signal()
                << " received: members checkpoint and stop; run the sweep again to continue" << std::endl;
      for (const auto& [pid, r] : running) kill(pid, SIGTERM);
    }
    while (!stopping && next < queue.size() && static_cast<int>(running.size()) < options.jobs) {
      const Member& m = *queue[next++];
      const fs::path run = dir / "runs" / m.id;
      const bool resume = member_state(dir.string(), m.id) == MemberState::Checkpointed;
      std::vector<std::string> argv = launcher;
      for (const std::string& a : {hadal, std::string("run"), (dir / "cases" / (m.id + ".yaml")).string(),
                                   std::string("-o"), run.string()})
        argv.push_back(a);
      if (resume) {
        argv.push_back("--restart");
        argv.push_back("latest");
      }
      std::vector<char*> c_argv;
      for (auto& a : argv) c_argv.push_back(a.data());
      c_argv.push_back(nullptr);
      const std::string log = (dir / "logs" / (m.id + ".log")).string();
      std::remove((dir / "logs" / (m.id + ".exit")).c_str());
      std::cout.flush();
      const pid_t pid = fork();
      if (pid < 0) throw IoError(std::string("fork failed: ") + std::strerror(errno));
      if (pid == 0) {
        // Child: default signal handling, output into the member's log, then the member itself.
        for (int s : {SIGTERM, SIGUSR1, SIGINT}) signal(s, SIG_DFL);
        const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
          dup2(fd, 1);
          dup2(fd, 2);
          close(fd);
        }
        const int null = open("/dev/null", O_RDONLY);
        if (null >= 0) dup2(null, 0);
        execvpe(c_argv[0], c_argv.data(), envp.data());
        std::fprintf(stderr, "hadal sweep: cannot start %s: %s\n", c_argv[0], std::strerror(errno));
        _exit(127);
      }
      running[pid] = {m.id, std::chrono::steady_clock::now()};
      std::cout << "hadal sweep: " << m.id << (resume ? " resumes from its checkpoint" : " started") << std::endl;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0 && running.count(pid)) {
      const Running r = running[pid];
      running.erase(pid);
      ++finished;
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      write_text((dir / "logs" / (r.id + ".exit")).string(), std::to_string(code) + "\n");
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count();
      const std::string log = (dir / "logs" / (r.id + ".log")).string();
      std::string line = "hadal sweep: [" + std::to_string(finished) + "/" + std::to_string(queue.size()) + "] " +
                         r.id + " ";
      if (code == 0) {
        std::cout << line << "done in " << strformat("%.1f", seconds) << " s" << std::endl;
      } else if (code == 75) {
        stopped.push_back(r.id);
        std::cout << line << "checkpointed after " << strformat("%.1f", seconds) << " s" << std::endl;
      } else {
        failed.push_back(r.id);
        std::cout << line << "FAILED (" << exit_meaning(code) << "), see " << log << std::endl;
        const std::string why = last_error_line(log);
        if (!why.empty()) std::cout << "    " << why << std::endl;
      }
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - sweep_start).count();
  std::cout << "hadal sweep: finished " << finished << " member runs in " << strformat("%.1f", total) << " s; "
            << failed.size() << " failed";
  if (!failed.empty()) std::cout << " (" << join(failed, ", ") << ")";
  if (!stopped.empty()) std::cout << "; " << stopped.size() << " checkpointed (" << join(stopped, ", ") << ")";
  std::cout << std::endl;
  if (stopping || !stopped.empty()) return kExitCheckpointed;
  return failed.empty() && skipped_failed == 0 ? kExitSuccess : kExitFailure;
}

}  // namespace hadal::sweep
