// SPDX-License-Identifier: MIT
/// \file device_settings.hpp
/// \brief The settings the plume kernels read, copied to the device once: per class the settling
/// velocity, the deposit's dry density, the erosion parameters; and the concentration thresholds.
#pragma once

#include <Kokkos_Core.hpp>

#include "plume/settings.hpp"

namespace hadal::plume {

struct DeviceSettings {
  Kokkos::View<double*> settling_velocity, dry_density, critical_shear, erosion_rate;  ///< per class
  Kokkos::View<double*> concentration_thresholds;                                      ///< kg m-3

  explicit DeviceSettings(const PlumeSettings& settings) {
    const std::size_t n = settings.classes.size(), t = settings.concentration_thresholds.size();
    settling_velocity = Kokkos::View<double*>("settling_velocity", n);
    dry_density = Kokkos::View<double*>("dry_density", n);
    critical_shear = Kokkos::View<double*>("critical_shear", n);
    erosion_rate = Kokkos::View<double*>("erosion_rate", n);
    concentration_thresholds = Kokkos::View<double*>("concentration_thresholds", t);
    auto ws = Kokkos::create_mirror_view(settling_velocity), dry = Kokkos::create_mirror_view(dry_density);
    auto tce = Kokkos::create_mirror_view(critical_shear), em = Kokkos::create_mirror_view(erosion_rate);
    auto thr = Kokkos::create_mirror_view(concentration_thresholds);
    for (std::size_t c = 0; c < n; ++c) {
      const auto& k = settings.classes[c];
      ws(c) = k.settling_velocity;
      dry(c) = k.dry_density();
      tce(c) = k.critical_shear;
      em(c) = k.erosion_rate;
    }
    for (std::size_t i = 0; i < t; ++i) thr(i) = settings.concentration_thresholds[i];
    Kokkos::deep_copy(settling_velocity, ws);
    Kokkos::deep_copy(dry_density, dry);
    Kokkos::deep_copy(critical_shear, tce);
    Kokkos::deep_copy(erosion_rate, em);
    Kokkos::deep_copy(concentration_thresholds, thr);
  }
};

}  // namespace hadal::plume
