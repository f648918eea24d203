// SPDX-License-Identifier: MIT
/// \file solkz.hpp
/// \brief Exact solution of the SolKz Stokes problem (Zhong 1996; Duretz et al. 2011): unit square,
/// free slip on all walls, viscosity eta = exp(2 B z), body force f_z = sigma sin(km z) cos(kn x)
/// (i.e. density rho = -sigma sin(km z) cos(kn x) under unit gravity pointing down), kn = n pi.
///
/// Derived here independently: with the stream function psi = F(z) sin(kn x) (u = psi_z,
/// w = -psi_x) the curl of the momentum equation gives the constant-coefficient ODE
///   (eta G)'' + kn^2 eta G - 4 kn^2 (eta F')' = -sigma kn sin(km z),   G = F'' + kn^2 F,
/// whose homogeneous solutions are exp(lambda z) with lambda the roots of
///   P(lambda) = (lambda^2 + kn^2)((lambda + 2B)^2 + kn^2) - 4 kn^2 lambda (lambda + 2B),
/// i.e. lambda = -B +- mu, -B +- conj(mu), mu^2 = B^2 + kn^2 + 2 i kn B; the particular solution is
/// Re(C exp((-2B + i km) z)) with C = i sigma kn / P(-2B + i km). Free slip (F = F'' = 0 at z = 0, 1)
/// fixes the four homogeneous coefficients. The pressure follows from x-momentum:
///   p = -(1/kn) [ (eta G)' - 2 kn^2 eta F' ] cos(kn x), which has zero mean.
#pragma once

#include <array>

namespace hadal::thermal {

class SolKz {
 public:
  SolKz(double B, double km, int n, double sigma = 1.0);
  double eta(double z) const;
  double force_z(double x, double z) const;
  /// Velocity (u, w) and pressure at (x, z).
  double u(double x, double z) const;
  double w(double x, double z) const;
  double p(double x, double z) const;
  /// |P(lambda)| at a homogeneous root, relative to its terms (self-check of the root finding).
  double characteristic_residual() const;

 private:
  /// F and its first three derivatives at z.
  std::array<double, 4> F(double z) const;
  double B_, km_, kn_, sigma_;
  std::array<double, 4> coeff_{};  ///< homogeneous coefficients of Re/Im e^{l1 z}, Re/Im e^{l2 z}
  double l1r_, l1i_, l2r_, l2i_;     ///< two non-conjugate roots
  double cpr_, cpi_;                 ///< particular solution coefficient
};

}  // namespace hadal::thermal
