"""Report tables (summary), sentences (wording) and HTML (display): values checked against
the data they are built from."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ssi_analysis import display, summary, wording
from ssi_analysis.schema import PILLAR_LABELS, PILLARS


def _snaps(values: list[tuple[str, float]], **extra) -> pd.DataFrame:
    rows = []
    for day, v in values:
        rows.append({"member_id": "me", "date": pd.Timestamp(day), "ssi": 4 * v,
                     **{p: v for p in PILLARS}, "source": "t", **extra})
    return pd.DataFrame(rows)


def test_standing_shows_the_latest_score_its_band_and_the_weekly_change():
    s = _snaps([("2026-03-01", 10.0), ("2026-03-08", 12.5)], industry_rank=12.0)
    t = summary.standing(s).set_index("What")
    assert t.loc["Social Selling Index", "Value"] == "50 of 100 (ordinary)"
    assert t.loc["Social Selling Index", "Compared with"] == "+10.00 since 01 Mar"
    assert t.loc[PILLAR_LABELS["brand"], "Value"] == "12.50 of 25"
    assert t.loc["Industry rank", "Value"] == "Top 12%"
    assert "Network rank" not in t.index              # not saved: not shown


def test_standing_without_the_optional_peer_columns():
    t = summary.standing(_snaps([("2026-03-08", 12.5)]))
    assert list(t["What"]) == ["Social Selling Index", *PILLAR_LABELS.values(), "Latest snapshot"]


def test_weekly_activity_is_unknown_outside_coverage_and_zero_inside():
    act = pd.DataFrame({"member_id": "me", "date": pd.to_datetime(["2026-01-06", "2026-01-21"]),
                        "activity": "posts", "count": [2, 3]})
    cov = pd.DataFrame({"member_id": ["me"], "activity": ["posts"],
                        "start": [pd.Timestamp("2026-01-05")], "end": [pd.Timestamp("2026-01-25")],
                        "source": ["x"], "granularity": ["day"]})
    weekly = summary.weekly_activity(act, cov)
    assert weekly["posts"].tolist() == [2.0, 0.0, 3.0]
    wider = cov.assign(start=pd.Timestamp("2025-12-29"), end=pd.Timestamp("2026-01-11"))
    w2 = summary.weekly_activity(act, wider)
    assert w2["posts"].tolist() == [0.0, 2.0]


def test_findings_leave_duplicates_and_gaps_to_their_own_tables():
    log = pd.DataFrame({"member_id": "me", "date": pd.to_datetime(["2026-01-01"] * 3),
                        "rule": ["duplicate", "gap", "sum_mismatch"], "action": "flagged",
                        "detail": "d", "source": ["f.json [salesApiSsi json]"] * 3})
    t = summary.findings_table(log)
    assert t["What"].tolist() == ["sum mismatch"] and t["File"].tolist() == ["f.json"]


def test_gaps_table_lists_the_longest_first():
    gaps = pd.DataFrame({"member_id": "me", "start": pd.to_datetime(["2026-01-02", "2026-02-01"]),
                         "end": pd.to_datetime(["2026-01-03", "2026-02-10"]), "days": [2, 10]})
    assert summary.gaps_table(gaps)["Days without a snapshot"].tolist() == [10, 2]


def test_the_reader_table_has_no_q_values_and_no_scientific_notation():
    eff = pd.DataFrame({"activity": ["posts", "reactions", "comments"],
                        "pillar": ["brand", "insights", "people"],
                        "estimate": [-6.81e-05, 0.0123, np.nan], "ci_low": [-9e-05, 0.01, np.nan],
                        "ci_high": [-4e-05, 0.0125, np.nan], "q_value": [0.01, 0.2, np.nan],
                        "verdict": ["likely negative", "unclear", "not estimable"],
                        "n_periods": [50, 50, 10], "note": ["", "", "too few weeks. More."]})
    t = summary.effects_table(eff)
    assert "q" not in t.columns and len(t) == 2               # the unestimated pair: a sentence
    text = t.to_string()
    assert "e-0" not in text and "−0.0001 to −0.0000" not in text
    assert t.iloc[0]["90% range"] == "−0.00009 to −0.00004"
    assert summary.not_estimated(eff) == [
        "Not estimated (1 activity–pillar pair: comments; 1 pillar): too few weeks."]


def test_effects_table_puts_findings_first_and_likely_pairs_match():
    eff = pd.DataFrame({"activity": ["posts", "comments"], "pillar": ["brand", "insights"],
                        "estimate": [0.0, 0.12], "ci_low": [-0.01, 0.05],
                        "ci_high": [0.01, 0.2], "q_value": [0.9, 0.01],
                        "verdict": ["negligible", "likely positive"], "n_periods": [50, 50]})
    t = summary.effects_table(eff)
    assert t["Verdict"].tolist() == ["likely positive", "negligible"]
    assert t.iloc[0]["90% range"] == "+0.05 to +0.20"
    assert summary.likely_pairs(eff) == [("comments", "insights")]
    assert summary.likely_pairs(None) == []


def test_peer_gaps_only_when_peer_averages_were_saved():
    s = _snaps([("2026-03-08", 12.0)], industry_brand=10.0, industry_people=10.0,
               industry_insights=10.0, industry_relationships=14.0)
    t = summary.peer_gaps(s).set_index("Pillar")
    assert t.loc[PILLAR_LABELS["relationships"], "Gap to industry"] == "−2.00"
    assert summary.peer_gaps(_snaps([("2026-03-08", 12.0)])).empty


def test_quality_table_counts_rules_and_the_data_age():
    s = _snaps([("2026-03-01", 10.0), ("2026-03-08", 11.0)])
    log = pd.DataFrame({"member_id": "me", "date": pd.to_datetime(["2026-03-01"] * 2),
                        "rule": ["out_of_bounds", "out_of_bounds"], "action": "dropped",
                        "detail": "", "source": ""})
    gaps = pd.DataFrame(columns=["member_id", "start", "end", "days"])
    t = summary.quality_table(log, gaps, s, as_of="2026-03-18").set_index("Check")
    assert t.loc["Data age", "Result"].startswith("latest snapshot is 10 days old")
    assert t.loc["values outside their range removed", "Result"] == "2 rows dropped"


def test_save_tables_writes_csv_and_skips_empty_ones(tmp_path):
    out = summary.save_tables(str(tmp_path / "t"), a=pd.DataFrame({"x": ["=1+1"]}),
                              b=pd.DataFrame(), c=None)
    assert out == ["a.csv"]
    assert (tmp_path / "t" / "a.csv").read_text() == "x\n'=1+1\n"
    assert summary.save_tables("", a=pd.DataFrame({"x": [1]})) == []


def test_alerts_fire_on_stale_data_and_a_dropped_pillar():
    s = _snaps([("2026-03-01", 12.0), ("2026-03-08", 10.0)])
    out = wording.alerts(s, as_of="2026-03-30", stale_days=7, drop_points=1.0)
    assert any(a.startswith("Stale data: the latest snapshot is 22 days old") for a in out)
    assert sum("dropped 2.0 points" in a for a in out) == 4
    assert wording.alerts(s, as_of="2026-03-09", drop_points=5.0) == []


def test_effect_sentences_say_association_and_the_range():
    eff = pd.DataFrame({"activity": ["posts"], "pillar": ["brand"], "estimate": [0.1],
                        "ci_low": [0.05], "ci_high": [0.15], "verdict": ["likely positive"],
                        "n_periods": [60], "n_members": [1]})
    (first,) = wording.effect_sentences(eff)
    assert first.startswith("Each additional post in a week goes with +0.10 points")
    assert "goes with" in first and "90% range +0.05 to +0.15" in first
    none = wording.effect_sentences(eff.assign(verdict="unclear"))
    assert none[0] == "No activity shows a clear association with any pillar yet."


def test_display_escapes_every_cell_and_caption():
    html = display.html_table(pd.DataFrame({"<b>": ["<script>x</script>", np.nan]}),
                              caption="a & b")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    assert "<caption>a &amp; b</caption>" in html
    assert display.paragraphs(["<i>x</i>", ""]).data == "<p>&lt;i&gt;x&lt;/i&gt;</p>"
    assert "ssi-note" in display.show(pd.DataFrame(), empty="nothing yet").data


@pytest.mark.parametrize("score, band", [(0, "below average"), (30.4, "below average"),
                                         (30.6, "ordinary"), (50, "ordinary"),
                                         (51, "above average"), (71, "solid")])
def test_bands_use_the_shown_rounded_score(score, band):
    from ssi_analysis.schema import ssi_band

    assert ssi_band(score) == band
