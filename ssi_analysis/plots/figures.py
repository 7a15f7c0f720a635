"""The member report's figures, each built outside pyplot and sized for page and phone.

Each builder takes the data of one section and returns a
:class:`matplotlib.figure.Figure`; the sections (:mod:`ssi_analysis.sections`) decide
whether there is enough to draw and say in words what is missing when there is not.
"""

from __future__ import annotations

import pandas as pd

from .member import (
    activity_periods,
    has_ranks,
    plot_activity_row,
    plot_last_weeks,
    plot_pillar_history,
    plot_posting_heatmap,
    plot_ranks,
    plot_snapshot_coverage,
    plot_ssi_history,
    plot_standing,
)
from .style import WIDTH, date_axis, mark_labels, new_figure


def standing_figure(snapshots: pd.DataFrame):
    """Draw the latest pillars against 25 and the peer averages.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member (at least one).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(WIDTH, 3.0)
    plot_standing(snapshots.sort_values("date").iloc[-1], ax=ax)
    return fig


def recent_figure(snapshots: pd.DataFrame, *, weeks: int = 7):
    """Draw the last weeks, stacked as on LinkedIn's SSI page.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    weeks : int
        How many weeks.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(WIDTH, 3.9)
    plot_last_weeks(snapshots, weeks=weeks, ax=ax)
    return fig


def history_figure(snapshots: pd.DataFrame, marks: pd.DataFrame | None = None):
    """SSI, pillars and (when saved) ranks over time, sharing one date axis.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member (two or more).
    marks : pandas.DataFrame, optional
        ``date, label`` rows drawn as numbered dotted lines.

    Returns
    -------
    (matplotlib.figure.Figure, list of str)
        The figure and the numbered mark labels for its caption.
    """
    ranks = has_ranks(snapshots)
    rows = 3 if ranks else 2
    fig, axes = new_figure(WIDTH, 2.3 * rows + 0.9, nrows=rows, sharex=True,
                           gridspec_kw={"height_ratios": [1, 1.3, 1][:rows]})
    plot_ssi_history(snapshots, breaks=marks, ax=axes[0])
    caption = mark_labels(marks)
    plot_pillar_history(snapshots, breaks=marks, ax=axes[1], legend=not ranks)
    if ranks:
        plot_ranks(snapshots, breaks=marks, ax=axes[2])
        handles, labels = axes[1].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False,
                   fontsize=10)
    pad = pd.Timedelta(days=3)
    axes[0].set_xlim(snapshots["date"].min() - pad, snapshots["date"].max() + pad)
    return fig, caption


def activity_figure(weekly: pd.DataFrame):
    """One row of bars per activity that happened: counts per week (or month), own scale.

    Parameters
    ----------
    weekly : pandas.DataFrame
        Index = week start, one column per activity (NaN = not tracked).

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The figure and the period of its bars (``"week"`` or ``"month"``).
    """
    counts, unit = activity_periods(weekly)
    acts = [a for a in counts.columns if counts[a].fillna(0).sum() > 0]
    fig, axes = new_figure(WIDTH, 0.95 * len(acts) + 0.8, nrows=len(acts), sharex=True,
                           squeeze=False)
    for ax, a in zip(axes[:, 0], acts, strict=True):
        plot_activity_row(counts[a], unit, ax=ax)
    date_axis(axes[-1, 0])
    return fig, unit


def hours_figure(hours: pd.DataFrame, *, activity: str = "posts", tz: str = ""):
    """When an activity happens: weekday × time of day.

    Parameters
    ----------
    hours : pandas.DataFrame
        ``activity, weekday, hour, count``.
    activity : str
        Which activity.
    tz : str
        Time zone name.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(WIDTH, 3.4)
    plot_posting_heatmap(hours, activity=activity, tz=tz, ax=ax)
    return fig


def coverage_figure(snapshots: pd.DataFrame):
    """Days with a snapshot per month.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(WIDTH, 2.8)
    plot_snapshot_coverage(snapshots, ax=ax)
    return fig


def projection_figure(projection: pd.DataFrame, *, pillars: bool = True):
    """Draw a what-if projection: the SSI (and each pillar) with its widening 90% range.

    Parameters
    ----------
    projection : pandas.DataFrame
        Output of :func:`ssi_analysis.planner.project`.
    pillars : bool
        Add a panel with the four pillars.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..schema import PILLAR_LABELS, PILLARS
    from .style import PALETTE, SSI_COLOR

    fig, axes = new_figure(WIDTH, 5.6 if pillars else 3.0, nrows=2 if pillars else 1,
                           sharex=True, squeeze=False)
    ssi = projection[projection["pillar"] == "ssi"]
    ax = axes[0, 0]
    ax.fill_between(ssi["date"], ssi["low"], ssi["high"], color=SSI_COLOR, alpha=0.15, lw=0,
                    label="90% range")
    ax.plot(ssi["date"], ssi["expected"], color=SSI_COLOR, lw=2, label="expected")
    ax.set_title("Projected SSI")
    ax.set_ylabel("SSI")
    ax.legend(fontsize=10, frameon=False, loc="upper left")
    if pillars:
        ax2 = axes[1, 0]
        for p in PILLARS:
            d = projection[projection["pillar"] == p]
            ax2.fill_between(d["date"], d["low"], d["high"], color=PALETTE[p], alpha=0.12, lw=0)
            ax2.plot(d["date"], d["expected"], color=PALETTE[p], lw=1.6, label=PILLAR_LABELS[p])
        ax2.set_ylim(0, 25)
        ax2.set_ylabel("points (0–25)")
        ax2.set_title("Projected pillars")
        ax2.legend(fontsize=10, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2),
                   ncols=2)
    date_axis(axes[-1, 0])
    return fig
