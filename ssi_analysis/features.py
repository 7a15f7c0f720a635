"""Align snapshots and activity to periods: pillar changes and activity over the same days.

The unit of analysis is a change over an interval, never a level (``docs/methods.md``):
per member, the last snapshot of each period, the pillar change since the previous one,
and each activity summed over exactly the same days — and over the same-length window
``k`` periods earlier for lag ``k`` — computed with one cumulative-count pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .arrays import gshift, in_member_order
from .memory import reuses_memory
from .schema import PILLARS
from .tables import activity_parts, snapshot_frame

#: Accepted interval lengths (days) between consecutive period-end snapshots.
INTERVAL_DAYS = {"W": (6, 8), "M": (25, 35)}


def check_freq(freq: str) -> str:
    """Return ``freq`` upper case, or raise for anything but weeks and months."""
    f = str(freq).upper()
    if f not in INTERVAL_DAYS:
        raise ValueError(f"freq must be 'W' (weeks) or 'M' (months), got {freq!r}")
    return f


def _months_before(dates: pd.Series, k: int) -> pd.Series:
    """Return the same day ``k`` months earlier; month ends stay month ends (31 Mar → 28 Feb)."""
    month_end = dates.dt.is_month_end
    ends = (dates.dt.to_period("M") - k).dt.end_time.dt.normalize().astype("datetime64[ns]")
    return ends.where(month_end, dates - pd.DateOffset(months=k))


def period_changes(snapshots: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """Take each member's last snapshot per period and its change since the previous one.

    Parameters
    ----------
    snapshots : pandas.DataFrame or CleanResult
        Cleaned snapshots (one per member-day), canonical columns.
    freq : {"W", "M"}, default "W"
        Calendar weeks (Monday to Sunday) or calendar months.

    Returns
    -------
    pandas.DataFrame
        One row per member and period with a previous snapshot: ``member_id, period,
        date, prev_date, gap_days, usable`` and per pillar ``<p>`` (level), ``start_<p>``
        (level at the previous snapshot) and ``d_<p>`` (change; for weeks scaled to
        7 days). ``usable`` is True for intervals of 6–8 days (weeks) or 25–35 days
        (months); longer gaps are kept for charts but not for models.
    """
    freq = check_freq(freq)
    cols = ["member_id", "date", "ssi", *PILLARS]
    df = snapshot_frame(snapshots)[cols]
    values = df[["ssi", *PILLARS]].to_numpy(float)
    if np.isnan(values).any():      # groupby.last() skips missing values column by column
        return _period_changes_pandas(df, freq)
    codes, uniq = pd.factorize(df["member_id"], sort=True)
    ns = df["date"].to_numpy().astype("datetime64[ns]")
    if not in_member_order(codes, ns.view(np.int64)):
        order = np.lexsort((ns.view(np.int64), codes))
        codes, ns, values = codes[order], ns[order], values[order]
    day = ns.astype("datetime64[D]")
    if freq == "W":                 # Monday of the week (1970-01-01 was a Thursday)
        d = day.astype(np.int64)
        period = (d - (d + 3) % 7).astype("datetime64[D]")
    else:
        period = day.astype("datetime64[M]").astype("datetime64[D]")
    p_int = period.astype(np.int64)
    last_row = np.r_[(codes[1:] != codes[:-1]) | (p_int[1:] != p_int[:-1]), True] \
        if len(codes) else np.zeros(0, dtype=bool)
    codes, ns, values, period = codes[last_row], ns[last_row], values[last_row], period[last_row]
    last = pd.DataFrame({"member_id": np.asarray(uniq, dtype=object)[codes],
                         "period": period.astype("datetime64[ns]"), "date": ns})
    for j, c in enumerate(["ssi", *PILLARS]):
        last[c] = values[:, j]
    last["member_id"] = last["member_id"].astype(str)
    # the previous period's date within the member (exact datetime shift, NaT = none)
    prev_ns = np.full(len(ns), np.datetime64("NaT"), dtype="datetime64[ns]")
    if len(ns) > 1:
        same = codes[1:] == codes[:-1]
        prev_ns[1:][same] = ns[:-1][same]
    prev = pd.DataFrame({"date": prev_ns}, index=last.index)
    for j, c in enumerate(["ssi", *PILLARS]):
        prev[c] = gshift(values[:, j], codes, 1)
    return _finish_changes(last, prev, freq)


def _period_changes_pandas(df: pd.DataFrame, freq: str) -> pd.DataFrame:
    """:func:`period_changes` with pandas' groupby (for frames with missing values)."""
    df = df.sort_values(["member_id", "date"], kind="stable")
    period = df["date"].dt.to_period("W-SUN" if freq == "W" else "M").dt.start_time
    df = df.assign(period=period.astype("datetime64[ns]"))
    last = df.groupby(["member_id", "period"], sort=True, as_index=False).last()
    prev = last.groupby("member_id", sort=False)[["date", "ssi", *PILLARS]].shift(1)
    return _finish_changes(last, prev, freq)


