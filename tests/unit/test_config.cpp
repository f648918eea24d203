// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include "core/config.hpp"

using namespace hadal;
using namespace hadal::config;

namespace {

ObjectSpec example_schema() {
  ObjectSpec root;
  auto& plume = root.object("plume", "test");
  plume.real("speed", units::kVelocity, "current").greater_than(0.0).default_value("2 cm/s");
  plume.integer("cells", "count").min(1).required();
  plume.enumeration("law", {"stokes", "ferguson_church"}, "settling").default_value("stokes");
  plume.real("diameter", units::kLength, "grain").only_when("law", {"ferguson_church"}).default_value(1e-3);
  auto& source = plume.object_list("sources", "sources");
  source.real("rate", units::kMassRate, "rate").min(0.0).required();
  source.reals("position", units::kLength, "xyz").items(3).required();
  return root;
}

std::vector<Diagnostic> problems_of(const std::string& text) {
  try {
    validate(YAML::Load(text), example_schema(), "case.yaml");
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

}  // namespace

TEST(Config, ResolvesDefaultsAndUnitsToSi) {
  const auto resolved = validate(YAML::Load("plume:\n  cells: 4\n  sources:\n    - {rate: 3 g/s, position: [1 km, 2, 3]}\n"),
                                 example_schema(), "case.yaml");
  const auto plume = resolved.root().child("plume");
  EXPECT_DOUBLE_EQ(plume.real("speed"), 0.02);
  EXPECT_EQ(plume.integer("cells"), 4);
  EXPECT_EQ(plume.string("law"), "stokes");
  EXPECT_FALSE(plume.has("diameter"));  // only_when not met: no default filled in
  const auto sources = plume.children("sources");
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_DOUBLE_EQ(sources[0].real("rate"), 3e-3);
  EXPECT_DOUBLE_EQ(sources[0].reals("position")[0], 1000.0);
  EXPECT_EQ(sources[0].path("rate"), "plume.sources[0].rate");
}

TEST(Config, UnknownKeySuggestsTheNearestAndGivesLine) {
  const auto p = problems_of("plume:\n  cells: 4\n  sped: 1\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].key, "plume.sped");
  EXPECT_EQ(p[0].line, 3);
  EXPECT_EQ(p[0].column, 3);
  EXPECT_NE(p[0].message.find("did you mean 'speed'"), std::string::npos) << p[0].message;
}

TEST(Config, ReportsEveryProblemAtOnce) {
  const auto p = problems_of("plume:\n  cells: -2\n  speed: 3 kg\n  law: stoks\n  sources:\n    - {rate: -1, position: [1, 2]}\n");
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0].key, "plume.speed");
  EXPECT_NE(p[0].message.find("[m s-1]"), std::string::npos) << p[0].message;
  EXPECT_EQ(p[1].key, "plume.cells");
  EXPECT_NE(p[1].message.find("out of range"), std::string::npos);
  EXPECT_EQ(p[2].key, "plume.law");
  EXPECT_NE(p[2].message.find("did you mean 'stokes'"), std::string::npos);
  EXPECT_EQ(p[3].key, "plume.sources[0].rate");
  EXPECT_EQ(p[4].key, "plume.sources[0].position");
  EXPECT_EQ(p[4].line, 6);
}

TEST(Config, MissingRequiredAndWrongTypes) {
  auto p = problems_of("plume:\n  speed: [1, 2]\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].message.find("found a list"), std::string::npos);
  EXPECT_EQ(p[1].key, "plume.cells");
  EXPECT_NE(p[1].message.find("missing required key"), std::string::npos);
  p = problems_of("plume:\n  cells: 2.5\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].message.find("expected integer"), std::string::npos);
}

TEST(Config, ConditionalKeyGivenWhenItDoesNotApply) {
  const auto p = problems_of("plume:\n  cells: 1\n  diameter: 1 mm\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].message.find("applies only when 'law' is ferguson_church"), std::string::npos);
}

TEST(Config, DuplicateKeysAreRejected) {
  const auto p = problems_of("plume:\n  cells: 1\n  cells: 2\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].message.find("given twice"), std::string::npos);
}

TEST(Config, OverridesFollowPaths) {
  YAML::Node raw = YAML::Load("plume:\n  cells: 4\n  sources:\n    - {rate: 1, position: [1, 2, 3]}\n");
  apply_override(raw, "plume.sources[0].rate=5 kg/s");
  apply_override(raw, "plume.speed=0.1");
  const auto plume = validate(raw, example_schema(), "x").root().child("plume");
  EXPECT_DOUBLE_EQ(plume.children("sources")[0].real("rate"), 5.0);
  EXPECT_DOUBLE_EQ(plume.real("speed"), 0.1);
  EXPECT_THROW(apply_override(raw, "plume.sources[3].rate=1"), InputError);
  EXPECT_THROW(apply_override(raw, "no_equals_sign"), InputError);
}

TEST(Config, DiagnosticsOfSemanticChecksCarryTheLine) {
  const auto resolved = validate(YAML::Load("plume:\n  cells: 4\n  sources:\n    - rate: 1\n      position: [1, 2, 3]\n"),
                                 example_schema(), "case.yaml");
  const auto source = resolved.root().child("plume").children("sources")[0];
  const Diagnostic d = source.diagnostic("position", "is under the seabed");
  EXPECT_EQ(d.file, "case.yaml");
  EXPECT_EQ(d.line, 5);
  EXPECT_EQ(d.format(), "case.yaml:5:17: plume.sources[0].position: is under the seabed");
}

TEST(Config, DidYouMean) {
  EXPECT_EQ(did_you_mean("diffusivty", {"diffusivity", "density"}), "diffusivity");
  EXPECT_EQ(did_you_mean("zzzz", {"diffusivity", "density"}), "");
}

TEST(Config, AssigningAViewRebindsItAndLeavesTheTreeAlone) {
  const auto resolved = validate(YAML::Load("plume:\n  cells: 4\n  sources:\n    - {rate: 1, position: [1, 2, 3]}\n"),
                                 example_schema(), "case.yaml");
  ConfigView view = resolved.root().child("plume");
  view = resolved.root().child("plume").children("sources")[0];
  EXPECT_DOUBLE_EQ(view.real("rate"), 1.0);
  EXPECT_EQ(resolved.root().child("plume").integer("cells"), 4);  // the plume block is intact
}
