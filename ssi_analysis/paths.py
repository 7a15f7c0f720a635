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
