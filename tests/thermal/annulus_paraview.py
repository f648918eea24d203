#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The annulus's output opens in ParaView in its true geometry: a ring of the case's radii."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from hadal_testing import SOURCE_DIR, case_path, expect, main, require, run, run_headless_pvpython, workdir  # noqa: E402


def test_true_geometry():
    require("pvpython", "xvfb-run")
    d = workdir("thermal_annulus_paraview")
    out = os.path.join(d, "run")
    run(["run", case_path("thermal", "annulus_davies_2_1.yaml"), "--set", "mantle.cells=[64,8]", "-o", out, "-q"],
        check=0)
    r = run_headless_pvpython([os.path.join(SOURCE_DIR, "scripts", "thermal", "annulus_geometry.py"), out])
    expect(r.returncode == 0, f"pvpython failed: {r.stdout}{r.stderr}")
    seen = json.loads(r.stdout.strip().splitlines()[-1])
    print(seen)
    # r in [1.22, 2.22]: nodes on both circles, a ring of 64 x 8 cells spanning [-2.22, 2.22] in x and y.
    expect(abs(seen["r_min"] - 1.22) < 1e-9 and abs(seen["r_max"] - 2.22) < 1e-9, f"radii {seen}")
    expect(seen["cells"] == 64 * 8, f"cells {seen['cells']}")
    x0, x1, y0, y1 = seen["bounds"][:4]
    expect(abs(x0 + 2.22) < 1e-9 and abs(x1 - 2.22) < 1e-9 and abs(y1 - 2.22) < 2e-3 and abs(y0 + 2.22) < 2e-3,
           f"bounds {seen['bounds']}")
    expect(0.0 <= seen["temperature"][0] < seen["temperature"][1] <= 1.0, f"temperature range {seen['temperature']}")


if __name__ == "__main__":
    main({"true_geometry": test_true_geometry})
