"""Importers: every supported input turned into the canonical snapshot and activity tables.

``load_snapshots`` and ``load_activity`` detect each file's format from its content (and,
for LinkedIn's export, its file name) through the registry in
:mod:`~ssi_analysis.importers.registry`, merge everything into the canonical tables and
raise :class:`~ssi_analysis.errors.DataError` with one readable line for anything they
cannot use.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import DataError, NoDataFoundError
from ..memory import reuses_memory
from ..schema import ACTIVITY_COLUMNS, snapshot_columns
from ..tables import (
    ActivityTable,
    SnapshotTable,
    coverage_frame,
    hours_frame,
    ingest_log_frame,
)
from ._fast import release_memory
from ._frames import (
    as_categories,
    combine_activity,
    coverage_records,
    empty_activity,
    finish_snapshots,
    hourly_records,
    order_snapshots,
)
from ._text import check_tz, reading
from .linkedin_export import EXPORT_FILE, Owner, load_export, profile_name
from .notes import load_annotations
from .registry import ACTIVITY_SUFFIXES, SNAPSHOT_SUFFIXES, ActivityPart, Peek, find
from .sources import Source, expand

PathLike = str | os.PathLike[str]


def _snapshot_frame(source: Source, tz: str, log: list[dict]) -> pd.DataFrame | None:
    """Read one file as snapshots, or return None when it holds none (workbooks logged)."""
    if not source.basename.lower().endswith(SNAPSHOT_SUFFIXES):
        return None
    peek = Peek(source)
    if peek.big_header is None and not peek.is_xlsx and peek.blank:
        raise DataError("is empty", path=source.name)
    fmt = find(peek, "snapshots")
    if fmt is None:
        if peek.is_xlsx:
            log.append({"file": source.short, "row": 0, "rule": "not_recognised",
                        "detail": "workbook is not a Sales Navigator usage report; skipped"})
        return None
    return fmt.snapshots(peek, tz, log)


def _combine_snapshots(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Finish the readers' frames as one canonical table, ids as categoricals."""
    # the readers' many small frames (one per JSON capture) are finished as one
    fast = [f for f in frames if isinstance(f["member_id"].dtype, pd.CategoricalDtype)]
    small = [f for f in frames if not isinstance(f["member_id"].dtype, pd.CategoricalDtype)]
    frames = [finish_snapshots(f) for f in fast]
    if small:
        frames.append(finish_snapshots(small[0] if len(small) == 1
                                       else pd.concat(small, ignore_index=True)))
    for c in ("member_id", "source"):          # compact ids: codes, not a string per row
        if any(isinstance(f[c].dtype, pd.CategoricalDtype) for f in frames):
            frames = as_categories(frames, c)
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    for c in ("member_id", "source"):
        if not isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype(pd.CategoricalDtype(pd.Index(sorted(df[c].unique()),
                                                              dtype=str)))
    return order_snapshots(df[snapshot_columns(df.columns)])


@reuses_memory
def load_snapshots(*paths: PathLike, member_id: str | None = None,
                   tz: str = "UTC") -> SnapshotTable:
    """Load SSI snapshots from any supported source into the canonical table.

    Formats are detected from content, not file names: ``salesApiSsi`` JSON (raw,
    wrapped in ``data``/``rawJson``, arrays, JSON lines, tracker history entries), a
    saved SSI page (HTML), wide snapshot CSVs (the canonical ``snapshots.csv`` and the
    spellings trackers use), long localised tracker CSVs (see
    :mod:`ssi_analysis.importers.long_csv`) and Sales Navigator usage reports (CSV or XLSX).

    Parameters
    ----------
    *paths : str or os.PathLike
        Files, folders (recursive), glob patterns or zip archives.
    member_id : str, optional
        Member id for sources that name no one (default ``"me"``).
    tz : str, default "UTC"
        The member's time zone: capture times are turned into local calendar days.

    Returns
    -------
    SnapshotTable
        ``.snapshots``: the core columns (``schema.SNAPSHOT_CORE``) and the optional ones
        (``schema.SNAPSHOT_EXTRAS``: capture time, ranks, peer details) that some source
        has, one row per capture, sorted by member, date and capture time; ``source``
        names the file and format of each row. ``member_id`` and ``source`` are
        categoricals of strings (compact: a code per row, not a string). Not
        deduplicated: see :func:`ssi_analysis.clean_snapshots`. ``.ingest_log``: files
        that were skipped and notes on rows.

    Raises
    ------
    DataError
        When a path is missing, a file cannot be read, or no SSI data is found.
    """
    tz = check_tz(tz)
    if not paths:
        raise DataError("no input given: name at least one file or folder with SSI snapshots")
    frames = []
    log: list[dict] = []
    sources = expand(paths)
    for source in sources:
        if EXPORT_FILE.match(source.basename):
            continue  # a LinkedIn export file, read by load_activity
        with reading(source):
            df = _snapshot_frame(source, tz, log)
        if df is None:
            continue
        if "member_id" not in df:
            df["member_id"] = member_id or "me"
        frames.append(df)
    if not frames:
        names = ", ".join(str(p) for p in paths)
        raise NoDataFoundError(f"no SSI snapshot file found among {len(sources)} files "
                               "(expected salesApiSsi JSON, a saved SSI page, a snapshot CSV "
                               "or a Sales Navigator usage report)", path=names)
    table = SnapshotTable(_combine_snapshots(frames), ingest_log_frame(log))
    release_memory()                     # the CSV reader's buffers (~0.5 GB at 10 M rows)
    return table


