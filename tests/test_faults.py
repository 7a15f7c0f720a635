"""Faults and hostile input: nothing lost, one line for a bad input, no worker left behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from ssi_analysis import DataError, paths, store
from ssi_analysis.cli import main
from ssi_analysis.importers import load_activity
from ssi_analysis.importers import sources as src
from ssi_analysis.pipeline import ingest

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = paths.SAMPLE_DIR
PAYLOAD = json.loads(json.loads((FIXTURES / "har" / "chrome_plain.har").read_text())
                     ["log"]["entries"][1]["response"]["content"]["text"])


def _cli(args, capsys) -> tuple[int, str]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


# ------------------------------------------------------------------ generations

def test_a_generation_of_another_schema_is_refused_in_one_line(tmp_path, sample_processed):
    out = tmp_path / "p"
    shutil.copytree(sample_processed, out, symlinks=True)
    gen = (out / "current").resolve()
    mark = json.loads((gen / ".ssi-generation").read_text())
    (gen / ".ssi-generation").write_text(json.dumps({**mark, "schema": 1}))
    with pytest.raises(DataError, match=r"table schema 1, this kit reads 2.*ingest") as err:
        store.load_processed(out)
    assert "\n" not in str(err.value)


def test_readers_see_one_generation_and_the_flat_layout_still_reads(tmp_path, sample_processed):
    flat = tmp_path / "flat"
    flat.mkdir()
    for f in sample_processed.iterdir():
        if f.is_file() and f.name != "current":
            shutil.copy(f, flat / f.name)                 # an older kit's flat folder
    assert len(store.load_processed(flat).snapshots) == len(
        store.load_processed(sample_processed).snapshots)
    # ingest into the flat folder: the files become links into a generation
    ingest([FIXTURES / "tiny"], flat)
    assert (flat / "snapshots.parquet").is_symlink() and (flat / "current").is_symlink()
    assert store.load_processed(flat).snapshots["date"].max() == pd.Timestamp("2026-03-30")


# ------------------------------------------------------------------ output paths

@pytest.mark.parametrize("where", ["same", "inside", "holds", "raw", "file", "under_file"])
def test_bad_output_folders_are_refused_before_anything_is_created(tmp_path, capsys, where):
    raw = tmp_path / "in"
    shutil.copytree(FIXTURES / "tiny", raw)
    (tmp_path / "afile").write_text("x")
    out = {"same": raw, "inside": raw / "out", "holds": tmp_path, "raw": paths.RAW_DIR / "x",
           "file": tmp_path / "afile", "under_file": tmp_path / "afile" / "out"}[where]
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    code, err = _cli(["ingest", raw, "--out", out], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert not (paths.RAW_DIR / "x").exists()


def test_report_output_inside_raw_or_tables_outside_out_are_refused(tmp_path, capsys,
                                                                   sample_processed):
    cfg = tmp_path / "r.yml"
    cfg.write_text("reports:\n  - name: m\n    notebook: notebooks/member_report.ipynb\n"
                   f"    parameters: {{processed_dir: {sample_processed}, "
                   f"tables_dir: {tmp_path / 'elsewhere'}}}\n")
    code, err = _cli(["report", "--config", cfg, "--out", tmp_path / "site"], capsys)
    assert code == 2 and "tables_dir must lie inside" in err
    assert not (tmp_path / "site").exists() and not (tmp_path / "elsewhere").exists()
    code, err = _cli(["report", "--config", cfg, "--out", paths.RAW_DIR / "site"], capsys)
    assert code == 2 and "data/raw" in err and not (paths.RAW_DIR / "site").exists()


# ------------------------------------------------------------------ zips and twins

def test_zip_reading_parses_the_archive_once_not_once_per_entry(tmp_path, monkeypatch):
    z = tmp_path / "many.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for i in range(2000):
            zf.writestr(f"ssi/salesApiSsi_2026-01-01T00-{i // 60:02d}-{i % 60:02d}Z.json", "{}")
    opened = []
    real = zipfile.ZipFile

    class Counting(real):
        def __init__(self, *a, **k):
            opened.append(a[0])
            super().__init__(*a, **k)

    monkeypatch.setattr(src.zipfile, "ZipFile", Counting)
    src._OPEN_ZIPS.clear()
    found = src.expand([z])
    data = [s.read_bytes() for s in found]
    assert len(found) == 2000 and all(d == b"{}" for d in data)
    assert len(opened) == 1          # the directory is parsed once for 2,000 entries


def test_a_zip_with_too_many_entries_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(src, "MAX_ZIP_ENTRIES", 10)
    z = tmp_path / "many.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for i in range(11):
            zf.writestr(f"f{i}.json", "{}")
    with pytest.raises(DataError, match="11 entries, more than 10"):
        src.expand([z])


@pytest.mark.skipif(sys.platform == "darwin", reason="case-insensitive disk")
def test_case_twins_are_read_once_or_refused(tmp_path):
    exp = tmp_path / "Basic_LinkedInDataExport_01-02-2026"
    exp.mkdir()
    shares = ("Date,ShareLink,ShareCommentary\n2026-01-05 10:00:00,https://x,hello\n"
              "2026-01-06 10:00:00,https://y,again\n")
    (exp / "Shares.csv").write_text(shares)
    (exp / "shares.csv").write_text(shares)
    counts = load_activity(exp).counts
    assert counts.loc[counts["activity"] == "posts", "count"].sum() == 2     # not 4
    (exp / "shares.csv").write_text(shares.replace("again", "other"))
    with pytest.raises(DataError, match="differ only in the case"):
        load_activity(exp)


# ------------------------------------------------------------------ parser bounds

def _json_case(tmp_path, name: str, text: str) -> Path:
    d = tmp_path / "in"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text)
    return d


@pytest.mark.parametrize("name, text, words", [
    ("notes.csv", "date,note\n9999-12-31,end of days\n", "between 1900 and 2199"),
    ("notes.csv", "date,note\n0001-01-01,start\n", "between 1900 and 2199"),
    ("salesApiSsi_0001-01-01.json", json.dumps(PAYLOAD), "has no date"),
    ("x.json", f'{{"collectedAt": Infinity, "raw": {json.dumps(PAYLOAD)}}}', "Infinity"),
    ("x.json", f'{{"collectedAt": 99999999999999999999, "raw": {json.dumps(PAYLOAD)}}}',
     "collectedAt"),
    ("salesApiSsi_2026-01-01.json", "[" * 3000 + "]" * 3000, "deeper than 64"),
    ("salesApiSsi_2026-01-01.json", json.dumps(PAYLOAD).replace("47.5", "9" * 5000),
     "number JSON readers refuse"),
    ("salesApiSsi_2026-01-01.json",
     json.dumps({**PAYLOAD, "memberScore": {"overall": 40, "subScores": 5}}), "not a list"),
    ("x.json", json.dumps({"date": "0001-01-01", **PAYLOAD}), "expected a date"),
])
def test_values_outside_the_bounds_are_one_line_errors(tmp_path, capsys, name, text, words):
    d = _json_case(tmp_path, name, text)
    if name == "notes.csv":
        (d / "salesApiSsi_2026-01-01.json").write_text(json.dumps(PAYLOAD))
    code, err = _cli(["ingest", d, "--out", tmp_path / "out"], capsys)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and words in err and name in err


@pytest.mark.parametrize("notebook", ["/etc/passwd", "folder", "nocells.ipynb"])
def test_a_config_naming_a_non_notebook_is_one_line(tmp_path, capsys, notebook,
                                                    sample_processed):
    (tmp_path / "folder").mkdir()
    (tmp_path / "nocells.ipynb").write_text('{"a": 1}')
    nb = notebook if notebook.startswith("/") else tmp_path / notebook
    cfg = tmp_path / "r.yml"
    cfg.write_text(f"reports:\n  - name: m\n    notebook: {nb}\n"
                   f"    parameters: {{processed_dir: {sample_processed}}}\n")
    code, err = _cli(["report", "--config", cfg, "--out", tmp_path / "site"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


# ------------------------------------------------------------------ reports

def test_a_damaged_state_file_is_rebuilt_with_one_warning(tmp_path, sample_processed, capfd):
    from ssi_analysis.report.runner import read_state

    p = tmp_path / ".state.json"
    p.write_text("{not json")
    assert read_state(p) == {}
    assert "was damaged; rebuilt" in capfd.readouterr().err
    p.write_text('["a", "list"]')
    assert read_state(p) == {}
    p.write_text('{"m": "abc"}')
    assert read_state(p) == {"m": "abc"}


def _descendants(pid: int) -> set[int]:
    kids = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, set()).add(int(d.name))
    out, todo = set(), [pid]
    while todo:
        for c in kids.get(todo.pop(), ()):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_killing_the_cli_kills_its_workers_and_nothing_is_written_after(tmp_path,
                                                                        sample_processed):
    cfg = tmp_path / "r.yml"
    cfg.write_text("reports:\n" + "".join(
        f"  - name: m{i}\n    notebook: notebooks/member_report.ipynb\n"
        f"    parameters: {{processed_dir: {sample_processed}, run_date: '2026-11-01'}}\n"
        for i in range(2)))
    site = tmp_path / "site"
    proc = subprocess.Popen([sys.executable, "-m", "ssi_analysis", "report", "--config",
                             str(cfg), "--out", str(site), "--jobs", "2"], cwd=tmp_path,
                            stderr=subprocess.DEVNULL)
    kids: set[int] = set()
    deadline = time.time() + 60
    while time.time() < deadline and len(kids) < 3:        # two workers and a kernel
        time.sleep(0.3)
        kids |= _descendants(proc.pid)
    assert len(kids) >= 2, "the workers did not start"
    proc.send_signal(signal.SIGKILL)                         # the CLI only
    proc.wait()
    time.sleep(5)
    alive = [k for k in kids if _alive(k)]
    assert not alive, f"left running: {alive}"
    files = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} \
        if site.exists() else {}
    time.sleep(3)
    assert files == ({p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
                     if site.exists() else {})


def test_executed_notebooks_are_byte_identical_on_rerun(tmp_path, sample_processed):
    from ssi_analysis.report import run_reports

    cfg = tmp_path / "r.yml"
    cfg.write_text("reports:\n  - name: m\n    notebook: notebooks/member_report.ipynb\n"
                   f"    parameters: {{processed_dir: {sample_processed}, "
                   "run_date: '2026-11-01'}\n")
    run_reports(cfg, tmp_path / "a", progress=False)
    a = (tmp_path / "a" / "m.ipynb").read_bytes()
    run_reports(cfg, tmp_path / "a", progress=False, force=True)
    assert a == (tmp_path / "a" / "m.ipynb").read_bytes()
    nb = json.loads(a)
    assert "start_time" not in json.dumps(nb) and nb["metadata"]["kernelspec"]["name"]


def test_reports_run_in_the_kits_interpreter_not_a_foreign_python3_kernel(tmp_path,
                                                                          sample_processed):
    """A broken `python3` kernelspec first on the Jupyter path does not matter."""
    from ssi_analysis.report import run_reports

    bad = tmp_path / "jupyter" / "kernels" / "python3"
    bad.mkdir(parents=True)
    (bad / "kernel.json").write_text(json.dumps({
        "argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "foreign", "language": "python"}))
    cfg = tmp_path / "r.yml"
    cfg.write_text("reports:\n  - name: m\n    notebook: notebooks/member_report.ipynb\n"
                   f"    parameters: {{processed_dir: {sample_processed}, "
                   "run_date: '2026-11-01'}\n")
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(tmp_path / "jupyter")
    try:
        st = run_reports(cfg, tmp_path / "site", progress=False)
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old
    assert [s.status for s in st] == ["ok"], st[0].message


# ------------------------------------------------------------------ CSV for spreadsheets

def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised_and_quoted(tmp_path):
    df = pd.DataFrame({"a": ["\tTAB", "\rCR", "=1+1", "+1", "-1", "@SUM(A1)", "ok",
                             "line\rbreak"]})
    store.write_csv(df, tmp_path / "t.csv")
    raw = (tmp_path / "t.csv").read_bytes()
    back = pd.read_csv(tmp_path / "t.csv", keep_default_na=False)
    assert back["a"].tolist()[:6] == ["'\tTAB", "'\rCR", "'=1+1", "'+1", "'-1", "'@SUM(A1)"]
    assert back["a"].tolist()[6:] == ["ok", "line\rbreak"]
    assert b'"line\rbreak"' in raw


# ------------------------------------------------------------------ the fuzz harness

def test_fuzzed_inputs_always_end_in_exit_0_or_one_line_and_exit_2(tmp_path):
    from ssi_analysis.synth.fuzz import fuzz

    seeds = sorted(p for p in FIXTURES.rglob("*") if p.is_file()
                   and p.suffix in (".json", ".csv", ".har", ".txt", ".xlsx")
                   and p.stat().st_size < 200_000)
    r = fuzz(main, seeds, tmp_path / "work", cases=150, seed=20261202)
    assert r.cases == 150 and not r.failures, r.failures[:3]
    assert r.exit_codes.get(0, 0) > 0 and r.exit_codes.get(2, 0) > 0
