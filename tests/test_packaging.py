"""Packaging: environment.yml agrees with pyproject.toml; Makefile and README promises."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _req(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == ["-e .[test]"]
    py = next(d for d in conda if d.startswith("python"))
    assert py == "python=3.11"
    assert project["requires-python"] == ">=3.11"
    conda_reqs = dict(_req(d) for d in conda if not d.startswith(("python", "pip")))
    runtime = dict(_req(d) for d in project["dependencies"])
    # every runtime dependency is in the conda env with the same lower bound
    assert {k: v for k, v in conda_reqs.items() if k in runtime} == runtime
    # the only extra conda package is the interactive one from the dev extra
    dev = dict(_req(d) for d in project["optional-dependencies"]["dev"])
    assert set(conda_reqs) - set(runtime) <= set(dev)


def test_makefile_targets_are_documented():
    text = (ROOT / "Makefile").read_text()
    documented = set(re.findall(r"^([a-z-]+):.*## ", text, re.M))
    assert {"help", "env", "report", "test", "lint", "sample", "clean"} <= documented
    assert ".DEFAULT_GOAL := help" in text
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "report" in out.stdout and "test" in out.stdout


def test_clean_target_never_touches_raw_data():
    text = (ROOT / "Makefile").read_text()
    clean = text.split("\nclean:", 1)[1].split("\n\n", 1)[0]
    recipe = [ln for ln in clean.splitlines() if ln.startswith("\t")]
    assert recipe and not any("raw" in ln or "SAMPLE" in ln for ln in recipe)


def test_readme_and_ci_use_the_same_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make report" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def test_public_api_matches_design():
    import ssi_analysis as sa

    for name in ("load_snapshots", "load_activity", "clean_snapshots", "lagged_correlations",
                 "estimate_effects", "lag_profile", "DataError", "InsufficientDataError"):
        assert hasattr(sa, name), name


def test_lock_file_pins_every_runtime_and_test_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = (ROOT / "requirements.lock").read_text()
    pinned = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", lock, re.M))
    pinned = {k.lower().replace("_", "-"): v for k, v in pinned.items()}
    wanted = [_req(d)[0] for d in (*project["dependencies"],
                                   *project["optional-dependencies"]["test"])]
    assert [w for w in wanted if w not in pinned] == []
    # make env installs from the lock, and only the kit itself without dependencies
    text = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -r $(LOCK)" in text and "--no-deps -e ." in text


# ----------------------------------------------------------------- install like a tool

def test_the_shipped_notebooks_are_the_projects_notebooks():
    """init copies ssi_analysis/resources/notebooks; the clone's notebooks/ are the same."""
    shipped = ROOT / "ssi_analysis" / "resources" / "notebooks"
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert (shipped / nb.name).read_bytes() == nb.read_bytes(), nb.name
    assert sorted(p.name for p in shipped.glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


def test_every_imported_package_is_declared():
    import ast
    import importlib.metadata as md

    declared = {_req(d)[0] for d in tomllib.loads((ROOT / "pyproject.toml").read_text())
                ["project"]["dependencies"]}
    optional = {_req(d)[0] for ds in tomllib.loads((ROOT / "pyproject.toml").read_text())
                ["project"]["optional-dependencies"].values() for d in ds}
    dists = md.packages_distributions()
    found = {}
    for path in sorted((ROOT / "ssi_analysis").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     and node.level == 0 else [])
            for n in names:
                top = n.split(".")[0]
                if top in sys.stdlib_module_names or top == "ssi_analysis":
                    continue
                for dist in dists.get(top, [top]):
                    found.setdefault(dist.lower().replace("_", "-"), set()).add(path.name)
    # IPython comes with ipykernel, matplotlib_inline too: both are required by a declared one
    allowed = declared | {"ipython", "matplotlib-inline"}
    undeclared = {d: f for d, f in found.items() if d not in allowed}
    assert set(undeclared) <= optional, undeclared           # only the optional extras
    assert "ipywidgets" in undeclared                        # (sections/explore.py)


def test_the_wheel_installs_and_runs_init_sample_ingest_report_outside_the_clone(tmp_path):
    """Build the wheel, install it into a fresh venv (its dependencies borrowed from this
    one through a .pth file, so that no network is needed), and use it from elsewhere."""
    import sysconfig
    import venv

    dist = tmp_path / "dist"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                        str(ROOT)], capture_output=True, text=True)
    if r.returncode != 0 and "Could not find a version" in r.stderr + r.stdout:
        pytest.skip("the build backend cannot be downloaded here")
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next(dist.glob("ssi_analysis-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    for need in ("ssi_analysis/importers/har.py", "ssi_analysis/resources/reports.yml",
                 "ssi_analysis/resources/notebooks/member_report.ipynb",
                 "ssi_analysis/templates/ssi_report/index.html.j2"):
        assert need in names, need
    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    py = env / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True).stdout.strip()
    (Path(site) / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = tmp_path / "elsewhere"
    where.mkdir()
    run_env = {k: v for k, v in os.environ.items() if k not in ("SSI_PROJECT", "PYTHONPATH")}
    run_env["MPLBACKEND"] = "Agg"
    # nbconvert's base templates are data files of its own install (borrowed here too)
    run_env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")

    def cli(*args, cwd):
        return subprocess.run([str(env / "bin" / "ssi-analysis"), *args], cwd=cwd,
                              capture_output=True, text=True, env=run_env, timeout=600)

    r = cli("init", "proj", cwd=where)
    assert r.returncode == 0, r.stderr
    proj = where / "proj"
    # from a subfolder the project is found upward; paths typed on the command line are,
    # as for any command, relative to the current folder
    for args in (("sample",), ("ingest", "../data/raw/sample/member", "--tz", "Europe/Berlin"),
                 ("report", "--run-date", "2026-11-01")):
        r = cli(*args, cwd=proj / "notebooks")
        assert r.returncode == 0, (args, r.stderr[-2000:])
        assert "Warning" not in r.stderr and "WARNING" not in r.stderr, r.stderr
    page = (proj / "reports" / "member_report.html").read_text()
    assert "At a glance" in page and (proj / "reports" / "index.html").exists()
    imported = subprocess.run([str(py), "-c", "import ssi_analysis; print(ssi_analysis.__file__)"],
                              capture_output=True, text=True, env=run_env, cwd=where).stdout
    assert str(env) in imported                       # the wheel, not the clone
    assert not (proj / "data" / "raw" / "sample" / "member" / "x").exists()
