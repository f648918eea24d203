# SPDX-License-Identifier: MIT
# Finds or builds Kokkos and provides the target hadal::kokkos. In order of priority:
#
# 1. A real Kokkos package (a site install with OpenMP/CUDA/HIP, found through Kokkos_ROOT or
#    CMAKE_PREFIX_PATH): its Kokkos::kokkos target carries the right flags.
# 2. HADAL_KOKKOS_SOURCE: a Kokkos 4 source tarball or folder, built inside this build with the
#    back-ends of HADAL_KOKKOS_BACKENDS (OpenMP by default; CUDA needs the C++ compiler to be the
#    source's bin/nvcc_wrapper, which scripts/gpu/device_bench does) and the architecture of
#    HADAL_KOKKOS_ARCH (a Kokkos_ARCH_<name> suffix, e.g. HOPPER90 for sm_90).
# 3. Otherwise Debian's Trilinos 13.2 build (Kokkos 3.4.1, Serial only), whose exported Kokkos::kokkos
#    target points at an include directory that does not exist: an imported target is built by hand
#    from the installed headers and libtrilinos_kokkoscore.
#
# Needs only CMake and a C++ compiler (no MPI or PETSc), so the device benchmark's stand-alone build
# (bench/device) uses it too.
set(HADAL_KOKKOS_SOURCE "" CACHE FILEPATH
    "Kokkos source tarball (.tar.gz) or folder to build inside this build (a site Kokkos found through Kokkos_ROOT wins)")
set(HADAL_KOKKOS_BACKENDS "OpenMP" CACHE STRING
    "Back-ends of the Kokkos built from HADAL_KOKKOS_SOURCE, a list of: Serial, OpenMP, Threads, CUDA")
set(HADAL_KOKKOS_ARCH "" CACHE STRING
    "Architectures of the Kokkos built from HADAL_KOKKOS_SOURCE, Kokkos_ARCH_<name> suffixes (e.g. HOPPER90)")
set(HADAL_KOKKOS_ORIGIN "")

# Debian's Trilinos config registers itself as "Kokkos" too; look outside the system prefix first so
# a site install wins, and validate the target before trusting it.
find_package(Kokkos CONFIG QUIET NO_SYSTEM_ENVIRONMENT_PATH NO_CMAKE_SYSTEM_PATH)
if(Kokkos_FOUND AND TARGET Kokkos::kokkos)
  get_target_property(_kokkos_includes Kokkos::kokkos INTERFACE_INCLUDE_DIRECTORIES)
  set(_kokkos_ok TRUE)
  foreach(_dir IN LISTS _kokkos_includes)
    if(NOT _dir MATCHES "^\\$<" AND NOT EXISTS "${_dir}")
      set(_kokkos_ok FALSE)
    endif()
  endforeach()
  if(_kokkos_ok)
    add_library(hadal::kokkos INTERFACE IMPORTED)
    set_target_properties(hadal::kokkos PROPERTIES INTERFACE_LINK_LIBRARIES Kokkos::kokkos)
    set(HADAL_KOKKOS_ORIGIN "site package ${Kokkos_DIR}")
    if(HADAL_KOKKOS_SOURCE)
      message(STATUS "hadal: a site Kokkos was found (${Kokkos_DIR}); HADAL_KOKKOS_SOURCE is not built")
    endif()
  endif()
endif()

