"""Sales Navigator Usage Reporting exports (CSV or XLSX): team SSI and period activity.

One file is one reporting period, named by LinkedIn
``Sales_Navigator_Usage_Reporting_<start>_to_<end>``; columns are mapped by name in any
order. Each seat gives a snapshot at the period end (``member_id`` = Seat ID) and the
period's activity counts, kept as one count per period (dated at its end) with a
*period* coverage record — never spread over days. Names and e-mail addresses are not read
into any output.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from ..errors import DataError
from ._text import FileNotes, norm
from .sources import Source

PERIOD_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})_to_(\d{4}-\d{2}-\d{2})")

#: Normalised Usage Reporting header → canonical snapshot column.
SNAPSHOT_FIELDS = {
    "ssi_overall_score": "ssi",
    "ssi_establish_your_professional_brand": "brand",
    "ssi_find_the_right_people": "people",
    "ssi_engage_with_insights": "insights",
    "ssi_build_relationships": "relationships",
}
#: Normalised Usage Reporting header → canonical activity (counts during the period).
ACTIVITY_FIELDS = {
    "searches_performed": "searches",
    "profile_views": "profile_views",
    "leads_saved": "leads_saved",
    "accounts_saved": "accounts_saved",
    "inmails_sent": "inmails_sent",
    "messages_sent": "messages_sent",
    "connection_requests_accepted": "connections",
    "days_active": "days_active",
}


def looks_like_salesnav(header: list[str]) -> bool:
    """Tell whether a header row is a Usage Reporting export's.

    Parameters
    ----------
    header : list of str
        Column names.

    Returns
    -------
    bool
    """
    names = {norm(h) for h in header}
    return "seat_id" in names and "ssi_overall_score" in names


def xlsx_rows(source: Source, data: bytes) -> list[list[str]]:
    """Read the first worksheet of an XLSX file as rows of text.

    Parameters
    ----------
    source : Source
        For error messages.
    data : bytes
        The file's bytes.

    Returns
    -------
    list of list of str
        Cell values as text (whole numbers without ``.0``, dates as ISO).

    Raises
    ------
    DataError
        When the workbook cannot be read.
    """
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataError(f"is not a readable Excel workbook ({type(exc).__name__})",
                        path=source.name) from None
    ws = wb.worksheets[0]

    def text(v) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return str(v)
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, dt.datetime | dt.date):
            return v.strftime("%Y-%m-%d")
        return str(v)

    rows = [[text(v) for v in r] for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def period_of(source: Source) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the reporting period encoded in the file name.

    Parameters
    ----------
    source : Source
        The export file.

    Returns
    -------
    (pandas.Timestamp, pandas.Timestamp)
        First and last day of the period.

    Raises
    ------
    DataError
        When the name carries no ``<start>_to_<end>`` period.
    """
    m = PERIOD_IN_NAME.search(source.basename)
    if not m:
        raise DataError("is a Sales Navigator usage report but its name has no period; keep "
                        "LinkedIn's name, e.g. Sales_Navigator_Usage_Reporting_2025-01-01_to_"
                        "2025-01-31.csv", path=source.name)
    start, end = pd.Timestamp(m[1]), pd.Timestamp(m[2])
    if end < start:
        raise DataError(f"period ends ({m[2]}) before it starts ({m[1]})", path=source.name)
    return start, end


def parse(rows: list[list[str]], source: Source) -> tuple[pd.DataFrame, pd.DataFrame,
                                                          list[dict], list[dict]]:
    """Turn a Usage Reporting table into snapshots, period counts and coverage.

    Parameters
    ----------
    rows : list of list of str
        Header row first.
    source : Source
        The file (its name gives the period).

    Returns
    -------
    snapshots : pandas.DataFrame
        One row per seat with SSI scores, dated at the period end.
    activity : pandas.DataFrame
        ``member_id, date, activity, count`` (date = period end).
    coverage : list of dict
        One record per seat and activity, granularity ``period``.
    log : list of dict
        Seats skipped (no SSI) and similar notes.
    """
    start, end = period_of(source)
    header = [h.strip() for h in rows[0]]
    names = [norm(h) for h in header]
    missing = [k for k in ("seat_id", *SNAPSHOT_FIELDS) if k not in names]
    if missing:
        raise DataError(f"lacks the Usage Reporting columns {missing}", path=source.name, row=1)
    width = len(header)
    body = [(i + 2, (r + [""] * width)[:width]) for i, r in enumerate(rows[1:])
            if any(str(c).strip() for c in r)]
    df = pd.DataFrame([r for _, r in body], columns=names, dtype=object)
    lines = [n for n, _ in body]
    seat = df["seat_id"].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    if (seat == "").any():
        i = int(np.flatnonzero((seat == "").to_numpy())[0])
        raise DataError("Seat ID is empty", path=source.name, row=lines[i], column="Seat ID")
    label = f"{source.short} [Sales Navigator usage report]"
    out = pd.DataFrame({"member_id": seat, "date": end})
    log: list[dict] = []
    notes = FileNotes(source, log)
    for col, canon in SNAPSHOT_FIELDS.items():
        out[canon] = _numbers(df[col], source, header[names.index(col)], lines)
    has_ssi = out[["brand", "people", "insights", "relationships"]].notna().all(axis=1)
    for i in np.flatnonzero(~has_ssi.to_numpy()):
        notes.note("no_ssi", "seat without SSI scores (never onboarded?): no snapshot",
                   row=lines[i])
    snaps = out[has_ssi].assign(source=label).reset_index(drop=True)
    acts, coverage = [], []
    for col, canon in ACTIVITY_FIELDS.items():
        if col not in names:
            continue
        vals = _numbers(df[col], source, header[names.index(col)], lines)
        bad = vals.notna() & ((vals < 0) | (vals % 1 != 0))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"expected a whole count, found {df[col].iloc[i]!r}",
                            path=source.name, row=lines[i], column=header[names.index(col)])
        ok = vals.notna()
        acts.append(pd.DataFrame({"member_id": seat[ok], "date": end, "activity": canon,
                                  "count": vals[ok].astype("int64")}))
        coverage += [{"member_id": m, "activity": canon, "start": start, "end": end,
                      "source": label, "granularity": "period"} for m in seat[ok]]
    act = pd.concat(acts, ignore_index=True) if acts else pd.DataFrame(
        columns=["member_id", "date", "activity", "count"])
    counted = has_ssi.to_numpy().copy()
    for a in acts:                       # seats with an activity count
        counted |= seat.isin(set(a["member_id"])).to_numpy()
    notes.skip(int((~counted).sum()), "empty_seat", "seats with neither SSI scores nor "
               "activity counts skipped")
    notes.account(len(df), int(counted.sum()), "seats")
    known = {"seat_id", *SNAPSHOT_FIELDS, *ACTIVITY_FIELDS}
    notes.unused([h for h, n in zip(header, names, strict=True) if n not in known],
                 "names and e-mail addresses are never read into outputs")
    return snaps, act[act["count"] > 0], coverage, log


def _numbers(col: pd.Series, source: Source, name: str, lines: list[int]) -> pd.Series:
    s = col.astype(str).str.strip().str.rstrip("%")
    s = s.where(~s.isin(["", "-", "N/A", "n/a", "None", "nan"]), None)
    out = pd.to_numeric(s, errors="coerce")
    bad = out.isna() & s.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"expected a number, found {col.iloc[i]!r}", path=source.name,
                        row=lines[i], column=name)
    return out.astype(float)

