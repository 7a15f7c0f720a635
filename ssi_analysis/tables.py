"""The table types the stages pass each other: loaded snapshots and loaded activity.

A loader returns more than one frame: the snapshot importers also report what they
skipped or inferred (the ingest log), and the activity importers which dates each source
covers, the posting hours and their own notes. These types keep those together, in the
style of :class:`~ssi_analysis.clean.CleanResult`, instead of hiding them in
``DataFrame.attrs``.

For reading, a table behaves like its main frame (``table["ssi"]``, ``len(table)``,
``table.columns``), so code written for plain frames keeps working; the public functions
take either a table or a plain frame (whose coverage is then inferred).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .schema import COVERAGE_COLUMNS, INGEST_LOG_COLUMNS

HOURS_COLUMNS: tuple[str, ...] = ("member_id", "activity", "weekday", "hour", "count")
"""Columns of the posting-hours table: events per local weekday (0 = Monday) and hour."""


class _FrameLike:
    """Reading access to the main frame (indexing, length, attributes)."""

    _frame_name = ""

    @property
    def frame(self) -> pd.DataFrame:
        """Return the main frame."""
        return getattr(self, self._frame_name)

    def __getitem__(self, key):
        return self.frame[key]

    def __len__(self) -> int:
        return len(self.frame)

    def __iter__(self):
        return iter(self.frame)

    def __contains__(self, key) -> bool:
        return key in self.frame

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.frame, name)


@dataclass(frozen=True, eq=False)
class SnapshotTable(_FrameLike):
    """Snapshots as loaded: one row per capture, and the importers' notes.

    Attributes
    ----------
    snapshots : pandas.DataFrame
        The canonical snapshot columns (see ``schema.snapshot_columns``), one row per
        capture, sorted by member, date and capture time; not deduplicated.
    ingest_log : pandas.DataFrame
        ``file, row, rule, rows, detail``: rows read and used per file, files skipped,
        notes on rows.
    """

    snapshots: pd.DataFrame
    ingest_log: pd.DataFrame
    _frame_name = "snapshots"


@dataclass(frozen=True, eq=False)
class ActivityTable(_FrameLike):
    """Activity as loaded: counts, which dates each source covers, hours and notes.

    Attributes
    ----------
    counts : pandas.DataFrame
        ``member_id, date, activity, count``: one row per member, day and activity with at
        least one event (period sources: one row per period, dated at its end).
    coverage : pandas.DataFrame
        ``member_id, activity, start, end, source, granularity``: the dates each source
        tracks. Days inside coverage without a row are zero; days outside are unknown.
    ingest_log : pandas.DataFrame
        ``file, row, rule, rows, detail``: rows read, used and skipped, inferences made.
    hours : pandas.DataFrame
        ``member_id, activity, weekday, hour, count`` from timestamped export files.
    """

    counts: pd.DataFrame
    coverage: pd.DataFrame
    ingest_log: pd.DataFrame
    hours: pd.DataFrame
    _frame_name = "counts"


def empty_ingest_log() -> pd.DataFrame:
    """Return an ingest log without entries (``file, row, rule, rows, detail``)."""
    return pd.DataFrame({"file": pd.Series([], dtype=str), "row": pd.Series([], dtype="int64"),
                         "rule": pd.Series([], dtype=str), "rows": pd.Series([], dtype="int64"),
                         "detail": pd.Series([], dtype=str)})


def ingest_log_frame(records: list[dict] | pd.DataFrame, *more: pd.DataFrame) -> pd.DataFrame:
    """Collect importer notes into one sorted ingest log without repeats.

    Parameters
    ----------
    records : list of dict or pandas.DataFrame
        Notes ``{file, row, rule, rows, detail}`` (row 0 = the whole file; ``rows`` = the
        input rows the note accounts for, 0 when missing), or a log.
    *more : pandas.DataFrame
        Further logs to merge (e.g. the snapshot and the activity importers').

    Returns
    -------
    pandas.DataFrame
        ``file, row, rule, rows, detail``, sorted.
    """
    frames = [records if isinstance(records, pd.DataFrame)
              else pd.DataFrame(records, columns=list(INGEST_LOG_COLUMNS)), *more]
    frames = [f if "rows" in f else f.assign(rows=0) for f in frames]
    log = pd.concat([f[list(INGEST_LOG_COLUMNS)] for f in frames], ignore_index=True)
    log = log.astype({"file": str, "rule": str, "detail": str}).assign(
        row=log["row"].astype("int64"), rows=log["rows"].fillna(0).astype("int64"))
    return log.drop_duplicates().sort_values(["file", "row", "rule", "detail"],
                                             kind="stable").reset_index(drop=True)


def empty_coverage() -> pd.DataFrame:
    """Return a coverage table without rows."""
    return pd.DataFrame({c: pd.Series([], dtype="datetime64[ns]" if c in ("start", "end")
                                      else str) for c in COVERAGE_COLUMNS})


def empty_hours() -> pd.DataFrame:
    """Return a posting-hours table without rows."""
    return pd.DataFrame({c: pd.Series([], dtype=str if c in ("member_id", "activity")
                                      else "int64") for c in HOURS_COLUMNS})


def inferred_coverage(counts: pd.DataFrame) -> pd.DataFrame:
    """Coverage guessed from counts alone: each member and activity's first to last day.

    A cautious guess for a plain frame of counts: nothing outside the recorded days is
    assumed to be zero.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``member_id, date, activity, count``.

    Returns
    -------
    pandas.DataFrame
        ``member_id, activity, start, end, source, granularity``.
    """
    if counts.empty:
        return empty_coverage()
    cov = counts.groupby(["member_id", "activity"], as_index=False, sort=True,
                         observed=True).agg(start=("date", "min"), end=("date", "max"))
    cov["member_id"] = cov["member_id"].astype(str)
    cov["activity"] = cov["activity"].astype(str)
    cov["source"] = "inferred from the first and last recorded day"
    cov["granularity"] = "day"
    return cov[list(COVERAGE_COLUMNS)]


def snapshot_frame(snapshots) -> pd.DataFrame:
    """Return the snapshot frame of a table, a cleaning result or a plain frame.

    Parameters
    ----------
    snapshots : pandas.DataFrame, SnapshotTable or CleanResult
        Snapshots in any of the forms the stages pass.

    Returns
    -------
    pandas.DataFrame
    """
    if isinstance(snapshots, pd.DataFrame):
        return snapshots
    frame = getattr(snapshots, "snapshots", None)
    if isinstance(frame, pd.DataFrame):
        return frame
    raise TypeError(f"expected a snapshot table or DataFrame, got {type(snapshots).__name__}")


def activity_parts(activity, coverage: pd.DataFrame | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(counts, coverage)`` of an activity table or a plain frame of counts.

    Parameters
    ----------
    activity : ActivityTable or pandas.DataFrame
        Loaded activity, or counts alone.
    coverage : pandas.DataFrame, optional
        Coverage to use instead (e.g. clipped to a report's date range).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The counts and their coverage (inferred for a plain frame without ``coverage``).
    """
    if isinstance(activity, ActivityTable):
        return activity.counts, activity.coverage if coverage is None else coverage
    if isinstance(activity, pd.DataFrame):
        return activity, inferred_coverage(activity) if coverage is None else coverage
    raise TypeError(f"expected an activity table or DataFrame, got {type(activity).__name__}")


def activity_coverage(activity) -> pd.DataFrame:
    """Return which dates each activity is tracked for, per member.

    Parameters
    ----------
    activity : ActivityTable or pandas.DataFrame
        Loaded activity (its recorded coverage), or counts alone (coverage inferred as
        each member and activity's first to last recorded day).

    Returns
    -------
    pandas.DataFrame
        ``member_id, activity, start, end, source, granularity``.
    """
    return activity_parts(activity)[1]


def coverage_frame(records: list[dict]) -> pd.DataFrame:
    """Build the coverage table from the importers' records (dates as ``datetime64``).

    Parameters
    ----------
    records : list of dict
        ``{member_id, activity, start, end, source, granularity}`` with ISO dates.

    Returns
    -------
    pandas.DataFrame
    """
    if not records:
        return empty_coverage()
    cov = pd.DataFrame(records)
    cov["start"] = pd.to_datetime(cov["start"]).astype("datetime64[ns]")
    cov["end"] = pd.to_datetime(cov["end"]).astype("datetime64[ns]")
    if "granularity" not in cov:
        cov["granularity"] = "day"
    return cov[list(COVERAGE_COLUMNS)]


def hours_frame(records: list[dict]) -> pd.DataFrame:
    """Build the posting-hours table from the importers' records.

    Parameters
    ----------
    records : list of dict
        ``{member_id, activity, weekday, hour, count}``.

    Returns
    -------
    pandas.DataFrame
    """
    return pd.DataFrame(records, columns=list(HOURS_COLUMNS)).astype(
        {"weekday": "int64", "hour": "int64", "count": "int64"})


__all__ = ["HOURS_COLUMNS", "ActivityTable", "SnapshotTable", "activity_coverage",
           "activity_parts", "coverage_frame",
           "empty_coverage", "empty_hours", "empty_ingest_log", "hours_frame",
           "inferred_coverage", "ingest_log_frame", "snapshot_frame"]
