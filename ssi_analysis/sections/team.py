"""The team report, section by section: at a glance, coaching, the team, effects, data.

Members appear under the project's pseudonyms (or names, when asked for) in every table,
chart and CSV; raw seat ids never leave the processed folder.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import headline, plots, summary, team, wording
from ..display import Box, Chart, Table, Text, View
from ..schema import PILLAR_LABELS, PILLARS, ssi_band
from ..store import Processed
from .common import ASSOCIATION_NOTE, BAND_NOTE

LOW_PILLAR = 5.0
"""A pillar under this many points of 25 is called out in the summary."""


@dataclass
class TeamReport:
    """Everything the team report shows, computed once."""

    data: Processed
    names: dict
    params: dict
    fresh: headline.Freshness
    effects: pd.DataFrame | None
    reason: str
    spread: pd.DataFrame
    grid: pd.DataFrame

    @property
    def latest(self) -> pd.DataFrame:
        """Each member's latest snapshot."""
        return team.latest(self.data.snapshots)


def team_report(data: Processed, names: dict, *, freq: str = "M", max_lag: int = 1,
                alpha: float = 0.1, run_date: str = "", stale_days: int = 45,
                movers_periods: int = 3, **params) -> TeamReport:
    """Compute what the team report shows.

    Parameters
    ----------
    data : Processed
        The team's processed tables.
    names : dict
        Member id → what the report shows (:func:`ssi_analysis.team.display_names`).
    freq, max_lag, alpha : str, int, float
        The effects model's period, lags and ``1 - alpha`` level.
    run_date : str
        ``YYYY-MM-DD`` the report is run on; empty = today.
    stale_days : int
        Data older than this on the run date are stale (monthly usage reports: 45).
    movers_periods : int
        Snapshots back for changes and movers.
    **params
        Other notebook parameters (shown in "About this report").

    Returns
    -------
    TeamReport
    """
    params = {"freq": freq, "max_lag": max_lag, "alpha": alpha, "run_date": run_date,
              "stale_days": stale_days, "movers_periods": movers_periods, **params}
    fresh = headline.freshness(data.snapshots, run_date=run_date, stale_days=stale_days)
    effects, reason = summary.effects_or_reason(data, freq=freq, max_lag=max_lag, alpha=alpha)
    values = ({} if effects is None else
              {(r.activity, r.pillar): r.estimate for r in effects.itertuples()})
    spread = team.member_effects(data.snapshots, data.activity, summary.likely_pairs(effects),
                                 freq=freq, coverage=data.coverage, team_values=values)
    grid = team.coaching_grid(data.snapshots, data.activity, names, periods=movers_periods)
    return TeamReport(data, names, params, fresh, effects, reason, spread, grid)


def summary_view(r: TeamReport) -> View:
    """At a glance: size, median and bands, who is low on what, freshness."""
    last = r.latest
    med = float(last["ssi"].median())
    bands = last["ssi"].map(ssi_band).value_counts()
    low = {p: int((last[p] < LOW_PILLAR).sum()) for p in PILLARS}
    worst = min(PILLARS, key=lambda p: float(last[p].median()))
    lines = [f"{len(last)} members; median SSI {med:.1f} ({ssi_band(med)}*). "
             + ", ".join(f"{bands.get(b, 0)} {b}" for b in
                         ("below average", "ordinary", "above average", "solid")) + ".",
             f"Lowest pillar across the team: {PILLAR_LABELS[worst]} (median "
             f"{last[worst].median():.1f} of 25)."]
    lows = [f"{n} on {PILLAR_LABELS[p]}" for p, n in low.items() if n]
    if lows:
        lines.append(f"Members under {LOW_PILLAR:.0f} of 25 on a pillar: " + "; ".join(lows)
                     + " — see the coaching grid.")
    lines.append(r.fresh.sentence())
    n_clear = len(summary.likely_pairs(r.effects))
    lines.append(f"{n_clear} activity–pillar association{'s' if n_clear != 1 else ''} clear "
                 "across the team." if r.effects is not None else
                 "Associations: not estimable yet (see below).")
    return View().add(Box(lines, kind="alert" if r.fresh.stale else "info",
                          heading="At a glance"), Text(BAND_NOTE, kind="note"))


