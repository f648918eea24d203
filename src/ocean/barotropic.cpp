// SPDX-License-Identifier: MIT
#include "ocean/barotropic.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/log.hpp"
#include "numerics/constants.hpp"
#include "ocean/kernels.hpp"

namespace hadal::ocean {

namespace {
using Policy2 = Kokkos::MDRangePolicy<Kokkos::Rank<2>>;
using numerics::kPi;
}  // namespace

double HarmonicForcing::ramp(double time) const {
  const double elapsed = time - ramp_start_;
  if (ramp_time_ <= 0.0 || elapsed >= ramp_time_) return 1.0;
  if (elapsed <= 0.0) return 0.0;
  return 0.5 * (1.0 - std::cos(kPi * elapsed / ramp_time_));
}

void BoundaryForcing::at_points(double time, const std::vector<BoundaryPoint>& points,
                                std::vector<ExternalState>& out) const {
  out.resize(points.size());
  for (std::size_t n = 0; n < points.size(); ++n) out[n] = at(time, points[n].x, points[n].y, points[n].depth);
}

void HarmonicForcing::phases_at(double time, std::vector<double>& cosines) const {
  cosines.resize(3 * constituents_.size());
  for (std::size_t n = 0; n < constituents_.size(); ++n) {
    const auto& c = constituents_[n];
    cosines[3 * n] = std::cos(c.omega * time - c.eta_phase);
    cosines[3 * n + 1] = std::cos(c.omega * time - c.u_phase);
    cosines[3 * n + 2] = std::cos(c.omega * time - c.v_phase);
  }
}

ExternalState HarmonicForcing::combine(const std::vector<double>& cosines, double depth, double ramp_factor) const {
  ExternalState s;
  s.u = mean_u_;
  s.v = mean_v_;
  for (std::size_t n = 0; n < constituents_.size(); ++n) {
    const auto& c = constituents_[n];
    const double scale = c.transport ? 1.0 / std::max(depth, 1e-6) : 1.0;
    s.eta += c.eta_amplitude * cosines[3 * n];
    s.u += scale * c.u_amplitude * cosines[3 * n + 1];
    s.v += scale * c.v_amplitude * cosines[3 * n + 2];
  }
  s.eta *= ramp_factor;
  s.u *= ramp_factor;
  s.v *= ramp_factor;
  return s;
}

ExternalState HarmonicForcing::at(double time, double /*x*/, double /*y*/, double depth) const {
  std::vector<double> cosines;
  phases_at(time, cosines);
  return combine(cosines, depth, ramp(time));
}

void HarmonicForcing::at_points(double time, const std::vector<BoundaryPoint>& points,
                                std::vector<ExternalState>& out) const {
  std::vector<double> cosines;
  phases_at(time, cosines);
  const double r = ramp(time);
  out.resize(points.size());
  for (std::size_t n = 0; n < points.size(); ++n) out[n] = combine(cosines, points[n].depth, r);
}

void depth_from_elevation(const grid::Field& elevation, grid::Field& depth) {
  auto e = elevation.view();
  auto d = depth.view();
  Kokkos::parallel_for(
      "ocean::depth_from_elevation", Policy2({0, 0}, {long(d.extent(0)), long(d.extent(1))}),
      KOKKOS_LAMBDA(const int i, const int j) { d(i, j, 0) = e(i, j, 0) < 0.0 ? -e(i, j, 0) : 0.0; });
  depth.exchange_halo();
}

BarotropicSolver::BarotropicSolver(const grid::StructuredGrid& grid, const grid::Field& still_depth,
                                   BarotropicSettings settings, std::shared_ptr<const BoundaryForcing> forcing,
                                   double start_time)
    : grid_(grid),
      settings_(settings),
      forcing_(std::move(forcing)),
      depth_(grid, "depth", "m", "still-water depth", 1),
      drag_(grid, "drag_coefficient", "1", "quadratic bottom drag coefficient", 1),
      eta_(grid, "eta", "m", "sea surface elevation", 1),
      eta_next_(grid, "eta", "m", "sea surface elevation", 1),
      u_(grid, "u_face", "m s-1", "depth-mean x velocity on west faces", 1),
      u_next_(grid, "u_face", "m s-1", "depth-mean x velocity on west faces", 1),
      v_(grid, "v_face", "m s-1", "depth-mean y velocity on south faces", 1),
      v_next_(grid, "v_face", "m s-1", "depth-mean y velocity on south faces", 1),
      time_(start_time) {
  // Land columns get depth 0, which every kernel reads as "dry".
  auto src = still_depth.view();
  auto d = depth_.view();
  const double hmin = settings_.minimum_depth;
  Kokkos::parallel_for(
      "ocean::bt_depth", Policy2({0, 0}, {long(d.extent(0)), long(d.extent(1))}),
      KOKKOS_LAMBDA(const int i, const int j) { d(i, j, 0) = src(i, j, 0) >= hmin ? src(i, j, 0) : 0.0; });
  depth_.exchange_halo();
  drag_.fill(std::max(settings_.drag_coefficient, 0.0));
  eta_.fill(0.0);
  eta_next_.fill(0.0);
  u_.fill(0.0);
  u_next_.fill(0.0);
  v_.fill(0.0);
  v_next_.fill(0.0);

  const auto& box = grid_.owned();
  on_edge_[kWest] = box.i_begin == 0;
  on_edge_[kEast] = box.i_end == grid_.nx();
  on_edge_[kSouth] = box.j_begin == 0;
  on_edge_[kNorth] = box.j_end == grid_.ny();
  for (int e = 0; e < 4; ++e) {
    const int n = e < 2 ? grid_.local_nj() : grid_.local_ni();
    ext_eta_[e] = Kokkos::View<double*>("ocean::ext_eta", n);
    ext_normal_[e] = Kokkos::View<double*>("ocean::ext_normal", n);
    ext_eta_host_[e] = Kokkos::create_mirror_view(ext_eta_[e]);
    ext_normal_host_[e] = Kokkos::create_mirror_view(ext_normal_[e]);
  }
  // Ghost columns beyond the physical edges: copies of the edge values.
  apply_edge_ghosts(depth_, false, false);
  set_up_boundary_points();
  set_up_metrics();

  double local_max = 0.0;
  Kokkos::parallel_reduce(
      "ocean::bt_max_depth", Policy2({0, 0}, {long(d.extent(0)), long(d.extent(1))}),
      KOKKOS_LAMBDA(const int i, const int j, double& m) { m = d(i, j, 0) > m ? d(i, j, 0) : m; },
      Kokkos::Max<double>(local_max));
  max_depth_ = grid::global_max(grid_.comm(), local_max);
  // The narrowest columns bound the fastest discrete mode (centre distances are never below the narrowest
  // width); on uniform columns these are dx and dy.
  const double inv = std::sqrt(1.0 / (grid_.min_dx() * grid_.min_dx()) + 1.0 / (grid_.min_dy() * grid_.min_dy()));
  const double c = std::sqrt(settings_.gravity * std::max(max_depth_, settings_.minimum_depth));
  gravity_wave_limit_ = 1.0 / (c * inv);
}

void BarotropicSolver::set_drag_coefficient_field(const grid::Field& cd) {
  Kokkos::deep_copy(drag_.view(), cd.view());
  drag_.exchange_halo();
  apply_edge_ghosts(drag_, false, false);
}

double BarotropicSolver::stable_dt(double cfl) const {
  const double inv2 = 1.0 / (grid_.min_dx() * grid_.min_dx()) + 1.0 / (grid_.min_dy() * grid_.min_dy());
  double limit = gravity_wave_limit_;
  if (settings_.viscosity > 0.0) limit = std::min(limit, 1.0 / (4.0 * settings_.viscosity * inv2));
  const double speed = max_speed();
  if (settings_.nonlinear && speed > 0.0) {
    // Centred advection under forward stepping: keep the advective Courant number well below the wave one.
    limit = std::min(limit, 0.5 * std::min(grid_.min_dx(), grid_.min_dy()) / speed);
  }
  const double f_max = std::abs(settings_.coriolis_f0) +
                       std::abs(settings_.coriolis_beta) * (std::abs(grid_.spec().y0 - settings_.beta_reference_y) +
                                                            grid_.spec().ly);
  if (f_max > 0.0) limit = std::min(limit, 0.5 / f_max);
  return cfl * limit;
}

void BarotropicSolver::advance_to(double time, double cfl) {
  const double remaining = time - time_;
  if (remaining <= 0.0) return;
  const double dt_max = stable_dt(cfl);
  const long n = std::max(1L, static_cast<long>(std::ceil(remaining / dt_max - 1e-9)));
  const double dt = remaining / n;
  for (long s = 0; s < n; ++s) step(dt);
  time_ = time;  // no drift from summing dt
}

void BarotropicSolver::apply_edge_ghosts(grid::Field& field, bool x_faces, bool y_faces) const {
  auto f = field.view();
  const int g = grid_.ghost();
  const int ni = grid_.owned().ni(), nj = grid_.owned().nj();
  const int lni = grid_.local_ni(), lnj = grid_.local_nj();
  if (on_edge_[kWest]) {
    Kokkos::parallel_for(
        "ocean::ghost_w", lnj, KOKKOS_LAMBDA(const int j) {
          for (int i = 0; i < g; ++i) f(i, j, 0) = f(g, j, 0);
        });
  }
  if (on_edge_[kEast]) {
    const int edge = x_faces ? g + ni : g + ni - 1;
    Kokkos::parallel_for(
        "ocean::ghost_e", lnj, KOKKOS_LAMBDA(const int j) {
          for (int i = edge + 1; i < lni; ++i) f(i, j, 0) = f(edge, j, 0);
        });
  }
  if (on_edge_[kSouth]) {
    Kokkos::parallel_for(
        "ocean::ghost_s", lni, KOKKOS_LAMBDA(const int i) {
          for (int j = 0; j < g; ++j) f(i, j, 0) = f(i, g, 0);
        });
  }
  if (on_edge_[kNorth]) {
    const int edge = y_faces ? g + nj : g + nj - 1;
    Kokkos::parallel_for(
        "ocean::ghost_n", lni, KOKKOS_LAMBDA(const int i) {
          for (int j = edge + 1; j < lnj; ++j) f(i, j, 0) = f(i, edge, 0);
        });
  }
}

void BarotropicSolver::refresh_halos(bool reset_history) {
  for (grid::Field* f : {&eta_, &u_, &v_, &u_next_, &v_next_}) f->exchange_halo();
  apply_edge_ghosts(eta_, false, false);
  apply_edge_ghosts(u_, true, false);
  apply_edge_ghosts(v_, false, true);
  if (reset_history) {
    // A state set from outside has no past: the Coriolis extrapolation starts from a constant.
    Kokkos::deep_copy(u_next_.view(), u_.view());
    Kokkos::deep_copy(v_next_.view(), v_.view());
  } else {
    apply_edge_ghosts(u_next_, true, false);
    apply_edge_ghosts(v_next_, false, true);
  }
}

void BarotropicSolver::set_uniform_velocity(double u0, double v0) {
  const int g = grid_.ghost();
  const int gi0 = grid_.owned().i_begin, gj0 = grid_.owned().j_begin;
  const int nx = grid_.nx(), ny = grid_.ny();
  auto h = depth_.view();
  auto u = u_.view();
  auto v = v_.view();
  const bool open_w = settings_.edges[kWest] == EdgeKind::Open, open_e = settings_.edges[kEast] == EdgeKind::Open;
  const bool open_s = settings_.edges[kSouth] == EdgeKind::Open, open_n = settings_.edges[kNorth] == EdgeKind::Open;
  Kokkos::parallel_for(
      "ocean::bt_uniform", Policy2({g, g}, {g + grid_.owned().ni() + 1, g + grid_.owned().nj() + 1}),
      KOKKOS_LAMBDA(const int i, const int j) {
        const int gi = i - g + gi0, gj = j - g + gj0;
        if (gj < ny) {
          bool open = false;
          if (gi == 0) open = open_w && h(i, j, 0) > 0;
          else if (gi == nx) open = open_e && h(i - 1, j, 0) > 0;
          else if (gi < nx) open = h(i - 1, j, 0) > 0 && h(i, j, 0) > 0;
          u(i, j, 0) = open ? u0 : 0.0;
        }
        if (gi < nx) {
          bool open = false;
          if (gj == 0) open = open_s && h(i, j, 0) > 0;
          else if (gj == ny) open = open_n && h(i, j - 1, 0) > 0;
          else if (gj < ny) open = h(i, j - 1, 0) > 0 && h(i, j, 0) > 0;
          v(i, j, 0) = open ? v0 : 0.0;
        }
      });
  refresh_halos();
}

void BarotropicSolver::set_up_boundary_points() {
  const auto depth_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), depth_.view());
  const auto& box = grid_.owned();
  const int g = grid_.ghost();
  for (int e = 0; e < 4; ++e) {
    const int n = static_cast<int>(ext_eta_host_[e].extent(0));
    centre_points_[e].resize(std::size_t(n));
    face_points_[e].resize(std::size_t(n));
    for (int l = 0; l < n; ++l) {
      // Velocity on the boundary face; the external elevation at the inside cell's centre, where the
      // interior elevation it is compared with lives (otherwise the radiation term errs by O(dx)).
      double xf, yf, xc, yc, h;
      if (e < 2) {
        const int gj = std::clamp(grid_.global_j(l), 0, grid_.ny() - 1);
        yf = yc = grid_.y_center(gj);
        xf = e == kWest ? grid_.x_face(0) : grid_.x_face(grid_.nx());
        xc = e == kWest ? grid_.x_center(0) : grid_.x_center(grid_.nx() - 1);
        const int li = e == kWest ? g : g + box.ni() - 1;
        h = depth_host(li, std::clamp(l, 0, grid_.local_nj() - 1), 0);
      } else {
        const int gi = std::clamp(grid_.global_i(l), 0, grid_.nx() - 1);
        xf = xc = grid_.x_center(gi);
        yf = e == kSouth ? grid_.y_face(0) : grid_.y_face(grid_.ny());
        yc = e == kSouth ? grid_.y_center(0) : grid_.y_center(grid_.ny() - 1);
        const int lj = e == kSouth ? g : g + box.nj() - 1;
        h = depth_host(std::clamp(l, 0, grid_.local_ni() - 1), lj, 0);
      }
      centre_points_[e][std::size_t(l)] = {xc, yc, h};
      face_points_[e][std::size_t(l)] = {xf, yf, h};
    }
  }
}

