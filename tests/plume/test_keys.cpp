// SPDX-License-Identifier: MIT
// Parsing of plume case files into settings: one constituent table and spelling with the ocean module,
// the deprecated spelling, and the encodings of deposition and limiter.
#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "numerics/tides.hpp"
#include "plume/keys.hpp"
#include "sim/driver.hpp"

using namespace hadal;
using namespace hadal::plume;

namespace {

/// A minimal valid plume case with `flow` and `extra` (YAML lines under plume:) spliced in.
config::ResolvedCase resolve(const std::string& flow, const std::string& extra = "") {
  const std::string text = R"(
case: {name: keys, type: plume}
grid: {extent: [100 m, 100 m], cells: [4, 4, 4], z_bottom: -110 m, z_top: -50 m}
bathymetry: {type: flat, depth: 100 m}
time: {end: 1 h}
plume:
  classes: [{name: fine, diameter: 10 um}]
  sources: [{path: [50 m, 50 m], rate: 1 kg/s, fractions: [1]}]
  flow:
)" + flow + extra;
  if (!sim::Registry::instance().find_case_type("plume")) sim::register_all_modules();
  const auto schema = sim::case_schema(*sim::Registry::instance().find_case_type("plume"));
  return config::validate(YAML::Load(text), schema, "keys.yaml");
}

}  // namespace

TEST(PlumeKeys, ConstituentNamesAndSpellingAsInTheOceanModule) {
  const auto c = resolve(R"(    type: tidal
    velocity: [1 cm/s, 0 cm/s]
    constituents:
      - {name: m2, u_amplitude: 2 cm/s, u_phase: 30 deg, v_amplitude: 1 cm/s, v_phase: 90 deg}
      - {name: Mf, u_amplitude: 1 mm/s}
)");
  const auto flow = flow_settings_from_config(c.root().child("plume"));
  ASSERT_EQ(flow.constituents.size(), 2u);
  EXPECT_EQ(flow.constituents[0].omega, numerics::constituent_frequency("M2"));
  EXPECT_DOUBLE_EQ(flow.constituents[0].amplitude_u, 0.02);
  EXPECT_DOUBLE_EQ(flow.constituents[0].amplitude_v, 0.01);
  EXPECT_DOUBLE_EQ(flow.constituents[0].phase_u, 30 * M_PI / 180);
  EXPECT_DOUBLE_EQ(flow.constituents[0].phase_v, M_PI / 2);
  EXPECT_EQ(flow.constituents[1].omega, numerics::constituent_frequency("MF"));  // one the old table lacked
  EXPECT_FALSE(flow.deprecated_constituent_spelling);
  EXPECT_DOUBLE_EQ(flow.mean_u, 0.01);
}

TEST(PlumeKeys, DeprecatedListSpellingGivesTheSameCurrent) {
  const auto c = resolve(R"(    type: tidal
    constituents:
      - {name: M2, amplitude: [2 cm/s, 1 cm/s], phase: [30 deg, 90 deg]}
)");
  const auto flow = flow_settings_from_config(c.root().child("plume"));
  ASSERT_EQ(flow.constituents.size(), 1u);
  EXPECT_TRUE(flow.deprecated_constituent_spelling);
  EXPECT_DOUBLE_EQ(flow.constituents[0].amplitude_u, 0.02);
  EXPECT_DOUBLE_EQ(flow.constituents[0].amplitude_v, 0.01);
  EXPECT_DOUBLE_EQ(flow.constituents[0].phase_u, 30 * M_PI / 180);
  EXPECT_DOUBLE_EQ(flow.constituents[0].phase_v, M_PI / 2);
}

TEST(PlumeKeys, MixedSpellingsAndUnknownNamesAreInputErrors) {
  const auto mixed = resolve(R"(    type: tidal
    constituents:
      - {name: M2, amplitude: [2 cm/s, 1 cm/s], u_amplitude: 2 cm/s}
)");
  try {
    flow_settings_from_config(mixed.root().child("plume"));
    FAIL() << "both spellings accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("plume.flow.constituents[0].amplitude"), std::string::npos) << e.what();
  }
  const auto unknown = resolve(R"(    type: tidal
    constituents:
      - {name: X9, u_amplitude: 2 cm/s}
)");
  try {
    flow_settings_from_config(unknown.root().child("plume"));
    FAIL() << "unknown constituent accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown constituent 'X9'"), std::string::npos) << e.what();
  }
  // Your own constituent: a name plus its period.
  const auto own = resolve(R"(    type: tidal
    constituents:
      - {name: X9, period: 10 h, u_amplitude: 2 cm/s}
)");
  EXPECT_DOUBLE_EQ(flow_settings_from_config(own.root().child("plume")).constituents[0].omega, 2 * M_PI / 36000.0);
}

TEST(PlumeKeys, DepositionLimiterAndMethod) {
  const auto c = resolve("    type: uniform\n", R"(  deposition: {type: krone, critical_shear: 0.05 Pa}
  advection: {limiter: mc}
  method: both
)");
  const auto plume = c.root().child("plume");
  const auto s = plume_settings_from_config(plume);
  EXPECT_EQ(s.deposition, Deposition::Krone);
  EXPECT_DOUBLE_EQ(s.critical_shear_deposition, 0.05);
  EXPECT_EQ(s.limiter, numerics::Limiter::MonotonizedCentral);
  EXPECT_TRUE(s.needs_bed_stress());
  EXPECT_EQ(method_from_config(plume), Method::Both);
  const auto reflecting = resolve("    type: uniform\n", "  deposition: {type: none}\n");
  const auto r = plume_settings_from_config(reflecting.root().child("plume"));
  EXPECT_EQ(r.deposition, Deposition::None);
  EXPECT_FALSE(r.needs_bed_stress());
  EXPECT_GT(r.classes[0].settling_velocity, 0.0);  // resolved from the default law
}
