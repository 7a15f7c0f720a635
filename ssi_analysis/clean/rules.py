"""The cleaning rules, one function each, in the order :func:`clean_snapshots` runs them.

Every rule takes the working frame, appends its findings to ``logs`` (frames with the
cleaning log's columns) and returns the frame it leaves: unchanged, with values removed or
corrected, or with rows dropped. Rows are only filtered when something is dropped (a
filter copies every column of a possibly 10-million-row table).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..arrays import (
    NS_PER_DAY,
    grouped_quantile,
    gshift,
    is_whole,
    member_codes,
    members_near,
    rolling_median,
    rows_days_before,
)
from ..schema import LOG_COLUMNS, PILLAR_MAX, PILLARS, SSI_MAX

#: The first day LinkedIn published SSI scores (launched 2014); earlier dates are errors.
SSI_EPOCH = pd.Timestamp("2014-01-01")

#: Largest value of each bounded column (all start at 0).
LIMITS = {**{p: PILLAR_MAX for p in PILLARS}, "ssi": SSI_MAX, "industry_rank": 100.0,
          "network_rank": 100.0, "industry_ssi": SSI_MAX, "network_ssi": SSI_MAX}


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


def _labels(flag: np.ndarray, yes: str, no: str, index: pd.Index) -> pd.Series:
    """Build a two-label column as a categorical of strings (one byte per row)."""
    cats = pd.Index([no, yes], dtype=str)
    return pd.Series(pd.Categorical.from_codes(flag.astype(np.int8), categories=cats),
                     index=index)


#: A step is measured against the snapshot up to this many days earlier (a step spread
#: over three days is one step), and never across more than STEP_MAX_DAYS (weekly data).
STEP_DAYS = 3
STEP_MAX_DAYS = 8


def _step_rows(days: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's baseline: the member's row ``STEP_DAYS`` days earlier (or the one before).

    Daily data: the row 3 days earlier, so a step spread over up to three days counts as
    one; weekly data: the previous week's row. Never more than ``STEP_MAX_DAYS`` back.
    """
    return rows_days_before(days, codes, STEP_DAYS, tolerance=STEP_MAX_DAYS - STEP_DAYS)


