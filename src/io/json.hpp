// SPDX-License-Identifier: MIT
/// \file json.hpp
/// \brief summary.json: scalar metrics of a run, written atomically by rank 0.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hadal::io {

using Json = nlohmann::ordered_json;

/// Writes `value` to `path` via a temporary file and rename. Non-finite numbers become null.
void write_json_atomically(const std::string& path, const Json& value);
Json read_json(const std::string& path);

}  // namespace hadal::io
