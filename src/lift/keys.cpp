// SPDX-License-Identifier: MIT
#include "lift/keys.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/log.hpp"
#include "numerics/constants.hpp"
#include "sim/simulation.hpp"

namespace hadal::lift {
namespace {

using numerics::kPi;

enum class CaseKind { Steady, Transient, Envelope };

ValveLocation valve_location(const std::string& name) {
  return name == "pump_discharge" ? ValveLocation::PumpDischarge
                                  : (name == "feeder" ? ValveLocation::Feeder : ValveLocation::RiserTop);
}

void declare_pipe(config::ObjectSpec& pipe, bool supply) {
  using namespace units;
  pipe.real("diameter", kLength, "Inner diameter").greater_than(0.0).required();
  pipe.real("roughness", kLength, "Equivalent sand roughness of the wall").min(0.0).default_value(4.5e-5);
  pipe.real("length", kLength, "Length of a straight vertical pipe (give either length or profile)")
      .greater_than(0.0)
      .optional();
  auto& prof = pipe.object_list("profile", "Inclination profile: straight sections in flow order "
                                           "(supply: from the ship down; riser: from the feeder up)");
  prof.real("length", kLength, "Section length").greater_than(0.0).required();
  prof.real("angle", kDimensionless, "Inclination from the horizontal (e.g. 90 deg = vertical)")
      .min(0.0)
      .max(kPi / 2 + 1e-12)
      .default_value(kPi / 2);
  pipe.key("profile").optional();
  pipe.real("minor_loss_coefficient", kDimensionless, "Sum of local loss coefficients K on the pipe velocity")
      .min(0.0)
      .default_value(0.0);
  pipe.real("wall_thickness", kLength, "Wall thickness (pressure-wave speed)").greater_than(0.0).default_value(0.02);
  pipe.real("wall_modulus", kPressure, "Young's modulus of the wall (steel 207 GPa)").greater_than(0.0)
      .default_value(207e9);
  pipe.real("poisson_ratio", kDimensionless, "Poisson ratio of the wall").min(0.0).less_than(0.5).default_value(0.3);
  pipe.enumeration("support", {"expansion_joints", "anchored", "upstream_anchored"},
                   "Axial restraint of the pipe (wave speed): axially free (a hanging riser), anchored throughout, "
                   "or anchored at its upstream end only")
      .default_value("expansion_joints");
  if (supply) pipe.integer("count", "Identical supply pipes in parallel").min(1).default_value(1);
}

void declare_lift_schema(config::ObjectSpec& root, CaseKind kind) {
  using namespace units;
  auto& lift = root.object("lift", "Circulating-slurry lift loop: pumps, supply pipes, ore feeder, riser, separator.");

  auto& fluid = lift.object("fluid", "Carrier: seawater with fines treated as pseudo-homogeneous.");
  fluid.real("water_density", kDensity, "Seawater density").greater_than(0.0).default_value(1025.0);
  fluid.real("water_viscosity", kDiffusivity, "Kinematic viscosity of seawater").greater_than(0.0).default_value(1.2e-6);
  fluid.real("fines_concentration", kDimensionless, "Volume fraction of fines (< 75 um) in the circulating water")
      .min(0.0)
      .less_than(0.5)
      .default_value(0.016);
  fluid.real("fines_density", kDensity, "Fines density (default: ore density)").greater_than(0.0).optional();
  fluid.real("gravity", kAcceleration, "Gravitational acceleration").greater_than(0.0).default_value(9.81);
  fluid.real("bulk_modulus", kPressure, "Bulk modulus of seawater").greater_than(0.0).default_value(2.34e9);
  fluid.real("vapour_pressure", kPressure, "Vapour pressure (absolute) of the carrier: column separation below it")
      .min(0.0)
      .default_value(2.3e3);
  fluid.real("atmospheric_pressure", kPressure, "Absolute pressure at the ship (gauge pressures are above it)")
      .greater_than(0.0)
      .default_value(101325.0);

  auto& ore = lift.object("ore", "Coarse ore: slips and settles relative to the carrier.");
  ore.real("density", kDensity, "Ore density").greater_than(0.0).default_value(3500.0);
  ore.real("diameter", kLength, "Representative particle size").greater_than(0.0).default_value(0.02);
  ore.enumeration("settling_model", {"given", "newton", "ruby_zanke"},
                  "Single-particle settling velocity: given, Newton drag law, or Ruby-Zanke")
      .default_value("newton");
  ore.real("settling_velocity", kVelocity, "Settling velocity in the riser (wall effect included)")
      .greater_than(0.0)
      .only_when("settling_model", {"given"})
      .required();
  ore.real("drag_coefficient", kDimensionless, "Drag coefficient (0.44 spheres, 0.8-1.0 crushed ore)")
      .greater_than(0.0)
      .default_value(0.8);
  ore.enumeration("wall_factor", {"none", "munroe", "richardson_zaki"},
                  "Wall-effect factor on the computed settling velocity: 1-(d/D)^1.5 or 10^(-d/D)")
      .default_value("munroe");
  ore.real("hindered_exponent", kDimensionless, "Richardson-Zaki exponent n (default: Rowe 1987 from Re_p)")
      .greater_than(0.0)
      .optional();
  ore.real("distribution_parameter", kDimensionless, "Drift-flux distribution parameter C0").greater_than(0.0)
      .default_value(1.0);
  ore.real("packing_limit", kDimensionless, "In-situ concentration of a settled, packed bed").greater_than(0.0)
      .less_than(1.0)
      .default_value(0.55);
  ore.real("bulk_modulus", kPressure, "Bulk modulus of the ore grains (slurry wave speed, Wood)").greater_than(0.0)
      .default_value(7.0e10);

  auto& pumps = lift.object("pumps", "Shipboard centrifugal pumps (identical units).");
  pumps.integer("count", "Number of pumps").min(1).default_value(2);
  pumps.enumeration("arrangement", {"series", "parallel"}, "How the pumps are connected").default_value("series");
  pumps.real("rated_speed", kFrequency, "Speed at which the curve was measured").greater_than(0.0).default_value(25.0);
  pumps.real("speed", kFrequency, "Operating speed (affinity laws; default: rated)").greater_than(0.0).optional();
  pumps.real("inertia", kMass * kArea, "Rotor + motor moment of inertia per pump (run-down after a trip)")
      .greater_than(0.0)
      .default_value(30.0);
  pumps.real("shutoff_power_fraction", kDimensionless, "Shaft power at zero flow as a fraction of best-point power")
      .min(0.0)
      .max(1.0)
      .default_value(0.4);
  pumps.boolean("check_valve", "Non-return valve on the discharge (no reverse flow)").default_value(true);
  auto& point = pumps.object_list("curve", "One pump's characteristic at rated speed, by increasing flow");
  point.real("flow", kVolumeRate, "Flow through one pump").min(0.0).required();
  point.real("pressure", kPressure, "Pressure rise (give pressure or head)").optional();
  point.real("head", kLength, "Head in metres of circulating water (give pressure or head)").optional();
  point.real("efficiency", kDimensionless, "Pump efficiency").min(0.0).max(1.0).required();
  pumps.key("curve").required().min_items(2);

  declare_pipe(lift.object("supply", "Supply pipes from the pumps down to the feeder (water + fines)."), true);
  declare_pipe(lift.object("riser", "Riser from the feeder up to the ship (slurry)."), false);

  auto& feeder = lift.object("feeder", "Seabed ore feeder: lock-hopper tanks, rotary feeder, merging section.");
  feeder.real("depth", kLength, "Depth of the feeder below the ship manifold").greater_than(0.0).required();
  feeder.real("loss_coefficient", kDimensionless, "Merging-section loss K on the riser velocity").min(0.0)
      .default_value(10.0);
  feeder.real("mass_rate", kMassRate, "Ore fed into the loop (give mass_rate or delivered_concentration)")
      .min(0.0)
      .optional();
  feeder.real("delivered_concentration", kDimensionless, "Delivered (transport) concentration of coarse ore")
      .min(0.0)
      .less_than(1.0)
      .optional();
  auto& cycle = feeder.object("cycle", "The tanks' fill / hold / discharge cycle.");
  cycle.enumeration("control", {"continuous", "timed", "level"},
                    "continuous feed, fixed phase times, or tank-level controlled switching")
      .default_value("continuous");
  cycle.integer("tanks", "Number of storage tanks").min(1).default_value(3);
  cycle.real("fill_time", kTime, "Fill phase (timed)").greater_than(0.0).default_value(60.0);
  cycle.real("hold_time", kTime, "Hold / pressurise phase (timed and level)").min(0.0).default_value(60.0);
  cycle.real("discharge_time", kTime, "Discharge phase (timed)").greater_than(0.0).default_value(60.0);
  cycle.real("switch_time", kTime, "Plate-valve dead time before a discharge (timed)").min(0.0).default_value(0.0);
  cycle.real("tank_volume", kVolume, "Ore batch per tank (level)").greater_than(0.0).default_value(1.0);
  cycle.real("fill_rate", kVolumeRate, "Ore filling rate of a tank at ambient pressure (level)").greater_than(0.0)
      .default_value(0.05);
  cycle.real("depressurise_time", kTime, "Depressurise phase after a discharge (level)").min(0.0).default_value(10.0);

  auto& sep = lift.object("separator", "Ship-side screens, hydrocyclones and water treatment.");
  sep.real("pressure_drop", kPressure, "Back-pressure at reference_flow (scales with flow squared)").min(0.0)
      .default_value(0.3e6);
  sep.real("reference_flow", kVolumeRate, "Flow at which pressure_drop applies (default: pump best point)")
      .greater_than(0.0)
      .optional();
  sep.real("treated_fraction", kDimensionless, "Share of the returned water sent to treatment").min(0.0).max(1.0)
      .default_value(0.1);

  auto& hyd = lift.object("hydraulics", "Friction closures.");
  hyd.enumeration("friction_law", {"colebrook", "haaland", "swamee_jain"}, "Turbulent friction factor")
      .default_value("colebrook");
  hyd.enumeration("solids_friction", {"carrier", "mixture", "worster_denny"},
                  "Coarse-solids friction in the riser: carrier only (Wilson/Newitt vertical), mixture density "
                  "(homogeneous), or Durand excess projected with cos(angle) (Worster-Denny)")
      .default_value("carrier");
  hyd.real("durand_coefficient", kDimensionless, "K of the Durand excess (worster_denny)").greater_than(0.0)
      .default_value(81.0);

  auto& valves = lift.object_list("valves", "Isolating valves that events can close and open (none by default)");
  valves.enumeration("location", {"pump_discharge", "feeder", "riser_top"},
                     "pump_discharge: at the pumps' outlet (supply velocity); feeder: at the riser base; riser_top: "
                     "before the separator (riser velocity)")
      .required();
  valves.real("loss_coefficient", kDimensionless, "Loss coefficient K of the open valve (on that pipe's velocity)")
      .greater_than(0.0)
      .default_value(0.2);
  lift.key("valves").optional();

  auto& blk = lift.object("blockage", "Blockage alarms.");
  blk.real("concentration", kDimensionless, "Alarm when the in-situ concentration reaches this").greater_than(0.0)
      .less_than(1.0)
      .default_value(0.5);
  blk.real("velocity_ratio", kDimensionless, "Alarm when the mixture velocity drops below this multiple of v_t")
      .greater_than(0.0)
      .default_value(3.0);
  blk.real("solids_threshold", kDimensionless, "Cells above this concentration count as carrying solids")
      .greater_than(0.0)
      .default_value(1e-4);

  if (kind == CaseKind::Steady) {
    auto& st = lift.object("steady", "Steady operating point.");
    st.enumeration("mode", {"pump_curve", "fixed_flow"},
                   "pump_curve: find the flow where pump and loop meet; fixed_flow: pump duty at an imposed flow")
        .default_value("pump_curve");
    st.real("flow", kVolumeRate, "Imposed loop flow").greater_than(0.0).only_when("mode", {"fixed_flow"}).required();
    st.real("profile_cell_size", kLength, "Spacing of the written pressure profiles").greater_than(0.0)
        .default_value(10.0);
  }
  if (kind == CaseKind::Transient) {
    auto& tr = lift.object("transient", "1-D drift-flux transient.");
    tr.enumeration("model", {"rigid", "elastic"},
                   "rigid: incompressible column (one loop flow); elastic: pressure waves in elastic pipes with "
                   "column separation (water hammer)")
        .default_value("rigid");
    tr.real("cell_size", kLength, "Finite-volume cell length").greater_than(0.0).default_value(5.0);
    tr.enumeration("initial", {"steady", "water"},
                   "steady: start from the steady operating point; water: riser full of carrier, feeder starts at t=0")
        .default_value("steady");
    tr.real("series_interval", kTime, "Simulated time between time-series rows").greater_than(0.0).default_value(1.0);
    auto& ev = tr.object_list("events", "Scheduled operations");
    ev.real("time", kTime, "When").min(0.0).required();
    ev.enumeration("action", {"trip", "restart", "speed", "feeder_stop", "feeder_start", "valve_close", "valve_open"},
                   "What happens")
        .required();
    ev.real("speed_ratio", kDimensionless, "Target speed over rated speed (restart, speed)").min(0.0).default_value(1.0);
    ev.real("ramp_time", kTime, "Linear speed ramp duration (restart, speed)").min(0.0).default_value(0.0);
    const std::vector<std::string> valve_actions = {"valve_close", "valve_open"};
    ev.enumeration("valve", {"pump_discharge", "feeder", "riser_top"}, "Which valve (declared in lift.valves)")
        .only_when("action", valve_actions)
        .required();
    ev.real("stroke_time", kTime, "Duration of the valve's stroke (0: instantaneous)")
        .min(0.0)
        .only_when("action", valve_actions)
        .default_value(0.0);
    ev.real("stroke_exponent", kDimensionless,
            "m of the stroke law tau = tau_end + (tau_start - tau_end)(1 - t/stroke_time)^m (tau: relative opening)")
        .greater_than(0.0)
        .only_when("action", valve_actions)
        .default_value(1.0);
    ev.real("final_opening", kDimensionless, "Relative opening at the end of the stroke (default: 0 close, 1 open)")
        .min(0.0)
        .max(1.0)
        .only_when("action", valve_actions)
        .optional();
    tr.key("events").optional();
    const std::vector<std::string> elastic = {"elastic"};
    tr.real("acoustic_courant", kDimensionless, "Courant number of the pressure waves in the fastest cell (1: method "
                                                "of characteristics, least dissipation)")
        .greater_than(0.0)
        .max(1.0)
        .only_when("model", elastic)
        .default_value(1.0);
    tr.enumeration("unsteady_friction", {"brunone", "none"},
                   "Unsteady wall friction: Brunone's instantaneous-acceleration model (Vitkovsky's sign) or none")
        .only_when("model", elastic)
        .default_value("brunone");
    tr.real("brunone_coefficient", kDimensionless, "Brunone's k (default: Vardy-Brown from the initial Reynolds number)")
        .min(0.0)
        .only_when("model", elastic)
        .optional();
    tr.enumeration("cavitation", {"vapour_cavity", "none"},
                   "Column separation: discrete vapour cavities where the pressure reaches vapour pressure, or none "
                   "(the liquid then takes any tension)")
        .only_when("model", elastic)
        .default_value("vapour_cavity");
    auto& st = tr.object_list("stations", "Pressure and velocity probes written every station_interval (elastic)");
    st.string("name", "Column prefix in lift_stations.csv").required();
    st.enumeration("pipe", {"riser", "supply"}, "Which pipe").required();
    st.real("position", kLength, "Distance along the pipe from its start (riser: feeder; supply: ship)").min(0.0)
        .required();
    tr.key("stations").optional().only_when("model", elastic);
    tr.real("station_interval", kTime, "Time between rows of lift_stations.csv").greater_than(0.0)
        .only_when("model", elastic)
        .default_value(0.01);
  }
  if (kind == CaseKind::Envelope) {
    auto& en = lift.object("envelope", "Operating-envelope sweep over riser velocity x concentration x particle size.");
    en.reals("velocities", kVelocity, "Riser mixture velocities").greater_than(0.0).min_items(1).required();
    en.reals("concentrations", kDimensionless, "Delivered concentrations").min(0.0).less_than(1.0).min_items(1)
        .required();
    en.reals("diameters", kLength, "Particle sizes").greater_than(0.0).min_items(1).required();
  }
}

}  // namespace

void declare_steady_schema(config::ObjectSpec& root) { declare_lift_schema(root, CaseKind::Steady); }

void declare_transient_schema(config::ObjectSpec& root) {
  declare_lift_schema(root, CaseKind::Transient);
  sim::declare_time_schema(root);
}

void declare_envelope_schema(config::ObjectSpec& root) { declare_lift_schema(root, CaseKind::Envelope); }

void check_lift_case(const config::ConfigView& root, std::vector<Diagnostic>& problems) {
  const auto lift = root.child("lift");
  const Network net = network_from_config(lift, problems);
  if (!lift.has("transient")) return;
  const auto tr = lift.child("transient");
  if (tr.has("events")) {
    for (const auto& e : tr.children("events")) {
      if (!e.has("valve")) continue;
      if (net.valve(valve_location(e.string("valve"))) == nullptr)
        problems.push_back(e.diagnostic("valve", "no valve at '" + e.string("valve") +
                                                     "': declare it in lift.valves (location and loss_coefficient)"));
    }
  }
  if (tr.has("stations")) {
    std::vector<std::string> names;
    for (const auto& st : tr.children("stations")) {
      const bool riser = st.string("pipe") == "riser";
      const double length = riser ? net.riser.length() : net.supply.length();
      if (st.real("position") > length)
        problems.push_back(st.diagnostic("position", strformat("beyond the end of the %s (%.3f m long)",
                                                               riser ? "riser" : "supply pipes", length)));
      const std::string name = st.string("name");
      if (name.empty() || name.find_first_of(", \"\n") != std::string::npos)
        problems.push_back(st.diagnostic("name", "must be a non-empty word (it prefixes CSV column names)"));
      else if (std::find(names.begin(), names.end(), name) != names.end())
        problems.push_back(st.diagnostic("name", "another station has the name '" + name + "'"));
      names.push_back(name);
    }
  }
}

SettlingClosure settling_from_config(const config::ConfigView& ore) {
  SettlingClosure s;
  const std::string model = ore.string("settling_model");
  s.model = model == "given" ? SettlingClosure::Model::Given
                             : (model == "newton" ? SettlingClosure::Model::Newton : SettlingClosure::Model::RubyZanke);
  if (ore.has("settling_velocity")) s.given_velocity = ore.real("settling_velocity");
  s.drag_coefficient = ore.real("drag_coefficient");
  const std::string wall = ore.string("wall_factor");
  s.wall = wall == "none" ? SettlingClosure::Wall::None
                          : (wall == "munroe" ? SettlingClosure::Wall::Munroe : SettlingClosure::Wall::RichardsonZaki);
  s.rowe = !ore.has("hindered_exponent");
  if (!s.rowe) s.fixed_exponent = ore.real("hindered_exponent");
  return s;
}

namespace {

Pipe pipe_from(const config::ConfigView& v, const std::string& name, bool supply, std::vector<Diagnostic>& problems) {
  Pipe p;
  p.name = name;
  p.diameter = v.real("diameter");
  p.roughness = v.real("roughness");
  p.minor_loss = v.real("minor_loss_coefficient");
  p.wall_thickness = v.real("wall_thickness");
  p.wall_modulus = v.real("wall_modulus");
  p.poisson_ratio = v.real("poisson_ratio");
  const std::string support = v.string("support");
  p.support = support == "anchored"            ? PipeSupport::Anchored
              : support == "upstream_anchored" ? PipeSupport::UpstreamAnchored
                                               : PipeSupport::ExpansionJoints;
  p.count = supply ? static_cast<int>(v.integer("count")) : 1;
  const bool has_len = v.has("length"), has_prof = v.has("profile");
  if (has_len == has_prof) {
    problems.push_back(v.diagnostic("", "give exactly one of 'length' (vertical pipe) or 'profile'"));
    p.sections = {{1.0, kPi / 2}};
    return p;
  }
  if (has_len) {
    p.sections = {{v.real("length"), kPi / 2}};
  } else {
    for (const auto& sec : v.children("profile")) p.sections.push_back({sec.real("length"), sec.real("angle")});
  }
  if (p.diameter <= 0.0) problems.push_back(v.diagnostic("diameter", "must be > 0"));
  return p;
}

}  // namespace

Network network_from_config(const config::ConfigView& lift, std::vector<Diagnostic>& problems) {
  Network net;
  const auto fluid = lift.child("fluid");
  const auto ore = lift.child("ore");
  net.fluid.water_density = fluid.real("water_density");
  net.fluid.water_viscosity = fluid.real("water_viscosity");
  net.fluid.fines_concentration = fluid.real("fines_concentration");
  net.ore.density = ore.real("density");
  net.fluid.fines_density = fluid.has("fines_density") ? fluid.real("fines_density") : net.ore.density;
  net.fluid.gravity = fluid.real("gravity");
  net.fluid.bulk_modulus = fluid.real("bulk_modulus");
  net.fluid.vapour_pressure = fluid.real("vapour_pressure");
  net.fluid.atmospheric_pressure = fluid.real("atmospheric_pressure");
  net.ore.bulk_modulus = ore.real("bulk_modulus");
  if (net.ore.density <= net.fluid.carrier_density())
    problems.push_back(ore.diagnostic("density", "ore must be denser than the carrier (" +
                                                     strformat("%.1f", net.fluid.carrier_density()) + " kg/m3)"));

  net.supply = pipe_from(lift.child("supply"), "supply", true, problems);
  net.riser = pipe_from(lift.child("riser"), "riser", false, problems);

  net.ore.distribution = ore.real("distribution_parameter");
  net.ore.packing_limit = ore.real("packing_limit");
  apply_settling(settling_from_config(ore), ore.real("diameter"), net);
  const double inflection = 2.0 / (net.ore.hindered_exponent + 1.0);
  if (net.ore.packing_limit >= inflection)
    problems.push_back(ore.diagnostic(
        "packing_limit", strformat("must be below 2/(n+1) = %.4f (n = %.3f) where the drift flux stops being convex",
                                   inflection, net.ore.hindered_exponent)));

  // Pumps.
  const auto pumps = lift.child("pumps");
  net.pumps.count = static_cast<int>(pumps.integer("count"));
  net.pumps.series = pumps.string("arrangement") == "series";
  net.pumps.rated_speed = 2.0 * kPi * pumps.real("rated_speed");
  net.pumps.speed = pumps.has("speed") ? 2.0 * kPi * pumps.real("speed") : net.pumps.rated_speed;
  net.pumps.inertia = pumps.real("inertia");
  net.pumps.shutoff_power_fraction = pumps.real("shutoff_power_fraction");
  net.pumps.check_valve = pumps.boolean("check_valve");
  std::vector<double> flow, pressure, efficiency;
  const auto points = pumps.children("curve");
  const double rho_c = net.fluid.carrier_density();
  bool curve_ok = true;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& pt = points[i];
    const bool hp = pt.has("pressure"), hh = pt.has("head");
    if (hp == hh) {
      problems.push_back(pt.diagnostic("", "give exactly one of 'pressure' or 'head'"));
      curve_ok = false;
      continue;
    }
    flow.push_back(pt.real("flow"));
    pressure.push_back(hp ? pt.real("pressure") : rho_c * net.fluid.gravity * pt.real("head"));
    efficiency.push_back(pt.real("efficiency"));
    if (i > 0 && curve_ok && flow.size() >= 2) {
      const std::size_t k = flow.size() - 1;
      if (!(flow[k] > flow[k - 1])) {
        problems.push_back(pt.diagnostic("flow", "pump curve points must be given by strictly increasing flow"));
        curve_ok = false;
      } else if (!(pressure[k] < pressure[k - 1])) {
        problems.push_back(pt.diagnostic(
            hp ? "pressure" : "head",
            strformat("pump curve not monotonic: the pressure rise must fall as flow rises, but it goes from %.4g Pa "
                      "to %.4g Pa between %.4g and %.4g m3/s (an unstable, rising branch has no unique operating point)",
                      pressure[k - 1], pressure[k], flow[k - 1], flow[k])));
        curve_ok = false;
      }
    }
  }
  if (curve_ok && flow.size() >= 2) {
    net.pumps.curve = PumpCurve(flow, pressure, efficiency);
    double best = 0.0;
    for (double e : efficiency) best = std::max(best, e);
    if (best <= 0.0) problems.push_back(pumps.diagnostic("curve", "efficiency must be positive somewhere on the curve"));
  } else {
    net.pumps.curve = PumpCurve({0.0, 1.0}, {2.0, 1.0}, {0.5, 0.5});  // placeholder, problems reported
  }

