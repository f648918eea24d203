// SPDX-License-Identifier: MIT
/// \file current_readers.hpp
/// \brief The format readers behind CoarseCurrents: CF files (z-levels, surface-only, rectilinear or
/// curvilinear lon/lat or metres) and ROMS/CROCO history files (s-coordinates, staggered and rotated
/// velocities, masks, grid file). Each returns the columns around the model domain.
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "io/netcdf.hpp"
#include "ocean/coarse_data.hpp"

namespace hadal::ocean {

/// True for a ROMS/CROCO history file: its eastward velocity lives on s-levels (dimension s_rho) or the
/// file carries the s-coordinate stretching Cs_r/Cs_rho.
bool is_roms_history(const io::NetcdfFile& file, const CoarseDataSpec& spec);

CoarseCurrents::Columns read_cf_currents(const io::NetcdfFile& file, const CoarseDataSpec& spec,
                                         const config::ConfigView& block, const DomainBox& domain,
                                         std::vector<std::string>& notes);

CoarseCurrents::Columns read_roms_currents(const io::NetcdfFile& file, const CoarseDataSpec& spec,
                                           const config::ConfigView& block, const DomainBox& domain,
                                           std::vector<std::string>& notes);

}  // namespace hadal::ocean
