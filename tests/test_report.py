"""Notebooks and reports: thin literal notebooks, executed end to end, clean HTML, CLI."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from ssi_analysis import paths
from ssi_analysis.kernel import GC_THRESHOLDS
from ssi_analysis.report import load_config, notebook_parameters, run_reports

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin_and_clean(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for node in ast.parse(tagged[0].source).body:        # literals only
        assert isinstance(node, ast.AnnAssign | ast.Assign)
        ast.literal_eval(node.value)
    for c in code:
        assert not c.get("outputs") and c.get("execution_count") is None
        tree = ast.parse(c.source)
        assert not any(isinstance(n, ast.FunctionDef | ast.ClassDef | ast.For | ast.While)
                       for n in ast.walk(tree)), c.source
        if c is not tagged[0]:
            assert len(c.source.splitlines()) <= 8
    assert nb.metadata["kernelspec"]["name"] == "python3"


def _config(tmp_path, processed, name="member_report"):
    cfg = tmp_path / "reports.yml"
    cfg.write_text(f"""reports:
  - name: {name}
    notebook: notebooks/member_report.ipynb
    title: "Test <report> & co"
    parameters:
      processed_dir: {processed}
      member_id: me
      tz: Europe/Berlin
      run_date: "2026-11-01"
""")
    return cfg


@pytest.fixture(scope="module")
def sample_report(sample_processed, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    cfg = _config(out, sample_processed)
    statuses = run_reports(cfg, out / "site", progress=False)
    return out / "site", statuses


def test_report_files_and_index(sample_report):
    site, statuses = sample_report
    assert [(s.name, s.status) for s in statuses] == [("member_report", "ok")]
    assert (site / "member_report.ipynb").exists() and (site / "member_report.html").exists()
    index = (site / "index.html").read_text()
    assert 'href="member_report.html"' in index and "Test &lt;report&gt; &amp; co" in index
    assert not list(site.glob(".*ssi-tmp-*"))


def test_html_has_no_code_prompts_parameters_or_network(sample_report):
    site, _ = sample_report
    page = (site / "member_report.html").read_text()
    code_cells = re.findall(r'<div class="(jp-Cell jp-CodeCell[^"]*)"', page)
    assert code_cells and all("jp-mod-noInput" in c for c in code_cells)
    assert not re.search(r'class="[^"]*(jp-InputPrompt|jp-OutputPrompt|highlight)', page)
    body = page.split("<main>", 1)[1]
    assert "import matplotlib" not in body and "summary.show(" not in body
    assert "In&nbsp;[" not in body and "Out[" not in body
    assert "processed_dir = " not in body and "injected-parameters" not in body
    assert "Traceback" not in body and "Warning" not in body
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=\"?https?:", page)
    images = re.findall(r'src="data:image/png;base64,', page)
    assert len(images) >= 5


def test_report_shows_the_sample_findings(sample_report):
    page = (sample_report[0] / "member_report.html").read_text()
    for phrase in ("At a glance", "What to do next", "Where you stand",
                   "Establish your professional brand", "Top ", "What moved which pillar",
                   "likely positive", "Data quality", "Each additional post in a week goes with",
                   "Your pillars against your peers", "Next steps and what-if",
                   "What if: the SSI in 12 weeks", "Your typical week", "values outside their "
                   "range removed", "level shift", "industry changes",
                   "Profile overhaul: new headline and photo", "Longest gaps", "Glossary",
                   "rule of thumb", "Association, not cause", "Report run on 01 Nov 2026"):
        assert phrase in page, phrase
    assert page.count("not proof") <= 1 and "e-0" not in page.split("<main>", 1)[1]
    assert "No description has been provided" not in page
    assert "parameter processed_dir" not in page and "'W'" not in page


def test_report_html_is_byte_identical_on_rerun(sample_report, sample_processed, tmp_path):
    site, _ = sample_report
    run_reports(_config(tmp_path, sample_processed), tmp_path / "again", progress=False)
    again = tmp_path / "again" / "member_report.html"
    assert again.read_bytes() == (site / "member_report.html").read_bytes()


def test_report_on_a_tiny_history_explains_instead_of_failing(tmp_path):
    from ssi_analysis.pipeline import ingest

    processed = tmp_path / "processed"
    ingest([FIXTURES / "tiny"], processed)
    run_reports(_config(tmp_path, processed, "tiny"), tmp_path / "site", progress=False)
    page = (tmp_path / "site" / "tiny.html").read_text()
    assert "Not enough" in page and "weekly changes" in page
    assert "Where you stand" in page and "<tbody></tbody>" not in page


def test_config_errors_are_data_errors(tmp_path):
    from ssi_analysis import DataError

    bad = tmp_path / "bad.yml"
    bad.write_text("reports:\n  - name: x\n    notebook: notebooks/nope.ipynb\n")
    with pytest.raises(DataError, match="does not exist"):
        load_config(bad)
    bad.write_text("reports:\n  - name: x\n    notebook: notebooks/member_report.ipynb\n"
                   "    parameters: {max_lag: 'two'}\n")
    with pytest.raises(DataError, match="max_lag' must be int"):
        load_config(bad)
    bad.write_text("reports:\n  - name: x\n    notebook: notebooks/member_report.ipynb\n"
                   "    parameters: {colour: red}\n")
    with pytest.raises(DataError, match="not declared"):
        load_config(bad)


def test_default_config_is_valid():
    # the bundled config is valid on a fresh clone, before anything was ingested
    specs = load_config(check_paths=False)
    assert [s.name for s in specs] == ["member_report", "team_report"]
    assert "max_lag" in notebook_parameters(specs[0].notebook)


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "ssi_analysis", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_cli_bad_input_exits_2_with_one_line(tmp_path):
    (tmp_path / "bad.csv").write_text("date,ssi,brand,people,insights,relationships\n"
                                      "2026-01-01,40,10,ten,10,10\n")
    r = _cli("ingest", str(tmp_path / "bad.csv"), "--out", str(tmp_path / "out"))
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "bad.csv, row 2, column people: expected a number, found 'ten'" in r.stderr
    assert not (tmp_path / "out").exists()


def test_cli_ingest_is_deterministic_and_leaves_raw_untouched(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "tiny", raw)
    before = {p.name: p.read_bytes() for p in raw.iterdir()}
    for out in ("a", "b"):
        r = _cli("ingest", str(raw), "--out", str(tmp_path / out), cwd=tmp_path)
        assert r.returncode == 0, r.stderr
    for f in (tmp_path / "a").iterdir():
        if f.is_file():
            assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name
    assert sorted(f.name for f in (tmp_path / "a").iterdir()) == sorted(
        f.name for f in (tmp_path / "b").iterdir())          # the same generation names too
    assert {p.name: p.read_bytes() for p in raw.iterdir()} == before
    man = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert [i["file"] for i in man["inputs"]] == ["raw/activity.csv", "raw/snapshots.csv"]


def test_cli_report_missing_notebook_exits_2(tmp_path):
    cfg = tmp_path / "c.yml"
    cfg.write_text("reports:\n  - name: x\n    notebook: notebooks/missing.ipynb\n")
    r = _cli("report", "--config", str(cfg), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "does not exist" in r.stderr and "Traceback" not in r.stderr


# ------------------------------------------------------------------ the scheduler

def _cfg(tmp_path, body: str) -> Path:
    f = tmp_path / "reports.yml"
    f.write_text(body)
    return f


def test_validation_names_the_report_and_key(tmp_path, sample_processed):
    from ssi_analysis import DataError

    head = "reports:\n  - name: r1\n    notebook: notebooks/member_report.ipynb\n"
    with pytest.raises(DataError, match="report 'r1': parameter 'start' must be a date"):
        load_config(_cfg(tmp_path, head + "    parameters: {start: '2026-13-01'}\n"))
    with pytest.raises(DataError, match="report 'r1': parameter 'processed_dir': .* does not "
                                        "exist .run `ssi-analysis ingest` first"):
        load_config(_cfg(tmp_path, head + "    parameters: {processed_dir: nowhere/x}\n"))
    # the same file is structurally valid when paths are not checked
    assert load_config(_cfg(tmp_path, head + "    parameters: {processed_dir: nowhere/x}\n"),
                       check_paths=False)[0].parameters == {
        "processed_dir": str((tmp_path / "nowhere" / "x").resolve())}   # beside the config
    with pytest.raises(DataError, match="unknown keys \\['schedule'\\]"):
        load_config(_cfg(tmp_path, head + "    schedule: daily\n"))
    with pytest.raises(DataError, match="repeated: \\['r1'\\]"):
        load_config(_cfg(tmp_path, head + head.replace("reports:\n", "")))


def test_skips_unchanged_reports_and_reruns_changed_ones(tmp_path, sample_processed):
    cfg = _config(tmp_path, sample_processed, "m")
    site = tmp_path / "site"
    first = run_reports(cfg, site, progress=False)
    second = run_reports(cfg, site, progress=False)
    assert [s.status for s in first] == ["ok"] and [s.status for s in second] == ["skipped"]
    cfg.write_text(cfg.read_text().replace("tz: Europe/Berlin", "tz: Europe/Berlin\n"
                                           "      max_lag: 2"))
    assert [s.status for s in run_reports(cfg, site, progress=False)] == ["ok"]
    assert "up to date" in (site / "index.html").read_text()


def test_failed_report_names_the_cell_keeps_the_notebook_and_exits_1(tmp_path):
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell("x: int = 1")
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p, nbformat.v4.new_code_cell("y = x + 1"),
                nbformat.v4.new_code_cell("raise ValueError('boom in cell three')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    good = paths.NOTEBOOKS_DIR / "member_report.ipynb"
    cfg = _cfg(tmp_path, f"reports:\n  - name: broken\n    notebook: {path}\n"
                         f"  - name: fine\n    notebook: {path}\n    parameters: {{x: 2}}\n")
    assert good.exists()
    r = _cli("report", "--config", str(cfg), "--out", str(tmp_path / "site"), "--jobs", "2")
    assert r.returncode == 1
    assert "report broken failed: broken.ipynb: cell 3" in r.stderr
    assert "ValueError: boom in cell three" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "site" / "broken.failed.ipynb").exists()
    assert not (tmp_path / "site" / "broken.html").exists()
    index = (tmp_path / "site" / "index.html").read_text()
    assert index.count("FAILED") == 2


def test_for_each_member_expands_over_the_team(tmp_path):
    from ssi_analysis.pipeline import ingest
    from ssi_analysis.report import expand_members

    raw = tmp_path / "raw"
    raw.mkdir()
    rows = ["member_id,date,ssi,brand,people,insights,relationships"]
    rows += [f"{m},2026-01-0{d},40,10,10,10,10" for m in ("ann", "bo") for d in (1, 2)]
    (raw / "team.csv").write_text("\n".join(rows) + "\n")
    ingest([raw], tmp_path / "p")
    cfg = _cfg(tmp_path, "reports:\n  - name: 'ssi-{member_id}'\n    title: 'SSI of {member_id}'"
                         "\n    notebook: notebooks/member_report.ipynb\n    for_each_member: true"
                         f"\n    parameters: {{processed_dir: {tmp_path / 'p'}}}\n")
    specs = expand_members(load_config(cfg))
    from ssi_analysis.privacy import project_salt, pseudonym

    salt = project_salt()
    shown = [pseudonym("ann", salt), pseudonym("bo", salt)]              # in id order
    assert [s.parameters["member_id"] for s in specs] == shown       # no raw id anywhere
    assert [s.title for s in specs] == [f"SSI of {m}" for m in shown]
    assert [s.name for s in specs] == [f"ssi-{m.replace(' ', '_')}" for m in shown]
    from ssi_analysis import store

    for s in specs:                                  # the notebook finds the member by it
        got = store.load_processed(tmp_path / "p", member_id=s.parameters["member_id"])
        assert got.snapshots["member_id"].astype(str).iloc[0] in {"ann", "bo"}
    ids = expand_members(load_config(_cfg(tmp_path, cfg.read_text().replace(
        "for_each_member: true", "for_each_member: true\n    member_names: ids"))))
    assert [(s.name, s.parameters["member_id"]) for s in ids] == [("ssi-ann", "ann"),
                                                                  ("ssi-bo", "bo")]


def test_help_notebook_documents_every_parameter():
    for nb in NOTEBOOKS:
        r = subprocess.run([sys.executable, "-m", "papermill", "--help-notebook", str(nb)],
                           capture_output=True, text=True)
        assert r.returncode == 0
        for name in notebook_parameters(nb):
            line = next(ln for ln in r.stdout.splitlines() if ln.strip().startswith(name + ":"))
            assert "(default" in line
        assert "Unable to parse" not in r.stderr + r.stdout


def test_cli_synth_writes_canonical_csvs_that_ingest(tmp_path):
    r = _cli("synth", "--members", "3", "--start", "2025-01-01", "--end", "2025-03-31",
             "--out", str(tmp_path / "team"))
    assert r.returncode == 0, r.stderr
    from ssi_analysis import load_activity, load_snapshots

    s = load_snapshots(tmp_path / "team" / "snapshots.csv")
    a = load_activity(tmp_path / "team" / "activity.csv")
    assert sorted(s["member_id"].unique()) == ["m0001", "m0002", "m0003"]
    assert {"posts", "comments"} <= set(a["activity"])
    r = _cli("synth", "--members", "2", "--out", str(paths.RAW_DIR / "x"))
    assert r.returncode == 2 and "never modified" in r.stderr


def test_team_report_on_the_bundled_team(team_site):
    page = (team_site / "site" / "team.html").read_text()
    for phrase in ("The team now", "Who to coach on what", "How much members differ",
                   "Data per member", "additional searches in a month go with",
                   "Each additional InMail sent in a month goes with"):
        assert phrase in page, phrase
    assert len(re.findall(r'src="data:image/png;base64,', page)) >= 6
    assert "@example.com" not in page and re.search(r"Member [0-9A-F]{6}", page)
    tables = sorted(p.name for p in (team_site / "site" / "team-tables").iterdir())
    assert tables == ["cleaning_log.csv", "coaching_grid.csv", "coverage.csv", "effects.csv",
                      "headline.json", "inputs.csv", "leaderboard.csv", "member_effects.csv"]


def test_member_spread_keeps_a_constant_pair_narrow_and_marks_the_team_value():
    """A pair whose members all share one value is a narrow bar, not a ±0.5 block."""
    import numpy as np
    import pandas as pd

    from ssi_analysis.plots import member_spread_figure

    spread = pd.DataFrame({
        "activity": ["messages_sent"] * 40 + ["searches"] * 40,
        "pillar": ["insights"] * 40 + ["people"] * 40,
        "shrunk": [0.035] * 40 + list(np.linspace(0.03, 0.04, 40)),
        "team": [0.035] * 40 + [0.034] * 40})
    fig = member_spread_figure(spread)
    assert len(fig.axes) == 2
    for ax, team, top in zip(fig.axes, (0.035, 0.034), (0.035, 0.04), strict=True):
        widths = [p.get_width() for p in ax.patches]
        assert widths and max(widths) < 0.002
        lo, hi = ax.get_xlim()
        assert lo <= 0 < top < hi
        assert any(np.allclose(ln.get_xdata(), team) for ln in ax.get_lines())


def test_coverage_view_shows_a_big_team_by_its_weakest_members():
    import pandas as pd

    from ssi_analysis.team import coverage_view

    cov = pd.DataFrame({"Member": [f"Member {i:04d}" for i in range(120)],
                        "Snapshots": [(i * 37) % 120 + 1 for i in range(120)]})
    small, caption = coverage_view(cov.head(40))
    assert len(small) == 40 and caption == "Data per member"
    big, caption = coverage_view(cov)
    assert len(big) == 50 and big["Snapshots"].max() == 50      # the 50 thinnest histories
    assert big["Snapshots"].is_monotonic_increasing
    assert "of 120" in caption and "coverage.csv" in caption


_PROBE = """\
import gc, json, os, warnings
import matplotlib
import matplotlib.pyplot as plt
seen = {"pid": os.getpid(), "leftover": "leftover" in globals(),
        "font": matplotlib.rcParams["font.size"], "env": os.environ.get("SSI_PROBE"),
        "cwd": os.getcwd(), "figures": len(plt.get_fignums()), "gc": gc.get_threshold()}
