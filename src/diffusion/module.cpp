// SPDX-License-Identifier: MIT
// The diffusion verification case's registration.
#include "diffusion/module.hpp"

#include "diffusion/keys.hpp"

namespace hadal::diffusion {

void register_module() {
  sim::Registry::instance().add_case_type(
      {"diffusion", "Gaussian puff diffusing in a closed box, with its exact solution (infrastructure check)",
       declare_schema, check, run});
}

}  // namespace hadal::diffusion
