#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Cuts the regional pieces shipped in data/ out of the larger public files (see data/README.md).

    python3 data/cut_sources.py AZORES_BATHY.nc CMEMS_SURFACE.nc OUTPUT_DIR

Reads the netCDF-4 sources with h5py and writes the cuts with ncgen from CDL, keeping each file's
variables, types, attributes and layout (COARDS x/y axes without units; int64 time, scalar depth
coordinate, NaN fill values); only the extent shrinks. Values are copied, not resampled.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

BATHY_WINDOW = dict(lon=(-33.0, -31.0), lat=(36.8, 38.2))   # Lucky Strike and Menez Gwen
CURRENT_WINDOW = dict(lon=(-40.0, -25.0), lat=(30.0, 45.0))  # the Azores, 1-degree points around them


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def cdl_number(value, kind):
    value = float(value)
    if np.isnan(value):
        return "NaNf" if kind == "float" else "NaN"
    return repr(value) + ("f" if kind == "float" else "")


def cdl_values(array, kind):
    return ", ".join(cdl_number(v, kind) if kind in ("float", "double") else str(int(v)) for v in np.ravel(array))


def attributes(obj, name, skip=("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME", "_Netcdf4Coordinates",
                                 "_Netcdf4Dimid", "_NCProperties")):
    lines = []
    for key, value in obj.attrs.items():
        if key in skip:
            continue
        if isinstance(value, (bytes, str)):
            lines.append(f'\t\t{name}:{key} = "{text(value)}" ;')
        else:
            array = np.atleast_1d(value)
            kind = "float" if array.dtype == np.float32 else "double"
            lines.append(f"\t\t{name}:{key} = {cdl_values(array, kind)} ;")
    return lines


def window(axis, bounds):
    keep = np.where((axis >= bounds[0] - 1e-9) & (axis <= bounds[1] + 1e-9))[0]
    return keep[0], keep[-1] + 1


def ncgen(cdl, output):
    with tempfile.NamedTemporaryFile("w", suffix=".cdl", delete=False) as f:
        f.write(cdl)
    try:
        subprocess.run(["ncgen", "-k", "nc4", "-o", output, f.name], check=True)
    finally:
        os.unlink(f.name)


def cut_bathymetry(source, output):
    f = h5py.File(source, "r")
    x, y = f["x"][:], f["y"][:]
    i0, i1 = window(x, BATHY_WINDOW["lon"])
    j0, j1 = window(y, BATHY_WINDOW["lat"])
    xs, ys, z = x[i0:i1], y[j0:j1], f["z"][j0:j1, i0:i1]
    lines = ["netcdf azores_lucky_strike_1arcmin {", "dimensions:", f"\tx = {len(xs)} ;", f"\ty = {len(ys)} ;",
             "variables:", "\tdouble x(x) ;", '\t\tx:long_name = "x" ;',
             f"\t\tx:actual_range = {xs[0]!r}, {xs[-1]!r} ;", "\tdouble y(y) ;", '\t\ty:long_name = "y" ;',
             f"\t\ty:actual_range = {ys[0]!r}, {ys[-1]!r} ;", "\tfloat z(y, x) ;", "\t\tz:_FillValue = NaNf ;",
             '\t\tz:long_name = "z" ;', f"\t\tz:actual_range = {float(np.nanmin(z))!r}, {float(np.nanmax(z))!r} ;", ""]
    for key in ("Conventions", "title", "GMT_version"):
        lines.append(f'\t\t:{key} = "{text(f.attrs[key])}" ;')
    lines.append(f'\t\t:history = "{text(f.attrs["history"])}; cut to lon {BATHY_WINDOW["lon"]}, lat '
                 f'{BATHY_WINDOW["lat"]} by hadal data/cut_sources.py" ;')
    lines.append(f'\t\t:description = "{text(f.attrs["description"])}" ;')
    lines += ["data:", f" x = {cdl_values(xs, 'double')} ;", f" y = {cdl_values(ys, 'double')} ;",
              f" z = {cdl_values(z, 'float')} ;", "}"]
    ncgen("\n".join(lines) + "\n", output)


def cut_currents(source, output):
    f = h5py.File(source, "r")
    lon, lat = f["longitude"][:], f["latitude"][:]
    i0, i1 = window(lon, CURRENT_WINDOW["lon"])
    j0, j1 = window(lat, CURRENT_WINDOW["lat"])
    nt = f["time"].shape[0]
    lines = ["netcdf cmems_azores_surface_1deg_5day_2024-01 {", "dimensions:", f"\ttime = {nt} ;",
             f"\tlatitude = {j1 - j0} ;", f"\tlongitude = {i1 - i0} ;", "variables:"]
    for name in ("uo", "vo"):
        lines.append(f"\tfloat {name}(time, latitude, longitude) ;")
        lines += attributes(f[name], name)
    lines.append("\tfloat depth ;")
    lines += attributes(f["depth"], "depth")
    lines.append("\tfloat latitude(latitude) ;")
    lines += attributes(f["latitude"], "latitude")
    lines.append("\tfloat longitude(longitude) ;")
    lines += attributes(f["longitude"], "longitude")
    lines.append("\tint64 time(time) ;")
    lines += attributes(f["time"], "time")
    lines.append("")
    for key, value in f.attrs.items():
        if key != "_NCProperties":
            lines.append(f'\t\t:{key} = "{text(value)}" ;')
    lines.append(f'\t\t:history = "cut to lon {CURRENT_WINDOW["lon"]}, lat {CURRENT_WINDOW["lat"]} by hadal '
                 f'data/cut_sources.py" ;')
    lines += ["data:"]
    for name in ("uo", "vo"):
        lines.append(f" {name} = {cdl_values(f[name][:, j0:j1, i0:i1], 'float')} ;")
    lines += [f" depth = {cdl_number(f['depth'][()], 'float')} ;",
              f" latitude = {cdl_values(lat[j0:j1], 'float')} ;", f" longitude = {cdl_values(lon[i0:i1], 'float')} ;",
              f" time = {cdl_values(f['time'][:], 'int64')} ;", "}"]
    ncgen("\n".join(lines) + "\n", output)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    azores, cmems, out = sys.argv[1:]
    os.makedirs(os.path.join(out, "bathymetry"), exist_ok=True)
    os.makedirs(os.path.join(out, "currents"), exist_ok=True)
    cut_bathymetry(azores, os.path.join(out, "bathymetry", "azores_lucky_strike_1arcmin.nc"))
    cut_currents(cmems, os.path.join(out, "currents", "cmems_azores_surface_1deg_5day_2024-01.nc"))
