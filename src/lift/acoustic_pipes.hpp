// SPDX-License-Identifier: MIT
/// \file acoustic_pipes.hpp
/// \brief Pressure waves in elastic pipes: a second-order Godunov finite-volume solver of the water-hammer
/// equations with gravity, quasi-steady and unsteady (Brunone) friction and discrete vapour cavities.
///
/// Per cell: pressure p, velocity v (the mixture volume flux), density rho and effective bulk modulus K'
/// (fluid compressibility plus pipe hoop strain), so a = sqrt(K'/rho), Z = rho a:
///   dp/dt + K' dv/ds = 0
///   rho (1 + k) dv/dt + dp/ds = -rho g dz/ds - rho m psi(|v|) v - rho k a sign(v) |dv/ds|
/// with psi the tabulated f |v|/(2D), m a per-cell friction multiplier and k Brunone's coefficient.
/// MUSCL-Hancock with minmod slopes of the deviation of the pressure from the local equilibrium gradient
/// (hydrostatic plus steady friction), so a steady state with any density profile is kept to round-off;
/// the exact acoustic Riemann solver at the faces. At Courant number 1 in a uniform pipe the scheme is the
/// method of characteristics.
///
/// Column separation (discrete vapour cavity model): cavities sit on faces, as they sit on the
/// computational sections of the method of characteristics. Where the face pressure would fall below the
/// vapour pressure a cavity opens; while it exists both sides see the vapour pressure, each side's face
/// velocity follows from its own characteristic, and the cavity's volume grows with the difference of the
/// two. It collapses when that volume returns to zero, and the rejoining columns' water hammer follows.
///
/// The pipes' ends are joined by nodes the caller solves between predict() and update() from the ends'
/// half-step states (characteristics), see solve_node().
#pragma once

#include <functional>
#include <vector>

#include <Kokkos_Core.hpp>

#include "lift/closures.hpp"
#include "lift/kernels.hpp"
#include "lift/steady.hpp"
#include "numerics/constants.hpp"

namespace hadal::lift {

/// Per cell (all pipes one after the other; structure of arrays, so the cell loops vectorise): the
/// geometry, properties and coefficients the kernels read, kept so they need (almost) no division
/// (K/dx, 1/(rho dx), 1/Z, the unsteady-friction factor k a, inverse distances to the neighbours' centres).
template <class View>
struct AcousticCellArrays {
  View dx, gz, rho, modulus, a, k_dx, inv_rho_dx, inv_z, fmul, brunone_a, inv_back, inv_ahead;

  AcousticCellArrays() = default;
  /// The same arrays as views of another kind (the sweep's unmanaged ones).
  template <class Other>
  explicit AcousticCellArrays(const AcousticCellArrays<Other>& o)
      : dx(o.dx), gz(o.gz), rho(o.rho), modulus(o.modulus), a(o.a), k_dx(o.k_dx), inv_rho_dx(o.inv_rho_dx),
        inv_z(o.inv_z), fmul(o.fmul), brunone_a(o.brunone_a), inv_back(o.inv_back), inv_ahead(o.inv_ahead) {}
};
using AcousticCells = AcousticCellArrays<Kokkos::View<double*>>;
/// Per pipe: cell and face offsets, vapour pressure, flow area, 1/(1 + k), Brunone's k, friction table step.
struct AcousticPipeConstants {
  int offset = 0, cells = 0, first_face = 0;
  double vapour = 0.0, area = 1.0, inertia = 1.0, brunone = 0.0, inv_step = 1.0;
};
/// A block of cells [begin, end) of one pipe that a step sweeps in one pass (half step, faces, update), so
/// the intermediate states stay in the cache.
struct AcousticChunk {
  int pipe = 0, begin = 0, end = 0;
};

/// One pipe (or a set of identical pipes in parallel) of the solver.
struct AcousticPipeSpec {
  PipeCells cells;                  ///< geometry, in the pipe's positive-flow direction
  bool ascending = true;            ///< elevation rises along the pipe (riser) or falls (supply)
  double diameter = 0.2, roughness = 4.5e-5;
  int count = 1;                    ///< identical pipes in parallel: flow = count A v
  FrictionLaw law = FrictionLaw::Colebrook;
  double kinematic_viscosity = 1e-6;
  double unsteady_coefficient = 0.0;  ///< Brunone k (0: quasi-steady friction only)
  bool cavitation = true;
  double vapour_pressure = -99e3;   ///< gauge, Pa
  double speed_range = 20.0;        ///< m/s covered by the friction table
  double gravity = 9.81;
  double area() const { return 0.25 * numerics::kPi * diameter * diameter; }
};

/// The half-step state at a pipe end, from which a node reads its characteristic.
struct PipeEnd {
  double pressure = 0.0, velocity = 0.0, impedance = 1.0;
  double area = 1.0;           ///< count A: flow = area * velocity
  double vapour = -1e300;      ///< vapour pressure (no cavities: -1e300)
  double cavity = 0.0;         ///< volume of the cavity on the end face, m3
};

class AcousticPipes {
 public:
  using View = Kokkos::View<double*>;

