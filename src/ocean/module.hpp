// SPDX-License-Identifier: MIT
/// \file module.hpp
/// \brief Registration of the ocean module's case types, flow sources and benchmark.
#pragma once

namespace hadal::ocean {
void register_case_types();
void register_benchmarks();
void register_flow_sources();
}  // namespace hadal::ocean
