// SPDX-License-Identifier: MIT
#include "diffusion/diffusion_model.hpp"

#include <cmath>

#include "core/error.hpp"
#include "numerics/constants.hpp"

namespace hadal::diffusion {

using grid::Field;

double gaussian_puff(double mass, double kx, double ky, double kz, double t, double dx, double dy, double dz) {
  const double norm = mass / std::pow(4.0 * numerics::kPi * t, 1.5) / std::sqrt(kx * ky * kz);
  return norm * std::exp(-(dx * dx / kx + dy * dy / ky + dz * dz / kz) / (4.0 * t));
}

DiffusionModel::DiffusionModel(sim::RunContext& context, const grid::GridSpec& spec, const DiffusionSettings& settings,
                               double start_time)
    : grid_(context.comm, spec, 1),
      c_(grid_, "concentration", "kg m-3", "tracer concentration"),
      next_(grid_, "concentration_next", "kg m-3", "scratch"),
      exact_(grid_, "exact", "kg m-3", "exact concentration (unbounded Gaussian)"),
      error_(grid_, "error", "kg m-3", "concentration minus exact"),
      settings_(settings),
      start_(start_time) {
  grid_.require_uniform_columns("the diffusion verification model");
  const bool resume = !context.restart_file.empty();
  volume_ = std::make_unique<grid::FieldSeriesWriter>(grid_, context.output_dir, "fields",
                                                      grid::FieldSeriesWriter::Kind::Volume, resume);
  volume_->set_attribute("case", context.resolved_yaml);
  set_exact(start_);
  Kokkos::deep_copy(c_.view(), exact_.view());
  initial_mass_ = c_.integral();
  stations_ = std::make_unique<grid::StationSeries>(
      grid_, grid::stations_from_config(context.config.child("output"), grid_),
      std::vector<const Field*>{&c_}, context.output_dir + "/stations.csv", resume);
}

double DiffusionModel::stable_dt(double, double cfl) {
  double dz_min = grid_.dz(0);
  for (int k = 0; k < grid_.nz(); ++k) dz_min = std::min(dz_min, grid_.dz(k));
  const auto& k = settings_.diffusivity;
  const double rate = 2.0 * (k[0] / (grid_.dx(0) * grid_.dx(0)) + k[1] / (grid_.dy(0) * grid_.dy(0)) + k[2] / (dz_min * dz_min));
  return cfl / rate;
}

void DiffusionModel::advance(double, double dt) {
  c_.exchange_halo();
  const int w = grid_.ghost(), ni = grid_.owned().ni(), nj = grid_.owned().nj(), nz = grid_.nz();
  const int gi0 = grid_.owned().i_begin, gj0 = grid_.owned().j_begin, nx = grid_.nx(), ny = grid_.ny();
  const auto& kd = settings_.diffusivity;
  const double ax = kd[0] / (grid_.dx(0) * grid_.dx(0)), ay = kd[1] / (grid_.dy(0) * grid_.dy(0)), kz = kd[2];
  const auto c = c_.view();
  const auto out = next_.view();
  const auto dz = grid_.dz_view();
  Kokkos::parallel_for(
      "diffusion_step", Kokkos::MDRangePolicy<Kokkos::Rank<3>>({w, w, 0}, {w + ni, w + nj, nz}),
      KOKKOS_LAMBDA(int i, int j, int k) {
        const int gi = gi0 + i - w, gj = gj0 + j - w;
        const double here = c(i, j, k);
        // Walls: no flux, i.e. the missing neighbour equals this cell.
        const double west = gi > 0 ? c(i - 1, j, k) : here;
        const double east = gi < nx - 1 ? c(i + 1, j, k) : here;
        const double south = gj > 0 ? c(i, j - 1, k) : here;
        const double north = gj < ny - 1 ? c(i, j + 1, k) : here;
        double flux_up = 0.0, flux_down = 0.0;
        if (k < nz - 1) flux_up = kz * (c(i, j, k + 1) - here) / (0.5 * (dz(k) + dz(k + 1)));
        if (k > 0) flux_down = kz * (here - c(i, j, k - 1)) / (0.5 * (dz(k) + dz(k - 1)));
        out(i, j, k) = here + dt * (ax * (west - 2 * here + east) + ay * (south - 2 * here + north) +
                                    (flux_up - flux_down) / dz(k));
      });
  Kokkos::deep_copy(c_.view(), next_.view());
}

void DiffusionModel::check_finite(long step, double time) {
  const auto bad = c_.first_non_finite();
  int local = bad[0] >= 0 ? 1 : 0, any = 0;
  MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, grid_.comm());
  if (any) {
    throw NumericalError("non-finite concentration at step " + std::to_string(step) + ", t = " +
                         std::to_string(time) + " s" +
                         (local ? " in cell (" + std::to_string(bad[0]) + ", " + std::to_string(bad[1]) + ", " +
                                      std::to_string(bad[2]) + ")"
                                : std::string()));
  }
}

