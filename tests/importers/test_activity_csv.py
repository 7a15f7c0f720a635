"""Activity kept as CSV, and the pyarrow fast paths for large canonical files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssi_analysis import (
    DataError,
    activity_coverage,
    clean_snapshots,
    load_activity,
    load_snapshots,
)


def test_activity_csv_blank_is_untracked_zero_is_zero(tmp_path):
    (tmp_path / "activity.csv").write_text(
        "date,posts,comments\n2026-01-01,1,\n2026-01-02,0,2\n2026-01-03,0,\n")
    act = load_activity(tmp_path)
    cov = activity_coverage(act).set_index("activity")
    assert cov.loc["posts", "start"] == pd.Timestamp("2026-01-01")
    assert cov.loc["posts", "end"] == pd.Timestamp("2026-01-03")
    assert cov.loc["comments", "start"] == cov.loc["comments", "end"] == pd.Timestamp("2026-01-02")


_num = st.one_of(st.integers(0, 25).map(str), st.floats(0, 25, allow_nan=False).map(
    lambda x: f"{x:.4f}"), st.just(""))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 60), _num, _num,
                               _num, _num, _num), min_size=1, max_size=15),
       counts=st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 60),
                                 st.one_of(st.integers(0, 9).map(str), st.just("-3")),
                                 st.one_of(st.integers(0, 5).map(str),
                                                              st.sampled_from(["", "-2"])),
                                 st.one_of(st.integers(0, 3).map(str),
                                           st.sampled_from(["", "2.0", "-1", "0.5"]))),
                       min_size=1, max_size=15),
       chunk=st.integers(1, 4))
def test_fast_csv_path_equals_the_careful_reader(tmp_path, monkeypatch, rows, counts, chunk):
    """The pyarrow path for large canonical CSVs gives exactly what the careful reader gives.

    Rows in any order, repeated member-days, untracked (empty) counts, counts written as
    ``2.0``, negative and fractional counts (an error either way), and the wide-to-long
    step in chunks of a few rows.
    """
    from ssi_analysis.importers import _fast as fast_module
    from ssi_analysis.importers import activity_csv

    monkeypatch.setattr(activity_csv, "LONG_CHUNK", chunk)
    day = pd.Timestamp("2026-01-01")
    snap = "member_id,date,ssi,brand,people,insights,relationships\n" + "".join(
        f"{m},{(day + pd.Timedelta(days=d)):%Y-%m-%d},{s},{b},{p},{i},{r}\n"
        for m, d, s, b, p, i, r in rows)
    act = "member_id,date,posts,comments,reactions\n" + "".join(
        f"{m},{(day + pd.Timedelta(days=d)):%Y-%m-%d},{p},{c},{x}\n"
        for m, d, p, c, x in counts)
    (tmp_path / "snapshots.csv").write_text(snap)
    (tmp_path / "activity.csv").write_text(act)

    def both(loader, f):
        out = []
        for threshold in (10**12, 0):          # careful reader, then the fast path
            monkeypatch.setattr(fast_module, "FAST_MIN_BYTES", threshold)
            try:
                out.append(loader(tmp_path / f))
            except DataError as exc:     # the same error, at the same row and column
                out.append((type(exc), str(exc).split(": expected")[0]))
        return out

    careful, fast = both(load_snapshots, "snapshots.csv")
    if not isinstance(careful, tuple) and not isinstance(fast, tuple):
        cols = ["member_id", "date", "ssi", "brand", "people", "insights", "relationships"]
        pd.testing.assert_frame_equal(careful.snapshots[cols], fast.snapshots[cols],
                                      check_dtype=False)
    careful, fast = both(load_activity, "activity.csv")
    assert careful == fast if isinstance(careful, tuple) else type(careful) is type(fast)
    if not isinstance(careful, tuple):
        pd.testing.assert_frame_equal(careful.counts, fast.counts, check_dtype=False)
        assert activity_coverage(careful).equals(activity_coverage(fast))


@settings(max_examples=100, deadline=None)
@given(parts=st.lists(st.lists(st.tuples(st.sampled_from(["m2", "m10", "a b", "é"]),
                                         st.integers(0, 5),
                                         st.sampled_from(["posts", "comments", "reactions"]),
                                         st.integers(0, 9)), max_size=25),
                      min_size=1, max_size=3),
       categorical=st.booleans())
def test_combined_activity_equals_groupby_sum(parts, categorical):
    """The integer-key combination of activity frames equals a pandas groupby-sum."""
    from ssi_analysis.importers._frames import combine_activity

    frames = []
    for rows in parts:
        f = pd.DataFrame(rows, columns=["member_id", "day", "activity", "count"])
        f = f.assign(date=pd.Timestamp("2026-01-01") + pd.to_timedelta(f.pop("day"), "D"))
        if categorical:
            f = f.astype({"member_id": "category", "activity": "category"})
        frames.append(f[["member_id", "date", "activity", "count"]])
    got = combine_activity(frames)
    every = pd.concat(frames, ignore_index=True).astype({"member_id": str, "activity": str})
    want = (every.groupby(["member_id", "date", "activity"], as_index=False, sort=True)["count"]
            .sum().astype({"member_id": str, "activity": str, "count": "int64"}))
    want["date"] = want["date"].astype("datetime64[ns]")
    if len(got):   # compact ids: categoricals of the values that occur, in sorted order
        for c in ("member_id", "activity"):
            assert list(got[c].cat.categories) == sorted(set(want[c]))
        got = got.astype({"member_id": str, "activity": str})
    pd.testing.assert_frame_equal(got, want if len(want) else got.iloc[:0])


def test_fast_path_leaves_a_missing_date_to_the_careful_reader(tmp_path, monkeypatch):
    """An empty date cell gives the same result (skip, or one-line error) on both paths."""
    from ssi_analysis.importers import _fast as fast

    days = [f"m{i % 7},2026-01-{i % 28 + 1:02d}" for i in range(40)]
    (tmp_path / "activity.csv").write_text(
        "member_id,date,posts,comments\n" + "".join(f"{d},{i % 3},{i % 2}\n"
                                                   for i, d in enumerate(days)) + "m1,,1,0\n")
    (tmp_path / "snapshots.csv").write_text(
        "member_id,date,ssi,brand,people,insights,relationships\n"
        + "".join(f"{d},40,10,10,10,10\n" for d in days) + "m1,,40,10,10,10,10\n")
    got = {}
    for threshold in (10**12, 0):                 # careful reader, then the fast path
        monkeypatch.setattr(fast, "FAST_MIN_BYTES", threshold)
        got[threshold] = load_activity(tmp_path / "activity.csv")
        with pytest.raises(DataError, match="row 42, column date: the date is empty"):
            load_snapshots(tmp_path / "snapshots.csv")
    pd.testing.assert_frame_equal(got[10**12].counts, got[0].counts)
    pd.testing.assert_frame_equal(got[10**12].coverage, got[0].coverage)


@pytest.mark.parametrize("fast", [True, False])
def test_loaded_tables_take_in_place_edits(tmp_path, monkeypatch, fast):
    """Frames from both readers are ordinary, writable and share no memory between columns.

    The fast path builds frames without copies; a read-only Arrow view or one array
    shared by two columns would make an analyst's ``df.loc[...] = ...`` fail or change
    another column.
    """
    from ssi_analysis.importers import _fast as fast

    monkeypatch.setattr(fast, "FAST_MIN_BYTES", 0 if fast else 10**12)
    (tmp_path / "snapshots.csv").write_text(
        "member_id,date,ssi,brand,people,insights,relationships\n"
        "a,2026-01-01,40,10,10,10,10\na,2026-01-02,41,10,11,10,10\n"
        "b,2026-01-01,50,12.5,12.5,12.5,12.5\n")
    (tmp_path / "activity.csv").write_text(
        "member_id,date,posts,comments\na,2026-01-01,1,2\nb,2026-01-02,0,3\n")
    snaps = load_snapshots(tmp_path / "snapshots.csv")
    for df in (snaps.snapshots, load_activity(tmp_path / "activity.csv").counts,
               clean_snapshots(snaps).snapshots):
        for c in df.columns:
            before = df.copy()
            df.loc[0, c] = df.loc[1, c] if pd.notna(df.loc[1, c]) else df.loc[0, c]
            others = [o for o in df.columns if o != c]
            pd.testing.assert_frame_equal(df[others], before[others])
        if "industry_rank" in df:     # absent peer columns are separate arrays
            df.loc[0, "industry_rank"] = 7.0
            assert df["industry_rank"].notna().sum() == 1
            assert df["network_rank"].isna().all() and df["industry_ssi"].isna().all()


def test_each_loader_skips_the_other_large_csv_unread(tmp_path, monkeypatch):
    """In a folder with both canonical CSVs, each loader reads only its own file.

    Reading the other (a 570 MB snapshots.csv for load_activity at 10,000 members) only
    to find it is not activity cost seconds and gigabytes; the header says it.
    """
    import pyarrow.csv as pacsv

    from ssi_analysis.importers import _fast as fast
    from ssi_analysis.importers.sources import Source

    monkeypatch.setattr(fast, "FAST_MIN_BYTES", 0)
    (tmp_path / "snapshots.csv").write_text(
        "member_id,date,ssi,brand,people,insights,relationships\n"
        "a,2026-01-01,40,10,10,10,10\nb,2026-01-02,41,10,11,10,10\n")
    (tmp_path / "activity.csv").write_text(
        "member_id,date,posts,comments\na,2026-01-01,1,2\nb,2026-01-02,0,3\n")
    alone = (load_snapshots(tmp_path / "snapshots.csv"), load_activity(tmp_path / "activity.csv"))
    opened: list[str] = []
    real_read, real_bytes = pacsv.read_csv, Source.read_bytes
    monkeypatch.setattr(pacsv, "read_csv", lambda f, *a, **k: opened.append(
        Path(str(f)).name) or real_read(f, *a, **k))
    monkeypatch.setattr(Source, "read_bytes",
                        lambda self: opened.append(self.basename) or real_bytes(self))
    snaps = load_snapshots(tmp_path)
    assert opened == ["snapshots.csv"]
    opened.clear()
    act = load_activity(tmp_path)
    assert opened == ["activity.csv"]
    pd.testing.assert_frame_equal(snaps.drop(columns="source"), alone[0].drop(columns="source"))
    pd.testing.assert_frame_equal(act.counts, alone[1].counts)

