// SPDX-License-Identifier: MIT
#include "lift/acoustic_pipes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/error.hpp"
#include "numerics/limiter.hpp"

namespace hadal::lift {
namespace {

constexpr int kTableIntervals = 16384;
constexpr int kFirstCell = 1, kLastCell = 2;  // edge flags

using HostConstView = Kokkos::View<const double*, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>;

void copy_in(const AcousticPipes::View& dst, int offset, const std::vector<double>& src) {
  const HostConstView h(src.data(), src.size());
  Kokkos::deep_copy(Kokkos::subview(dst, std::make_pair(offset, offset + static_cast<int>(src.size()))), h);
}

std::vector<double> copy_out(const AcousticPipes::View& src, int offset, int n) {
  std::vector<double> out(n);
  Kokkos::View<double*, Kokkos::HostSpace, Kokkos::MemoryUnmanaged> h(out.data(), out.size());
  Kokkos::deep_copy(h, Kokkos::subview(src, std::make_pair(offset, offset + n)));
  return out;
}

// One field of an array of structs, for host copies of a pipe's range.
template <class T, class F>
std::vector<double> field_of(const Kokkos::View<T*>& view, int offset, int n, F field) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), view);
  std::vector<double> out(n);
  for (int i = 0; i < n; ++i) out[i] = field(h(offset + i));
  return out;
}

}  // namespace

AcousticPipes::AcousticPipes(const std::vector<AcousticPipeSpec>& pipes) : specs_(pipes) {
  for (const auto& s : specs_) {
    offset_.push_back(total_);
    count_.push_back(static_cast<int>(s.cells.s.size()));
    total_ += count_.back();
  }
  faces_ = total_ + static_cast<int>(pipes.size());
  const int n = total_;
  p_ = View("acoustic_pressure", n);
  v_ = View("acoustic_velocity", n);
  p_next_ = View("acoustic_pressure_next", n);
  v_next_ = View("acoustic_velocity_next", n);
  cell_ = Kokkos::View<AcousticCell*>("acoustic_cells", n);
  work_ = Kokkos::View<CellWork*>("acoustic_work", n);
  envelope_ = Kokkos::View<CellEnvelope*>("acoustic_envelope", n);
  face_ = Kokkos::View<AcousticFace*>("acoustic_faces", faces_);

  auto h_cell = Kokkos::create_mirror_view(cell_);
  auto h_face = Kokkos::create_mirror_view(face_);
  auto h_env = Kokkos::create_mirror_view(envelope_);
  table_ = Kokkos::View<double**>("acoustic_friction_table", pipes.size(), kTableIntervals + 1);
  inv_step_ = View("acoustic_friction_inv_step", pipes.size());
  auto h_table = Kokkos::create_mirror_view(table_);
  auto h_inv = Kokkos::create_mirror_view(inv_step_);
  for (int k = 0; k < this->pipes(); ++k) {
    const AcousticPipeSpec& s = specs_[k];
    const int off = offset_[k], nk = count_[k];
    for (int i = 0; i < nk; ++i) {
      AcousticCell& c = h_cell(off + i);
      c = AcousticCell{};
      c.dx = s.cells.length[i];
      c.gz = s.gravity * (s.ascending ? s.cells.sin_angle[i] : -s.cells.sin_angle[i]);
      c.brunone = s.unsteady_coefficient;
      c.inertia = 1.0 / (1.0 + s.unsteady_coefficient);
      c.vapour = s.cavitation ? s.vapour_pressure : -std::numeric_limits<double>::max();
      c.area = s.count * s.area();
      c.inv_back = i > 0 ? 2.0 / (s.cells.length[i - 1] + s.cells.length[i]) : 0.0;
      c.inv_ahead = i < nk - 1 ? 2.0 / (s.cells.length[i] + s.cells.length[i + 1]) : 0.0;
      c.pipe = k;
      c.edge = (i == 0 ? kFirstCell : 0) | (i == nk - 1 ? kLastCell : 0);
      h_env(off + i) = {-std::numeric_limits<double>::max(), std::numeric_limits<double>::max(), 0.0, 0.0, 0.0, -1.0};
    }
    for (int j = 0; j <= nk; ++j) {
      AcousticFace& f = h_face(off + k + j);
      f = AcousticFace{};
      f.left = j > 0 ? off + j - 1 : -(k + 1);   // negative: the pipe's first boundary face
      f.right = j < nk ? off + j : -(k + 1);     // negative: the pipe's last boundary face
    }
    // Quasi-steady friction rate psi(|v|) = f |v| / (2D) on a uniform speed grid; psi(0) is the laminar limit.
    const double step = s.speed_range / kTableIntervals;
    h_inv(k) = 1.0 / step;
    for (int j = 0; j <= kTableIntervals; ++j) {
      const double speed = j * step;
      h_table(k, j) = j == 0 ? 32.0 * s.kinematic_viscosity / (s.diameter * s.diameter)
                             : darcy_friction(s.law, speed * s.diameter / s.kinematic_viscosity,
                                              s.roughness / s.diameter) *
                                   speed / (2.0 * s.diameter);
    }
  }
  Kokkos::deep_copy(cell_, h_cell);
  Kokkos::deep_copy(face_, h_face);
  Kokkos::deep_copy(envelope_, h_env);
  Kokkos::deep_copy(table_, h_table);
  Kokkos::deep_copy(inv_step_, h_inv);
  ends_ = Kokkos::View<double**>("acoustic_ends", pipes.size(), 6);
  boundary_ = Kokkos::View<double**>("acoustic_boundary", pipes.size(), 6);
  ends_host_ = Kokkos::create_mirror_view(ends_);
  boundary_host_ = Kokkos::create_mirror_view(boundary_);
  end_z_first_.assign(pipes.size(), 1.0);
  end_z_last_.assign(pipes.size(), 1.0);
  host_rho_.resize(pipes.size());
  host_fmul_.resize(pipes.size());
  host_table_ = h_table;
  host_inv_step_ = h_inv;
  first_cell_ = Kokkos::View<int*>("acoustic_first_cell", pipes.size());
  last_cell_ = Kokkos::View<int*>("acoustic_last_cell", pipes.size());
  auto h_first = Kokkos::create_mirror_view(first_cell_);
  auto h_last = Kokkos::create_mirror_view(last_cell_);
  for (int k = 0; k < this->pipes(); ++k) {
    h_first(k) = offset_[k];
    h_last(k) = offset_[k] + count_[k] - 1;
  }
  Kokkos::deep_copy(first_cell_, h_first);
  Kokkos::deep_copy(last_cell_, h_last);
}

