"""Readers for every supported input, and atomic writers for processed data.

``load_snapshots`` and ``load_activity`` detect each file's format from its content
(and, for LinkedIn's export, its file name), merge everything into the canonical tables
of ``DESIGN.md`` and raise :class:`~ssi_analysis.errors.DataError` with one readable
line for anything they cannot use.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from . import longcsv, salesnav
from .clean import _in_member_order
from .errors import DataError, NoDataFoundError
from .paths import is_under_raw
from .schema import (
    ACTIVITIES,
    ACTIVITY_COLUMNS,
    COVERAGE_COLUMNS,
    INGEST_LOG_COLUMNS,
    LINKEDIN_PILLARS,
    PILLARS,
    SNAPSHOT_EXTRAS,
    snapshot_columns,
)
from .sources import Source, decode_text, expand

PathLike = str | os.PathLike[str]

# ----------------------------------------------------------------------------- helpers


class Records(list):
    """Records kept in ``DataFrame.attrs`` (coverage, ingest notes, hourly counts).

    pandas deep-copies ``attrs`` on almost every operation on a frame; a 10,000-member
    team has 70,000 coverage records, so each column access would copy them. The records
    are never changed after loading, so a "deep copy" shares them. Replace the whole
    entry rather than editing it in place.
    """

    def __deepcopy__(self, memo: dict) -> Records:
        return self


def _norm(name: str) -> str:
    """Normalise a header: lower case, non-alphanumerics to single underscores."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def _local_dates(ts: pd.Series, tz: str) -> pd.Series:
    """Return the local calendar day (naive midnight) of UTC timestamps."""
    return ts.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")


def _check_tz(tz: str) -> str:
    try:
        pd.Timestamp("2024-01-01", tz=tz)
    except Exception:
        raise DataError(f"unknown time zone {tz!r} (use a name like 'Europe/Berlin' or 'UTC')"
                        ) from None
    return tz


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _read_table(text: str, source: Source, *, skip_lines: int = 0,
                escapechar: str | None = None) -> pd.DataFrame:
    """Parse CSV text into strings; header on line ``skip_lines + 1``."""
    lines = text.split("\n", skip_lines + 1)
    header_line = lines[skip_lines] if len(lines) > skip_lines else ""
    delim = _sniff_delimiter(header_line)
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
    df = pd.DataFrame([r for r in data if r is not None], columns=header, dtype=object)
    df.attrs["line"] = line_no
    df.attrs["delimiter"] = delim
    return df


def _to_number(df: pd.DataFrame, col: str, source: Source, *, decimal_comma: bool = False,
               percent: bool = False) -> pd.Series:
    """Convert a text column to float; blank → NaN; anything else bad → DataError."""
    s = df[col].astype(str).str.strip()
    s = s.replace({"": None, "-": None, "n/a": None, "NA": None, "null": None, "None": None})
    if percent:
        s = s.str.replace(r"(?i)^(top|primeiros|top\s*)\s*", "", regex=True).str.rstrip("%")
    if decimal_comma:
        s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    out = pd.to_numeric(s, errors="coerce")
    bad = out.isna() & s.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"expected a number, found {df[col].iloc[i]!r}", path=source.name,
                        row=df.attrs["line"][i], column=col)
    return out.astype(float)


def _parse_dates(values: pd.Series, source: Source, column: str, line: list[int],
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
                    "detail": f"{len(blanks)} rows with an empty {column} skipped"})
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(s[todo], format=fmt, errors="coerce", utc=utc)
        ok = parsed.notna()
        result.loc[ok[ok].index] = parsed[ok]
        todo.loc[ok[ok].index] = False
    if todo.any():
        bad = np.flatnonzero(todo.to_numpy())
        if log is None:
            i = int(bad[0])
            raise DataError(f"expected a date, found {values.iloc[i]!r}", path=source.name,
                            row=line[i], column=column)
        for i in bad:
            log.append({"file": source.short, "row": int(line[i]), "rule": "bad_date",
                        "detail": f"{column} is not a date in a known format; row skipped"})
    return result


def _day_formats(values: pd.Series, source: Source, column: str, line: list[int]
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
                        "write dates as YYYY-MM-DD", path=source.name, row=line[i],
                        column=column)
    return ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")


# ----------------------------------------------------------------------------- snapshots

_SNAPSHOT_ALIASES: dict[str, tuple[str, ...]] = {
    "member_id": ("member_id", "member", "person_id", "person", "seat_id", "profile_id"),
    "date": ("date", "day", "snapshot_date", "date_created", "data", "data_referencia"),
    "captured_at": ("captured_at", "collected_at", "timestamp", "datetime", "created_at"),
    "ssi": ("ssi", "overall", "total", "total_score", "ssi_overall_score", "overall_score",
            "score", "social_selling_index", "ssi_score", "ssi_overall", "ssi_total"),
    "brand": ("brand", "establish_your_professional_brand", "professional_brand",
              "establish_brand", "prof_brand"),
    "people": ("people", "find_the_right_people", "find_right_people"),
    "insights": ("insights", "engage_with_insights", "insight_engagement", "engage_insights"),
    "relationships": ("relationships", "build_relationships", "strong_relationship",
                      "relationship"),
    "industry_rank": ("industry_rank", "industry_top", "industry_top_pct", "industry_rank_pct"),
    "network_rank": ("network_rank", "network_top", "network_top_pct", "network_rank_pct"),
    "industry_ssi": ("industry_ssi", "industry_avg", "industry_average", "industry_average_ssi"),
    "network_ssi": ("network_ssi", "network_avg", "network_average", "network_average_ssi"),
    "industry": ("industry", "industry_name"),
}
_SNAPSHOT_LOOKUP = {alias: canon for canon, aliases in _SNAPSHOT_ALIASES.items()
                    for alias in aliases}
_FILENAME_STAMP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T_ ](?P<h>\d{2})[-:]?(?P<m>\d{2})[-:]?(?P<s>\d{2})"
    r"(?P<z>Z|[+-]00:?00)?)?")
_SNAPSHOT_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv", ".txt", ".html", ".htm")
_ACTIVITY_FILES = re.compile(
    r"^(Shares|Comments|Reactions|Votes|InstantReposts|Connections|Invitations|messages|"
    r"Rich_Media)"
    r"(_\d+)?\.csv$", re.IGNORECASE)


_NUMERIC_SNAPSHOT = ("ssi", *PILLARS, "industry_rank", "network_rank", "industry_ssi",
                     "network_ssi")


def _finish_snapshots(df: pd.DataFrame) -> pd.DataFrame:
    """Give a snapshot frame the canonical columns, dtypes and order.

    One frame construction; columns that already have the right type are not copied
    (they are passed as Series, so pandas tracks them copy-on-write and the result stays
    writable).
    """
    n = len(df)
    df = df.reset_index(drop=True)

    def number(c: str):
        if c not in df:
            return np.full(n, np.nan)
        v = df[c]
        return v if v.dtype == np.float64 else pd.Series(np.array(
            pd.to_numeric(v, errors="coerce").to_numpy(dtype=float, na_value=np.nan)))

    date = df["date"]
    if date.dtype != "datetime64[ns]":
        date = pd.to_datetime(date).astype("datetime64[ns]")
    raw = date.to_numpy()
    if (raw[~np.isnat(raw)].view(np.int64) % 86_400_000_000_000).any():
        date = date.dt.normalize()
    cap = df["captured_at"] if "captured_at" in df else pd.Series(pd.NaT, index=df.index)
    cols: dict = {
        "member_id": _id_column(df["member_id"]) if "member_id" in df
        else _constant_str("me", n),
        "date": date,
        "captured_at": pd.to_datetime(cap, utc=True).astype("datetime64[ns, UTC]"),
    }
    for c in _NUMERIC_SNAPSHOT:
        cols[c] = number(c)
    if "industry" in df:
        ind = df["industry"].astype(object)
        cols["industry"] = ind.where(ind.notna(), None)
    else:   # an object Series: no per-row type inference when the frame is built
        cols["industry"] = pd.Series(np.full(n, None, dtype=object), dtype=object, copy=False)
    cols["source"] = _id_column(df["source"]) if "source" in df else _constant_str("", n)
    for c in SNAPSHOT_EXTRAS:          # optional: only the peer details a source has
        if c in df and df[c].notna().any():
            cols[c] = number(c)
    out = pd.DataFrame(cols, copy=False)
    return out[snapshot_columns(out.columns)]


