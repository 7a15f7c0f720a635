"""Execute report notebooks with Papermill and export self-contained HTML.

The HTML has no code, no prompts, no parameters or injected-parameters cell, no stderr
output and no script fetched from the network; images are embedded. Everything is
written atomically, so an interrupted run leaves the previous reports intact.
"""

from __future__ import annotations

import copy
import html
import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from .errors import DataError
from .io import atomic_write
from .paths import NOTEBOOKS_DIR, PROJECT_ROOT, REPORTS_DIR, resolve

DEFAULT_CONFIG = NOTEBOOKS_DIR / "reports.yml"
TEMPLATE_DIR = Path(__file__).parent / "templates"
_REPORT_KEYS = {"name", "notebook", "title", "parameters"}
_HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}


@dataclass(frozen=True)
class ReportSpec:
    """One report to produce: a notebook, its parameters and the output name."""

    name: str
    notebook: Path
    title: str
    parameters: dict = field(default_factory=dict)


def load_config(path: str | os.PathLike[str] | None = None) -> list[ReportSpec]:
    """Read a report configuration (YAML) and check it.

    The file holds ``reports:``, a list of ``{name, notebook, title, parameters}``;
    relative notebook paths are relative to the project root.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The configuration; default ``notebooks/reports.yml``.

    Returns
    -------
    list of ReportSpec

    Raises
    ------
    DataError
        For a missing or malformed file, unknown keys, wrong types, a missing notebook
        or a parameter the notebook does not declare.
    """
    p = DEFAULT_CONFIG if path is None else Path(path)
    if not p.exists():
        raise DataError("report configuration not found", path=p)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError(f"is not valid YAML ({type(exc).__name__})", path=p) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("reports"), list) or not doc["reports"]:
        raise DataError("expected a 'reports:' list with at least one report", path=p)
    unknown_top = set(doc) - {"reports"}
    if unknown_top:
        raise DataError(f"unknown keys {sorted(unknown_top)} (expected only 'reports')", path=p)
    specs = []
    for i, entry in enumerate(doc["reports"], start=1):
        where = f"reports[{i}]"
        if not isinstance(entry, dict):
            raise DataError("each report must be a mapping", path=p, column=where)
        unknown = set(entry) - _REPORT_KEYS
        if unknown:
            raise DataError(f"unknown keys {sorted(unknown)} (expected {sorted(_REPORT_KEYS)})",
                            path=p, column=where)
        for key, typ in (("name", str), ("notebook", str), ("title", str), ("parameters", dict)):
            if key in entry and not isinstance(entry[key], typ):
                raise DataError(f"'{key}' must be a {typ.__name__}", path=p, column=where)
        if "name" not in entry or "notebook" not in entry:
            raise DataError("each report needs 'name' and 'notebook'", path=p, column=where)
        if not entry["name"].replace("-", "").replace("_", "").isalnum():
            raise DataError(f"name {entry['name']!r} must use letters, digits, - and _ only",
                            path=p, column=where)
        nb = resolve(entry["notebook"])
        if not nb.exists():
            raise DataError(f"notebook {entry['notebook']!r} does not exist", path=p,
                            column=where)
        params = entry.get("parameters") or {}
        declared = notebook_parameters(nb)
        extra = set(params) - set(declared)
        if extra:
            raise DataError(f"parameters {sorted(extra)} are not declared by {nb.name} "
                            f"(it takes {sorted(declared)})", path=p, column=where)
        for k, v in params.items():
            want = declared[k]
            if want is not None and not isinstance(v, want) and not (
                    want is float and isinstance(v, int) and not isinstance(v, bool)):
                raise DataError(f"parameter '{k}' must be {want.__name__}, got {v!r}", path=p,
                                column=where)
        specs.append(ReportSpec(entry["name"], nb, entry.get("title", entry["name"]), params))
    return specs


