// SPDX-License-Identifier: MIT
// Building blocks for plume tests: a flat seabed, analytic flows, and a model without file output.
#pragma once

#include <cmath>
#include <functional>
#include <memory>

#include "grid/bathymetry.hpp"
#include "plume/eulerian_model.hpp"

namespace hadal::plume::testing {

class FlatSeabed : public grid::SeabedShape {
 public:
  explicit FlatSeabed(double z) : z_(z) {}
  double elevation(double, double) const override { return z_; }

 private:
  double z_;
};

/// u(t) = (u0 + u1 cos(omega t), v0) on every wet face.
class OscillatingFlow : public sim::FlowProvider {
 public:
  OscillatingFlow(double u0, double v0, double u1 = 0.0, double omega = 0.0) : u0_(u0), v0_(v0), u1_(u1), omega_(omega) {}
  void velocity(double t, grid::Field& u, grid::Field& v, grid::Field& w) override {
    u.fill(u0_ + u1_ * std::cos(omega_ * t));
    v.fill(v0_);
    w.fill(0.0);
  }
  double max_speed(double, double) override { return std::abs(u0_) + std::abs(u1_) + std::abs(v0_); }

 private:
  double u0_, v0_, u1_, omega_;
};

/// A closed overturning cell in the x-z plane from the stream function
/// psi = A sin(pi x / L) sin(pi (z - z0) / H): u = -d psi/dz and w = d psi/dx as differences of psi at
/// the face corners, so every cell's discrete divergence vanishes (to round-off) and no face on the
/// domain's edge carries flow.
class OverturningFlow : public sim::FlowProvider {
 public:
  explicit OverturningFlow(double amplitude) : a_(amplitude) {}
  void velocity(double, grid::Field& u, grid::Field& v, grid::Field& w) override {
    const grid::StructuredGrid& grid_ = u.grid();
    const double lx = grid_.x_face(grid_.nx()) - grid_.x_face(0), z0 = grid_.z_face(0), h = grid_.z_face(grid_.nz()) - z0;
    auto psi = [&](int gi, int k) {
      return a_ * std::sin(M_PI * (grid_.x_face(gi) - grid_.x_face(0)) / lx) * std::sin(M_PI * (grid_.z_face(k) - z0) / h);
    };
    auto U = Kokkos::create_mirror_view(u.view()), W = Kokkos::create_mirror_view(w.view());
    const int g = grid_.ghost(), ni = grid_.owned().ni(), nj = grid_.owned().nj(), nz = grid_.nz();
    for (int j = g; j < g + nj + 1; ++j)
      for (int i = g; i < g + ni + 1; ++i) {
        const int gi = grid_.owned().i_begin + i - g;
        for (int k = 0; k < nz; ++k) U(i, j, k) = -(psi(gi, k + 1) - psi(gi, k)) / grid_.dz(k);
        for (int k = 0; k <= nz; ++k) W(i, j, k) = gi < grid_.nx() ? (psi(gi + 1, k) - psi(gi, k)) / grid_.dx(gi) : 0.0;
      }
    Kokkos::deep_copy(u.view(), U);
    Kokkos::deep_copy(w.view(), W);
    v.fill(0.0);
  }
  double max_speed(double, double) override { return std::abs(a_); }  // not used by the Eulerian model

 private:
  double a_;
};

struct ModelBox {
  sim::RunContext context;
  FlatSeabed seabed;
  std::unique_ptr<EulerianModel> model;

  ModelBox(const grid::GridSpec& spec, PlumeSettings settings, std::vector<Source> sources,
           std::unique_ptr<sim::FlowProvider> flow, double bed_elevation)
      : seabed(bed_elevation) {
    context.comm = MPI_COMM_WORLD;
    model = std::make_unique<EulerianModel>(context, spec, seabed, std::move(settings), std::move(sources), std::move(flow),
                                            0.0, false);
  }

  /// Advances to `t_end` with the model's stable dt (cfl), landing exactly on t_end. Returns steps.
  int run_to(double& t, double t_end, double cfl = 0.5, double dt_max = 1e30) {
    int steps = 0;
    while (t < t_end - 1e-9) {
      double dt = std::min(model->stable_dt(t, cfl), dt_max);
      if (t + dt > t_end) dt = t_end - t;
      model->advance(t, dt);
      t += dt;
      ++steps;
    }
    return steps;
  }
};

inline grid::GridSpec box(double lx, double ly, double z0, double z1, int nx, int ny, int nz) {
  grid::GridSpec spec;
  spec.lx = lx;
  spec.ly = ly;
  spec.nx = nx;
  spec.ny = ny;
  spec.nz = nz;
  spec.z_faces = grid::stretched_faces(z0, z1, nz, 1.0);
  return spec;
}

inline SedimentClass sediment(const std::string& name, double ws, double dry_density = 1000.0) {
  SedimentClass c;
  c.name = name;
  c.settling_velocity = ws;
  c.grain_density = dry_density / 0.5;
  c.porosity = 0.5;
  return c;
}

/// Free-space diffusion kernel: a unit mass spread by diffusivity k for a time t, at distance s.
inline double gauss(double s, double k, double t) { return std::exp(-s * s / (4 * k * t)) / std::sqrt(4 * M_PI * k * t); }

/// Reference note 5.2a: fraction of a unit mass released at height z0 above a bed with zero
/// diffusive flux and deposition flux ws c (constant Kz and ws) that lies on the bed at time t,
/// 1 minus the exact suspended profile integrated from the bed to `depth`.
inline double deposited_fraction_exact(double kz, double ws, double z0, double t, double depth) {
  const double h = ws / (2 * kz), s = std::sqrt(kz * t);
  auto erfcx = [](double x) { return std::exp(x * x) * std::erfc(x); };
  auto suspended = [&](double z) {
    return std::exp(-ws * (z - z0) / (2 * kz) - ws * ws * t / (4 * kz)) *
           (gauss(z - z0, kz, t) + gauss(z + z0, kz, t) -
            h * std::exp(-(z + z0) * (z + z0) / (4 * kz * t)) * erfcx((z + z0) / (2 * s) + h * s));
  };
  double integral = 0.0;
  const double dz = 1e-4;
  for (double z = 0.5 * dz; z < depth; z += dz) integral += suspended(z) * dz;
  return 1.0 - integral;
}

}  // namespace hadal::plume::testing
