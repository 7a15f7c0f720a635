"""Loaders: the sample's real formats, the canonical CSVs, errors that name file/row/column."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
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
from ssi_analysis.store import write_parquet
from ssi_analysis.schema import ACTIVITY_COLUMNS, PILLARS, SNAPSHOT_COLUMNS, SNAPSHOT_CORE
from ssi_analysis.synth import SAMPLE_TZ, sample_data

PAYLOAD = {
    "activeSeat": False,
    "memberScore": {"overall": 19.705751, "subScores": [
        {"score": 13.118002, "pillar": "PROFESSIONAL_BRAND"},
        {"score": 3.68, "pillar": "FIND_RIGHT_PEOPLE"},
        {"score": 0.29999998, "pillar": "INSIGHT_ENGAGEMENT"},
        {"score": 2.6077502, "pillar": "STRONG_RELATIONSHIP"}]},
    "groupScore": [
        {"groupType": "INDUSTRY", "rank": 75, "score": {"overall": 30.99, "subScores": []}},
        {"groupType": "NETWORK", "rank": 81, "score": {"overall": 32.72, "subScores": []}}],
}


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


def test_local_day_depends_on_time_zone(tmp_path):
    (tmp_path / "Shares.csv").write_text(
        "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n"
        "2025-03-01 23:30:00,https://x/urn%3Ali%3Ashare%3A1,Hello,,,MEMBER_NETWORK\n")
    utc = load_activity(tmp_path, tz="UTC")
    berlin = load_activity(tmp_path, tz="Europe/Berlin")
    assert utc["date"].iloc[0] == pd.Timestamp("2025-03-01")
    assert berlin["date"].iloc[0] == pd.Timestamp("2025-03-02")


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


def test_saved_ssi_page(tmp_path):
    page = f"<html><body><code>{json.dumps(PAYLOAD)}</code></body></html>"
    (tmp_path / "ssi_2026-06-01.html").write_text(page)
    assert load_snapshots(tmp_path)["people"].iloc[0] == pytest.approx(3.68)


def test_canonical_and_wide_csv_spellings(tmp_path):
    (tmp_path / "a.csv").write_text(
        "member_id,date,ssi,brand,people,insights,relationships,industry_rank\n"
        "ana,2026-01-05,40.5,10,10,10.5,10,Top 5%\n")
    (tmp_path / "b.csv").write_text(
        "\ufeffDate;Overall;Establish your professional brand;Find the right people;"
        "Engage with insights;Build relationships\r\n15/01/2026;41,5;10,5;10;11;10\r\n")
    s = load_snapshots(tmp_path, member_id="bo")
    ana = s[s["member_id"] == "ana"].iloc[0]
    bo = s[s["member_id"] == "bo"].iloc[0]
    assert ana["industry_rank"] == 5
    assert bo["ssi"] == 41.5 and bo["brand"] == 10.5
    assert bo["date"] == pd.Timestamp("2026-01-15")


def test_ambiguous_day_month_order_is_refused_unless_the_column_decides(tmp_path):
    head = "date,ssi,brand,people,insights,relationships\n"
    (tmp_path / "a.csv").write_text(head + "03/04/2026,40,10,10,10,10\n")
    with pytest.raises(DataError, match=r"a\.csv, row 2, column date: the date '03/04/2026' is "
                                        "ambiguous"):
        load_snapshots(tmp_path / "a.csv")
    (tmp_path / "b.csv").write_text(head + "03/04/2026,40,10,10,10,10\n"
                                    "03/25/2026,40,10,10,10,10\n")
    assert list(load_snapshots(tmp_path / "b.csv")["date"].dt.strftime("%m-%d")) == [
        "03-04", "03-25"]


def test_zip_export_with_suffixed_names_and_quirks(tmp_path):
    z = tmp_path / "Complete_LinkedInDataExport_03-09-2026.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Comments_17529409.csv",
                    'Date,Link,Message\n2026-01-02 10:00:00,urn:li:activity:1,'
                    '"He said \\"hi\\",\nthen left"\n,urn:li:activity:2,blank date\n')
        zf.writestr("Shares_17529409.csv",
                    "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl\n"
                    '2026-01-02 10:00:00,l,"p1""\n""\n""p2",,\n2026-01-03 10:00:00,l,,,\n')
        zf.writestr("Connections.csv",
                    "Notes:\n\"some note\"\n\nFirst Name,Last Name,URL,Email Address,Company,"
                    "Position,Connected On\nA,B,u,,C,P,02 Jan 2026\n,,,,,,03 Jan 2026\n")
    act = load_activity(z)
    counts = act.groupby("activity")["count"].sum().to_dict()
    assert counts == {"comments": 1, "posts": 1, "reposts": 1, "connections": 2}
    cov = activity_coverage(act)
    assert set(cov["activity"]) == {"comments", "posts", "reposts", "connections"}
    assert (cov["end"] == pd.Timestamp("2026-03-08")).all()  # the day before the export date


def test_messages_counts_only_the_owners_sent_messages(tmp_path):
    me, a, b = "https://l/in/me", "https://l/in/a", "https://l/in/b"
    rows = [("c1", "Me", me, "A", a, "2026-01-01 10:00:00 UTC", "No"),
            ("c1", "A", a, "Me", me, "2026-01-01 11:00:00 UTC", "No"),
            ("c2", "B", b, "Me", me, "2026-01-02 11:00:00 UTC", "No"),
            ("c2", "Me", me, "B", b, "2026-01-02 12:00:00 UTC", "Yes")]
    text = ('"CONVERSATION ID","FROM","SENDER PROFILE URL","TO","RECIPIENT PROFILE URLS",'
            '"DATE","IS MESSAGE DRAFT"\n')
    text += "".join(",".join(f'"{v}"' for v in r) + "\n" for r in rows)
    (tmp_path / "messages.csv").write_text(text)
    act = load_activity(tmp_path)
    assert act.to_dict("records") == [{"member_id": "me", "date": pd.Timestamp("2026-01-01"),
                                       "activity": "messages_sent", "count": 1}]


def test_invitations_split_by_direction(tmp_path):
    (tmp_path / "Invitations.csv").write_text(
        "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n"
        'Me,X,"9/27/25, 8:41 AM",,OUTGOING,u,v\nY,Me,"9/28/25, 8:41 PM",hi,INCOMING,v,u\n')
    act = load_activity(tmp_path)
    assert act[["date", "activity", "count"]].to_dict("records") == [
        {"date": pd.Timestamp("2025-09-27"), "activity": "invitations_sent", "count": 1},
        {"date": pd.Timestamp("2025-09-28"), "activity": "invitations_received", "count": 1}]


def test_activity_csv_blank_is_untracked_zero_is_zero(tmp_path):
    (tmp_path / "activity.csv").write_text(
        "date,posts,comments\n2026-01-01,1,\n2026-01-02,0,2\n2026-01-03,0,\n")
    act = load_activity(tmp_path)
    cov = activity_coverage(act).set_index("activity")
    assert cov.loc["posts", "start"] == pd.Timestamp("2026-01-01")
    assert cov.loc["posts", "end"] == pd.Timestamp("2026-01-03")
    assert cov.loc["comments", "start"] == cov.loc["comments", "end"] == pd.Timestamp("2026-01-02")


@pytest.mark.parametrize("content, expected", [
    ("date,ssi,brand,people,insights,relationships\n2026-01-01,40,10,10,x,10\n",
     r"bad\.csv, row 2, column insights: expected a number, found 'x'"),
    ("date,ssi,brand,people,insights,relationships\n2026-13-45,40,10,10,10,10\n",
     r"bad\.csv, row 2, column date: expected a date"),
    ("date,ssi,brand,people\n2026-01-01,40,10,10\n",
     r"bad\.csv, row 1: lacks the columns \['insights', 'relationships'\]"),
])
def test_bad_csv_names_file_row_column(tmp_path, content, expected):
    (tmp_path / "bad.csv").write_text(content)
    with pytest.raises(DataError, match=expected) as info:
        load_snapshots(tmp_path / "bad.csv")
    assert "\n" not in str(info.value)


def test_globs_folders_and_zips_are_all_inputs(tmp_path, sample_member):
    src = sorted((sample_member / "ssi" / "2026").glob("*.json"))[:6]
    (tmp_path / "a").mkdir()
    for f in src[:3]:
        (tmp_path / "a" / f.name).write_bytes(f.read_bytes())
    with zipfile.ZipFile(tmp_path / "more.zip", "w") as zf:
        for f in src[3:]:
            zf.write(f, f.name)
    got = load_snapshots(str(tmp_path / "a" / "salesApiSsi_*.json"), tmp_path / "more.zip",
                         tz="Europe/Berlin")
    assert len(got) == 6
    assert got["source"].str.startswith(("salesApiSsi_", "more.zip/")).all()
    with pytest.raises(DataError, match="the pattern matches no file"):
        load_snapshots(str(tmp_path / "nothing_*.json"))


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


def test_zip_path_traversal_is_refused(tmp_path):
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../Shares.csv", "Date,ShareLink,ShareCommentary\n")
    with pytest.raises(DataError, match="points outside the archive"):
        load_activity(z)


def test_writers_refuse_data_raw():
    from ssi_analysis import paths

    with pytest.raises(DataError, match="never modified"):
        write_parquet(pd.DataFrame({"a": [1]}), paths.RAW_DIR / "x.parquet")


_cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cells, min_size=6, max_size=6), max_size=5),
       sep=st.sampled_from([",", ";", "\t"]))
def test_snapshot_csv_parser_raises_only_data_error(tmp_path, rows, sep):
    text = sep.join(["date", "ssi", "brand", "people", "insights", "relationships"]) + "\n"
    text += "".join(sep.join(r) + "\n" for r in rows)
    f = tmp_path / "fuzz.csv"
    f.write_text(text, encoding="utf-8")
    try:
        out = load_snapshots(f)
    except DataError as exc:
        assert "\n" not in str(exc)
    else:
        assert list(out.columns) == list(SNAPSHOT_CORE)   # no peer details in this CSV


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300))
def test_json_parser_raises_only_data_error(tmp_path, body):
    f = tmp_path / "salesApiSsi_2026-01-01.json"
    f.write_bytes(b"{" + body)
    try:
        load_snapshots(f)
    except DataError:
        pass


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


def test_input_manifest_hashes_every_file_and_zip_member(tmp_path):
    """The run manifest's SHA-256 and size of each input, read in blocks or from a zip."""
    import hashlib

    from ssi_analysis.pipeline import input_manifest

    big = bytes(range(256)) * (5 * 2**14 + 3)           # over one 4 MiB block
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "snapshots.csv").write_bytes(big)
    with zipfile.ZipFile(tmp_path / "in" / "export.zip", "w") as zf:
        zf.writestr("Shares.csv", b"Date,ShareLink\n2026-01-01 10:00:00,x\n")
    got = {r["file"]: r for r in input_manifest([tmp_path / "in"])}
    want = {"in/snapshots.csv": big, "export.zip/Shares.csv":
            b"Date,ShareLink\n2026-01-01 10:00:00,x\n"}
    assert set(got) == set(want)
    for name, data in want.items():
        assert got[name]["sha256"] == hashlib.sha256(data).hexdigest()
        assert got[name]["bytes"] == len(data)


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


def test_processed_files_carry_no_side_data_and_tables_round_trip(sample_processed, tmp_path):
    """Side data travels in the table types, not in pandas attrs: the Parquet files have no
    ``PANDAS_ATTRS`` block (it held 2.7 MB of coverage records in a team's activity file),
    and a table read back equals the one written."""
    import pyarrow.parquet as pq

    from ssi_analysis.store import PROCESSED_FILES, read_parquet

    for name in PROCESSED_FILES.values():
        meta = pq.read_schema(sample_processed / name).metadata or {}
        assert b"PANDAS_ATTRS" not in meta, name
    df = pd.DataFrame({"member_id": ["a", "b"], "count": [1, 2]})
    df.attrs["coverage"] = [{"member_id": "a"}]          # never written
    write_parquet(df, tmp_path / "t.parquet")
    back = read_parquet(tmp_path / "t.parquet")
    assert back.attrs == {} and df.attrs                  # the caller's frame is unchanged
    pd.testing.assert_frame_equal(back, df)
