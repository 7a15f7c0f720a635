"""Plots of one member: standing, history, ranks, activity, posting hours, coverage."""

from __future__ import annotations

import matplotlib.dates  # noqa: F401  (mpl.dates)
import numpy as np
import pandas as pd

from ..schema import ACTIVITY_LABELS, PILLAR_LABELS, PILLAR_MAX, PILLARS
from .style import PALETTE, SSI_COLOR, axes_or_current, daily, mark_dates


def plot_standing(latest: pd.Series, *, peers: pd.Series | None = None, ax=None):
    """Draw the four pillars of the latest snapshot against their 25-point maximum.

    Parameters
    ----------
    latest : pandas.Series
        One cleaned snapshot row.
    peers : pandas.Series, optional
        Peer pillar averages (same index names) drawn as markers.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    labels = [PILLAR_LABELS[p] for p in PILLARS][::-1]
    vals = [float(latest[p]) for p in PILLARS][::-1]
    y = np.arange(len(PILLARS))
    ax.barh(y, [PILLAR_MAX] * 4, color="#eeeeee", height=0.6)
    ax.barh(y, vals, color=[PALETTE[p] for p in PILLARS][::-1], height=0.6)
    for yi, v in zip(y, vals, strict=True):
        ax.text(v + 0.3, yi, f"{v:.1f}", va="center", fontsize=10)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, PILLAR_MAX + 2)
    ax.set_xlabel("points (each pillar 0–25)")
    ax.set_title(f"SSI {round(float(latest['ssi']))} of 100 on {latest['date']:%d %b %Y}")
    ax.grid(axis="y", visible=False)
    return ax


def plot_ssi_history(snapshots: pd.DataFrame, *, breaks: pd.DataFrame | None = None, ax=None):
    """Draw the SSI over time (lines break where snapshots are missing).

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    breaks : pandas.DataFrame, optional
        Rows with ``date`` and ``label`` marked as vertical lines (formula changes, notes).
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    d = snapshots.sort_values("date").set_index("date")
    bottom = np.zeros(len(d))
    for p in PILLARS:
        top = bottom + d[p].to_numpy()
        ax.fill_between(d.index, bottom, top, color=PALETTE[p], alpha=0.85, lw=0,
                        label=PILLAR_LABELS[p])
        bottom = top
    ax.plot(d.index, d["ssi"], color=SSI_COLOR, lw=1.0)
    # gaps of 3 days or more are shaded, never drawn as data
    step = d.index.to_series().diff().dt.days
    for end, days in step[step >= 3].items():
        ax.axvspan(end - pd.Timedelta(days=int(days)), end, color="white", lw=0, zorder=2)
        ax.axvspan(end - pd.Timedelta(days=int(days)), end, color="#bbbbbb", alpha=0.35, lw=0,
                   zorder=3)
    hi = np.nanmax(d["ssi"].to_numpy()) if d["ssi"].notna().any() else 100
    ax.set_ylim(0, min(100, hi * 1.3 + 2))
    mark_dates(ax, breaks)
    ax.set_ylabel("SSI (0–100)")
    ax.set_title("SSI over time: the four pillars stacked (grey: no snapshot for 3+ days)")
    return ax


def plot_pillar_history(snapshots: pd.DataFrame, *, breaks: pd.DataFrame | None = None,
                        ax=None):
    """Draw the four pillars over time on their common 0–25 scale.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    breaks : pandas.DataFrame, optional
        ``date`` rows marked as dashed lines (unlabelled here).
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    d = daily(snapshots, list(PILLARS))
    for p in PILLARS:
        ax.plot(d.index, d[p], color=PALETTE[p], lw=1.3, label=PILLAR_LABELS[p])
    ax.set_ylim(0, PILLAR_MAX)
    mark_dates(ax, breaks, labels=False)
    ax.set_ylabel("points (0–25)")
    ax.set_title("The four pillars over time")
    ax.legend(loc="upper left", ncols=2, fontsize=8, frameon=False)
    return ax


def plot_ranks(snapshots: pd.DataFrame, *, breaks: pd.DataFrame | None = None, ax=None):
    """Draw industry and network rank ("Top N%") over time, best at the top.

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
    snapshots = snapshots.assign(**{c: np.nan for c in ("industry_rank", "network_rank")
                                    if c not in snapshots})
    d = daily(snapshots, ["industry_rank", "network_rank"])
    ax.plot(d.index, d["industry_rank"], color="#0173b2", lw=1.3, label="Industry rank")
    ax.plot(d.index, d["network_rank"], color="#de8f05", lw=1.3, ls="--", label="Network rank")
    hi = np.nanmax(d.to_numpy()) if np.isfinite(d.to_numpy()).any() else 100
    ax.set_ylim(min(100, hi + 5), 0)
    mark_dates(ax, breaks, labels=False)
    ax.set_ylabel("Top N% (lower is better)")
    ax.set_title("Rank among industry and network peers")
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    return ax


