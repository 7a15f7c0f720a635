"""Projects: init, finding the project upward, --project, path rules, config checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ssi_analysis import DataError, paths
from ssi_analysis.cli import main
from ssi_analysis.project import init_project
from ssi_analysis.report.config import load_config

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("SSI_PROJECT", raising=False)
    init_project(tmp_path / "proj")
    return tmp_path / "proj"


def test_init_makes_a_whole_project_and_refuses_to_redo_it(project):
    for rel in ("ssi-analysis.toml", ".gitignore", "README.md", "data/raw", "data/processed",
                "reports", "notebooks/member_report.ipynb", "notebooks/team_report.ipynb",
                "notebooks/reports.yml", ".ssi-analysis/pseudonym-salt"):
        assert (project / rel).exists(), rel
    ignore = (project / ".gitignore").read_text()
    assert "data/" in ignore and "reports/" in ignore and ".ssi-analysis/" in ignore
    with pytest.raises(DataError, match="already a project"):
        init_project(project)


def test_the_project_is_found_upward_and_overridden_by_project(project, tmp_path, monkeypatch):
    deep = project / "notebooks" / "deeper"
    deep.mkdir()
    monkeypatch.chdir(deep)
    assert paths.project_root() == project.resolve()
    assert paths.PROCESSED_DIR == project.resolve() / "data" / "processed"
    other = tmp_path / "other"
    init_project(other)
    monkeypatch.setenv("SSI_PROJECT", str(other))
    assert paths.project_root() == other.resolve()


def test_cli_project_option_and_defaults(project, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["--project", str(project), "ingest"])        # data/raw holds nothing yet
    assert code == 2 and "nothing but the bundled sample" in capsys.readouterr().err
    assert main(["--project", str(tmp_path), "status"]) == 2
    assert "not a project folder" in capsys.readouterr().err
    assert "SSI_PROJECT" not in os.environ            # --project holds for one call only


def test_ingest_without_inputs_leaves_the_bundled_sample_out(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    assert main(["sample"]) == 0
    assert main(["ingest"]) == 2
    err = capsys.readouterr().err
    assert "nothing but the bundled sample" in err and len(err.strip().splitlines()) == 1
    (project / "data" / "raw" / "mine").mkdir()
    for f in (FIXTURES / "tiny").iterdir():
        (project / "data" / "raw" / "mine" / f.name).write_bytes(f.read_bytes())
    assert main(["ingest", "-q"]) == 0
    from ssi_analysis import store

    assert store.load_processed(project / "data" / "processed").snapshots[
        "member_id"].nunique() == 1                             # mine only, not the sample


def test_config_paths_are_relative_to_the_configs_folder(project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from ssi_analysis.pipeline import ingest

    ingest([FIXTURES / "tiny"], project / "data" / "processed")
    cfgdir = tmp_path / "mine" / "configs"
    cfgdir.mkdir(parents=True)
    nb = project / "notebooks" / "member_report.ipynb"
    (cfgdir / "r.yml").write_text(
        "reports:\n  - name: m\n"
        f"    notebook: {os.path.relpath(nb, cfgdir)}\n"
        "    parameters: {processed_dir: "
        f"{os.path.relpath(project / 'data/processed', cfgdir)}}}\n")
    spec = load_config(cfgdir / "r.yml")[0]
    assert spec.notebook == nb.resolve()
    assert spec.parameters["processed_dir"] == str((project / "data" / "processed").resolve())


@pytest.mark.parametrize("body, words", [
    ("reports:\n  - name: m\n    notebook: [unclosed\n", "row 4, column 1: is not valid YAML"),
    ("reports:\n  - name: m\n    notebook: member_report.ipynb\n"
     "    parameters: {tz: Berlin}\n", "unknown time zone 'Berlin'"),
    ("reports:\n  - name: m\n    notebook: member_report.ipynb\n"
     "    parameters: {start: 2026-02-30}\n", "a date must exist"),
])
def test_config_errors_are_one_line_with_where(project, body, words, capsys):
    cfg = project / "notebooks" / "bad.yml"
    cfg.write_text(body)
    code = main(["report", "--config", str(cfg), "--out", str(project / "reports")])
    err = capsys.readouterr().err
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err


def test_a_yaml_date_is_taken_as_a_date(project):
    cfg = project / "notebooks" / "ok.yml"
    cfg.write_text("reports:\n  - name: m\n    notebook: member_report.ipynb\n"
                   "    parameters: {start: 2026-01-05, run_date: 2026-11-01}\n")
    spec = load_config(cfg, check_paths=False)[0]
    assert spec.parameters["start"] == "2026-01-05" and spec.parameters["run_date"] == "2026-11-01"


def test_a_normal_run_prints_no_third_party_warnings(tmp_path, sample_processed):
    cfg = tmp_path / "r.yml"
    cfg.write_text("reports:\n  - name: m\n    notebook: "
                   f"{paths.PROJECT_ROOT / 'notebooks' / 'member_report.ipynb'}\n"
                   f"    parameters: {{processed_dir: {sample_processed}, "
                   "run_date: '2026-11-01'}\n")
    r = subprocess.run([sys.executable, "-m", "ssi_analysis", "report", "--config", str(cfg),
                        "--out", str(tmp_path / "site")], capture_output=True, text=True,
                       cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "warn" not in r.stderr.lower() and "Kernel is running" not in r.stderr