  // Feeder.
  const auto feeder = lift.child("feeder");
  net.feeder.depth = feeder.real("depth");
  net.feeder.loss_coefficient = feeder.real("loss_coefficient");
  const bool hm = feeder.has("mass_rate"), hc = feeder.has("delivered_concentration");
  if (hm == hc) problems.push_back(feeder.diagnostic("", "give exactly one of 'mass_rate' or 'delivered_concentration'"));
  net.feeder.by_concentration = hc;
  if (hm) net.feeder.mass_rate = feeder.real("mass_rate");
  if (hc) {
    net.feeder.delivered_concentration = feeder.real("delivered_concentration");
    if (net.feeder.delivered_concentration >= net.ore.packing_limit)
      problems.push_back(feeder.diagnostic(
          "delivered_concentration", strformat("concentration %.4g is at or above the packing limit %.4g (ore.packing_limit)",
                                               net.feeder.delivered_concentration, net.ore.packing_limit)));
  }
  const auto cyc = feeder.child("cycle");
  const std::string control = cyc.string("control");
  TankCycle& tc = net.feeder.cycle;
  tc.control = control == "continuous" ? TankCycle::Control::Continuous
                                       : (control == "timed" ? TankCycle::Control::Timed : TankCycle::Control::Level);
  tc.tanks = static_cast<int>(cyc.integer("tanks"));
  tc.fill_time = cyc.real("fill_time");
  tc.hold_time = cyc.real("hold_time");
  tc.discharge_time = cyc.real("discharge_time");
  tc.switch_time = cyc.real("switch_time");
  tc.tank_volume = cyc.real("tank_volume");
  tc.fill_rate = cyc.real("fill_rate");
  tc.depressurise_time = cyc.real("depressurise_time");
  if (tc.control != TankCycle::Control::Continuous && hc)
    problems.push_back(cyc.diagnostic("control", "a tank cycle needs feeder.mass_rate (the ore the rotary feeder "
                                                 "delivers), not delivered_concentration"));