def plot_last_weeks(snapshots: pd.DataFrame, *, weeks: int = 7, ax=None):
    """Return the last weeks as LinkedIn's weekly chart shows them: stacked pillars per week.

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
    s = snapshots.assign(week=snapshots["date"].dt.to_period("W-SUN"))
    last = s.groupby("week").last().tail(weeks)
    x = np.arange(len(last))
    bottom = np.zeros(len(last))
    for p in PILLARS:
        ax.bar(x, last[p], bottom=bottom, color=PALETTE[p], width=0.65, label=PILLAR_LABELS[p])
        bottom += last[p].to_numpy()
    for xi, total in zip(x, last["ssi"], strict=True):
        ax.text(xi, total + 1, f"{total:.0f}", ha="center", fontsize=9, fontweight="bold")
    ax.set_xticks(x, [f"{d:%d %b}" for d in last["date"]])
    ax.set_ylim(0, max(100, bottom.max() + 8) if len(last) else 100)
    ax.set_ylabel("SSI (0–100)")
    ax.set_title(f"The last {len(last)} weeks (last snapshot of each week)")
    ax.legend(fontsize=7.5, frameon=False, ncols=4, loc="upper left")
    return ax


def plot_activity(weekly: pd.DataFrame, *, ax=None):
    """Draw weekly activity counts as a heatmap (activity x week).

    Parameters
    ----------
    weekly : pandas.DataFrame
        Index = week start, one column per activity (NaN = not tracked).
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    data = weekly.T
    scaled = data.div(data.max(axis=1).replace(0, 1), axis=0)
    im = ax.imshow(scaled.to_numpy(float), aspect="auto", cmap="Blues", interpolation="nearest",
                   vmin=0, vmax=1)
    ax.set_yticks(range(len(data.index)), [ACTIVITY_LABELS.get(a, a) for a in data.index])
    ticks = np.linspace(0, len(data.columns) - 1, min(8, len(data.columns))).astype(int)
    ax.set_xticks(ticks, [f"{data.columns[t]:%b %Y}" for t in ticks])
    ax.grid(False)
    ax.set_title("Activity per week (darker = more, relative to each row's busiest week)")
    ax.figure.colorbar(im, ax=ax, fraction=0.025, pad=0.01, label="share of busiest week")
    return ax


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def plot_posting_heatmap(hours: pd.DataFrame, *, activity: str = "posts", tz: str = "",
                         min_count: int = 2, ax=None):
    """Weekday x hour heatmap of when an activity happens, with counts; sparse cells grey.

    Parameters
    ----------
    hours : pandas.DataFrame
        ``activity, weekday, hour, count`` (from ``activity_hours``), local time.
    activity : str
        Which activity to draw.
    tz : str
        Time zone name shown in the title.
    min_count : int
        Cells with fewer events are greyed (too few to read anything into).
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    d = hours[hours["activity"] == activity]
    grid = np.zeros((7, 24))
    np.add.at(grid, (d["weekday"].to_numpy(int), d["hour"].to_numpy(int)), d["count"].to_numpy())
    shown = np.where(grid >= min_count, grid, np.nan)
    ax.imshow(np.where(grid < min_count, 1, np.nan), cmap="Greys", vmin=0, vmax=8,
              aspect="auto", interpolation="nearest")
    im = ax.imshow(shown, cmap="Blues", aspect="auto", interpolation="nearest",
                   vmin=0, vmax=max(float(np.nanmax(grid)), 1.0))
    for (i, j), v in np.ndenumerate(grid):
        if v:
            dark = v >= min_count and v > 0.6 * np.nanmax(grid)
            ax.text(j, i, f"{int(v)}", ha="center", va="center", fontsize=6.5,
                    color="white" if dark else "#333333")
    ax.set_yticks(range(7), _WEEKDAYS)
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}h" for h in range(0, 24, 2)])
    ax.grid(False)
    label = ACTIVITY_LABELS.get(activity, activity)
    where = f" ({tz} time)" if tz else ""
    ax.set_title(f"When your {label} happen: weekday × hour{where}; grey = fewer than "
                 f"{min_count}")
    ax.set_xlabel("hour of day")
    ax.figure.colorbar(im, ax=ax, fraction=0.025, pad=0.01, label=f"{label} (count)")
    return ax


def plot_snapshot_coverage(snapshots: pd.DataFrame, *, ax=None):
    """Bar chart of snapshots per month against the days in the month.

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
    ax.bar(x, idx.days_in_month, width=25, color="#eeeeee", label="days in month")
    ax.bar(x, counts.to_numpy(), width=25, color="#0173b2", label="days with a snapshot")
    ax.set_ylabel("days")
    ax.set_title("Snapshots per month")
    ax.set_ylim(0, 40)
    ax.legend(loc="upper left", ncols=2, fontsize=8, frameon=False)
    return ax
