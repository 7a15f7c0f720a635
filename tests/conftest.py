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
    from ssi_analysis import store

    return store.load_processed(sample_processed)


def pytest_configure(config):
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["SSI_STRICT_CHARTS"] = "1"      # a chart with an empty panel fails the test


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """``make report`` in a temporary folder: the bundled member and team ingested into
    ``processed/`` and ``processed/team``, both sample reports written to ``reports/``."""
    from ssi_analysis.pipeline import ingest
    from ssi_analysis.report import run_reports

    root = tmp_path_factory.mktemp("site")
    ingest([SAMPLE_MEMBER], root / "processed", tz=SAMPLE_TZ)
    ingest([paths.SAMPLE_DIR / "team"], root / "processed" / "team")
    cfg = root / "reports.yml"
    cfg.write_text(f"""reports:
  - name: member_report
    notebook: notebooks/member_report.ipynb
    title: "SSI report: sample member (synthetic)"
    parameters: {{processed_dir: {root / 'processed'}, member_id: me, tz: {SAMPLE_TZ},
                  run_date: "2026-11-01"}}
  - name: team_report
    notebook: notebooks/team_report.ipynb
    title: "SSI team report: sample Sales Navigator team (synthetic)"
    parameters: {{processed_dir: {root / 'processed' / 'team'}, run_date: "2026-11-01",
                  pseudonym_salt: golden-sample}}
""", encoding="utf-8")
    statuses = run_reports(cfg, root / "reports", progress=False)
    assert [s.status for s in statuses] == ["ok", "ok"], statuses
    return root


@pytest.fixture(scope="session")
def team_site(tmp_path_factory) -> Path:
    """The bundled team ingested into ``p/`` and its team report written to ``site/``
    (run date 2026-11-01, pseudonym salt ``test-salt``)."""
    from ssi_analysis.pipeline import ingest
    from ssi_analysis.report import run_reports

    root = tmp_path_factory.mktemp("team")
    ingest([paths.SAMPLE_DIR / "team"], root / "p")
    cfg = root / "t.yml"
    cfg.write_text("reports:\n  - name: team\n    notebook: notebooks/team_report.ipynb\n"
                   f"    parameters: {{processed_dir: {root / 'p'}, run_date: '2026-11-01', "
                   "pseudonym_salt: test-salt}\n")
    st = run_reports(cfg, root / "site", progress=False)
    assert [s.status for s in st] == ["ok"], st[0].message
    return root
