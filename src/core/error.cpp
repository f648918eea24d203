// SPDX-License-Identifier: MIT
#include "core/error.hpp"

#include <sstream>

namespace hadal {

std::string Diagnostic::format() const {
  std::ostringstream out;
  if (!file.empty()) {
    out << file;
    if (line > 0) {
      out << ':' << line;
      if (column > 0) out << ':' << column;
    }
    out << ": ";
  }
  if (!key.empty()) out << key << ": ";
  out << message;
  return out.str();
}

namespace {
std::string join(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) {
    if (!text.empty()) text += '\n';
    text += d.format();
  }
  return text;
}
}  // namespace

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

InputError::InputError(const std::string& message)
    : InputError(std::vector<Diagnostic>{Diagnostic{"", 0, 0, "", message}}) {}

}  // namespace hadal
