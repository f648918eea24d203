// SPDX-License-Identifier: MIT
#include "plume/eulerian_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "core/error.hpp"
#include "core/profiling.hpp"
#include "numerics/kokkos_math.hpp"
#include "numerics/limiter.hpp"
#include "plume/closures.hpp"
#include "plume/column_solve.hpp"
#include "plume/flow_field.hpp"
#include "plume/metrics.hpp"

namespace hadal::plume {

using grid::Field;
using Range3 = Kokkos::MDRangePolicy<Kokkos::Rank<3>>;
using Range2 = Kokkos::MDRangePolicy<Kokkos::Rank<2>>;

using numerics::face_value;

EulerianModel::EulerianModel(sim::RunContext& context, const grid::GridSpec& spec, const grid::SeabedShape& seabed,
                             PlumeSettings settings, std::vector<Source> sources, std::unique_ptr<sim::FlowProvider> flow,
                             double start_time, bool write_files)
    : context_(context),
      grid_(context.comm, spec, 2),
      seabed_(seabed),
      bathymetry_(grid_, seabed),
      settings_(std::move(settings)),
      sources_(std::move(sources)),
      flow_(std::move(flow)),
      start_time_(start_time),
      nclasses_(static_cast<int>(settings_.classes.size())),
      c_(grid_, "concentration_all", "kg m-3", "suspended sediment per class", grid_.nz() * nclasses_),
      c_stage_(grid_, "concentration_stage", "kg m-3", "Runge-Kutta stage", grid_.nz() * nclasses_),
      bed_(grid_, "bed_mass", "kg m-2", "deposited sediment mass per class", nclasses_),
      u_(grid_, "u_face", "m s-1", "x velocity on west faces"),
      v_(grid_, "v_face", "m s-1", "y velocity on south faces"),
      w_(grid_, "w_face", "m s-1", "z velocity on bottom faces", grid_.nz() + 1),
      kh_(grid_, "kh", "m2 s-1", "horizontal diffusivity"),
      kz_(grid_, "kz", "m2 s-1", "vertical diffusivity on bottom faces", grid_.nz() + 1),
      tau_b_(grid_, "bed_shear_stress", "Pa", "bed shear stress", 1),
      device_(settings_),
      line_outflow_("line_outflow", grid_.owned().ni(), nclasses_),
      c_total_(grid_, "concentration", "kg m-3", "suspended sediment concentration, all classes"),
      deposit_(grid_, "deposit_thickness", "m", "re-deposited sediment thickness", 1),
      column_max_(grid_, "column_max_concentration", "kg m-3", "maximum over time of the water-column maximum", 1),
      time_above_(grid_, "time_above", "s", "time the column maximum exceeded each concentration threshold",
                  static_cast<int>(settings_.concentration_thresholds.size())),
      emitted_(static_cast<std::size_t>(nclasses_), 0.0),
      outflow_(static_cast<std::size_t>(nclasses_), 0.0),
      write_files_(write_files) {
  inv_dz_ = Kokkos::View<double*>("inverse_dz", grid_.nz());
  inv_face_spacing_ = Kokkos::View<double*>("inverse_centre_spacing", grid_.nz() + 1);
  auto inv_dz = Kokkos::create_mirror_view(inv_dz_);
  auto inv_h = Kokkos::create_mirror_view(inv_face_spacing_);
  for (int k = 0; k < grid_.nz(); ++k) inv_dz(k) = 1.0 / grid_.dz(k);
  for (int k = 0; k <= grid_.nz(); ++k) {
    inv_h(k) = (k > 0 && k < grid_.nz()) ? 1.0 / (grid_.z_center(k) - grid_.z_center(k - 1)) : 0.0;
  }
  Kokkos::deep_copy(inv_dz_, inv_dz);
  Kokkos::deep_copy(inv_face_spacing_, inv_h);
  auto inverses = [](const char* name, int n, auto length) {
    Kokkos::View<double*> view(std::string(name), n);
    auto host = Kokkos::create_mirror_view(view);
    for (int l = 0; l < n; ++l) host(l) = 1.0 / length(l);
    Kokkos::deep_copy(view, host);
    return view;
  };
  inv_dx_ = inverses("inverse_dx", grid_.local_ni(), [&](int li) { return grid_.dx(grid_.global_i(li)); });
  inv_dy_ = inverses("inverse_dy", grid_.local_nj(), [&](int lj) { return grid_.dy(grid_.global_j(lj)); });
  inv_dx_between_ = inverses("inverse_dx_between", grid_.local_ni(), [&](int li) { return grid_.dx_between(grid_.global_i(li)); });
  inv_dy_between_ = inverses("inverse_dy_between", grid_.local_nj(), [&](int lj) { return grid_.dy_between(grid_.global_j(lj)); });
  line_outflow_host_ = Kokkos::create_mirror_view(line_outflow_);
  if (grid_.nz() > kMaxLevels) {
    throw InputError(strformat("grid.cells: %d levels; the Eulerian plume model holds at most %d", grid_.nz(), kMaxLevels));
  }
  if (settings_.stages > 2)
    c_stage_second_ = std::make_unique<Field>(grid_, "concentration_stage_second", "kg m-3", "Runge-Kutta stage",
                                              grid_.nz() * nclasses_);
  for (Field* f : {&c_, &c_stage_, &bed_, &u_, &v_, &w_, &kh_, &kz_, &tau_b_, &c_total_, &deposit_, &column_max_,
                   &time_above_}) {
    f->fill(0.0);
  }
  if (write_files_) {
    const bool resume = !context.restart_file.empty();
    volume_writer_ = std::make_unique<grid::FieldSeriesWriter>(grid_, context.output_dir, "plume",
                                                               grid::FieldSeriesWriter::Kind::Volume, resume);
    map_writer_ = std::make_unique<grid::FieldSeriesWriter>(grid_, context.output_dir, "seabed",
                                                            grid::FieldSeriesWriter::Kind::Map, resume);
    volume_writer_->set_attribute("case", context.resolved_yaml);
    map_writer_->set_attribute("case", context.resolved_yaml);
    stations_ = std::make_unique<grid::StationSeries>(
        grid_, grid::stations_from_config(context.config.child("output"), grid_),
        std::vector<const Field*>{&c_total_, &deposit_}, context.output_dir + "/stations.csv", resume);
    if (grid_.rank() == 0) {
      budget_ = std::make_unique<io::CsvSeries>(
          context.output_dir + "/mass_budget.csv",
          std::vector<std::string>{"time_s", "emitted_kg", "suspended_kg", "deposited_kg", "outflow_kg",
                                   "balance_rel_error"},
          resume);
    }
  }
}

double EulerianModel::work_per_step() const { return static_cast<double>(grid_.global_cells()) * nclasses_; }

std::string EulerianModel::status() const { return strformat("mass balance %.1e", last_balance_error_); }

// ----------------------------------------------------------------------------------------------
// Flow and diffusivities

void EulerianModel::update_flow(double time) {
  flow_->velocity(time, u_, v_, w_);
  u_.exchange_halo();
  v_.exchange_halo();
  // Faces touching rock carry nothing whatever the provider said; w from continuity.
  constrain_to_bathymetry(grid_, bathymetry_, u_, v_, w_);
}

void EulerianModel::update_diffusivities() {
  if (settings_.smagorinsky) {
    smagorinsky_diffusivity(grid_, settings_, u_, v_, kh_, 1);  // one halo ring: faces get two-sided means
  } else if (!constant_kh_filled_) {
    kh_.fill(settings_.kh);
    constant_kh_filled_ = true;
  }
  if (settings_.needs_bed_stress()) bed_shear_stress(grid_, bathymetry_, settings_, u_, v_, tau_b_, 0);
  if (settings_.bbl) {
    const auto KZ = kz_.view(), TAU = tau_b_.view();
    const auto wet = bathymetry_.first_wet();
    const auto zf = grid_.z_faces_view();
    const int g = grid_.ghost(), nz = grid_.nz(), ni = grid_.owned().ni(), nj = grid_.owned().nj();
    const double background = settings_.kz_background, delta = settings_.bbl_thickness, rho = settings_.water_density;
    Kokkos::parallel_for(
        "plume_kz_bbl", Range3({g, g, 0}, {g + ni, g + nj, nz + 1}), KOKKOS_LAMBDA(int i, int j, int k) {
          const int kb = wet(i, j);
          double kz = background, slope_unused;
          if (kb < nz && k > kb) {
            boundary_layer_diffusivity(background, delta, km::sqrt(TAU(i, j, 0) / rho), zf(k) - zf(kb), kz, slope_unused);
          }
          KZ(i, j, k) = kz;
        });
  } else if (!constant_kz_filled_) {
    kz_.fill(settings_.kz);
    constant_kz_filled_ = true;
  }
}

double EulerianModel::courant_rate(bool advection, bool diffusion) const {
  const auto U = u_.view(), V = v_.view(), W = w_.view(), KH = kh_.view();
  const int g = grid_.ghost(), nz = grid_.nz();
  const auto dx = grid_.dx_local_view(), dy = grid_.dy_local_view();
  const auto dxc = grid_.dx_between_local_view(), dyc = grid_.dy_between_local_view();
  const auto dz = grid_.dz_view();
  double rate = 0.0;
  // Sum of the outgoing Courant numbers of a cell plus explicit horizontal diffusion, per second (or
  // either part alone): dt * rate <= 1/2 keeps the limited scheme positive. Implicit w advection leaves
  // w out. One work item per column.
  const double advection_weight = advection ? 1.0 : 0.0, diffusion_weight = diffusion ? 1.0 : 0.0;
  const double w_weight = settings_.implicit_w ? 0.0 : advection_weight;
  Kokkos::parallel_reduce(
      "plume_cfl", Range2({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()}),
      KOKKOS_LAMBDA(int i, int j, double& m) {
        // Plain selections rather than fmax, which GCC calls out of line (its NaN rule) inside this loop.
        auto larger = [](double a, double b) { return a > b ? a : b; };
        // Diffusion's bound with the narrowest of the widths and centre distances it involves (on
        // uniform columns all equal).
        auto smallest = [](double a, double b, double c) { return a < b ? (a < c ? a : c) : (b < c ? b : c); };
        const double hx = smallest(dx(i), dxc(i), dxc(i + 1)), hy = smallest(dy(j), dyc(j), dyc(j + 1));
        const double diffusion_per_kh = diffusion_weight * 2.0 * (1.0 / (hx * hx) + 1.0 / (hy * hy));
        double column = 0.0;
        for (int k = 0; k < nz; ++k) {
          const double uu = larger(km::fabs(U(i, j, k)), km::fabs(U(i + 1, j, k)));
          const double vv = larger(km::fabs(V(i, j, k)), km::fabs(V(i, j + 1, k)));
          const double ww = larger(km::fabs(W(i, j, k)), km::fabs(W(i, j, k + 1)));
          const double r = advection_weight * (uu / dx(i) + vv / dy(j)) + w_weight * ww / dz(k) + KH(i, j, k) * diffusion_per_kh;
          column = column > r ? column : r;
        }
        if (column > m) m = column;
      },
      Kokkos::Max<double>(rate));
  return grid::global_max(grid_.comm(), rate);
}

void EulerianModel::ensure_flow(double time) {
  if (time == flow_time_) return;
  profiling::Region region("flow");
  update_flow(time);
  update_diffusivities();
  // Sub-stepped horizontal diffusion leaves the step to the current; its own rate sets its sub-steps
  // (a constant Kh's once).
  flow_rate_ = courant_rate(true, !settings_.kh_substepped);
  if (settings_.kh_substepped && (settings_.smagorinsky || !(diffusion_rate_ > 0.0)))
    diffusion_rate_ = courant_rate(false, true);
  flow_time_ = time;
}

double EulerianModel::stable_dt(double time, double cfl) {
  // Each step uses the flow at mid-step. Evaluate it where the coming step's midpoint will most
  // likely be (the last dt), so that advance() can reuse it; the first step also checks the rate at
  // the start, where a tide may be faster. The cfl applies to each of the s - 1 forward-Euler stages.
  const double courant_per_step = 0.9 * cfl * (settings_.stages - 1);
  if (last_dt_ > 0.0) {
    ensure_flow(time + 0.5 * last_dt_);
    return flow_rate_ > 0.0 ? courant_per_step / flow_rate_ : 3600.0;
  }
  ensure_flow(time);
  double rate = flow_rate_;
  const double dt = rate > 0.0 ? courant_per_step / rate : 3600.0;
  ensure_flow(time + 0.5 * dt);
  rate = std::max(rate, flow_rate_);
  return rate > 0.0 ? std::min(dt, courant_per_step / rate) : dt;
}

// ----------------------------------------------------------------------------------------------
// Sources

void EulerianModel::emit(double t0, double t1) {
  const int nz = grid_.nz();
  auto c_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), c_.view());
  bool changed = false;
  for (const auto& s : sources_) {
    const double on = s.active_time(t0, t1);
    if (on <= 0.0 || s.rate <= 0.0) continue;
    // Sample the source's positions within the step: a moving source leaves a trail, a line source is
    // spread along its segment; each sample carries an equal share of the step's mass.
    std::vector<std::pair<double, double>> points;
    if (s.kind == Source::Kind::Line) {
      const int n = std::max(2, static_cast<int>(std::ceil(s.length() / (0.5 * std::min(grid_.min_dx(), grid_.min_dy())))));
      for (int p = 0; p < n; ++p) {
        const double f = (p + 0.5) / n;
        points.emplace_back(s.path[0] + f * (s.path[2] - s.path[0]), s.path[1] + f * (s.path[3] - s.path[1]));
      }
    } else {
      const double travel = s.kind == Source::Kind::Moving ? s.speed * (t1 - t0) : 0.0;
      const int n = std::max(1, static_cast<int>(std::ceil(travel / (0.5 * std::min(grid_.min_dx(), grid_.min_dy())))));
      for (int p = 0; p < n; ++p) {
        double x, y;
        s.position(t0 + (p + 0.5) / n * (t1 - t0), x, y);
        points.emplace_back(x, y);
      }
    }
    // Each sample point spreads the uniform disk of `radius` over the columns it overlaps, each by the
    // area of the disk it holds (the cell average of the disk, whatever the cell size), or releases into
    // its own column (radius 0). The parts over rock or outside the domain go to the wet part of the
    // disk, as the particles are redrawn there.
    for (const auto& [x, y] : points) {
      std::vector<std::tuple<int, int, double>> columns;
      double held = 0.0;
      const int ci = grid_.cell_i(x), cj = grid_.cell_j(y);
      // The columns the disk's bounding box touches.
      const int i_lo = s.radius > 0.0 ? std::max(0, grid_.cell_i(std::max(x - s.radius, grid_.x_face(0)))) : ci;
      const int i_hi = s.radius > 0.0 ? grid_.cell_i(std::min(x + s.radius, grid_.x_face(grid_.nx()))) : ci;
      const int j_lo = s.radius > 0.0 ? std::max(0, grid_.cell_j(std::max(y - s.radius, grid_.y_face(0)))) : cj;
      const int j_hi = s.radius > 0.0 ? grid_.cell_j(std::min(y + s.radius, grid_.y_face(grid_.ny()))) : cj;
      for (int gj = j_lo; gj <= j_hi; ++gj)
        for (int gi = i_lo; gi <= i_hi; ++gi) {
          if (gi < 0 || gj < 0 || gi >= grid_.nx() || gj >= grid_.ny()) continue;
          const double xc = grid_.x_center(gi), yc = grid_.y_center(gj);
          const double area = s.radius > 0.0 ? disk_rectangle_area(x, y, s.radius, grid_.x_face(gi), grid_.x_face(gi + 1),
                                                                    grid_.y_face(gj), grid_.y_face(gj + 1))
                                             : (gi == ci && gj == cj ? 1.0 : 0.0);
          if (!(area > 0.0)) continue;
          // Every rank decides the same columns: wetness from the seabed shape, not the local mask.
          const double zb = seabed_.elevation(xc, yc);
          if (grid::Bathymetry::first_wet_index(grid_, zb) >= nz) continue;
          columns.emplace_back(gi, gj, area);
          held += area;
        }
      if (columns.empty()) continue;  // a sample over rock (the path is checked at input): nothing released
      for (const auto& [gi, gj, area] : columns) {
        const double share = s.rate * on / static_cast<double>(points.size()) * (area / held);
        if (!grid_.owns(gi, gj)) continue;
        const int li = grid_.local_i(gi), lj = grid_.local_j(gj);
        const int kb = bathymetry_.first_wet_host(li, lj);
        // Release layer measured from the model seabed (the bottom face of the first wet cell).
        const double bed = grid_.z_face(kb);
        const double lo = bed + s.height_above_bed - 0.5 * s.thickness;
        const double hi = bed + s.height_above_bed + 0.5 * s.thickness;
        double covered = 0.0;
        std::vector<double> overlap(static_cast<std::size_t>(nz), 0.0);
        for (int k = kb; k < nz; ++k) {
          overlap[k] = std::max(0.0, std::min(hi, grid_.z_face(k + 1)) - std::max(lo, grid_.z_face(k)));
          covered += overlap[k];
        }
        if (covered <= 0.0) {  // layer thinner than, or below, the first wet cell
          overlap[kb] = 1.0;
          covered = 1.0;
        }
        for (int n = 0; n < nclasses_; ++n) {
          const double mass = share * s.fractions[n];
          if (mass <= 0.0) continue;
          for (int k = kb; k < nz; ++k) {
            if (overlap[k] <= 0.0) continue;
            c_host(li, lj, n * nz + k) += mass * overlap[k] / covered / (grid_.cell_area(gi, gj) * grid_.dz(k));
          }
          changed = true;
        }
      }
      for (int n = 0; n < nclasses_; ++n) emitted_[n] += s.rate * on * s.fractions[n] / static_cast<double>(points.size());
    }
  }
  if (grid::global_max(grid_.comm(), changed ? 1.0 : 0.0) > 0.0) Kokkos::deep_copy(c_.view(), c_host);
}

