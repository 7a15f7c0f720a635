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

from .errors import DataError, NoDataFoundError
from .paths import is_under_raw
from .schema import (
    ACTIVITIES,
    ACTIVITY_COLUMNS,
    COVERAGE_COLUMNS,
    LINKEDIN_PILLARS,
    PILLARS,
    SNAPSHOT_COLUMNS,
)
from .sources import Source, decode_text, expand

PathLike = str | os.PathLike[str]

# ----------------------------------------------------------------------------- helpers


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
                 formats: Iterable[str], *, utc: bool = False) -> pd.Series:
    """Parse dates trying each format in turn; blank → NaT; unparseable → DataError."""
    s = values.astype(str).str.strip()
    result = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]" if utc
                       else "datetime64[ns]")
    todo = s != ""
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(s[todo], format=fmt, errors="coerce", utc=utc)
        ok = parsed.notna()
        result.loc[ok[ok].index] = parsed[ok]
        todo.loc[ok[ok].index] = False
    if todo.any():
        i = int(np.flatnonzero(todo.to_numpy())[0])
        raise DataError(f"expected a date, found {values.iloc[i]!r}", path=source.name,
                        row=line[i], column=column)
    return result


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
    r"^(Shares|Comments|Reactions|Votes|InstantReposts|Connections|Invitations|messages)"
    r"(_\d+)?\.csv$", re.IGNORECASE)


def _empty_snapshots() -> pd.DataFrame:
    return _finish_snapshots(pd.DataFrame({c: [] for c in SNAPSHOT_COLUMNS}))


def _finish_snapshots(df: pd.DataFrame) -> pd.DataFrame:
    """Give a snapshot frame the canonical columns, dtypes and order."""
    out = pd.DataFrame(index=df.index)
    out["member_id"] = df["member_id"].astype(str) if "member_id" in df else "me"
    out["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]").dt.normalize()
    cap = df["captured_at"] if "captured_at" in df else pd.Series(pd.NaT, index=df.index)
    out["captured_at"] = pd.to_datetime(cap, utc=True).astype("datetime64[ns, UTC]")
    for c in ("ssi", *PILLARS, "industry_rank", "network_rank", "industry_ssi", "network_ssi"):
        out[c] = pd.to_numeric(df[c], errors="coerce").astype(float) if c in df else np.nan
    out["industry"] = (df["industry"].astype(object).where(df["industry"].notna(), None)
                       if "industry" in df else None)
    out["industry"] = out["industry"].astype(object)
    out["source"] = df["source"].astype(str) if "source" in df else ""
    return out.reset_index(drop=True)[list(SNAPSHOT_COLUMNS)]


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
    for group in payload.get("groupScore") or []:
        if not isinstance(group, dict):
            continue
        kind = str(group.get("groupType", "")).upper()
        if kind not in ("INDUSTRY", "NETWORK"):
            continue
        prefix = kind.lower()
        rec[f"{prefix}_rank"] = _round(group.get("rank"))
        score = group.get("score") or {}
        rec[f"{prefix}_ssi"] = _round(score.get("overall")) if isinstance(score, dict) else np.nan
        if kind == "INDUSTRY" and group.get("industry"):
            rec["industry"] = str(group["industry"])
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
    for group in ("industry", "network"):
        g = parsed.get(group) or {}
        if isinstance(g, dict):
            rec[f"{group}_rank"] = _round(g.get("top"))
            rec[f"{group}_ssi"] = _round(g.get("ssi"))
            if group == "industry" and g.get("name"):
                rec["industry"] = str(g["name"])
    return rec


