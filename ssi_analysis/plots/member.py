"""Plots of one member: standing, history, ranks, activity, posting hours, coverage.

Axes-level functions (``plot_*(data, *, ..., ax=None) -> Axes``); the figures of the
member report are put together in :mod:`ssi_analysis.plots.figures`.
"""

from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection

from ..schema import ACTIVITY_LABELS, PILLAR_LABELS, PILLAR_MAX, PILLARS
from .style import (
    COUNT_CMAP,
    COUNT_COLOR,
    PALETTE,
    RANK_COLORS,
    SSI_COLOR,
    axes_or_current,
    daily,
    date_axis,
    mark_dates,
)

PEER_MARKERS = {"industry": ("v", "#111111", "industry average"),
                "network": ("D", "#8c8c8c", "network average")}


def plot_standing(latest: pd.Series, *, peers: bool = True, ax=None):
    """Draw the four pillars of the latest snapshot against 25, with peer averages.

    Parameters
    ----------
    latest : pandas.Series
        One cleaned snapshot row (peer columns ``industry_<pillar>`` … are drawn as
        markers when present).
    peers : bool
        Draw the peer averages.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    labels = [textwrap.fill(PILLAR_LABELS[p], 16) for p in PILLARS][::-1]
    vals = [float(latest[p]) for p in PILLARS][::-1]
    y = np.arange(len(PILLARS))
    ax.barh(y, [PILLAR_MAX] * 4, color="#eeeeee", height=0.6)
    ax.barh(y, vals, color=[PALETTE[p] for p in PILLARS][::-1], height=0.6)
    for yi, v in zip(y, vals, strict=True):
        ax.text(PILLAR_MAX + 0.4, yi, f"{v:.1f}", va="center", fontsize=11)
    shown = False
    for group, (marker, color, label) in PEER_MARKERS.items():
        cols = [f"{group}_{p}" for p in PILLARS][::-1]
        if peers and all(pd.notna(latest.get(c)) for c in cols):
            ax.plot([float(latest[c]) for c in cols], y, marker, color=color, ms=7, ls="none",
                    label=label, zorder=4)
            shown = True
    ax.set_yticks(y, labels)
    ax.set_xlim(0, PILLAR_MAX + 3)
    ax.set_xlabel("points (each pillar 0–25)")
    ax.set_title(f"SSI {round(float(latest['ssi']))} of 100 on {latest['date']:%d %b %Y}")
    ax.grid(axis="y", visible=False)
    if shown:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.12), ncols=2, frameon=False,
                  fontsize=10)
    return ax


def plot_ssi_history(snapshots: pd.DataFrame, *, breaks: pd.DataFrame | None = None, ax=None):
    """Draw the SSI over time; the line breaks where no snapshot was saved for 3+ days.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    breaks : pandas.DataFrame, optional
        Rows with ``date`` and ``label``, drawn as numbered dotted lines.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    d = daily(snapshots, ["ssi"])
    ax.plot(d.index, d["ssi"], color=SSI_COLOR, lw=1.6)
    if len(snapshots) < 40:
        ax.plot(snapshots["date"], snapshots["ssi"], "o", color=SSI_COLOR, ms=3.5)
    lo, hi = float(snapshots["ssi"].min()), float(snapshots["ssi"].max())
    pad = max(2.0, 0.15 * (hi - lo))
    ax.set_ylim(max(0, lo - pad), min(100, hi + pad))
    mark_dates(ax, breaks)
    date_axis(ax)
    ax.set_ylabel("SSI")
    ax.set_title("SSI (axis zoomed to your range)")
    return ax


