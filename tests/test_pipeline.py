"""Ingest end to end: mixed folders, provenance, the manifest, determinism."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd

from ssi_analysis import (
    load_snapshots,
)
from ssi_analysis.pipeline import ingest

REAL = Path(__file__).resolve().parents[0] / "fixtures" / "real"
SALESNAV = REAL / "schgrz-salesnav-usage"


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



def test_as_of_defaults_to_today_is_recorded_and_judges_future_dates(tmp_path):
    import json

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "ssi.csv").write_text("date,ssi,brand,people,insights,relationships\n"
                                 "2026-01-05,40,10,10,10,10\n2030-01-05,41,10,11,10,10\n")
    out = ingest([raw], tmp_path / "a")
    man = json.loads(out["manifest"].read_text())
    assert man["parameters"]["as_of"] == pd.Timestamp.now("UTC").strftime("%Y-%m-%d")
    assert pd.read_parquet(out["snapshots"])["date"].dt.year.tolist() == [2026]
    later = ingest([raw], tmp_path / "b", as_of="2031-01-01")
    assert len(pd.read_parquet(later["snapshots"])) == 2
    again = ingest([raw], tmp_path / "c", as_of="2031-01-01")
    for k in later:
        assert later[k].read_bytes() == again[k].read_bytes(), k


def test_files_no_importer_reads_are_logged_and_said(tmp_path):
    """Nothing silent: a file in the inputs that no importer reads gets a log line."""
    from ssi_analysis.pipeline import ingest_summary

    ex = tmp_path / "raw" / "export"
    ex.mkdir(parents=True)
    (ex / "Profile.csv").write_text("First Name,Last Name,Headline\nAvery,Placeholder,x\n")
    (ex / "Learning.csv").write_text("Date,Skill\n2024-01-01,Python\n")
    (ex / "Shares.csv").write_text("Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl\n"
                                   "2024-01-02 10:00:00,https://x,hello,,\n")
    (tmp_path / "raw" / "notes.csv").write_text("date,note\n2024-01-01,holiday\n")
    (tmp_path / "raw" / "ssi.csv").write_text("date,ssi,brand,people,insights,relationships\n"
                                              "2024-01-01,40,10,10,10,10\n")
    ingest([tmp_path / "raw"], tmp_path / "out", as_of="2024-02-01")
    log = pd.read_parquet(tmp_path / "out" / "ingest_log.parquet")
    unread = log.loc[log["rule"] == "file_not_read", "file"].tolist()
    assert unread == ["raw/export/Learning.csv"]      # read files, notes, Profile.csv: not
    said = ingest_summary(tmp_path / "out")
    assert any("1 file not read" in line and "Learning.csv" in line for line in said)