double AcousticPipes::host_friction_rate(int pipe, double speed) const {
  const int last = kTableIntervals;
  const double x = speed * host_inv_step_(pipe);
  if (x >= last) return host_table_(pipe, last) * x / last;
  const int j = static_cast<int>(x);
  const double w = x - j;
  return host_table_(pipe, j) + w * (host_table_(pipe, j + 1) - host_table_(pipe, j));
}

void AcousticPipes::set_properties(int pipe, const std::vector<double>& density, const std::vector<double>& modulus,
                                   const std::vector<double>& friction_multiplier) {
  const int n = count_[pipe], off = offset_[pipe];
  auto h_cell = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), cell_);
  auto h_face = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), face_);
  std::vector<double> z(n);
  for (int i = 0; i < n; ++i) {
    AcousticCell& c = h_cell(off + i);
    c.rho = density[i];
    c.modulus = modulus[i];
    c.a = std::sqrt(modulus[i] / density[i]);
    z[i] = density[i] * c.a;
    c.k_dx = modulus[i] / c.dx;
    c.inv_rho_dx = 1.0 / (density[i] * c.dx);
    c.inv_z = 1.0 / z[i];
    c.fmul = friction_multiplier[i];
  }
  // Interior faces of the pipe: f = offset + pipe + j between cells j-1 and j.
  for (int j = 1; j < n; ++j) h_face(off + pipe + j).weights = face_weights(z[j - 1], z[j]);
  Kokkos::deep_copy(cell_, h_cell);
  Kokkos::deep_copy(face_, h_face);
  gradient_stale_ = true;
  end_z_first_[pipe] = z.front();
  end_z_last_[pipe] = z.back();
  host_rho_[pipe] = density;
  host_fmul_[pipe] = friction_multiplier;
}

