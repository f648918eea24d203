// SPDX-License-Identifier: MIT
#include "plume/lagrangian_model.hpp"

#include <Kokkos_ScatterView.hpp>
#include <Kokkos_Sort.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "core/profiling.hpp"
#include "io/hdf5_file.hpp"
#include "numerics/constants.hpp"
#include "numerics/kokkos_math.hpp"
#include "plume/flow_field.hpp"
#include "plume/kernels.hpp"
#include "plume/lagrangian_kernels.hpp"
#include "plume/metrics.hpp"

namespace hadal::plume {

using grid::Field;
using Range2 = Kokkos::MDRangePolicy<Kokkos::Rank<2>>;
using Range3 = Kokkos::MDRangePolicy<Kokkos::Rank<3>>;

namespace {

constexpr std::uint64_t kReleaseStream = ~0ULL;      // step counter value reserved for release draws
constexpr std::uint64_t kSampleStream = ~0ULL - 1;   // ... and for choosing the particles written out

/// The kernels' view of the grid (allocates the level table: build once, copy freely).
FlowGeometry flow_geometry_of(const grid::StructuredGrid& grid) {
  FlowGeometry f;
  f.x0 = grid.spec().x0, f.y0 = grid.spec().y0, f.lx = grid.spec().lx, f.ly = grid.spec().ly;
  f.dx = grid.dx(0), f.dy = grid.dy(0), f.inv_dx = 1.0 / f.dx, f.inv_dy = 1.0 / f.dy;
  f.nx = grid.nx(), f.ny = grid.ny(), f.nz = grid.nz(), f.g = grid.ghost();
  f.i_begin = grid.owned().i_begin, f.j_begin = grid.owned().j_begin;
  f.local_ni = grid.local_ni(), f.local_nj = grid.local_nj();
  f.set_levels(grid.z_faces_view(), grid.dz_view());
  if (!grid.uniform_columns()) f.set_columns(grid.x_nodes(), grid.y_nodes());
  return f;
}

}  // namespace

double ParticleLedger::total(const std::vector<double>& v) const {
  double s = 0.0;
  for (double x : v) s += x;
  return s;
}
long long ParticleLedger::total(const std::vector<long long>& v) const {
  long long s = 0;
  for (long long x : v) s += x;
  return s;
}

// ------------------------------------------------------------------------------------------------

LagrangianModel::LagrangianModel(sim::RunContext& context, const grid::GridSpec& spec, const grid::SeabedShape& seabed,
                                 PlumeSettings settings, LagrangianSettings lagrangian, std::vector<Source> sources,
                                 std::unique_ptr<sim::FlowProvider> flow, double start_time, bool write_files)
    : context_(context),
      grid_(context.comm, spec, 2),
      seabed_(seabed),
      bathymetry_(grid_, seabed),
      settings_(std::move(settings)),
      lagrangian_(lagrangian),
      sources_(std::move(sources)),
      flow_(std::move(flow)),
      start_time_(start_time),
      nclasses_(static_cast<int>(settings_.classes.size())),
      particles_(4096),
      migrator_(grid_),
      first_wet_global_("first_wet_global", grid_.nx(), grid_.ny()),
      u0_(grid_, "lagrangian_u0", "m s-1", "x velocity on west faces at the step start"),
      v0_(grid_, "lagrangian_v0", "m s-1", "y velocity on south faces at the step start"),
      w0_(grid_, "lagrangian_w0", "m s-1", "z velocity on bottom faces at the step start", grid_.nz() + 1),
      u1_(grid_, "lagrangian_u1", "m s-1", "x velocity at the step end"),
      v1_(grid_, "lagrangian_v1", "m s-1", "y velocity at the step end"),
      w1_(grid_, "lagrangian_w1", "m s-1", "z velocity at the step end", grid_.nz() + 1),
      um_(grid_, "lagrangian_um", "m s-1", "x velocity at mid-step"),
      vm_(grid_, "lagrangian_vm", "m s-1", "y velocity at mid-step"),
      wm_(grid_, "lagrangian_wm", "m s-1", "z velocity at mid-step", grid_.nz() + 1),
      kh_(grid_, "lagrangian_kh", "m2 s-1", "horizontal diffusivity"),
      tau_b_(grid_, "lagrangian_bed_shear_stress", "Pa", "bed shear stress", 1),
      ustar_(grid_, "lagrangian_friction_velocity", "m s-1", "friction velocity", 1),
      scratch_(grid_, "lagrangian_scratch", "1", "smoothing buffer"),
      device_(settings_),
      c_class_(grid_, "lagrangian_concentration_all", "kg m-3", "binned particle concentration per class",
               grid_.nz() * nclasses_),
      bed_(grid_, "lagrangian_bed_mass", "kg m-2", "deposited particle mass per class", nclasses_),
      c_total_(grid_, "concentration", "kg m-3", "suspended sediment concentration from particles, all classes"),
      deposit_(grid_, "deposit_thickness", "m", "re-deposited sediment thickness from particles", 1),
      column_max_(grid_, "lagrangian_column_max_concentration", "kg m-3",
                  "maximum over time of the water-column maximum (particles)", 1),
      time_above_(grid_, "lagrangian_time_above", "s", "time the column maximum exceeded each concentration threshold",
                  static_cast<int>(settings_.concentration_thresholds.size())),
      emitted_(static_cast<std::size_t>(nclasses_), 0.0),
      outflow_(static_cast<std::size_t>(nclasses_), 0.0),
      emitted_n_(static_cast<std::size_t>(nclasses_), 0),
      outflow_n_(static_cast<std::size_t>(nclasses_), 0),
      pending_outflow_(2 * static_cast<std::size_t>(nclasses_), 0.0),
      release_carry_(sources_.size() * static_cast<std::size_t>(nclasses_), 0.0),
      listed_count_("listed_count"),
      write_files_(write_files) {
  if (!grid_.uniform_columns() && lagrangian_.smoothing_length > 0.0) {
    throw InputError("plume.lagrangian.smoothing_length: the smoothing of the binned maps needs uniform columns; "
                     "set it to 0 or remove grid.refine");
  }
  geometry_ = flow_geometry_of(grid_);
  // Every rank knows the wet level of every column, so releases are decided identically everywhere.
  first_wet_global_host_ = Kokkos::create_mirror_view(first_wet_global_);
  for (int j = 0; j < grid_.ny(); ++j)
    for (int i = 0; i < grid_.nx(); ++i) {
      first_wet_global_host_(i, j) =
          grid::Bathymetry::first_wet_index(grid_, seabed_.elevation(grid_.x_center(i), grid_.y_center(j)));
    }
  Kokkos::deep_copy(first_wet_global_, first_wet_global_host_);
  for (Field* f : {&u0_, &v0_, &w0_, &u1_, &v1_, &w1_, &um_, &vm_, &wm_, &kh_, &tau_b_, &ustar_, &scratch_, &c_class_, &bed_,
                   &c_total_, &deposit_, &column_max_, &time_above_}) {
    f->fill(0.0);
  }
  kh_.fill(settings_.kh);
  if (write_files_) {
    const bool resume = !context.restart_file.empty();
    volume_writer_ = std::make_unique<grid::FieldSeriesWriter>(grid_, context.output_dir, "lagrangian_plume",
                                                               grid::FieldSeriesWriter::Kind::Volume, resume);
    map_writer_ = std::make_unique<grid::FieldSeriesWriter>(grid_, context.output_dir, "lagrangian_seabed",
                                                            grid::FieldSeriesWriter::Kind::Map, resume);
    volume_writer_->set_attribute("case", context.resolved_yaml);
    map_writer_->set_attribute("case", context.resolved_yaml);
    if (grid_.rank() == 0) {
      budget_ = std::make_unique<io::CsvSeries>(
          context.output_dir + "/lagrangian_mass_budget.csv",
          std::vector<std::string>{"time_s", "emitted_kg", "suspended_kg", "deposited_kg", "outflow_kg",
                                   "balance_rel_error", "particles_emitted", "particles_suspended",
                                   "particles_deposited", "particles_outflow"},
          resume);
    }
  }
}

double LagrangianModel::work_per_step() const {
  return grid::global_sum(grid_.comm(), static_cast<double>(particles_.size())) * sub_steps_;
}

std::string LagrangianModel::status() const {
  return strformat("particles %.3g, migrated %zu, mass balance %.1e", static_cast<double>(particles_.size()),
                   last_migrated_, last_balance_error_);
}

// ------------------------------------------------------------------------------------------------
// Flow

void LagrangianModel::update_flow(double time, Field& u, Field& v, Field& w) {
  profiling::Region region("flow");
  flow_->velocity(time, u, v, w);
  u.exchange_halo();
  v.exchange_halo();
  // Same face masking and continuity w as the Eulerian model, so both methods see one flow.
  constrain_to_bathymetry(grid_, bathymetry_, u, v, w);
  w.exchange_halo();
}

void LagrangianModel::update_bed_stress_and_kh(const Field& u, const Field& v) {
  if (settings_.smagorinsky) {
    smagorinsky_diffusivity(grid_, settings_, u, v, kh_, grid_.ghost() - 1);
    kh_.exchange_halo();
  }
  // Every local column (halo included): a particle may deposit one column beyond the owned box.
  if (settings_.needs_bed_stress()) {
    bed_shear_stress(grid_, bathymetry_, settings_, u, v, tau_b_, grid_.ghost());
    const auto TAU = tau_b_.view(), USTAR = ustar_.view();
    const double rho = settings_.water_density;
    Kokkos::parallel_for(
        "lagrangian_friction_velocity", Range2({0, 0}, {grid_.local_ni(), grid_.local_nj()}), KOKKOS_LAMBDA(int i, int j) {
          const double t = TAU(i, j, 0);
          USTAR(i, j, 0) = t > 0.0 ? km::sqrt(t / rho) : 0.0;
        });
  }
}

void LagrangianModel::host_column(double x, double y, int& gi, int& gj) const {
  // The grid's lookup, clamped to the domain as the kernels' is (geometry_ may hold device views).
  gi = grid_.cell_i(x), gj = grid_.cell_j(y);
  if (gi < 0) gi = x < grid_.x_face(0) ? 0 : grid_.nx() - 1;
  if (gj < 0) gj = y < grid_.y_face(0) ? 0 : grid_.ny() - 1;
}

double LagrangianModel::stable_dt(double time, double cfl) {
  // Particles move at most about cfl cells per step, so the stage positions stay within the halo.
  auto rate_of = [&](const Field& u, const Field& v) {
    const auto U = u.view(), V = v.view();
    const int g = grid_.ghost();
    // Each face's speed over the narrower of the two columns it joins.
    const auto dx = grid_.dx_local_view(), dy = grid_.dy_local_view();
    double rate = 0.0;
    Kokkos::parallel_reduce(
        "lagrangian_cfl", Range3({g, g, 0}, {g + grid_.owned().ni() + 1, g + grid_.owned().nj() + 1, grid_.nz()}),
        KOKKOS_LAMBDA(int i, int j, int k, double& m) {
          const double hx = dx(i) < dx(i - 1) ? dx(i) : dx(i - 1), hy = dy(j) < dy(j - 1) ? dy(j) : dy(j - 1);
          const double r = km::fabs(U(i, j, k)) / hx + km::fabs(V(i, j, k)) / hy;
          if (r > m) m = r;
        },
        Kokkos::Max<double>(rate));
    return grid::global_max(grid_.comm(), rate);
  };
  update_flow(time, u0_, v0_, w0_);
  flow_time_ = time;
  double rate = rate_of(u0_, v0_);
  double dt = rate > 0.0 ? cfl / rate : 3600.0;
  update_flow(time + dt, u1_, v1_, w1_);
  rate = std::max(rate, rate_of(u1_, v1_));
  return rate > 0.0 ? std::min(dt, cfl / rate) : dt;
}

// ------------------------------------------------------------------------------------------------
// Release

void LagrangianModel::add_particles(const std::vector<ParticleRecord>& records) {
  std::vector<ParticleRecord> mine;
  for (const auto& r : records) {
    int gi, gj;
    host_column(r.x, r.y, gi, gj);
    emitted_[static_cast<std::size_t>(r.cls)] += r.mass;
    emitted_n_[static_cast<std::size_t>(r.cls)] += 1;
    next_id_ = std::max<std::int64_t>(next_id_, r.id + 1);
    if (grid_.owns(gi, gj)) mine.push_back(r);
  }
  const std::size_t n0 = particles_.size();
  particles_.append(mine);
  absorb(n0, particles_.size(), false);
  bin_all();
  update_metrics(0.0);
}

void LagrangianModel::release(double t0, double t1) {
  std::vector<ParticleRecord> mine;
  const double x0 = grid_.spec().x0, y0 = grid_.spec().y0, x1 = x0 + grid_.spec().lx, y1 = y0 + grid_.spec().ly;
  const int nz = grid_.nz();
  const double top = grid_.z_face(nz);
  auto column = [&](double x, double y, int& gi, int& gj) { host_column(x, y, gi, gj); };
  for (std::size_t si = 0; si < sources_.size(); ++si) {
    const auto& s = sources_[si];
    const double on = s.active_time(t0, t1);
    if (on <= 0.0 || s.rate <= 0.0) continue;
    for (int n = 0; n < nclasses_; ++n) {
      const double fraction = s.fractions[static_cast<std::size_t>(n)];
      if (fraction <= 0.0) continue;
      double& carry = release_carry_[si * static_cast<std::size_t>(nclasses_) + static_cast<std::size_t>(n)];
      const double expected = carry + lagrangian_.particles_per_second * on;
      const long count = std::max(1L, static_cast<long>(std::floor(expected + 1e-9)));  // 1e-9: sums of rate x dt round down
      carry = expected - static_cast<double>(count);
      const double mass = s.rate * fraction * on;
      const double each = mass / static_cast<double>(count);
      emitted_[static_cast<std::size_t>(n)] += mass;
      emitted_n_[static_cast<std::size_t>(n)] += count;
      for (long q = 0; q < count; ++q) {
        const std::int64_t id = next_id_++;
        const std::uint64_t key = stream_key(lagrangian_.seed, static_cast<std::uint64_t>(id), kReleaseStream);
        // When: uniform over the step's active part. Where along the source: a moving source leaves a
        // continuous trail over the step (where it is at that instant), a line source is uniform
        // along its segment.
        double cx = s.path[0], cy = s.path[1];
        const double a = uniform01(key, 0);
        const double born = s.active_instant(t0, t1, s.kind == Source::Kind::Moving ? a : uniform01(key, 21));
        if (s.kind == Source::Kind::Line) {
          cx = s.path[0] + a * (s.path[2] - s.path[0]);
          cy = s.path[1] + a * (s.path[3] - s.path[1]);
        } else if (s.kind == Source::Kind::Moving) {
          s.position(born, cx, cy);
        }
        // Uniform over the disk of `radius`, redrawn (deterministically) if it lands over rock.
        double px = cx, py = cy;
        int gi = 0, gj = 0;
        for (int attempt = 0; attempt < 8 && s.radius > 0.0; ++attempt) {
          const double r = s.radius * std::sqrt(uniform01(key, 1 + 2 * attempt));
          const double angle = 2.0 * numerics::kPi * uniform01(key, 2 + 2 * attempt);
          const double tx = cx + r * std::cos(angle), ty = cy + r * std::sin(angle);
          if (tx < x0 || tx >= x1 || ty < y0 || ty >= y1) continue;
          column(tx, ty, gi, gj);
          if (first_wet_global_host_(gi, gj) < nz) {
            px = tx, py = ty;
            break;
          }
        }
        column(px, py, gi, gj);
        if (!grid_.owns(gi, gj)) continue;
        const int kb = first_wet_global_host_(gi, gj);
        if (kb >= nz) continue;  // a source over rock (refused at input): counted as emitted, lost here
        // The release layer above the model seabed, clipped to the water column.
        const double bed = grid_.z_face(kb);
        double lo = std::max(bed, bed + s.height_above_bed - 0.5 * s.thickness);
        double hi = std::min(top, bed + s.height_above_bed + 0.5 * s.thickness);
        if (hi <= lo) lo = bed, hi = grid_.z_face(kb + 1);
        ParticleRecord r;
        r.x = px, r.y = py, r.z = lo + uniform01(key, 20) * (hi - lo);
        // Its age is minus the time from the step's start to its release, so that the move takes it
        // from its release to the step's end only (ParticleMover).
        r.mass = each, r.age = t0 - born, r.id = id, r.cls = n;
        mine.push_back(r);
      }
    }
  }
  particles_.append(mine);
}

// ------------------------------------------------------------------------------------------------
// One step

std::size_t LagrangianModel::move(double dt) {
  const std::size_t n = particles_.size();
  if (listed_.extent(0) < particles_.capacity()) {
    listed_ = Kokkos::View<int*>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "lagrangian_listed"), particles_.capacity());
    destination_ =
        Kokkos::View<int*>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "lagrangian_destination"), particles_.capacity());
  }
  Kokkos::deep_copy(listed_count_, 0);
  if (n == 0) return 0;
  ParticleMover mover;
  mover.geo = geometry_;
  mover.u0 = u0_.view(), mover.v0 = v0_.view(), mover.w0 = w0_.view();
  mover.u1 = u1_.view(), mover.v1 = v1_.view(), mover.w1 = w1_.view();
  mover.um = um_.view(), mover.vm = vm_.view(), mover.wm = wm_.view();
  mover.kh = kh_.view(), mover.tau = tau_b_.view(), mover.ustar_map = ustar_.view(), mover.bed = bed_.view();
  mover.first_wet = first_wet_global_;
  mover.owner = migrator_.owner();
  mover.ws = device_.settling_velocity, mover.tau_ce = device_.critical_shear, mover.erosion_m = device_.erosion_rate;
  mover.x = particles_.x, mover.y = particles_.y, mover.z = particles_.z, mover.mass = particles_.mass;
  mover.age = particles_.age, mover.id = particles_.id, mover.cls = particles_.cls, mover.state = particles_.state;
  mover.event = particles_.event;
  mover.destination = destination_, mover.listed = listed_, mover.listed_count = listed_count_;
  mover.bins = Kokkos::Experimental::ScatterView<double***>(c_class_.view());
  mover.dt = dt;
  mover.seed = lagrangian_.seed;
  mover.step = static_cast<std::uint64_t>(step_index_);
  mover.rank = grid_.rank();
  mover.scheme = lagrangian_.advection;
  mover.gaussian = lagrangian_.gaussian;
  mover.drift = lagrangian_.drift_correction;
  mover.trilinear = lagrangian_.trilinear_velocity;
  mover.advection = advection_;
  mover.kh_constant = !settings_.smagorinsky;
  mover.kh_value = settings_.kh;
  mover.hstep_constant = std::sqrt(2.0 * (settings_.kh > 0.0 ? settings_.kh : 0.0) * dt);
  mover.bbl = settings_.bbl;
  mover.kz_value = settings_.kz;
  mover.kz_background = settings_.kz_background;
  mover.bbl_thickness = settings_.bbl_thickness;
  mover.water_density = settings_.water_density;
  mover.deposition = settings_.deposition;
  mover.tau_cd = settings_.critical_shear_deposition;
  mover.erosion = settings_.erosion();
  Kokkos::parallel_for("lagrangian_move", Kokkos::RangePolicy<>(0, n), mover);
  auto concentration = c_class_.view();
  Kokkos::Experimental::contribute(concentration, mover.bins);
  int listed = 0;
  Kokkos::deep_copy(listed, listed_count_);
  return static_cast<std::size_t>(listed);
}

