// SPDX-License-Identifier: MIT
/// \file units.hpp
/// \brief Physical dimensions and parsing of quantity strings such as "2 cm/s" into SI values.
#pragma once

#include <string>

namespace hadal::units {

/// Exponents of the SI base dimensions a quantity carries (length, mass, time, temperature).
struct Dimension {
  int length = 0, mass = 0, time = 0, temperature = 0;

  bool operator==(const Dimension& o) const {
    return length == o.length && mass == o.mass && time == o.time && temperature == o.temperature;
  }
  bool operator!=(const Dimension& o) const { return !(*this == o); }
  Dimension operator*(const Dimension& o) const {
    return {length + o.length, mass + o.mass, time + o.time, temperature + o.temperature};
  }
  Dimension operator/(const Dimension& o) const {
    return {length - o.length, mass - o.mass, time - o.time, temperature - o.temperature};
  }
  /// SI spelling, e.g. "m s-1" (UDUNITS style, used in HDF5 `units` attributes).
  std::string si_symbol() const;
};

// Dimensions the case files use. Compose others with * and /.
inline constexpr Dimension kDimensionless{};
inline constexpr Dimension kLength{1, 0, 0, 0};
inline constexpr Dimension kMass{0, 1, 0, 0};
inline constexpr Dimension kTime{0, 0, 1, 0};
inline constexpr Dimension kTemperature{0, 0, 0, 1};
inline constexpr Dimension kArea{2, 0, 0, 0};
inline constexpr Dimension kVolume{3, 0, 0, 0};
inline constexpr Dimension kVelocity{1, 0, -1, 0};
inline constexpr Dimension kAcceleration{1, 0, -2, 0};
inline constexpr Dimension kFrequency{0, 0, -1, 0};
inline constexpr Dimension kDensity{-3, 1, 0, 0};          ///< also mass concentration
inline constexpr Dimension kMassRate{0, 1, -1, 0};
inline constexpr Dimension kVolumeRate{3, 0, -1, 0};
inline constexpr Dimension kMassPerArea{-2, 1, 0, 0};
inline constexpr Dimension kDiffusivity{2, 0, -1, 0};     ///< also kinematic viscosity
inline constexpr Dimension kPressure{-1, 1, -2, 0};        ///< also stress
inline constexpr Dimension kDynamicViscosity{-1, 1, -1, 0};
inline constexpr Dimension kEnergy{2, 1, -2, 0};
inline constexpr Dimension kPower{2, 1, -3, 0};
inline constexpr Dimension kHeatFlux{0, 1, -3, 0};         ///< W m-2
inline constexpr Dimension kThermalConductivity{1, 1, -3, -1};
inline constexpr Dimension kSpecificHeat{2, 0, -2, -1};
inline constexpr Dimension kThermalExpansivity{0, 0, 0, -1};
inline constexpr Dimension kSpecificEnergy{2, 0, -2, 0};   ///< J kg-1 (latent heat)
inline constexpr Dimension kPowerPerMass{2, 0, -3, 0};     ///< W kg-1 (radiogenic heating)

/// A parsed quantity in SI units.
struct Quantity {
  double value = 0.0;
  Dimension dimension;
};

/// Parses "<number> [unit expression]", e.g. "2 cm/s", "1.5e3 kg/m^3", "12.42 h", "3 mg/L", "1300 degC".
/// Unit expressions are products/quotients of known symbols with optional integer powers ("W/m/K",
/// "m^2/s", "m s-1"). A bare number has no unit (the caller decides what that means).
/// Throws std::invalid_argument with a human-readable reason on failure.
Quantity parse_quantity(const std::string& text);

/// True when `text` carries a unit after its number.
bool has_unit(const std::string& text);

/// The list of recognised unit symbols, for documentation and error messages.
std::string known_units();

}  // namespace hadal::units
