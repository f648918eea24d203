// SPDX-License-Identifier: MIT
// Case types of the thermal module: thermal.mantle, thermal.core, thermal.coupled.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <sstream>

#include "core/error.hpp"
#include "io/csv.hpp"
#include "io/hdf5_file.hpp"
#include "io/xdmf.hpp"
#include "numerics/constants.hpp"
#include "sim/simulation.hpp"
#include "thermal/core_model.hpp"
#include "thermal/mantle2d.hpp"
#include "thermal/mantle3d.hpp"
#include "thermal/thermal.hpp"

namespace hadal::thermal {
namespace {

using config::ConfigView;
using config::ObjectSpec;

void declare_mantle_schema(ObjectSpec& root, bool coupled) {
  using namespace units;
  auto& m = root.object("mantle", coupled ? "2-D Cartesian box of infinite-Prandtl Boussinesq convection (x horizontal, z up)."
                                          : "Cartesian box of infinite-Prandtl Boussinesq convection: 2-D (x, z) or 3-D "
                                            "(x, y, z), z up; the length of mantle.cells chooses.");
  m.enumeration("units", {"nondimensional", "dimensional"},
                "nondimensional: Ra, H and times in diffusion-time units; dimensional: SI inputs in mantle.physical")
      .default_value(coupled ? "dimensional" : "nondimensional");
  if (coupled)
    m.integers("cells", "Cells [nx, nz]").items(2).required();
  else
    m.integers("cells", "Cells [nx, nz] for a 2-D box or [nx, ny, nz] for a 3-D box").min_items(2).max_items(3).required();
  m.real("aspect_ratio", kDimensionless, "Box width (x) / height").greater_than(0.0).default_value(1.0);
  if (!coupled)
    m.real("aspect_ratio_y", kDimensionless, "3-D only: box length in y / height (default 1)").greater_than(0.0).optional();
  m.real("rayleigh", kDimensionless, "Rayleigh number with the viscosity at T = 0, depth 0 (nondimensional units)")
      .greater_than(0.0)
      .optional();
  m.real("internal_heating", kDimensionless, "Nondimensional internal heating H = rho h d^2/(k dT)").default_value(0.0);
  auto& v = m.object("viscosity", "eta(T, depth), 1 at T = 0 and depth 0.");
  v.enumeration("law", {"constant", "exponential", "arrhenius"},
                "exponential: exp(-b T + c d); arrhenius: exp(E/(T+T0) - E/T0 + c d)")
      .default_value("constant");
  v.real("thermal_factor", kDimensionless, "b (ln of the thermal viscosity contrast)").min(0.0).default_value(0.0);
  v.real("depth_factor", kDimensionless, "c (ln of the depth viscosity contrast)").min(0.0).default_value(0.0);
  v.real("activation", kDimensionless, "E = E*/(R dT) for the Arrhenius law").min(0.0).default_value(0.0);
  v.real("surface_offset", kDimensionless, "T0 = T_top/dT (absolute surface temperature)").greater_than(0.0).default_value(1.0);
  v.real("minimum", kDimensionless, "Lower clip of eta").greater_than(0.0).default_value(1e-10);
  v.real("maximum", kDimensionless, "Upper clip of eta").greater_than(0.0).default_value(1e10);
  auto& vb = m.object("velocity_boundaries", "free_slip or no_slip on each wall.");
  for (const char* wall : {"top", "bottom", "left", "right"})
    vb.enumeration(wall, {"free_slip", "no_slip"}, "Velocity condition").default_value("free_slip");
  if (!coupled)
    for (const char* wall : {"front", "back"})
      vb.enumeration(wall, {"free_slip", "no_slip"},
                     std::string("3-D only: velocity condition at ") + (wall[0] == 'f' ? "y = 0" : "y = L_y") +
                         " (default free_slip)")
          .optional();
  auto& top = m.object("top", "Thermal condition at the top (z = d).");
  top.enumeration("type", {"temperature", "flux"}, "fixed temperature or fixed upward heat flux").default_value("temperature");
  top.real("value", kDimensionless, "Nondimensional temperature or upward flux (nondimensional units only)").default_value(0.0);
  auto& bottom = m.object("bottom", "Thermal condition at the bottom (z = 0).");
  bottom.enumeration("type", {"temperature", "flux"}, "fixed temperature or fixed upward heat flux").default_value("temperature");
  bottom.real("value", kDimensionless, "Nondimensional temperature or upward flux (nondimensional units only)").default_value(1.0);
  m.enumeration("limiter", numerics::limiter_names(), "Slope limiter of the MUSCL advection").default_value("van_leer");
  m.real("initial_perturbation", kDimensionless,
         "A in T0 = 1 - z + A cos(pi x/aspect) sin(pi z); 3-D: A (cos(pi x/L_x) + cos(pi y/L_y)) sin(pi z)")
      .default_value(0.1);
  if (!coupled)
    m.string("initial_temperature_file",
             "2-D: start from the /temperature of an earlier run's fields_<step>.h5 (same box and units), "
             "interpolated onto this grid; for grid sequencing and continuation in Ra (default: the perturbed profile)")
        .optional();
  if (!coupled)
    m.enumeration("initial_profile", {"linear", "boundary_layers"},
                  "3-D only: mean initial T, linear (1 - z) or an isothermal interior with erf boundary layers "
                  "(erf(4(1-z)) + erf(-4z) + 1)/2, which leads to Busse et al.'s 3-D pattern (default linear)")
        .optional();
  auto& p = m.object("physical", "SI inputs used when units = dimensional (defaults: Blankenbach case 1a).");
  p.real("depth", kLength, "Box height d").greater_than(0.0).default_value(1e6);
  p.real("density", kDensity, "Reference density").greater_than(0.0).default_value(4000.0);
  p.real("gravity", kAcceleration, "Gravity").greater_than(0.0).default_value(10.0);
  p.real("expansivity", kThermalExpansivity, "Thermal expansivity").greater_than(0.0).default_value(2.5e-5);
  p.real("conductivity", kThermalConductivity, "Thermal conductivity").greater_than(0.0).default_value(5.0);
  p.real("heat_capacity", kSpecificHeat, "Specific heat").greater_than(0.0).default_value(1250.0);
  p.real("reference_viscosity", kDynamicViscosity, "Viscosity at the top temperature").greater_than(0.0).default_value(1e23);
  p.real("top_temperature", kTemperature, "Surface temperature").greater_than(0.0).default_value(273.0);
  p.real("bottom_temperature", kTemperature, "Bottom temperature (coupled: taken from the core)")
      .greater_than(0.0)
      .default_value(1273.0);
  p.real("radiogenic_heating", kPowerPerMass, "Internal heating per unit mass").min(0.0).default_value(0.0);
  p.real("radiogenic_power", kPower, "Total mantle radiogenic power (overrides radiogenic_heating via mantle_mass)")
      .min(0.0)
      .optional();
  p.real("mantle_mass", kMass, "Mass that radiogenic_power is spread over").greater_than(0.0).default_value(4.0e24);
  auto& s = root.object("steady_state", "Stop early once the flow is steady.");
  s.boolean("enabled", "Detect steady state").default_value(true);
  s.real("tolerance", kDimensionless,
         "Steady when max(|dNu|/Nu, |dVrms|/Vrms) per unit nondimensional time stays below this for 20 steps")
      .greater_than(0.0)
      .default_value(1e-5);
  s.enumeration("march", {"time_accurate", "pseudo_time"},
                "time_accurate: the physical transient (explicit MUSCL advection, CFL-limited dt); pseudo_time: "
                "implicit upwind advection with a lagged MUSCL correction and dt = pseudo_courant x the CFL step, "
                "which reaches the same discrete steady state in far fewer steps but has no physical transient "
                "(times are pseudo-times; not for coupled runs)")
      .default_value("time_accurate");
  s.real("pseudo_courant", kDimensionless,
         "Courant number of the first pseudo-time step (march: pseudo_time); later steps grow as the steady "
         "residual falls (switched evolution relaxation)")
      .greater_than(0.0)
      .default_value(20.0);
  s.real("residual_reduction", kDimensionless,
         "march: pseudo_time stops once the RMS residual of the discrete steady energy equation (velocity from "
         "the same T) has fallen by this factor from its value at the start; `tolerance` is not used then")
      .greater_than(0.0)
      .less_than(1.0)
      .default_value(1e-8);
  s.integer("max_pseudo_steps",
            "march: pseudo_time gives up after this many steps (summary: steady false); time.end does not apply")
      .min(1)
      .default_value(2000);
  auto& solver = root.object("stokes", "Stokes solver (FGMRES + fieldsplit Schur, AMG on velocity).");
  solver.enumeration("solver", {"multigrid", "direct"},
                     "multigrid: fieldsplit Schur with AMG (scalable); direct: MUMPS LU of the whole operator, reused "
                     "across steps (2-D boxes up to a few 1e5 unknowns; not for 3-D)")
      .default_value("multigrid");
  solver.real("rtol", kDimensionless, "Relative tolerance of the Stokes solve").greater_than(0.0).less_than(1.0).default_value(1e-8);
  solver.string("petsc_options", "Extra PETSc options, e.g. '-fieldsplit_u_pc_type gamg -ksp_monitor'").default_value("");
}

void declare_core_schema(ObjectSpec& root, bool prescribed_flow) {
  using namespace units;
  auto& c = root.object("core", "1-D thermal evolution of the core (defaults: present-day Earth, reference note 3.4).");
  c.real("core_radius", kLength, "CMB radius").greater_than(0.0).default_value(3480e3);
  c.real("inner_core_radius", kLength, "Initial inner-core radius").min(0.0).default_value(1221e3);
  c.real("mass", kMass, "Core mass").greater_than(0.0).default_value(1.94e24);
  c.real("inner_core_density", kDensity, "Density at the ICB").greater_than(0.0).default_value(12760.0);
  c.real("heat_capacity", kSpecificHeat, "c_p").greater_than(0.0).default_value(800.0);
  c.real("expansivity", kThermalExpansivity, "alpha").greater_than(0.0).default_value(1.25e-5);
  c.real("cmb_gravity", kAcceleration, "g at the CMB").greater_than(0.0).default_value(10.68);
  c.real("conductivity", kThermalConductivity, "Core thermal conductivity (measured/computed: 18-250 W/m/K)")
      .greater_than(0.0)
      .max(1000.0)
      .default_value(100.0);
  c.real("secular_factor", kDimensionless, "epsilon_T = mass average of T_a/T_c").greater_than(0.0).default_value(1.0);
  c.real("latent_heat", kSpecificEnergy, "Latent heat of inner-core freezing").min(0.0).default_value(0.70e6);
  c.real("melting_slope_difference", kTemperature / kPressure, "dT_m/dP - dT_a/dP at the ICB")
      .greater_than(0.0)
      .default_value(2e-9);
  c.real("compositional_density_jump", kDensity, "Light-element density jump driving Q_G").min(0.0).default_value(0.0);
  c.real("cmb_temperature", kTemperature, "Initial CMB temperature").greater_than(0.0).default_value(4000.0);
  c.real("nucleation_temperature", kTemperature, "T_c at which an absent inner core nucleates").min(0.0).default_value(0.0);
  c.real("radiogenic_heating", kPowerPerMass, "Core radiogenic heating at t = 0").min(0.0).default_value(0.0);
  c.real("radiogenic_half_life", kTime, "Half-life of the core heat source").greater_than(0.0).default_value(1.25e9 * 3.15576e7);
  if (prescribed_flow) {
    auto& q = c.object("cmb_heat_flow", "Prescribed CMB heat-flow history (linear between points, constant outside).");
    q.reals("times", kTime, "Times").min_items(1).required();
    q.reals("values", kPower, "Q_CMB at those times").min_items(1).required();
  }
}

CoreParameters core_parameters(const ConfigView& c) {
  CoreParameters p;
  p.core_radius = c.real("core_radius");
  p.inner_core_radius = c.real("inner_core_radius");
  p.mass = c.real("mass");
  p.inner_core_density = c.real("inner_core_density");
  p.heat_capacity = c.real("heat_capacity");
  p.expansivity = c.real("expansivity");
  p.cmb_gravity = c.real("cmb_gravity");
  p.conductivity = c.real("conductivity");
  p.secular_factor = c.real("secular_factor");
  p.latent_heat = c.real("latent_heat");
  p.melting_slope_difference = c.real("melting_slope_difference");
  p.compositional_density_jump = c.real("compositional_density_jump");
  p.cmb_temperature = c.real("cmb_temperature");
  p.nucleation_temperature = c.real("nucleation_temperature");
  p.radiogenic_heating = c.real("radiogenic_heating");
  p.radiogenic_half_life = c.real("radiogenic_half_life");
  return p;
}

/// Scales between SI and the nondimensional mantle equations.
struct MantleScales {
  bool dimensional = false;
  double depth = 1.0, time = 1.0, velocity = 1.0, temperature = 1.0, t_top = 0.0, flux = 1.0, viscosity = 1.0,
         pressure = 1.0, width = 1.0, width_y = 1.0;
};

struct MantleSetup {
  MantleParameters params;
  MantleScales scales;
};

MantleSetup mantle_setup(const ConfigView& root, bool coupled) {
  const auto m = root.child("mantle");
  MantleSetup s;
  auto& p = s.params;
  const auto cells = m.integers("cells");
  p.nx = static_cast<int>(cells[0]);
  p.nz = static_cast<int>(cells[1]);
  p.aspect = m.real("aspect_ratio");
  const auto v = m.child("viscosity");
  const std::string law = v.string("law");
  p.viscosity.kind = law == "constant" ? ViscosityKind::Constant
                                       : (law == "exponential" ? ViscosityKind::Exponential : ViscosityKind::Arrhenius);
  p.viscosity.b = v.real("thermal_factor");
  p.viscosity.c = v.real("depth_factor");
  p.viscosity.E = v.real("activation");
  p.viscosity.T0 = v.real("surface_offset");
  p.viscosity.eta_min = v.real("minimum");
  p.viscosity.eta_max = v.real("maximum");
  if (law == "constant" && p.viscosity.c > 0.0) p.viscosity.kind = ViscosityKind::Exponential;  // depth-only
  const auto vb = m.child("velocity_boundaries");
  auto wall = [&](const char* k) {
    return vb.string(k) == "no_slip" ? VelocityBoundary::NoSlip : VelocityBoundary::FreeSlip;
  };
  p.velocity_bc = {wall("left"), wall("right"), wall("bottom"), wall("top")};
  auto thermal = [&](const char* k) {
    const auto b = m.child(k);
    return ThermalBoundary{b.string("type") == "flux" ? ThermalBoundaryKind::Flux : ThermalBoundaryKind::Temperature,
                           b.real("value")};
  };
  p.top = thermal("top");
  p.bottom = thermal("bottom");
  p.limiter = numerics::limiter_from_name(m.string("limiter"));
  p.perturbation = m.real("initial_perturbation");
  p.stokes_rtol = root.child("stokes").real("rtol");
  p.stokes_method = root.child("stokes").string("solver") == "direct" ? StokesMethod::Direct : StokesMethod::Multigrid;
  p.petsc_options = root.child("stokes").string("petsc_options");
  p.internal_heating = m.real("internal_heating");
  const auto steady = root.child("steady_state");
  p.implicit_advection = steady.string("march") == "pseudo_time";
  if (m.string("units") == "dimensional") {
    const auto ph = m.child("physical");
    auto& sc = s.scales;
    sc.dimensional = true;
    const double d = ph.real("depth"), rho = ph.real("density"), k = ph.real("conductivity"),
                 cp = ph.real("heat_capacity"), eta0 = ph.real("reference_viscosity");
    const double kappa = k / (rho * cp);
    sc.t_top = ph.real("top_temperature");
    const double t_bottom = coupled ? root.child("core").real("cmb_temperature") : ph.real("bottom_temperature");
    sc.temperature = t_bottom - sc.t_top;
    sc.depth = d;
    sc.width = p.aspect * d;
    sc.width_y = (m.has("aspect_ratio_y") ? m.real("aspect_ratio_y") : 1.0) * d;
    sc.time = d * d / kappa;
    sc.velocity = kappa / d;
    sc.flux = k * sc.temperature / d;
    sc.viscosity = eta0;
    sc.pressure = eta0 * kappa / (d * d);
    p.rayleigh = rho * ph.real("gravity") * ph.real("expansivity") * sc.temperature * d * d * d / (eta0 * kappa);
    double h = ph.real("radiogenic_heating");
    if (ph.has("radiogenic_power")) h = ph.real("radiogenic_power") / ph.real("mantle_mass");
    p.internal_heating = rho * h * d * d / (k * sc.temperature);
    p.top = {ThermalBoundaryKind::Temperature, 0.0};
    p.bottom = {ThermalBoundaryKind::Temperature, 1.0};
  } else {
    p.rayleigh = m.real("rayleigh");
  }
  return s;
}

void check_mantle(const ConfigView& root, std::vector<Diagnostic>& problems, bool coupled) {
  const auto m = root.child("mantle");
  const auto cells = m.integers("cells");
  const int ranks = [] {
    int n = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
  }();
  const bool three_d = cells.size() == 3;
  for (long long c : cells)
    if (c < 4) {
      problems.push_back(m.diagnostic("cells", "need at least 4 cells in each direction"));
      break;
    }
  if (!coupled) {
    const auto vb = m.child("velocity_boundaries");
    if (!three_d) {
      for (const char* key : {"aspect_ratio_y", "initial_profile"})
        if (m.has(key))
          problems.push_back(m.diagnostic(key, "only for a 3-D box: give mantle.cells as [nx, ny, nz]"));
      for (const char* wall : {"front", "back"})
        if (vb.has(wall))
          problems.push_back(vb.diagnostic(wall, "the y walls exist only in a 3-D box: give mantle.cells as [nx, ny, nz]"));
    } else {
      const double ay = m.has("aspect_ratio_y") ? m.real("aspect_ratio_y") : 1.0;
      const double ratio = (ay / cells[1]) / (1.0 / cells[2]);
      if (ratio > 4.0 || ratio < 0.25) {
        std::ostringstream msg;
        msg << "aspect_ratio_y " << ay << " on " << cells[1] << " cells in y and " << cells[2]
            << " in z gives dy/dz = " << ratio << "; use between 0.25 and 4";
        problems.push_back(m.diagnostic(m.has("aspect_ratio_y") ? "aspect_ratio_y" : "cells", msg.str()));
      }
    }
  }
  if (!coupled && m.has("initial_temperature_file")) {
    const std::string path = m.string("initial_temperature_file");
    if (three_d)
      problems.push_back(m.diagnostic("initial_temperature_file", "starting from a file is implemented for 2-D boxes only"));
    else if (!std::filesystem::is_regular_file(path))
      problems.push_back(m.diagnostic("initial_temperature_file", "no such file: " + path));
  }
  const auto steady = root.child("steady_state");
  if (steady.string("march") == "pseudo_time") {
    if (coupled)
      problems.push_back(steady.diagnostic("march", "pseudo_time has no physical transient, but the core needs one; "
                                                    "use time_accurate"));
    if (!steady.boolean("enabled"))
      problems.push_back(steady.diagnostic("march", "pseudo_time marches to a steady state; it needs "
                                                    "steady_state.enabled: true"));
  }
  if (three_d && root.child("stokes").string("solver") == "direct")
    problems.push_back(root.child("stokes").diagnostic(
        "solver", "the direct (LU) Stokes solver is for 2-D boxes; a 3-D box uses multigrid"));
  const std::size_t nzi = cells.size() - 1;
  // Square-ish cells: the staggered stencil and the CFL estimate assume comparable dx and dz.
  const double aspect = m.real("aspect_ratio");
  const double cell_ratio = (aspect / cells[0]) / (1.0 / cells[nzi]);
  if (cell_ratio > 4.0 || cell_ratio < 0.25) {
    std::ostringstream msg;
    msg << "aspect ratio " << aspect << " on " << cells[0] << " x " << cells[nzi]
        << " cells gives dx/dz = " << cell_ratio << "; use between 0.25 and 4 (more cells in x for wide boxes)";
    problems.push_back(m.diagnostic("aspect_ratio", msg.str()));
  }
  // 3-D: PETSc splits the longest axes first; the run re-checks the actual decomposition.
  if (three_d ? std::max({cells[0], cells[1], cells[2]}) < 3 * ranks : (cells[0] < 3 * ranks || cells[nzi] < 3 * ranks))
    problems.push_back(m.diagnostic("cells", "too few cells for the number of MPI ranks (need >= 3 per rank)"));
  const bool dimensional = m.string("units") == "dimensional";
  if (!dimensional && !m.has("rayleigh"))
    problems.push_back(m.diagnostic("rayleigh", "required when mantle.units is nondimensional"));
  if (dimensional && m.has("rayleigh"))
    problems.push_back(m.diagnostic("rayleigh", "computed from mantle.physical when units is dimensional; remove it"));
  if (coupled && !dimensional)
    problems.push_back(m.diagnostic("units", "a coupled case needs dimensional mantle units"));
  const auto v = m.child("viscosity");
  if (v.real("minimum") >= v.real("maximum"))
    problems.push_back(v.diagnostic("minimum", "must be below viscosity.maximum"));
  if (v.string("law") == "arrhenius" && v.real("activation") <= 0.0)
    problems.push_back(v.diagnostic("activation", "the Arrhenius law needs a positive activation"));
  if (dimensional) {
    const auto ph = m.child("physical");
    const double tb = coupled ? root.child("core").real("cmb_temperature") : ph.real("bottom_temperature");
    if (tb <= ph.real("top_temperature"))
      problems.push_back(ph.diagnostic(coupled ? "top_temperature" : "bottom_temperature",
                                       "bottom (CMB) temperature must exceed the top temperature"));
  }
}

void check_core(const ConfigView& root, std::vector<Diagnostic>& problems, bool prescribed) {
  const auto c = root.child("core");
  try {
    check_core_parameters(core_parameters(c));
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    const std::string key = what.find("inner-core radius") != std::string::npos ? "inner_core_radius"
                            : what.find("mass") != std::string::npos       ? "mass"
                                                                           : "core_radius";
    problems.push_back(c.diagnostic(key, what));
  }
  if (prescribed) {
    const auto q = c.child("cmb_heat_flow");
    const auto t = q.reals("times"), v = q.reals("values");
    if (t.size() != v.size()) problems.push_back(q.diagnostic("values", "needs as many values as times"));
    for (std::size_t k = 1; k < t.size(); ++k)
      if (t[k] <= t[k - 1]) problems.push_back(q.diagnostic("times", "must increase strictly"));
  }
}

/// Steady once max(|dNu|/Nu, |dVrms|/Vrms) per unit nondimensional time has stayed below the
/// tolerance for 20 consecutive steps (`steady_state.*`). Its state goes into checkpoints.
struct SteadyStateDetector {
  SteadyStateDetector(const ConfigView& steady_state, bool allowed)
      : enabled(allowed && steady_state.boolean("enabled")), tolerance(steady_state.real("tolerance")) {}
  /// Takes the diagnostics after a step of nondimensional length dt; true once the flow is steady.
  bool update(double nu, double vrms, double dt) {
    const double rate = std::max(std::abs(nu - last_nu) / std::max(std::abs(nu), 1e-300),
                                 std::abs(vrms - last_vrms) / std::max(vrms, 1e-300)) / dt;
    last_nu = nu;
    last_vrms = vrms;
    quiet_steps = rate < tolerance ? quiet_steps + 1 : 0;
    return enabled && quiet_steps >= 20;
  }
  bool enabled;
  double tolerance;
  double last_nu = 0.0, last_vrms = 0.0;
  int quiet_steps = 0;
};

/// Pseudo-time marching to a steady state (`steady_state.march: pseudo_time`): the Courant number
/// starts at pseudo_courant and follows the steady residual r (switched evolution relaxation,
/// growth factor r_previous / r_now clamped to [1/2, 2], never below the start); steady once r has
/// fallen by residual_reduction from the first step's. Its state goes into checkpoints.
struct PseudoTimeControl {
  explicit PseudoTimeControl(const ConfigView& steady_state)
      : courant(steady_state.real("pseudo_courant")),
        reduction(steady_state.real("residual_reduction")),
        max_steps(steady_state.integer("max_pseudo_steps")) {}
  double next_courant() const { return courant * growth; }
  /// Takes the residual at the start of the last step; true once converged.
  bool update(double residual) {
    if (first_residual < 0.0) first_residual = residual;
    if (last_residual > 0.0 && residual > 0.0)
      growth = std::max(1.0, growth * std::min(2.0, std::max(0.5, last_residual / residual)));
    last_residual = residual;
    return residual <= reduction * first_residual;
  }
  double relative_residual() const { return first_residual > 0.0 ? last_residual / first_residual : 1.0; }
  double courant, reduction;
  long max_steps;
  double growth = 1.0, first_residual = -1.0, last_residual = -1.0;
};

/// When a mantle box run stops: the steady-state detector (time-accurate march) or the pseudo-time
/// control, with the log lines, summary fields and checkpointed state; shared by the 2-D and 3-D boxes.
class SteadyStop {
 public:
  SteadyStop(const ConfigView& steady_state, bool allowed, bool pseudo_time)
      : pseudo_time_(pseudo_time), detector_(steady_state, allowed), control_(steady_state) {}
  bool finished() const { return steady_ || gave_up_; }
  bool steady() const { return steady_; }
  /// Courant number for the next step: the case's CFL, or the pseudo-time control's.
  double courant(double cfl) const { return pseudo_time_ ? control_.next_courant() : cfl; }
  /// After a step that ended at `time` (scaled) with nondimensional length dt_nd; `residual` is the
  /// box model's steady residual (pseudo-time), `steps` counts this run's steps.
  void update(Logger& log, long steps, double time, double time_scale, double dt_nd, double nu, double vrms,
              double residual) {
    if (pseudo_time_ ? control_.update(residual) : detector_.update(nu, vrms, dt_nd)) {
      steady_ = true;
      steady_time_ = time;
      steady_wall_ = MPI_Wtime() - wall_start_;
      if (pseudo_time_)
        log.info(strformat("steady state after %ld pseudo-time steps (steady residual reduced by %.3g): Nu = %.6f, "
                           "Vrms = %.6f", steps, control_.relative_residual(), nu, vrms));
      else
        log.info(strformat("steady state at t = %.6g (nondimensional %.6g) after %ld steps: Nu = %.6f, Vrms = %.6f",
                           time, time / time_scale, steps, nu, vrms));
    } else if (pseudo_time_ && steps >= control_.max_steps) {
      gave_up_ = true;
      log.warn(strformat("no steady state after %ld pseudo-time steps (steady_state.max_pseudo_steps): the steady "
                         "residual fell only to %.3g of the first; the results are not converged",
                         steps, control_.relative_residual()));
    }
  }
  /// Steady residual relative to the first step's (pseudo-time), for statistics.
  double relative_residual() const { return control_.relative_residual(); }
  /// The box model's progress-line status.
  std::string status(double nu, double vrms, int stokes_iterations) const {
    std::string s = strformat("Nu %.5f Vrms %.5g Stokes its %d", nu, vrms, stokes_iterations);
    if (pseudo_time_) s += strformat(" steady residual %.2e of the first", control_.relative_residual());
    return s;
  }
  void summarize(io::Json& summary) const {
    summary["steady"] = steady_;
    summary["steady_time"] = steady_time_;
    summary["steady_wall_seconds"] = steady_wall_;
    summary["steady_march"] = pseudo_time_ ? "pseudo_time" : "time_accurate";
    if (pseudo_time_) summary["steady_residual_reduction"] = control_.relative_residual();
  }
  std::vector<double> state() const {
    return {detector_.last_nu, detector_.last_vrms, steady_ ? 1.0 : 0.0, static_cast<double>(detector_.quiet_steps),
            control_.growth, control_.first_residual, control_.last_residual};
  }
  /// From state() stored at v[first...]; checkpoints from before pseudo-time hold only four entries.
  void restore(const std::vector<double>& v, std::size_t first) {
    detector_.last_nu = v.at(first);
    detector_.last_vrms = v.at(first + 1);
    steady_ = v.at(first + 2) != 0.0;
    detector_.quiet_steps = static_cast<int>(v.at(first + 3));
    if (v.size() >= first + 7) {
      control_.growth = v[first + 4];
      control_.first_residual = v[first + 5];
      control_.last_residual = v[first + 6];
    }
  }

