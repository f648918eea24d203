# SPDX-License-Identifier: MIT
"""End-to-end tests of the benthos module: inline with the main job (small grid), the offline recovery
case, bad input, ranks, restart and the figure script. Run by CTest: benthos_cli_tests.py <test>."""
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from hadal_testing import SOURCE_DIR, case_path, expect, main, require, run, summary, workdir  # noqa: E402

CASE = case_path("plume", "default.yaml")
RECOVERY = case_path("benthos", "recovery.yaml")
SMALL = ["--set", "grid.cells=[40, 30, 12]", "--set", "grid.refine=null", "--set", "time.end=2 h",
         "--set", "output.interval=1 h", "--set", "checkpoint.interval=1 h", "-q"]
GROUPS = ["food", "bacteria", "nanobenthos", "meiobenthos_epifauna", "meiobenthos_infauna", "macrobenthos", "larvae"]


def final_stocks(directory):
    import h5py
    import numpy as np
    last = sorted(glob.glob(os.path.join(directory, "benthos_[0-9]*.h5")))[-1]
    with h5py.File(last, "r") as f:
        return np.stack([f[f"/fields/{g}"][()] for g in GROUPS])


def inline_run(directory, ranks=1, extra=()):
    run(["run", CASE, "-o", directory] + SMALL + list(extra), ranks=ranks, check=0)
    return summary(directory)["benthos"]


def test_bad_input():
    d = workdir("benthos_bad")
    cases = {
        "negative stock": (["--set", "plume.benthos.baseline.bacteria=-1 mg/m^2"], "plume.benthos.baseline.bacteria"),
        "sensitivity": (["--set", "plume.benthos.meiobenthos_epifauna.burial_sensitivity=1.5"],
                        "plume.benthos.meiobenthos_epifauna.burial_sensitivity"),
        "unsustainable": (["--set", "plume.benthos.macrobenthos.respiration_rate=0.1 d-1"],
                          "plume.benthos.baseline.macrobenthos"),
        "with particles": (["--set", "plume.method=lagrangian"], "plume.benthos"),
    }
    for label, (extra, needle) in cases.items():
        r = run(["run", CASE, "-o", os.path.join(d, label.replace(" ", "_"))] + SMALL + extra)
        expect(r.returncode == 2, f"{label}: exit {r.returncode}, expected 2\n{r.stderr}")
        expect(needle in r.stderr, f"{label}: '{needle}' not named in\n{r.stderr}")
    empty = os.path.join(d, "no_seabed_outputs")
    os.makedirs(empty)
    r = run(["run", RECOVERY, "-o", os.path.join(d, "offline"), "--set", f"benthos.source.directory={empty}", "-q"])
    expect(r.returncode == 2, f"offline without seabed outputs: exit {r.returncode}\n{r.stderr}")
    expect("benthos.source.directory" in r.stderr and empty in r.stderr, f"key/directory not named:\n{r.stderr}")
    # A source directory still to be made passes `check` (the shipped case follows the main job) and
    # stops `run` with the key named.
    missing = os.path.join(d, "not_run_yet")
    r = run(["check", RECOVERY, "--set", f"benthos.source.directory={missing}"])
    expect(r.returncode == 0, f"check with a source still to be made: exit {r.returncode}\n{r.stderr}")
    r = run(["run", RECOVERY, "-o", os.path.join(d, "offline_missing"), "--set", f"benthos.source.directory={missing}", "-q"])
    expect(r.returncode == 2 and "benthos.source.directory" in r.stderr and "does not exist" in r.stderr,
           f"run with a missing source: exit {r.returncode}\n{r.stderr}")
    expect("recovery.yaml:" in r.stderr, f"no file:line in\n{r.stderr}")


def test_ranks_agree():
    import numpy as np
    d = workdir("benthos_ranks")
    one, two = os.path.join(d, "np1"), os.path.join(d, "np2")
    b1, b2 = inline_run(one), inline_run(two, ranks=2)
    s1, s2 = final_stocks(one), final_stocks(two)
    difference = np.abs(s1 - s2).max() / np.abs(s1).max()
    print(f"1 vs 2 ranks: largest relative difference of the stocks {difference:.1e}")
    expect(difference < 1e-12, f"ranks disagree: {difference}")
    for group in GROUPS:
        a, b = b1["groups"][group]["final_total_kg"], b2["groups"][group]["final_total_kg"]
        expect(abs(a - b) <= 1e-12 * abs(a), f"{group}: {a} vs {b}")
    # The offline recovery from the same run on 1 and 2 ranks (larval exchange across the rank boundary).
    offline = ["run", RECOVERY, "--set", f"benthos.source.directory={one}", "--set", "time.end=2 yr", "-q"]
    run(offline + ["-o", one + "_recovery"], check=0)
    run(offline + ["-o", two + "_recovery"], ranks=2, check=0)
    r1, r2 = final_stocks(one + "_recovery"), final_stocks(two + "_recovery")
    difference = np.abs(r1 - r2).max() / np.abs(r1).max()
    print(f"offline recovery, 1 vs 2 ranks: largest relative difference {difference:.1e}")
    expect(difference < 1e-12, f"offline ranks disagree: {difference}")