def _id_column(v: pd.Series) -> pd.Series:
    """Return an id column as strings, or as the categorical of strings it already is."""
    if isinstance(v.dtype, pd.CategoricalDtype) and v.cat.categories.dtype == "str":
        return v
    return v if v.dtype == "str" else v.astype(str)


def _as_categories(frames: list[pd.DataFrame], col: str) -> list[pd.DataFrame]:
    """Give ``col`` of every frame one categorical dtype: the sorted values of all frames.

    Frames that share it concatenate without turning codes back into strings.
    """
    def values(f):
        v = f[col]
        if isinstance(v.dtype, pd.CategoricalDtype):   # the readers' categoricals hold
            return v.cat.categories                     # only values that occur
        return v.unique()
    allv = sorted(set().union(*(set(values(f)) for f in frames)))
    dtype = pd.CategoricalDtype(pd.Index(allv, dtype=str))
    out = []
    for f in frames:
        v = f[col]
        if not (isinstance(v.dtype, pd.CategoricalDtype) and v.dtype == dtype):
            v = (v.cat.set_categories(dtype.categories) if isinstance(v.dtype, pd.CategoricalDtype)
                 else v.astype(dtype))
            f = f.assign(**{col: v})
        out.append(f)
    return out


def _constant_str(value: str, n: int) -> pd.Series:
    """Build a string column holding one value with pyarrow (no Python string per row)."""
    return _string_column(np.array([value], dtype=object), np.zeros(n, dtype=np.int8))


def _order_snapshots(df: pd.DataFrame) -> pd.DataFrame:
    """Sort snapshots by member, date, capture time (missing first) and source, stably.

    One ``np.lexsort`` of integer codes instead of a multi-column sort on strings, and
    no reordering at all when the rows are already in order (a canonical CSV).
    """
    if len(df) < 2:
        return df.reset_index(drop=True)
    m, src = _sorted_codes(df["member_id"])[0], _sorted_codes(df["source"])[0]
    day = df["date"].to_numpy().view(np.int64)
    cap = df["captured_at"].array.asi8             # UTC nanoseconds; NaT is the minimum
    cap_nat = cap == np.iinfo(np.int64).min
    dm, dd = np.diff(m), np.diff(day)
    in_order = bool(np.all((dm > 0) | ((dm == 0) & (dd >= 0))))
    if in_order and ((dm == 0) & (dd == 0)).any():
        # ties keep file order only when nothing else orders them
        in_order = bool(cap_nat.all() and (src == src[0]).all())
    del dm, dd
    if in_order:
        return df.reset_index(drop=True)
    order = np.lexsort((src, cap, ~cap_nat, day, m))
    return df.iloc[order].reset_index(drop=True)


def _round(x) -> float:
    """Round float32 noise away (0.29999998 → 0.3) while keeping real precision."""
    try:
        return round(float(x), 4)
    except (TypeError, ValueError):
        return float("nan")


def _payload_record(payload: dict, source: Source, where: str) -> dict:
    """Map one ``salesApiSsi`` body to a canonical snapshot record (without date)."""
    ms = payload.get("memberScore")
    if not isinstance(ms, dict):
        raise DataError("has no memberScore object (expected a salesApiSsi response)",
                        path=source.name, column=where)
    rec: dict = {"ssi": _round(ms.get("overall"))}
    subs = ms.get("subScores") or []
    for sub in subs:
        if not isinstance(sub, dict):
            continue
        pillar = LINKEDIN_PILLARS.get(str(sub.get("pillar", "")).upper())
        if pillar:
            rec[pillar] = _round(sub.get("score"))
    missing = [p for p in PILLARS if p not in rec]
    if missing:
        raise DataError(f"memberScore.subScores lacks the pillars {missing}", path=source.name,
                        column=where)
    groups = payload.get("groupScore") or []
    for i, group in enumerate(groups if isinstance(groups, list) else []):
        if not isinstance(group, dict):
            continue
        kind = str(group.get("groupType", "")).upper()
        if kind not in ("INDUSTRY", "NETWORK", "TEAM"):
            # ConnectSafely's reshaped list names no type: industry first, then network
            kind = {0: "INDUSTRY", 1: "NETWORK"}.get(i, "") if "averageScore" in group else ""
            if not kind:
                continue
        prefix = kind.lower()
        rec[f"{prefix}_rank"] = _round(group.get("rank"))
        score = group.get("score") or {}
        avg = score.get("overall") if isinstance(score, dict) else None
        rec[f"{prefix}_ssi"] = _round(avg if avg is not None else group.get("averageScore"))
        if kind != "TEAM" and group.get("groupSize") is not None:
            rec[f"{prefix}_size"] = _round(group.get("groupSize"))
        subs = (score.get("subScores") if isinstance(score, dict) else None) or []
        for sub in subs if kind != "TEAM" else []:
            pillar = LINKEDIN_PILLARS.get(str(sub.get("pillar", "")).upper()) \
                if isinstance(sub, dict) else None
            if pillar:
                rec[f"{prefix}_{pillar}"] = _round(sub.get("score"))
        name = group.get("industry") or group.get("industryName")
        if kind == "INDUSTRY" and name:
            rec["industry"] = str(name)
    if rec["ssi"] != rec["ssi"]:  # NaN: derive from pillars
        rec["ssi"] = round(sum(rec[p] for p in PILLARS), 4)
    return rec


def _socialedge_record(parsed: dict) -> dict:
    """Map a SocialEdge-style ``parsed`` entry to a canonical record."""
    rec = {
        "ssi": _round(parsed.get("overall")),
        "brand": _round(parsed.get("prof_brand")),
        "people": _round(parsed.get("find_right_people")),
        "insights": _round(parsed.get("insight_engagement")),
        "relationships": _round(parsed.get("relationship")),
    }
    names = {"prof_brand": "brand", "find_right_people": "people",
             "insight_engagement": "insights", "relationship": "relationships"}
    for group in ("industry", "network"):
        g = parsed.get(group) or {}
        if isinstance(g, dict):
            rec[f"{group}_rank"] = _round(g.get("top"))
            rec[f"{group}_ssi"] = _round(g.get("ssi"))
            if g.get("people_amount") is not None:
                rec[f"{group}_size"] = _round(g.get("people_amount"))
            for key, pillar in names.items():
                if g.get(key) is not None:
                    rec[f"{group}_{pillar}"] = _round(g.get(key))
            if group == "industry" and g.get("name"):
                rec["industry"] = str(g["name"])
    return rec


