// SPDX-License-Identifier: MIT
#include "benthos/benthos_model.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <mpi.h>

#include "benthos/closures.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

namespace hadal::benthos {

using grid::Field;
using Range2 = Kokkos::MDRangePolicy<Kokkos::Rank<2>>;

namespace {

constexpr double kKgPerMg = 1e-6;
constexpr int kLedgerInput = 0, kLedgerRespired = 1, kLedgerExported = 2, kLedgerLateral = 3, kLedgerEntries = 4;

/// Every value of `local` from all ranks (rank order).
std::vector<double> all_gather(MPI_Comm comm, const std::vector<double>& local) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  const int count = static_cast<int>(local.size());
  std::vector<int> counts(size), offsets(size, 0);
  MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  for (int r = 1; r < size; ++r) offsets[r] = offsets[r - 1] + counts[r - 1];
  std::vector<double> all(static_cast<std::size_t>(offsets.back() + counts.back()));
  MPI_Allgatherv(local.data(), count, MPI_DOUBLE, all.data(), counts.data(), offsets.data(), MPI_DOUBLE, comm);
  return all;
}

std::string percent_key(double fraction) { return strformat("%g", 100.0 * fraction); }

}  // namespace

BenthosModel::BenthosModel(const grid::StructuredGrid& grid, Kokkos::View<int**> first_wet, BenthosSettings settings,
                           std::vector<grid::Station> stations, const std::string& output_dir, bool resume)
    : grid_(grid),
      wet_("benthos_wet", grid.local_ni(), grid.local_nj()),
      settings_(std::move(settings)),
      stocks_(grid, "benthos_stocks", "mg m-2", "carbon stock per pool", kPools),
      burial_(grid, "benthos_effective_burial", "m", "deposit the group could not escape", kPools),
      previous_thickness_(grid, "benthos_previous_thickness", "m", "deposit thickness after the last step", 1),
      ledger_(grid, "benthos_ledger", "mg m-2", "carbon input, respired, exported, lateral inflow", kLedgerEntries),
      initial_total_(grid, "benthos_initial_total", "mg m-2", "carbon of all pools at the start", 1),
      max_loss_(grid, "benthos_max_loss", "1", "largest loss so far, fraction of baseline", kPools),
      first_drop_(grid, "benthos_first_drop", "s", "time first below the recovery fraction", kPools),
      recovered_at_(grid, "benthos_recovered_at", "s", "time back above the recovery fraction", kPools),
      larvae_(grid, "benthos_larvae", "mg m-2", "larval carbon", 1),
      larvae_next_(grid, "benthos_larvae_next", "mg m-2", "larval carbon after an exchange", 1),
      turbidity_time_(grid, "benthos_turbidity_time", "s", "turbidity level x time since the last food-web step", 1),
      min_totals_() {
  const int nz = grid.nz();
  const auto wet = wet_;
  Kokkos::parallel_for(
      "benthos_wet_mask", Range2({0, 0}, {grid.local_ni(), grid.local_nj()}),
      KOKKOS_LAMBDA(int i, int j) { wet(i, j) = first_wet(i, j) < nz ? 1 : 0; });
  const int g = grid.ghost();
  long local_wet = 0;
  Kokkos::parallel_reduce(
      "benthos_count_wet", Range2({g, g}, {g + grid.owned().ni(), g + grid.owned().nj()}),
      KOKKOS_LAMBDA(int i, int j, long& n) { n += wet(i, j); }, local_wet);
  MPI_Allreduce(&local_wet, &wet_columns_, 1, MPI_LONG, MPI_SUM, grid.comm());
  const auto wet_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), wet_);
  double local_area = 0.0;
  for (int j = grid.owned().j_begin; j < grid.owned().j_end; ++j)
    for (int i = grid.owned().i_begin; i < grid.owned().i_end; ++i) {
      if (wet_host(grid.local_i(i), grid.local_j(j))) local_area += grid.cell_area(i, j);
    }
  wet_area_ = grid::global_sum(grid.comm(), local_area);

  // Start at the baseline (the steady state of the undisturbed web) in every wet column.
  const auto web = settings_.web;
  const auto S = stocks_.view(), T = initial_total_.view();
  Kokkos::parallel_for(
      "benthos_baseline", Range2({0, 0}, {grid.local_ni(), grid.local_nj()}), KOKKOS_LAMBDA(int i, int j) {
        double total = 0.0;
        for (int p = 0; p < kPools; ++p) {
          S(i, j, p) = wet(i, j) ? web.baseline[p] : 0.0;
          total += S(i, j, p);
        }
        T(i, j, 0) = total;
      });
  for (Field* f : {&burial_, &previous_thickness_, &ledger_, &max_loss_, &larvae_, &larvae_next_, &turbidity_time_}) {
    f->fill(0.0);
  }
  first_drop_.fill(-1.0);
  recovered_at_.fill(-1.0);

  for (int p = 0; p < kPools; ++p) {
    output_.emplace_back(grid, kPoolNames[p], "mg m-2", std::string("carbon stock of ") + kPoolNames[p], 1);
  }
  for (int p = 0; p < kPools; ++p) {
    output_.emplace_back(grid, std::string(kPoolNames[p]) + "_change_percent", "%",
                         std::string("change of ") + kPoolNames[p] + " relative to the undisturbed baseline", 1);
  }
  for (int p = 0; p < kPools; ++p) {
    output_.emplace_back(grid, std::string(kPoolNames[p]) + "_max_loss_percent", "%",
                         std::string("largest loss so far of ") + kPoolNames[p] + ", percent of baseline", 1);
  }
  for (auto& f : output_) f.fill(0.0);
  if (!output_dir.empty()) {
    writer_ = std::make_unique<grid::FieldSeriesWriter>(grid, output_dir, "benthos", grid::FieldSeriesWriter::Kind::Map,
                                                        resume);
    writer_->single_precision = false;  // the offline recovery continues from these stocks
    std::vector<const Field*> sampled;
    for (int p = 0; p < kPools; ++p) sampled.push_back(&output_[p]);
    stations_ = std::make_unique<grid::StationSeries>(grid, std::move(stations), sampled,
                                                      output_dir + "/benthos_stations.csv", resume);
  }
  record_totals();
}

