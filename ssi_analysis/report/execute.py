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


def execute(notebook: Path, output: Path, parameters: dict, *,
            kernel: KeptKernel | None = None) -> nbformat.NotebookNode:
    """Execute a notebook with Papermill into ``output`` (atomically).

    Parameters
    ----------
    notebook : pathlib.Path
        The source notebook (never modified).
    output : pathlib.Path
        The executed notebook to write.
    parameters : dict
        Values injected after the ``parameters`` cell.
    kernel : KeptKernel, optional
        A kernel kept warm between reports (namespace and global state reset before each
        run); default: a new kernel for this report.

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
                # a kept kernel stays; a new one is stopped at once when the notebook is
                # done (its outputs are in): asked to shut down, IPython's kernel takes
                # 0.5 s to tear the interpreter down, and now and then hangs until
                # jupyter_client signals it 2.5 s later
                warm = ({"km": kernel.ready()} if kernel is not None
                        else {"shutdown_kernel": "immediate"})
                nb = pm.execute_notebook(str(notebook), str(tmp), parameters=parameters,
                                         cwd=str(project_root()), kernel_name=kit_kernel(),
                                         progress_bar=False, report_mode=True,
                                         request_save_on_cell_execute=False, **warm)
                nb = without_run_details(nb)
                nbformat.write(nb, str(tmp))
            except pm.PapermillExecutionError as exc:
                if kernel is not None:
                    kernel.close()      # whatever the failed report left behind goes too
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

# Run in a kept kernel before every report: the first time it records the state a new
# kernel has once the kit is imported; every later time it puts that state back (figures,
# Matplotlib settings, warning filters, environment, working folder, sys.path, the garbage
# collector's thresholds), then
# empties the namespace and restarts the execution counter, so a report's notebook and
# page are byte-identical to those of a run in a new kernel (a test holds this).
_RESET = """\
import gc, os, sys, types, warnings
import matplotlib, matplotlib.pyplot
import ssi_analysis.sections.member, ssi_analysis.sections.team
kept = sys.modules.get("_ssi_kept_state")
if kept is None:
    kept = sys.modules["_ssi_kept_state"] = types.ModuleType("_ssi_kept_state")
    kept.rc, kept.filters = dict(matplotlib.rcParams), list(warnings.filters)
    kept.env, kept.cwd, kept.path = dict(os.environ), os.getcwd(), list(sys.path)
    kept.gc = gc.get_threshold()
else:
    matplotlib.pyplot.close("all")
    gc.set_threshold(*kept.gc)
    dict.update(matplotlib.rcParams, kept.rc)
    warnings.filters[:] = kept.filters
    warnings._filters_mutated()
    os.environ.clear()
    os.environ.update(kept.env)
    os.chdir(kept.cwd)
    sys.path[:] = kept.path
get_ipython().run_line_magic("reset", "-f")
get_ipython().execution_count = 1
"""


class KeptKernel:
    """One kernel that runs many reports in turn, each in a clean namespace.

    Starting a kernel and importing the kit's scientific stack costs several seconds per
    report; a worker that renders many reports (``for_each_member``) keeps one kernel and
    resets it between reports instead (see ``_RESET``). After a report fails, or when the
    kernel died, the next report gets a new kernel.
    """

    def __init__(self) -> None:
        self.km = None

    def ready(self):
        """Return a kernel manager whose kernel is idle, reset, with the kit imported."""
        from jupyter_client.manager import AsyncKernelManager
        from nbclient import NotebookClient

        class _Manager(AsyncKernelManager):
            def client(self, **kwargs):          # one live client at a time
                old = getattr(self, "_live", None)
                if old is not None:
                    old.stop_channels()
                self._live = super().client(**kwargs)
                return self._live

        from nbclient.util import run_sync

        for attempt in range(2):
            if self.km is not None and self.km.has_kernel and not run_sync(self.km.is_alive)():
                self.close()                      # the last report's kernel died
            if self.km is None:
                self.km = _Manager(kernel_name=kit_kernel())
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(_RESET)])
            client = NotebookClient(nb, km=self.km, kernel_name=KERNEL_NAME,
                                    resources={"metadata": {"path": str(project_root())}})
            try:
                client.execute()
                return self.km
            except Exception:
                atexit.unregister(client._cleanup_kernel)   # nbclient leaves it on failure
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Shut the kernel down (a later ``ready`` starts a new one)."""
        km, self.km = self.km, None
        if km is not None and km.has_kernel:
            from nbclient.util import run_sync

            live = getattr(km, "_live", None)
            if live is not None:
                live.stop_channels()
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # a kernel that is already gone: nothing left to stop
                pass


def kit_kernel() -> str:
    """Return the name of a kernel that runs in this very interpreter (set up once).

    A kernelspec for ``sys.executable`` is written to a private folder put first on
    ``JUPYTER_PATH``, so that no other ``python3`` kernel (a user's, a conda one) can run
    the reports in an interpreter without the kit. The kernel keeps no IPython history
    (reports never write to the user's history database, and a kept kernel can restart
    its execution counter), and collects garbage less often (:mod:`ssi_analysis.kernel`).
    """
    global _KERNEL_DIR
    if _KERNEL_DIR is None:
        _KERNEL_DIR = tempfile.mkdtemp(prefix="ssi-analysis-kernel-")
        spec = Path(_KERNEL_DIR) / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ssi_analysis.kernel", "-f", "{connection_file}",
                     "--log-level=ERROR", "--HistoryManager.enabled=False"],
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