 private:
  bool pseudo_time_;
  SteadyStateDetector detector_;
  PseudoTimeControl control_;
  bool steady_ = false, gave_up_ = false;
  double steady_time_ = -1.0, steady_wall_ = -1.0;
  double wall_start_ = MPI_Wtime();
};

/// Linear interpolation in a (time, value) table, constant outside.
double interpolate(const std::vector<double>& t, const std::vector<double>& v, double time) {
  if (time <= t.front()) return v.front();
  if (time >= t.back()) return v.back();
  std::size_t k = 1;
  while (t[k] < time) ++k;
  const double w = (time - t[k - 1]) / (t[k] - t[k - 1]);
  return (1.0 - w) * v[k - 1] + w * v[k];
}

/// Replaces the initial temperature by that of an earlier 2-D run's fields file, interpolated onto
/// this grid (grid sequencing, or continuation from a steady state at another Rayleigh number).
void start_from_fields_file(const ConfigView& m, const MantleScales& sc, MPI_Comm comm, MantleConvection2D& mantle) {
  const std::string path = m.string("initial_temperature_file");
  if (!std::filesystem::is_regular_file(path)) m.fail("initial_temperature_file", "no such file: " + path);
  io::H5File file(comm, path, io::H5File::Mode::Read);
  if (!file.has("/temperature"))
    m.fail("initial_temperature_file", path + " has no /temperature (expected a fields_<step>.h5 of thermal.mantle)");
  const auto dims = file.dims("/temperature");
  if (dims.size() != 2)
    m.fail("initial_temperature_file", path + " holds a " + std::to_string(dims.size()) + "-D temperature; need 2-D");
  const std::string units = file.string_attribute("units", "/temperature");
  const std::string expected = sc.dimensional ? "K" : "1";
  if (units != expected)
    m.fail("initial_temperature_file", path + " has temperature in '" + units + "' but this case needs '" + expected +
                                           "' (both runs must use the same mantle.units)");
  auto t = file.read_replicated("/temperature");
  for (double& v : t) v = (v - sc.t_top) / sc.temperature;
  mantle.set_temperature_from(static_cast<int>(dims[1]), static_cast<int>(dims[0]), t);
}

// ---------------------------------------------------------------------------------------------
/// The mantle box, optionally with the core below it (coupled).
class MantleModel : public sim::Model {
 public:
  MantleModel(sim::RunContext& context, bool coupled)
      : context_(context),
        setup_(mantle_setup(context.config, coupled)),
        mantle_(context.comm, setup_.params),
        stop_(context.config.child("steady_state"), !coupled, setup_.params.implicit_advection) {
    if (coupled) {
      core_ = std::make_unique<CoreModel>(core_parameters(context.config.child("core")));
      initial_tc_ = core_->state().cmb_temperature;
      initial_ri_ = core_->state().inner_core_radius;
    }
    MPI_Comm_rank(context.comm, &rank_);
    mantle_.set_initial_temperature();
    if (!coupled && context.config.child("mantle").has("initial_temperature_file"))
      start_from_fields_file(context.config.child("mantle"), setup_.scales, context.comm, mantle_);
    mantle_.solve_stokes();
    const bool resume = !context.restart_file.empty();
    if (rank_ == 0) {
      std::vector<std::string> cols = {"time", "nu_top", "nu_bottom", "nu_volume", "vrms", "q1", "q2", "q3", "q4",
                                       "t_mean", "stokes_iterations"};
      if (setup_.scales.dimensional)
        for (const char* c : {"heat_flux_top_W_m2", "heat_flux_bottom_W_m2", "vrms_m_s"}) cols.push_back(c);
      if (core_)
        for (const char* c : {"cmb_temperature_K", "inner_core_radius_m", "q_cmb_W", "q_secular_W", "q_latent_W",
                              "q_gravitational_W", "q_radiogenic_W", "q_adiabatic_W", "stable_layer_m"})
          cols.push_back(c);
      if (setup_.params.implicit_advection) cols.push_back("relative_steady_residual");
      csv_ = std::make_unique<io::CsvSeries>(context.output_dir + "/statistics.csv", cols, resume);
      std::vector<double> xn(setup_.params.nx + 1), zn(setup_.params.nz + 1);
      for (int i = 0; i <= setup_.params.nx; ++i) xn[i] = i * setup_.params.aspect / setup_.params.nx * setup_.scales.depth;
      for (int j = 0; j <= setup_.params.nz; ++j) zn[j] = static_cast<double>(j) / setup_.params.nz * setup_.scales.depth;
      xnodes_ = xn;
      znodes_ = zn;
      io::RectilinearMesh mesh{"mesh.h5", "/x", "/z", "", xn.size(), zn.size(), 0};
      xdmf_ = std::make_unique<io::XdmfSeries>(context.output_dir + "/fields.xmf", "mantle", mesh);
    }
    {
      io::H5File mesh(context.comm, context.output_dir + "/mesh.h5", io::H5File::Mode::Create);
      std::vector<double> xn(setup_.params.nx + 1), zn(setup_.params.nz + 1);
      for (int i = 0; i <= setup_.params.nx; ++i) xn[i] = i * setup_.params.aspect / setup_.params.nx * setup_.scales.depth;
      for (int j = 0; j <= setup_.params.nz; ++j) zn[j] = static_cast<double>(j) / setup_.params.nz * setup_.scales.depth;
      const char* u = setup_.scales.dimensional ? "m" : "1";
      mesh.write_replicated("/x", xn, {u, "x node coordinate", "node"});
      mesh.write_replicated("/z", zn, {u, "z node coordinate (up)", "node"});
      mesh.close();
    }
  }

