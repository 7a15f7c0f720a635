"""Axes-level plots for the reports: ``plot_*(data, *, ..., ax=None) -> Axes``.

One colour-blind-safe palette (seaborn's ``colorblind``) is used for the four pillars
everywhere; nothing here saves or shows a figure.
"""

from __future__ import annotations

from .effects import (
    effects_figure,
    plot_effect_heatmap,
    plot_effects,
    plot_lag_profile,
    plot_observed_predicted,
    prediction_figure,
)
from .member import (
    plot_activity,
    plot_last_weeks,
    plot_pillar_history,
    plot_posting_heatmap,
    plot_ranks,
    plot_snapshot_coverage,
    plot_ssi_history,
    plot_standing,
)
from .style import PALETTE, SSI_COLOR, VERDICT_COLORS, set_theme
from .team import plot_member_spread, plot_team_distribution, plot_team_over_time

__all__ = ["PALETTE", "SSI_COLOR", "VERDICT_COLORS", "effects_figure", "plot_activity",
           "plot_effect_heatmap", "plot_effects", "plot_lag_profile", "plot_last_weeks",
           "plot_member_spread", "plot_observed_predicted", "plot_pillar_history",
           "plot_posting_heatmap", "plot_ranks", "plot_snapshot_coverage", "plot_ssi_history",
           "plot_standing", "plot_team_distribution", "plot_team_over_time", "prediction_figure",
           "set_theme"]