if(NOT TARGET hadal::kokkos AND HADAL_KOKKOS_SOURCE)
  # The source: a folder as it is, or a tarball unpacked once into the build (again if it changes).
  if(IS_DIRECTORY "${HADAL_KOKKOS_SOURCE}")
    set(_kokkos_source_dir "${HADAL_KOKKOS_SOURCE}")
  elseif(EXISTS "${HADAL_KOKKOS_SOURCE}")
    set(_unpacked "${CMAKE_BINARY_DIR}/_deps/kokkos-src")
    file(SHA256 "${HADAL_KOKKOS_SOURCE}" _tarball_hash)
    set(_stamp_file "${_unpacked}/hadal-unpacked.sha256")
    if(EXISTS "${_stamp_file}")
      file(READ "${_stamp_file}" _stamp)
    endif()
    if(NOT "${_stamp}" STREQUAL "${_tarball_hash}")
      message(STATUS "hadal: unpacking ${HADAL_KOKKOS_SOURCE}")
      file(REMOVE_RECURSE "${_unpacked}")
      file(ARCHIVE_EXTRACT INPUT "${HADAL_KOKKOS_SOURCE}" DESTINATION "${_unpacked}")
      file(WRITE "${_stamp_file}" "${_tarball_hash}")
    endif()
    # Release tarballs hold one top folder (kokkos-4.6.01/).
    file(GLOB _candidates LIST_DIRECTORIES true "${_unpacked}/*/CMakeLists.txt" "${_unpacked}/CMakeLists.txt")
    list(LENGTH _candidates _count)
    if(NOT _count EQUAL 1)
      message(FATAL_ERROR "HADAL_KOKKOS_SOURCE=${HADAL_KOKKOS_SOURCE}: expected a Kokkos source tarball with one "
                          "top folder holding CMakeLists.txt; found ${_count} candidates in ${_unpacked}")
    endif()
    get_filename_component(_kokkos_source_dir "${_candidates}" DIRECTORY)
  else()
    message(FATAL_ERROR "HADAL_KOKKOS_SOURCE=${HADAL_KOKKOS_SOURCE}: no such file or folder (expected a Kokkos "
                        "source tarball or folder, e.g. ../shared/third_party/kokkos-4.6.01.tar.gz)")
  endif()
  if(NOT EXISTS "${_kokkos_source_dir}/core/src/Kokkos_Core.hpp")
    message(FATAL_ERROR "HADAL_KOKKOS_SOURCE: ${_kokkos_source_dir} is not a Kokkos source tree "
                        "(no core/src/Kokkos_Core.hpp)")
  endif()

  # The back-ends and architectures asked for, as Kokkos's own options (forced: these two lists are
  # the only place they are chosen, so changing them re-configures Kokkos consistently).
  set(_known_backends Serial OpenMP Threads CUDA)
  foreach(_backend IN LISTS _known_backends)
    string(TOUPPER ${_backend} _upper)
    set(_on OFF)
    foreach(_asked IN LISTS HADAL_KOKKOS_BACKENDS)
      string(TOUPPER "${_asked}" _asked_upper)
      if(_asked_upper STREQUAL _upper)
        set(_on ON)
      endif()
    endforeach()
    set(Kokkos_ENABLE_${_upper} ${_on} CACHE BOOL "set from HADAL_KOKKOS_BACKENDS" FORCE)
  endforeach()
  foreach(_asked IN LISTS HADAL_KOKKOS_BACKENDS)
    string(TOUPPER "${_asked}" _asked_upper)
    if(NOT _asked_upper MATCHES "^(SERIAL|OPENMP|THREADS|CUDA)$")
      message(FATAL_ERROR "HADAL_KOKKOS_BACKENDS: unknown back-end '${_asked}' (expected a list of Serial, OpenMP, "
                          "Threads, CUDA)")
    endif()
  endforeach()
  # A device back-end needs a host one beside it: Serial unless OpenMP or Threads was asked for.
  if(Kokkos_ENABLE_CUDA AND NOT Kokkos_ENABLE_OPENMP AND NOT Kokkos_ENABLE_THREADS)
    set(Kokkos_ENABLE_SERIAL ON CACHE BOOL "hadal: the host back-end beside CUDA" FORCE)
  endif()
  foreach(_arch IN LISTS HADAL_KOKKOS_ARCH)
    string(TOUPPER "${_arch}" _arch_upper)
    set(Kokkos_ARCH_${_arch_upper} ON CACHE BOOL "set from HADAL_KOKKOS_ARCH" FORCE)
  endforeach()
  if(Kokkos_ENABLE_CUDA)
    # Device lambdas and constexpr host functions in kernels, as on a site build for GPUs.
    set(Kokkos_ENABLE_CUDA_LAMBDA ON CACHE BOOL "hadal: device lambdas" FORCE)
    set(Kokkos_ENABLE_CUDA_CONSTEXPR ON CACHE BOOL "hadal: constexpr functions on the device" FORCE)
  endif()
  set(Kokkos_ENABLE_TESTS OFF CACHE BOOL "" FORCE)
  set(Kokkos_ENABLE_EXAMPLES OFF CACHE BOOL "" FORCE)
  # Kokkos's headers are not ours: no warnings from them (SYSTEM needs CMake 3.25).
  if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.25)
    add_subdirectory("${_kokkos_source_dir}" "${CMAKE_BINARY_DIR}/_deps/kokkos-build" EXCLUDE_FROM_ALL SYSTEM)
  else()
    add_subdirectory("${_kokkos_source_dir}" "${CMAKE_BINARY_DIR}/_deps/kokkos-build" EXCLUDE_FROM_ALL)
  endif()
  add_library(hadal::kokkos INTERFACE IMPORTED)
  set_target_properties(hadal::kokkos PROPERTIES INTERFACE_LINK_LIBRARIES Kokkos::kokkos)
  set(HADAL_KOKKOS_ORIGIN "built from ${HADAL_KOKKOS_SOURCE}, back-ends ${HADAL_KOKKOS_BACKENDS}")
endif()

if(NOT TARGET hadal::kokkos)
  find_path(HADAL_KOKKOS_INCLUDE_DIR Kokkos_Core.hpp
            HINTS /usr/include/trilinos /usr/local/include/trilinos
            PATH_SUFFIXES trilinos)
  find_library(HADAL_KOKKOS_CORE_LIBRARY NAMES kokkoscore trilinos_kokkoscore)
  find_library(HADAL_KOKKOS_DL_LIBRARY NAMES dl)
  if(NOT HADAL_KOKKOS_INCLUDE_DIR OR NOT HADAL_KOKKOS_CORE_LIBRARY)
    message(FATAL_ERROR
      "Kokkos not found. Either point Kokkos_ROOT at a Kokkos install, set HADAL_KOKKOS_SOURCE to a Kokkos "
      "source tarball or folder, or install Debian's libtrilinos-kokkos-dev (scripts/bootstrap does this).")
  endif()
  add_library(hadal::kokkos INTERFACE IMPORTED)
  set_target_properties(hadal::kokkos PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${HADAL_KOKKOS_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${HADAL_KOKKOS_CORE_LIBRARY};${HADAL_KOKKOS_DL_LIBRARY}")
  set(HADAL_KOKKOS_ORIGIN "Debian Trilinos files (${HADAL_KOKKOS_CORE_LIBRARY})")
endif()
message(STATUS "hadal: Kokkos: ${HADAL_KOKKOS_ORIGIN}")
