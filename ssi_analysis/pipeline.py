"""Ingest: raw inputs → cleaned, canonical Parquet tables in ``data/processed``."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
from pathlib import Path

import pandas as pd

from ._version import __version__
from .clean import clean_snapshots
from .errors import DataError, NoDataFoundError
from .importers import (
    empty_activity,
    load_activity,
    load_annotations,
    load_snapshots,
    release_memory,
)
from .importers.sources import expand
from .paths import check_output_dir, project_root
from .schema import INGEST_LOG_COLUMNS
from .store import PROCESSED_FILES, parquet_bytes, write_generation
from .tables import ActivityTable, empty_coverage, empty_hours, empty_ingest_log, ingest_log_frame


def _tz(tz: str) -> str:
    try:
        pd.Timestamp.now(tz)
    except Exception:
        raise DataError(f"unknown time zone {tz!r} (use a name like 'Europe/Berlin' or 'UTC')"
                        ) from None
    return tz


def input_manifest(paths) -> list[dict]:
    """List every input file with its size and SHA-256 (for the run manifest).

    Parameters
    ----------
    paths : iterable of str or os.PathLike
        The raw inputs as given to ingest.

    Returns
    -------
    list of dict
        ``{"file", "bytes", "sha256"}`` per file, in a deterministic order.
    """
    out = []
    for s in expand(paths):
        if s.member is None:        # a file on disk: hashed in blocks, never held whole
            digest, size = hashlib.sha256(), 0
            try:
                with open(s.path, "rb") as fh:
                    while block := fh.read(1 << 22):
                        digest.update(block)
                        size += len(block)
            except OSError:
                data = s.read_bytes()          # raises the one-line DataError
                digest, size = hashlib.sha256(data), len(data)
        else:
            data = s.read_bytes()
            digest, size = hashlib.sha256(data), len(data)
        out.append({"file": s.short, "bytes": size, "sha256": digest.hexdigest()})
    return out


def ingest(paths, out_dir: str | os.PathLike[str] | None = None, *, tz: str = "UTC",
           member_id: str | None = None, as_of: str | None = None,
           owner: str | None = None) -> dict[str, Path]:
    """Load, clean and write the canonical tables.

    Parameters
    ----------
    paths : iterable of str or os.PathLike
        Raw inputs: tracker files, LinkedIn exports, canonical CSVs (files, folders,
        zips, globs). SSI snapshots are required; activity is optional.
    out_dir : str or os.PathLike
        Destination folder (never under ``data/raw``).
    tz : str
        The member's time zone.
    member_id : str, optional
        Member id for sources that name no one.
    as_of : str, optional
        The day the data are judged against (``YYYY-MM-DD``): later snapshots are
        dropped as future dates. Default today in ``tz``; recorded in the manifest, so
        a rerun with the same inputs and ``as_of`` writes the same bytes.
    owner : str, optional
        The export owner's profile URL (tells sent messages from received ones when the
        export cannot).

    Returns
    -------
    dict of str to pathlib.Path
        The files written.
    """
    paths = list(paths)
    out = check_output_dir(project_root() / "data" / "processed" if out_dir is None
                           else out_dir, paths)
    if as_of is None:
        as_of = pd.Timestamp.now(_tz(tz)).strftime("%Y-%m-%d")
    elif not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(as_of)) or pd.isna(
            pd.to_datetime(str(as_of), format="%Y-%m-%d", errors="coerce")):
        raise DataError(f"--as-of must be a date YYYY-MM-DD, got {as_of!r}")
    snaps = load_snapshots(*paths, member_id=member_id, tz=tz)
    notes = load_annotations(*paths)
    result = clean_snapshots(snaps, as_of=as_of, annotations=notes)
    if result.snapshots.empty:
        reasons = result.log[result.log["action"] == "dropped"]["rule"].value_counts()
        why = ", ".join(f"{n} {r.replace('_', ' ')}" for r, n in reasons.items())
        dropped = result.log[(result.log["action"] == "dropped")
                             & (result.log["rule"] != "missing_pillar")]
        first = (dropped.iloc[0] if len(dropped) else
                 result.log.iloc[0] if len(result.log) else None)
        raise DataError(f"none of the {len(snaps)} snapshots is usable ({why}); e.g. "
                        f"{first['detail'] if first is not None else ''}",
                        path=str(first["source"]).split(" [")[0] if first is not None else None)
    notes_in = snaps.ingest_log          # the importer's notes, without the raw table
    del snaps                            # (~1 GB at 10 M rows)
    release_memory()
    try:
        act = load_activity(*paths, member_id=member_id, tz=tz, owner=owner)
    except NoDataFoundError:
        act = ActivityTable(empty_activity(), empty_coverage(), empty_ingest_log(), empty_hours())
    tables = {"snapshots": result.snapshots, "log": result.log, "gaps": result.gaps,
              "activity": act.counts, "coverage": act.coverage,
              "ingest_log": ingest_log_frame(notes_in, act.ingest_log), "hours": act.hours}
    tables["ingest_log"] = ingest_log_frame(tables["ingest_log"], pd.DataFrame(
        not_read(paths, tables["ingest_log"], notes), columns=list(INGEST_LOG_COLUMNS)))
    manifest = {
        "kit_version": __version__,
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "parameters": {"tz": tz, "member_id": member_id, "as_of": as_of, "owner": owner},
        "inputs": input_manifest(paths),
        "rows": {k: len(v) for k, v in tables.items()},
    }
    body = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    files = {f: (lambda t, df=tables[k]: parquet_bytes(df, t)) for k, f in PROCESSED_FILES.items()}
    files["manifest.json"] = lambda t: t.write_text(body, encoding="utf-8")
    paths_out = write_generation(out, files)
    written = {k: paths_out[f] for k, f in PROCESSED_FILES.items()}
    written["manifest"] = paths_out["manifest.json"]
    return written


def status_lines(processed_dir: str | os.PathLike[str] | None = None, *, run_date: str = "",
                 stale_days: int = 7, limit: int = 20) -> list[str]:
    """Describe what has been collected: per member, snapshots, weeks, gaps, next milestone.

    Parameters
    ----------
    processed_dir : str or os.PathLike
        The folder ``ssi-analysis ingest`` wrote.
    run_date : str
        ``YYYY-MM-DD`` the data age is judged on; empty means today.
    stale_days : int
        Older than this is stale.
    limit : int
        Most members listed one by one (a team gets a summary line too).

    Returns
    -------
    list of str
        Plain lines for people and for cron logs (``stale`` appears when data are stale).

    Raises
    ------
    DataError
        When the folder holds no processed data.
    """
    from .headline import status_record
    from .store import load_processed

    if processed_dir is None:
        processed_dir = project_root() / "data" / "processed"
    data = load_processed(processed_dir)
    table = status_record(data.snapshots, data.coverage, run_date=run_date,
                          stale_days=stale_days)
    out = [f"{len(table)} member{'s' if len(table) != 1 else ''} in {processed_dir}; "
           f"{int(table['stale'].sum())} with stale data (older than {stale_days} days)"]
    for r in table.head(limit).itertuples():
        if r.cadence == "monthly":
            span, nxt = (f"{r.snapshots} monthly snapshots {r.first} to {r.last}, {r.gaps} "
                         "missing months",
                         "in the team model (monthly changes) once 8 months are saved"
                         if r.snapshots < 9 else "counted in the team model (monthly changes)")
        else:
            span = (f"{r.snapshots} snapshots {r.first} to {r.last}, {r.weeks} weeks, {r.gaps} "
                    f"gap{'s' if r.gaps != 1 else ''} over 7 days")
            nxt = (f"effects model from about {r.ready_on} ({r.needed - r.changes} more weekly "
                   "changes at one save a week)" if r.ready_on else
                   f"effects model has enough weeks ({r.changes} weekly changes)")
        age = "1 day" if r.age_days == 1 else f"{r.age_days} days"
        out.append(f"{r.member_id}: {span}; latest {age} old{' (STALE)' if r.stale else ''}; "
                   f"next: {nxt}")
    if len(table) > limit:
        out.append(f"… and {len(table) - limit} more members")
    return out


def not_read(paths, log: pd.DataFrame, notes: pd.DataFrame) -> list[dict]:
    """One ingest-log note for each input file that no importer read (nothing silent).

    Parameters
    ----------
    paths : list of path-like
        The inputs given to ingest.
    log : pandas.DataFrame
        The importers' ingest log (files they read appear in it).
    notes : pandas.DataFrame
        The annotations read (their ``source`` files count as read).

    Returns
    -------
    list of dict
        ``file, row, rule, rows, detail`` records, rule ``file_not_read``.
    """
    seen = set(log["file"].astype(str)) | set(notes.get("source", pd.Series(dtype=str))
                                             .astype(str).str.split(" \\[").str[0])
    return [{"file": s.short, "row": 0, "rule": "file_not_read", "rows": 0,
             "detail": "not a file this kit reads (no SSI snapshots, activity or notes); "
                       "left out"}
            for s in expand(paths) if s.short not in seen and s.basename.lower() != "profile.csv"]


def ingest_summary(processed_dir: str | os.PathLike[str], *, verbose: bool = False
                   ) -> list[str]:
    """Say what an ingest read and wrote: files, rows, members, days (and, verbose, each file).

    Parameters
    ----------
    processed_dir : str or os.PathLike
        The folder ingest wrote.
    verbose : bool
        Add one line per input file (rows read, used and skipped).

    Returns
    -------
    list of str
    """
    from .store import load_processed, read_manifest

    data = load_processed(processed_dir)
    man = read_manifest(processed_dir)
    s = data.snapshots
    days = s["date"].nunique()
    acts = data.activity["activity"].nunique() if len(data.activity) else 0
    out = [f"read {len(man.get('inputs', [])):,} files: {len(s):,} snapshots of "
           f"{s['member_id'].nunique():,} member{'s' if s['member_id'].nunique() != 1 else ''} "
           f"on {days:,} days ({s['date'].min():%Y-%m-%d} to {s['date'].max():%Y-%m-%d}), "
           f"{int(data.activity['count'].sum()) if acts else 0:,} actions of {acts} activities; "
           f"written to {processed_dir}"]
    log = data.ingest_log
    skipped = log[(log["rows"] > 0) & ~log["rule"].isin(["rows_read", "rows_used"])]
    if len(skipped):
        out.append(f"{int(skipped['rows'].sum()):,} rows not used (see the report's data "
                   "quality section or --verbose)")
    unread = sorted(log.loc[log["rule"] == "file_not_read", "file"].astype(str))
    if unread:
        shown = ", ".join(unread[:3]) + (f" and {len(unread) - 3:,} more" if len(unread) > 3
                                         else "")
        out.append(f"{len(unread):,} file{'s' if len(unread) != 1 else ''} not read (no SSI "
                   f"snapshots, activity or notes): {shown}")
    if verbose:
        for f, g in log.groupby("file", sort=True):
            read = int(g.loc[g["rule"] == "rows_read", "rows"].sum())
            used = int(g.loc[g["rule"] == "rows_used", "rows"].sum())
            why = "; ".join(f"{int(n)} {r.replace('_', ' ')}" for r, n in
                            g[(g["rows"] > 0) & ~g["rule"].isin(["rows_read", "rows_used"])]
                            .groupby("rule")["rows"].sum().items())
            out.append(f"  {f}: {read} read, {used} used" + (f" ({why})" if why else ""))
    return out