// ----------------------------------------------------------------------------------------------
// Time stepping: disturbance pulses, lateral larval exchange, then the food web (MPRK22)

void BenthosModel::exchange_larvae(double dt) {
  const double diffusivity = settings_.web.larval_diffusivity;
  if (diffusivity <= 0.0) return;
  // Explicit five-point exchange in flux form, sub-stepped within its positivity limit (h D (1/dx2 +
  // 1/dy2) <= 1/2 with the narrowest columns; the centre distances are never narrower).
  const double dx = grid_.min_dx(), dy = grid_.min_dy();
  const double limit = 0.45 / (diffusivity * (1.0 / (dx * dx) + 1.0 / (dy * dy)));
  const int substeps = std::max(1, static_cast<int>(std::ceil(dt / limit)));
  const double h = dt / substeps;
  const double rx = diffusivity * h / (dx * dx), ry = diffusivity * h / (dy * dy);
  // Refined columns: each link's coefficient D h / (width x centre distance).
  const bool uniform = grid_.uniform_columns();
  const double dh = diffusivity * h;
  const auto wx = grid_.dx_local_view(), wy = grid_.dy_local_view();
  const auto cx = grid_.dx_between_local_view(), cy = grid_.dy_between_local_view();
  const int g = grid_.ghost(), ni = grid_.owned().ni(), nj = grid_.owned().nj();
  const int i0 = grid_.owned().i_begin, j0 = grid_.owned().j_begin, nx = grid_.nx(), ny = grid_.ny();
  const auto S = stocks_.view();
  const auto wet = wet_;
  const Range2 owned({g, g}, {g + ni, g + nj});
  {
    const auto L = larvae_.view();
    Kokkos::parallel_for(
        "benthos_larvae_in", owned, KOKKOS_LAMBDA(int i, int j) { L(i, j, 0) = S(i, j, kLarvae); });
  }
  for (int s = 0; s < substeps; ++s) {
    larvae_.exchange_halo();
    const auto L = larvae_.view(), N = larvae_next_.view();
    Kokkos::parallel_for(
        "benthos_larvae_exchange", owned, KOKKOS_LAMBDA(int i, int j) {
          const int gi = i - g + i0, gj = j - g + j0;
          // No exchange across the domain edge or with a dry column: larvae stay in the wet seabed.
          auto link = [&](int ii, int jj, int gii, int gjj) {
            return (gii >= 0 && gii < nx && gjj >= 0 && gjj < ny && wet(ii, jj)) ? L(ii, jj, 0) - L(i, j, 0) : 0.0;
          };
          const double west = link(i - 1, j, gi - 1, gj), east = link(i + 1, j, gi + 1, gj);
          const double south = link(i, j - 1, gi, gj - 1), north = link(i, j + 1, gi, gj + 1);
          const double change = uniform ? rx * (west + east) + ry * (south + north)
                                        : dh / wx(i) * (west / cx(i) + east / cx(i + 1)) +
                                              dh / wy(j) * (south / cy(j) + north / cy(j + 1));
          N(i, j, 0) = wet(i, j) ? L(i, j, 0) + change : 0.0;
        });
    std::swap(larvae_, larvae_next_);
  }
  // The exchange changes the larvae alone: its net inflow per column is their change.
  const auto L = larvae_.view(), LED = ledger_.view();
  Kokkos::parallel_for(
      "benthos_larvae_out", owned, KOKKOS_LAMBDA(int i, int j) {
        if (!wet(i, j)) return;
        LED(i, j, kLedgerLateral) += L(i, j, 0) - S(i, j, kLarvae);
        S(i, j, kLarvae) = L(i, j, 0);
      });
}

