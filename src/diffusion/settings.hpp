// SPDX-License-Identifier: MIT
/// \file settings.hpp
/// \brief The `diffusion:` block of a verification case, as plain data.
#pragma once

#include <array>
#include <vector>

namespace hadal::diffusion {

struct DiffusionSettings {
  std::array<double, 3> diffusivity{};  ///< Kx, Ky, Kz, m2 s-1
  double mass = 1.0;                    ///< kg released
  std::vector<double> center;           ///< release point x, y, z, m
  double age = 0.0;                     ///< age of the puff at time.start, s
};

}  // namespace hadal::diffusion
