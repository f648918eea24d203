// SPDX-License-Identifier: MIT
// Writes a small synthetic HYCOM-style current file (water_u, water_v as packed shorts with a fill value;
// time in "hours since 2020-01-01"; depth positive down; projected x/y in metres) for the downscaling
// case and tests: a 1.5 cm/s mean current plus an M2 tidal ellipse, weaker towards the bed, 3-hourly over
// 2 days, on a 4 km x 4 km lattice around the caldera case's domain.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <netcdf.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUTPUT.nc\n", argv[0]);
    return 2;
  }
  const int nt = 17, nz = 6, ny = 5, nx = 5;
  int nc, dt, dz, dy, dx, vt, vz, vy, vx, vu, vv;
  if (nc_create(argv[1], NC_CLOBBER | NC_NETCDF4, &nc) != NC_NOERR) {
    std::fprintf(stderr, "cannot create %s\n", argv[1]);
    return 1;
  }
  nc_def_dim(nc, "time", nt, &dt);
  nc_def_dim(nc, "depth", nz, &dz);
  nc_def_dim(nc, "y", ny, &dy);
  nc_def_dim(nc, "x", nx, &dx);
  nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt);
  nc_def_var(nc, "depth", NC_DOUBLE, 1, &dz, &vz);
  nc_def_var(nc, "y", NC_DOUBLE, 1, &dy, &vy);
  nc_def_var(nc, "x", NC_DOUBLE, 1, &dx, &vx);
  const int dims[4] = {dt, dz, dy, dx};
  nc_def_var(nc, "water_u", NC_SHORT, 4, dims, &vu);
  nc_def_var(nc, "water_v", NC_SHORT, 4, dims, &vv);
  const std::string tunits = "hours since 2020-01-01 00:00:00";
  nc_put_att_text(nc, vt, "units", tunits.size(), tunits.c_str());
  nc_put_att_text(nc, vz, "positive", 4, "down");
  nc_put_att_text(nc, vx, "units", 1, "m");
  nc_put_att_text(nc, vy, "units", 1, "m");
  for (int v : {vu, vv}) {
    const double scale = 0.0001;
    const short fill = -30000;
    nc_put_att_double(nc, v, "scale_factor", NC_DOUBLE, 1, &scale);
    nc_put_att_short(nc, v, "_FillValue", NC_SHORT, 1, &fill);
    nc_put_att_text(nc, v, "units", 3, "m/s");
  }
  nc_enddef(nc);
  std::vector<double> t(nt), z{0, 500, 1000, 1300, 1500, 1700}, y(ny), x(nx);
  for (int n = 0; n < nt; ++n) t[n] = 3.0 * n;
  for (int j = 0; j < ny; ++j) y[j] = -1200.0 + 900.0 * j;
  for (int i = 0; i < nx; ++i) x[i] = -1200.0 + 1000.0 * i;
  nc_put_var_double(nc, vt, t.data());
  nc_put_var_double(nc, vz, z.data());
  nc_put_var_double(nc, vy, y.data());
  nc_put_var_double(nc, vx, x.data());
  const double omega = 1.405189e-4;
  std::vector<short> u(nt * nz * ny * nx), v(u.size());
  for (int n = 0; n < nt; ++n)
    for (int k = 0; k < nz; ++k)
      for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
          const std::size_t m = ((std::size_t(n) * nz + k) * ny + j) * nx + i;
          const double phase = omega * t[n] * 3600.0;
          const double profile = 1.0 - 0.3 * z[k] / 1700.0;
          const double uu = profile * (0.015 + 0.02 * std::cos(phase)) + 0.002 * i;
          const double vv_ = profile * (0.005 + 0.012 * std::sin(phase)) - 0.001 * j;
          u[m] = static_cast<short>(std::lround(uu / 0.0001));
          v[m] = static_cast<short>(std::lround(vv_ / 0.0001));
          if (k == nz - 1 && (i + j) % 3 == 0) u[m] = v[m] = -30000;  // below the coarse model's seabed
        }
  nc_put_var_short(nc, vu, u.data());
  nc_put_var_short(nc, vv, v.data());
  nc_close(nc);
  return 0;
}
