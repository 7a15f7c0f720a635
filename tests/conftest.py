"""Shared fixtures: Agg backend, closed figures, the bundled sample, a tiny history."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from ssi_analysis import paths  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_MEMBER = paths.SAMPLE_DIR / "member"
SAMPLE_TZ = "Europe/Berlin"


@pytest.fixture(autouse=True)
def close_figs():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def sample_member() -> Path:
    return SAMPLE_MEMBER


@pytest.fixture(scope="session")
def sample_processed(tmp_path_factory) -> Path:
    """The bundled sample ingested once for the whole session."""
    from ssi_analysis.pipeline import ingest

    out = tmp_path_factory.mktemp("processed")
    ingest([SAMPLE_MEMBER], out, tz=SAMPLE_TZ)
    return out


@pytest.fixture(scope="session")
def sample_tables(sample_processed):
    from ssi_analysis import summary

    return summary.load_processed(sample_processed)


def pytest_configure(config):
    os.environ.setdefault("MPLBACKEND", "Agg")
