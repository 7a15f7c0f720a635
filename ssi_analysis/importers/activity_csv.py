"""Activity kept as a CSV: ``date,<activity>,…`` (optionally ``member_id``), one row per day.

Each activity column holds whole counts of zero or more; an empty cell means "not tracked
that day" (unknown), not zero. Large canonical files (a team's) take the pyarrow path:
counts checked with pyarrow compute and turned long in row chunks straight into the final
arrays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..arrays import NS_PER_DAY, category_column, days_to_ns, in_member_order
from ..errors import DataError
from ..schema import ACTIVITIES, ACTIVITY_LABELS, ACTIVITY_SINGULAR
from ._fast import dictionary_categorical
from ._text import FileNotes, day_formats, norm, parse_dates, read_table, to_number
from .sources import Source

#: Activity names as people and tools write them (labels, singulars) → canonical name.
_ACTIVITY_NAMES = {norm(k): k for k in ACTIVITIES} | {
    norm(v): k for k, v in {**ACTIVITY_LABELS, **ACTIVITY_SINGULAR}.items()}


def is_activity_header(header: list[str]) -> bool:
    """Tell whether a CSV header is an activity table's: wide or long (activity, count)."""
    names = {norm(h) for h in header}
    return "date" in names and (bool(names & set(ACTIVITIES))
                                or {"activity", "count"} <= names)


def _check_counts(vals: pd.Series, raw: pd.DataFrame, col: str, source: Source) -> None:
    bad = vals.notna() & ((vals < 0) | (vals % 1 != 0))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"expected a whole count of zero or more, found {raw.iloc[i][col]!r}",
                        path=source.name, row=int(raw.index[i]), column=col)


def _long_to_wide(raw: pd.DataFrame, df: pd.DataFrame, notes: FileNotes,
                  source: Source) -> tuple[pd.DataFrame, int]:
    """Turn the long form ``[member_id,]date,activity,count`` into one column per activity.

    Activity names may be canonical (``invitations_sent``) or labels (``invitations
    sent``); rows with another name are skipped and logged.
    """
    name = df["activity"].astype(str).map(norm).map(_ACTIVITY_NAMES)
    unknown = name.isna()
    if unknown.any():
        seen = sorted(set(df.loc[unknown, "activity"].astype(str)))
        notes.skip(int(unknown.sum()), "unknown_activity",
                   f"{int(unknown.sum())} rows with an activity this kit does not know "
                   f"({', '.join(repr(x) for x in seen[:3])}{', …' if len(seen) > 3 else ''})",
                   row=int(df.index[int(np.argmax(unknown.to_numpy()))]))
    counts = to_number(df, "count", source)
    _check_counts(counts, raw, [c for c in raw.columns if norm(c) == "count"][0], source)
    day = df["date"].astype(str).str.strip().str.slice(0, 10)
    dates = parse_dates(day, source, "date", df.index, day_formats(day, source, "date",
                                                                    df.index))
    keep = ~unknown
    ids = ["member_id"] if "member_id" in df else []
    long = df.loc[keep, ids].assign(date=dates[keep].dt.strftime("%Y-%m-%d"),
                                    activity=name[keep], count=counts[keep])
    wide = long.pivot_table(index=[*ids, "date"], columns="activity", values="count",
                            aggfunc="sum", sort=True, dropna=False).reset_index()
    wide.index = pd.Index(np.arange(2, len(wide) + 2), name="line")
    acts = [a for a in wide.columns if a in ACTIVITIES]
    wide[acts] = wide[acts].astype(object).where(wide[acts].notna(), "")
    return wide, int(unknown.sum())


def read_activity_csv(source: Source, text: str, member_id: str,
                      log: list[dict] | None = None) -> tuple[list, list]:
    """Read an activity CSV into count frames and coverage.

    Wide (one column per activity, one row per day) or long (``activity,count`` columns,
    one row per day and activity). Each activity is covered on the days it has a value;
    an empty cell is not tracked (unknown). Counts must be whole and not negative (a
    DataError names the cell). Rows without a date, columns the kit does not use and (long
    form) unknown activity names are logged.
    """
    notes = FileNotes(source, [] if log is None else log)
    raw = read_table(text, source)
    df = raw.rename(columns={c: norm(c) for c in raw.columns})
    long = "activity" in df and "count" in df and not (set(df.columns) & set(ACTIVITIES))
    n_read = len(df)
    day = df["date"].astype(str).str.strip().str.slice(0, 10)
    blank = (day == "").to_numpy()
    notes.skip(int(blank.sum()), "blank_date", f"{int(blank.sum())} rows with an empty date "
               "skipped", row=int(df.index[int(np.argmax(blank))]) if blank.any() else 0)
    raw, df, day = raw[~blank], df[~blank], day[~blank]
    if long:
        used_cols = {"member_id", "date", "activity", "count"}
        df, n_unknown = _long_to_wide(raw, df, notes, source)
        n_long = int((~blank).sum())
        day = df["date"].astype(str).str.strip().str.slice(0, 10)
        raw_cols, raw = raw.columns, df
    acts = [c for c in df.columns if c in ACTIVITIES]
    dates = parse_dates(day, source, "date", df.index, day_formats(day, source, "date", df.index))
    members = (df["member_id"].astype(str).str.strip() if "member_id" in df
               else pd.Series(member_id, index=df.index))
    frames, coverage = [], []
    label = f"{source.short} [activity csv]"
    any_value = pd.Series(False, index=df.index)
    for a in acts:
        vals = to_number(df, a, source)
        _check_counts(vals, raw, a, source)
        tracked = vals.notna() & dates.notna()
        any_value |= tracked
        part = pd.DataFrame({"member_id": members[tracked], "date": dates[tracked],
                             "activity": a, "count": vals[tracked].astype("int64")})
        for m, g in part.groupby("member_id", sort=True):
            coverage.append({"member_id": m, "activity": a, "start": g["date"].min(),
                             "end": g["date"].max(), "source": label, "granularity": "day"})
        frames.append(part[part["count"] > 0])
    if long:
        used = n_long - n_unknown
    else:
        raw_cols = raw.columns
        empty = int((~any_value).sum())
        notes.skip(empty, "no_values", f"{empty} rows without any activity value (nothing "
                   "tracked that day) skipped")
        used = int(any_value.sum())
        used_cols = {"member_id", "date", *ACTIVITIES}
    notes.account(n_read, used)
    notes.unused([c for c in raw_cols if norm(c) not in used_cols],
                 "not an activity this kit knows")
    return frames, coverage


