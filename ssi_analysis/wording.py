"""Reader-facing sentences: findings, alerts, advice and checks, in plain language.

Every sentence a report shows is built here from the tables, so that the wording is in one
place (and tested there); notebooks display them with :func:`ssi_analysis.display.paragraphs`.
"""

from __future__ import annotations

import os

import pandas as pd

from .numbers import decimals_for, per_action, percent, signed
from .schema import ACTIVITY_LABELS, ACTIVITY_SINGULAR, PILLAR_LABELS, PILLARS
from .store import read_manifest


def effect_sentences(effects: pd.DataFrame, *, alpha: float = 0.10, freq: str = "W"
                     ) -> list[str]:
    """Turn the effects table into plain-language sentences (findings first).

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`estimate_effects`.
    alpha : float
        ``1 - alpha`` is the nominal interval level; the table's own ``interval_level``
        (widened for the number of pairs tested) is the one quoted.
    freq : {"W", "M"}
        The period the effects are per (for the wording "week"/"month").

    Returns
    -------
    list of str
        One sentence per "likely positive"/"likely negative" row, then a summary of the
        rest; every sentence is worded as an association.
    """
    lv = effects["interval_level"].dropna() if "interval_level" in effects else pd.Series([])
    level = percent(lv.iloc[0] if len(lv) else 1 - alpha)
    period = "week" if freq.upper() == "W" else "month"
    out = []
    found = effects[effects["verdict"].isin(["likely positive", "likely negative"])]
    found = found.reindex(found["estimate"].abs().sort_values(ascending=False).index)
    for r in found.itertuples():
        unit = " and ".join(ACTIVITY_SINGULAR.get(a.strip(), a.strip())
                            for a in r.activity.split("+"))
        who = (f"{r.n_members} members and {r.n_periods} member-{period}s" if r.n_members > 1
               else f"{r.n_periods} {period}s")
        est, lo, hi, per = per_action(r.estimate, r.ci_low, r.ci_high)
        d = decimals_for(est, lo, hi)
        if per == "per action":
            lead = f"Each additional {unit} in a {period} goes with"
        else:
            plural = " and ".join(ACTIVITY_LABELS.get(a.strip(), a.strip())
                                  for a in r.activity.split("+"))
            lead = f"Every {per.split()[1]} additional {plural} in a {period} go with"
        out.append(f"{lead} {signed(est, d)} points in {PILLAR_LABELS[r.pillar]} ({level} "
                   f"range {signed(lo, d)} to {signed(hi, d)}; that {period} and the next; "
                   f"based on {who}).")
    neg = effects[effects["verdict"] == "negligible"]
    if len(neg):
        out.append(f"{len(neg)} activity–pillar pairs show no association worth acting on: "
                   "even a typical change in the activity goes with too small a change in the "
                   "pillar to matter.")
    unclear = effects[effects["verdict"] == "unclear"]
    if len(unclear):
        pairs = "pair is" if len(unclear) == 1 else "pairs are"
        out.append(f"{len(unclear)} other activity–pillar {pairs} unclear: the data cannot "
                   "tell a small positive from a small negative association.")
    if not len(found):
        out.insert(0, "No activity shows a clear association with any pillar yet.")
    if len(lv) and lv.iloc[0] > 1 - alpha + 1e-9:
        out.append(f"Ranges are {level} rather than {percent(1 - alpha)} because {len(lv)} pairs "
                   "were tested at once: a range excludes zero exactly when the finding "
                   "holds up after accounting for all of them.")
    return out


def skill_sentences(skill: pd.DataFrame) -> list[str]:
    """Say in words whether activity predicts each pillar better than the usual change.

    Parameters
    ----------
    skill : pandas.DataFrame
        Output of :func:`ssi_analysis.model.predictive_skill`.

    Returns
    -------
    list of str
    """
    done = skill[skill["n"] > 0]
    if done.empty:
        return ["Not enough weeks for an out-of-sample check (about a year of regular "
                "snapshots is needed)."]
    out = []
    for r in done.itertuples():
        verdict = ("activity helps predict it" if r.skill > 0.05 else
                   "activity predicts it no better than your usual weekly change")
        out.append(f"{PILLAR_LABELS[r.pillar]}: {verdict} (skill {r.skill:+.2f} on {r.n} weeks "
                   "the model had not seen; 0 = no better than usual, 1 = perfect).")
    return out


