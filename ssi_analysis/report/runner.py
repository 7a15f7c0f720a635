"""Running every configured report: in parallel, skipping unchanged ones, with a status."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

from tqdm import tqdm

from .._version import __version__
from ..errors import DataError
from ..paths import check_output_dir, project_root, resolve
from ..store import PROCESSED_FILES, atomic_write, read_parquet
from .config import (
    ReportSpec,
    expand_members,
    input_paths,
    load_config,
    notebook_defaults,
    notebook_parameters,
)
from .execute import KeptKernel, ReportFailed, execute
from .export import to_html
from .index import write_index


@dataclass
class ReportStatus:
    """What happened to one report in a run."""

    name: str
    title: str
    status: str          # "ok", "skipped" (unchanged) or "failed"
    message: str = ""
    seconds: float = 0.0


def today() -> str:
    """Today's date (UTC) as ``YYYY-MM-DD``: the run date a scheduler gives its reports."""
    return dt.datetime.now(dt.UTC).date().isoformat()


def with_run_date(spec: ReportSpec, run_date: str) -> ReportSpec:
    """Return the spec with ``run_date`` set (if its notebook takes one and none is set)."""
    if "run_date" not in notebook_parameters(spec.notebook) or spec.parameters.get("run_date"):
        return spec
    return replace(spec, parameters={**spec.parameters, "run_date": run_date})


def freshness_verdict(spec: ReportSpec) -> str:
    """Whether the report's data are stale on its run date ("stale", "fresh" or "").

    The skip-unchanged fingerprint leaves the run date out (a report is not rerun every
    day for its date alone) but includes this verdict, so that a report is rerun on the
    day its data become stale.

    Parameters
    ----------
    spec : ReportSpec
        The report, with its ``run_date``.

    Returns
    -------
    str
    """
    params = spec.parameters
    run_date = params.get("run_date")
    defaults = notebook_defaults(spec.notebook)
    if not run_date or "stale_days" not in defaults:
        return ""
    folder = resolve(params.get("processed_dir", defaults.get("processed_dir", "")))
    try:
        snaps = read_parquet(folder / PROCESSED_FILES["snapshots"])
    except DataError:
        return ""
    if "member_id" in defaults:
        snaps = snaps[snaps["member_id"] == params.get("member_id", defaults["member_id"])]
    if snaps.empty:
        return ""
    age = (dt.date.fromisoformat(run_date) - snaps["date"].max().date()).days
    return "stale" if age > int(params.get("stale_days", defaults["stale_days"])) else "fresh"


def fingerprint(spec: ReportSpec) -> str:
    """Hash what a report depends on: notebook, parameters, inputs, kit, freshness verdict.

    The run date itself is left out (see :func:`freshness_verdict`).

    Parameters
    ----------
    spec : ReportSpec
        The report.

    Returns
    -------
    str
        A hex digest; equal digests mean the report would come out the same (but for
        the run date it shows).
    """
    h = hashlib.sha256()
    h.update(spec.notebook.read_bytes())
    params = {k: v for k, v in spec.parameters.items() if k != "run_date"}
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    h.update(freshness_verdict(spec).encode())
    h.update(__version__.encode())
    for _, v in sorted(input_paths(spec.parameters).items()):
        p = resolve(v)
        for f in sorted(p.rglob("*")) if p.is_dir() else [p]:
            if f.is_file():
                h.update(f.name.encode())
                h.update(hashlib.sha256(f.read_bytes()).digest())
    for f in sorted(Path(__file__).resolve().parents[1].rglob("*.py")):   # the kit's code
        h.update(f.read_bytes())
    return h.hexdigest()


def die_with_parent(parent: int) -> None:
    """Make this worker die with the process that started it (Linux: the parent-death signal).

    A killed ``ssi-analysis report`` must not leave workers that go on writing reports;
    their kernels exit on their own when their parent (the worker) is gone.
    """
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - other libc
            pass
    if os.getppid() != parent:           # the parent died before the signal was set
        os._exit(1)


def read_state(path: Path) -> dict:
    """Read ``.state.json`` (report name → fingerprint); a damaged one is rebuilt.

    Parameters
    ----------
    path : pathlib.Path
        The state file.

    Returns
    -------
    dict of str to str
        Empty (every report reruns) when the file is missing or not such a mapping, with
        one warning line on stderr in the second case.
    """
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        state = None
    if isinstance(state, dict) and all(isinstance(k, str) and isinstance(v, str)
                                       for k, v in state.items()):
        return state
    print(f"ssi-analysis: {path} was damaged; rebuilt (every report is run again)",
          file=sys.stderr)
    return {}