def _first_of_runs(hit: np.ndarray, sign: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Keep the first row of each run of consecutive hits (same member, same direction)."""
    prev = np.r_[False, hit[:-1]] & np.r_[False, codes[1:] == codes[:-1]] & \
        np.r_[False, sign[1:] == sign[:-1]]
    return hit & ~prev


def _level_shifts(d: Deduplicated, *, threshold: float, window: int) -> dict:
    """Find persisting steps and one-off spikes per member and pillar (vectorised).

    A step is a move of more than ``threshold`` against the member's snapshot up to three
    days earlier (one week for weekly data), counted once at the first snapshot that shows
    it. It persists when the median of the next ``window`` snapshots differs from the median
    of the ``window`` snapshots up to the baseline by at least three quarters of it; a step
    that does not persist and comes back within two snapshots is a spike. ``df`` is sorted
    by member and date (one row per member-day).
    """
    df, codes = d.df, d.codes
    if len(df) < 3:
        return {}
    n = len(df)
    mask = np.zeros(n, dtype=bool)
    spike = np.zeros(n, dtype=bool)
    detail: dict[int, str] = {}                 # row position → text (shifts only)
    base, ok = d.steps
    with np.errstate(invalid="ignore"):
        for p in PILLARS:
            v = df[p].to_numpy(float)
            d = np.where(ok, v - v[base], np.nan)
            hit = np.abs(d) > threshold
            at = np.flatnonzero(_first_of_runs(hit, np.sign(d), codes))
            b_at = base[at]
            # medians of the snapshots up to the baseline and from the step on
            before = rolling_median(v, codes, window, at=b_at)
            after = rolling_median(v, codes, window, forward=True, at=at)
            persists = np.abs(after - before) > threshold * 0.75
            # does the value come back within two snapshots? (only asked where a step is)
            back = np.zeros(len(at), dtype=bool)
            for k in (1, 2):
                nxt = np.minimum(at + k, n - 1)
                same = (at + k < n) & (codes[nxt] == codes[at])
                back |= same & (np.abs(v[nxt] - v[b_at]) < threshold / 2)
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


def _formula_changes(d: Deduplicated, *, min_members: int, min_share: float,
                     min_points: float, min_z: float) -> list:
    """Same-date shifts of total SSI across members: a probable change in LinkedIn's formula.

    Per member, the change of total SSI against the snapshot up to three days earlier (the
    previous week's for weekly data) is compared with that member's usual change (1.4826
    times the median absolute change, at least 0.05 points). A member shifts on a day when
    the change is at least ``min_points`` and ``min_z`` times the usual one. A date (±1 day)
    where at least ``min_members`` members, and ``min_share`` of the members with a
    snapshot then, shift in the same direction is flagged for each of them.
    """
    df, codes, days = d.df, d.codes, d.days
    if len(np.unique(codes)) < min_members:
        return []
    base, ok = d.steps
    v = df["ssi"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        step = np.where(ok, v - v[base], np.nan)
        usual = pd.Series(np.abs(step)).groupby(codes).transform("median").to_numpy()
        noise = np.maximum(1.4826 * np.nan_to_num(usual), 0.05)
        shifted = (np.abs(step) >= min_points) & (np.abs(step) >= min_z * noise)
    shifted = _first_of_runs(shifted, np.sign(step), codes)
    if not shifted.any():
        return []
    rows = []
    for sign in (1.0, -1.0):
        mine = shifted & (np.sign(step) == sign)
        if not mine.any():
            continue
        near = members_near(codes[mine], days[mine], np.unique(days[mine]))
        seen = members_near(codes, days, near.index.to_numpy())
        share = near / seen.reindex(near.index).to_numpy()
        hits = near[(near >= min_members) & (share >= min_share)]
        flag = mine & np.isin(days, hits.index.to_numpy())
        if flag.any():
            k = hits.reindex(days[flag]).to_numpy()
            rows += _log_rows(df, flag, "formula_change", "flagged",
                              [f"{int(x)} members' SSI moved {'up' if sign > 0 else 'down'} "
                               "within a day of this date, far beyond their usual changes: "
                               "probably a change in LinkedIn's formula, not in behaviour"
                               for x in k])
    return rows


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


def _keep(frame: pd.DataFrame, drop) -> pd.DataFrame:
    """Filter rows only when something is dropped (a filter copies every column)."""
    drop = np.asarray(drop, dtype=bool)
    return frame[~drop] if drop.any() else frame


def dated(df: pd.DataFrame, as_of: pd.Timestamp, logs: list) -> pd.DataFrame:
    """``future_date`` and ``before_ssi``: drop dates after ``as_of`` or before 2014."""
    bad = df["date"] > as_of
    logs += _log_rows(df, bad, "future_date", "dropped",
                      f"date after the analysis date {as_of:%Y-%m-%d}")
    old = df["date"] < SSI_EPOCH
    logs += _log_rows(df, old, "before_ssi", "dropped", "date before 2014, when SSI began")
    return _keep(df, (bad | old).to_numpy())


def failed_captures(df: pd.DataFrame, logs: list) -> pd.DataFrame:
    """``failed_capture``: drop snapshots of empty pages (all pillars 0, or total 0 alone).

    A snapshot whose four pillars are all 0, whatever its total says, or whose total is 0
    with the pillars missing: a tracker saved an empty or logged-out page. One pillar at a
    time (no (rows, 4) block).
    """
    zeros = np.ones(len(df), dtype=bool)
    empty = df["ssi"].to_numpy(float) == 0
    for p in PILLARS:
        v = df[p].to_numpy(float)
        zeros &= v == 0
        empty &= np.isnan(v)
    failed = zeros | empty
    logs += _log_rows(df, failed, "failed_capture", "dropped",
                      "every score is 0 (a failed capture, e.g. an empty or logged-out page)")
    return _keep(df, failed)


def out_of_bounds(df: pd.DataFrame, logs: list) -> pd.DataFrame:
    """``out_of_bounds``: a value outside its range is removed (never clipped)."""
    for col, hi in LIMITS.items():
        if col not in df:
            continue
        v = df[col]
        out = v.notna() & ((v < 0) | (v > hi))
        if out.any():
            logs += _log_rows(df, out, "out_of_bounds", "dropped",
                              lambda s, c=col, h=hi: [f"{c} = {x:g} outside 0–{h:g}; value removed"
                                                      for x in s[c]])
            df = df.assign(**{col: v.where(~out)})
    return df


def missing_pillar(df: pd.DataFrame, logs: list) -> pd.DataFrame:
    """``missing_pillar``: drop rows without all four pillars."""
    nopillar = np.zeros(len(df), dtype=bool)
    for p in PILLARS:
        nopillar |= np.isnan(df[p].to_numpy(float))
    logs += _log_rows(df, nopillar, "missing_pillar", "dropped",
                      "not all four pillar scores are present")
    return _keep(df, nopillar)


def sums(df: pd.DataFrame, logs: list, *, sum_tolerance: float,
         integer_sum_tolerance: float) -> pd.DataFrame:
    """``ssi_derived``, ``ssi_rounded``, ``sum_mismatch`` and ``low_precision``.

    A total given as a whole number (as LinkedIn shows it) that agrees with the precise
    pillars within ``integer_sum_tolerance`` is replaced by the pillar sum (said once per
    member and file); a total that disagrees beyond the tolerance is flagged row by row.
    Adds ``precision``.
    """
    # the pillar sum in a fixed order (pandas' row sums depend on the frame's block layout),
    # and whether all four are whole numbers: one pillar at a time, no (rows, 4) block
    psum_arr = df[PILLARS[0]].to_numpy(float).copy()
    lowp = is_whole(psum_arr)
    for p in PILLARS[1:]:
        v = df[p].to_numpy(float)
        psum_arr += v
        lowp &= is_whole(v)
    psum = pd.Series(psum_arr, index=df.index)
    derive = df["ssi"].isna()
    logs += _log_rows(df, derive, "ssi_derived", "corrected", "SSI missing; sum of pillars used")
    ssi = df["ssi"].where(~derive, psum.round(4)) if derive.any() else df["ssi"]
    integer_ssi = is_whole(ssi.to_numpy(float))
    diff = (ssi - psum).abs()
    rounded = integer_ssi & ~lowp & (diff <= integer_sum_tolerance + 1e-9).to_numpy() & \
        (diff > 1e-9).to_numpy()
    if rounded.any():
        _log_rounded(df, rounded, ssi, psum, logs)
        ssi = ssi.where(~rounded, psum.round(4))
        diff = (ssi - psum).abs()
    tol = np.where(integer_ssi & ~rounded, integer_sum_tolerance, sum_tolerance)
    mism = diff > tol + 1e-9
    df = df.assign(ssi=ssi, precision=_labels(lowp, "integer", "full", df.index))
    logs += _log_rows(df, mism, "sum_mismatch", "flagged",
                      lambda s, psum=psum: [f"SSI {a:g} but pillars sum to {b:.3f}"
                                            for a, b in zip(s["ssi"], psum[s.index],
                                                            strict=True)])
    logs += _log_rows(df, lowp, "low_precision", "flagged",
                      "whole-number pillar scores: changes under 1 point are invisible")
    return df


def _log_rounded(df, rounded, ssi, psum, logs) -> None:
    """One ``ssi_rounded`` row per member and file: its first such snapshot, with a count."""
    at = np.flatnonzero(rounded)           # codes of the rounded rows only (no strings)
    sub = pd.DataFrame({"m": pd.factorize(df["member_id"].iloc[at])[0],
                        "s": pd.factorize(df["source"].iloc[at])[0],
                        "a": ssi.iloc[at].to_numpy(), "b": psum.iloc[at].to_numpy()},
                       index=df.index[at])
    first = ~sub.duplicated(["m", "s"])
    n = sub.groupby(["m", "s"], sort=False)["a"].transform("size")
    mask = np.zeros(len(df), dtype=bool)
    mask[np.flatnonzero(rounded)[first.to_numpy()]] = True
    text = {i: f"{k} snapshots give SSI as a whole number (as LinkedIn shows it) that agrees "
               f"with the pillars; their precise sum is used (e.g. {a:g} → {b:.3f})"
            for i, k, a, b in zip(sub.index[first], n[first], sub["a"][first], sub["b"][first],
                                  strict=True)}
    logs += _log_rows(df, mask, "ssi_rounded", "corrected",
                      lambda s: [text[i] for i in s.index])


@dataclass
class Deduplicated:
    """The frame after :func:`duplicates`, with its member codes and day numbers."""

    df: pd.DataFrame
    codes: np.ndarray
    days: np.ndarray

    @functools.cached_property
    def steps(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's step baseline (:func:`_step_rows`), found once for every rule."""
        return _step_rows(self.days, self.codes)


def duplicates(df: pd.DataFrame, logs: list) -> Deduplicated:
    """``duplicate``: one row per member-day — the latest capture, then the most precise.

    Sorting is by integer codes (one ``np.lexsort``), and skipped when the rows are
    already in member, day order without repeats (a canonical CSV written by the kit).
    """
    lowp = (df["precision"] == "integer").to_numpy()
    codes = member_codes(df["member_id"])
    days = (df["date"].to_numpy().view(np.int64) // NS_PER_DAY).astype(np.int32)
    dm, dd = np.diff(codes), np.diff(days)
    same_day = (dm == 0) & (dd == 0)
    in_order = bool(np.all((dm > 0) | ((dm == 0) & (dd >= 0))))
    del dm, dd
    if in_order and not same_day.any():
        return Deduplicated(df.reset_index(drop=True), codes, days)
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
             .to_numpy().astype("datetime64[ns]") if "captured_at" in df
             else np.full(len(idx), np.datetime64("NaT"), dtype="datetime64[ns]"))
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
        _log_duplicates(df, srt, dup, logs)
    codes, days = codes[keep_rows], days[keep_rows]
    if len(keep_rows) < n or not np.array_equal(keep_rows, np.arange(n)):
        df = df.take(keep_rows)           # one take of the wide frame, not two
    return Deduplicated(df.reset_index(drop=True), codes, days)


def _log_duplicates(df: pd.DataFrame, srt: np.ndarray, dup: np.ndarray, logs: list) -> None:
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


def gaps(d: Deduplicated, logs: list, *, min_gap_days: int) -> tuple[pd.DataFrame, np.ndarray]:
    """``gap``: runs of days without a snapshot, long for the member's own rhythm.

    More than ``min_gap_days``, and more than twice the usual step (the lower quartile),
    so that a weekly hand-kept CSV or monthly reports are not full of gaps. Never filled.
    Returns the gap table and each row's step in days since the member's previous row.
    """
    df, codes, days = d.df, d.codes, d.days
    prev_day = gshift(days.astype(float), codes, 1)
    step_arr = days - prev_day
    step = pd.Series(step_arr, index=df.index)
    usual = grouped_quantile(step_arr, codes, 0.25)
    with np.errstate(invalid="ignore"):
        gap = step_arr > np.maximum(min_gap_days, 2 * np.nan_to_num(usual, nan=1.0))
    gap_dates = df["date"].to_numpy()[gap]
    table = pd.DataFrame({
        "member_id": df["member_id"].array[gap].to_numpy(),  # only the gap rows
        "start": (prev_day[gap].astype(np.int64) + 1).astype("datetime64[D]").astype(
            "datetime64[ns]"),
        "end": (gap_dates - np.timedelta64(1, "D")).astype("datetime64[ns]"),
        "days": (step_arr[gap] - 1).astype(int),
    })
    logs += _log_rows(df, gap, "gap", "flagged",
                      lambda s, step=step: [f"{int(n) - 1} days without a snapshot before "
                                            "this one" for n in step[s.index]])
    return table, step_arr


def jumps(d: Deduplicated, step_arr: np.ndarray, logs: list, *, max_daily_jump: float,
          max_weekly_jump: float) -> None:
    """``daily_jump`` and ``weekly_jump``: implausible moves of a pillar (flagged, kept).

    Consecutive days, and against the snapshot about a week earlier (±2 days); one pillar
    at a time (a whole (rows, 4) block and its week-earlier copy would be 620 MB at 10 M
    rows).
    """
    df, codes, days = d.df, d.codes, d.days
    week_row, week_ok = rows_days_before(days, codes, 7, tolerance=2)
    with np.errstate(invalid="ignore"):
        for p in PILLARS:
            v = df[p].to_numpy(float)
            dp = pd.Series(v - gshift(v, codes, 1), index=df.index)
            daily = (step_arr == 1) & (dp.abs().to_numpy() > max_daily_jump)
            logs += _log_rows(df, daily, "daily_jump", "flagged",
                              lambda s, p=p, dp=dp: [f"{p} moved {x:+.2f} in one day"
                                                     for x in dp[s.index]])
            week_ago = v[week_row]
            week_ago[~week_ok] = np.nan
            dw = pd.Series(v - week_ago, index=df.index)
            weekly = dw.abs().to_numpy() > max_weekly_jump
            logs += _log_rows(df, weekly, "weekly_jump", "flagged",
                              lambda s, p=p, dw=dw: [f"{p} moved {x:+.2f} within a week"
                                                     for x in dw[s.index]])


def breaks(d: Deduplicated, logs: list, *, level_shift: float, shift_window: int,
           formula_min_members: int, formula_min_share: float, formula_min_points: float,
           formula_min_z: float) -> None:
    """``level_shift``, ``spike`` and ``formula_change``: steps that persist or revert."""
    shifts = _level_shifts(d, threshold=level_shift, window=shift_window)
    if len(shifts):
        df = d.df
        logs += _log_rows(df, shifts["mask"], "level_shift", "flagged", shifts["detail"])
        logs += _log_rows(df, shifts["spike"], "spike", "flagged",
                          lambda s: ["a jump that reverts within two snapshots (kept; LinkedIn "
                                     "scores can dip and recover)"] * len(s))
    if len(d.df) >= 3:
        logs += _formula_changes(d, min_members=formula_min_members,
                                 min_share=formula_min_share, min_points=formula_min_points,
                                 min_z=formula_min_z)


def peer_group_change(d: Deduplicated, logs: list) -> None:
    """``peer_group_change``: the industry changed (explains a rank jump)."""
    if "industry" not in d.df:
        return
    df, codes = d.df, d.codes
    ind = df["industry"]
    has = ind.notna().to_numpy() & (ind.astype(object).to_numpy() != None)  # noqa: E711
    if not has.any():
        return
    ind_codes, _ = pd.factorize(ind.astype(object).where(has, None))
    ind_f = np.where(has, ind_codes, np.nan).astype(float)
    prev_ind = gshift(ind_f, codes, 1)
    changed = has & ~np.isnan(prev_ind) & (ind_f != prev_ind)
    logs += _log_rows(df, changed, "peer_group_change", "flagged",
                      lambda s: ["industry changed: ranks and peer averages now compare "
                                 "with another group"] * len(s))


def annotations(notes: pd.DataFrame | None, df: pd.DataFrame, logs: list) -> None:
    """``annotation``: the user's dated notes, carried into the log."""
    if notes is not None and len(notes):
        logs += [_annotation_rows(notes, df)]
