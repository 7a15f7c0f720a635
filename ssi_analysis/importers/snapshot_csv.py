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
from ._text import FileNotes, day_formats, norm, parse_dates, read_table, to_number
from .sources import Source

_SNAPSHOT_ALIASES: dict[str, tuple[str, ...]] = {
    "member_id": ("member_id", "member", "person_id", "person", "seat_id", "profile_id"),
    "date": ("date", "day", "snapshot_date", "date_created", "data", "data_referencia"),
    "captured_at": ("captured_at", "collected_at", "timestamp", "datetime", "created_at"),
    "ssi": ("ssi", "overall", "total", "total_score", "ssi_overall_score", "overall_score",
            "score", "social_selling_index", "ssi_score", "ssi_overall", "ssi_total",
            "total_ssi", "overall_ssi", "current_ssi", "social_selling_index_ssi",
            "your_social_selling_index", "ssi_overall_score_of_100", "social_selling_score"),
    "brand": ("brand", "establish_your_professional_brand", "professional_brand",
              "establish_brand", "prof_brand"),
    "people": ("people", "find_the_right_people", "find_right_people"),
    "insights": ("insights", "engage_with_insights", "insight_engagement", "engage_insights"),
    "relationships": ("relationships", "build_relationships", "strong_relationship",
                      "relationship"),
    "industry_rank": ("industry_rank", "industry_top", "industry_top_pct", "industry_rank_pct",
                      "industry_ssi_rank", "rank_in_industry", "industry_percentile",
                      "top_industry", "industry_top_percent", "ranking_industry"),
    "network_rank": ("network_rank", "network_top", "network_top_pct", "network_rank_pct",
                     "network_ssi_rank", "rank_in_network", "network_percentile",
                     "top_network", "network_top_percent", "ranking_network"),
    "industry_ssi": ("industry_ssi", "industry_avg", "industry_average", "industry_average_ssi",
                     "industry_avg_ssi", "industry_ssi_average", "average_ssi_industry",
                     "people_in_your_industry"),
    "network_ssi": ("network_ssi", "network_avg", "network_average", "network_average_ssi",
                    "network_avg_ssi", "network_ssi_average", "average_ssi_network",
                    "people_in_your_network"),
    "industry": ("industry", "industry_name"),
}


SNAPSHOT_LOOKUP = {alias: canon for canon, aliases in _SNAPSHOT_ALIASES.items()
                    for alias in aliases}


_DECIMAL_COMMA = r"^[-+]?\d+,\d+$"
_DECIMAL_DOT = r"^[-+]?\d+\.\d+$"


def decimal_comma(df: pd.DataFrame, columns: list[str], source: Source) -> bool:
    """Decide the decimal separator from the values: ``12,5`` or ``12.5``, not the delimiter.

    Whole numbers say nothing; a file that writes both ``12,5`` and ``12.5`` is refused
    (naming a cell of each kind), since either reading would be a guess.
    """
    cells = pd.concat([df[c].astype(str).str.strip().str.replace("%", "", regex=False)
                       .str.replace(r"(?i)^top\s*", "", regex=True) for c in columns])
    comma, dot = cells.str.match(_DECIMAL_COMMA), cells.str.match(_DECIMAL_DOT)
    if comma.any() and dot.any():
        raise DataError(f"mixes decimal commas ({cells[comma].iloc[0]!r}) and decimal points "
                        f"({cells[dot].iloc[0]!r}); use one", path=source.name,
                        row=int(cells[comma].index[0]))
    return bool(comma.any())


def read_wide_snapshots(text: str, source: Source, tz: str,
                        log: list[dict] | None = None) -> pd.DataFrame:
    """Read a wide snapshot CSV: columns found by name, ranks as numbers, dates checked.

    Every column is either mapped to a canonical one or listed once in ``log`` as not
    used; the decimal separator is decided from the values (and logged when it is a comma).
    """
    notes = FileNotes(source, [] if log is None else log)
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
    numeric = [c for c in ("ssi", *PILLARS, "industry_ssi", "network_ssi", "industry_rank",
                           "network_rank") if c in df]
    comma = decimal_comma(df, numeric, source)
    if comma:
        notes.note("decimal_comma", "numbers use a decimal comma (12,5 = 12.5), as the values "
                                    "show")
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
    for c in numeric:
        out[c] = to_number(df, c, source, decimal_comma=comma, percent=c.endswith("_rank"))
    if "industry" in df:
        out["industry"] = df["industry"].replace("", None)
    if "ssi" not in out:
        out["ssi"] = out[list(PILLARS)].sum(axis=1, min_count=4)
        notes.note("ssi_derived", "no total SSI column: the total is the sum of the pillars")
    notes.account(len(raw), len(raw))
    notes.unused([c for c in raw.columns if c not in rename],
                 "not a column this kit knows; rename it if it holds SSI data")
    out["source"] = f"{source.short} [snapshot csv]"
    return out


def is_snapshot_header(header: list[str]) -> bool:
    """Tell whether a CSV header (column names) has a date and the brand pillar."""
    names = {norm(h) for h in header}
    return any(SNAPSHOT_LOOKUP.get(n) == "brand" for n in names) and any(
        SNAPSHOT_LOOKUP.get(n) == "date" for n in names)
