// SPDX-License-Identifier: MIT
#include "thermal/keys.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <mpi.h>

#include "core/units.hpp"
#include "numerics/constants.hpp"
#include "io/hdf5_file.hpp"
#include "thermal/core_model.hpp"

namespace hadal::thermal {

using config::ConfigView;
using config::ObjectSpec;

void declare_mantle_schema(ObjectSpec& root, bool coupled) {
  using namespace units;
  auto& m = root.object("mantle", coupled ? "Infinite-Prandtl Boussinesq convection in a 2-D box (x horizontal, z up) or "
                                            "a 2-D spherical annulus (mantle.geometry)."
                                          : "Infinite-Prandtl Boussinesq convection in a Cartesian box, 2-D (x, z) or 3-D "
                                            "(x, y, z), z up (the length of mantle.cells chooses), or in a 2-D spherical "
                                            "annulus (mantle.geometry).");
  m.enumeration("units", {"nondimensional", "dimensional"},
                "nondimensional: Ra, H and times in diffusion-time units; dimensional: SI inputs in mantle.physical")
      .default_value(coupled ? "dimensional" : "nondimensional");
  if (coupled)
    m.integers("cells", "Cells [nx, nz]").items(2).required();
  else
    m.integers("cells", "Cells [nx, nz] for a 2-D box or [nx, ny, nz] for a 3-D box").min_items(2).max_items(3).required();
  m.enumeration("geometry", {"box", "annulus"},
                "box: Cartesian (2-D or 3-D); annulus: 2-D spherical annulus (polar grid periodic in phi, "
                "cells [n_phi, n_r], radii rescaled to a spherical shell's area ratio; see mantle.annulus)")
      .default_value("box");
  auto& an = m.object("annulus", "The 2-D spherical annulus (geometry: annulus), thickness 1 (= mantle.physical.depth).");
  an.enumeration("radii", {"sphere_area_ratio", "given"},
                 "sphere_area_ratio: r_in/r_out = (core_radius/surface_radius)^2, so that the CMB and the surface "
                 "carry a spherical shell's shares of the heat flow (van Keken 2001; Hernlund & Tackley 2008); "
                 "given: inner_radius")
      .default_value("sphere_area_ratio");
  an.real("inner_radius", kDimensionless, "Inner radius in units of the thickness (radii: given; 1.22 for Davies et "
                                          "al.'s cylindrical benchmark)")
      .greater_than(0.0)
      .optional();
  an.real("core_radius", kLength, "CMB radius of the sphere the annulus stands for").greater_than(0.0).default_value(3480e3);
  an.real("surface_radius", kLength, "Surface radius of that sphere").greater_than(0.0).default_value(6371e3);
  an.integer("perturbation_mode", "m in the initial perturbation A cos(m phi) sin(pi (r - r_in))").min(0).default_value(4);
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
             "Start from the /temperature of an earlier run's fields_<step>.h5 (same box, dimension and units), "
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
  s.enumeration("acceleration", {"none", "anderson"},
                "march: pseudo_time only: anderson mixes each pseudo-time step with the last anderson_depth ones "
                "(Anderson acceleration of the fixed-point iteration; same steady state, far fewer steps when the "
                "plain march converges slowly, e.g. a temperature-dependent viscosity)")
      .default_value("none");
  s.integer("coarse_grids",
            "march: pseudo_time, 2-D box: first reach the steady state on this many coarser grids (cells halved "
            "per grid, the coarsest first, each started from the last one's steady state), then start this grid "
            "from the finest of them (grid sequencing: the same steady state with most steps taken where they "
            "are cheap; the coarse grids write no output)")
      .min(0)
      .max(6)
      .default_value(0);
  s.integer("anderson_depth", "How many earlier steps the Anderson acceleration mixes (acceleration: anderson)")
      .min(1)
      .max(50)
      .default_value(10);
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

MantleSetup<MantleParameters> mantle_setup(const ConfigView& root, bool coupled) {
  const auto m = root.child("mantle");
  MantleSetup<MantleParameters> s;
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
  p.velocity_bc.wall = {{{wall("left"), wall("right")}, {wall("bottom"), wall("top")}}};
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

double annulus_inner_radius(const ConfigView& root) {
  const auto an = root.child("mantle").child("annulus");
  if (an.string("radii") == "given") return an.has("inner_radius") ? an.real("inner_radius") : 1.22;
  const double f = std::pow(an.real("core_radius") / an.real("surface_radius"), 2);
  return f / (1.0 - f);  // r_in / (r_in + 1) = f with unit thickness
}

namespace {

void check_annulus(const ConfigView& root, std::vector<Diagnostic>& problems, bool coupled) {
  const auto m = root.child("mantle");
  const auto an = m.child("annulus");
  if (m.integers("cells").size() != 2)
    problems.push_back(m.diagnostic("cells", "the annulus is 2-D: give [n_phi, n_r]"));
  if (an.string("radii") == "given" && !an.has("inner_radius"))
    problems.push_back(an.diagnostic("radii", "radii: given needs mantle.annulus.inner_radius"));
  if (an.real("core_radius") >= an.real("surface_radius"))
    problems.push_back(an.diagnostic("core_radius", "must be below mantle.annulus.surface_radius"));
  if (m.string("units") == "dimensional") {
    const double thickness = an.real("surface_radius") - an.real("core_radius"), d = m.child("physical").real("depth");
    if (std::abs(thickness - d) > 1e-6 * d)
      problems.push_back(m.child("physical").diagnostic(
          "depth", "the annulus's thickness is the mantle depth: surface_radius - core_radius = " +
                       std::to_string(thickness) + " m, but depth is " + std::to_string(d) + " m"));
  }
  if (coupled && std::abs(an.real("core_radius") - root.child("core").real("core_radius")) >
                     1e-9 * root.child("core").real("core_radius"))
    problems.push_back(an.diagnostic("core_radius", "must equal core.core_radius in a coupled run"));
  if (m.has("initial_profile") || m.has("aspect_ratio_y"))
    problems.push_back(m.diagnostic(m.has("initial_profile") ? "initial_profile" : "aspect_ratio_y",
                                    "only for a 3-D box, not for the annulus"));
}

}  // namespace

void check_mantle(const ConfigView& root, std::vector<Diagnostic>& problems, bool coupled) {
  const auto m = root.child("mantle");
  const auto cells = m.integers("cells");
  const int ranks = [] {
    int n = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
  }();
  const bool three_d = cells.size() == 3;
  const bool annulus = m.string("geometry") == "annulus";
  if (annulus) check_annulus(root, problems, coupled);
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
    if (!std::filesystem::is_regular_file(path)) {
      problems.push_back(m.diagnostic("initial_temperature_file", "no such file: " + path));
    } else {  // every rank validates the same case, so the collective open is safe here
      io::H5File file(MPI_COMM_WORLD, path, io::H5File::Mode::Read);
      if (!file.has("/temperature"))
        problems.push_back(m.diagnostic("initial_temperature_file",
                                        path + " has no /temperature (expected a fields_<step>.h5 of thermal.mantle)"));
      else if (file.dims("/temperature").size() != cells.size())
        problems.push_back(m.diagnostic("initial_temperature_file",
                                        path + " holds a " + std::to_string(file.dims("/temperature").size()) +
                                            "-D temperature; this box is " + std::to_string(cells.size()) + "-D"));
    }
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
  if (steady.string("acceleration") != "none" && steady.string("march") != "pseudo_time")
    problems.push_back(steady.diagnostic("acceleration", "accelerates the pseudo-time march to a steady state; it "
                                                         "needs steady_state.march: pseudo_time"));
  if (const auto levels = steady.integer("coarse_grids"); levels > 0) {
    if (steady.string("march") != "pseudo_time")
      problems.push_back(steady.diagnostic("coarse_grids", "grid sequencing marches each grid to its steady state; it "
                                                           "needs steady_state.march: pseudo_time"));
    if (annulus || three_d)
      problems.push_back(steady.diagnostic("coarse_grids", "grid sequencing is implemented for the 2-D box only"));
    else if (std::min(cells[0], cells[1]) >> levels < 3 * ranks)
      problems.push_back(steady.diagnostic(
          "coarse_grids", "the coarsest grid, mantle.cells halved " + std::to_string(levels) +
                              " times, needs at least 3 cells per rank along each axis; use fewer coarse grids"));
  }
  if (three_d && root.child("stokes").string("solver") == "direct")
    problems.push_back(root.child("stokes").diagnostic(
        "solver", "the direct (LU) Stokes solver is for 2-D boxes; a 3-D box uses multigrid"));
  const std::size_t nzi = cells.size() - 1;
  // Square-ish cells: the staggered stencil and the CFL estimate assume comparable dx and dz.
  const double aspect = annulus ? 2.0 * numerics::kPi * (annulus_inner_radius(root) + 0.5) : m.real("aspect_ratio");
  const double cell_ratio = (aspect / cells[0]) / (1.0 / cells[nzi]);
  if (cell_ratio > 4.0 || cell_ratio < 0.25) {
    std::ostringstream msg;
    msg << "aspect ratio " << aspect << " on " << cells[0] << " x " << cells[nzi]
        << " cells gives dx/dz = " << cell_ratio << "; use between 0.25 and 4 (more cells in x for wide boxes)";
    problems.push_back(m.diagnostic(annulus ? "cells" : "aspect_ratio", msg.str()));
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

MantleSetup<MantleParametersAnnulus> mantle_setup_annulus(const ConfigView& root, bool coupled) {
  const auto common = mantle_setup(root, coupled);
  const auto m = root.child("mantle");
  const auto an = m.child("annulus");
  MantleSetup<MantleParametersAnnulus> s;
  s.scales = common.scales;
  auto& p = s.params;
  static_cast<MantlePhysics&>(p) = common.params;
  p.n_phi = common.params.nx;
  p.n_r = common.params.nz;
  p.inner_radius = annulus_inner_radius(root);
  p.walls = {common.params.velocity_bc.wall[1][0], common.params.velocity_bc.wall[1][1]};
  p.perturbation_mode = static_cast<int>(an.integer("perturbation_mode"));
  p.stokes_method = StokesMethod::Direct;  // the annulus factors Stokes and energy with MUMPS
  if (s.scales.dimensional) {
    s.scales.top_area = 4.0 * numerics::kPi * std::pow(an.real("surface_radius"), 2);
    s.scales.bottom_area = 4.0 * numerics::kPi * std::pow(an.real("core_radius"), 2);
  }
  return s;
}

int anderson_depth(const ConfigView& root) {
  const auto steady = root.child("steady_state");
  return steady.string("acceleration") == "anderson" ? static_cast<int>(steady.integer("anderson_depth")) : 0;
}

MantleSetup<MantleParameters3D> mantle_setup_3d(const ConfigView& root) {
  const auto common = mantle_setup(root, false);
  const auto m = root.child("mantle");
  MantleSetup<MantleParameters3D> s;
  s.scales = common.scales;
  auto& p = s.params;
  const auto cells = m.integers("cells");
  for (int a = 0; a < 3; ++a) p.cells[a] = static_cast<int>(cells[a]);
  p.aspect_x = common.params.aspect;
  p.aspect_y = m.has("aspect_ratio_y") ? m.real("aspect_ratio_y") : 1.0;
  static_cast<MantlePhysics&>(p) = common.params;  // units, viscosity, Ra, H, thermal walls, solver
  p.boundary_layer_profile = m.has("initial_profile") && m.string("initial_profile") == "boundary_layers";
  const auto vb = m.child("velocity_boundaries");
  auto wall = [&](const char* k) {
    return vb.has(k) && vb.string(k) == "no_slip" ? VelocityBoundary::NoSlip : VelocityBoundary::FreeSlip;
  };
  p.velocity_bc.wall = {{{wall("left"), wall("right")}, {wall("front"), wall("back")}, {wall("bottom"), wall("top")}}};
  return s;
}

}  // namespace hadal::thermal
