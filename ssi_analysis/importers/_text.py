"""Text, number and date parsing shared by every importer.

CSV text becomes a frame of strings with the line number of each row (so that errors can
name it); numbers and dates are converted column by column, and a value that is not what
the column should hold raises :class:`~ssi_analysis.errors.DataError` naming the file, row
and column — or, for machine exports, is logged and skipped.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import DataError
from .sources import Source


def norm(name: str) -> str:
    """Normalise a header: lower case, non-alphanumerics to single underscores."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def local_dates(ts: pd.Series, tz: str) -> pd.Series:
    """Return the local calendar day (naive midnight) of UTC timestamps."""
    return ts.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")


def check_tz(tz: str) -> str:
    try:
        pd.Timestamp("2024-01-01", tz=tz)
    except Exception:
        raise DataError(f"unknown time zone {tz!r} (use a name like 'Europe/Berlin' or 'UTC')"
                        ) from None
    return tz


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_table(text: str, source: Source, *, skip_lines: int = 0,
                escapechar: str | None = None) -> pd.DataFrame:
    """Parse CSV text into strings; header on line ``skip_lines + 1``.

    The frame's index is each row's line number in the file (for error messages); blank
    lines are left out.
    """
    lines = text.split("\n", skip_lines + 1)
    header_line = lines[skip_lines] if len(lines) > skip_lines else ""
    delim = sniff_delimiter(header_line)
    body = text.split("\n", skip_lines)[-1] if skip_lines else text
    reader = csv.reader(io.StringIO(body), delimiter=delim, escapechar=escapechar,
                        doublequote=True, strict=False)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise DataError(f"is not a readable CSV file ({exc})", path=source.name) from None
    if not rows or not any(c.strip() for c in rows[0]):
        raise DataError("is empty (no header line)", path=source.name)
    header = [c.strip() for c in rows[0]]
    while header and header[-1] == "":
        header.pop()
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise DataError(f"has duplicated column names {dup}", path=source.name, row=skip_lines + 1)
    width = len(header)
    data = []
    for r in rows[1:]:
        if not any(c.strip() for c in r):
            data.append(None)
            continue
        data.append((r + [""] * width)[:width])
    line_no = [skip_lines + 2 + i for i, r in enumerate(data) if r is not None]
    return pd.DataFrame([r for r in data if r is not None], columns=header, dtype=object,
                        index=pd.Index(line_no, name="line", dtype="int64"))


def to_number(df: pd.DataFrame, col: str, source: Source, *, decimal_comma: bool = False,
               percent: bool = False) -> pd.Series:
    """Convert a text column to float; blank → NaN; anything else bad → DataError."""
    s = df[col].astype(str).str.strip()
    s = s.replace({"": None, "-": None, "n/a": None, "NA": None, "null": None, "None": None})
    if percent:
        s = s.str.replace(r"(?i)^(top|primeiros|top\s*)\s*", "", regex=True).str.rstrip(
            "%").str.strip()
    if decimal_comma:
        s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    out = pd.to_numeric(s, errors="coerce")
    bad = out.isna() & s.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"expected a number, found {df[col].iloc[i]!r}", path=source.name,
                        row=int(df.index[i]), column=col)
    return out.astype(float)


@contextlib.contextmanager
def reading(source: Source):
    """Turn any failure while reading ``source`` into one line naming the file.

    The readers raise :class:`DataError` for every input they know to be wrong; this is the
    net for the rest (a shape no reader foresaw), so that a user never sees a traceback.
    """
    try:
        yield
    except DataError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError,
            RecursionError, UnicodeError, MemoryError, SyntaxError, EOFError,
            NotImplementedError, zlib.error, zipfile.BadZipFile, pd.errors.ParserError,
            pd.errors.OutOfBoundsDatetime) as exc:     # SyntaxError: XML in a workbook
        what = str(exc).strip().splitlines()[0][:100] if str(exc).strip() else ""
        raise DataError(f"could not be read ({type(exc).__name__}: {what}); if it is a file "
                        "LinkedIn or a tracker wrote, please report its format",
                        path=source.name) from None


DATE_MIN = pd.Timestamp("1900-01-01")
DATE_MAX = pd.Timestamp("2199-12-31 23:59:59")
"""Dates the importers accept; anything outside is refused (or skipped and logged)."""


def in_date_range(values: pd.Series) -> pd.Series:
    """Tell which parsed dates lie within :data:`DATE_MIN`…:data:`DATE_MAX` (any resolution)."""
    naive = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
    return (naive >= DATE_MIN) & (naive <= DATE_MAX)


