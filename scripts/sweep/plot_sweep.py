#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Standard plots of a collected sweep (called by `hadal sweep collect`; reads results.csv).

    /usr/bin/python3 scripts/sweep/plot_sweep.py SWEEP_DIR

For every plot in the sweep file's `plots:` (x = a parameter, y = a metric, group = a parameter), and
by default for the headline metrics against each numeric parameter, draws y against x with one line per
group value (PNG in SWEEP_DIR/plots). With two numeric parameters it also draws a map of each headline
metric over the pair (e.g. deposit area >= 5 mm over current speed and source rate).
"""
import csv
import json
import math
import os
import sys

# Exit status that tells `hadal sweep collect` the plotting library is missing (a warning, not a failure).
NO_MATPLOTLIB = 3
try:
    import matplotlib
except ImportError as error:
    sys.stderr.write(f"matplotlib is not installed ({error}): install python3-matplotlib for the plots\n")
    sys.exit(NO_MATPLOTLIB)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Metrics an impact assessment reports first, in order of preference (flattened summary.json keys).
HEADLINE = ["deposit_area_m2.0.005", "deposit_area_m2.0.001", "deposit_area_m2.0.01", "turbidity_area_m2.0.002",
            "max_deposit_thickness_m", "mass_deposited_kg", "turbidity_volume_max_m3", "l2_rel_error",
            "mass_final_kg", "nu_top", "vrms"]
LABELS = {"deposit_area_m2.0.005": "deposit area >= 5 mm (m²)", "deposit_area_m2.0.001": "deposit area >= 1 mm (m²)",
          "deposit_area_m2.0.01": "deposit area >= 10 mm (m²)",
          "turbidity_area_m2.0.002": "area with water >= 2 mg/L (m²)"}
BOOKKEEPING = {"ranks", "wall_seconds", "steps", "simulated_time_s", "exit_code"}


def number(text):
    try:
        v = float(text)
        return v if math.isfinite(v) else None
    except (TypeError, ValueError):
        return None


def label(name, units):
    if name in LABELS:
        return LABELS[name]
    return f"{name} ({units[name]})" if units.get(name) else name


def line_plot(rows, x, y, group, units, path):
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    groups = sorted({r[group] for r in rows}, key=lambda g: (number(g) is None, number(g) or 0, g)) if group else [None]
    drawn = 0
    for g in groups:
        points = sorted((number(r[x]), number(r[y])) for r in rows
                        if (g is None or r[group] == g) and number(r[x]) is not None and number(r[y]) is not None)
        if not points:
            continue
        xs, ys = zip(*points)
        ax.plot(xs, ys, "o-" if len(points) < 40 else "o", ms=4, label=f"{group} = {g}" if g is not None else None)
        drawn += len(points)
    if drawn == 0:
        plt.close(fig)
        return False
    ax.set_xlabel(label(x, units))
    ax.set_ylabel(label(y, units))
    positive = [number(r[x]) for r in rows if number(r[x])]
    if positive and min(positive) > 0 and max(positive) / min(positive) > 50:
        ax.set_xscale("log")
    if group:
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(f"{label(y, units)} against {x}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def map_plot(rows, x, y, metric, units, path):
    points = [(number(r[x]), number(r[y]), number(r[metric])) for r in rows]
    points = [p for p in points if None not in p]
    if len(points) < 3:
        return False
    fig, ax = plt.subplots(figsize=(6.5, 5), dpi=110)
    xs, ys, zs = zip(*points)
    if len(set(xs)) * len(set(ys)) == len(points) and len(set(xs)) > 1 and len(set(ys)) > 1:
        # A full grid: a filled map.
        gx, gy = sorted(set(xs)), sorted(set(ys))
        grid = [[float("nan")] * len(gx) for _ in gy]
        for a, b, c in points:
            grid[gy.index(b)][gx.index(a)] = c
        mesh = ax.contourf(gx, gy, grid, levels=12, cmap="viridis") if len(gx) > 2 and len(gy) > 2 else \
            ax.pcolormesh(gx, gy, grid, shading="nearest", cmap="viridis")
    else:
        mesh = ax.scatter(xs, ys, c=zs, cmap="viridis", s=40)
    fig.colorbar(mesh, ax=ax, label=label(metric, units))
    ax.set_xlabel(label(x, units))
    ax.set_ylabel(label(y, units))
    ax.set_title(f"{label(metric, units)}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(directory, "results.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["state"] == "done"]
    if not rows:
        print("plot_sweep: no finished members yet; no plots")
        return 0
    params = manifest["parameters"]
    units = {p["name"]: p["unit"] for p in params}
    numeric = [p["name"] for p in params if p["numeric"]]
    names = [p["name"] for p in params]
    metrics = [c for c in rows[0].keys() if c not in names and c not in ("member", "state", "exit_code")]
    numeric_metrics = [m for m in metrics if m not in BOOKKEEPING and any(number(r[m]) is not None for r in rows)]
    headline = [m for m in HEADLINE if m in numeric_metrics][:3] or numeric_metrics[:3]
    plots = [(p["x"], p["y"], p["group"] or None) for p in manifest["plots"]]
    if not plots:
        for y in headline:
            for x in numeric:
                others = [n for n in names if n != x]
                plots.append((x, y, others[0] if others else None))
    out = os.path.join(directory, "plots")
    os.makedirs(out, exist_ok=True)
    written = []
    for x, y, group in plots:
        if y not in rows[0]:
            print(f"plot_sweep: warning: no metric '{y}' in results.csv (metrics: {', '.join(numeric_metrics)})")
            continue
        path = os.path.join(out, f"{y}_vs_{x}.png".replace("/", "_"))
        if line_plot(rows, x, y, group, units, path):
            written.append(path)
    if len(numeric) >= 2:
        for y in headline:
            path = os.path.join(out, f"{y}_map_{numeric[0]}_{numeric[1]}.png")
            if map_plot(rows, numeric[0], numeric[1], y, units, path):
                written.append(path)
    for p in written:
        print(f"plot_sweep: wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
