"""``ssi-analysis init``: a project folder with everything a user needs.

A project holds ``ssi-analysis.toml`` (the marker commands look for, upward from the
current folder), ``data/raw`` (inputs, never written by the kit), ``data/processed``,
``reports/`` and ``notebooks/`` with editable copies of the shipped notebooks and a
``reports.yml``. Its ``.gitignore`` keeps data, reports and the pseudonym salt out of
version control.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .errors import DataError
from .paths import MARKER, RESOURCES
from .privacy import project_salt

SETTINGS = """# An ssi-analysis project: commands run in this folder or below it use its data/raw,
# data/processed, notebooks/reports.yml and reports/ (as git finds .git).
# Relative paths: in notebook parameters, relative to this folder; in a report
# configuration (notebooks/reports.yml), relative to the configuration's folder.
[project]
name = "{name}"
"""

GITIGNORE = """# raw exports, HAR files (they hold your session cookie), processed data and reports
data/
reports/
# the key of the team pseudonyms: back it up, never publish it
.ssi-analysis/
.ipynb_checkpoints/
"""

README = """# {name}

An ssi-analysis project.

1. Put what you have under `data/raw/`: SSI snapshots (a tracker's salesApiSsi JSON, HAR
   files saved on the SSI page, a CSV you keep), your LinkedIn data export (the zip), Sales
   Navigator usage reports. `ssi-analysis sample` writes a synthetic sample to try first.
2. `ssi-analysis ingest data/raw --tz Europe/Berlin` cleans them into `data/processed/`.
3. `ssi-analysis report` runs `notebooks/reports.yml` and writes `reports/index.html`.
4. `ssi-analysis status` says what has been collected and what comes next.

`data/` and `reports/` stay out of version control (`.gitignore`).
"""


def init_project(folder: str | os.PathLike[str], *, name: str = "") -> list[Path]:
    """Create a project in ``folder`` (created when missing); never overwrite a file.

    Parameters
    ----------
    folder : str or os.PathLike
        Where the project goes.
    name : str
        Its name (default: the folder's name).

    Returns
    -------
    list of pathlib.Path
        The files and folders created.

    Raises
    ------
    DataError
        When ``folder`` is a file or already a project.
    """
    root = Path(folder).expanduser().absolute()
    if root.exists() and not root.is_dir():
        raise DataError("is a file, not a folder for a project", path=root)
    if (root / MARKER).exists():
        raise DataError(f"is already a project ({MARKER} exists)", path=root)
    name = name or root.name
    made: list[Path] = []
    for sub in ("data/raw", "data/processed", "reports", "notebooks"):
        p = root / sub
        if not p.exists():
            p.mkdir(parents=True)
            made.append(p)
    files = {MARKER: SETTINGS.format(name=name), ".gitignore": GITIGNORE,
             "README.md": README.format(name=name)}
    for rel, text in files.items():
        p = root / rel
        if not p.exists():
            p.write_text(text, encoding="utf-8")
            made.append(p)
    shipped = [*sorted((RESOURCES / "notebooks").glob("*.ipynb")), RESOURCES / "reports.yml"]
    for src in shipped:
        p = root / "notebooks" / src.name
        if not p.exists():
            shutil.copyfile(src, p)
            made.append(p)
    project_salt(root)
    made.append(root / ".ssi-analysis" / "pseudonym-salt")
    return made