void BarotropicSolver::set_up_metrics() {
  // Second differences in flux form: with neighbours a below and b above and fluxes a control width c
  // apart, ((f+ - f0) / b - (f0 - f-) / a) / c = ((a/c) f+ - ((a+b)/c) f0 + (b/c) f-) / (a b). Written with
  // these weights, uniform columns (a = b = c) give exactly 1, 2, 1 and dx^2: the old arithmetic.
  auto stencil = [](const char* name, int n, auto below, auto above, auto control) {
    Stencil s{Kokkos::View<double*>(std::string(name) + "_up", n), Kokkos::View<double*>(std::string(name) + "_centre", n),
              Kokkos::View<double*>(std::string(name) + "_down", n), Kokkos::View<double*>(std::string(name) + "_spacing2", n),
              Kokkos::View<double*>(std::string(name) + "_span", n)};
    auto up = Kokkos::create_mirror_view(s.up), centre = Kokkos::create_mirror_view(s.centre);
    auto down = Kokkos::create_mirror_view(s.down), spacing2 = Kokkos::create_mirror_view(s.spacing2);
    auto span = Kokkos::create_mirror_view(s.span);
    for (int l = 0; l < n; ++l) {
      const double a = below(l), b = above(l), c = control(l);
      up(l) = a / c;
      centre(l) = (a + b) / c;
      down(l) = b / c;
      spacing2(l) = a * b;
      span(l) = a + b;
    }
    Kokkos::deep_copy(s.up, up);
    Kokkos::deep_copy(s.centre, centre);
    Kokkos::deep_copy(s.down, down);
    Kokkos::deep_copy(s.spacing2, spacing2);
    Kokkos::deep_copy(s.span, span);
    return s;
  };
  const auto& g = grid_;
  const int lni = g.local_ni(), lnj = g.local_nj();
  // u points sit on x faces and y centres, v points on x centres and y faces.
  u_along_x_ = stencil("ocean::u_along_x", lni, [&](int l) { return g.dx(g.global_i(l) - 1); },
                       [&](int l) { return g.dx(g.global_i(l)); }, [&](int l) { return g.dx_between(g.global_i(l)); });
  u_along_y_ = stencil("ocean::u_along_y", lnj, [&](int l) { return g.dy_between(g.global_j(l)); },
                       [&](int l) { return g.dy_between(g.global_j(l) + 1); }, [&](int l) { return g.dy(g.global_j(l)); });
  v_along_x_ = stencil("ocean::v_along_x", lni, [&](int l) { return g.dx_between(g.global_i(l)); },
                       [&](int l) { return g.dx_between(g.global_i(l) + 1); }, [&](int l) { return g.dx(g.global_i(l)); });
  v_along_y_ = stencil("ocean::v_along_y", lnj, [&](int l) { return g.dy(g.global_j(l) - 1); },
                       [&](int l) { return g.dy(g.global_j(l)); }, [&](int l) { return g.dy_between(g.global_j(l)); });
  u_row_y_ = Kokkos::View<double*>("ocean::u_row_y", lnj);
  v_row_y_ = Kokkos::View<double*>("ocean::v_row_y", lnj);
  auto uy = Kokkos::create_mirror_view(u_row_y_), vy = Kokkos::create_mirror_view(v_row_y_);
  for (int l = 0; l < lnj; ++l) {
    uy(l) = g.y_center(g.global_j(l));
    vy(l) = g.y_face(g.global_j(l));
  }
  Kokkos::deep_copy(u_row_y_, uy);
  Kokkos::deep_copy(v_row_y_, vy);
}