def _stamp_from_name(source: Source, tz: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Return (local date, UTC capture time) encoded in a file name, if any."""
    m = None
    for m in _FILENAME_STAMP.finditer(source.basename):
        pass
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
    out["member_id"] = df["member_id"].astype(str).str.strip() if "member_id" in df else "me"
    dates = _parse_dates(df["date"].astype(str).str.slice(0, 10), source, "date",
                         raw.attrs["line"], ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y"))
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


def _sniff_snapshot_reader(source: Source, text: str) -> Callable | None:
    head = text.lstrip()[:2000]
    if head.startswith(("{", "[")):
        return _read_json_snapshots
    if "<html" in head.lower() or "<!doctype" in head.lower():
        return _read_html_snapshot if "activeSeat" in text else None
    first = head.split("\n", 1)[0]
    names = {_norm(h) for h in re.split(r"[,;\t]", first)}
    if names & set(_SNAPSHOT_LOOKUP) and ({"brand", "establish_your_professional_brand",
                                           "professional_brand", "establish_brand",
                                           "prof_brand"} & names):
        return _read_wide_snapshots
    return None


def load_snapshots(*paths: PathLike, member_id: str | None = None,
                   tz: str = "UTC") -> pd.DataFrame:
    """Load SSI snapshots from any supported source into the canonical table.

    Formats are detected from content: ``salesApiSsi`` JSON (raw, wrapped, arrays,
    JSON lines, tracker history entries), a saved SSI page (HTML) and wide snapshot
    CSVs (including the canonical ``snapshots.csv``).

    Parameters
    ----------
    *paths : str or os.PathLike
        Files, folders (recursive), glob patterns or zip archives.
    member_id : str, optional
        Member id for sources that name no one (default ``"me"``); overrides none that
        a source names itself.
    tz : str, default "UTC"
        The member's time zone: capture times are turned into local calendar days.

    Returns
    -------
    pandas.DataFrame
        Canonical snapshot columns (see ``schema.SNAPSHOT_COLUMNS``), one row per
        capture, sorted by member, date and capture time. Not deduplicated: see
        :func:`ssi_analysis.clean_snapshots`.

    Raises
    ------
    DataError
        When a path is missing, a file cannot be read, or no SSI data is found.
    """
    tz = _check_tz(tz)
    if not paths:
        raise DataError("no input given: name at least one file or folder with SSI snapshots")
    frames = []
    skipped = []
    for source in expand(paths):
        if not source.basename.lower().endswith(_SNAPSHOT_SUFFIXES):
            skipped.append(source.name)
            continue
        text = decode_text(source.read_bytes(), source)
        reader = _sniff_snapshot_reader(source, text)
        if reader is None:
            skipped.append(source.name)
            continue
        df = reader(text, source, tz)
        if "member_id" not in df or member_id is not None and (df["member_id"] == "me").all():
            df["member_id"] = member_id or "me"
        frames.append(df)
    if not frames:
        names = ", ".join(str(p) for p in paths)
        raise NoDataFoundError(f"no SSI snapshot file found (looked at {len(skipped)} files; expected "
                        "salesApiSsi JSON, a saved SSI page or a snapshot CSV)", path=names)
    df = pd.concat([_finish_snapshots(f) for f in frames], ignore_index=True)
    return df.sort_values(["member_id", "date", "captured_at", "source"], kind="stable",
                          na_position="first").reset_index(drop=True)


# ----------------------------------------------------------------------------- activity

_EXPORT_DATE = re.compile(r"LinkedInDataExport_(\d{2})-(\d{2})-(\d{4})", re.IGNORECASE)
_UTC_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d %H:%M", "%Y-%m-%d")


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


def _utc_events(df, col, source, tz) -> pd.Series:
    ts = _parse_dates(df[col], source, col, df.attrs["line"], _UTC_FORMATS, utc=True)
    return _local_dates(ts.dropna(), tz)


def _export_events(source: Source, tz: str) -> dict[str, pd.Series]:
    """Parse one export file into {activity: Series of local dates (one per event)}."""
    kind = _ACTIVITY_FILES.match(source.basename).group(1).lower()
    text = decode_text(source.read_bytes(), source)
    if text.strip() == "" or text.strip().lower().startswith("no conversations"):
        return {}
    if kind == "connections":
        lines = text.split("\n")
        hdr = next((i for i, ln in enumerate(lines[:20]) if ln.startswith("First Name")), None)
        if hdr is None:
            raise DataError("has no 'First Name,Last Name,…,Connected On' header line",
                            path=source.name)
        df = _read_table(text, source, skip_lines=hdr)
        _require(df, ["Connected On"], source, hdr + 1)
        d = _parse_dates(df["Connected On"], source, "Connected On", df.attrs["line"],
                         ("%d %b %Y", "%d-%b-%y", "%Y-%m-%d", "%m/%d/%Y"))
        return {"connections": d.dropna()}
    df = _read_table(text, source, escapechar="\\" if kind == "comments" else None)
    if kind == "shares":
        _require(df, ["Date", "ShareCommentary"], source)
        dates = _utc_events(df, "Date", source, tz)
        has_text = df.loc[dates.index, "ShareCommentary"].astype(str).str.strip() != ""
        return {"posts": dates[has_text], "reposts": dates[~has_text]}
    if kind in ("comments", "reactions", "votes", "instantreposts"):
        _require(df, ["Date"], source)
        name = {"comments": "comments", "reactions": "reactions", "votes": "votes",
                "instantreposts": "reposts"}[kind]
        return {name: _utc_events(df, "Date", source, tz)}
    if kind == "invitations":
        _require(df, ["Sent At", "Direction"], source)
        out = df[df["Direction"].astype(str).str.upper() == "OUTGOING"]
        out.attrs["line"] = [df.attrs["line"][i] for i in np.flatnonzero(
            (df["Direction"].astype(str).str.upper() == "OUTGOING").to_numpy())]
        d = _parse_dates(out["Sent At"], source, "Sent At", out.attrs["line"],
                         ("%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p", "%Y-%m-%d %H:%M:%S",
                          "%m/%d/%y %I:%M %p"))
        return {"invitations_sent": d.dropna().dt.normalize()}
    if kind == "messages":
        _require(df, ["DATE", "SENDER PROFILE URL"], source)
        sender = df["SENDER PROFILE URL"].astype(str).str.strip().str.rstrip("/")
        owner = _message_owner(df)
        sent = (sender == owner) & (owner != "")
        if "IS MESSAGE DRAFT" in df:
            sent &= df["IS MESSAGE DRAFT"].astype(str).str.strip().str.lower() != "yes"
        sub = df[sent]
        sub.attrs["line"] = [df.attrs["line"][i] for i in np.flatnonzero(sent.to_numpy())]
        return {"messages_sent": _utc_events(sub, "DATE", source, tz)}
    return {}


def _message_owner(df: pd.DataFrame) -> str:
    """Infer the export owner's profile URL: the one present in the most conversations."""
    conv = df["CONVERSATION ID"] if "CONVERSATION ID" in df else pd.Series(range(len(df)))
    people = [df["SENDER PROFILE URL"].astype(str)]
    if "RECIPIENT PROFILE URLS" in df:
        people.append(df["RECIPIENT PROFILE URLS"].astype(str))
    pairs = []
    for col in people:
        for c, urls in zip(conv, col, strict=True):
            for u in str(urls).split(","):
                u = u.strip().rstrip("/")
                if u:
                    pairs.append((c, u))
    if not pairs:
        return ""
    counts = pd.DataFrame(pairs, columns=["c", "u"]).drop_duplicates().groupby("u").size()
    top = counts[counts == counts.max()].index
    return sorted(top)[0]


def _load_export(sources: list[Source], tz: str, member_id: str) -> tuple[list, list]:
    """Read the activity files of one export; return (event frames, coverage rows)."""
    events: dict[str, list[pd.Series]] = {}
    for s in sources:
        for act, dates in _export_events(s, tz).items():
            events.setdefault(act, []).append(dates)
    frames, coverage = [], []
    all_dates = [d for lst in events.values() for d in lst if len(d)]
    if not all_dates:
        return frames, coverage
    first = min(d.min() for d in all_dates)
    export_day = None
    for s in sources:
        m = None
        for part in (s.basename, *s.parent_names):
            m = _EXPORT_DATE.search(part)
            if m:
                break
        if m:
            export_day = pd.Timestamp(f"{m[3]}-{m[1]}-{m[2]}") - pd.Timedelta(days=1)
            break
    last = max(d.max() for d in all_dates)
    end = max(export_day, last) if export_day is not None else last
    label = _export_label(sources)
    for act, lst in events.items():
        dates = pd.concat(lst)
        # Invitations.csv may hold only recent invitations: its coverage starts at its own
        # first row. Every other file lists the account's whole history.
        start = dates.min() if act == "invitations_sent" and len(dates) else first
        coverage.append({"member_id": member_id, "activity": act, "start": start, "end": end,
                         "source": label})
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
    dates = _parse_dates(df["date"].astype(str).str.slice(0, 10), source, "date",
                         raw.attrs["line"], ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y"))
    members = (df["member_id"].astype(str).str.strip() if "member_id" in df
               else pd.Series(member_id, index=df.index))
    frames, coverage = [], []
    label = f"{source.short} [activity csv]"
    for a in acts:
        vals = _to_number(df.rename(columns={a: a}), a, source)
        if (vals.dropna() < 0).any() or (vals.dropna() % 1 != 0).any():
            i = int(np.flatnonzero(((vals < 0) | (vals % 1 != 0)).fillna(False).to_numpy())[0])
            raise DataError(f"expected a whole count of zero or more, found {raw.iloc[i][a]!r}",
                            path=source.name, row=raw.attrs["line"][i], column=a)
        tracked = vals.notna() & dates.notna()
        part = pd.DataFrame({"member_id": members[tracked], "date": dates[tracked],
                             "activity": a, "count": vals[tracked].astype("int64")})
        for m, g in part.groupby("member_id", sort=True):
            coverage.append({"member_id": m, "activity": a, "start": g["date"].min(),
                             "end": g["date"].max(), "source": label})
        frames.append(part[part["count"] > 0])
    return frames, coverage


def _is_activity_csv(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    names = {_norm(h) for h in re.split(r"[,;\t]", first)}
    return "date" in names and bool(names & set(ACTIVITIES))


def load_activity(*paths: PathLike, member_id: str | None = None,
                  tz: str = "UTC") -> pd.DataFrame:
    """Load activity counts from LinkedIn data exports and canonical activity CSVs.

    Parameters
    ----------
    *paths : str or os.PathLike
        Export folders or zips (``Basic_``/``Complete_LinkedInDataExport_…``, files found
        at any depth, ``_<id>`` suffixes accepted), canonical ``activity.csv`` files,
        folders or globs.
    member_id : str, optional
        Member id for sources that name no one (default ``"me"``).
    tz : str, default "UTC"
        The member's time zone: UTC timestamps of posts, comments, reactions and messages
        are counted on the local calendar day.

    Returns
    -------
    pandas.DataFrame
        ``member_id, date, activity, count`` with one row per member, day and activity
        that had at least one event. ``.attrs["coverage"]`` lists, per member and
        activity, the dates the source tracks (see :func:`activity_coverage`): days
        inside coverage without a row are zero; days outside are unknown.

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
    coverage: list[dict] = []
    found = False
    for source in expand(paths):
        if _ACTIVITY_FILES.match(source.basename):
            key = str(Path(source.name).parent)
            export_groups.setdefault(key, []).append(source)
            continue
        if source.basename.lower().endswith((".csv", ".txt")):
            text = decode_text(source.read_bytes(), source)
            if _is_activity_csv(text):
                f, c = _read_activity_csv(source, text, member)
                frames += f
                coverage += c
                found = True
    for key in sorted(export_groups):
        f, c = _load_export(export_groups[key], tz, member)
        frames += f
        coverage += c
        found = True
    if not found:
        raise NoDataFoundError("no activity file found (expected a LinkedIn data export with "
                        "Shares.csv, Comments.csv, … or an activity CSV)",
                        path=", ".join(str(p) for p in paths))
    out = pd.concat([_empty_activity(), *frames], ignore_index=True) if frames else \
        _empty_activity()
    out = (out.groupby(["member_id", "date", "activity"], as_index=False, sort=True)["count"]
           .sum())
    out["member_id"] = out["member_id"].astype(str)
    out["activity"] = out["activity"].astype(str)
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    out["count"] = out["count"].astype("int64")
    out = out[list(ACTIVITY_COLUMNS)].reset_index(drop=True)
    out.attrs["coverage"] = _coverage_records(coverage)
    return out


def _coverage_records(rows: list[dict]) -> list[dict]:
    """Merge coverage rows per member x activity x source into JSON-friendly records."""
    if not rows:
        return []
    cov = pd.DataFrame(rows)
    cov = cov.groupby(["member_id", "activity", "source"], as_index=False, sort=True).agg(
        start=("start", "min"), end=("end", "max"))
    return [{"member_id": r.member_id, "activity": r.activity,
             "start": f"{pd.Timestamp(r.start):%Y-%m-%d}", "end": f"{pd.Timestamp(r.end):%Y-%m-%d}",
             "source": r.source} for r in cov.itertuples()]


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
        ``member_id, activity, start, end, source``.
    """
    recs = activity.attrs.get("coverage")
    if recs:
        cov = pd.DataFrame(recs)
        cov["start"] = pd.to_datetime(cov["start"]).astype("datetime64[ns]")
        cov["end"] = pd.to_datetime(cov["end"]).astype("datetime64[ns]")
        return cov[list(COVERAGE_COLUMNS)]
    if activity.empty:
        return pd.DataFrame({c: [] for c in COVERAGE_COLUMNS})
    cov = activity.groupby(["member_id", "activity"], as_index=False, sort=True).agg(
        start=("date", "min"), end=("date", "max"))
    cov["source"] = "inferred from the first and last recorded day"
    return cov[list(COVERAGE_COLUMNS)]


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
        return pd.read_parquet(p, engine="pyarrow")
    except Exception as exc:  # pyarrow raises many types for damaged files
        raise DataError(f"is not a readable Parquet file ({type(exc).__name__})", path=p) from None


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
