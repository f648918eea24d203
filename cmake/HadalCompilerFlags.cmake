# SPDX-License-Identifier: MIT
add_library(hadal_warnings INTERFACE)
target_compile_options(hadal_warnings INTERFACE
  $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Wall -Wextra -Wno-unused-parameter>)
if(HADAL_NATIVE)
  add_compile_options(-march=native)
endif()