def _stamp_from_name(source: Source, tz: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Return (local date, UTC capture time) encoded in a file name, if any."""
    matches = list(_FILENAME_STAMP.finditer(source.basename))
    m = matches[-1] if matches else None   # the last stamp in the name is the capture time
    if m is None:
        return None, None
    day = pd.Timestamp(m["date"])
    if m["h"] is None:
        return day, None
    local_or_utc = day + pd.Timedelta(hours=int(m["h"]), minutes=int(m["m"]), seconds=int(m["s"]))
    if m["z"]:
        cap = local_or_utc.tz_localize("UTC")
    else:
        cap = local_or_utc.tz_localize(tz, ambiguous=True, nonexistent="shift_forward"
                                       ).tz_convert("UTC")
    return cap.tz_convert(tz).tz_localize(None).normalize(), cap


def _json_records(obj, source: Source, tz: str, where: str = "$") -> list[dict]:
    """Collect snapshot records from any supported JSON shape."""
    if isinstance(obj, list):
        out = []
        for i, item in enumerate(obj):
            out.extend(_json_records(item, source, tz, f"{where}[{i}]"))
        return out
    if not isinstance(obj, dict):
        raise DataError("is JSON but not an SSI record (expected an object with memberScore)",
                        path=source.name, column=where)
    if isinstance(obj.get("rawJson"), str):
        try:
            return _json_records(json.loads(obj["rawJson"]), source, tz, f"{where}.rawJson")
        except json.JSONDecodeError:
            raise DataError("rawJson is not valid JSON", path=source.name,
                            column=f"{where}.rawJson") from None
    has_stamp = obj.get("date") is not None or obj.get("collectedAt") is not None
    if "memberScore" not in obj and not has_stamp:
        for key in ("data", "rawJson", "raw"):
            if isinstance(obj.get(key), dict | list):
                return _json_records(obj[key], source, tz, f"{where}.{key}")
    date = captured = None
    if obj.get("collectedAt") is not None:
        try:
            captured = pd.Timestamp(int(obj["collectedAt"]), unit="ms", tz="UTC")
        except (TypeError, ValueError):
            raise DataError("collectedAt is not a time in milliseconds", path=source.name,
                            column=f"{where}.collectedAt") from None
    if obj.get("date") is not None:
        date = pd.to_datetime(str(obj["date"])[:10], format="%Y-%m-%d", errors="coerce")
        if pd.isna(date):
            raise DataError(f"expected a date YYYY-MM-DD, found {obj['date']!r}",
                            path=source.name, column=f"{where}.date")
    if "memberScore" in obj:
        rec = _payload_record(obj, source, where)
    elif isinstance(obj.get("raw"), dict) and "memberScore" in obj["raw"]:
        rec = _payload_record(obj["raw"], source, f"{where}.raw")
    elif isinstance(obj.get("data"), dict) and "memberScore" in obj["data"]:
        rec = _payload_record(obj["data"], source, f"{where}.data")
    elif isinstance(obj.get("parsed"), dict):
        rec = _socialedge_record(obj["parsed"])
    else:
        raise DataError("is JSON but has no SSI scores (expected memberScore)",
                        path=source.name, column=where)
    if date is None and captured is not None:
        date = captured.tz_convert(tz).tz_localize(None).normalize()
    rec["date"], rec["captured_at"] = date, captured
    return [rec]


def _read_json_snapshots(text: str, source: Source, tz: str) -> pd.DataFrame:
    stripped = text.strip()
    try:
        records = _json_records(json.loads(stripped), source, tz)
    except json.JSONDecodeError as exc:
        lines = [ln for ln in stripped.split("\n") if ln.strip()]
        if len(lines) > 1 and exc.msg.startswith("Extra data"):
            records = []
            for i, ln in enumerate(text.split("\n"), start=1):
                if not ln.strip():
                    continue
                try:
                    obj = json.loads(ln)
                except json.JSONDecodeError:
                    raise DataError("is not valid JSON lines", path=source.name, row=i) from None
                records.extend(_json_records(obj, source, tz, f"line {i}"))
        else:
            raise DataError(f"is not valid JSON (truncated file?): {exc.msg} at line "
                            f"{exc.lineno}", path=source.name, row=exc.lineno) from None
    if not records:
        raise DataError("holds no SSI snapshot", path=source.name)
    name_day, name_cap = _stamp_from_name(source, tz)
    for rec in records:
        if rec["date"] is None:
            if name_day is None:
                raise DataError("has no date: name the file with its capture date "
                                "(e.g. salesApiSsi_2026-05-12.json) or save the record's date",
                                path=source.name)
            rec["date"], rec["captured_at"] = name_day, name_cap
    df = pd.DataFrame.from_records(records)
    df["source"] = f"{source.short} [salesApiSsi json]"
    return df


def _read_html_snapshot(text: str, source: Source, tz: str) -> pd.DataFrame:
    start = text.find('{"activeSeat"')
    if start < 0:
        start = text.find("{&quot;activeSeat&quot;")
        if start < 0:
            raise DataError("is an HTML page without the SSI data in it", path=source.name)
        import html as _html

        text = _html.unescape(text[start:])
        start = 0
    try:
        obj, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError:
        raise DataError("embeds SSI data that is not valid JSON", path=source.name) from None
    df = _read_json_snapshots(json.dumps(obj), source, tz)
    df["source"] = f"{source.short} [saved SSI page]"
    return df


def _read_wide_snapshots(text: str, source: Source, tz: str) -> pd.DataFrame:
    raw = _read_table(text, source)
    if raw.empty:
        raise DataError("has a header but no rows", path=source.name, row=2)
    rename = {}
    for col in raw.columns:
        canon = _SNAPSHOT_LOOKUP.get(_norm(col))
        if canon and canon not in rename.values():
            rename[col] = canon
    df = raw.rename(columns=rename)
    missing = [c for c in ("date", *PILLARS) if c not in df.columns]
    if missing:
        raise DataError(f"lacks the columns {missing} (expected date, ssi, brand, people, "
                        f"insights, relationships)", path=source.name, row=1)
    decimal_comma = raw.attrs["delimiter"] == ";"
    out = pd.DataFrame(index=df.index)
    if "member_id" in df:
        out["member_id"] = df["member_id"].astype(str).str.strip()
    day = df["date"].astype(str).str.strip().str.slice(0, 10)
    dates = _parse_dates(day, source, "date", raw.attrs["line"],
                         _day_formats(day, source, "date", raw.attrs["line"]))
    if dates.isna().any():
        i = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise DataError("the date is empty", path=source.name, row=raw.attrs["line"][i],
                        column="date")
    out["date"] = dates
    if "captured_at" in df:
        out["captured_at"] = pd.to_datetime(df["captured_at"], utc=True, errors="coerce")
    for c in ("ssi", *PILLARS, "industry_ssi", "network_ssi"):
        if c in df:
            out[c] = _to_number(df, c, source, decimal_comma=decimal_comma)
    for c in ("industry_rank", "network_rank"):
        if c in df:
            out[c] = _to_number(df, c, source, decimal_comma=decimal_comma, percent=True)
    if "industry" in df:
        out["industry"] = df["industry"].replace("", None)
    if "ssi" not in out:
        out["ssi"] = out[list(PILLARS)].sum(axis=1, min_count=4)
    out["source"] = f"{source.short} [snapshot csv]"
    return out


def _header(text: str) -> list[str]:
    first = text.lstrip().split("\n", 1)[0]
    delim = _sniff_delimiter(first)
    try:
        return next(csv.reader([first], delimiter=delim))
    except (csv.Error, StopIteration):
        return []


def _big_csv_header(source: Source) -> list[str] | None:
    """Return the header of a large CSV file on disk, read from its first 64 KiB.

    None when the file is small, inside a zip, or does not start as plain UTF-8 text:
    then it is read whole, as before. Lets each loader skip another loader's large
    file (``activity.csv`` for snapshots and the other way round) without reading it.
    """
    if source.member is not None or not source.basename.lower().endswith(".csv"):
        return None
    try:
        if source.path.stat().st_size < _FAST_MIN_BYTES:
            return None
        with open(source.path, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        return None
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    if "\n" not in text or text.lstrip()[:1] in ("{", "[", "<"):
        return None
    return _header(text)


def _snapshot_header(header: list[str]) -> bool:
    """Tell whether a CSV header is one of the snapshot formats."""
    if salesnav.looks_like_salesnav(header) or longcsv.detect(header):
        return True
    names = {_norm(h) for h in header}
    return any(_SNAPSHOT_LOOKUP.get(n) == "brand" for n in names) and any(
        _SNAPSHOT_LOOKUP.get(n) == "date" for n in names)


def _read_long_snapshots(text: str, source: Source, tz: str) -> pd.DataFrame:
    return longcsv.parse(_read_table(text, source), source, tz)


def _read_salesnav_csv(text: str, source: Source, tz: str) -> pd.DataFrame:
    return salesnav.parse(_csv_rows(text, source), source)[0]


def _csv_rows(text: str, source: Source) -> list[list[str]]:
    delim = _sniff_delimiter(text.split("\n", 1)[0])
    try:
        return [r for r in csv.reader(io.StringIO(text), delimiter=delim) if r]
    except csv.Error as exc:
        raise DataError(f"is not a readable CSV file ({exc})", path=source.name) from None


_FAST_MIN_BYTES = 2_000_000


def _fast_csv(source: Source, numeric: list[str], *, table: bool = False,
              ints: Iterable[str] = (), need: set[str] | None = None, any_of: bool = False):
    """Read a large canonical CSV with pyarrow (columns by name, ISO dates, numbers).

    Returns None when the file is not exactly that (then the careful reader runs and
    reports the first bad cell by row and column). A file on disk is read by pyarrow
    from its path (no copy of its bytes in Python). Member ids are read
    dictionary-encoded (no string per row) and come back as a categorical; with
    ``table`` the pyarrow table is returned as read. Columns in ``ints`` are read as
    ``int32`` (as ``float64`` when that fails, e.g. for ``1.0``). The file is read only
    when its header has the columns ``need`` (``any_of``: at least one of them).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        if source.member is None:
            if source.path.stat().st_size < _FAST_MIN_BYTES:
                return None
            with open(source.path, "rb") as fh:
                head = fh.read(4096)
            where = str(source.path)
        else:
            data = source.read_bytes()
            if len(data) < _FAST_MIN_BYTES:
                return None
            head, where = data[:4096], pa.BufferReader(data)
    except (OSError, DataError):
        return None                         # the careful reader says what is wrong
    header = _header(head.decode("utf-8", errors="replace").lstrip("\ufeff"))
    names = [h.strip() for h in header]
    if "date" not in names or any(_norm(n) != n for n in names):
        return None
    if need is not None and not (need & set(names) if any_of else need <= set(names)):
        return None
    types = {n: pa.float64() for n in names if n in numeric or n in ints}
    types.update({"member_id": pa.dictionary(pa.int32(), pa.string()), "date": pa.date32()})
    as_int = {**types, **{n: pa.int32() for n in names if n in ints}}
    tab = None
    for attempt in ([as_int] if as_int != types else []) + [types]:
        try:
            tab = pacsv.read_csv(where, convert_options=pacsv.ConvertOptions(
                column_types=attempt, strings_can_be_null=False))
            break
        except (pa.ArrowInvalid, pa.ArrowTypeError, OSError):
            continue
    if tab is None:
        return None
    if tab.column("date").null_count:     # a missing date: the careful reader says where
        return None
    if table:
        return tab
    # column by column, without pandas' consolidation copy; ids stay codes
    cols: dict = {}
    for name in tab.column_names:
        col = tab.column(name)
        if name == "member_id":
            cols[name] = _dictionary_categorical(col)
        elif name == "date":
            cols[name] = _days_to_ns(col.cast(pa.int32()).to_numpy())
        elif name in numeric:
            v = col.to_numpy()               # may be a read-only view of Arrow memory
            cols[name] = v if v.flags.writeable else v.copy()
        else:
            cols[name] = col.to_pandas()
    return pd.DataFrame(cols, copy=False)


def _days_to_ns(days: np.ndarray) -> np.ndarray:
    """Day numbers since 1970 as ``datetime64[ns]`` (one allocation)."""
    ns = days.astype(np.int64)
    ns *= 86_400_000_000_000
    return ns.view("datetime64[ns]")


def _dictionary_codes(col, dtype=None) -> tuple[np.ndarray, np.ndarray]:
    """Sorted integer codes and sorted unique strings of a dictionary-encoded column.

    The codes are in ``dtype``, by default the smallest integer type that holds them.
    """
    ids = col.combine_chunks()
    names = np.asarray(ids.dictionary.to_pylist(), dtype=object)
    order = np.argsort(names.astype(str), kind="stable")
    if dtype is None:
        k = len(names)
        dtype = np.int8 if k < 128 else np.int16 if k < 32_768 else np.int32
    rank = np.empty(len(names), dtype=dtype)
    rank[order] = np.arange(len(names))
    return rank[ids.indices.to_numpy()], names[order]


def _dictionary_categorical(col) -> pd.Categorical:
    """Turn a dictionary-encoded pyarrow column of strings into a sorted categorical.

    Every dictionary value occurs (the CSV reader builds it from the values read), so
    the codes are the sorted ranks of the dictionary, taken once in the smallest integer
    type.
    """
    codes, uniq = _dictionary_codes(col)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniq.astype(str), dtype=str))