  const double fines_vs_packing = net.fluid.fines_concentration;
  if (fines_vs_packing >= net.ore.packing_limit)
    problems.push_back(fluid.diagnostic("fines_concentration", "at or above the packing limit"));

  // Geometry: both legs must span the feeder depth.
  for (const auto* leg : {&net.supply, &net.riser}) {
    const double rise = leg->rise();
    if (std::fabs(rise - net.feeder.depth) > 1e-6 * net.feeder.depth + 1e-9)
      problems.push_back(lift.child(leg->name).diagnostic(
          leg->name == "supply" ? (lift.child("supply").has("profile") ? "profile" : "length")
                                : (lift.child("riser").has("profile") ? "profile" : "length"),
          strformat("the %s spans %.3f m of depth but feeder.depth is %.3f m", leg->name.c_str(), rise,
                    net.feeder.depth)));
  }

  const auto sep = lift.child("separator");
  net.separator.pressure_drop = sep.real("pressure_drop");
  net.separator.treated_fraction = sep.real("treated_fraction");
  net.separator.reference_flow = sep.has("reference_flow") ? sep.real("reference_flow") : net.pumps.rated_flow();
  if (!(net.separator.reference_flow > 0.0)) net.separator.reference_flow = 0.2;

  const auto hyd = lift.child("hydraulics");
  const std::string law = hyd.string("friction_law");
  net.friction_law = law == "colebrook" ? FrictionLaw::Colebrook
                                        : (law == "haaland" ? FrictionLaw::Haaland : FrictionLaw::SwameeJain);
  const std::string sf = hyd.string("solids_friction");
  net.solids_friction = sf == "carrier" ? SolidsFriction::Carrier
                                        : (sf == "mixture" ? SolidsFriction::Mixture : SolidsFriction::WorsterDenny);
  net.durand_coefficient = hyd.real("durand_coefficient");