double AcousticPipes::equilibrium_gradient(int pipe, int cell, double velocity) const {
  const AcousticPipeSpec& s = specs_[pipe];
  const double gz = s.gravity * (s.ascending ? s.cells.sin_angle[cell] : -s.cells.sin_angle[cell]);
  const double fr = host_fmul_[pipe][cell] * host_friction_rate(pipe, std::fabs(velocity));
  return -host_rho_[pipe][cell] * (gz + fr * velocity);
}

double AcousticPipes::set_equilibrium(int pipe, double start_pressure, double velocity) {
  const int n = count_[pipe];
  const std::vector<double>& dx = specs_[pipe].cells.length;
  std::vector<double> p(n), v(n, velocity);
  double g_prev = equilibrium_gradient(pipe, 0, velocity);
  p[0] = start_pressure + 0.5 * dx[0] * g_prev;
  for (int i = 1; i < n; ++i) {
    const double g = equilibrium_gradient(pipe, i, velocity);
    p[i] = p[i - 1] + 0.5 * (g_prev * dx[i - 1] + g * dx[i]);
    g_prev = g;
  }
  set_state(pipe, p, v);
  return p[n - 1] + 0.5 * dx[n - 1] * g_prev;
}

void AcousticPipes::set_state(int pipe, const std::vector<double>& pressure, const std::vector<double>& velocity) {
  gradient_stale_ = true;
  copy_in(p_, offset_[pipe], pressure);
  copy_in(v_, offset_[pipe], velocity);
}

double AcousticPipes::max_wave_rate() const {
  const Kokkos::View<AcousticCell*> cell = cell_;
  double rate = 0.0;
  Kokkos::parallel_reduce(
      "lift::acoustic_rate", total_,
      KOKKOS_LAMBDA(const int i, double& m) {
        const double r = cell(i).a / cell(i).dx;
        if (r > m) m = r;
      },
      Kokkos::Max<double>(rate));
  return rate;
}

void AcousticPipes::predict(double dt) {
  const View p = p_, v = v_, inv_step = inv_step_;
  const Kokkos::View<AcousticCell*> cell = cell_;
  const Kokkos::View<CellWork*> work = work_;
  const Kokkos::View<AcousticFace*> face = face_;
  const Kokkos::View<double**> table = table_;
  // Equilibrium pressure increment across each cell (gravity and quasi-steady friction) and its friction
  // rate; the update keeps them for the next step, so only after a change of properties or state.
  if (gradient_stale_) {
    Kokkos::parallel_for(
        "lift::acoustic_gradient", total_, KOKKOS_LAMBDA(const int i) {
          const AcousticCell& c = cell(i);
          const double fr = c.fmul * friction_rate(table, c.pipe, inv_step(c.pipe), hadal::km::fabs(v(i)));
          work(i).friction = fr;
          work(i).gradient_dx = -c.rho * (c.gz + fr * v(i)) * c.dx;
        });
    gradient_stale_ = false;
  }
  // MUSCL-Hancock: limited slopes of the pressure's deviation from equilibrium and of the velocity,
  // half-step evolution, face states (not below the vapour pressure). First order at pipe ends and next
  // to a cavity, where the state jumps.
  Kokkos::parallel_for(
      "lift::acoustic_predict", total_, KOKKOS_LAMBDA(const int i) {
        const AcousticCell& c = cell(i);
        const int fl = i + c.pipe;
        const double gdx = work(i).gradient_dx;
        double dev = 0.0, dv = 0.0;
        if (c.edge == 0 && face(fl).cavity <= 0.0 && face(fl + 1).cavity <= 0.0) {
          const double left = p(i) - p(i - 1) - 0.5 * (work(i - 1).gradient_dx + gdx);
          const double right = p(i + 1) - p(i) - 0.5 * (gdx + work(i + 1).gradient_dx);
          dev = numerics::limited_slope(numerics::Limiter::Minmod, left, right);
          dv = numerics::limited_slope(numerics::Limiter::Minmod, v(i) - v(i - 1), v(i + 1) - v(i));
        }
        const double slope = gdx + dev;
        const double pt = p(i) - 0.5 * dt * c.k_dx * dv;
        const double vt = v(i) - 0.5 * dt * dev * c.inv_rho_dx;
        const double lo = pt - 0.5 * slope, hi = pt + 0.5 * slope;
        CellWork& w = work(i);
        w.pm = lo > c.vapour ? lo : c.vapour;
        w.pp = hi > c.vapour ? hi : c.vapour;
        w.vm = vt - 0.5 * dv;
        w.vp = vt + 0.5 * dv;
      });
  const Kokkos::View<double**> ends = ends_;
  const Kokkos::View<int*> first = first_cell_, last = last_cell_;
  Kokkos::parallel_for(
      "lift::acoustic_ends", pipes(), KOKKOS_LAMBDA(const int k) {
        ends(k, 0) = work(first(k)).pm;
        ends(k, 1) = work(first(k)).vm;
        ends(k, 2) = work(last(k)).pp;
        ends(k, 3) = work(last(k)).vp;
        ends(k, 4) = face(first(k) + k).cavity;     // first face of pipe k
        ends(k, 5) = face(last(k) + k + 1).cavity;  // last face
      });
  Kokkos::deep_copy(ends_host_, ends_);
}