json.dump(seen, open(record, "w"))
leftover = 1                                    # every change below must not leak
gc.set_threshold(5, 5, 5)
matplotlib.rcParams["font.size"] = 31
os.environ["SSI_PROBE"] = "set"
os.chdir("/")
warnings.simplefilter("error")
plt.figure()
"""


def _notebook(path: Path, parameters: str, *cells: str) -> Path:
    """Write a small notebook: a ``parameters`` cell, then code cells."""
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell(parameters)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p, *map(nbformat.v4.new_code_cell, cells)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def _probe_notebook(path: Path) -> Path:
    return _notebook(path, "record: str = ''", _PROBE)


def test_kept_kernels_give_byte_identical_reports_and_nothing_leaks(tmp_path):
    """A worker's kept kernel (the batch path) writes the same bytes as a new kernel per
    report, even after a report that changed every kind of global state."""
    from ssi_analysis.pipeline import ingest

    ingest([paths.SAMPLE_DIR / "team"], tmp_path / "team")
    probe = _probe_notebook(tmp_path / "probe.ipynb")
    member = ("    notebook: notebooks/member_report.ipynb\n"
              f"    parameters: {{processed_dir: {tmp_path / 'team'}, member_id: '{{m}}'}}\n")
    body = "reports:\n"
    for i, m in enumerate(["127121040", "150011094"]):
        body += f"  - name: m{i}\n" + member.replace("{m}", m)
        body += (f"  - name: probe{i}\n    notebook: {probe}\n"
                 f"    parameters: {{record: {tmp_path / f'probe{i}.json'}}}\n")
    cfg = _cfg(tmp_path, body)
    runs = {}
    for mode, fresh in (("kept", False), ("fresh", True)):
        site = tmp_path / "site"                # the same folder: paths are in the notebook
        st = run_reports(cfg, site, jobs=1, progress=False, quiet=True, run_date="2026-11-01",
                         fresh_kernels=fresh)
        assert [s.status for s in st] == ["ok"] * 4, [s.message for s in st]
        runs[mode] = [json.loads((tmp_path / f"probe{i}.json").read_text()) for i in (0, 1)]
        for i in (0, 1):
            assert runs[mode][i]["leftover"] is False and runs[mode][i]["env"] is None
            assert runs[mode][i]["figures"] == 0 and runs[mode][i]["font"] != 31
            assert runs[mode][i]["cwd"] == str(paths.project_root())
            assert tuple(runs[mode][i]["gc"]) == GC_THRESHOLDS      # the report kernel's
        site.rename(tmp_path / mode)
    assert runs["kept"][0]["pid"] == runs["kept"][1]["pid"]       # one kernel, reused
    assert runs["fresh"][0]["pid"] != runs["fresh"][1]["pid"]
    assert runs["kept"][1]["font"] == runs["fresh"][1]["font"]
    for name in ("m0", "m1"):
        for ext in ("ipynb", "html"):
            kept = (tmp_path / "kept" / f"{name}.{ext}").read_bytes()
            assert kept == (tmp_path / "fresh" / f"{name}.{ext}").read_bytes(), (name, ext)
    assert b"Find the right people" in (tmp_path / "kept" / "m1.html").read_bytes()


def test_a_report_that_kills_its_kernel_fails_alone_and_quietly(tmp_path):
    """The kept kernel died with a report: that report fails with one line, the next one
    gets a new kernel, and the worker exits without tracebacks or live kernels."""
    _notebook(tmp_path / "die.ipynb", "x: int = 1", "import os\nos._exit(1)")
    probe = _probe_notebook(tmp_path / "probe.ipynb")
    cfg = _cfg(tmp_path, f"reports:\n  - name: die\n    notebook: {tmp_path / 'die.ipynb'}\n"
                         f"  - name: after\n    notebook: {probe}\n"
                         f"    parameters: {{record: {tmp_path / 'after.json'}}}\n")
    r = _cli("report", "--config", str(cfg), "--out", str(tmp_path / "site"), "--jobs", "1")
    assert r.returncode == 1
    assert "report die failed: DeadKernelError" in r.stderr
    assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr, r.stderr
    assert (tmp_path / "site" / "after.html").exists()
    assert json.loads((tmp_path / "after.json").read_text())["leftover"] is False


def test_a_new_kernel_is_stopped_at_once_when_its_notebook_is_done(tmp_path):
    """After the last cell, the report's kernel is stopped, not asked to tear itself down
    (which takes half a second, and now and then hangs for seconds): its exit handlers
    never run and no kernel process is left, whether the notebook passed or failed."""
    import os

    from ssi_analysis.report.execute import ReportFailed, execute

    for i, last in enumerate(("pass", "raise ValueError('planted')")):
        _notebook(tmp_path / f"n{i}.ipynb", "record: str = ''",
                  "import atexit, json, os, pathlib\n"
                  "json.dump(os.getpid(), open(record, 'w'))\n"
                  "atexit.register(pathlib.Path(record + '.exit').write_text, 'torn down')\n"
                  + last)
        record = tmp_path / f"pid{i}.json"
        try:
            execute(tmp_path / f"n{i}.ipynb", tmp_path / f"out{i}.ipynb",
                    {"record": str(record)})
            assert i == 0
        except ReportFailed as exc:
            assert i == 1 and "planted" in str(exc)
        pid = json.loads(record.read_text())
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
        assert not Path(f"{record}.exit").exists()


def test_the_report_command_itself_loads_no_plotting_or_model_stack(tmp_path):
    """Charts and fits run in the kernel; the process that runs `ssi-analysis report`
    (config, scheduling, pages, index with its sparklines) does not pay for importing
    Matplotlib, seaborn or statsmodels (1.5 s of every single report run)."""
    _notebook(tmp_path / "n.ipynb", "x: int = 1", "y = x + 1")
    cfg = _cfg(tmp_path, f"reports:\n  - name: n\n    notebook: {tmp_path / 'n.ipynb'}\n")
    code = ("import sys\nfrom ssi_analysis.cli import main\n"
            f"try:\n    main(['-q', 'report', '--config', {str(cfg)!r}, '--out', "
            f"{str(tmp_path / 'site')!r}])\nexcept SystemExit as e:\n    print('exit', e.code)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'matplotlib', 'seaborn', 'statsmodels', 'sklearn'}))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "[]", r.stdout
    assert (tmp_path / "site" / "index.html").exists()


def test_sparkline_draws_every_finite_value_and_nothing_for_fewer_than_two():
    from ssi_analysis.report.index import sparkline_svg

    svg = sparkline_svg([40, float("nan"), 42, 41, None], width=100, height=20)
    pts = [tuple(map(float, p.split(","))) for p in
           re.search(r'points="([^"]+)"', svg).group(1).split()]
    assert [x for x, _ in pts] == [1.0, 50.0, 99.0]
    assert pts[1][1] == 2.0 and pts[0][1] == 18.0          # highest at the top
    assert 'aria-label="trend from 40 to 41"' in svg
    assert sparkline_svg([40]) == "" and sparkline_svg([]) == ""
