# SPDX-License-Identifier: MIT
# Generates build_info.hpp at build time so the git hash follows the checkout without re-configuring.
set(HADAL_BUILD_INFO_DIR ${CMAKE_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${HADAL_BUILD_INFO_DIR})
add_custom_target(hadal_build_info
  COMMAND ${CMAKE_COMMAND}
          -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
          -DOUTPUT=${HADAL_BUILD_INFO_DIR}/build_info.hpp
          -DVERSION=${PROJECT_VERSION}
          -DBUILD_TYPE=${CMAKE_BUILD_TYPE}
          -DCOMPILER=${CMAKE_CXX_COMPILER_ID}-${CMAKE_CXX_COMPILER_VERSION}
          "-DKOKKOS_SOURCE=${HADAL_KOKKOS_ORIGIN}"
          -P ${CMAKE_SOURCE_DIR}/cmake/WriteBuildInfo.cmake
  BYPRODUCTS ${HADAL_BUILD_INFO_DIR}/build_info.hpp
  COMMENT "hadal: build info"
  VERBATIM)
