#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of plume cases through the hadal command line."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from hadal_testing import (SOURCE_DIR, case_path, expect, main, require, run, run_headless_pvpython,  # noqa: E402
                           summary, workdir)

CASE = case_path("plume", "default.yaml")
# A coarse, short version of the main job: same physics, minutes -> seconds.
SMALL = ["--set", "grid.cells=[40, 30, 12]", "--set", "grid.refine=null", "--set", "time.end=2 h",
         "--set", "output.interval=1 h", "--set", "checkpoint.interval=1 h", "-q"]


def final_state(directory):
    # Checkpoints proper; companions such as the ocean state (<name>.ocean.h5) are skipped.
    names = sorted(n for n in os.listdir(os.path.join(directory, "checkpoints")) if re.fullmatch(r"checkpoint_\d+\.h5", n))
    with h5py.File(os.path.join(directory, "checkpoints", names[-1]), "r") as f:
        return f["fields/concentration_all"][...], f["fields/bed_mass"][...]


def test_bad_input():
    d = workdir("plume_bad")
    flow_file = os.path.join(d, "wrong_grid.h5")
    with h5py.File(flow_file, "w") as f:
        f["time"] = np.array([0.0, 1e6])
        f["u"] = np.zeros((2, 5, 6, 7))
        f["v"] = np.zeros((2, 5, 6, 7))
    cases = {
        "source outside": (["--set", "plume.sources[0].path=[615, 505, 2000, 535]"], "outside the domain"),
        "source under seabed": (["--set", "grid.z_top=-1560", "--set", "grid.uniform_levels_below=null",
                                 "--set", "plume.sources[0].path=[640, 520, 660, 530]"],
                                "under the seabed"),
        "negative rate": (["--set", "plume.sources[0].rate=-1 kg/s"], "plume.sources[0].rate"),
        "empty thresholds": (["--set", "plume.thresholds.concentration=[]"], "plume.thresholds.concentration"),
        "fractions": (["--set", "plume.sources[0].fractions=[0.5, 0.5]"], "plume.classes has 4"),
        "flow grid": (["--set", "plume.flow={type: hdf5, file: " + flow_file + "}"], "is for another grid"),
        "odd path": (["--set", "plume.sources[0].path=[615, 505, 665]"], "odd number"),
        "too many levels": (["--set", "grid.cells=[8, 8, 600]", "--set", "grid.refine=null"], "grid.cells: 600 levels"),
        "band above the top": (["--set", "grid.uniform_levels_below=-1400 m"], "grid.uniform_levels_below: must lie between"),
        "band without room": (["--set", "grid.cells=[128, 96, 6]", "--set", "grid.refine=null"], "grid.uniform_levels_below: no split of the 6 levels fits"),
        "constituent": (["--set", "plume.flow={type: tidal, constituents: [{name: X9, u_amplitude: 1 cm/s}]}"],
                        "unknown constituent 'X9'"),
    }
    for label, (args, needle) in cases.items():
        out = os.path.join(d, label.replace(" ", "_"))
        r = run(["run", CASE, "-o", out] + args)
        expect(r.returncode == 2, f"{label}: exit {r.returncode}\n{r.stderr}")
        expect(needle in r.stderr, f"{label}: message lacks '{needle}':\n{r.stderr}")
        expect("default.yaml:" in r.stderr, f"{label}: no file:line in\n{r.stderr}")
        expect(not os.path.exists(os.path.join(out, "summary.json")), f"{label}: wrote a summary")


# The same on refined columns (11-50 m, the narrow ones over the mined mound): the ocean's tide, the
# plume and the inline benthos all run on them, with the case's sub-stepped horizontal diffusion (its
# sub-steps' halo exchanges and their count, from a global maximum, must not depend on the ranks either).
REFINED = SMALL + ["--set", "grid.cells=[48, 40, 12]",
                   "--set", "grid.refine={x: [560 m, 720 m], y: [440 m, 600 m], max_growth: 1.3, max_width: 50 m}"]


