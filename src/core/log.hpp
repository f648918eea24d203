// SPDX-License-Identifier: MIT
/// \file log.hpp
/// \brief Rank-0 logging to the terminal and to the run's log file.
#pragma once

#include <fstream>
#include <string>

#include <mpi.h>

namespace hadal {

/// Messages go to stderr (warnings, errors) or stdout (info) on rank 0, and to the log file if open.
/// Every line is flushed at once: batch systems buffer stdout otherwise.
class Logger {
 public:
  enum class Level { Debug, Info, Warning, Error };

  explicit Logger(MPI_Comm comm = MPI_COMM_WORLD);
  /// Starts mirroring messages into `path` (rank 0 only).
  void open_file(const std::string& path);
  void set_level(Level level) { level_ = level; }
  void set_quiet(bool quiet) { quiet_ = quiet; }

  void debug(const std::string& message) { write(Level::Debug, message); }
  void info(const std::string& message) { write(Level::Info, message); }
  void warn(const std::string& message) { write(Level::Warning, message); }
  void error(const std::string& message) { write(Level::Error, message); }
  /// Only into the log file, not the terminal (run metadata, resolved case).
  void file_only(const std::string& message);

  bool is_root() const { return rank_ == 0; }

 private:
  void write(Level level, const std::string& message);
  int rank_ = 0;
  Level level_ = Level::Info;
  bool quiet_ = false;
  std::ofstream file_;
};

/// printf-style formatting into a std::string.
std::string strformat(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace hadal