void BarotropicSolver::fill_forcing(double eta_time, double velocity_time) {
  if (!forcing_) return;
  for (int e = 0; e < 4; ++e) {
    if (!on_edge_[e] || settings_.edges[e] != EdgeKind::Open) continue;
    auto eta_h = ext_eta_host_[e];
    auto un_h = ext_normal_host_[e];
    const int n = static_cast<int>(eta_h.extent(0));
    forcing_->at_points(eta_time, centre_points_[e], states_);
    for (int l = 0; l < n; ++l) eta_h(l) = states_[std::size_t(l)].eta;
    forcing_->at_points(velocity_time, face_points_[e], states_);
    for (int l = 0; l < n; ++l) un_h(l) = e < 2 ? states_[std::size_t(l)].u : states_[std::size_t(l)].v;
    Kokkos::deep_copy(ext_eta_[e], eta_h);
    Kokkos::deep_copy(ext_normal_[e], un_h);
  }
}

template <bool Nonlinear>
void BarotropicSolver::continuity_interior(double dt) {
  const int g = grid_.ghost();
  const int ni = grid_.owned().ni(), nj = grid_.owned().nj();
  const auto dx = grid_.dx_local_view(), dy = grid_.dy_local_view();
  auto h = depth_.view();
  auto eta = eta_.view();
  auto eta_new = eta_next_.view();
  auto u = u_.view();
  auto v = v_.view();
  // Face depth: mean of the two cells' total depths; on a boundary face the interior cell's. Dry cells
  // have u = v = 0 on all their faces so their depth never matters. Rows of j, branch-free (selects) so
  // that they vectorise.
  Kokkos::parallel_for(
      "ocean::bt_continuity", Kokkos::RangePolicy<>(g, g + ni), KOKKOS_LAMBDA(const int i) {
        const auto hw = row_of(h, i - 1), hc = row_of(h, i), he = row_of(h, i + 1);
        const auto ew = row_of(eta, i - 1), ec = row_of(eta, i), ee = row_of(eta, i + 1);
        const auto uc = row_of(u, i), ue = row_of(u, i + 1), vc = row_of(v, i);
        const auto out = row_of(eta_new, i);
        const double width = dx(i);
        HADAL_INDEPENDENT_ITERATIONS
        for (int j = g; j < g + nj; ++j) {
          auto wet_total = [](double depth, double elevation) {
            return depth > 0 ? depth + (Nonlinear ? elevation : 0.0) : 0.0;
          };
          auto face = [](double da, double dc) {
            return da > 0 ? (dc > 0 ? 0.5 * (da + dc) : da) : dc;
          };
          const double dcen = wet_total(hc[j], ec[j]);
          const double fw = face(wet_total(hw[j], ew[j]), dcen) * uc[j];
          const double fe = face(dcen, wet_total(he[j], ee[j])) * ue[j];
          const double fs = face(wet_total(hc[j - 1], ec[j - 1]), dcen) * vc[j];
          const double fn = face(dcen, wet_total(hc[j + 1], ec[j + 1])) * vc[j + 1];
          const double updated = ec[j] - dt * ((fe - fw) / width + (fn - fs) / dy(j));
          out[j] = hc[j] <= 0.0 ? 0.0 : updated;
        }
      });
}