def test_ranks_agree(args=SMALL, label="plume_ranks"):
    d = workdir(label)
    one, two = os.path.join(d, "np1"), os.path.join(d, "np2")
    run(["run", CASE, "-o", one] + args, check=0)
    run(["run", CASE, "-o", two] + args, ranks=2, check=0)
    (c1, b1), (c2, b2) = final_state(one), final_state(two)
    dc = np.abs(c1 - c2).max() / np.abs(c1).max()
    db = np.abs(b1 - b2).max() / np.abs(b1).max()
    print(f"1 vs 2 ranks: max relative difference {dc:.1e} (suspended), {db:.1e} (bed)")
    expect(dc < 1e-11 and db < 1e-11, f"ranks disagree: {dc}, {db}")
    s1, s2 = summary(one), summary(two)
    for key in ("mass_emitted_kg", "mass_deposited_kg", "max_concentration_kg_m3"):
        expect(abs(s1[key] - s2[key]) <= 1e-11 * abs(s1[key]), f"{key}: {s1[key]} vs {s2[key]}")
    # On uniform columns the areas are integer counts of samples (exact on any rank count); on refined
    # ones sums of the samples' areas (the same to round-off).
    for threshold, area in s1["deposit_area_m2"].items():
        expect(abs(area - s2["deposit_area_m2"][threshold]) <= 1e-12 * max(area, 1.0), f"deposit areas differ at {threshold}")
    if args is SMALL:
        expect(s1["deposit_area_m2"] == s2["deposit_area_m2"], "deposit areas differ")
    else:
        log = open(os.path.join(one, "hadal.log")).read()
        expect("refined columns: x " in log, "the log does not state the refined columns")
        expect(s1["steps"] == s2["steps"], f"steps {s1['steps']} vs {s2['steps']}")
        expect(s1["benthos"]["carbon_budget_rel_error"] < 1e-12, f"benthos budget {s1['benthos']['carbon_budget_rel_error']}")


def test_restart_bitwise(args=SMALL, label="plume_restart"):
    d = workdir(label)
    full, part = os.path.join(d, "full"), os.path.join(d, "part")
    run(["run", CASE, "-o", full] + args, check=0)
    run(["run", CASE, "-o", part] + args + ["--set", "time.end=1 h"], check=0)
    run(["run", CASE, "-o", part, "--restart", "latest"] + args, check=0)
    (c1, b1), (c2, b2) = final_state(full), final_state(part)
    expect(np.array_equal(c1, c2) and np.array_equal(b1, b2), "restarted plume run differs from the uninterrupted one")
    expect(summary(full)["deposit_area_m2"] == summary(part)["deposit_area_m2"], "metrics differ after restart")


def test_hdf5_flow_matches_uniform():
    """A flow file holding a constant current gives exactly the run with that uniform current."""
    d = workdir("plume_flowfile")
    base = ["--set", "bathymetry={type: flat, depth: 1600}", "--set", "grid.cells=[40, 30, 12]", "--set", "grid.refine=null",
            "--set", "time.end=1 h", "-q"]
    flow_file = os.path.join(d, "flow.h5")
    with h5py.File(flow_file, "w") as f:
        f["time"] = np.array([0.0, 7200.0])
        f["u"] = np.full((2, 12, 30, 40), 0.02)
        f["v"] = np.full((2, 12, 30, 40), -0.01)
    uniform, from_file = os.path.join(d, "uniform"), os.path.join(d, "file")
    run(["run", CASE, "-o", uniform, "--set", "plume.flow={type: uniform, velocity: [0.02, -0.01]}"] + base, check=0)
    run(["run", CASE, "-o", from_file, "--set", "plume.flow={type: hdf5, file: " + flow_file + "}"] + base, check=0)
    a, b = summary(uniform), summary(from_file)
    for key in ("mass_suspended_kg", "mass_deposited_kg", "max_concentration_kg_m3"):
        expect(abs(a[key] - b[key]) <= 1e-12 * abs(a[key]), f"{key}: {a[key]} vs {b[key]}")
    short = ["--set", "time.end=3 h"]
    r = run(["run", CASE, "-o", os.path.join(d, "short"), "--set", "plume.flow={type: hdf5, file: " + flow_file + "}"]
            + base + short)
    expect(r.returncode == 2 and "covers t" in r.stderr, f"short flow file accepted: {r.returncode} {r.stderr}")