def _activity_part(source: Source, member: str) -> ActivityPart | None:
    """Read one (non-export) file as activity, or return None when it holds none."""
    if not source.basename.lower().endswith(ACTIVITY_SUFFIXES):
        return None
    peek = Peek(source)
    if peek.big_header is None and not peek.is_xlsx and peek.blank:
        return None
    fmt = find(peek, "activity")
    return None if fmt is None else fmt.activity(peek, member)


@reuses_memory
def load_activity(*paths: PathLike, member_id: str | None = None, tz: str = "UTC",
                  owner: str | None = None) -> ActivityTable:
    """Load activity counts from LinkedIn data exports, Sales Navigator reports and CSVs.

    Parameters
    ----------
    *paths : str or os.PathLike
        Export folders or zips (``Basic_``/``Complete_LinkedInDataExport_…``, files found
        at any depth, ``_<id>`` suffixes accepted), Sales Navigator usage reports (CSV or
        XLSX), canonical ``activity.csv`` files, folders or globs.
    member_id : str, optional
        Member id for sources that name no one (default ``"me"``).
    tz : str, default "UTC"
        The member's time zone: UTC timestamps of posts, comments, reactions and messages
        are counted on the local calendar day.
    owner : str, optional
        The export owner's profile URL, or their name as messages show it, to tell sent
        messages from received ones when the export has no ``Profile.csv`` and the
        messages do not make it clear.

    Returns
    -------
    ActivityTable
        ``.counts``: ``member_id, date, activity, count`` with one row per member, day and
        activity that had at least one event (Sales Navigator: one row per period, dated
        at its end); ``member_id`` and ``activity`` are categoricals of strings.
        ``.coverage``: per member and activity, the dates each source tracks — days
        inside coverage without a row are zero, days outside are unknown.
        ``.ingest_log``: skipped rows and inferences. ``.hours``: events per local weekday
        and hour. Only counts and dates leave the importer.

    Raises
    ------
    DataError
        When a path is missing, a file is unreadable or no activity file is found.
    """
    tz = check_tz(tz)
    if not paths:
        raise DataError("no input given: name a LinkedIn data export or an activity CSV")
    member = member_id or "me"
    sources = expand(paths)
    exports: dict[str, list[Source]] = {}
    parts: list[ActivityPart] = []
    for source in sources:
        if EXPORT_FILE.match(source.basename):
            exports.setdefault(str(Path(source.name).parent), []).append(source)
            continue
        with reading(source):
            part = _activity_part(source, member)
        if part is not None:
            parts.append(part)
    log = [n for p in parts for n in p.notes]
    hourly: list[pd.DataFrame] = []
    profiles = {str(Path(s.name).parent): profile_name([s]) for s in sources
                if s.basename.lower() == "profile.csv"}
    for key in sorted(exports):
        f, c = load_export(exports[key], tz, member, log,
                           Owner.given(owner, profiles.get(key, "")), hourly)
        parts.append(ActivityPart(f, c))
    if not parts:
        raise NoDataFoundError("no activity file found (expected a LinkedIn data export with "
                               "Shares.csv, Comments.csv, …, a Sales Navigator usage report "
                               "or an activity CSV)", path=", ".join(str(p) for p in paths))
    frames = [f for p in parts for f in p.frames]
    if len(frames) == 1 and len(frames[0]) and any(p.canonical and p.frames for p in parts):
        out = frames[0]                  # one wide CSV without repeats: already canonical
    else:
        out = combine_activity(frames)[list(ACTIVITY_COLUMNS)]
    release_memory()
    return ActivityTable(
        counts=out,
        coverage=coverage_frame(coverage_records([c for p in parts for c in p.coverage])),
        ingest_log=ingest_log_frame(log), hours=hours_frame(hourly_records(hourly)))


__all__ = ["empty_activity", "load_activity", "load_annotations", "load_snapshots",
           "release_memory"]
