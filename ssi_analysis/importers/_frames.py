"""Finishing the canonical tables: snapshot columns, dtypes and order; activity combined.

Each reader produces a frame of its own; these turn them into the canonical snapshot and
activity tables (compact categorical ids, one row per member, day and activity) and collect
the coverage, hourly counts and ingest notes the readers report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..arrays import NS_PER_DAY, category_column, constant_str, sorted_codes
from ..errors import DataError
from ..schema import PILLARS, SNAPSHOT_EXTRAS, snapshot_columns
from ._text import DATE_MAX, DATE_MIN, in_date_range


def finish_snapshots(df: pd.DataFrame) -> pd.DataFrame:
    """Give a snapshot frame the canonical columns, dtypes and order.

    The core columns always; an optional column (capture time, ranks, peer details) only
    when the frame has a value in it. One frame construction; columns that already have
    the right type are not copied
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
        date = pd.to_datetime(date, errors="coerce")
        bad = date.notna() & ~in_date_range(date)
        if bad.any():
            where = str(df["source"].iloc[int(np.flatnonzero(bad.to_numpy())[0])]) \
                if "source" in df else None
            raise DataError(f"has the date {date[bad].iloc[0]}, outside {DATE_MIN:%Y}–"
                            f"{DATE_MAX:%Y}", path=where)
        date = date.astype("datetime64[ns]")
    raw = date.to_numpy()
    if (raw[~np.isnat(raw)].view(np.int64) % NS_PER_DAY).any():
        date = date.dt.normalize()
    cols: dict = {
        "member_id": _id_column(df["member_id"]) if "member_id" in df
        else constant_str("me", n),
        "date": date,
    }
    for c in ("ssi", *PILLARS):
        cols[c] = number(c)
    cols["source"] = _id_column(df["source"]) if "source" in df else constant_str("", n)
    for c in SNAPSHOT_EXTRAS:          # optional: only the details some source has
        if c not in df or not df[c].notna().any():
            continue
        if c == "captured_at":
            cols[c] = pd.to_datetime(df[c], utc=True).astype("datetime64[ns, UTC]")
        elif c == "industry":
            ind = df[c].astype(object)
            cols[c] = ind.where(ind.notna(), None)
        else:
            cols[c] = number(c)
    out = pd.DataFrame(cols, copy=False)
    return out[snapshot_columns(out.columns)]


def _id_column(v: pd.Series) -> pd.Series:
    """Return an id column as strings, or as the categorical of strings it already is."""
    if isinstance(v.dtype, pd.CategoricalDtype) and v.cat.categories.dtype == "str":
        return v
    return v if v.dtype == "str" else v.astype(str)


def as_categories(frames: list[pd.DataFrame], col: str) -> list[pd.DataFrame]:
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


def order_snapshots(df: pd.DataFrame) -> pd.DataFrame:
    """Sort snapshots by member, date, capture time (missing first) and source, stably.

    One ``np.lexsort`` of integer codes instead of a multi-column sort on strings, and
    no reordering at all when the rows are already in order (a canonical CSV).
    """
    if len(df) < 2:
        return df.reset_index(drop=True)
    m, src = sorted_codes(df["member_id"])[0], sorted_codes(df["source"])[0]
    day = df["date"].to_numpy().view(np.int64)
    cap = (df["captured_at"].array.asi8 if "captured_at" in df   # UTC nanoseconds;
           else np.full(len(df), np.iinfo(np.int64).min))          # NaT is the minimum
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


def empty_activity() -> pd.DataFrame:
    return pd.DataFrame({"member_id": pd.Series([], dtype=str),
                         "date": pd.Series([], dtype="datetime64[ns]"),
                         "activity": pd.Series([], dtype=str),
                         "count": pd.Series([], dtype="int64")})


def combine_activity(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate long activity frames; sum repeated member-day-activity rows.

    Works on integer codes (member and activity in sorted order, day numbers): the rows
    are sorted by one int64 key — skipped when already in order, as the wide activity
    CSV gives them — and repeats are summed with ``np.add.reduceat``. The result is the
    canonical activity table sorted by member, date and activity.
    """
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_activity()
    m_parts, a_parts, d_parts, c_parts = [], [], [], []
    m_uniqs, a_uniqs = [], []
    for f in frames:
        mc, mu = sorted_codes(f["member_id"])
        ac, au = sorted_codes(f["activity"])
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
    day = NS_PER_DAY
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
    return pd.DataFrame({"member_id": category_column(m_all, m),
                         "date": ns.astype("datetime64[ns]"),
                         "activity": category_column(a_all, a),
                         "count": count.astype("int64")})


def coverage_records(rows: list) -> list[dict]:
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


def hourly_records(frames: list[pd.DataFrame]) -> list[dict]:
    if not frames:
        return []
    h = pd.concat(frames).groupby(["member_id", "activity", "weekday", "hour"], as_index=False,
                                  sort=True)["count"].sum()
    return [{"member_id": r.member_id, "activity": r.activity, "weekday": int(r.weekday),
             "hour": int(r.hour), "count": int(r.count)} for r in h.itertuples()]


