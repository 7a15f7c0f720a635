"""What-if planning: project each pillar over the next weeks for chosen activity levels.

The projection is the member's usual weekly drift plus, for each activity, the shrunk
association (points per extra action) times the difference between the planned level and
the member's typical week. It assumes the associations found in the past hold; the range
widens with the weeks (the usual week-to-week noise and the uncertainty of each
association both add up), and every pillar stays within 0–25.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .numbers import signed
from .schema import PILLAR_MAX, PILLARS

Z90 = 1.6449
"""Normal quantile of a 90% range."""

MIN_DRIFT_WEEKS = 4
"""Fewest week-to-week changes before a usual drift is estimated."""


@dataclass(frozen=True)
class Drift:
    """The member's usual weekly change of each pillar and its week-to-week spread."""

    mean: dict[str, float]
    sd: dict[str, float]
    weeks: int


def usual_drift(snapshots: pd.DataFrame, *, weeks: int = 26) -> Drift | None:
    """Median weekly change and its spread per pillar over recent consecutive weeks.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    weeks : int
        Recent weeks used.

    Returns
    -------
    Drift or None
        None with fewer than :data:`MIN_DRIFT_WEEKS` week-to-week changes.
    """
    s = snapshots.sort_values("date", kind="stable")
    w = s.groupby(s["date"].dt.to_period("W-SUN"))[list(PILLARS)].last().tail(weeks + 1)
    ordinal = np.asarray([p.ordinal for p in w.index])
    consecutive = np.diff(ordinal) == 1
    d = w.diff().iloc[1:][consecutive]
    if len(d) < MIN_DRIFT_WEEKS:
        return None
    return Drift({p: float(d[p].median()) for p in PILLARS},
                 {p: float(d[p].std(ddof=1)) for p in PILLARS}, len(d))


def project(snapshots: pd.DataFrame, effects: pd.DataFrame | None, levels: dict[str, float],
            baseline: dict[str, float], *, weeks: int = 12,
            fades: dict | None = None) -> pd.DataFrame:
    """Project each pillar and the SSI over the next ``weeks`` for weekly activity levels.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    effects : pandas.DataFrame or None
        Output of :func:`ssi_analysis.estimate_effects`; only pairs called "likely
        positive" or "likely negative" move a projection (others count as zero), with their
        shrunk estimate and range.
    levels : dict of str to float
        Planned actions a week per activity (activities left out stay at ``baseline``).
    baseline : dict of str to float
        The member's typical week per activity (the drift already contains it).
    weeks : int
        Horizon.
    fades : dict, optional
        ``(activity, pillar)`` → weeks after which a lift faded in the member's past data:
        a steady extra level then raises the pillar for that many weeks and holds it
        there, instead of adding to it every week.

    Returns
    -------
    pandas.DataFrame
        ``week, date, pillar, expected, low, high`` for the four pillars and ``ssi``; empty
        when there is too little history for a usual drift.
    """
    drift = usual_drift(snapshots)
    if drift is None:
        return pd.DataFrame(columns=["week", "date", "pillar", "expected", "low", "high"])
    last = snapshots.sort_values("date", kind="stable").iloc[-1]
    k = np.arange(1, weeks + 1, dtype=float)
    # cumulative extra points (and their half-range) after k weeks, per pillar
    extra = {p: (np.zeros(weeks), np.zeros(weeks)) for p in PILLARS}
    if effects is not None and len(effects):
        clear = effects[effects["verdict"].isin(["likely positive", "likely negative"])]
        for r in clear.itertuples():
            delta = float(levels.get(r.activity, baseline.get(r.activity, 0.0))
                          - baseline.get(r.activity, 0.0))
            est, lo, hi = ((r.shrunk, r.shrunk_low, r.shrunk_high) if "shrunk" in effects
                           else (r.estimate, r.ci_low, r.ci_high))
            held = (fades or {}).get((r.activity, r.pillar))
            steps = np.minimum(k, held) if held and np.isfinite(held) else k
            m, h = extra[r.pillar]
            extra[r.pillar] = (m + steps * delta * est, h + steps * abs(delta) * (hi - lo) / 2)
    rows, total = [], np.zeros((3, weeks))
    for p in PILLARS:
        mid = float(last[p]) + k * drift.mean[p] + extra[p][0]
        half = Z90 * drift.sd[p] * np.sqrt(k) + extra[p][1]
        band = np.clip(np.vstack([mid, mid - half, mid + half]), 0.0, PILLAR_MAX)
        total += band
        rows.append(pd.DataFrame({"week": k.astype(int), "pillar": p, "expected": band[0],
                                  "low": band[1], "high": band[2]}))
    rows.append(pd.DataFrame({"week": k.astype(int), "pillar": "ssi", "expected": total[0],
                              "low": total[1], "high": total[2]}))
    out = pd.concat(rows, ignore_index=True)
    out.insert(1, "date", last["date"].normalize() + pd.to_timedelta(out["week"] * 7, unit="D"))
    return out


