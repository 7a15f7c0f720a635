"""How activity relates to pillar changes: correlations, distributed-lag effects, checks.

- :mod:`~ssi_analysis.model.panel`: the analysis panel (changes and activity windows).
- :mod:`~ssi_analysis.model.linalg`: two-way demeaning, clustered OLS, BH, winsorising.
- :mod:`~ssi_analysis.model.effects`: :func:`estimate_effects` and :func:`lag_profile`.
- :mod:`~ssi_analysis.model.correlations`: :func:`lagged_correlations` (exploratory).
- :mod:`~ssi_analysis.model.predictive`: the out-of-sample check (scikit-learn; imported
  on its own so that the rest does not load it).
"""

from __future__ import annotations

from .correlations import lagged_correlations
from .effects import EFFECT_COLUMNS, VERDICTS, changes_needed, estimate_effects, lag_profile
from .linalg import ClusterOLS, within_two_way
from .panel import drop_breaks

__all__ = ["EFFECT_COLUMNS", "VERDICTS", "ClusterOLS", "changes_needed", "drop_breaks",
           "estimate_effects",
           "lag_profile", "lagged_correlations", "within_two_way"]
