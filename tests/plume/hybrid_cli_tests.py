#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hybrid parallelism: 1 rank x 2 threads, 2 ranks x 1 thread and 1 rank x 1 thread give the same plume.

With a threaded Kokkos back-end (OpenMP, Threads) a data race in a kernel (two threads updating one
cell, a bin or a counter without an atomic or a reduction) makes the 2-thread run differ from the
1-thread run, bit for bit where the summation order is fixed. The thread leg checks in hadal.log that
it really ran on two threads. With a Serial back-end (Debian's Kokkos 3.4) only the ranks leg means
something; the test says so and compares 1 and 2 ranks."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from hadal_testing import case_path, expect, main, run, summary, workdir  # noqa: E402

CASE = case_path("plume", "default.yaml")
SMALL = ["--set", "grid.cells=[40, 30, 12]", "--set", "grid.refine=null", "--set", "time.end=2 h",
         "--set", "output.interval=1 h", "--set", "checkpoint.interval=1 h", "-q"]


def execution_space():
    info = run(["info"], check=0).stdout
    return re.search(r"^Kokkos execution space: (\S+)", info, re.M).group(1)


def run_layout(directory, args, ranks, threads, threaded):
    """One run on `ranks` ranks of `threads` threads; returns its output folder."""
    out = os.path.join(directory, f"{ranks}x{threads}")
    kokkos = [f"--kokkos-num-threads={threads}"] if threaded else []
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_PROC_BIND="false")
    run(["run", CASE, "-o", out] + args + SMALL + kokkos, ranks=ranks, check=0, env=env)
    with open(os.path.join(out, "hadal.log")) as f:
        concurrency = int(re.search(r"Kokkos concurrency: (\d+)", f.read()).group(1))
    expected = threads if threaded else 1
    expect(concurrency == expected, f"{ranks}x{threads}: Kokkos ran {concurrency} threads per rank, not {expected}")
    return out


def layouts(name, args):
    space = execution_space()
    threaded = space != "Serial"
    d = workdir(name)
    one = run_layout(d, args, 1, 1, threaded)
    ranks = run_layout(d, args, 2, 1, threaded)
    if not threaded:
        print(f"Kokkos back-end {space}: one thread per rank, so only 1x1 vs 2x1 is compared")
        return one, {"2x1": ranks}
    return one, {"2x1": ranks, "1x2": run_layout(d, args, 1, 2, threaded)}


def final_fields(directory):
    names = sorted(n for n in os.listdir(os.path.join(directory, "checkpoints")) if re.fullmatch(r"checkpoint_\d+\.h5", n))
    with h5py.File(os.path.join(directory, "checkpoints", names[-1]), "r") as f:
        return f["fields/concentration_all"][...], f["fields/bed_mass"][...]


def test_eulerian():
    """Eulerian transport: the fields and metrics agree to round-off (a race moves them by far more:
    a lost update of one cell's flux is a relative change of order 1e-3 somewhere in the plume)."""
    one, others = layouts("hybrid_eulerian", [])
    c1, b1 = final_fields(one)
    s1 = summary(one)
    for label, out in others.items():
        c, b = final_fields(out)
        dc = np.abs(c - c1).max() / np.abs(c1).max()
        db = np.abs(b - b1).max() / np.abs(b1).max()
        print(f"{label} vs 1x1: max relative difference {dc:.1e} (suspended), {db:.1e} (bed)"
              f"{' (bitwise)' if dc == 0 and db == 0 else ''}")
        expect(dc < 1e-11 and db < 1e-11, f"{label} disagrees with 1x1: {dc}, {db}")
        s = summary(out)
        for key in ("mass_emitted_kg", "mass_deposited_kg", "max_concentration_kg_m3"):
            expect(abs(s[key] - s1[key]) <= 1e-11 * abs(s1[key]), f"{label} {key}: {s[key]} vs {s1[key]}")
        expect(s["deposit_area_m2"] == s1["deposit_area_m2"], f"{label}: deposit areas differ")


def particles_of(directory):
    last = sorted(n for n in os.listdir(directory) if n.startswith("particles_") and n.endswith(".h5"))[-1]
    with h5py.File(os.path.join(directory, last), "r") as f:
        order = np.argsort(f["particles/id"][...])
        return {name: f["particles/" + name][...][order] for name in ("id", "position", "state", "mass")}


def test_particles():
    """Lagrangian particles: every trajectory is a function of (seed, id, step) alone, so the particles
    agree bit for bit; the binned fields (deposit, concentration) to round-off."""
    # The main job's inline benthos needs the Eulerian deposition: particles alone run without it.
    args = ["--set", "plume.method=lagrangian", "--set", "plume.benthos=null",
            "--set", "plume.lagrangian.particles_per_second=5"]
    one, others = layouts("hybrid_particles", args)
    p1, s1 = particles_of(one), summary(one)
    for label, out in others.items():
        p, s = particles_of(out), summary(out)
        expect(np.array_equal(p["id"], p1["id"]), f"{label}: different particles than 1x1")
        for name in ("position", "state", "mass"):
            expect(np.array_equal(p[name], p1[name]), f"{label}: particle {name} differs from 1x1")
        print(f"{label} vs 1x1: {len(p['id'])} particles identical")
        expect(s["particles"] == s1["particles"], f"{label}: particle counts differ: {s['particles']} vs {s1['particles']}")
        for key in ("mass_emitted_kg", "mass_deposited_kg", "max_concentration_kg_m3", "max_deposit_thickness_m"):
            expect(abs(s[key] - s1[key]) <= 1e-12 * abs(s1[key]), f"{label} {key}: {s[key]} vs {s1[key]}")
        expect(s["deposit_area_m2"] == s1["deposit_area_m2"], f"{label}: deposit areas differ")


if __name__ == "__main__":
    main({"eulerian": test_eulerian, "particles": test_particles})
