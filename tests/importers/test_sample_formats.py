"""The bundled sample, read back from its real formats, equals what the generator made."""

from __future__ import annotations

import numpy as np
import pytest

from ssi_analysis import (
    load_activity,
    load_snapshots,
)
from ssi_analysis.schema import ACTIVITY_COLUMNS, PILLARS, SNAPSHOT_COLUMNS
from ssi_analysis.synth import SAMPLE_TZ, sample_data


@pytest.fixture(scope="module")
def truth():
    return sample_data()


def test_sample_snapshots_match_the_generator(sample_member, truth):
    snaps = load_snapshots(sample_member / "ssi", tz=SAMPLE_TZ)
    # the payloads carry group sizes and peer pillar averages, but no TEAM group (that is
    # Sales Navigator's): every peer column is present except the team ones
    assert list(snaps.columns) == [c for c in SNAPSHOT_COLUMNS if not c.startswith("team_")]
    assert len(snaps) == len(truth.snapshots)
    expected = truth.snapshots.sort_values(["date", "captured_at"]).reset_index(drop=True)
    got = snaps.reset_index(drop=True)
    assert (got["date"].to_numpy() == expected["date"].to_numpy()).all()
    for p in PILLARS:
        np.testing.assert_allclose(got[p], expected[p], atol=6e-5)
    assert got["source"].str.endswith("[salesApiSsi json]").all()
    assert (got["industry"].to_numpy() == expected["industry"].to_numpy()).all()
    np.testing.assert_allclose(got["industry_rank"], expected["industry_rank"])


def test_sample_activity_matches_the_generator_day_by_day(sample_member, truth):
    act = load_activity(sample_member / "export", tz=SAMPLE_TZ)
    assert list(act.columns) == list(ACTIVITY_COLUMNS)
    assert set(act["activity"]) == set(truth.activity["activity"]) | {"invitations_received"}
    act = act[act["activity"] != "invitations_received"]
    key = ["member_id", "date", "activity"]
    merged = truth.activity.merge(act, on=key, how="outer", suffixes=("_true", "_read"))
    assert merged["count_true"].notna().all() and merged["count_read"].notna().all()
    assert (merged["count_true"] == merged["count_read"]).all()

