#!/bin/bash
# Blankenbach 1a/1b/1c/2a convergence study: runs each case on 32^2, 64^2, 128^2 (2 ranks) and
# prints Nu/Vrms errors against the published values and the observed orders. Long (hours).
# Fails if the 128^2 errors exceed 0.5 % (Nu_top, Vrms).
set -u
out=${OUT:-$(mktemp -d)}
py=${SYSTEM_PYTHON:-python3}
for c in 1a 1b 1c 2a; do
  for n in 32 64 128; do
    $MPIEXEC -n 2 "$HADAL" run "$SOURCE_DIR/cases/thermal/blankenbach_$c.yaml" --set "mantle.cells=[$n,$n]" \
      -o "$out/${c}_$n" -q || exit 1
  done
done
"$py" - "$out" <<'PY'
import json, math, sys
ref = {"1a": (4.884409, 42.864947), "1b": (10.534095, 193.21454), "1c": (21.972465, 833.98977), "2a": (10.0660, 480.4334)}
ok = True
for c, (nu, vr) in ref.items():
    prev = None
    for n in (32, 64, 128):
        s = json.load(open(f"{sys.argv[1]}/{c}_{n}/summary.json"))
        e = (abs(s["nu_top"] / nu - 1), abs(s["nu_volume"] / nu - 1), abs(s["vrms"] / vr - 1))
        orders = "" if prev is None else " orders " + " ".join(f"{math.log2(p / q):.2f}" for p, q in zip(prev, e))
        print(f"{c} {n}^2: Nu_top err {100*e[0]:.3f}%  Nu_vol err {100*e[1]:.3f}%  Vrms err {100*e[2]:.3f}%"
              f"  wall to steady {s['steady_wall_seconds']:.0f} s{orders}")
        prev = e
    ok = ok and e[0] < 0.005 and e[2] < 0.005
sys.exit(0 if ok else 1)
PY