def tables_dir(spec: ReportSpec, out_dir: Path) -> Path:
    """Where a report's CSV tables and ``headline.json`` go (``<name>-tables`` by default)."""
    given = spec.parameters.get("tables_dir")
    return resolve(given) if given else out_dir / f"{spec.name}-tables"


_KEPT: KeptKernel | None = None


def kept_kernel() -> KeptKernel:
    """Return this worker's kernel, kept warm between its reports, shut down at exit."""
    global _KEPT
    if _KEPT is None:
        import atexit

        _KEPT = KeptKernel()
        atexit.register(_KEPT.close)
    return _KEPT


def _run_one(spec: ReportSpec, out: str, warm: bool = True) -> ReportStatus:
    """Execute and export one report (runs in a worker process).

    With ``warm``, the worker's kept kernel runs it (reset first); else a new kernel.
    """
    out_dir = Path(out)
    start = time.perf_counter()
    params = dict(spec.parameters)
    if "tables_dir" in notebook_parameters(spec.notebook):
        params["tables_dir"] = str(tables_dir(spec, out_dir))
    try:
        for attempt in range(3):
            try:
                nb = execute(spec.notebook, out_dir / f"{spec.name}.ipynb", params,
                             kernel=kept_kernel() if warm else None)
                break
            except RuntimeError as exc:
                # parallel kernels can race for a TCP port ("Kernel died before replying");
                # starting the kernel again is safe: nothing was executed or written
                # (a kernel that died running the report is that report's failure: no retry)
                if "Kernel died before replying" not in str(exc) or attempt == 2:
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


def run_reports(config: str | os.PathLike[str] | None = None,
                out_dir: str | os.PathLike[str] | None = None, *, jobs: int | None = None,
                force: bool = False, progress: bool | None = None,
                run_date: str = "", quiet: bool = False,
                fresh_kernels: bool = False) -> list[ReportStatus]:
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
    run_date : str, optional
        ``YYYY-MM-DD`` given to reports that take a ``run_date`` and have none configured
        (default: today, UTC).
    quiet : bool
        Print nothing per report (errors are in the statuses).
    fresh_kernels : bool
        Start a new kernel for every report. By default each worker keeps one kernel
        and resets it between its reports (namespace, figures, settings), which makes
        many reports (``for_each_member``) several times faster with byte-identical
        output.

    Returns
    -------
    list of ReportStatus
        One per report, in configuration order.

    Raises
    ------
    DataError
        For a bad configuration (nothing is executed then).
    """
    day = run_date or today()
    specs = [with_run_date(s, day) for s in expand_members(load_config(config))]
    inputs = [resolve(v) for s in specs for v in input_paths(s.parameters).values()]
    out = check_output_dir(project_root() / "reports" if out_dir is None else out_dir, inputs)
    for s in specs:
        where = tables_dir(s, out).resolve()
        if where != out.resolve() and out.resolve() not in where.parents:
            raise DataError(f"report '{s.name}': tables_dir must lie inside the output folder "
                            f"{out}", path=where)
    out.mkdir(parents=True, exist_ok=True)
    state_path = out / ".state.json"
    state = read_state(state_path)
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
    bar = tqdm(total=len(todo), disable=not show, unit="report", file=sys.stderr)
    if todo:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                 initializer=die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            futures = {pool.submit(_run_one, s, str(out), not fresh_kernels): s for s in todo}
            for fut in as_completed(futures):
                st = fut.result()
                statuses[st.name] = st
                if st.status == "ok":
                    state[st.name] = prints[st.name]
                else:
                    state.pop(st.name, None)
                bar.update(1)
                if not show and not quiet:
                    print(f"[{len(statuses)}/{len(specs)}] {st.name}: {st.status}"
                          + (f" — {st.message}" if st.message else ""), file=sys.stderr)
    bar.close()
    ordered = [statuses[s.name] for s in specs]
    atomic_write(state_path, lambda t: t.write_text(json.dumps(state, indent=1, sort_keys=True),
                                                    encoding="utf-8"))
    write_index(out, ordered, [tables_dir(s, out) for s in specs])
    return ordered
