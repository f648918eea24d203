// SPDX-License-Identifier: MIT
/// \file error.hpp
/// \brief Error types and the exit codes they map to.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace hadal {

/// Process exit codes (documented in docs/cli.md).
enum ExitCode : int {
  kExitSuccess = 0,
  kExitFailure = 1,        ///< anything not covered below (I/O failure, internal error)
  kExitInvalidInput = 2,   ///< case file / command line / input data rejected
  kExitNumerical = 3,      ///< non-finite values, solver divergence
  kExitCheckpointed = 75,  ///< stopped on a signal after writing a checkpoint: resubmit with --restart
};

/// One problem found in the input, located as precisely as we can.
struct Diagnostic {
  std::string file;     ///< case file (or data file) path; empty if not from a file
  int line = 0;         ///< 1-based; 0 = unknown
  int column = 0;       ///< 1-based; 0 = unknown
  std::string key;      ///< key path such as "plume.sources[1].rate"; empty if not a key
  std::string message;  ///< what was expected and what was found

  /// "file:line:col: key: message" with absent parts left out.
  std::string format() const;
};

/// The input is invalid; carries every problem found (exit code 2).
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  explicit InputError(const std::string& message);  ///< one diagnostic without location
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// The computation broke down: non-finite value, solver divergence (exit code 3).
class NumericalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reading or writing a file failed (exit code 1).
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace hadal
