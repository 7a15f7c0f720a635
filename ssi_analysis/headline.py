"""The one-screen summary: standing, changes, weakest pillar, freshness, progress.

Pure functions of the cleaned snapshots (and the activity coverage): the member report's
"At a glance" box, the index page's headline numbers and ``ssi-analysis status`` all come
from here, so they can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .model.effects import changes_needed
from .numbers import signed
from .schema import NOT_MODELLED, PILLAR_LABELS, PILLARS, ssi_band

TYPICAL_EXPORT_ACTIVITIES = 7
"""Activities a LinkedIn data export usually lets the model use (posts, reposts, comments,
reactions, new connections, invitations sent, messages sent): the progress estimate's
assumption before an export has been read."""

PEER_SUM_TOLERANCE = 1.0
"""Peer pillar averages whose sum differs from the peer SSI by more than this are flagged."""


def run_day(run_date: str = "") -> pd.Timestamp:
    """Return the day a report is run: ``run_date`` (``YYYY-MM-DD``) or today (UTC).

    Parameters
    ----------
    run_date : str
        The scheduler's date; empty means today.

    Returns
    -------
    pandas.Timestamp
        Midnight of that day.
    """
    if run_date:
        return pd.Timestamp(run_date).normalize()
    return pd.Timestamp(dt.datetime.now(dt.UTC).date())


@dataclass(frozen=True)
class Freshness:
    """How old the data are on the run date."""

    last_date: pd.Timestamp
    run_date: pd.Timestamp
    age_days: int
    stale: bool
    stale_days: int

    def sentence(self) -> str:
        """Say when the report was run and how old the latest snapshot is."""
        base = (f"Report run on {self.run_date:%d %b %Y}; latest snapshot {self.last_date:%d %b %Y}"
                f" ({_days(self.age_days)} old).")
        if self.stale:
            return (f"Stale data: the latest snapshot is {_days(self.age_days)} old on the run "
                    f"date (more than {self.stale_days}); save a new one (or check that your "
                    "tracker still runs) — LinkedIn updates SSI daily.")
        return base


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def freshness(snapshots: pd.DataFrame, *, run_date: str = "", stale_days: int = 7) -> Freshness:
    """Judge the data's age on the run date (not on the latest snapshot's own date).

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots (one member or a team: the latest date counts).
    run_date : str
        ``YYYY-MM-DD``; empty means today.
    stale_days : int
        Older than this is stale.

    Returns
    -------
    Freshness
    """
    last = pd.Timestamp(snapshots["date"].max()).normalize()
    today = run_day(run_date)
    age = int((today - last).days)
    return Freshness(last, today, age, age > stale_days, stale_days)


def weekly_series(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Return the last snapshot of each calendar week (Monday–Sunday), indexed by the week.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.

    Returns
    -------
    pandas.DataFrame
        Index = ``Period[W-SUN]``; the snapshot columns.
    """
    s = snapshots.sort_values("date", kind="stable")
    return s.groupby(s["date"].dt.to_period("W-SUN")).last()


def _then(snapshots: pd.DataFrame, days: int, tolerance: int) -> pd.Series | None:
    """Return the latest snapshot ``days`` to ``days + tolerance`` before the last."""
    s = snapshots.sort_values("date", kind="stable")
    last = s["date"].iloc[-1]
    before = s[(s["date"] <= last - pd.Timedelta(days=days))
               & (s["date"] >= last - pd.Timedelta(days=days + tolerance))]
    return before.iloc[-1] if len(before) else None


