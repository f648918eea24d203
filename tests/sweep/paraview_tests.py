#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The standard figures render headless (Debian python3-paraview under xvfb) into PNGs that are not
blank: deposit and plume from a real (small) plume run; particles, mantle temperature and lift
profiles from synthetic XDMF/HDF5 laid out as hadal's writers lay them out."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from hadal_testing import SOURCE_DIR, case_path, expect, main, require, run, run_headless_pvpython, workdir  # noqa: E402

RENDER = os.path.join(SOURCE_DIR, "scripts", "paraview", "hadal_render.py")


def render(figure, run_dir, png, *extra):
    return run_headless_pvpython([RENDER, figure, run_dir, png, "--size", "800x600"] + list(extra))


def drawn(png):
    """Not blank: a fair share of pixels differ from the background, in many colours."""
    import matplotlib.image as mpimg
    image = mpimg.imread(png)[..., :3]
    background = image[0, 0]
    share = np.any(np.abs(image - background) > 0.02, axis=-1).mean()
    colours = len(np.unique((image.reshape(-1, 3) * 255).astype(np.uint8), axis=0))
    return share, colours


def check_figure(figure, run_dir, out, min_share=0.01, **kw):
    png = os.path.join(out, f"{figure}.png")
    state = os.path.join(out, f"{figure}.pvsm")
    extra = ["--state", state] + [a for k, v in kw.items() for a in ("--" + k, str(v))]
    r = render(figure, run_dir, png, *extra)
    expect(r.returncode == 0, f"{figure}: exit {r.returncode}\n{r.stdout}\n{r.stderr[-3000:]}")
    expect(os.path.exists(png), f"{figure}: no PNG")
    share, colours = drawn(png)
    print(f"{figure}: {share * 100:.1f} % of pixels drawn, {colours} colours; state {os.path.getsize(state)} B")
    expect(share > min_share and colours > 20, f"{figure}: the image is blank ({share}, {colours})")
    expect(os.path.getsize(state) > 1000, f"{figure}: empty state file")


def xdmf_2d(path, mesh, x, y, steps, name):
    """A temporal collection on a 2-D rectilinear mesh (VXVY), cell data [ny][nx] per step."""
    items = []
    for time, file, fields in steps:
        attributes = "".join(
            f'<Attribute Name="{field}" AttributeType="Scalar" Center="Cell"><DataItem Dimensions="{y - 1} {x - 1}" '
            f'NumberType="Float" Precision="8" Format="HDF">{file}:/{group}/{field}</DataItem></Attribute>'
            for group, field in fields)
        items.append(f'<Grid Name="step" GridType="Uniform"><Time Value="{time}"/>'
                     f'<Topology TopologyType="2DRectMesh" Dimensions="{y} {x}"/>'
                     f'<Geometry GeometryType="VXVY"><DataItem Dimensions="{x}" NumberType="Float" Precision="8" '
                     f'Format="HDF">{mesh[0]}</DataItem><DataItem Dimensions="{y}" NumberType="Float" Precision="8" '
                     f'Format="HDF">{mesh[1]}</DataItem></Geometry>{attributes}</Grid>')
    with open(path, "w") as f:
        f.write(f'<?xml version="1.0" ?>\n<Xdmf Version="3.0"><Domain><Grid Name="{name}" GridType="Collection" '
                f'CollectionType="Temporal">{"".join(items)}</Grid></Domain></Xdmf>\n')


def synthetic_mantle(d):
    # Thermal module layout: mesh.h5 /x, /z node coordinates; fields.xmf; temperature per cell [nz][nx].
    nx, nz = 64, 32
    x, z = np.linspace(0, 2, nx + 1), np.linspace(0, 1, nz + 1)
    with h5py.File(os.path.join(d, "mesh.h5"), "w") as f:
        f["x"], f["z"] = x, z
    xc, zc = 0.5 * (x[1:] + x[:-1]), 0.5 * (z[1:] + z[:-1])
    X, Z = np.meshgrid(xc, zc)
    temperature = 1 - Z + 0.1 * np.cos(np.pi * X) * np.sin(np.pi * Z)  # conductive profile + a convection cell
    with h5py.File(os.path.join(d, "fields_000001.h5"), "w") as f:
        f["fields/temperature"] = temperature
    xdmf_2d(os.path.join(d, "fields.xmf"), ("mesh.h5:/x", "mesh.h5:/z"), nx + 1, nz + 1,
            [(1.0, "fields_000001.h5", [("fields", "temperature")])], "mantle")