def advice_lines(advice: pd.DataFrame) -> list[str]:
    """Return the advice sentences, or why there are none.

    Parameters
    ----------
    advice : pandas.DataFrame
        Output of :func:`ssi_analysis.advice.advise`.

    Returns
    -------
    list of str
    """
    if advice is None or advice.empty:
        return ["No action can be recommended yet: no activity shows a clear positive "
                "association with a pillar that has room to grow."]
    return [f"{r.rank}. {r.sentence}" for r in advice.itertuples()]


def alerts(snapshots: pd.DataFrame, *, as_of: str = "", stale_days: int = 7,
           drop_points: float = 1.0, rank_drop: float = 5.0) -> list[str]:
    """Plain warnings: stale data, a pillar or a rank that dropped in the last week.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    as_of : str
        Analysis date ``YYYY-MM-DD`` (default: the latest snapshot).
    stale_days : int
        Data older than this many days is stale.
    drop_points : float
        A pillar falling by more than this over 7 days is reported.
    rank_drop : float
        A rank getting worse by more than this many points over 7 days is reported.

    Returns
    -------
    list of str
        Empty when there is nothing to report.
    """
    s = snapshots.sort_values("date")
    last = s.iloc[-1]
    today = pd.Timestamp(as_of) if as_of else last["date"]
    out = []
    age = (today - last["date"]).days
    if age > stale_days:
        when = f"{last['date']:%d %b %Y}"
        out.append(f"Stale data: the latest snapshot is {age} days old (from {when}); LinkedIn "
                   "updates SSI daily, so check that your tracker still runs.")
    before = s[s["date"] <= last["date"] - pd.Timedelta(days=7)]
    if len(before):
        prev = before.iloc[-1]
        for p in PILLARS:
            if prev[p] - last[p] > drop_points:
                out.append(f"{PILLAR_LABELS[p]} dropped {prev[p] - last[p]:.1f} points since "
                           f"{prev['date']:%d %b} ({prev[p]:.1f} → {last[p]:.1f}).")
        for col, name in (("industry_rank", "industry"), ("network_rank", "network")):
            if pd.notna(prev.get(col)) and pd.notna(last.get(col)) and \
                    last[col] - prev[col] > rank_drop:
                out.append(f"Your {name} rank fell from Top {prev[col]:.0f}% to Top "
                           f"{last[col]:.0f}% since {prev['date']:%d %b}.")
    return out


def tz_warning(processed_dir: str | os.PathLike[str], tz: str) -> str:
    """Say whether the data were ingested in another time zone than the report assumes.

    Parameters
    ----------
    processed_dir : str or os.PathLike
        Folder holding ``manifest.json``.
    tz : str
        The report's time zone parameter.

    Returns
    -------
    str
        A warning sentence, or ``""`` when they agree (or ingest recorded none).
    """
    used = read_manifest(processed_dir).get("parameters", {}).get("tz")
    if used and used != tz:
        return (f"Note: the data were ingested with time zone {used}, but this report was asked "
                f"for {tz}; days are counted in {used}. Re-run ingest with --tz {tz} to change it.")
    return ""


def spread_sentences(spread: pd.DataFrame) -> list[str]:
    """Describe how much members differ around the team's value of each pair.

    Parameters
    ----------
    spread : pandas.DataFrame
        Output of :func:`ssi_analysis.team.member_effects` (``team`` = the model's value).

    Returns
    -------
    list of str
    """
    out = []
    for (a, p), g in spread.groupby(["activity", "pillar"], sort=False):
        lo, hi = g["shrunk"].quantile([0.1, 0.9])
        team = float(g["team"].iloc[0])
        name = ACTIVITY_LABELS.get(a, a)
        if hi - lo < 1e-9 * max(1.0, abs(team)):
            out.append(f"{name[:1].upper()}{name[1:]} → {PILLAR_LABELS[p]}: members do not "
                       "measurably differ from the team value above.")
            continue
        t, lo_, hi_, per = per_action(team, lo, hi)
        d = decimals_for(t, lo_, hi_)
        out.append(f"{name[:1].upper()}{name[1:]} → {PILLAR_LABELS[p]}: the team "
                   f"value above is {signed(t, d)} points {per}; most members (80%) lie "
                   f"between {signed(lo_, d)} and {signed(hi_, d)} {per}.")
    if out:
        out.append("Each member's own value is estimated from their own months only and then "
                   "pulled toward the team value in proportion to its uncertainty, so members "
                   "with little data sit close to the team value.")
    return out
