"""Where things are: the project (found like git finds ``.git``) and the kit's resources.

A project is a folder with an ``ssi-analysis.toml`` marker (``ssi-analysis init DIR``
makes one; a clone of the kit's repository is one). Commands find it from the current
folder upward; ``--project DIR`` (or the ``SSI_PROJECT`` environment variable) overrides.
Notebook parameters are relative to the project; paths in a report configuration are
relative to the configuration's folder (:mod:`ssi_analysis.report.config`).
"""

from __future__ import annotations

import os
from pathlib import Path

MARKER = "ssi-analysis.toml"
"""The file that marks a project folder."""

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES = PACKAGE_DIR / "resources"
"""Files shipped with the kit: the notebooks, the default ``reports.yml``, templates."""

_DIRS = {"DATA_DIR": ("data",), "RAW_DIR": ("data", "raw"),
         "SAMPLE_DIR": ("data", "raw", "sample"), "PROCESSED_DIR": ("data", "processed"),
         "REPORTS_DIR": ("reports",), "NOTEBOOKS_DIR": ("notebooks",)}


def find_project(start: str | os.PathLike[str] | None = None) -> Path | None:
    """Return the nearest folder at or above ``start`` holding ``ssi-analysis.toml``.

    Parameters
    ----------
    start : str or os.PathLike, optional
        Where to start (default: the current folder).

    Returns
    -------
    pathlib.Path or None
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
    return None


def project_root() -> Path:
    """Return the project folder.

    ``SSI_PROJECT``, else the nearest marker above the current folder, else the kit's own
    clone (when it is one), else the current folder.

    Returns
    -------
    pathlib.Path
    """
    env = os.environ.get("SSI_PROJECT")
    if env:
        return Path(env).expanduser().resolve()
    found = find_project()
    if found is not None:
        return found
    clone = PACKAGE_DIR.parent
    if (clone / MARKER).is_file():
        return clone
    return Path.cwd().resolve()


def has_project() -> bool:
    """Tell whether a project was found (not merely the current folder as a fallback)."""
    return bool(os.environ.get("SSI_PROJECT")) or find_project() is not None or (
        (PACKAGE_DIR.parent / MARKER).is_file())


def resolve(path: str | os.PathLike[str]) -> Path:
    """Resolve a path given in a notebook parameter (relative to the project).

    Parameters
    ----------
    path : str or os.PathLike
        An absolute path, or a path relative to the project root (as notebook
        parameters are written).

    Returns
    -------
    pathlib.Path
        The absolute path.

    Examples
    --------
    >>> resolve("data/raw") == project_root() / "data" / "raw"
    True
    """
    p = Path(os.path.expanduser(os.fspath(path)))
    return p if p.is_absolute() else (project_root() / p)


def is_under_raw(path: str | os.PathLike[str]) -> bool:
    """Tell whether ``path`` lies inside ``data/raw`` (which the kit never writes).

    Parameters
    ----------
    path : str or os.PathLike
        Any path.

    Returns
    -------
    bool
        True when the resolved path is ``data/raw`` or below it.
    """
    p = resolve(path).resolve()
    raw = (project_root() / "data" / "raw").resolve()
    return p == raw or raw in p.parents


def check_output_dir(out: str | os.PathLike[str], inputs=(), *, option: str = "--out") -> Path:
    """Refuse an output folder before anything is created in it.

    Refused: an existing file or a path under a file, a folder inside ``data/raw`` (raw
    data are never written), a folder equal to or inside one of the ``inputs`` (or holding
    one of them), and a folder that cannot be created or written.

    Parameters
    ----------
    out : str or os.PathLike
        The output folder.
    inputs : iterable of str or os.PathLike
        The input files and folders of the same command.
    option : str
        How the user gave it (for the message).

    Returns
    -------
    pathlib.Path
        The output folder, resolved (not created).

    Raises
    ------
    DataError
        With one line saying why.
    """
    from .errors import DataError

    target = Path(os.path.expanduser(os.fspath(out))).absolute()
    for p in (target, *target.parents):
        if p.exists():
            if not p.is_dir():
                raise DataError(f"{option} must be a folder, but this is a file", path=p)
            if not os.access(p, os.W_OK | os.X_OK):
                raise DataError(f"{option}: cannot write here (permission denied)", path=p)
            break
    real = target.resolve()
    if is_under_raw(real):
        raise DataError(f"{option} is inside data/raw, which is never written", path=target)
    for raw in inputs:
        text = os.fspath(raw)
        if any(ch in text for ch in "*?["):
            continue
        src = Path(os.path.expanduser(text)).resolve()
        if real == src or src in real.parents:
            raise DataError(f"{option} is inside the input {src}; write elsewhere", path=target)
        if real in src.parents:
            raise DataError(f"{option} holds the input {src}; write elsewhere", path=target)
    return target


def __getattr__(name: str) -> Path:
    """``PROJECT_ROOT``, ``RAW_DIR``, ``PROCESSED_DIR`` …: folders of the current project."""
    if name == "PROJECT_ROOT":
        return project_root()
    if name in _DIRS:
        return project_root().joinpath(*_DIRS[name])
    raise AttributeError(name)
