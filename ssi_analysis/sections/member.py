"""The member report, section by section, adapting to the data there are.

:func:`member_report` computes everything once (effects, advice, progress, freshness);
each section function returns a :class:`~ssi_analysis.display.View` that a notebook cell
shows. A section without data becomes one sentence saying what is missing and how to get
it — never an empty chart or a table with only a header. Day one shows the standing and
what to do next; a few weeks add the trend; months add what moved which pillar.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import advice as adv
from .. import headline, planner, plots, summary, wording
from ..display import Box, Chart, Table, Text, View
from ..errors import InsufficientDataError
from ..model.panel import Panels
from ..model.persistence import persistence
from ..schema import ACTIVITY_LABELS, PILLAR_LABELS, PILLARS
from ..store import Processed
from .common import ASSOCIATION_NOTE, BAND_NOTE, EXPORT_HOWTO

MIN_POSTS_FOR_HOURS = 10
"""Fewest posts before the weekday × time-of-day chart is drawn."""


#: Weeks the persistence trace follows an association, and lags in the timing section's
#: lag profile (the report's shared panel is aligned with the most of these).
LASTING_WEEKS = 8
PROFILE_LAGS = 3


@dataclass
class MemberReport:
    """Everything the member report shows, computed once from the processed data."""

    data: Processed
    params: dict
    fresh: headline.Freshness
    progress: headline.Progress
    effects: pd.DataFrame | None
    reason: str
    advice: pd.DataFrame
    lasting: pd.DataFrame
    weekly: pd.DataFrame
    baseline: dict = field(default_factory=dict)
    panels: Panels | None = None

    @property
    def snapshots(self) -> pd.DataFrame:
        """The member's cleaned snapshots."""
        return self.data.snapshots

    @property
    def stage(self) -> str:
        """``"day one"``, ``"weeks"`` or ``"months"``."""
        return headline.stage(self.progress)

    @property
    def has_activity(self) -> bool:
        """Whether a data export (or activity file) was read for this member."""
        return not self.data.coverage.empty


def member_report(data: Processed, *, freq: str = "W", max_lag: int = 1, alpha: float = 0.1,
                  run_date: str = "", stale_days: int = 7, **params) -> MemberReport:
    """Compute what the member report shows.

    Parameters
    ----------
    data : Processed
        One member's processed tables (:func:`ssi_analysis.store.load_processed`).
    freq, max_lag, alpha : str, int, float
        The effects model's period, lags and ``1 - alpha`` interval level.
    run_date : str
        ``YYYY-MM-DD`` the report is run on (data age, projected dates); empty = today.
    stale_days : int
        Data older than this on the run date are stale.
    **params
        The notebook's other parameters (shown in "About this report").

    Returns
    -------
    MemberReport
    """
    params = {"freq": freq, "max_lag": max_lag, "alpha": alpha, "run_date": run_date,
              "stale_days": stale_days, **params}
    fresh = headline.freshness(data.snapshots, run_date=run_date, stale_days=stale_days)
    prog = headline.progress(data.snapshots, data.coverage, run_date=run_date)
    # the effects model, persistence, lag profile and prediction check share one panel
    # per period, aligned once with the most lags any of them uses
    panels = Panels(data.snapshots, data.activity, data.coverage,
                    max_lag=max(LASTING_WEEKS, PROFILE_LAGS, max_lag))
    effects, reason = (summary.effects_or_reason(data, freq=freq, max_lag=max_lag, alpha=alpha,
                                                 panel=panels.get(freq, max_lag))
                       if not data.coverage.empty else (None, ""))
    pairs = [(a, p) for a, p in summary.likely_pairs(effects) if "+" not in a]
    try:
        lasting = persistence(data.snapshots, data.activity, pairs, coverage=data.coverage,
                              breaks=summary.breaks(data.log), max_lag=LASTING_WEEKS,
                              panel=panels.get("W", LASTING_WEEKS)) if pairs else pd.DataFrame()
    except InsufficientDataError:
        lasting = pd.DataFrame()
    weak = headline.weakest_pillar(data.snapshots.sort_values("date").iloc[-1])
    advice = adv.advise(effects, data.snapshots, data.activity,
                        lasting=lasting if len(lasting) else None, include_pillar=weak.pillar)
    weekly = summary.weekly_activity(data.activity, data.coverage)
    acts = [a for a in weekly.columns] if len(weekly) else []
    baseline = {a: adv.typical_week(data.activity, a) for a in acts}
    return MemberReport(data, params, fresh, prog, effects, reason, advice, lasting, weekly,
                        baseline, panels)


