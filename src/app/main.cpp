// SPDX-License-Identifier: MIT
#include <vector>

#include "app/cli.hpp"
#include "core/runtime.hpp"

int main(int argc, char** argv) {
  int code = 0;
  {
    hadal::Runtime runtime(argc, argv);  // strips --kokkos-* arguments
    std::vector<std::string> args(argv + 1, argv + argc);
    // `hadal --kokkos-help` alone: Kokkos has printed its list; nothing else was asked for.
    code = args.empty() && runtime.kokkos_arguments() > 0 ? 0 : hadal::app::main_command(runtime.comm(), args);
  }
  return code;
}
