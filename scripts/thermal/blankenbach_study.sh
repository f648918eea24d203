#!/bin/bash
# Blankenbach et al. (1989) cases 1a, 1b, 1c and 2a to steady state on 32^2 (1a, 1b), 64^2 and 128^2,
# with the starts of docs/thermal.md: 1a and 1b from the perturbation (1b 128^2 from its 64^2
# solution), 1c from the 1b steady state (Ra continuation), 2a from the 1a steady state (viscosity
# continuation). Prints Nu/Vrms errors against the published values, the observed orders and the wall
# times; fails if a 128^2 error (Nu_top or Vrms) exceeds 0.5 %. Long: a few hours on 2 cores.
# Environment from hadal_add_script_test: HADAL, MPIEXEC, SOURCE_DIR (optional: OUT, RANKS).
set -u
out=${OUT:-$(mktemp -d)}
py=${SYSTEM_PYTHON:-python3}
ranks=${RANKS:-2}
mkdir -p "$out"

run() {  # case cells [start-from run]
  local c=$1 n=$2 from=${3:-}
  local start=()
  [ -n "$from" ] && start=(--set "mantle.initial_temperature_file=$(ls "$out/$from"/fields_*.h5 | sort | tail -1)")
  echo "running $c at ${n}^2${from:+ from $from}"
  $MPIEXEC -n "$ranks" "$HADAL" run "$SOURCE_DIR/cases/thermal/blankenbach_$c.yaml" --set "mantle.cells=[$n,$n]" \
    "${start[@]}" -o "$out/${c}_$n" -q || exit 1
}
run 1a 32; run 1a 64; run 1a 128
run 1b 32; run 1b 64; run 1b 128 1b_64
run 1c 64 1b_64; run 1c 128 1c_64
run 2a 64 1a_64; run 2a 128 2a_64

"$py" - "$out" <<'PY'
import json, math, os, sys
ref = {"1a": (4.884409, 42.864947), "1b": (10.534095, 193.21454), "1c": (21.972465, 833.98977), "2a": (10.0660, 480.4334)}
ok = True
for c, (nu, vr) in ref.items():
    prev = None
    for n in (32, 64, 128):
        path = f"{sys.argv[1]}/{c}_{n}/summary.json"
        if not os.path.exists(path):
            continue
        s = json.load(open(path))
        e = (s["nu_top"] / nu - 1, s["nu_volume"] / nu - 1, s["vrms"] / vr - 1)
        orders = "" if prev is None else " orders " + " ".join(f"{math.log2(abs(p / q)):.2f}" for p, q in zip(prev, e))
        print(f"{c} {n}^2: Nu_top {100*e[0]:+.3f}%  Nu_vol {100*e[1]:+.3f}%  Vrms {100*e[2]:+.3f}%"
              f"  steps {s['mantle_steps']}  wall to steady {s['steady_wall_seconds']:.0f} s{orders}")
        prev = e
        if n == 128:
            ok = ok and abs(e[0]) < 0.005 and abs(e[2]) < 0.005
sys.exit(0 if ok else 1)
PY
