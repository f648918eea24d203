// SPDX-License-Identifier: MIT
#include "io/json.hpp"

#include <filesystem>
#include <fstream>

#include "core/error.hpp"

namespace hadal::io {

void write_json_atomically(const std::string& path, const Json& value) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    // NaN/Inf are not JSON: nlohmann writes them as null, which readers treat as missing.
    out << value.dump(2) << '\n';
    if (!out) throw IoError("cannot write '" + tmp + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw IoError("cannot rename '" + tmp + "' to '" + path + "'");
}

Json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(std::vector<Diagnostic>{{path, 0, 0, "", "cannot open JSON file"}});
  try {
    return Json::parse(in);
  } catch (const std::exception& e) {
    throw InputError(std::vector<Diagnostic>{{path, 0, 0, "", std::string("invalid JSON: ") + e.what()}});
  }
}

}  // namespace hadal::io
