"""Clean a snapshot history and log every finding.

:func:`clean_snapshots` is pure: it never changes its input, and cleaning its own output
again changes nothing in the snapshots. Every rule has a name, a threshold the caller
can change, and an action (``dropped``, ``corrected`` or ``flagged``); the rules
themselves are in :mod:`ssi_analysis.clean.rules`, one function each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..arrays import NS_PER_DAY
from ..memory import give_back, reuses_memory
from ..schema import LOG_COLUMNS, PILLARS, SNAPSHOT_CORE, snapshot_columns
from ..tables import snapshot_frame
from . import rules
from .rules import SSI_EPOCH


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


def _prepare(snapshots) -> pd.DataFrame:
    """Check the columns; dates as midnight ``datetime64[ns]``; no defensive copy.

    Every rule builds new frames or columns, so the caller's (possibly 10-million-row)
    frame is never changed.
    """
    snapshots = snapshot_frame(snapshots)
    missing_cols = [c for c in ("member_id", "date", *PILLARS) if c not in snapshots]
    if missing_cols:
        raise KeyError(f"snapshots lack the columns {missing_cols}; expected the canonical "
                       "snapshot table from load_snapshots")
    df = snapshots.reset_index(drop=True)   # a lazy view (copy-on-write), unique labels
    missing_canon = [c for c in SNAPSHOT_CORE if c not in df]
    if missing_canon:
        df = df.assign(**{c: (np.nan if c != "source" else "") for c in missing_canon})
    date, changed = df["date"], False
    if date.dtype != "datetime64[ns]":
        date, changed = pd.to_datetime(date).astype("datetime64[ns]"), True
    raw_ns = date.to_numpy()
    if (raw_ns[~np.isnat(raw_ns)].view(np.int64) % NS_PER_DAY).any():
        date, changed = date.dt.normalize(), True
    return df.assign(date=date) if changed else df


def _finish_log(logs: list[pd.DataFrame]) -> pd.DataFrame:
    log = (pd.concat(logs, ignore_index=True) if logs
           else pd.DataFrame({c: pd.Series([], dtype=object) for c in LOG_COLUMNS}))
    log = log[list(LOG_COLUMNS)]
    log["date"] = pd.to_datetime(log["date"]).astype("datetime64[ns]")
    log = log.astype({"member_id": str, "rule": str, "action": str, "detail": str, "source": str})
    return log.sort_values(["member_id", "date", "rule", "detail"], kind="stable"
                           ).reset_index(drop=True)


@reuses_memory
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
    formula_min_share: float = 0.5,
    formula_min_points: float = 1.5,
    formula_min_z: float = 4.0,
    annotations: pd.DataFrame | None = None,
) -> CleanResult:
    """Deduplicate, bound-check and sum-check snapshots; list gaps and jumps.

    Rules (name → action):

    - ``future_date`` → dropped: date after ``as_of`` (default: today, one day of slack
      for time zones ahead of UTC).
    - ``before_ssi`` → dropped: date before 2014, when SSI did not exist.
    - ``failed_capture`` → dropped: all four pillars 0 (whatever the total says), or a
      total of 0 without pillars — a tracker that saved an empty or logged-out page.
    - ``out_of_bounds`` → dropped value: a pillar outside 0–25, SSI outside 0–100 or a
      rank outside 0–100 is set missing (never clipped).
    - ``missing_pillar`` → dropped: a row without all four pillars after the bounds check.
    - ``ssi_derived`` → corrected: SSI missing, derived as the sum of the pillars.
    - ``ssi_rounded`` → corrected: SSI given as a whole number (as LinkedIn shows it) that
      agrees with precise pillars within ``integer_sum_tolerance``: the pillar sum is used
      (one log row per member and file).
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
    - ``level_shift`` → flagged: a pillar steps by more than ``level_shift`` points
      against the snapshot up to three days earlier (a step spread over three days counts;
      weekly data: the previous week's) and the median of the next ``shift_window``
      snapshots differs from that of the previous ones by as much (a persisting break,
      e.g. a profile overhaul).
    - ``spike`` → flagged: a step of that size that reverts within two snapshots.
    - ``formula_change`` → flagged: total SSI moves the same way on the same date (±1 day)
      for at least ``formula_min_members`` members and ``formula_min_share`` of the
      members with a snapshot then, each by at least ``formula_min_points`` and
      ``formula_min_z`` times the member's usual change (against the snapshot up to three
      days earlier): a probable LinkedIn formula change (as in February 2017).
    - ``peer_group_change`` → flagged: the industry changed, so ranks and peer averages
      compare with another group.
    - ``annotation`` → noted: each row of ``annotations`` (``date, note`` and optional
      ``member_id``; no member = everyone).

    Parameters
    ----------
    snapshots : SnapshotTable or pandas.DataFrame
        Canonical snapshots, e.g. from :func:`ssi_analysis.load_snapshots`.
    as_of : str or pandas.Timestamp, optional
        The day the data are judged against: later dates are future dates. Default today
        (UTC) plus one day, for time zones ahead of UTC.
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
    formula_min_points, formula_min_z : float
        How far (points of total SSI, and multiples of the member's usual change) a
        member's SSI must move to count as shifting.
    annotations : pandas.DataFrame, optional
        Dated notes carried into the log (and the report's history chart).

    Returns
    -------
    CleanResult
        Cleaned snapshots (one per member-day), the log and the gap list.
    """
    if shift_window < 3:
        raise ValueError(f"shift_window must be at least 3 snapshots, got {shift_window}")
    df = _prepare(snapshots)
    logs: list[pd.DataFrame] = []
    as_of_ts = (pd.Timestamp(as_of).normalize() if as_of is not None
                else pd.Timestamp.now("UTC").tz_localize(None).normalize() + pd.Timedelta(days=1))
    # each rule reuses its freed temporaries; between rules they are given back, so the
    # peak is the largest rule's, not the sum of all (see ssi_analysis.memory)
    df = rules.dated(df, as_of_ts, logs)
    df = rules.failed_captures(df, logs)
    df = rules.out_of_bounds(df, logs)
    df = rules.missing_pillar(df, logs)
    df = rules.sums(df, logs, sum_tolerance=sum_tolerance,
                    integer_sum_tolerance=integer_sum_tolerance)
    give_back()
    d = rules.duplicates(df, logs)
    del df                       # the rows before deduplication (d.df holds what is kept)
    give_back()
    gaps, step = rules.gaps(d, logs, min_gap_days=min_gap_days)
    give_back()
    rules.jumps(d, step, logs, max_daily_jump=max_daily_jump, max_weekly_jump=max_weekly_jump)
    del step
    give_back()
    rules.breaks(d, logs, level_shift=level_shift, shift_window=shift_window,
                 formula_min_members=formula_min_members, formula_min_share=formula_min_share,
                 formula_min_points=formula_min_points, formula_min_z=formula_min_z)
    give_back()
    rules.peer_group_change(d, logs)
    rules.annotations(annotations, d.df, logs)
    cols = [*snapshot_columns(d.df.columns), "precision"]
    return CleanResult(snapshots=d.df[cols], log=_finish_log(logs), gaps=gaps)


__all__ = ["SSI_EPOCH", "CleanResult", "clean_snapshots"]