void BenthosModel::advance(double time, double dt, const Disturbance& d) {
  apply_pulses(dt, d);
  pending_dt_ += dt;
  time_ = time + dt;
  if (pending_dt_ >= settings_.food_web_interval) integrate(time + dt);
}

void BenthosModel::flush(double time) {
  if (pending_dt_ > 0.0) integrate(time);
}

void BenthosModel::apply_pulses(double dt, const Disturbance& d) {
  const auto web = settings_.web;
  const auto S = stocks_.view(), B = burial_.view(), H = previous_thickness_.view(), LED = ledger_.view();
  const auto TURBIDITY = turbidity_time_.view();
  const auto wet = wet_;
  const auto deposited = d.deposited, eroded = d.eroded, thickness = d.thickness, concentration = d.concentration;
  const bool has_deposit = deposited.data() != nullptr, has_erosion = eroded.data() != nullptr;
  const bool has_thickness = thickness.data() != nullptr, has_turbidity = concentration.data() != nullptr;
  if (!has_deposit && !has_erosion && !has_thickness && !has_turbidity) return;
  const double carbon_per_kg = web.deposit_organic_content * web.deposit_labile_fraction / kKgPerMg;
  const int g = grid_.ghost();
  Kokkos::parallel_for(
      "benthos_pulses", Range2({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()}), KOKKOS_LAMBDA(int i, int j) {
        if (!wet(i, j)) return;
        double c[kPools];
        for (int p = 0; p < kPools; ++p) c[p] = S(i, j, p);
        // Labile organic carbon delivered with the deposit: food.
        if (has_deposit) {
          const double food = deposited(i, j, 0) * carbon_per_kg;
          c[kFood] += food;
          LED(i, j, kLedgerInput) += food;
        }
        // Burial: the deposit a group could not escape kills by the dose-response; the dead become food.
        if (has_thickness) {
          const double h = thickness(i, j, 0), dh = h - H(i, j, 0);
          H(i, j, 0) = h;
          for (int p = kBacteria; p <= kMacro; ++p) {
            const double before = B(i, j, p), after = before + burial_increment(web.groups[p], dh, dt);
            if (after == before) continue;
            B(i, j, p) = after;
            const double killed = c[p] * (1.0 - burial_survival(web.groups[p], after) / burial_survival(web.groups[p], before));
            c[p] -= killed;
            c[kFood] += killed;
          }
        }
        double exported = 0.0;
        // Erosion takes the fauna and food of the eroded part of the active layer away with the plume.
        if (has_erosion && eroded(i, j, 0) > 0.0) {
          const double removed = eroded(i, j, 0) >= web.active_layer_mass ? 1.0 : eroded(i, j, 0) / web.active_layer_mass;
          for (int p = kFood; p <= kMacro; ++p) {
            exported += removed * c[p];
            c[p] -= removed * c[p];
          }
        }
        // The near-bed turbid flow carries epifauna away; its feeding effect acts in the food-web step.
        const double turbidity = has_turbidity ? turbidity_level(concentration(i, j, 0), web.turbidity_half_concentration) : 0.0;
        if (turbidity > 0.0) {
          TURBIDITY(i, j, 0) += turbidity * dt;
          for (int p = kBacteria; p <= kMacro; ++p) {
            const double removed = c[p] * (1.0 - km::exp(-web.groups[p].washout_rate * turbidity * dt));
            exported += removed;
            c[p] -= removed;
          }
        }
        LED(i, j, kLedgerExported) += exported;
        for (int p = 0; p < kPools; ++p) S(i, j, p) = c[p];
      });
}