void LagrangianModel::sort_particles() {
  const std::size_t n = particles_.size();
  if (n < 2) return;
  const auto geo = geometry_;
  const int nj = grid_.local_nj(), columns = grid_.local_ni() * nj;
  const auto X = particles_.x, Y = particles_.y;
  const auto S = particles_.state;
  Kokkos::View<int*> keys(Kokkos::view_alloc(Kokkos::WithoutInitializing, "particle_sort_key"), n);
  Kokkos::parallel_for(
      "lagrangian_sort_key", Kokkos::RangePolicy<>(0, n), KOKKOS_LAMBDA(std::size_t p) {
        int gi, gj;
        geo.column(X(p), Y(p), gi, gj);
        // The fields' memory order (i slowest); deposited particles (skipped by the move) last.
        keys(p) = S(p) == kSuspended ? geo.local_i(gi) * nj + geo.local_j(gj) : columns;
      });
  particles_.sort_by_key(keys, columns + 1);
}

void LagrangianModel::advance(double time, double dt) {
  // Equal sub-steps, the same for every particle: a step chosen per particle from where it is would bias
  // the walk (docs/plume-lagrangian.md). The last one ends exactly at time + dt.
  const double longest = lagrangian_.max_step;
  const int steps = longest > 0.0 ? std::max(1, static_cast<int>(std::ceil(dt / longest - 1e-9))) : 1;
  const double h = dt / steps;
  sub_steps_ = steps;
  for (int s = 0; s < steps; ++s) {
    const double start = time + s * h, end = s + 1 == steps ? time + dt : time + (s + 1) * h;
    step(start, end - start);
  }
}

