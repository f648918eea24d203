// SPDX-License-Identifier: MIT
#include "ocean/keys.hpp"

#include <cmath>

#include "core/log.hpp"
#include "grid/grid.hpp"
#include "numerics/constants.hpp"
#include "numerics/tides.hpp"

namespace hadal::ocean {

namespace {
using namespace units;
}  // namespace

namespace {
/// An object list that may be absent from the resolved case.
std::vector<config::ConfigView> items(const config::ConfigView& block, const std::string& key) {
  return block.has(key) ? block.children(key) : std::vector<config::ConfigView>{};
}
}  // namespace

void declare_ocean_block(config::ObjectSpec& b, bool with_model) {
  if (with_model) {
    b.enumeration("model", {"tidal", "downscale"},
                  "tidal: run the shallow-water tidal solver on the plume grid; downscale: adjust coarse current data "
                  "to a mass-consistent field over the detailed bathymetry")
        .default_value("tidal");
  }
  // --- tidal solver
  b.real("gravity", kAcceleration, "Gravitational acceleration").greater_than(0.0).default_value(9.81);
  b.real("latitude", kDimensionless,
         "Latitude of the site for the Coriolis parameter f = 2 Omega sin(latitude); write the unit, e.g. "
         "'27.25 deg' (a bare number is radians). Absent: no rotation unless coriolis_f0 is given")
      .min(-numerics::kPi / 2)
      .max(numerics::kPi / 2)
      .optional();
  b.real("coriolis_f0", kFrequency, "Coriolis parameter at the grid's y centre (overrides latitude)").optional();
  b.real("coriolis_beta", kFrequency / kLength,
         "beta = df/dy for a beta-plane (default: 2 Omega cos(latitude)/R_earth when beta_plane is true)")
      .optional();
  b.boolean("beta_plane", "Let f vary linearly in y (beta-plane) instead of an f-plane").default_value(false);
  b.real("drag_coefficient", kDimensionless,
         "Quadratic bottom drag on the depth-mean velocity (default: implied per column by the log layer)")
      .min(0.0)
      .optional();
  b.real("wave_speed", kVelocity,
         "Accelerated free surface: run the barotropic mode with gravity reduced so that sqrt(g' H_max) equals "
         "this speed. Valid while it stays >> the current speed and the domain << the tidal wavelength; relaxes the "
         "time step by 9.81 H_max / wave_speed^2. Elevations are reported as physical ones. Absent: real gravity")
      .greater_than(0.0)
      .optional();
  b.real("viscosity", kDiffusivity, "Horizontal Laplacian viscosity").min(0.0).default_value(1.0);
  b.boolean("nonlinear", "Momentum advection and total depth h + eta in the fluxes").default_value(true);
  b.real("minimum_depth", kLength, "Columns shallower than this are land").greater_than(0.0).default_value(1.0);
  b.real("cfl", kDimensionless,
         "Courant number of the solver's own time step (1 = the forward-backward gravity-wave limit)")
      .greater_than(0.0)
      .max(1.0)
      .default_value(0.8);
  b.real("spin_up", kTime, "Solver starts from rest this long before the run's start time").min(0.0).default_value(0.0);
  b.real("ramp_time", kTime, "Boundary forcing ramps in over this time (half cosine)").min(0.0).default_value(21600.0);
  b.reals("mean_current", kVelocity, "Depth-mean background current (u, v) imposed at open boundaries")
      .items(2)
      .default_value(std::vector<double>{0.0, 0.0});
  auto& edges = b.object("boundaries", "Lateral boundary type per edge");
  for (const char* edge : {"west", "east", "south", "north"})
    edges.enumeration(edge, {"open", "wall"}, std::string("Edge ") + edge +
                                                  ": open (Flather radiation against the tidal + mean external state) "
                                                  "or wall (no normal flow)")
        .default_value("open");
  auto& c = b.object_list("constituents", "Tidal constituents of the external state at open boundaries");
  c.string("name", "Constituent (M2, S2, N2, K2, K1, O1, P1, Q1, M4, MS4, ...)").required();
  c.real("elevation_amplitude", kLength, "Elevation amplitude").min(0.0).default_value(0.0);
  c.real("elevation_phase", kDimensionless, "Elevation phase lag (e.g. '120 deg'; bare numbers are radians)")
      .default_value(0.0);
  c.real("u_amplitude", kVelocity, "Amplitude of the depth-mean eastward velocity").min(0.0).default_value(0.0);
  c.real("u_phase", kDimensionless, "Phase lag of u (e.g. '30 deg')").default_value(0.0);
  c.real("v_amplitude", kVelocity, "Amplitude of the depth-mean northward velocity").min(0.0).default_value(0.0);
  c.real("v_phase", kDimensionless, "Phase lag of v").default_value(0.0);
  c.real("u_transport_amplitude", kArea / kTime,
         "Alternative to u_amplitude: eastward transport amplitude (TPXO style), divided by the local depth")
      .min(0.0)
      .optional();
  c.real("v_transport_amplitude", kArea / kTime, "Alternative to v_amplitude: northward transport amplitude")
      .min(0.0)
      .optional();
  // --- vertical structure
  auto& layer = b.object("log_layer", "Logarithmic bottom boundary layer of the 3-D velocity");
  layer.real("thickness", kLength, "Height over which the log profile applies (capped by the depth)")
      .greater_than(0.0)
      .default_value(20.0);
  layer.real("roughness", kLength, "Bottom roughness length z0").greater_than(0.0).default_value(1e-3);
  layer.real("von_karman", kDimensionless, "von Karman constant").greater_than(0.0).default_value(0.41);
  // --- downscaling
  auto& data = b.object("data",
                        "Wide-area current data (NetCDF, format recognised from the file): CF files on z-levels or at "
                        "the surface (CMEMS uo/vo, HYCOM water_u/water_v, FORA, ...; 3-D or 4-D, rectilinear or "
                        "curvilinear) or ROMS/CROCO history files (s-coordinates, staggered u/v, grid angle, masks). "
                        "model: downscale adjusts them to the fine bathymetry; model: tidal takes their depth mean as the "
                        "sub-tidal current at the open boundaries and keeps their vertical shear");
  data.string("file", "NetCDF file of currents").required();
  data.string("grid_file", "ROMS/CROCO grid file holding what the history file lacks (h, angle, lon_rho, masks, ...)")
      .optional();
  auto& vars = data.object("variables", "Variable names (default: the usual names, then CF standard names)");
  vars.string("u", "Eastward (ROMS: xi) velocity (tried: water_u, uo, u, standard_name eastward_sea_water_velocity)").optional();
  vars.string("v", "Northward (ROMS: eta) velocity (tried: water_v, vo, v, standard_name northward_sea_water_velocity)")
      .optional();
  vars.string("w", "Upward velocity, if the data have it (tried: water_w, wo, w)").optional();
  vars.string("time", "Time coordinate (default: the time dimension of u; ROMS: ocean_time, time, scrum_time)").optional();
  vars.string("depth", "Depth coordinate (default: the depth dimension of u, or a scalar depth coordinate of a "
                       "surface-only field)")
      .optional();
  vars.string("y", "y or latitude coordinate, 1-D or 2-D (default: of u's y dimension, or named in its coordinates)").optional();
  vars.string("x", "x or longitude coordinate, 1-D or 2-D (default: of u's x dimension, or named in its coordinates)").optional();
  data.enumeration("coordinates", {"auto", "projected", "geographic"},
                   "projected: x/y in metres (or km) of the model frame; geographic: lon/lat mapped around `reference`; "
                   "auto: geographic when the coordinates say degrees or are named lon/longitude (ROMS: lon_rho)")
      .default_value("auto");
  data.reals("reference", kDimensionless,
             "lon, lat (degrees) of model x = 0, y = 0 for geographic data (default: bathymetry.reference)")
      .items(2)
      .optional();
  data.string("reference_time", "Calendar time (UTC, YYYY-MM-DDThh:mm:ss) of model time 0 (default: first record)")
      .optional();
  data.real("averaging_period", kTime,
            "Each record is a mean over this interval centred on its time stamp (e.g. 5 d for 5-day means): the data "
            "then cover half of it before the first and after the last stamp, where the first and last records hold. "
            "Absent: from the file's time bounds, else 0 (instantaneous records)")
      .min(0.0)
      .optional();
  b.key("data").optional();
  auto& p = b.object("projection", "Mass-consistent adjustment (variational Poisson solve)");
  p.real("vertical_weight", kDimensionless,
         "T = alpha_v/alpha_h: 1 = isotropic potential-flow adjustment; large = flow goes around obstacles")
      .greater_than(0.0)
      .default_value(1.0);
  p.enumeration("top", {"auto", "rigid_lid", "open", "given"},
                "Top boundary: rigid_lid (w = 0, grid reaches the sea surface), open (phi = 0, a near-bed slab), "
                "given (keep the data's w through the top); auto picks rigid_lid when the grid top is at or above -1 m")
      .default_value("auto");
  p.enumeration("preconditioner", {"gamg", "mg"}, "Multigrid: algebraic (GAMG) or geometric on the DMDA (PCMG)")
      .default_value("gamg");
  p.real("tolerance", kDimensionless, "Relative residual tolerance of CG").greater_than(0.0).default_value(1e-10);
  p.integer("max_iterations", "CG iteration limit").min(1).default_value(1000);
  p.string("petsc_options", "Extra PETSc options (prefix -ocean_projection_)").default_value("");
  b.boolean("bottom_layer", "Downscaling: apply the log-layer reduction above the fine grid's model seabed to the first guess")
      .default_value(true);
  // --- stations (case types only, harmless in flow blocks)
  auto& s = b.object_list("stations", "Points with time series and tidal harmonic analysis");
  s.string("name", "Station name").required();
  s.reals("position", kLength, "x, y").items(2).required();
  b.real("station_interval", kTime, "Sampling interval of station series").greater_than(0.0).default_value(600.0);
  b.boolean("write_flow_files", "Write face velocities (flow_*.h5, float64) for `ocean_file` flow sources")
      .default_value(true);
  if (!with_model) return;
  // --- harmonic replay (flow sources only)
  auto& r = b.object("replay",
                     "Harmonic replay for long runs (model: tidal): solve `record` from the run's start (after the "
                     "spin-up), analyse every face into a mean, constituent amplitudes and phases (response method: "
                     "one admittance per tidal species and forcing direction, plus the compound tides) and, nested in "
                     "data, the steady flow the data's boundary current drives at each record; then rebuild the flow at "
                     "any time from them "
                     "without solving (3-D faces and divergence-free cells exactly as for the solved flow)");
  b.key("replay").optional();
  r.real("record", kTime, "Length of the solved record that is analysed (a day or two suffices for one species)")
      .greater_than(0.0)
      .default_value(172800.0);
  r.real("response_time", kTime,
         "Nesting in data: length of the solve of the steady flow (no tide) forced by the data's boundary current of "
         "each data record spanning the run (the first from rest, the next ones from the previous)")
      .min(7200.0)
      .default_value(86400.0);
  r.enumeration("source", {"solve", "file"},
                "solve: solve and analyse in this run (and write `file` if given); file: read the analysis from `file`")
      .default_value("solve");
  r.string("file", "HDF5 file of the analysis (per face: mean, in-phase and quadrature amplitude of each constituent, "
                   "response to the data current), for later runs and sweep members")
      .optional();
  r.real("interval", kTime,
         "Rebuild the 3-D flow from the analysis every `interval` of model time (from time.start) and interpolate "
         "linearly in time in between (0: at every request). Each blend stays divergence-free; the error of a "
         "constituent of frequency w is at most (w interval)^2/8 of its amplitude: 8.9e-4 for M2 at 10 min")
      .min(0.0)
      .default_value(0.0);
}

void check_ocean_block(const config::ConfigView& block, const std::string& model, std::vector<Diagnostic>& problems) {
  const auto constituents = items(block, "constituents");
  for (std::size_t n = 0; n < constituents.size(); ++n) {
    const auto& c = constituents[n];
    const std::string name = c.string("name");
    if (numerics::constituent_frequency(name) < 0) {
      std::string known;
      for (const auto& k : numerics::constituent_names()) known += (known.empty() ? "" : ", ") + k;
      std::string hint = config::did_you_mean(name, numerics::constituent_names());
      problems.push_back(c.diagnostic("name", "unknown tidal constituent '" + name + "'" +
                                                  (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                                                  "; known: " + known));
    }
    if (c.has("u_transport_amplitude") && c.real("u_amplitude") > 0.0)
      problems.push_back(c.diagnostic("u_transport_amplitude", "give u_amplitude or u_transport_amplitude, not both"));
    if (c.has("v_transport_amplitude") && c.real("v_amplitude") > 0.0)
      problems.push_back(c.diagnostic("v_transport_amplitude", "give v_amplitude or v_transport_amplitude, not both"));
  }
  if (block.has("replay")) {
    const auto r = block.child("replay");
    if (model != "tidal") problems.push_back(block.diagnostic("replay", "the harmonic replay needs model: tidal"));
    if (r.string("source") == "file" && !r.has("file"))
      problems.push_back(r.diagnostic("file", "source: file needs the file to read"));
    if (block.real("spin_up") < block.real("ramp_time"))
      problems.push_back(block.diagnostic("spin_up", "the replay analyses the flow from the run's start: the spin-up must "
                                                     "cover the ramp (ramp_time) and its transient"));
  }
  if (model == "downscale") {
    if (!block.has("data")) {
      problems.push_back(block.diagnostic("data", "downscaling needs a `data:` block naming the current file"));
    }
  }
}

LogLayer log_layer_config(const config::ConfigView& block) {
  LogLayer layer;
  const auto l = block.child("log_layer");
  layer.thickness = l.real("thickness");
  layer.roughness = l.real("roughness");
  layer.kappa = l.real("von_karman");
  if (layer.roughness >= layer.thickness) l.fail("roughness", "the roughness length must be below the layer thickness");
  return layer;
}

TidalConfig tidal_config(const config::ConfigView& block, const grid::StructuredGrid& grid) {
  TidalConfig t;
  auto& s = t.solver;
  s.gravity = block.real("gravity");
  s.viscosity = block.real("viscosity");
  s.nonlinear = block.boolean("nonlinear");
  s.minimum_depth = block.real("minimum_depth");
  s.beta_reference_y = grid.spec().y0 + 0.5 * grid.spec().ly;
  double latitude = 0.0;
  if (block.has("latitude")) {
    latitude = block.real("latitude");
    s.coriolis_f0 = 2 * numerics::kEarthRotationRate * std::sin(latitude);
  }
  if (block.has("coriolis_f0")) s.coriolis_f0 = block.real("coriolis_f0");
  if (block.boolean("beta_plane")) {
    s.coriolis_beta = block.has("coriolis_beta") ? block.real("coriolis_beta")
                                                 : 2 * numerics::kEarthRotationRate * std::cos(latitude) / numerics::kEarthRadius;
  } else if (block.has("coriolis_beta")) {
    block.fail("coriolis_beta", "coriolis_beta needs beta_plane: true");
  }
  t.derive_drag = !block.has("drag_coefficient");
  s.drag_coefficient = t.derive_drag ? 0.0 : block.real("drag_coefficient");
  const auto edges = block.child("boundaries");
  const char* names[4] = {"west", "east", "south", "north"};
  for (int e = 0; e < 4; ++e) s.edges[e] = edges.string(names[e]) == "open" ? EdgeKind::Open : EdgeKind::Wall;
  t.cfl = block.real("cfl");
  if (block.has("wave_speed")) t.wave_speed = block.real("wave_speed");
  t.spin_up = block.real("spin_up");
  for (const auto& c : items(block, "constituents")) {
    TidalConstituent k;
    k.name = c.string("name");
    k.omega = numerics::constituent_frequency(k.name);
    if (k.omega < 0) c.fail("name", "unknown tidal constituent '" + k.name + "'");
    k.eta_amplitude = c.real("elevation_amplitude");
    k.eta_phase = c.real("elevation_phase");
    k.u_amplitude = c.has("u_transport_amplitude") ? c.real("u_transport_amplitude") : c.real("u_amplitude");
    k.v_amplitude = c.has("v_transport_amplitude") ? c.real("v_transport_amplitude") : c.real("v_amplitude");
    k.u_phase = c.real("u_phase");
    k.v_phase = c.real("v_phase");
    k.transport = c.has("u_transport_amplitude") || c.has("v_transport_amplitude");
    if (k.transport && !c.has("u_transport_amplitude") && k.u_amplitude > 0)
      c.fail("u_amplitude", "mix of velocity and transport amplitudes in one constituent");
    if (k.transport && !c.has("v_transport_amplitude") && k.v_amplitude > 0)
      c.fail("v_amplitude", "mix of velocity and transport amplitudes in one constituent");
    t.constituent_names.push_back(k.name);
    t.constituents.push_back(k);
  }
  const auto mean = block.reals("mean_current");
  t.mean_u = mean[0];
  t.mean_v = mean[1];
  t.ramp_time = block.real("ramp_time");
  return t;
}

CoarseDataSpec coarse_data_spec(const config::ConfigView& data, const config::ConfigView& root) {
  CoarseDataSpec spec;
  spec.file = data.string("file");
  if (data.has("grid_file")) spec.grid_file = data.string("grid_file");
  const auto v = data.child("variables");
  auto opt = [&](const char* key) { return v.has(key) ? v.string(key) : std::string(); };
  spec.u = opt("u");
  spec.v = opt("v");
  spec.w = opt("w");
  spec.time = opt("time");
  spec.depth = opt("depth");
  spec.x = opt("x");
  spec.y = opt("y");
  spec.coordinates = data.string("coordinates");
  std::vector<double> reference;
  if (data.has("reference")) {
    reference = data.reals("reference");
  } else if (root.node().IsDefined() && root.has("bathymetry") && root.child("bathymetry").has("reference")) {
    reference = root.child("bathymetry").reals("reference");
  }
  spec.has_reference = !reference.empty();
  if (spec.has_reference) {
    spec.reference_lon = reference[0];
    spec.reference_lat = reference[1];
  }
  if (data.has("reference_time")) spec.reference_time = data.string("reference_time");
  if (data.has("averaging_period")) spec.averaging_period = data.real("averaging_period");
  return spec;
}

ReplaySettings replay_settings(const config::ConfigView& block) {
  ReplaySettings r;
  if (!block.has("replay")) return r;
  const auto c = block.child("replay");
  r.enabled = true;
  r.record = c.real("record");
  r.response_time = c.real("response_time");
  r.from_file = c.string("source") == "file";
  if (c.has("file")) r.file = c.string("file");
  r.interval = c.real("interval");
  return r;
}

ProjectionSettings projection_config(const config::ConfigView& block, const grid::StructuredGrid& grid) {
  ProjectionSettings p;
  const auto c = block.child("projection");
  p.vertical_weight = c.real("vertical_weight");
  const std::string top = c.string("top");
  if (top == "auto") p.top = grid.z_face(grid.nz()) >= -1.0 ? ProjectionSettings::Top::RigidLid : ProjectionSettings::Top::Open;
  else if (top == "rigid_lid") p.top = ProjectionSettings::Top::RigidLid;
  else if (top == "open") p.top = ProjectionSettings::Top::Open;
  else p.top = ProjectionSettings::Top::Given;
  p.preconditioner = c.string("preconditioner");
  p.relative_tolerance = c.real("tolerance");
  p.max_iterations = static_cast<int>(c.integer("max_iterations"));
  p.petsc_options = c.string("petsc_options");
  return p;
}

std::vector<Station> stations_config(const config::ConfigView& block) {
  std::vector<Station> stations;
  for (const auto& s : items(block, "stations")) {
    const auto p = s.reals("position");
    stations.push_back({s.string("name"), p[0], p[1]});
  }
  return stations;
}

}  // namespace hadal::ocean
