// SPDX-License-Identifier: MIT
/// \file settings.hpp
/// \brief The ocean module's settings: plain data, filled from the case file by keys.cpp.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace hadal::ocean {

enum class EdgeKind { Wall, Open };
enum Edge { kWest = 0, kEast = 1, kSouth = 2, kNorth = 3 };

struct BarotropicSettings {
  double gravity = 9.81;
  double coriolis_f0 = 0.0;        ///< s-1, at y = beta_reference_y
  double coriolis_beta = 0.0;      ///< m-1 s-1
  double beta_reference_y = 0.0;   ///< m
  double drag_coefficient = 0.0;   ///< quadratic bottom drag on the depth-mean velocity (used if >= 0)
  double viscosity = 0.0;          ///< horizontal Laplacian viscosity, m2/s
  double minimum_depth = 1.0;      ///< columns shallower than this are land
  bool nonlinear = true;           ///< momentum advection and total depth h + eta in the fluxes
  std::array<EdgeKind, 4> edges{EdgeKind::Wall, EdgeKind::Wall, EdgeKind::Wall, EdgeKind::Wall};
};

/// One tidal constituent of the external state at open boundaries: x(t) = A cos(omega t - phase).
struct TidalConstituent {
  std::string name;
  double omega = 0.0;
  double eta_amplitude = 0.0, eta_phase = 0.0;  ///< m, rad
  double u_amplitude = 0.0, u_phase = 0.0;      ///< m/s (or m2/s if transport), rad
  double v_amplitude = 0.0, v_phase = 0.0;
  bool transport = false;                       ///< u/v amplitudes are transports (divided by depth)
};

struct TidalConfig {
  BarotropicSettings solver;
  bool derive_drag = true;   ///< drag from the log layer per column (no drag_coefficient given)
  double cfl = 0.8;          ///< Courant number of the internal sub-cycling
  double spin_up = 0.0;      ///< s before the run's start at which the solver starts from rest
  std::vector<TidalConstituent> constituents;
  double mean_u = 0.0, mean_v = 0.0;  ///< depth-mean background current at open boundaries, m/s
  double ramp_time = 0.0;             ///< s
  std::vector<std::string> constituent_names;
  double wave_speed = 0.0;   ///< accelerated free surface (0 = physical gravity)
  double eta_scale = 1.0;    ///< physical elevation = model elevation * eta_scale (g' / g)
};

struct Station {
  std::string name;
  double x = 0.0, y = 0.0;
};

struct ProjectionSettings {
  double vertical_weight = 1.0;      ///< T = alpha_v / alpha_h (1: isotropic potential-flow adjustment)
  /// Top boundary: rigid lid (w = 0), open (phi = 0: a near-bed slab whose top lets w adjust), or given
  /// (keep the first guess's w through the top; Neumann like the rigid lid).
  enum class Top { RigidLid, Open, Given };
  Top top = Top::RigidLid;
  std::string preconditioner = "gamg";  ///< gamg | mg (geometric on the DMDA, Galerkin coarse operators)
  double relative_tolerance = 1e-10;
  int max_iterations = 1000;
  std::string petsc_options;         ///< extra options, prefix "ocean_projection_" (e.g. "-ksp_monitor")
};

/// Harmonic replay of a tidal flow source (see replay.hpp).
struct ReplaySettings {
  bool enabled = false;
  double record = 2.0 * 86400.0;         ///< s of solved flow analysed, from the run's start
  double response_time = 86400.0;        ///< s of each solve of the response to a uniform boundary current
  bool from_file = false;                ///< load the analysis instead of solving
  std::string file;                      ///< written after solving, or read (from_file)
  double interval = 0.0;                 ///< s between replay evaluations, linear in between; 0: every call
};

/// Which variables to read and how the file maps onto the model frame.
struct CoarseDataSpec {
  std::string file;
  std::string grid_file;            ///< ROMS/CROCO: grid variables missing from `file` are read here
  std::string u, v, w;              ///< variable names; empty = try the usual names (w optional)
  std::string time, depth, x, y;    ///< coordinate variable names; empty = from u's dimensions
  std::string coordinates = "auto"; ///< auto | projected (metres) | geographic (lon/lat degrees)
  bool has_reference = false;       ///< reference_lon/lat given (needed for geographic data)
  double reference_lon = 0.0, reference_lat = 0.0;  ///< lon/lat of model x = y = 0
  std::string reference_time;       ///< calendar time of model t = 0; empty = the first data time
  double averaging_period = -1.0;   ///< records are means over this interval; < 0: from the file (time bounds)
};

}  // namespace hadal::ocean
