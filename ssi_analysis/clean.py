"""Clean a snapshot history and log every finding.

:func:`clean_snapshots` is pure: it never changes its input, and cleaning its own output
again changes nothing in the snapshots. Every rule has a name, a threshold the caller
can change, and an action (``dropped``, ``corrected`` or ``flagged``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .schema import LOG_COLUMNS, PILLAR_MAX, PILLARS, SNAPSHOT_COLUMNS, SSI_MAX

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


def _value_days_before(df: pd.DataFrame, days: int, tolerance: int) -> pd.DataFrame:
    """Each row's pillar values ``days`` earlier (latest snapshot within ``tolerance``)."""
    left = df[["member_id", "date"]].assign(_row=np.arange(len(df)),
                                            target=df["date"] - pd.Timedelta(days=days))
    right = df[["member_id", "date", *PILLARS]].rename(columns={"date": "target"})
    left = left.sort_values("target", kind="stable")
    right = right.sort_values("target", kind="stable")
    m = pd.merge_asof(left, right, on="target", by="member_id", direction="backward",
                      tolerance=pd.Timedelta(days=tolerance))
    return m.sort_values("_row")[list(PILLARS)].set_axis(df.index)


def _rolling_median(values: pd.Series, member: pd.Series, window: int) -> pd.Series:
    """Trailing median per member (pandas' grouped rolling: no Python loop over members)."""
    out = values.groupby(member.to_numpy(), sort=False).rolling(window, min_periods=3).median()
    return out.droplevel(0).reindex(values.index)