void BarotropicSolver::continuity(double dt) {
  with_options([&](auto nonlinear, auto) { continuity_interior<decltype(nonlinear)::value>(dt); });
  const int g = grid_.ghost();
  const int ni = grid_.owned().ni(), nj = grid_.owned().nj();
  const auto dx = grid_.dx_local_view(), dy = grid_.dy_local_view();
  const bool nonlinear = settings_.nonlinear;
  auto h = depth_.view();
  auto eta = eta_.view();
  auto u = u_.view();
  auto v = v_.view();
  // Volume entering through the physical boundary during this step (for the budget).
  const int gi0 = grid_.owned().i_begin, gj0 = grid_.owned().j_begin, nx = grid_.nx(), ny = grid_.ny();
  double inflow = 0.0;
  Kokkos::parallel_reduce(
      "ocean::bt_inflow", Policy2({g, g}, {g + ni, g + nj}),
      KOKKOS_LAMBDA(const int i, const int j, double& sum) {
        if (h(i, j, 0) <= 0.0) return;
        const double d = h(i, j, 0) + (nonlinear ? eta(i, j, 0) : 0.0);
        const int gi = i - g + gi0, gj = j - g + gj0;
        if (gi == 0) sum += d * u(i, j, 0) * dy(j);
        if (gi == nx - 1) sum -= d * u(i + 1, j, 0) * dy(j);
        if (gj == 0) sum += d * v(i, j, 0) * dx(i);
        if (gj == ny - 1) sum -= d * v(i, j + 1, 0) * dx(i);
      },
      inflow);
  local_inflow_ += dt * inflow;  // reduced over ranks only when asked (no collective per step)
  std::swap(eta_, eta_next_);
  eta_.exchange_halo();
  apply_edge_ghosts(eta_, false, false);
}

