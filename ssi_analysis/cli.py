"""Command line: ``ssi-analysis ingest | report | status | synth | sample``.

Exit status 0 on success, 2 on bad input (one line on stderr, no traceback), 1 when a
report notebook fails.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._version import __version__
from .errors import DataError, InsufficientDataError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ssi-analysis", description=(
        "Import LinkedIn SSI snapshots and activity, clean them and render reports."))
    p.add_argument("--version", action="version", version=f"ssi-analysis {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="load and clean raw inputs into data/processed")
    ing.add_argument("raw", nargs="*", help="files, folders, zips or globs (default: data/raw)")
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
    return p


def _ingest(args) -> int:
    from . import paths
    from .pipeline import ingest

    raw = args.raw or [str(paths.RAW_DIR)]
    out = Path(args.out) if args.out else paths.PROCESSED_DIR
    written = ingest(raw, out, tz=args.tz, member_id=args.member_id, as_of=args.as_of,
                     owner=args.owner)
    print(f"ingested {len(raw)} input(s) into {out} ({len(written)} files)")
    return 0


def _report(args) -> int:
    from . import paths
    from .report import run_reports

    _check_date(args.run_date, "--run-date")
    out = Path(args.out) if args.out else paths.REPORTS_DIR
    statuses = run_reports(args.config, out, jobs=args.jobs, force=args.force,
                           run_date=args.run_date)
    failed = [st for st in statuses if st.status == "failed"]
    for st in failed:
        print(f"ssi-analysis: report {st.name} failed: {st.message}", file=sys.stderr)
    counts = {k: sum(st.status == k for st in statuses) for k in ("ok", "skipped")}
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
    print(f"wrote {snaps} and {act}")
    return 0


def _sample(args) -> int:
    from . import paths
    from .synth import SAMPLE_SEED, write_sample

    out = Path(args.out) if args.out else paths.SAMPLE_DIR
    write_sample(out, seed=SAMPLE_SEED if args.seed is None else args.seed)
    print(f"wrote the sample to {out}")
    return 0


_COMMANDS = {"ingest": _ingest, "report": _report, "status": _status, "synth": _synth,
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
    try:
        return _COMMANDS[args.command](args)
    except (DataError, InsufficientDataError) as exc:
        print(f"ssi-analysis: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ssi-analysis: interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
