// SPDX-License-Identifier: MIT
#include "grid/bathymetry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "grid/bathymetry_input.hpp"

namespace hadal::grid {

void declare_bathymetry_schema(config::ObjectSpec& root) {
  using namespace units;
  auto& b = root.object("bathymetry", "Seabed shape: a synthetic generator or a NetCDF grid.");
  b.enumeration("type", {"flat", "slope", "seamount", "caldera", "netcdf"}, "Seabed generator").default_value("flat");
  b.real("depth", kLength, "Water depth (positive down): everywhere (flat), at the centre (slope), around the "
                           "seamount, or of the caldera floor")
      .greater_than(0.0)
      .default_value(1600.0)
      .only_when("type", {"flat", "slope", "seamount", "caldera"});
  b.reals("center", kLength, "x, y of the feature centre (default: domain centre)")
      .items(2)
      .optional()
      .only_when("type", {"slope", "seamount", "caldera"});
  b.reals("gradient", kDimensionless, "Seabed rise per metre towards +x and +y (dz/dx, dz/dy)")
      .items(2)
      .default_value(std::vector<double>{0.0, 0.0})
      .only_when("type", {"slope"});
  b.real("height", kLength, "Seamount height above the surrounding seabed")
      .min(0.0)
      .default_value(200.0)
      .only_when("type", {"seamount"});
  b.real("radius", kLength, "Seamount e-folding radius, or caldera rim radius")
      .greater_than(0.0)
      .default_value(500.0)
      .only_when("type", {"seamount", "caldera"});
  b.real("rim_depth", kLength, "Caldera: depth at the rim crest")
      .greater_than(0.0)
      .default_value(1450.0)
      .only_when("type", {"caldera"});
  b.real("outer_depth", kLength, "Caldera: depth of the surrounding plain")
      .greater_than(0.0)
      .default_value(1550.0)
      .only_when("type", {"caldera"});
  b.real("wall_width", kLength, "Caldera: horizontal width of the inner wall and of the outer flank")
      .greater_than(0.0)
      .default_value(150.0)
      .only_when("type", {"caldera"});
  auto& mound = b.object_list("mounds", "Caldera: sulfide mounds (Gaussian cones) and chimneys (steep spires)");
  b.key("mounds").optional().only_when("type", {"caldera"});
  mound.reals("center", kLength, "x, y of the mound").items(2).required();
  mound.real("height", kLength, "Height above the surrounding floor").greater_than(0.0).required();
  mound.real("radius", kLength, "Half-width (e-folding radius); max slope is about 0.86 height/radius")
      .greater_than(0.0)
      .required();
  mound.enumeration("shape", {"mound", "chimney"}, "Gaussian mound, or a steep flat-topped chimney")
      .default_value("mound");
  b.string("file",
           "Bathymetry file, format recognised from its content: a NetCDF grid (GMT/COARDS with x/y or lon/lat axes, "
           "GMT's legacy layout, GEBCO/ETOPO, CF; classic or netCDF-4; gridline or pixel registration; packed values, "
           "km or m; NaN/_FillValue holes filled by harmonic interpolation) or ASCII soundings (lines 'lon lat depth' or "
           "'x y z', optional header naming the columns) averaged per model cell, empty cells filled harmonically")
      .required()
      .only_when("type", {"netcdf"});
  b.string("variable", "NetCDF variable; tried: elevation, z, Band1, topo, depth, bathymetry, height, altitude")
      .optional()
      .only_when("type", {"netcdf"});
  b.boolean("positive_down",
            "The values are depths (positive down). Absent: from the file (a NetCDF variable named depth, or with "
            "positive = \"down\" or a depth standard_name; a soundings header naming a depth column; otherwise the sign "
            "of soundings that all share one)")
      .optional()
      .only_when("type", {"netcdf"});
  const std::vector<std::string> frames{"auto", "projected", "geographic"};
  const std::string frame_doc =
      "projected: x/y in metres (or km) of the model frame; geographic: lon/lat in degrees mapped to local metres "
      "around `reference`; auto: geographic when the axes say degrees or are named lon/longitude (a soundings header "
      "naming lon/lat), else projected";
  b.enumeration("coordinates", frames, frame_doc).default_value("auto").only_when("type", {"netcdf"});
  b.reals("reference", kDimensionless, "lon, lat (degrees) of the model's x = 0, y = 0 for geographic input")
      .items(2)
      .default_value(std::vector<double>{0.0, 0.0})
      .only_when("type", {"netcdf"});
  auto& patch = b.object_list("patches",
                              "Higher-priority sources over `file` (later entries over earlier ones): a local survey "
                              "grid or soundings over a regional grid. Where a patch has data it wins; beyond, the "
                              "difference patch - underlying at the nearest patch cell fades to zero over blend_width");
  b.key("patches").optional().only_when("type", {"netcdf"});
  patch.string("file", "NetCDF grid or ASCII soundings (as bathymetry.file)").required();
  patch.string("variable", "NetCDF variable (as bathymetry.variable)").optional();
  patch.boolean("positive_down", "The values are depths (as bathymetry.positive_down)").optional();
  patch.enumeration("coordinates", frames, frame_doc).default_value("auto");
  patch.real("blend_width", kLength, "Distance beyond the patch's data over which it fades out (default: 4 model cells)")
      .greater_than(0.0)
      .optional();
}

namespace {

// Smooth 0 -> 1 transition for s in [0, 1] (C1 continuous).
double smoothstep(double s) {
  s = std::clamp(s, 0.0, 1.0);
  return s * s * (3.0 - 2.0 * s);
}

class FlatSeabed : public SeabedShape {
 public:
  explicit FlatSeabed(double depth) : depth_(depth) {}
  double elevation(double, double) const override { return -depth_; }

