// SPDX-License-Identifier: MIT
#include "plume/both_methods_model.hpp"

#include <algorithm>
#include <cmath>

#include "plume/metrics.hpp"

namespace hadal::plume {

using grid::Field;
using Range2 = Kokkos::MDRangePolicy<Kokkos::Rank<2>>;

BothMethodsModel::BothMethodsModel(sim::RunContext& context, EulerianModel& eulerian, LagrangianModel& lagrangian,
                                   bool write_files)
    : context_(context), eulerian_(eulerian), lagrangian_(lagrangian) {
  if (write_files) {
    writer_ = std::make_unique<grid::FieldSeriesWriter>(lagrangian_.grid(), context.output_dir, "comparison",
                                                        grid::FieldSeriesWriter::Kind::Map,
                                                        !context.restart_file.empty());
    writer_->set_attribute("case", context.resolved_yaml);
  }
}

double BothMethodsModel::stable_dt(double time, double cfl) {
  return std::min(eulerian_.stable_dt(time, cfl), lagrangian_.stable_dt(time, cfl));
}

void BothMethodsModel::advance(double time, double dt) {
  eulerian_.advance(time, dt);
  lagrangian_.advance(time, dt);
}

void BothMethodsModel::check_finite(long step, double time) {
  eulerian_.check_finite(step, time);
  lagrangian_.check_finite(step, time);
}

void BothMethodsModel::after_step(long step, double time) {
  eulerian_.after_step(step, time);
  lagrangian_.after_step(step, time);
}

void BothMethodsModel::eulerian_deposit(Field& out) const {
  const auto& grid = lagrangian_.grid();
  const std::size_t columns = static_cast<std::size_t>(grid.owned().ni()) * grid.owned().nj();
  std::vector<double> thickness(columns, 0.0);
  const auto& classes = lagrangian_.settings().classes;
  for (std::size_t n = 0; n < classes.size(); ++n) {
    const auto bed = eulerian_.bed_mass(static_cast<int>(n));
    for (std::size_t c = 0; c < columns; ++c) thickness[c] += bed[c] / classes[n].dry_density();
  }
  out.set_owned_block(thickness);
}

void BothMethodsModel::write_output(long step, double time) {
  eulerian_.write_output(step, time);
  lagrangian_.write_output(step, time);
  if (!writer_) return;
  const auto& grid = lagrangian_.grid();
  Field e(grid, "deposit_thickness_eulerian", "m", "deposit thickness, Eulerian", 1);
  Field l(grid, "deposit_thickness_lagrangian", "m", "deposit thickness, Lagrangian (particles)", 1);
  Field d(grid, "deposit_difference", "m", "deposit thickness, Lagrangian minus Eulerian", 1);
  eulerian_deposit(e);
  Kokkos::deep_copy(l.view(), lagrangian_.deposit_field().view());
  const auto E = e.view(), L = l.view(), D = d.view();
  Kokkos::parallel_for(
      "comparison_difference", Range2({0, 0}, {grid.local_ni(), grid.local_nj()}),
      KOKKOS_LAMBDA(int i, int j) { D(i, j, 0) = L(i, j, 0) - E(i, j, 0); });
  std::vector<Field> agreement;
  for (double thr : lagrangian_.settings().deposit_thresholds) {
    agreement.emplace_back(grid, "agreement_" + threshold_key(thr) + "_m", "1",
                           "deposit >= " + threshold_key(thr) + " m: 0 neither, 1 Eulerian only, 2 Lagrangian only, 3 both",
                           1);
    const auto A = agreement.back().view();
    Kokkos::parallel_for(
        "comparison_agreement", Range2({0, 0}, {grid.local_ni(), grid.local_nj()}), KOKKOS_LAMBDA(int i, int j) {
          A(i, j, 0) = (E(i, j, 0) >= thr ? 1.0 : 0.0) + (L(i, j, 0) >= thr ? 2.0 : 0.0);
        });
  }
  std::vector<const Field*> maps{&e, &l, &d};
  for (const auto& f : agreement) maps.push_back(&f);
  writer_->write(step, time, maps);
}

void BothMethodsModel::save(sim::CheckpointWriter& checkpoint) {
  eulerian_.save(checkpoint);
  lagrangian_.save(checkpoint);
}

void BothMethodsModel::restore(sim::CheckpointReader& checkpoint) {
  eulerian_.restore(checkpoint);
  lagrangian_.restore(checkpoint);
}

double BothMethodsModel::work_per_step() const { return eulerian_.work_per_step() + lagrangian_.work_per_step(); }
std::string BothMethodsModel::status() const { return eulerian_.status() + "; " + lagrangian_.status(); }

void BothMethodsModel::finish(io::Json& summary) {
  eulerian_.finish(summary);
  io::Json lagrangian = io::Json::object();
  lagrangian_.finish(lagrangian);
  summary["method"] = "both";
  summary["lagrangian"] = lagrangian;

  const auto& grid = lagrangian_.grid();
  Field e(grid, "deposit_thickness_eulerian", "m", "", 1);
  eulerian_deposit(e);
  const auto ev = e.owned_block(), lv = lagrangian_.deposit_thickness();
  const auto& box = grid.owned();
  // Each owned column's area, in the owned blocks' order ([j][i]).
  std::vector<double> column_area(ev.size());
  for (std::size_t c = 0; c < ev.size(); ++c) {
    column_area[c] = grid.cell_area(box.i_begin + static_cast<int>(c % box.ni()), box.j_begin + static_cast<int>(c / box.ni()));
  }
  io::Json comparison = io::Json::object(), area_difference = io::Json::object(), relative = io::Json::object(),
           overlap = io::Json::object();
  for (double thr : lagrangian_.settings().deposit_thresholds) {
    double both = 0, only_e = 0, only_l = 0;
    for (std::size_t c = 0; c < ev.size(); ++c) {
      const bool a = ev[c] >= thr, b = lv[c] >= thr;
      both += (a && b) ? column_area[c] : 0.0;
      only_e += (a && !b) ? column_area[c] : 0.0;
      only_l += (!a && b) ? column_area[c] : 0.0;
    }
    both = grid::global_sum(grid.comm(), both);
    only_e = grid::global_sum(grid.comm(), only_e);
    only_l = grid::global_sum(grid.comm(), only_l);
    const double area_e = both + only_e, area_l = both + only_l;
    const std::string key = threshold_key(thr);
    area_difference[key] = area_l - area_e;
    relative[key] = area_e > 0.0 ? (area_l - area_e) / area_e : 0.0;
    overlap[key] = {{"both_m2", both},
                    {"eulerian_only_m2", only_e},
                    {"lagrangian_only_m2", only_l},
                    {"jaccard", both + only_e + only_l > 0.0 ? both / (both + only_e + only_l) : 1.0}};
  }
  double l1 = 0.0, reference = 0.0, peak_e = 0.0, peak_l = 0.0;
  for (std::size_t c = 0; c < ev.size(); ++c) {
    l1 += std::abs(lv[c] - ev[c]) * column_area[c];
    reference += ev[c] * column_area[c];
    peak_e = std::max(peak_e, ev[c]);
    peak_l = std::max(peak_l, lv[c]);
  }
  l1 = grid::global_sum(grid.comm(), l1);
  reference = grid::global_sum(grid.comm(), reference);
  comparison["deposit_area_difference_m2"] = area_difference;
  comparison["deposit_area_relative_difference"] = relative;
  comparison["deposit_overlap"] = overlap;
  comparison["deposit_volume_eulerian_m3"] = reference;
  comparison["deposit_volume_lagrangian_m3"] = grid::global_sum(grid.comm(), [&] {
    double s = 0.0;
    for (std::size_t c = 0; c < lv.size(); ++c) s += lv[c] * column_area[c];
    return s;
  }());
  comparison["deposit_thickness_l1_relative"] = reference > 0.0 ? l1 / reference : 0.0;
  comparison["max_deposit_thickness_ratio"] =
      grid::global_max(grid.comm(), peak_e) > 0.0 ? grid::global_max(grid.comm(), peak_l) / grid::global_max(grid.comm(), peak_e)
                                                  : 0.0;
  const double de = summary["mass_deposited_kg"].get<double>(), dl = lagrangian["mass_deposited_kg"].get<double>();
  comparison["mass_deposited_relative_difference"] = de > 0.0 ? (dl - de) / de : 0.0;
  io::Json turbidity = io::Json::object();
  for (auto it = summary["turbidity_area_m2"].begin(); it != summary["turbidity_area_m2"].end(); ++it) {
    turbidity[it.key()] = lagrangian["turbidity_area_m2"][it.key()].get<double>() - it.value().get<double>();
  }
  comparison["turbidity_area_difference_m2"] = turbidity;
  comparison["map"] = "comparison.xmf";
  summary["comparison"] = comparison;
}

}  // namespace hadal::plume
