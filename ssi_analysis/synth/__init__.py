"""Deterministic synthetic SSI histories with planted effects, and the bundled sample.

- :mod:`~ssi_analysis.synth.simulate`: :func:`make_synthetic` (realistic daily histories)
  and :func:`make_linear_panel` (weekly panels that follow the model exactly).
- :mod:`~ssi_analysis.synth.formats`: writers of the real input formats.
- :mod:`~ssi_analysis.synth.sample`: the bundled sample (``make sample``).
"""

from __future__ import annotations

from .formats import (
    SAMPLE_OWNER,
    SAMPLE_OWNER_URL,
    write_canonical,
    write_export,
    write_manual_csv,
    write_snapshot_payloads,
    write_usage_reports,
)
from .sample import (
    SAMPLE_END,
    SAMPLE_INDUSTRY_CHANGE,
    SAMPLE_OVERHAUL,
    SAMPLE_SEED,
    SAMPLE_START,
    SAMPLE_TZ,
    TEAM_EFFECTS,
    TEAM_RATES,
    TEAM_SIZE,
    TEAM_START,
    sample_data,
    team_data,
    write_sample,
)
from .simulate import (
    DAILY_RATES,
    DEFAULT_EFFECTS,
    RESPONSE_KERNEL,
    SyntheticData,
    make_linear_panel,
    make_synthetic,
    simulate_activity,
)

__all__ = ["DAILY_RATES", "DEFAULT_EFFECTS", "RESPONSE_KERNEL", "SAMPLE_END",
           "SAMPLE_INDUSTRY_CHANGE", "SAMPLE_OVERHAUL", "SAMPLE_OWNER", "SAMPLE_OWNER_URL",
           "SAMPLE_SEED", "SAMPLE_START", "SAMPLE_TZ", "TEAM_EFFECTS", "TEAM_RATES", "TEAM_SIZE",
           "TEAM_START", "SyntheticData", "make_linear_panel", "make_synthetic", "sample_data",
           "simulate_activity", "team_data", "write_canonical", "write_export",
           "write_manual_csv", "write_sample", "write_snapshot_payloads", "write_usage_reports"]