def change(snapshots: pd.DataFrame, column: str, days: int) -> tuple[float, pd.Timestamp] | None:
    """Change of ``column`` over about ``days`` days (the snapshot closest before), or None.

    A snapshot up to a third of the span (at least 3 days) older than asked still counts;
    with no snapshot in that window there is no change to report.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    column : str
        ``ssi``, a pillar or a rank.
    days : int
        The span (7: one week; 49: seven weeks).

    Returns
    -------
    (float, pandas.Timestamp) or None
        The change and the date compared with.
    """
    then = _then(snapshots, days, max(3, days // 3))
    if then is None or column not in snapshots:
        return None
    now = snapshots.sort_values("date", kind="stable").iloc[-1]
    if pd.isna(now[column]) or pd.isna(then[column]):
        return None
    return float(now[column] - then[column]), then["date"]


@dataclass(frozen=True)
class Weakest:
    """The pillar furthest below the peers (or the lowest pillar without peer averages)."""

    pillar: str
    value: float
    industry: float | None
    network: float | None
    basis: str              # "peers" or "lowest"

    def sentence(self) -> str:
        """Say which pillar is weakest and against what."""
        name = PILLAR_LABELS[self.pillar]
        if self.basis == "lowest":
            return (f"Weakest pillar: {name} at {self.value:.1f} of 25 (your tracker saved no "
                    "peer averages to compare with).")
        gaps = [f"{signed(self.value - v)} against your {g}'s average of {v:.1f}"
                for g, v in (("industry", self.industry), ("network", self.network))
                if v is not None]
        joined = "; ".join(gaps)
        return f"Weakest pillar against peers: {name} at {self.value:.1f} of 25 ({joined})."


def weakest_pillar(latest: pd.Series) -> Weakest:
    """Find the pillar furthest below the peer averages (mean gap over the groups saved).

    Parameters
    ----------
    latest : pandas.Series
        The latest snapshot.

    Returns
    -------
    Weakest
        Ties go to the pillar listed first.
    """
    def peer(group, p):
        v = latest.get(f"{group}_{p}")
        return None if v is None or pd.isna(v) else float(v)

    gaps = {}
    for p in PILLARS:
        vals = [v for v in (peer("industry", p), peer("network", p)) if v is not None]
        if vals:
            gaps[p] = float(latest[p]) - float(np.mean(vals))
    if len(gaps) == len(PILLARS):
        p = min(PILLARS, key=lambda q: gaps[q])
        return Weakest(p, float(latest[p]), peer("industry", p), peer("network", p), "peers")
    p = min(PILLARS, key=lambda q: float(latest[q]))
    return Weakest(p, float(latest[p]), None, None, "lowest")


def peer_consistency(latest: pd.Series, *, tolerance: float = PEER_SUM_TOLERANCE) -> list[str]:
    """Flag peer groups whose pillar averages do not add up to their average SSI.

    LinkedIn shows both numbers; they come from different averages and need not agree, but
    a large difference means one of them should not be leaned on.

    Parameters
    ----------
    latest : pandas.Series
        The latest snapshot.
    tolerance : float
        Largest difference accepted silently (points).

    Returns
    -------
    list of str
        One sentence per inconsistent group.
    """
    out = []
    for group in ("industry", "network"):
        parts = [latest.get(f"{group}_{p}") for p in PILLARS]
        total = latest.get(f"{group}_ssi")
        if total is None or pd.isna(total) or any(v is None or pd.isna(v) for v in parts):
            continue
        s = float(sum(parts))
        if abs(s - float(total)) > tolerance:
            out.append(f"Check: your {group} peers' four pillar averages add up to {s:.1f}, but "
                       f"their average SSI is shown as {float(total):.1f}. LinkedIn computes the "
                       "two separately; compare pillars with pillars and SSI with SSI.")
    return out


@dataclass(frozen=True)
class Progress:
    """How far the snapshot history is from what the effects model needs."""

    snapshots: int
    weeks: int
    changes: int
    needed: int
    activities: int
    from_export: bool
    ready_on: pd.Timestamp | None

    @property
    def remaining(self) -> int:
        """Weekly changes still missing (0 when enough)."""
        return max(0, self.needed - self.changes)

    def sentence(self) -> str:
        """Say how many weekly snapshots there are, how many are needed and by when."""
        have = (f"You have {self.weeks} week{'s' if self.weeks != 1 else ''} with a snapshot "
                f"({self.changes} week-to-week change{'s' if self.changes != 1 else ''}).")
        what = (f"the {self.activities} activities in your data export" if self.from_export
                else f"the {self.activities} activities a data export usually holds")
        if not self.remaining:
            return (f"{have} That is enough to relate {what} to your pillars (at least "
                    f"{self.needed} changes); keep saving one a week to sharpen the estimates.")
        return (f"{have} Relating {what} to your pillars needs about {self.needed} weekly "
                f"changes — {self.remaining} more; at one save a week, around "
                f"{self.ready_on:%d %b %Y}.")


def progress(snapshots: pd.DataFrame, coverage: pd.DataFrame | None = None, *,
             run_date: str = "") -> Progress:
    """Count the weekly changes saved so far against the modelling rules' own minimum.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    coverage : pandas.DataFrame, optional
        Activity coverage; its modelled activities set the minimum (without an export, a
        typical export's :data:`TYPICAL_EXPORT_ACTIVITIES`).
    run_date : str
        ``YYYY-MM-DD`` the estimate counts from; empty means today.

    Returns
    -------
    Progress
    """
    weeks = weekly_series(snapshots).index
    ordinal = np.asarray([w.ordinal for w in weeks])
    changes = int((np.diff(ordinal) == 1).sum()) if len(ordinal) > 1 else 0
    acts = ([] if coverage is None or coverage.empty else
            sorted(set(coverage["activity"].astype(str)) - set(NOT_MODELLED)))
    k = len(acts) or TYPICAL_EXPORT_ACTIVITIES
    needed = changes_needed(k)
    start = max(run_day(run_date), pd.Timestamp(snapshots["date"].max()).normalize())
    ready = start + pd.Timedelta(weeks=max(0, needed - changes)) if needed > changes else None
    return Progress(len(snapshots), len(weeks), changes, needed, k, bool(acts), ready)


def stage(prog: Progress) -> str:
    """Return the stage: ``"day one"`` (one week), ``"weeks"``, ``"months"`` (model ready)."""
    if prog.weeks <= 1:
        return "day one"
    return "weeks" if prog.remaining else "months"


def glance_table(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Tabulate the key figures: score, pillars and ranks now, with their change over 1 and 7 weeks.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.

    Returns
    -------
    pandas.DataFrame
        ``What, Now, 1 week, 7 weeks`` (changes blank where no snapshot is that old).
    """
    last = snapshots.sort_values("date", kind="stable").iloc[-1]

    def delta(col, days, fmt):
        c = change(snapshots, col, days)
        return "" if c is None else fmt(c[0])

    pts = signed
    rank = lambda v: f"{signed(v, 0)} (better)" if v < 0 else (  # noqa: E731
        f"{signed(v, 0)} (worse)" if v > 0 else "0")
    rows = [("SSI", f"{round(float(last['ssi']))} of 100 ({ssi_band(last['ssi'])}*)",
             delta("ssi", 7, pts), delta("ssi", 49, pts))]
    for p in PILLARS:
        rows.append((PILLAR_LABELS[p], f"{last[p]:.1f} of 25", delta(p, 7, pts),
                     delta(p, 49, pts)))
    for col, name in (("industry_rank", "Industry rank"), ("network_rank", "Network rank")):
        if pd.notna(last.get(col)):
            rows.append((name, f"Top {last[col]:.0f}%", delta(col, 7, rank),
                         delta(col, 49, rank)))
    return pd.DataFrame(rows, columns=["What", "Now", "1 week", "7 weeks"])


def glance_sentences(snapshots: pd.DataFrame) -> list[str]:
    """Say the headline in words: score and band, the 1- and 7-week change, rank moves.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.

    Returns
    -------
    list of str
    """
    last = snapshots.sort_values("date", kind="stable").iloc[-1]
    head = (f"SSI {round(float(last['ssi']))} of 100 on {last['date']:%d %b %Y} — "
            f"{ssi_band(last['ssi'])} on the community's rule of thumb*.")
    moves = []
    for days, label in ((7, "1 week"), (49, "7 weeks")):
        c = change(snapshots, "ssi", days)
        if c is not None:
            word = "up" if c[0] > 0.05 else ("down" if c[0] < -0.05 else "unchanged")
            amount = f" {abs(c[0]):.1f} points" if word != "unchanged" else ""
            moves.append(f"{word}{amount} over {label} (since {c[1]:%d %b})")
    joined = "; ".join(moves)
    out = [head + (f" {joined[:1].upper()}{joined[1:]}." if moves else "")]
    for col, name in (("industry_rank", "industry"), ("network_rank", "network")):
        c = change(snapshots, col, 49) or change(snapshots, col, 7)
        if pd.notna(last.get(col)):
            txt = f"Your {name} rank: Top {last[col]:.0f}%"
            if c is not None and abs(c[0]) >= 1:
                txt += (f", {'up' if c[0] < 0 else 'down'} from Top {last[col] - c[0]:.0f}% on "
                        f"{c[1]:%d %b}")
            out.append(txt + " (lower is better).")
    return out


def headline_record(snapshots: pd.DataFrame, fresh: Freshness, *, weeks: int = 26) -> dict:
    """Return the numbers the index page shows for a report (written as ``headline.json``).

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots (one member, or a team: medians per date).
    fresh : Freshness
        From :func:`freshness`.
    weeks : int
        Weeks of the sparkline.

    Returns
    -------
    dict
        ``ssi, band, team_members, change, change_span, weakest, run_date, data_as_of,
        stale, spark`` (plain types).
    """
    team = snapshots["member_id"].nunique() > 1
    if team:
        per_date = snapshots.groupby("date")[["ssi", *PILLARS]].median().reset_index()
        series = per_date.assign(member_id="team")
    else:
        series = snapshots
    last = series.sort_values("date", kind="stable").iloc[-1]
    gaps = series["date"].sort_values().diff().dt.days.dropna()
    monthly = len(gaps) > 0 and float(gaps.median()) >= 25
    c = change(series, "ssi", 28 if monthly else 7)
    spark = weekly_series(series)["ssi"].tail(weeks)
    weak = weakest_pillar(last) if not team else Weakest(
        min(PILLARS, key=lambda p: float(last[p])), 0.0, None, None, "lowest")
    return {"ssi": round(float(last["ssi"]), 1), "band": ssi_band(last["ssi"]),
            "team_members": int(snapshots["member_id"].nunique()) if team else 0,
            "change": None if c is None else round(c[0], 1),
            "change_span": "1 month" if monthly else "7 days",
            "weakest": PILLAR_LABELS[weak.pillar],
            "run_date": f"{fresh.run_date:%Y-%m-%d}", "data_as_of": f"{fresh.last_date:%Y-%m-%d}",
            "stale": bool(fresh.stale), "spark": [round(float(v), 1) for v in spark]}


def status_record(snapshots: pd.DataFrame, coverage: pd.DataFrame | None, *,
                  run_date: str = "", stale_days: int = 7) -> pd.DataFrame:
    """Per member: snapshots, first and last, weeks covered, gaps, the next milestone.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots (any number of members).
    coverage : pandas.DataFrame, optional
        Activity coverage (for each member's modelling minimum).
    run_date : str
        ``YYYY-MM-DD``; empty means today.
    stale_days : int
        Older than this is stale.

    Returns
    -------
    pandas.DataFrame
        ``member_id, snapshots, cadence, first, last, weeks, changes, gaps, needed, ready_on,
        age_days, stale`` (gaps: more than 7 days without a snapshot, or 45 for monthly
        usage reports).
    """
    rows = []
    for m, s in snapshots.groupby("member_id", sort=True, observed=True):
        cov = None if coverage is None or coverage.empty else (
            coverage[coverage["member_id"] == m] if "member_id" in coverage else coverage)
        prog = progress(s, cov, run_date=run_date)
        fresh = freshness(s, run_date=run_date, stale_days=stale_days)
        days = s["date"].sort_values().diff().dt.days
        monthly = len(days.dropna()) > 0 and float(days.median()) >= 25
        rows.append({"member_id": str(m), "snapshots": prog.snapshots,
                     "cadence": "monthly" if monthly else "daily or weekly",
                     "first": f"{s['date'].min():%Y-%m-%d}", "last": f"{s['date'].max():%Y-%m-%d}",
                     "weeks": prog.weeks, "changes": prog.changes,
                     "gaps": int((days > (45 if monthly else 7)).sum()), "needed": prog.needed,
                     "ready_on": "" if prog.ready_on is None else f"{prog.ready_on:%Y-%m-%d}",
                     "age_days": fresh.age_days, "stale": fresh.stale})
    return pd.DataFrame(rows)


__all__ = ["Freshness", "Progress", "Weakest", "change", "freshness", "glance_sentences",
           "glance_table", "headline_record", "peer_consistency", "progress", "run_day", "stage",
           "status_record", "weakest_pillar", "weekly_series"]