def next_steps(r: MemberReport) -> list[str]:
    """List one to three next steps, from the member's data where it supports them.

    Otherwise what the data still lack, and general guidance labelled as such.

    Parameters
    ----------
    r : MemberReport
        The report.

    Returns
    -------
    list of str
    """
    steps = adv.step_lines(r.advice)[:2] if r.progress.remaining else adv.step_lines(r.advice)
    weak = headline.weakest_pillar(r.snapshots.sort_values("date").iloc[-1])
    if not r.has_activity:
        steps.append(f"{EXPORT_HOWTO[:1].upper()}{EXPORT_HOWTO[1:]} Your activity can then be "
                     "related to your pillars.")
    if r.progress.remaining:
        steps.append(f"Keep saving one SSI snapshot a week. {r.progress.sentence()}")
    if weak.pillar not in set(r.advice["pillar"]):
        steps.append(adv.general_guidance(weak.pillar))
    return steps[:3]


def summary_view(r: MemberReport) -> View:
    """At a glance: score, band and changes, ranks, weakest pillar, freshness, next steps."""
    last = r.snapshots.sort_values("date").iloc[-1]
    weak = headline.weakest_pillar(last)
    alerts = wording.alerts(r.snapshots, as_of=f"{r.fresh.run_date:%Y-%m-%d}",
                            stale_days=10**6, drop_points=r.params.get("drop_alert", 1.0))
    lines = [*headline.glance_sentences(r.snapshots), weak.sentence(), r.fresh.sentence()]
    v = View().add(Box(lines, kind="alert" if r.fresh.stale else "info", heading="At a glance"))
    v.add(Box(alerts, kind="alert", heading="Alerts") if alerts else None)
    v.add(Box(next_steps(r), kind="next", heading="What to do next"))
    target = float(r.params.get("target_ssi") or 0)
    if target:
        v.add(Text(planner.goal(r.snapshots, _long_projection(r), target=target,
                                by=r.params.get("target_date", ""))))
    return v


def _long_projection(r: MemberReport) -> pd.DataFrame:
    return planner.project(r.snapshots, r.effects, {}, r.baseline, weeks=104, fades=fading(r))


def standing_view(r: MemberReport) -> View:
    """Where you stand: pillars against 25 and the peers, the key figures, peer checks."""
    last = r.snapshots.sort_values("date").iloc[-1]
    v = View().add(Chart(plots.standing_figure(r.snapshots),
                         alt=_standing_alt(last), caption="Bars: your pillars (of 25); markers: "
                         "your peers' averages where your tracker saved them."))
    v.add(Table(headline.glance_table(r.snapshots), caption="Key figures (changes over 1 and 7 "
                "weeks are blank until a snapshot that old exists)"))
    v.add(Table(summary.peer_gaps(r.snapshots), caption="Your pillars against your peers",
                empty="Your tracker saved no peer pillar averages, so there is nothing to "
                      "compare with (the salesApiSsi capture and most trackers have them)."))
    v.add(Text(headline.peer_consistency(last)))
    return v.add(Text(BAND_NOTE, kind="note"))


def _standing_alt(last: pd.Series) -> str:
    parts = ", ".join(f"{PILLAR_LABELS[p]} {last[p]:.1f}" for p in PILLARS)
    return (f"Bar chart of the four pillars on {last['date']:%d %b %Y}, each out of 25: "
            f"{parts}; SSI {last['ssi']:.0f}.")


def trend_view(r: MemberReport) -> View:
    """Show the trend: the last weeks and the whole history, once there is more than one week."""
    s = r.snapshots
    weeks = r.progress.weeks
    if weeks < 2:
        nxt = r.fresh.last_date + pd.Timedelta(days=7)
        return View().add(Text(
            f"One week of snapshots so far ({len(s)} snapshot{'s' if len(s) != 1 else ''}): the "
            f"trend appears once you have saved a snapshot in a second week (from "
            f"{nxt:%d %b %Y}).", kind="note"))
    recent = headline.weekly_series(s).tail(7)
    v = View().add(Chart(plots.recent_figure(s), alt=(
        f"Stacked bars of the last {len(recent)} weeks' SSI: "
        + ", ".join(f"{d:%d %b} {x:.0f}" for d, x in zip(recent["date"], recent["ssi"],
                                                           strict=True)) + ".")))
    marks = summary.chart_marks(r.data.log, max_label=120, escape=False)
    marks = marks[marks["date"].between(s["date"].min(), s["date"].max())]
    fig, caption = plots.history_figure(s, marks)
    first, last = s.sort_values("date").iloc[[0, -1]].itertuples()
    v.add(Chart(fig, alt=(f"Line charts from {first.date:%d %b %Y} to {last.date:%d %b %Y}: SSI "
                          f"from {first.ssi:.0f} to {last.ssi:.0f}, the four pillars"
                          f"{' and the ranks' if plots.member.has_ranks(s) else ''}."),
                caption=("Lines break where no snapshot was saved for 3 days or more. "
                         + ("Dotted lines: " + "; ".join(caption) if caption else ""))))
    return v


