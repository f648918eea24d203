# SPDX-License-Identifier: MIT
add_library(hadal_warnings INTERFACE)
target_compile_options(hadal_warnings INTERFACE
  $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Wall -Wextra -Wno-unused-parameter>)
# FP operations may be computed where a branch-free kernel then discards them (hadal does not use FP
# traps), which lets the compiler vectorise inner loops with selections. Values are unchanged.
add_compile_options($<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-fno-trapping-math>)
if(HADAL_NATIVE)
  add_compile_options(-march=native)
  message(STATUS "hadal: compiling for this machine's CPU (-march=native); -DHADAL_NATIVE=OFF for a portable binary")
endif()

# ccache, where installed, makes rebuilds in a second build folder (another configuration, a scratch
# build) cheap. -DHADAL_CCACHE=OFF, or a launcher of your own, turns it off.
option(HADAL_CCACHE "Compile through ccache when it is installed" ON)
if(HADAL_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(HADAL_CCACHE_PROGRAM ccache)
  if(HADAL_CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${HADAL_CCACHE_PROGRAM})
    set(CMAKE_C_COMPILER_LAUNCHER ${HADAL_CCACHE_PROGRAM})
  endif()
endif()
