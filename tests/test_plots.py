"""Every plot draws the data it is given: values, gaps, scales and the empty cases."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from ssi_analysis import plots  # noqa: E402
from ssi_analysis.schema import PILLARS  # noqa: E402


@pytest.fixture
def history() -> pd.DataFrame:
    days = pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-10", "2026-01-11"])
    rows = {"member_id": "me", "date": days, "source": "x"}
    for j, p in enumerate(PILLARS):
        rows[p] = np.arange(5, dtype=float) + 5 * j
    df = pd.DataFrame(rows)
    df["ssi"] = df[list(PILLARS)].sum(axis=1)
    return df


def _ydata(ax, label=None):
    lines = [ln for ln in ax.get_lines() if label is None or ln.get_label() == label]
    return [np.asarray(ln.get_ydata(), dtype=float) for ln in lines]


def test_pillar_history_draws_each_pillar_and_breaks_lines_at_gaps(history):
    ax = plots.plot_pillar_history(history)
    ys = _ydata(ax)
    assert len(ys) == 4
    for y, p in zip(ys, PILLARS, strict=True):
        # 11 days from 1 to 11 January, six of them without a snapshot (NaN, not joined)
        assert len(y) == 11 and np.isnan(y).sum() == 6
        np.testing.assert_allclose(y[~np.isnan(y)], history[p])
    assert ax.get_ylim() == (0, 25)


def test_ssi_history_draws_the_total_and_breaks_at_the_gap(history):
    ax = plots.plot_ssi_history(history)
    line = _ydata(ax)[0]
    assert len(line) == 11 and np.isnan(line).sum() == 6      # 4–9 Jan: no snapshot
    np.testing.assert_allclose(line[~np.isnan(line)], history["ssi"])
    lo, hi = ax.get_ylim()                                     # zoomed to the member's range
    assert lo <= history["ssi"].min() and hi >= history["ssi"].max() and hi <= 100


def test_a_skipped_weekend_is_bridged_but_a_week_is_not(history):
    two = history[history["date"] != "2026-01-02"]              # one missing day: joined
    y = _ydata(plots.plot_pillar_history(two, ax=plt.figure().gca()))[0]
    assert not np.isnan(y[:3]).any() and np.isnan(y).sum() == 6


def test_ranks_are_drawn_best_at_the_top_and_absent_ranks_draw_nothing(history):
    ax = plots.plot_ranks(history.assign(industry_rank=10.0, network_rank=30.0))
    lo, hi = ax.get_ylim()
    assert lo > hi == 0                                       # inverted: Top 1% at the top
    assert np.nanmax(_ydata(ax)[0]) == 10
    empty = plots.plot_ranks(history, ax=plt.figure().gca())   # optional columns absent
    assert all(np.isnan(y).all() for y in _ydata(empty))


def test_standing_bars_are_the_latest_pillars(history):
    ax = plots.plot_standing(history.iloc[-1])
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths[-4:] == [25.0] * 4                           # the 0–25 background bars
    assert sorted(widths[:4]) == sorted(history.iloc[-1][list(PILLARS)].tolist())
    assert "SSI 46 of 100" in ax.get_title()


def test_effects_figure_has_one_panel_per_pillar_and_none_without_effects():
    effects = pd.DataFrame({
        "activity": ["posts"] * 4, "pillar": list(PILLARS),
        "estimate": [0.1, 0.0, np.nan, -0.05], "ci_low": [0.05, -0.02, np.nan, -0.09],
        "ci_high": [0.15, 0.02, np.nan, -0.01], "p_value": [0.01, 0.9, np.nan, 0.04],
        "q_value": [0.02, 0.9, np.nan, 0.08],
        "verdict": ["likely positive", "negligible", "not estimable", "likely negative"],
        "n_periods": 52, "n_members": 1, "note": "", "negligible_within": 0.05})
    fig = plots.effects_figure(effects)
    assert fig is not None and len(fig.axes) >= 4
    assert plots.effects_figure(None) is None


def test_team_figures_use_every_member_and_no_second_y_axis():
    from ssi_analysis.display import figure_has_data

    days = pd.to_datetime(["2026-01-31", "2026-02-28"])
    df = pd.DataFrame({"member_id": np.repeat(["a", "b", "c"], 2), "date": np.tile(days, 3),
                       **{p: np.linspace(5, 20, 6) for p in PILLARS}})
    df["ssi"] = df[list(PILLARS)].sum(axis=1)
    latest = df.groupby("member_id").tail(1)
    dist = plots.team_distribution_figure(latest)
    over = plots.team_over_time_figure(df)
    for fig in (dist, over):
        assert figure_has_data(fig) == []
        # twin axes share their x position and size exactly: none here
        boxes = [tuple(ax.get_position().bounds) for ax in fig.axes]
        assert len(set(boxes)) == len(boxes)
    ssi_ax = dist.axes[0]
    assert ssi_ax.get_ylim() == (0, 100) and dist.axes[1].get_ylim() == (0, 25)
    # every member's SSI is a point on the SSI panel
    pts = [ln for ln in ssi_ax.get_lines() if ln.get_marker() == "o"][0]
    assert sorted(pts.get_ydata()) == sorted(latest["ssi"])


def test_the_verdict_colours_are_not_pillar_colours():
    assert not set(plots.VERDICT_COLORS.values()) & set(plots.PALETTE.values())


def _pixels(png: bytes):
    import io

    from PIL import Image

    im = Image.open(io.BytesIO(png))
    return im.mode, np.asarray(im.convert("RGBA"))


def _report_like_figure(**kw):
    fig, axes = plots.new_figure(plots.WIDTH, 3.0, ncols=2, **kw)
    for i, ax in enumerate(axes):
        ax.plot(pd.date_range("2026-01-01", periods=60), np.arange(60) * (i + 1), label="x")
        ax.set_title(f"Panel {i}")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2))
    from ssi_analysis.plots.style import date_axis

    date_axis(axes[0])
    return fig


def test_embedded_png_has_the_pixels_savefig_draws_and_is_deterministic():
    """The one-draw path gives the pixels of Matplotlib's own savefig (layout included),
    stored as RGB when opaque, the same bytes every time."""
    import io

    from ssi_analysis import display

    ref = io.BytesIO()
    fig = _report_like_figure()
    display._freeze_date_ticks(fig)
    fig.savefig(ref, format="png", dpi=display.DPI)
    ours = display._png(_freeze(_report_like_figure()))
    mode, pix = _pixels(ours)
    assert mode == "RGB"
    ref_mode, ref_pix = _pixels(ref.getvalue())
    assert pix.shape == ref_pix.shape == (300, 540, 4)
    assert (pix == ref_pix).all()
    assert ours == display._png(_freeze(_report_like_figure()))


def _freeze(fig):
    from ssi_analysis.display import _freeze_date_ticks

    _freeze_date_ticks(fig)
    return fig


def test_embedded_png_keeps_transparency_and_figures_without_layout_are_cropped():
    from matplotlib.figure import Figure

    from ssi_analysis import display

    fig = _report_like_figure()
    fig.patch.set_alpha(0.0)
    mode, pix = _pixels(display._png(fig))
    assert mode == "RGBA" and pix[..., 3].min() == 0
    bare = Figure(figsize=(5, 3))                   # no layout engine: tight bounding box
    bare.subplots().plot([0, 1], [0, 1])
    _, pix = _pixels(display._png(bare))
    assert pix.shape[0] < 300 and pix.shape[1] < 500
