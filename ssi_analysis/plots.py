"""Axes-level plots for the reports: ``plot_*(data, *, ..., ax=None) -> Axes``.

One colour-blind-safe palette (seaborn's ``colorblind``) is used for the four pillars
everywhere; nothing here saves or shows a figure.
"""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import matplotlib.dates  # noqa: F401  (mpl.dates)
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .schema import ACTIVITY_LABELS, PILLAR_LABELS, PILLAR_MAX, PILLARS

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


def _ax(ax):
    return plt.gca() if ax is None else ax


def _daily(df: pd.DataFrame, cols) -> pd.DataFrame:
    """Reindex to every day so that lines break at gaps instead of bridging them."""
    d = df.set_index("date")[cols]
    return d.reindex(pd.date_range(d.index.min(), d.index.max(), freq="D"))


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
    ax = _ax(ax)
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
    ax = _ax(ax)
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
    _mark(ax, breaks)
    ax.set_ylabel("SSI (0–100)")
    ax.set_title("SSI over time: the four pillars stacked (grey: no snapshot for 3+ days)")
    return ax


def _mark(ax, marks: pd.DataFrame | None, *, labels: bool = True) -> None:
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
    ax = _ax(ax)
    d = _daily(snapshots, list(PILLARS))
    for p in PILLARS:
        ax.plot(d.index, d[p], color=PALETTE[p], lw=1.3, label=PILLAR_LABELS[p])
    ax.set_ylim(0, PILLAR_MAX)
    _mark(ax, breaks, labels=False)
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
    ax = _ax(ax)
    d = _daily(snapshots, ["industry_rank", "network_rank"])
    ax.plot(d.index, d["industry_rank"], color="#0173b2", lw=1.3, label="Industry rank")
    ax.plot(d.index, d["network_rank"], color="#de8f05", lw=1.3, ls="--", label="Network rank")
    hi = np.nanmax(d.to_numpy()) if np.isfinite(d.to_numpy()).any() else 100
    ax.set_ylim(min(100, hi + 5), 0)
    _mark(ax, breaks, labels=False)
    ax.set_ylabel("Top N% (lower is better)")
    ax.set_title("Rank among industry and network peers")
    ax.legend(loc="lower left", fontsize=8, frameon=False)
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
    ax = _ax(ax)
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


def plot_effects(effects: pd.DataFrame, *, sesoi: float = 0.05, axes=None, period: str = "week"):
    """Forest plot: each activity's cumulative effect with its interval, one panel a pillar.

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`ssi_analysis.estimate_effects`.
    sesoi : float
        Half-width of the shaded "negligible" band.
    axes : sequence of matplotlib.axes.Axes, optional
        Four axes, one per pillar; created when omitted.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
    """
    if axes is None:
        _, axes = plt.subplots(1, 4, figsize=(11, 0.45 * effects["activity"].nunique() + 1.6),
                               sharey=True)
    axes = np.asarray(axes).ravel()
    acts = list(dict.fromkeys(effects["activity"]))
    y = np.arange(len(acts))[::-1]
    for ax, p in zip(axes, PILLARS, strict=True):
        sub = effects[effects["pillar"] == p].set_index("activity").reindex(acts)
        ax.axvline(0, color="#666666", lw=0.8)
        for yi, (_a, r) in zip(y, sub.iterrows(), strict=True):
            if np.isnan(r["estimate"]):
                ax.text(0, yi, "n/a", ha="center", va="center", fontsize=8, color="#999999")
                continue
            b = r.get("negligible_within", sesoi)
            if pd.notna(b):
                ax.fill_between([-b, b], yi - 0.35, yi + 0.35, color="#eeeeee", zorder=0)
            c = VERDICT_COLORS[r["verdict"]]
            ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=c, lw=2)
            ax.plot(r["estimate"], yi, "o", color=c if c != "#cccccc" else "#999999", ms=5)
        ax.set_title(textwrap.fill(PILLAR_LABELS[p], 20), fontsize=10)
        ax.grid(axis="y", visible=False)
    axes[0].set_yticks(y, [ACTIVITY_LABELS.get(a, a) for a in acts])
    axes[0].figure.supxlabel(f"pillar points per extra action a {period} (cumulative over lags)",
                             fontsize=10)
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
    ax = _ax(ax)
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
    ax = _ax(ax)
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


