"""Report configuration: ``reports.yml`` read and checked before any kernel starts."""

from __future__ import annotations

import ast
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import nbformat
import yaml

from ..errors import DataError
from ..paths import project_root, resolve
from ..privacy import project_salt, pseudonym
from ..store import PROCESSED_FILES, read_parquet

_REPORT_KEYS = {"name", "notebook", "title", "parameters", "for_each_member", "member_names"}


_DATE_PARAMS = ("start", "end", "as_of", "run_date", "target_date")


PATH_SUFFIXES = ("_dir", "_file", "_path")


def default_config() -> Path:
    """Return the project's report configuration, ``notebooks/reports.yml``."""
    return project_root() / "notebooks" / "reports.yml"


def place(value, folder: Path):
    """Resolve a relative path written in a configuration in ``folder``.

    The rule: a relative ``notebook`` or path parameter (``*_dir``, ``*_file``, ``*_path``,
    ``tables_dir``) names a path beside the configuration; when nothing is there but the
    path exists in the project, the project's is used (configurations written for the
    kit's earlier, project-relative rule keep working). Absolute paths stay as they are.
    """
    if not isinstance(value, str) or not value or os.path.isabs(os.path.expanduser(value)):
        return value
    beside = (folder / os.path.expanduser(value)).resolve()
    if beside.exists() or not resolve(value).exists():
        return str(beside)
    return str(resolve(value))


def input_paths(params: dict) -> dict[str, str]:
    """Return the parameters that name an input path (``*_dir``, ``*_file``, ``*_path``).

    ``tables_dir`` is an output, not an input; empty values name nothing.

    Parameters
    ----------
    params : dict
        A report's parameters.

    Returns
    -------
    dict of str to str
    """
    return {k: v for k, v in params.items() if k.endswith(PATH_SUFFIXES) and isinstance(v, str)
            and v and k != "tables_dir"}


@dataclass(frozen=True)
class ReportSpec:
    """One report to produce: a notebook, its parameters and the output name."""

    name: str
    notebook: Path
    title: str
    parameters: dict = field(default_factory=dict)
    for_each_member: bool = False
    member_names: str = "pseudonyms"


def _check_entry(entry, i: int, p: Path, check_paths: bool) -> ReportSpec:
    """Check one ``reports:`` entry and return its spec (raises DataError naming it)."""
    where = f"reports[{i}]"
    if not isinstance(entry, dict):
        raise DataError("each report must be a mapping", path=p, column=where)
    unknown = set(entry) - _REPORT_KEYS
    if unknown:
        raise DataError(f"unknown keys {sorted(unknown)} (expected {sorted(_REPORT_KEYS)})",
                        path=p, column=where)
    for key, typ in (("name", str), ("notebook", str), ("title", str), ("parameters", dict),
                     ("for_each_member", bool), ("member_names", str)):
        if key in entry and not isinstance(entry[key], typ):
            raise DataError(f"'{key}' must be a {typ.__name__}", path=p, column=where)
    if "name" not in entry or "notebook" not in entry:
        raise DataError("each report needs 'name' and 'notebook'", path=p, column=where)
    if not re.fullmatch(r"[A-Za-z0-9_\-]+(\{member_id\})?[A-Za-z0-9_\-]*", entry["name"]):
        raise DataError(f"name {entry['name']!r} must use letters, digits, - and _ only",
                        path=p, column=where)
    nb = Path(place(entry["notebook"], p.parent))
    if not nb.exists():
        raise DataError(f"notebook {entry['notebook']!r} does not exist (looked for {nb}; "
                        "paths in a configuration are relative to its folder)", path=p,
                        column=where)
    # YAML reads an unquoted 2026-11-01 as a date: the notebooks take dates as text
    params = {k: (v.isoformat() if isinstance(v, dt.date) else v)
              for k, v in (entry.get("parameters") or {}).items()}
    declared = notebook_parameters(nb)
    _check_parameters(params, declared, nb, p, where)
    where = f"report '{entry['name']}'"
    params = {k: place(v, p.parent) if k.endswith(PATH_SUFFIXES) else v
              for k, v in params.items()}
    _check_values(params, p, where, check_paths)
    each = bool(entry.get("for_each_member", False))
    if each and "member_id" not in declared:
        raise DataError(f"{where}: for_each_member needs a notebook with a member_id "
                        "parameter", path=p)
    names = entry.get("member_names", "pseudonyms")
    if names not in ("pseudonyms", "ids"):
        raise DataError(f"{where}: member_names must be 'pseudonyms' or 'ids', got {names!r}",
                        path=p)
    return ReportSpec(entry["name"], nb, entry.get("title", entry["name"]), params, each, names)


def _check_parameters(params: dict, declared: dict, nb: Path, p: Path, where: str) -> None:
    """Every parameter is declared by the notebook and has its type."""
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