def plot_pillar_history(snapshots: pd.DataFrame, *, breaks: pd.DataFrame | None = None,
                        ax=None, legend: bool = True):
    """Draw the four pillars over time on their common 0–25 scale.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    breaks : pandas.DataFrame, optional
        ``date`` rows marked as dotted lines (unnumbered here).
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    legend : bool
        Draw the legend below the panel.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    d = daily(snapshots, list(PILLARS))
    for p in PILLARS:
        ax.plot(d.index, d[p], color=PALETTE[p], lw=1.5, label=PILLAR_LABELS[p])
    ax.set_ylim(0, PILLAR_MAX)
    mark_dates(ax, breaks, labels=False)
    date_axis(ax)
    ax.set_ylabel("points (0–25)")
    ax.set_title("The four pillars")
    if legend:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2, frameon=False,
                  fontsize=10)
    return ax


def has_ranks(snapshots: pd.DataFrame) -> bool:
    """Tell whether at least two snapshots carry a rank (a rank chart has a line)."""
    return any(c in snapshots and snapshots[c].notna().sum() >= 2 for c in RANK_COLORS)


def plot_ranks(snapshots: pd.DataFrame, *, breaks: pd.DataFrame | None = None, ax=None):
    """Draw industry and network rank ("Top N%") over time, best at the top.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    breaks : pandas.DataFrame, optional
        ``date`` rows marked as dotted lines.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    cols = [c for c in RANK_COLORS if c in snapshots and snapshots[c].notna().any()]
    d = daily(snapshots, cols) if cols else None
    for c in cols:
        ax.plot(d.index, d[c], color=RANK_COLORS[c], lw=1.5, ls="-" if c == "industry_rank"
                else "--", label="industry rank" if c == "industry_rank" else "network rank")
    hi = float(np.nanmax(d.to_numpy())) if cols else 100.0
    ax.set_ylim(min(100, hi * 1.2 + 2), 0)
    mark_dates(ax, breaks, labels=False)
    date_axis(ax)
    ax.set_ylabel("Top N% (lower is better)")
    ax.set_title("Rank among peers")
    if cols:
        ax.legend(loc="lower left", fontsize=10, frameon=False, ncols=2)
    return ax


def weekly_last(snapshots: pd.DataFrame, weeks: int = 7) -> pd.DataFrame:
    """Return the last snapshot of each of the last ``weeks`` calendar weeks that have one."""
    s = snapshots.sort_values("date").assign(week=snapshots["date"].dt.to_period("W-SUN"))
    return s.groupby("week").last().tail(weeks)


def plot_last_weeks(snapshots: pd.DataFrame, *, weeks: int = 7, ax=None):
    """Draw the last weeks as LinkedIn's weekly chart shows them: stacked pillars per week.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    weeks : int
        How many calendar weeks (the last snapshot of each).
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    last = weekly_last(snapshots, weeks)
    x = np.arange(len(last))
    bottom = np.zeros(len(last))
    for p in PILLARS:
        ax.bar(x, last[p], bottom=bottom, color=PALETTE[p], width=0.65, label=PILLAR_LABELS[p])
        bottom += last[p].to_numpy()
    for xi, total in zip(x, last["ssi"], strict=True):
        ax.text(xi, total + 1.5, f"{total:.0f}", ha="center", fontsize=11, fontweight="bold")
    ax.set_xticks(x, [f"{d:%d %b}" for d in last["date"]])
    if len(last) > 5:
        ax.tick_params(axis="x", labelrotation=35)
    ax.set_ylim(0, max(100, bottom.max() + 8) if len(last) else 100)
    ax.set_ylabel("SSI (0–100)")
    n = len(last)
    ax.set_title(f"The last {n} week{'s' if n != 1 else ''} (last snapshot of each week)")
    ax.legend(fontsize=10, frameon=False, ncols=2, loc="upper center",
              bbox_to_anchor=(0.5, -0.25 if n > 5 else -0.15))
    return ax


def activity_periods(weekly: pd.DataFrame, *, max_bars: int = 40) -> tuple[pd.DataFrame, str]:
    """Weekly counts, or monthly sums when there are more than ``max_bars`` weeks.

    A month is not tracked (NaN) when none of its weeks is; partly tracked months sum the
    tracked weeks.

    Parameters
    ----------
    weekly : pandas.DataFrame
        Index = week start, one column per activity (NaN = not tracked).
    max_bars : int
        Most bars per row.

    Returns
    -------
    (pandas.DataFrame, str)
        The counts and ``"week"`` or ``"month"``.
    """
    if len(weekly) <= max_bars:
        return weekly, "week"
    month = weekly.index.to_period("M").to_timestamp()
    return weekly.groupby(month).sum(min_count=1), "month"


def plot_activity_row(counts: pd.Series, unit: str, *, ax):
    """One activity's counts per week or month as bars; untracked periods shaded.

    Parameters
    ----------
    counts : pandas.Series
        Index = period start; NaN = not tracked.
    unit : {"week", "month"}
        Bar width.
    ax : matplotlib.axes.Axes
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    width = pd.Timedelta(days=6 if unit == "week" else 27)
    tracked = counts.notna()
    shown = counts[tracked & (counts != 0)]
    # one collection of rectangles, not a patch per bar: the same picture, drawn in a
    # fraction of the time (a report draws hundreds of these bars)
    days = width / pd.Timedelta(days=1)
    x0 = mdates.date2num(shown.index.to_pydatetime()) if len(shown) else np.empty(0)
    h = shown.to_numpy(float)
    boxes = np.stack([np.c_[x0, 0 * h], np.c_[x0, h], np.c_[x0 + days, h],
                      np.c_[x0 + days, 0 * h]], axis=1)
    ax.add_collection(PolyCollection(boxes, facecolors=COUNT_COLOR, linewidths=0),
                      autolim=False)
    if len(counts):
        ax.xaxis_date()
        ends = mdates.date2num([counts.index[0], counts.index[-1]])
        ax.update_datalim([(ends[0], 0), (ends[1] + days, 0)])
        ax.autoscale_view()
    for start in counts.index[~tracked]:
        ax.axvspan(start, start + width, color="#e8e8e8", lw=0, zorder=0)
    top = float(counts.max()) if tracked.any() else 1.0
    ax.set_ylim(0, max(top, 1) * 1.15)
    ax.set_yticks([0, max(top, 1)], ["0", f"{max(top, 1):.0f}"])
    label = ACTIVITY_LABELS.get(str(counts.name), str(counts.name))
    ax.set_title(f"{label[:1].upper()}{label[1:]}: {counts.sum():.0f} in all, up to {top:.0f} "
                 f"a {unit}", fontsize=11,
                 fontweight="normal")
    ax.grid(axis="x", visible=False)
    return ax