// ----------------------------------------------------------------------------------------------
// Vertical: settling, diffusion, deposition (implicit), erosion (explicit, capped)

void EulerianModel::attach_seabed_model(std::unique_ptr<sim::SeabedModel> model) {
  seabed_model_ = std::move(model);
  step_deposited_ = std::make_unique<Field>(grid_, "step_deposited", "kg m-2", "mass settled during the step", 1);
  step_eroded_ = std::make_unique<Field>(grid_, "step_eroded", "kg m-2", "mass eroded during the step", 1);
  near_bed_c_ = std::make_unique<Field>(grid_, "near_bed_concentration", "kg m-3", "concentration in the lowest wet cell", 1);
  near_bed_u_ = std::make_unique<Field>(grid_, "near_bed_u", "m s-1", "eastward velocity in the lowest wet cell", 1);
  near_bed_v_ = std::make_unique<Field>(grid_, "near_bed_v", "m s-1", "northward velocity in the lowest wet cell", 1);
  for (Field* f : {step_deposited_.get(), step_eroded_.get(), near_bed_c_.get(), near_bed_u_.get(), near_bed_v_.get()}) {
    f->fill(0.0);
  }
}

void EulerianModel::expose_seabed(double time, double dt) {
  // Cell-centred velocity of the lowest wet cell (the mean of its two faces in each direction).
  const auto U = u_.view(), V = v_.view(), NU = near_bed_u_->view(), NV = near_bed_v_->view();
  const auto wet = bathymetry_.first_wet();
  const int g = grid_.ghost(), nz = grid_.nz();
  Kokkos::parallel_for(
      "plume_near_bed_velocity", Range2({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()}), KOKKOS_LAMBDA(int i, int j) {
        const int kb = wet(i, j);
        NU(i, j, 0) = kb < nz ? 0.5 * (U(i, j, kb) + U(i + 1, j, kb)) : 0.0;
        NV(i, j, 0) = kb < nz ? 0.5 * (V(i, j, kb) + V(i, j + 1, kb)) : 0.0;
      });
  sim::SeabedExposure exposure;
  exposure.deposited = step_deposited_.get();
  exposure.eroded = step_eroded_.get();
  exposure.deposit_thickness = &deposit_;
  exposure.near_bed_concentration = near_bed_c_.get();
  exposure.bed_shear_stress = settings_.needs_bed_stress() ? &tau_b_ : nullptr;
  exposure.near_bed_u = near_bed_u_.get();
  exposure.near_bed_v = near_bed_v_.get();
  profiling::Region region("seabed_model");
  seabed_model_->advance(time, dt, exposure);
}

