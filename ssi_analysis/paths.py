"""Project paths, anchored on the package (never on the working directory)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
SAMPLE_DIR = RAW_DIR / "sample"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJECT_ROOT / "reports"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def resolve(path: str | os.PathLike[str]) -> Path:
    """Resolve a path given in a notebook parameter or config file.

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
    >>> resolve("data/raw") == RAW_DIR
    True
    """
    p = Path(os.path.expanduser(os.fspath(path)))
    return p if p.is_absolute() else (PROJECT_ROOT / p)


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
    raw = RAW_DIR.resolve()
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
