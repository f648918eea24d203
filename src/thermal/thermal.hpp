// SPDX-License-Identifier: MIT
/// \file thermal.hpp
/// \brief Registration of the thermal module (mantle convection + core thermal evolution).
#pragma once

namespace hadal::thermal {
/// Adds the thermal benchmark (benchmark.cpp).
void register_benchmarks();
/// Adds the case types thermal.mantle, thermal.core and thermal.coupled and the benchmark.
void register_module();
}  // namespace hadal::thermal