def scenarios(snapshots: pd.DataFrame, effects: pd.DataFrame | None,
              plans: dict[str, dict[str, float]], baseline: dict[str, float], *,
              weeks: int = 12, fades: dict | None = None) -> pd.DataFrame:
    """Tabulate a few scenarios: the SSI expected after ``weeks`` for each plan.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    effects : pandas.DataFrame or None
        Output of :func:`ssi_analysis.estimate_effects`.
    plans : dict of str to dict
        Scenario name → weekly activity levels (``{}`` = as usual).
    baseline : dict of str to float
        The member's typical week per activity.
    weeks : int
        Horizon.
    fades : dict, optional
        As in :func:`project`.

    Returns
    -------
    pandas.DataFrame
        ``Scenario, Activity a week, SSI now, SSI in N weeks, 90% range`` (empty when
        there is too little history).
    """
    last = snapshots.sort_values("date", kind="stable").iloc[-1]
    rows = []
    for name, plan in plans.items():
        proj = project(snapshots, effects, plan, baseline, weeks=weeks, fades=fades)
        if proj.empty:
            return pd.DataFrame()
        end = proj[(proj["pillar"] == "ssi") & (proj["week"] == weeks)].iloc[0]
        what = ", ".join(f"{v:.0f} {a.replace('_', ' ')}" for a, v in plan.items()) or \
            "your typical week"
        rows.append({"Scenario": name, "Activity a week": what,
                     "SSI now": f"{float(last['ssi']):.1f}",
                     f"SSI in {weeks} weeks": f"{end['expected']:.1f}",
                     "90% range": f"{end['low']:.1f} to {end['high']:.1f}"})
    return pd.DataFrame(rows)


def goal(snapshots: pd.DataFrame, projection: pd.DataFrame, *, target: float,
         by: str = "") -> list[str]:
    """Progress toward a target SSI and when the projection reaches it.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    projection : pandas.DataFrame
        Output of :func:`project` (a long horizon, e.g. 104 weeks).
    target : float
        Target SSI (0–100).
    by : str
        Target date ``YYYY-MM-DD`` (optional).

    Returns
    -------
    list of str
    """
    s = snapshots.sort_values("date", kind="stable")
    first, now = float(s["ssi"].iloc[0]), float(s["ssi"].iloc[-1])
    out = []
    if now >= target:
        return [f"Goal reached: SSI {now:.1f} against a target of {target:.0f}."]
    done = (now - first) / (target - first) if target > first else 0.0
    line = (f"Goal: SSI {target:.0f}{f' by {pd.Timestamp(by):%d %b %Y}' if by else ''}. You are at "
            f"{now:.1f}, {target - now:.1f} points to go")
    line += (f" ({max(done, 0):.0%} of the way from {first:.1f} on {s['date'].iloc[0]:%d %b %Y})."
             if target > first else ".")
    out.append(line)
    ssi = projection[projection["pillar"] == "ssi"]
    if ssi.empty:
        return out + ["A projected date needs at least a few weeks of weekly snapshots."]
    hit = ssi[ssi["expected"] >= target]
    horizon = int(ssi["week"].max())
    if hit.empty:
        out.append(f"At your usual pace the SSI does not reach {target:.0f} within {horizon} "
                   f"weeks (expected {ssi['expected'].iloc[-1]:.1f} by then).")
    else:
        when = hit["date"].iloc[0]
        late = f"; that is after your date of {pd.Timestamp(by):%d %b %Y}" if by and \
            when > pd.Timestamp(by) else ""
        out.append(f"At your usual pace it reaches {target:.0f} around {when:%d %b %Y}{late} "
                   "(if the past weeks' pace holds).")
    return out


def drift_sentence(drift: Drift | None) -> str:
    """Say what the usual weekly drift is (or that there is too little history for one)."""
    if drift is None:
        return (f"A projection needs at least {MIN_DRIFT_WEEKS} week-to-week changes "
                "(snapshots in consecutive weeks).")
    total = sum(drift.mean.values())
    return (f"Your usual weekly change over the last {drift.weeks} week-to-week changes: "
            f"{signed(total, 2)} SSI points a week (median per pillar, added up).")
