"""The SSI page saved from the browser."""

from __future__ import annotations

import json

import pytest
from payloads import PAYLOAD

from ssi_analysis import (
    load_snapshots,
)


def test_saved_ssi_page(tmp_path):
    page = f"<html><body><code>{json.dumps(PAYLOAD)}</code></body></html>"
    (tmp_path / "ssi_2026-06-01.html").write_text(page)
    assert load_snapshots(tmp_path)["people"].iloc[0] == pytest.approx(3.68)

