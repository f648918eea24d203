// SPDX-License-Identifier: MIT
#include "lift/acoustic_pipes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/error.hpp"
#include "lift/kernels.hpp"
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

}  // namespace

AcousticPipes::AcousticPipes(const std::vector<AcousticPipeSpec>& pipes) : specs_(pipes) {
  for (const auto& s : specs_) {
    offset_.push_back(total_);
    count_.push_back(static_cast<int>(s.cells.s.size()));
    total_ += count_.back();
  }
  faces_ = total_ + pipes.size();
  const int n = total_;
  for (View* v : {&p_, &v_, &p_next_, &v_next_, &rho_, &modulus_, &z_, &a_, &dx_, &gz_, &fmul_, &brunone_,
                  &vapour_, &area_, &gradient_, &friction_, &pm_, &vm_, &pp_, &vp_, &pmax_, &pmin_, &tmax_, &tmin_,
                  &cavmax_, &tcav_})
    *v = View("acoustic_cell_field", n);
  pipe_of_ = Kokkos::View<int*>("acoustic_pipe_of", n);
  edge_ = Kokkos::View<int*>("acoustic_edge", n);
  ps_ = View("acoustic_face_pressure", faces_);
  vs_left_ = View("acoustic_face_velocity_left", faces_);
  vs_right_ = View("acoustic_face_velocity_right", faces_);
  cavity_ = View("acoustic_face_cavity", faces_);
  open_ = View("acoustic_face_open", faces_);
  deficit_ = View("acoustic_cell_deficit", n);
  volume_ = View("acoustic_face_volume", faces_);
  face_left_ = Kokkos::View<int*>("acoustic_face_left", faces_);
  face_right_ = Kokkos::View<int*>("acoustic_face_right", faces_);

  auto h_dx = Kokkos::create_mirror_view(dx_);
  auto h_gz = Kokkos::create_mirror_view(gz_);
  auto h_br = Kokkos::create_mirror_view(brunone_);
  auto h_vap = Kokkos::create_mirror_view(vapour_);
  auto h_area = Kokkos::create_mirror_view(area_);
  auto h_pipe = Kokkos::create_mirror_view(pipe_of_);
  auto h_edge = Kokkos::create_mirror_view(edge_);
  auto h_left = Kokkos::create_mirror_view(face_left_);
  auto h_right = Kokkos::create_mirror_view(face_right_);
  table_ = Kokkos::View<double**>("acoustic_friction_table", pipes.size(), kTableIntervals + 1);
  inv_step_ = View("acoustic_friction_inv_step", pipes.size());
  auto h_table = Kokkos::create_mirror_view(table_);
  auto h_inv = Kokkos::create_mirror_view(inv_step_);
  for (int k = 0; k < this->pipes(); ++k) {
    const AcousticPipeSpec& s = specs_[k];
    const int off = offset_[k], nk = count_[k];
    for (int i = 0; i < nk; ++i) {
      const int c = off + i;
      h_dx(c) = s.cells.length[i];
      h_gz(c) = s.gravity * (s.ascending ? s.cells.sin_angle[i] : -s.cells.sin_angle[i]);
      h_br(c) = s.unsteady_coefficient;
      h_vap(c) = s.cavitation ? s.vapour_pressure : -std::numeric_limits<double>::max();
      h_area(c) = s.count * s.area();
      h_pipe(c) = k;
      h_edge(c) = (i == 0 ? kFirstCell : 0) | (i == nk - 1 ? kLastCell : 0);
    }
    for (int j = 0; j <= nk; ++j) {
      const int f = off + k + j;
      h_left(f) = j > 0 ? off + j - 1 : -(k + 1);     // negative: the pipe's first boundary face
      h_right(f) = j < nk ? off + j : -(k + 1);       // negative: the pipe's last boundary face
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
  Kokkos::deep_copy(dx_, h_dx);
  Kokkos::deep_copy(gz_, h_gz);
  Kokkos::deep_copy(brunone_, h_br);
  Kokkos::deep_copy(vapour_, h_vap);
  Kokkos::deep_copy(area_, h_area);
  Kokkos::deep_copy(pipe_of_, h_pipe);
  Kokkos::deep_copy(edge_, h_edge);
  Kokkos::deep_copy(face_left_, h_left);
  Kokkos::deep_copy(face_right_, h_right);
  Kokkos::deep_copy(table_, h_table);
  Kokkos::deep_copy(inv_step_, h_inv);
  Kokkos::deep_copy(pmax_, -std::numeric_limits<double>::max());
  Kokkos::deep_copy(pmin_, std::numeric_limits<double>::max());
  Kokkos::deep_copy(tcav_, -1.0);
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
  const int n = count_[pipe];
  std::vector<double> a(n), z(n);
  for (int i = 0; i < n; ++i) {
    a[i] = std::sqrt(modulus[i] / density[i]);
    z[i] = density[i] * a[i];
  }
  copy_in(rho_, offset_[pipe], density);
  copy_in(modulus_, offset_[pipe], modulus);
  copy_in(fmul_, offset_[pipe], friction_multiplier);
  copy_in(a_, offset_[pipe], a);
  copy_in(z_, offset_[pipe], z);
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
  copy_in(p_, offset_[pipe], pressure);
  copy_in(v_, offset_[pipe], velocity);
}

double AcousticPipes::max_wave_rate() const {
  const View a = a_, dx = dx_;
  double rate = 0.0;
  Kokkos::parallel_reduce(
      "lift::acoustic_rate", total_,
      KOKKOS_LAMBDA(const int i, double& m) {
        const double r = a(i) / dx(i);
        if (r > m) m = r;
      },
      Kokkos::Max<double>(rate));
  return rate;
}

void AcousticPipes::predict(double dt) {
  const View p = p_, v = v_, rho = rho_, modulus = modulus_, dx = dx_, gz = gz_, fmul = fmul_, vapour = vapour_;
  const View gradient = gradient_, friction = friction_, pm = pm_, vm = vm_, pp = pp_, vp = vp_, cavity = cavity_;
  const View inv_step = inv_step_;
  const Kokkos::View<double**> table = table_;
  const Kokkos::View<int*> pipe_of = pipe_of_, edge = edge_;
  // Equilibrium gradient dp/ds of each cell (gravity and quasi-steady friction) and its friction rate.
  Kokkos::parallel_for(
      "lift::acoustic_gradient", total_, KOKKOS_LAMBDA(const int i) {
        const int k = pipe_of(i);
        const double fr = fmul(i) * friction_rate(table, k, inv_step(k), hadal::km::fabs(v(i)));
        friction(i) = fr;
        gradient(i) = -rho(i) * (gz(i) + fr * v(i));
      });
  // MUSCL-Hancock: limited slopes of the pressure's deviation from equilibrium and of the velocity,
  // half-step evolution, face states (not below the vapour pressure). First order at pipe ends and next
  // to a cavity, where the state jumps.
  Kokkos::parallel_for(
      "lift::acoustic_predict", total_, KOKKOS_LAMBDA(const int i) {
        const int fl = i + pipe_of(i);
        double dev = 0.0, dv = 0.0;
        if (edge(i) == 0 && cavity(fl) <= 0.0 && cavity(fl + 1) <= 0.0) {
          const double left = p(i) - p(i - 1) - 0.5 * (gradient(i - 1) * dx(i - 1) + gradient(i) * dx(i));
          const double right = p(i + 1) - p(i) - 0.5 * (gradient(i) * dx(i) + gradient(i + 1) * dx(i + 1));
          dev = numerics::limited_slope(numerics::Limiter::Minmod, left, right);
          dv = numerics::limited_slope(numerics::Limiter::Minmod, v(i) - v(i - 1), v(i + 1) - v(i));
        }
        const double slope = gradient(i) * dx(i) + dev;
        const double pt = p(i) - 0.5 * dt * modulus(i) * dv / dx(i);
        const double vt = v(i) - 0.5 * dt * dev / (rho(i) * dx(i));
        const double lo = pt - 0.5 * slope, hi = pt + 0.5 * slope;
        pm(i) = lo > vapour(i) ? lo : vapour(i);
        pp(i) = hi > vapour(i) ? hi : vapour(i);
        vm(i) = vt - 0.5 * dv;
        vp(i) = vt + 0.5 * dv;
      });
  const Kokkos::View<double**> ends = ends_;
  const Kokkos::View<int*> first = first_cell_, last = last_cell_;
  Kokkos::parallel_for(
      "lift::acoustic_ends", pipes(), KOKKOS_LAMBDA(const int k) {
        ends(k, 0) = pm(first(k));
        ends(k, 1) = vm(first(k));
        ends(k, 2) = pp(last(k));
        ends(k, 3) = vp(last(k));
        ends(k, 4) = cavity(first(k) + k);     // first face of pipe k
        ends(k, 5) = cavity(last(k) + k + 1);  // last face
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
  const View p = p_, v = v_, p_next = p_next_, v_next = v_next_, rho = rho_, modulus = modulus_, z = z_, a = a_;
  const View dx = dx_, gz = gz_, brunone = brunone_, vapour = vapour_, friction = friction_, area = area_;
  const View pm = pm_, vm = vm_, pp = pp_, vp = vp_, ps = ps_, vs_left = vs_left_, vs_right = vs_right_;
  const View cavity = cavity_, volume = volume_, open = open_, deficit = deficit_;
  const View pmax = pmax_, pmin = pmin_, tmax = tmax_, tmin = tmin_, cavmax = cavmax_, tcav = tcav_;
  const Kokkos::View<double**> boundary = boundary_;
  const Kokkos::View<int*> left = face_left_, right = face_right_, pipe_of = pipe_of_, edge = edge_;
  Kokkos::parallel_for(
      "lift::acoustic_faces", faces_, KOKKOS_LAMBDA(const int f) {
        const int l = left(f), r = right(f);
        double pf, ul, ur, cav;
        if (l < 0 || r < 0) {  // a pipe end: the node's state
          const int k = l < 0 ? -l - 1 : -r - 1, c = l < 0 ? 0 : 3;
          pf = boundary(k, c);
          ul = ur = boundary(k, c + 1);
          cav = boundary(k, c + 2);
        } else {
          cavitating_face(pp(l), vp(l), z(l), pm(r), vm(r), z(r), vapour(l), cavity(f), area(l), dt, pf, ul, ur, cav);
        }
        ps(f) = pf;
        vs_left(f) = ul;
        vs_right(f) = ur;
        cavity(f) = cav;
        open(f) = cav > 0.0 ? 1.0 : 0.0;
        volume(f) += 0.5 * (ul + ur) * dt;
      });
  const double t_new = time + dt;
  Kokkos::parallel_for(
      "lift::acoustic_update", total_, KOKKOS_LAMBDA(const int i) {
        const int fl = i + pipe_of(i), fr = fl + 1;
        const int e = edge(i);
        // Volume balance of the cell's liquid: in through the left face, out through the right face. The
        // liquid takes no tension: what would pull it below the vapour pressure (a slab between two
        // cavities rings about the vapour pressure) opens cavity volume on its faces instead.
        double p_new = p(i) - dt * modulus(i) / dx(i) * (vs_left(fr) - vs_right(fl));
        deficit(i) = 0.0;
        if (p_new < vapour(i)) {
          deficit(i) = area(i) * dx(i) * (vapour(i) - p_new) / modulus(i);
          p_new = vapour(i);
        }
        // Brunone-Vitkovsky unsteady friction k (dv/dt + a sign(v) |dv/ds|): the k dv/dt part implicit with
        // the inertia, rho (1 + k) dv/dt (a lagged dv/dt destabilises the waves at Courant 1); the |dv/ds|
        // part is a Hamilton-Jacobi term, w_t + k a |w_s| = 0 in w = sign(v) v, upwinded with Godunov's
        // flux for |p| (a centred difference would be an unstable forward-time advection).
        const double k = brunone(i);
        const double sign = v(i) > 0.0 ? 1.0 : (v(i) < 0.0 ? -1.0 : 0.0);
        const double back = (e & kFirstCell) ? 0.0 : sign * (v(i) - v(i - 1)) / (0.5 * (dx(i - 1) + dx(i)));
        const double ahead = (e & kLastCell) ? 0.0 : sign * (v(i + 1) - v(i)) / (0.5 * (dx(i) + dx(i + 1)));
        const double rise = back > 0.0 ? back : 0.0, fall = ahead < 0.0 ? -ahead : 0.0;
        const double unsteady = k * a(i) * sign * (rise > fall ? rise : fall);
        // Quasi-steady friction implicit in the new velocity (stable for any friction rate).
        const double u = ((1.0 + k) * v(i) - dt * ((ps(fr) - ps(fl)) / (rho(i) * dx(i)) + gz(i) + unsteady)) /
                         (1.0 + k + dt * friction(i));
        p_next(i) = p_new;
        v_next(i) = u;
        if (p_new > pmax(i)) { pmax(i) = p_new; tmax(i) = t_new; }
        if (p_new < pmin(i)) { pmin(i) = p_new; tmin(i) = t_new; }
        // The cell's share of the cavities on its faces (an end face's cavity is wholly its cell's).
        const double share = ((e & kFirstCell) ? 1.0 : 0.5) * cavity(fl) + ((e & kLastCell) ? 1.0 : 0.5) * cavity(fr);
        if (share > 0.0) {
          if (share > cavmax(i)) cavmax(i) = share;
          if (tcav(i) < 0.0) tcav(i) = t_new;
        }
      });
  // The cells' deficits go to their open faces (split if both are open); with none open, to the faces that
  // can open: interior faces, not a pipe end (a node opens its own cavities).
  Kokkos::parallel_for(
      "lift::acoustic_deficits", faces_, KOKKOS_LAMBDA(const int f) {
        auto interior = [&](int g) { return left(g) >= 0 && right(g) >= 0; };
        auto share = [&](int other) {  // fraction of an adjacent cell's deficit for face f; `other`: its other face
          const bool open_f = open(f) > 0.0, open_o = open(other) > 0.0;
          if (open_f) return open_o ? 0.5 : 1.0;
          if (open_o || !interior(f)) return 0.0;
          return interior(other) ? 0.5 : 1.0;
        };
        double added = 0.0;
        const int l = left(f), r = right(f);
        if (l >= 0 && deficit(l) > 0.0) added += deficit(l) * share(f - 1);  // f is cell l's right face
        if (r >= 0 && deficit(r) > 0.0) added += deficit(r) * share(f + 1);  // f is cell r's left face
        cavity(f) += added;
      });
  std::swap(p_, p_next_);
  std::swap(v_, v_next_);
}

std::vector<double> AcousticPipes::host_copy(const View& v, int pipe) const {
  return copy_out(v, offset_[pipe], count_[pipe]);
}

std::vector<double> AcousticPipes::pressure(int pipe) const { return host_copy(p_, pipe); }

std::vector<double> AcousticPipes::velocity(int pipe) const { return host_copy(v_, pipe); }

std::vector<double> AcousticPipes::cavity_volume(int pipe) const {
  const int n = count_[pipe];
  const std::vector<double> faces = copy_out(cavity_, offset_[pipe] + pipe, n + 1);
  std::vector<double> cells(n);
  for (int i = 0; i < n; ++i)
    cells[i] = (i == 0 ? 1.0 : 0.5) * faces[i] + (i == n - 1 ? 1.0 : 0.5) * faces[i + 1];
  return cells;
}

double AcousticPipes::total_cavity_volume(int pipe) const {
  const std::vector<double> faces = copy_out(cavity_, offset_[pipe] + pipe, count_[pipe] + 1);
  double total = 0.0;
  for (double c : faces) total += c;
  return total;
}

std::vector<double> AcousticPipes::take_mean_face_velocity(int pipe, double duration) {
  const int first = offset_[pipe] + pipe, n = count_[pipe] + 1;
  std::vector<double> v = copy_out(volume_, first, n);
  for (double& x : v) x /= duration;
  Kokkos::deep_copy(Kokkos::subview(volume_, std::make_pair(first, first + n)), 0.0);
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

std::vector<double> AcousticPipes::pressure_max(int pipe) const { return host_copy(pmax_, pipe); }
std::vector<double> AcousticPipes::pressure_min(int pipe) const { return host_copy(pmin_, pipe); }
std::vector<double> AcousticPipes::time_of_max(int pipe) const { return host_copy(tmax_, pipe); }
std::vector<double> AcousticPipes::time_of_min(int pipe) const { return host_copy(tmin_, pipe); }
std::vector<double> AcousticPipes::cavity_max(int pipe) const { return host_copy(cavmax_, pipe); }
std::vector<double> AcousticPipes::first_cavity_time(int pipe) const { return host_copy(tcav_, pipe); }

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
  std::vector<double> s;
  for (const View* v : {&p_, &v_, &pmax_, &pmin_, &tmax_, &tmin_, &cavmax_, &tcav_}) {
    const std::vector<double> h = copy_out(*v, 0, total_);
    s.insert(s.end(), h.begin(), h.end());
  }
  for (const View* v : {&cavity_, &volume_}) {
    const std::vector<double> h = copy_out(*v, 0, faces_);
    s.insert(s.end(), h.begin(), h.end());
  }
  return s;
}

void AcousticPipes::restore(const std::vector<double>& s, std::size_t& k) {
  for (View* v : {&p_, &v_, &pmax_, &pmin_, &tmax_, &tmin_, &cavmax_, &tcav_}) {
    copy_in(*v, 0, std::vector<double>(s.begin() + k, s.begin() + k + total_));
    k += total_;
  }
  for (View* v : {&cavity_, &volume_}) {
    copy_in(*v, 0, std::vector<double>(s.begin() + k, s.begin() + k + faces_));
    k += faces_;
  }
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