void DiffusionModel::write_output(long step, double time) {
  update_error(time);
  volume_->write(step, time, {&c_, &exact_, &error_});
}

void DiffusionModel::after_step(long, double time) { stations_->sample(time); }

void DiffusionModel::save(sim::CheckpointWriter& checkpoint) { checkpoint.field(c_); }

void DiffusionModel::restore(sim::CheckpointReader& checkpoint) { checkpoint.field(c_); }

void DiffusionModel::finish(io::Json& summary) {
  const double t = last_error_time_;
  const double mass = c_.integral();
  summary["mass_initial_kg"] = initial_mass_;
  summary["mass_final_kg"] = mass;
  summary["mass_rel_error"] = std::abs(mass - initial_mass_) / initial_mass_;
  summary["l2_rel_error"] = l2_rel_error_;
  summary["max_abs_error_kg_m3"] = max_abs_error_;
  const auto& k = settings_.diffusivity;
  summary["peak_exact_kg_m3"] = gaussian_puff(settings_.mass, k[0], k[1], k[2], t - start_ + settings_.age, 0, 0, 0);
}

double DiffusionModel::work_per_step() const { return static_cast<double>(grid_.global_cells()); }

void DiffusionModel::set_exact(double time) {
  const int w = grid_.ghost();
  auto host = Kokkos::create_mirror_view(exact_.view());
  const double t = time - start_ + settings_.age;
  const auto& kd = settings_.diffusivity;
  for (int lj = w; lj < w + grid_.owned().nj(); ++lj)
    for (int li = w; li < w + grid_.owned().ni(); ++li)
      for (int k = 0; k < grid_.nz(); ++k) {
        host(li, lj, k) = gaussian_puff(settings_.mass, kd[0], kd[1], kd[2], t, grid_.x_center(grid_.global_i(li)) - settings_.center[0],
                                        grid_.y_center(grid_.global_j(lj)) - settings_.center[1],
                                        grid_.z_center(k) - settings_.center[2]);
      }
  Kokkos::deep_copy(exact_.view(), host);
}

void DiffusionModel::update_error(double time) {
  set_exact(time);
  const auto c = c_.view(), e = exact_.view(), err = error_.view();
  const int w = grid_.ghost();
  const auto dz = grid_.dz_view();
  const double area = grid_.dx(0) * grid_.dy(0);
  double sums[2] = {0.0, 0.0};
  double max_error = 0.0;
  Kokkos::parallel_reduce(
      "diffusion_error",
      Kokkos::MDRangePolicy<Kokkos::Rank<3>>({w, w, 0}, {w + grid_.owned().ni(), w + grid_.owned().nj(), grid_.nz()}),
      KOKKOS_LAMBDA(int i, int j, int k, double& diff2, double& exact2, double& max_e) {
        const double d = c(i, j, k) - e(i, j, k);
        err(i, j, k) = d;
        const double v = area * dz(k);
        diff2 += d * d * v;
        exact2 += e(i, j, k) * e(i, j, k) * v;
        const double a = d < 0 ? -d : d;
        if (a > max_e) max_e = a;
      },
      sums[0], sums[1], Kokkos::Max<double>(max_error));
  l2_rel_error_ = std::sqrt(grid::global_sum(grid_.comm(), sums[0]) / grid::global_sum(grid_.comm(), sums[1]));
  max_abs_error_ = grid::global_max(grid_.comm(), max_error);
  last_error_time_ = time;
}

}  // namespace hadal::diffusion