  explicit AcousticPipes(const std::vector<AcousticPipeSpec>& pipes);

  int pipes() const { return static_cast<int>(specs_.size()); }
  int cells(int pipe) const { return count_[pipe]; }
  int total_cells() const { return total_; }
  const AcousticPipeSpec& spec(int pipe) const { return specs_[pipe]; }

  /// Density, effective bulk modulus and friction multiplier m (dp/ds friction = rho m psi v) per cell.
  void set_properties(int pipe, const std::vector<double>& density, const std::vector<double>& modulus,
                      const std::vector<double>& friction_multiplier);
  /// Fills the pipe with velocity v and the equilibrium pressure (hydrostatic plus steady friction, the
  /// same discrete balance the scheme keeps) starting from `start_pressure` on its first face; returns
  /// the pressure on its last face.
  double set_equilibrium(int pipe, double start_pressure, double velocity);
  void set_state(int pipe, const std::vector<double>& pressure, const std::vector<double>& velocity);

  /// Largest a/dx over all cells: the time step is courant / this.
  double max_wave_rate() const;

  /// Half-step face states of every cell (first of the two stages of a step of size dt).
  void predict(double dt);
  /// States at the pipes' ends after predict().
  PipeEnd first_end(int pipe) const;
  PipeEnd last_end(int pipe) const;
  /// Face pressure, velocity and cavity volume the nodes impose on the pipes' end faces.
  void set_boundary(int pipe, bool last, double pressure, double velocity, double cavity);
  /// Second stage: face fluxes and cell update to time + dt (envelopes record time + dt).
  void update(double time, double dt);

  // Present state (host copies).
  std::vector<double> pressure(int pipe) const;
  std::vector<double> velocity(int pipe) const;
  /// Cavity volume per cell (all pipes of the set), m3: each interior face's cavity shared by its two
  /// cells, an end face's by its cell.
  std::vector<double> cavity_volume(int pipe) const;
  double total_cavity_volume(int pipe) const;
  /// Mean face velocities since the last call (volume through each face / duration), pipe's faces in order.
  std::vector<double> take_mean_face_velocity(int pipe, double duration);
  /// Pressure and velocity of given cells (flattened index: offset(pipe) + cell), for stations.
  void gather(const Kokkos::View<int*>& cells, std::vector<double>& pressure, std::vector<double>& velocity) const;
  int offset(int pipe) const { return offset_[pipe]; }

  // Envelopes since the start: per cell max/min pressure and when, largest cavity (as cavity_volume()) and
  // first cavity time (-1: none).
  std::vector<double> pressure_max(int pipe) const;
  std::vector<double> pressure_min(int pipe) const;
  std::vector<double> time_of_max(int pipe) const;
  std::vector<double> time_of_min(int pipe) const;
  std::vector<double> cavity_max(int pipe) const;
  std::vector<double> first_cavity_time(int pipe) const;

