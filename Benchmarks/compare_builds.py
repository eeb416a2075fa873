#!/usr/bin/env python3
"""Joins two bench-out JSON files row by row: the portable build's figure, the tuned build's, and their ratio in
the direction that says how much slower the portable build is (>1: slower). Usage: compare_builds.py PORTABLE NATIVE"""
import json
import sys

HIGHER_IS_BETTER = ("GFLOP/s", "MB/s", "×", "dB", "recall")


def main(portable_path, native_path):
    portable = {(r["suite"], r["name"]): r for r in json.load(open(portable_path))}
    native = {(r["suite"], r["name"]): r for r in json.load(open(native_path))}
    print("| suite | row | portable | tuned (NATIVE=1) | portable slower by |")
    print("|---|---|---|---|---|")
    worst = 0.0
    for key, p in portable.items():
        n = native.get(key)
        if n is None or not p["value"] or not n["value"]:
            continue
        better_high = any(p["unit"].startswith(u) for u in HIGHER_IS_BETTER)
        slower = n["value"] / p["value"] if better_high else p["value"] / n["value"]
        worst = max(worst, slower)
        print(f"| {key[0]} | {key[1]} | {p['value']:.4g} {p['unit']} | {n['value']:.4g} {n['unit']} | {slower:.2f}× |")
    print(f"\nworst row: portable {worst:.2f}× the tuned build's time (target ≤ 1.3×)")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
