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


def clean_snapshots(
    snapshots: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp | None = None,
    sum_tolerance: float = 0.05,
    integer_sum_tolerance: float = 0.5,
    max_daily_jump: float = 3.0,
    max_weekly_jump: float = 6.0,
    min_gap_days: int = 2,
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
    - ``gap`` → flagged: ``min_gap_days`` or more days without a snapshot (not filled).
    - ``daily_jump`` / ``weekly_jump`` → flagged: a pillar moving more than
      ``max_daily_jump`` points between consecutive days, or more than
      ``max_weekly_jump`` within 7 days.

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
    gap = step > min_gap_days
    gaps = pd.DataFrame({
        "member_id": df.loc[gap, "member_id"].to_numpy(),
        "start": (prev[gap] + pd.Timedelta(days=1)).to_numpy(),
        "end": (df.loc[gap, "date"] - pd.Timedelta(days=1)).to_numpy(),
        "days": (step[gap] - 1).astype(int).to_numpy(),
    })
    logs += _log_rows(df, gap.to_numpy(), "gap", "flagged",
                      lambda s: [f"{int(n) - 1} days without a snapshot before this one"
                                 for n in step[s.index]])

    # implausible jumps
    for p in PILLARS:
        d = df.groupby("member_id", sort=False)[p].diff()
        daily = (step == 1) & (d.abs() > max_daily_jump)
        logs += _log_rows(df, daily.to_numpy(), "daily_jump", "flagged",
                          lambda s, p=p, d=d: [f"{p} moved {x:+.2f} in one day" for x in d[s.index]])
        weekly = (step > 1) & (step <= 7) & (d.abs() > max_weekly_jump)
        logs += _log_rows(df, weekly.to_numpy(), "weekly_jump", "flagged",
                          lambda s, p=p, d=d: [f"{p} moved {x:+.2f} within a week"
                                               for x in d[s.index]])

    log = (pd.concat(logs, ignore_index=True) if logs
           else pd.DataFrame({c: pd.Series([], dtype=object) for c in LOG_COLUMNS}))
    log = log[list(LOG_COLUMNS)]
    log["date"] = pd.to_datetime(log["date"]).astype("datetime64[ns]")
    log = log.astype({"member_id": str, "rule": str, "action": str, "detail": str, "source": str})
    log = log.sort_values(["member_id", "date", "rule", "detail"], kind="stable"
                          ).reset_index(drop=True)
    cols = [*SNAPSHOT_COLUMNS, "precision"]
    return CleanResult(snapshots=df[cols], log=log, gaps=gaps)