void LagrangianModel::step(double time, double dt) {
  // Flow at the step ends (linear in time between them); the start is usually left by stable_dt or
  // by the previous step.
  if (flow_time_ != time) update_flow(time, u0_, v0_, w0_);
  update_flow(time + dt, u1_, v1_, w1_);
  {
    const auto U0 = u0_.view(), V0 = v0_.view(), W0 = w0_.view(), U1 = u1_.view(), V1 = v1_.view(), W1 = w1_.view();
    const auto UM = um_.view(), VM = vm_.view(), WM = wm_.view();
    const int nz = grid_.nz();
    Kokkos::parallel_for(
        "lagrangian_mid_flow", Range3({0, 0, 0}, {grid_.local_ni(), grid_.local_nj(), nz + 1}),
        KOKKOS_LAMBDA(int i, int j, int k) {
          if (k < nz) {
            UM(i, j, k) = 0.5 * (U0(i, j, k) + U1(i, j, k));
            VM(i, j, k) = 0.5 * (V0(i, j, k) + V1(i, j, k));
          }
          WM(i, j, k) = 0.5 * (W0(i, j, k) + W1(i, j, k));
        });
  }
  update_bed_stress_and_kh(um_, vm_);
  {
    profiling::Region region("release");
    release(time, time + dt);
  }
  // Particles drift apart in memory as they move, migrate and are released; a periodic sort by
  // column keeps the flow gathers of neighbouring particles in cache. The order does not change
  // any trajectory (random streams are keyed by particle id).
  constexpr long kSortInterval = 16;
  if (step_index_ % kSortInterval == 0) {
    profiling::Region region("sort");
    sort_particles();
  }
  c_class_.fill(0.0);
  std::size_t listed = 0;
  {
    profiling::Region region("move");
    listed = move(dt);
  }
  {
    profiling::Region region("bookkeeping");
    settle_listed(listed);
  }
  ++step_index_;
  // The end-of-step flow starts the next step.
  std::swap(u0_, u1_);
  std::swap(v0_, v1_);
  std::swap(w0_, w1_);
  flow_time_ = time + dt;
  profiling::Region region("metrics");
  update_metrics(dt);
}

