"""Wide snapshot CSVs: the canonical ``snapshots.csv`` and the spellings trackers and people use.

Columns are found by name in any order (``ssi``/``overall``/``total_score``, LinkedIn's
pillar labels, ``PROFESSIONAL_BRAND``-style names, ``Top 5%`` ranks); dates may be ISO or
day/month orders decided by the whole column; ``;``-separated files use decimal commas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..schema import PILLARS
from ._text import day_formats, norm, parse_dates, read_table, sniff_delimiter, to_number
from .sources import Source

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


SNAPSHOT_LOOKUP = {alias: canon for canon, aliases in _SNAPSHOT_ALIASES.items()
                    for alias in aliases}


def read_wide_snapshots(text: str, source: Source, tz: str) -> pd.DataFrame:
    """Read a wide snapshot CSV: columns found by name, ranks as numbers, dates checked."""
    raw = read_table(text, source)
    if raw.empty:
        raise DataError("has a header but no rows", path=source.name, row=2)
    rename = {}
    for col in raw.columns:
        canon = SNAPSHOT_LOOKUP.get(norm(col))
        if canon and canon not in rename.values():
            rename[col] = canon
    df = raw.rename(columns=rename)
    missing = [c for c in ("date", *PILLARS) if c not in df.columns]
    if missing:
        raise DataError(f"lacks the columns {missing} (expected date, ssi, brand, people, "
                        f"insights, relationships)", path=source.name, row=1)
    decimal_comma = sniff_delimiter(text.split("\n", 1)[0]) == ";"
    out = pd.DataFrame(index=df.index)
    if "member_id" in df:
        out["member_id"] = df["member_id"].astype(str).str.strip()
    day = df["date"].astype(str).str.strip().str.slice(0, 10)
    dates = parse_dates(day, source, "date", raw.index,
                         day_formats(day, source, "date", raw.index))
    if dates.isna().any():
        i = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise DataError("the date is empty", path=source.name, row=int(raw.index[i]),
                        column="date")
    out["date"] = dates
    if "captured_at" in df:
        out["captured_at"] = pd.to_datetime(df["captured_at"], utc=True, errors="coerce")
    for c in ("ssi", *PILLARS, "industry_ssi", "network_ssi"):
        if c in df:
            out[c] = to_number(df, c, source, decimal_comma=decimal_comma)
    for c in ("industry_rank", "network_rank"):
        if c in df:
            out[c] = to_number(df, c, source, decimal_comma=decimal_comma, percent=True)
    if "industry" in df:
        out["industry"] = df["industry"].replace("", None)
    if "ssi" not in out:
        out["ssi"] = out[list(PILLARS)].sum(axis=1, min_count=4)
    out["source"] = f"{source.short} [snapshot csv]"
    return out


def is_snapshot_header(header: list[str]) -> bool:
    """Tell whether a CSV header (column names) has a date and the brand pillar."""
    names = {norm(h) for h in header}
    return any(SNAPSHOT_LOOKUP.get(n) == "brand" for n in names) and any(
        SNAPSHOT_LOOKUP.get(n) == "date" for n in names)
