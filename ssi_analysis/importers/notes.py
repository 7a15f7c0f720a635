"""Dated notes kept by the user: a CSV ``date,note`` (optionally ``member_id``)."""

from __future__ import annotations

import os

import pandas as pd

from ._text import day_formats, header_of, norm, parse_dates, read_table, reading
from .linkedin_export import EXPORT_FILE
from .sources import decode_text, expand

PathLike = str | os.PathLike[str]


def _notes(data: bytes, source) -> list[pd.DataFrame]:
    """Read one notes CSV (empty list for a CSV that is not a notes file)."""
    text = decode_text(data, source)
    names = [norm(h) for h in header_of(text)]
    if not ({"date", "note"} <= set(names)):
        return []
    df = read_table(text, source).rename(columns=norm)
    dates = parse_dates(df["date"], source, "date", df.index,
                        day_formats(df["date"], source, "date", df.index))
    member = (df["member_id"].astype(str).str.strip().replace("", None)
              if "member_id" in df else pd.Series(None, index=df.index, dtype=object))
    return [pd.DataFrame({"member_id": member.astype(object), "date": dates,
                          "note": df["note"].astype(str).str.strip(),
                          "source": f"{source.short} [notes csv]"})]


def load_annotations(*paths: PathLike) -> pd.DataFrame:
    """Load dated notes (holidays, profile overhauls, formula changes) kept as CSV.

    Any CSV among ``paths`` whose header has ``date`` and ``note`` (optionally
    ``member_id``) is read; other files are ignored.

    Parameters
    ----------
    *paths : str or os.PathLike
        Files, folders, globs or zips.

    Returns
    -------
    pandas.DataFrame
        ``member_id`` (None = every member), ``date``, ``note``, ``source``.

    Raises
    ------
    DataError
        For a notes file with a bad date.
    """
    rows = []
    for source in expand(paths):
        if not source.basename.lower().endswith(".csv") or EXPORT_FILE.match(
                source.basename):
            continue
        data = source.read_bytes()
        if not data.strip() or b"\x00" in data[:4096]:
            continue
        with reading(source):
            rows.extend(_notes(data, source))
    if not rows:
        return pd.DataFrame({"member_id": pd.Series([], dtype=object),
                             "date": pd.Series([], dtype="datetime64[ns]"),
                             "note": pd.Series([], dtype=str), "source": pd.Series([], dtype=str)})
    out = pd.concat(rows, ignore_index=True)
    return out[out["date"].notna()].sort_values(["date", "note"], kind="stable").reset_index(
        drop=True)