void BenthosModel::integrate(double time) {
  const double dt = pending_dt_;
  pending_dt_ = 0.0;
  exchange_larvae(dt);
  const auto web = settings_.web;
  const double recovery = settings_.report.recovery_fraction;
  const auto S = stocks_.view(), LED = ledger_.view(), TURBIDITY = turbidity_time_.view();
  const auto LOSS = max_loss_.view(), DROP = first_drop_.view(), BACK = recovered_at_.view();
  const auto wet = wet_;
  const int g = grid_.ghost();
  Kokkos::parallel_for(
      "benthos_food_web", Range2({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()}), KOKKOS_LAMBDA(int i, int j) {
        if (!wet(i, j)) return;
        double c[kPools], next[kPools];
        for (int p = 0; p < kPools; ++p) c[p] = S(i, j, p);
        // Feeding under the mean turbidity of the steps since the last food-web step.
        const double turbidity = TURBIDITY(i, j, 0) / dt;
        TURBIDITY(i, j, 0) = 0.0;
        const StepLedger step = mprk22_step(web, c, turbidity, dt, next);
        LED(i, j, kLedgerInput) += step.input;
        LED(i, j, kLedgerRespired) += step.respired;
        LED(i, j, kLedgerExported) += step.exported;
        for (int p = 0; p < kPools; ++p) {
          S(i, j, p) = next[p];
          const double ratio = next[p] / web.baseline[p];
          if (1.0 - ratio > LOSS(i, j, p)) LOSS(i, j, p) = 1.0 - ratio;
          if (ratio < recovery) {
            if (DROP(i, j, p) < 0.0) DROP(i, j, p) = time;
            BACK(i, j, p) = -1.0;
          } else if (DROP(i, j, p) >= 0.0 && BACK(i, j, p) < 0.0) {
            BACK(i, j, p) = time;
          }
        }
      });
}

void BenthosModel::apply_deposit(const Field& thickness, double dry_density, double duration) {
  Field mass(grid_, "benthos_deposited_mass", "kg m-2", "deposited mass", 1);
  const auto M = mass.view(), T = thickness.view();
  Kokkos::parallel_for(
      "benthos_deposit_mass", Range2({0, 0}, {grid_.local_ni(), grid_.local_nj()}),
      KOKKOS_LAMBDA(int i, int j) { M(i, j, 0) = T(i, j, 0) * dry_density; });
  // One step of the plume run's length: the escape allowance is that of the whole deposition period.
  advance(-duration, duration, Disturbance{mass.view(), {}, thickness.view(), {}});
  flush(0.0);
}

