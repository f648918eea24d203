// SPDX-License-Identifier: MIT
#include "core/log.hpp"

#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <vector>

namespace hadal {

Logger::Logger(MPI_Comm comm) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) MPI_Comm_rank(comm, &rank_);
}

void Logger::open_file(const std::string& path) {
  if (rank_ != 0) return;
  file_.open(path, std::ios::app);
}

namespace {
std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}
}  // namespace

void Logger::write(Level level, const std::string& message) {
  if (rank_ != 0 || level < level_) return;
  static const char* tags[] = {"debug", "info", "warning", "error"};
  const char* tag = tags[static_cast<int>(level)];
  if (!quiet_ || level >= Level::Warning) {
    std::ostream& out = level >= Level::Warning ? std::cerr : std::cout;
    if (level >= Level::Warning) out << "hadal: " << tag << ": ";
    out << message << std::endl;
  }
  if (file_.is_open()) file_ << utc_now() << " [" << tag << "] " << message << std::endl;
}

void Logger::file_only(const std::string& message) {
  if (rank_ == 0 && file_.is_open()) file_ << message << std::endl;
}

std::string strformat(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::vector<char> buffer(static_cast<std::size_t>(n > 0 ? n : 0) + 1);
  std::vsnprintf(buffer.data(), buffer.size(), format, args);
  va_end(args);
  return std::string(buffer.data());
}

}  // namespace hadal
