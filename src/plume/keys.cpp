// SPDX-License-Identifier: MIT
// Every case-file key of the plume module: the schema, the cross-key checks, and the parsing of a
// validated case into the settings types (settings.hpp).
#include "plume/keys.hpp"

#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "grid/bathymetry.hpp"
#include "grid/stations.hpp"
#include "io/hdf5_file.hpp"
#include "numerics/constants.hpp"
#include "numerics/tides.hpp"
#include "plume/closures.hpp"
#include "plume/column_solve.hpp"
#include "sim/registry.hpp"
#include "sim/simulation.hpp"

namespace hadal::plume {

namespace {

SettlingLaw settling_law_from_name(const std::string& name) {
  if (name == "stokes") return SettlingLaw::Stokes;
  if (name == "ferguson_church") return SettlingLaw::FergusonChurch;
  if (name == "soulsby") return SettlingLaw::Soulsby;
  return SettlingLaw::Given;  // the schema admits no other name
}

void declare_flow_schema(config::ObjectSpec& plume) {
  using namespace units;
  std::vector<std::string> types{"uniform", "tidal", "hdf5"};
  for (const auto& source : sim::Registry::instance().flow_sources()) types.push_back(source.name);
  auto& flow = plume.object("flow", "The current that carries the plume.");
  flow.enumeration("type", types,
                   "uniform: constant current; tidal: mean + tidal constituents; hdf5: 3-D fields from a file; "
                   "others: computed by another module in the same run")
      .default_value("uniform");
  flow.reals("velocity", kVelocity, "Mean current (u east, v north)")
      .items(2)
      .default_value(std::vector<double>{0.0, 0.0})
      .only_when("type", {"uniform", "tidal"});
  // Same names and spelling as the ocean module's boundary constituents (ocean.tidal.constituents).
  auto& constituent = flow.object_list("constituents", "Tidal current constituents (ellipse as u and v amplitudes/phases)");
  flow.key("constituents").optional().only_when("type", {"tidal"});
  std::string known;
  for (const auto& name : numerics::constituent_names()) known += (known.empty() ? "" : ", ") + name;
  constituent.string("name", "Constituent name (" + known + "; any letter case), or your own with `period`").required();
  constituent.real("period", kTime, "Period (default: from the name)").greater_than(0.0).optional();
  constituent.real("u_amplitude", kVelocity, "Amplitude of the eastward velocity").min(0.0).default_value(0.0);
  constituent.real("u_phase", kDimensionless, "Phase lag of u (e.g. '30 deg'; bare numbers are radians)").default_value(0.0);
  constituent.real("v_amplitude", kVelocity, "Amplitude of the northward velocity").min(0.0).default_value(0.0);
  constituent.real("v_phase", kDimensionless, "Phase lag of v").default_value(0.0);
  constituent.reals("amplitude", kVelocity, "Deprecated spelling of [u_amplitude, v_amplitude]").items(2).min(0.0).optional();
  constituent.reals("phase", kDimensionless, "Deprecated spelling of [u_phase, v_phase]").items(2).optional();
  flow.real("log_layer_height", kLength,
            "Below this height above the model seabed (the bottom face of the lowest water cell) the current follows "
            "a logarithmic profile (0: uniform in depth)")
      .min(0.0)
      .default_value(0.0)
      .only_when("type", {"uniform", "tidal"});
  flow.string("file", "HDF5 file with /time [nt] and cell-centred /u, /v [nt][nz][ny][nx] on this grid")
      .required()
      .only_when("type", {"hdf5"});
  for (const auto& source : sim::Registry::instance().flow_sources()) {
    auto& block = flow.object(source.name, "Settings of the '" + source.name + "' flow source");
    flow.key(source.name).only_when("type", {source.name});
    if (source.declare_schema) source.declare_schema(block);
  }
}

void declare_sources_schema(config::ObjectSpec& plume) {
  using namespace units;
  auto& s = plume.object_list("sources", "Where, when and how much sediment enters the water");
  plume.key("sources").min_items(1).required();
  s.string("name", "Source name").default_value("source");
  s.enumeration("type", {"point", "line", "moving"},
                "point: fixed; line: spread evenly along a segment; moving: travels along `path` at `speed`")
      .default_value("point");
  s.reals("path", kLength,
          "Horizontal positions x0, y0, x1, y1, ...: one point (point), two (line), or the waypoints (moving)")
      .min_items(2)
      .required();
  s.real("speed", kVelocity, "Speed along the path").greater_than(0.0).default_value(0.1).only_when("type", {"moving"});
  s.boolean("back_and_forth", "Reverse at the path ends (otherwise restart at the first waypoint)")
      .default_value(true)
      .only_when("type", {"moving"});
  s.real("height_above_bed", kLength, "Centre of the release layer above the seabed").min(0.0).default_value(1.0);
  s.real("thickness", kLength, "Thickness of the release layer").greater_than(0.0).default_value(2.0);
  s.real("radius", kLength, "Radius of the disk over which the release is spread uniformly (0: the grid column under the source)").min(0.0).default_value(0.0);
  s.real("rate", kMassRate, "Total sediment mass rate while active").min(0.0).required();
  s.reals("fractions", kDimensionless, "Mass fraction per class (in the order of plume.classes; sum 1)")
      .min(0.0)
      .max(1.0)
      .required();
  s.reals("active", kTime, "On/off windows as start, end pairs (default: always on)").min_items(2).optional();
}

void declare_lagrangian_schema(config::ObjectSpec& p) {
  using namespace units;
  p.enumeration("method", {"eulerian", "lagrangian", "both"},
                "eulerian: finite volumes on the grid; lagrangian: random-walk particles binned on the grid; "
                "both: the two in one time loop with a per-cell comparison")
      .default_value("eulerian");
  auto& l = p.object("lagrangian", "Particle tracking (method lagrangian or both).");
  p.key("lagrangian").only_when("method", {"lagrangian", "both"});
  l.real("particles_per_second", kFrequency,
         "Particles released per second for each class of each source while it is on (at least one per step)")
      .greater_than(0.0)
      .default_value(20.0);
  l.enumeration("advection", {"rk2", "rk4", "pollock"},
                "Advection of a particle over a step: Heun RK2 or classical RK4 stages, or pollock: the exact path "
                "through the mid-step flow, cell by cell (Pollock's semi-analytic method; follows the seabed's steps)")
      .default_value("pollock");
  l.enumeration("random_increments", {"gaussian", "uniform"},
                "Distribution of the random-walk increments (uniform: unit variance, cheaper)")
      .default_value("gaussian");
  l.integer("seed", "Seed of the counter-based random streams").min(0).default_value(20240601);
  l.real("smoothing_length", kLength,
         "Standard deviation of a horizontal Gaussian kernel applied to the binned concentration and deposit "
         "(0: plain binning)")
      .min(0.0)
      .default_value(0.0);
  l.integer("output_particles", "Most particles written per output (a sample chosen by particle id)")
      .min(0)
      .default_value(200000);
  l.real("max_step", kTime,
         "Longest particle step (default: the run's step); longer run steps are split into equal sub-steps. "
         "Near the bed the random walk needs steps of seconds (docs/plume-lagrangian.md)")
      .greater_than(0.0)
      .optional();
}

}  // namespace

void declare_plume_schema(config::ObjectSpec& root) {
  using namespace units;
  grid::declare_grid_schema(root);
  grid::declare_bathymetry_schema(root);
  sim::declare_time_schema(root);
  grid::declare_stations_schema(root.key("output").object());
  auto& p = root.object("plume", "Sediment plume: classes, transport settings, flow, sources, thresholds.");
  p.real("water_density", kDensity, "Sea-water density").greater_than(900.0).less_than(1100.0).default_value(1030.0);
  p.real("kinematic_viscosity", kDiffusivity, "Sea-water kinematic viscosity (1.68e-6 at 2-4 degC)")
      .greater_than(0.0)
      .default_value(1.68e-6);
  auto& c = p.object_list("classes", "Sediment grain classes");
  p.key("classes").min_items(1).required();
  c.string("name", "Class name (used in output field names)").required();
  c.real("diameter", kLength, "Grain diameter").greater_than(0.0).required();
  c.real("grain_density", kDensity, "Grain density (about 2700 for fines, 3500-4200 for sulfide)")
      .greater_than(0.0)
      .default_value(2700.0);
  c.real("porosity", kDimensionless, "Porosity of the fresh deposit (0.7-0.9 fines, 0.4 sand)")
      .min(0.0)
      .less_than(1.0)
      .default_value(0.7);
  c.enumeration("settling", {"stokes", "ferguson_church", "soulsby", "given"}, "Settling-velocity law")
      .default_value("ferguson_church");
  c.real("settling_velocity", kVelocity, "Settling velocity").min(0.0).required().only_when("settling", {"given"});
  c.real("shape_factor", kDimensionless, "Ferguson-Church C2 (0.4 spheres, 1.0 natural, 1.2 angular)")
      .greater_than(0.0)
      .default_value(1.0)
      .only_when("settling", {"ferguson_church"});
  c.real("critical_shear", kPressure, "Critical bed shear stress for erosion (absent: no erosion)")
      .greater_than(0.0)
      .optional();
  c.real("erosion_rate", kMassPerArea / kTime, "Partheniades erosion constant M").min(0.0).default_value(5e-5);
  auto& advection = p.object("advection", "Horizontal and w advection (second-order TVD, SSP Runge-Kutta).");
  advection.enumeration("limiter", numerics::limiter_names(), "Slope limiter").default_value("van_leer");
  advection.enumeration("vertical", {"explicit", "implicit"},
                        "w advection: explicit (in the Courant limit of the step), or implicit (upwind flux "
                        "backward Euler plus the explicit limited correction, faded out above a face Courant "
                        "number of 1/2: fast w in thin cells no longer limits the step)")
      .default_value("explicit");
  advection.integer("stages",
                    "Stages s of the second-order SSP Runge-Kutta scheme SSPRK(s,2): s - 1 forward-Euler stages of "
                    "dt/(s - 1) and a final average. 2 is Heun's SSP-RK2; s stages allow a step (s - 1) times longer "
                    "at the same positivity limit per stage (time.cfl applies to each stage), so the transport costs "
                    "s/(s - 1) stages per positivity-limited interval instead of 2, and the per-step work (flow, "
                    "vertical column solves, sources, metrics) is done (s - 1) times less often")
      .min(2)
      .max(8)
      .default_value(2);
  auto& vertical = p.object("vertical", "Implicit vertical settling and diffusion per column.");
  vertical.enumeration("scheme", {"implicit_euler", "crank_nicolson"},
                       "implicit_euler: always positive; crank_nicolson: second order in time (positive while "
                       "dt (ws/dz + 2 Kz/dz^2) <= 2)")
      .default_value("implicit_euler");
  auto& diffusivity = p.object("diffusivity", "Turbulent diffusivities.");
  auto& h = diffusivity.object("horizontal", "Horizontal diffusivity.");
  h.enumeration("type", {"constant", "smagorinsky"}, "constant or Smagorinsky (from the velocity field)")
      .default_value("constant");
  h.real("value", kDiffusivity, "Constant Kh").min(0.0).default_value(0.1).only_when("type", {"constant"});
  h.real("coefficient", kDimensionless, "Smagorinsky Cs").greater_than(0.0).default_value(0.15).only_when("type", {"smagorinsky"});
  h.real("minimum", kDiffusivity, "Kh added to the Smagorinsky value").min(0.0).default_value(0.01).only_when("type", {"smagorinsky"});
  h.enumeration("stepping", {"with_advection", "substepped"},
                "Eulerian method. with_advection: in every Runge-Kutta stage of the advection, so that the step's "
                "positivity limit counts it (on narrow columns it sets the step: dt <= dx^2 / (4 Kh) per stage); "
                "substepped: Strang-split about the advection and taken in forward-Euler sub-steps at its own "
                "positivity limit, so that the step follows the current alone (docs/plume.md)")
      .default_value("with_advection");
  auto& v = diffusivity.object("vertical", "Vertical diffusivity.");
  v.enumeration("type", {"constant", "bottom_boundary_layer"},
                "constant, or kappa u* z' (1 - z'/delta) + background within delta of the bed")
      .default_value("constant");
  v.real("value", kDiffusivity, "Constant Kz").min(0.0).default_value(1e-4).only_when("type", {"constant"});
  v.real("background", kDiffusivity, "Kz outside the boundary layer").min(0.0).default_value(1e-5)
      .only_when("type", {"bottom_boundary_layer"});
  v.real("layer_thickness", kLength, "Boundary-layer thickness delta").greater_than(0.0).default_value(20.0)
      .only_when("type", {"bottom_boundary_layer"});
  v.real("friction_velocity", kVelocity, "u* (default: from the flow by the law of the wall)")
      .greater_than(0.0)
      .optional()
      .only_when("type", {"bottom_boundary_layer"});
  auto& deposition = p.object("deposition", "Deposition at the bed (flux ws c of the bottom cell times P_d).");
  deposition.enumeration("type", {"always", "krone", "none"},
                         "P_d = 1, Krone max(0, 1 - tau_b/tau_cd), or none (a reflecting bed)")
      .default_value("always");
  deposition.real("critical_shear", kPressure, "Krone tau_cd").greater_than(0.0).default_value(0.07)
      .only_when("type", {"krone"});
  p.real("bed_roughness", kLength, "Roughness length z0 for the bed shear stress").greater_than(0.0).default_value(1e-3);
  declare_flow_schema(p);
  declare_sources_schema(p);
  auto& thresholds = p.object("thresholds", "Environmental-impact thresholds.");
  thresholds.reals("deposit_thickness", kLength, "Deposit thicknesses whose exceedance area is reported")
      .min_items(1)
      .greater_than(0.0)
      .default_value(std::vector<double>{0.001, 0.005, 0.01});
  thresholds.reals("concentration", kDensity, "Suspended concentrations (2 mg/L = 0.002 kg/m3)")
      .min_items(1)
      .greater_than(0.0)
      .default_value(std::vector<double>{0.002});
  p.real("volume_interval", kTime,
         "Simulated time between 3-D snapshots (plume_*.h5) at the output times; absent: every output; 0: none, "
         "maps only (their maxima, times above thresholds and deposit accumulate over the whole run)")
      .min(0.0)
      .optional();
  declare_lagrangian_schema(p);
  // Seabed models registered by other modules (e.g. benthos): present block = the model runs.
  for (const auto& model : sim::Registry::instance().seabed_models()) {
    auto& block = p.object(model.name, "Seabed model '" + model.name + "' driven by this plume's deposition, erosion and "
                                       "near-bed water (present: on)");
    p.key(model.name).optional();
    if (model.declare_schema) model.declare_schema(block);
  }
}

void check_plume(const config::ConfigView& root, std::vector<Diagnostic>& problems) {
  const auto plume = root.child("plume");
  grid::GridSpec spec;
  std::unique_ptr<grid::SeabedShape> seabed;
  try {
    spec = grid::grid_spec_from_config(root.child("grid"));
    seabed = grid::make_seabed_shape(root.child("bathymetry"), spec);
    sources_from_config(plume, plume.children("classes").size());
    plume_settings_from_config(plume);
  } catch (const InputError& e) {
    problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    return;
  }
  for (const auto& model : sim::Registry::instance().seabed_models()) {
    if (plume.has(model.name) && method_from_config(plume) == Method::Lagrangian) {
      problems.push_back(plume.diagnostic(model.name, "a seabed model runs on the Eulerian deposition: use method "
                                                      "eulerian or both"));
    }
  }
  if (spec.nz > kMaxLevels) {
    problems.push_back(root.child("grid").diagnostic(
        "cells", strformat("%d levels: the plume's column kernels hold at most %d", spec.nz, kMaxLevels)));
  }
  const double x1 = spec.x0 + spec.lx, y1 = spec.y0 + spec.ly;
  const double z_top = spec.z_faces.back();
  for (const auto& s : plume.children("sources")) {
    const auto path = s.reals("path");
    for (std::size_t p = 0; p + 1 < path.size(); p += 2) {
      const double x = path[p], y = path[p + 1];
      const std::string where = "(" + std::to_string(x) + ", " + std::to_string(y) + ") m";
      if (x < spec.x0 || x > x1 || y < spec.y0 || y > y1) {
        problems.push_back(s.diagnostic("path", "point " + where + " lies outside the domain x " + std::to_string(spec.x0) +
                                                    ".." + std::to_string(x1) + ", y " + std::to_string(spec.y0) + ".." +
                                                    std::to_string(y1) + " m"));
        continue;
      }
      const double zb = seabed->elevation(x, y);
      if (zb >= z_top) {
        problems.push_back(s.diagnostic("path", "point " + where + " is under the seabed (seabed at " + std::to_string(zb) +
                                                    " m is above the grid top " + std::to_string(z_top) + " m)"));
      } else if (zb + s.real("height_above_bed") > z_top) {
        problems.push_back(s.diagnostic("height_above_bed", "the release at " + where + " is above the grid top"));
      }
    }
  }
  if (plume.has("lagrangian")) {
    // Particles released over the run: refuse counts no machine could hold (~60 bytes each).
    const auto l = plume.child("lagrangian");
    const auto time = sim::time_settings_from_config(root);
    const double duration = time.end - time.start;
    const double released = l.real("particles_per_second") * duration *
                            static_cast<double>(plume.children("classes").size() * plume.children("sources").size());
    if (released > 2e9) {
      problems.push_back(l.diagnostic("particles_per_second",
                                      strformat("would release %.3g particles over the run (limit 2e9): lower the rate",
                                                released)));
    }
  }
  const auto flow = plume.child("flow");
  if (flow.string("type") == "hdf5") {
    try {
      io::H5File file(MPI_COMM_SELF, flow.string("file"), io::H5File::Mode::Read);
      if (!file.has("/u") || !file.has("/v") || !file.has("/time")) {
        problems.push_back(flow.diagnostic("file", "flow file " + flow.string("file") + " needs datasets /time, /u and /v"));
      } else {
        const auto d = file.dims("/u");
        if (d.size() != 4 || d[1] != static_cast<unsigned long long>(spec.nz) ||
            d[2] != static_cast<unsigned long long>(spec.ny) || d[3] != static_cast<unsigned long long>(spec.nx)) {
          problems.push_back(flow.diagnostic("file", "flow file " + flow.string("file") +
                                                         " is for another grid: /u must be [time][" + std::to_string(spec.nz) +
                                                         "][" + std::to_string(spec.ny) + "][" + std::to_string(spec.nx) + "]"));
        }
      }
    } catch (const InputError& e) {
      problems.push_back(flow.diagnostic("file", "cannot open flow file " + flow.string("file") + " as HDF5"));
    }
  }
}

PlumeSettings plume_settings_from_config(const config::ConfigView& plume) {
  PlumeSettings s;
  s.water_density = plume.real("water_density");
  s.kinematic_viscosity = plume.real("kinematic_viscosity");
  for (const auto& c : plume.children("classes")) {
    SedimentClass k;
    k.name = c.string("name");
    k.diameter = c.real("diameter");
    k.grain_density = c.real("grain_density");
    k.porosity = c.real("porosity");
    if (k.grain_density <= s.water_density) {
      c.fail("grain_density", "must exceed the water density (" + std::to_string(s.water_density) + " kg/m3)");
    }
    switch (settling_law_from_name(c.string("settling"))) {
      case SettlingLaw::Given: k.settling_velocity = c.real("settling_velocity"); break;
      case SettlingLaw::Stokes:
        k.settling_velocity = stokes_velocity(k.diameter, k.grain_density, s.water_density, s.kinematic_viscosity);
        break;
      case SettlingLaw::FergusonChurch:
        k.settling_velocity = ferguson_church_velocity(k.diameter, k.grain_density, s.water_density,
                                                       s.kinematic_viscosity, c.real("shape_factor"));
        break;
      case SettlingLaw::Soulsby:
        k.settling_velocity = soulsby_velocity(k.diameter, k.grain_density, s.water_density, s.kinematic_viscosity);
        break;
    }
    if (c.has("critical_shear")) {
      k.critical_shear = c.real("critical_shear");
      k.erosion_rate = c.real("erosion_rate");
    }
    for (const auto& other : s.classes) {
      if (other.name == k.name) c.fail("name", "class name '" + k.name + "' is used twice");
    }
    s.classes.push_back(k);
  }
  const auto advection = plume.child("advection");
  s.limiter = numerics::limiter_from_name(advection.string("limiter"));
  s.implicit_w = advection.string("vertical") == "implicit";
  s.stages = static_cast<int>(advection.integer("stages"));
  if (plume.has("volume_interval")) s.volume_interval = plume.real("volume_interval");
  s.theta = plume.child("vertical").string("scheme") == "crank_nicolson" ? 0.5 : 1.0;
  const auto h = plume.child("diffusivity").child("horizontal");
  s.smagorinsky = h.string("type") == "smagorinsky";
  s.kh = s.smagorinsky ? 0.0 : h.real("value");
  s.kh_substepped = h.string("stepping") == "substepped";
  if (s.smagorinsky) {
    s.smagorinsky_coefficient = h.real("coefficient");
    s.kh_minimum = h.real("minimum");
  }
  const auto v = plume.child("diffusivity").child("vertical");
  s.bbl = v.string("type") == "bottom_boundary_layer";
  if (s.bbl) {
    s.kz_background = v.real("background");
    s.bbl_thickness = v.real("layer_thickness");
    if (v.has("friction_velocity")) s.friction_velocity = v.real("friction_velocity");
  } else {
    s.kz = v.real("value");
  }
  const auto deposition = plume.child("deposition");
  const std::string law = deposition.string("type");
  s.deposition = law == "krone" ? Deposition::Krone : law == "none" ? Deposition::None : Deposition::Always;
  if (s.deposition == Deposition::Krone) s.critical_shear_deposition = deposition.real("critical_shear");
  s.bed_roughness = plume.real("bed_roughness");
  s.deposit_thresholds = plume.child("thresholds").reals("deposit_thickness");
  s.concentration_thresholds = plume.child("thresholds").reals("concentration");
  return s;
}

FlowSettings flow_settings_from_config(const config::ConfigView& plume) {
  const auto flow = plume.child("flow");
  FlowSettings f;
  f.type = flow.string("type");
  if (f.type == "uniform" || f.type == "tidal") {
    const auto mean = flow.reals("velocity");
    f.mean_u = mean[0];
    f.mean_v = mean[1];
    f.log_layer_height = flow.real("log_layer_height");
  }
  if (f.type == "tidal" && flow.has("constituents")) {
    for (const auto& c : flow.children("constituents")) {
      const double omega = c.has("period") ? 2.0 * numerics::kPi / c.real("period")
                                           : numerics::constituent_frequency(c.string("name"));
      if (omega <= 0.0) c.fail("name", "unknown constituent '" + c.string("name") + "': give its period");
      TidalConstituent k{omega, c.real("u_amplitude"), c.real("v_amplitude"), c.real("u_phase"), c.real("v_phase")};
      if (c.has("amplitude") || c.has("phase")) {
        if (k.amplitude_u > 0.0 || k.amplitude_v > 0.0 || k.phase_u != 0.0 || k.phase_v != 0.0) {
          c.fail(c.has("amplitude") ? "amplitude" : "phase",
                 "give either the deprecated amplitude/phase lists or u_amplitude, u_phase, v_amplitude, v_phase");
        }
        if (c.has("amplitude")) k.amplitude_u = c.reals("amplitude")[0], k.amplitude_v = c.reals("amplitude")[1];
        if (c.has("phase")) k.phase_u = c.reals("phase")[0], k.phase_v = c.reals("phase")[1];
        f.deprecated_constituent_spelling = true;
      }
      f.constituents.push_back(k);
    }
  }
  if (f.type == "hdf5") f.file = flow.string("file");
  f.block = flow;
  return f;
}

std::vector<Source> sources_from_config(const config::ConfigView& plume, std::size_t classes) {
  std::vector<Source> sources;
  for (const auto& s : plume.children("sources")) {
    Source src;
    src.name = s.string("name");
    const std::string type = s.string("type");
    src.kind = type == "point" ? Source::Kind::Point : type == "line" ? Source::Kind::Line : Source::Kind::Moving;
    src.path = s.reals("path");
    if (src.path.size() % 2 != 0) s.fail("path", "needs x, y pairs: found an odd number of values");
    const std::size_t points = src.path.size() / 2;
    if (src.kind == Source::Kind::Point && points != 1) s.fail("path", "a point source has one x, y pair");
    if (src.kind == Source::Kind::Line && points != 2) s.fail("path", "a line source has two x, y pairs");
    if (src.kind == Source::Kind::Moving && points < 2) s.fail("path", "a moving source needs at least two waypoints");
    if (src.kind != Source::Kind::Point && src.length() <= 0.0) s.fail("path", "the path has zero length");
    if (src.kind == Source::Kind::Moving) {
      src.speed = s.real("speed");
      src.back_and_forth = s.boolean("back_and_forth");
    }
    src.height_above_bed = s.real("height_above_bed");
    src.thickness = s.real("thickness");
    src.radius = s.real("radius");
    src.rate = s.real("rate");
    src.fractions = s.reals("fractions");
    if (src.fractions.size() != classes) {
      s.fail("fractions", "has " + std::to_string(src.fractions.size()) + " values; plume.classes has " +
                              std::to_string(classes));
    }
    const double sum = std::accumulate(src.fractions.begin(), src.fractions.end(), 0.0);
    if (std::abs(sum - 1.0) > 1e-6) s.fail("fractions", "must sum to 1, found " + std::to_string(sum));
    if (s.has("active")) {
      src.windows = s.reals("active");
      if (src.windows.size() % 2 != 0) s.fail("active", "needs start, end pairs: found an odd number of values");
      for (std::size_t k = 1; k < src.windows.size(); ++k) {
        if (src.windows[k] < src.windows[k - 1]) s.fail("active", "windows must be in increasing time order");
      }
    }
    sources.push_back(src);
  }
  return sources;
}

LagrangianSettings lagrangian_settings_from_config(const config::ConfigView& plume) {
  LagrangianSettings s;
  if (!plume.has("lagrangian")) return s;
  const auto l = plume.child("lagrangian");
  s.particles_per_second = l.real("particles_per_second");
  advection_from_name(l.string("advection"), s.advection);  // the schema allows only the three names
  s.gaussian = l.string("random_increments") == "gaussian";
  s.seed = static_cast<std::uint64_t>(l.integer("seed"));
  s.smoothing_length = l.real("smoothing_length");
  s.output_particles = l.integer("output_particles");
  if (l.has("max_step")) s.max_step = l.real("max_step");
  return s;
}

Method method_from_config(const config::ConfigView& plume) {
  const std::string method = plume.string("method");
  return method == "lagrangian" ? Method::Lagrangian : method == "both" ? Method::Both : Method::Eulerian;
}

}  // namespace hadal::plume