def effects_figure(effects: pd.DataFrame | None, *, freq: str = "W"):
    """Build the "what moved which pillar" figure: heatmap above, forest plot below.

    Parameters
    ----------
    effects : pandas.DataFrame or None
        Output of :func:`ssi_analysis.estimate_effects`; None draws nothing.
    freq : {"W", "M"}
        The period of the effects (axis labels).

    Returns
    -------
    matplotlib.figure.Figure or None
    """
    if effects is None or effects["estimate"].notna().sum() == 0:
        return None
    n = effects["activity"].nunique()
    fig = plt.figure(figsize=(11, 0.42 * n * 2 + 3.2))
    grid = fig.add_gridspec(2, 4, height_ratios=[1, 1], hspace=0.55)
    period = "week" if freq.upper() == "W" else "month"
    plot_effect_heatmap(effects, ax=fig.add_subplot(grid[0, :3]), period=period)
    axes = [fig.add_subplot(grid[1, 0])]
    axes += [fig.add_subplot(grid[1, j], sharey=axes[0]) for j in range(1, 4)]
    plot_effects(effects, axes=axes, period=period)
    for ax in axes[1:]:
        ax.tick_params(labelleft=False)
    fig.text(0.01, 0.47, "Each activity's effect with its 90% range (grey: too small to matter "
             "for a typical change in that activity)", fontsize=11, fontweight="bold")
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
    ax = _ax(ax)
    n = max(len(pairs), 1)
    width = 0.8 / n
    for i, (a, p) in enumerate(pairs):
        d = profile[(profile["activity"] == a) & (profile["pillar"] == p)].sort_values("lag")
        x = d["lag"].to_numpy() - 0.4 + width * (i + 0.5)
        color = sns.color_palette("colorblind", n)[i]
        ax.errorbar(x, d["estimate"], yerr=[d["estimate"] - d["ci_low"],
                                            d["ci_high"] - d["estimate"]],
                    fmt="o", color=color, capsize=3,
                    label=f"{ACTIVITY_LABELS.get(a, a)} → {PILLAR_LABELS[p]}")
    ax.axhline(0, color="#666666", lw=0.8)
    lags = sorted(profile["lag"].unique()) if len(profile) else [0]
    ax.set_xticks(lags, ["same week" if k == 0 else f"{k} week{'s' if k > 1 else ''} before"
                         for k in lags])
    ax.set_ylabel("points per extra action")
    ax.set_title("When the association shows: effect by lag (90% ranges)")
    if pairs:
        ax.legend(fontsize=8, frameon=False, loc="best")
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
    ax = _ax(ax)
    d = predictions[predictions["pillar"] == pillar].sort_values("date")
    ax.plot(d["date"], d["observed"], "o-", color=SSI_COLOR, ms=3, lw=1, label="observed")
    ax.plot(d["date"], d["predicted"], "s--", color=PALETTE[pillar], ms=3, lw=1.2,
            label="predicted from activity")
    ax.plot(d["date"], d["baseline"], ":", color="#949494", lw=1.2, label="your usual change")
    ax.axhline(0, color="#cccccc", lw=0.8)
    title = f"{PILLAR_LABELS[pillar]}: weekly change, predicted out of sample"
    if skill is not None and np.isfinite(skill):
        title += f" (skill {skill:+.2f})"
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("points per week")
    ax.legend(fontsize=8, frameon=False, ncols=3, loc="upper left")
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
    fig, axes = plt.subplots(len(pillars), 1, figsize=(9, 2.4 * len(pillars)), sharex=True)
    sk = skill.set_index("pillar")["skill"]
    for ax, p in zip(np.atleast_1d(axes), pillars, strict=True):
        plot_observed_predicted(predictions, p, skill=sk.get(p), ax=ax)
    fig.tight_layout()
    return fig


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
    ax = _ax(ax)
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
    ax = _ax(ax)
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
    ax = _ax(ax)
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
    ax = _ax(ax)
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
    ax = _ax(ax)
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