ColumnStep EulerianModel::column_step(double dt, double exposure_dt, bool solve, bool metrics) {
  ColumnStep step;
  auto& s = step.solve;
  s.c = c_.view(), s.bed = bed_.view(), s.kz = kz_.view(), s.tau_b = tau_b_.view();
  s.first_wet = bathymetry_.first_wet();
  s.ws = device_.settling_velocity, s.tau_ce = device_.critical_shear, s.erosion_m = device_.erosion_rate;
  s.dz = grid_.dz_view(), s.inv_dz = inv_dz_, s.inv_face_spacing = inv_face_spacing_;
  s.nz = grid_.nz();
  s.nclasses = nclasses_;
  s.dt = dt;
  s.theta = settings_.theta;
  s.limiter = settings_.limiter;
  s.deposition = settings_.deposition;
  s.tau_cd = settings_.critical_shear_deposition;
  if (seabed_model_) {
    s.deposited = step_deposited_->view(), s.eroded = step_eroded_->view();
    step.near_bed = near_bed_c_->view();
  }
  step.solve_first = solve;
  step.with_metrics = metrics;
  step.c_total = c_total_.view(), step.deposit = deposit_.view(), step.column_max = column_max_.view();
  step.time_above = time_above_.view();
  step.dry_density = device_.dry_density, step.thresholds = device_.concentration_thresholds;
  step.dx = grid_.dx_local_view(), step.dy = grid_.dy_local_view();
  step.exposure_dt = exposure_dt;
  step.first_row = grid_.ghost(), step.rows = grid_.owned().nj();
  return step;
}

