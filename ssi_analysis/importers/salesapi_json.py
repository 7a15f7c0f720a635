"""LinkedIn's ``salesApiSsi`` JSON as trackers save it.

The response of ``https://www.linkedin.com/sales/ssi`` (``memberScore``, ``groupScore``),
raw or wrapped (``data``, ``rawJson``, ``{"object": "LinkedinRawData", "data": …}``), one
per file, in arrays or as JSON lines, and tracker history entries (SocialEdge's ``{date,
parsed, raw}`` with ``collectedAt``). The date comes from the record, the file name
(``salesApiSsi_2026-05-12.json`` or a UTC capture time) or the capture time — never from
today.
"""

from __future__ import annotations

import json
import re

import pandas as pd

from ..errors import DataError
from ..schema import LINKEDIN_PILLARS, PILLARS
from ._text import DATE_MAX, DATE_MIN
from .sources import Source

_FILENAME_STAMP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T_ ](?P<h>\d{2})[-:]?(?P<m>\d{2})[-:]?(?P<s>\d{2})"
    r"(?P<z>Z|[+-]00:?00)?)?")


def _round(x) -> float:
    """Round float32 noise away (0.29999998 → 0.3) while keeping real precision."""
    try:
        v = round(float(x), 4)
    except (TypeError, ValueError, OverflowError):
        return float("nan")
    return v if abs(v) < 1e12 else float("nan")


#: Deepest JSON nesting read (trackers nest a few levels; a hostile file thousands).
MAX_JSON_DEPTH = 64


def loads(text: str, source: Source, where: str = "") -> object:
    """Parse JSON text with bounds: nesting, huge integers and non-finite numbers refused.

    Raises
    ------
    DataError
        One line naming the file, for text that is not JSON or breaks a bound.
    json.JSONDecodeError
        For text that is not JSON at all (callers try JSON lines next).
    """
    depth = 0
    for ch in text[:200_000] if len(text) > 200_000 else text:
        if ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise DataError(f"nests JSON deeper than {MAX_JSON_DEPTH} levels; refusing it",
                                path=source.name, column=where or None)
        elif ch in "]}":
            depth -= 1

    def finite(name):
        raise DataError(f"holds the number {name}, which is not a score or a time",
                        path=source.name, column=where or None)

    try:
        return json.loads(text, parse_constant=finite)
    except (DataError, json.JSONDecodeError):
        raise
    except RecursionError:
        raise DataError(f"nests JSON deeper than {MAX_JSON_DEPTH} levels; refusing it",
                        path=source.name, column=where or None) from None
    except ValueError as exc:
        raise DataError(f"holds a number JSON readers refuse ({str(exc)[:60]})",
                        path=source.name, column=where or None) from None


def _payload_record(payload: dict, source: Source, where: str) -> dict:
    """Map one ``salesApiSsi`` body to a canonical snapshot record (without date)."""
    ms = payload.get("memberScore")
    if not isinstance(ms, dict):
        raise DataError("has no memberScore object (expected a salesApiSsi response)",
                        path=source.name, column=where)
    rec: dict = {"ssi": _round(ms.get("overall"))}
    subs = ms.get("subScores") or []
    if not isinstance(subs, list):
        raise DataError("memberScore.subScores is not a list", path=source.name, column=where)
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
    day = pd.to_datetime(m["date"], format="%Y-%m-%d", errors="coerce")
    if pd.isna(day) or not DATE_MIN <= day <= DATE_MAX:
        return None, None
    if m["h"] is None:
        return day, None
    local_or_utc = day + pd.Timedelta(hours=int(m["h"]), minutes=int(m["m"]), seconds=int(m["s"]))
    if m["z"]:
        cap = local_or_utc.tz_localize("UTC")
    else:
        cap = local_or_utc.tz_localize(tz, ambiguous=True, nonexistent="shift_forward"
                                       ).tz_convert("UTC")
    return cap.tz_convert(tz).tz_localize(None).normalize(), cap


def json_records(obj, source: Source, tz: str, where: str = "$") -> list[dict]:
    """Collect snapshot records from any supported JSON shape."""
    if isinstance(obj, list):
        out = []
        for i, item in enumerate(obj):
            out.extend(json_records(item, source, tz, f"{where}[{i}]"))
        return out
    if not isinstance(obj, dict):
        raise DataError("is JSON but not an SSI record (expected an object with memberScore)",
                        path=source.name, column=where)
    if isinstance(obj.get("rawJson"), str):
        try:
            return json_records(loads(obj["rawJson"], source, f"{where}.rawJson"), source, tz,
                                f"{where}.rawJson")
        except json.JSONDecodeError:
            raise DataError("rawJson is not valid JSON", path=source.name,
                            column=f"{where}.rawJson") from None
    has_stamp = obj.get("date") is not None or obj.get("collectedAt") is not None
    if "memberScore" not in obj and not has_stamp:
        for key in ("data", "rawJson", "raw"):
            if isinstance(obj.get(key), dict | list):
                return json_records(obj[key], source, tz, f"{where}.{key}")
    date = captured = None
    if obj.get("collectedAt") is not None:
        try:
            captured = pd.Timestamp(int(obj["collectedAt"]), unit="ms", tz="UTC")
            if not DATE_MIN <= captured.tz_localize(None) <= DATE_MAX:
                raise ValueError
        except (TypeError, ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
            raise DataError("collectedAt is not a time in milliseconds (1900–2199)",
                            path=source.name, column=f"{where}.collectedAt") from None
    if obj.get("date") is not None:
        date = pd.to_datetime(str(obj["date"])[:10], format="%Y-%m-%d", errors="coerce")
        if pd.isna(date) or not DATE_MIN <= date <= DATE_MAX:
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


def read_json_snapshots(text: str, source: Source, tz: str) -> pd.DataFrame:
    """Read every SSI record of a JSON (or JSON lines) file; one row per record.

    Records without a date take it from the file name; a file without either is refused.
    """
    stripped = text.strip()
    try:
        records = json_records(loads(stripped, source), source, tz)
    except json.JSONDecodeError as exc:
        lines = [ln for ln in stripped.split("\n") if ln.strip()]
        if len(lines) > 1 and exc.msg.startswith("Extra data"):
            records = []
            for i, ln in enumerate(text.split("\n"), start=1):
                if not ln.strip():
                    continue
                try:
                    obj = loads(ln, source, f"line {i}")
                except json.JSONDecodeError:
                    raise DataError("is not valid JSON lines", path=source.name, row=i) from None
                records.extend(json_records(obj, source, tz, f"line {i}"))
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
