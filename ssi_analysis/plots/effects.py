"""Plots of the model: effects with their ranges, the heatmap, lags and predictions."""

from __future__ import annotations

import textwrap

import matplotlib.dates  # noqa: F401  (mpl.dates)
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..schema import ACTIVITY_LABELS, PILLAR_LABELS, PILLARS
from .style import (
    PALETTE,
    SSI_COLOR,
    VERDICT_COLORS,
    WIDTH,
    axes_or_current,
    date_axis,
    new_figure,
)


def plot_effects(effects: pd.DataFrame, *, sesoi: float = 0.05, axes=None, period: str = "week"):
    """Forest plot: each activity's effect with its range, one panel a pillar, one x scale.

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`ssi_analysis.estimate_effects`.
    sesoi : float
        Half-width of the shaded "negligible" band when the table has none.
    axes : sequence of matplotlib.axes.Axes, optional
        Four axes, one per pillar, sharing their x axis; created when omitted.
    period : str
        "week" or "month" (axis label).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
    """
    if axes is None:
        _, axes = plt.subplots(4, 1, figsize=(6.4, 1.2 * effects["activity"].nunique() + 2),
                               sharex=True)
    axes = np.asarray(axes).ravel()
    acts = list(dict.fromkeys(effects["activity"]))
    y = np.arange(len(acts))[::-1]
    for ax, p in zip(axes, PILLARS, strict=True):
        sub = effects[effects["pillar"] == p].set_index("activity").reindex(acts)
        ax.axvline(0, color="#666666", lw=0.8)
        for yi, (_a, r) in zip(y, sub.iterrows(), strict=True):
            if np.isnan(r["estimate"]):
                ax.text(0, yi, "not estimable", ha="center", va="center", fontsize=10,
                        color="#777777")
                continue
            b = r.get("negligible_within", sesoi)
            if pd.notna(b):
                ax.fill_between([-b, b], yi - 0.35, yi + 0.35, color="#eeeeee", zorder=0)
            c = VERDICT_COLORS[r["verdict"]]
            ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=c, lw=2.2)
            ax.plot(r["estimate"], yi, "o", color=c if c != "#cccccc" else "#999999", ms=6)
        ax.set_yticks(y, [ACTIVITY_LABELS.get(a, a) for a in acts])
        ax.set_ylim(-0.6, len(acts) - 0.4)
        ax.set_title(PILLAR_LABELS[p], fontsize=12, color=PALETTE[p])
        ax.grid(axis="y", visible=False)
    axes[-1].set_xlabel(f"pillar points per extra action a {period}")
    handles = [plt.Line2D([], [], color=VERDICT_COLORS[v], marker="o", lw=2, label=v)
               for v in ("likely positive", "likely negative", "unclear", "negligible")
               if (effects["verdict"] == v).any()]
    if handles:
        axes[0].legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.18),
                       ncols=2, frameon=False, fontsize=10)
    return axes


