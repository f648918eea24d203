// SPDX-License-Identifier: MIT
#include "lift/solids.hpp"

#include <algorithm>
#include <cmath>

#include "numerics/limiter.hpp"

namespace hadal::lift {
namespace {

void kahan_add(double& sum, double& comp, double value) {
  const double y = value - comp;
  const double t = sum + y;
  comp = (t - sum) - y;
  sum = t;
}

double read_element(const SolidsTransport::View& v, int i) {
  Kokkos::View<double, Kokkos::HostSpace> h("element");
  Kokkos::deep_copy(h, Kokkos::subview(v, i));
  return h();
}

}  // namespace

SolidsTransport::SolidsTransport(const Network& net, const PipeCells& riser, const std::vector<double>& concentration)
    : net_(net), cells_(riser), n_(static_cast<int>(riser.s.size())), drift_(net.drift_flux()) {
  c_ = View("riser_concentration", n_);
  c_new_ = View("riser_concentration_new", n_);
  face_flux_ = View("riser_face_flux", n_ + 1);
  face_minus_ = View("riser_face_minus", n_);
  face_plus_ = View("riser_face_plus", n_);
  face_velocity_ = View("riser_face_velocity", n_ + 1);
  dx_ = View("riser_dx", n_);
  sin_ = View("riser_sin", n_);
  cos_ = View("riser_cos", n_);
  auto hdx = Kokkos::create_mirror_view(dx_);
  auto hsin = Kokkos::create_mirror_view(sin_);
  auto hcos = Kokkos::create_mirror_view(cos_);
  for (int i = 0; i < n_; ++i) {
    hdx(i) = cells_.length[i];
    hsin(i) = cells_.sin_angle[i];
    hcos(i) = cells_.cos_angle[i];
  }
  Kokkos::deep_copy(dx_, hdx);
  Kokkos::deep_copy(sin_, hsin);
  Kokkos::deep_copy(cos_, hcos);
  set_concentration(concentration);
  dx_bottom_ = cells_.length[0];
  initial_inventory_ = inventory();
}

void SolidsTransport::set_uniform_velocity(double j) { Kokkos::deep_copy(face_velocity_, j); }

void SolidsTransport::start(double injection_rate) {
  last_injection_rate_ = injection_rate;
  last_top_flux_ = drift_.flux(top_concentration(), read_element(face_velocity_, n_), cells_.sin_angle[n_ - 1]);
}

std::vector<double> SolidsTransport::concentration() const {
  auto h = Kokkos::create_mirror_view(c_);
  Kokkos::deep_copy(h, c_);
  return std::vector<double>(h.data(), h.data() + n_);
}

void SolidsTransport::set_concentration(const std::vector<double>& c) {
  auto h = Kokkos::create_mirror_view(c_);
  for (int i = 0; i < n_; ++i) h(i) = c[i];
  Kokkos::deep_copy(c_, h);
}

double SolidsTransport::bottom_concentration() const { return read_element(c_, 0); }
double SolidsTransport::top_concentration() const { return read_element(c_, n_ - 1); }

double SolidsTransport::inventory() const {
  const View c = c_, dx = dx_;
  double v = 0.0;
  Kokkos::parallel_reduce(
      "lift::inventory", n_, KOKKOS_LAMBDA(const int i, double& acc) { acc += c(i) * dx(i); }, v);
  return v * net_.riser.area();
}

double SolidsTransport::conservation_error() const {
  const double expected = initial_inventory_ + injected_ - outflow_;
  const double scale = std::max(initial_inventory_ + injected_, 1e-30);
  return (inventory() - expected) / scale;
}

double SolidsTransport::bed_length() const {
  const View c = c_, dx = dx_;
  const double limit = 0.99 * net_.ore.packing_limit;
  double len = 0.0;
  Kokkos::parallel_reduce(
      "lift::bed", n_, KOKKOS_LAMBDA(const int i, double& acc) { if (c(i) >= limit) acc += dx(i); }, len);
  return len;
}

double SolidsTransport::stable_dt(double cfl) const {
  const View c = c_, dx = dx_, sn = sin_, jf = face_velocity_;
  const DriftFlux drift = drift_;
  double dt = 1e300;
  Kokkos::parallel_reduce(
      "lift::stable_dt", n_,
      KOKKOS_LAMBDA(const int i, double& m) {
        const double j = 0.5 * (jf(i) + jf(i + 1));
        const double speed = std::fabs(drift.wave_speed(c(i), j, sn(i))) + 1e-12;
        const double local = dx(i) / speed;
        if (local < m) m = local;
      },
      Kokkos::Min<double>(dt));
  return cfl * dt;
}

void SolidsTransport::transport(double time, double dt, double offered) {
  const View c = c_, cn = c_new_, flux = face_flux_, dx = dx_, sn = sin_, jf = face_velocity_;
  const DriftFlux drift = drift_;
  const double cmax = net_.ore.packing_limit;
  const int n = n_;
  // MUSCL-Hancock: each cell's two face states, advanced half a step with the cell's own flux
  // difference, computed once per cell (the costly part is the power in the hindered-settling term).
  const View cm = face_minus_, cp = face_plus_;
  Kokkos::parallel_for(
      "lift::reconstruct", n, KOKKOS_LAMBDA(const int i) {
        const double j = 0.5 * (jf(i) + jf(i + 1));
        const double slope = (i > 0 && i < n - 1)
                                 ? numerics::limited_slope(numerics::Limiter::Minmod, c(i) - c(i - 1), c(i + 1) - c(i))
                                 : 0.0;
        double lo = c(i) - 0.5 * slope, hi = c(i) + 0.5 * slope;
        if (slope != 0.0) {
          const double half = 0.5 * dt / dx(i) * (drift.flux(hi, j, sn(i)) - drift.flux(lo, j, sn(i)));
          lo -= half;
          hi -= half;
        }
        cm(i) = lo < 0.0 ? 0.0 : (lo > cmax ? cmax : lo);
        cp(i) = hi < 0.0 ? 0.0 : (hi > cmax ? cmax : hi);
      });
  Kokkos::parallel_for(
      "lift::faces", n + 1, KOKKOS_LAMBDA(const int f) {
        if (f == 0) {
          flux(f) = 0.0;  // nothing enters from the supply side; the feeder is a source in cell 0
          return;
        }
        const double j = jf(f);
        if (f == n) {
          // outflow to the separator only; no solids come back down from the ship
          const double out = drift.flux(c(n - 1), j, sn(n - 1));
          const double cap = c(n - 1) * dx(n - 1) / dt;
          flux(f) = out > 0.0 ? (out < cap ? out : cap) : 0.0;
          return;
        }
        const int l = f - 1, r = f;
        // At a joint between sections of different inclination the flux function jumps: take the
        // upwind section's (by the sign of the wave speed), so a steady state is exactly preserved.
        double s_face = sn(l);
        if (sn(l) != sn(r) && drift.wave_speed(cp(l), j, sn(l)) < 0.0) s_face = sn(r);
        double F = drift.godunov_flux(cp(l), cm(r), j, s_face);
        // Positivity and packing limiter. Upward transport obeys a maximum principle (F' > 0 where it
        // carries solids up), so only downward (settling) fluxes can pile solids above the packing
        // limit: they stop when the cell below is packed, which is how a settled bed builds up. No
        // face moves more than its donor holds.
        if (F > 0.0) {
          const double have = c(l) * dx(l) / dt;
          F = F < have ? F : have;
        } else if (F < 0.0) {
          const double room = cmax - c(l) > 0.0 ? (cmax - c(l)) * dx(l) / dt : 0.0;
          const double have = c(r) * dx(r) / dt;
          F = -F < room ? F : -room;
          F = -F < have ? F : -have;
        }
        flux(f) = F;
      });
  const double area = net_.riser.area();
  Kokkos::parallel_for(
      "lift::update", n, KOKKOS_LAMBDA(const int i) { cn(i) = c(i) - dt / dx(i) * (flux(i + 1) - flux(i)); });
  Kokkos::fence();
  // The feeder cannot push ore into a packed merging section: what does not fit stays in the feeder
  // (choked) and is not counted as injected, so the solids balance stays exact.
  double injected = offered;
  {
    Kokkos::View<double, Kokkos::HostSpace> bottom("bottom");
    Kokkos::deep_copy(bottom, Kokkos::subview(cn, 0));
    const double room = std::max(0.0, cmax - bottom()) * area * dx_bottom_;
    const double accepted = std::min(injected, room);
    if (accepted < injected) {
      kahan_add(rejected_, rejected_comp_, injected - accepted);
      if (choked_time_ < 0.0) choked_time_ = time;
    }
    injected = accepted;
    bottom() += accepted / (area * dx_bottom_);
    Kokkos::deep_copy(Kokkos::subview(cn, 0), bottom);
  }
  std::swap(c_, c_new_);
  last_top_flux_ = read_element(face_flux_, n_);
  kahan_add(outflow_, outflow_comp_, last_top_flux_ * area * dt);
  kahan_add(injected_, injected_comp_, injected);
  last_injection_rate_ = injected / dt;
}

void SolidsTransport::check_alarms(double time) {
  const View c = c_, jf = face_velocity_;
  using MaxLoc = Kokkos::MaxLoc<double, int>;
  MaxLoc::value_type best;
  Kokkos::parallel_reduce(
      "lift::max_c", n_,
      KOKKOS_LAMBDA(const int i, MaxLoc::value_type& m) {
        if (c(i) > m.val) { m.val = c(i); m.loc = i; }
      },
      MaxLoc(best));
  max_c_seen_ = std::max(max_c_seen_, best.val);
  if (!packing_.raised && best.val >= net_.blockage.concentration) {
    packing_ = {true, time, cells_.s[best.loc], cells_.depth[best.loc], best.val};
  }
  // Velocity: the slowest mixture among the cells that carry solids; the alarm points at the lowest of them.
  const double threshold = net_.blockage.solids_threshold;
  const double vt = net_.ore.settling_velocity;
  double slowest = 1e300;
  Kokkos::parallel_reduce(
      "lift::slowest_with_solids", n_,
      KOKKOS_LAMBDA(const int i, double& m) {
        const double ratio = 0.5 * (jf(i) + jf(i + 1)) / vt;
        if (c(i) > threshold && ratio < m) m = ratio;
      },
      Kokkos::Min<double>(slowest));
  if (slowest > 1e299) return;
  int lowest = n_;
  Kokkos::parallel_reduce(
      "lift::lowest_slowest", n_,
      KOKKOS_LAMBDA(const int i, int& m) {
        const double ratio = 0.5 * (jf(i) + jf(i + 1)) / vt;
        if (c(i) > threshold && ratio <= slowest && i < m) m = i;
      },
      Kokkos::Min<int>(lowest));
  const double margin = slowest / net_.blockage.velocity_ratio;
  min_margin_ = std::min(min_margin_, margin);
  if (!velocity_.raised && margin < 1.0)
    velocity_ = {true, time, cells_.s[lowest], cells_.depth[lowest], slowest};
}

std::vector<double> SolidsTransport::state() const {
  std::vector<double> s = {injected_, injected_comp_, outflow_, outflow_comp_, initial_inventory_,
                           last_injection_rate_, last_top_flux_, rejected_, rejected_comp_, choked_time_,
                           min_margin_, max_c_seen_};
  for (const AlarmRecord* a : {&packing_, &velocity_}) s.insert(s.end(), {a->raised ? 1.0 : 0.0, a->time,
                                                                          a->position, a->depth, a->value});
  return s;
}

void SolidsTransport::restore(const std::vector<double>& s, std::size_t& k) {
  injected_ = s[k++]; injected_comp_ = s[k++]; outflow_ = s[k++]; outflow_comp_ = s[k++];
  initial_inventory_ = s[k++]; last_injection_rate_ = s[k++]; last_top_flux_ = s[k++];
  rejected_ = s[k++]; rejected_comp_ = s[k++]; choked_time_ = s[k++];
  min_margin_ = s[k++]; max_c_seen_ = s[k++];
  for (AlarmRecord* a : {&packing_, &velocity_}) {
    a->raised = s[k++] != 0.0;
    a->time = s[k++];
    a->position = s[k++];
    a->depth = s[k++];
    a->value = s[k++];
  }
}

}  // namespace hadal::lift
