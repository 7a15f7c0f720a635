"""Plots for the reports.

Axes-level functions ``plot_*(data, *, ..., ax=None) -> Axes`` for analysts, and the
report's figure builders (``*_figure``), which make figures outside pyplot. One
colour-blind-safe palette (seaborn's ``colorblind``) is used for the four pillars
everywhere, and no other meaning uses those colours; nothing here saves or shows a figure.
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
from .figures import (
    activity_figure,
    coverage_figure,
    history_figure,
    hours_figure,
    projection_figure,
    recent_figure,
    standing_figure,
)
from .member import (
    plot_activity_row,
    plot_last_weeks,
    plot_pillar_history,
    plot_posting_heatmap,
    plot_ranks,
    plot_snapshot_coverage,
    plot_ssi_history,
    plot_standing,
)
from .style import PALETTE, SSI_COLOR, VERDICT_COLORS, WIDTH, new_figure, set_theme
from .team import (
    coaching_heatmap,
    member_spread_figure,
    team_coverage_figure,
    team_distribution_figure,
    team_over_time_figure,
)

__all__ = ["PALETTE", "SSI_COLOR", "VERDICT_COLORS", "WIDTH", "activity_figure", "coaching_heatmap",
           "coverage_figure", "effects_figure", "history_figure", "hours_figure",
           "member_spread_figure", "new_figure", "plot_activity_row", "plot_effect_heatmap",
           "plot_effects", "plot_lag_profile", "plot_last_weeks", "plot_observed_predicted",
           "plot_pillar_history", "plot_posting_heatmap", "plot_ranks",
           "plot_snapshot_coverage", "plot_ssi_history", "plot_standing", "prediction_figure",
           "projection_figure",
           "recent_figure", "set_theme", "standing_figure",
           "team_coverage_figure", "team_distribution_figure", "team_over_time_figure"]
