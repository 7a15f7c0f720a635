"""Packaging: environment.yml agrees with pyproject.toml; Makefile and README promises."""

from __future__ import annotations

import re
import subprocess
import tomllib

import yaml

from ssi_analysis import paths

ROOT = paths.PROJECT_ROOT


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