void LagrangianModel::settle_listed(std::size_t listed) {
  // The list is filled atomically: sort it so that the bookkeeping order (and its round-off) does
  // not depend on the thread schedule.
  const auto list = Kokkos::subview(listed_, std::pair<std::size_t, std::size_t>(0, listed));
  if (listed > 1) Kokkos::sort(list);
  std::size_t leaving = 0;
  Kokkos::View<int*> removal("lagrangian_removal", listed);
  if (listed > 0) {
    // Outflow ledger, and deposits / erosions of the particles that stay on this rank.
    const int nn = nclasses_, me = grid_.rank();
    Kokkos::View<double*> outflow("lagrangian_outflow", 2 * nn);
    Kokkos::Experimental::ScatterView<double*> out_scatter(outflow);
    auto BED = bed_.view();
    Kokkos::Experimental::ScatterView<double***> bed_scatter(BED);
    const auto X = particles_.x, Y = particles_.y, M = particles_.mass;
    const auto C = particles_.cls, E = particles_.event;
    const auto dest = destination_;
    const auto geo = geometry_;
    const double inv_area = 1.0 / (grid_.dx(0) * grid_.dy(0));
    Kokkos::parallel_for(
        "lagrangian_settle", Kokkos::RangePolicy<>(0, listed), KOKKOS_LAMBDA(std::size_t q) {
          const int p = list(q);
          if (dest(p) < 0) {
            auto access = out_scatter.access();
            access(C(p)) += M(p);
            access(nn + C(p)) += 1.0;
          } else if (dest(p) == me) {
            const int e = E(p);
            if (e == kJustDeposited || e == kJustEroded) {
              int gi, gj;
              geo.column(X(p), Y(p), gi, gj);
              auto access = bed_scatter.access();
              const double per_area = geo.uniform ? M(p) * inv_area : M(p) / geo.cell_area(gi, gj);
              access(geo.local_i(gi), geo.local_j(gj), C(p)) += (e == kJustDeposited ? 1.0 : -1.0) * per_area;
            }
            E(p) = kNoEvent;
          }
        });
    Kokkos::Experimental::contribute(outflow, out_scatter);
    Kokkos::Experimental::contribute(BED, bed_scatter);
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), outflow);
    for (std::size_t c = 0; c < pending_outflow_.size(); ++c) pending_outflow_[c] += host(c);
    // Those leaving this rank (the domain or to another rank), in ascending order.
    Kokkos::parallel_scan(
        "lagrangian_removal", Kokkos::RangePolicy<>(0, listed), KOKKOS_LAMBDA(std::size_t q, std::size_t& o, bool final) {
          if (dest(list(q)) != me) {
            if (final) removal(o) = list(q);
            ++o;
          }
        },
        leaving);
  }
  const std::size_t kept = particles_.size() - leaving;
  const auto moved = migrator_.exchange(particles_, removal, leaving, destination_);
  last_migrated_ = moved.sent;
  // The arrivals: their deposits and erosions happened on this rank's columns; suspended ones are binned.
  if (moved.received > 0) absorb(kept, particles_.size(), true);
}

