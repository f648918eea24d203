// SPDX-License-Identifier: MIT
/// \file petsc_util.hpp
/// \brief PETSc error checking and option handling shared by the thermal solvers.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <petscsys.h>

namespace hadal::thermal {

/// PETSc returns error codes; hadal reports failures as exceptions (internal error, exit 1).
inline void petsc_check(PetscErrorCode code, const char* what) {
  if (code != 0) throw std::runtime_error(std::string("PETSc call failed: ") + what);
}
#define HADAL_PETSC(call) ::hadal::thermal::petsc_check((call), #call)

/// Splits "-key value -flag -key2 v2" into (key, value) pairs; value "" for flags.
inline std::vector<std::pair<std::string, std::string>> parse_petsc_options(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> tokens;
  for (std::string t; in >> t;) tokens.push_back(t);
  auto is_key = [](const std::string& t) {
    if (t.size() < 2 || t[0] != '-') return false;
    const char c = t[1];
    return !(c >= '0' && c <= '9') && c != '.';
  };
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    if (!is_key(tokens[k])) throw std::invalid_argument("expected an option starting with '-', found '" + tokens[k] + "'");
    std::string value;
    if (k + 1 < tokens.size() && !is_key(tokens[k + 1])) value = tokens[++k];
    out.emplace_back(tokens[k - (value.empty() ? 0 : 1)].substr(1), value);
  }
  return out;
}

/// Sets "-<prefix><key> value" in the global options database.
inline void set_prefixed_option(const std::string& prefix, const std::string& key, const std::string& value,
                                bool only_if_unset) {
  const std::string name = "-" + prefix + key;
  if (only_if_unset) {
    PetscBool set = PETSC_FALSE;
    HADAL_PETSC(PetscOptionsHasName(nullptr, nullptr, name.c_str(), &set));
    if (set) return;
  }
  HADAL_PETSC(PetscOptionsSetValue(nullptr, name.c_str(), value.empty() ? nullptr : value.c_str()));
}

}  // namespace hadal::thermal
