"""The processed folder: file names, atomic writes, Parquet and CSV, reading it back.

``ssi-analysis ingest`` writes here and the reports read from here; nothing else touches
the files. Every write is atomic (a temporary file in the same folder, then a rename), so an
interrupted run never leaves a half-written table.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
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

TMP_MARK = "ssi-tmp-"
"""Marks the kit's own temporary files (``.<name>.ssi-tmp-<random><suffix>``)."""

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
    folder = _generation(resolve(processed_dir))       # one generation, read as a whole
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


SCHEMA_VERSION = 2
"""Version of the processed tables' layout; a generation of another version is refused."""

CURRENT = "current"
"""The link in a processed folder that names its current generation."""

GENERATION_MARK = ".ssi-generation"
"""The file that marks a folder as a generation the kit wrote (with its versions)."""

_GEN_PREFIX = ".ssi-gen-"


def _generation(folder: Path) -> Path:
    """Return the folder of the current generation (the folder itself in the flat layout)."""
    link = folder / CURRENT
    if link.is_symlink() or link.is_dir():
        base = link.resolve()
        mark = base / GENERATION_MARK
        try:
            info = json.loads(mark.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise DataError("the current generation is incomplete or damaged; run "
                            "`ssi-analysis ingest` again", path=base) from None
        if info.get("schema") != SCHEMA_VERSION:
            raise DataError(f"was written by ssi-analysis {info.get('version', '?')} (table "
                            f"schema {info.get('schema')}, this kit reads {SCHEMA_VERSION}); "
                            "run `ssi-analysis ingest` again", path=folder)
        return base
    return folder


def _is_ours(path: Path) -> bool:
    """Tell whether a folder is a generation (or a staging folder) this kit wrote."""
    try:
        return json.loads((path / GENERATION_MARK).read_text(encoding="utf-8")).get(
            "kit") == "ssi-analysis"
    except (OSError, ValueError, AttributeError):
        return False


def write_generation(out: PathLike, files: dict[str, Callable[[Path], None]]) -> dict[str, Path]:
    """Write a whole new generation of a processed folder and switch to it in one step.

    The files are written into a staging folder beside the current generation; the folder
    is renamed to ``.ssi-gen-<content hash>`` and the ``current`` link is replaced
    atomically, so a reader sees the old generation or the new one, never a mix. The
    top-level names (``snapshots.parquet`` …) are links through ``current``. Leftovers of
    interrupted runs are recognised by the kit's own marker file inside them, never by
    their name, and removed; the previous generation is kept for readers still in it.

    Parameters
    ----------
    out : str or os.PathLike
        The processed folder (created when missing).
    files : dict of str to callable
        File name → function writing that file at the path it is given.

    Returns
    -------
    dict of str to pathlib.Path
        File name → its path through the top-level name.
    """
    out = Path(out)
    if is_under_raw(out):
        raise DataError("refusing to write inside data/raw (raw data is never modified)",
                        path=out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{_GEN_PREFIX}staging-", dir=out))
    try:
        mark = json.dumps({"kit": "ssi-analysis", "schema": SCHEMA_VERSION,
                           "version": _kit_version()}, sort_keys=True)
        (staging / GENERATION_MARK).write_text(mark + "\n", encoding="utf-8")
        digest = hashlib.sha256(mark.encode())
        for name, write in sorted(files.items()):
            write(staging / name)
            digest.update(name.encode() + hashlib.sha256((staging / name).read_bytes()).digest())
        for f in staging.iterdir():
            os.chmod(f, 0o644)
        os.chmod(staging, 0o755)
        final = out / f"{_GEN_PREFIX}{digest.hexdigest()[:16]}"
        if final.exists():
            shutil.rmtree(staging)
        else:
            os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = _generation(out) if (out / CURRENT).is_symlink() else None
    _link(out / CURRENT, final.name)
    for name in files:
        if not (out / name).is_symlink():
            _link(out / name, f"{CURRENT}/{name}")
    for leftover in out.glob(f"{_GEN_PREFIX}*"):
        if leftover not in (final, previous) and leftover.is_dir() and _is_ours(leftover):
            shutil.rmtree(leftover, ignore_errors=True)
    return {name: out / name for name in files}


def _link(path: Path, target: str) -> None:
    """Point ``path`` at ``target`` atomically (a new link renamed over the old name)."""
    tmp = path.with_name(f".{path.name}.{TMP_MARK}{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _kit_version() -> str:
    from ._version import __version__

    return __version__


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
    path = _generation(resolve(processed_dir)) / "manifest.json"
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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.{TMP_MARK}", suffix=path.suffix,
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
    return atomic_write(path, lambda tmp: parquet_bytes(df, tmp))


def parquet_bytes(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` to ``path`` as deterministic Parquet (zstd, no index, no ``attrs``)."""
    if df.attrs:
        df = df.copy(deep=False)
        df.attrs = {}
    df.to_parquet(path, index=False, engine="pyarrow", compression="zstd")


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
    multiline = False
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].astype(object).map(_neutral)
            multiline |= any(isinstance(v, str) and ("\r" in v or "\n" in v)
                             for v in safe[col].to_numpy())
    # a field holding CR or LF must be quoted (the csv module quotes LF only when it is the
    # line terminator): then every field is quoted, so no spreadsheet splits a row
    quoting = csv.QUOTE_ALL if multiline else csv.QUOTE_MINIMAL
    return atomic_write(path, lambda tmp: safe.to_csv(tmp, index=False, lineterminator="\n",
                                                      float_format="%.6g", quoting=quoting))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Cell starts a spreadsheet may take for a formula (OWASP's list): prefixed with ``'``."""


def _neutral(v):
    return "'" + v if isinstance(v, str) and v[:1] in FORMULA_START else v
