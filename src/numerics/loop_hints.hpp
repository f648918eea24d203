// SPDX-License-Identifier: MIT
/// \file loop_hints.hpp
/// \brief HADAL_INDEPENDENT_ITERATIONS: placed before a loop whose iterations are independent (each reads
/// what no other iteration writes), so the host compiler vectorises it without run-time overlap checks,
/// whose cost exceeds the work of the short loops of the kernels (24-level columns, 256-cell blocks).
/// Empty in device code, where the loops are not vectorised.
#pragma once

#if defined(__clang__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
#define HADAL_INDEPENDENT_ITERATIONS _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
#define HADAL_INDEPENDENT_ITERATIONS _Pragma("GCC ivdep")
#else
#define HADAL_INDEPENDENT_ITERATIONS
#endif
