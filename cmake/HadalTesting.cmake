# SPDX-License-Identifier: MIT
# Test registration helpers. MPI test binaries use tests/support/test_main.cpp (MPI -> PETSc -> Kokkos,
# output from rank 0 only, pass/fail all-reduced).
find_package(GTest REQUIRED)

set(HADAL_MPIEXEC_PREFLAGS "--oversubscribe;--allow-run-as-root" CACHE STRING "Flags passed to mpiexec in tests")
# The end-to-end tests run under Debian's python3 (with numpy and h5py), not a python3 that happens to
# come first on PATH. It is a required package of scripts/bootstrap, so its absence is a set-up error.
# Optional tools (pvpython, xvfb-run, matplotlib) are looked up by the tests when they run
# (tests/support/hadal_testing.py), never cached here: a cache written before they were installed
# would hold a stale NOTFOUND.
find_program(HADAL_SYSTEM_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT HADAL_SYSTEM_PYTHON)
  message(FATAL_ERROR "The test suite needs /usr/bin/python3 with numpy and h5py (scripts/bootstrap installs "
                      "python3, python3-numpy and python3-h5py), or configure with -DHADAL_BUILD_TESTS=OFF.")
endif()

# hadal_add_gtest(<target> SOURCES ... [LIBS ...] [RANKS 1 2] [LABELS ...] [TIMEOUT s])
# Builds one GoogleTest executable and registers it once per rank count as <target>_np<N>.
function(hadal_add_gtest target)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;RANKS;LABELS" ${ARGN})
  if(NOT ARG_RANKS)
    set(ARG_RANKS 1)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE hadal_test_main ${ARG_LIBS} hadal_warnings)
  foreach(n IN LISTS ARG_RANKS)
    if(n EQUAL 1)
      add_test(NAME ${target}_np1 COMMAND $<TARGET_FILE:${target}>)
      set(labels ${ARG_LABELS})
    else()
      add_test(NAME ${target}_np${n}
               COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${n} ${HADAL_MPIEXEC_PREFLAGS}
                       $<TARGET_FILE:${target}>)
      set(labels ${ARG_LABELS} mpi)
    endif()
    set_tests_properties(${target}_np${n} PROPERTIES PROCESSORS ${n} TIMEOUT ${ARG_TIMEOUT} LABELS "${labels}"
      ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1;OMPI_MCA_mpi_yield_when_idle=1;OMPI_MCA_btl_vader_single_copy_mechanism=none")
  endforeach()
endfunction()

# hadal_add_script_test(<name> COMMAND ... [RANKS n] [LABELS ...] [TIMEOUT s])
# A test driven by a script; the environment gives HADAL (the executable), MPIEXEC, SOURCE_DIR and
# SYSTEM_PYTHON. Exit status 77 reports the test as skipped (a missing optional tool).
function(hadal_add_script_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "COMMAND;LABELS;PROCESSORS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  if(NOT ARG_PROCESSORS)
    set(ARG_PROCESSORS 1)
  endif()
  add_test(NAME ${name} COMMAND ${ARG_COMMAND})
  string(REPLACE ";" " " preflags "${HADAL_MPIEXEC_PREFLAGS}")
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}" PROCESSORS ${ARG_PROCESSORS}
    SKIP_RETURN_CODE 77
    ENVIRONMENT "HADAL=$<TARGET_FILE:hadal>;MPIEXEC=${MPIEXEC_EXECUTABLE} ${preflags};SOURCE_DIR=${PROJECT_SOURCE_DIR};SYSTEM_PYTHON=${HADAL_SYSTEM_PYTHON};OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1;OMPI_MCA_mpi_yield_when_idle=1;OMPI_MCA_btl_vader_single_copy_mechanism=none")
endfunction()