  const MantleConvection2D& mantle() const { return mantle_; }
  long long cells() const { return 1LL * setup_.params.nx * setup_.params.nz; }

  double stable_dt(double, double cfl) override {
    return mantle_.stable_dt(stop_.courant(cfl), !setup_.params.implicit_advection) * setup_.scales.time;
  }
  /// Steady state reached (or the pseudo-time steps used up): the time loop stops here.
  bool finished() const override { return stop_.finished(); }
  bool iterates_to_steady_state() const override { return setup_.params.implicit_advection; }
  void advance(double time, double dt) override {
    if (stop_.finished()) return;
    double q_cmb = 0.0;
    if (core_) {
      const auto d = mantle_.diagnostics();
      q_cmb = d.flux_bottom * setup_.scales.flux * 4.0 * numerics::kPi * std::pow(core_->parameters().core_radius, 2);
      core_->advance(dt, [q_cmb](double) { return q_cmb; });
      last_q_cmb_ = q_cmb;
    }
    const auto stats = mantle_.step(dt / setup_.scales.time);
    total_stokes_its_ += stats.iterations;
    stokes_seconds_ += stats.seconds;
    ++steps_;
    if (core_)
      mantle_.set_bottom_temperature((core_->state().cmb_temperature - setup_.scales.t_top) / setup_.scales.temperature);
    const auto d = mantle_.diagnostics();
    stop_.update(*context_.log, steps_, time + dt, setup_.scales.time, dt / setup_.scales.time, d.nu_top, d.vrms,
                 mantle_.last_steady_residual());
    last_ = d;
  }