def _check_values(params: dict, p: Path, where: str, check_paths: bool) -> None:
    """Dates are dates; path parameters exist (when ``check_paths``)."""
    for k, v in params.items():
        if k in _DATE_PARAMS and v != "":
            try:
                dt.date.fromisoformat(str(v))
            except ValueError:
                raise DataError(f"{where}: parameter '{k}' must be a date YYYY-MM-DD or "
                                f"empty, got {v!r}", path=p) from None
        if k == "tz" and isinstance(v, str):
            try:
                ZoneInfo(v)
            except (ValueError, ZoneInfoNotFoundError):
                raise DataError(f"{where}: parameter 'tz': unknown time zone {v!r} (use a "
                                "name like 'Europe/Berlin' or 'UTC')", path=p) from None
        if check_paths and k in input_paths(params):
            if not resolve(v).exists():
                raise DataError(f"{where}: parameter '{k}': {v} does not exist"
                                + (" (run `ssi-analysis ingest` first)"
                                   if k == "processed_dir" else ""), path=p)


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
    p = default_config() if path is None else Path(path).absolute()
    if not p.is_file():
        raise DataError("report configuration not found" + (
            " (run `ssi-analysis init DIR` to make a project with one)" if path is None else ""),
            path=p)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise DataError(f"is not valid YAML: {exc.problem}", path=p,
                        row=mark.line + 1 if mark else None,
                        column=str(mark.column + 1) if mark else None) from None
    except ValueError as exc:               # e.g. an unquoted date that does not exist
        raise DataError(f"is not valid YAML: {exc} (a date must exist: YYYY-MM-DD)",
                        path=p) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError(f"is not valid YAML ({type(exc).__name__})", path=p) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("reports"), list) or not doc["reports"]:
        raise DataError("expected a 'reports:' list with at least one report", path=p)
    unknown_top = set(doc) - {"reports"}
    if unknown_top:
        raise DataError(f"unknown keys {sorted(unknown_top)} (expected only 'reports')", path=p)
    specs = [_check_entry(entry, i, p, check_paths)
             for i, entry in enumerate(doc["reports"], start=1)]
    names = [s.name for s in specs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise DataError(f"report names must be unique; repeated: {dup}", path=p)
    return specs


def expand_members(specs: list[ReportSpec]) -> list[ReportSpec]:
    """Expand ``for_each_member`` entries into one report per member of the processed data.

    Members are named by the project's pseudonyms (``Member 3F9A2C``) in the report's name,
    title and ``member_id`` parameter, so that no seat id reaches the reports folder; the
    notebook finds the member by the pseudonym. ``member_names: ids`` uses the ids instead.

    Parameters
    ----------
    specs : list of ReportSpec
        From :func:`load_config`.

    Returns
    -------
    list of ReportSpec
        ``{member_id}`` in names and titles replaced.
    """
    out = []
    for spec in specs:
        if not spec.for_each_member:
            out.append(spec)
            continue
        folder = resolve(spec.parameters.get("processed_dir", "data/processed"))
        snaps = read_parquet(folder / PROCESSED_FILES["snapshots"])
        salt = project_salt() if spec.member_names == "pseudonyms" else ""
        for m in sorted(snaps["member_id"].astype(str).unique()):
            shown = pseudonym(m, salt) if salt else m
            name = (spec.name.replace("{member_id}", shown) if "{member_id}" in spec.name
                    else f"{spec.name}-{shown}")
            out.append(ReportSpec(re.sub(r"[^A-Za-z0-9_\-]", "_", name),
                                  spec.notebook, spec.title.replace("{member_id}", shown),
                                  {**spec.parameters, "member_id": shown}))
    return out


def read_notebook(notebook: str | os.PathLike[str]) -> nbformat.NotebookNode:
    """Read a notebook file, or raise one line saying why it is not one.

    Raises
    ------
    DataError
        For a folder, an unreadable file, text that is not a notebook, or no cells.
    """
    p = resolve(notebook)
    if not p.is_file():
        raise DataError("is not a notebook file", path=p)
    try:
        nb = nbformat.read(p, as_version=4)
    except Exception:  # nbformat raises many types (JSON, schema, version) for non-notebooks
        raise DataError("is not a Jupyter notebook (.ipynb JSON)", path=p) from None
    if not isinstance(nb.get("cells"), list) or not nb.cells:
        raise DataError("is a notebook without cells", path=p)
    return nb


_NO_DEFAULT = object()


def _declared(notebook: str | os.PathLike[str]) -> dict[str, object]:
    """Parse the one ``parameters`` cell: name → literal default (``_NO_DEFAULT`` if none)."""
    nb = read_notebook(notebook)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise DataError(f"needs exactly one cell tagged 'parameters', found {len(cells)}",
                        path=notebook)
    out: dict[str, object] = {}
    for node in ast.parse(cells[0].source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out[node.target.id] = (ast.literal_eval(node.value) if node.value is not None
                                   else _NO_DEFAULT)
        elif isinstance(node, ast.Assign):
            value = ast.literal_eval(node.value)
            out.update({t.id: value for t in node.targets if isinstance(t, ast.Name)})
    return out


def notebook_defaults(notebook: str | os.PathLike[str]) -> dict:
    """Return the default values declared in a notebook's ``parameters`` cell.

    Parameters
    ----------
    notebook : str or os.PathLike
        The notebook.

    Returns
    -------
    dict
        Parameter name → literal default (names declared without a value are left out).
    """
    return {k: v for k, v in _declared(notebook).items() if v is not _NO_DEFAULT}


def notebook_parameters(notebook: str | os.PathLike[str]) -> dict[str, type | None]:
    """Return the names and literal types declared in a notebook's ``parameters`` cell.

    Parameters
    ----------
    notebook : str or os.PathLike
        The notebook.

    Returns
    -------
    dict of str to type or None
        Parameter name → type of its default value (None when it has none, or it is None).

    Raises
    ------
    DataError
        When the notebook has no cell tagged ``parameters``, or several.
    """
    return {k: None if v is _NO_DEFAULT or v is None else type(v)
            for k, v in _declared(notebook).items()}
