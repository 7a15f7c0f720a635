"""Plots of a team: the distribution now, over time, the coaching grid, spread, coverage.

Every figure builder returns a :class:`matplotlib.figure.Figure` made outside pyplot; no
chart has two y axes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import ACTIVITY_LABELS, PILLAR_LABELS, PILLAR_MAX, PILLARS
from .style import COUNT_CMAP, COUNT_COLOR, PALETTE, SSI_COLOR, WIDTH, date_axis, new_figure

BAND_EDGES = (30, 50, 70)
"""Upper edges of the rule-of-thumb bands 0–30, 31–50, 51–70 (71+ above)."""


def team_distribution_figure(latest: pd.DataFrame):
    """Draw the team now: SSI of every member (0–100) and each pillar (0–25), side by side.

    Parameters
    ----------
    latest : pandas.DataFrame
        Each member's latest snapshot.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (a1, a2) = new_figure(WIDTH, 3.6, ncols=2, gridspec_kw={"width_ratios": [1, 2.2]})
    rng = np.random.default_rng(0)           # fixed jitter: same picture every run
    vals = latest["ssi"].to_numpy(float)
    a1.boxplot([vals], positions=[0], widths=0.5, patch_artist=True, showfliers=False,
               boxprops={"facecolor": "#dddddd"}, medianprops={"color": SSI_COLOR, "lw": 2})
    a1.plot(rng.uniform(-0.18, 0.18, len(vals)), vals, "o", color=SSI_COLOR, ms=3, alpha=0.6)
    for edge in BAND_EDGES:
        a1.axhline(edge + 0.5, color="#999999", ls=":", lw=0.9)
    a1.set_ylim(0, 100)
    a1.set_xticks([0], ["SSI"])
    a1.set_ylabel("SSI (0–100)")
    a1.set_title("SSI")
    data = [latest[p].to_numpy(float) for p in PILLARS]
    bp = a2.boxplot(data, positions=range(4), widths=0.55, patch_artist=True, showfliers=False,
                    medianprops={"color": "white", "lw": 2})
    for box, p in zip(bp["boxes"], PILLARS, strict=True):
        box.set_facecolor(PALETTE[p])
    a2.set_ylim(0, PILLAR_MAX)
    a2.set_xticks(range(4), ["brand", "people", "insights", "relation-\nships"])
    a2.set_ylabel("points (0–25)")
    a2.set_title("Pillars")
    fig.suptitle(f"The team now: {len(latest)} members (dotted: band edges 30/50/70)",
                 fontsize=12, x=0.02, ha="left")
    return fig


