"""The report style: one colour-blind-safe palette, fonts, and shared axis helpers."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.dates  # noqa: F401  (mpl.dates)
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from ..schema import PILLARS

PALETTE = dict(zip(PILLARS, sns.color_palette("colorblind", 4).as_hex(), strict=True))


SSI_COLOR = "#333333"
"""The SSI itself (and medians of it): near-black, never a pillar colour."""

VERDICT_COLORS = {"likely positive": "#6a3d9a", "likely negative": "#c51b7d",
                  "unclear": "#949494", "negligible": "#cccccc", "not estimable": "#ffffff"}
"""Verdicts: purple and magenta, distinct from the four pillar colours."""

MARK_COLOR = "#444444"
"""Breaks and notes on time axes (dotted)."""

RANK_COLORS = {"industry_rank": "#333333", "network_rank": "#8c8c8c"}
"""Ranks: black (industry) and grey dashed (network): ranks are not pillars."""

WIDTH = 5.4
"""Width of every report figure in inches (540 px): on a 400 px phone it shrinks to about
0.7, which keeps its smallest text (10 pt) near 10 px."""

COUNT_COLOR = "#5a5a5a"
COUNT_CMAP = "Greys"
"""Counts of actions (bars and heatmaps)."""


def set_theme() -> None:
    """Set the report style once (fonts, sizes, deterministic image metadata)."""
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update({            # compact figures, large text: legible on a phone too
        "figure.figsize": (WIDTH, 3.2),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 13,
        "axes.titleweight": "bold",
        "axes.titlesize": 13,
        "axes.labelsize": 12,
        "xtick.labelsize": 11.5,
        "ytick.labelsize": 11.5,
        "legend.fontsize": 11,
        "axes.titlelocation": "left",
        "svg.hashsalt": "ssi-analysis",
        "date.autoformatter.month": "%b %Y",
    })


def axes_or_current(ax):
    """Return ``ax``, or the current axes when it is None."""
    return plt.gca() if ax is None else ax


def daily(df: pd.DataFrame, cols, *, bridge: int = 2) -> pd.DataFrame:
    """Reindex to every day so that lines break at gaps instead of bridging them.

    Runs of at most ``bridge`` missing days are joined (a tracker that skipped a weekend is
    not a gap worth a break); longer runs stay missing, so the line breaks there.
    """
    d = df.sort_values("date").drop_duplicates("date", keep="last").set_index("date")[cols]
    d = d.reindex(pd.date_range(d.index.min(), d.index.max(), freq="D"))
    missing = d.isna().all(axis=1)
    run = missing.ne(missing.shift()).cumsum()
    short = missing & (missing.groupby(run).transform("size") <= bridge)
    filled = d.interpolate(limit_area="inside")
    return d.where(~short, filled)


def mark_dates(ax, marks: pd.DataFrame | None, *, labels: bool = True) -> list[str]:
    """Dotted vertical lines at the dates in ``marks``, numbered 1, 2, … at the top.

    The labels are not written on the chart (long notes overlap and get cut off); they are
    returned as ``"1: <date> <label>"`` lines for the caption under the chart.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    marks : pandas.DataFrame or None
        ``date`` and ``label`` rows.
    labels : bool
        Draw the numbers (only on one panel of a stack).

    Returns
    -------
    list of str
        The caption lines, in date order.
    """
    if marks is None or marks.empty:
        return []
    for i, r in enumerate(marks.sort_values("date", kind="stable").itertuples(), start=1):
        ax.axvline(r.date, color=MARK_COLOR, ls=":", lw=1.1)
        if labels:
            ax.annotate(str(i), (r.date, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, -3), textcoords="offset points", ha="center", va="top",
                        fontsize=10, color=MARK_COLOR, fontweight="bold",
                        bbox={"boxstyle": "circle,pad=0.15", "fc": "white", "ec": MARK_COLOR,
                              "lw": 0.8}, zorder=6)
    return mark_labels(marks)


def mark_labels(marks: pd.DataFrame | None) -> list[str]:
    """Return the caption lines ``"1: <date> <label>"`` for the numbers :func:`mark_dates` draws."""
    if marks is None or marks.empty:
        return []
    return [f"{i}: {r.date:%d %b %Y} {r.label}" for i, r in
            enumerate(marks.sort_values("date", kind="stable").itertuples(), start=1)]


def date_axis(ax, *, maxticks: int = 6) -> None:
    """Concise date ticks that never run together (at most ``maxticks``)."""
    loc = mpl.dates.AutoDateLocator(minticks=2, maxticks=maxticks)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mpl.dates.ConciseDateFormatter(loc))


def new_figure(width: float = WIDTH, height: float = 3.2, **subplots):
    """Make a figure outside pyplot (never shown twice, nothing global) and its axes.

    Parameters
    ----------
    width, height : float
        Size in inches (at 100 dpi; :data:`WIDTH` wide for the reports).
    **subplots
        Passed to :meth:`matplotlib.figure.Figure.subplots`.

    Returns
    -------
    (matplotlib.figure.Figure, axes)
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots(**subplots)