  if (lift.has("valves")) {
    for (const auto& v : lift.children("valves")) {
      const ValveLocation location = valve_location(v.string("location"));
      if (net.valve(location) != nullptr)
        problems.push_back(v.diagnostic("location", "a second valve at '" + v.string("location") +
                                                        "': give at most one valve per location"));
      else
        net.valves.push_back({location, v.real("loss_coefficient")});
    }
  }

  const auto blk = lift.child("blockage");
  net.blockage.concentration = blk.real("concentration");
  net.blockage.velocity_ratio = blk.real("velocity_ratio");
  net.blockage.solids_threshold = blk.real("solids_threshold");
  if (net.blockage.concentration > net.ore.packing_limit)
    problems.push_back(blk.diagnostic("concentration", "alarm level above ore.packing_limit can never be reached"));

  // Quick capacity check: even at the pumps' run-out flow, can the riser carry the feed below packing?
  if (problems.empty() && hm && net.feeder.mass_rate > 0.0) {
    const double q_max = net.pumps.series ? net.pumps.curve.max_flow() : net.pumps.curve.max_flow() * net.pumps.count;
    const double j_max = q_max * (net.pumps.speed / net.pumps.rated_speed) / net.riser.area();
    const double capacity = net.drift_flux().flux(net.ore.packing_limit, j_max, 1.0) * net.riser.area();
    const double asked = net.feeder.mass_rate / net.ore.density;
    if (asked > capacity)
      problems.push_back(feeder.diagnostic(
          "mass_rate", strformat("feeder rate above what the flow can carry: %.4g m3/s of ore asked, but even at the "
                                 "pumps' largest curve flow (%.4g m3/h) the riser carries at most %.4g m3/s "
                                 "(%.4g kg/s) before reaching the packing limit",
                                 asked, q_max * 3600, capacity, capacity * net.ore.density)));
  }
  return net;
}

