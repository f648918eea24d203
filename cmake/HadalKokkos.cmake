# SPDX-License-Identifier: MIT
# Finds Kokkos and provides the target hadal::kokkos.
#
# 1. A real Kokkos package (a site install with OpenMP/CUDA/HIP, found through Kokkos_ROOT or
#    CMAKE_PREFIX_PATH) is preferred: its Kokkos::kokkos target carries the right flags.
# 2. Otherwise fall back to Debian's Trilinos 13.2 build (Kokkos 3.4.1, Serial only), whose exported
#    Kokkos::kokkos target points at an include directory that does not exist. We build an imported
#    target by hand from the installed headers and libtrilinos_kokkoscore.
set(HADAL_KOKKOS_SOURCE "")

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
    set(HADAL_KOKKOS_SOURCE "site package ${Kokkos_DIR} (Kokkos ${Kokkos_VERSION})")
  endif()
endif()

if(NOT TARGET hadal::kokkos)
  find_path(HADAL_KOKKOS_INCLUDE_DIR Kokkos_Core.hpp
            HINTS /usr/include/trilinos /usr/local/include/trilinos
            PATH_SUFFIXES trilinos)
  find_library(HADAL_KOKKOS_CORE_LIBRARY NAMES kokkoscore trilinos_kokkoscore)
  find_library(HADAL_KOKKOS_DL_LIBRARY NAMES dl)
  if(NOT HADAL_KOKKOS_INCLUDE_DIR OR NOT HADAL_KOKKOS_CORE_LIBRARY)
    message(FATAL_ERROR
      "Kokkos not found. Either point Kokkos_ROOT at a Kokkos install, or install Debian's "
      "libtrilinos-kokkos-dev (scripts/bootstrap does this).")
  endif()
  add_library(hadal::kokkos INTERFACE IMPORTED)
  set_target_properties(hadal::kokkos PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${HADAL_KOKKOS_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${HADAL_KOKKOS_CORE_LIBRARY};${HADAL_KOKKOS_DL_LIBRARY}")
  set(HADAL_KOKKOS_SOURCE "Debian Trilinos files (${HADAL_KOKKOS_CORE_LIBRARY})")
endif()
message(STATUS "hadal: Kokkos from ${HADAL_KOKKOS_SOURCE}")