template <bool Nonlinear, bool Viscous>
void BarotropicSolver::momentum_u_interior(double dt) {
  const int g = grid_.ghost();
  const int ni = grid_.owned().ni(), nj = grid_.owned().nj();
  const double grav = settings_.gravity, visc = settings_.viscosity;
  const double f0 = settings_.coriolis_f0, beta = settings_.coriolis_beta, yref = settings_.beta_reference_y;
  // Pressure gradient across the centre distance; advection and viscosity on the u points' own spacing.
  const auto dxb = grid_.dx_between_local_view();
  const auto yu = u_row_y_;
  const Stencil sx = u_along_x_, sy = u_along_y_;
  auto h = depth_.view();
  auto cd = drag_.view();
  auto eta = eta_.view();
  auto u = u_.view();
  auto un = u_next_.view();
  auto v = v_.view();
  auto vold = v_next_.view();  // v one step earlier (the buffer swapped out by the last v update)
  // Interior faces only: the faces on the west and east edges are the boundary loop's. A face with a dry
  // side gets 0 by a select, so the rows vectorise.
  const int i_begin = g + (on_edge_[kWest] ? 1 : 0);
  Kokkos::parallel_for(
      "ocean::bt_momentum_u", Kokkos::RangePolicy<>(i_begin, g + ni), KOKKOS_LAMBDA(const int i) {
        const auto hw = row_of(h, i - 1), hc = row_of(h, i), cdw = row_of(cd, i - 1), cdc = row_of(cd, i);
        const auto ew = row_of(eta, i - 1), ec = row_of(eta, i);
        const auto uw = row_of(u, i - 1), uc = row_of(u, i), ue = row_of(u, i + 1);
        const auto vw = row_of(v, i - 1), vc = row_of(v, i), vow = row_of(vold, i - 1), voc = row_of(vold, i);
        const auto out = row_of(un, i);
        const double gap = dxb(i), up = sx.up(i), centre = sx.centre(i), down = sx.down(i), spacing2 = sx.spacing2(i),
                     span = sx.span(i);
        HADAL_INDEPENDENT_ITERATIONS
        for (int j = g; j < g + nj; ++j) {
          const double vbar = 0.25 * (vw[j] + vc[j] + vw[j + 1] + vc[j + 1]);
          const double vbar_old = 0.25 * (vow[j] + voc[j] + vow[j + 1] + voc[j + 1]);
          const double v_coriolis = 1.5 * vbar - 0.5 * vbar_old;
          const double f = f0 + beta * (yu(j) - yref);
          double rhs = -grav * (ec[j] - ew[j]) / gap + f * v_coriolis;
          const double u0 = uc[j];
          if constexpr (Nonlinear) {
            rhs -= u0 * (ue[j] - uw[j]) / span + vbar * (uc[j + 1] - uc[j - 1]) / sy.span(j);
          }
          if constexpr (Viscous) {
            rhs += visc * ((up * ue[j] - centre * u0 + down * uw[j]) / spacing2 +
                           (sy.up(j) * uc[j + 1] - sy.centre(j) * u0 + sy.down(j) * uc[j - 1]) / sy.spacing2(j));
          }
          const double d = 0.5 * (hw[j] + hc[j]) + (Nonlinear ? 0.5 * (ew[j] + ec[j]) : 0.0);
          const double c_d = 0.5 * (cdw[j] + cdc[j]);
          const double speed = km::sqrt(u0 * u0 + vbar * vbar);
          // Drag implicit in the new velocity (unconditionally stable for shallow, fast columns).
          const double updated = (u0 + dt * rhs) / (1.0 + dt * c_d * speed / d);
          out[j] = hw[j] <= 0.0 ? 0.0 : (hc[j] <= 0.0 ? 0.0 : updated);
        }
      });
}