Network network_from_config(const config::ConfigView& lift) {
  std::vector<Diagnostic> problems;
  Network net = network_from_config(lift, problems);
  if (!problems.empty()) throw InputError(problems);
  return net;
}

SteadyOptions steady_options_from_config(const config::ConfigView& lift) {
  SteadyOptions o;
  const auto st = lift.child("steady");
  o.fixed_flow = st.string("mode") == "fixed_flow";
  if (o.fixed_flow) o.flow = st.real("flow");
  const auto pumps = lift.child("pumps");
  o.speed_ratio = pumps.has("speed") ? pumps.real("speed") / pumps.real("rated_speed") : 1.0;
  return o;
}

TransientOptions transient_options_from_config(const config::ConfigView& lift) {
  TransientOptions o;
  const auto tr = lift.child("transient");
  o.model = tr.string("model") == "elastic" ? TransientOptions::Model::Elastic : TransientOptions::Model::Rigid;
  o.cell_size = tr.real("cell_size");
  if (o.model == TransientOptions::Model::Elastic) {
    ElasticOptions& e = o.elastic;
    e.courant = tr.real("acoustic_courant");
    e.unsteady_friction = tr.string("unsteady_friction") == "brunone";
    if (tr.has("brunone_coefficient")) e.brunone_coefficient = tr.real("brunone_coefficient");
    e.cavitation = tr.string("cavitation") == "vapour_cavity";
    e.station_interval = tr.real("station_interval");
    if (tr.has("stations"))
      for (const auto& st : tr.children("stations"))
        e.stations.push_back({st.string("name"), st.string("pipe") == "riser", st.real("position")});
  }
  o.start_from_steady = tr.string("initial") == "steady";
  const auto pumps = lift.child("pumps");
  const double rated = pumps.real("rated_speed");
  o.speed_ratio = pumps.has("speed") ? pumps.real("speed") / rated : 1.0;
  if (tr.has("events")) {
    for (const auto& e : tr.children("events")) {
      TransientEvent ev;
      ev.time = e.real("time");
      const std::string a = e.string("action");
      ev.kind = a == "trip" ? TransientEvent::Kind::Trip
                            : a == "restart" ? TransientEvent::Kind::Restart
                            : a == "speed" ? TransientEvent::Kind::Speed
                            : a == "feeder_stop" ? TransientEvent::Kind::FeederStop
                            : a == "feeder_start" ? TransientEvent::Kind::FeederStart
                            : a == "valve_close" ? TransientEvent::Kind::ValveClose
                                                 : TransientEvent::Kind::ValveOpen;
      ev.speed_ratio = e.real("speed_ratio");
      ev.ramp_time = e.real("ramp_time");
      if (e.has("valve")) {
        ev.valve = valve_location(e.string("valve"));
        ev.stroke_time = e.real("stroke_time");
        ev.stroke_exponent = e.real("stroke_exponent");
        ev.final_opening = e.has("final_opening") ? e.real("final_opening")
                                                  : (ev.kind == TransientEvent::Kind::ValveClose ? 0.0 : 1.0);
      }
      o.events.push_back(ev);
    }
  }
  return o;
}

}  // namespace hadal::lift