def notebook_parameters(notebook: str | os.PathLike[str]) -> dict[str, type | None]:
    """Return the names and literal types declared in a notebook's ``parameters`` cell.

    Parameters
    ----------
    notebook : str or os.PathLike
        The notebook.

    Returns
    -------
    dict of str to type or None
        Parameter name → type of its default value.
    """
    import ast

    nb = nbformat.read(resolve(notebook), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise DataError(f"needs exactly one cell tagged 'parameters', found {len(cells)}",
                        path=notebook)
    out: dict[str, type | None] = {}
    for node in ast.parse(cells[0].source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            value = ast.literal_eval(node.value) if node.value is not None else None
            out[node.target.id] = type(value) if value is not None else None
        elif isinstance(node, ast.Assign):
            value = ast.literal_eval(node.value)
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out[t.id] = type(value) if value is not None else None
    return out


def execute(notebook: Path, output: Path, parameters: dict) -> nbformat.NotebookNode:
    """Execute a notebook with Papermill into ``output`` (atomically).

    Parameters
    ----------
    notebook : pathlib.Path
        The source notebook (never modified).
    output : pathlib.Path
        The executed notebook to write.
    parameters : dict
        Values injected after the ``parameters`` cell.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.
    """
    import papermill as pm

    # the kernel inherits these: inline figures (whatever the caller's backend) and a
    # fixed hash seed, so that reruns are byte-identical
    saved = {k: os.environ.get(k) for k in ("MPLBACKEND", "PYTHONHASHSEED")}
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    os.environ["PYTHONHASHSEED"] = "0"
    try:
        nb = None

        def _run(tmp: Path) -> None:
            nonlocal nb
            nb = pm.execute_notebook(str(notebook), str(tmp), parameters=parameters,
                                     cwd=str(PROJECT_ROOT), kernel_name="python3",
                                     progress_bar=False, report_mode=True)

        try:
            atomic_write(output, _run)
        finally:
            for stale in output.parent.glob(f".{output.stem}.*.tmp{output.suffix}"):
                stale.unlink(missing_ok=True)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


def to_html(nb: nbformat.NotebookNode, *, title: str) -> str:
    """Export an executed notebook to self-contained HTML for readers.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    title : str
        The page title.

    Returns
    -------
    str
        The HTML document.
    """
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if _HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            cell.execution_count = None
        cell.metadata = {}
        cells.append(cell)
    nb.cells = cells
    nb.metadata = nbformat.from_dict({"title": title, "language_info": {"name": "python"}})
    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATE_DIR)],
                            template_name="ssi_report", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def write_index(out_dir: Path, entries: list[tuple[str, str]]) -> Path:
    """Write ``index.html`` linking every report.

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder.
    entries : list of (str, str)
        ``(file name, title)`` per report.

    Returns
    -------
    pathlib.Path
        The index file.
    """
    items = "\n".join(f'<li><a href="{html.escape(f)}">{html.escape(t)}</a></li>'
                      for f, t in entries)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SSI reports</title>
<style>body{{font-family:system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem}}
li{{margin:.4rem 0}}</style></head>
<body><h1>SSI reports</h1>
<p>Reports produced by ssi-analysis. Each opens offline; the executed notebook and the tables
behind it sit beside it.</p>
<ul>
{items}
</ul></body></html>
"""
    return atomic_write(out_dir / "index.html", lambda t: t.write_text(page, encoding="utf-8"))


def run_reports(config: str | os.PathLike[str] | None = None,
                out_dir: str | os.PathLike[str] = REPORTS_DIR) -> list[Path]:
    """Execute every configured report and write HTML, notebooks and ``index.html``.

    Parameters
    ----------
    config : str or os.PathLike, optional
        Report configuration; default ``notebooks/reports.yml``.
    out_dir : str or os.PathLike
        Destination folder.

    Returns
    -------
    list of pathlib.Path
        The HTML files written (index last).

    Raises
    ------
    DataError
        For a bad configuration (nothing is executed then).
    papermill.PapermillExecutionError
        When a notebook fails; earlier reports stay written.
    """
    specs = load_config(config)
    out = Path(out_dir)
    written = []
    for spec in specs:
        nb = execute(spec.notebook, out / f"{spec.name}.ipynb", spec.parameters)
        page = to_html(nb, title=spec.title)
        written.append(atomic_write(out / f"{spec.name}.html",
                                    lambda t, page=page: t.write_text(page, encoding="utf-8")))
    written.append(write_index(out, [(p.name, s.title) for p, s in zip(written, specs,
                                                                       strict=True)]))
    return written