  void after_step(long, double time) override {
    if (rank_ != 0 || steady_written_) return;
    record(time);
    if (stop_.steady()) steady_written_ = true;
  }

  void check_finite(long step, double time) override {
    const auto bad = mantle_.first_non_finite();
    int local = bad[0] >= 0, any = 0;
    MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, context_.comm);
    if (any || !std::isfinite(last_.vrms))
      throw NumericalError("non-finite temperature at step " + std::to_string(step) + ", t = " + std::to_string(time) +
                           (local ? " in cell (" + std::to_string(bad[0]) + ", " + std::to_string(bad[1]) + ")" : ""));
  }

  void write_output(long step, double time) override {
    const auto o = mantle_.owned();
    const auto& sc = setup_.scales;
    const std::string name = strformat("fields_%06ld.h5", step);
    io::H5File f(context_.comm, context_.output_dir + "/" + name, io::H5File::Mode::Create);
    io::Block b{{static_cast<unsigned long long>(setup_.params.nz), static_cast<unsigned long long>(setup_.params.nx)},
                {static_cast<unsigned long long>(o.zs), static_cast<unsigned long long>(o.xs)},
                {static_cast<unsigned long long>(o.zm), static_cast<unsigned long long>(o.xm)}};
    auto t = mantle_.temperature_block();
    for (double& v : t) v = sc.t_top + sc.temperature * v;
    std::vector<double> u, w;
    mantle_.velocity_blocks(u, w);
    std::vector<double> vel(3 * u.size());
    for (std::size_t k = 0; k < u.size(); ++k) {
      vel[3 * k] = u[k] * sc.velocity;
      vel[3 * k + 1] = w[k] * sc.velocity;  // XDMF's y axis is our z
      vel[3 * k + 2] = 0.0;
    }
    auto p = mantle_.pressure_block();
    for (double& v : p) v *= sc.pressure;
    auto eta = mantle_.viscosity_block();
    for (double& v : eta) v *= sc.viscosity;
    const bool dim = sc.dimensional;
    f.write("/temperature", b, t.data(), {dim ? "K" : "1", "temperature"});
    io::Block bv = b;
    bv.global_dims.push_back(3);
    bv.offset.push_back(0);
    bv.count.push_back(3);
    f.write("/velocity", bv, vel.data(), {dim ? "m s-1" : "1", "velocity (x, z, 0)"});
    f.write("/pressure", b, p.data(), {dim ? "Pa" : "1", "dynamic pressure (zero mean)"});
    f.write("/viscosity", b, eta.data(), {dim ? "Pa s" : "1", "viscosity"});
    f.set_attribute("time", time);
    f.set_attribute("case", context_.resolved_yaml);
    f.close();
    if (rank_ == 0) {
      const std::vector<std::size_t> dims = {static_cast<std::size_t>(setup_.params.nz),
                                             static_cast<std::size_t>(setup_.params.nx)};
      io::XdmfStep s;
      s.time = time;
      s.attributes = {{"temperature", name, "/temperature", dims},
                      {"velocity", name, "/velocity", {dims[0], dims[1], 3}, true},
                      {"pressure", name, "/pressure", dims},
                      {"viscosity", name, "/viscosity", dims}};
      xdmf_->add_step(s);
    }
  }

