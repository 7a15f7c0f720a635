"""Cleaner: every rule does what it says, logs it, and cleaning is pure and idempotent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssi_analysis import clean_snapshots
from ssi_analysis.schema import PILLARS


def snap(date, b=10.0, p=8.0, i=9.0, r=11.0, ssi=None, cap=None, source="s", member="me", **kw):
    return {"member_id": member, "date": pd.Timestamp(date),
            "captured_at": pd.Timestamp(cap, tz="UTC") if cap else pd.NaT,
            "ssi": b + p + i + r if ssi is None else ssi, "brand": b, "people": p,
            "insights": i, "relationships": r, "source": source, **kw}


def frame(*rows):
    return pd.DataFrame(list(rows))


def test_same_day_keeps_latest_capture_and_logs_the_other():
    df = frame(snap("2026-01-01", b=10, cap="2026-01-01 08:00"),
               snap("2026-01-01", b=11, cap="2026-01-01 18:00"),
               snap("2026-01-02"), snap("2026-01-02"))
    res = clean_snapshots(df)
    assert len(res.snapshots) == 2
    assert res.snapshots.iloc[0]["brand"] == 11
    dups = res.log[res.log["rule"] == "duplicate"]
    assert len(dups) == 2 and set(dups["action"]) == {"dropped"}
    assert dups["detail"].str.contains("exact duplicate").sum() == 1


def test_out_of_bounds_values_are_dropped_not_clipped():
    df = frame(snap("2026-01-01", b=26.0, ssi=54.0), snap("2026-01-02", industry_rank=140.0))
    res = clean_snapshots(df)
    assert len(res.snapshots) == 1  # the row without a valid brand is removed
    assert np.isnan(res.snapshots.iloc[0]["industry_rank"])
    oob = res.log[res.log["rule"] == "out_of_bounds"]
    assert len(oob) == 2 and oob["detail"].str.contains("brand = 26").any()


def test_sum_check_tolerates_displayed_integer_but_not_a_real_mismatch():
    df = frame(snap("2026-01-01", ssi=38.0),          # pillars 38.0: fine
               snap("2026-01-02", b=10.3, ssi=38.0),  # 38.3 vs integer 38: within 0.5
               snap("2026-01-03", ssi=40.5))          # 38.0 vs 40.5: mismatch
    res = clean_snapshots(df)
    mism = res.log[res.log["rule"] == "sum_mismatch"]
    assert list(mism["date"].dt.day) == [3]


def test_missing_ssi_is_derived_and_logged():
    df = frame(snap("2026-01-01", ssi=np.nan))
    res = clean_snapshots(df)
    assert res.snapshots.iloc[0]["ssi"] == pytest.approx(38.0)
    assert (res.log["rule"] == "ssi_derived").sum() == 1


def test_integer_only_source_is_flagged_low_precision():
    res = clean_snapshots(frame(snap("2026-01-01"), snap("2026-01-02", b=10.25)))
    assert list(res.snapshots["precision"]) == ["integer", "full"]


def test_future_and_pre_ssi_dates_are_dropped():
    df = frame(snap("2012-05-01"), snap("2026-01-01"), snap("2026-02-01"))
    res = clean_snapshots(df, as_of="2026-01-15")
    assert list(res.snapshots["date"]) == [pd.Timestamp("2026-01-01")]
    assert {"future_date", "before_ssi"} <= set(res.log["rule"])


def test_gaps_are_listed_and_not_filled():
    df = frame(snap("2026-01-01"), snap("2026-01-02"), snap("2026-01-10"))
    res = clean_snapshots(df)
    assert len(res.snapshots) == 3
    assert res.gaps.to_dict("records") == [{"member_id": "me", "start": pd.Timestamp("2026-01-03"),
                                            "end": pd.Timestamp("2026-01-09"), "days": 7}]


def test_implausible_jump_is_flagged_with_its_size():
    res = clean_snapshots(frame(snap("2026-01-01", i=5), snap("2026-01-02", i=9.5)))
    jump = res.log[res.log["rule"] == "daily_jump"]
    assert len(jump) == 1 and "+4.50" in jump["detail"].iloc[0]
    assert len(clean_snapshots(frame(snap("2026-01-01", i=5), snap("2026-01-02", i=9.5)),
                               max_daily_jump=5).log.query("rule == 'daily_jump'")) == 0


def test_does_not_mutate_its_input():
    df = frame(snap("2026-01-02"), snap("2026-01-01", b=30.0), snap("2026-01-02"))
    before = df.copy(deep=True)
    clean_snapshots(df)
    pd.testing.assert_frame_equal(df, before)


def test_missing_required_column_is_named():
    with pytest.raises(KeyError, match="brand"):
        clean_snapshots(pd.DataFrame({"member_id": ["me"], "date": ["2026-01-01"]}))


_score = st.one_of(st.floats(-5, 30, allow_nan=False), st.just(np.nan))


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["a", "b"]),
                               _score, _score, _score, _score,
                               st.integers(0, 3)), min_size=1, max_size=30))
def test_clean_properties(rows):
    df = pd.DataFrame([
        {"member_id": m, "date": pd.Timestamp("2026-01-01") + pd.Timedelta(days=d),
         "captured_at": pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(days=d, hours=h),
         "ssi": np.nan, "brand": b, "people": p, "insights": i, "relationships": r,
         "source": "x"} for d, m, b, p, i, r, h in rows])
    res = clean_snapshots(df)
    out = res.snapshots
    assert not out.duplicated(["member_id", "date"]).any()
    assert out[list(PILLARS)].notna().all().all()
    assert ((out[list(PILLARS)] >= 0) & (out[list(PILLARS)] <= 25)).all().all()
    np.testing.assert_allclose(out["ssi"], out[list(PILLARS)].sum(axis=1), atol=1e-3)
    # nothing is lost silently: every input row is either kept or named in the log
    dropped = res.log[res.log["action"] == "dropped"]
    removed_rows = dropped[dropped["rule"].isin(["duplicate", "missing_pillar", "failed_capture"])]
    assert len(out) + len(removed_rows) == len(df)
    again = clean_snapshots(out)
    pd.testing.assert_frame_equal(again.snapshots, out)
    # never invents a member-day, never alters a valid value
    src = df.assign(key=list(zip(df["member_id"], df["date"], strict=True)))
    for r in out.itertuples():
        cands = src[src["key"] == (r.member_id, r.date)]
        assert len(cands), "invented member-day"
        vals = np.array([getattr(r, p) for p in PILLARS])
        assert any(np.allclose(vals, c[list(PILLARS)].to_numpy(float))
                   for _, c in cands.iterrows())


def test_level_shift_is_a_persisting_step():
    vals = [10.0] * 10 + [13.0] * 10
    df = frame(*[snap(pd.Timestamp("2026-01-01") + pd.Timedelta(days=i), b=v)
                 for i, v in enumerate(vals)])
    log = clean_snapshots(df).log
    shift = log[log["rule"] == "level_shift"]
    assert shift[["date", "action", "detail"]].to_dict("records") == [
        {"date": pd.Timestamp("2026-01-11"), "action": "flagged",
         "detail": "brand stepped +3.00 and stayed (median 10.00 → 13.00)"}]
    assert not (log["rule"] == "spike").any()


def test_one_day_spike_is_not_a_level_shift():
    vals = [10.0] * 8 + [14.0] + [10.0] * 8
    df = frame(*[snap(pd.Timestamp("2026-01-01") + pd.Timedelta(days=i), i=v)
                 for i, v in enumerate(vals)])
    log = clean_snapshots(df).log
    assert list(log.loc[log["rule"] == "spike", "date"]) == [pd.Timestamp("2026-01-09")]
    assert not (log["rule"] == "level_shift").any()
    assert (log["rule"] == "daily_jump").sum() == 2     # up and back down, both flagged


def test_same_step_across_members_is_a_probable_formula_change():
    rows = []
    for m in ("a", "b", "c", "d"):
        for i in range(16):
            rows.append(snap(pd.Timestamp("2017-02-01") + pd.Timedelta(days=i), member=m,
                             r=15.0 if i < 8 else 12.0))
    rows.append(snap("2017-02-01", member="e"))          # a member seen that week, no step
    log = clean_snapshots(frame(*rows)).log
    fc = log[log["rule"] == "formula_change"]
    assert sorted(fc["member_id"]) == ["a", "b", "c", "d"]
    assert (fc["date"] == pd.Timestamp("2017-02-09")).all()
    assert fc["detail"].iloc[0].startswith("4 members' SSI moved down within a day")


def test_industry_change_is_flagged_as_peer_group_change():
    df = frame(snap("2026-01-01", industry="Consulting"), snap("2026-01-02", industry="Consulting"),
               snap("2026-01-03", industry="Software"))
    log = clean_snapshots(df).log
    assert list(log.loc[log["rule"] == "peer_group_change", "date"].dt.day) == [3]


def test_weekly_jump_against_a_week_earlier():
    df = frame(*[snap(pd.Timestamp("2026-01-01") + pd.Timedelta(days=i), p=5.0 + i)
                 for i in range(10)])
    log = clean_snapshots(df).log
    weekly = log[log["rule"] == "weekly_jump"]
    assert list(weekly["date"].dt.day) == [8, 9, 10]
    assert weekly["detail"].iloc[0] == "people moved +7.00 within a week"
    assert not (log["rule"] == "daily_jump").any()


def test_annotations_are_carried_into_the_log():
    df = frame(snap("2026-01-01", member="a"), snap("2026-01-01", member="b"))
    notes = pd.DataFrame({"date": ["2026-01-05", "2026-01-06"], "note": ["holiday", "new photo"],
                          "member_id": [None, "b"]})
    log = clean_snapshots(df, annotations=notes).log
    ann = log[log["rule"] == "annotation"]
    assert ann[["member_id", "detail"]].values.tolist() == [["a", "holiday"], ["b", "holiday"],
                                                            ["b", "new photo"]]
    assert set(ann["action"]) == {"noted"}


# --- the vectorised helpers equal the pandas operations they replace -------------------

_groups = st.lists(st.tuples(st.integers(0, 3), st.one_of(st.floats(-30, 30), st.just(np.nan))),
                   min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(rows=_groups, window=st.integers(3, 9), forward=st.booleans(), k=st.integers(-3, 3))
def test_grouped_shift_and_rolling_median_match_pandas(rows, window, forward, k):
    from ssi_analysis.arrays import gshift, rolling_median

    rows = sorted(rows, key=lambda r: r[0])          # sorted by member, as the cleaner has it
    codes = np.array([r[0] for r in rows], dtype=np.int64)
    vals = np.array([r[1] for r in rows], dtype=float)
    s = pd.Series(vals)
    want_shift = s.groupby(codes).shift(k).to_numpy()
    np.testing.assert_array_equal(gshift(vals, codes, k), want_shift)
    src = s.iloc[::-1] if forward else s
    want = (src.groupby(codes[src.index], sort=False).rolling(window, min_periods=3).median()
            .droplevel(0).reindex(s.index).to_numpy())
    np.testing.assert_allclose(rolling_median(vals, codes, window, forward=forward, chunk=7),
                               want, rtol=1e-12, equal_nan=True)
    at = np.arange(len(vals))[::2]                   # only at some rows (the step candidates)
    np.testing.assert_allclose(rolling_median(vals, codes, window, forward=forward, at=at,
                                               chunk=3), want[at], rtol=1e-12, equal_nan=True)


@settings(max_examples=150, deadline=None)
@given(rows=st.sets(st.tuples(st.integers(0, 2), st.integers(0, 40)), min_size=1, max_size=50),
       back=st.integers(1, 9), tol=st.integers(0, 3))
def test_rows_days_before_matches_merge_asof(rows, back, tol):
    from ssi_analysis.arrays import rows_days_before

    rows = sorted(rows)
    codes = np.array([r[0] for r in rows], dtype=np.int64)
    days = np.array([r[1] for r in rows], dtype=np.int64)
    vals = np.arange(len(rows), dtype=float)[:, None] * [1.0, -1.0]
    left = pd.DataFrame({"m": codes, "target": days - back, "_row": np.arange(len(rows))})
    right = pd.DataFrame({"m": codes, "target": days, "a": vals[:, 0], "b": vals[:, 1]})
    m = pd.merge_asof(left.sort_values("target", kind="stable"),
                      right.sort_values("target", kind="stable"), on="target", by="m",
                      direction="backward", tolerance=tol)
    want = m.sort_values("_row")[["a", "b"]].to_numpy()
    j, ok = rows_days_before(days, codes, back, tol)
    got = vals[j]
    got[~ok] = np.nan
    np.testing.assert_array_equal(got, want)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 4), st.one_of(st.integers(1, 6), st.none())),
                     min_size=1, max_size=60),
       q=st.sampled_from([0.0, 0.25, 0.5, 0.9]))
def test_grouped_quantile_matches_pandas(rows, q):
    """The cleaner's grouped quantile of day steps equals pandas' grouped quantile."""
    from ssi_analysis.arrays import grouped_quantile

    rows = sorted(rows, key=lambda r: r[0])           # sorted by member, values in any order
    codes = np.array([r[0] for r in rows], dtype=np.int64)
    vals = np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=float)
    want = pd.Series(vals).groupby(codes).quantile(q).reindex(codes).to_numpy()
    np.testing.assert_array_equal(grouped_quantile(vals, codes, q), want)


# ------------------------------------------------------------------ real histories' failures

def test_failed_captures_are_dropped_whatever_the_total_says():
    df = frame(snap("2026-01-01"), snap("2026-01-02", b=0, p=0, i=0, r=0, ssi=0),
               snap("2026-01-03", b=0, p=0, i=0, r=0, ssi=47),
               snap("2026-01-04", b=np.nan, p=np.nan, i=np.nan, r=np.nan, ssi=0),
               snap("2026-01-05"))
    res = clean_snapshots(df, as_of="2026-02-01")
    assert list(res.snapshots["date"].dt.day) == [1, 5]
    failed = res.log[res.log["rule"] == "failed_capture"]
    assert list(failed["date"].dt.day) == [2, 3, 4] and set(failed["action"]) == {"dropped"}
    assert not res.log["rule"].isin(["daily_jump", "spike", "missing_pillar"]).any()


def test_a_future_date_without_capture_time_is_dropped_by_default():
    df = frame(snap("2026-01-01"), snap("2030-01-01"))
    res = clean_snapshots(df)                        # judged against today
    assert list(res.snapshots["date"].dt.year) == [2026]
    assert res.log.loc[res.log["rule"] == "future_date", "date"].dt.year.tolist() == [2030]
    kept = clean_snapshots(df, as_of="2031-01-01")   # an explicit day to judge against
    assert len(kept.snapshots) == 2


def test_a_whole_number_total_that_agrees_keeps_the_precise_sum_once_logged():
    df = frame(*[snap(f"2026-01-0{d}", b=12.3, p=10.413, i=9.1, r=15.1, ssi=47)
                 for d in range(1, 6)], snap("2026-01-06", b=12.3, p=10.413, i=9.1, r=15.1,
                                             ssi=52))
    res = clean_snapshots(df, as_of="2026-02-01")
    np.testing.assert_allclose(res.snapshots["ssi"].iloc[:5], 46.913)
    rounded = res.log[res.log["rule"] == "ssi_rounded"]
    assert len(rounded) == 1 and rounded["detail"].iloc[0].startswith("5 snapshots give SSI")
    assert "47 → 46.913" in rounded["detail"].iloc[0]
    mism = res.log[res.log["rule"] == "sum_mismatch"]       # 52 is not a rounding of 46.913
    assert list(mism["date"].dt.day) == [6]


def _team(n_members, days, step_at=None, step=0.0, spread=1, seed=0, noise=0.05):
    rng = np.random.default_rng(seed)
    rows = []
    for m in range(n_members):
        level = rng.uniform(8, 15, 4)
        for d in range(days):
            v = level + rng.normal(0, noise, 4)
            if step_at is not None and d >= step_at:
                v = v * (1 + step * min(1.0, (d - step_at + 1) / spread))
            rows.append(snap(pd.Timestamp("2025-01-01") + pd.Timedelta(days=d),
                             b=v[0], p=v[1], i=v[2], r=v[3], member=f"m{m:02d}"))
    return frame(*rows)


@pytest.mark.parametrize("spread", [1, 3])
def test_a_team_wide_drop_is_a_formula_change_even_when_no_pillar_jumps(spread):
    df = _team(30, 40, step_at=20, step=-0.07, spread=spread)
    log = clean_snapshots(df, as_of="2026-01-01").log
    fc = log[log["rule"] == "formula_change"]
    assert fc["member_id"].nunique() == 30
    assert fc["date"].nunique() <= 2 and (fc["date"] >= pd.Timestamp("2025-01-21")).all()
    assert not log["rule"].eq("level_shift").any()        # no pillar moved 2 points


def test_ordinary_noise_and_one_members_drop_are_not_formula_changes():
    df = _team(30, 60, noise=0.3, seed=4)
    assert not clean_snapshots(df, as_of="2026-01-01").log["rule"].eq("formula_change").any()
    one = pd.concat([df[df["member_id"] != "m00"], _team(1, 60, step_at=30, step=-0.2)
                     .assign(member_id="m00")])
    assert not clean_snapshots(one, as_of="2026-01-01").log["rule"].eq("formula_change").any()


def test_a_step_spread_over_three_days_is_one_level_shift():
    vals = [12.0] * 10 + [11.0, 10.0, 9.0] + [9.0] * 10
    df = frame(*[snap(pd.Timestamp("2026-01-01") + pd.Timedelta(days=d), b=v)
                 for d, v in enumerate(vals)])
    log = clean_snapshots(df, as_of="2026-03-01").log
    shift = log[log["rule"] == "level_shift"]
    assert len(shift) == 1 and shift["date"].iloc[0] == pd.Timestamp("2026-01-13")
    assert shift["detail"].iloc[0].startswith("brand stepped -3.00 and stayed")


def test_level_shifts_are_found_in_weekly_histories():
    vals = [12.0] * 8 + [15.0] * 8
    df = frame(*[snap(pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=w), b=v)
                 for w, v in enumerate(vals)])
    log = clean_snapshots(df, as_of="2026-12-01").log
    shift = log[log["rule"] == "level_shift"]
    assert list(shift["date"]) == [pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=8)]


@settings(max_examples=300, deadline=None)
@given(rows=st.sets(st.tuples(st.integers(0, 4), st.integers(100, 140)), max_size=60),
       extra=st.lists(st.integers(90, 150), max_size=6))
def test_members_near_counts_distinct_members_within_a_day(rows, extra):
    from ssi_analysis.arrays import members_near

    rows = sorted(rows)                                    # sorted by member, then day
    codes = np.array([r[0] for r in rows], dtype=np.int64)
    days = np.array([r[1] for r in rows], dtype=np.int64)
    at = np.unique(np.r_[days, extra]).astype(np.int64)
    want = [len({m for m, d in rows if abs(d - t) <= 1}) for t in at]
    assert members_near(codes, days, at).tolist() == want