def _finish_changes(last: pd.DataFrame, prev: pd.DataFrame, freq: str) -> pd.DataFrame:
    out = last.assign(prev_date=prev["date"])
    out["gap_days"] = (out["date"] - out["prev_date"]).dt.days
    scale = 7.0 / out["gap_days"] if freq == "W" else 1.0
    for p in ("ssi", *PILLARS):
        out[f"start_{p}"] = prev[p]
        out[f"d_{p}"] = (out[p] - prev[p]) * scale
    lo, hi = INTERVAL_DAYS[freq]
    out["usable"] = out["gap_days"].between(lo, hi)
    out = out[out["prev_date"].notna()].reset_index(drop=True)
    out["gap_days"] = out["gap_days"].astype(int)
    return out


def _codes(values: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes and labels of a column (a categorical's own small codes, no copy)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), list(values.cat.categories)
    codes, uniq = pd.factorize(values)
    return codes, list(uniq)


def _window_dates(out: pd.DataFrame, max_lag: int, freq: str) -> tuple[list, list]:
    """Each change's window ``(t0, t1]`` for every lag: the same days ``k`` periods back."""
    t1_dates = [out["date"]]
    t0_dates = [out["prev_date"]]
    for k in range(1, max_lag + 1):
        if freq == "W":
            t1_dates.append(out["date"] - pd.Timedelta(days=7 * k))
            t0_dates.append(out["prev_date"] - pd.Timedelta(days=7 * k))
        else:
            t1_dates.append(_months_before(out["date"], k))
            t0_dates.append(_months_before(out["prev_date"], k))
    return t0_dates, t1_dates


_CHUNK = 4_000_000      # rows per block for the int64 temporaries below


def _cells(activity: pd.DataFrame, act_members, act_member_codes, members: pd.Index,
           d0: pd.Timestamp, n_days: int) -> np.ndarray:
    """One cell number (member position, day) per activity row (int32 where it fits).

    Member positions and day numbers are computed as int32 in blocks, so a 10,000-member
    team's 32 M rows never need whole-table int64 temporaries.
    """
    act_days_ns = activity["date"].to_numpy().astype("datetime64[ns]", copy=False)
    member_pos = members.get_indexer(pd.Index(np.asarray(act_members).astype(str)))
    ai = member_pos.astype(np.int32)[act_member_codes]
    ad = np.empty(len(act_days_ns), dtype=np.int32)
    origin = np.datetime64(d0, "ns")
    for lo in range(0, len(ad), _CHUNK):
        ad[lo:lo + _CHUNK] = (act_days_ns[lo:lo + _CHUNK] - origin) // np.timedelta64(1, "D")
    small = len(members) * n_days < 2**31
    cell = np.empty(len(ai), dtype=np.int32 if small else np.int64)
    for lo in range(0, len(cell), _CHUNK):
        cell[lo:lo + _CHUNK] = ai[lo:lo + _CHUNK].astype(cell.dtype) * n_days + \
            ad[lo:lo + _CHUNK] + 1
    return cell


def _daily_bounds(c: pd.DataFrame, n_members: int, d0: pd.Timestamp
                  ) -> tuple[np.ndarray, np.ndarray]:
    """First and last covered day number per member position (daily sources)."""
    start = np.full(n_members, np.iinfo(np.int64).max)
    end = np.full(n_members, np.iinfo(np.int64).min)
    np.minimum.at(start, c["mi"].to_numpy(), (c["start"] - d0).dt.days.to_numpy())
    np.maximum.at(end, c["mi"].to_numpy(), (c["end"] - d0).dt.days.to_numpy())
    return start, end


class _PeriodTiles:
    """Which windows are made of whole reporting periods (period sources, e.g. months).

    One count per period, dated at its end: a window is covered when it ends on a period
    end and the periods inside it add up to its length (±3 days a period).
    """

    def __init__(self, period: pd.DataFrame, shape: tuple[int, int], d0: pd.Timestamp,
                 cumulative):
        pm = period["mi"].to_numpy()
        pe = (period["end"] - d0).dt.days.to_numpy()
        plen = (period["end"] - period["start"]).dt.days.to_numpy() + 1
        self.is_end = np.zeros(shape, dtype=bool)
        self.is_end[pm, pe] = True
        self.n_end = cumulative(pm, pe, np.ones(len(pm)))
        self.n_len = cumulative(pm, pe, plen.astype(float))
        self.n_days = shape[1]

    def covered(self, wi: np.ndarray, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
        n_days = self.n_days
        ok_t = (t1 >= 0) & (t1 < n_days - 1) & (t0 >= 0)
        t1c, t0c = np.clip(t1, 0, n_days - 2), np.clip(t0, 0, n_days - 2)
        n = self.n_end[wi, t1c + 1] - self.n_end[wi, t0c + 1]
        length = self.n_len[wi, t1c + 1] - self.n_len[wi, t0c + 1]
        tiled = self.is_end[wi, t1c] & (n >= 1) & (np.abs(length - (t1c - t0c)) <= 3 * n)
        return ok_t & tiled


def window_counts(
    changes: pd.DataFrame,
    activity: pd.DataFrame,
    *,
    activities: list[str] | None = None,
    max_lag: int = 1,
    freq: str = "W",
    coverage: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Sum each activity over each change's interval and the intervals before it.

    For a change over the days ``(prev_date, date]`` the lag-``k`` window is the same
    days shifted back ``k`` weeks (or ``k`` months). Weekly counts are scaled to 7 days
    like the change. A window that is not entirely inside the activity's coverage is
    missing (NaN), never zero.

    Parameters
    ----------
    changes : pandas.DataFrame
        Output of :func:`period_changes`.
    activity : ActivityTable or pandas.DataFrame
        Loaded activity, or long counts (``member_id, date, activity, count``).
    activities : list of str, optional
        Activities to use; default: every activity with coverage.
    max_lag : int, default 1
        Largest lag (in periods).
    freq : {"W", "M"}
        Must match :func:`period_changes`.
    coverage : pandas.DataFrame, optional
        Tracked dates per member and activity; default the activity table's (or, for
        plain counts, each member and activity's first to last recorded day).

    Returns
    -------
    pandas.DataFrame
        ``changes`` with one column ``<activity>_l<k>`` per activity and lag.
    """
    freq = check_freq(freq)
    if max_lag < 0:
        raise ValueError(f"max_lag must be 0 or more, got {max_lag}")
    activity, cov = activity_parts(activity, coverage)
    # integer codes once (no per-activity string comparisons, no object arrays)
    act_codes, act_names = _codes(activity["activity"])
    act_names = [str(a) for a in act_names]
    act_member_codes, act_members = _codes(activity["member_id"])
    act_days_ns = activity["date"].to_numpy().astype("datetime64[ns]", copy=False)
    counts = activity["count"].to_numpy()
    if activities is None:
        activities = sorted(set(cov["activity"]) | set(act_names))
    out = changes.copy()
    if out.empty:
        for a in activities:
            for k in range(max_lag + 1):
                out[f"{a}_l{k}"] = pd.Series(dtype=float)
        return out
    members = pd.Index(np.union1d(out["member_id"].unique().astype(str),
                                  np.asarray(act_members).astype(str)))
    wi = members.get_indexer(out["member_id"])
    t0_dates, t1_dates = _window_dates(out, max_lag, freq)
    lows = [pd.Timestamp(act_days_ns.min()) if len(activity) else out["prev_date"].min(),
            *(d.min() for d in t0_dates)]
    highs = [pd.Timestamp(act_days_ns.max()) if len(activity) else out["date"].max(),
             out["date"].max()]
    d0 = min(lows) - pd.Timedelta(days=1)
    n_days = (max(highs) - d0).days + 2
    scale = 7.0 / out["gap_days"].to_numpy() if freq == "W" else 1.0
    cell = _cells(activity, act_members, act_member_codes, members, d0, n_days)
    cov = cov.assign(mi=members.get_indexer(cov["member_id"]))
    if "granularity" not in cov:
        cov = cov.assign(granularity="day")
    shape = (len(members), n_days)

    def cumulative(mi, days, weights):
        flat = np.bincount(mi.astype(np.int64) * n_days + days + 1, weights=weights,
                           minlength=len(members) * n_days).reshape(shape)
        return np.cumsum(flat, axis=1, out=flat)

    for a in activities:
        i = act_names.index(a) if a in act_names else -2
        rows = np.flatnonzero(act_codes == i)    # this activity's rows, by position
        flat = np.bincount(cell[rows], weights=counts[rows].astype(float),
                           minlength=len(members) * n_days).reshape(shape)
        cum = np.cumsum(flat, axis=1, out=flat)
        del rows
        c = cov[(cov["activity"] == a) & (cov["mi"] >= 0)]
        daily, period = c[c["granularity"] != "period"], c[c["granularity"] == "period"]
        start, end = _daily_bounds(daily, len(members), d0)
        tiles = _PeriodTiles(period, shape, d0, cumulative) if len(period) else None
        for k in range(max_lag + 1):
            t1 = (t1_dates[k] - d0).dt.days.to_numpy()
            t0 = (t0_dates[k] - d0).dt.days.to_numpy()
            vals = (cum[wi, t1 + 1] - cum[wi, t0 + 1]) * scale
            covered = (start[wi] <= t0 + 1) & (t1 <= end[wi])
            if tiles is not None:
                covered |= tiles.covered(wi, t0, t1)
            out[f"{a}_l{k}"] = np.where(covered, vals, np.nan)
    return out


@reuses_memory
def align(
    snapshots: pd.DataFrame,
    activity: pd.DataFrame,
    *,
    freq: str = "W",
    max_lag: int = 1,
    activities: list[str] | None = None,
    coverage: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Build the analysis panel: period changes with activity windows.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots.
    activity : ActivityTable or pandas.DataFrame
        Loaded activity, or long counts (coverage then given separately or inferred).
    freq : {"W", "M"}
        Period length.
    max_lag : int
        Largest lag in periods.
    activities : list of str, optional
        Activities to include.
    coverage : pandas.DataFrame, optional
        Tracked dates per member and activity.

    Returns
    -------
    pandas.DataFrame
        See :func:`period_changes` and :func:`window_counts`.
    """
    changes = period_changes(snapshots, freq=freq)
    return window_counts(changes, activity, activities=activities, max_lag=max_lag, freq=freq,
                         coverage=coverage)
