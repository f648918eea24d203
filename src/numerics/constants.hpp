// SPDX-License-Identifier: MIT
/// \file constants.hpp
/// \brief Mathematical and physical constants used by more than one module (SI units). A value a user
/// may want to change (gravity in a case file, the von Karman constant of a closure) enters as the
/// default of a key; the constant here is that default, written once.
#pragma once

namespace hadal::numerics {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kDegree = kPi / 180.0;          ///< radians per degree

inline constexpr double kStandardGravity = 9.81;        ///< m s-2 (the customary rounded value)
inline constexpr double kVonKarman = 0.41;              ///< law-of-the-wall constant
inline constexpr double kEarthRadius = 6371000.0;       ///< m, mean radius (IUGG)
inline constexpr double kEarthRotationRate = 7.2921e-5; ///< rad s-1, sidereal

inline constexpr double kSecondsPerHour = 3600.0;
inline constexpr double kSecondsPerDay = 86400.0;

}  // namespace hadal::numerics
