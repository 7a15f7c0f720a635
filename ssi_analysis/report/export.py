"""Exporting an executed notebook as a self-contained HTML page for readers."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
_HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}


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
