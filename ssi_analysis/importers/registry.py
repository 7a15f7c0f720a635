"""Which format a file is in: one registry of importers, tried in order.

Every importer is a :class:`Format`: a name, what it gives (snapshots, activity or both),
a ``detect`` test on a :class:`Peek` (the file's name, its first bytes, its header — read
once, on demand) and one reader per kind. :func:`find` returns the first format that
detects a file for the kind asked. Adding a source is one module with its reader(s) and
one entry in :data:`FORMATS`.

LinkedIn data export files are recognised by name and read as a group per export folder
(:mod:`~ssi_analysis.importers.linkedin_export`); notes CSVs by their ``date,note`` header
(:mod:`~ssi_analysis.importers.notes`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ..errors import DataError
from ..schema import ACTIVITIES, PILLARS, SNAPSHOT_COLUMNS, SNAPSHOT_NUMERIC
from . import har, long_csv, salesnav
from ._fast import big_csv_header, fast_csv
from ._text import FileNotes, csv_rows, header_of, is_xlsx, read_table
from .activity_csv import fast_activity, is_activity_header, read_activity_csv
from .har import read_har_snapshots
from .salesapi_json import read_json_snapshots
from .snapshot_csv import is_snapshot_header, read_wide_snapshots
from .sources import Source, decode_text
from .ssi_page import read_html_snapshot

#: File endings a snapshot source may have, and those an activity source may have.
SNAPSHOT_SUFFIXES = (".json", ".jsonl", ".ndjson", ".har", ".csv", ".txt", ".html", ".htm",
                     ".xlsx", ".xlsm")
ACTIVITY_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


class Peek:
    """A file as the detectors see it: bytes, text, header and rows, each read once.

    A large CSV on disk shows its header from its first 64 KiB (``header``) without
    being read whole; everything else is read when first asked for.

    Parameters
    ----------
    source : Source
        The file.
    """

    def __init__(self, source: Source):
        self.source = source

    @cached_property
    def big_header(self) -> list[str] | None:
        """Return the header of a large plain-text CSV on disk (None for other files)."""
        return big_csv_header(self.source)

    @cached_property
    def data(self) -> bytes:
        """Return the file's bytes."""
        return self.source.read_bytes()

    @cached_property
    def is_xlsx(self) -> bool:
        """Tell whether the file is an Excel workbook."""
        if self.big_header is not None:      # a large CSV: never read whole for this
            return False
        return is_xlsx(self.source, self.data)

    @cached_property
    def rows(self) -> list[list[str]]:
        """Return the first worksheet's rows (workbooks only)."""
        return salesnav.xlsx_rows(self.source, self.data)

    @cached_property
    def blank(self) -> bool:
        """Tell whether the file holds nothing but white space."""
        return not self.data[:65536].strip() and not self.data.strip()

    @cached_property
    def text(self) -> str:
        """Return the decoded text (raises DataError for binary or non-UTF-8 files)."""
        return decode_text(self.data, self.source)

    @cached_property
    def head(self) -> str:
        """Return the start of the text (for the JSON and HTML tests)."""
        return self.text.lstrip()[:2000]

    @property
    def is_json(self) -> bool:
        """Tell whether the text is JSON (an object or an array)."""
        return self.head.startswith(("{", "["))

    @property
    def is_html(self) -> bool:
        """Tell whether the text is an HTML page."""
        low = self.head.lower()
        return "<html" in low or "<!doctype" in low

    @cached_property
    def header(self) -> list[str]:
        """Return the column names: a workbook's first row or the CSV header line."""
        if self.big_header is not None:
            return self.big_header
        if self.is_xlsx:
            return self.rows[0] if self.rows else []
        return header_of(self.text)

    @property
    def is_table(self) -> bool:
        """Tell whether the file is a table (CSV text or a workbook), not JSON or HTML."""
        if self.big_header is not None or self.is_xlsx:
            return True
        return not (self.is_json or self.is_html)


@dataclass
class ActivityPart:
    """What one activity file gives: count frames, coverage rows and notes."""

    frames: list = field(default_factory=list)
    coverage: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    canonical: bool = False     # one frame already in canonical order, nothing to combine


@dataclass(frozen=True)
class Format:
    """One input format: its name, what it gives, how to detect it and its readers."""

    name: str
    detect: Callable[[Peek], bool]
    snapshots: Callable[[Peek, str, list], pd.DataFrame | None] | None = None
    activity: Callable[[Peek, str], ActivityPart | None] | None = None

    def gives(self, kind: str) -> bool:
        """Tell whether the format gives ``kind`` ("snapshots" or "activity")."""
        return getattr(self, kind) is not None


# ----------------------------------------------------------------------------- readers

def _counted(df: pd.DataFrame, peek: Peek, log: list, what: str) -> pd.DataFrame:
    """Record that every record of a file was used (its readers raise for a bad one)."""
    FileNotes(peek.source, log).account(len(df), len(df), what)
    return df


def _json_snapshots(peek: Peek, tz: str, log: list) -> pd.DataFrame:
    return _counted(read_json_snapshots(peek.text, peek.source, tz), peek, log, "records")