void BarotropicSolver::momentum_u(double dt) {
  with_options([&](auto nonlinear, auto viscous) {
    momentum_u_interior<decltype(nonlinear)::value, decltype(viscous)::value>(dt);
  });
  const int g = grid_.ghost();
  const int ni = grid_.owned().ni();
  const double grav = settings_.gravity;
  const bool nonlinear = settings_.nonlinear;
  const bool open_w = settings_.edges[kWest] == EdgeKind::Open, open_e = settings_.edges[kEast] == EdgeKind::Open;
  auto h = depth_.view();
  auto eta = eta_.view();
  auto un = u_next_.view();
  auto ext_eta_w = ext_eta_[kWest], ext_u_w = ext_normal_[kWest];
  auto ext_eta_e = ext_eta_[kEast], ext_u_e = ext_normal_[kEast];
  // Boundary faces again over every local row, halo rows included: the halo exchange sends owned rows
  // only, so the boundary-face values of the neighbours' rows (needed by the v-point averages of u at
  // the corners) must be computed here, exactly as their owner does.
  const int lnj = grid_.local_nj();
  for (int edge : {0, 1}) {
    if (!on_edge_[edge]) continue;
    const int i = edge == 0 ? g : g + ni;
    const bool open = edge == 0 ? open_w : open_e;
    auto ext_eta = edge == 0 ? ext_eta_w : ext_eta_e;
    auto ext_u = edge == 0 ? ext_u_w : ext_u_e;
    const int c = edge == 0 ? i : i - 1;
    const double sign = edge == 0 ? -1.0 : 1.0;
    Kokkos::parallel_for(
        "ocean::bt_boundary_u", lnj, KOKKOS_LAMBDA(const int j) {
          if (!open || h(c, j, 0) <= 0.0) {
            un(i, j, 0) = 0.0;
            return;
          }
          const double d = h(c, j, 0) + (nonlinear ? eta(c, j, 0) : 0.0);
          un(i, j, 0) = ext_u(j) + sign * km::sqrt(grav / d) * (eta(c, j, 0) - ext_eta(j));
        });
  }
  std::swap(u_, u_next_);
  u_.exchange_halo();
  apply_edge_ghosts(u_, true, false);
}

template <bool Nonlinear, bool Viscous>
void BarotropicSolver::momentum_v_interior(double dt) {
  const int g = grid_.ghost();
  const int ni = grid_.owned().ni(), nj = grid_.owned().nj();
  const double grav = settings_.gravity, visc = settings_.viscosity;
  const double f0 = settings_.coriolis_f0, beta = settings_.coriolis_beta, yref = settings_.beta_reference_y;
  const auto dyb = grid_.dy_between_local_view();
  const auto yv = v_row_y_;
  const Stencil sx = v_along_x_, sy = v_along_y_;
  auto h = depth_.view();
  auto cd = drag_.view();
  auto eta = eta_.view();
  auto u = u_.view();
  auto uold = u_next_.view();  // u before this step's update
  auto v = v_.view();
  auto vn = v_next_.view();
  // Interior faces only: the faces on the south and north edges are the boundary loop's.
  const int j_begin = g + (on_edge_[kSouth] ? 1 : 0);
  Kokkos::parallel_for(
      "ocean::bt_momentum_v", Kokkos::RangePolicy<>(g, g + ni), KOKKOS_LAMBDA(const int i) {
        const auto hc = row_of(h, i), cdc = row_of(cd, i), ec = row_of(eta, i);
        const auto uc = row_of(u, i), ue = row_of(u, i + 1), uoc = row_of(uold, i), uoe = row_of(uold, i + 1);
        const auto vw = row_of(v, i - 1), vc = row_of(v, i), ve = row_of(v, i + 1);
        const auto out = row_of(vn, i);
        const double up = sx.up(i), centre = sx.centre(i), down = sx.down(i), spacing2 = sx.spacing2(i), span = sx.span(i);
        HADAL_INDEPENDENT_ITERATIONS
        for (int j = j_begin; j < g + nj; ++j) {
          const double ubar = 0.25 * (uc[j - 1] + ue[j - 1] + uc[j] + ue[j]);
          const double ubar_old = 0.25 * (uoc[j - 1] + uoe[j - 1] + uoc[j] + uoe[j]);
          const double f = f0 + beta * (yv(j) - yref);
          double rhs = -grav * (ec[j] - ec[j - 1]) / dyb(j) - f * 0.5 * (ubar + ubar_old);
          const double v0 = vc[j];
          if constexpr (Nonlinear) {
            rhs -= ubar * (ve[j] - vw[j]) / span + v0 * (vc[j + 1] - vc[j - 1]) / sy.span(j);
          }
          if constexpr (Viscous) {
            rhs += visc * ((up * ve[j] - centre * v0 + down * vw[j]) / spacing2 +
                           (sy.up(j) * vc[j + 1] - sy.centre(j) * v0 + sy.down(j) * vc[j - 1]) / sy.spacing2(j));
          }
          const double d = 0.5 * (hc[j - 1] + hc[j]) + (Nonlinear ? 0.5 * (ec[j - 1] + ec[j]) : 0.0);
          const double c_d = 0.5 * (cdc[j - 1] + cdc[j]);
          const double speed = km::sqrt(v0 * v0 + ubar * ubar);
          const double updated = (v0 + dt * rhs) / (1.0 + dt * c_d * speed / d);
          out[j] = hc[j - 1] <= 0.0 ? 0.0 : (hc[j] <= 0.0 ? 0.0 : updated);
        }
      });
}

