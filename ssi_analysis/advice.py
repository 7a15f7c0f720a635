"""Next steps: what the member's own history says about doing more of an activity.

Advice is drawn only from estimates that passed their gates and were called "likely
positive"; gains use the shrunk estimates (toward zero), are capped by each pillar's room
to 25, and are always worded as an association ("goes with"), never as a promise. Where
the data say nothing, :func:`general_guidance` gives LinkedIn's own description of a pillar,
labelled as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .numbers import decimals_for, signed
from .schema import ACTIVITY_LABELS, ACTIVITY_SINGULAR, PILLAR_LABELS, PILLAR_MAX

ADVICE_COLUMNS = ("rank", "activity", "pillar", "baseline", "target", "extra_per_week", "gain",
                  "gain_low", "gain_high", "headroom", "lasting", "fades_after", "sentence")

GUIDANCE = {
    "brand": "complete your profile and publish or share something useful regularly",
    "people": "search for and look at the profiles of the people you want to reach (and, "
              "with Sales Navigator, save them as leads)",
    "insights": "comment on and share posts from the people and topics of your market",
    "relationships": "connect with people you deal with, accept relevant invitations and "
                     "keep conversations going",
}
"""What each pillar measures, in LinkedIn's own general terms (not from anyone's data)."""


def _label(activity: str) -> str:
    return " + ".join(ACTIVITY_LABELS.get(a.strip(), a.strip()) for a in activity.split("+"))


def _weekly_counts(activity: pd.DataFrame, name: str, weeks: int) -> pd.Series:
    parts = [a.strip() for a in name.split("+")]
    act = activity[activity["activity"].isin(parts)]
    if act.empty:
        return pd.Series([0.0] * weeks)
    week = act["date"] - pd.to_timedelta(act["date"].dt.day_of_week, unit="D")
    counts = act.groupby(week)["count"].sum()
    idx = pd.date_range(counts.index.max() - pd.Timedelta(weeks=weeks - 1), counts.index.max(),
                        freq="7D")
    return counts.reindex(idx, fill_value=0)


def typical_week(activity: pd.DataFrame, name: str, *, weeks: int = 26) -> float:
    """Return the member's typical (median) weekly count of an activity over recent weeks.

    Parameters
    ----------
    activity : pandas.DataFrame
        Long activity counts of one member.
    name : str
        Activity (``"a + b"`` for a combined activity).
    weeks : int
        How many recent weeks to look at.

    Returns
    -------
    float
    """
    return float(np.median(_weekly_counts(activity, name, weeks)))


def typical_extra(activity: pd.DataFrame, name: str, *, weeks: int = 26) -> int:
    """Return a realistic weekly increase: the interquartile range of recent weekly counts (≥ 1).

    Parameters
    ----------
    activity : pandas.DataFrame
        Long activity counts of one member.
    name : str
        Activity (``"a + b"`` for a combined activity).
    weeks : int
        How many recent weeks to look at.

    Returns
    -------
    int
    """
    counts = _weekly_counts(activity, name, weeks)
    iqr = float(np.subtract(*np.percentile(counts, [75, 25])))
    return max(1, int(round(iqr)))


def _times(n: float, activity: str) -> str:
    """``"3 posts"`` / ``"1 post"`` (combined activities keep their plural label)."""
    n = int(round(n))
    if "+" not in activity and n == 1:
        return f"1 {ACTIVITY_SINGULAR.get(activity, activity)}"
    return f"{n} {_label(activity)}"


def advise(effects: pd.DataFrame, snapshots: pd.DataFrame, activity: pd.DataFrame, *,
           top: int = 3, min_headroom: float = 1.0,
           lasting: pd.DataFrame | None = None, include_pillar: str = "") -> pd.DataFrame:
    """Rank actions by the weekly pillar gain they go with, within each pillar's headroom.

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`ssi_analysis.estimate_effects` for one member.
    snapshots : pandas.DataFrame
        That member's cleaned snapshots (the latest gives each pillar's headroom).
    activity : pandas.DataFrame
        That member's activity (typical week and a realistic increase).
    top : int, default 3
        How many activity–pillar pairs to return.
    min_headroom : float, default 1
        Pillars with less room than this to 25 get no advice.
    lasting : pandas.DataFrame, optional
        Output of :func:`ssi_analysis.model.persistence.persistence` for these pairs:
        whether each gain lasts or fades.
    include_pillar : str, optional
        A pillar (the weakest) whose best pair is kept even when it is not in the ``top``.

    Returns
    -------
    pandas.DataFrame
        ``rank, activity, pillar, baseline, target, extra_per_week, gain, gain_low,
        gain_high, headroom, lasting, fades_after, sentence``; empty when no estimate is
        likely positive. ``gain`` is per week in which the target is met (shrunk estimate
        × extra actions, capped by the headroom).
    """
    if effects is None or snapshots.empty:
        return pd.DataFrame(columns=list(ADVICE_COLUMNS))
    latest = snapshots.sort_values("date").iloc[-1]
    fades = ({(r.activity, r.pillar): (r.verdict, r.fades_after) for r in lasting.itertuples()}
             if lasting is not None and len(lasting) else {})
    rows = []
    for r in effects[effects["verdict"] == "likely positive"].itertuples():
        room = PILLAR_MAX - float(latest[r.pillar])
        if room < min_headroom:
            continue
        extra = typical_extra(activity, r.activity)
        base = typical_week(activity, r.activity)
        point = (r.shrunk, r.shrunk_low, r.shrunk_high) if "shrunk" in effects else (
            r.estimate, r.ci_low, r.ci_high)
        gain, lo, hi = (min(extra * v, room) for v in point)
        last, after = fades.get((r.activity, r.pillar), ("unknown", np.nan))
        rows.append({"activity": r.activity, "pillar": r.pillar, "baseline": base,
                     "target": base + extra, "extra_per_week": extra, "gain": gain,
                     "gain_low": lo, "gain_high": hi, "headroom": room, "lasting": last,
                     "fades_after": after})
    out = pd.DataFrame(rows, columns=list(ADVICE_COLUMNS)[1:-1])
    out = out.sort_values(["gain", "gain_low"], ascending=False, kind="stable")
    keep = out.index[:top].tolist()
    weak = out.index[out["pillar"] == include_pillar][:1].tolist()
    out = out.loc[keep + [i for i in weak if i not in keep]]
    out["sentence"] = [_sentence(r) for r in out.itertuples()]
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


def _how_long(last: str, after: float) -> str:
    return {"fades": f" In your past data the lift faded within about {after:.0f} weeks: treat "
                     "it as a one-off lift rather than a lasting one.",
            "lasts": " There is no sign of it fading in the weeks after."}.get(last, "")


def _sentence(r) -> str:
    d = decimals_for(r.gain, r.gain_low, r.gain_high)
    more = _times(r.extra_per_week, r.activity).replace(" ", " more ", 1)
    now, then = _times(r.baseline, r.activity), _times(r.target, r.activity)
    return (f"{more} a week ({now} → {then}) goes "
            f"with about {signed(r.gain, d)} points on {PILLAR_LABELS[r.pillar]} in each such "
            f"week (range {signed(r.gain_low, d)} to {signed(r.gain_high, d)}); you have "
            f"{r.headroom:.1f} points of room there.{_how_long(r.lasting, r.fades_after)} An "
            "association in your past data, not a guarantee.")


def by_activity(advice: pd.DataFrame) -> pd.DataFrame:
    """One row per activity: typical week → target, and the pillars the change goes with.

    Parameters
    ----------
    advice : pandas.DataFrame
        Output of :func:`advise`.

    Returns
    -------
    pandas.DataFrame
        ``Activity, Your typical week, Try, Goes with (each week you do it), Does it last?``.
    """
    cols = ["Activity", "Your typical week", "Try", "Goes with (each week you do it)",
            "Does it last?"]
    rows = []
    for a, g in advice.groupby("activity", sort=False):
        gains = []
        for r in g.itertuples():
            d = decimals_for(r.gain, r.gain_low, r.gain_high)
            gains.append(f"{PILLAR_LABELS[r.pillar]} {signed(r.gain, d)} points (range "
                         f"{signed(r.gain_low, d)} to {signed(r.gain_high, d)})")
        last = {"fades": "fades (one-off lift)", "lasts": "no sign of fading"}
        rows.append({"Activity": _label(a).capitalize(),
                     "Your typical week": f"{g['baseline'].iloc[0]:.0f}",
                     "Try": f"{g['target'].iloc[0]:.0f} a week",
                     "Goes with (each week you do it)": "; ".join(gains),
                     "Does it last?": "; ".join(dict.fromkeys(last.get(v, "not yet known")
                                                              for v in g["lasting"]))})
    return pd.DataFrame(rows, columns=cols)


def step_lines(advice: pd.DataFrame, *, limit: int = 3) -> list[str]:
    """Short next steps with absolute targets, one per activity (best first).

    Parameters
    ----------
    advice : pandas.DataFrame
        Output of :func:`advise`.
    limit : int
        Most steps.

    Returns
    -------
    list of str
        ``"Posts: 3 a week instead of your usual 1 — goes with about +0.4 points a week on
        Establish your professional brand (range …)."``
    """
    out = []
    for a, g in advice.groupby("activity", sort=False):
        best = g.iloc[0]
        d = decimals_for(best.gain, best.gain_low, best.gain_high)
        also = f" (and {len(g) - 1} more pillar{'s' if len(g) > 2 else ''})" if len(g) > 1 else ""
        fade = " — a one-off lift in your past data" if best.lasting == "fades" else ""
        out.append(f"{_label(a).capitalize()}: {best.target:.0f} a week instead of your usual "
                   f"{best.baseline:.0f} — goes with about {signed(best.gain, d)} points on "
                   f"{PILLAR_LABELS[best.pillar]} in each such week (range "
                   f"{signed(best.gain_low, d)} to {signed(best.gain_high, d)}){also}{fade}.")
    return out[:limit]


def general_guidance(pillar: str) -> str:
    """LinkedIn's general description of what raises a pillar, labelled as not from data.

    Parameters
    ----------
    pillar : str
        Canonical pillar name.

    Returns
    -------
    str
    """
    return (f"General guidance for {PILLAR_LABELS[pillar]} (what the pillar measures by "
            f"LinkedIn's description, not drawn from your data): {GUIDANCE[pillar]}.")