PipeEnd AcousticPipes::first_end(int pipe) const {
  const AcousticPipeSpec& s = specs_[pipe];
  return {ends_host_(pipe, 0), ends_host_(pipe, 1), end_z_first_[pipe], s.count * s.area(),
          s.cavitation ? s.vapour_pressure : -std::numeric_limits<double>::max(), ends_host_(pipe, 4)};
}

PipeEnd AcousticPipes::last_end(int pipe) const {
  const AcousticPipeSpec& s = specs_[pipe];
  return {ends_host_(pipe, 2), ends_host_(pipe, 3), end_z_last_[pipe], s.count * s.area(),
          s.cavitation ? s.vapour_pressure : -std::numeric_limits<double>::max(), ends_host_(pipe, 5)};
}

void AcousticPipes::set_boundary(int pipe, bool last, double pressure, double velocity, double cavity) {
  const int c = last ? 3 : 0;
  boundary_host_(pipe, c) = pressure;
  boundary_host_(pipe, c + 1) = velocity;
  boundary_host_(pipe, c + 2) = cavity;
}

void AcousticPipes::update(double time, double dt) {
  Kokkos::deep_copy(boundary_, boundary_host_);
  const View p = p_, v = v_, p_next = p_next_, v_next = v_next_, inv_step = inv_step_;
  const Kokkos::View<AcousticCell*> cell = cell_;
  const Kokkos::View<CellWork*> work = work_;
  const Kokkos::View<CellEnvelope*> envelope = envelope_;
  const Kokkos::View<AcousticFace*> face = face_;
  const Kokkos::View<double**> boundary = boundary_, table = table_;
  Kokkos::parallel_for(
      "lift::acoustic_faces", faces_, KOKKOS_LAMBDA(const int f) {
        AcousticFace& fc = face(f);
        const int l = fc.left, r = fc.right;
        double pf, ul, ur, cav;
        if (l < 0 || r < 0) {  // a pipe end: the node's state
          const int k = l < 0 ? -l - 1 : -r - 1, c = l < 0 ? 0 : 3;
          pf = boundary(k, c);
          ul = ur = boundary(k, c + 1);
          cav = boundary(k, c + 2);
        } else {
          const AcousticCell& cl = cell(l);
          cavitating_face(work(l).pp, work(l).vp, work(r).pm, work(r).vm, fc.weights, cl.inv_z, cell(r).inv_z,
                          cl.vapour, fc.cavity, cl.area, dt, pf, ul, ur, cav);
        }
        fc.pressure = pf;
        fc.v_left = ul;
        fc.v_right = ur;
        fc.cavity = cav;
        fc.open = cav > 0.0 ? 1.0 : 0.0;
        fc.volume += 0.5 * (ul + ur) * dt;
      });
  const double t_new = time + dt;
  int deficits = 0;
  Kokkos::parallel_reduce(
      "lift::acoustic_update", total_,
      KOKKOS_LAMBDA(const int i, int& stretched) {
        const AcousticCell& c = cell(i);
        const AcousticFace &left = face(i + c.pipe), &right = face(i + c.pipe + 1);
        CellWork& w = work(i);
        // Volume balance of the cell's liquid: in through the left face, out through the right face. The
        // liquid takes no tension: what would pull it below the vapour pressure (a slab between two
        // cavities rings about the vapour pressure) opens cavity volume on its faces instead.
        double p_new = p(i) - dt * c.k_dx * (right.v_left - left.v_right);
        w.deficit = 0.0;
        if (p_new < c.vapour) {
          w.deficit = c.area * c.dx * (c.vapour - p_new) / c.modulus;  // rare: a division is fine
          p_new = c.vapour;
          ++stretched;
        }
        // Brunone-Vitkovsky unsteady friction k (dv/dt + a sign(v) |dv/ds|): the k dv/dt part with the
        // inertia, rho (1 + k) dv/dt (a lagged dv/dt destabilises the waves at Courant 1); the |dv/ds|
        // part is a Hamilton-Jacobi term, w_t + k a |w_s| = 0 in w = sign(v) v, upwinded with Godunov's
        // flux for |p| (a centred difference would be an unstable forward-time advection).
        double unsteady = 0.0;
        if (c.brunone > 0.0) {
          const double sign = v(i) > 0.0 ? 1.0 : (v(i) < 0.0 ? -1.0 : 0.0);
          const double back = (c.edge & kFirstCell) ? 0.0 : sign * (v(i) - v(i - 1)) * c.inv_back;
          const double ahead = (c.edge & kLastCell) ? 0.0 : sign * (v(i + 1) - v(i)) * c.inv_ahead;
          const double rise = back > 0.0 ? back : 0.0, fall = ahead < 0.0 ? -ahead : 0.0;
          unsteady = c.brunone * c.a * sign * (rise > fall ? rise : fall);
        }
        // Quasi-steady friction explicit: its rate f|v|/(2D) times dt is below 1e-2 for any pipe flow at the
        // acoustic time step (stable below 2), and no division is needed.
        const double u = v(i) - dt * c.inertia *
                                    ((right.pressure - left.pressure) * c.inv_rho_dx + c.gz + w.friction * v(i) +
                                     unsteady);
        p_next(i) = p_new;
        v_next(i) = u;
        // The next step's friction rate and equilibrium increment, at the new velocity.
        const double fr = c.fmul * friction_rate(table, c.pipe, inv_step(c.pipe), hadal::km::fabs(u));
        w.friction = fr;
        w.gradient_dx = -c.rho * (c.gz + fr * u) * c.dx;
        CellEnvelope& e = envelope(i);
        if (p_new > e.pmax) { e.pmax = p_new; e.tmax = t_new; }
        if (p_new < e.pmin) { e.pmin = p_new; e.tmin = t_new; }
        // The cell's share of the cavities on its faces (an end face's cavity is wholly its cell's).
        const double share = ((c.edge & kFirstCell) ? 1.0 : 0.5) * left.cavity +
                             ((c.edge & kLastCell) ? 1.0 : 0.5) * right.cavity;
        if (share > 0.0) {
          if (share > e.cavmax) e.cavmax = share;
          if (e.tcav < 0.0) e.tcav = t_new;
        }
      },
      deficits);
  // The cells' deficits go to their open faces (split if both are open); with none open, to the faces that
  // can open: interior faces, not a pipe end (a node opens its own cavities).
  if (deficits > 0)
    Kokkos::parallel_for(
        "lift::acoustic_deficits", faces_, KOKKOS_LAMBDA(const int f) {
          auto interior = [&](int g) { return face(g).left >= 0 && face(g).right >= 0; };
          auto share = [&](int other) {  // fraction of an adjacent cell's deficit for face f; `other`: its other face
            const bool open_f = face(f).open > 0.0, open_o = face(other).open > 0.0;
            if (open_f) return open_o ? 0.5 : 1.0;
            if (open_o || !interior(f)) return 0.0;
            return interior(other) ? 0.5 : 1.0;
          };
          double added = 0.0;
          const int l = face(f).left, r = face(f).right;
          if (l >= 0 && work(l).deficit > 0.0) added += work(l).deficit * share(f - 1);  // f: cell l's right face
          if (r >= 0 && work(r).deficit > 0.0) added += work(r).deficit * share(f + 1);  // f: cell r's left face
          face(f).cavity += added;
        });
  std::swap(p_, p_next_);
  std::swap(v_, v_next_);
}

