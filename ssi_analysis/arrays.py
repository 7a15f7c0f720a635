"""Array helpers shared by the stages: grouped shifts, runs, codes and compact columns.

Every stage works on integer member codes and day numbers rather than strings and
timestamps; these are the vectorised building blocks (each checked against the pandas
operation it replaces in the tests). Rows are "in member order" when sorted by member
code, then day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

#: Nanoseconds in one day (``datetime64[ns]`` day arithmetic).
NS_PER_DAY = 86_400_000_000_000

def is_whole(x: np.ndarray, chunk: int = 1_000_000) -> np.ndarray:
    """``np.isclose(x, np.round(x))`` (same tolerances), without its generic overhead.

    In blocks of ``chunk`` rows, so that the five temporaries stay small and are reused
    (whole-column temporaries of a 10-million-row table cost more to allocate than to
    compute).
    """
    out = np.empty(x.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        for lo in range(0, len(x), chunk):
            b = x[lo:lo + chunk]
            r = np.round(b)
            out[lo:lo + chunk] = np.abs(b - r) <= 1e-8 + 1e-5 * np.abs(r)
    return out


def member_codes(member: pd.Series) -> np.ndarray:
    """Integer codes of ``member`` in sorted order (``int32``).

    A categorical with sorted categories gives its own codes (no pass over strings);
    anything else goes through pandas' factorize.
    """
    if isinstance(member.dtype, pd.CategoricalDtype) and \
            member.cat.categories.is_monotonic_increasing and not member.hasnans:
        return member.cat.codes.to_numpy().astype(np.int32)
    codes, _ = pd.factorize(member, sort=True)
    return codes.astype(np.int32)


def in_member_order(codes: np.ndarray, days: np.ndarray, *, strict: bool = False) -> bool:
    """Tell whether rows are sorted by member code, then day (``strict``: no day repeated)."""
    dm, dd = np.diff(codes), np.diff(days)
    return bool(np.all((dm > 0) | ((dm == 0) & ((dd > 0) if strict else (dd >= 0)))))


def gshift(values: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    """``values`` shifted by ``k`` rows within runs of equal ``codes`` (NaN across runs).

    The frame must be sorted by member; ``k > 0`` looks back, ``k < 0`` ahead. The
    vectorised equivalent of ``groupby(member).shift(k)`` for float arrays.
    """
    out = np.full(len(values), np.nan)
    n = len(values)
    if abs(k) >= n:
        return out
    if k > 0:
        same = codes[k:] == codes[:-k]
        out[k:] = np.where(same, values[:-k], np.nan)
    elif k < 0:
        same = codes[:k] == codes[-k:]
        out[:k] = np.where(same, values[-k:], np.nan)
    else:
        out[:] = values
    return out


def grouped_quantile(values: np.ndarray, codes: np.ndarray, q: float) -> np.ndarray:
    """Per-member ``q`` quantile of whole-number ``values``, repeated on every row.

    Equals ``Series(values).groupby(codes).quantile(q)`` (linear interpolation, NaN
    skipped) for rows sorted by member. Most members' lower quantile of day steps is their
    smallest step, which two grouped reductions find; only the other members are sorted.
    """
    n = len(values)
    out = np.full(n, np.nan)
    if n == 0:
        return out
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    valid = ~np.isnan(values)
    count = np.add.reduceat(valid, starts, dtype=np.int64)
    filled = np.where(valid, values, np.inf)
    del valid
    low = np.minimum.reduceat(filled, starts)
    sizes = np.diff(np.r_[starts, n])
    n_low = np.add.reduceat(filled == np.repeat(low, sizes), starts, dtype=np.int64)
    del filled
    h = (count - 1) * q
    lo = np.floor(h)
    frac = h - lo
    easy = (count > 0) & ((lo + 1 < n_low) | ((lo < n_low) & (frac == 0)))
    res = np.where(easy, low, np.nan)
    hard = np.flatnonzero((count > 0) & ~easy)
    if len(hard):                      # the rest: pandas on those members' rows only
        rows = np.repeat(np.isin(np.arange(len(starts)), hard), sizes)
        res[hard] = pd.Series(values[rows]).groupby(codes[rows]).quantile(q).to_numpy()
    return np.repeat(res, sizes)


def rows_days_before(days: np.ndarray, codes: np.ndarray, back: int,
                      tolerance: int) -> tuple[np.ndarray, np.ndarray]:
    """Find each row's row ``back`` days earlier: positions and whether there is one.

    That is the latest row of the same member dated at most ``back`` days before, and
    no more than ``back + tolerance`` days before. The rows must be sorted by member and
    day (unique). Equivalent to a backward ``merge_asof`` by member with that tolerance,
    in one ``searchsorted``; take any column at the positions (``values[j]``, NaN where
    not ``ok``).
    """
    span = int(days.max() - days.min()) + back + tolerance + 2 if len(days) else 1
    key = codes.astype(np.int64) * span + (days - days.min() if len(days) else days)
    j = np.searchsorted(key, key - back, side="right") - 1
    del key
    ok = (j >= 0)
    np.clip(j, 0, None, out=j)
    ok &= (codes[j] == codes) & (days[j] >= days - back - tolerance) & (days[j] <= days - back)
    return j, ok


def rolling_median(values: np.ndarray, codes: np.ndarray, window: int, *,
                    forward: bool = False, min_periods: int = 3, at: np.ndarray | None = None,
                    chunk: int = 1_000_000) -> np.ndarray:
    """Trailing (or, with ``forward``, leading) median per member over ``window`` rows.

    The rows must be sorted by member. NaN values are skipped; fewer than
    ``min_periods`` values give NaN — as pandas' grouped ``rolling(window,
    min_periods).median()``, but as one sort of a (rows, window) block per chunk, and
    only at the rows ``at`` (positions; default all rows).
    """
    n = len(values)
    rows_at = np.arange(n) if at is None else np.asarray(at, dtype=np.int64)
    out = np.full(len(rows_at), np.nan)
    offsets = np.arange(window) if forward else np.arange(-window + 1, 1)
    for lo in range(0, len(rows_at), chunk):
        r = rows_at[lo:lo + chunk]
        idx = r[:, None] + offsets
        inside = (idx >= 0) & (idx < n)
        idx = np.clip(idx, 0, max(n - 1, 0))
        block = np.where(inside & (codes[idx] == codes[r][:, None]), values[idx], np.nan)
        block.sort(axis=1)                          # NaN last
        k = (~np.isnan(block)).sum(axis=1)
        i = np.arange(len(r))
        lo_v = block[i, np.maximum(k - 1, 0) // 2]
        hi_v = block[i, np.minimum(np.maximum(k, 1) // 2, window - 1)]
        med = np.where(k % 2 == 1, lo_v, (lo_v + hi_v) / 2)
        out[lo:lo + chunk] = np.where(k >= min_periods, med, np.nan)
    return out


def run_starts(codes: np.ndarray) -> np.ndarray | None:
    """Return where each run of equal ``codes`` starts, or None when rows are not grouped.

    Not grouped means the codes are not in non-decreasing order; callers then fall back
    to bincounts.
    """
    codes = np.asarray(codes)
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(codes) > 1 and not bool(np.all(codes[1:] >= codes[:-1])):
        return None
    return np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])


def days_to_ns(days: np.ndarray) -> np.ndarray:
    """Day numbers since 1970 as ``datetime64[ns]`` (one allocation)."""
    ns = days.astype(np.int64)
    ns *= NS_PER_DAY
    return ns.view("datetime64[ns]")


def sorted_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
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


def string_column(uniq: np.ndarray, codes: np.ndarray) -> pd.Series:
    """``uniq[codes]`` as a pandas string column, built by pyarrow (no Python objects)."""
    arr = pa.array(list(uniq), type=pa.large_string()).take(pa.array(codes))
    return pd.Series(pd.array(arr, dtype=pd.StringDtype("pyarrow", na_value=np.nan)))


def category_column(uniq: np.ndarray, codes: np.ndarray) -> pd.Categorical:
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


def constant_str(value: str, n: int) -> pd.Series:
    """Build a string column holding one value with pyarrow (no Python string per row)."""
    return string_column(np.array([value], dtype=object), np.zeros(n, dtype=np.int8))


def members_near(codes: np.ndarray, days: np.ndarray, at: np.ndarray) -> pd.Series:
    """For each day in ``at``: how many members have a row within one day of it.

    One pass: a member counts for the days ``t`` with a row in ``[t - 1, t + 1]``; each
    row adds one to the days it covers that the member's previous row does not cover
    yet (a difference array over the day range). The rows must be sorted by member and
    day (unique per member-day).
    """
    if not len(codes):
        return pd.Series(0, index=at, dtype="int64")
    lo_day = int(days.min()) - 1
    first = np.r_[True, codes[1:] != codes[:-1]]
    prev = np.r_[0, days[:-1]]
    start = np.where(first, days - 1, np.maximum(days - 1, prev + 2)) - lo_day
    end = days + 1 - lo_day                    # inclusive; start > end when nothing is new
    new = start <= end
    span = int(days.max()) + 3 - lo_day
    counts = np.cumsum(np.bincount(start[new], minlength=span + 1)
                       - np.bincount(end[new] + 1, minlength=span + 1))
    where = np.asarray(at, dtype=np.int64) - lo_day
    inside = (where >= 0) & (where <= span)
    return pd.Series(np.where(inside, counts[np.clip(where, 0, span)], 0), index=at,
                     dtype="int64")
