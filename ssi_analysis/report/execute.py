"""Executing a report notebook with Papermill, atomically, in a reproducible kernel."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import papermill as pm

from ..paths import PROJECT_ROOT
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
                                         cwd=str(PROJECT_ROOT), kernel_name="python3",
                                         progress_bar=False, report_mode=True)
            except pm.PapermillExecutionError as exc:
                if tmp.exists():
                    os.replace(tmp, failed)
                cell = _cell_number(failed, exc.cell_index)
                last = str(exc.evalue).strip().splitlines()[-1:] if exc.evalue else []
                raise ReportFailed(f"{notebook.name}: cell {cell} raised {exc.ename}: "
                                   f"{last[0] if last else ''}"
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
