// SPDX-License-Identifier: MIT
/// \file petsc_util.hpp
/// \brief PETSc error checking and option handling shared by the thermal solvers.
#pragma once

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <petscksp.h>
#include <petscsys.h>

#include "core/error.hpp"

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

/// The multigrid Stokes method of the 2-D and 3-D solvers, set on the objects so that solvers with
/// other choices (method, rtol) can share an options prefix in one process: FGMRES(restart) to `rtol`
/// with an upper Schur-complement fieldsplit over (u, p), the Schur complement preconditioned by the
/// a11 block of the preconditioning matrix (-1/eta). The inner solvers take their defaults from the
/// options database (`inner_defaults`, where unset under `prefix`). KSPSetFromOptions comes after, so
/// the user's options override everything.
inline void configure_schur_fieldsplit(KSP ksp, IS is_u, IS is_p, double rtol, const std::string& prefix,
                                       const std::vector<std::pair<std::string, std::string>>& inner_defaults) {
  for (const auto& [k, v] : inner_defaults) set_prefixed_option(prefix, k, v, true);
  HADAL_PETSC(KSPSetType(ksp, KSPFGMRES));
  HADAL_PETSC(KSPGMRESSetRestart(ksp, 200));
  HADAL_PETSC(KSPSetTolerances(ksp, rtol, PETSC_DEFAULT, PETSC_DEFAULT, 1000));
  PC pc;
  HADAL_PETSC(KSPGetPC(ksp, &pc));
  HADAL_PETSC(PCSetType(pc, PCFIELDSPLIT));
  HADAL_PETSC(PCFieldSplitSetIS(pc, "u", is_u));
  HADAL_PETSC(PCFieldSplitSetIS(pc, "p", is_p));
  HADAL_PETSC(PCFieldSplitSetType(pc, PC_COMPOSITE_SCHUR));
  HADAL_PETSC(PCFieldSplitSetSchurFactType(pc, PC_FIELDSPLIT_SCHUR_FACT_UPPER));
  HADAL_PETSC(PCFieldSplitSetSchurPre(pc, PC_FIELDSPLIT_SCHUR_PRE_A11, nullptr));
}

}  // namespace hadal::thermal