def _sniff_snapshot_reader(source: Source, text: str) -> Callable | None:
    head = text.lstrip()[:2000]
    if head.startswith(("{", "[")):
        return _read_json_snapshots
    if "<html" in head.lower() or "<!doctype" in head.lower():
        return _read_html_snapshot if "activeSeat" in text else None
    header = _header(text)
    if salesnav.looks_like_salesnav(header):
        return _read_salesnav_csv
    if longcsv.detect(header):
        return _read_long_snapshots
    return _read_wide_snapshots if _snapshot_header(header) else None


def _is_xlsx(source: Source, data: bytes) -> bool:
    return source.basename.lower().endswith((".xlsx", ".xlsm")) or (
        data[:4] == b"PK\x03\x04" and b"xl/" in data[:4096])


def _snapshot_frame(source: Source, tz: str, log: list[dict]) -> pd.DataFrame | None:
    """Read one file as snapshots, or return None when it holds none (logged)."""
    lower = source.basename.lower()
    if not lower.endswith((*_SNAPSHOT_SUFFIXES, ".xlsx", ".xlsm")):
        return None
    header = _big_csv_header(source)
    if header is not None and not _snapshot_header(header):
        return None                   # a large CSV of another kind: not read at all
    fast = (_fast_csv(source, list(_NUMERIC_SNAPSHOT), need=set(PILLARS))
            if lower.endswith(".csv") else None)
    if fast is not None:                        # the four pillars are there (``need``)
        if "ssi" not in fast:
            fast["ssi"] = fast[list(PILLARS)].sum(axis=1, min_count=4)
        fast["source"] = pd.Categorical.from_codes(
            np.zeros(len(fast), np.int8), categories=pd.Index([f"{source.short} [snapshot csv]"],
                                                              dtype=str))
        return fast
    data = source.read_bytes()
    if _is_xlsx(source, data):
        rows = salesnav.xlsx_rows(source, data)
        if rows and salesnav.looks_like_salesnav(rows[0]):
            snaps, _, _, notes = salesnav.parse(rows, source)
            log.extend(notes)
            return snaps
        log.append({"file": source.short, "row": 0, "rule": "not_recognised",
                    "detail": "workbook is not a Sales Navigator usage report; skipped"})
        return None
    if not data[:65536].strip() and not data.strip():
        raise DataError("is empty", path=source.name)
    text = decode_text(data, source)
    reader = _sniff_snapshot_reader(source, text)
    if reader is None:
        return None
    return reader(text, source, tz)


def load_snapshots(*paths: PathLike, member_id: str | None = None,
                   tz: str = "UTC") -> pd.DataFrame:
    """Load SSI snapshots from any supported source into the canonical table.

    Formats are detected from content, not file names: ``salesApiSsi`` JSON (raw,
    wrapped in ``data``/``rawJson``, arrays, JSON lines, tracker history entries), a
    saved SSI page (HTML), wide snapshot CSVs (the canonical ``snapshots.csv`` and the
    spellings trackers use), long localised tracker CSVs (see :mod:`ssi_analysis.longcsv`)
    and Sales Navigator usage reports (CSV or XLSX).

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
    pandas.DataFrame
        Canonical snapshot columns (``schema.SNAPSHOT_CORE``, then the optional peer
        details of ``schema.SNAPSHOT_EXTRAS`` that some source has), one row per capture,
        sorted by member, date and capture time; ``source`` names the file and format of
        each row. ``member_id`` and ``source`` are categoricals of strings (compact: a
        code per row, not a string). Not deduplicated: see
        :func:`ssi_analysis.clean_snapshots`.
        ``attrs["ingest_log"]`` lists files that were skipped or notes on rows.

    Raises
    ------
    DataError
        When a path is missing, a file cannot be read, or no SSI data is found.
    """
    tz = _check_tz(tz)
    if not paths:
        raise DataError("no input given: name at least one file or folder with SSI snapshots")
    frames = []
    log: list[dict] = []
    sources = expand(paths)
    for source in sources:
        if _ACTIVITY_FILES.match(source.basename):
            continue  # a LinkedIn export file, read by load_activity
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
    # the readers' many small frames (one per JSON capture) are finished as one
    fast = [f for f in frames if isinstance(f["member_id"].dtype, pd.CategoricalDtype)]
    small = [f for f in frames if not isinstance(f["member_id"].dtype, pd.CategoricalDtype)]
    frames = [_finish_snapshots(f) for f in fast]
    if small:
        frames.append(_finish_snapshots(small[0] if len(small) == 1
                                        else pd.concat(small, ignore_index=True)))
    for c in ("member_id", "source"):          # compact ids: codes, not a string per row
        if any(isinstance(f[c].dtype, pd.CategoricalDtype) for f in frames):
            frames = _as_categories(frames, c)
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    for c in ("member_id", "source"):
        if not isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype(pd.CategoricalDtype(pd.Index(sorted(df[c].unique()),
                                                              dtype=str)))
    df = _order_snapshots(df[snapshot_columns(df.columns)])
    df.attrs["ingest_log"] = Records(log)
    return df


