#!/usr/bin/env python3
"""Reads cargo's `--timings` reports (cargo-timing.html) and says where compile time went.

    tests/bench/scripts/timings.py SDK.html [BASELINE.html]

With one report: every unit's duration, largest first, and the sum. With two: also the units
the first build compiled that the second did not (by crate name, version and target), which is
what the first costs beyond the second.
"""
import json
import re
import sys


def units(path):
    text = open(path, encoding="utf-8").read()
    match = re.search(r"const UNIT_DATA = (\[.*?\n\]);", text, re.S)
    if not match:
        sys.exit(f"{path}: no UNIT_DATA")
    return [u for u in json.loads(match.group(1)) if u["duration"] > 0]


def key(u):
    return (u["name"], u["version"], u["target"].strip(), u["mode"])


def label(u):
    target = u["target"].strip()
    if u["mode"] == "run-custom-build":
        target = "running the build script"
    elif target == "build-script":
        target = "compiling the build script"
    return f'{u["name"]} {u["version"]}' + (f" ({target})" if target else "")


first = units(sys.argv[1])
print(f"{sys.argv[1]}: {len(first)} units, {sum(u['duration'] for u in first):.1f} s of unit time")
for u in sorted(first, key=lambda u: -u["duration"])[:15]:
    print(f"  {u['duration']:7.1f} s  {label(u)}")
if len(sys.argv) > 2:
    second = units(sys.argv[2])
    print(f"{sys.argv[2]}: {len(second)} units, {sum(u['duration'] for u in second):.1f} s of unit time")
    theirs = {key(u) for u in second}
    extra = [u for u in first if key(u) not in theirs]
    print(f"units only in the first: {len(extra)}, {sum(u['duration'] for u in extra):.1f} s")
    for u in sorted(extra, key=lambda u: -u["duration"]):
        print(f"  {u['duration']:7.1f} s  {label(u)}")