void LagrangianModel::absorb(std::size_t begin, std::size_t end, bool bin) {
  if (end <= begin) return;
  auto BED = bed_.view();
  auto CC = c_class_.view();
  Kokkos::Experimental::ScatterView<double***> bed_scatter(BED), bin_scatter(CC);
  const auto X = particles_.x, Y = particles_.y, Z = particles_.z, M = particles_.mass;
  const auto C = particles_.cls, E = particles_.event, S = particles_.state;
  const auto geo = geometry_;
  const int nz = grid_.nz();
  Kokkos::parallel_for(
      "lagrangian_absorb", Kokkos::RangePolicy<>(begin, end), KOKKOS_LAMBDA(std::size_t p) {
        int gi, gj;
        geo.column(X(p), Y(p), gi, gj);
        const int li = geo.local_i(gi), lj = geo.local_j(gj);
        const int e = E(p);
        if (e == kJustDeposited || e == kJustEroded) {
          auto access = bed_scatter.access();
          access(li, lj, C(p)) += (e == kJustDeposited ? 1.0 : -1.0) * M(p) / geo.cell_area(gi, gj);
        }
        E(p) = kNoEvent;
        if (bin && S(p) == kSuspended) {
          const int k = geo.cell_k(Z(p));
          auto access = bin_scatter.access();
          access(li, lj, C(p) * nz + k) += M(p) / (geo.cell_area(gi, gj) * geo.dz(k));
        }
      });
  Kokkos::Experimental::contribute(BED, bed_scatter);
  Kokkos::Experimental::contribute(CC, bin_scatter);
}

void LagrangianModel::smooth(Field& f, const Kokkos::View<int**>& wet_levels) const {
  // Explicit diffusion passes with zero flux into dry cells and through the domain edges: exactly
  // mass-conserving, positive (alpha_x + alpha_y <= 0.4), and equivalent to a Gaussian kernel of
  // variance 2 alpha passes dx^2 per direction.
  const double sigma = lagrangian_.smoothing_length;
  if (sigma <= 0.0) return;
  const double dx = grid_.dx(0), dy = grid_.dy(0);
  const double sum = sigma * sigma / (2.0 * dx * dx) + sigma * sigma / (2.0 * dy * dy);
  const int passes = std::max(1, static_cast<int>(std::ceil(sum / 0.4)));
  const double ax = sigma * sigma / (2.0 * passes * dx * dx), ay = sigma * sigma / (2.0 * passes * dy * dy);
  const int g = grid_.ghost(), nk = f.nk(), nz = grid_.nz();
  const int gi0 = grid_.owned().i_begin, gj0 = grid_.owned().j_begin, nx = grid_.nx(), ny = grid_.ny();
  const bool map = nk == 1;
  Field buffer(grid_, "smoothing_buffer", f.units(), "", nk);
  const auto wet = wet_levels;
  for (int pass = 0; pass < passes; ++pass) {
    f.exchange_halo();
    const auto F = f.view(), B = buffer.view();
    Kokkos::parallel_for(
        "lagrangian_smooth", Range3({g, g, 0}, {g + grid_.owned().ni(), g + grid_.owned().nj(), nk}),
        KOKKOS_LAMBDA(int i, int j, int k) {
          const int gi = gi0 + i - g, gj = gj0 + j - g;
          auto open = [&](int ni, int nj) {
            if (ni < 0 || nj < 0 || ni >= nx || nj >= ny) return false;
            return map ? wet(ni, nj) < nz : k >= wet(ni, nj);
          };
          const double c = F(i, j, k);
          double change = 0.0;
          if (open(gi, gj)) {
            if (open(gi - 1, gj)) change += ax * (F(i - 1, j, k) - c);
            if (open(gi + 1, gj)) change += ax * (F(i + 1, j, k) - c);
            if (open(gi, gj - 1)) change += ay * (F(i, j - 1, k) - c);
            if (open(gi, gj + 1)) change += ay * (F(i, j + 1, k) - c);
          }
          B(i, j, k) = c + change;
        });
    Kokkos::deep_copy(F, B);
  }
}