EulerianModel::ColumnSums EulerianModel::run_columns(const ColumnStep& step) {
  const int g = grid_.ghost();
  ColumnSums sums;
  Kokkos::parallel_reduce("plume_columns", Range2({g, 0}, {g + grid_.owned().ni(), step.blocks()}), step,
                          sums.suspended, sums.deposited, sums.volume_above);
  return sums;
}

void EulerianModel::vertical_step(double dt) {
  profiling::Region region("vertical");
  run_columns(column_step(dt, 0.0, true, false));
}

// ----------------------------------------------------------------------------------------------
// Horizontal (and w) advection + horizontal diffusion, one forward-Euler stage of the SSP scheme

void EulerianModel::horizontal_stage(const Field& in_field, Field& out_field, double dt, double keep_out,
                                     std::vector<double>& outflow_rate) {
  HorizontalStage stage;
  stage.in = in_field.view(), stage.out = out_field.view();
  stage.u = u_.view(), stage.v = v_.view(), stage.w = w_.view(), stage.kh = kh_.view();
  stage.first_wet = bathymetry_.first_wet();
  stage.inv_dz = inv_dz_, stage.dz = grid_.dz_view();
  stage.line_outflow = line_outflow_;
  stage.limiter = settings_.limiter;
  stage.g = grid_.ghost(), stage.ni = grid_.owned().ni(), stage.nj = grid_.owned().nj(), stage.nz = grid_.nz();
  stage.nclasses = nclasses_;
  stage.gi0 = grid_.owned().i_begin, stage.gj0 = grid_.owned().j_begin, stage.nx = grid_.nx(), stage.ny = grid_.ny();
  stage.dt = dt, stage.dx = grid_.dx_local_view(), stage.dy = grid_.dy_local_view();
  stage.inv_dx = inv_dx_, stage.inv_dy = inv_dy_, stage.inv_dx_between = inv_dx_between_, stage.inv_dy_between = inv_dy_between_;
  stage.keep = keep_out;
  stage.implicit_w = settings_.implicit_w;
  stage.diffuse = !settings_.kh_substepped;
  stage.run();
  // Per-line rates summed in a fixed order: the ledger does not depend on the thread schedule.
  Kokkos::deep_copy(line_outflow_host_, line_outflow_);
  std::fill(outflow_rate.begin(), outflow_rate.end(), 0.0);
  for (int i = 0; i < grid_.owned().ni(); ++i)
    for (int n = 0; n < nclasses_; ++n) outflow_rate[n] += line_outflow_host_(i, n);
  MPI_Allreduce(MPI_IN_PLACE, outflow_rate.data(), nclasses_, MPI_DOUBLE, MPI_SUM, grid_.comm());
}

