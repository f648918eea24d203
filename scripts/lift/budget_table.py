#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Prints the term-by-term pump pressure budget of a lift.steady run (summary.json) as a Markdown table,
next to the pump rating.  usage: budget_table.py RUN_DIR [RATED_PRESSURE_MPa]"""
import json
import os
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    with open(os.path.join(sys.argv[1], "summary.json")) as f:
        s = json.load(f)
    if s.get("type") != "lift.steady":
        sys.exit(f"{sys.argv[1]} is not a lift.steady run")
    rated = float(sys.argv[2]) * 1e6 if len(sys.argv) > 2 else s["pump_rated_pressure_Pa"]
    b = s["budget"]
    rows = [("hydrostatic imbalance (riser mixture - supply carrier column)", b["hydrostatic_imbalance_Pa"]),
            ("  of which weight of the resident ore", b["of_which_resident_ore_weight_Pa"]),
            ("riser friction (carrier)", b["riser_friction_Pa"]),
            ("riser solids friction (closure)", b["riser_solids_friction_Pa"]),
            ("supply friction", b["supply_friction_Pa"]),
            ("local losses", b["local_losses_Pa"]),
            ("feeder (merging K + ore acceleration)", b["feeder_Pa"]),
            ("separator back-pressure", b["separator_Pa"]),
            ("**pump pressure rise**", s["pump_head_Pa"]),
            ("pump rating", rated),
            ("riser loss above the seawater column", s["riser_loss_Pa"])]
    print(f"flow {s['flow_m3_per_h']:.2f} m3/h, C_d {s['delivered_concentration']:.4f}, "
          f"C_r {s['resident_concentration']:.4f}, {s['production_t_per_day']:.1f} t/day\n")
    print("| term | MPa | share of pump rise |\n|---|---:|---:|")
    for name, value in rows:
        print(f"| {name} | {value / 1e6:.4f} | {100 * value / s['pump_head_Pa']:.1f} % |")
    print(f"\nreserve against the rating: {100 * (rated - s['pump_head_Pa']) / rated:+.1f} %")


if __name__ == "__main__":
    main()