def activity_view(r: MemberReport) -> View:
    """Show what you did: counts per week of each activity, totals, and when you post."""
    if not r.has_activity:
        return View().add(Text("No activity yet: " + EXPORT_HOWTO, kind="note"))
    weekly = r.weekly
    totals = summary.activity_totals(weekly)
    if weekly.empty or weekly.fillna(0).to_numpy().sum() == 0:
        return View().add(Text("Your data export covers these weeks but holds no actions in "
                               "them.", kind="note"), Table(totals, caption="Activities tracked"))
    fig, unit = plots.activity_figure(weekly)
    busy = totals.sort_values("Total", ascending=False).head(3)
    v = View().add(Chart(fig, alt=(
        f"Bars of actions per {unit} for each activity; most frequent: "
        + ", ".join(f"{a} ({t} in all)" for a, t in zip(busy["Activity"], busy["Total"],
                                                          strict=True)) + "."),
        caption=f"One row per activity, each on its own scale; grey = {unit}s the export does "
                "not cover (unknown, not zero)."))
    v.add(Table(totals, caption="Actions in the period"))
    posts = r.data.hours[r.data.hours["activity"] == "posts"]["count"].sum() \
        if len(r.data.hours) else 0
    if posts >= MIN_POSTS_FOR_HOURS:
        v.add(Chart(plots.hours_figure(r.data.hours, tz=r.params.get("tz", "")),
                    alt=f"Heatmap of when your {int(posts)} posts happened by weekday and time."))
    return v


def effects_view(r: MemberReport) -> View:
    """Show what moved which pillar: findings, the forest plot, the table, lags and prediction."""
    freq = r.params["freq"]
    if r.effects is None:
        why = r.reason or "Relating activity to pillars needs your activity: " + EXPORT_HOWTO
        return View().add(Text([why, r.progress.sentence()], kind="note"))
    v = View().add(Text(wording.effect_sentences(r.effects, alpha=r.params["alpha"], freq=freq)))
    v.add(Text(summary.not_estimated(r.effects), kind="note"))
    fig = plots.effects_figure(r.effects, freq=freq)
    v.add(Chart(fig, alt="Forest plot: for each activity and pillar, the estimated points per "
                         "extra action with its range; " + _verdict_counts(r.effects) + ".",
                caption="Dot: estimate; bar: range; grey band: too small to matter.",
                missing="No activity–pillar pair could be estimated yet."))
    v.add(Table(summary.effects_table(r.effects, freq=freq),
                caption="Every estimated activity–pillar pair"))
    return v.add(Text(ASSOCIATION_NOTE, kind="note"))


def _verdict_counts(effects: pd.DataFrame) -> str:
    c = effects["verdict"].value_counts()
    return ", ".join(f"{n} {v}" for v, n in c.items())


def _panel(r: MemberReport, freq: str, max_lag: int) -> pd.DataFrame | None:
    """Return the report's shared panel with ``max_lag`` lags (None: the model aligns)."""
    return r.panels.get(freq, max_lag) if r.panels is not None else None


def timing_view(r: MemberReport) -> View:
    """When the association shows (lags) and whether activity predicts later weeks."""
    pairs = summary.likely_pairs(r.effects)
    if r.effects is None or not pairs:
        return View().add(Text("Shown once at least one activity has a clear association with "
                               "a pillar.", kind="note"))
    data, freq, alpha = r.data, r.params["freq"], r.params["alpha"]
    profile = summary.lag_profile_or_empty(data, freq=freq, max_lag=PROFILE_LAGS, alpha=alpha,
                                           panel=_panel(r, freq, PROFILE_LAGS))
    v = View()
    drawn = [(a, p) for a, p in pairs if ((profile["activity"] == a)
                                          & (profile["pillar"] == p)).any()]
    if drawn:
        fig, ax = plots.new_figure(plots.WIDTH, 3.6)
        plots.plot_lag_profile(profile, drawn, ax=ax)
        v.add(Chart(fig, alt="Effect of each clear activity–pillar pair by weeks after the "
                             "activity, with ranges."))
    pred, skill = summary.prediction(data, freq=freq, max_lag=r.params["max_lag"],
                                     panel=_panel(r, freq, r.params["max_lag"]))
    v.add(Text(wording.skill_sentences(skill)))
    v.add(Chart(plots.prediction_figure(pred, skill), alt="Observed and predicted weekly "
                "changes of each pillar on weeks the model had not seen.",
                missing=""))
    return v