# ----------------------------------------------------------------------------- activity

_EXPORT_DATE = re.compile(r"LinkedInDataExport_(\d{2})-(\d{2})-(\d{4})", re.IGNORECASE)
_UTC_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d %H:%M",
                "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ",
                "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M", "%Y-%m-%d")
_CONNECTED_FORMATS = ("%d %b %Y", "%d %B %Y", "%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d", "%m/%d/%Y",
                      "%m/%d/%y")
_INVITATION_FORMATS = ("%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p", "%m/%d/%y %I:%M %p",
                       "%m/%d/%Y %I:%M %p", "%Y-%m-%d %H:%M:%S", "%m/%d/%y %H:%M")
_RICH_MEDIA = re.compile(r"on (?P<d>\w+ \d{1,2}, \d{4}) at (?P<t>\d{1,2}:\d{2} [AP]M) "
                         r"\((?P<tz>[A-Za-z]+)\)")
_SPONSORED = '<p class="spinmail-quill-editor__spin-break">'


def _empty_activity() -> pd.DataFrame:
    return pd.DataFrame({"member_id": pd.Series([], dtype=str),
                         "date": pd.Series([], dtype="datetime64[ns]"),
                         "activity": pd.Series([], dtype=str),
                         "count": pd.Series([], dtype="int64")})


def _require(df: pd.DataFrame, cols: Iterable[str], source: Source, line: int = 1) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(f"lacks the columns {missing}; found {list(df.columns)}",
                        path=source.name, row=line)


def _subset(df: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    sub = df[mask.to_numpy()]
    sub.attrs["line"] = [ln for ln, m in zip(df.attrs["line"], mask, strict=True) if m]
    return sub


def _utc_events(df, col, source, tz, log, hours=None, activity="") -> pd.Series:
    ts = _parse_dates(df[col], source, col, df.attrs["line"], _UTC_FORMATS, utc=True, log=log)
    local = ts.dropna().dt.tz_convert(tz)
    if hours is not None and len(local):
        hours.append(pd.DataFrame({"activity": activity, "weekday": local.dt.day_of_week,
                                   "hour": local.dt.hour}))
    return _local_dates(ts.dropna(), tz)


def _export_events(source: Source, tz: str, owner_name: str, log: list[dict],
                   hours: list | None = None) -> dict[str, pd.Series]:
    """Parse one export file into {activity: Series of local dates (one per event)}."""
    kind = _ACTIVITY_FILES.match(source.basename).group(1).lower()
    text = decode_text(source.read_bytes(), source)
    if not text.strip() or text.strip().lower().startswith("no conversations"):
        log.append({"file": source.short, "row": 0, "rule": "empty_file",
                    "detail": "no rows; the activity counts as tracked with no events"})
        return {_FILE_ACTIVITY.get(kind, kind): pd.Series([], dtype="datetime64[ns]")}
    if kind == "connections":
        lines = text.split("\n")
        hdr = next((i for i, ln in enumerate(lines[:30])
                    if ln.lstrip('"').startswith("First Name")), None)
        if hdr is None:
            raise DataError("has no 'First Name,Last Name,…,Connected On' header line in its "
                            "first 30 lines", path=source.name)
        df = _read_table(text, source, skip_lines=hdr)
        _require(df, ["Connected On"], source, hdr + 1)
        d = _parse_dates(df["Connected On"], source, "Connected On", df.attrs["line"],
                         _CONNECTED_FORMATS, log=log)
        return {"connections": d.dropna()}
    if kind == "rich_media":
        df = _read_table(text, source)
        col = next((c for c in df.columns if c.lower().startswith("date")), None)
        if col is None:
            raise DataError("lacks the 'Date/Time' column", path=source.name, row=1)
        found = df[col].astype(str).str.extract(_RICH_MEDIA)
        ok = found["d"].notna()
        if (~ok).any():
            log.append({"file": source.short, "row": int(df.attrs["line"][int(np.argmin(ok))]),
                        "rule": "bad_date",
                        "detail": f"{int((~ok).sum())} rows without a recognisable date skipped"})
        ts = pd.to_datetime(found.loc[ok, "d"] + " " + found.loc[ok, "t"],
                            format="%B %d, %Y %I:%M %p", errors="coerce").dt.tz_localize("UTC")
        return {"media_uploads": _local_dates(ts.dropna(), tz)}
    df = _read_table(text, source, escapechar="\\" if kind == "comments" else None)
    if kind == "shares":
        _require(df, ["Date", "ShareCommentary"], source)
        has_text = df["ShareCommentary"].astype(str).str.strip('" \n') != ""
        return {"posts": _utc_events(_subset(df, has_text), "Date", source, tz, log, hours,
                                     "posts"),
                "reposts": _utc_events(_subset(df, ~has_text), "Date", source, tz, log, hours,
                                       "reposts")}
    if kind in ("comments", "reactions", "votes", "instantreposts"):
        _require(df, ["Date"], source)
        name = _FILE_ACTIVITY[kind]
        return {name: _utc_events(df, "Date", source, tz, log, hours, name)}
    if kind == "invitations":
        _require(df, ["Sent At", "Direction"], source)
        direction = df["Direction"].astype(str).str.strip().str.upper()
        out = {}
        for name, value in (("invitations_sent", "OUTGOING"), ("invitations_received",
                                                              "INCOMING")):
            sub = _subset(df, direction == value)
            d = _parse_dates(sub["Sent At"], source, "Sent At", sub.attrs["line"],
                             _INVITATION_FORMATS, log=log)
            out[name] = d.dropna().dt.normalize()
        return out
    if kind == "messages":
        _require(df, ["DATE", "SENDER PROFILE URL"], source)
        sender = df["SENDER PROFILE URL"].astype(str).str.strip().str.rstrip("/")
        owner = _message_owner(df, owner_name)
        sent = (sender == owner) & (owner != "")
        dropped = {}
        for col, test, what in (
                ("IS MESSAGE DRAFT", lambda c: c.str.strip().str.lower() == "yes", "drafts"),
                ("CONTENT", lambda c: c.str.lstrip().str.startswith(_SPONSORED),
                 "sponsored messages")):
            if col in df:
                hit = sent & test(df[col].astype(str))
                dropped[what] = int(hit.sum())
                sent &= ~hit
        for what, n in dropped.items():
            if n:
                log.append({"file": source.short, "row": 0, "rule": "dropped_messages",
                            "detail": f"{n} {what} not counted"})
        log.append({"file": source.short, "row": 0, "rule": "message_owner",
                    "detail": ("owner found from Profile.csv" if owner_name else
                               "owner inferred as the person in the most conversations")
                    + f"; {int(sent.sum())} of {len(df)} messages counted as sent"})
        return {"messages_sent": _utc_events(_subset(df, sent), "DATE", source, tz, log, hours,
                                             "messages_sent")}
    return {}


_FILE_ACTIVITY = {"comments": "comments", "reactions": "reactions", "votes": "votes",
                  "instantreposts": "reposts", "connections": "connections",
                  "messages": "messages_sent", "rich_media": "media_uploads",
                  "shares": "posts", "invitations": "invitations_sent"}


def _message_owner(df: pd.DataFrame, owner_name: str = "") -> str:
    """Find the export owner's profile URL.

    With the owner's name (Profile.csv), the URL the owner sends from; otherwise the
    URL present in the most conversations (the owner is in all of them).
    """
    sender = df["SENDER PROFILE URL"].astype(str).str.strip().str.rstrip("/")
    if owner_name and "FROM" in df:
        mine = sender[(df["FROM"].astype(str).str.strip() == owner_name) & (sender != "")]
        if len(mine):
            return mine.value_counts().sort_index().idxmax()
    conv = df["CONVERSATION ID"] if "CONVERSATION ID" in df else pd.Series(range(len(df)))
    people = [sender]
    if "RECIPIENT PROFILE URLS" in df:
        people.append(df["RECIPIENT PROFILE URLS"].astype(str))
    pairs = []
    for col in people:
        for c, urls in zip(conv, col, strict=True):
            for u in str(urls).split(","):
                u = u.strip().rstrip("/")
                if u.startswith("http") or u.startswith("www."):
                    pairs.append((c, u))
    if not pairs:
        return ""
    counts = pd.DataFrame(pairs, columns=["c", "u"]).drop_duplicates().groupby("u").size()
    top = counts[counts == counts.max()].index
    return sorted(top)[0]


def _profile_name(sources: list[Source]) -> str:
    for s in sources:
        if re.match(r"^Profile\.csv$", s.basename, re.IGNORECASE):
            try:
                df = _read_table(decode_text(s.read_bytes(), s), s)
            except DataError:
                return ""
            if len(df) and {"First Name", "Last Name"} <= set(df.columns):
                return f"{df['First Name'].iloc[0].strip()} {df['Last Name'].iloc[0].strip()}"
    return ""


def _load_export(sources: list[Source], tz: str, member_id: str,
                 log: list[dict], owner_name: str, hourly: list) -> tuple[list, list]:
    """Read the activity files of one export; return (count frames, coverage rows)."""
    events: dict[str, list[pd.Series]] = {}
    hours: list[pd.DataFrame] = []
    for s in sources:
        for act, dates in _export_events(s, tz, owner_name, log, hours).items():
            events.setdefault(act, []).append(dates)
    if hours:
        h = pd.concat(hours).value_counts().reset_index(name="count")
        hourly.append(h.assign(member_id=member_id))
    frames, coverage = [], []
    all_dates = [d for lst in events.values() for d in lst if len(d)]
    if not all_dates:
        return frames, coverage
    first = min(d.min() for d in all_dates)
    export_day = None
    for s in sources:
        for part in (s.basename, *s.parent_names):
            m = _EXPORT_DATE.search(part)
            if m:
                export_day = pd.Timestamp(f"{m[3]}-{m[1]}-{m[2]}") - pd.Timedelta(days=1)
                break
        if export_day is not None:
            break
    last = max(d.max() for d in all_dates)
    end = max(export_day, last) if export_day is not None else last
    label = _export_label(sources)
    for act, lst in events.items():
        dates = pd.concat(lst)
        # Invitations.csv may hold only recent invitations: its coverage starts at its own
        # first row. Every other file lists the account's whole history.
        start = dates.min() if act.startswith("invitations") and len(dates) else first
        coverage.append({"member_id": member_id, "activity": act, "start": start, "end": end,
                         "source": label, "granularity": "day"})
        if len(dates):
            counts = dates.value_counts().sort_index()
            frames.append(pd.DataFrame({"member_id": member_id, "date": counts.index,
                                        "activity": act, "count": counts.to_numpy()}))
    return frames, coverage


def _export_label(sources: list[Source]) -> str:
    for s in sources:
        for part in s.parent_names:
            if _EXPORT_DATE.search(part):
                return f"{part} [LinkedIn export]"
    return f"{Path(sources[0].short).parent.name or 'export'} [LinkedIn export]"


def _read_activity_csv(source: Source, text: str, member_id: str) -> tuple[list, list]:
    raw = _read_table(text, source)
    cols = {c: _norm(c) for c in raw.columns}
    df = raw.rename(columns=cols)
    acts = [c for c in df.columns if c in ACTIVITIES]
    day = df["date"].astype(str).str.strip().str.slice(0, 10)
    dates = _parse_dates(day, source, "date", raw.attrs["line"],
                         _day_formats(day, source, "date", raw.attrs["line"]))
    members = (df["member_id"].astype(str).str.strip() if "member_id" in df
               else pd.Series(member_id, index=df.index))
    frames, coverage = [], []
    label = f"{source.short} [activity csv]"
    for a in acts:
        vals = _to_number(df, a, source)
        bad = vals.notna() & ((vals < 0) | (vals % 1 != 0))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"expected a whole count of zero or more, found {raw.iloc[i][a]!r}",
                            path=source.name, row=raw.attrs["line"][i], column=a)
        tracked = vals.notna() & dates.notna()
        part = pd.DataFrame({"member_id": members[tracked], "date": dates[tracked],
                             "activity": a, "count": vals[tracked].astype("int64")})
        for m, g in part.groupby("member_id", sort=True):
            coverage.append({"member_id": m, "activity": a, "start": g["date"].min(),
                             "end": g["date"].max(), "source": label, "granularity": "day"})
        frames.append(part[part["count"] > 0])
    return frames, coverage


