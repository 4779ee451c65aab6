#!/usr/bin/env python3
"""Prints the ratios BENCHMARKS.md reports from criterion's last run.

    cargo bench -p smilepayz-bench --bench per_request --bench generator
    tests/bench/scripts/ratios.py [target-dir]

Reads target/criterion/<group>/<bench>/new/estimates.json (criterion writes them without html
reports): the median and mean time of each benchmark, then
  per_request_cpu: sdk / rsa_sign_only (goal <= 1.10), baseline / rsa_sign_only, sdk / baseline;
  generator: time per region at each size (flat = linear), and the 1,000-region time (goal < 2 s).
"""
import json
import os
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[3]
target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(os.environ.get("CARGO_TARGET_DIR", root / "target"))
criterion = target / "criterion"


def estimate(group, bench):
    path = criterion / group / bench / "new" / "estimates.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return data["median"]["point_estimate"], data["mean"]["point_estimate"]


def show(ns):
    return f"{ns / 1e6:.3f} ms" if ns >= 1e6 else f"{ns / 1e3:.1f} us"


floor = estimate("per_request_cpu", "rsa_sign_only")
if floor:
    print("per_request_cpu (median, mean):")
    for bench in ["rsa_sign_only", "sdk", "baseline"]:
        e = estimate("per_request_cpu", bench)
        if e:
            print(f"  {bench:14} {show(e[0]):>12} {show(e[1]):>12}   x{e[0] / floor[0]:.3f} of the floor (median), x{e[1] / floor[1]:.3f} (mean)")
    sdk, base = estimate("per_request_cpu", "sdk"), estimate("per_request_cpu", "baseline")
    if sdk and base:
        print(f"  sdk / baseline: x{sdk[0] / base[0]:.3f} (median), x{sdk[1] / base[1]:.3f} (mean)")
verify = estimate("emulator_verify", "rsa_verify_only")
if verify:
    print(f"emulator_verify/rsa_verify_only: {show(verify[0])} (median), {show(verify[1])} (mean)")
sizes = sorted(int(p.name) for p in (criterion / "generator" / "load_and_generate").glob("[0-9]*")) if (criterion / "generator").exists() else []
if sizes:
    print("generator load_and_generate (median):")
    for n in sizes:
        e = estimate("generator/load_and_generate", str(n))
        if e:
            print(f"  {n:5} regions  {show(e[0]):>12}  {e[0] / n / 1e3:8.1f} us/region")
