// SPDX-License-Identifier: MIT
/// \file annulus_solution.hpp
/// \brief Exact isoviscous Stokes flow in an annulus R1 <= r <= R2 under the smooth radial body
/// force f = r^k cos(n phi) e_r, with free-slip or no-slip walls (the smooth-forcing family of
/// Kramer, Davies & Wilson 2021, GMD 14, derived here independently).
///
/// With the stream function psi = Psi(r) sin(n phi) (u_r = (1/r) dpsi/dphi, u_phi = -dpsi/dr) a
/// power Psi = r^m gives, in -lap u + grad p = f,
///   p = (m - 2)(m - n)(m + n)/n r^(m-2) cos(n phi),
///   (-lap u + grad p)_r = (m - n)(m + n)(m - n - 2)(m + n - 2)/n r^(m-3) cos(n phi),
/// and a zero phi-component. So Psi = A r^(k+3) + C1 r^n + C2 r^-n + C3 r^(n+2) + C4 r^(2-n) with A
/// from the force, and the four C from the walls: Psi = 0 (no penetration) and Psi'' - Psi'/r = 0
/// (free slip: zero shear stress) or Psi' = 0 (no slip). The pressure has zero mean and the flow no
/// net rotation.
#pragma once

#include <array>

namespace hadal::thermal {

class AnnulusSolution {
 public:
  /// n >= 2 (n = 1 also moves the centre of mass), k >= 0 with k + 3 none of n, -n, n + 2, 2 - n.
  AnnulusSolution(double inner_radius, double outer_radius, int n, int k, bool free_slip);
  double force_r(double r, double phi) const;
  double u_r(double r, double phi) const;
  double u_phi(double r, double phi) const;
  double p(double r, double phi) const;
  /// Residual of the wall conditions, relative to the coefficients (self-check of the 4x4 solve).
  double boundary_residual() const;

 private:
  /// Psi and its first two derivatives at r.
  std::array<double, 3> psi(double r) const;
  double pressure_profile(double r) const;
  double r1_, r2_;
  int n_, k_;
  bool free_slip_;
  std::array<double, 5> power_{};  ///< k + 3, n, -n, n + 2, 2 - n
  std::array<double, 5> coeff_{};  ///< A, C1 .. C4
};

}  // namespace hadal::thermal