 private:
  double depth_;
};

class SlopingSeabed : public SeabedShape {
 public:
  SlopingSeabed(double depth, double xc, double yc, double gx, double gy)
      : depth_(depth), xc_(xc), yc_(yc), gx_(gx), gy_(gy) {}
  double elevation(double x, double y) const override { return -depth_ + gx_ * (x - xc_) + gy_ * (y - yc_); }

 private:
  double depth_, xc_, yc_, gx_, gy_;
};

class Seamount : public SeabedShape {
 public:
  Seamount(double depth, double xc, double yc, double height, double radius)
      : depth_(depth), xc_(xc), yc_(yc), height_(height), radius_(radius) {}
  double elevation(double x, double y) const override {
    const double r2 = ((x - xc_) * (x - xc_) + (y - yc_) * (y - yc_)) / (radius_ * radius_);
    return -depth_ + height_ * std::exp(-r2);
  }

 private:
  double depth_, xc_, yc_, height_, radius_;
};

struct Mound {
  double x, y, height, radius;
  bool chimney;
};

// Caldera: floor at -depth inside, a wall rising to -rim_depth at `radius`, an outer flank falling
// to -outer_depth, with mounds and chimneys added on top.
class Caldera : public SeabedShape {
 public:
  Caldera(double depth, double xc, double yc, double radius, double rim_depth, double outer_depth, double wall,
          std::vector<Mound> mounds)
      : depth_(depth), xc_(xc), yc_(yc), radius_(radius), rim_depth_(rim_depth), outer_depth_(outer_depth),
        wall_(wall), mounds_(std::move(mounds)) {}

  double elevation(double x, double y) const override {
    const double r = std::hypot(x - xc_, y - yc_);
    double z;
    if (r <= radius_) {
      z = -depth_ + (depth_ - rim_depth_) * smoothstep((r - (radius_ - wall_)) / wall_);
    } else {
      z = -rim_depth_ - (outer_depth_ - rim_depth_) * smoothstep((r - radius_) / wall_);
    }
    for (const auto& m : mounds_) {
      const double d2 = ((x - m.x) * (x - m.x) + (y - m.y) * (y - m.y)) / (m.radius * m.radius);
      // Chimneys: super-Gaussian (steep sides, flat top); mounds: Gaussian cones.
      z += m.height * std::exp(m.chimney ? -d2 * d2 * d2 : -d2);
    }
    return z;
  }

 private:
  double depth_, xc_, yc_, radius_, rim_depth_, outer_depth_, wall_;
  std::vector<Mound> mounds_;
};

/// Seabed from files, resampled onto the model's cell centres: bilinear between them.
class LatticeSeabed : public SeabedShape {
 public:
  LatticeSeabed(ElevationLattice lattice, std::vector<std::string> notes)
      : lattice_(std::move(lattice)), notes_(std::move(notes)) {}
  double elevation(double x, double y) const override { return lattice_.interpolate(x, y); }
  std::vector<std::string> notes() const override { return notes_; }

