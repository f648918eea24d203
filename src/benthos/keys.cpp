// SPDX-License-Identifier: MIT
#include "benthos/keys.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <regex>

#include "benthos/closures.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "grid/stations.hpp"
#include "sim/simulation.hpp"

namespace hadal::benthos {

namespace {

constexpr double kDay = 86400.0;
constexpr double kMgPerKg = 1e6;  // stocks are kept in mg C m-2; the case file speaks SI (kg m-2)

const units::Dimension kRate = units::kFrequency;
const units::Dimension kCarbonFlux = units::kMassPerArea / units::kTime;

/// The documented defaults of one group (docs/benthos.md gives each its source).
struct GroupDefaults {
  const char* feeding_rate;
  double assimilation, growth_efficiency;
  const char* respiration_rate;
  const char* mortality_rate;
  double burial_sensitivity;
  const char* burial_half_thickness;
  const char* escape_velocity;
  double turbidity_sensitivity;
  const char* washout_rate;
};

// Indexed by Pool (food and larvae have no group block).
const GroupDefaults kDefaults[kPools] = {
    {},
    {"0.024 d-1", 1.0, 0.3, "0.0002 d-1", "0.0002 d-1", 0.0, "10 cm", "0 m/s", 0.0, "0 d-1"},     // bacteria
    {"0.05 d-1", 0.7, 0.4, "0.002 d-1", "0.002 d-1", 0.2, "5 cm", "0 m/s", 0.0, "0 d-1"},         // nanobenthos
    {"0.2 d-1", 0.6, 0.4, "0.001 d-1", "0.001 d-1", 0.95, "3 mm", "0.1 mm/d", 0.5, "0.2 d-1"},    // meio epifauna
    {"0.03 d-1", 0.6, 0.4, "0.0005 d-1", "0.0005 d-1", 0.8, "4 mm", "0.2 mm/d", 0.2, "0 d-1"},   // meio infauna
    {"0.004 d-1", 0.5, 0.4, "0.0002 d-1", "0.0001 d-1", 0.9, "3 cm", "10 mm/d", 0.5, "0 d-1"},    // macrobenthos
    {}};
const char* const kBaselineDefaults[kPools] = {"1000 mg/m^2", "1000 mg/m^2", "40 mg/m^2", "10 mg/m^2",
                                               "60 mg/m^2",   "100 mg/m^2",  nullptr};

/// A non-negative rate (s-1; the case file writes e.g. "0.05 d-1").
void rate_key(config::ObjectSpec& block, const std::string& name, const std::string& doc, const char* value) {
  block.real(name, kRate, doc).min(0.0).default_value(value);
}

/// A dimensionless fraction in [0, 1].
void fraction_key(config::ObjectSpec& block, const char* name, const char* doc, double value) {
  block.real(name, units::kDimensionless, doc).min(0.0).max(1.0).default_value(value);
}

void declare_group(config::ObjectSpec& block, int pool, const std::string& what) {
  using namespace units;
  const auto& d = kDefaults[pool];
  auto& g = block.object(kPoolNames[pool], what);
  rate_key(g, "feeding_rate",
           pool == kBacteria ? "Maximum uptake of food per unit bacterial carbon" : "Maximum ingestion per unit consumer carbon",
           d.feeding_rate);
  g.real("half_saturation_ratio", kDimensionless, "Half-saturation prey stock as a multiple of the prey's baseline")
      .greater_than(0.0)
      .default_value(1.0);
  fraction_key(g, "assimilation_efficiency", "Fraction of ingestion assimilated (the rest egested as food)", d.assimilation);
  fraction_key(g, "growth_efficiency", "Fraction of assimilation turned into biomass (the rest respired)",
               d.growth_efficiency);
  rate_key(g, "respiration_rate", "Basal respiration", d.respiration_rate);
  rate_key(g, "mortality_rate", "Linear mortality (dead carbon becomes food)", d.mortality_rate);
  fraction_key(g, "burial_sensitivity", "Largest fraction a deep burial kills", d.burial_sensitivity);
  g.real("burial_half_thickness", kLength, "Effective burial that kills half of burial_sensitivity")
      .greater_than(0.0)
      .default_value(d.burial_half_thickness);
  g.real("burial_steepness", kDimensionless, "Hill exponent of the burial dose-response")
      .min(0.5)
      .max(10.0)
      .default_value(2.0);
  g.real("escape_velocity", kVelocity, "Deposit accumulation the group escapes by moving up (rate tolerance)")
      .min(0.0)
      .default_value(d.escape_velocity);
  fraction_key(g, "turbidity_sensitivity", "Largest fractional reduction of feeding under turbid near-bed water",
               d.turbidity_sensitivity);
  rate_key(g, "washout_rate", "Removal by the near-bed turbid flow at saturating turbidity (exported with the plume)",
           d.washout_rate);
}

GroupParameters group_from_config(const config::ConfigView& g) {
  GroupParameters p;
  p.grazing_rate = g.real("feeding_rate");
  p.half_saturation_ratio = g.real("half_saturation_ratio");
  p.assimilation = g.real("assimilation_efficiency");
  p.growth_efficiency = g.real("growth_efficiency");
  p.respiration_rate = g.real("respiration_rate");
  p.mortality_rate = g.real("mortality_rate");
  p.burial_sensitivity = g.real("burial_sensitivity");
  p.burial_half_thickness = g.real("burial_half_thickness");
  p.burial_steepness = g.real("burial_steepness");
  p.escape_velocity = g.real("escape_velocity");
  p.turbidity_sensitivity = g.real("turbidity_sensitivity");
  p.washout_rate = g.real("washout_rate");
  return p;
}

}  // namespace

void declare_food_web_schema(config::ObjectSpec& block) {
  using namespace units;
  auto& baseline = block.object("baseline", "Undisturbed carbon stocks (the steady state the rates are calibrated to)");
  for (int pool = kFood; pool < kLarvae; ++pool) {
    baseline.real(kPoolNames[pool], kMassPerArea, std::string("Baseline carbon stock of ") + kPoolNames[pool])
        .greater_than(0.0)
        .default_value(kBaselineDefaults[pool]);
  }
  block.real("organic_rain", kCarbonFlux, "Labile organic carbon settling onto the seabed from above")
      .min(0.0)
      .default_value("12 mg m-2 d-1");
  declare_group(block, kBacteria, "Bacteria: Monod uptake of food, respiration, mortality");
  declare_group(block, kNano, "Nanobenthos (2-32 um): grazing on bacteria");
  declare_group(block, kMeioEpi, "Epifaunal meiobenthos (32-500 um, at the surface): grazing on bacteria");
  declare_group(block, kMeioIn, "Infaunal meiobenthos (32-500 um, in the sediment): grazing on bacteria");
  declare_group(block, kMacro, "Macrobenthos (> 500 um): deposit feeding on food, predation on meiobenthos");
  rate_key(block.key("macrobenthos").object(), "predation_rate", "Maximum ingestion of each meiobenthos group",
           "0.0005 d-1");
  auto& larvae = block.object("larvae", "Nauplius larval pool: release, mortality, settlement, lateral exchange");
  rate_key(larvae, "production_rate", "Larvae released per unit meiobenthos carbon", "0.0005 d-1");
  larvae.real("mortality_rate", kRate, "Larval mortality").greater_than(0.0).default_value("0.05 d-1");
  rate_key(larvae, "settlement_rate", "Settlement into a meiobenthos group at zero stock (x its deficit)", "0.1 d-1");
  larvae.real("lateral_diffusivity", kDiffusivity, "Lateral exchange of larvae between seabed cells")
      .min(0.0)
      .default_value("4e-3 m^2/s");
  auto& deposit = block.object("deposit", "Re-deposited sediment as food and the layer erosion removes");
  fraction_key(deposit, "organic_content", "Organic carbon mass fraction of the deposit", 0.003);
  fraction_key(deposit, "labile_fraction", "Fraction of the deposit's organic carbon that is food", 0.1);
  deposit.real("active_layer_mass", kMassPerArea, "Dry mass per area of the surface layer that holds the fauna")
      .greater_than(0.0)
      .default_value("5 kg/m^2");
  block.object("turbidity", "Near-bed suspended sediment effects")
      .real("half_concentration", kDensity, "Near-bed concentration at which the turbidity effects are half their largest")
      .greater_than(0.0)
      .default_value("10 mg/L");
  block.real("food_web_interval", kTime, "Inline: time between food-web steps (the disturbance acts every plume step)")
      .min(0.0)
      .default_value("30 min");
  auto& report = block.object("report", "Reported losses and recovery");
  report.reals("loss_thresholds", kDimensionless, "Losses (fractions of baseline) whose area is reported")
      .min_items(1)
      .greater_than(0.0)
      .less_than(1.0)
      .default_value(std::vector<double>{0.1, 0.5, 0.9});
  report.real("recovery_fraction", kDimensionless, "A cell has recovered when a group is back to this fraction of baseline")
      .greater_than(0.0)
      .max(1.0)
      .default_value(0.9);
}

std::vector<std::pair<int, std::string>> calibrate_to_baseline(FoodWebParameters& web) {
  std::vector<std::pair<int, std::string>> problems;
  web.baseline[kLarvae] = web.larval_production_rate * (web.baseline[kMeioEpi] + web.baseline[kMeioIn]) /
                          web.larval_mortality_rate;
  for (int g = kBacteria; g <= kMacro; ++g) web.groups[g].quadratic_mortality = 0.0;
  web.food_loss_rate = 0.0;
  double dcdt[kPools];
  food_web_tendency(web, web.baseline, 0.0, dcdt);
  // Each group's surplus at baseline is removed by density-dependent mortality (to food): q = surplus / B^2.
  for (int g = kBacteria; g <= kMacro; ++g) {
    const double b = web.baseline[g];
    if (dcdt[g] < 0.0) {
      problems.emplace_back(g, strformat("the food web cannot sustain this baseline: %s loses %.3g mg C m-2 d-1 at "
                                         "baseline before density-dependent mortality (raise its feeding or lower its "
                                         "losses or its predators)",
                                         kPoolNames[g], -dcdt[g] * kDay));
      continue;
    }
    web.groups[g].quadratic_mortality = dcdt[g] / (b * b);
  }
  food_web_tendency(web, web.baseline, 0.0, dcdt);
  if (dcdt[kFood] < 0.0) {
    problems.emplace_back(kFood, strformat("the food web cannot sustain this baseline: food is consumed %.3g mg C m-2 d-1 "
                                           "faster than organic_rain and recycling supply it",
                                           -dcdt[kFood] * kDay));
  } else {
    web.food_loss_rate = dcdt[kFood] / web.baseline[kFood];
  }
  return problems;
}

BenthosSettings settings_from_config(const config::ConfigView& block) {
  BenthosSettings s;
  auto& w = s.web;
  const auto baseline = block.child("baseline");
  for (int pool = kFood; pool < kLarvae; ++pool) w.baseline[pool] = baseline.real(kPoolNames[pool]) * kMgPerKg;
  w.organic_rain = block.real("organic_rain") * kMgPerKg;
  for (int g = kBacteria; g <= kMacro; ++g) w.groups[g] = group_from_config(block.child(kPoolNames[g]));
  w.macro_predation_rate = block.child("macrobenthos").real("predation_rate");
  const auto larvae = block.child("larvae");
  w.larval_production_rate = larvae.real("production_rate");
  w.larval_mortality_rate = larvae.real("mortality_rate");
  w.larval_settlement_rate = larvae.real("settlement_rate");
  w.larval_diffusivity = larvae.real("lateral_diffusivity");
  const auto deposit = block.child("deposit");
  w.deposit_organic_content = deposit.real("organic_content");
  w.deposit_labile_fraction = deposit.real("labile_fraction");
  w.active_layer_mass = deposit.real("active_layer_mass");
  w.turbidity_half_concentration = block.child("turbidity").real("half_concentration");
  s.report.loss_fractions = block.child("report").reals("loss_thresholds");
  s.report.recovery_fraction = block.child("report").real("recovery_fraction");
  s.food_web_interval = block.real("food_web_interval");
  const auto problems = calibrate_to_baseline(w);
  if (!problems.empty()) {
    std::vector<Diagnostic> diagnostics;
    for (const auto& [pool, message] : problems) diagnostics.push_back(baseline.diagnostic(kPoolNames[pool], message));
    throw InputError(std::move(diagnostics));
  }
  return s;
}

BenthosSettings default_settings() {
  config::ObjectSpec schema;
  declare_food_web_schema(schema.object("benthos", "defaults"));
  const auto resolved = config::validate(YAML::Load("benthos: {}"), schema, "defaults");
  return settings_from_config(resolved.root().child("benthos"));
}

void declare_recovery_schema(config::ObjectSpec& root) {
  using namespace units;
  sim::declare_time_schema(root);
  grid::declare_stations_schema(root.key("output").object());
  auto& b = root.object("benthos", "Benthic ecosystem recovery after a finished plume run.");
  declare_food_web_schema(b);
  auto& source = b.object("source", "The finished plume run whose seabed outputs start the recovery");
  source.string("directory", "Output directory of a plume run with seabed_*.h5 (and benthos_*.h5 if run inline)")
      .required();
  source.real("deposit_dry_density", kDensity, "Dry bulk density turning the deposit thickness into mass (no inline state)")
      .greater_than(0.0)
      .default_value("1200 kg/m^3");
  b.real("time_step", kTime, "Integration step (the integrator is stable for any step; this sets its accuracy)")
      .greater_than(0.0)
      .default_value("30 d");
}

std::string last_series_file(const std::string& directory, const std::string& series) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(directory, error)) return {};
  const std::regex pattern(series + "_[0-9]{6}\\.h5");
  std::string last;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, pattern) && name > last) last = name;
  }
  return last.empty() ? std::string() : (fs::path(directory) / last).string();
}