void LagrangianModel::bin_all() {
  c_class_.fill(0.0);
  auto CC = c_class_.view();
  Kokkos::Experimental::ScatterView<double***> scatter(CC);
  const auto X = particles_.x, Y = particles_.y, Z = particles_.z, M = particles_.mass;
  const auto C = particles_.cls, S = particles_.state;
  const auto geo = geometry_;
  const int nz = grid_.nz();
  Kokkos::parallel_for(
      "lagrangian_bin", Kokkos::RangePolicy<>(0, particles_.size()), KOKKOS_LAMBDA(std::size_t p) {
        if (S(p) != kSuspended) return;
        int gi, gj;
        geo.column(X(p), Y(p), gi, gj);
        const int k = geo.cell_k(Z(p));
        auto access = scatter.access();
        access(geo.local_i(gi), geo.local_j(gj), C(p) * nz + k) += M(p) / (geo.cell_area(gi, gj) * geo.dz(k));
      });
  Kokkos::Experimental::contribute(CC, scatter);
}

void LagrangianModel::update_metrics(double dt) {
  const int nz = grid_.nz(), nn = nclasses_, g = grid_.ghost();
  const auto dx = grid_.dx_local_view(), dy = grid_.dy_local_view();
  const auto CC = c_class_.view(), CT = c_total_.view(), BED = bed_.view(), DEP = deposit_.view();
  const auto dry = device_.dry_density;
  Kokkos::parallel_for(
      "lagrangian_totals", Range2({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()}), KOKKOS_LAMBDA(int i, int j) {
        for (int k = 0; k < nz; ++k) {
          double total = 0.0;
          for (int n = 0; n < nn; ++n) total += CC(i, j, n * nz + k);
          CT(i, j, k) = total;
        }
        double thickness = 0.0;
        for (int n = 0; n < nn; ++n) thickness += BED(i, j, n) / dry(n);
        DEP(i, j, 0) = thickness;
      });
  smooth(c_total_, first_wet_global_);
  smooth(deposit_, first_wet_global_);

  const auto CMAX = column_max_.view(), TA = time_above_.view();
  const auto wet = bathymetry_.first_wet();
  const auto dz = grid_.dz_view();
  const auto thresholds = device_.concentration_thresholds;
  const double first_threshold = settings_.concentration_thresholds.front();
  double volume_above = 0.0;
  Kokkos::parallel_reduce(
      "lagrangian_metrics", Range2({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()}),
      KOKKOS_LAMBDA(int i, int j, double& volume) {
        double column_max = 0.0;
        for (int k = 0; k < nz; ++k) {
          const double total = CT(i, j, k);
          if (k >= wet(i, j) && total >= first_threshold) volume += dx(i) * dy(j) * dz(k);
          column_max = total > column_max ? total : column_max;
        }
        record_column_exposure(CMAX, TA, thresholds, i, j, column_max, dt);
      },
      volume_above);
  max_volume_above_ = std::max(max_volume_above_, grid::global_sum(grid_.comm(), volume_above));
}

// ------------------------------------------------------------------------------------------------
// Ledger

void LagrangianModel::sync_outflow() {
  std::vector<double> global(pending_outflow_.size());
  MPI_Allreduce(pending_outflow_.data(), global.data(), static_cast<int>(global.size()), MPI_DOUBLE, MPI_SUM, grid_.comm());
  for (int c = 0; c < nclasses_; ++c) {
    const auto u = static_cast<std::size_t>(c);
    outflow_[u] += global[u];
    outflow_n_[u] += static_cast<long long>(global[static_cast<std::size_t>(nclasses_) + u]);
  }
  std::fill(pending_outflow_.begin(), pending_outflow_.end(), 0.0);
}

ParticleLedger LagrangianModel::ledger() {
  sync_outflow();
  const int nn = nclasses_;
  Kokkos::View<double*> local("lagrangian_ledger", 4 * nn);
  {
    Kokkos::Experimental::ScatterView<double*> scatter(local);
    const auto M = particles_.mass;
    const auto C = particles_.cls, S = particles_.state;
    Kokkos::parallel_for(
        "lagrangian_ledger", Kokkos::RangePolicy<>(0, particles_.size()), KOKKOS_LAMBDA(std::size_t p) {
          auto access = scatter.access();
          const int offset = S(p) == kSuspended ? 0 : 2 * nn;
          access(offset + C(p)) += M(p);
          access(offset + nn + C(p)) += 1.0;
        });
    Kokkos::Experimental::contribute(local, scatter);
  }
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), local);
  std::vector<double> sums(host.data(), host.data() + 4 * nn), global(sums.size());
  MPI_Allreduce(sums.data(), global.data(), static_cast<int>(sums.size()), MPI_DOUBLE, MPI_SUM, grid_.comm());
  ParticleLedger l;
  l.emitted = emitted_;
  l.outflow = outflow_;
  l.emitted_n = emitted_n_;
  l.outflow_n = outflow_n_;
  for (int c = 0; c < nn; ++c) {
    const auto u = static_cast<std::size_t>(c);
    l.suspended.push_back(global[u]);
    l.suspended_n.push_back(static_cast<long long>(global[static_cast<std::size_t>(nn + c)]));
    l.deposited.push_back(global[static_cast<std::size_t>(2 * nn + c)]);
    l.deposited_n.push_back(static_cast<long long>(global[static_cast<std::size_t>(3 * nn + c)]));
  }
  return l;
}

ParticleLedger LagrangianModel::verify_ledger() {
  auto l = ledger();
  ledger_checked_step_ = step_index_;
  for (int c = 0; c < nclasses_; ++c) {
    const auto u = static_cast<std::size_t>(c);
    if (l.emitted_n[u] != l.suspended_n[u] + l.deposited_n[u] + l.outflow_n[u]) {
      throw NumericalError(strformat("particle ledger of class '%s' broken at step %ld: %lld released, %lld suspended + "
                                     "%lld deposited + %lld outflow",
                                     settings_.classes[u].name.c_str(), step_index_, l.emitted_n[u], l.suspended_n[u],
                                     l.deposited_n[u], l.outflow_n[u]));
    }
  }
  const double e = l.total(l.emitted);
  const double residual = e - l.total(l.suspended) - l.total(l.deposited) - l.total(l.outflow);
  last_balance_error_ = e > 0.0 ? std::abs(residual) / e : 0.0;
  max_balance_error_ = std::max(max_balance_error_, last_balance_error_);
  return l;
}

double LagrangianModel::max_balance_error() {
  if (ledger_checked_step_ != step_index_) verify_ledger();
  return max_balance_error_;
}

