"""Plots of a team: the distribution now, over time, and how members' effects spread."""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import matplotlib.dates  # noqa: F401  (mpl.dates)
import numpy as np
import pandas as pd
import seaborn as sns

from ..schema import ACTIVITY_LABELS, PILLAR_LABELS, PILLARS
from .style import PALETTE, SSI_COLOR, axes_or_current


def plot_team_distribution(snapshots: pd.DataFrame, *, ax=None):
    """Box plots of the team's latest SSI (0–100 axis) and pillars (scaled ×4 to match).

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned team snapshots.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    last = snapshots.sort_values(["member_id", "date"]).groupby("member_id").tail(1)
    data = [last["ssi"].to_numpy()] + [last[p].to_numpy() for p in PILLARS]
    labels = ["SSI (0–100)"] + [textwrap.fill(PILLAR_LABELS[p], 16) + "\n(0–25)" for p in PILLARS]
    colors = [SSI_COLOR] + [PALETTE[p] for p in PILLARS]
    axes = [ax, ax.twinx()]
    for i, (vals, c) in enumerate(zip(data, colors, strict=True)):
        target = axes[0] if i == 0 else axes[1]
        bp = target.boxplot([vals], positions=[i], widths=0.55, patch_artist=True,
                            medianprops={"color": "white", "lw": 2})
        for box in bp["boxes"]:
            box.set_facecolor(c)
    axes[0].set_ylim(0, 100)
    axes[1].set_ylim(0, 25)
    axes[0].set_ylabel("SSI (0–100)")
    axes[1].set_ylabel("pillar points (0–25)")
    axes[1].grid(False)
    ax.set_xticks(range(5), labels, fontsize=8)
    ax.set_title(f"The team now: {len(last)} members, latest snapshot each")
    return ax


def plot_team_over_time(snapshots: pd.DataFrame, *, ax=None):
    """Median SSI of the team per snapshot date, with the middle half shaded.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned team snapshots.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    g = snapshots.groupby("date")["ssi"]
    q = g.quantile([0.25, 0.5, 0.75]).unstack()
    ax.fill_between(q.index, q[0.25], q[0.75], color=SSI_COLOR, alpha=0.15,
                    label="middle half of the team")
    ax.plot(q.index, q[0.5], color=SSI_COLOR, lw=1.6, label="median SSI")
    for p in PILLARS:
        ax.plot(q.index, snapshots.groupby("date")[p].median() * 4, color=PALETTE[p], lw=1,
                ls="--", label=f"median {PILLAR_LABELS[p]} ×4")
    ax.set_ylim(0, 100)
    ax.xaxis.set_major_locator(mpl.dates.AutoDateLocator(maxticks=7))
    ax.set_ylabel("SSI (0–100)")
    ax.set_title("The team over time")
    ax.legend(fontsize=7, frameon=False, ncols=3, loc="lower left")
    return ax


def plot_member_spread(spread: pd.DataFrame, *, ax=None):
    """Histogram of members' own (shrunk) effects per pair, with the team's pooled value.

    Parameters
    ----------
    spread : pandas.DataFrame
        Output of :func:`ssi_analysis.team.member_effects`.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    # one set of bin edges for every pair: a pair whose members all have the same value
    # is one narrow bar, not a bar stretched over the default ±0.5 range
    vals = spread["shrunk"].to_numpy(float) if len(spread) else np.zeros(1)
    vals = vals[np.isfinite(vals)] if np.isfinite(vals).any() else np.zeros(1)
    lo, hi = float(vals.min()), float(vals.max())
    half = max(0.5 * (hi - lo), 0.002)
    edges = np.linspace((lo + hi) / 2 - half * 1.05, (lo + hi) / 2 + half * 1.05, 41)
    for i, ((a, p), g) in enumerate(spread.groupby(["activity", "pillar"], sort=False)):
        c = sns.color_palette("colorblind", 8)[i % 8]
        ax.hist(g["shrunk"].dropna(), bins=edges, alpha=0.55, color=c,
                label=f"{ACTIVITY_LABELS.get(a, a)} → {PILLAR_LABELS[p]}")
        ax.axvline(g["pooled"].iloc[0], color=c, lw=1.5)
    ax.axvline(0, color="#666666", lw=0.8)
    if len(spread):
        lo, hi = spread["shrunk"].min(), spread["shrunk"].max()
        pad = max(0.01, 0.1 * (hi - lo))
        ax.set_xlim(min(lo, 0) - pad, hi + pad)
    ax.set_xlabel("points per extra action (each member's own, shrunk toward the team)")
    ax.set_ylabel("members")
    ax.set_title("How much members differ (lines: team value)")
    if len(spread):
        ax.legend(fontsize=7.5, frameon=False)
    return ax
