"""Command line: ``ssi-analysis init | ingest | report | status | synth | sample``.

Exit status 0 on success, 2 on bad input (one line on stderr, no traceback), 1 when a
report notebook fails.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ._version import __version__
from .errors import DataError, InsufficientDataError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ssi-analysis", description=(
        "Import LinkedIn SSI snapshots and activity, clean them and render reports."))
    p.add_argument("--version", action="version", version=f"ssi-analysis {__version__}")
    p.add_argument("--project", default=None, help="the project folder (default: the nearest "
                   "folder with ssi-analysis.toml, from the current one upward)")
    p.add_argument("-v", "--verbose", action="store_true", help="say more (every file read)")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    sub = p.add_subparsers(dest="command", required=True)
    ini = sub.add_parser("init", help="create a project folder (data, notebooks, reports)")
    ini.add_argument("folder", help="where to create it")
    ing = sub.add_parser("ingest", help="load and clean raw inputs into data/processed")
    ing.add_argument("raw", nargs="*", help="files, folders, zips or globs (default: the "
                     "project's data/raw, without the bundled sample in data/raw/sample)")
    ing.add_argument("--out", default=None, help="output folder (default: data/processed)")
    ing.add_argument("--tz", default="UTC", help="your time zone, e.g. Europe/Berlin")
    ing.add_argument("--member-id", default=None, help="id for sources that name no one")
    ing.add_argument("--as-of", default=None,
                     help="the day the data are judged against, YYYY-MM-DD (default today): "
                          "later snapshots are future dates")
    ing.add_argument("--owner", default=None,
                     help="your LinkedIn profile URL (or your name as your messages show "
                          "it), when the export cannot tell which messages are yours")
    rep = sub.add_parser("report", help="execute the report notebooks and write HTML")
    rep.add_argument("--config", default=None, help="report configuration (YAML)")
    rep.add_argument("--out", default=None, help="output folder (default: reports)")
    rep.add_argument("--jobs", type=int, default=None, help="parallel reports (default: cores)")
    rep.add_argument("--force", action="store_true", help="rerun unchanged reports too")
    rep.add_argument("--fresh-kernels", action="store_true", help="a new kernel for every "
                     "report (slower; by default each worker keeps one, reset between reports)")
    rep.add_argument("--run-date", default="", help="the day the reports are run, YYYY-MM-DD "
                     "(default today): how old the data are")
    sta = sub.add_parser("status", help="what has been collected and the next milestone")
    sta.add_argument("processed", nargs="?", default=None,
                     help="processed folder (default: data/processed)")
    sta.add_argument("--run-date", default="", help="judge data age on this day (default today)")
    sta.add_argument("--stale-days", type=int, default=7, help="older than this is stale")
    syn = sub.add_parser("synth", help="write a synthetic team as canonical CSVs (benchmarks)")
    syn.add_argument("--members", type=int, default=1000)
    syn.add_argument("--start", default="2023-01-01")
    syn.add_argument("--end", default="2025-12-31")
    syn.add_argument("--seed", type=int, default=0)
    syn.add_argument("--out", required=True, help="output folder (not under data/raw)")
    sam = sub.add_parser("sample", help="regenerate the bundled synthetic sample")
    sam.add_argument("--out", default=None, help="output folder (default: data/raw/sample)")
    sam.add_argument("--seed", type=int, default=None, help="generator seed")
    for sp in sub.choices.values():          # also after the command: `ingest … -v`
        sp.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="say more (every file read)")
        sp.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="print errors only")
    return p


def _default_inputs() -> list[str]:
    """Return the project's data/raw without the bundled sample (refuse an empty one)."""
    from . import paths

    raw, sample = paths.RAW_DIR, paths.SAMPLE_DIR
    if not raw.is_dir():
        raise DataError("no inputs named and the project has no data/raw folder", path=raw)
    items = sorted(p for p in raw.iterdir() if p != sample and not p.name.startswith("."))
    if not items:
        raise DataError("no inputs named and data/raw holds nothing but the bundled sample "
                        "(name it to use it: ssi-analysis ingest data/raw/sample/member)",
                        path=raw)
    return [str(p) for p in items]