def parse_dates(values: pd.Series, source: Source, column: str, line: list[int],
                 formats: Iterable[str], *, utc: bool = False,
                 log: list[dict] | None = None) -> pd.Series:
    """Parse dates trying each format in turn; blank → NaT.

    An unparseable value raises DataError, unless ``log`` is given (machine exports):
    then the value becomes NaT and a ``bad_date`` record is added to ``log``.
    """
    s = values.astype(str).str.strip()
    result = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]" if utc
                       else "datetime64[ns]")
    todo = s != ""
    if log is not None and (~todo).any():
        blanks = np.flatnonzero((~todo).to_numpy())
        log.append({"file": source.short, "row": int(line[blanks[0]]), "rule": "blank_date",
                    "rows": len(blanks),
                    "detail": f"{len(blanks)} rows with an empty {column} skipped"})
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(s[todo], format=fmt, errors="coerce", utc=utc)
        ok = parsed.notna() & in_date_range(parsed)
        result.loc[ok[ok].index] = parsed[ok].astype(result.dtype)
        todo.loc[ok[ok].index] = False
    if todo.any():
        bad = np.flatnonzero(todo.to_numpy())
        if log is None:
            i = int(bad[0])
            raise DataError(f"expected a date between {DATE_MIN:%Y} and {DATE_MAX:%Y}, found "
                            f"{values.iloc[i]!r}", path=source.name, row=int(line[i]),
                            column=column)
        for i in bad:
            log.append({"file": source.short, "row": int(line[i]), "rule": "bad_date", "rows": 1,
                        "detail": f"{column} is not a date in a known format; row skipped"})
    return result


def day_formats(values: pd.Series, source: Source, column: str, line: list[int]
                 ) -> tuple[str, ...]:
    """Date formats for a hand-kept date column; refuses ambiguous day/month orders.

    ``12/03/2026`` could be 12 March or 3 December: the whole column decides (a first part
    above 12 means day first, a second part above 12 means month first); a column where
    neither occurs is ambiguous and refused.
    """
    s = values.astype(str).str.strip()
    parts = s.str.extract(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$").astype(float)
    slashed = parts[0].notna()
    if not slashed.any():
        return ("%Y-%m-%d", "%Y/%m/%d")
    first, second = parts.loc[slashed, 0], parts.loc[slashed, 1]
    if (first > 12).any():
        return ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d/%m/%y")
    if (second > 12).any():
        return ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y")
    unclear = slashed & (parts[0] != parts[1])
    if unclear.any():
        i = int(np.flatnonzero(unclear.to_numpy())[0])
        raise DataError(f"the date {values.iloc[i]!r} is ambiguous (day/month or month/day?); "
                        "write dates as YYYY-MM-DD", path=source.name, row=int(line[i]),
                        column=column)
    return ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")


def header_of(text: str) -> list[str]:
    first = text.lstrip().split("\n", 1)[0]
    delim = sniff_delimiter(first)
    try:
        return next(csv.reader([first], delimiter=delim))
    except (csv.Error, StopIteration):
        return []


def csv_rows(text: str, source: Source) -> list[list[str]]:
    delim = sniff_delimiter(text.split("\n", 1)[0])
    try:
        return [r for r in csv.reader(io.StringIO(text), delimiter=delim) if r]
    except csv.Error as exc:
        raise DataError(f"is not a readable CSV file ({exc})", path=source.name) from None


def is_xlsx(source: Source, data: bytes) -> bool:
    return source.basename.lower().endswith((".xlsx", ".xlsm")) or (
        data[:4] == b"PK\x03\x04" and b"xl/" in data[:4096])


def require_columns(df: pd.DataFrame, cols: Iterable[str], source: Source, line: int = 1) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(f"lacks the columns {missing}; found {list(df.columns)}",
                        path=source.name, row=line)


class FileNotes:
    """The ingest log entries of one input file, with its row accounting.

    Every data row of a file is either used or skipped with a reason: ``account(read,
    used)`` records both counts, ``skip`` each reason with the rows it covers, so that
    ``rows_read = rows_used + sum(skipped)`` can be checked per file.

    Parameters
    ----------
    source : Source
        The file.
    log : list of dict
        The ingest log entries (appended to).
    """

    def __init__(self, source: Source, log: list[dict]):
        self.file, self.log = source.short, log

    def note(self, rule: str, detail: str, *, row: int = 0) -> None:
        """Add a note that skips no row (an inference, a column not used)."""
        self.log.append({"file": self.file, "row": int(row), "rule": rule, "rows": 0,
                         "detail": detail})

    def skip(self, rows: int, rule: str, detail: str, *, row: int = 0) -> None:
        """Add the reason ``rows`` rows were not counted (nothing when ``rows`` is 0)."""
        if rows:
            self.log.append({"file": self.file, "row": int(row), "rule": rule,
                             "rows": int(rows), "detail": detail})

    def account(self, read: int, used: int, what: str = "rows") -> None:
        """Record how many data rows the file has and how many were used."""
        self.log.append({"file": self.file, "row": 0, "rule": "rows_read", "rows": int(read),
                         "detail": f"{read} {what} read"})
        self.log.append({"file": self.file, "row": 0, "rule": "rows_used", "rows": int(used),
                         "detail": f"{used} {what} used"})

    def unused(self, columns, why: str = "") -> None:
        """List the columns the kit does not use, once (nothing when there are none)."""
        columns = [c for c in columns if str(c).strip()]
        if columns:
            self.note("columns_not_used", f"columns not used: {', '.join(map(str, columns))}"
                      + (f" ({why})" if why else ""))
