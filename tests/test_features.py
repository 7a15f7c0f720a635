"""Alignment: changes over intervals and activity over exactly the same days."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ssi_analysis.features import align, period_changes


def _snaps(dates, values, member="me"):
    return pd.DataFrame({"member_id": member, "date": pd.to_datetime(dates), "ssi": 0.0,
                         "brand": values, "people": 0.0, "insights": 0.0,
                         "relationships": 0.0})


def test_last_snapshot_per_week_and_change_scaled_to_seven_days():
    s = _snaps(["2026-01-04", "2026-01-09", "2026-01-10", "2026-01-18"], [10, 11, 12, 13])
    ch = period_changes(s)
    assert list(ch["date"].dt.day) == [10, 18]
    assert list(ch["gap_days"]) == [6, 8]
    np.testing.assert_allclose(ch["d_brand"], [2 * 7 / 6, 1 * 7 / 8])
    assert ch["usable"].all()
    long_gap = period_changes(_snaps(["2026-01-04", "2026-01-25"], [10, 11]))
    assert not long_gap["usable"].any()


def _slow_windows(changes, activity, cov_start, cov_end, max_lag):
    """Obviously correct reference: loop over rows and days."""
    out = {}
    for k in range(max_lag + 1):
        vals = []
        for r in changes.itertuples():
            lo = r.prev_date - pd.Timedelta(days=7 * k)
            hi = r.date - pd.Timedelta(days=7 * k)
            if lo + pd.Timedelta(days=1) < cov_start or hi > cov_end:
                vals.append(np.nan)
                continue
            sel = (activity["date"] > lo) & (activity["date"] <= hi)
            vals.append(activity.loc[sel, "count"].sum() * 7 / r.gap_days)
        out[k] = np.array(vals, dtype=float)
    return out


@settings(max_examples=60, deadline=None)
@given(snap_days=st.lists(st.integers(0, 120), min_size=2, max_size=25, unique=True),
       act=st.lists(st.tuples(st.integers(-20, 130), st.integers(1, 9)), max_size=40),
       cov=st.tuples(st.integers(-20, 60), st.integers(60, 140)),
       max_lag=st.integers(0, 2))
def test_vectorised_windows_equal_the_slow_loop(snap_days, act, cov, max_lag):
    day0 = pd.Timestamp("2026-01-05")
    s = _snaps([day0 + pd.Timedelta(days=d) for d in sorted(snap_days)],
               np.arange(len(snap_days), dtype=float))
    a = pd.DataFrame({"member_id": "me",
                      "date": pd.to_datetime([day0 + pd.Timedelta(days=d) for d, _ in act]),
                      "activity": "posts", "count": np.array([c for _, c in act], dtype=int)})
    a = a.groupby(["member_id", "date", "activity"], as_index=False)["count"].sum()
    start, end = day0 + pd.Timedelta(days=cov[0]), day0 + pd.Timedelta(days=cov[1])
    a = a[(a["date"] >= start) & (a["date"] <= end)]
    coverage = pd.DataFrame({"member_id": ["me"], "activity": ["posts"], "start": [start],
                             "end": [end], "source": ["t"]})
    panel = align(s, a, max_lag=max_lag, activities=["posts"], coverage=coverage)
    ref = _slow_windows(panel, a, start, end, max_lag)
    for k in range(max_lag + 1):
        np.testing.assert_allclose(panel[f"posts_l{k}"].to_numpy(float), ref[k], equal_nan=True)


def test_uncovered_activity_is_missing_not_zero():
    s = _snaps(["2026-01-04", "2026-01-11", "2026-01-18"], [1, 2, 3])
    a = pd.DataFrame({"member_id": "me", "date": pd.to_datetime(["2026-01-15"]),
                      "activity": "posts", "count": [2]})
    cov = pd.DataFrame({"member_id": ["me"], "activity": ["posts"],
                        "start": [pd.Timestamp("2026-01-12")],
                        "end": [pd.Timestamp("2026-01-31")], "source": ["t"]})
    panel = align(s, a, max_lag=1, coverage=cov)
    assert np.isnan(panel["posts_l0"].iloc[0])      # week ending 11 Jan: not covered
    assert panel["posts_l0"].iloc[1] == 2           # week ending 18 Jan
    assert np.isnan(panel["posts_l1"].iloc[1])      # its lag window is before coverage


@settings(max_examples=40, deadline=None)
@given(snap_days=st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 90)),
                          min_size=2, max_size=40, unique=True),
       act=st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(-20, 100),
                              st.sampled_from(["posts", "comments", "reactions"]),
                              st.integers(1, 9)), max_size=60),
       categorical=st.booleans(), max_lag=st.integers(0, 1))
def test_windows_of_many_members_and_activities_equal_the_slow_loop(snap_days, act,
                                                                    categorical, max_lag):
    """Every member's and activity's windows equal the loop, whatever the others hold.

    Rows of several activities and members are interleaved in the activity table; the
    vectorised windows pick each one's rows by position (categorical or plain columns).
    """
    day0 = pd.Timestamp("2026-01-05")
    s = pd.concat([_snaps([day0 + pd.Timedelta(days=d) for d in sorted(
        d for mm, d in snap_days if mm == m)], 0.0, member=m)
        for m in sorted({m for m, _ in snap_days})], ignore_index=True)
    s["brand"] = np.arange(len(s), dtype=float)
    a = pd.DataFrame({"member_id": [m for m, *_ in act],
                      "date": pd.to_datetime([day0 + pd.Timedelta(days=d) for _, d, _, _ in act]),
                      "activity": [x for *_, x, _ in act], "count": [c for *_, c in act]},
                     columns=["member_id", "date", "activity", "count"])
    a = a.groupby(["member_id", "date", "activity"], as_index=False)["count"].sum()
    a["count"] = a["count"].astype("int64")
    if categorical:
        a = a.astype({"member_id": "category", "activity": "category"})
    start, end = day0 - pd.Timedelta(days=20), day0 + pd.Timedelta(days=100)
    acts = ["comments", "posts", "reactions"]
    coverage = pd.DataFrame([{"member_id": m, "activity": x, "start": start, "end": end,
                              "source": "t"} for m in ("a", "b", "c") for x in acts])
    panel = align(s, a, max_lag=max_lag, activities=acts, coverage=coverage)
    plain = a.astype({"member_id": str, "activity": str})
    for m in panel["member_id"].unique():
        rows = panel[panel["member_id"] == m]
        for x in acts:
            mine = plain[(plain["member_id"] == m) & (plain["activity"] == x)]
            ref = _slow_windows(rows, mine, start, end, max_lag)
            for k in range(max_lag + 1):
                np.testing.assert_allclose(rows[f"{x}_l{k}"].to_numpy(float), ref[k],
                                           equal_nan=True)
