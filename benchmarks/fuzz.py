"""The long fuzz run: random input trees through `ssi-analysis ingest`.

Every case must end with exit status 0 or 2 (one stderr line, no traceback) and leave its
inputs unchanged. Seeds are the test fixtures and a sample of the bundled data's files.

    .venv/bin/python benchmarks/fuzz.py --cases 20000 --seed 1
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def seeds() -> list[Path]:
    """Files in the real formats (small enough to mutate quickly)."""
    found = [p for p in (ROOT / "tests" / "fixtures").rglob("*")
             if p.is_file() and p.suffix in (".json", ".csv", ".har", ".txt", ".xlsx")
             and p.stat().st_size < 300_000]
    sample = ROOT / "data" / "raw" / "sample"
    found += sorted(sample.rglob("*.json"))[:20] + sorted(sample.rglob("*.csv"))[:40]
    return sorted(found)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    from ssi_analysis.cli import main as cli
    from ssi_analysis.synth.fuzz import fuzz

    s = seeds()
    with tempfile.TemporaryDirectory() as tmp:
        r = fuzz(cli, s, Path(tmp) / "work", cases=args.cases, seed=args.seed)
    print(f"seeds            {len(s)}")
    print(f"cases            {r.cases}")
    print(f"exit codes       {dict(sorted(r.exit_codes.items()))}")
    print(f"broken promises  {len(r.failures)}")
    print(f"seconds          {r.seconds:.1f} ({r.seconds / max(r.cases, 1) * 1000:.1f} ms a case)")
    for i, code, err in r.failures[:20]:
        print(f"  case {i}: exit {code}: {err}")
    return 1 if r.failures else 0


if __name__ == "__main__":
    sys.exit(main())