void LagrangianModel::check_finite(long step, double time) {
  const auto X = particles_.x, Y = particles_.y, Z = particles_.z, M = particles_.mass;
  long bad = 0;
  Kokkos::parallel_reduce(
      "lagrangian_finite", Kokkos::RangePolicy<>(0, particles_.size()),
      KOKKOS_LAMBDA(std::size_t p, long& b) {
        const double s = X(p) + Y(p) + Z(p) + M(p);
        if (!(s - s == 0.0)) ++b;
      },
      bad);
  const double total = grid::global_sum(grid_.comm(), static_cast<double>(bad));
  if (total > 0.0) {
    throw NumericalError(strformat("%.0f particles with a non-finite position or mass at step %ld, t = %g s", total,
                                   step, time));
  }
}

// ------------------------------------------------------------------------------------------------
// Output

void LagrangianModel::write_output(long step, double time) {
  if (!write_files_) return;
  std::vector<Field> classes;
  if (nclasses_ > 1) {
    for (int n = 0; n < nclasses_; ++n) {
      classes.emplace_back(grid_, "concentration_" + settings_.classes[static_cast<std::size_t>(n)].name, "kg m-3",
                           "binned particle concentration of class " + settings_.classes[static_cast<std::size_t>(n)].name);
      const auto src = c_class_.view(), dst = classes.back().view();
      const int nz = grid_.nz(), o = n * nz;
      Kokkos::parallel_for(
          "lagrangian_class_field", Range3({0, 0, 0}, {grid_.local_ni(), grid_.local_nj(), nz}),
          KOKKOS_LAMBDA(int i, int j, int k) { dst(i, j, k) = src(i, j, o + k); });
    }
  }
  std::vector<const Field*> volume{&c_total_};
  for (const auto& f : classes) volume.push_back(&f);
  volume_writer_->write(step, time, volume);

  Field cmax(grid_, "column_max_concentration", "kg m-3", "maximum over time of the water-column maximum (particles)", 1);
  Kokkos::deep_copy(cmax.view(), column_max_.view());
  std::vector<Field> above;
  for (std::size_t t = 0; t < settings_.concentration_thresholds.size(); ++t) {
    const std::string key = threshold_key(settings_.concentration_thresholds[t]);
    above.emplace_back(grid_, "time_above_" + key + "_kg_m3", "s", "time the water column exceeded " + key + " kg/m3", 1);
    const auto dst = above.back().view();
    const auto src = time_above_.view();
    const int tt = static_cast<int>(t);
    Kokkos::parallel_for(
        "lagrangian_time_above_copy", Range2({0, 0}, {grid_.local_ni(), grid_.local_nj()}),
        KOKKOS_LAMBDA(int i, int j) { dst(i, j, 0) = src(i, j, tt); });
  }
  std::vector<const Field*> maps{&deposit_, &cmax, &bathymetry_.elevation()};
  for (const auto& f : above) maps.push_back(&f);
  map_writer_->write(step, time, maps);

  // Particle cloud: a sample chosen by id (the same particles on any number of ranks).
  const auto all = particles_.to_host();
  const double total = grid::global_sum(grid_.comm(), static_cast<double>(all.size()));
  const double keep = total > 0.0 ? std::min(1.0, static_cast<double>(lagrangian_.output_particles) / total) : 0.0;
  std::vector<ParticleRecord> sample;
  for (const auto& r : all) {
    if (keep >= 1.0 || uniform01(stream_key(lagrangian_.seed, static_cast<std::uint64_t>(r.id), kSampleStream), 0) < keep) {
      sample.push_back(r);
    }
  }
  unsigned long long local = sample.size(), offset = 0, count = 0;
  MPI_Exscan(&local, &offset, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, grid_.comm());
  if (grid_.rank() == 0) offset = 0;
  MPI_Allreduce(&local, &count, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, grid_.comm());
  const auto ledger_now = verify_ledger();
  if (count > 0) {
    char name[64];
    std::snprintf(name, sizeof name, "particles_%06ld.h5", step);
    io::H5File file(grid_.comm(), context_.output_dir + "/" + name, io::H5File::Mode::Create);
    file.set_attribute("time", time);
    file.set_attribute("step", static_cast<double>(step));
    file.set_attribute("sampled_fraction", keep);
    file.set_attribute("case", context_.resolved_yaml);
    std::vector<double> position(3 * local), cls(local), mass(local), age(local), state(local), id(local);
    std::vector<long long> connectivity(local);
    for (std::size_t q = 0; q < local; ++q) {
      const auto& r = sample[q];
      position[3 * q] = r.x, position[3 * q + 1] = r.y, position[3 * q + 2] = r.z;
      cls[q] = r.cls, mass[q] = r.mass, age[q] = r.age, state[q] = r.state, id[q] = static_cast<double>(r.id);
      connectivity[q] = static_cast<long long>(offset + q);
    }
    const io::Block block{{count}, {offset}, {local}};
    file.write("/particles/position", io::Block{{count, 3}, {offset, 0}, {local, 3}}, position.data(),
               {"m", "particle position (x east, y north, z up)", "node"});
    file.write_int("/particles/connectivity", block, connectivity.data(), {"1", "polyvertex connectivity", "none"});
    file.write("/particles/class", block, cls.data(), {"1", "grain class index (order of plume.classes)", "node"});
    file.write("/particles/mass", block, mass.data(), {"kg", "sediment mass carried by the particle", "node"});
    file.write("/particles/age", block, age.data(), {"s", "time since release", "node"});
    file.write("/particles/state", block, state.data(), {"1", "0 suspended, 1 deposited", "node"});
    file.write("/particles/id", block, id.data(), {"1", "particle id", "node"});
    file.close();
    io::XdmfPointStep entry;
    entry.time = time;
    entry.file = name;
    entry.position_dataset = "/particles/position";
    entry.connectivity_dataset = "/particles/connectivity";
    entry.count = count;
    entry.scalars = {{"class", "/particles/class"}, {"mass", "/particles/mass"}, {"age", "/particles/age"},
                     {"state", "/particles/state"}, {"id", "/particles/id"}};
    particle_steps_.push_back(entry);
    if (grid_.rank() == 0) io::write_point_series(context_.output_dir + "/particles.xmf", "particles", particle_steps_);
  }
  if (budget_) {
    const auto& l = ledger_now;
    budget_->row({time, l.total(l.emitted), l.total(l.suspended), l.total(l.deposited), l.total(l.outflow),
                  last_balance_error_, static_cast<double>(l.total(l.emitted_n)), static_cast<double>(l.total(l.suspended_n)),
                  static_cast<double>(l.total(l.deposited_n)), static_cast<double>(l.total(l.outflow_n))});
  }
}

