"""One panel per period for all of a report's models: the same numbers as aligning each time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssi_analysis.model import panel as panel_mod
from ssi_analysis.model.panel import Panels, panel_activities, prepare_panel

DAY0 = pd.Timestamp("2025-01-06")
ACTS = ["comments", "posts", "reactions"]


def _data(snap_days, act, cover):
    members = sorted({m for m, _ in snap_days})
    snaps = pd.DataFrame([{"member_id": m, "date": DAY0 + pd.Timedelta(days=d)}
                          for m, d in sorted(snap_days)])
    rng = np.random.default_rng(len(snaps))
    for p in ("brand", "people", "insights", "relationships"):
        snaps[p] = np.round(rng.uniform(5, 20, len(snaps)), 2)
    snaps["ssi"] = snaps[["brand", "people", "insights", "relationships"]].sum(axis=1)
    counts = pd.DataFrame([{"member_id": m, "date": DAY0 + pd.Timedelta(days=d),
                            "activity": a, "count": c} for m, d, a, c in act],
                          columns=["member_id", "date", "activity", "count"])
    counts = counts.groupby(["member_id", "date", "activity"], as_index=False)["count"].sum()
    counts["count"] = counts["count"].astype("int64")
    coverage = pd.DataFrame([{"member_id": m, "activity": a,
                              "start": DAY0 + pd.Timedelta(days=lo),
                              "end": DAY0 + pd.Timedelta(days=lo + span), "source": "t"}
                             for m in members for a, (lo, span) in zip(ACTS, cover,
                                                                        strict=False)])
    return snaps, counts, coverage


@settings(max_examples=40, deadline=None)
@given(snap_days=st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 400)),
                          min_size=3, max_size=60, unique=True),
       act=st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(-120, 420),
                              st.sampled_from(ACTS), st.integers(1, 40)), max_size=80),
       cover=st.lists(st.tuples(st.integers(-150, 200), st.integers(0, 600)),
                      min_size=1, max_size=3),
       freq=st.sampled_from(["W", "M"]), most=st.integers(3, 9))
def test_a_panel_with_more_lags_gives_each_model_exactly_its_own_panel(
        snap_days, act, cover, freq, most):
    """Rows, columns, order and values identical (exact) to aligning with each lag count."""
    snaps, counts, coverage = _data(snap_days, act, cover)
    panels = Panels(snaps, counts, coverage, max_lag=most)
    for k in sorted({0, 1, 3, most}):
        shared = panels.get(freq, k)
        own, acts = prepare_panel(snaps, counts, freq, k, coverage)
        pd.testing.assert_frame_equal(shared, own, check_exact=True)
        assert panel_activities(shared, k) == acts


def test_more_lags_than_the_shared_panel_are_aligned_on_their_own():
    snaps, counts, coverage = _data([("a", d) for d in range(0, 200, 7)],
                                    [("a", d, "posts", 1) for d in range(0, 200, 3)],
                                    [(-100, 400)])
    panels = Panels(snaps, counts, coverage, max_lag=2)
    own, _ = prepare_panel(snaps, counts, "W", 5, coverage)
    pd.testing.assert_frame_equal(panels.get("W", 5), own, check_exact=True)


def test_the_member_report_aligns_once_per_period(monkeypatch, sample_processed):
    """Effects, persistence, lag profile and prediction check share one weekly panel."""
    from ssi_analysis.sections import member as section

    calls = []
    real = panel_mod.align

    def counting(*args, **kwargs):
        calls.append((kwargs.get("freq"), kwargs.get("max_lag")))
        return real(*args, **kwargs)

    monkeypatch.setattr(panel_mod, "align", counting)
    rep = section.member_report(sample_processed, run_date="2026-11-01")
    assert rep.effects is not None and len(rep.lasting), "the sample has clear pairs"
    section.timing_view(rep)
    assert calls == [("W", 8)]


@pytest.fixture(scope="module")
def sample_processed(tmp_path_factory):
    from pathlib import Path

    from ssi_analysis import store
    from ssi_analysis.pipeline import ingest

    root = Path(__file__).resolve().parents[1]
    out = tmp_path_factory.mktemp("sample")
    ingest([root / "data" / "raw" / "sample" / "member"], out_dir=out, tz="Europe/Berlin",
           as_of="2026-11-01")
    return store.load_processed(out, member_id="me")


def test_a_panel_with_too_few_lags_is_refused_by_every_model():
    from ssi_analysis.model.effects import estimate_effects
    from ssi_analysis.model.persistence import persistence
    from ssi_analysis.model.predictive import predictive_check

    snaps, counts, coverage = _data([("a", d) for d in range(0, 400, 7)],
                                    [("a", d, "posts", 1) for d in range(0, 400, 3)],
                                    [(-100, 600)])
    short = Panels(snaps, counts, coverage, max_lag=1).get("W", 1)
    with pytest.raises(ValueError, match="fewer than 3 lags"):
        estimate_effects(snaps, counts, coverage=coverage, max_lag=3, panel=short)
    with pytest.raises(ValueError, match="fewer than 8 lags"):
        persistence(snaps, counts, [("posts", "brand")], coverage=coverage, panel=short)
    with pytest.raises(ValueError, match="fewer than 2 lags"):
        predictive_check(snaps, counts, coverage=coverage, max_lag=2, panel=short)