def _ingest(args) -> int:
    from . import paths
    from .pipeline import ingest, ingest_summary

    raw = args.raw or _default_inputs()
    out = Path(args.out) if args.out else paths.PROCESSED_DIR
    if not args.quiet and sys.stderr.isatty():
        print(f"reading {', '.join(raw)} …", file=sys.stderr)
    ingest(raw, out, tz=args.tz, member_id=args.member_id, as_of=args.as_of, owner=args.owner)
    if not args.quiet:
        for line in ingest_summary(out, verbose=args.verbose):
            print(line)
    return 0


def _init(args) -> int:
    from .project import init_project

    made = init_project(args.folder)
    if not args.quiet:
        print(f"created the project {Path(args.folder)} ({len(made)} files and folders); next: "
              f"cd {args.folder} && ssi-analysis sample && ssi-analysis ingest "
              "data/raw/sample/member --tz Europe/Berlin && ssi-analysis report")
    return 0


def _report(args) -> int:
    from . import paths
    from .report import run_reports

    _check_date(args.run_date, "--run-date")
    out = Path(args.out) if args.out else paths.REPORTS_DIR
    statuses = run_reports(args.config, out, jobs=args.jobs, force=args.force,
                           run_date=args.run_date, progress=False if args.quiet else None,
                           quiet=args.quiet, fresh_kernels=args.fresh_kernels)
    failed = [st for st in statuses if st.status == "failed"]
    for st in failed:
        print(f"ssi-analysis: report {st.name} failed: {st.message}", file=sys.stderr)
    counts = {k: sum(st.status == k for st in statuses) for k in ("ok", "skipped")}
    if not args.quiet:
        print(f"{counts['ok']} written, {counts['skipped']} unchanged, {len(failed)} failed; "
              f"open {out / 'index.html'}")
    return 1 if failed else 0


def _check_date(value: str, option: str) -> None:
    import datetime as dt

    if value:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise DataError(f"{option} must be a date YYYY-MM-DD, got {value!r}") from None


def _status(args) -> int:
    from . import paths
    from .pipeline import status_lines

    _check_date(args.run_date, "--run-date")
    folder = Path(args.processed) if args.processed else paths.PROCESSED_DIR
    for line in status_lines(folder, run_date=args.run_date, stale_days=args.stale_days):
        print(line)
    return 0


def _synth(args) -> int:
    from . import paths
    from .synth import make_synthetic, write_canonical

    if paths.is_under_raw(args.out):
        raise DataError("refusing to write inside data/raw (raw data is never modified)",
                        path=args.out)
    data = make_synthetic(args.members, args.start, args.end, seed=args.seed)
    snaps, act = write_canonical(data, args.out)
    if not args.quiet:
        print(f"wrote {snaps} and {act}")
    return 0


def _sample(args) -> int:
    from . import paths
    from .synth import SAMPLE_SEED, write_sample

    out = Path(args.out) if args.out else paths.SAMPLE_DIR
    write_sample(out, seed=SAMPLE_SEED if args.seed is None else args.seed)
    if not args.quiet:
        print(f"wrote the sample to {out}")
    return 0


_COMMANDS = {"init": _init, "ingest": _ingest, "report": _report, "status": _status,
             "synth": _synth,
             "sample": _sample}


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status.
    """
    args = _parser().parse_args(argv)
    saved = os.environ.get("SSI_PROJECT")
    try:
        if args.project:
            project = Path(args.project).expanduser().absolute()
            if not (project / "ssi-analysis.toml").is_file():
                raise DataError("--project: not a project folder (no ssi-analysis.toml; "
                                "`ssi-analysis init` makes one)", path=project)
            os.environ["SSI_PROJECT"] = str(project)
        return _COMMANDS[args.command](args)
    except (DataError, InsufficientDataError) as exc:
        print(f"ssi-analysis: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ssi-analysis: interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130
    finally:                       # --project holds for this call only (also in-process)
        if saved is None:
            os.environ.pop("SSI_PROJECT", None)
        else:
            os.environ["SSI_PROJECT"] = saved


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
