// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include <stdexcept>

#include "core/units.hpp"

using namespace hadal::units;

TEST(Units, ParsesCommonQuantities) {
  EXPECT_DOUBLE_EQ(parse_quantity("2 cm/s").value, 0.02);
  EXPECT_EQ(parse_quantity("2 cm/s").dimension, kVelocity);
  EXPECT_DOUBLE_EQ(parse_quantity("12.42 h").value, 12.42 * 3600);
  EXPECT_DOUBLE_EQ(parse_quantity("2 mg/L").value, 2e-3);  // 2 mg/L = 2 g/m3
  EXPECT_EQ(parse_quantity("2 mg/L").dimension, kDensity);
  EXPECT_DOUBLE_EQ(parse_quantity("3500 kg/m^3").value, 3500.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1 m s-1").value, 1.0);
  EXPECT_EQ(parse_quantity("1 m s-1").dimension, kVelocity);
  EXPECT_EQ(parse_quantity("30 W/m/K").dimension, kThermalConductivity);
  EXPECT_DOUBLE_EQ(parse_quantity("7.63 MPa").value, 7.63e6);
  EXPECT_DOUBLE_EQ(parse_quantity("720 m^3/h").value, 0.2);
  EXPECT_DOUBLE_EQ(parse_quantity("5000 t/d").value, 5e6 / 86400.0);
  EXPECT_DOUBLE_EQ(parse_quantity("0 degC").value, 273.15);
  EXPECT_DOUBLE_EQ(parse_quantity("75 um").value, 75e-6);
}

TEST(Units, BareNumbersHaveNoDimension) {
  EXPECT_FALSE(has_unit("1.5e3"));
  EXPECT_TRUE(has_unit("1.5e3 m"));
  EXPECT_EQ(parse_quantity("-4.5").dimension, kDimensionless);
}

TEST(Units, RejectsUnknownUnitsAndGarbage) {
  EXPECT_THROW(parse_quantity("3 furlongs"), std::invalid_argument);
  EXPECT_THROW(parse_quantity("fast"), std::invalid_argument);
  EXPECT_THROW(parse_quantity("2 m^x"), std::invalid_argument);
}

TEST(Units, SiSymbols) {
  EXPECT_EQ(kVelocity.si_symbol(), "m s-1");
  EXPECT_EQ(kDensity.si_symbol(), "kg m-3");
  EXPECT_EQ(kDimensionless.si_symbol(), "1");
}