  /// False if any pressure or velocity is not finite.
  bool finite() const;
  /// Checkpoint state (pressures, velocities, envelopes, face volumes) and its inverse.
  std::vector<double> state() const;
  void restore(const std::vector<double>& state, std::size_t& k);

 private:
  double equilibrium_gradient(int pipe, int cell, double velocity) const;  ///< dp/ds of the steady balance
  double host_friction_rate(int pipe, double speed) const;

  std::vector<AcousticPipeSpec> specs_;
  std::vector<int> count_, offset_;
  int total_ = 0, faces_ = 0;
  AcousticCells cell_;
  /// Per cell state: pressure, velocity and the equilibrium increment G dx double-buffered (a step reads
  /// its neighbours' old values), friction rate f|v|/(2D) m of the present velocity, and the volume the
  /// liquid could not give up by stretching this step (zero but in a cell that would take tension).
  View p_, v_, gdx_, p_next_, v_next_, gdx_next_, friction_, deficit_;
  /// Per cell envelope of the run: pressure extremes and their times, largest cavity, first cavity time.
  View pmax_, pmin_, tmax_, tmin_, cavmax_, tcav_;
  /// Per face (pipe k's faces from offset(k) + k): the impedance weights of the interior faces, the cavity
  /// volume (double-buffered), the volume through the face since the last take, whether a cavity is open
  /// (for the stretched cells' deficits) and the face's cells (negative: a pipe end).
  View w_left_, w_right_, w_series_, w_inverse_, cavity_, cavity_next_, volume_, open_;
  Kokkos::View<int*> face_left_, face_right_;
  Kokkos::View<AcousticPipeConstants*> pipe_;
  Kokkos::View<AcousticChunk*> chunk_;
  View table_;  ///< friction rate on each pipe's speed grid, pipe k's from k (kFrictionTableIntervals + 1)
  Kokkos::View<double**> ends_, boundary_;
  Kokkos::View<double**>::HostMirror ends_host_, boundary_host_;
  std::vector<double> end_z_first_, end_z_last_;
  bool gradient_stale_ = true;  ///< friction rates and equilibrium increments need recomputing
  bool cavities_open_ = false;  ///< some face may hold a cavity (false: every face's volume is zero)
  // Host copies for the equilibrium initial state.
  std::vector<std::vector<double>> host_rho_, host_fmul_;
  View::HostMirror host_table_;
  std::vector<double> host_inv_step_;
};

/// A side of a node: a pipe end (flow leaves the upstream side through its last face and enters the
/// downstream side through its first face) or a reservoir at a fixed pressure.
struct NodeSide {
  bool reservoir = true;
  double pressure = 0.0;  ///< reservoir pressure
  PipeEnd end;            ///< pipe end's half-step state
};

/// What a node imposes on the pipe ends it joins.
struct NodeFlow {
  double flow = 0.0;  ///< m3/s through the node, upstream to downstream side
  /// Per side (upstream, downstream): face pressure, the pipe's face velocity and the cavity on the face.
  double upstream_pressure = 0.0, upstream_velocity = 0.0, upstream_cavity = 0.0;
  double downstream_pressure = 0.0, downstream_velocity = 0.0, downstream_cavity = 0.0;
};

/// Flow through a node over a step dt whose upstream face pressure exceeds the downstream one by drop(Q)
/// (losses minus a pump's rise; must not decrease with Q), each pipe side on its characteristic; unique
/// root by a safeguarded Newton iteration from `guess`. A pipe side whose face would fall below its vapour
/// pressure (or already holds a cavity) stays at the vapour pressure: the node's flow and the pipe's own
/// face velocity then differ, and the cavity on the face takes up the difference until it collapses.
NodeFlow solve_node(const NodeSide& upstream, const NodeSide& downstream, const std::function<double(double)>& drop,
                    double guess, double dt);
/// A node that passes no flow (shut valve, closed check valve), with cavities at its faces as above.
NodeFlow shut_node(const NodeSide& upstream, const NodeSide& downstream, double dt);

}  // namespace hadal::lift
