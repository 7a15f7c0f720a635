"""Next week's actions: headroom to 25 times the estimated effect of likely-positive activity.

Advice is drawn only from estimates that passed their gates and were called "likely
positive"; it is always worded as an association ("goes with"), never as a promise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import ACTIVITY_LABELS, PILLAR_LABELS, PILLAR_MAX

ADVICE_COLUMNS = ("rank", "activity", "pillar", "extra_per_week", "gain", "gain_low",
                  "gain_high", "headroom", "lasting", "fades_after", "sentence")


def _label(activity: str) -> str:
    return " + ".join(ACTIVITY_LABELS.get(a.strip(), a.strip()) for a in activity.split("+"))


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
    parts = [a.strip() for a in name.split("+")]
    act = activity[activity["activity"].isin(parts)]
    if act.empty:
        return 1
    week = act["date"] - pd.to_timedelta(act["date"].dt.day_of_week, unit="D")
    counts = act.groupby(week)["count"].sum()
    idx = pd.date_range(counts.index.max() - pd.Timedelta(weeks=weeks - 1), counts.index.max(),
                        freq="7D")
    counts = counts.reindex(idx, fill_value=0)
    iqr = float(np.subtract(*np.percentile(counts, [75, 25])))
    return max(1, int(round(iqr)))


def advise(effects: pd.DataFrame, snapshots: pd.DataFrame, activity: pd.DataFrame, *,
           top: int = 3, min_headroom: float = 1.0,
           lasting: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rank next week's actions by the pillar gain they go with, within each pillar's headroom.

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`ssi_analysis.estimate_effects` for one member.
    snapshots : pandas.DataFrame
        That member's cleaned snapshots (the latest gives each pillar's headroom).
    activity : pandas.DataFrame
        That member's activity (for a realistic weekly increase).
    top : int, default 3
        How many actions to return.
    min_headroom : float, default 1
        Pillars with less room than this to 25 get no advice.
    lasting : pandas.DataFrame, optional
        Output of :func:`ssi_analysis.model.persistence.persistence` for these pairs:
        whether each gain lasts or fades.

    Returns
    -------
    pandas.DataFrame
        ``rank, activity, pillar, extra_per_week, gain, gain_low, gain_high, headroom,
        lasting, fades_after, sentence``; empty when no estimate is likely positive.
        Gains use the shrunk estimates (``shrunk``, toward zero), not the raw ones: the
        largest raw estimates are the most overestimated when picked as the best.
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
        point = (r.shrunk, r.shrunk_low, r.shrunk_high) if "shrunk" in effects else (
            r.estimate, r.ci_low, r.ci_high)
        gain, lo, hi = (min(extra * v, room) for v in point)
        last, after = fades.get((r.activity, r.pillar), ("unknown", np.nan))
        label = _label(r.activity)
        if extra == 1 and "+" not in r.activity and label.endswith("s"):
            label = label[:-1]
        how_long = {"fades": f" It has faded within about {after:.0f} weeks in your past data, "
                             "so it is a one-off lift rather than a lasting one.",
                    "lasts": " There is no sign of it fading in the weeks after."}.get(last, "")
        sentence = (f"{extra} more {label} a week goes with about {gain:+.1f} points a week on "
                    f"{PILLAR_LABELS[r.pillar]} (range {lo:+.1f} to {hi:+.1f}); you have "
                    f"{room:.1f} points of room there.{how_long} An association in your past "
                    "data, not a guarantee.")
        rows.append({"activity": r.activity, "pillar": r.pillar, "extra_per_week": extra,
                     "gain": gain, "gain_low": lo, "gain_high": hi, "headroom": room,
                     "lasting": last, "fades_after": after, "sentence": sentence})
    out = pd.DataFrame(rows, columns=list(ADVICE_COLUMNS)[1:])
    out = out.sort_values(["gain", "gain_low"], ascending=False, kind="stable").head(top)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)