void LagrangianModel::save(sim::CheckpointWriter& checkpoint) {
  flow_->save(checkpoint.file().path());  // a time-stepping flow (the ocean tide) keeps its own state
  verify_ledger();                         // also brings the outflow counted on each rank into outflow_
  const auto all = particles_.to_host();
  std::vector<double> words(all.size() * 8);
  for (std::size_t q = 0; q < all.size(); ++q) {
    const auto& r = all[q];
    double* w = &words[8 * q];
    w[0] = r.x, w[1] = r.y, w[2] = r.z, w[3] = r.mass, w[4] = r.age;
    w[5] = static_cast<double>(r.id), w[6] = r.cls, w[7] = r.state;
  }
  checkpoint.distributed("lagrangian_particles", words);
  checkpoint.field(bed_);
  checkpoint.field(column_max_);
  checkpoint.field(time_above_);
  checkpoint.scalars("lagrangian_emitted", emitted_);
  checkpoint.scalars("lagrangian_outflow", outflow_);
  checkpoint.scalars("lagrangian_emitted_n", std::vector<double>(emitted_n_.begin(), emitted_n_.end()));
  checkpoint.scalars("lagrangian_outflow_n", std::vector<double>(outflow_n_.begin(), outflow_n_.end()));
  checkpoint.scalars("lagrangian_release_carry", release_carry_.empty() ? std::vector<double>{0.0} : release_carry_);
  checkpoint.scalar("lagrangian_next_id", static_cast<double>(next_id_));
  checkpoint.scalar("lagrangian_step_index", static_cast<double>(step_index_));
  checkpoint.scalar("lagrangian_max_volume_above", max_volume_above_);
  checkpoint.scalar("lagrangian_max_balance_error", max_balance_error_);
}

void LagrangianModel::restore(sim::CheckpointReader& checkpoint) {
  flow_->restore(checkpoint.file().path());
  const auto words = checkpoint.distributed("lagrangian_particles");
  std::vector<ParticleRecord> records(words.size() / 8);
  for (std::size_t q = 0; q < records.size(); ++q) {
    const double* w = &words[8 * q];
    auto& r = records[q];
    r.x = w[0], r.y = w[1], r.z = w[2], r.mass = w[3], r.age = w[4];
    r.id = static_cast<std::int64_t>(w[5]), r.cls = static_cast<int>(w[6]), r.state = static_cast<int>(w[7]);
  }
  particles_ = ParticleSet(std::max<std::size_t>(records.size(), 4096));
  particles_.append(records);
  checkpoint.field(bed_);
  checkpoint.field(column_max_);
  checkpoint.field(time_above_);
  emitted_ = checkpoint.scalars("lagrangian_emitted");
  outflow_ = checkpoint.scalars("lagrangian_outflow");
  const auto en = checkpoint.scalars("lagrangian_emitted_n"), on = checkpoint.scalars("lagrangian_outflow_n");
  emitted_n_.assign(en.begin(), en.end());
  outflow_n_.assign(on.begin(), on.end());
  if (!release_carry_.empty()) release_carry_ = checkpoint.scalars("lagrangian_release_carry");
  next_id_ = static_cast<std::int64_t>(checkpoint.scalar("lagrangian_next_id"));
  step_index_ = static_cast<long>(checkpoint.scalar("lagrangian_step_index"));
  max_volume_above_ = checkpoint.scalar("lagrangian_max_volume_above");
  max_balance_error_ = checkpoint.scalar("lagrangian_max_balance_error");
  std::fill(pending_outflow_.begin(), pending_outflow_.end(), 0.0);
  ledger_checked_step_ = step_index_;
  flow_time_ = -1e300;
  bin_all();
  update_metrics(0.0);
}

// ------------------------------------------------------------------------------------------------
// Summary: the same keys as the Eulerian model.

void LagrangianModel::finish(io::Json& summary) {
  const auto l = verify_ledger();
  summary["mass_emitted_kg"] = l.total(l.emitted);
  summary["mass_suspended_kg"] = l.total(l.suspended);
  summary["mass_deposited_kg"] = l.total(l.deposited);
  summary["mass_outflow_kg"] = l.total(l.outflow);
  summary["mass_balance_rel_error"] = max_balance_error_;
  summary["turbidity_volume_max_m3"] = max_volume_above_;
  double x0 = grid_.x_center(0), y0 = grid_.y_center(0);
  if (!sources_.empty()) sources_.front().position(start_time_, x0, y0);
  write_impact_metrics(grid_, deposit_, column_max_, settings_, x0, y0, summary);
  io::Json per_class = io::Json::array();
  for (int n = 0; n < nclasses_; ++n) {
    const auto u = static_cast<std::size_t>(n);
    per_class.push_back({{"name", settings_.classes[u].name},
                         {"settling_velocity_m_s", settings_.classes[u].settling_velocity},
                         {"emitted_kg", l.emitted[u]},
                         {"deposited_kg", l.deposited[u]},
                         {"outflow_kg", l.outflow[u]},
                         {"particles_released", l.emitted_n[u]},
                         {"particles_deposited", l.deposited_n[u]},
                         {"particles_outflow", l.outflow_n[u]}});
  }
  summary["classes"] = per_class;
  summary["particles"] = {{"released", l.total(l.emitted_n)},
                          {"suspended", l.total(l.suspended_n)},
                          {"deposited", l.total(l.deposited_n)},
                          {"outflow", l.total(l.outflow_n)},
                          {"steps", step_index_},
                          {"advection", advection_name(lagrangian_.advection)},
                          {"random_increments", lagrangian_.gaussian ? "gaussian" : "uniform"},
                          {"smoothing_length_m", lagrangian_.smoothing_length},
                          {"seed", lagrangian_.seed}};
}

}  // namespace hadal::plume