std::vector<double> AcousticPipes::pressure(int pipe) const { return copy_out(p_, offset_[pipe], count_[pipe]); }

std::vector<double> AcousticPipes::velocity(int pipe) const { return copy_out(v_, offset_[pipe], count_[pipe]); }

std::vector<double> AcousticPipes::cavity_volume(int pipe) const {
  const int n = count_[pipe];
  const std::vector<double> faces =
      field_of(face_, offset_[pipe] + pipe, n + 1, [](const AcousticFace& f) { return f.cavity; });
  std::vector<double> cells(n);
  for (int i = 0; i < n; ++i)
    cells[i] = (i == 0 ? 1.0 : 0.5) * faces[i] + (i == n - 1 ? 1.0 : 0.5) * faces[i + 1];
  return cells;
}

double AcousticPipes::total_cavity_volume(int pipe) const {
  const Kokkos::View<AcousticFace*> face = face_;
  double total = 0.0;
  Kokkos::parallel_reduce(
      "lift::cavity_volume", Kokkos::RangePolicy<>(offset_[pipe] + pipe, offset_[pipe] + pipe + count_[pipe] + 1),
      KOKKOS_LAMBDA(const int f, double& acc) { acc += face(f).cavity; }, total);
  return total;
}

std::vector<double> AcousticPipes::take_mean_face_velocity(int pipe, double duration) {
  const int first = offset_[pipe] + pipe, n = count_[pipe] + 1;
  std::vector<double> v = field_of(face_, first, n, [](const AcousticFace& f) { return f.volume; });
  for (double& x : v) x /= duration;
  const Kokkos::View<AcousticFace*> face = face_;
  Kokkos::parallel_for(
      "lift::acoustic_reset_volume", Kokkos::RangePolicy<>(first, first + n),
      KOKKOS_LAMBDA(const int f) { face(f).volume = 0.0; });
  return v;
}

