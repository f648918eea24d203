// SPDX-License-Identifier: MIT
/// \file settings.hpp
/// \brief Settings of the benthic ecosystem model: the food-web parameters (plain data, device-copyable),
/// the baseline stocks, the disturbance responses, and the outputs of the offline recovery case.
///
/// Units inside the model: carbon stocks in mg C m-2, time in s, rates in s-1, lengths in m,
/// sediment masses in kg m-2, concentrations in kg m-3.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace hadal::benthos {

/// The carbon pools of one seabed cell, in the order of the state vector.
enum Pool : int { kFood = 0, kBacteria, kNano, kMeioEpi, kMeioIn, kMacro, kLarvae, kPools };

/// Case-file names of the pools (also the names of the output fields).
inline const std::array<const char*, kPools> kPoolNames = {
    "food", "bacteria", "nanobenthos", "meiobenthos_epifauna", "meiobenthos_infauna", "macrobenthos", "larvae"};

/// One consumer group: feeding (Holling type II on its prey), metabolism, mortality and its responses to
/// the disturbance. For bacteria `grazing_rate` is the uptake of food and `assimilation` is 1.
struct GroupParameters {
  double grazing_rate = 0.0;            ///< s-1, maximum ingestion per unit consumer carbon
  double half_saturation_ratio = 1.0;   ///< half-saturation prey stock / the prey's baseline stock
  double assimilation = 1.0;            ///< fraction of ingestion assimilated (the rest is egested to food)
  double growth_efficiency = 0.0;       ///< fraction of assimilation turned into biomass (the rest respired)
  double respiration_rate = 0.0;        ///< s-1, basal (maintenance) respiration
  double mortality_rate = 0.0;          ///< s-1, linear mortality to food
  double quadratic_mortality = 0.0;     ///< m2 mg-1 s-1, density-dependent mortality (derived from the baseline)
  double burial_sensitivity = 0.0;      ///< largest fraction a deep burial kills, [0, 1]
  double burial_half_thickness = 1.0;   ///< m of effective burial that kills half of `burial_sensitivity`
  double burial_steepness = 2.0;        ///< Hill exponent of the dose-response
  double escape_velocity = 0.0;         ///< m s-1 of deposit the group can move up through (rate tolerance)
  double turbidity_sensitivity = 0.0;   ///< largest fractional reduction of feeding under turbidity, [0, 1]
  double washout_rate = 0.0;            ///< s-1, removal by the near-bed turbid flow at saturating turbidity
};

/// The food web of one cell and how a re-deposit, erosion and turbidity act on it.
struct FoodWebParameters {
  double baseline[kPools] = {};   ///< undisturbed stocks, mg C m-2 (larvae derived)
  double organic_rain = 0.0;               ///< mg C m-2 s-1 of labile organic carbon settling from above
  double food_loss_rate = 0.0;             ///< s-1, derived: labile carbon buried or turned refractory
  GroupParameters groups[kPools] = {};  ///< bacteria .. macrobenthos (food and larvae unused)
  double macro_predation_rate = 0.0;       ///< s-1, macrobenthos predation on each meiobenthos group
  double larval_production_rate = 0.0;     ///< s-1, larvae released per unit meiobenthos carbon
  double larval_mortality_rate = 0.0;      ///< s-1
  double larval_settlement_rate = 0.0;     ///< s-1, settlement into a meiobenthos group at zero stock
  double larval_diffusivity = 0.0;         ///< m2 s-1, lateral exchange of larvae between cells
  double deposit_organic_content = 0.0;    ///< kg C per kg of deposited dry sediment
  double deposit_labile_fraction = 0.0;    ///< fraction of that carbon available as food
  double active_layer_mass = 1.0;          ///< kg m-2 of the surface sediment that holds the fauna
  double turbidity_half_concentration = 1.0;  ///< kg m-3 of near-bed sediment that halves the turbidity effects
};

/// What is reported: loss thresholds and the recovery threshold (fractions of baseline).
struct ReportSettings {
  std::vector<double> loss_fractions{0.1, 0.5, 0.9};
  double recovery_fraction = 0.9;
};

/// Everything the model takes from its block.
struct BenthosSettings {
  FoodWebParameters web;
  ReportSettings report;
  double food_web_interval = 0.0;  ///< s between food-web steps inline (the disturbance acts every step)
};

/// Offline recovery case: where the finished plume run is and how its deposit is read.
struct SourceSettings {
  std::string directory;
  double deposit_dry_density = 1200.0;  ///< kg m-3: deposit thickness -> deposited mass without inline state
};

}  // namespace hadal::benthos