def coaching_view(r: TeamReport, *, bottom: int = 10) -> View:
    """Who needs coaching on what: grid heatmap, the bottom list, movers with the pillar."""
    grid = r.grid
    show = grid.head(min(bottom * 2, 25))
    v = View().add(Chart(plots.coaching_heatmap(show), alt=(
        f"Heatmap of the four pillars of the {len(show)} members with the weakest pillar, "
        f"lowest first; the weakest is {show['Member'].iloc[0]} with "
        f"{show[list(PILLARS)].iloc[0].min():.1f} on {show['Weakest pillar'].iloc[0]}."),
        caption="Sorted by each member's weakest pillar; the full grid is in "
                "coaching_grid.csv beside this report."))
    table = grid.head(bottom).round({p: 1 for p in PILLARS}).rename(
        columns={p: PILLAR_LABELS[p] for p in PILLARS})
    v.add(Table(table, caption=f"The {min(bottom, len(grid))} members to coach first (weakest "
                               "pillar lowest); activity is the last periods' actions against "
                               "the team median"))
    movers = team.movers(r.data.snapshots, r.names, periods=r.params["movers_periods"])
    return v.add(Table(movers, caption=f"Biggest SSI changes over the last "
                       f"{r.params['movers_periods']} snapshots, with the pillar that moved most",
                       empty="Not enough snapshots per member yet to show movers."))


def team_view(r: TeamReport) -> View:
    """Show the distribution now and the team over time."""
    last = r.latest
    v = View().add(Table(team.overview(r.data.snapshots)))
    q = last["ssi"].quantile([0.25, 0.5, 0.75])
    v.add(Chart(plots.team_distribution_figure(last), alt=(
        f"Box plots of the latest SSI of {len(last)} members (median {q[0.5]:.0f}, middle half "
        f"{q[0.25]:.0f} to {q[0.75]:.0f}) and of each pillar.")))
    dates = r.data.snapshots["date"].nunique()
    if dates >= 2:
        v.add(Chart(plots.team_over_time_figure(r.data.snapshots), alt=(
            f"Median SSI and pillar medians of the team over {dates} snapshot dates.")))
    else:
        v.add(Text("One snapshot date so far: the team's trend appears with the second.",
                   kind="note"))
    return v


def effects_view(r: TeamReport) -> View:
    """Show what moved which pillar across the team (one number per effect)."""
    freq = r.params["freq"]
    if r.effects is None:
        return View().add(Text(r.reason, kind="note"))
    v = View().add(Text(wording.effect_sentences(r.effects, alpha=r.params["alpha"],
                                                 freq=freq)))
    v.add(Text(summary.not_estimated(r.effects), kind="note"))
    v.add(Chart(plots.effects_figure(r.effects, freq=freq), alt="Forest plot of each "
                "activity's estimated points per extra action on each pillar across the team.",
                missing="No activity–pillar pair could be estimated yet."))
    v.add(Table(summary.effects_table(r.effects, freq=freq),
                caption="Every estimated activity–pillar pair"))
    return v.add(Text(ASSOCIATION_NOTE, kind="note"))


def spread_view(r: TeamReport) -> View:
    """How much members differ around each clear team effect."""
    if r.spread.empty:
        return View().add(Text("Shown once an activity has a clear association with a pillar "
                               "across the team.", kind="note"))
    return View().add(Text(wording.spread_sentences(r.spread)),
                      Chart(plots.member_spread_figure(r.spread), alt="Histograms of members' "
                            "own effects for each clear pair, with the team value marked."))


def data_view(r: TeamReport) -> View:
    """Coverage and quality: data per month and per member, cleaning, inputs."""
    d = r.data
    cov = team.coverage(d.snapshots, d.activity, r.names)
    shown, caption = team.coverage_view(cov)
    v = View()
    if d.snapshots["date"].dt.to_period("M").nunique() >= 2:
        v.add(Chart(plots.team_coverage_figure(d.snapshots, d.activity), alt=(
            "Bars of members with a snapshot per month and a line of members with activity "
            "data per month.")))
    v.add(Table(shown, caption=caption))
    v.add(Table(summary.quality_table(d.log, d.gaps, d.snapshots,
                                      as_of=f"{r.fresh.run_date:%Y-%m-%d}")))
    return v.add(Table(summary.ingest_table(d.ingest_log), caption="What was read from each "
                       "input file (rows used, and why others were not)"))


def named(df: pd.DataFrame | None, names: dict, column: str = "member_id") -> pd.DataFrame | None:
    """Replace raw member ids by what the report shows (for every CSV beside the report)."""
    if df is None or column not in df:
        return df
    return df.assign(**{column: df[column].astype(str).map(names).fillna("(unknown member)")})


def tables(r: TeamReport) -> dict:
    """Return the CSV tables beside the report, with pseudonyms instead of seat ids."""
    return {"effects": r.effects, "member_effects": named(r.spread, r.names),
            "coaching_grid": r.grid,
            "coverage": team.coverage(r.data.snapshots, r.data.activity, r.names),
            "leaderboard": team.leaderboard(r.data.snapshots, r.names, top=10**6),
            "cleaning_log": named(r.data.log, r.names),
            "inputs": summary.input_files(r.params.get("processed_dir", ""))
            if r.params.get("processed_dir") else None}
