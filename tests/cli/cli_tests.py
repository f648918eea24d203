#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of the hadal command line on the diffusion verification case."""
import math
import os
import signal
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import h5py  # noqa: E402
import numpy as np  # noqa: E402
from hadal_testing import (HADAL, SOURCE_DIR, case_path, expect, main, run, summary, workdir)  # noqa: E402

CASE = case_path("verification", "diffusion.yaml")


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def last_checkpoint_field(directory, field="concentration"):
    checkpoints = sorted(os.listdir(os.path.join(directory, "checkpoints")))
    with h5py.File(os.path.join(directory, "checkpoints", checkpoints[-1]), "r") as f:
        return f["fields/" + field][...], f.attrs["time"]


def test_bad_input():
    d = workdir("bad")
    good = open(CASE).read()
    cases = {
        "missing file": ([os.path.join(d, "nope.yaml")], "cannot open the file"),
        "syntax": ([write(d, "syntax.yaml", "case:\n  type: diffusion\n  name: [unclosed\n")], "syntax.yaml:"),
        "unknown key": ([write(d, "unknown.yaml", good.replace("cfl: 0.8", "cfll: 0.8"))], "did you mean 'cfl'"),
        "wrong type": ([write(d, "type.yaml", good.replace("mass: 10 kg", "mass: heavy"))], "diffusion.mass"),
        "wrong unit": ([write(d, "unit.yaml", good.replace("mass: 10 kg", "mass: 10 m"))], "units of [kg]"),
        "negative cells": ([write(d, "cells.yaml", good.replace("cells: [80, 64, 20]", "cells: [-80, 64, 20]"))],
                           "grid.cells[0]"),
        "zero extent": ([write(d, "extent.yaml", good.replace("extent: [400 m, 320 m]", "extent: [0 m, 320 m]"))],
                        "grid.extent[0]"),
        "unknown type": ([write(d, "kind.yaml", good.replace("type: diffusion", "type: difusion"))],
                         "did you mean 'diffusion'"),
        "release outside": ([write(d, "outside.yaml", good.replace("center: [200 m, 160 m, -1600 m]",
                                                                    "center: [900 m, 160 m, -1600 m]"))],
                            "diffusion.center"),
        "refined box outside": ([write(d, "refine_outside.yaml", good.replace(
            "cells: [80, 64, 20]", "cells: [80, 64, 20]\n  refine: {x: [300 m, 500 m]}"))], "grid.refine.x"),
        "too few refined cells": ([write(d, "refine_cells.yaml", good.replace(
            "cells: [80, 64, 20]", "cells: [8, 64, 20]\n  refine: {x: [200 m, 201 m], max_width: 10 m}"))],
            "grid.refine.x"),
        "refined columns refused": ([write(d, "refine_diffusion.yaml", good.replace(
            "cells: [80, 64, 20]", "cells: [80, 64, 20]\n  refine: {x: [150 m, 250 m]}"))], "needs uniform columns"),
    }
    for label, (args, needle) in cases.items():
        out = os.path.join(d, "out_" + label.replace(" ", "_"))
        r = run(["run"] + args + ["-o", out])
        expect(r.returncode == 2, f"{label}: exit {r.returncode}, expected 2\n{r.stderr}")
        expect(needle in r.stderr, f"{label}: message lacks '{needle}':\n{r.stderr}")
        expect(not os.path.exists(os.path.join(out, "summary.json")), f"{label}: left a summary.json")
        r = run(["check"] + args)
        expect(r.returncode == 2 and needle in r.stderr, f"check {label}: exit {r.returncode}\n{r.stderr}")
    # Every problem at once, each with file:line:column.
    bad = write(d, "many.yaml", good.replace("cfl: 0.8", "cfl: 3").replace("mass: 10 kg", "mass: -1 kg"))
    r = run(["check", bad])
    expect(r.returncode == 2 and r.stderr.count("hadal: error:") == 2, r.stderr)
    expect("many.yaml:18:8: time.cfl" in r.stderr, r.stderr)
    # Output directory that cannot be written (a file stands where the directory should be).
    blocker = write(d, "blocker", "x")
    r = run(["run", CASE, "-o", os.path.join(blocker, "sub")])
    expect(r.returncode == 2 and "output" in r.stderr, f"unwritable output: {r.returncode} {r.stderr}")
    # A finished run is never overwritten by accident.
    out = os.path.join(d, "finished")
    run(["run", CASE, "-o", out, "-q", "--set", "time.end=10 min"], check=0)
    before = open(os.path.join(out, "summary.json")).read()
    r = run(["run", CASE, "-o", out, "-q"])
    expect(r.returncode == 2 and "already holds" in r.stderr, r.stderr)
    expect(open(os.path.join(out, "summary.json")).read() == before, "summary.json was touched")
    # Restart from a checkpoint of a case with different physics.
    other = os.path.join(d, "other")
    run(["run", CASE, "-o", other, "-q", "--set", "time.end=1 h", "--set", "diffusion.mass=5 kg"], check=0)
    checkpoint = os.path.join(other, "checkpoints", sorted(os.listdir(os.path.join(other, "checkpoints")))[-1])
    r = run(["run", CASE, "-o", os.path.join(d, "restart_bad"), "--restart", checkpoint])
    expect(r.returncode == 2 and "physics settings differ" in r.stderr, r.stderr)
    r = run(["run", CASE, "-o", os.path.join(d, "restart_bad2"), "--set", "grid.cells=[40, 64, 20]",
             "--restart", checkpoint])
    expect(r.returncode == 2 and "cells" in r.stderr, r.stderr)
    # Unknown command-line usage.
    expect(run(["frobnicate"]).returncode == 2, "unknown command")
    expect(run(["run"]).returncode == 2, "missing case")
    # A benchmark argument that is not a number: a clear error, not an abort.
    r = run(["bench", "plume", "8", "eight", "8"])
    expect(r.returncode == 2 and "bench plume: an argument is not a number" in r.stderr, f"{r.returncode} {r.stderr}")