void AcousticPipes::gather(const Kokkos::View<int*>& cells, std::vector<double>& pressure,
                           std::vector<double>& velocity) const {
  const int n = static_cast<int>(cells.extent(0));
  Kokkos::View<double**> out("acoustic_gather", n, 2);
  const View p = p_, v = v_;
  Kokkos::parallel_for(
      "lift::acoustic_gather", n, KOKKOS_LAMBDA(const int s) {
        out(s, 0) = p(cells(s));
        out(s, 1) = v(cells(s));
      });
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
  pressure.resize(n);
  velocity.resize(n);
  for (int s = 0; s < n; ++s) {
    pressure[s] = h(s, 0);
    velocity[s] = h(s, 1);
  }
}

std::vector<double> AcousticPipes::pressure_max(int pipe) const {
  return field_of(envelope_, offset_[pipe], count_[pipe], [](const CellEnvelope& e) { return e.pmax; });
}
std::vector<double> AcousticPipes::pressure_min(int pipe) const {
  return field_of(envelope_, offset_[pipe], count_[pipe], [](const CellEnvelope& e) { return e.pmin; });
}
std::vector<double> AcousticPipes::time_of_max(int pipe) const {
  return field_of(envelope_, offset_[pipe], count_[pipe], [](const CellEnvelope& e) { return e.tmax; });
}
std::vector<double> AcousticPipes::time_of_min(int pipe) const {
  return field_of(envelope_, offset_[pipe], count_[pipe], [](const CellEnvelope& e) { return e.tmin; });
}
std::vector<double> AcousticPipes::cavity_max(int pipe) const {
  return field_of(envelope_, offset_[pipe], count_[pipe], [](const CellEnvelope& e) { return e.cavmax; });
}
std::vector<double> AcousticPipes::first_cavity_time(int pipe) const {
  return field_of(envelope_, offset_[pipe], count_[pipe], [](const CellEnvelope& e) { return e.tcav; });
}

