#!/bin/bash
# End-to-end runs of the ocean case files: a shortened tidal run and downscaling runs (synthetic HYCOM-style
# data, and the shipped real-data case) on 1 and 2 ranks (results agree), a tidal run nested in the real
# CMEMS data restarted bit for bit, outputs present, and bad input (also found by `hadal check`) rejected
# with exit code 2 naming the key.
# Usage: run_cases.sh MAKE_CURRENTS   (environment: HADAL, MPIEXEC, SOURCE_DIR from CTest)
set -u
make_currents="$1"
cases="$SOURCE_DIR/cases/ocean"
work=$(mktemp -d /tmp/hadal_ocean_cases_XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail() { echo "FAIL: $*"; exit 1; }

# The synthetic downscaling case: HYCOM names (water_u, water_v; time, depth, y, x) from the test tool.
cat > downscale_caldera.yaml <<'YAML'
case: {name: downscale-caldera, type: ocean.downscale}
grid: {extent: [1600 m, 1200 m], cells: [80, 60, 24], z_bottom: -1604 m, z_top: -1400 m, vertical_stretching: 1.08}
bathymetry:
  type: caldera
  center: [800 m, 600 m]
  depth: 1600 m
  rim_depth: 1450 m
  outer_depth: 1540 m
  radius: 520 m
  wall_width: 140 m
  mounds:
    - {center: [640 m, 520 m], height: 45 m, radius: 55 m}
    - {center: [930 m, 690 m], height: 30 m, radius: 90 m}
ocean:
  data: {file: currents.nc, coordinates: projected, reference_time: 2020-01-01T00:00:00}
  projection: {vertical_weight: 1, top: open}
time: {end: 12 h}
YAML

short=(--set time.end=2h --set grid.cells=[32,24,10] --set output.interval=1h --set ocean.ramp_time=30min
       --set ocean.station_interval=5min)
"$HADAL" run "$cases/tidal_caldera.yaml" -o tidal1 --quiet "${short[@]}" || fail "tidal run on 1 rank"
$MPIEXEC -n 2 "$HADAL" run "$cases/tidal_caldera.yaml" -o tidal2 --quiet "${short[@]}" || fail "tidal run on 2 ranks"
for f in ocean_maps.xmf ocean_velocity.xmf ocean_stations.csv summary.json flow_000000.h5; do
  [ -f "tidal1/$f" ] || fail "tidal output $f missing"
done

# Restart: 2 h straight vs restarted from the 1 h checkpoint: identical state.
"$HADAL" run "$cases/tidal_caldera.yaml" -o straight --quiet "${short[@]}" --set checkpoint.interval=1h \
  || fail "tidal run with checkpoints"
ckpt=$(ls straight/checkpoints/checkpoint_*.h5 | sort | head -1)
"$HADAL" run "$cases/tidal_caldera.yaml" -o restarted --quiet "${short[@]}" --set checkpoint.interval=1h \
  --restart "$ckpt" || fail "tidal restart from $ckpt"

# hadal check opens the data file as run would: missing here, exit 2 naming the key.
"$HADAL" check downscale_caldera.yaml --quiet > check.log 2>&1
code=$?
[ "$code" -eq 2 ] || fail "check without the data file: exit $code, expected 2"
grep -q "ocean.data.file" check.log || fail "check without the data file: key not named: $(cat check.log)"
"$make_currents" currents.nc || fail "making the synthetic current file"
"$HADAL" check downscale_caldera.yaml --quiet > /dev/null || fail "check with the data file"
dshort=(--set time.end=6h --set grid.cells=[32,24,12])
"$HADAL" run downscale_caldera.yaml -o down1 --quiet "${dshort[@]}" || fail "downscale run on 1 rank"
$MPIEXEC -n 2 "$HADAL" run downscale_caldera.yaml -o down2 --quiet "${dshort[@]}" || fail "downscale on 2 ranks"

# The shipped real-data downscaling case, shortened, from the repository root (its data paths are relative
# to it), on 1 and 2 ranks; and a tidal run nested in the same data, restarted from a checkpoint.
real=(--set grid.cells=[24,24,10] --set time.end=6d)
(cd "$SOURCE_DIR" && "$HADAL" run cases/ocean/downscale_lucky_strike.yaml -o "$work/real1" --quiet "${real[@]}") \
  || fail "real-data downscaling on 1 rank"
(cd "$SOURCE_DIR" && $MPIEXEC -n 2 "$HADAL" run cases/ocean/downscale_lucky_strike.yaml -o "$work/real2" --quiet \
  "${real[@]}") || fail "real-data downscaling on 2 ranks"
cat > nested.yaml <<YAML
case: {name: nested, type: ocean.tidal}
grid: {origin: [-4000 m, -4000 m], extent: [8000 m, 8000 m], cells: [20, 20, 6], z_bottom: -2150 m, z_top: -1450 m}
bathymetry: {type: netcdf, file: $SOURCE_DIR/data/bathymetry/azores_lucky_strike_1arcmin.nc, coordinates: geographic,
             reference: [-32.28, 37.29]}
ocean:
  latitude: 37.29 deg
  constituents: [{name: M2, elevation_amplitude: 0.15 m, u_amplitude: 0.4 cm/s, v_amplitude: 1.1 cm/s}]
  data: {file: $SOURCE_DIR/data/currents/cmems_azores_surface_1deg_5day_2024-01.nc, reference_time: 2023-12-31T12:00:00,
         averaging_period: 5 d}
  wave_speed: 20 m/s
  ramp_time: 1 h
  write_flow_files: false
time: {end: 2 h}
output: {interval: 1 h}
checkpoint: {interval: 1 h}
YAML
"$HADAL" run nested.yaml -o nested_straight --quiet || fail "nested tidal run"
ckpt=$(ls nested_straight/checkpoints/checkpoint_*.h5 | sort | head -1)
"$HADAL" run nested.yaml -o nested_restarted --quiet --restart "$ckpt" || fail "nested tidal restart from $ckpt"

"$SYSTEM_PYTHON" - <<'PY' || fail "1 vs 2 ranks or physics checks"
import json
def load(d):
    with open(d + "/summary.json") as f:
        return json.load(f)["ocean"]
a, b = load("tidal1"), load("tidal2")
for key in ("max_speed_m_s", "energy_J", "volume_change_m3"):
    rel = abs(a[key] - b[key]) / max(abs(a[key]), 1e-30)
    print(f"tidal {key}: 1 rank {a[key]:.12g}, 2 ranks {b[key]:.12g}, rel. diff {rel:.1e}")
    assert rel < 1e-10, key
print(f"tidal volume budget error {a['volume_budget_relative_error']:.2e}, 3-D divergence {a['relative_divergence_3d']:.1e}")
assert a["volume_budget_relative_error"] < 1e-10
assert a["relative_divergence_3d"] < 1e-12
s, r = load("straight"), load("restarted")
for key in ("max_speed_m_s", "energy_J"):
    print(f"restart {key}: straight {s[key]:.17g}, restarted {r[key]:.17g}")
    assert s[key] == r[key], key
c, d = load("down1"), load("down2")
assert len(c["records"]) == len(d["records"]) >= 3
for r1, r2 in zip(c["records"], d["records"]):
    print(f"downscale t={r1['time_s']:.0f} s: iterations {r1['iterations']}/{r2['iterations']}, divergence "
          f"{r1['relative_divergence']:.1e}/{r2['relative_divergence']:.1e}")
    assert r1["relative_divergence"] < 1e-8 and r2["relative_divergence"] < 1e-8
e, f = load("real1"), load("real2")
assert len(e["records"]) == len(f["records"]) >= 2
for r1, r2 in zip(e["records"], f["records"]):
    print(f"real-data downscale t={r1['time_s']:.0f} s: divergence {r1['relative_divergence']:.1e}/{r2['relative_divergence']:.1e}")
    assert r1["relative_divergence"] < 1e-8 and r2["relative_divergence"] < 1e-8
s, r = load("nested_straight"), load("nested_restarted")
for key in ("max_speed_m_s", "energy_J", "volume_change_m3"):
    print(f"nested restart {key}: straight {s[key]:.17g}, restarted {r[key]:.17g}")
    assert s[key] == r[key], key
print(f"nested volume budget error {s['volume_budget_relative_error']:.2e}, 3-D divergence {s['relative_divergence_3d']:.1e}")
assert s["volume_budget_relative_error"] < 1e-10 and s["relative_divergence_3d"] < 1e-12
PY

# Bad input: exit 2 and the key named.
cat > bad.yaml <<'YAML'
case: {type: ocean.tidal}
grid: {extent: [1000 m, 1000 m], cells: [8, 8, 2], z_bottom: -1100 m, z_top: 0 m}
bathymetry: {type: flat, depth: 1000 m}
ocean:
  constituents:
    - {name: M22, u_amplitude: 2 cm/s}
time: {end: 1 h}
YAML
"$HADAL" run bad.yaml -o bad --quiet > bad.log 2>&1
code=$?
[ "$code" -eq 2 ] || fail "unknown constituent: exit $code, expected 2"
grep -q "ocean.constituents\[0\].name" bad.log || fail "unknown constituent: key not named: $(cat bad.log)"
"$HADAL" run downscale_caldera.yaml -o bad2 --quiet --set time.end=3d > bad2.log 2>&1
code=$?
[ "$code" -eq 2 ] || fail "time range: exit $code, expected 2"
grep -q "time.end" bad2.log || fail "time range: key not named: $(cat bad2.log)"
"$HADAL" run downscale_caldera.yaml -o bad3 --quiet --set ocean.data.variables.u=uo > bad3.log 2>&1
code=$?
[ "$code" -eq 2 ] || fail "missing variable: exit $code, expected 2"
grep -q "ocean.data.variables.u" bad3.log || fail "missing variable: key not named: $(cat bad3.log)"
echo "PASS ocean_cases"
