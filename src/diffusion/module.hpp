// SPDX-License-Identifier: MIT
/// \file module.hpp
/// \brief The diffusion verification case's entry points (module.cpp registers them).
#pragma once

#include "sim/registry.hpp"

namespace hadal::diffusion {

void register_module();
/// Runs a `diffusion` case (run.cpp).
void run(sim::RunContext& context);

}  // namespace hadal::diffusion