void check_recovery(const config::ConfigView& root, std::vector<Diagnostic>& problems) {
  const auto block = root.child("benthos");
  const auto source = block.child("source");
  const std::string directory = source.string("directory");
  // A directory that does not exist yet is the output of a plume run still to come (the shipped case
  // follows the main job): `hadal check` accepts it and `run` stops there (run.cpp). One that exists must
  // hold seabed outputs now.
  if (std::filesystem::exists(directory) && !std::filesystem::is_directory(directory)) {
    problems.push_back(source.diagnostic("directory", "'" + directory + "' is not a directory"));
  } else if (std::filesystem::is_directory(directory) &&
             (last_series_file(directory, "seabed").empty() || !std::filesystem::exists(directory + "/grid.h5"))) {
    problems.push_back(source.diagnostic("directory", "'" + directory + "' holds no seabed outputs (seabed_NNNNNN.h5 and "
                                                                        "grid.h5 of an Eulerian plume run)"));
  }
  try {
    settings_from_config(block);
  } catch (const InputError& e) {
    problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
  }
}

SourceSettings source_from_config(const config::ConfigView& source) {
  SourceSettings s;
  s.directory = source.string("directory");
  s.deposit_dry_density = source.real("deposit_dry_density");
  return s;
}

double recovery_step_from_config(const config::ConfigView& block) { return block.real("time_step"); }

}  // namespace hadal::benthos