bool AcousticPipes::finite() const {
  const View p = p_, v = v_;
  int bad = 0;
  Kokkos::parallel_reduce(
      "lift::acoustic_finite", total_,
      KOKKOS_LAMBDA(const int i, int& acc) {
        if (!(hadal::km::fabs(p(i)) < 1e300) || !(hadal::km::fabs(v(i)) < 1e300)) ++acc;
      },
      bad);
  return bad == 0;
}

std::vector<double> AcousticPipes::state() const {
  std::vector<double> s = copy_out(p_, 0, total_);
  const std::vector<double> vel = copy_out(v_, 0, total_);
  s.insert(s.end(), vel.begin(), vel.end());
  auto env = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), envelope_);
  for (int i = 0; i < total_; ++i) {
    const CellEnvelope& e = env(i);
    s.insert(s.end(), {e.pmax, e.pmin, e.tmax, e.tmin, e.cavmax, e.tcav});
  }
  auto faces = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), face_);
  for (int f = 0; f < faces_; ++f) s.insert(s.end(), {faces(f).cavity, faces(f).volume});
  return s;
}

void AcousticPipes::restore(const std::vector<double>& s, std::size_t& k) {
  gradient_stale_ = true;
  copy_in(p_, 0, std::vector<double>(s.begin() + k, s.begin() + k + total_));
  k += total_;
  copy_in(v_, 0, std::vector<double>(s.begin() + k, s.begin() + k + total_));
  k += total_;
  auto env = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), envelope_);
  for (int i = 0; i < total_; ++i) {
    env(i) = {s[k], s[k + 1], s[k + 2], s[k + 3], s[k + 4], s[k + 5]};
    k += 6;
  }
  Kokkos::deep_copy(envelope_, env);
  auto faces = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), face_);
  for (int f = 0; f < faces_; ++f) {
    faces(f).cavity = s[k++];
    faces(f).volume = s[k++];
    faces(f).open = faces(f).cavity > 0.0 ? 1.0 : 0.0;
  }
  Kokkos::deep_copy(face_, faces);
}

// ---------------------------------------------------------------- nodes
namespace {

// Face pressure of a node side for node flow q: a reservoir's, or the pipe end's characteristic.
double side_pressure(const NodeSide& side, bool upstream, double q) {
  if (side.reservoir) return side.pressure;
  const double dv = q / side.end.area - side.end.velocity;
  return upstream ? side.end.pressure - side.end.impedance * dv : side.end.pressure + side.end.impedance * dv;
}

NodeFlow balance_node(const NodeSide& upstream, const NodeSide& downstream, const std::function<double(double)>& drop,
                      double guess) {
  // R(q) = p_up(q) - p_down(q) - drop(q) decreases strictly with q: bracket the root, then Newton steps
  // kept inside the bracket (bisection when a step leaves it).
  auto residual = [&](double q) {
    return side_pressure(upstream, true, q) - side_pressure(downstream, false, q) - drop(q);
  };
  double scale = std::max(std::fabs(guess), 1e-6);
  double lo = guess, hi = guess;
  double r_lo = residual(lo), r_hi = r_lo;
  for (int it = 0; it < 200 && r_lo < 0.0; ++it) {
    hi = lo;
    r_hi = r_lo;
    lo -= scale;
    scale *= 2.0;
    r_lo = residual(lo);
  }
  for (int it = 0; it < 200 && r_hi > 0.0; ++it) {
    lo = hi;
    r_lo = r_hi;
    hi += scale;
    scale *= 2.0;
    r_hi = residual(hi);
  }
  if (!(r_lo >= 0.0 && r_hi <= 0.0))
    throw NumericalError("lift elastic model: no flow balances a node (pressure-drop law not monotonic?)");
  double q = std::clamp(guess, lo, hi);
  double r = residual(q);
  const double tol = 1e-13 * std::max({std::fabs(lo), std::fabs(hi), 1e-9});
  for (int it = 0; it < 100 && r != 0.0 && hi - lo > tol; ++it) {
    if (r > 0.0) lo = q; else hi = q;
    const double h = std::max(1e-9 * std::fabs(q), 1e-12);
    const double slope = (residual(q + h) - residual(q - h)) / (2.0 * h);
    double next = slope < 0.0 ? q - r / slope : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - q) < tol) {
      q = next;
      break;
    }
    q = next;
    r = residual(q);
  }
  NodeFlow f;
  f.flow = q;
  f.upstream_pressure = side_pressure(upstream, true, q);
  f.downstream_pressure = side_pressure(downstream, false, q);
  return f;
}

