"""The cleaning rules, one function each, in the order :func:`clean_snapshots` runs them.

Every rule takes the working frame, appends its findings to ``logs`` (frames with the
cleaning log's columns) and returns the frame it leaves: unchanged, with values removed or
corrected, or with rows dropped. Rows are only filtered when something is dropped (a
filter copies every column of a possibly 10-million-row table).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..arrays import (
    NS_PER_DAY,
    grouped_quantile,
    gshift,
    is_whole,
    member_codes,
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
    near = (days - gshift(days.astype(float), codes, 1)) <= 2   # within a day or two
    with np.errstate(invalid="ignore"):
        for p in PILLARS:
            v = df[p].to_numpy(float)
            prev = gshift(v, codes, 1)
            d = v - prev
            at = np.flatnonzero((np.abs(d) > threshold) & near)   # the steps
            del prev
            # medians of the snapshots before and after, needed only where a step is
            prev_at = np.where((at > 0) & (codes[np.maximum(at - 1, 0)] == codes[at]),
                               v[np.maximum(at - 1, 0)], np.nan)
            before = rolling_median(gshift(v, codes, 1), codes, window, at=at)
            after = rolling_median(v, codes, window, forward=True, at=at)
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
    nopillar = df[list(PILLARS)].isna().any(axis=1)
    logs += _log_rows(df, nopillar, "missing_pillar", "dropped",
                      "not all four pillar scores are present")
    return _keep(df, nopillar.to_numpy())


def sums(df: pd.DataFrame, logs: list, *, sum_tolerance: float,
         integer_sum_tolerance: float) -> pd.DataFrame:
    """``ssi_derived``, ``sum_mismatch`` and ``low_precision``; adds ``precision``."""
    pill = df[list(PILLARS)].to_numpy(float)
    # the pillar sum in a fixed order (pandas' row sums depend on the frame's block layout)
    psum = pd.Series(((pill[:, 0] + pill[:, 1]) + pill[:, 2]) + pill[:, 3], index=df.index)
    derive = df["ssi"].isna()
    logs += _log_rows(df, derive, "ssi_derived", "corrected", "SSI missing; sum of pillars used")
    ssi = df["ssi"].where(~derive, psum.round(4)) if derive.any() else df["ssi"]
    integer_ssi = is_whole(ssi.to_numpy(float))
    tol = np.where(integer_ssi, integer_sum_tolerance, sum_tolerance)
    diff = (ssi - psum).abs()
    mism = diff > tol + 1e-9
    lowp = is_whole(pill).all(axis=1)
    df = df.assign(ssi=ssi, precision=_labels(lowp, "integer", "full", df.index))
    logs += _log_rows(df, mism, "sum_mismatch", "flagged",
                      lambda s, psum=psum: [f"SSI {a:g} but pillars sum to {b:.3f}"
                                            for a, b in zip(s["ssi"], psum[s.index],
                                                            strict=True)])
    logs += _log_rows(df, lowp, "low_precision", "flagged",
                      "whole-number pillar scores: changes under 1 point are invisible")
    return df


@dataclass
class Deduplicated:
    """The frame after :func:`duplicates`, with its member codes and day numbers."""

    df: pd.DataFrame
    codes: np.ndarray
    days: np.ndarray


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
           formula_min_members: int, formula_min_share: float) -> None:
    """``level_shift``, ``spike`` and ``formula_change``: steps that persist or revert."""
    shifts = _level_shifts(d.df, d.codes, d.days, threshold=level_shift, window=shift_window)
    if not len(shifts):
        return
    df = d.df
    logs += _log_rows(df, shifts["mask"], "level_shift", "flagged", shifts["detail"])
    logs += _log_rows(df, shifts["spike"], "spike", "flagged",
                      lambda s: ["a jump that reverts within two snapshots (kept; LinkedIn "
                                 "scores can dip and recover)"] * len(s))
    logs += _formula_changes(df, shifts["mask"], min_members=formula_min_members,
                             min_share=formula_min_share)


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