void EulerianModel::diffuse_horizontally(double dt) {
  if (!(diffusion_rate_ > 0.0)) return;
  profiling::Region region("horizontal_diffusion");
  // Half the positivity bound: every new value a positive combination of the old ones, and the
  // checkerboard mode damped rather than reversed.
  constexpr double kSubstepLimit = 0.5;
  const double needed = std::ceil(dt * diffusion_rate_ / kSubstepLimit);
  if (!(needed <= 100000.0))
    throw NumericalError(strformat("horizontal diffusion too fast for dt = %g s (rate %g s-1)", dt, diffusion_rate_));
  const int substeps = std::max(1, static_cast<int>(needed));
  HorizontalDiffusionStep step;
  step.kh = kh_.view(), step.first_wet = bathymetry_.first_wet();
  step.inv_dx = inv_dx_, step.inv_dy = inv_dy_, step.inv_dx_between = inv_dx_between_, step.inv_dy_between = inv_dy_between_;
  step.g = grid_.ghost(), step.nz = grid_.nz(), step.nclasses = nclasses_;
  step.gi0 = grid_.owned().i_begin, step.gj0 = grid_.owned().j_begin, step.nx = grid_.nx(), step.ny = grid_.ny();
  step.dt = dt / substeps;
  const int g = grid_.ghost();
  const Range2 columns({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()});
  // Back and forth between the state and the stage buffer; an odd count ends with a copy back.
  for (int s = 0; s < substeps; ++s) {
    const bool forth = s % 2 == 0;
    Field& in = forth ? c_ : c_stage_;
    in.exchange_halo();
    step.in = in.view(), step.out = forth ? c_stage_.view() : c_.view();
    Kokkos::parallel_for("plume_horizontal_diffusion", columns, step);
  }
  if (substeps % 2 == 1) Kokkos::deep_copy(c_.view(), c_stage_.view());
}

