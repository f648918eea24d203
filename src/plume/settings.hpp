// SPDX-License-Identifier: MIT
/// \file settings.hpp
/// \brief The plume module's settings: what a case file says, as plain data. Read by keys.cpp; used by
/// the Eulerian and Lagrangian models, the flow, the metrics. Nothing here depends on a model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "numerics/limiter.hpp"
#include "plume/closures.hpp"

namespace hadal::plume {

enum class SettlingLaw { Given, Stokes, FergusonChurch, Soulsby };

struct SedimentClass {
  std::string name;
  double diameter = 0.0;          ///< m
  double grain_density = 2700.0;  ///< kg m-3
  double porosity = 0.7;          ///< of the fresh deposit
  double settling_velocity = 0.0; ///< m s-1 (resolved from the law)
  double critical_shear = 0.0;    ///< Pa for erosion (0: no erosion)
  double erosion_rate = 0.0;      ///< Partheniades M, kg m-2 s-1
  double dry_density() const { return grain_density * (1.0 - porosity); }
};

struct PlumeSettings {
  std::vector<SedimentClass> classes;
  double water_density = 1030.0;
  double kinematic_viscosity = 1.68e-6;
  numerics::Limiter limiter = numerics::Limiter::VanLeer;
  double volume_interval = -1.0;      ///< s between 3-D snapshots (< 0: every output, 0: none)
  bool implicit_w = false;            ///< w advection: upwind part backward Euler (HorizontalStage)
  int stages = 2;                     ///< stages s of the SSPRK(s,2) scheme of the horizontal transport
  double theta = 1.0;                 ///< vertical implicitness (1 backward Euler, 0.5 Crank-Nicolson)
  // Horizontal diffusivity: constant, or Smagorinsky Cs^2 dx dy |D| + minimum.
  bool smagorinsky = false;
  double kh = 0.1, smagorinsky_coefficient = 0.15, kh_minimum = 0.0;
  /// Horizontal diffusion Strang-split from the advection in its own forward-Euler sub-steps (false: in
  /// every Runge-Kutta stage, where it shares the step's positivity limit).
  bool kh_substepped = false;
  // Vertical diffusivity: constant, or bottom boundary layer kappa u* z' (1 - z'/delta) + background.
  bool bbl = false;
  double kz = 1e-4, kz_background = 1e-5, bbl_thickness = 20.0, friction_velocity = 0.0;
  Deposition deposition = Deposition::Always;
  double critical_shear_deposition = 0.07;  ///< Krone tau_cd, Pa
  double bed_roughness = 1e-3;              ///< z0, m
  std::vector<double> deposit_thresholds{0.001, 0.005, 0.01};  ///< m
  std::vector<double> concentration_thresholds{0.002};         ///< kg m-3

  /// Some class can be eroded (has a critical shear stress).
  bool erosion() const {
    for (const auto& c : classes) {
      if (c.critical_shear > 0.0) return true;
    }
    return false;
  }
  /// The bed shear stress is needed (Krone deposition, a boundary-layer Kz, or erosion).
  bool needs_bed_stress() const { return deposition == Deposition::Krone || bbl || erosion(); }
};

enum class Method { Eulerian, Lagrangian, Both };

struct LagrangianSettings {
  double particles_per_second = 20.0;  ///< per class and source while the source is on
  ParticleAdvection advection = ParticleAdvection::Pollock;
  bool gaussian = true;                ///< random increments: Gaussian, or uniform of unit variance
  std::uint64_t seed = 20240601;
  double smoothing_length = 0.0;       ///< horizontal Gaussian kernel sigma on binned maps, m (0: binning only)
  long output_particles = 200000;      ///< most particles written per output (sampled by id)
  bool drift_correction = true;        ///< the dK/dz drift (off only to show the naive walk fails)
  /// Longest particle step, s (0: the run's step): a longer run step is split into equal sub-steps.
  double max_step = 0.0;
  /// The Runge-Kutta stages' velocity: trilinear on each staggered lattice instead of the finite-volume cell
  /// interpolation (on only to show that it accumulates particles next to bathymetry steps).
  bool trilinear_velocity = false;
};

/// One tidal current constituent: u = A_u cos(omega t - phi_u), v = A_v cos(omega t - phi_v).
struct TidalConstituent {
  double omega = 0.0;                           ///< rad s-1
  double amplitude_u = 0.0, amplitude_v = 0.0;  ///< m s-1
  double phase_u = 0.0, phase_v = 0.0;          ///< rad
};

/// `plume.flow`: which flow carries the plume.
struct FlowSettings {
  std::string type = "uniform";        ///< uniform, tidal, hdf5, or a registered flow source
  double mean_u = 0.0, mean_v = 0.0;   ///< uniform and tidal, m s-1
  std::vector<TidalConstituent> constituents;
  double log_layer_height = 0.0;       ///< m (0: uniform in depth)
  std::string file;                    ///< hdf5
  config::ConfigView block;            ///< plume.flow itself: errors name its keys; a registered source reads its sub-block
  bool deprecated_constituent_spelling = false;  ///< `amplitude: [u, v]` seen (warned at run time)
};

}  // namespace hadal::plume
