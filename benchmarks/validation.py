"""Monte Carlo validation of the verdicts: every scenario of ssi_analysis.synth.validation.

    .venv/bin/python benchmarks/validation.py --runs 200 [--only team] [--markdown]

Prints, per scenario, the share of runs with a false "likely" verdict, the share of false
findings among all findings (pooled over runs), the coverage of the nominal 90% intervals
and of the (wider) intervals the table shows, the power to find planted effects, and the
seconds per run. Fixed seeds: the same command prints the same figures. The table in
docs/methods.md comes from `--runs 200 --markdown`.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from ssi_analysis.synth.validation import SCENARIOS, run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--only", default="", help="run the scenarios whose name contains this")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()
    start = time.perf_counter()
    rows = []
    for name, scenario in SCENARIOS.items():
        if args.only and args.only not in name:
            continue
        rows.append(run(scenario, args.runs, seed0=100_000))
        if not args.markdown:
            r = rows[-1]
            print(f"{name:55s} false runs {r['runs_with_a_false_likely']:.3f}  false share "
                  f"{r['false_share_of_likely']:.3f}  cover90 {r['coverage_90']:.3f}  shown "
                  f"{r['coverage_shown']:.3f}  power {r['power']:.3f}  "
                  f"{r['seconds_per_run']:.3f} s/run", flush=True)
    table = pd.DataFrame(rows)
    if args.markdown:
        print("| scenario | runs with a false 'likely' | false share of 'likely' | 90% coverage "
              "| shown-interval coverage | power |")
        print("|---|---:|---:|---:|---:|---:|")
        for r in table.itertuples():
            power = "–" if pd.isna(r.power) else f"{r.power:.2f}"
            print(f"| {r.scenario} | {r.runs_with_a_false_likely:.3f} | "
                  f"{r.false_share_of_likely:.3f} | {r.coverage_90:.3f} | "
                  f"{r.coverage_shown:.3f} | {power} |")
    worst_null = table[table["scenario"].str.endswith("null")]["runs_with_a_false_likely"].max()
    worst_fdr = table[table["scenario"].str.endswith("effects")]["false_share_of_likely"].max()
    print(f"\n{len(table)} scenarios x {args.runs} runs in {time.perf_counter() - start:.0f} s; "
          f"worst null world: {worst_null:.3f} of runs with a false 'likely' (target <= 0.10); "
          f"worst planted world: {worst_fdr:.3f} false share (target <= 0.10); lowest 90% "
          f"coverage {table['coverage_90'].min():.3f} (target >= 0.85)")


if __name__ == "__main__":
    main()