  void save(sim::CheckpointWriter& c) override {
    c.distributed("temperature", mantle_.temperature_block());
    auto state = stop_.state();
    state.insert(state.begin(), mantle_.parameters().bottom.value);
    c.scalars("mantle_state", state);
    if (core_) {
      const auto& s = core_->state();
      c.scalars("core_state", {s.time, s.cmb_temperature, s.inner_core_radius, s.heat_out, s.radiogenic_energy,
                               initial_tc_, initial_ri_, last_q_cmb_});
    }
  }

  void restore(sim::CheckpointReader& c) override {
    const auto st = c.scalars("mantle_state");
    mantle_.set_bottom_temperature(st[0]);
    stop_.restore(st, 1);
    mantle_.set_temperature_block(c.distributed("temperature"));
    if (core_) {
      const auto v = c.scalars("core_state");
      CoreState s;
      s.time = v[0];
      s.cmb_temperature = v[1];
      s.inner_core_radius = v[2];
      s.heat_out = v[3];
      s.radiogenic_energy = v[4];
      initial_tc_ = v[5];
      initial_ri_ = v[6];
      last_q_cmb_ = v[7];
      core_->set_state(s);
    }
    mantle_.solve_stokes();
    last_ = mantle_.diagnostics();
  }

  void finish(io::Json& summary) override {
    const auto d = mantle_.diagnostics();
    const auto& sc = setup_.scales;
    summary["rayleigh"] = setup_.params.rayleigh;
    summary["internal_heating_nondimensional"] = setup_.params.internal_heating;
    summary["cells"] = {setup_.params.nx, setup_.params.nz};
    summary["nu_top"] = d.nu_top;
    summary["nu_bottom"] = d.nu_bottom;
    summary["nu_volume"] = d.nu_volume;
    summary["vrms"] = d.vrms;
    summary["vmax"] = d.vmax;
    summary["q1"] = d.q1;
    summary["q2"] = d.q2;
    summary["q3"] = d.q3;
    summary["q4"] = d.q4;
    summary["t_mean"] = d.t_mean;
    summary["t_profile"] = d.t_profile;
    stop_.summarize(summary);
    summary["mantle_steps"] = steps_;
    summary["stokes_unknowns"] = mantle_.stokes_unknowns();
    summary["stokes_iterations_mean"] = steps_ ? static_cast<double>(total_stokes_its_) / steps_ : 0.0;
    summary["stokes_seconds_total"] = stokes_seconds_;
    if (sc.dimensional) {
      summary["heat_flux_top_W_m2"] = d.flux_top * sc.flux;
      summary["heat_flux_bottom_W_m2"] = d.flux_bottom * sc.flux;
      summary["heat_flow_top_W_per_m"] = d.flux_top * sc.flux * sc.width;
      summary["heat_flow_bottom_W_per_m"] = d.flux_bottom * sc.flux * sc.width;
      summary["vrms_m_s"] = d.vrms * sc.velocity;
      summary["temperature_scale_K"] = sc.temperature;
    }
    if (core_) {
      const auto b = core_->budget(last_q_cmb_);
      const auto& s = core_->state();
      summary["core_cmb_temperature_K"] = s.cmb_temperature;
      summary["core_inner_core_radius_m"] = s.inner_core_radius;
      summary["core_q_cmb_W"] = last_q_cmb_;
      summary["core_q_adiabatic_W"] = b.adiabatic_cmb;
      summary["core_stable_layer_m"] = b.stable_layer_thickness;
      const double released = core_->released_energy(initial_tc_, initial_ri_) + s.radiogenic_energy;
      summary["core_heat_out_J"] = s.heat_out;
      summary["core_energy_balance_rel_error"] = std::abs(released - s.heat_out) / std::max(std::abs(s.heat_out), 1e-300);
    }
  }

