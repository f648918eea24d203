// SPDX-License-Identifier: MIT
#include "grid/grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/error.hpp"

namespace hadal::grid {

void declare_grid_schema(config::ObjectSpec& root) {
  using namespace units;
  auto& grid = root.object("grid",
                           "Structured grid: columns uniform or refined over a box, levels optionally stretched "
                           "(z is elevation, up).");
  grid.reals("origin", kLength, "x and y of the south-west corner").items(2).default_value(std::vector<double>{0.0, 0.0});
  grid.reals("extent", kLength, "Domain size in x (east) and y (north)").items(2).greater_than(0.0).required();
  grid.integers("cells", "Number of cells in x, y and z").items(3).min(1).required();
  grid.real("z_bottom", kLength, "Elevation of the lowest cell face (below the deepest seabed)").required();
  grid.real("z_top", kLength, "Elevation of the highest cell face").required();
  grid.real("vertical_stretching", kDimensionless,
            "Ratio dz(k+1)/dz(k); values above 1 put thin cells near the bed")
      .default_value(1.0)
      .min(0.5)
      .max(1.5);
  grid.real("uniform_levels_below", kLength,
            "Elevation up to which the levels have one thickness (a band of thin cells over the seabed that "
            "matters, e.g. up to just above the mined mound); above it they thicken by at most "
            "vertical_stretching per level")
      .optional();
  auto& refine = grid.object("refine",
                              "Narrow columns over a box (e.g. the mined area): one width inside its x and y "
                              "ranges, widening away from it by at most max_growth per column. The cell counts "
                              "stay those of `cells`; the box gets as many of them as max_growth allows");
  grid.key("refine").optional();
  refine.reals("x", kLength, "West and east edges of the refined box (omit to keep x uniform)").items(2).optional();
  refine.reals("y", kLength, "South and north edges of the refined box (omit to keep y uniform)").items(2).optional();
  refine.real("max_growth", kDimensionless, "Largest ratio of neighbouring column widths outside the box")
      .default_value(1.1)
      .greater_than(1.0)
      .max(1.5);
  refine.real("max_width", kLength,
              "Widest column: beyond the growth up to it the columns keep this width (default: no limit)")
      .greater_than(0.0)
      .optional();
  grid.integers("decomposition", "Ranks in x and y (default: PETSc chooses)").items(2).min(1).optional();
}

std::vector<double> uniform_faces(double a0, double length, int n) {
  std::vector<double> faces(static_cast<std::size_t>(n) + 1);
  for (int i = 0; i <= n; ++i) faces[i] = a0 + i * (length / n);
  return faces;
}

std::vector<double> stretched_faces(double z_bottom, double z_top, int nz, double stretching) {
  std::vector<double> faces(static_cast<std::size_t>(nz) + 1);
  const double height = z_top - z_bottom;
  // Geometric series: dz0 (1 + r + ... + r^(nz-1)) = height.
  const double sum = std::abs(stretching - 1.0) < 1e-12 ? nz : (std::pow(stretching, nz) - 1.0) / (stretching - 1.0);
  double dz = height / sum;
  faces[0] = z_bottom;
  for (int k = 0; k < nz; ++k) {
    faces[k + 1] = faces[k] + dz;
    dz *= stretching;
  }
  faces[nz] = z_top;  // no round-off drift at the top
  return faces;
}

std::vector<double> banded_faces(double z_bottom, double band_top, double z_top, int nz, double max_stretching) {
  const double band = band_top - z_bottom, above = z_top - band_top;
  if (!(band > 0.0 && above > 0.0)) {
    throw std::invalid_argument("the band top must lie between the grid's bottom and top");
  }
  if (nz < 2) throw std::invalid_argument("a band and the levels above it need at least 2 levels");
  // Height of m levels above the band, each r times the one below, the first r times the band's dz.
  auto stretched_height = [](double dz, int m, double r) {
    double sum = 0.0, d = dz;
    for (int q = 0; q < m; ++q) sum += (d *= r);
    return sum;
  };
  // More levels in the band mean thinner cells there and fewer, faster-thickening ones above: take the
  // most levels for which the ratio needed to reach z_top stays within max_stretching.
  for (int n_band = nz - 1; n_band >= 1; --n_band) {
    const double dz = band / n_band;
    const int m = nz - n_band;
    if (stretched_height(dz, m, max_stretching) < above) continue;
    if (stretched_height(dz, m, 1.0) > above) {
      throw std::invalid_argument(
          "no split of the " + std::to_string(nz) + " levels fits: with " + std::to_string(n_band) +
          " in the band the levels above it would be thinner than its " + std::to_string(dz) + " m, with " +
          std::to_string(n_band + 1) + " they cannot reach z_top at a ratio of at most " +
          std::to_string(max_stretching) + ": change the number of levels, the band top or vertical_stretching");
    }
    double lo = 1.0, hi = max_stretching;  // stretched_height grows with r: bisect for the ratio that fits
    for (int it = 0; it < 200 && hi - lo > 1e-15; ++it) {
      const double mid = 0.5 * (lo + hi);
      (stretched_height(dz, m, mid) < above ? lo : hi) = mid;
    }
    const double r = 0.5 * (lo + hi);
    std::vector<double> faces(static_cast<std::size_t>(nz) + 1);
    for (int k = 0; k <= n_band; ++k) faces[k] = z_bottom + band * k / n_band;
    double d = dz;
    for (int k = n_band; k < nz; ++k) faces[k + 1] = faces[k] + (d *= r);
    faces[nz] = z_top;  // the bisection's last ulps
    return faces;
  }
  throw std::invalid_argument("even one level in the band leaves too few above it to reach the top with a ratio of " +
                              std::to_string(max_stretching) + ": use more levels or a larger vertical_stretching");
}

std::vector<double> refined_faces(double a0, double a1, double band_lo, double band_hi, int n, double max_growth,
                                  double max_width) {
  if (!(a0 <= band_lo && band_lo < band_hi && band_hi <= a1)) {
    throw std::invalid_argument("the refined range must lie inside the domain [" + std::to_string(a0) + ", " +
                                std::to_string(a1) + "] m with its first edge below its second");
  }
  if (!(max_growth > 1.0)) throw std::invalid_argument("the growth ratio must exceed 1");
  const double band = band_hi - band_lo, sides[2] = {band_lo - a0, a1 - band_hi};
  if (!(max_width > 0.0)) throw std::invalid_argument("the largest width must be positive");
  // Length of m columns growing from a band column of width h, the first h r wide, none wider than
  // max_width (nor narrower than h).
  auto grown = [max_width](double h, int m, double r) {
    double sum = 0.0, w = h;
    for (int q = 0; q < m; ++q) sum += std::min(w *= r, std::max(max_width, h));
    return sum;
  };
  // The ratio at which m columns grown from h fill `length` exactly; negative if none within max_growth.
  auto ratio_for = [&](double h, int m, double length) {
    if (length <= 0.0) return m == 0 ? 1.0 : -1.0;
    if (m == 0 || grown(h, m, 1.0) > length || grown(h, m, max_growth) < length) return -1.0;
    double lo = 1.0, hi = max_growth;
    for (int it = 0; it < 200 && hi - lo > 1e-15; ++it) {
      const double mid = 0.5 * (lo + hi);
      (grown(h, m, mid) < length ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
  };
  // More columns in the band make them narrower and leave fewer, faster-growing ones outside: take the
  // most for which some split of the rest fits both sides.
  for (int n_band = n; n_band >= 1; --n_band) {
    const double h = band / n_band;
    const int rest = n - n_band;
    int best_left = -1;
    double best_ratio = 0.0, best_r[2] = {1.0, 1.0};
    for (int left = 0; left <= rest; ++left) {
      const double r_left = ratio_for(h, left, sides[0]), r_right = ratio_for(h, rest - left, sides[1]);
      if (r_left < 0.0 || r_right < 0.0) continue;
      if (best_left < 0 || std::max(r_left, r_right) < best_ratio) {
        best_left = left, best_ratio = std::max(r_left, r_right), best_r[0] = r_left, best_r[1] = r_right;
      }
    }
    if (best_left < 0) continue;
    std::vector<double> faces(static_cast<std::size_t>(n) + 1);
    // Left side outward from the band, then the band, then the right side.
    const double cap = std::max(max_width, h);
    faces[best_left] = band_lo;
    double w = h;
    for (int q = best_left; q > 0; --q) faces[q - 1] = faces[q] - std::min(w *= best_r[0], cap);
    faces[0] = a0;  // the bisection's last ulps
    for (int q = 0; q <= n_band; ++q) faces[best_left + q] = band_lo + band * q / n_band;
    w = h;
    for (int q = best_left + n_band; q < n; ++q) faces[q + 1] = faces[q] + std::min(w *= best_r[1], cap);
    faces[n] = a1;
    return faces;
  }
  throw std::invalid_argument("no split of the " + std::to_string(n) +
                              " columns fits: even one column over the refined range leaves the others unable to "
                              "reach the domain's edges within a growth of " +
                              std::to_string(max_growth) + " per column" +
                              (std::isfinite(max_width) ? " and a width of at most " + std::to_string(max_width) + " m" : "") +
                              ": use more cells, a wider range, a larger max_growth or max_width");
}

std::string describe_columns(const GridSpec& spec) {
  auto axis = [](const char* name, const std::vector<double>& faces, double length, int n) {
    char text[160];
    if (faces.empty()) {
      std::snprintf(text, sizeof text, "%s uniform %.3g m", name, length / n);
      return std::string(text);
    }
    double narrowest = faces[1] - faces[0], widest = narrowest;
    for (std::size_t i = 1; i + 1 < faces.size(); ++i) {
      narrowest = std::min(narrowest, faces[i + 1] - faces[i]);
      widest = std::max(widest, faces[i + 1] - faces[i]);
    }
    // The run of columns within 1e-9 of the narrowest width: the refined band.
    std::size_t first = 0, last = 0;
    for (std::size_t i = 0; i + 1 < faces.size(); ++i) {
      if (faces[i + 1] - faces[i] > narrowest * (1.0 + 1e-9)) continue;
      if (last == 0) first = i;
      last = i + 1;
    }
    std::snprintf(text, sizeof text, "%s %.3g m over [%.6g, %.6g] m, up to %.3g m", name, narrowest, faces[first],
                  faces[last], widest);
    return std::string(text);
  };
  return "refined columns: " + axis("x", spec.x_faces, spec.lx, spec.nx) + "; " + axis("y", spec.y_faces, spec.ly, spec.ny);
}

GridSpec grid_spec_from_config(const config::ConfigView& grid) {
  GridSpec spec;
  const auto origin = grid.reals("origin");
  const auto extent = grid.reals("extent");
  const auto cells = grid.integers("cells");
  spec.x0 = origin[0];
  spec.y0 = origin[1];
  spec.lx = extent[0];
  spec.ly = extent[1];
  spec.nx = static_cast<int>(cells[0]);
  spec.ny = static_cast<int>(cells[1]);
  spec.nz = static_cast<int>(cells[2]);
  const double z_bottom = grid.real("z_bottom"), z_top = grid.real("z_top");
  if (!(z_top > z_bottom)) {
    grid.fail("z_top", "must be above z_bottom (" + std::to_string(z_bottom) + " m), found " + std::to_string(z_top) + " m");
  }
  if (grid.has("uniform_levels_below")) {
    const double band_top = grid.real("uniform_levels_below");
    if (!(band_top > z_bottom && band_top < z_top)) {
      grid.fail("uniform_levels_below", "must lie between z_bottom (" + std::to_string(z_bottom) + " m) and z_top (" +
                                            std::to_string(z_top) + " m), found " + std::to_string(band_top) + " m");
    }
    if (!(grid.real("vertical_stretching") > 1.0)) {
      grid.fail("vertical_stretching", "must exceed 1 with uniform_levels_below (the levels above the band thicken)");
    }
    try {
      spec.z_faces = banded_faces(z_bottom, band_top, z_top, spec.nz, grid.real("vertical_stretching"));
    } catch (const std::invalid_argument& e) {
      grid.fail("uniform_levels_below", e.what());
    }
  } else {
    spec.z_faces = stretched_faces(z_bottom, z_top, spec.nz, grid.real("vertical_stretching"));
  }
  if (grid.has("refine")) {
    const auto refine = grid.child("refine");
    if (!refine.has("x") && !refine.has("y")) grid.fail("refine", "needs an x range, a y range or both");
    const double growth = refine.real("max_growth");
    const double widest = refine.has("max_width") ? refine.real("max_width") : std::numeric_limits<double>::infinity();
    auto faces = [&](const char* axis, double a0, double length, int n) {
      const auto range = refine.reals(axis);
      try {
        return refined_faces(a0, a0 + length, range[0], range[1], n, growth, widest);
      } catch (const std::invalid_argument& e) {
        refine.fail(axis, e.what());
      }
      return std::vector<double>{};
    };
    if (refine.has("x")) spec.x_faces = faces("x", spec.x0, spec.lx, spec.nx);
    if (refine.has("y")) spec.y_faces = faces("y", spec.y0, spec.ly, spec.ny);
  }
  if (grid.has("decomposition")) {
    const auto d = grid.integers("decomposition");
    spec.ranks_x = static_cast<int>(d[0]);
    spec.ranks_y = static_cast<int>(d[1]);
  }
  return spec;
}

StructuredGrid::StructuredGrid(MPI_Comm comm, const GridSpec& spec, int ghost)
    : comm_(comm), spec_(spec), ghost_(ghost) {
  MPI_Comm_rank(comm, &rank_);
  MPI_Comm_size(comm, &size_);
  if (spec_.nx < 1 || spec_.ny < 1 || spec_.nz < 1) throw InputError("grid: every cell count must be at least 1");
  if (static_cast<int>(spec_.z_faces.size()) != spec_.nz + 1) {
    spec_.z_faces = stretched_faces(0.0, 1.0, spec_.nz, 1.0);
  }
  // Column widths: uniform ones exactly lx / nx (the arithmetic of every uniform grid stays as it was),
  // refined ones from the faces, which must span the extent in increasing order.
  auto widths = [](const std::vector<double>& faces, int n, double a0, double length, const char* axis) {
    if (faces.empty()) return std::vector<double>(static_cast<std::size_t>(n), length / n);
    if (static_cast<int>(faces.size()) != n + 1 || std::abs(faces.front() - a0) > 1e-9 * length ||
        std::abs(faces.back() - (a0 + length)) > 1e-9 * length) {
      throw InputError(std::string("grid: the ") + axis + " faces must be " + std::to_string(n + 1) +
                       " values from the origin to the origin plus the extent");
    }
    std::vector<double> d(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      d[i] = faces[i + 1] - faces[i];
      if (!(d[i] > 0.0)) throw InputError(std::string("grid: the ") + axis + " faces must increase");
    }
    return d;
  };
  dx_ = widths(spec_.x_faces, spec_.nx, spec_.x0, spec_.lx, "x");
  dy_ = widths(spec_.y_faces, spec_.ny, spec_.y0, spec_.ly, "y");
  uniform_ = spec_.x_faces.empty() && spec_.y_faces.empty();
  if (!uniform_) {  // one path for both directions once either is refined
    if (spec_.x_faces.empty()) spec_.x_faces = uniform_faces(spec_.x0, spec_.lx, spec_.nx);
    if (spec_.y_faces.empty()) spec_.y_faces = uniform_faces(spec_.y0, spec_.ly, spec_.ny);
  }
  min_dx_ = *std::min_element(dx_.begin(), dx_.end());
  min_dy_ = *std::min_element(dy_.begin(), dy_.end());
  if (spec_.ranks_x != PETSC_DECIDE && spec_.ranks_y != PETSC_DECIDE && spec_.ranks_x * spec_.ranks_y != size_) {
    throw InputError("grid.decomposition: " + std::to_string(spec_.ranks_x) + " x " + std::to_string(spec_.ranks_y) +
                     " ranks requested but the run has " + std::to_string(size_));
  }
  // Horizontal 2-D DMDA decides the partition; each rank needs at least `ghost` columns per direction.
  DM da = nullptr;
  PetscErrorCode ierr = DMDACreate2d(comm, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_GHOSTED, DMDA_STENCIL_BOX, spec_.nx,
                                     spec_.ny, spec_.ranks_x, spec_.ranks_y, 1, ghost_, nullptr, nullptr, &da);
  if (!ierr) ierr = DMSetUp(da);
  if (ierr) {
    throw InputError("grid: cannot split " + std::to_string(spec_.nx) + " x " + std::to_string(spec_.ny) +
                     " columns over " + std::to_string(size_) + " ranks with halo width " + std::to_string(ghost_) +
                     " (each rank needs at least " + std::to_string(ghost_) + " cells per direction)");
  }
  PetscInt m = 1, n = 1;
  DMDAGetInfo(da, nullptr, nullptr, nullptr, nullptr, &m, &n, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
              nullptr);
  ranks_x_ = static_cast<int>(m);
  ranks_y_ = static_cast<int>(n);
  const PetscInt *lx = nullptr, *ly = nullptr;
  DMDAGetOwnershipRanges(da, &lx, &ly, nullptr);
  lx_.assign(lx, lx + m);
  ly_.assign(ly, ly + n);
  PetscInt xs, ys, xm, ym;
  DMDAGetCorners(da, &xs, &ys, nullptr, &xm, &ym, nullptr);
  owned_ = {static_cast<int>(xs), static_cast<int>(xs + xm), static_cast<int>(ys), static_cast<int>(ys + ym)};
  dms_[-2] = da;  // the horizontal 2-D DMDA, key -2 (maps use it too)

  // PETSc orders DMDA ranks x fastest.
  const int px = rank_ % ranks_x_, py = rank_ / ranks_x_;
  west_ = px > 0 ? rank_ - 1 : MPI_PROC_NULL;
  east_ = px < ranks_x_ - 1 ? rank_ + 1 : MPI_PROC_NULL;
  south_ = py > 0 ? rank_ - ranks_x_ : MPI_PROC_NULL;
  north_ = py < ranks_y_ - 1 ? rank_ + ranks_x_ : MPI_PROC_NULL;

  dz_ = Kokkos::View<double*>("dz", spec_.nz);
  z_faces_ = Kokkos::View<double*>("z_faces", spec_.nz + 1);
  auto dz_host = Kokkos::create_mirror_view(dz_);
  auto z_host = Kokkos::create_mirror_view(z_faces_);
  for (int k = 0; k < spec_.nz; ++k) dz_host(k) = dz(k);
  for (int k = 0; k <= spec_.nz; ++k) z_host(k) = spec_.z_faces[k];
  Kokkos::deep_copy(dz_, dz_host);
  Kokkos::deep_copy(z_faces_, z_host);

  auto local_view = [](const char* name, int n, auto value) {
    Kokkos::View<double*> view(std::string(name), n);
    auto host = Kokkos::create_mirror_view(view);
    for (int l = 0; l < n; ++l) host(l) = value(l);
    Kokkos::deep_copy(view, host);
    return view;
  };
  dx_local_ = local_view("dx_local", local_ni(), [&](int li) { return dx(global_i(li)); });
  dy_local_ = local_view("dy_local", local_nj(), [&](int lj) { return dy(global_j(lj)); });
  dx_between_local_ = local_view("dx_between", local_ni(), [&](int li) { return dx_between(global_i(li)); });
  dy_between_local_ = local_view("dy_between", local_nj(), [&](int lj) { return dy_between(global_j(lj)); });
}

double StructuredGrid::x_center(int i) const {
  if (uniform_) return spec_.x0 + (i + 0.5) * dx_[0];
  if (i < 0) return spec_.x0 + (i + 0.5) * dx_.front();
  if (i >= spec_.nx) return spec_.x0 + spec_.lx + (i - spec_.nx + 0.5) * dx_.back();
  return 0.5 * (spec_.x_faces[i] + spec_.x_faces[i + 1]);
}

double StructuredGrid::y_center(int j) const {
  if (uniform_) return spec_.y0 + (j + 0.5) * dy_[0];
  if (j < 0) return spec_.y0 + (j + 0.5) * dy_.front();
  if (j >= spec_.ny) return spec_.y0 + spec_.ly + (j - spec_.ny + 0.5) * dy_.back();
  return 0.5 * (spec_.y_faces[j] + spec_.y_faces[j + 1]);
}

double StructuredGrid::x_face(int i) const {
  if (uniform_) return spec_.x0 + i * dx_[0];
  if (i < 0) return spec_.x0 + i * dx_.front();
  if (i > spec_.nx) return spec_.x0 + spec_.lx + (i - spec_.nx) * dx_.back();
  return spec_.x_faces[i];
}

double StructuredGrid::y_face(int j) const {
  if (uniform_) return spec_.y0 + j * dy_[0];
  if (j < 0) return spec_.y0 + j * dy_.front();
  if (j > spec_.ny) return spec_.y0 + spec_.ly + (j - spec_.ny) * dy_.back();
  return spec_.y_faces[j];
}

StructuredGrid::~StructuredGrid() {
  for (auto& [nk, dm] : dms_) DMDestroy(&dm);
}

DM StructuredGrid::dm(int nk) const {
  const int key = nk == 1 ? -2 : nk;
  auto it = dms_.find(key);
  if (it != dms_.end()) return it->second;
  DM da = nullptr;
  PetscErrorCode ierr =
      DMDACreate3d(comm_, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_NONE, DMDA_STENCIL_BOX, spec_.nx,
                   spec_.ny, nk, ranks_x_, ranks_y_, 1, 1, ghost_, lx_.data(), ly_.data(), nullptr, &da);
  if (!ierr) ierr = DMSetUp(da);
  if (ierr) throw std::runtime_error("DMDACreate3d failed for nk = " + std::to_string(nk));
  // PETSc's coordinates are for its viewers only (hadal reads the grid's own); the bounding box is enough.
  DMDASetUniformCoordinates(da, spec_.x0, spec_.x0 + spec_.lx, spec_.y0, spec_.y0 + spec_.ly, spec_.z_faces.front(),
                            spec_.z_faces.back());
  dms_[key] = da;
  return da;
}

std::vector<double> StructuredGrid::x_nodes() const {
  std::vector<double> x(static_cast<std::size_t>(spec_.nx) + 1);
  for (int i = 0; i <= spec_.nx; ++i) x[i] = x_face(i);
  return x;
}

std::vector<double> StructuredGrid::y_nodes() const {
  std::vector<double> y(static_cast<std::size_t>(spec_.ny) + 1);
  for (int j = 0; j <= spec_.ny; ++j) y[j] = y_face(j);
  return y;
}

void StructuredGrid::require_uniform_columns(const std::string& who) const {
  if (!uniform_) {
    throw InputError("grid.refine: " + who + " needs uniform columns; remove grid.refine for this case");
  }
}

namespace {
// Index of the cell of `faces` holding a, the last cell for a on the far face; -1 outside.
int cell_of(const std::vector<double>& faces, double a) {
  if (a < faces.front() || a > faces.back()) return -1;
  const auto above = std::upper_bound(faces.begin(), faces.end(), a);
  return std::min(static_cast<int>(above - faces.begin()) - 1, static_cast<int>(faces.size()) - 2);
}
}  // namespace

int StructuredGrid::cell_i(double x) const {
  if (!uniform_) return cell_of(spec_.x_faces, x);
  const double f = (x - spec_.x0) / dx_[0];
  if (f < 0.0 || f > spec_.nx) return -1;
  return std::min(static_cast<int>(f), spec_.nx - 1);
}

int StructuredGrid::cell_j(double y) const {
  if (!uniform_) return cell_of(spec_.y_faces, y);
  const double f = (y - spec_.y0) / dy_[0];
  if (f < 0.0 || f > spec_.ny) return -1;
  return std::min(static_cast<int>(f), spec_.ny - 1);
}

int StructuredGrid::cell_k(double z) const {
  if (z < spec_.z_faces.front() || z > spec_.z_faces.back()) return -1;
  for (int k = 0; k < spec_.nz; ++k) {
    if (z <= spec_.z_faces[k + 1]) return k;
  }
  return spec_.nz - 1;
}

double global_sum(MPI_Comm comm, double local) {
  double total = 0.0;
  MPI_Allreduce(&local, &total, 1, MPI_DOUBLE, MPI_SUM, comm);
  return total;
}

double global_max(MPI_Comm comm, double local) {
  double total = 0.0;
  MPI_Allreduce(&local, &total, 1, MPI_DOUBLE, MPI_MAX, comm);
  return total;
}

double global_min(MPI_Comm comm, double local) {
  double total = 0.0;
  MPI_Allreduce(&local, &total, 1, MPI_DOUBLE, MPI_MIN, comm);
  return total;
}

}  // namespace hadal::grid
