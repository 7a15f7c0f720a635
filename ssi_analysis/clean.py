"""Clean a snapshot history and log every finding.

:func:`clean_snapshots` is pure: it never changes its input, and cleaning its own output
again changes nothing in the snapshots. Every rule has a name, a threshold the caller
can change, and an action (``dropped``, ``corrected`` or ``flagged``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .schema import LOG_COLUMNS, PILLAR_MAX, PILLARS, SNAPSHOT_CORE, SSI_MAX, snapshot_columns

#: The first day LinkedIn published SSI scores (launched 2014); earlier dates are errors.
SSI_EPOCH = pd.Timestamp("2014-01-01")


@dataclass(frozen=True)
class CleanResult:
    """Output of :func:`clean_snapshots`.

    Attributes
    ----------
    snapshots : pandas.DataFrame
        One row per member per day, canonical snapshot columns plus ``precision``
        (``"full"`` or ``"integer"``).
    log : pandas.DataFrame
        One row per finding: ``member_id, date, rule, action, detail, source``.
    gaps : pandas.DataFrame
        Runs of days without a snapshot: ``member_id, start, end, days`` (never filled).
    """

    snapshots: pd.DataFrame
    log: pd.DataFrame
    gaps: pd.DataFrame


def _log_rows(df: pd.DataFrame, mask, rule: str, action: str, detail) -> list[pd.DataFrame]:
    if not np.any(mask):
        return []
    sub = df.loc[mask]
    det = detail(sub) if callable(detail) else detail
    return [pd.DataFrame({
        "member_id": sub["member_id"].to_numpy(),
        "date": sub["date"].to_numpy(),
        "rule": rule,
        "action": action,
        "detail": np.asarray(det, dtype=object) if not isinstance(det, str) else det,
        "source": sub["source"].to_numpy(),
    })]


def _is_whole(x: np.ndarray, chunk: int = 1_000_000) -> np.ndarray:
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


def _labels(flag: np.ndarray, yes: str, no: str, index: pd.Index) -> pd.Series:
    """Build a two-label column as a categorical of strings (one byte per row)."""
    cats = pd.Index([no, yes], dtype=str)
    return pd.Series(pd.Categorical.from_codes(flag.astype(np.int8), categories=cats),
                     index=index)


def _member_codes(member: pd.Series) -> np.ndarray:
    """Integer codes of ``member`` in sorted order (``int32``).

    A categorical with sorted categories gives its own codes (no pass over strings);
    anything else goes through pandas' factorize.
    """
    if isinstance(member.dtype, pd.CategoricalDtype) and \
            member.cat.categories.is_monotonic_increasing and not member.hasnans:
        return member.cat.codes.to_numpy().astype(np.int32)
    codes, _ = pd.factorize(member, sort=True)
    return codes.astype(np.int32)


def _in_member_order(codes: np.ndarray, days: np.ndarray, *, strict: bool = False) -> bool:
    """Tell whether rows are sorted by member code, then day (``strict``: no day repeated)."""
    dm, dd = np.diff(codes), np.diff(days)
    return bool(np.all((dm > 0) | ((dm == 0) & ((dd > 0) if strict else (dd >= 0)))))


def _gshift(values: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
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


def _grouped_quantile(values: np.ndarray, codes: np.ndarray, q: float) -> np.ndarray:
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


def _rows_days_before(days: np.ndarray, codes: np.ndarray, back: int,
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


def _rolling_median(values: np.ndarray, codes: np.ndarray, window: int, *,
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


def _level_shifts(df: pd.DataFrame, codes: np.ndarray, days: np.ndarray, *,
                  threshold: float, window: int) -> dict:
    """Find persisting steps and one-off spikes per member and pillar (vectorised).

    ``df`` is sorted by member and date (one row per member-day); ``codes`` and
    ``days`` are its member codes and day numbers.
    """
    if len(df) < 3:
        return {}
    n = len(df)
    mask = np.zeros(n, dtype=bool)
    spike = np.zeros(n, dtype=bool)
    detail: dict[int, str] = {}                 # row position → text (shifts only)
    near = (days - _gshift(days.astype(float), codes, 1)) <= 2   # within a day or two
    with np.errstate(invalid="ignore"):
        for p in PILLARS:
            v = df[p].to_numpy(float)
            prev = _gshift(v, codes, 1)
            d = v - prev
            at = np.flatnonzero((np.abs(d) > threshold) & near)   # the steps
            del prev
            # medians of the snapshots before and after, needed only where a step is
            prev_at = np.where((at > 0) & (codes[np.maximum(at - 1, 0)] == codes[at]),
                               v[np.maximum(at - 1, 0)], np.nan)
            before = _rolling_median(_gshift(v, codes, 1), codes, window, at=at)
            after = _rolling_median(v, codes, window, forward=True, at=at)
            persists = np.abs(after - before) > threshold * 0.75
            # does the value come back within two snapshots? (only asked where a step is)
            back = np.zeros(len(at), dtype=bool)
            for k in (1, 2):
                nxt = np.minimum(at + k, n - 1)
                same = (at + k < n) & (codes[nxt] == codes[at])
                back |= same & (np.abs(v[nxt] - prev_at) < threshold / 2)
            shift_at = at[persists]
            fresh = ~mask[shift_at]
            for i, x, b, a in zip(shift_at[fresh].tolist(), d[shift_at[fresh]].tolist(),
                                  before[persists][fresh].tolist(),
                                  after[persists][fresh].tolist(), strict=True):
                detail[i] = f"{p} stepped {x:+.2f} and stayed (median {b:.2f} → {a:.2f})"
            mask[shift_at] = True
            spike_at = at[~persists & back]
            spike[spike_at[~mask[spike_at]]] = True
    return {"mask": mask, "spike": spike,
            "detail": lambda s: [detail[i] for i in df.index.get_indexer(s.index).tolist()]}


def _formula_changes(df, shift_mask, *, min_members: int, min_share: float) -> list:
    """Level shifts on the same date across many members: a probable formula change."""
    if df["member_id"].nunique() < min_members:
        return []
    day = df["date"]
    shifted = df.loc[shift_mask, ["member_id", "date"]]
    if shifted.empty:
        return []
    counts = shifted.groupby("date")["member_id"].nunique()
    counts = counts.add(counts.shift(1, freq="D"), fill_value=0).add(
        counts.shift(-1, freq="D"), fill_value=0)
    week = day.dt.to_period("W")
    seen = df.groupby(week)["member_id"].nunique()
    share = counts / seen.reindex(counts.index.to_period("W")).to_numpy()
    hits = counts[(counts >= min_members) & (share >= min_share)].index
    rows = shift_mask & day.isin(hits).to_numpy()
    if not rows.any():
        return []
    n = counts.reindex(day[rows]).to_numpy()
    return _log_rows(df, rows, "formula_change", "flagged",
                     [f"{int(k)} members shifted within a day of this date: probably a change "
                      "in LinkedIn's formula, not in behaviour" for k in n])


def _annotation_rows(notes: pd.DataFrame, df: pd.DataFrame) -> pd.DataFrame:
    members = sorted(df["member_id"].unique()) or ["me"]
    rows = []
    for r in notes.to_dict("records"):
        who = [str(r["member_id"])] if r.get("member_id") not in (None, "", np.nan) and \
            pd.notna(r.get("member_id")) else members
        for m in who:
            rows.append({"member_id": m, "date": pd.Timestamp(r["date"]).normalize(),
                         "rule": "annotation", "action": "noted", "detail": str(r["note"]),
                         "source": str(r.get("source", "annotations"))})
    return pd.DataFrame(rows, columns=list(LOG_COLUMNS))


def clean_snapshots(
    snapshots: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp | None = None,
    sum_tolerance: float = 0.05,
    integer_sum_tolerance: float = 0.5,
    max_daily_jump: float = 3.0,
    max_weekly_jump: float = 6.0,
    min_gap_days: int = 2,
    level_shift: float = 2.0,
    shift_window: int = 7,
    formula_min_members: int = 3,
    formula_min_share: float = 0.3,
    annotations: pd.DataFrame | None = None,
) -> CleanResult:
    """Deduplicate, bound-check and sum-check snapshots; list gaps and jumps.

    Rules (name → action):

    - ``future_date`` → dropped: date after ``as_of`` (default: the latest capture date).
    - ``before_ssi`` → dropped: date before 2014, when SSI did not exist.
    - ``out_of_bounds`` → dropped value: a pillar outside 0–25, SSI outside 0–100 or a
      rank outside 0–100 is set missing (never clipped).
    - ``missing_pillar`` → dropped: a row without all four pillars after the bounds check.
    - ``ssi_derived`` → corrected: SSI missing, derived as the sum of the pillars.
    - ``sum_mismatch`` → flagged: ``|ssi - sum(pillars)|`` above ``sum_tolerance``
      (``integer_sum_tolerance`` when SSI is a whole number, as some sources show the
      rounded score).
    - ``low_precision`` → flagged: all four pillars are whole numbers (integer-only source).
    - ``duplicate`` → dropped: the same member-day captured more than once; the latest
      capture is kept, then the most precise source. Exact duplicates say so.
    - ``gap`` → flagged: more than ``min_gap_days`` days between snapshots, and more than
      twice the member's usual step (so monthly reports are not all gaps); never filled.
    - ``daily_jump`` / ``weekly_jump`` → flagged: a pillar moving more than
      ``max_daily_jump`` points between consecutive days, or more than
      ``max_weekly_jump`` against the snapshot about 7 days earlier (±2 days).
    - ``level_shift`` → flagged: a pillar steps by more than ``level_shift`` points and
      the median of the next ``shift_window`` snapshots differs from that of the
      previous ones by as much (a persisting break, e.g. a profile overhaul).
    - ``spike`` → flagged: a step of that size that reverts within two snapshots.
    - ``formula_change`` → flagged: level shifts on the same date (±1 day) for at least
      ``formula_min_members`` members and ``formula_min_share`` of the members seen that
      week: a probable LinkedIn formula change (as in February 2017).
    - ``peer_group_change`` → flagged: the industry changed, so ranks and peer averages
      compare with another group.
    - ``annotation`` → noted: each row of ``annotations`` (``date, note`` and optional
      ``member_id``; no member = everyone).

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Canonical snapshots, e.g. from :func:`ssi_analysis.load_snapshots`.
    as_of : str or pandas.Timestamp, optional
        The analysis date; later dates are future dates.
    sum_tolerance, integer_sum_tolerance : float
        Allowed difference between SSI and the sum of pillars (points).
    max_daily_jump, max_weekly_jump : float
        Pillar moves (points) above which a change is flagged as implausible.
    min_gap_days : int
        Shortest run of missing days reported as a gap.
    level_shift : float
        Smallest persisting step (points, per pillar) reported as a level shift.
    shift_window : int
        Snapshots on each side compared for a level shift.
    formula_min_members, formula_min_share : int, float
        How many members (and which share of those seen) must shift on the same date
        for a probable formula change.
    annotations : pandas.DataFrame, optional
        Dated notes carried into the log (and the report's history chart).

    Returns
    -------
    CleanResult
        Cleaned snapshots (one per member-day), the log and the gap list.
    """
    missing_cols = [c for c in ("member_id", "date", *PILLARS) if c not in snapshots]
    if missing_cols:
        raise KeyError(f"snapshots lack the columns {missing_cols}; expected the canonical "
                       "snapshot table from load_snapshots")
    if shift_window < 3:
        raise ValueError(f"shift_window must be at least 3 snapshots, got {shift_window}")
    # no defensive copy of the (possibly 10-million-row) input: every step
    # below builds new frames or columns, so the caller's frame is never changed
    df = snapshots.reset_index(drop=True)   # a lazy view (copy-on-write), unique labels
    missing_canon = [c for c in SNAPSHOT_CORE if c not in df]
    if missing_canon:
        df = df.assign(**{c: (np.nan if c not in ("source", "industry") else "")
                          for c in missing_canon})
    date, changed = df["date"], False
    if date.dtype != "datetime64[ns]":
        date, changed = pd.to_datetime(date).astype("datetime64[ns]"), True
    raw_ns = date.to_numpy()
    if (raw_ns[~np.isnat(raw_ns)].view(np.int64) % 86_400_000_000_000).any():
        date, changed = date.dt.normalize(), True
    if changed:
        df = df.assign(date=date)
    logs: list[pd.DataFrame] = []
    as_of_ts = (pd.Timestamp(as_of).normalize() if as_of is not None
                else (df["date"].max() if len(df) else pd.Timestamp("2100-01-01")))

    def keep(frame: pd.DataFrame, drop) -> pd.DataFrame:
        """Filter rows only when something is dropped (a filter copies every column)."""
        drop = np.asarray(drop, dtype=bool)
        return frame[~drop] if drop.any() else frame

    bad = df["date"] > as_of_ts
    logs += _log_rows(df, bad, "future_date", "dropped",
                      f"date after the analysis date {as_of_ts:%Y-%m-%d}")
    old = df["date"] < SSI_EPOCH
    logs += _log_rows(df, old, "before_ssi", "dropped", "date before 2014, when SSI began")
    df = keep(df, (bad | old).to_numpy())

    limits = {**{p: PILLAR_MAX for p in PILLARS}, "ssi": SSI_MAX, "industry_rank": 100.0,
              "network_rank": 100.0, "industry_ssi": SSI_MAX, "network_ssi": SSI_MAX}
    for col, hi in limits.items():
        v = df[col]
        out = v.notna() & ((v < 0) | (v > hi))
        if out.any():
            logs += _log_rows(df, out, "out_of_bounds", "dropped",
                              lambda s, c=col, h=hi: [f"{c} = {x:g} outside 0–{h:g}; value removed"
                                                      for x in s[c]])
            df = df.assign(**{col: v.where(~out)})

    nopillar = df[list(PILLARS)].isna().any(axis=1)
    logs += _log_rows(df, nopillar, "missing_pillar", "dropped",
                      "not all four pillar scores are present")
    df = keep(df, nopillar.to_numpy())

    pill = df[list(PILLARS)].to_numpy(float)
    # the pillar sum in a fixed order (pandas' row sums depend on the frame's block layout)
    psum = pd.Series(((pill[:, 0] + pill[:, 1]) + pill[:, 2]) + pill[:, 3], index=df.index)
    derive = df["ssi"].isna()
    logs += _log_rows(df, derive, "ssi_derived", "corrected", "SSI missing; sum of pillars used")
    ssi = df["ssi"].where(~derive, psum.round(4)) if derive.any() else df["ssi"]

    integer_ssi = _is_whole(ssi.to_numpy(float))
    tol = np.where(integer_ssi, integer_sum_tolerance, sum_tolerance)
    diff = (ssi - psum).abs()
    mism = diff > tol + 1e-9
    lowp = _is_whole(pill).all(axis=1)
    df = df.assign(ssi=ssi, precision=_labels(lowp, "integer", "full", df.index))
    logs += _log_rows(df, mism, "sum_mismatch", "flagged",
                      lambda s, psum=psum: [f"SSI {a:g} but pillars sum to {b:.3f}"
                                            for a, b in zip(s["ssi"], psum[s.index],
                                                            strict=True)])
    logs += _log_rows(df, lowp, "low_precision", "flagged",
                      "whole-number pillar scores: changes under 1 point are invisible")
    # free the whole-column temporaries before the deduplicated copy is made (at 10 M rows
    # each is 77 MB, the pillar block 310 MB)
    del pill, psum, ssi, derive, integer_ssi, tol, diff, mism

    # duplicates: latest capture first, then the most precise source. Sorting is by
    # integer codes (one np.lexsort), and skipped when the rows are already in member,
    # day order without repeats (a canonical CSV written by the kit).
    codes = _member_codes(df["member_id"])
    days = (df["date"].to_numpy().view(np.int64) // 86_400_000_000_000).astype(np.int32)
    dm, dd = np.diff(codes), np.diff(days)
    same_day = (dm == 0) & (dd == 0)
    in_order = bool(np.all((dm > 0) | ((dm == 0) & (dd >= 0))))
    del dm, dd
    if not (in_order and not same_day.any()):
        n = len(df)
        if in_order:
            # already in member, day order: repeats are adjacent; order only those rows
            tied = np.zeros(n, dtype=bool)
            tied[1:] |= same_day
            tied[:-1] |= same_day
            idx = np.flatnonzero(tied)
        else:
            idx = np.arange(n)
        cap_t = (pd.to_datetime(df["captured_at"].iloc[idx], utc=True).dt.tz_localize(None)
                 .to_numpy().astype("datetime64[ns]"))
        cap, cap_nat = cap_t.view(np.int64), np.isnat(cap_t)
        src_codes, _ = pd.factorize(df["source"].iloc[idx], sort=True)
        # na_position="first": a missing capture time sorts before any time
        sub = np.lexsort((src_codes, ~lowp[idx], cap, ~cap_nat, days[idx], codes[idx]))
        srt = idx[sub]              # those rows in keeping order: the last of a run is kept
        del idx, sub, cap_t, cap, cap_nat, src_codes
        sc, sd = codes[srt], days[srt]
        dup = np.zeros(len(srt), dtype=bool)
        dup[:-1] = (sc[1:] == sc[:-1]) & (sd[1:] == sd[:-1])
        del sc, sd
        if in_order:                # every run keeps one row, where it is
            keep = np.ones(n, dtype=bool)
            keep[srt[dup]] = False
            keep_rows = np.flatnonzero(keep)
            del keep
        else:
            keep_rows = srt[~dup]
        if dup.any():
            kept_at = np.flatnonzero(~dup)
            # the kept row of each duplicate is the last of its (member, day) run
            run_end = srt[kept_at[np.searchsorted(kept_at, np.flatnonzero(dup))]]
            vals = df[["ssi", *PILLARS]]
            same = np.isclose(vals.iloc[srt[dup]].to_numpy(float),
                              vals.iloc[run_end].to_numpy(float),
                              equal_nan=True).all(axis=1)
            dropped = df.iloc[srt[dup]]
            logs += _log_rows(dropped, np.ones(len(dropped), dtype=bool), "duplicate",
                              "dropped", np.where(
                                  same, "exact duplicate of the kept capture",
                                  "earlier or less precise capture of the same day; the later "
                                  "one is kept"))
            del kept_at, run_end, vals, same, dropped
        codes, days = codes[keep_rows], days[keep_rows]
        del srt, dup
        if len(keep_rows) < n or not np.array_equal(keep_rows, np.arange(n)):
            df = df.take(keep_rows)           # one take of the wide frame, not two
        del keep_rows
    df = df.reset_index(drop=True)

    # gaps
    prev_day = _gshift(days.astype(float), codes, 1)
    step_arr = days - prev_day
    step = pd.Series(step_arr, index=df.index)
    # a gap is long for the member's own rhythm: more than min_gap_days, and more than twice
    # the usual step (a weekly hand-kept CSV or monthly reports are not full of gaps)
    usual = _grouped_quantile(step_arr, codes, 0.25)
    with np.errstate(invalid="ignore"):
        gap = step_arr > np.maximum(min_gap_days, 2 * np.nan_to_num(usual, nan=1.0))
    gap_dates = df["date"].to_numpy()[gap]
    gaps = pd.DataFrame({
        "member_id": df["member_id"].array[gap].to_numpy(),  # only the gap rows
        "start": (prev_day[gap].astype(np.int64) + 1).astype("datetime64[D]").astype(
            "datetime64[ns]"),
        "end": (gap_dates - np.timedelta64(1, "D")).astype("datetime64[ns]"),
        "days": (step_arr[gap] - 1).astype(int),
    })
    logs += _log_rows(df, gap, "gap", "flagged",
                      lambda s, step=step: [f"{int(n) - 1} days without a snapshot before "
                                            "this one" for n in step[s.index]])
    del prev_day, usual, step

    # implausible jumps: consecutive days, and against the snapshot about a week earlier
    # (one pillar at a time: a whole (rows, 4) block and its week-earlier copy would be
    # 620 MB at 10 M rows)
    week_row, week_ok = _rows_days_before(days, codes, 7, tolerance=2)
    with np.errstate(invalid="ignore"):
        for p in PILLARS:
            v = df[p].to_numpy(float)
            d = pd.Series(v - _gshift(v, codes, 1), index=df.index)
            daily = (step_arr == 1) & (d.abs().to_numpy() > max_daily_jump)
            logs += _log_rows(df, daily, "daily_jump", "flagged",
                              lambda s, p=p, d=d: [f"{p} moved {x:+.2f} in one day"
                                                   for x in d[s.index]])
            week_ago = v[week_row]
            week_ago[~week_ok] = np.nan
            dw = pd.Series(v - week_ago, index=df.index)
            weekly = dw.abs().to_numpy() > max_weekly_jump
            logs += _log_rows(df, weekly, "weekly_jump", "flagged",
                              lambda s, p=p, dw=dw: [f"{p} moved {x:+.2f} within a week"
                                                     for x in dw[s.index]])
    del week_row, week_ok, week_ago, d, dw

    # level shifts: a step that persists (medians before and after differ) vs a spike
    shifts = _level_shifts(df, codes, days, threshold=level_shift, window=shift_window)
    if len(shifts):
        logs += _log_rows(df, shifts["mask"], "level_shift", "flagged", shifts["detail"])
        spikes = shifts["spike"]
        logs += _log_rows(df, spikes, "spike", "flagged",
                          lambda s: ["a jump that reverts within two snapshots (kept; LinkedIn "
                                     "scores can dip and recover)"] * len(s))
        logs += _formula_changes(df, shifts["mask"], min_members=formula_min_members,
                                 min_share=formula_min_share)

    # peer-group change: the industry changed (explains a rank jump)
    ind = df["industry"]
    has = ind.notna().to_numpy() & (ind.astype(object).to_numpy() != None)  # noqa: E711
    if has.any():
        ind_codes, _ = pd.factorize(ind.astype(object).where(has, None))
        ind_f = np.where(has, ind_codes, np.nan).astype(float)
        prev_ind = _gshift(ind_f, codes, 1)
        changed = has & ~np.isnan(prev_ind) & (ind_f != prev_ind)
        logs += _log_rows(df, changed, "peer_group_change", "flagged",
                          lambda s: ["industry changed: ranks and peer averages now compare "
                                     "with another group"] * len(s))

    # user annotations (holidays, formula changes, profile overhauls)
    if annotations is not None and len(annotations):
        logs += [_annotation_rows(annotations, df)]

    log = (pd.concat(logs, ignore_index=True) if logs
           else pd.DataFrame({c: pd.Series([], dtype=object) for c in LOG_COLUMNS}))
    log = log[list(LOG_COLUMNS)]
    log["date"] = pd.to_datetime(log["date"]).astype("datetime64[ns]")
    log = log.astype({"member_id": str, "rule": str, "action": str, "detail": str, "source": str})
    log = log.sort_values(["member_id", "date", "rule", "detail"], kind="stable"
                          ).reset_index(drop=True)
    cols = [*snapshot_columns(df.columns), "precision"]
    return CleanResult(snapshots=df[cols], log=log, gaps=gaps)