  double work_per_step() const override { return static_cast<double>(cells()); }
  std::string status() const override {
    return stop_.status(last_.nu_top, last_.vrms, mantle_.last_stokes().iterations);
  }

 private:
  void record(double time) {
    const auto& d = last_;
    const auto& sc = setup_.scales;
    std::vector<double> row = {time, d.nu_top, d.nu_bottom, d.nu_volume, d.vrms, d.q1, d.q2, d.q3, d.q4,
                               sc.t_top + sc.temperature * d.t_mean, static_cast<double>(mantle_.last_stokes().iterations)};
    if (sc.dimensional) {
      row.push_back(d.flux_top * sc.flux);
      row.push_back(d.flux_bottom * sc.flux);
      row.push_back(d.vrms * sc.velocity);
    }
    if (core_) {
      const auto b = core_->budget(last_q_cmb_);
      for (double v : {core_->state().cmb_temperature, core_->state().inner_core_radius, b.cmb, b.secular, b.latent,
                       b.gravitational, b.radiogenic, b.adiabatic_cmb, b.stable_layer_thickness})
        row.push_back(v);
    }
    if (setup_.params.implicit_advection) row.push_back(stop_.relative_residual());
    csv_->row(row);
  }

  sim::RunContext& context_;
  MantleSetup setup_;
  MantleConvection2D mantle_;
  std::unique_ptr<CoreModel> core_;
  std::unique_ptr<io::CsvSeries> csv_;
  std::unique_ptr<io::XdmfSeries> xdmf_;
  std::vector<double> xnodes_, znodes_;
  MantleDiagnostics last_;
  int rank_ = 0;
  SteadyStop stop_;
  bool steady_written_ = false;
  double last_q_cmb_ = 0.0;
  double initial_tc_ = 0.0, initial_ri_ = 0.0;
  long steps_ = 0;
  long total_stokes_its_ = 0;
  double stokes_seconds_ = 0.0;
};

// ---------------------------------------------------------------------------------------------
/// The 3-D box (thermal.mantle with mantle.cells = [nx, ny, nz]); uncoupled.
struct MantleSetup3D {
  MantleParameters3D params;
  MantleScales scales;
};

MantleSetup3D mantle_setup_3d(const ConfigView& root) {
  const auto common = mantle_setup(root, false);  // units, viscosity, Ra, H, thermal walls
  const auto m = root.child("mantle");
  MantleSetup3D s;
  s.scales = common.scales;
  auto& p = s.params;
  const auto cells = m.integers("cells");
  for (int a = 0; a < 3; ++a) p.cells[a] = static_cast<int>(cells[a]);
  p.aspect_x = common.params.aspect;
  p.aspect_y = m.has("aspect_ratio_y") ? m.real("aspect_ratio_y") : 1.0;
  p.rayleigh = common.params.rayleigh;
  p.internal_heating = common.params.internal_heating;
  p.viscosity = common.params.viscosity;
  p.top = common.params.top;
  p.bottom = common.params.bottom;
  p.limiter = common.params.limiter;
  p.perturbation = common.params.perturbation;
  p.boundary_layer_profile = m.has("initial_profile") && m.string("initial_profile") == "boundary_layers";
  p.implicit_advection = common.params.implicit_advection;
  p.stokes_rtol = common.params.stokes_rtol;
  p.petsc_options = common.params.petsc_options;
  const auto vb = m.child("velocity_boundaries");
  auto wall = [&](const char* k) {
    return vb.has(k) && vb.string(k) == "no_slip" ? VelocityBoundary::NoSlip : VelocityBoundary::FreeSlip;
  };
  p.velocity_bc.wall = {{{wall("left"), wall("right")}, {wall("front"), wall("back")}, {wall("bottom"), wall("top")}}};
  return s;
}

class MantleModel3D : public sim::Model {
 public:
  explicit MantleModel3D(sim::RunContext& context)
      : context_(context),
        setup_(mantle_setup_3d(context.config)),
        mantle_(context.comm, setup_.params),
        stop_(context.config.child("steady_state"), true, setup_.params.implicit_advection) {
    MPI_Comm_rank(context.comm, &rank_);
    {  // The MUSCL stencil needs two owned cells per axis on every rank.
      int local = *std::min_element(mantle_.owned().count.begin(), mantle_.owned().count.end()), fewest = 0;
      MPI_Allreduce(&local, &fewest, 1, MPI_INT, MPI_MIN, context.comm);
      if (fewest < 2)
        context.config.child("mantle").fail("cells", "too few cells for the number of MPI ranks: a rank owns only " +
                                                         std::to_string(fewest) + " cell(s) along some axis (need 2)");
    }
    mantle_.set_initial_temperature();
    mantle_.solve_stokes();
    last_ = mantle_.diagnostics();
    const auto& n = setup_.params.cells;
    const bool resume = !context.restart_file.empty();
    const std::array<double, 3> len = {setup_.params.aspect_x, setup_.params.aspect_y, 1.0};
    if (rank_ == 0) {
      std::vector<std::string> cols = {"time", "nu_top", "nu_bottom", "nu_volume", "vrms", "vmax", "t_mean",
                                       "stokes_iterations"};
      if (setup_.scales.dimensional)
        for (const char* c : {"heat_flow_top_W", "heat_flow_bottom_W", "heat_flux_top_W_m2", "heat_flux_bottom_W_m2",
                              "vrms_m_s"})
          cols.push_back(c);
      if (setup_.params.implicit_advection) cols.push_back("relative_steady_residual");
      csv_ = std::make_unique<io::CsvSeries>(context.output_dir + "/statistics.csv", cols, resume);
      io::RectilinearMesh mesh{"mesh.h5", "/x", "/y", "/z", static_cast<std::size_t>(n[0] + 1),
                               static_cast<std::size_t>(n[1] + 1), static_cast<std::size_t>(n[2] + 1)};
      xdmf_ = std::make_unique<io::XdmfSeries>(context.output_dir + "/fields.xmf", "mantle", mesh, resume);
    }
    io::H5File mesh(context.comm, context.output_dir + "/mesh.h5", io::H5File::Mode::Create);
    const char* unit = setup_.scales.dimensional ? "m" : "1";
    const char* names[3] = {"/x", "/y", "/z"};
    const char* docs[3] = {"x node coordinate", "y node coordinate", "z node coordinate (up)"};
    for (int a = 0; a < 3; ++a) {
      std::vector<double> nodes(n[a] + 1);
      for (int i = 0; i <= n[a]; ++i) nodes[i] = i * len[a] / n[a] * setup_.scales.depth;
      mesh.write_replicated(names[a], nodes, {unit, docs[a], "node"});
    }
    mesh.close();
  }