def _level_shifts(df: pd.DataFrame, *, threshold: float, window: int) -> dict:
    """Find persisting steps and one-off spikes per member and pillar (vectorised)."""
    if len(df) < 3:
        return {}
    grp = df.groupby("member_id", sort=False)
    mask = np.zeros(len(df), dtype=bool)
    spike = np.zeros(len(df), dtype=bool)
    detail = pd.Series("", index=df.index, dtype=object)
    rev = df.iloc[::-1]
    for p in PILLARS:
        d = grp[p].diff()
        before = _rolling_median(grp[p].shift(1), df["member_id"], window)
        after = _rolling_median(rev[p], rev["member_id"], window).reindex(df.index)
        gap = df.groupby("member_id", sort=False)["date"].diff().dt.days
        step = (d.abs() > threshold) & (gap <= 2)   # a step within a day or two, not a month
        persists = (after - before).abs() > threshold * 0.75
        back1 = (grp[p].shift(-1) - grp[p].shift(1)).abs() < threshold / 2
        back2 = (grp[p].shift(-2) - grp[p].shift(1)).abs() < threshold / 2
        is_shift = (step & persists).to_numpy()
        is_spike = (step & ~persists & (back1 | back2)).to_numpy()
        new = is_shift & ~mask
        detail[new] = [f"{p} stepped {x:+.2f} and stayed (median {b:.2f} → {a:.2f})"
                       for x, b, a in zip(d[new], before[new], after[new], strict=True)]
        mask |= is_shift
        spike |= is_spike & ~mask
    return {"mask": mask, "spike": spike, "detail": lambda s: detail[s.index].tolist()}


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
    df = snapshots.copy()
    for c in SNAPSHOT_COLUMNS:
        if c not in df:
            df[c] = np.nan if c not in ("source", "industry") else ""
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]").dt.normalize()
    logs: list[pd.DataFrame] = []
    as_of_ts = (pd.Timestamp(as_of).normalize() if as_of is not None
                else (df["date"].max() if len(df) else pd.Timestamp("2100-01-01")))

    bad = df["date"] > as_of_ts
    logs += _log_rows(df, bad, "future_date", "dropped",
                      f"date after the analysis date {as_of_ts:%Y-%m-%d}")
    old = df["date"] < SSI_EPOCH
    logs += _log_rows(df, old, "before_ssi", "dropped", "date before 2014, when SSI began")
    df = df[~bad & ~old]

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
    df = df[~nopillar]

    psum = df[list(PILLARS)].sum(axis=1)
    derive = df["ssi"].isna()
    logs += _log_rows(df, derive, "ssi_derived", "corrected", "SSI missing; sum of pillars used")
    df = df.assign(ssi=df["ssi"].where(~derive, psum.round(4)))

    integer_ssi = np.isclose(df["ssi"], df["ssi"].round())
    tol = np.where(integer_ssi, integer_sum_tolerance, sum_tolerance)
    diff = (df["ssi"] - psum).abs()
    mism = diff > tol + 1e-9
    logs += _log_rows(df, mism, "sum_mismatch", "flagged",
                      lambda s: [f"SSI {a:g} but pillars sum to {b:.3f}"
                                 for a, b in zip(s["ssi"], psum[s.index], strict=True)])
    lowp = np.isclose(df[list(PILLARS)], df[list(PILLARS)].round()).all(axis=1)
    df = df.assign(precision=np.where(lowp, "integer", "full"))
    logs += _log_rows(df, lowp, "low_precision", "flagged",
                      "whole-number pillar scores: changes under 1 point are invisible")

    # duplicates: latest capture first, then the most precise source
    df = df.assign(_prec=(df["precision"] == "full").astype(int),
                   _cap=pd.to_datetime(df["captured_at"], utc=True))
    df = df.sort_values(["member_id", "date", "_cap", "_prec", "source"], kind="stable",
                        na_position="first")
    dup = df.duplicated(["member_id", "date"], keep="last")
    if dup.any():
        kept = df[~dup].set_index(["member_id", "date"])
        value_cols = ["ssi", *PILLARS]

        def _detail(s: pd.DataFrame) -> list[str]:
            k = kept.loc[list(zip(s["member_id"], s["date"], strict=True)), value_cols]
            same = np.isclose(s[value_cols].to_numpy(), k.to_numpy(), equal_nan=True).all(axis=1)
            return ["exact duplicate of the kept capture" if e else
                    "earlier or less precise capture of the same day; the later one is kept"
                    for e in same]
        logs += _log_rows(df, dup.to_numpy(), "duplicate", "dropped", _detail)
    df = df[~dup].drop(columns=["_prec", "_cap"])
    df = df.sort_values(["member_id", "date"], kind="stable").reset_index(drop=True)

    # gaps
    prev = df.groupby("member_id", sort=False)["date"].shift(1)
    step = (df["date"] - prev).dt.days
    # a gap is long for the member's own rhythm: more than min_gap_days, and more than twice
    # the usual step (a weekly hand-kept CSV or monthly reports are not full of gaps)
    usual = df["member_id"].map(step.groupby(df["member_id"]).quantile(0.25))
    gap = step > np.maximum(min_gap_days, 2 * usual.fillna(1))
    gaps = pd.DataFrame({
        "member_id": df.loc[gap, "member_id"].to_numpy(),
        "start": (prev[gap] + pd.Timedelta(days=1)).to_numpy(),
        "end": (df.loc[gap, "date"] - pd.Timedelta(days=1)).to_numpy(),
        "days": (step[gap] - 1).astype(int).to_numpy(),
    })
    logs += _log_rows(df, gap.to_numpy(), "gap", "flagged",
                      lambda s: [f"{int(n) - 1} days without a snapshot before this one"
                                 for n in step[s.index]])

    # implausible jumps: consecutive days, and against the snapshot about a week earlier
    grp = df.groupby("member_id", sort=False)
    week_ago = _value_days_before(df, 7, tolerance=2)
    for p in PILLARS:
        d = grp[p].diff()
        daily = (step == 1) & (d.abs() > max_daily_jump)
        logs += _log_rows(df, daily.to_numpy(), "daily_jump", "flagged",
                          lambda s, p=p, d=d: [f"{p} moved {x:+.2f} in one day" for x in d[s.index]])
        dw = df[p] - week_ago[p]
        weekly = dw.abs() > max_weekly_jump
        logs += _log_rows(df, weekly.to_numpy(), "weekly_jump", "flagged",
                          lambda s, p=p, dw=dw: [f"{p} moved {x:+.2f} within a week"
                                                 for x in dw[s.index]])

    # level shifts: a step that persists (medians before and after differ) vs a spike
    shifts = _level_shifts(df, threshold=level_shift, window=shift_window)
    if len(shifts):
        logs += _log_rows(df, shifts["mask"], "level_shift", "flagged", shifts["detail"])
        spikes = shifts["spike"]
        logs += _log_rows(df, spikes, "spike", "flagged",
                          lambda s: ["a jump that reverts within two snapshots (kept; LinkedIn "
                                     "scores can dip and recover)"] * len(s))
        logs += _formula_changes(df, shifts["mask"], min_members=formula_min_members,
                                 min_share=formula_min_share)

    # peer-group change: the industry changed (explains a rank jump)
    ind = df["industry"].astype(object).where(df["industry"].notna(), None)
    prev_ind = ind.groupby(df["member_id"]).shift(1)
    changed = ind.notna() & prev_ind.notna() & (ind != prev_ind)
    logs += _log_rows(df, changed.to_numpy(), "peer_group_change", "flagged",
                      lambda s: ["industry changed: ranks and peer averages now compare with "
                                 "another group"] * len(s))

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
    cols = [*SNAPSHOT_COLUMNS, "precision"]
    return CleanResult(snapshots=df[cols], log=log, gaps=gaps)