// ----------------------------------------------------------------------------------------------
// One step

void EulerianModel::advance(double time, double dt) {
  // The flow at mid-step drives both Runge-Kutta stages (second order in the flow's time variation).
  // The one stable_dt evaluated is reused when within 5% of dt of the midpoint (an O(dt^2) change).
  // Written so that the NaN of "no flow yet" (a fixed time.dt never calls stable_dt) also updates.
  if (!(std::abs(flow_time_ - (time + 0.5 * dt)) <= 0.05 * dt)) ensure_flow(time + 0.5 * dt);
  // Positivity needs a Courant sum <= 1/2 per forward-Euler stage (dt / (s - 1)) at the flow actually
  // used: sub-step if the time loop's dt (or a user's cfl above 0.5) would exceed it.
  constexpr double kPositivityLimit = 0.5;
  const int stages = settings_.stages;
  const double courant = dt / (stages - 1) * flow_rate_;
  if (courant > kPositivityLimit) {
    const int substeps = static_cast<int>(std::ceil(courant / (0.9 * kPositivityLimit)));
    if (substeps > 100000) throw NumericalError(strformat("flow too fast for dt = %g s (Courant sum %g)", dt, courant));
    if (!substeps_logged_ && context_.log) {  // said once: a fixed time.dt is not what the transport uses
      context_.log->info(strformat("plume: dt = %g s exceeds the positivity limit of the flow (Courant sum per stage %.3g > %.1f): "
                                   "sub-stepping with dt = %g s (logged once)",
                                   dt, courant, kPositivityLimit, dt / substeps));
      substeps_logged_ = true;
    }
    for (int s = 0; s < substeps; ++s) advance(time + s * dt / substeps, dt / substeps);
    last_dt_ = dt;
    return;
  }
  last_dt_ = dt;
  {
    profiling::Region region("sources");
    emit(time, time + dt);
  }
  if (seabed_model_) {
    step_deposited_->fill(0.0);
    step_eroded_->fill(0.0);
  }
  vertical_step(0.5 * dt);
  // Sub-stepped horizontal diffusion: Strang-split about the advection, D(dt/2) A(dt) D(dt/2), inside
  // the vertical halves.
  if (settings_.kh_substepped) diffuse_horizontally(0.5 * dt);
  // SSPRK(s,2) (Spiteri & Ruuth 2002): c_i = c_{i-1} + h L(c_{i-1}) for i = 1 .. s - 1 with h = dt/(s - 1),
  // then c_new = c/s + (s - 1)/s (c_{s-1} + h L(c_{s-1})), written in place of c; s = 2 is Heun's SSP-RK2.
  // Every stage's L enters c_new with weight dt/s, and so does the rate at which the stage's input
  // leaves through the domain boundary.
  const double h = dt / (stages - 1);
  std::vector<double> stage_outflow(static_cast<std::size_t>(nclasses_)), outflow_sum(stage_outflow.size(), 0.0);
  Field* in = &c_;
  for (int stage = 1; stage <= stages; ++stage) {
    const bool last = stage == stages;
    Field* out = last ? &c_ : (in == &c_stage_ ? c_stage_second_.get() : &c_stage_);
    {
      profiling::Region region("halo");
      in->exchange_halo();
    }
    profiling::Region region("horizontal");
    horizontal_stage(*in, *out, h, last ? 1.0 / stages : 0.0, stage_outflow);
    for (int n = 0; n < nclasses_; ++n) outflow_sum[n] += stage_outflow[n];
    in = out;
  }
  for (int n = 0; n < nclasses_; ++n) outflow_[n] += dt / stages * outflow_sum[n];
  if (settings_.kh_substepped) diffuse_horizontally(0.5 * dt);
  // The second vertical half-step, with the exposure maps and the ledger of the new state.
  ColumnSums sums;
  {
    profiling::Region region("vertical_metrics");
    sums = run_columns(column_step(0.5 * dt, dt, true, true));
  }
  {
    profiling::Region region("ledger");
    record_metrics_and_balance(sums);
  }
  if (seabed_model_) expose_seabed(time, dt);
}

// ----------------------------------------------------------------------------------------------
// Ledger and metrics

double EulerianModel::emitted() const {
  double e = 0.0;
  for (double v : emitted_) e += v;
  return e;
}

double EulerianModel::outflow() const {
  double o = 0.0;
  for (double v : outflow_) o += v;
  return o;
}

