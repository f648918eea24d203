// SPDX-License-Identifier: MIT
/// \file keys.hpp
/// \brief Every case-file key of the benthos module: the food-web block (inline `plume.benthos:` and
/// offline `benthos:`), the offline `benthos.recovery` case type, their checks and their parsing.
#pragma once

#include <string>
#include <vector>

#include "benthos/settings.hpp"
#include "core/config.hpp"

namespace hadal::benthos {

/// The food-web, disturbance and report keys (the block of a seabed model and of the offline case).
void declare_food_web_schema(config::ObjectSpec& block);
/// Parses the block and calibrates the derived rates (throws InputError naming the key on failure).
BenthosSettings settings_from_config(const config::ConfigView& block);
/// Derives the larval baseline, the density-dependent mortalities and the food loss rate that make the
/// baseline stocks a steady state. Returns, per problem, the pool whose baseline cannot be sustained.
std::vector<std::pair<int, std::string>> calibrate_to_baseline(FoodWebParameters& web);
/// The defaults of the block as parsed settings (for tests and benchmarks without a case file).
BenthosSettings default_settings();

/// Offline case `benthos.recovery`: grid-free schema (the grid comes from the plume run), time, stations.
void declare_recovery_schema(config::ObjectSpec& root);
/// The source directory holds a finished plume run's seabed outputs; the web can hold its baseline.
void check_recovery(const config::ConfigView& root, std::vector<Diagnostic>& problems);
SourceSettings source_from_config(const config::ConfigView& source);
/// Largest step of the offline integration (s).
double recovery_step_from_config(const config::ConfigView& block);
/// Path of the last `<series>_NNNNNN.h5` file in `directory`, or empty if there is none.
std::string last_series_file(const std::string& directory, const std::string& series);

}  // namespace hadal::benthos
