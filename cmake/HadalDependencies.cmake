# SPDX-License-Identifier: MIT
# Third-party dependencies. Each ends up as one imported target hadal::<name>.
find_package(MPI REQUIRED COMPONENTS C CXX)

# PETSc through pkg-config (Debian: /usr/lib/petsc is the selected alternative).
find_package(PkgConfig REQUIRED)
if(DEFINED ENV{PETSC_DIR})
  list(APPEND CMAKE_PREFIX_PATH "$ENV{PETSC_DIR}")
  set(ENV{PKG_CONFIG_PATH} "$ENV{PETSC_DIR}/lib/pkgconfig:$ENV{PKG_CONFIG_PATH}")
  if(DEFINED ENV{PETSC_ARCH})
    set(ENV{PKG_CONFIG_PATH} "$ENV{PETSC_DIR}/$ENV{PETSC_ARCH}/lib/pkgconfig:$ENV{PKG_CONFIG_PATH}")
  endif()
endif()
set(ENV{PKG_CONFIG_PATH} "$ENV{PKG_CONFIG_PATH}:/usr/lib/petsc/lib/pkgconfig")
pkg_check_modules(PETSC REQUIRED IMPORTED_TARGET petsc)
add_library(hadal::petsc INTERFACE IMPORTED)
set_target_properties(hadal::petsc PROPERTIES INTERFACE_LINK_LIBRARIES PkgConfig::PETSC)

# Parallel HDF5 (the OpenMPI flavour on Debian); a serial HDF5 cannot write collectively.
set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "hadal needs a parallel (MPI) HDF5; found a serial one at ${HDF5_INCLUDE_DIRS}. "
                      "On Debian install libhdf5-openmpi-dev.")
endif()
add_library(hadal::hdf5 INTERFACE IMPORTED)
set_target_properties(hadal::hdf5 PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${HDF5_C_INCLUDE_DIRS}"
  INTERFACE_LINK_LIBRARIES "${HDF5_C_LIBRARIES}"
  INTERFACE_COMPILE_DEFINITIONS "${HDF5_C_DEFINITIONS}")

find_package(yaml-cpp REQUIRED)
add_library(hadal::yaml INTERFACE IMPORTED)
if(TARGET yaml-cpp::yaml-cpp)
  set_target_properties(hadal::yaml PROPERTIES INTERFACE_LINK_LIBRARIES yaml-cpp::yaml-cpp)
else()
  set_target_properties(hadal::yaml PROPERTIES INTERFACE_LINK_LIBRARIES yaml-cpp)
endif()

pkg_check_modules(NETCDF REQUIRED IMPORTED_TARGET netcdf)
add_library(hadal::netcdf INTERFACE IMPORTED)
set_target_properties(hadal::netcdf PROPERTIES INTERFACE_LINK_LIBRARIES PkgConfig::NETCDF)

find_package(nlohmann_json 3 REQUIRED)

include(HadalKokkos)