#: Rows of a wide activity table turned long at a time (bounded temporaries).
_LONG_CHUNK = 1_000_000


def _fast_activity(table, source: Source, member_id: str) -> tuple[list, list, bool] | None:
    """Wide canonical activity (a typed pyarrow table) → long counts and coverage.

    The counts come as ``int32`` (or as whole floats, checked and cast; None for counts
    beyond ``int32``: the careful reader takes them) and are checked for negatives with
    pyarrow compute. The long frame is
    built in row chunks straight into its final arrays — member, date, activity order,
    categorical member and activity columns (codes, not millions of strings) — so no
    whole-table temporaries are made. Returns ``(frames, coverage, canonical)``:
    ``canonical`` is True when no member-day repeats, so the frame needs no combining.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    acts = sorted(c for c in table.column_names if c in ACTIVITIES)
    label = f"{source.short} [activity csv]"
    n, k = table.num_rows, len(acts)
    counts = np.empty((k, n), dtype=np.int32)      # one contiguous row per activity
    every_row = [False] * k                         # activities tracked on every row
    for a in (c for c in table.column_names if c in ACTIVITIES):   # file order: the
        j = acts.index(a)                                        # careful reader's
        col = table.column(a)
        if pa.types.is_floating(col.type):          # written as 1.0: whole and in range?
            bad = pc.or_(pc.less(col, 0), pc.not_equal(pc.floor(col), col))
            if pc.any(bad).as_py():
                i = int(pc.index(bad, True).as_py())
                raise DataError(f"expected a whole count of zero or more, found "
                                f"{col[i].as_py()!r}", path=source.name, row=i + 2, column=a)
            if (pc.max(col).as_py() or 0) >= 2**31:  # beyond int32: the careful reader
                return None
            col = col.cast(pa.int32())
        low = pc.min(col).as_py()
        if low is not None and low < 0:
            i = int(pc.index(pc.less(col, 0), True).as_py())
            raise DataError(f"expected a whole count of zero or more, found "
                            f"{str(col[i].as_py())!r}", path=source.name, row=i + 2, column=a)
        every_row[j] = col.null_count == 0
        counts[j] = (col if every_row[j] else pc.fill_null(col, -1)).to_numpy()
    if "member_id" in table.column_names:
        ids = _dictionary_categorical(table.column("member_id"))
        codes, uniq = ids.codes, np.asarray(ids.categories, dtype=object)
    else:
        codes, uniq = np.zeros(n, dtype=np.int8), np.array([member_id], dtype=object)
    days = table.column("date").cast(pa.int32()).to_numpy()
    canonical = _in_member_order(codes, days, strict=True)
    if not canonical and not _in_member_order(codes, days):
        order = np.lexsort((days, codes))
        codes, days, counts = codes[order], days[order], counts[:, order]
    # coverage: first and last tracked day per member and activity
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if n else np.array([], int)
    ends = np.r_[starts[1:], n] - 1
    coverage = []
    for j, a in enumerate(acts):
        if every_row[j]:                            # every row tracked: the member's span
            m_idx, first, last = codes[starts], days[starts], days[ends]
        else:
            tracked = counts[j] >= 0
            span = pd.DataFrame({"m": codes[tracked], "d": days[tracked]}).groupby(
                "m", sort=True)["d"].agg(["min", "max"])
            m_idx = span.index.to_numpy()
            first, last = span["min"].to_numpy(), span["max"].to_numpy()
        coverage.append(pd.DataFrame({   # a frame of records (70,000 for a big team)
            "member_id": uniq[m_idx], "activity": a, "start": _days_to_ns(first),
            "end": _days_to_ns(last), "source": label, "granularity": "day"}))
    # wide → long in chunks of rows, written into the final columns
    step = _LONG_CHUNK
    total = sum(int(np.count_nonzero(counts[:, lo:lo + step] > 0)) for lo in range(0, n, step))
    m_out = np.empty(total, dtype=codes.dtype)
    ns_out = np.empty(total, dtype=np.int64)
    a_out = np.empty(total, dtype=np.int8)
    c_out = np.empty(total, dtype=np.int64)
    at = 0
    for lo in range(0, n, step):
        block = counts[:, lo:lo + step].T           # (rows, activities)
        f = np.flatnonzero(block > 0)               # row-major: member, date, activity
        r = f // k
        j = f - r * k
        hi = at + len(r)
        m_out[at:hi] = codes[lo:lo + step][r]
        ns_out[at:hi] = days[lo:lo + step][r]
        a_out[at:hi] = j
        c_out[at:hi] = block[r, j]
        at = hi
    ns_out *= 86_400_000_000_000
    used = np.bincount(a_out, minlength=k) > 0 if total else np.zeros(k, bool)
    a_code = (np.cumsum(used) - 1).astype(np.int8)
    frame = pd.DataFrame({
        "member_id": pd.Categorical.from_codes(m_out, categories=pd.Index(
            uniq.astype(str), dtype=str)) if bool(np.all(np.bincount(
                m_out.astype(np.int64), minlength=len(uniq)) > 0)) else
        _category_column(uniq, m_out.astype(np.int64)),
        "date": ns_out.view("datetime64[ns]"),
        "activity": pd.Categorical.from_codes(a_code[a_out] if not used.all() else a_out,
                                              categories=pd.Index(np.asarray(acts)[used],
                                                                  dtype=str)),
        "count": c_out}, copy=False)
    return [frame], coverage, canonical


def _sorted_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and their sorted unique strings (categoricals reuse their codes)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = values.cat.categories.astype(str).to_numpy(dtype=object)
        if values.cat.categories.is_monotonic_increasing:     # codes already in order
            return values.cat.codes.to_numpy().astype(np.int64), cats
        order = np.argsort(cats, kind="stable")
        rank = np.empty(len(cats), dtype=np.int64)
        rank[order] = np.arange(len(cats))
        return rank[values.cat.codes.to_numpy()], cats[order]
    codes, uniq = pd.factorize(values.astype(str), sort=True)
    return codes.astype(np.int64), np.asarray(uniq, dtype=object)


def _string_column(uniq: np.ndarray, codes: np.ndarray) -> pd.Series:
    """``uniq[codes]`` as a pandas string column, built by pyarrow (no Python objects)."""
    import pyarrow as pa

    arr = pa.array(list(uniq), type=pa.large_string()).take(pa.array(codes))
    return pd.Series(pd.array(arr, dtype=pd.StringDtype("pyarrow", na_value=np.nan)))


def _category_column(uniq: np.ndarray, codes: np.ndarray) -> pd.Categorical:
    """``uniq[codes]`` as a categorical of strings (sorted categories, small integer codes).

    The compact form of an id column: a 10,000-member team's 32 M activity rows hold
    2-byte codes instead of a string each.
    """
    codes = np.asarray(codes)
    used = np.bincount(codes, minlength=len(uniq)) > 0 if len(codes) else np.zeros(len(uniq), bool)
    new_code = np.cumsum(used) - 1                  # only the values that occur
    cats = pd.Index(np.asarray(uniq, dtype=object)[used].astype(str), dtype=str)
    small = np.int8 if len(cats) < 128 else np.int16 if len(cats) < 32_768 else np.int32
    return pd.Categorical.from_codes(new_code[codes].astype(small), categories=cats)


def _combine_activity(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate long activity frames; sum repeated member-day-activity rows.

    Works on integer codes (member and activity in sorted order, day numbers): the rows
    are sorted by one int64 key — skipped when already in order, as the wide activity
    CSV gives them — and repeats are summed with ``np.add.reduceat``. The result is the
    canonical activity table sorted by member, date and activity.
    """
    frames = [f for f in frames if len(f)]
    if not frames:
        return _empty_activity()
    m_parts, a_parts, d_parts, c_parts = [], [], [], []
    m_uniqs, a_uniqs = [], []
    for f in frames:
        mc, mu = _sorted_codes(f["member_id"])
        ac, au = _sorted_codes(f["activity"])
        m_parts.append(mc)
        a_parts.append(ac)
        m_uniqs.append(mu)
        a_uniqs.append(au)
        d_parts.append(pd.to_datetime(f["date"]).to_numpy().astype("datetime64[ns]")
                       .view(np.int64))
        c_parts.append(f["count"].to_numpy().astype(np.int64))
    m_all = np.unique(np.concatenate(m_uniqs).astype(str)).astype(object)
    a_all = np.unique(np.concatenate(a_uniqs).astype(str)).astype(object)
    if len(frames) == 1:
        m, a, ns, count = m_parts[0], a_parts[0], d_parts[0], c_parts[0]
    else:
        m = np.concatenate([np.searchsorted(m_all, u.astype(str))[c]
                            for c, u in zip(m_parts, m_uniqs, strict=True)])
        a = np.concatenate([np.searchsorted(a_all, u.astype(str))[c]
                            for c, u in zip(a_parts, a_uniqs, strict=True)])
        ns, count = np.concatenate(d_parts), np.concatenate(c_parts)
    day = 86_400_000_000_000
    if (ns % day).any():                          # times of day: group on exact stamps
        d = pd.factorize(ns, sort=True)[0].astype(np.int64)
    else:
        d = (ns - ns.min()) // day
    span = int(d.max()) + 1
    key = (m * span + d) * len(a_all) + a
    if len(key) > 1 and not bool(np.all(key[1:] > key[:-1])):
        order = np.argsort(key, kind="stable")
        key = key[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        count = np.add.reduceat(count[order], starts)
        pick = order[starts]
        m, a, ns = m[pick], a[pick], ns[pick]
    del key, d
    return pd.DataFrame({"member_id": _category_column(m_all, m),
                         "date": ns.astype("datetime64[ns]"),
                         "activity": _category_column(a_all, a),
                         "count": count.astype("int64")})


def _is_activity_csv(text: str) -> bool:
    return _is_activity_header(_header(text))


def _is_activity_header(header: list[str]) -> bool:
    names = {_norm(h) for h in header}
    return "date" in names and bool(names & set(ACTIVITIES))


def load_activity(*paths: PathLike, member_id: str | None = None,
                  tz: str = "UTC") -> pd.DataFrame:
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

    Returns
    -------
    pandas.DataFrame
        ``member_id, date, activity, count`` with one row per member, day and activity
        that had at least one event (Sales Navigator: one row per period, dated at its
        end). ``attrs["coverage"]`` lists, per member and activity, the dates the source
        tracks (see :func:`activity_coverage`): days inside coverage without a row are
        zero; days outside are unknown. ``attrs["ingest_log"]`` lists skipped rows and
        inferences. Only counts and dates leave the importer. ``member_id`` and
        ``activity`` are categoricals of strings (sorted categories, the values that occur).

    Raises
    ------
    DataError
        When a path is missing, a file is unreadable or no activity file is found.
    """
    tz = _check_tz(tz)
    if not paths:
        raise DataError("no input given: name a LinkedIn data export or an activity CSV")
    member = member_id or "me"
    export_groups: dict[str, list[Source]] = {}
    frames: list[pd.DataFrame] = []
    ready: set[int] = set()                    # frames already in canonical form
    coverage: list[dict] = []
    log: list[dict] = []
    found = False
    sources = expand(paths)
    profiles = {str(Path(s.name).parent): _profile_name([s]) for s in sources
                if s.basename.lower() == "profile.csv"}
    for source in sources:
        if _ACTIVITY_FILES.match(source.basename):
            export_groups.setdefault(str(Path(source.name).parent), []).append(source)
            continue
        lower = source.basename.lower()
        if not lower.endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            continue
        header = _big_csv_header(source)
        if header is not None and not (_is_activity_header(header)
                                       or salesnav.looks_like_salesnav(header)):
            continue                  # a large CSV of another kind: not read at all
        fast = (_fast_csv(source, [], ints=list(ACTIVITIES), table=True,
                          need=set(ACTIVITIES), any_of=True)
                if lower.endswith((".csv", ".txt")) else None)
        fast = (_fast_activity(fast, source, member)
                if fast is not None and set(fast.column_names) & set(ACTIVITIES) else None)
        if fast is not None:
            f, c, canonical = fast
            if canonical:
                ready.update(id(x) for x in f)
            frames += f
            coverage += c
            found = True
            continue
        data = source.read_bytes()
        if _is_xlsx(source, data):
            rows = salesnav.xlsx_rows(source, data)
            if not (rows and salesnav.looks_like_salesnav(rows[0])):
                continue
        else:
            if not data[:65536].strip() and not data.strip():
                continue
            text = decode_text(data, source)
            if _is_activity_csv(text):
                f, c = _read_activity_csv(source, text, member)
                frames += f
                coverage += c
                found = True
                continue
            if not salesnav.looks_like_salesnav(_header(text)):
                continue
            rows = _csv_rows(text, source)
        _, act, cov, notes = salesnav.parse(rows, source)
        frames.append(act)
        coverage += cov
        log += notes
        found = True
    hourly: list[pd.DataFrame] = []
    for key in sorted(export_groups):
        f, c = _load_export(export_groups[key], tz, member, log, profiles.get(key, ""), hourly)
        frames += f
        coverage += c
        found = True
    if not found:
        raise NoDataFoundError("no activity file found (expected a LinkedIn data export with "
                               "Shares.csv, Comments.csv, …, a Sales Navigator usage report "
                               "or an activity CSV)", path=", ".join(str(p) for p in paths))
    if len(frames) == 1 and id(frames[0]) in ready and len(frames[0]):
        out = frames[0]                  # one wide CSV without repeats: already canonical
    else:
        out = _combine_activity(frames)[list(ACTIVITY_COLUMNS)]
    out.attrs["coverage"] = Records(_coverage_records(coverage))
    out.attrs["ingest_log"] = Records(log)
    out.attrs["hourly"] = Records(_hourly_records(hourly))
    return out


def _hourly_records(frames: list[pd.DataFrame]) -> list[dict]:
    if not frames:
        return []
    h = pd.concat(frames).groupby(["member_id", "activity", "weekday", "hour"], as_index=False,
                                  sort=True)["count"].sum()
    return [{"member_id": r.member_id, "activity": r.activity, "weekday": int(r.weekday),
             "hour": int(r.hour), "count": int(r.count)} for r in h.itertuples()]


def activity_hours(activity: pd.DataFrame) -> pd.DataFrame:
    """Count per local weekday (0 = Monday) and hour, from timestamped export files.

    Parameters
    ----------
    activity : pandas.DataFrame
        A frame from :func:`load_activity` (``attrs["hourly"]``).

    Returns
    -------
    pandas.DataFrame
        ``member_id, activity, weekday, hour, count``.
    """
    cols = ["member_id", "activity", "weekday", "hour", "count"]
    recs = activity.attrs.get("hourly") or []
    return pd.DataFrame(recs, columns=cols).astype(
        {"weekday": "int64", "hour": "int64", "count": "int64"})


def _coverage_records(rows: list) -> list[dict]:
    """Merge coverage rows (dicts, or frames of them) into JSON-friendly records.

    Daily sources: one record per member x activity x source (first to last day).
    Period sources: one record per period, so that windows can be checked against them.
    """
    if not rows:
        return []
    frames = [r for r in rows if isinstance(r, pd.DataFrame)]
    dicts = [r for r in rows if not isinstance(r, pd.DataFrame)]
    cov = pd.concat([*([pd.DataFrame(dicts)] if dicts else []), *frames], ignore_index=True)
    if "granularity" not in cov:
        cov["granularity"] = "day"
    cov["granularity"] = cov["granularity"].fillna("day")
    day = cov[cov["granularity"] == "day"].groupby(
        ["member_id", "activity", "source", "granularity"], as_index=False, sort=True).agg(
        start=("start", "min"), end=("end", "max"))
    period = cov[cov["granularity"] == "period"].drop_duplicates(
        ["member_id", "activity", "start", "end"])
    cov = pd.concat([day, period], ignore_index=True).sort_values(
        ["member_id", "activity", "start", "source"], kind="stable")
    def day_text(c: str) -> list[str]:
        return np.datetime_as_string(pd.to_datetime(cov[c]).to_numpy().astype(
            "datetime64[D]"), unit="D").tolist()

    def text(c: str) -> list[str]:
        return cov[c].astype(str).tolist()      # plain lists: no per-row pandas access

    return [{"member_id": m, "activity": a, "start": b, "end": e, "source": src,
             "granularity": g} for m, a, b, e, src, g in zip(
                 text("member_id"), text("activity"), day_text("start"), day_text("end"),
                 text("source"), text("granularity"), strict=True)]


def activity_coverage(activity: pd.DataFrame) -> pd.DataFrame:
    """Return which dates each activity is tracked for, per member.

    Parameters
    ----------
    activity : pandas.DataFrame
        A frame from :func:`load_activity` (coverage in ``.attrs["coverage"]``). Without
        that record, each member x activity is taken as covered from its first to its
        last recorded day (a cautious guess: nothing outside is assumed to be zero).

    Returns
    -------
    pandas.DataFrame
        ``member_id, activity, start, end, source, granularity``.
    """
    recs = activity.attrs.get("coverage")
    if recs:
        cov = pd.DataFrame(recs)
        cov["start"] = pd.to_datetime(cov["start"]).astype("datetime64[ns]")
        cov["end"] = pd.to_datetime(cov["end"]).astype("datetime64[ns]")
        if "granularity" not in cov:
            cov["granularity"] = "day"
        return cov[list(COVERAGE_COLUMNS)]
    if activity.empty:
        return pd.DataFrame({c: pd.Series([], dtype="datetime64[ns]" if c in ("start", "end")
                                          else str) for c in COVERAGE_COLUMNS})
    cov = activity.groupby(["member_id", "activity"], as_index=False, sort=True).agg(
        start=("date", "min"), end=("date", "max"))
    cov["source"] = "inferred from the first and last recorded day"
    cov["granularity"] = "day"
    return cov[list(COVERAGE_COLUMNS)]


def ingest_log(*frames: pd.DataFrame) -> pd.DataFrame:
    """Collect the importers' notes (``attrs["ingest_log"]``) into one table.

    Parameters
    ----------
    *frames : pandas.DataFrame
        Frames returned by :func:`load_snapshots` and :func:`load_activity`.

    Returns
    -------
    pandas.DataFrame
        ``file, row, rule, detail`` (row 0 = the whole file), sorted.
    """
    rows = [r for f in frames for r in f.attrs.get("ingest_log", [])]
    log = pd.DataFrame(rows, columns=list(INGEST_LOG_COLUMNS))
    log = log.astype({"file": str, "rule": str, "detail": str}).assign(
        row=log["row"].astype("int64"))
    return log.drop_duplicates().sort_values(["file", "row", "rule", "detail"],
                                             kind="stable").reset_index(drop=True)


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
        if not source.basename.lower().endswith(".csv") or _ACTIVITY_FILES.match(
                source.basename):
            continue
        data = source.read_bytes()
        if not data.strip() or b"\x00" in data[:4096]:
            continue
        text = decode_text(data, source)
        names = [_norm(h) for h in _header(text)]
        if not ({"date", "note"} <= set(names)):
            continue
        df = _read_table(text, source).rename(columns=_norm)
        dates = _parse_dates(df["date"], source, "date", df.attrs["line"],
                             _day_formats(df["date"], source, "date", df.attrs["line"]))
        member = (df["member_id"].astype(str).str.strip().replace("", None)
                  if "member_id" in df else pd.Series(None, index=df.index, dtype=object))
        rows.append(pd.DataFrame({"member_id": member.astype(object), "date": dates,
                                  "note": df["note"].astype(str).str.strip(),
                                  "source": f"{source.short} [notes csv]"}))
    if not rows:
        return pd.DataFrame({"member_id": pd.Series([], dtype=object),
                             "date": pd.Series([], dtype="datetime64[ns]"),
                             "note": pd.Series([], dtype=str), "source": pd.Series([], dtype=str)})
    out = pd.concat(rows, ignore_index=True)
    return out[out["date"].notna()].sort_values(["date", "note"], kind="stable").reset_index(
        drop=True)


# ----------------------------------------------------------------------------- writers


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
        The table; its ``attrs`` (JSON-friendly) are kept in the file's metadata.
    path : str or os.PathLike
        Destination.

    Returns
    -------
    pathlib.Path
        The destination.
    """
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
        The table, with its ``attrs`` restored.

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
    for key, value in list(df.attrs.items()):   # shared, not deep-copied by every operation
        if isinstance(value, list):
            df.attrs[key] = Records(value)
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
