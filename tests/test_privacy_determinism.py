"""Privacy (canaries never reach processed data or reports), determinism across working
directories and hash seeds, and outputs that survive an interrupted run."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ssi_analysis import paths
from ssi_analysis.store import write_csv

SAMPLE = paths.SAMPLE_DIR
CANARIES = ["Zebulon Canarywitz", "canary.person@leak.example", "in/canary-profile-9931",
            "SECRET-MESSAGE-TEXT-7781", "Quillon Sparrowhawk", "sparrow@leak.example",
            "OWN-POST-CANARY-5522", "OWN-COMMENT-CANARY-6633"]


def _add_rows(path: Path, rows: list[list[str]], skip_preamble: bool = False) -> None:
    with path.open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def canary_raw(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("canary") / "raw"
    member = raw / "member"
    shutil.copytree(SAMPLE / "member" / "ssi" / "2026", member / "ssi" / "2026")
    export = next((SAMPLE / "member" / "export").iterdir())
    shutil.copytree(export, member / export.name)
    e = member / export.name
    _add_rows(e / "Connections.csv", [["Zebulon", "Canarywitz",
                                       "https://www.linkedin.com/in/canary-profile-9931",
                                       "canary.person@leak.example", "Leak Corp", "CEO",
                                       "01 Oct 2026"]])
    _add_rows(e / "messages.csv", [
        ["2-canary==", "", "Zebulon Canarywitz", "https://www.linkedin.com/in/canary-profile-9931",
         "Avery Placeholder", "https://www.linkedin.com/in/avery-placeholder-000000",
         "2026-10-02 10:00:00 UTC", "", "SECRET-MESSAGE-TEXT-7781", "INBOX", ""]])
    _add_rows(e / "Invitations.csv", [["Zebulon Canarywitz", "Avery Placeholder",
                                       "10/3/26, 9:00 AM", "SECRET-MESSAGE-TEXT-7781",
                                       "INCOMING", "https://www.linkedin.com/in/canary-profile-9931",
                                       "https://www.linkedin.com/in/avery-placeholder-000000"]])
    _add_rows(e / "Shares.csv", [["2026-10-04 10:00:00", "https://x/urn%3Ali%3Ashare%3A1",
                                  "OWN-POST-CANARY-5522", "", "", "MEMBER_NETWORK"]])
    _add_rows(e / "Comments.csv", [["2026-10-04 11:00:00", "https://x/urn%3Ali%3Aactivity%3A2",
                                    "OWN-COMMENT-CANARY-6633"]])
    team = raw / "team"
    team.mkdir()
    for f in sorted((SAMPLE / "team").glob("Sales_Navigator_*2026-*.csv")):
        text = f.read_text(encoding="utf-8").splitlines()
        first = text[1].split(",")
        first[1], first[2] = "Quillon Sparrowhawk", "sparrow@leak.example"
        (team / f.name).write_text("\n".join([text[0], ",".join(first), *text[2:]]) + "\n")
    return raw


def _all_text(folder: Path) -> str:
    out = []
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            out.append(f.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(out)


def test_canaries_never_reach_processed_data_or_reports(canary_raw, tmp_path):
    from ssi_analysis.pipeline import ingest
    from ssi_analysis.report import run_reports

    ingest([canary_raw / "member"], tmp_path / "processed", tz="Europe/Berlin")
    ingest([canary_raw / "team"], tmp_path / "processed-team")
    cfg = tmp_path / "r.yml"
    cfg.write_text(f"""reports:
  - name: member
    notebook: notebooks/member_report.ipynb
    parameters: {{processed_dir: {tmp_path / 'processed'}, tz: Europe/Berlin}}
  - name: team
    notebook: notebooks/team_report.ipynb
    parameters: {{processed_dir: {tmp_path / 'processed-team'}}}