def _har_snapshots(peek: Peek, tz: str, log: list) -> pd.DataFrame:
    return read_har_snapshots(peek.text, peek.source, tz, log)


def _page_snapshots(peek: Peek, tz: str, log: list) -> pd.DataFrame:
    return _counted(read_html_snapshot(peek.text, peek.source, tz), peek, log, "records")


def _salesnav_rows(peek: Peek) -> list[list[str]]:
    return peek.rows if peek.is_xlsx else csv_rows(peek.text, peek.source)


def _salesnav_snapshots(peek: Peek, tz: str, log: list) -> pd.DataFrame:
    snaps, _, _, notes = salesnav.parse(_salesnav_rows(peek), peek.source)
    log.extend(notes)
    return snaps


def _salesnav_activity(peek: Peek, member: str) -> ActivityPart:
    _, act, cov, notes = salesnav.parse(_salesnav_rows(peek), peek.source)
    return ActivityPart([act], cov, notes)


def _long_snapshots(peek: Peek, tz: str, log: list) -> pd.DataFrame:
    return long_csv.parse(read_table(peek.text, peek.source), peek.source, tz, log)


def _wide_snapshots(peek: Peek, tz: str, log: list) -> pd.DataFrame:
    source = peek.source
    fast = (fast_csv(source, list(SNAPSHOT_NUMERIC), need=set(PILLARS))
            if source.basename.lower().endswith(".csv") else None)
    if fast is not None:                        # the four pillars are there (``need``)
        if "ssi" not in fast:
            fast["ssi"] = fast[list(PILLARS)].sum(axis=1, min_count=4)
        fast["source"] = pd.Categorical.from_codes(
            np.zeros(len(fast), np.int8), categories=pd.Index([f"{source.short} [snapshot csv]"],
                                                              dtype=str))
        notes = FileNotes(source, log)
        notes.account(len(fast), len(fast))
        notes.unused([c for c in fast.columns if c not in SNAPSHOT_COLUMNS],
                     "not a column this kit knows; rename it if it holds SSI data")
        return fast
    return read_wide_snapshots(peek.text, source, tz, log)


def _csv_activity(peek: Peek, member: str) -> ActivityPart:
    source = peek.source
    table = (fast_csv(source, [], ints=list(ACTIVITIES), table=True, need=set(ACTIVITIES),
                      any_of=True)
             if source.basename.lower().endswith((".csv", ".txt")) else None)
    fast = (fast_activity(table, source, member)
            if table is not None and set(table.column_names) & set(ACTIVITIES) else None)
    if fast is not None:
        frames, coverage, canonical = fast
        notes: list[dict] = []
        FileNotes(source, notes).account(table.num_rows, table.num_rows)
        FileNotes(source, notes).unused([c for c in table.column_names
                                         if c not in ("member_id", "date", *ACTIVITIES)],
                                        "not an activity this kit knows")
        return ActivityPart(frames, coverage, notes, canonical)
    notes: list[dict] = []
    frames, coverage = read_activity_csv(source, peek.text, member, notes)
    return ActivityPart(frames, coverage, notes)


#: The registry, in the order formats are tried for each kind.
FORMATS: tuple[Format, ...] = (
    Format("HAR (browser network log)", lambda p: not p.is_table and p.is_json
           and har.looks_like_har(p.head), snapshots=_har_snapshots),
    Format("salesApiSsi json", lambda p: not p.is_table and p.is_json,
           snapshots=_json_snapshots),
    Format("saved SSI page", lambda p: not p.is_table and p.is_html and "activeSeat" in p.text,
           snapshots=_page_snapshots),
    Format("activity csv", lambda p: not p.is_xlsx and is_activity_header(p.header),
           activity=_csv_activity),
    Format("Sales Navigator usage report", lambda p: salesnav.looks_like_salesnav(p.header),
           snapshots=_salesnav_snapshots, activity=_salesnav_activity),
    Format("long tracker csv", lambda p: p.is_table and not p.is_xlsx
           and bool(long_csv.detect(p.header)),
           snapshots=_long_snapshots),
    Format("snapshot csv", lambda p: p.is_table and not p.is_xlsx
           and is_snapshot_header(p.header), snapshots=_wide_snapshots),
)


def find(peek: Peek, kind: str) -> Format | None:
    """Return the first registered format that gives ``kind`` and detects the file.

    Parameters
    ----------
    peek : Peek
        The file.
    kind : {"snapshots", "activity"}
        What is wanted.

    Returns
    -------
    Format or None
        None when no format of that kind recognises the file.

    Raises
    ------
    DataError
        When the file cannot be read or decoded.
    """
    if kind not in ("snapshots", "activity"):
        raise ValueError(f"kind must be 'snapshots' or 'activity', got {kind!r}")
    for fmt in FORMATS:
        if fmt.gives(kind) and fmt.detect(peek):
            return fmt
    return None


__all__ = ["ACTIVITY_SUFFIXES", "FORMATS", "SNAPSHOT_SUFFIXES", "ActivityPart", "DataError",
           "Format", "Peek", "find"]