def plot_effect_heatmap(effects: pd.DataFrame, *, ax=None, period: str = "week"):
    """Heatmap of effects (activity x pillar); cells without a clear verdict are greyed.

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`ssi_analysis.estimate_effects`.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    acts = list(dict.fromkeys(effects["activity"]))
    est = effects.pivot(index="activity", columns="pillar", values="estimate").reindex(
        index=acts, columns=list(PILLARS))
    verdict = effects.pivot(index="activity", columns="pillar", values="verdict").reindex(
        index=acts, columns=list(PILLARS))
    clear = verdict.isin(["likely positive", "likely negative"])
    lim = float(np.nanmax(np.abs(est.to_numpy()))) if np.isfinite(est.to_numpy()).any() else 1
    shown = est.where(clear)
    sns.heatmap(shown, ax=ax, cmap="vlag", center=0, vmin=-lim, vmax=lim, cbar_kws={
        "label": f"points per extra action a {period}"}, linewidths=0.5, linecolor="white",
        annot=est.round(2), fmt="", annot_kws={"fontsize": 8})
    for i in range(len(acts)):
        for j in range(4):
            if not clear.iloc[i, j]:
                ax.add_patch(plt.Rectangle((j, i), 1, 1, color="#f2f2f2", zorder=0.5))
    ax.set_xticklabels([textwrap.fill(PILLAR_LABELS[p], 18) for p in PILLARS], rotation=0,
                       fontsize=8)
    ax.set_yticklabels([ACTIVITY_LABELS.get(a, a) for a in acts], rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title("What moved which pillar (coloured = clear association; grey = not clear)")
    return ax


def effects_figure(effects: pd.DataFrame | None, *, freq: str = "W"):
    """Build the "what moved which pillar" forest plot (one panel a pillar, one x scale).

    Parameters
    ----------
    effects : pandas.DataFrame or None
        Output of :func:`ssi_analysis.estimate_effects`; None draws nothing.
    freq : {"W", "M"}
        The period of the effects (axis labels).

    Returns
    -------
    matplotlib.figure.Figure or None
        None when no pair has an estimate.
    """
    if effects is None or effects["estimate"].notna().sum() == 0:
        return None
    shown = effects[effects.groupby("activity")["estimate"].transform(
        lambda v: v.notna().any())]
    n = shown["activity"].nunique()
    fig, axes = new_figure(WIDTH, 4 * (0.42 * n + 0.75) + 1.2, nrows=4, sharex=True)
    plot_effects(shown, axes=axes, period="week" if freq.upper() == "W" else "month")
    return fig


def plot_lag_profile(profile: pd.DataFrame, pairs: list[tuple[str, str]], *, ax=None):
    """Coefficient by lag (weeks) with intervals for chosen activity–pillar pairs.

    Parameters
    ----------
    profile : pandas.DataFrame
        Output of :func:`ssi_analysis.lag_profile`.
    pairs : list of (str, str)
        ``(activity, pillar)`` pairs to draw.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    n = max(len(pairs), 1)
    width = 0.8 / n
    for i, (a, p) in enumerate(pairs):
        d = profile[(profile["activity"] == a) & (profile["pillar"] == p)].sort_values("lag")
        x = d["lag"].to_numpy() - 0.4 + width * (i + 0.5)
        ax.errorbar(x, d["estimate"], yerr=[d["estimate"] - d["ci_low"],
                                            d["ci_high"] - d["estimate"]],
                    fmt="osD^v"[i % 5], color=PALETTE[p], capsize=3,
                    label=f"{ACTIVITY_LABELS.get(a, a)} → {PILLAR_LABELS[p]}")
    ax.axhline(0, color="#666666", lw=0.8)
    lags = sorted(profile["lag"].unique()) if len(profile) else [0]
    ax.set_xticks(lags, ["same week" if k == 0 else f"{k} wk later" for k in lags])
    ax.set_ylabel("points per action")
    ax.set_title("When the association shows (90% ranges)")
    if pairs:
        ax.legend(fontsize=10, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.15))
    return ax


def plot_observed_predicted(predictions: pd.DataFrame, pillar: str, *, skill: float | None = None,
                            ax=None):
    """Weekly change of one pillar: observed, predicted out of sample, and the usual change.

    Parameters
    ----------
    predictions : pandas.DataFrame
        Output of :func:`ssi_analysis.model.predictive_check`.
    pillar : str
        Which pillar.
    skill : float, optional
        Shown in the title.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_current(ax)
    d = predictions[predictions["pillar"] == pillar].sort_values("date").reset_index(drop=True)
    if len(d) > 2:                     # a row of NaN after each gap: lines break, never bridge
        step = d["date"].diff()
        after = d.loc[step > 1.5 * step.median(), "date"] - pd.Timedelta(days=1)
        d = pd.concat([d, pd.DataFrame({"date": after})]).sort_values("date", kind="stable")
    ax.plot(d["date"], d["observed"], "o-", color=SSI_COLOR, ms=3, lw=1, label="observed")
    ax.plot(d["date"], d["predicted"], "s--", color=PALETTE[pillar], ms=3, lw=1.2,
            label="predicted from activity")
    ax.plot(d["date"], d["baseline"], ":", color="#949494", lw=1.2, label="your usual change")
    ax.axhline(0, color="#cccccc", lw=0.8)
    title = f"{PILLAR_LABELS[pillar]}"
    if skill is not None and np.isfinite(skill):
        title += f" (skill {skill:+.2f})"
    ax.set_title(title, fontsize=11)
    ax.set_ylabel("points a week")
    date_axis(ax)
    return ax


def prediction_figure(predictions: pd.DataFrame, skill: pd.DataFrame):
    """Observed vs predicted weekly changes, one panel per pillar with a prediction.

    Parameters
    ----------
    predictions : pandas.DataFrame
        Output of :func:`ssi_analysis.model.predictive_check`.
    skill : pandas.DataFrame
        Output of :func:`ssi_analysis.model.predictive_skill`.

    Returns
    -------
    matplotlib.figure.Figure or None
    """
    pillars = [p for p in PILLARS if (predictions["pillar"] == p).any()]
    if not pillars:
        return None
    fig, axes = new_figure(WIDTH, 2.3 * len(pillars) + 0.6, nrows=len(pillars), sharex=True,
                           squeeze=False)
    sk = skill.set_index("pillar")["skill"]
    for ax, p in zip(axes[:, 0], pillars, strict=True):
        plot_observed_predicted(predictions, p, skill=sk.get(p), ax=ax)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, ["observed", "predicted from activity", "your usual change"],
               loc="outside lower center", ncols=3, frameon=False, fontsize=10)
    return fig
