"""The architecture as tests: layers (import-linter), no private names across modules, no
module importing the package ``__init__``, a light ``--version``, and small modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ssi_analysis"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80       # code lines, the docstring not counted


def _dotted(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_of(path: Path) -> str:
    name = _dotted(path)
    return name if path.name == "__init__.py" else name.rsplit(".", 1)[0]


def _resolve(path: Path, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names (``from ..x import y`` → ``pkg.x``)."""
    if node.level == 0:
        return node.module or ""
    base = _package_of(path).split(".")
    base = base[:len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            yield node, _resolve(path, node)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name


def _is_module(dotted: str) -> bool:
    p = PACKAGE.parent.joinpath(*dotted.split("."))
    return p.with_suffix(".py").exists() or (p / "__init__.py").exists()


def test_the_layer_contract_holds():
    exe = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(exe)], capture_output=True, text=True,
                       cwd=PACKAGE.parent, timeout=120)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "0 broken" in r.stdout


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _dotted(p) or p.name)
def test_no_private_name_crosses_a_module_and_nobody_imports_the_package_init(path):
    here = _dotted(path)
    for node, target in _imports(path):
        if not target.startswith("ssi_analysis"):
            continue
        names = [a.name for a in node.names] if isinstance(node, ast.ImportFrom) else []
        # a private module may be used inside its own package only
        parts = target.split(".")
        for i, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__"):
                owner = ".".join(parts[:i])
                assert here == owner or here.startswith(owner + "."), \
                    f"{here} imports the private module {target}"
        for name in names:
            assert not (name.startswith("_") and not name.startswith("__")), \
                f"{here} imports the private name {name} from {target}"
            if target == "ssi_analysis" and here != "ssi_analysis":
                assert _is_module(f"ssi_analysis.{name}"), \
                    f"{here} imports {name} from the package __init__"
        if isinstance(node, ast.Import):
            assert target != "ssi_analysis", f"{here} imports the package __init__"


def test_the_checks_above_can_fail(tmp_path):
    """The private-name rule on a module that breaks it."""
    bad = PACKAGE / "features.py"
    tree = ast.parse("from .importers._frames import combine_activity\n"
                     "from .arrays import _hidden\nfrom . import __version__\n")
    found = []
    for node in tree.body:
        target = _resolve(bad, node)
        found.append((target, [a.name for a in node.names]))
    assert found[0][0] == "ssi_analysis.importers._frames"
    assert found[1][1] == ["_hidden"]
    assert found[2][0] == "ssi_analysis" and not _is_module("ssi_analysis.__version__")


def test_version_loads_neither_statsmodels_nor_matplotlib():
    code = ("import sys\nfrom ssi_analysis.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('statsmodels', 'matplotlib', 'pandas', 'scipy', 'sklearn', 'seaborn')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "ssi-analysis" in r.stdout.splitlines()[0]
    assert r.stdout.splitlines()[-1] == "[]"


def _code_lines(node) -> int:
    n = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
            and isinstance(first.value.value, str):
        n -= first.end_lineno - first.lineno + 1
    return n


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _dotted(p) or p.name)
def test_modules_and_functions_stay_small(path):
    src = path.read_text(encoding="utf-8")
    assert len(src.splitlines()) <= MAX_MODULE_LINES
    long = [f"{n.name} ({_code_lines(n)} lines)" for n in ast.walk(ast.parse(src))
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            and _code_lines(n) > MAX_FUNCTION_LINES]
    assert not long, long
