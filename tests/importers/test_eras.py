"""Layouts of every era (tests/fixtures/formats, written by make_formats.py): each is read,
every row is counted or logged with a reason, nothing is invented."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ssi_analysis import clean_snapshots, load_activity, load_snapshots
from ssi_analysis.pipeline import ingest

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def _totals(act) -> dict[str, int]:
    return {str(k): int(v) for k, v in
            act.counts.groupby("activity", observed=True)["count"].sum().items()}


def _balance(log: pd.DataFrame) -> None:
    """Per file: rows read = rows used + every row skipped with a reason."""
    for file, g in log.groupby("file"):
        read = g.loc[g["rule"] == "rows_read", "rows"].sum()
        used = g.loc[g["rule"] == "rows_used", "rows"].sum()
        skipped = g.loc[~g["rule"].isin(["rows_read", "rows_used"]), "rows"].sum()
        assert read == used + skipped, (file, g.to_dict("records"))


def test_a_2018_export_is_read_whole():
    act = load_activity(FORMATS / "export_2018")
    # Shares.csv: UTF-16, tab-separated, "Share Commentary", 2017/06/08 08:15:44 UTC
    # Messages.csv: Direction column, no URLs (the draft is not a sent message)
    # Connections.csv: no preamble, "1/8/18, 6:14 PM"
    assert _totals(act) == {"connections": 3, "messages_sent": 2, "posts": 2, "reposts": 1}
    days = act.counts.groupby("activity", observed=True)["date"].min()
    assert days["posts"] == pd.Timestamp("2017-06-08")
    assert days["connections"] == pd.Timestamp("2018-01-08")
    assert set(act.coverage["activity"]) == {"connections", "messages_sent", "posts", "reposts"}
    _balance(act.ingest_log)
    assert not act.ingest_log["rule"].isin(["bad_date", "blank_date"]).any()


def test_invitations_with_month_names():
    act = load_activity(FORMATS / "invitations_words")
    assert _totals(act) == {"invitations_received": 1, "invitations_sent": 2}
    sent = act.counts[act.counts["activity"] == "invitations_sent"]
    assert list(sent["date"]) == [pd.Timestamp("2023-03-25"), pd.Timestamp("2023-03-27")]


def test_messages_whose_owner_cannot_be_told_are_not_tracked_and_say_how_to_fix_it():
    act = load_activity(FORMATS / "messages_tie")
    assert act.counts.empty and "messages_sent" not in set(act.coverage["activity"])
    unknown = act.ingest_log[act.ingest_log["rule"] == "owner_unknown"]
    assert len(unknown) == 1 and "--owner" in unknown["detail"].iloc[0]
    _balance(act.ingest_log)
    named = load_activity(FORMATS / "messages_tie", owner="Robin Example")
    assert _totals(named) == {"messages_sent": 5}
    other = load_activity(FORMATS / "messages_tie", owner="https://www.linkedin.com/in/kim-sample")
    assert _totals(other) == {"messages_sent": 1}


def test_unquoted_multi_line_comments_are_joined_not_skipped():
    act = load_activity(FORMATS / "comments_multiline")
    assert _totals(act) == {"comments": 3}
    log = act.ingest_log
    assert not log["rule"].isin(["bad_date", "blank_date"]).any()
    assert log.loc[log["rule"] == "rows_read", "rows"].tolist() == [3]
    assert log["detail"].str.startswith("3 lines of unquoted multi-line comments").any()


def test_rich_media_with_a_space_in_its_name():
    assert _totals(load_activity(FORMATS / "rich_media_space")) == {"media_uploads": 2}


def test_a_file_whose_rows_all_fail_gives_no_coverage(tmp_path):
    folder = tmp_path / "Complete_LinkedInDataExport_01-01-2026"
    folder.mkdir()
    (folder / "Shares.csv").write_text("Date,ShareLink,ShareCommentary\n"
                                       "yesterday,https://x/1,Hi\nsoon,https://x/2,Yo\n")
    (folder / "Comments.csv").write_text("Date,Link,Message\n"
                                         "2025-12-01 10:00:00,https://x/3,ok\n")
    act = load_activity(folder)
    assert set(act.coverage["activity"]) == {"comments"}       # posts: unknown, not zero
    note = act.ingest_log[act.ingest_log["rule"] == "not_tracked"]
    assert len(note) == 1 and "posts" in note["detail"].iloc[0]
    _balance(act.ingest_log)


def test_a_tracker_total_is_read_and_failed_captures_are_dropped():
    snaps = load_snapshots(FORMATS / "tracker_total_ssi")
    assert snaps.snapshots["ssi"].iloc[0] == 47                # Total_SSI is read
    assert (snaps.snapshots[["industry_rank", "network_rank"]].iloc[0] == [12, 15]).all()
    unused = snaps.ingest_log[snaps.ingest_log["rule"] == "columns_not_used"]
    assert unused["detail"].iloc[0].startswith("columns not used: Notes")
    res = clean_snapshots(snaps, as_of="2026-01-01")
    assert len(res.snapshots) == 12 and (res.snapshots["ssi"] > 0).all()
    np.testing.assert_allclose(res.snapshots["ssi"], 46.913)
    assert (res.log["rule"] == "failed_capture").sum() == 2
    assert (res.log["rule"] == "ssi_rounded").sum() == 1
    assert not res.log["rule"].isin(["daily_jump", "spike", "level_shift"]).any()


def test_linkedins_own_labels_and_top_percent_ranks():
    s = load_snapshots(FORMATS / "labels_top").snapshots
    assert s["industry_rank"].tolist() == [11, 11] and s["network_rank"].tolist() == [9, 9]
    assert s["ssi"].tolist() == [47, 47] and s["people"].tolist() == [9.5, 9.6]


@pytest.mark.parametrize("folder", ["semicolon_dot", "semicolon_comma"])
def test_the_decimal_separator_is_decided_by_the_values(folder):
    snaps = load_snapshots(FORMATS / folder)
    assert snaps.snapshots["ssi"].tolist() == [46.91, 47.01]
    noted = snaps.ingest_log["rule"].eq("decimal_comma").any()
    assert noted == (folder == "semicolon_comma")


def test_mixed_decimal_separators_are_refused(tmp_path):
    (tmp_path / "ssi.csv").write_text("date;ssi;brand;people;insights;relationships\n"
                                      "2025-06-01;46,91;12.41;9,5;10,25;14,75\n")
    with pytest.raises(Exception, match="mixes decimal commas"):
        load_snapshots(tmp_path)


def test_the_long_activity_form(tmp_path):
    act = load_activity(FORMATS / "activity_long")
    assert _totals(act) == {"comments": 3, "invitations_sent": 5, "posts": 2, "reactions": 7}
    posts = act.coverage.set_index("activity").loc["posts"]
    assert (posts["start"], posts["end"]) == (pd.Timestamp("2025-07-01"),
                                              pd.Timestamp("2025-07-04"))
    shutil.copy(FORMATS / "activity_long" / "activity.csv", tmp_path / "a.csv")
    with (tmp_path / "a.csv").open("a") as fh:
        fh.write("me,2025-07-06,juggling,2\n")
    odd = load_activity(tmp_path / "a.csv")
    assert _totals(odd) == _totals(act)
    assert odd.ingest_log["rule"].eq("unknown_activity").any()
    _balance(odd.ingest_log)


def test_utf16_without_a_byte_order_mark():
    assert load_snapshots(FORMATS / "utf16_no_bom").snapshots["ssi"].tolist() == [40]


def test_the_ingest_log_reaches_the_processed_folder_with_its_accounting(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FORMATS / "tracker_total_ssi", raw / "ssi")
    shutil.copytree(FORMATS / "export_2018", raw / "export")
    written = ingest([raw], tmp_path / "out", as_of="2026-01-01")
    log = pd.read_parquet(written["ingest_log"])
    assert {"file", "row", "rule", "rows", "detail"} == set(log.columns)
    _balance(log)
    assert log["file"].str.endswith("Messages.csv").any()
