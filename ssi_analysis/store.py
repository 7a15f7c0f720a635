"""The processed folder: file names, atomic writes, Parquet and CSV, reading it back.

``ssi-analysis ingest`` writes here and the reports read from here; nothing else touches
the files. Every write is atomic (a temporary file in the same folder, then a rename), so an
interrupted run never leaves a half-written table.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import DataError
from .paths import is_under_raw, resolve
from .privacy import is_pseudonym, project_salt, pseudonym
from .tables import ActivityTable

PathLike = str | os.PathLike[str]

PROCESSED_FILES = {
    "snapshots": "snapshots.parquet",
    "log": "cleaning_log.parquet",
    "gaps": "gaps.parquet",
    "activity": "activity.parquet",
    "coverage": "activity_coverage.parquet",
    "ingest_log": "ingest_log.parquet",
    "hours": "activity_hours.parquet",
}


@dataclass(frozen=True)
class Processed:
    """The processed tables of one member (or team), filtered to a date range."""

    snapshots: pd.DataFrame
    log: pd.DataFrame
    gaps: pd.DataFrame
    activity: pd.DataFrame
    coverage: pd.DataFrame
    ingest_log: pd.DataFrame
    hours: pd.DataFrame

    @property
    def activity_table(self) -> ActivityTable:
        """Return the activity with its coverage, notes and hours as one table."""
        return ActivityTable(self.activity, self.coverage, self.ingest_log, self.hours)


def load_processed(processed_dir: str | os.PathLike[str] = "data/processed", *,
                   member_id: str | None = None, start: str = "", end: str = "") -> Processed:
    """Read what ``ssi-analysis ingest`` wrote, for one member and a date range.

    Parameters
    ----------
    processed_dir : str or os.PathLike
        Folder with the Parquet files (relative paths are relative to the project root).
    member_id : str, optional
        Keep only this member (default: all); a pseudonym of this project
        (``Member 3F9A2C``, see :mod:`ssi_analysis.privacy`) finds the member behind it.
    start, end : str
        Inclusive date range ``YYYY-MM-DD``; empty means unbounded.

    Returns
    -------
    Processed
        Snapshots, cleaning log, gaps, activity and coverage.

    Raises
    ------
    DataError
        When a file is missing or the member has no snapshots.
    """
    folder = resolve(processed_dir)
    t = {k: read_parquet(folder / f) for k, f in PROCESSED_FILES.items()}
    if member_id is not None and is_pseudonym(member_id):
        member_id = _unmask(t["snapshots"], member_id)
    lo = pd.Timestamp(start) if start else pd.Timestamp.min
    hi = pd.Timestamp(end) if end else pd.Timestamp.max
    for k, col in (("snapshots", "date"), ("log", "date"), ("activity", "date")):
        df = t[k]
        keep = df[col].between(lo, hi) | df[col].isna()
        if member_id is not None:
            keep &= df["member_id"] == member_id
        t[k] = df[keep].reset_index(drop=True)
    if member_id is not None:
        for k in ("gaps", "coverage", "hours"):
            t[k] = t[k][t[k]["member_id"] == member_id].reset_index(drop=True)
    if t["snapshots"].empty:
        raise DataError(f"no snapshots for member {member_id!r} between {start or 'the start'} "
                        f"and {end or 'the end'}", path=folder / PROCESSED_FILES["snapshots"])
    cov = t["coverage"].copy()
    cov["start"] = cov["start"].clip(lower=lo)
    cov["end"] = cov["end"].clip(upper=hi)
    return Processed(t["snapshots"], t["log"], t["gaps"], t["activity"],
                     cov.reset_index(drop=True), t["ingest_log"], t["hours"])


def _unmask(snapshots: pd.DataFrame, shown: str) -> str:
    """Return the member id behind a pseudonym of this project (itself when it is a real id)."""
    ids = snapshots["member_id"].astype(str).unique()
    if shown in ids:
        return shown
    salt = project_salt()
    return next((m for m in ids if pseudonym(m, salt) == shown), shown)


def read_manifest(processed_dir: str | os.PathLike[str]) -> dict:
    """Return the ``manifest.json`` that ingest wrote (empty when there is none).

    Parameters
    ----------
    processed_dir : str or os.PathLike
        The processed folder.

    Returns
    -------
    dict
    """
    path = resolve(processed_dir) / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def atomic_write(path: PathLike, write: Callable[[Path], None]) -> Path:
    """Write a file atomically: ``write`` fills a temporary file that is then renamed.

    Parameters
    ----------
    path : str or os.PathLike
        Final destination; must not lie under ``data/raw``.
    write : callable
        Called with the temporary path; must create the file there.

    Returns
    -------
    pathlib.Path
        The destination.

    Raises
    ------
    DataError
        When the destination is inside ``data/raw`` (raw data is never written).
    """
    path = Path(path)
    if is_under_raw(path):
        raise DataError("refusing to write inside data/raw (raw data is never modified)",
                        path=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}",
                               dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_parquet(df: pd.DataFrame, path: PathLike) -> Path:
    """Write a frame to Parquet atomically and deterministically.

    Parameters
    ----------
    df : pandas.DataFrame
        The table (its ``attrs``, if any, are not written: side data travels in the
        table types of :mod:`ssi_analysis.tables`).
    path : str or os.PathLike
        Destination.

    Returns
    -------
    pathlib.Path
        The destination.
    """
    if df.attrs:
        df = df.copy(deep=False)
        df.attrs = {}
    return atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False, engine="pyarrow",
                                                        compression="zstd"))


def read_parquet(path: PathLike) -> pd.DataFrame:
    """Read a Parquet file written by :func:`write_parquet`.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    pandas.DataFrame
        The table.

    Raises
    ------
    DataError
        When the file is missing (run ``ssi-analysis ingest`` first) or unreadable.
    """
    p = Path(path)
    if not p.exists():
        raise DataError("not found; run `ssi-analysis ingest` (or `make report`) first", path=p)
    try:
        df = pd.read_parquet(p, engine="pyarrow")
    except Exception as exc:  # pyarrow raises many types for damaged files
        raise DataError(f"is not a readable Parquet file ({type(exc).__name__})", path=p) from None
    df.attrs = {}                 # files written before 0.2 carried side data here
    return df


def write_csv(df: pd.DataFrame, path: PathLike) -> Path:
    """Write a table as CSV for spreadsheets, atomically, neutralising formula-like cells.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    path : str or os.PathLike
        Destination.

    Returns
    -------
    pathlib.Path
        The destination.
    """
    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(
                lambda v: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v)
    return atomic_write(path, lambda tmp: safe.to_csv(tmp, index=False, lineterminator="\n",
                                                      float_format="%.6g"))
