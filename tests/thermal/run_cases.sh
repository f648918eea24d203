#!/bin/bash
# End-to-end thermal cases through the hadal executable: 1 and 2 ranks agree, the core case
# conserves energy, and bad input exits 2 naming the key. Environment from hadal_add_script_test.
set -u
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cases="$SOURCE_DIR/cases/thermal"
py=${SYSTEM_PYTHON:-python3}

quick="--set mantle.cells=[24,24] --set steady_state.tolerance=1e-4 --set stokes.rtol=1e-11"
"$HADAL" run "$cases/blankenbach_1a.yaml" $quick -o "$out/np1" -q || fail "1-rank run"
$MPIEXEC -n 2 "$HADAL" run "$cases/blankenbach_1a.yaml" $quick -o "$out/np2" -q || fail "2-rank run"
"$py" - "$out/np1/summary.json" "$out/np2/summary.json" <<'PY' || fail "1 and 2 ranks differ"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for k in ("nu_top", "nu_volume", "vrms", "q1", "q2", "t_mean"):
    rel = abs(a[k] - b[k]) / abs(a[k])
    print(f"{k}: 1 rank {a[k]:.10f}  2 ranks {b[k]:.10f}  rel diff {rel:.1e}")
    # Solver tolerance (1e-11) and a steady state reached at a possibly different step bound this.
    assert rel < 1e-6, k
assert abs(a["vrms"] / 42.864947 - 1) < 0.004
PY

"$HADAL" run "$cases/core_worked_example.yaml" -o "$out/core" -q || fail "core case"
"$py" - "$out/core/summary.json" <<'PY' || fail "core energy balance"
import json, sys
s = json.load(open(sys.argv[1]))
print("core: T_c", s["cmb_temperature_K"], "r_i", s["inner_core_radius_m"], "balance", s["energy_balance_rel_error"])
assert s["energy_balance_rel_error"] < 1e-6
assert abs(s["q_adiabatic_W"] / 1e12 / 226 / 0.1016 - 1) < 0.02  # T_c has dropped ~50 K by the end
PY

expect_input_error() {  # file, key fragment, overrides...
  local file=$1 key=$2
  shift 2
  "$HADAL" check "$file" "$@" > "$out/err.txt" 2>&1
  local rc=$?
  [ $rc -eq 2 ] || { cat "$out/err.txt"; fail "expected exit 2 for $key, got $rc"; }
  grep -q "$key" "$out/err.txt" || { cat "$out/err.txt"; fail "message does not name $key"; }
}
expect_input_error "$cases/blankenbach_1a.yaml" "mantle.rayleigh" --set mantle.rayleigh=-1
expect_input_error "$cases/blankenbach_1a.yaml" "mantle.rayleigh" --set mantle.rayleigh=0
expect_input_error "$cases/blankenbach_2a.yaml" "mantle.viscosity.minimum" --set mantle.viscosity.minimum=0
expect_input_error "$cases/blankenbach_1a.yaml" "mantle.aspect_ratio" --set mantle.aspect_ratio=8
expect_input_error "$cases/core_worked_example.yaml" "core.inner_core_radius" --set core.inner_core_radius="4000 km"
expect_input_error "$cases/core_worked_example.yaml" "core.mass" --set core.mass="1e22 kg"
expect_input_error "$cases/coupled.yaml" "mantle.physical.top_temperature" --set mantle.physical.top_temperature="5000 K"
echo "thermal cases: all passed"
