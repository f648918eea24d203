#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Proof in a real client: ParaView (headless, Debian python3-paraview) opens a run's XDMF and reads
back exactly the values hadal wrote into HDF5."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from hadal_testing import case_path, expect, main, require, run, workdir  # noqa: E402

require(modules=("paraview",))  # Debian's python3-paraview; skip, do not pass, where it is missing
from paraview import simple as pv  # noqa: E402
from vtk.util.numpy_support import vtk_to_numpy  # noqa: E402
import h5py  # noqa: E402
import numpy as np  # noqa: E402


def cell_array(reader, time, name):
    # The builtin session holds the reader's real output; servermanager.Fetch mangles rectilinear
    # coordinates in 5.11, so read the client-side object directly.
    reader.UpdatePipeline(time)
    data = reader.GetClientSideObject().GetOutputDataObject(0)
    if data.IsA("vtkMultiBlockDataSet"):
        data = data.GetBlock(0)
    return data, vtk_to_numpy(data.GetCellData().GetArray(name))


def check():
    out = workdir("paraview")
    run(["run", case_path("verification", "diffusion.yaml"), "-o", out, "-q",
         "--set", "grid.cells=[20, 16, 10]"], check=0)
    xmf = os.path.join(out, "fields.xmf")
    with h5py.File(os.path.join(out, "fields_000%03d.h5" % max(
            int(f[7:13]) for f in os.listdir(out) if f.startswith("fields_") and f.endswith(".h5"))), "r") as f:
        written = f["fields/concentration"][...]  # [nz][ny][nx]
        t_last = float(f.attrs["time"])
    readers = {
        "Xdmf3ReaderS": lambda: pv.Xdmf3ReaderS(FileName=[xmf]),
        "XDMFReader": lambda: pv.XDMFReader(FileNames=[xmf]),
    }
    for name, make in readers.items():
        reader = make()
        times = list(reader.TimestepValues)
        expect(len(times) == 5, f"{name}: {len(times)} time steps, expected 5")
        expect(abs(times[-1] - t_last) < 1e-6 * t_last, f"{name}: last time {times[-1]} vs {t_last}")
        if name == "XDMFReader":
            reader.CellArrayStatus = ["concentration"]
        data, values = cell_array(reader, times[-1], "concentration")
        expect(data.GetNumberOfCells() == written.size, f"{name}: {data.GetNumberOfCells()} cells")
        # VTK orders cells x fastest, then y, then z: the same as the C-order [nz][ny][nx] dataset.
        expect(np.array_equal(values, written.ravel()), f"{name}: values read back differ from the file")
        bounds = data.GetBounds()
        expect(abs(bounds[1] - 400.0) < 1e-9 and abs(bounds[4] + 1620.0) < 1e-9, f"{name}: bounds {bounds}")
        print(f"{name}: {len(times)} steps, {data.GetNumberOfCells()} cells, values identical to the HDF5 file")


if __name__ == "__main__":
    sys.argv[1:] = ["check"]
    main({"check": check})
