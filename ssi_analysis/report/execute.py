"""Executing a report notebook with Papermill, atomically, in a reproducible kernel."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
import papermill as pm

from ..paths import project_root
from ..store import atomic_write


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
                                         cwd=str(project_root()), kernel_name=kit_kernel(),
                                         progress_bar=False, report_mode=True)
                nb = without_run_details(nb)
                nbformat.write(nb, str(tmp))
            except pm.PapermillExecutionError as exc:
                if tmp.exists():
                    os.replace(tmp, failed)
                cell = _cell_number(failed, exc.cell_index)
                last = str(exc.evalue).strip().splitlines()[-1:] if exc.evalue else []
                raise ReportFailed(f"{notebook.name}: cell {cell} raised {exc.ename}: "
                                   f"{last[0] if last else ''}"
                                   f" (executed notebook kept in {failed.name})") from None

        atomic_write(output, _run)
        failed.unlink(missing_ok=True)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


KERNEL_NAME = "ssi-analysis-kit"


def kit_kernel() -> str:
    """Return the name of a kernel that runs in this very interpreter (set up once).

    A kernelspec for ``sys.executable`` is written to a private folder put first on
    ``JUPYTER_PATH``, so that no other ``python3`` kernel (a user's, a conda one) can run
    the reports in an interpreter without the kit.
    """
    global _KERNEL_DIR
    if _KERNEL_DIR is None:
        _KERNEL_DIR = tempfile.mkdtemp(prefix="ssi-analysis-kernel-")
        spec = Path(_KERNEL_DIR) / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                     "--log-level=ERROR"],
            "display_name": "ssi-analysis", "language": "python"}), encoding="utf-8")
        atexit.register(shutil.rmtree, _KERNEL_DIR, True)
    paths = os.environ.get("JUPYTER_PATH", "")
    if not paths.startswith(_KERNEL_DIR):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (_KERNEL_DIR, paths) if p)
    return KERNEL_NAME


_KERNEL_DIR: str | None = None

_RUN_KEYS = ("start_time", "end_time", "duration", "exception", "status")


def without_run_details(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip what differs between two runs of the same report: timings, paths, kernel.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    nbformat.NotebookNode
        The same notebook without Papermill's timings and paths, the cells' execution
        timestamps, and with the kit's kernel named in its metadata.
    """
    pm_meta = nb.metadata.get("papermill", {})
    for key in (*_RUN_KEYS, "input_path", "output_path", "environment_variables", "version"):
        pm_meta.pop(key, None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"          # papermill gives it a random id
        cell.metadata.pop("execution", None)
        for key in _RUN_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
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