def plot_posting_heatmap(hours: pd.DataFrame, *, activity: str = "posts", tz: str = "",
                         block: int = 3, ax=None):
    """Weekday × time-of-day heatmap of when an activity happens, with counts.

    Parameters
    ----------
    hours : pandas.DataFrame
        ``activity, weekday, hour, count`` (from ``activity_hours``), local time.
    activity : str
        Which activity to draw.
    tz : str
        Time zone name shown in the label.
    block : int
        Hours per column (3: eight readable columns, also on a phone).
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    d = hours[hours["activity"] == activity]
    grid = np.zeros((7, 24 // block))
    np.add.at(grid, (d["weekday"].to_numpy(int), d["hour"].to_numpy(int) // block),
              d["count"].to_numpy())
    ax.imshow(grid, cmap=COUNT_CMAP, aspect="auto", interpolation="nearest", vmin=0,
              vmax=max(float(grid.max()) * 1.25, 1.0))
    for (i, j), v in np.ndenumerate(grid):
        if v:
            ax.text(j, i, f"{int(v)}", ha="center", va="center", fontsize=10,
                    color="white" if v > 0.55 * grid.max() else "#222222")
    ax.set_yticks(range(7), _WEEKDAYS)
    ax.set_xticks(range(24 // block), [f"{h:02d}–{h + block:02d}" for h in range(0, 24, block)])
    ax.tick_params(axis="x", labelsize=10)
    ax.grid(False)
    label = ACTIVITY_LABELS.get(activity, activity)
    ax.set_title(f"When your {label} happen\n(count per weekday and time of day)")
    ax.set_xlabel(f"time of day{f' ({tz})' if tz else ''}")
    return ax


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def plot_snapshot_coverage(snapshots: pd.DataFrame, *, ax=None):
    """Bar chart of days with a snapshot per month against the days in the month.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    month = snapshots["date"].dt.to_period("M")
    counts = month.value_counts().sort_index()
    idx = pd.period_range(counts.index.min(), counts.index.max(), freq="M")
    counts = counts.reindex(idx, fill_value=0)
    x = idx.to_timestamp()
    ax.bar(x, idx.days_in_month, width=25, align="edge", color="#e8e8e8", label="days in month")
    ax.bar(x, counts.to_numpy(), width=25, align="edge", color=COUNT_COLOR,
           label="days with a snapshot")
    date_axis(ax)
    ax.set_ylabel("days")
    ax.set_title("Snapshots per month")
    ax.set_ylim(0, 40)
    ax.legend(loc="upper left", ncols=2, fontsize=10, frameon=False)
    return ax
