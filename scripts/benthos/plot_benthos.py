# SPDX-License-Identifier: MIT
"""Plots a benthos run: the largest-loss map of one group and the station recovery curves (PNG, matplotlib).

    python3 scripts/benthos/plot_benthos.py RUN_DIR OUT_PREFIX [--group meiobenthos_epifauna]

Writes OUT_PREFIX_loss.png (the group's largest loss so far, percent of baseline, from the last
benthos_NNNNNN.h5, with the 10/50/90 % contours) and OUT_PREFIX_stations.png (each organism group's stock
relative to its baseline at every station of benthos_stations.csv, over years). RUN_DIR is an inline
plume run or an offline benthos.recovery run.
"""
import argparse
import csv
import glob
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

GROUPS = ["bacteria", "nanobenthos", "meiobenthos_epifauna", "meiobenthos_infauna", "macrobenthos"]
YEAR = 365.25 * 86400.0

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("run_dir")
parser.add_argument("out_prefix")
parser.add_argument("--group", default="meiobenthos_epifauna", choices=GROUPS)
args = parser.parse_args()

files = sorted(glob.glob(os.path.join(args.run_dir, "benthos_[0-9]*.h5")))
if not files:
    raise SystemExit(f"{args.run_dir}: no benthos_NNNNNN.h5 (not a benthos run)")
with h5py.File(os.path.join(args.run_dir, "grid.h5"), "r") as grid:
    x = grid["/grid/x_nodes"][()]
    y = grid["/grid/y_nodes"][()]
with h5py.File(files[-1], "r") as last:
    loss = last[f"/fields/{args.group}_max_loss_percent"][()]
    time = float(last.attrs["time"])

figure, axes = plt.subplots(figsize=(7, 5))
mesh = axes.pcolormesh(x, y, np.clip(loss, 0.0, 100.0), cmap="magma_r", vmin=0.0, vmax=100.0, shading="flat")
centres_x, centres_y = 0.5 * (x[1:] + x[:-1]), 0.5 * (y[1:] + y[:-1])
if loss.max() > 10.0:
    lines = axes.contour(centres_x, centres_y, loss, levels=[10.0, 50.0, 90.0], colors="k", linewidths=0.8)
    axes.clabel(lines, fmt="%g %%")
figure.colorbar(mesh, ax=axes, label=f"largest loss of {args.group} (% of baseline)")
axes.set_xlabel("x (m)")
axes.set_ylabel("y (m)")
axes.set_aspect("equal")
# Zoom on the disturbed footprint (loss above 1 %) with a 150 m margin.
jj, ii = np.nonzero(loss > 1.0)
if ii.size:
    axes.set_xlim(max(x[0], x[ii.min()] - 150.0), min(x[-1], x[ii.max() + 1] + 150.0))
    axes.set_ylim(max(y[0], y[jj.min()] - 150.0), min(y[-1], y[jj.max() + 1] + 150.0))
axes.set_title(f"{args.group}: largest loss up to t = {time / 86400.0:.3g} d")
figure.tight_layout()
figure.savefig(args.out_prefix + "_loss.png", dpi=120)

# The baseline of a group is the same in every wet column: stock / (1 + change) where it has stock.
baselines = {}
with h5py.File(files[-1], "r") as last:
    for group in GROUPS:
        stock, change = last[f"/fields/{group}"][()], last[f"/fields/{group}_change_percent"][()]
        held = (stock > 0.0) & (change > -99.0)
        baselines[group] = float(np.median(stock[held] / (1.0 + change[held] / 100.0)))

with open(os.path.join(args.run_dir, "benthos_stations.csv")) as f:
    rows = list(csv.reader(f))
header, data = rows[0], np.array([[float(v) for v in row] for row in rows[1:]])
stations = sorted({name.split(":")[0] for name in header[1:]})
figure, panels = plt.subplots(len(stations), 1, figsize=(7, 2.6 * len(stations)), sharex=True, squeeze=False)
years = data[:, 0] / YEAR
for panel, station in zip(panels[:, 0], stations):
    for group in GROUPS:
        column = header.index(f"{station}:{group}[mg m-2]")
        reference = baselines[group]
        panel.plot(years, 100.0 * data[:, column] / reference, label=group)
    panel.axhline(90.0, color="grey", linestyle=":", linewidth=0.8)
    panel.set_ylabel("% of baseline")
    panel.set_title(station)
panels[0, 0].legend(fontsize=7, ncol=2)
panels[-1, 0].set_xlabel("time (years)")
figure.tight_layout()
figure.savefig(args.out_prefix + "_stations.png", dpi=120)
print(f"wrote {args.out_prefix}_loss.png and {args.out_prefix}_stations.png")
