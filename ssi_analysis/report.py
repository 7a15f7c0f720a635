"""Execute report notebooks with Papermill and export self-contained HTML.

The HTML has no code, no prompts, no parameters or injected-parameters cell, no stderr
output and no script fetched from the network; images are embedded. Everything is
written atomically, so an interrupted run leaves the previous reports intact.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import html
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from .errors import DataError
from .io import atomic_write
from .paths import NOTEBOOKS_DIR, PROJECT_ROOT, REPORTS_DIR, resolve

DEFAULT_CONFIG = NOTEBOOKS_DIR / "reports.yml"
TEMPLATE_DIR = Path(__file__).parent / "templates"
_REPORT_KEYS = {"name", "notebook", "title", "parameters", "for_each_member"}
_DATE_PARAMS = ("start", "end", "as_of")
_PATH_SUFFIXES = ("_dir", "_file", "_path")
_HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}


@dataclass(frozen=True)
class ReportSpec:
    """One report to produce: a notebook, its parameters and the output name."""

    name: str
    notebook: Path
    title: str
    parameters: dict = field(default_factory=dict)
    for_each_member: bool = False


def load_config(path: str | os.PathLike[str] | None = None, *,
                check_paths: bool = True) -> list[ReportSpec]:
    """Read a report configuration (YAML) and check it.

    The file holds ``reports:``, a list of ``{name, notebook, title, parameters}``;
    relative notebook paths are relative to the project root.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The configuration; default ``notebooks/reports.yml``.
    check_paths : bool, default True
        Also check that path parameters (``processed_dir``, ...) exist, so that a
        scheduled run fails before starting a kernel. ``False`` checks the file alone
        (useful before the first ingest).

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
        for key, typ in (("name", str), ("notebook", str), ("title", str), ("parameters", dict),
                         ("for_each_member", bool)):
            if key in entry and not isinstance(entry[key], typ):
                raise DataError(f"'{key}' must be a {typ.__name__}", path=p, column=where)
        if "name" not in entry or "notebook" not in entry:
            raise DataError("each report needs 'name' and 'notebook'", path=p, column=where)
        if not re.fullmatch(r"[A-Za-z0-9_\-]+(\{member_id\})?[A-Za-z0-9_\-]*", entry["name"]):
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
        where = f"report '{entry['name']}'"
        for k, v in params.items():
            if k in _DATE_PARAMS and v != "":
                try:
                    dt.date.fromisoformat(str(v))
                except ValueError:
                    raise DataError(f"{where}: parameter '{k}' must be a date YYYY-MM-DD or "
                                    f"empty, got {v!r}", path=p) from None
            if (check_paths and k.endswith(_PATH_SUFFIXES) and isinstance(v, str) and v
                    and k != "tables_dir"):
                if not resolve(v).exists():
                    raise DataError(f"{where}: parameter '{k}': {v} does not exist"
                                    + (" (run `ssi-analysis ingest` first)"
                                       if k == "processed_dir" else ""), path=p)
        each = bool(entry.get("for_each_member", False))
        if each and "member_id" not in declared:
            raise DataError(f"{where}: for_each_member needs a notebook with a member_id "
                            "parameter", path=p)
        specs.append(ReportSpec(entry["name"], nb, entry.get("title", entry["name"]), params,
                                each))
    names = [s.name for s in specs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise DataError(f"report names must be unique; repeated: {dup}", path=p)
    return specs


def expand_members(specs: list[ReportSpec]) -> list[ReportSpec]:
    """Expand ``for_each_member`` entries into one report per member of the processed data.

    Parameters
    ----------
    specs : list of ReportSpec
        From :func:`load_config`.

    Returns
    -------
    list of ReportSpec
        Member ids substituted for ``{member_id}`` in names and titles.
    """
    from .io import read_parquet
    from .summary import PROCESSED_FILES

    out = []
    for spec in specs:
        if not spec.for_each_member:
            out.append(spec)
            continue
        folder = resolve(spec.parameters.get("processed_dir", "data/processed"))
        snaps = read_parquet(folder / PROCESSED_FILES["snapshots"])
        for m in sorted(snaps["member_id"].unique()):
            name = (spec.name.replace("{member_id}", str(m)) if "{member_id}" in spec.name
                    else f"{spec.name}-{m}")
            out.append(ReportSpec(re.sub(r"[^A-Za-z0-9_\-]", "_", name),
                                  spec.notebook, spec.title.replace("{member_id}", str(m)),
                                  {**spec.parameters, "member_id": str(m)}))
    return out


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


class ReportFailed(Exception):
    """A report notebook raised; the message names the cell."""


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

    Raises
    ------
    ReportFailed
        When a cell raises; the partly executed notebook is kept beside ``output`` as
        ``<name>.failed.ipynb`` for debugging.
    """
    import papermill as pm

    # the kernel inherits these: inline figures (whatever the caller's backend) and a
    # fixed hash seed, so that reruns are byte-identical
    saved = {k: os.environ.get(k) for k in ("MPLBACKEND", "PYTHONHASHSEED")}
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    os.environ["PYTHONHASHSEED"] = "0"
    failed = output.with_name(f"{output.stem}.failed.ipynb")
    try:
        nb = None

        def _run(tmp: Path) -> None:
            nonlocal nb
            try:
                nb = pm.execute_notebook(str(notebook), str(tmp), parameters=parameters,
                                         cwd=str(PROJECT_ROOT), kernel_name="python3",
                                         progress_bar=False, report_mode=True)
            except pm.PapermillExecutionError as exc:
                if tmp.exists():
                    os.replace(tmp, failed)
                cell = _cell_number(failed, exc.cell_index)
                raise ReportFailed(f"{notebook.name}: cell {cell} raised {exc.ename}: "
                                   f"{str(exc.evalue).strip().splitlines()[-1:][0] if exc.evalue else ''}"
                                   f" (executed notebook kept in {failed.name})") from None

        try:
            atomic_write(output, _run)
            failed.unlink(missing_ok=True)
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


def _cell_number(path: Path, index: int) -> str:
    """Return the human cell number of the ``index``-th cell of the source notebook.

    1-based; code cells are counted after papermill's injected cell is removed.
    """
    try:
        nb = nbformat.read(path, as_version=4)
        cells = [c for c in nb.cells
                 if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
        target = nb.cells[index]
        return f"{cells.index(target) + 1} ({target.source.strip().splitlines()[0][:60]!r})"
    except Exception:  # the number is a courtesy; never hide the real failure
        return str(index)


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


@dataclass
class ReportStatus:
    """What happened to one report in a run."""

    name: str
    title: str
    status: str          # "ok", "skipped" (unchanged) or "failed"
    message: str = ""
    seconds: float = 0.0


def fingerprint(spec: ReportSpec) -> str:
    """Hash everything a report depends on: notebook, parameters, input files, kit version.

    Parameters
    ----------
    spec : ReportSpec
        The report.

    Returns
    -------
    str
        A hex digest; equal digests mean the report would come out the same.
    """
    from . import __version__

    h = hashlib.sha256()
    h.update(spec.notebook.read_bytes())
    h.update(json.dumps(spec.parameters, sort_keys=True, default=str).encode())
    h.update(__version__.encode())
    for k, v in sorted(spec.parameters.items()):
        if k.endswith(_PATH_SUFFIXES) and isinstance(v, str) and v and k != "tables_dir":
            p = resolve(v)
            files = sorted(p.rglob("*")) if p.is_dir() else [p]
            for f in files:
                if f.is_file():
                    h.update(f.name.encode())
                    h.update(hashlib.sha256(f.read_bytes()).digest())
    for f in sorted(Path(__file__).parent.glob("*.py")):   # the kit's own code
        h.update(f.read_bytes())
    return h.hexdigest()


def _run_one(spec: ReportSpec, out: str) -> ReportStatus:
    """Execute and export one report (runs in a worker process)."""
    out_dir = Path(out)
    start = time.perf_counter()
    params = dict(spec.parameters)
    if "tables_dir" in notebook_parameters(spec.notebook) and not params.get("tables_dir"):
        params["tables_dir"] = str(out_dir / f"{spec.name}-tables")
    try:
        for attempt in range(3):
            try:
                nb = execute(spec.notebook, out_dir / f"{spec.name}.ipynb", params)
                break
            except RuntimeError as exc:
                # parallel kernels can race for a TCP port ("Kernel died before replying");
                # starting the kernel again is safe: nothing was executed or written
                if "Kernel died" not in str(exc) or attempt == 2:
                    raise
                time.sleep(0.5 + attempt)
        page = to_html(nb, title=spec.title)
        atomic_write(out_dir / f"{spec.name}.html",
                     lambda t: t.write_text(page, encoding="utf-8"))
    except ReportFailed as exc:
        return ReportStatus(spec.name, spec.title, "failed", str(exc),
                            time.perf_counter() - start)
    except Exception as exc:  # a kernel that died, an export error: report, don't crash the run
        return ReportStatus(spec.name, spec.title, "failed",
                            f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1:]}",
                            time.perf_counter() - start)
    return ReportStatus(spec.name, spec.title, "ok", "", time.perf_counter() - start)


def write_index(out_dir: Path, statuses: list[ReportStatus]) -> Path:
    """Write ``index.html``: every report with its status and link.

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder.
    statuses : list of ReportStatus
        One per report.

    Returns
    -------
    pathlib.Path
        The index file.
    """
    rows = []
    for st in statuses:
        link = (f'<a href="{html.escape(st.name)}.html">{html.escape(st.title)}</a>'
                if (out_dir / f"{st.name}.html").exists() else html.escape(st.title))
        label = {"ok": "up to date", "skipped": "up to date (inputs unchanged)",
                 "failed": "FAILED"}[st.status]
        msg = f"<br><small>{html.escape(st.message)}</small>" if st.message else ""
        rows.append(f'<tr class="{st.status}"><td>{link}</td><td>{label}{msg}</td></tr>')
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SSI reports</title>
<style>body{{font-family:system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem}}
td{{padding:.35rem .8rem;border-bottom:1px solid #ddd;vertical-align:top}}
tr.failed td{{color:#a00}}</style></head>
<body><h1>SSI reports</h1>
<p>Reports produced by ssi-analysis. Each opens offline; the executed notebook and the tables
behind it sit beside it.</p>
<table>
{chr(10).join(rows)}
</table></body></html>
"""
    return atomic_write(out_dir / "index.html", lambda t: t.write_text(page, encoding="utf-8"))


def run_reports(config: str | os.PathLike[str] | None = None,
                out_dir: str | os.PathLike[str] = REPORTS_DIR, *, jobs: int | None = None,
                force: bool = False, progress: bool | None = None) -> list[ReportStatus]:
    """Execute every configured report in parallel; write HTML, notebooks and ``index.html``.

    Parameters
    ----------
    config : str or os.PathLike, optional
        Report configuration; default ``notebooks/reports.yml``.
    out_dir : str or os.PathLike
        Destination folder.
    jobs : int, optional
        Parallel workers (default: all cores).
    force : bool
        Rerun reports whose inputs and parameters are unchanged since the last run.
    progress : bool, optional
        Show a progress bar (default: when stderr is a terminal).

    Returns
    -------
    list of ReportStatus
        One per report, in configuration order.

    Raises
    ------
    DataError
        For a bad configuration (nothing is executed then).
    """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    specs = expand_members(load_config(config))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    state_path = out / ".state.json"
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    prints = {s.name: fingerprint(s) for s in specs}
    todo, statuses = [], {}
    for s in specs:
        done = (out / f"{s.name}.html").exists() and (out / f"{s.name}.ipynb").exists()
        if not force and done and state.get(s.name) == prints[s.name]:
            statuses[s.name] = ReportStatus(s.name, s.title, "skipped")
        else:
            todo.append(s)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    show = sys.stderr.isatty() if progress is None else progress
    from tqdm import tqdm

    bar = tqdm(total=len(todo), disable=not show, unit="report", file=sys.stderr)
    if todo:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(_run_one, s, str(out)): s for s in todo}
            from concurrent.futures import as_completed

            for fut in as_completed(futures):
                st = fut.result()
                statuses[st.name] = st
                if st.status == "ok":
                    state[st.name] = prints[st.name]
                else:
                    state.pop(st.name, None)
                bar.update(1)
                if not show:
                    print(f"[{len(statuses)}/{len(specs)}] {st.name}: {st.status}"
                          + (f" — {st.message}" if st.message else ""), file=sys.stderr)
    bar.close()
    ordered = [statuses[s.name] for s in specs]
    atomic_write(state_path, lambda t: t.write_text(json.dumps(state, indent=1, sort_keys=True),
                                                    encoding="utf-8"))
    write_index(out, ordered)
    return ordered
