"""LinkedIn's salesApiSsi JSON as trackers save it: payloads, wrappers, JSON lines, history."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payloads import PAYLOAD

from ssi_analysis import (
    DataError,
    load_snapshots,
)


def test_payload_maps_pillars_by_name_not_position(tmp_path):
    shuffled = json.loads(json.dumps(PAYLOAD))
    shuffled["memberScore"]["subScores"].reverse()
    (tmp_path / "salesApiSsi_2026-06-01.json").write_text(json.dumps(shuffled))
    s = load_snapshots(tmp_path).iloc[0]
    assert s["brand"] == pytest.approx(13.118) and s["insights"] == pytest.approx(0.3)
    assert s["relationships"] == pytest.approx(2.6078)
    assert s["industry_rank"] == 75 and s["network_rank"] == 81
    assert s["industry_ssi"] == pytest.approx(30.99)
    assert s["date"] == pd.Timestamp("2026-06-01")
    assert "captured_at" not in s      # optional: no source here has a capture time


@pytest.mark.parametrize("wrap", [
    lambda p: {"data": p},
    lambda p: {"object": "LinkedinRawData", "data": p},
    lambda p: {"rawJson": json.dumps(p), "profileUrn": "x"},
    lambda p: [{"date": "2026-06-01", "parsed": {}, "raw": p}],
])
def test_wrapped_payloads(tmp_path, wrap):
    (tmp_path / "ssi_2026-06-01.json").write_text(json.dumps(wrap(PAYLOAD)))
    s = load_snapshots(tmp_path)
    assert len(s) == 1 and s["ssi"].iloc[0] == pytest.approx(19.7058)


def test_json_lines_history_with_capture_time(tmp_path):
    lines = [json.dumps({"collectedAt": 1748822400000 + i * 86400000, "raw": PAYLOAD})
             for i in range(3)]
    (tmp_path / "history.jsonl").write_text("\n".join(lines) + "\n")
    s = load_snapshots(tmp_path, tz="America/New_York")
    # 2025-06-02 00:00 UTC is still 1 June in New York
    assert list(s["date"].dt.day) == [1, 2, 3]
    assert s["captured_at"].notna().all()


def test_payload_peer_groups_team_sizes_and_pillar_averages(tmp_path):
    payload = {"memberScore": {"overall": 40, "subScores": [
        {"pillar": p, "score": 10} for p in ("STRONG_RELATIONSHIP", "INSIGHT_ENGAGEMENT",
                                             "FIND_RIGHT_PEOPLE", "PROFESSIONAL_BRAND")]},
        "groupScore": [
            {"groupType": "TEAM", "rank": 3, "score": {"overall": 55.5}},
            {"groupType": "NETWORK", "rank": 12, "groupSize": 850,
             "score": {"overall": 36, "subScores": [{"pillar": "PROFESSIONAL_BRAND",
                                                     "score": 13.21}]}},
            {"groupType": "INDUSTRY", "rank": 10, "industry": "Atividades de consultoria",
             "groupSize": 120000, "score": {"overall": 35, "subScores": []}}]}
    (tmp_path / "ssi_2026-05-12.json").write_text(json.dumps(payload))
    s = load_snapshots(tmp_path).iloc[0]
    assert (s["team_rank"], s["team_ssi"]) == (3, 55.5)
    assert (s["network_rank"], s["network_size"], s["network_brand"]) == (12, 850, 13.21)
    assert (s["industry_rank"], s["industry_size"]) == (10, 120000)
    assert s["industry"] == "Atividades de consultoria"


def test_socialedge_history_parsed_entries_without_raw(tmp_path):
    hist = {"ssiHistory": None}
    entries = [{"date": "2026-05-13", "collectedAt": 1778654400000, "parsed": {
        "overall": 52.048, "prof_brand": 21.048, "find_right_people": 6.5,
        "insight_engagement": 9.5, "relationship": 15,
        "industry": {"ssi": 35, "top": 10, "people_amount": 1200, "name": "Consulting",
                     "prof_brand": 11.79}, "network": {"ssi": 36, "top": 13}}}]
    hist = entries
    (tmp_path / "export.json").write_text(json.dumps(hist))
    s = load_snapshots(tmp_path, tz="UTC").iloc[0]
    assert s["date"] == pd.Timestamp("2026-05-13") and s["insights"] == 9.5
    assert (s["industry_rank"], s["network_rank"], s["industry_size"]) == (10, 13, 1200)
    assert s["industry_brand"] == 11.79 and s["industry"] == "Consulting"


def test_truncated_json_and_missing_path(tmp_path):
    (tmp_path / "salesApiSsi_2026-01-01.json").write_text(json.dumps(PAYLOAD)[:50])
    with pytest.raises(DataError, match="not valid JSON"):
        load_snapshots(tmp_path)
    with pytest.raises(DataError, match="no such file"):
        load_snapshots(tmp_path / "nope")


def test_json_without_date_is_refused(tmp_path):
    (tmp_path / "payload.json").write_text(json.dumps(PAYLOAD))
    with pytest.raises(DataError, match="has no date"):
        load_snapshots(tmp_path)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300))
def test_json_parser_raises_only_data_error(tmp_path, body):
    f = tmp_path / "salesApiSsi_2026-01-01.json"
    f.write_bytes(b"{" + body)
    try:
        load_snapshots(f)
    except DataError:
        pass