double EulerianModel::suspended() const {
  const auto C = c_.view();
  const auto dz = grid_.dz_view();
  const int g = grid_.ghost(), nz = grid_.nz();
  const auto dx = grid_.dx_local_view(), dy = grid_.dy_local_view();
  double total = 0.0;
  Kokkos::parallel_reduce(
      "plume_suspended", Range3({g, g, 0}, {g + grid_.owned().ni(), g + grid_.owned().nj(), nz * nclasses_}),
      KOKKOS_LAMBDA(int i, int j, int kn, double& sum) { sum += C(i, j, kn) * dz(kn % nz) * (dx(i) * dy(j)); }, total);
  return grid::global_sum(grid_.comm(), total);
}

double EulerianModel::deposited() const {
  const auto BED = bed_.view();
  const int g = grid_.ghost();
  const auto dx = grid_.dx_local_view(), dy = grid_.dy_local_view();
  double total = 0.0;
  Kokkos::parallel_reduce(
      "plume_deposited", Range3({g, g, 0}, {g + grid_.owned().ni(), g + grid_.owned().nj(), nclasses_}),
      KOKKOS_LAMBDA(int i, int j, int n, double& sum) { sum += BED(i, j, n) * (dx(i) * dy(j)); }, total);
  return grid::global_sum(grid_.comm(), total);
}

void EulerianModel::record_metrics_and_balance(ColumnSums sums) {
  double global[3] = {sums.suspended, sums.deposited, sums.volume_above};
  MPI_Allreduce(MPI_IN_PLACE, global, 3, MPI_DOUBLE, MPI_SUM, grid_.comm());
  max_volume_above_ = std::max(max_volume_above_, global[2]);
  const double e = emitted();
  const double residual = e - global[0] - global[1] - outflow();
  last_balance_error_ = e > 0.0 ? std::abs(residual) / e : 0.0;
  max_balance_error_ = std::max(max_balance_error_, last_balance_error_);
}

void EulerianModel::update_metrics() { record_metrics_and_balance(run_columns(column_step(0.0, 0.0, false, true))); }

void EulerianModel::after_step(long, double time) {
  if (stations_) stations_->sample(time);
}

void EulerianModel::check_finite(long step, double time) {
  for (const Field* f : {&c_, &bed_}) {
    const auto bad = f->first_non_finite();
    int local = bad[0] >= 0 ? 1 : 0, any = 0;
    MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, grid_.comm());
    if (any) {
      std::string where;
      if (local) {
        const int n = f == &c_ ? bad[2] / grid_.nz() : bad[2];
        const int k = f == &c_ ? bad[2] % grid_.nz() : -1;
        where = " of class '" + settings_.classes[n].name + "' at cell (" + std::to_string(bad[0]) + ", " +
                std::to_string(bad[1]) + (k >= 0 ? ", " + std::to_string(k) : std::string()) + ")";
      }
      throw NumericalError("non-finite " + std::string(f == &c_ ? "concentration" : "bed mass") + where + " at step " +
                           std::to_string(step) + ", t = " + std::to_string(time) + " s");
    }
  }
}

Field EulerianModel::class_field(int n) const {
  Field f(grid_, "concentration_" + settings_.classes[n].name, "kg m-3",
          "suspended concentration of class " + settings_.classes[n].name);
  const auto C = c_.view(), F = f.view();
  const int nz = grid_.nz(), o = n * nz;
  Kokkos::parallel_for(
      "plume_class_field", Range3({0, 0, 0}, {grid_.local_ni(), grid_.local_nj(), nz}),
      KOKKOS_LAMBDA(int i, int j, int k) { F(i, j, k) = C(i, j, o + k); });
  return f;
}

std::vector<double> EulerianModel::class_concentration(int n) const { return class_field(n).owned_block(); }

std::vector<double> EulerianModel::bed_mass(int n) const {
  const auto all = bed_.owned_block();
  const std::size_t columns = static_cast<std::size_t>(grid_.owned().ni()) * grid_.owned().nj();
  return std::vector<double>(all.begin() + static_cast<long>(n * columns), all.begin() + static_cast<long>((n + 1) * columns));
}

bool EulerianModel::volume_due(double time) const {
  // Every output without an interval; with one, the outputs at or just after each multiple of it
  // (counted from time.start); 0: never.
  const double interval = settings_.volume_interval;
  if (interval < 0.0) return true;
  if (interval == 0.0) return false;
  if (!std::isfinite(last_output_time_)) return true;
  auto multiples = [&](double t) { return std::floor((t - start_time_) / interval + 1e-9); };
  return multiples(time) > multiples(last_output_time_);
}