  long long cells() const {
    const auto& n = setup_.params.cells;
    return 1LL * n[0] * n[1] * n[2];
  }
  double stable_dt(double, double cfl) override {
    return mantle_.stable_dt(stop_.courant(cfl), !setup_.params.implicit_advection) * setup_.scales.time;
  }
  bool finished() const override { return stop_.finished(); }
  bool iterates_to_steady_state() const override { return setup_.params.implicit_advection; }

  void advance(double time, double dt) override {
    if (stop_.finished()) return;
    const auto stats = mantle_.step(dt / setup_.scales.time);
    total_stokes_its_ += stats.iterations;
    stokes_seconds_ += stats.seconds;
    ++steps_;
    const auto d = mantle_.diagnostics();
    stop_.update(*context_.log, steps_, time + dt, setup_.scales.time, dt / setup_.scales.time, d.nu_top, d.vrms,
                 mantle_.last_steady_residual());
    last_ = d;
  }

  void after_step(long, double time) override {
    if (rank_ != 0 || steady_written_) return;
    record(time);
    if (stop_.steady()) steady_written_ = true;
  }

  void check_finite(long step, double time) override {
    const auto bad = mantle_.first_non_finite();
    int local = bad[0] >= 0, any = 0;
    MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, context_.comm);
    if (any || !std::isfinite(last_.vrms))
      throw NumericalError("non-finite temperature at step " + std::to_string(step) + ", t = " + std::to_string(time) +
                           (local ? " in cell (" + std::to_string(bad[0]) + ", " + std::to_string(bad[1]) + ", " +
                                        std::to_string(bad[2]) + ")"
                                  : ""));
  }

  void write_output(long step, double time) override {
    const auto& o = mantle_.owned();
    const auto& n = setup_.params.cells;
    const auto& sc = setup_.scales;
    const std::string name = strformat("fields_%06ld.h5", step);
    io::H5File f(context_.comm, context_.output_dir + "/" + name, io::H5File::Mode::Create);
    using ull = unsigned long long;
    io::Block b{{ull(n[2]), ull(n[1]), ull(n[0])},
                {ull(o.start[2]), ull(o.start[1]), ull(o.start[0])},
                {ull(o.count[2]), ull(o.count[1]), ull(o.count[0])}};
    auto t = mantle_.temperature_block();
    for (double& v : t) v = sc.t_top + sc.temperature * v;
    auto vel = mantle_.velocity_block();
    for (double& v : vel) v *= sc.velocity;
    auto p = mantle_.pressure_block();
    for (double& v : p) v *= sc.pressure;
    auto eta = mantle_.viscosity_block();
    for (double& v : eta) v *= sc.viscosity;
    const bool dim = sc.dimensional;
    f.write("/temperature", b, t.data(), {dim ? "K" : "1", "temperature"});
    io::Block bv = b;
    bv.global_dims.push_back(3);
    bv.offset.push_back(0);
    bv.count.push_back(3);
    f.write("/velocity", bv, vel.data(), {dim ? "m s-1" : "1", "velocity (x, y, z)"});
    f.write("/pressure", b, p.data(), {dim ? "Pa" : "1", "dynamic pressure (zero mean)"});
    f.write("/viscosity", b, eta.data(), {dim ? "Pa s" : "1", "viscosity"});
    f.set_attribute("time", time);
    f.set_attribute("case", context_.resolved_yaml);
    f.close();
    if (rank_ == 0) {
      const std::vector<std::size_t> dims = {static_cast<std::size_t>(n[2]), static_cast<std::size_t>(n[1]),
                                             static_cast<std::size_t>(n[0])};
      io::XdmfStep s;
      s.time = time;
      s.attributes = {{"temperature", name, "/temperature", dims},
                      {"velocity", name, "/velocity", {dims[0], dims[1], dims[2], 3}, true},
                      {"pressure", name, "/pressure", dims},
                      {"viscosity", name, "/viscosity", dims}};
      xdmf_->add_step(s);
    }
  }

  void save(sim::CheckpointWriter& c) override {
    c.distributed("temperature", mantle_.temperature_block());
    c.scalars("mantle_state", stop_.state());
  }

  void restore(sim::CheckpointReader& c) override {
    const auto st = c.scalars("mantle_state");
    stop_.restore(st, 0);
    mantle_.set_temperature_block(c.distributed("temperature"));
    mantle_.solve_stokes();
    last_ = mantle_.diagnostics();
  }

  void finish(io::Json& summary) override {
    const auto d = mantle_.diagnostics();
    const auto& sc = setup_.scales;
    const auto& n = setup_.params.cells;
    summary["dimensions"] = 3;
    summary["rayleigh"] = setup_.params.rayleigh;
    summary["internal_heating_nondimensional"] = setup_.params.internal_heating;
    summary["cells"] = {n[0], n[1], n[2]};
    summary["aspect_ratio"] = {setup_.params.aspect_x, setup_.params.aspect_y};
    summary["nu_top"] = d.nu_top;
    summary["nu_bottom"] = d.nu_bottom;
    summary["nu_volume"] = d.nu_volume;
    summary["vrms"] = d.vrms;
    summary["vmax"] = d.vmax;
    summary["t_mean"] = d.t_mean;
    summary["t_profile"] = d.t_profile;
    stop_.summarize(summary);
    summary["mantle_steps"] = steps_;
    summary["stokes_unknowns"] = mantle_.stokes_unknowns();
    summary["stokes_iterations_mean"] = steps_ ? static_cast<double>(total_stokes_its_) / steps_ : 0.0;
    summary["stokes_seconds_total"] = stokes_seconds_;
    if (sc.dimensional) {
      const double area = sc.width * sc.width_y;
      summary["heat_flux_top_W_m2"] = d.flux_top * sc.flux;
      summary["heat_flux_bottom_W_m2"] = d.flux_bottom * sc.flux;
      summary["heat_flow_top_W"] = d.flux_top * sc.flux * area;
      summary["heat_flow_bottom_W"] = d.flux_bottom * sc.flux * area;
      summary["vrms_m_s"] = d.vrms * sc.velocity;
      summary["temperature_scale_K"] = sc.temperature;
    }
  }

  double work_per_step() const override { return static_cast<double>(cells()); }
  std::string status() const override {
    return stop_.status(last_.nu_top, last_.vrms, mantle_.last_stokes().iterations);
  }

