// SPDX-License-Identifier: MIT
/// \file core_model.hpp
/// \brief Thermal evolution of the Earth's core (energy budget in the Labrosse/Nimmo form):
///   Q_CMB = Q_S + Q_L + Q_G + Q_R,
/// with every term but Q_R proportional to dT_c/dt once the inner core grows along the
/// intersection of the adiabat and the liquidus. Stratification diagnostic: the thermally stable
/// layer below the CMB where the conducted adiabatic heat flow exceeds the total heat flow
/// (Takehiro & Sasaki 2018, Pozzo et al. 2012).
///
/// Structure (documented in docs/thermal.md): uniform-density core with g(r) = g_c r / r_c,
/// constant alpha, c_p and k, adiabat T_a(r) = T_c exp(alpha g_c (r_c^2 - r^2) / (2 r_c c_p)).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "thermal/settings.hpp"

namespace hadal::thermal {

/// Throws std::invalid_argument naming the inconsistency (radii, mass vs radius, ...).
void check_core_parameters(const CoreParameters& p);

struct CoreState {
  double time = 0.0;         ///< s
  double cmb_temperature;    ///< K
  double inner_core_radius;  ///< m
  // Energy released since the start (J), for the conservation check.
  double heat_out = 0.0;        ///< integral of Q_CMB dt
  double radiogenic_energy = 0.0;
};

/// Heat-flow terms (W) for a given state and dT_c/dt.
struct CoreBudget {
  double cmb = 0.0, secular = 0.0, latent = 0.0, gravitational = 0.0, radiogenic = 0.0;
  double adiabatic_cmb = 0.0;        ///< conducted down the adiabat at the CMB, Q_ad
  double cooling_rate = 0.0;         ///< dT_c/dt, K s-1
  double inner_core_growth = 0.0;    ///< dr_i/dt, m s-1
  double stable_layer_thickness = 0.0;  ///< m
  double icb_temperature = 0.0;
  double conductive_entropy = 0.0;   ///< E_k, W K-1
};

class CoreModel {
 public:
  explicit CoreModel(const CoreParameters& params);
  const CoreParameters& parameters() const { return p_; }
  const CoreState& state() const { return s_; }
  void set_state(const CoreState& s) { s_ = s; }
  /// Starts the core's clock (its radiogenic decay) at `time` (s), the run's time.start.
  void set_time(double time) { s_.time = time; }
  /// The state as checkpoints store it: time, T_c, r_i, heat out, radiogenic energy.
  std::vector<double> state_values() const;
  /// Sets the state from state_values() stored at v[0..4].
  void set_state_values(const std::vector<double>& v);

  /// Advances by dt with Q_CMB(t) (W) given as a function of time (classical RK4).
  void advance(double dt, const std::function<double(double)>& q_cmb);
  /// Budget at the current state for heat flow q_cmb.
  CoreBudget budget(double q_cmb) const;

  /// Energy stored change since the initial state: secular + latent + gravitational (J).
  double released_energy(double initial_tc, double initial_ri) const;

  // Closed-form pieces, public for tests.
  double adiabatic_heat_flow_cmb(double tc) const;
  double icb_temperature(double tc, double ri) const;
  /// d(r_i^2)/dT_c (m^2 K-1, negative: cooling grows the inner core).
  double inner_core_area_rate(double tc, double ri) const;
  /// Gravitational energy per unit inner-core volume growth at radius r (J m-3).
  double gravitational_energy_density(double r) const;

 private:
  /// dT_c/dt and d(r_i^2)/dt for heat flow q and radiogenic power qr.
  void rates(double tc, double ri, double q, double qr, double& dtc, double& dri2) const;
  double radiogenic_power(double t) const;
  CoreParameters p_;
  CoreState s_;
};

/// Growth factor dr_i/dT_c = T_i / (rho_i g_i T_c dslope) of the worked example (m per K).
double inner_core_growth_factor(double t_icb, double rho_icb, double g_icb, double tc, double dslope);

/// Top-of-core stable layer (toy 1-D model of the reference note, section 3.4): secular and
/// radiogenic heat released proportional to volume, latent and gravitational heat at the ICB,
/// Q_ad proportional to x = (r/r_c)^3. Returns the layer thickness in m (0 if Q_CMB >= Q_ad;
/// the whole outer core if the crossing lies below the ICB).
double stable_layer_thickness(double q_cmb, double q_volume, double q_icb, double q_ad_cmb, double r_core,
                              double r_inner);

}  // namespace hadal::thermal