""")
    statuses = run_reports(cfg, tmp_path / "reports", progress=False)
    assert [s.status for s in statuses] == ["ok", "ok"], [s.message for s in statuses]
    produced = _all_text(tmp_path / "processed") + _all_text(tmp_path / "processed-team") + \
        _all_text(tmp_path / "reports")
    assert "member-tables" in " ".join(str(p) for p in (tmp_path / "reports").rglob("*.csv"))
    for canary in CANARIES:
        assert canary not in produced, canary
    assert "Member " in (tmp_path / "reports" / "team.html").read_text()   # pseudonyms


def test_spreadsheet_exports_neutralise_formulas(tmp_path):
    import pandas as pd

    write_csv(pd.DataFrame({"note": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "fine"],
                            "n": [1, 2, 3, 4, 5]}), tmp_path / "t.csv")
    rows = list(csv.reader((tmp_path / "t.csv").open()))
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "fine"]


def _cli(args, cwd, seed):
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    return subprocess.run([sys.executable, "-m", "ssi_analysis", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_byte_identical_outputs_across_working_directories_and_hash_seeds(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE / "member", raw / "member")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for where, seed in (("a", 1), ("b", 4242)):
        r = _cli(["ingest", str(raw / "member"), "--tz", "Europe/Berlin", "--out",
                  str(tmp_path / where / "processed")], cwd=tmp_path / where, seed=seed)
        assert r.returncode == 0, r.stderr
        cfg = tmp_path / where / "r.yml"
        cfg.write_text("reports:\n  - name: member\n    notebook: notebooks/member_report.ipynb\n"
                       f"    parameters: {{processed_dir: {tmp_path / where / 'processed'}, "
                       "tz: Europe/Berlin}\n")
        r = _cli(["report", "--config", str(cfg), "--out", str(tmp_path / where / "reports")],
                 cwd=tmp_path / where, seed=seed)
        assert r.returncode == 0, r.stderr
    a_names = sorted(f.name for f in (tmp_path / "a" / "processed").iterdir())
    assert a_names == sorted(f.name for f in (tmp_path / "b" / "processed").iterdir())
    for f in sorted((tmp_path / "a" / "processed").iterdir()):
        if f.name == "manifest.json" or f.is_dir():
            continue   # (the generation folder: same name, its files compared by their links)
        assert f.read_bytes() == (tmp_path / "b" / "processed" / f.name).read_bytes(), f.name
    assert (tmp_path / "a/processed/manifest.json").read_text() == \
        (tmp_path / "b/processed/manifest.json").read_text()
    a_html = (tmp_path / "a/reports/member.html").read_text()
    b_html = (tmp_path / "b/reports/member.html").read_text()
    # the processed_dir parameter differs by design (shown in the run manifest); all else equal
    assert a_html.replace(str(tmp_path / "a"), "X") == b_html.replace(str(tmp_path / "b"), "X")
    for f in sorted((tmp_path / "a/reports/member-tables").iterdir()):
        assert f.read_bytes() == (tmp_path / "b/reports/member-tables" / f.name).read_bytes()


def test_killed_ingest_leaves_a_whole_generation(tmp_path):
    """SIGKILL at many points of a run: readers see a whole old or whole new generation."""
    from ssi_analysis import store

    out = tmp_path / "processed"
    r = _cli(["ingest", str(SAMPLE / "member"), "--tz", "Europe/Berlin", "--out", str(out),
              "--as-of", "2026-11-01"], cwd=tmp_path, seed=0)
    assert r.returncode == 0, r.stderr
    before = {f.name: f.read_bytes() for f in out.iterdir() if f.is_file()}
    mine = out / ".thesis.tmp.docx"           # a user's file with a temp-like name
    mine.write_bytes(b"precious")
    (out / ".ssi-gen-notes").mkdir()           # a user's folder with the kit's prefix
    (out / ".ssi-gen-notes" / "a.txt").write_text("mine")
    for delay in (0.8, 1.6, 2.4, 3.2, 4.0, 4.8):
        proc = subprocess.Popen([sys.executable, "-m", "ssi_analysis", "ingest",
                                 str(SAMPLE / "member"), "--tz", "Europe/Berlin", "--out",
                                 str(out), "--as-of", "2026-11-02"], cwd=tmp_path)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = store.load_processed(out)                  # always one whole generation
        rows = store.read_manifest(out)["rows"]
        assert len(data.snapshots) == rows["snapshots"] and len(data.log) == rows["log"]
        assert len(data.activity) == rows["activity"]
        as_of = store.read_manifest(out)["parameters"]["as_of"]
        assert as_of in ("2026-11-01", "2026-11-02")
    r = _cli(["ingest", str(SAMPLE / "member"), "--tz", "Europe/Berlin", "--out", str(out),
              "--as-of", "2026-11-01"], cwd=tmp_path, seed=0)
    assert r.returncode == 0
    after = {f.name: f.read_bytes() for f in out.iterdir() if f.is_file() and f != mine}
    assert after == before
    assert mine.read_bytes() == b"precious" and (out / ".ssi-gen-notes" / "a.txt").exists()
    gens = [d for d in out.iterdir() if d.is_dir() and d.name.startswith(".ssi-gen-")
            and (d / ".ssi-generation").exists()]
    assert len(gens) <= 2                       # the current one and the one before


def test_killed_report_leaves_previous_report_intact(tmp_path, sample_processed):
    cfg = tmp_path / "r.yml"
    cfg.write_text("reports:\n  - name: member\n    notebook: notebooks/member_report.ipynb\n"
                   f"    parameters: {{processed_dir: {sample_processed}, tz: Europe/Berlin}}\n")
    site = tmp_path / "reports"
    assert _cli(["report", "--config", str(cfg), "--out", str(site)], tmp_path, 0).returncode == 0
    html = (site / "member.html").read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "ssi_analysis", "report", "--config",
                             str(cfg), "--out", str(site), "--force"], cwd=tmp_path,
                            start_new_session=True)
    time.sleep(6)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (site / "member.html").read_bytes() == html
    assert (site / "index.html").exists()
