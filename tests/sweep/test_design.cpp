// SPDX-License-Identifier: MIT
// Sweep designs: quantiles against closed forms, Latin-hypercube stratification, expansion of a
// sweep file into members, validation of every member, and queue-script settings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.hpp"
#include "support/test_files.hpp"
#include "sweep/queue.hpp"
#include "sweep/sweep.hpp"
#include "sweep/util.hpp"

using namespace hadal;
using namespace hadal::sweep;
namespace fs = std::filesystem;

namespace {

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// A test's scratch directory (hadal_test::scratch_directory), removed when the test has passed and kept
/// for a look after a failure.
struct Scratch {
  std::string name;
  fs::path path;
  explicit Scratch(const std::string& test) : name("sweep_design_" + test), path(hadal_test::scratch_directory(name)) {}
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() {
    if (!::testing::Test::HasFailure()) hadal_test::remove_scratch_directory(name);
  }
  fs::path operator/(const std::string& leaf) const { return path / leaf; }
};

Scratch scratch(const std::string& name) { return Scratch(name); }

std::string write(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

const std::string kBase = std::string(HADAL_SOURCE_DIR) + "/cases/verification/diffusion.yaml";

std::string error_text(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.format() + "\n";
    return all;
  }
  return "";
}

}  // namespace