 private:
  void record(double time) {
    const auto& d = last_;
    const auto& sc = setup_.scales;
    std::vector<double> row = {time,    d.nu_top, d.nu_bottom, d.nu_volume, d.vrms, d.vmax,
                               sc.t_top + sc.temperature * d.t_mean, static_cast<double>(mantle_.last_stokes().iterations)};
    if (sc.dimensional) {
      const double area = sc.width * sc.width_y;
      for (double v : {d.flux_top * sc.flux * area, d.flux_bottom * sc.flux * area, d.flux_top * sc.flux,
                       d.flux_bottom * sc.flux, d.vrms * sc.velocity})
        row.push_back(v);
    }
    if (setup_.params.implicit_advection) row.push_back(stop_.relative_residual());
    csv_->row(row);
  }

  sim::RunContext& context_;
  MantleSetup3D setup_;
  MantleConvection3D mantle_;
  std::unique_ptr<io::CsvSeries> csv_;
  std::unique_ptr<io::XdmfSeries> xdmf_;
  MantleDiagnostics3D last_;
  int rank_ = 0;
  SteadyStop stop_;
  bool steady_written_ = false;
  long steps_ = 0;
  long total_stokes_its_ = 0;
  double stokes_seconds_ = 0.0;
};

void run_mantle_3d(sim::RunContext& context) {
  MantleModel3D model(context);
  const auto settings = sim::time_settings_from_config(context.config);
  int size = 1;
  MPI_Comm_size(context.comm, &size);
  sim::CheckpointIdentity identity{"thermal.mantle", sim::physics_hash(context.config.node()), size, model.cells()};
  sim::run_time_loop(model, context, settings, identity);
}

void run_mantle(sim::RunContext& context, bool coupled, const std::string& type) {
  if (!coupled && context.config.child("mantle").integers("cells").size() == 3) return run_mantle_3d(context);
  MantleModel model(context, coupled);
  const auto settings = sim::time_settings_from_config(context.config);
  int size = 1;
  MPI_Comm_size(context.comm, &size);
  sim::CheckpointIdentity identity{type, sim::physics_hash(context.config.node()), size, model.cells()};
  sim::run_time_loop(model, context, settings, identity);
}

// ---------------------------------------------------------------------------------------------
/// The core alone, driven by a prescribed CMB heat-flow history.
class CoreOnlyModel : public sim::Model {
 public:
  explicit CoreOnlyModel(sim::RunContext& context) : context_(context), core_(core_parameters(context.config.child("core"))) {
    const auto q = context.config.child("core").child("cmb_heat_flow");
    times_ = q.reals("times");
    values_ = q.reals("values");
    initial_tc_ = core_.state().cmb_temperature;
    initial_ri_ = core_.state().inner_core_radius;
    MPI_Comm_rank(context.comm, &rank_);
    if (rank_ == 0)
      csv_ = std::make_unique<io::CsvSeries>(
          context.output_dir + "/core.csv",
          std::vector<std::string>{"time", "cmb_temperature_K", "icb_temperature_K", "inner_core_radius_m", "q_cmb_W",
                                   "q_secular_W", "q_latent_W", "q_gravitational_W", "q_radiogenic_W", "q_adiabatic_W",
                                   "stable_layer_m", "inner_core_growth_m_s"},
          !context.restart_file.empty());
  }
  double q(double t) const { return interpolate(times_, values_, t); }
  double stable_dt(double, double cfl) override { return cfl * 1e7 * 3.15576e7; }  // 10 Myr at CFL 1
  void advance(double, double dt) override {
    core_.advance(dt, [this](double t) { return q(t); });
  }
  void after_step(long, double time) override { write_row(time); }
  void check_finite(long step, double) override {
    if (!std::isfinite(core_.state().cmb_temperature))
      throw NumericalError("core temperature not finite at step " + std::to_string(step));
  }
  void write_output(long, double time) override { write_row(time); }
  void save(sim::CheckpointWriter& c) override {
    const auto& s = core_.state();
    c.scalars("core_state", {s.time, s.cmb_temperature, s.inner_core_radius, s.heat_out, s.radiogenic_energy});
  }
  void restore(sim::CheckpointReader& c) override {
    const auto v = c.scalars("core_state");
    CoreState s;
    s.time = v[0];
    s.cmb_temperature = v[1];
    s.inner_core_radius = v[2];
    s.heat_out = v[3];
    s.radiogenic_energy = v[4];
    core_.set_state(s);
  }
  void finish(io::Json& summary) override {
    const auto& s = core_.state();
    const auto b = core_.budget(q(s.time));
    summary["cmb_temperature_K"] = s.cmb_temperature;
    summary["inner_core_radius_m"] = s.inner_core_radius;
    summary["q_cmb_W"] = b.cmb;
    summary["q_secular_W"] = b.secular;
    summary["q_latent_W"] = b.latent;
    summary["q_gravitational_W"] = b.gravitational;
    summary["q_radiogenic_W"] = b.radiogenic;
    summary["q_adiabatic_W"] = b.adiabatic_cmb;
    summary["stable_layer_m"] = b.stable_layer_thickness;
    summary["cooling_rate_K_per_Gyr"] = b.cooling_rate * 3.15576e16;
    summary["conductive_entropy_W_K"] = b.conductive_entropy;
    const double released = core_.released_energy(initial_tc_, initial_ri_) + s.radiogenic_energy;
    summary["heat_out_J"] = s.heat_out;
    summary["energy_released_J"] = released;
    summary["energy_balance_rel_error"] = std::abs(released - s.heat_out) / std::max(std::abs(s.heat_out), 1e-300);
  }
  double work_per_step() const override { return 1.0; }
  std::string work_unit() const override { return "core-steps"; }

 private:
  void write_row(double time) {
    if (rank_ != 0 || time <= last_row_) return;
    last_row_ = time;
    const auto b = core_.budget(q(time));
    csv_->row({time, core_.state().cmb_temperature, b.icb_temperature, core_.state().inner_core_radius, b.cmb, b.secular,
               b.latent, b.gravitational, b.radiogenic, b.adiabatic_cmb, b.stable_layer_thickness, b.inner_core_growth});
  }
  sim::RunContext& context_;
  CoreModel core_;
  std::vector<double> times_, values_;
  double initial_tc_ = 0.0, initial_ri_ = 0.0, last_row_ = -1e300;
  int rank_ = 0;
  std::unique_ptr<io::CsvSeries> csv_;
};

void run_core(sim::RunContext& context) {
  CoreOnlyModel model(context);
  const auto settings = sim::time_settings_from_config(context.config);
  int size = 1;
  MPI_Comm_size(context.comm, &size);
  sim::CheckpointIdentity identity{"thermal.core", sim::physics_hash(context.config.node()), size, 1};
  sim::run_time_loop(model, context, settings, identity);
}

}  // namespace

void register_case_types() {
  auto& registry = sim::Registry::instance();
  registry.add_case_type(
      {"thermal.mantle",
       "2-D or 3-D mantle convection box (Blankenbach and Busse benchmarks, T-dependent viscosity, internal heating)",
       [](ObjectSpec& root) {
         sim::declare_time_schema(root);
         declare_mantle_schema(root, false);
       },
       [](const ConfigView& root, std::vector<Diagnostic>& problems) { check_mantle(root, problems, false); },
       [](sim::RunContext& c) { run_mantle(c, false, "thermal.mantle"); }});
  registry.add_case_type(
      {"thermal.core", "1-D core thermal evolution under a prescribed CMB heat-flow history",
       [](ObjectSpec& root) {
         sim::declare_time_schema(root);
         declare_core_schema(root, true);
       },
       [](const ConfigView& root, std::vector<Diagnostic>& problems) { check_core(root, problems, true); },
       run_core});
  registry.add_case_type(
      {"thermal.coupled", "2-D mantle box over the 1-D core, coupled through T_CMB and Q_CMB",
       [](ObjectSpec& root) {
         sim::declare_time_schema(root);
         declare_mantle_schema(root, true);
         declare_core_schema(root, false);
       },
       [](const ConfigView& root, std::vector<Diagnostic>& problems) {
         check_mantle(root, problems, true);
         check_core(root, problems, false);
       },
       [](sim::RunContext& c) { run_mantle(c, true, "thermal.coupled"); }});
}

}  // namespace hadal::thermal