 private:
  ElevationLattice lattice_;
  std::vector<std::string> notes_;
};

}  // namespace

std::unique_ptr<SeabedShape> make_seabed_shape(const config::ConfigView& block, const GridSpec& spec) {
  const std::string type = block.string("type");
  if (type == "netcdf") {
    std::vector<std::string> notes;
    ElevationLattice lattice = seabed_from_files(block, spec, notes);
    return std::make_unique<LatticeSeabed>(std::move(lattice), std::move(notes));
  }
  const double depth = block.real("depth");
  double xc = spec.x0 + 0.5 * spec.lx, yc = spec.y0 + 0.5 * spec.ly;
  if (block.has("center")) {
    const auto c = block.reals("center");
    xc = c[0];
    yc = c[1];
  }
  if (type == "flat") return std::make_unique<FlatSeabed>(depth);
  if (type == "slope") {
    const auto g = block.reals("gradient");
    return std::make_unique<SlopingSeabed>(depth, xc, yc, g[0], g[1]);
  }
  if (type == "seamount") return std::make_unique<Seamount>(depth, xc, yc, block.real("height"), block.real("radius"));
  std::vector<Mound> mounds;
  if (block.has("mounds")) {
    for (const auto& m : block.children("mounds")) {
      const auto c = m.reals("center");
      mounds.push_back({c[0], c[1], m.real("height"), m.real("radius"), m.string("shape") == "chimney"});
    }
  }
  if (block.real("rim_depth") >= depth) block.fail("rim_depth", "the rim must be shallower than the caldera floor (depth)");
  return std::make_unique<Caldera>(depth, xc, yc, block.real("radius"), block.real("rim_depth"),
                                   block.real("outer_depth"), block.real("wall_width"), std::move(mounds));
}

Bathymetry::Bathymetry(const StructuredGrid& grid, const SeabedShape& shape)
    : elevation_(grid, "seabed_elevation", "m", "elevation of the seabed", 1),
      first_wet_("first_wet_cell", grid.local_ni(), grid.local_nj()),
      notes_(shape.notes()) {
  elevation_host_ = Kokkos::create_mirror_view(elevation_.view());
  first_wet_host_ = Kokkos::create_mirror_view(first_wet_);
  const auto& z = grid.z_nodes();
  double lowest = std::numeric_limits<double>::max();
  for (int lj = 0; lj < grid.local_nj(); ++lj) {
    for (int li = 0; li < grid.local_ni(); ++li) {
      // Halo columns beyond the domain mirror the nearest interior column (zero-gradient seabed).
      const int gi = std::clamp(grid.global_i(li), 0, grid.nx() - 1);
      const int gj = std::clamp(grid.global_j(lj), 0, grid.ny() - 1);
      const double zb = shape.elevation(grid.x_center(gi), grid.y_center(gj));
      elevation_host_(li, lj, 0) = zb;
      first_wet_host_(li, lj) = first_wet_index(grid, zb);
      if (grid.owns(grid.global_i(li), grid.global_j(lj))) lowest = std::min(lowest, zb);
    }
  }
  Kokkos::deep_copy(elevation_.view(), elevation_host_);
  Kokkos::deep_copy(first_wet_, first_wet_host_);
  lowest = global_min(grid.comm(), lowest);
  if (lowest < z.front()) {
    throw InputError(std::vector<Diagnostic>{
        {"", 0, 0, "grid.z_bottom",
         "the seabed reaches " + std::to_string(lowest) + " m, below the grid bottom " + std::to_string(z.front()) +
             " m: set z_bottom at or below the deepest seabed"}});
  }
}

int Bathymetry::first_wet_index(const StructuredGrid& grid, double seabed_elevation) {
  int k = 0;
  while (k < grid.nz() && grid.z_center(k) <= seabed_elevation) ++k;
  return k;
}

double Bathymetry::seabed(int li, int lj) const { return elevation_host_(li, lj, 0); }

}  // namespace hadal::grid