#: Rows of a wide activity table turned long at a time (bounded temporaries).
LONG_CHUNK = 1_000_000


def _count_block(table, acts: list[str], source: Source) -> tuple[np.ndarray, list] | None:
    """Return every activity's counts as one ``(activities, rows)`` int32 block (-1: untracked).

    Whole floats (``1.0``) are checked and cast; negatives and fractions raise; counts
    beyond ``int32`` give None (the careful reader takes them). Also returns, per
    activity, whether every row is tracked.
    """
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
    return counts, every_row


def _coverage_frames(counts, every_row, codes, days, uniq, acts, label) -> list[pd.DataFrame]:
    """First and last tracked day per member and activity (rows in member, day order)."""
    n = len(codes)
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
            "member_id": uniq[m_idx], "activity": a, "start": days_to_ns(first),
            "end": days_to_ns(last), "source": label, "granularity": "day"}))
    return coverage


def _long_frame(counts, codes, days, uniq, acts) -> pd.DataFrame:
    """Wide counts → the long table, in chunks of rows written into the final columns."""
    n, k = counts.shape[1], len(acts)
    step = LONG_CHUNK
    total = sum(int(np.count_nonzero(counts[:, lo:lo + step] > 0)) for lo in range(0, n, step))
    m_out = np.empty(total, dtype=codes.dtype)
    ns_out = np.empty(total, dtype=np.int64)
    a_out = np.empty(total, dtype=np.int8)
    c_out = np.empty(total, dtype=np.int64)
    at = 0
    for lo in range(0, n, step):
        # (rows, activities) copied into row-major order: searching and gathering in a
        # contiguous block is 3-4 times faster than through the transposed view
        flat = np.ascontiguousarray(counts[:, lo:lo + step].T).ravel()
        f = np.flatnonzero(flat > 0)                # row-major: member, date, activity
        r = f // k
        hi = at + len(r)
        m_out[at:hi] = codes[lo:lo + step][r]
        ns_out[at:hi] = days[lo:lo + step][r]
        a_out[at:hi] = f - r * k
        c_out[at:hi] = flat[f]
        at = hi
    ns_out *= NS_PER_DAY
    used = np.bincount(a_out, minlength=k) > 0 if total else np.zeros(k, bool)
    a_code = (np.cumsum(used) - 1).astype(np.int8)
    return pd.DataFrame({
        "member_id": pd.Categorical.from_codes(m_out, categories=pd.Index(
            uniq.astype(str), dtype=str)) if bool(np.all(np.bincount(
                m_out.astype(np.int64), minlength=len(uniq)) > 0)) else
        category_column(uniq, m_out.astype(np.int64)),
        "date": ns_out.view("datetime64[ns]"),
        "activity": pd.Categorical.from_codes(a_code[a_out] if not used.all() else a_out,
                                              categories=pd.Index(np.asarray(acts)[used],
                                                                  dtype=str)),
        "count": c_out}, copy=False)


def fast_activity(table, source: Source, member_id: str) -> tuple[list, list, bool] | None:
    """Wide canonical activity (a typed pyarrow table) → long counts and coverage.

    The counts come as ``int32`` (or as whole floats, checked and cast; None for counts
    beyond ``int32``: the careful reader takes them) and are checked for negatives with
    pyarrow compute. The long frame is built in row chunks straight into its final
    arrays — member, date, activity order, categorical member and activity columns
    (codes, not millions of strings) — so no whole-table temporaries are made.

    Parameters
    ----------
    table : pyarrow.Table
        The file as read by :func:`~ssi_analysis.importers._fast.fast_csv`.
    source : Source
        The file.
    member_id : str
        Member of files without a ``member_id`` column.

    Returns
    -------
    (list, list, bool) or None
        ``(frames, coverage, canonical)``: ``canonical`` is True when no member-day
        repeats, so the frame needs no combining.
    """
    acts = sorted(c for c in table.column_names if c in ACTIVITIES)
    block = _count_block(table, acts, source)
    if block is None:
        return None
    counts, every_row = block
    n = table.num_rows
    if "member_id" in table.column_names:
        ids = dictionary_categorical(table.column("member_id"))
        codes, uniq = ids.codes, np.asarray(ids.categories, dtype=object)
    else:
        codes, uniq = np.zeros(n, dtype=np.int8), np.array([member_id], dtype=object)
    days = table.column("date").cast(pa.int32()).to_numpy()
    canonical = in_member_order(codes, days, strict=True)
    if not canonical and not in_member_order(codes, days):
        order = np.lexsort((days, codes))
        codes, days, counts = codes[order], days[order], counts[:, order]
    coverage = _coverage_frames(counts, every_row, codes, days, uniq, acts,
                                f"{source.short} [activity csv]")
    return [_long_frame(counts, codes, days, uniq, acts)], coverage, canonical