void BenthosModel::load_state(const io::H5File& file) {
  const auto& box = grid_.owned();
  io::Block block;
  block.global_dims = {static_cast<unsigned long long>(grid_.ny()), static_cast<unsigned long long>(grid_.nx())};
  block.offset = {static_cast<unsigned long long>(box.j_begin), static_cast<unsigned long long>(box.i_begin)};
  block.count = {static_cast<unsigned long long>(box.nj()), static_cast<unsigned long long>(box.ni())};
  std::vector<double> values(static_cast<std::size_t>(box.ni()) * box.nj());
  Field buffer(grid_, "benthos_read", "1", "read buffer", 1);
  const auto B = buffer.view(), S = stocks_.view(), LOSS = max_loss_.view();
  const int g = grid_.ghost();
  const Range2 owned({g, g}, {g + box.ni(), g + box.nj()});
  for (int p = 0; p < kPools; ++p) {
    for (const bool loss : {false, true}) {
      const std::string name = std::string(kPoolNames[p]) + (loss ? "_max_loss_percent" : "");
      if (!file.has("/fields/" + name)) {
        throw InputError("benthos file " + file.path() + " has no field /fields/" + name + ": not written by benthos");
      }
      file.read("/fields/" + name, block, values.data());
      buffer.set_owned_block(values);
      Kokkos::parallel_for(
          "benthos_load", owned, KOKKOS_LAMBDA(int i, int j) {
            if (loss) {
              LOSS(i, j, p) = 0.01 * B(i, j, 0);
            } else {
              S(i, j, p) = B(i, j, 0);
            }
          });
    }
  }
  // Budget and recovery clocks restart with the loaded stocks (time 0 = end of the plume run).
  const auto T = initial_total_.view();
  Kokkos::parallel_for(
      "benthos_load_total", owned, KOKKOS_LAMBDA(int i, int j) {
        double total = 0.0;
        for (int p = 0; p < kPools; ++p) total += S(i, j, p);
        T(i, j, 0) = total;
      });
  const auto web = settings_.web;
  const double recovery = settings_.report.recovery_fraction;
  const auto DROP = first_drop_.view();
  Kokkos::parallel_for(
      "benthos_load_drop", owned, KOKKOS_LAMBDA(int i, int j) {
        for (int p = 0; p < kPools; ++p) DROP(i, j, p) = S(i, j, p) < recovery * web.baseline[p] ? 0.0 : -1.0;
      });
  record_totals();
}

// ----------------------------------------------------------------------------------------------
// Outputs, metrics, checkpoints

void BenthosModel::update_output_fields() {
  const auto S = stocks_.view(), LOSS = max_loss_.view();
  const auto web = settings_.web;
  const auto wet = wet_;
  for (int p = 0; p < kPools; ++p) {
    const auto stock = output_[p].view(), change = output_[kPools + p].view(), loss = output_[2 * kPools + p].view();
    Kokkos::parallel_for(
        "benthos_output", Range2({0, 0}, {grid_.local_ni(), grid_.local_nj()}), KOKKOS_LAMBDA(int i, int j) {
          stock(i, j, 0) = S(i, j, p);
          change(i, j, 0) = wet(i, j) ? 100.0 * (S(i, j, p) / web.baseline[p] - 1.0) : 0.0;
          loss(i, j, 0) = 100.0 * LOSS(i, j, p);
        });
  }
}

void BenthosModel::write_output(long step, double time) {
  if (!writer_) return;
  update_output_fields();
  std::vector<const Field*> fields;
  for (const auto& f : output_) fields.push_back(&f);
  writer_->write(step, time, fields);
}

void BenthosModel::sample_stations(double time) {
  if (!stations_) return;
  update_output_fields();
  stations_->sample(time);
}

std::vector<double> BenthosModel::totals() const {
  const auto S = stocks_.view();
  const int g = grid_.ghost();
  std::vector<double> result(kPools);
  // Uniform columns: the sum times the one area; refined: each column weighed by its own.
  const bool uniform = grid_.uniform_columns();
  const auto dx = grid_.dx_local_view(), dy = grid_.dy_local_view();
  for (int p = 0; p < kPools; ++p) {
    double local = 0.0;
    Kokkos::parallel_reduce(
        "benthos_total", Range2({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()}),
        KOKKOS_LAMBDA(int i, int j, double& sum) { sum += S(i, j, p) * (uniform ? 1.0 : dx(i) * dy(j)); }, local);
    result[p] = grid::global_sum(grid_.comm(), local) * (uniform ? grid_.dx(0) * grid_.dy(0) : 1.0) * kKgPerMg;
  }
  return result;
}

