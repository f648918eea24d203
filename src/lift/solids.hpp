// SPDX-License-Identifier: MIT
/// \file solids.hpp
/// \brief Coarse-ore transport along the riser: finite-volume drift flux (MUSCL-Hancock with the exact
/// Godunov flux of the convex flux, packing limiter), the feeder's injection at the base, outflow to the
/// separator, the solids balance, and the blockage alarms. The mixture velocity through every face is
/// set by the flow model (uniform for the rigid column, from the pressure waves for the elastic model).
#pragma once

#include <vector>

#include <Kokkos_Core.hpp>

#include "lift/network.hpp"
#include "lift/steady.hpp"

namespace hadal::lift {

/// First occurrence of an alarm.
struct AlarmRecord {
  bool raised = false;
  double time = 0.0;
  double position = 0.0;  ///< m along the riser from the feeder
  double depth = 0.0;     ///< m below the manifold
  double value = 0.0;     ///< concentration or velocity ratio that raised it
};

class SolidsTransport {
 public:
  using View = Kokkos::View<double*>;

  /// `concentration`: initial in-situ concentration per riser cell.
  SolidsTransport(const Network& net, const PipeCells& riser, const std::vector<double>& concentration);

  int cells() const { return n_; }
  const PipeCells& riser_cells() const { return cells_; }
  /// Mixture volume flux j (m/s) through each of the cells() + 1 faces, bottom to top, used by the next
  /// transport() and alarm check; the flow model fills it.
  View face_velocity() const { return face_velocity_; }
  void set_uniform_velocity(double j);
  /// Records the feeder's rate and the outflow at the start of a run (for the first series row), once the
  /// face velocities are set.
  void start(double injection_rate);
  /// Cell lengths, sines and cosines of the inclination (device views).
  const View& cell_length() const { return dx_; }
  const View& cell_sine() const { return sin_; }
  const View& cell_cosine() const { return cos_; }

  /// Largest stable step of the transport (kinematic-wave CFL) with the present face velocities.
  double stable_dt(double cfl) const;
  /// Moves the solids over [time, time + dt]; the feeder offers `offered` m3 of ore into the bottom cell,
  /// of which what does not fit below the packing limit stays in the feeder (choked).
  void transport(double time, double dt, double offered);
  /// Packing and velocity alarms, maximum concentration and velocity margin at `time`.
  void check_alarms(double time);

  std::vector<double> concentration() const;  ///< host copy
  void set_concentration(const std::vector<double>& c);
  const View& concentration_view() const { return c_; }
  double bottom_concentration() const;
  double top_concentration() const;
  double inventory() const;  ///< m3 of ore in the riser
  double injected_volume() const { return injected_; }
  double outflow_volume() const { return outflow_; }
  double initial_inventory() const { return initial_inventory_; }
  /// (inventory - initial - injected + outflow) / max(initial + injected, tiny)
  double conservation_error() const;
  /// Settled-bed length: cells at or above 99 % of the packing limit.
  double bed_length() const;
  double last_injection_rate() const { return last_injection_rate_; }  ///< m3/s of ore
  double last_top_flux() const { return last_top_flux_; }  ///< solids volume flux leaving the top, m/s
  double rejected_volume() const { return rejected_; }
  double choked_time() const { return choked_time_; }
  double max_concentration_seen() const { return max_c_seen_; }
  const AlarmRecord& packing_alarm() const { return packing_; }
  const AlarmRecord& velocity_alarm() const { return velocity_; }
  double min_velocity_margin() const { return min_margin_; }

  /// Checkpoint state (not the concentration field) and its inverse (reads from state[k] on).
  std::vector<double> state() const;
  void restore(const std::vector<double>& state, std::size_t& k);

 private:
  Network net_;
  PipeCells cells_;
  int n_ = 0;
  DriftFlux drift_;
  View c_, c_new_, face_flux_, face_minus_, face_plus_, face_velocity_, dx_, sin_, cos_;
  double dx_bottom_ = 1.0;
  double injected_ = 0.0, injected_comp_ = 0.0, outflow_ = 0.0, outflow_comp_ = 0.0, initial_inventory_ = 0.0;
  double last_injection_rate_ = 0.0, last_top_flux_ = 0.0;
  double rejected_ = 0.0, rejected_comp_ = 0.0, choked_time_ = -1.0;
  AlarmRecord packing_, velocity_;
  double min_margin_ = 1e300, max_c_seen_ = 0.0;
};

}  // namespace hadal::lift