void EulerianModel::write_output(long step, double time) {
  if (!write_files_) return;
  if (volume_due(time)) {
    // Cell-centred velocities for viewing (the solver works on faces).
    Field ue(grid_, "velocity_east", "m s-1", "eastward velocity"), vn(grid_, "velocity_north", "m s-1", "northward velocity"),
        wu(grid_, "velocity_up", "m s-1", "upward velocity");
    const auto U = u_.view(), V = v_.view(), W = w_.view(), A = ue.view(), B = vn.view(), Cc = wu.view();
    const int g = grid_.ghost();
    Kokkos::parallel_for(
        "plume_centre_velocity", Range3({g, g, 0}, {g + grid_.owned().ni(), g + grid_.owned().nj(), grid_.nz()}),
        KOKKOS_LAMBDA(int i, int j, int k) {
          A(i, j, k) = 0.5 * (U(i, j, k) + U(i + 1, j, k));
          B(i, j, k) = 0.5 * (V(i, j, k) + V(i, j + 1, k));
          Cc(i, j, k) = 0.5 * (W(i, j, k) + W(i, j, k + 1));
        });
    std::vector<Field> classes;
    for (int n = 0; n < nclasses_ && nclasses_ > 1; ++n) classes.push_back(class_field(n));
    std::vector<const Field*> volume{&c_total_, &ue, &vn, &wu};
    for (const auto& f : classes) volume.push_back(&f);
    volume_writer_->write(step, time, volume);
  }
  last_output_time_ = time;

  // Maps: one Field per threshold so ParaView lists them by name.
  std::vector<Field> above;
  for (std::size_t t = 0; t < settings_.concentration_thresholds.size(); ++t) {
    above.emplace_back(grid_, "time_above_" + threshold_key(settings_.concentration_thresholds[t]) + "_kg_m3", "s",
                       "time the water column exceeded " + threshold_key(settings_.concentration_thresholds[t]) + " kg/m3", 1);
    auto dst = above.back().view();
    const auto src = time_above_.view();
    const int tt = static_cast<int>(t);
    Kokkos::parallel_for(
        "plume_time_above_copy", Range2({0, 0}, {grid_.local_ni(), grid_.local_nj()}),
        KOKKOS_LAMBDA(int i, int j) { dst(i, j, 0) = src(i, j, tt); });
  }
  std::vector<const Field*> maps{&deposit_, &column_max_, &bathymetry_.elevation()};
  if (settings_.needs_bed_stress()) maps.push_back(&tau_b_);
  for (const auto& f : above) maps.push_back(&f);
  map_writer_->write(step, time, maps);
  if (seabed_model_) seabed_model_->write_output(step, time);
  if (budget_) {
    const double e = emitted();
    budget_->row({time, e, suspended(), deposited(), outflow(), last_balance_error_});
  } else {
    suspended();  // collective reductions: every rank takes part
    deposited();
  }
}

void EulerianModel::save(sim::CheckpointWriter& checkpoint) {
  checkpoint.field(c_);
  checkpoint.field(bed_);
  checkpoint.field(column_max_);
  checkpoint.field(time_above_);
  checkpoint.scalars("emitted", emitted_);
  checkpoint.scalars("outflow", outflow_);
  checkpoint.scalar("max_volume_above", max_volume_above_);
  checkpoint.scalar("max_balance_error", max_balance_error_);
  checkpoint.scalar("last_dt", last_dt_);  // decides where the next flow evaluation happens
  flow_->save(checkpoint.file().path());   // a time-stepping flow (the ocean tide) keeps its own state
  if (seabed_model_) seabed_model_->save(checkpoint);
}

void EulerianModel::restore(sim::CheckpointReader& checkpoint) {
  checkpoint.field(c_);
  checkpoint.field(bed_);
  checkpoint.field(column_max_);
  checkpoint.field(time_above_);
  emitted_ = checkpoint.scalars("emitted");
  outflow_ = checkpoint.scalars("outflow");
  max_volume_above_ = checkpoint.scalar("max_volume_above");
  max_balance_error_ = checkpoint.scalar("max_balance_error");
  last_dt_ = checkpoint.scalar("last_dt");
  flow_->restore(checkpoint.file().path());
  if (seabed_model_) seabed_model_->restore(checkpoint);
  update_metrics();
}

void EulerianModel::finish(io::Json& summary) {
  const double e = emitted(), s = suspended(), d = deposited(), o = outflow();
  summary["mass_emitted_kg"] = e;
  summary["mass_suspended_kg"] = s;
  summary["mass_deposited_kg"] = d;
  summary["mass_outflow_kg"] = o;
  summary["mass_balance_rel_error"] = max_balance_error_;
  double x0 = grid_.x_center(0), y0 = grid_.y_center(0);
  if (!sources_.empty()) sources_.front().position(start_time_, x0, y0);
  write_impact_metrics(grid_, deposit_, column_max_, settings_, x0, y0, summary);
  summary["turbidity_volume_max_m3"] = max_volume_above_;

  const auto& box = grid_.owned();
  io::Json per_class = io::Json::array();
  for (int n = 0; n < nclasses_; ++n) {
    const auto bed = bed_mass(n);  // [j][i] over the owned columns
    double local = 0.0;
    for (std::size_t c = 0; c < bed.size(); ++c) {
      const int i = box.i_begin + static_cast<int>(c % box.ni()), j = box.j_begin + static_cast<int>(c / box.ni());
      local += bed[c] * grid_.cell_area(i, j);
    }
    per_class.push_back({{"name", settings_.classes[n].name},
                         {"settling_velocity_m_s", settings_.classes[n].settling_velocity},
                         {"emitted_kg", emitted_[n]},
                         {"deposited_kg", grid::global_sum(grid_.comm(), local)},
                         {"outflow_kg", outflow_[n]}});
  }
  summary["classes"] = per_class;
  if (seabed_model_) seabed_model_->finish(summary);
}

}  // namespace hadal::plume
