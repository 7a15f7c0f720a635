"""Every input format users really have, on fixtures that reproduce its quirks."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from ssi_analysis import DataError, activity_coverage, align, load_activity, load_snapshots
from ssi_analysis.importers import long_csv as longcsv
from ssi_analysis.pipeline import ingest
from ssi_analysis.importers.salesnav import xlsx_rows
from ssi_analysis.importers.sources import Source

REAL = Path(__file__).parent / "fixtures" / "real"
SOARES = REAL / "professorsoares-ssi"
SALESNAV = REAL / "schgrz-salesnav-usage"
ANALYZER = REAL / "linkedin-analyzer"


# ------------------------------------------------------------------ long localised CSV

def test_portuguese_long_tracker_real_values():
    s = load_snapshots(SOARES, tz="America/Sao_Paulo").set_index("date")
    assert len(s) == 9
    day = s.loc["2026-05-12"]
    assert day["ssi"] == 53 and day["brand"] == 21.048 and day["people"] == 6.5
    assert day["insights"] == 10.25 and day["relationships"] == 15
    assert (day["industry_rank"], day["network_rank"]) == (10, 12)
    assert (day["industry_ssi"], day["network_ssi"]) == (35, 36)
    assert (day["industry_brand"], day["industry_people"], day["industry_insights"],
            day["industry_relationships"]) == (11.79, 5.4, 2.19, 15.16)
    assert day["network_relationships"] == 16.32
    assert day["captured_at"] == pd.Timestamp("2026-05-12 20:55", tz="UTC")  # 17:55 in São Paulo
    assert s.loc["2026-05-13", "insights"] == 9.5 and s.loc["2026-05-19", "industry_rank"] == 9
    assert day["source"] == "professorsoares-ssi/ssi_2026-05-12.csv [long tracker csv, pt-BR]"
    first = s.loc["2026-04-27"]   # hand-transcribed: other section titles, industry name
    assert (first["brand"], first["people"], first["industry_ssi"]) == (20.973, 6.38, 35)
    assert first["industry"] == "Atividades de consultoria em gestão empresarial"


def test_another_ui_language_is_one_table_entry(tmp_path, monkeypatch):
    de = {"brand": "Professionelle Marke etablieren", "people": "Die richtigen Personen finden",
          "insights": "Mit Insights interagieren", "relationships": "Beziehungen aufbauen"}
    entry = {"columns": {"date": "datum", "time": "uhrzeit", "section": "abschnitt",
                         "field": "feld", "value": "wert"},
             "fields": {"Aktueller SSI": "ssi", **{label: p for p, label in de.items()}}}
    monkeypatch.setitem(longcsv.LANGUAGES, "de", entry)
    rows = ["datum;uhrzeit;abschnitt;feld;wert", "2026-05-12;09:00;Aktueller SSI;Aktueller SSI;41"]
    rows += [f"2026-05-12;09:00;Vier Komponenten;{label};{v}"
             for label, v in zip(de.values(), ["10,5", "9", "11", "10,5"], strict=True)]
    (tmp_path / "ssi_de.csv").write_text("\n".join(rows) + "\n")
    s = load_snapshots(tmp_path, tz="Europe/Berlin").iloc[0]
    assert (s["ssi"], s["brand"], s["relationships"]) == (41, 10.5, 10.5)
    assert s["source"].endswith("[long tracker csv, de]")


# ------------------------------------------------------------------ Sales Navigator

def test_salesnav_xlsx_real_header_exact_values():
    f = SALESNAV / "Sales_Navigator_Usage_Reporting_2025-06-01_to_2025-06-30.xlsx"
    s = load_snapshots(f)
    ryan = s[s["member_id"] == "283878287"].iloc[0]
    assert ryan["date"] == pd.Timestamp("2025-06-30")
    assert (ryan["ssi"], ryan["brand"], ryan["people"], ryan["insights"],
            ryan["relationships"]) == (59.23, 15.81, 12.59, 10.68, 24.96)
    a = load_activity(f)
    got = a[a["member_id"] == "283878287"].set_index("activity")["count"].to_dict()
    assert got == {"days_active": 15, "searches": 60, "profile_views": 250, "leads_saved": 71,
                   "accounts_saved": 582, "inmails_sent": 87, "messages_sent": 60,
                   "connections": 36}
    cov = activity_coverage(a)
    assert set(cov["granularity"]) == {"period"}
    assert (cov["start"] == pd.Timestamp("2025-06-01")).all()


def test_salesnav_all_months_and_no_names_or_emails():
    s = load_snapshots(SALESNAV)
    a = load_activity(SALESNAV)
    assert s["date"].nunique() == 9 and len(s) > 9 * 100
    text = "".join(t.to_csv() for t in (s.snapshots, s.ingest_log, a.counts, a.coverage,
                                        a.ingest_log, a.hours))
    assert "Ryan Gallagher" not in text and "@example.com" not in text


def test_salesnav_csv_with_columns_in_another_order_gives_the_same(tmp_path):
    src = SALESNAV / "Sales_Navigator_Usage_Reporting_2025-03-01_to_2025-03-31.xlsx"
    rows = xlsx_rows(Source(str(src), src), src.read_bytes())
    order = list(reversed(range(len(rows[0]))))
    out = tmp_path / "Sales_Navigator_Usage_Reporting_2025-03-01_to_2025-03-31.csv"
    with out.open("w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows([[r[i] for i in order] for r in rows])
    cols = ["member_id", "date", "ssi", "brand", "people", "insights", "relationships"]
    pd.testing.assert_frame_equal(load_snapshots(out)[cols], load_snapshots(src)[cols])
    pd.testing.assert_frame_equal(load_activity(out).counts, load_activity(src).counts,
                                  check_like=True)


def test_salesnav_without_period_in_name_is_refused(tmp_path):
    src = SALESNAV / "Sales_Navigator_Usage_Reporting_2025-03-01_to_2025-03-31.xlsx"
    shutil.copy(src, tmp_path / "usage.xlsx")
    with pytest.raises(DataError, match="name has no period"):
        load_snapshots(tmp_path / "usage.xlsx")


def test_period_counts_are_whole_months_not_spread_over_weeks():
    s = load_snapshots(SALESNAV)
    a = load_activity(SALESNAV)
    seat = s["member_id"].iloc[0]
    monthly = align(s[s["member_id"] == seat], a[a["member_id"] == seat], freq="M", max_lag=1,
                    activities=["searches"], coverage=activity_coverage(a))
    feb = monthly[monthly["date"] == pd.Timestamp("2025-02-28")].iloc[0]
    expected = a[(a["member_id"] == seat) & (a["activity"] == "searches")
                 & (a["date"] == pd.Timestamp("2025-02-28"))]["count"].sum()
    assert feb["searches_l0"] == expected and feb["usable"]
    weekly = s[s["member_id"] == seat].assign(date=lambda d: d["date"] - pd.Timedelta(days=10))
    w = align(pd.concat([s[s["member_id"] == seat], weekly]), a[a["member_id"] == seat],
              freq="W", activities=["searches"], coverage=activity_coverage(a))
    assert w["searches_l0"].isna().all()   # a 10-day window inside a month is unknown


# ------------------------------------------------------------------ salesApiSsi extras

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


def test_integer_only_wide_tracker_with_internal_names(tmp_path):
    (tmp_path / "linkedin_ssi_metrics.csv").write_text(
        "date,PROFESSIONAL_BRAND,FIND_RIGHT_PEOPLE,INSIGHT_ENGAGEMENT,STRONG_RELATIONSHIP,"
        "total_score\n2026-01-01,13,4,0,3,20\n")
    s = load_snapshots(tmp_path).iloc[0]
    assert (s["brand"], s["people"], s["insights"], s["relationships"], s["ssi"]) == \
        (13, 4, 0, 3, 20)


# ------------------------------------------------------------------ LinkedIn export quirks

def _export(tmp_path, files: dict[str, str | Path], name="Complete_LinkedInDataExport_07-01-2026"):
    folder = tmp_path / name
    folder.mkdir(parents=True)
    for fname, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, folder / fname)
        else:
            (folder / fname).write_text(content, encoding="utf-8")
    return folder


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
                                "Shares.csv": "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl\n"},
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
                                "Profile.csv": "First Name,Last Name,Headline\nAvery,Placeholder,x\n"})
    act = load_activity(folder)
    assert act[["date", "activity", "count"]].to_dict("records") == [
        {"date": pd.Timestamp("2026-01-01"), "activity": "messages_sent", "count": 1}]
    log = act.ingest_log
    assert log["detail"].str.contains("1 drafts not counted").any()
    assert log["detail"].str.contains("owner found from Profile.csv").any()
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


# ------------------------------------------------------------------ mixed folder, one command

def test_mixed_folder_ingests_in_one_command_with_provenance(tmp_path, sample_member):
    raw = tmp_path / "raw"
    (raw / "tracker-a").mkdir(parents=True)
    for f in sorted((sample_member / "ssi" / "2026").glob("salesApiSsi_2026-10-*.json")):
        shutil.copy(f, raw / "tracker-a" / f.name)
    # a second tracker overlapping in dates: hand-kept CSV for the same days
    snaps = load_snapshots(raw / "tracker-a", tz="Europe/Berlin")
    cols = ["ssi", "brand", "people", "insights", "relationships"]
    hand = snaps[["date"]].join(snaps[cols].round(2))
    extra = hand.iloc[[0]].assign(date=pd.Timestamp("2026-09-15"))   # a day only it has
    pd.concat([extra, hand]).assign(date=lambda d: d["date"].dt.strftime("%Y-%m-%d")).to_csv(
        raw / "hand.csv", index=False)
    export = next((sample_member / "export").iterdir())
    with zipfile.ZipFile(raw / f"{export.name}.zip", "w") as zf:
        for f in sorted(export.iterdir()):
            zf.write(f, f.name)
    shutil.copy(SALESNAV / "Sales_Navigator_Usage_Reporting_2025-01-01_to_2025-01-30.xlsx", raw)
    out = ingest([raw], tmp_path / "processed", tz="Europe/Berlin")
    s = pd.read_parquet(out["snapshots"])
    kinds = s["source"].str.extract(r"\[(.*)\]")[0]
    assert set(kinds) == {"salesApiSsi json", "snapshot csv", "Sales Navigator usage report"}
    me = s[s["member_id"] == "me"]
    assert not me.duplicated("date").any() and len(me) == snaps["date"].nunique() + 1
    assert me.set_index("date").loc["2026-09-15", "source"] == "raw/hand.csv [snapshot csv]"
    log = pd.read_parquet(out["log"])
    dup = log[log["rule"] == "duplicate"]
    # overlap resolved: the later (JSON) capture kept, each hand-kept row logged by file
    assert (dup["source"] == "raw/hand.csv [snapshot csv]").sum() == snaps["date"].nunique()
    act = pd.read_parquet(out["activity"])
    assert {"posts", "comments", "searches"} <= set(act["activity"])
    assert pd.read_parquet(out["ingest_log"])["rule"].isin(["message_owner"]).any()


def test_bundled_sample_ingest_is_identical_twice(tmp_path, sample_member):
    a = ingest([sample_member], tmp_path / "a", tz="Europe/Berlin")
    b = ingest([sample_member], tmp_path / "b", tz="Europe/Berlin")
    for k in a:
        assert a[k].read_bytes() == b[k].read_bytes(), k
