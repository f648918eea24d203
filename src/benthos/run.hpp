// SPDX-License-Identifier: MIT
/// \file run.hpp
/// \brief The module's entry points: the seabed model a plume run drives (inline) and the offline
/// `benthos.recovery` case.
#pragma once

#include <memory>

#include "core/config.hpp"
#include "sim/registry.hpp"

namespace hadal::benthos {

/// The `plume.benthos:` seabed model on the plume's grid and decomposition.
std::unique_ptr<sim::SeabedModel> create_inline(const config::ConfigView& block, const grid::StructuredGrid& grid,
                                                const grid::Bathymetry& bathymetry, sim::RunContext& context);
/// `hadal run` of a `benthos.recovery` case: years to decades after a finished plume run.
void run_recovery(sim::RunContext& context);

}  // namespace hadal::benthos
