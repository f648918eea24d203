// SPDX-License-Identifier: MIT
/// \file benthos_model.hpp
/// \brief Carbon stocks of seabed life per wet column of a grid, advanced under a plume's exposure
/// (inline) or undisturbed after it (offline recovery), with outputs, budget, recovery metrics.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "benthos/settings.hpp"
#include "grid/field.hpp"
#include "grid/field_output.hpp"
#include "grid/stations.hpp"
#include "io/hdf5_file.hpp"
#include "sim/checkpoint.hpp"
#include "sim/registry.hpp"

namespace hadal::benthos {

/// Per-step disturbance maps (nk = 1 views on the model's grid); a null view means none.
struct Disturbance {
  grid::Field::View deposited;       ///< kg m-2 settled during the step
  grid::Field::View eroded;          ///< kg m-2 taken up during the step
  grid::Field::View thickness;       ///< m of deposit accumulated since the start
  grid::Field::View concentration;   ///< kg m-3 near the bed
};

class BenthosModel {
 public:
  /// `first_wet` (local indices with halos) marks dry columns with nz; they hold no stocks. Starts at the
  /// baseline. Writes `benthos_NNNNNN.h5`, `benthos.xmf` and `benthos_stations.csv` into `output_dir`
  /// unless it is empty.
  BenthosModel(const grid::StructuredGrid& grid, Kokkos::View<int**> first_wet, BenthosSettings settings,
               std::vector<grid::Station> stations, const std::string& output_dir, bool resume);

  /// Advances from `time` over `dt` under one step's disturbance (collective): the disturbance acts at once;
  /// the food web (and the larval exchange) steps once `food_web_interval` of such steps has accumulated.
  void advance(double time, double dt, const Disturbance& disturbance);
  /// Steps the food web over what has accumulated since its last step (at `time`, the current time).
  void flush(double time);
  /// A finished plume run's deposit applied at once: food from its organic carbon, burial of what could
  /// not escape during `duration` (s).
  void apply_deposit(const grid::Field& thickness, double dry_density, double duration);
  /// Stocks and largest losses from a `benthos_NNNNNN.h5` written by an inline run.
  void load_state(const io::H5File& file);

  void write_output(long step, double time);
  void sample_stations(double time);
  /// Tracks the smallest domain total of each pool (call after steps whose totals should count).
  void record_totals();
  void save(sim::CheckpointWriter& checkpoint);
  void restore(sim::CheckpointReader& checkpoint);
  void finish(io::Json& summary);
  void check_finite(long step, double time) const;

  const grid::StructuredGrid& grid() const { return grid_; }
  const BenthosSettings& settings() const { return settings_; }
  /// Domain totals of each pool, kg C (all ranks).
  std::vector<double> totals() const;
  /// Largest per-cell relative carbon-budget residual (the lateral inflow counted as a column's input) and
  /// the global one, where the lateral exchange must cancel (area-weighted, all ranks).
  std::pair<double, double> budget_closure() const;
  long wet_columns() const { return wet_columns_; }
  /// Stocks (mg C m-2) of one owned column (local indices), host copy, for tests.
  std::vector<double> column(int li, int lj) const;
  grid::Field& stocks() { return stocks_; }

 private:
  void apply_pulses(double dt, const Disturbance& disturbance);
  void integrate(double time);
  void exchange_larvae(double dt);
  void update_output_fields();

  const grid::StructuredGrid& grid_;
  Kokkos::View<int**> wet_;  ///< 1 for wet columns (local indices with halos)
  BenthosSettings settings_;
  long wet_columns_ = 0;
  double wet_area_ = 0.0;  ///< the wet columns' area, m2
  grid::Field stocks_;          ///< mg C m-2 per pool (k = pool)
  grid::Field burial_;          ///< m of effective burial per pool
  grid::Field previous_thickness_;
  grid::Field ledger_;          ///< mg C m-2 since the start: input, respired, exported, lateral inflow
  grid::Field initial_total_;   ///< mg C m-2 of all pools at the start
  grid::Field max_loss_;        ///< largest loss so far per pool, fraction of baseline
  grid::Field first_drop_;      ///< time a pool first fell below the recovery fraction (-1: never)
  grid::Field recovered_at_;    ///< time it last came back above it (-1: not since its last drop)
  grid::Field larvae_;          ///< the larval stock with halos, for the lateral exchange
  grid::Field larvae_next_;
  grid::Field turbidity_time_;  ///< integral of the turbidity level since the last food-web step
  double pending_dt_ = 0.0;     ///< time since the last food-web step
  double time_ = 0.0;           ///< end of the last step
  std::vector<grid::Field> output_;  ///< stock, change and largest-loss maps
  std::vector<double> min_totals_;
  std::unique_ptr<grid::FieldSeriesWriter> writer_;
  std::unique_ptr<grid::StationSeries> stations_;
};

}  // namespace hadal::benthos