def advice_view(r: MemberReport) -> View:
    """Advice grouped by activity, a word on the weakest pillar, and the what-if planner."""
    last = r.snapshots.sort_values("date").iloc[-1]
    weak = headline.weakest_pillar(last)
    v = View()
    if r.advice.empty:
        v.add(Text(wording.advice_lines(r.advice)))
    else:
        v.add(Table(adv.by_activity(r.advice), caption="What your own history suggests "
                    "(gains are per week in which you meet the target, shrunk toward zero)"))
    if weak.pillar not in set(r.advice["pillar"]):
        known = "Nothing clear is known yet from your data about what moves it. "
        v.add(Text(f"{PILLAR_LABELS[weak.pillar]} is your weakest pillar. {known}"
                   + adv.general_guidance(weak.pillar)))
    return v.add(planner_view(r))


def plans(r: MemberReport) -> dict[str, dict[str, float]]:
    """Two or three scenarios: as usual, the suggested targets, and twice the extra."""
    out: dict[str, dict[str, float]] = {"As usual": {}}
    if len(r.advice):
        first = r.advice.drop_duplicates("activity")
        out["Suggested targets"] = dict(zip(first["activity"], first["target"], strict=True))
        out["Twice the extra"] = {a: b + 2 * e for a, b, e in zip(
            first["activity"], first["baseline"], first["extra_per_week"], strict=True)}
    return out


def fading(r: MemberReport) -> dict:
    """``(activity, pillar)`` → weeks after which the lift faded, for the fading pairs."""
    if r.lasting is None or r.lasting.empty:
        return {}
    f = r.lasting[r.lasting["verdict"] == "fades"]
    return {(a, p): float(w) for a, p, w in zip(f["activity"], f["pillar"], f["fades_after"],
                                                strict=True)}


def planner_view(r: MemberReport) -> View:
    """Show the what-if table: SSI expected in N weeks for each scenario."""
    weeks = int(r.params.get("plan_weeks", 12))
    drift = planner.usual_drift(r.snapshots)
    if drift is None:
        return View().add(Text("What-if planner: " + planner.drift_sentence(None), kind="note"))
    table = planner.scenarios(r.snapshots, r.effects, plans(r), r.baseline, weeks=weeks,
                              fades=fading(r))
    return View().add(
        Table(table, caption=f"What if: the SSI in {weeks} weeks under each plan"),
        Text([planner.drift_sentence(drift), "The projection assumes the associations above "
              "hold and your other habits stay as they were; a lift that faded in your past data "
              "raises the pillar only for as long as it lasted. The range widens week by "
              "week, and no pillar goes above 25."], kind="note"))


def quality_view(r: MemberReport) -> View:
    """Show data quality: what was read, what the cleaner did, gaps, snapshots per month."""
    d = r.data
    v = View().add(Table(summary.quality_table(d.log, d.gaps, d.snapshots,
                                               as_of=f"{r.fresh.run_date:%Y-%m-%d}")))
    v.add(Table(summary.ingest_table(d.ingest_log), caption="What was read from each input file "
                "(rows used, and why others were not)"))
    months = d.snapshots["date"].dt.to_period("M").nunique()
    if months >= 2:
        v.add(Chart(plots.coverage_figure(d.snapshots), alt=f"Bars of days with a snapshot in "
                    f"each of {months} months."))
    v.add(Table(summary.findings_table(d.log), caption="What the cleaner dropped, corrected, "
                "flagged or noted (newest first)",
                empty="The cleaner found nothing to drop, correct or flag."))
    return v.add(Table(summary.gaps_table(d.gaps), caption="Longest gaps (days without a "
                       "snapshot are never filled in)",
                       empty="No gaps: no stretch without a snapshot longer than your "
                             "usual spacing."))


def activity_names(weekly: pd.DataFrame) -> list[str]:
    """Display names of the activities in a weekly table."""
    return [ACTIVITY_LABELS.get(a, a) for a in weekly.columns]


def tables(r: MemberReport, shown_as: str, processed_dir: str) -> dict:
    """Return the CSV tables beside the report, the member named as in the report.

    ``shown_as`` is the ``member_id`` parameter: a pseudonym when a team run wrote it.
    """
    def named(df):
        return df.assign(member_id=shown_as) if df is not None and "member_id" in df else df

    return {"snapshots": named(r.snapshots), "effects": r.effects, "advice": r.advice,
            "cleaning_log": named(r.data.log), "gaps": named(r.data.gaps),
            "inputs": summary.input_files(processed_dir)}
