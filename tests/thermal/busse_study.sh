#!/bin/bash
# Busse et al. (1994) case 1a to steady state on 8x5x8, 12x8x12, 16x10x16, 24x15x24 and 32x20x32
# cells (about 30 s): the coarsest by the physical transient from the bimodal start, each finer one by
# Anderson-accelerated pseudo-time marching from the steady state of the grid before (grid
# sequencing), which stays on the branch of Busse et al.'s pattern. Prints errors against the
# published Nu = 3.5397 and Vrms = 40.999, observed orders, the self-convergence order and the
# Richardson limit of the three finest grids, and checks them. Environment from
# hadal_add_script_test; BUSSE_GRIDS overrides the sequenced grids (after 8x5x8).
set -u
out=${BUSSE_OUT:-$(mktemp -d)}
[ -z "${BUSSE_OUT:-}" ] && trap 'rm -rf "$out"' EXIT
mkdir -p "$out"
py=${SYSTEM_PYTHON:-python3}
grids=${BUSSE_GRIDS:-"12,8,12 16,10,16 24,15,24 32,20,32"}
steady="--set steady_state.march=pseudo_time --set steady_state.acceleration=anderson --set stokes.rtol=1e-11"
"$HADAL" run "$SOURCE_DIR/cases/thermal/busse_1a.yaml" --set "mantle.cells=[8,5,8]" -o "$out/busse_8x5x8" -q ||
  { echo "FAIL: run 8,5,8"; exit 1; }
previous=$out/busse_8x5x8
for g in $grids; do
  start=$(ls "$previous"/fields_*.h5 | sort | tail -1)
  "$HADAL" run "$SOURCE_DIR/cases/thermal/busse_1a.yaml" --set "mantle.cells=[$g]" $steady \
    --set mantle.initial_temperature_file="$start" -o "$out/busse_${g//,/x}" -q || { echo "FAIL: run $g"; exit 1; }
  previous=$out/busse_${g//,/x}
done
"$py" - "$out" 8,5,8 $grids <<'PY'
import json, math, sys
out, grids = sys.argv[1], sys.argv[2:]
ref = {"nu_top": 3.5397, "vrms": 40.999}
rows = []
for g in grids:
    s = json.load(open(f"{out}/busse_{g.replace(',', 'x')}/summary.json"))
    assert s["steady"], f"{g}: no steady state"
    rows.append((int(g.split(",")[2]), s))
    print(f"{g}: Nu {s['nu_top']:.6f} ({100*(s['nu_top']/ref['nu_top']-1):+.3f} %)  Vrms {s['vrms']:.5f} "
          f"({100*(s['vrms']/ref['vrms']-1):+.3f} %)  Nu_bottom/Nu_top - 1 {s['nu_bottom']/s['nu_top']-1:.1e}  "
          f"{s['steady_march']}, {s['mantle_steps']} steps, {s['steady_wall_seconds']:.1f} s")
limits = {}
for k in ("nu_top", "vrms"):
    for (n1, a), (n2, b) in zip(rows[1:], rows[2:]):
        e1, e2 = abs(a[k] - ref[k]), abs(b[k] - ref[k])
        print(f"{k}: observed order {n1}->{n2}: {math.log(e1 / e2) / math.log(n2 / n1):.2f}")
    (n1, a), (n2, b), (n3, c) = rows[-3:]  # order from the three finest solutions alone (bisection)
    d1, d2 = a[k] - b[k], b[k] - c[k]
    f = lambda p: d1 * (n2 ** -p - n3 ** -p) - d2 * (n1 ** -p - n2 ** -p)
    lo, hi = 0.5, 4.0
    assert f(lo) * f(hi) < 0, f"{k}: no self-convergence order in [0.5, 4]"
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(lo) * f(mid) > 0 else (lo, mid)
    p = 0.5 * (lo + hi)
    limits[k] = c[k] - d2 * n3 ** -p / (n2 ** -p - n3 ** -p)
    print(f"{k}: self-convergence order {p:.2f}, Richardson limit {limits[k]:.5f} "
          f"({100 * (limits[k] / ref[k] - 1):+.3f} % from {ref[k]})")
    # Measured (12 ... 32): orders 2.00 (Nu) and 2.03 (Vrms); limits 3.53619 (-0.10 %), 40.98511 (-0.03 %).
    assert 1.7 < p < 2.3, (k, p)
# The steady states converge at second order to the published values.
errs = [abs(s["nu_top"] / ref["nu_top"] - 1) for _, s in rows[1:]]
assert all(b < a for a, b in zip(errs, errs[1:])), errs
assert abs(limits["nu_top"] / ref["nu_top"] - 1) < 0.003 and abs(limits["vrms"] / ref["vrms"] - 1) < 0.002
assert all(abs(s["nu_bottom"] / s["nu_top"] - 1) < 1e-7 for _, s in rows[1:])
PY