def test_restart_bitwise():
    import numpy as np
    d = workdir("benthos_restart")
    full, part = os.path.join(d, "full"), os.path.join(d, "part")
    inline_run(full)
    run(["run", CASE, "-o", part] + SMALL + ["--set", "time.end=1 h"], check=0)
    run(["run", CASE, "-o", part, "--restart", "latest"] + SMALL, check=0)
    expect(np.array_equal(final_stocks(full), final_stocks(part)), "restarted benthos differs from the uninterrupted run")
    a, b = summary(full)["benthos"], summary(part)["benthos"]
    expect(a["groups"] == b["groups"], "benthos metrics differ after restart")


def test_offline_recovery():
    """A plume run with the inline block, then 20 years of recovery from its state; and the same from a
    plume run without the block (the deposit map applied at once). The source releases 50 kg/s so that
    three hours lay centimetres of deposit near it."""
    d = workdir("benthos_offline")
    inline, plain = os.path.join(d, "inline"), os.path.join(d, "plain")
    strong = ["--set", "time.end=3 h", "--set", "plume.sources[0].rate=50 kg/s"]
    inline_run(inline, extra=strong)
    run(["run", CASE, "-o", plain] + SMALL + strong + ["--set", "plume.benthos=null"], check=0)
    expect(not glob.glob(os.path.join(plain, "benthos_*.h5")), "plume.benthos=null still ran benthos")
    for source in (inline, plain):
        out = source + "_recovery"
        r = run(["run", RECOVERY, "-o", out, "--set", f"benthos.source.directory={source}"], check=0)
        b = summary(out)["benthos"]
        print(f"{os.path.basename(source)}: budget closure {b['carbon_budget_rel_error']:.1e}, epifauna "
              f"loss area > 10 % {b['groups']['meiobenthos_epifauna']['loss_area_m2']['10']:.0f} m2")
        expect(b["carbon_budget_rel_error"] < 1e-12, f"budget does not close: {b['carbon_budget_rel_error']}")
        expect(b["carbon_budget_rel_error_cell_max"] < 1e-12, "a cell's budget does not close")
        epi = b["groups"]["meiobenthos_epifauna"]
        expect(epi["loss_area_m2"]["10"] > 0.0, "no epifauna loss under the main job's deposit")
        expect(epi["unrecovered_area_m2"] == 0.0, "epifauna not recovered after 20 years")
        expect(b["groups"]["bacteria"]["loss_area_m2"]["10"] == 0.0, "bacteria lost under the deposit")
        rows = open(os.path.join(out, "benthos_stations.csv")).read().splitlines()
        expect(len(rows) > 200, f"station series has {len(rows)} rows for 20 years of month steps")
        expect("continuing the inline benthos state" in open(os.path.join(out, "hadal.log")).read() or source == plain,
               "the offline run did not continue the inline state")


def test_figure():
    require(modules=("matplotlib", "h5py", "numpy"))
    d = workdir("benthos_figure")
    source = os.path.join(d, "plume")
    inline_run(source)
    out = source + "_recovery"
    run(["run", RECOVERY, "-o", out, "--set", f"benthos.source.directory={source}", "--set", "time.end=5 yr", "-q"],
        check=0)
    script = os.path.join(SOURCE_DIR, "scripts", "benthos", "plot_benthos.py")
    prefix = os.path.join(d, "benthos")
    r = subprocess.run([sys.executable, script, out, prefix], capture_output=True, text=True, timeout=300)
    expect(r.returncode == 0, f"plot failed: {r.stdout}{r.stderr}")
    for suffix in ("_loss.png", "_stations.png"):
        expect(os.path.getsize(prefix + suffix) > 20000, f"{suffix} suspiciously small")


if __name__ == "__main__":
    main({
        "bad_input": test_bad_input,
        "ranks_agree": test_ranks_agree,
        "restart_bitwise": test_restart_bitwise,
        "offline_recovery": test_offline_recovery,
        "figure": test_figure,
    })
