"""Report benchmark: one member report against the empty-notebook floor, and a batch.

Run (after `make env`; `make bench` runs this and team_scale.py):

    .venv/bin/python benchmarks/reports.py [--batch 200] [--repeat 3]

All figures come from this one run, on this machine:

floor         an empty notebook whose one cell imports what the member notebook imports,
              executed by Papermill in a new kernel and exported by nbconvert (best of N)
report        the member report notebook on the bundled sample member, the same way
              (best of N); printed as a ratio to the floor
sections      where the report's own time goes, measured in this process (no kernel):
              loading, the computations, and each section's build and HTML rendering
single        one `ssi-analysis report` command for one member of a synthetic team
              (a new process: Python, the kit, a kernel, the report, the page, the index)
batch         `ssi-analysis report --jobs <cores>` with `for_each_member` over that team
              (default 200 members): wall time per report, and its ratio to `single`;
              the CPU use of the run as a share of all cores
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
MEMBER_NB = ROOT / "notebooks" / "member_report.ipynb"
RUN_DATE = "2026-11-01"


def imports_of(notebook: Path) -> str:
    """The import lines of a notebook (what the floor notebook runs)."""
    nb = nbformat.read(notebook, as_version=4)
    return "\n".join(line for c in nb.cells if c.cell_type == "code"
                     for line in c.source.splitlines()
                     if line.startswith(("import ", "from ")))


def floor_notebook(path: Path) -> Path:
    """Write the empty notebook that imports the member notebook's packages."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(imports_of(MEMBER_NB))]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def run_and_export(notebook: Path, out: Path, params: dict) -> float:
    """Execute with Papermill in a new kernel, export with nbconvert; seconds."""
    from ssi_analysis.report.execute import execute
    from ssi_analysis.report.export import to_html

    t = time.perf_counter()
    nb = execute(notebook, out, params)
    out.with_suffix(".html").write_text(to_html(nb, title="bench"), encoding="utf-8")
    return time.perf_counter() - t


def sections(processed: Path) -> list[tuple[str, float]]:
    """Seconds per step of the member report, run in this process (Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    from ssi_analysis import plots, store
    from ssi_analysis.sections import common
    from ssi_analysis.sections import member as section

    plots.set_theme()
    out: list[tuple[str, float]] = []
    t = time.perf_counter()
    data = store.load_processed(processed, member_id="me")
    out.append(("load processed data", time.perf_counter() - t))
    t = time.perf_counter()
    rep = section.member_report(data, run_date=RUN_DATE, tz="Europe/Berlin")
    out.append(("compute (model fits, headline, plans)", time.perf_counter() - t))
    for name in ("summary", "standing", "trend", "activity", "effects", "timing", "advice",
                 "quality"):
        t = time.perf_counter()
        view = getattr(section, f"{name}_view")(rep)
        built = time.perf_counter()
        view.html()
        out.append((f"{name}: build", built - t))
        out.append((f"{name}: render (PNG + HTML)", time.perf_counter() - built))
    t = time.perf_counter()
    common.glossary_view().html()
    out.append(("glossary", time.perf_counter() - t))
    return out


def cli(*args: str, cwd: Path = ROOT) -> tuple[float, float]:
    """Run the CLI; return wall seconds and the CPU seconds it and its children used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "ssi_analysis", *args], cwd=cwd,
                       capture_output=True, text=True)
    wall = time.perf_counter() - t
    if r.returncode:
        raise SystemExit(f"ssi-analysis {' '.join(args)} failed:\n{r.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=200, help="members in the batch (0: skip)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of floor/report (best kept)")
    args = ap.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    with tempfile.TemporaryDirectory(prefix="ssi-bench-reports-") as folder:
        run(args, Path(folder))


def run(args: argparse.Namespace, tmp: Path) -> None:
    """Measure and print everything, working in the folder ``tmp``."""
    sample = tmp / "sample"
    cli("-q", "ingest", str(ROOT / "data/raw/sample/member"), "--tz", "Europe/Berlin",
        "--out", str(sample), "--as-of", RUN_DATE)
    floor_nb = floor_notebook(tmp / "floor.ipynb")
    params = {"processed_dir": str(sample), "run_date": RUN_DATE}
    floors, reports = [], []
    for i in range(args.repeat):        # interleaved, so drifts in machine speed hit both
        floors.append(run_and_export(floor_nb, tmp / f"floor{i}.ipynb", {}))
        reports.append(run_and_export(MEMBER_NB, tmp / f"member{i}.ipynb", params))
    floor, report = min(floors), min(reports)
    print(f"one member report (bundled sample), best of {args.repeat}, Papermill + nbconvert")
    print(f"  {'empty notebook, same imports (floor)':<44}{floor:7.2f} s")
    print(f"  {'member report':<44}{report:7.2f} s  {report / floor:5.2f}x floor "
          f"(target <= 2x: {'met' if report <= 2 * floor else 'missed'})")
    print("  where the report's own time goes (in process, no kernel):")
    steps = sections(sample)
    for name, secs in sorted(steps, key=lambda s: -s[1])[:12]:
        print(f"    {name:<42}{secs:7.2f} s")
    print(f"    {'all steps':<42}{sum(s for _, s in steps):7.2f} s")
    if not args.batch:
        return
    team = tmp / "team"
    cli("synth", "--members", str(args.batch), "--start", "2025-11-01", "--end", RUN_DATE,
        "--out", str(tmp / "team-raw"))
    cli("-q", "ingest", str(tmp / "team-raw"), "--out", str(team), "--as-of", RUN_DATE)
    one = tmp / "one.yml"
    one.write_text("reports:\n  - name: one\n    notebook: " + str(MEMBER_NB) +
                   f"\n    parameters: {{processed_dir: {team}, member_id: m0001}}\n")
    every = tmp / "every.yml"
    every.write_text("reports:\n  - name: 'm-{member_id}'\n    notebook: " + str(MEMBER_NB) +
                     f"\n    for_each_member: true\n    member_names: ids"
                     f"\n    parameters: {{processed_dir: {team}}}\n")
    singles = [cli("-q", "report", "--config", str(one), "--out", str(tmp / f"one{i}"),
                   "--run-date", RUN_DATE)[0] for i in range(args.repeat)]
    single = min(singles)
    cores = os.cpu_count() or 1
    wall, cpu = cli("-q", "report", "--config", str(every), "--out", str(tmp / "batch"),
                    "--run-date", RUN_DATE, "--jobs", str(cores))
    per = wall / args.batch
    print(f"\n{args.batch} member reports (synthetic team, one year each), {cores} cores")
    print(f"  {'one `ssi-analysis report` of one member':<44}{single:7.2f} s (best of "
          f"{args.repeat})")
    print(f"  {'batch, kept kernels: wall':<44}{wall:7.1f} s")
    print(f"  {'batch: per report':<44}{per:7.2f} s  {per / single:5.2f}x one single run "
          f"(target <= 0.5x: {'met' if per <= single / 2 else 'missed'})")
    print(f"  {'serial single runs (N x one run)':<44}{single * args.batch:7.1f} s  "
          f"{single * args.batch / wall:5.1f}x the batch's wall time")
    print(f"  {'CPU busy during the batch':<44}{cpu / (wall * cores):7.0%} of {cores} cores")


if __name__ == "__main__":
    main()