void BenthosModel::record_totals() {
  const auto now = totals();
  if (min_totals_.empty()) min_totals_ = now;
  for (int p = 0; p < kPools; ++p) min_totals_[p] = std::min(min_totals_[p], now[p]);
}

std::pair<double, double> BenthosModel::budget_closure() const {
  const auto S = stocks_.view(), T = initial_total_.view(), LED = ledger_.view();
  const auto wet = wet_;
  const int g = grid_.ghost();
  double worst = 0.0, residual = 0.0, stock = 0.0;
  const Range2 owned({g, g}, {g + grid_.owned().ni(), g + grid_.owned().nj()});
  // The global budget weighs each column by its area (all equal on uniform columns).
  const bool uniform = grid_.uniform_columns();
  const auto dx = grid_.dx_local_view(), dy = grid_.dy_local_view();
  Kokkos::parallel_reduce(
      "benthos_budget_cell", owned,
      KOKKOS_LAMBDA(int i, int j, double& m) {
        if (!wet(i, j)) return;
        double total = 0.0;
        for (int p = 0; p < kPools; ++p) total += S(i, j, p);
        const double r = total - T(i, j, 0) -
                         (LED(i, j, kLedgerInput) + LED(i, j, kLedgerLateral) - LED(i, j, kLedgerRespired) -
                          LED(i, j, kLedgerExported));
        const double scale = total > T(i, j, 0) ? total : T(i, j, 0);
        const double rel = (r < 0.0 ? -r : r) / scale;
        if (rel > m) m = rel;
      },
      Kokkos::Max<double>(worst));
  Kokkos::parallel_reduce(
      "benthos_budget_global", owned,
      KOKKOS_LAMBDA(int i, int j, double& r, double& s) {
        if (!wet(i, j)) return;
        double total = 0.0;
        for (int p = 0; p < kPools; ++p) total += S(i, j, p);
        const double weight = uniform ? 1.0 : dx(i) * dy(j);
        // Without the lateral inflow: over the domain the larval exchange must cancel (none crosses its edges).
        r += weight * (total - T(i, j, 0) - (LED(i, j, kLedgerInput) - LED(i, j, kLedgerRespired) - LED(i, j, kLedgerExported)));
        s += weight * total;
      },
      residual, stock);
  residual = grid::global_sum(grid_.comm(), residual);
  stock = grid::global_sum(grid_.comm(), stock);
  return {grid::global_max(grid_.comm(), worst), stock > 0.0 ? std::fabs(residual) / stock : 0.0};
}

std::vector<double> BenthosModel::column(int li, int lj) const {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), stocks_.view());
  std::vector<double> c(kPools);
  for (int p = 0; p < kPools; ++p) c[p] = host(li, lj, p);
  return c;
}

void BenthosModel::save(sim::CheckpointWriter& checkpoint) {
  for (const Field* f : {&stocks_, &burial_, &previous_thickness_, &ledger_, &initial_total_, &max_loss_, &first_drop_,
                         &recovered_at_, &turbidity_time_}) {
    checkpoint.field(*f);
  }
  checkpoint.scalars("benthos_min_totals", min_totals_);
  checkpoint.scalar("benthos_pending_dt", pending_dt_);
  checkpoint.scalar("benthos_time", time_);
}

void BenthosModel::restore(sim::CheckpointReader& checkpoint) {
  for (Field* f : {&stocks_, &burial_, &previous_thickness_, &ledger_, &initial_total_, &max_loss_, &first_drop_,
                   &recovered_at_, &turbidity_time_}) {
    checkpoint.field(*f);
  }
  min_totals_ = checkpoint.scalars("benthos_min_totals");
  pending_dt_ = checkpoint.scalar("benthos_pending_dt");
  time_ = checkpoint.scalar("benthos_time");
}

void BenthosModel::check_finite(long step, double time) const {
  const auto bad = stocks_.first_non_finite();
  const int found = grid::global_max(grid_.comm(), bad[0] >= 0 ? 1.0 : 0.0) > 0.0;
  if (found) {
    throw NumericalError(strformat("non-finite benthic carbon stock at step %ld, t = %g s%s", step, time,
                                   bad[0] >= 0 ? strformat(" (%s in column %d, %d)", kPoolNames[bad[2]], bad[0], bad[1]).c_str()
                                               : ""));
  }
}

