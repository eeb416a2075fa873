#!/usr/bin/env python3
"""Joins the portable build's benchmark files with the tuned build's, row by row: each build's best figure over
its rounds (this machine's speed drifts by a third within minutes, so one round of each can mislead), and the
ratio that says how much slower the portable build is (> 1: slower). Usage: compare_builds.py FOLDER, which holds
portable-SUITE-ROUND.json and native-SUITE-ROUND.json as `make bench-builds` writes them."""
import glob
import json
import os
import sys

HIGHER_IS_BETTER = ("GFLOP/s", "MB/s", "queries/s", "×", "dB", "recall")


def higher_is_better(unit):
    return any(unit.startswith(u) for u in HIGHER_IS_BETTER)


def best_rows(folder, build):
    """(suite, name) → the row with the best value over every round of `build`, in the order first seen."""
    best = {}
    for path in sorted(glob.glob(os.path.join(folder, f"{build}-*.json"))):
        for row in json.load(open(path)):
            key = (row["suite"], row["name"])
            old = best.get(key)
            if old is None or (row["value"] > old["value"]) == higher_is_better(row["unit"]):
                best[key] = row
    return best


def main(folder):
    portable, native = best_rows(folder, "portable"), best_rows(folder, "native")
    print("| suite | row | portable | tuned (NATIVE=1) | portable slower by |")
    print("|---|---|---|---|---|")
    worst = 0.0
    for key, p in portable.items():
        n = native.get(key)
        if n is None or not p["value"] or not n["value"]:
            continue
        slower = n["value"] / p["value"] if higher_is_better(p["unit"]) else p["value"] / n["value"]
        worst = max(worst, slower)
        print(f"| {key[0]} | {key[1]} | {p['value']:.4g} {p['unit']} | {n['value']:.4g} {n['unit']} | {slower:.2f}× |")
    print(f"\nworst row: the portable build {worst:.2f}× slower than the tuned one (target ≤ 1.3×)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