def synthetic_lift(d):
    # Lift module layout: lift_mesh.h5 /riser/x (arc length nodes), /riser/y = [0, 1]; fields [1][n].
    n = 120
    s = np.linspace(0, 4800, n + 1)
    with h5py.File(os.path.join(d, "lift_mesh.h5"), "w") as f:
        f["riser/x"], f["riser/y"] = s, [0.0, 1.0]
    sc = 0.5 * (s[1:] + s[:-1])
    with h5py.File(os.path.join(d, "lift_profiles_000000001.h5"), "w") as f:
        f["riser/pressure"] = (1030 * 9.81 * (4800 - sc) + 2e5)[None, :]
        f["riser/overpressure"] = (2e5 + 40 * sc)[None, :]
        f["riser/concentration"] = (0.08 + 0.01 * np.sin(sc / 400))[None, :]
    xdmf_2d(os.path.join(d, "lift_riser.xmf"), ("lift_mesh.h5:/riser/x", "lift_mesh.h5:/riser/y"), n + 1, 2,
            [(60.0, "lift_profiles_000000001.h5",
              [("riser", "pressure"), ("riser", "overpressure"), ("riser", "concentration")])], "riser")


def synthetic_particles(d):
    # Conventions 3.2: Polyvertex with explicit connectivity and NumberOfElements; one file per step.
    rng = np.random.default_rng(3)
    grids = []
    for k, t in enumerate((0.0, 3600.0)):
        n = 2000 + 500 * k
        position = np.column_stack([rng.normal(500, 60 + 40 * k, n), rng.normal(400, 30 + 20 * k, n),
                                    rng.normal(-1580, 5, n)])
        name = f"parcels_{k:06d}.h5"
        with h5py.File(os.path.join(d, name), "w") as f:
            f["particles/sediment/position"] = position
            f["particles/sediment/ids0"] = np.arange(n, dtype=np.int32)
            f["particles/sediment/diameter"] = rng.lognormal(np.log(30e-6), 0.5, n)
        grids.append(f'<Grid Name="parcels_{k}" GridType="Uniform"><Time Value="{t}"/>'
                     f'<Topology TopologyType="Polyvertex" NumberOfElements="{n}" NodesPerElement="1">'
                     f'<DataItem Dimensions="{n}" NumberType="Int" Precision="4" Format="HDF">{name}:/particles/sediment/ids0</DataItem></Topology>'
                     f'<Geometry GeometryType="XYZ"><DataItem Dimensions="{n} 3" NumberType="Float" Precision="8" '
                     f'Format="HDF">{name}:/particles/sediment/position</DataItem></Geometry>'
                     f'<Attribute Name="diameter" AttributeType="Scalar" Center="Node"><DataItem Dimensions="{n}" '
                     f'NumberType="Float" Precision="8" Format="HDF">{name}:/particles/sediment/diameter</DataItem>'
                     f'</Attribute></Grid>')
    with open(os.path.join(d, "parcels.xmf"), "w") as f:
        f.write('<?xml version="1.0" ?>\n<Xdmf Version="3.0"><Domain><Grid Name="parcels" GridType="Collection" '
                f'CollectionType="Temporal">{"".join(grids)}</Grid></Domain></Xdmf>\n')


def test_figures():
    require("pvpython", "xvfb-run", modules=("matplotlib",))
    out = workdir("figures")
    plume = os.path.join(out, "plume_run")
    run(["run", case_path("plume", "default.yaml"), "-o", plume, "-q", "--set", "grid.cells=[40, 30, 12]", "--set", "grid.refine=null",
         "--set", "time.end=3 h", "--set", "output.interval=1 h", "--set", "checkpoint.interval=3 h"], check=0)
    check_figure("deposit", plume, out)
    check_figure("plume", plume, out)
    synthetic = os.path.join(out, "synthetic")
    os.makedirs(synthetic)
    synthetic_mantle(synthetic)
    synthetic_lift(synthetic)
    synthetic_particles(synthetic)
    check_figure("mantle", synthetic, out, min_share=0.2)
    check_figure("lift", synthetic, out, min_share=0.05)
    check_figure("particles", synthetic, out)
    # A missing field is named, with the fields there are, and exits 2.
    r = render("mantle", synthetic, os.path.join(out, "x.png"), "--field", "temprature")
    expect(r.returncode == 2 and "no field 'temprature'" in r.stderr and "temperature" in r.stderr, r.stderr[-2000:])
    r = render("lift", plume, os.path.join(out, "y.png"))
    expect(r.returncode == 2 and "lift_riser.xmf" in r.stderr, r.stderr[-2000:])


if __name__ == "__main__":
    sys.argv[1:] = ["figures"]
    main({"figures": test_figures})
