// SPDX-License-Identifier: MIT
/// \file both_methods_model.hpp
/// \brief `method: both`: the Eulerian and the Lagrangian model in one time loop with the same dt and
/// one shared flow, and their comparison (deposit maps per cell, exceedance areas, masses) at every
/// output and in the summary.
#pragma once

#include <memory>

#include "grid/field_output.hpp"
#include "plume/eulerian_model.hpp"
#include "plume/lagrangian_model.hpp"

namespace hadal::plume {

/// Runs the Eulerian and the Lagrangian model in one time loop with the same dt, and compares their
/// deposit maps (per cell, and the exceedance areas) at every output and in the summary.
class BothMethodsModel : public sim::Model {
 public:
  BothMethodsModel(sim::RunContext& context, EulerianModel& eulerian, LagrangianModel& lagrangian, bool write_files = true);
  double stable_dt(double time, double cfl) override;
  void advance(double time, double dt) override;
  void check_finite(long step, double time) override;
  void write_output(long step, double time) override;
  void after_step(long step, double time) override;
  void save(sim::CheckpointWriter& checkpoint) override;
  void restore(sim::CheckpointReader& checkpoint) override;
  void finish(io::Json& summary) override;
  double work_per_step() const override;
  std::string status() const override;

 private:
  /// Eulerian deposit thickness map (sum over classes of bed mass / dry density) on the Lagrangian grid.
  void eulerian_deposit(grid::Field& out) const;

  sim::RunContext& context_;
  EulerianModel& eulerian_;
  LagrangianModel& lagrangian_;
  std::unique_ptr<grid::FieldSeriesWriter> writer_;
};

}  // namespace hadal::plume