TEST(Quantile, StandardNormalMatchesTabulatedValues) {
  // Reference values of the normal quantile (Wichura 1988, AS 241, to 16 digits).
  EXPECT_NEAR(standard_normal_quantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(standard_normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(standard_normal_quantile(0.001), -3.090232306167813, 1e-13);
  EXPECT_NEAR(standard_normal_quantile(1e-10), -6.361340902404056, 1e-12);
  EXPECT_NEAR(standard_normal_quantile(0.9), 1.281551565544601, 1e-14);
}

TEST(Quantile, InvertsTheNormalCdfToRoundOff) {
  double worst = 0.0;
  for (double p = 1e-12; p < 1.0; p = p < 0.5 ? p * 3.0 : 1.0 - (1.0 - p) / 3.0) {
    if (p > 0.5 && 1.0 - p < 1e-12) break;
    const double x = standard_normal_quantile(p);
    // The tail probability is the accurate quantity on either side.
    const double err = p < 0.5 ? std::abs(normal_cdf(x) - p) / p : std::abs((1.0 - normal_cdf(x)) - (1.0 - p)) / (1.0 - p);
    worst = std::max(worst, err);
  }
  std::printf("normal quantile: worst relative round-trip error %.2e\n", worst);
  EXPECT_LT(worst, 1e-12);
}

TEST(Quantile, OtherDistributionsMatchClosedForms) {
  Distribution u{DistributionType::Uniform};
  u.low = 2.0;
  u.high = 6.0;
  EXPECT_DOUBLE_EQ(quantile(u, 0.25), 3.0);
  Distribution lu{DistributionType::LogUniform};
  lu.low = 1e-3;
  lu.high = 1e-1;
  EXPECT_NEAR(quantile(lu, 0.5), 1e-2, 1e-16);  // geometric mean of the ends
  Distribution ln{DistributionType::LogNormal};
  ln.median = 30e-6;
  ln.sigma = 0.5;
  EXPECT_NEAR(quantile(ln, 0.5), 30e-6, 1e-20);
  EXPECT_NEAR(quantile(ln, normal_cdf(1.0)), 30e-6 * std::exp(0.5), 1e-18);
  Distribution t{DistributionType::Triangular};
  t.low = 0.0;
  t.mode = 1.0;
  t.high = 4.0;
  // CDF: x^2/(4*1) below the mode, 1 - (4-x)^2/(4*3) above.
  for (double p : {0.05, 0.2, 0.25, 0.6, 0.99}) {
    const double x = quantile(t, p);
    const double cdf = x < 1.0 ? x * x / 4.0 : 1.0 - (4.0 - x) * (4.0 - x) / 12.0;
    EXPECT_NEAR(cdf, p, 1e-14) << p;
  }
}

TEST(LatinHypercube, EveryStratumHoldsExactlyOnePointPerDimension) {
  const std::size_t n = 97, dims = 5;
  const auto design = latin_hypercube(n, dims, 42);
  ASSERT_EQ(design.size(), n);
  for (std::size_t k = 0; k < dims; ++k) {
    std::set<long> strata;
    double mean = 0.0;
    for (const auto& point : design) {
      ASSERT_GT(point[k], 0.0);
      ASSERT_LT(point[k], 1.0);
      strata.insert(static_cast<long>(std::floor(point[k] * n)));
      mean += point[k] / n;
    }
    EXPECT_EQ(strata.size(), n) << "dimension " << k;
    // One point per stratum bounds the sample mean of U(0,1) to within 1/(2n) of 1/2 - a property
    // plain Monte Carlo (error ~ 0.29/sqrt(n)) does not have.
    EXPECT_LT(std::abs(mean - 0.5), 0.5 / n) << "dimension " << k;
  }
}

TEST(LatinHypercube, IsReproducibleFromTheSeed) {
  EXPECT_EQ(latin_hypercube(20, 3, 7), latin_hypercube(20, 3, 7));
  EXPECT_NE(latin_hypercube(20, 3, 7), latin_hypercube(20, 3, 8));
  // Pinned first value: the generator is fully specified, so this holds on every platform.
  Random r(1);
  const double first = r.uniform();
  EXPECT_GT(first, 0.0);
  Random again(1);
  EXPECT_EQ(first, again.uniform());
}

TEST(Expand, GridOfListsRangesAndLogRanges) {
  const auto dir = scratch("grid");
  const auto file = write(dir / "s.yaml", "name: g\nbase: " + kBase + R"(
set: {time.end: 10 min}
parameters:
  - name: mass
    key: diffusion.mass
    values: [1 kg, 2 kg, 4 kg]
  - name: kx
    key: diffusion.diffusivity[0]
    log_range: {from: 0.01 m^2/s, to: 1 m^2/s, count: 3}
  - name: age
    key: diffusion.age
    range: {from: 1 h, to: 2 h, step: 30 min}
)");
  const SweepSpec spec = read_sweep(file);
  const auto members = expand(spec);
  ASSERT_EQ(members.size(), 27u);
  EXPECT_EQ(members[0].id, "m0000");
  EXPECT_EQ(members[26].id, "m0026");
  // First parameter slowest, last fastest.
  EXPECT_EQ(members[0].values[0].label, "1 kg");
  EXPECT_EQ(members[9].values[0].label, "2 kg");
  EXPECT_DOUBLE_EQ(*members[9].values[0].si, 2.0);
  EXPECT_DOUBLE_EQ(*members[1].values[2].si, 5400.0);
  EXPECT_DOUBLE_EQ(*members[2].values[2].si, 7200.0);
  EXPECT_DOUBLE_EQ(*members[3].values[1].si, 0.1);  // geometric midpoint of 0.01..1
  EXPECT_DOUBLE_EQ(*members[6].values[1].si, 1.0);
  // Generated values carry their SI unit so the case validator still checks the dimension.
  EXPECT_EQ(members[1].values[2].yaml, "5400 s");
  const auto& o = members[1].overrides;
  EXPECT_NE(std::find(o.begin(), o.end(), "time.end=10 min"), o.end());
  EXPECT_NE(std::find(o.begin(), o.end(), "diffusion.mass=1 kg"), o.end());
  EXPECT_NE(std::find(o.begin(), o.end(), "diffusion.age=5400 s"), o.end());
}

TEST(Expand, GroupsVaryTogetherAndSamplesCrossTheGrid) {
  const auto dir = scratch("groups");
  const auto file = write(dir / "s.yaml", "base: " + kBase + R"(
samples: 8
seed: 3
parameters:
  - {name: mass, key: diffusion.mass, values: [1 kg, 2 kg], group: season}
  - {name: age, key: diffusion.age, values: [1 h, 3 h], group: season, labels: [winter, summer]}
  - {name: kz, key: "diffusion.diffusivity[2]", distribution: {type: log_uniform, low: 1e-4 m^2/s, high: 1e-2 m^2/s}}
  - {name: kx, key: "diffusion.diffusivity[0]", distribution: {type: normal, mean: 0.1 m^2/s, std: 0.01 m^2/s}}
)");
  const auto members = expand(read_sweep(file));
  ASSERT_EQ(members.size(), 16u);  // 2 (grouped) x 8 samples
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(members[i].values[0].label, "1 kg");
    EXPECT_EQ(members[i].values[1].label, "winter");
    EXPECT_EQ(members[8 + i].values[1].label, "summer");
    // The same Latin-hypercube samples under each grid point.
    EXPECT_EQ(*members[i].values[2].si, *members[8 + i].values[2].si);
  }
  std::set<long> strata;
  for (std::size_t i = 0; i < 8; ++i) {
    const double kz = *members[i].values[2].si;
    ASSERT_GT(kz, 1e-4);
    ASSERT_LT(kz, 1e-2);
    strata.insert(static_cast<long>(std::floor(std::log(kz / 1e-4) / std::log(100.0) * 8)));
  }
  EXPECT_EQ(strata.size(), 8u);  // one sample per log-stratum
}

TEST(Expand, SpeedAndDirectionBecomeAVelocityVector) {
  const auto dir = scratch("vector");
  const auto base = write(dir / "base.yaml", R"(case: {name: v, type: diffusion}
grid: {extent: [400 m, 320 m], cells: [8, 8, 4], z_bottom: -1620 m, z_top: -1580 m}
time: {end: 1 h}
diffusion: {diffusivity: [0.1 m^2/s, 0.05 m^2/s, 1e-3 m^2/s], mass: 10 kg, center: [200 m, 160 m, -1600 m], age: 1 h}
flow: {velocity: [0, 0]}
)");
  const auto file = write(dir / "s.yaml", "base: base.yaml\n" R"(parameters:
  - {name: speed, values: [2 cm/s]}
  - {name: direction, values: [0 deg, 90 deg, 225 deg]}
vectors:
  - {key: flow.velocity, speed: speed, direction: direction}
)");
  const auto members = expand(read_sweep(file));
  ASSERT_EQ(members.size(), 3u);
  auto vector_of = [](const Member& m) {
    const std::string& o = m.overrides.back();
    double u = 0, v = 0;
    EXPECT_EQ(std::sscanf(o.c_str(), "flow.velocity=[%lf m s-1, %lf m s-1]", &u, &v), 2) << o;
    return std::make_pair(u, v);
  };
  // Towards north, towards east, towards south-west.
  EXPECT_NEAR(vector_of(members[0]).first, 0.0, 1e-18);
  EXPECT_NEAR(vector_of(members[0]).second, 0.02, 1e-17);
  EXPECT_NEAR(vector_of(members[1]).first, 0.02, 1e-17);
  EXPECT_NEAR(vector_of(members[2]).first, -0.02 / std::sqrt(2.0), 1e-17);
  EXPECT_NEAR(vector_of(members[2]).second, -0.02 / std::sqrt(2.0), 1e-17);
}

TEST(Expand, ReportsEveryProblemWithItsLine) {
  const auto dir = scratch("bad");
  const auto file = write(dir / "s.yaml", "base: " + kBase + R"(
parameters:
  - {name: mass, key: diffusion.mass, valuess: [1 kg]}
  - {name: kx, key: "diffusion.diffusivity[7]", values: [1, 2 m]}
  - {name: kz, key: diffusion.age, log_range: {from: 0 h, to: 2 h, count: 3}}
  - {name: a, key: diffusion.age, distribution: {type: gaussian, mean: 1}}
  - {name: b, key: diffusion.age, distribution: {type: uniform, low: 2 h, high: 1 h}}
)");
  const std::string text = error_text([&] { read_sweep(file); });
  std::printf("%s", text.c_str());
  EXPECT_NE(text.find("s.yaml:3:39: parameters[0].valuess: unknown key; did you mean 'values'?"), std::string::npos);
  EXPECT_NE(text.find("parameters[1].key"), std::string::npos);        // no list item [7]
  EXPECT_EQ(text.find("parameters[1].values[1]"), std::string::npos);  // a bare number is SI: no clash
  EXPECT_NE(text.find("positive ends"), std::string::npos);
  EXPECT_NE(text.find("unknown distribution 'gaussian'"), std::string::npos);
  EXPECT_NE(text.find("parameters[4].distribution.high: must be greater than low"), std::string::npos);
  // A distribution needs a Latin-hypercube size.
  const auto no_samples = write(dir / "n.yaml", "base: " + kBase +
                                "\nparameters:\n  - {key: diffusion.age, distribution: {type: uniform, low: 1 h, high: 2 h}}\n");
  EXPECT_NE(error_text([&] { read_sweep(no_samples); }).find("samples: required"), std::string::npos);
}

TEST(Members, EveryMemberIsValidatedBeforeAnythingRuns) {
  const auto dir = scratch("validate");
  const auto file = write(dir / "s.yaml", "base: " + kBase + "\ndirectory: " + (dir / "out").string() + R"(
parameters:
  - {name: mass, key: diffusion.mass, values: [1 kg, -1 kg]}
  - {name: center, key: diffusion.center, values: [[200 m, 160 m, -1600 m], [900 m, 160 m, -1600 m]], labels: [in, out]}
)");
  const SweepSpec spec = read_sweep(file);
  const std::string text = error_text([&] { write_members(spec, expand(spec)); });
  std::printf("%s", text.c_str());
  EXPECT_EQ(text.find("m0000.yaml"), std::string::npos);
  EXPECT_NE(text.find("m0001.yaml"), std::string::npos);  // release outside the box (module check)
  EXPECT_NE(text.find("m0002.yaml"), std::string::npos);  // negative mass (schema range)
  EXPECT_NE(text.find("m0003.yaml"), std::string::npos);
  EXPECT_NE(text.find("diffusion.mass"), std::string::npos);
  EXPECT_NE(text.find("diffusion.center"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "out" / "manifest.json"));
}

TEST(Queue, WallTimesAndLimits) {
  EXPECT_EQ(parse_duration("04:00:00"), 14400);
  EXPECT_EQ(parse_duration("1-00:30:00"), 88200);
  EXPECT_EQ(parse_duration("10 min"), 600);
  EXPECT_EQ(format_hms(90061), "25:01:01");
  EXPECT_THROW(parse_duration("4 kg"), std::invalid_argument);
  SiteProfile site;
  site.max_wall_time = 3600 * 24;
  EXPECT_THROW(apply_job_options(site, {{"--time", "48:00:00"}}), InputError);
  EXPECT_THROW(apply_job_options(site, {{"--nodes", "two"}}), InputError);
  apply_job_options(site, {{"--time", "12:00:00"}, {"--nodes", "4"}});
  EXPECT_EQ(site.nodes, 4);
}