void BarotropicSolver::momentum_v(double dt) {
  with_options([&](auto nonlinear, auto viscous) {
    momentum_v_interior<decltype(nonlinear)::value, decltype(viscous)::value>(dt);
  });
  const int g = grid_.ghost();
  const int nj = grid_.owned().nj();
  const double grav = settings_.gravity;
  const bool nonlinear = settings_.nonlinear;
  const bool open_s = settings_.edges[kSouth] == EdgeKind::Open, open_n = settings_.edges[kNorth] == EdgeKind::Open;
  auto h = depth_.view();
  auto eta = eta_.view();
  auto vn = v_next_.view();
  auto ext_eta_s = ext_eta_[kSouth], ext_v_s = ext_normal_[kSouth];
  auto ext_eta_n = ext_eta_[kNorth], ext_v_n = ext_normal_[kNorth];
  const int lni = grid_.local_ni();
  for (int edge : {0, 1}) {
    if (!on_edge_[edge == 0 ? kSouth : kNorth]) continue;
    const int j = edge == 0 ? g : g + nj;
    const bool open = edge == 0 ? open_s : open_n;
    auto ext_eta = edge == 0 ? ext_eta_s : ext_eta_n;
    auto ext_v = edge == 0 ? ext_v_s : ext_v_n;
    const int c = edge == 0 ? j : j - 1;
    const double sign = edge == 0 ? -1.0 : 1.0;
    Kokkos::parallel_for(
        "ocean::bt_boundary_v", lni, KOKKOS_LAMBDA(const int i) {
          if (!open || h(i, c, 0) <= 0.0) {
            vn(i, j, 0) = 0.0;
            return;
          }
          const double d = h(i, c, 0) + (nonlinear ? eta(i, c, 0) : 0.0);
          vn(i, j, 0) = ext_v(i) + sign * km::sqrt(grav / d) * (eta(i, c, 0) - ext_eta(i));
        });
  }
  std::swap(v_, v_next_);
  v_.exchange_halo();
  apply_edge_ghosts(v_, false, true);
}

void BarotropicSolver::step(double dt) {
  // Forward-backward: eta from the old transports, then momentum with the new eta. The velocities sit
  // half a step ahead of eta (as in the staggered leapfrog), so the Coriolis partner is taken at eta's
  // time: extrapolated (1.5 v^n - 0.5 v^n-1) for u, interpolated (u^n + u^n+1)/2 for v. Both are second
  // order; with f dt << 1 (the gravity-wave step is tiny) the weak AB2-type growth is negligible.
  continuity(dt);
  fill_forcing(time_ + dt, time_ + 1.5 * dt);
  momentum_u(dt);
  momentum_v(dt);
  time_ += dt;
  ++steps_;
}

double BarotropicSolver::boundary_inflow() const { return grid::global_sum(grid_.comm(), local_inflow_); }

double BarotropicSolver::volume_anomaly() const {
  const int g = grid_.ghost();
  auto eta = eta_.view();
  auto h = depth_.view();
  // Each cell weighed by its own area; uniform columns factor the one area out of the sum (as before).
  const bool uniform = grid_.uniform_columns();
  const auto dx = grid_.dx_local_view(), dy = grid_.dy_local_view();
  double sum = 0.0;
  Kokkos::parallel_reduce(
      "ocean::bt_volume", Policy2({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()}),
      KOKKOS_LAMBDA(const int i, const int j, double& s) {
        const double area = uniform ? 1.0 : dx(i) * dy(j);
        if (h(i, j, 0) > 0.0) s += eta(i, j, 0) * area;
      },
      sum);
  sum = grid::global_sum(grid_.comm(), sum);
  return uniform ? sum * grid_.dx(0) * grid_.dy(0) : sum;
}