void BenthosModel::finish(io::Json& summary) {
  flush(time_);
  record_totals();
  const auto now = totals();
  const bool uniform = grid_.uniform_columns();
  const auto loss_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), max_loss_.view());
  const auto drop_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), first_drop_.view());
  const auto back_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), recovered_at_.view());
  const auto wet_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), wet_);
  const int g = grid_.ghost();
  io::Json groups = io::Json::object();
  for (int p = 0; p < kPools; ++p) {
    std::vector<double> area(settings_.report.loss_fractions.size(), 0.0);
    std::vector<double> recovered, recovered_area;
    double unrecovered_area = 0.0, unrecovered_cells = 0.0;
    for (int j = g; j < g + grid_.owned().nj(); ++j) {
      for (int i = g; i < g + grid_.owned().ni(); ++i) {
        if (!wet_host(i, j)) continue;
        const double cell_area = grid_.cell_area(grid_.global_i(i), grid_.global_j(j));
        for (std::size_t t = 0; t < area.size(); ++t) {
          if (loss_host(i, j, p) > settings_.report.loss_fractions[t]) area[t] += cell_area;
        }
        if (drop_host(i, j, p) < 0.0) continue;
        if (back_host(i, j, p) >= 0.0) {
          recovered.push_back(back_host(i, j, p) - drop_host(i, j, p));
          recovered_area.push_back(cell_area);
        } else {
          unrecovered_area += cell_area;
          unrecovered_cells += 1.0;
        }
      }
    }
    // The recovery times of every rank's columns with their areas (both gathered in the same order).
    const auto times = all_gather(grid_.comm(), recovered), areas = all_gather(grid_.comm(), recovered_area);
    std::vector<std::size_t> order(times.size());
    for (std::size_t c = 0; c < order.size(); ++c) order[c] = c;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return times[a] < times[b]; });
    const double baseline_total = uniform ? settings_.web.baseline[p] * kKgPerMg * grid_.cell_area(0, 0) * wet_columns_
                                          : settings_.web.baseline[p] * kKgPerMg * wet_area_;
    const double baseline_nonzero = uniform ? settings_.web.baseline[p] * kKgPerMg * grid_.cell_area(0, 0) *
                                                  std::max(1L, wet_columns_)
                                            : baseline_total;
    io::Json group = {{"baseline_total_kg", baseline_total},
                      {"final_total_kg", now[p]},
                      {"min_total_kg", min_totals_[p]},
                      {"final_change_percent", 100.0 * (now[p] / baseline_nonzero - 1.0)}};
    io::Json loss_area = io::Json::object();
    for (std::size_t t = 0; t < area.size(); ++t) {
      loss_area[percent_key(settings_.report.loss_fractions[t])] = grid::global_sum(grid_.comm(), area[t]);
    }
    group["loss_area_m2"] = loss_area;
    group["recovered_cells"] = static_cast<double>(times.size());
    group["unrecovered_area_m2"] = uniform ? grid::global_sum(grid_.comm(), unrecovered_cells) * grid_.cell_area(0, 0)
                                           : grid::global_sum(grid_.comm(), unrecovered_area);
    if (!times.empty()) {
      // The median over the recovered seabed: of the cells on uniform columns, by area on refined ones.
      std::size_t median = order[order.size() / 2];
      if (!uniform) {
        double half = 0.0, running = 0.0;
        for (double a : areas) half += 0.5 * a;
        for (std::size_t c : order) {
          median = c;
          if ((running += areas[c]) >= half) break;
        }
      }
      group["recovery_time_median_s"] = times[median];
      group["recovery_time_max_s"] = times[order.back()];
    }
    groups[kPoolNames[p]] = group;
  }
  const auto [cell_closure, global_closure] = budget_closure();
  io::Json block = {{"groups", groups},
                    {"wet_columns", static_cast<double>(wet_columns_)},
                    {"recovery_fraction", settings_.report.recovery_fraction},
                    {"carbon_budget_rel_error_cell_max", cell_closure},
                    {"carbon_budget_rel_error", global_closure}};
  summary["benthos"] = block;
}

}  // namespace hadal::benthos
