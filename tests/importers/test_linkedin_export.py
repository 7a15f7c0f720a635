"""LinkedIn's data export: every file, era and quirk, counted on the local day."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pandas as pd

from ssi_analysis import (
    activity_coverage,
    load_activity,
)

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
ANALYZER = REAL / "linkedin-analyzer"


def _export(tmp_path, files: dict[str, str | Path], name="Complete_LinkedInDataExport_07-01-2026"):
    folder = tmp_path / name
    folder.mkdir(parents=True)
    for fname, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, folder / fname)
        else:
            (folder / fname).write_text(content, encoding="utf-8")
    return folder


def test_local_day_depends_on_time_zone(tmp_path):
    (tmp_path / "Shares.csv").write_text(
        "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n"
        "2025-03-01 23:30:00,https://x/urn%3Ali%3Ashare%3A1,Hello,,,MEMBER_NETWORK\n")
    utc = load_activity(tmp_path, tz="UTC")
    berlin = load_activity(tmp_path, tz="Europe/Berlin")
    assert utc["date"].iloc[0] == pd.Timestamp("2025-03-01")
    assert berlin["date"].iloc[0] == pd.Timestamp("2025-03-02")


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


def test_linkedin_analyzer_parity_fixtures(tmp_path):
    folder = _export(tmp_path, {"Comments.csv": ANALYZER / "comments-parity.csv",
                                "Shares.csv": ANALYZER / "shares-parity.csv",
                                "Connections.csv": ANALYZER / "connections-parity.csv"})
    act = load_activity(folder)
    counts = act.groupby("activity")["count"].sum().to_dict()
    # shares: 2026-02-30 is impossible (skipped, logged); "NULL" is text, so a post
    assert counts == {"comments": 5, "posts": 5, "connections": 4}
    log = act.ingest_log
    bad = log[log["rule"] == "bad_date"]
    assert set(bad["file"].str.split("/").str[-1]) == {"Shares.csv", "Connections.csv"}
    assert not bad["detail"].str.contains("2026-02-30|Lovelace").any()   # no user text
    conn = act[act["activity"] == "connections"].set_index("date")["count"]
    assert conn.loc["2026-01-30"] == 2 and conn.loc["2026-09-15"] == 1


def test_e2e_fixtures_with_quoted_utc_dates(tmp_path):
    folder = _export(tmp_path, {"Shares.csv": ANALYZER / "e2e-Shares.csv",
                                "Comments.csv": ANALYZER / "e2e-Comments.csv",
                                "Connections.csv": ANALYZER / "e2e-Connections.csv",
                                "messages.csv": ANALYZER / "e2e-Messages.csv"})
    act = load_activity(folder, tz="UTC")
    got = {(r.activity, f"{r.date:%Y-%m-%d}"): r.count for r in act.itertuples()}
    assert got[("posts", "2025-01-03")] == 1 and got[("comments", "2025-01-04")] == 1
    assert got[("connections", "2024-06-15")] == 1


def test_old_connections_without_preamble_and_excel_resaved_file(tmp_path):
    folder = _export(tmp_path, {
        "Connections.csv": "First Name,Last Name,Email Address,Company,Position,Connected On\n"
                           "A,B,,C,P,4-Apr-21\n",
        "Reactions.csv": "\ufeffDate,Type,Link\r\n2021-04-04 10:00:00,LIKE,x\r\n"},
        name="Basic_LinkedInDataExport_05-14-2021")
    act = load_activity(folder)
    assert set(act["activity"]) == {"connections", "reactions"}
    assert (act["date"] == pd.Timestamp("2021-04-04")).all()


def test_basic_export_without_shares_leaves_posts_unknown(tmp_path):
    folder = _export(tmp_path, {"Connections.csv": "First Name,Last Name,URL,Email Address,"
                                                   "Company,Position,Connected On\n"
                                                   "A,B,u,,C,P,02 Jan 2026\n",
                                "Shares.csv":
                                    "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl\n"},
                     name="Basic_LinkedInDataExport_03-09-2026")
    cov = activity_coverage(load_activity(folder)).set_index("activity")
    assert "connections" in cov.index and "posts" in cov.index   # header-only: tracked, zero
    folder2 = _export(tmp_path / "b", {"Connections.csv": "First Name,Last Name,URL,Email "
                                       "Address,Company,Position,Connected On\nA,B,u,,C,P,"
                                       "02 Jan 2026\n"}, name="Basic_LinkedInDataExport_03-09-2026")
    cov2 = activity_coverage(load_activity(folder2))
    assert set(cov2["activity"]) == {"connections"}            # no Shares.csv: posts unknown


def test_messages_owner_from_profile_drafts_and_sponsored(tmp_path):
    hdr = ('"CONVERSATION ID","CONVERSATION TITLE","FROM","SENDER PROFILE URL","TO",'
           '"RECIPIENT PROFILE URLS","DATE","SUBJECT","CONTENT","FOLDER","ATTACHMENTS",'
           '"IS MESSAGE DRAFT","IS CONVERSATION DRAFT"\n')
    rows = [
        ["c1", "", "Avery Placeholder", "https://l/in/me", "Bo", "https://l/in/bo",
         "2026-01-01 10:00:00 UTC", "", "Hi Bo,\r\nline two", "INBOX", "", "No", "No"],
        ["c1", "", "Bo", "https://l/in/bo", "Avery Placeholder", "https://l/in/me",
         "2026-01-01 11:00:00 UTC", "", "secret reply", "INBOX", "", "No", "No"],
        ["c2", "", "Avery Placeholder", "https://l/in/me", "Cy", "https://l/in/cy",
         "2026-01-02 10:00:00 UTC", "", "draft", "INBOX", "", "Yes", "No"],
        ["c3", "", "Sponsor", "", "Avery Placeholder", "https://l/in/me",
         "2026-01-03 10:00:00 UTC", "", '<p class="spinmail-quill-editor__spin-break">Ad',
         "INBOX", "", "No", "No"],
    ]
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    folder = _export(tmp_path, {"messages.csv": hdr + buf.getvalue(),
                                "Profile.csv":
                                    "First Name,Last Name,Headline\nAvery,Placeholder,x\n"})
    act = load_activity(folder)
    assert act[["date", "activity", "count"]].to_dict("records") == [
        {"date": pd.Timestamp("2026-01-01"), "activity": "messages_sent", "count": 1}]
    log = act.ingest_log
    assert log["detail"].str.contains("1 drafts not counted").any()
    assert log["detail"].str.contains("owner found from your name (Profile.csv)",
                                      regex=False).any()
    dump = "".join(t.to_csv() for t in (act.counts, act.coverage, act.ingest_log, act.hours))
    assert "secret reply" not in dump and "l/in/bo" not in dump


def test_rich_media_votes_and_instant_reposts(tmp_path):
    folder = _export(tmp_path, {
        "Rich_Media.csv": "Date/Time,Media Description,Media Link\n"
                          '"You uploaded a feed photo on March 2, 2024 at 12:29 PM (GMT)",,x\n',
        "Votes_17529409.csv": "Date,Link,OptionText\n2024-03-02 09:00:00,urn:li:ugcPost:1,Yes\n",
        "InstantReposts_17529409.csv": "Date,Link\n2024-03-02 23:30:00,urn:li:activity:2\n"})
    act = load_activity(folder, tz="Asia/Tokyo")
    got = {r.activity: f"{r.date:%Y-%m-%d}" for r in act.itertuples()}
    assert got == {"media_uploads": "2024-03-02", "votes": "2024-03-02",
                   "reposts": "2024-03-03"}   # 23:30 UTC is the next day in Tokyo