def test_numerical_failure():
    d = workdir("nan")
    r = run(["run", CASE, "-o", d, "--set", "time.dt=20 min", "--set", "time.end=400 h"])
    expect(r.returncode == 3, f"exit {r.returncode}, expected 3\n{r.stderr}")
    expect("non-finite concentration" in r.stderr and "cell (" in r.stderr, r.stderr)
    expect(not os.path.exists(os.path.join(d, "summary.json")), "summary.json after failure")


def test_restart_bitwise():
    d = workdir("restart")
    full = os.path.join(d, "full")
    run(["run", CASE, "-o", full, "-q"], check=0)
    reference, t_end = last_checkpoint_field(full)
    # Restart from the mid-run checkpoint (t = 1 h) of the same run, in a copy of its directory.
    part = os.path.join(d, "part")
    run(["run", CASE, "-o", part, "-q", "--set", "time.end=1 h"], check=0)
    r = run(["run", CASE, "-o", part, "-q", "--restart", "latest"], check=0)
    restarted, t_restart = last_checkpoint_field(part)
    expect(t_restart == t_end, f"restart ended at {t_restart}, reference at {t_end}")
    expect(np.array_equal(reference, restarted),
           f"restart differs: max |diff| = {np.abs(reference - restarted).max()}")
    # The index of the restarted run covers the whole series.
    expect(open(os.path.join(part, "fields.xmf")).read().count("<Time ") == 5, "xmf lost the earlier steps")


def test_signal_checkpoint():
    d = workdir("signal")
    args = ["run", CASE, "-q", "--set", "grid.cells=[160, 128, 20]", "--set", "time.end=4 h"]
    full = os.path.join(d, "full")
    run(args + ["-o", full], check=0)
    reference, _ = last_checkpoint_field(full)
    cut = os.path.join(d, "cut")
    process = subprocess.Popen([HADAL] + args + ["-o", cut], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=300)
    if process.returncode == 0:
        print("note: run finished before the signal; signal path not exercised on this machine")
        return
    expect(process.returncode == 75, f"exit {process.returncode} after SIGTERM, expected 75\n{err}")
    expect("received signal 15" in err, err)
    expect(not os.path.exists(os.path.join(cut, "summary.json")), "summary.json after a signal stop")
    run(args + ["-o", cut, "--restart", "latest"], check=0)
    restarted, _ = last_checkpoint_field(cut)
    expect(np.array_equal(reference, restarted), "signal-restart differs from the uninterrupted run")


