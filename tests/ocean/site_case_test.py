# SPDX-License-Identifier: MIT
"""The real-site case cases/sites/lucky_strike_30d.yaml, as shipped but shortened (--set overrides of the
grid's extent, the duration and the replay record), run from the repository root on 2 ranks: it must read the
shipped data (data/), build the nested tidal flow, replay it, and give the EIA results (deposit and
turbidity areas, time above the concentration threshold) with a closed mass balance; hadal check finds a
missing data file; the deposit figure renders (ParaView). Proves the case runs from a fresh clone."""
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import hadal_testing as t  # noqa: E402

CASE = os.path.join("cases", "sites", "lucky_strike_30d.yaml")
# The case's 100 m columns and 25 m layers on a 2.4 km box around the excavator (coarser cells would dilute the
# near-field plume below the 2 mg/L threshold), 12 h with a shortened spin-up, record and responses.
SHORT = ["--set", "grid.origin=[-1200 m, -1200 m]", "--set", "grid.extent=[2400 m, 2400 m]",
         "--set", "grid.cells=[24,24,28]",
         "--set", "output.stations=[{name: excavator, position: [0 m, 0 m, -1640 m]}]",
         "--set", "time.end=12h", "--set", "output.interval=6h",
         "--set", "checkpoint.interval=1d", "--set", "plume.flow.ocean.spin_up=6h",
         "--set", "plume.flow.ocean.replay.record=12h", "--set", "plume.flow.ocean.replay.response_time=3h"]


def site_case():
    work = t.workdir("site")
    try:
        out = os.path.join(work, "run")
        result = t.run(["run", CASE, "-o", out, "--quiet"] + SHORT, ranks=2, check=0, cwd=t.SOURCE_DIR, timeout=900)
        s = t.summary(out)
        replay = s["ocean_replay"]
        print(f"replay: {len(replay['constituents'])} constituents, {replay['independent_shapes']} shapes, "
              f"analysis {replay['analysis_seconds']:.1f} s; deposit areas {s['deposit_area_m2']}, "
              f"turbidity area {s['turbidity_area_m2']}, mass balance {s['mass_balance_rel_error']:.1e}")
        t.expect("M2" in replay["constituents"] and "K1" in replay["constituents"], "tides missing from the replay")
        t.expect(s["mass_balance_rel_error"] < 1e-10, "mass balance")
        t.expect(s["mass_emitted_kg"] > 0.99 * 1.157 * 12 * 3600, "emitted mass")
        t.expect(s["mass_deposited_kg"] > 0.0 and s["turbidity_area_m2"]["0.002"] > 0.0, "no deposit or turbidity")
        log = open(os.path.join(out, "hadal.log")).read()
        t.expect("nested in data/currents/cmems_azores_surface_1deg_5day_2024-01.nc" in log, "not nested in the data")
        t.expect("azores_lucky_strike_1arcmin.nc" in log, "bathymetry not reported")
        seabed = open(os.path.join(out, "seabed.xmf")).read()
        t.expect("time_above" in seabed, "no time-above-threshold map in seabed.xmf")
        # hadal check opens the data files: a missing one is named with its key (exit 2).
        bad = t.run(["check", CASE, "--quiet", "--set", "plume.flow.ocean.data.file=data/currents/missing.nc"],
                    cwd=t.SOURCE_DIR)
        t.expect(bad.returncode == 2 and "plume.flow.ocean.data.file" in bad.stderr, f"check: {bad.stderr}")
        # The figure (skipped where ParaView is not installed).
        t.require("pvpython", "xvfb-run")
        png = os.path.join(work, "deposit.png")
        render = t.run_headless_pvpython([os.path.join(t.SOURCE_DIR, "scripts", "paraview", "hadal_render.py"),
                                          "deposit", out, png])
        t.expect(render.returncode == 0 and os.path.getsize(png) > 10000,
                 f"deposit figure: {render.stdout}{render.stderr}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    t.main({"site_case": site_case})
