// SPDX-License-Identifier: MIT
#include "plume/settling.hpp"

#include <cmath>
#include <stdexcept>

#include "numerics/constants.hpp"

namespace hadal::plume {

SettlingLaw settling_law_from_name(const std::string& name) {
  if (name == "given") return SettlingLaw::Given;
  if (name == "stokes") return SettlingLaw::Stokes;
  if (name == "ferguson_church") return SettlingLaw::FergusonChurch;
  if (name == "soulsby") return SettlingLaw::Soulsby;
  throw std::invalid_argument("unknown settling law '" + name + "'");
}

double stokes_velocity(double d, double rho_s, double rho_w, double nu) {
  return (rho_s - rho_w) * numerics::kStandardGravity * d * d / (18.0 * rho_w * nu);
}

double ferguson_church_velocity(double d, double rho_s, double rho_w, double nu, double shape) {
  const double r = rho_s / rho_w - 1.0;
  return r * numerics::kStandardGravity * d * d / (18.0 * nu + std::sqrt(0.75 * shape * r * numerics::kStandardGravity * d * d * d));
}

double soulsby_velocity(double d, double rho_s, double rho_w, double nu) {
  const double d_star = d * std::cbrt((rho_s / rho_w - 1.0) * numerics::kStandardGravity / (nu * nu));
  return nu / d * (std::sqrt(10.36 * 10.36 + 1.049 * d_star * d_star * d_star) - 10.36);
}

}  // namespace hadal::plume