// One pipe side of a node, given the node's flow q: the face state with or without a cavity on the face.
// Returns false if the side's state (cavity or liquid) turned out inconsistent with `with_cavity`.
struct SideState {
  double pressure, velocity, cavity;
};
bool side_state(const NodeSide& side, bool upstream, double q, bool with_cavity, double dt, SideState& out) {
  const PipeEnd& e = side.end;
  if (!with_cavity) {
    out = {side_pressure(side, upstream, q), q / e.area, 0.0};
    return out.pressure >= e.vapour;
  }
  // At the vapour pressure the pipe moves on its own characteristic; the cavity takes the difference.
  const double v = upstream ? e.velocity + (e.pressure - e.vapour) / e.impedance
                            : e.velocity - (e.pressure - e.vapour) / e.impedance;
  const double grown = e.cavity + (upstream ? q - e.area * v : e.area * v - q) * dt;
  out = {e.vapour, v, grown};
  return grown > 0.0;
}

NodeSide at_vapour(const NodeSide& side) { return {true, side.end.vapour, side.end}; }

// Shared by solve_node and shut_node: `flow` gives the node's flow for the chosen side models.
NodeFlow settle_node(const NodeSide& upstream, const NodeSide& downstream, double dt,
                     const std::function<NodeFlow(const NodeSide&, const NodeSide&)>& flow) {
  // A pipe side holds a cavity if it had one on its face; one opens if the liquid face would fall below
  // vapour pressure, and one closes when its volume runs out. Few passes settle it.
  bool cav_up = !upstream.reservoir && upstream.end.cavity > 0.0;
  bool cav_down = !downstream.reservoir && downstream.end.cavity > 0.0;
  NodeFlow f;
  for (int pass = 0; pass < 4; ++pass) {
    f = flow(cav_up ? at_vapour(upstream) : upstream, cav_down ? at_vapour(downstream) : downstream);
    SideState up{f.upstream_pressure, 0.0, 0.0}, down{f.downstream_pressure, 0.0, 0.0};
    bool ok = true;
    if (!upstream.reservoir && !side_state(upstream, true, f.flow, cav_up, dt, up)) {
      cav_up = !cav_up;
      ok = false;
    }
    if (!downstream.reservoir && !side_state(downstream, false, f.flow, cav_down, dt, down)) {
      cav_down = !cav_down;
      ok = false;
    }
    f.upstream_pressure = up.pressure;
    f.upstream_velocity = up.velocity;
    f.upstream_cavity = up.cavity;
    f.downstream_pressure = down.pressure;
    f.downstream_velocity = down.velocity;
    f.downstream_cavity = down.cavity;
    if (ok) break;
  }
  return f;
}

}  // namespace

NodeFlow solve_node(const NodeSide& upstream, const NodeSide& downstream, const std::function<double(double)>& drop,
                    double guess, double dt) {
  return settle_node(upstream, downstream, dt, [&](const NodeSide& up, const NodeSide& down) {
    return balance_node(up, down, drop, guess);
  });
}

NodeFlow shut_node(const NodeSide& upstream, const NodeSide& downstream, double dt) {
  return settle_node(upstream, downstream, dt, [](const NodeSide& up, const NodeSide& down) {
    NodeFlow f;
    f.upstream_pressure = side_pressure(up, true, 0.0);
    f.downstream_pressure = side_pressure(down, false, 0.0);
    return f;
  });
}

}  // namespace hadal::lift