double BarotropicSolver::energy() const {
  const int g = grid_.ghost();
  auto eta = eta_.view();
  auto h = depth_.view();
  auto u = u_.view();
  auto v = v_.view();
  const double grav = settings_.gravity;
  const bool nonlinear = settings_.nonlinear;
  const bool uniform = grid_.uniform_columns();  // as in volume_anomaly
  const auto dx = grid_.dx_local_view(), dy = grid_.dy_local_view();
  double sum = 0.0;
  Kokkos::parallel_reduce(
      "ocean::bt_energy", Policy2({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()}),
      KOKKOS_LAMBDA(const int i, const int j, double& s) {
        if (h(i, j, 0) <= 0.0) return;
        const double d = h(i, j, 0) + (nonlinear ? eta(i, j, 0) : 0.0);
        const double ke = 0.25 * (u(i, j, 0) * u(i, j, 0) + u(i + 1, j, 0) * u(i + 1, j, 0) + v(i, j, 0) * v(i, j, 0) +
                                  v(i, j + 1, 0) * v(i, j + 1, 0));
        const double area = uniform ? 1.0 : dx(i) * dy(j);
        s += (0.5 * grav * eta(i, j, 0) * eta(i, j, 0) + d * ke) * area;
      },
      sum);
  sum = grid::global_sum(grid_.comm(), sum);
  return uniform ? sum * grid_.dx(0) * grid_.dy(0) : sum;
}

double BarotropicSolver::max_speed() const {
  const int g = grid_.ghost();
  auto u = u_.view();
  auto v = v_.view();
  double m = 0.0;
  Kokkos::parallel_reduce(
      "ocean::bt_max_speed", Policy2({g, g}, {g + grid_.owned().ni() + 1, g + grid_.owned().nj() + 1}),
      KOKKOS_LAMBDA(const int i, const int j, double& s) {
        const double a = km::fabs(u(i, j, 0)), b = km::fabs(v(i, j, 0));
        s = a > s ? a : s;
        s = b > s ? b : s;
      },
      Kokkos::Max<double>(m));
  return grid::global_max(grid_.comm(), m);
}

void BarotropicSolver::cell_velocity(grid::Field& uc, grid::Field& vc) const {
  const int g = grid_.ghost();
  auto u = u_.view();
  auto v = v_.view();
  auto a = uc.view();
  auto b = vc.view();
  Kokkos::parallel_for(
      "ocean::bt_cell_velocity", Policy2({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()}),
      KOKKOS_LAMBDA(const int i, const int j) {
        a(i, j, 0) = 0.5 * (u(i, j, 0) + u(i + 1, j, 0));
        b(i, j, 0) = 0.5 * (v(i, j, 0) + v(i, j + 1, 0));
      });
}

void BarotropicSolver::bottom_stress(grid::Field& taux, grid::Field& tauy) const {
  const int g = grid_.ghost();
  auto u = u_.view();
  auto v = v_.view();
  auto cd = drag_.view();
  auto h = depth_.view();
  auto a = taux.view();
  auto b = tauy.view();
  Kokkos::parallel_for(
      "ocean::bt_bottom_stress", Policy2({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()}),
      KOKKOS_LAMBDA(const int i, const int j) {
        const double uc = 0.5 * (u(i, j, 0) + u(i + 1, j, 0));
        const double vc = 0.5 * (v(i, j, 0) + v(i, j + 1, 0));
        const double s = h(i, j, 0) > 0.0 ? cd(i, j, 0) * km::sqrt(uc * uc + vc * vc) : 0.0;
        a(i, j, 0) = s * uc;
        b(i, j, 0) = s * vc;
      });
}

void BarotropicSolver::friction_velocity(grid::Field& ustar) const {
  ocean::friction_velocity(grid_, u_, v_, drag_, depth_, ustar);
}

void friction_velocity(const grid::StructuredGrid& grid, const grid::Field& u_face, const grid::Field& v_face,
                       const grid::Field& drag, const grid::Field& depth, grid::Field& ustar) {
  const int g = grid.ghost();
  auto u = u_face.view();
  auto v = v_face.view();
  auto cd = drag.view();
  auto h = depth.view();
  auto a = ustar.view();
  Kokkos::parallel_for(
      "ocean::bt_ustar", Policy2({g, g}, {g + grid.owned().ni(), g + grid.owned().nj()}),
      KOKKOS_LAMBDA(const int i, const int j) {
        const double uc = 0.5 * (u(i, j, 0) + u(i + 1, j, 0));
        const double vc = 0.5 * (v(i, j, 0) + v(i, j + 1, 0));
        a(i, j, 0) = h(i, j, 0) > 0.0 ? km::sqrt(cd(i, j, 0)) * km::sqrt(uc * uc + vc * vc) : 0.0;
      });
  ustar.exchange_halo();
}

void BarotropicSolver::vorticity(grid::Field& zeta) const {
  const int g = grid_.ghost();
  const auto dxb = grid_.dx_between_local_view(), dyb = grid_.dy_between_local_view();
  auto u = u_.view();
  auto v = v_.view();
  auto h = depth_.view();
  auto z = zeta.view();
  Kokkos::parallel_for(
      "ocean::bt_vorticity", Policy2({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()}),
      KOKKOS_LAMBDA(const int i, const int j) {
        // Corner vorticity dv/dx - du/dy at the four corners of the cell, averaged.
        auto corner = [&](int a, int b) {  // south-west corner of cell (a, b)
          return (v(a, b, 0) - v(a - 1, b, 0)) / dxb(a) - (u(a, b, 0) - u(a, b - 1, 0)) / dyb(b);
        };
        z(i, j, 0) = h(i, j, 0) > 0.0
                         ? 0.25 * (corner(i, j) + corner(i + 1, j) + corner(i, j + 1) + corner(i + 1, j + 1))
                         : 0.0;
      });
}

}  // namespace hadal::ocean
