// SPDX-License-Identifier: MIT
/// \file ocean_config.hpp
/// \brief The `ocean:` case-file block (tidal solver, downscaling, vertical structure, stations) and its
/// translation into solver settings.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "ocean/barotropic.hpp"
#include "ocean/coarse_data.hpp"
#include "ocean/projection.hpp"
#include "ocean/vertical.hpp"

namespace hadal::ocean {

/// Declares the keys of an `ocean:` block. `with_model` adds `model: tidal|downscale` (the flow-source
/// form used inside plume.flow); case types fix the model instead.
void declare_ocean_block(config::ObjectSpec& block, bool with_model);
/// Cross-key checks (constituent names, required sub-blocks); `model` is "tidal" or "downscale".
void check_ocean_block(const config::ConfigView& block, const std::string& model, std::vector<Diagnostic>& problems);

struct TidalConfig {
  BarotropicSettings solver;
  bool derive_drag = true;   ///< drag from the log layer per column (no drag_coefficient given)
  double cfl = 0.8;          ///< Courant number of the internal sub-cycling
  double spin_up = 0.0;      ///< s before the run's start at which the solver starts from rest
  std::shared_ptr<HarmonicForcing> forcing;
  std::vector<std::string> constituent_names;
  double wave_speed = 0.0;   ///< accelerated free surface (0 = physical gravity)
  double eta_scale = 1.0;    ///< physical elevation = model elevation * eta_scale (g' / g)
};

struct Station {
  std::string name;
  double x = 0.0, y = 0.0;
};

TidalConfig tidal_config(const config::ConfigView& block, const grid::StructuredGrid& grid);
LogLayer log_layer_config(const config::ConfigView& block);
CoarseDataSpec coarse_data_spec(const config::ConfigView& data);
ProjectionSettings projection_config(const config::ConfigView& block, const grid::StructuredGrid& grid);
std::vector<Station> stations_config(const config::ConfigView& block);

}  // namespace hadal::ocean
