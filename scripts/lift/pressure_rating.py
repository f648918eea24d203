#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Prints, per pipe and over one or more elastic lift.transient runs, the largest burst load (pipe pressure
over the seawater outside), the largest collapse load (seawater over the pipe) and the highest gauge pressure,
with where and when, as a Markdown table, and the load each pipe must be rated for (before design factors).
usage: pressure_rating.py RUN_DIR [RUN_DIR ...]"""
import csv
import os
import sys


def worst(rows, column):
    best = max(rows, key=lambda r: float(r[column]))
    return float(best[column]), float(best["depth_m"])


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    needed = {"supply": [0.0, 0.0], "riser": [0.0, 0.0]}  # burst, collapse
    print("| run | pipe | burst load [MPa] (depth m) | collapse load [MPa] (depth m) | highest pressure [MPa] (depth m) |")
    print("|---|---|---:|---:|---:|")
    for run in sys.argv[1:]:
        for pipe in ("supply", "riser"):
            path = os.path.join(run, f"lift_envelope_{pipe}.csv")
            if not os.path.exists(path):
                sys.exit(f"{run}: no {os.path.basename(path)} (not an elastic lift.transient run?)")
            with open(path) as f:
                rows = list(csv.DictReader(f))
            burst, burst_depth = worst(rows, "max_overpressure_Pa")
            collapse, collapse_depth = worst(rows, "max_underpressure_Pa")
            top, top_depth = worst(rows, "pressure_max_Pa")
            needed[pipe][0] = max(needed[pipe][0], burst)
            needed[pipe][1] = max(needed[pipe][1], collapse)
            print(f"| {os.path.basename(os.path.normpath(run))} | {pipe} | {burst / 1e6:.2f} ({burst_depth:.0f}) | "
                  f"{collapse / 1e6:.2f} ({collapse_depth:.0f}) | {top / 1e6:.2f} ({top_depth:.0f}) |")
    print()
    for pipe, (burst, collapse) in needed.items():
        print(f"{pipe}: rate for a burst load of at least {burst / 1e6:.2f} MPa and a collapse load of at least "
              f"{max(collapse, 0.0) / 1e6:.2f} MPa (before design factors)")


if __name__ == "__main__":
    main()
