// SPDX-License-Identifier: MIT
/// \file thermal.hpp
/// \brief Registration of the thermal module (mantle convection + core thermal evolution).
#pragma once

namespace hadal::thermal {
void register_case_types();
void register_benchmarks();
void register_module();
}  // namespace hadal::thermal
