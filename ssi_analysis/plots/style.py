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


VERDICT_COLORS = {"likely positive": "#0173b2", "likely negative": "#d55e00",
                  "unclear": "#949494", "negligible": "#cccccc", "not estimable": "#ffffff"}


def set_theme() -> None:
    """Set the report style once (fonts, sizes, deterministic image metadata)."""
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update({
        "figure.figsize": (9, 3.6),
        "figure.dpi": 96,
        "savefig.dpi": 96,
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.titlelocation": "left",
        "svg.hashsalt": "ssi-analysis",
        "date.autoformatter.month": "%b %Y",
    })


def axes_or_current(ax):
    """Return ``ax``, or the current axes when it is None."""
    return plt.gca() if ax is None else ax


def daily(df: pd.DataFrame, cols) -> pd.DataFrame:
    """Reindex to every day so that lines break at gaps instead of bridging them."""
    d = df.set_index("date")[cols]
    return d.reindex(pd.date_range(d.index.min(), d.index.max(), freq="D"))


def mark_dates(ax, marks: pd.DataFrame | None, *, labels: bool = True) -> None:
    """Dashed vertical lines (with staggered labels) at the dates in ``marks``."""
    if marks is None or marks.empty:
        return
    bottom = ax.get_ylim()[0]
    for r in marks.sort_values("date").itertuples():
        ax.axvline(r.date, color="#d55e00", ls="--", lw=0.9, alpha=0.8)
        if labels:
            ax.annotate(r.label, (r.date, bottom), xytext=(-3, 4), textcoords="offset points",
                        rotation=90, color="#a04000", fontsize=7, ha="right", va="bottom",
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.85}, zorder=5)