def test_ranks_agree():
    d = workdir("ranks")
    one, two = os.path.join(d, "np1"), os.path.join(d, "np2")
    run(["run", CASE, "-o", one, "-q"], check=0)
    r = run(["run", CASE, "-o", two, "--profile"], ranks=2, check=0)
    a, _ = last_checkpoint_field(one)
    b, _ = last_checkpoint_field(two)
    diff = np.abs(a - b).max() / np.abs(a).max()
    print(f"1 vs 2 ranks: max relative difference {diff:.2e}")
    expect(diff < 1e-13, f"1 and 2 ranks differ by {diff}")
    s1, s2 = summary(one), summary(two)
    expect(abs(s1["l2_rel_error"] - s2["l2_rel_error"]) < 1e-12, "L2 errors differ")
    expect(s1["mass_rel_error"] < 1e-12 and s2["mass_rel_error"] < 1e-12, "mass not conserved")
    # --profile (on 2 ranks: the table is collective): every step's advance is timed, the table printed.
    profile = s2["profile_rank0"]
    expect(profile["advance"]["calls"] == s2["steps"] and profile["advance"]["seconds"] > 0, str(profile))
    expect("time by region" in r.stdout and "advance" in r.stdout, r.stdout[-2000:])
    expect("profile_rank0" not in s1, "profiled without --profile")


def test_diffusion_convergence():
    """Second order in space (dt ~ dx^2 keeps the time error in step): error ratio ~4 per halving.
    Measured: L2 errors 1.78e-2, 4.10e-3, 9.98e-4, orders 2.11 and 2.04."""
    d = workdir("conv")
    errors = []
    for n in (1, 2, 4):
        out = os.path.join(d, f"n{n}")
        # Puff well inside the box (walls > 8 sigma away) and resolved by >= 1 cell per sigma.
        run(["run", CASE, "-o", out, "-q", "--set", f"grid.cells=[{20 * n}, {16 * n}, {20 * n}]",
             "--set", "grid.vertical_stretching=1", "--set", "grid.z_bottom=-1640", "--set", "grid.z_top=-1560",
             "--set", "diffusion.age=2 h", "--set", "time.end=1 h", "--set", "output.interval=1 h"],
            check=0)
        errors.append(summary(out)["l2_rel_error"])
    orders = [math.log(errors[i] / errors[i + 1], 2) for i in range(2)]
    print("L2 errors", ["%.3e" % e for e in errors], "observed orders", ["%.2f" % o for o in orders])
    expect(all(1.9 < o < 2.2 for o in orders), f"observed orders {orders}, expected about 2")


def test_keys_doc_current():
    """docs/case-keys.md is what `hadal keys` prints (regenerate with scripts/update_docs)."""
    generated = run(["keys"], check=0).stdout
    with open(os.path.join(SOURCE_DIR, "docs", "case-keys.md")) as f:
        documented = f.read()
    if generated != documented:
        built = {line.split("`")[1] for line in generated.splitlines() if line.startswith("## case type")}
        listed = {line.split("`")[1] for line in documented.splitlines() if line.startswith("## case type")}
        if built < listed:
            print(f"SKIP: this build has only the case types {sorted(built)}")
            sys.exit(77)
        raise AssertionError("docs/case-keys.md is stale: run scripts/update_docs")


def test_help():
    """`hadal --help` and `hadal CMD --help` print hadal's usage and exit 0; Kokkos's list only on --kokkos-help."""
    r = run(["--help"], check=0)
    expect(r.stdout.startswith("usage: hadal <command>") and "Kokkos command line" not in r.stdout + r.stderr,
           r.stdout[:300] + r.stderr[:300])
    for command in ("run", "check", "info", "keys", "bench", "sweep", "submit"):
        r = run([command, "--help"], check=0)
        expect(r.stdout.startswith(f"usage: hadal {command}") and "exit codes" in r.stdout, f"{command}: {r.stdout[:200]}")
        expect("Kokkos command line" not in r.stdout + r.stderr, f"{command}: Kokkos printed its options")
    r = run(["run", "case.yaml", "-h"], check=0)
    expect(r.stdout.startswith("usage: hadal run"), r.stdout[:200])
    r = run(["frobnicate", "--help"], check=2)
    expect("unknown command 'frobnicate'" in r.stderr, r.stderr)
    r = run(["--kokkos-help"], check=0)
    expect("kokkos" in (r.stdout + r.stderr).lower(), "no Kokkos option list")
    run([], check=2)


if __name__ == "__main__":
    main({
        "help": test_help,
        "keys_doc_current": test_keys_doc_current,
        "bad_input": test_bad_input,
        "numerical_failure": test_numerical_failure,
        "restart_bitwise": test_restart_bitwise,
        "signal_checkpoint": test_signal_checkpoint,
        "ranks_agree": test_ranks_agree,
        "diffusion_convergence": test_diffusion_convergence,
    })
