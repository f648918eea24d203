// SPDX-License-Identifier: MIT
#include <vector>

#include "app/cli.hpp"
#include "core/runtime.hpp"

int main(int argc, char** argv) {
  int code = 0;
  {
    hadal::Runtime runtime(argc, argv);  // strips --kokkos-* arguments
    std::vector<std::string> args(argv + 1, argv + argc);
    code = hadal::app::main_command(runtime.comm(), args);
  }
  return code;
}