def test_fixed_dt_uses_the_flow():
    """A fixed time.dt drives the plume with the flow exactly as adaptive steps of the same length do
    (regression: with a fixed dt the flow was never evaluated and the plume stood still)."""
    d = workdir("plume_fixed_dt")
    base = ["--set", "bathymetry={type: flat, depth: 1600}", "--set", "grid.cells=[40, 30, 12]", "--set", "grid.refine=null",
            "--set", "time.end=1 h", "--set", "plume.flow={type: uniform, velocity: [0.05, 0.0]}", "-q"]
    adaptive, fixed = os.path.join(d, "adaptive"), os.path.join(d, "fixed")
    run(["run", CASE, "-o", adaptive, "--set", "time.dt_max=60 s"] + base, check=0)
    run(["run", CASE, "-o", fixed, "--set", "time.dt=60 s"] + base, check=0)
    a, b = summary(adaptive), summary(fixed)
    expect(a["steps"] == b["steps"], f"steps {a['steps']} vs {b['steps']}: the adaptive dt was not 60 s")
    for key in ("mass_suspended_kg", "mass_deposited_kg", "max_concentration_kg_m3"):
        expect(abs(a[key] - b[key]) <= 1e-12 * abs(a[key]), f"{key}: {a[key]} vs {b[key]}")
    expect(a["extent_m"] == b["extent_m"], f"extent {a['extent_m']} vs {b['extent_m']}")
    expect(b["extent_m"]["E"] > b["extent_m"]["W"] + 100.0, f"no eastward drift: {b['extent_m']}")


def test_default_case_smoke():
    """The main job at coarse resolution: budget closed, metrics consistent."""
    d = workdir("plume_smoke")
    out = os.path.join(d, "run")
    run(["run", CASE, "-o", out, "--set", "grid.cells=[64, 48, 16]", "--set", "grid.refine=null", "--set", "time.end=6 h",
         "--set", "output.interval=3 h", "-q"], check=0)
    s = summary(out)
    expect(s["mass_balance_rel_error"] < 1e-12, f"mass balance {s['mass_balance_rel_error']}")
    expect(abs(s["mass_emitted_kg"] - 2.0 * 6 * 3600) < 1e-6, "emitted mass != rate x time")
    areas = [s["deposit_area_m2"][k] for k in ("0.001", "0.005", "0.01")]
    expect(areas[0] >= areas[1] >= areas[2] and areas[0] > 0, f"deposit areas {areas}")
    expect(s["turbidity_area_m2"]["0.002"] > 0, "no turbidity footprint")
    expect(s["extent_m"]["E"] > s["extent_m"]["W"], f"plume should drift east with the mean current: {s['extent_m']}")
    with open(os.path.join(out, "stations.csv")) as f:
        header = f.readline()
        expect("source:concentration[kg m-3]" in header and len(f.readlines()) > 10, "station series")


def test_deposit_figure():
    """The README's figure command renders the deposit map of a (small) main-job run."""
    require("pvpython", "xvfb-run")
    d = workdir("plume_figure")
    out = os.path.join(d, "run")
    run(["run", CASE, "-o", out, "--set", "grid.cells=[40, 30, 12]", "--set", "grid.refine=null", "--set", "time.end=3 h",
         "--set", "output.interval=3 h", "-q"], check=0)
    render = os.path.join(SOURCE_DIR, "scripts", "plume", "render_deposit.py")
    png = os.path.join(d, "deposit.png")
    r = run_headless_pvpython([render, out, png])
    expect(r.returncode == 0 and os.path.exists(png), f"render failed: {r.stdout}{r.stderr}")
    expect(os.path.getsize(png) > 20000, f"figure suspiciously small ({os.path.getsize(png)} bytes)")


if __name__ == "__main__":
    main({
        "bad_input": test_bad_input,
        "ranks_agree": test_ranks_agree,
        "restart_bitwise": test_restart_bitwise,
        "refined_ranks_agree": lambda: test_ranks_agree(REFINED, "plume_refined_ranks"),
        "refined_restart_bitwise": lambda: test_restart_bitwise(REFINED, "plume_refined_restart"),
        "hdf5_flow": test_hdf5_flow_matches_uniform,
        "fixed_dt": test_fixed_dt_uses_the_flow,
        "default_case_smoke": test_default_case_smoke,
        "deposit_figure": test_deposit_figure,
    })
