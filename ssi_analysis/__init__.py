"""ssi-analysis: a research kit for LinkedIn's Social Selling Index (SSI).

Public API: :func:`load_snapshots`, :func:`load_activity`, :func:`clean_snapshots`,
:func:`lagged_correlations`, :func:`estimate_effects`, :func:`lag_profile`,
:class:`DataError`, :class:`InsufficientDataError` (see ``docs/architecture.md``).

The names are loaded on first use, so that ``import ssi_analysis`` (and the command line's
``--version``) does not load pandas, statsmodels or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._version import __version__

#: Public name → the module that defines it.
_PUBLIC = {
    "ACTIVITIES": "schema", "PILLARS": "schema", "PILLAR_LABELS": "schema",
    "CleanResult": "clean", "clean_snapshots": "clean",
    "DataError": "errors", "InsufficientDataError": "errors",
    "align": "features", "period_changes": "features",
    "activity_coverage": "tables", "load_activity": "importers",
    "load_annotations": "importers", "load_snapshots": "importers",
    "estimate_effects": "model", "lag_profile": "model", "lagged_correlations": "model",
    "ActivityTable": "tables", "SnapshotTable": "tables",
}

__all__ = ["__version__", *sorted(_PUBLIC)]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .clean import CleanResult, clean_snapshots  # noqa: F401
    from .errors import DataError, InsufficientDataError  # noqa: F401
    from .features import align, period_changes  # noqa: F401
    from .importers import load_activity, load_annotations, load_snapshots  # noqa: F401
    from .model import estimate_effects, lag_profile, lagged_correlations  # noqa: F401
    from .schema import ACTIVITIES, PILLAR_LABELS, PILLARS  # noqa: F401
    from .tables import ActivityTable, SnapshotTable, activity_coverage  # noqa: F401


def __getattr__(name: str):
    """Load a public name from its module on first use (PEP 562)."""
    if name in _PUBLIC:
        value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