def team_over_time_figure(snapshots: pd.DataFrame):
    """Median SSI with the middle half of the team, and the median of each pillar.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned team snapshots (two dates or more).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (a1, a2) = new_figure(WIDTH, 5.4, nrows=2, sharex=True)
    g = snapshots.groupby("date")
    q = g["ssi"].quantile([0.25, 0.5, 0.75]).unstack()
    a1.fill_between(q.index, q[0.25], q[0.75], color=SSI_COLOR, alpha=0.15, lw=0,
                    label="middle half of the team")
    a1.plot(q.index, q[0.5], color=SSI_COLOR, lw=1.8, marker="o", ms=3, label="median")
    a1.set_ylabel("SSI")
    a1.set_title("SSI of the team (median, middle half shaded)")
    a1.legend(fontsize=10, frameon=False, loc="lower left", ncols=2)
    med = g[list(PILLARS)].median()
    for p in PILLARS:
        a2.plot(med.index, med[p], color=PALETTE[p], lw=1.6, marker="o", ms=3,
                label=PILLAR_LABELS[p])
    a2.set_ylim(0, PILLAR_MAX)
    a2.set_ylabel("points (0–25)")
    a2.set_title("Median of each pillar")
    a2.legend(fontsize=10, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2),
              ncols=2)
    date_axis(a2)
    return fig


def coaching_heatmap(grid: pd.DataFrame):
    """Member × pillar heatmap of the members to coach first (weakest pillar first).

    Parameters
    ----------
    grid : pandas.DataFrame
        Rows = members (``Member`` column) in the order to show, one column per pillar
        with its points (0–25).

    Returns
    -------
    matplotlib.figure.Figure
    """
    values = grid[list(PILLARS)].to_numpy(float)
    fig, ax = new_figure(WIDTH, 0.32 * len(grid) + 1.6)
    ax.imshow(values, cmap=COUNT_CMAP, vmin=0, vmax=PILLAR_MAX * 1.3, aspect="auto",
              interpolation="nearest")
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            weakest = j == int(np.nanargmin(values[i]))
            ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=10,
                    fontweight="bold" if weakest else "normal",
                    color="white" if v > 0.6 * PILLAR_MAX * 1.3 else "#111111")
    ax.set_xticks(range(4), ["brand", "people", "insights", "relationships"])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(grid)), grid["Member"])
    ax.tick_params(axis="y", labelsize=10)
    ax.grid(False)
    ax.set_title("Pillar points of the members to coach first\n(bold: weakest pillar)",
                 fontsize=11, pad=22)
    return fig


def member_spread_figure(spread: pd.DataFrame, *, max_pairs: int = 6):
    """Each pair's members' own effects (shrunk toward the team value), one panel a pair.

    Parameters
    ----------
    spread : pandas.DataFrame
        Output of :func:`ssi_analysis.team.member_effects` (``team`` = the model's value).
    max_pairs : int
        Most panels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    pairs = list(spread.groupby(["activity", "pillar"], sort=False))[:max_pairs]
    fig, axes = new_figure(WIDTH, 1.9 * len(pairs) + 0.6, nrows=len(pairs), squeeze=False)
    for ax, ((a, p), g) in zip(axes[:, 0], pairs, strict=True):
        vals = g["shrunk"].dropna().to_numpy(float)
        lo, hi = min(vals.min(), 0.0), max(vals.max(), 0.0)
        pad = max(0.05 * (hi - lo), 1e-3)
        ax.hist(vals, bins=np.linspace(lo - pad, hi + pad, 31), color=PALETTE[p], alpha=0.8)
        ax.axvline(g["team"].iloc[0], color=SSI_COLOR, lw=1.8)
        ax.axvline(0, color="#999999", lw=0.8, ls=":")
        ax.set_title(f"{ACTIVITY_LABELS.get(a, a)} → {PILLAR_LABELS[p]} (line: team value)",
                     fontsize=11)
        ax.set_ylabel("members")
    axes[-1, 0].set_xlabel("points per extra action (each member's own estimate)")
    return fig


def team_coverage_figure(snapshots: pd.DataFrame, activity: pd.DataFrame):
    """Members with a snapshot, and members with activity data, per month.

    Parameters
    ----------
    snapshots, activity : pandas.DataFrame
        Cleaned team snapshots and activity.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(WIDTH, 3.0)
    snap = snapshots.groupby(snapshots["date"].dt.to_period("M"))["member_id"].nunique()
    idx = pd.period_range(snap.index.min(), snap.index.max(), freq="M")
    x = idx.to_timestamp()
    ax.bar(x, snap.reindex(idx, fill_value=0).to_numpy(), width=25, align="edge",
           color="#dddddd", label="members with a snapshot")
    if len(activity):
        act = activity.groupby(activity["date"].dt.to_period("M"))["member_id"].nunique()
        ax.plot(x + pd.Timedelta(days=12), act.reindex(idx, fill_value=0).to_numpy(), "o-",
                color=COUNT_COLOR, ms=3, label="members with activity data")
    date_axis(ax)
    ax.set_ylabel("members")
    ax.set_title("Data per month")
    ax.legend(fontsize=10, frameon=False, loc="lower left")
    return fig
