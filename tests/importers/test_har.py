"""HAR files saved from the SSI page: every salesApiSsi response read, nothing else kept."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ssi_analysis import DataError, load_snapshots
from ssi_analysis.pipeline import ingest

HAR = Path(__file__).resolve().parents[1] / "fixtures" / "har"
SECRET = "FAKE-SESSION-COOKIE"


def test_plain_and_base64_bodies_give_one_snapshot_each_dated_by_the_capture():
    s = pd.concat([load_snapshots(HAR / f, tz="Europe/Berlin").snapshots
                   for f in ("chrome_plain.har", "chrome_base64.har")]).sort_values("date")
    assert s["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-02", "2026-11-09"]
    assert s["ssi"].tolist() == [47.5, 48.0]
    assert s["brand"].tolist() == [15.0, 15.5]
    # 08:00:01.512+01:00 is 07:00:01.512 UTC: the capture time comes from startedDateTime
    assert s["captured_at"].iloc[0] == pd.Timestamp("2026-11-02 07:00:01.512", tz="UTC")
    assert s["industry_rank"].tolist() == [31.0, 31.0]


def test_several_ssi_entries_and_the_local_day_of_a_late_capture():
    s = load_snapshots(HAR / "firefox_several.har", tz="Europe/Berlin").snapshots
    s = s.sort_values("date")
    # 23:30 UTC on 15 Nov is 00:30 on 16 Nov in Berlin
    assert s["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-16", "2026-11-23"]
    utc = load_snapshots(HAR / "firefox_several.har", tz="UTC")
    assert utc["date"].min() == pd.Timestamp("2026-11-15")


def test_other_entries_are_counted_and_no_cookie_or_header_reaches_any_output(tmp_path):
    out = tmp_path / "processed"
    raw = tmp_path / "raw"
    shutil.copytree(HAR, raw, ignore=shutil.ignore_patterns("no_*", "*.py"))
    ingest([raw], out, tz="Europe/Berlin", as_of="2026-12-01")
    log = pd.read_parquet(out / "ingest_log.parquet")
    plain = log[log["file"].str.endswith("chrome_plain.har")].set_index("rule")["rows"]
    assert plain["rows_read"] == 4 and plain["rows_used"] == 1 and plain["not_ssi"] == 3
    for f in out.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert SECRET.encode() not in data and b"csrf" not in data.lower(), f
            assert b"li_at" not in data and b"static.licdn.com" not in data, f
    snaps = pd.read_parquet(out / "snapshots.parquet")
    assert len(snaps) == 4 and snaps["source"].str.endswith("[HAR]").all()


@pytest.mark.parametrize("name, words", [
    ("no_content.har", "Save all as HAR with content"),
    ("no_ssi.har", "without a salesApiSsi response"),
])
def test_a_har_without_a_usable_ssi_response_is_refused_in_one_line(name, words):
    with pytest.raises(DataError, match=words) as err:
        load_snapshots(HAR / name)
    assert name in str(err.value) and "\n" not in str(err.value)


def test_a_broken_har_names_the_file_and_entry(tmp_path):
    obj = json.loads((HAR / "chrome_plain.har").read_text())
    obj["log"]["entries"][1]["startedDateTime"] = "yesterday"
    bad = tmp_path / "bad.har"
    bad.write_text(json.dumps(obj))
    with pytest.raises(DataError, match=r"bad\.har.*log\.entries\[1\].*startedDateTime"):
        load_snapshots(bad)


def test_the_cli_reads_a_har_dropped_into_data_raw_ssi(tmp_path):
    raw = tmp_path / "raw" / "ssi"
    raw.mkdir(parents=True)
    shutil.copy(HAR / "chrome_plain.har", raw / "SSI page 2026-11-02.har")
    r = subprocess.run([sys.executable, "-m", "ssi_analysis", "ingest", str(tmp_path / "raw"),
                        "--out", str(tmp_path / "p")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "ssi_analysis", "status", str(tmp_path / "p"),
                        "--run-date", "2026-11-03"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "1 snapshots 2026-11-02 to 2026-11-02, 1 weeks" in r.stdout
    assert "effects model from about" in r.stdout and "(STALE)" not in r.stdout
