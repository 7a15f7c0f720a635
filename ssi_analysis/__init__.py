"""ssi-analysis: a research kit for LinkedIn's Social Selling Index (SSI).

Public API (see DESIGN.md): :func:`load_snapshots`, :func:`load_activity`,
:func:`clean_snapshots`, :func:`lagged_correlations`, :func:`estimate_effects`,
:func:`lag_profile`, :class:`DataError`, :class:`InsufficientDataError`.
"""

__version__ = "0.1.0"

from .clean import CleanResult, clean_snapshots  # noqa: E402
from .errors import DataError, InsufficientDataError  # noqa: E402
from .features import align, period_changes  # noqa: E402
from .io import activity_coverage, load_activity, load_annotations, load_snapshots  # noqa: E402
from .model import estimate_effects, lag_profile, lagged_correlations  # noqa: E402
from .schema import ACTIVITIES, PILLAR_LABELS, PILLARS  # noqa: E402

__all__ = [
    "ACTIVITIES",
    "PILLARS",
    "PILLAR_LABELS",
    "CleanResult",
    "DataError",
    "InsufficientDataError",
    "activity_coverage",
    "align",
    "clean_snapshots",
    "estimate_effects",
    "lag_profile",
    "lagged_correlations",
    "load_activity",
    "load_annotations",
    "load_snapshots",
    "period_changes",
]
