"""``index.html``: every report with its status and link."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from ..store import atomic_write

if TYPE_CHECKING:  # pragma: no cover
    from .runner import ReportStatus

def write_index(out_dir: Path, statuses: list[ReportStatus]) -> Path:
    """Write ``index.html``: every report with its status and link.

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder.
    statuses : list of ReportStatus
        One per report.

    Returns
    -------
    pathlib.Path
        The index file.
    """
    rows = []
    for st in statuses:
        link = (f'<a href="{html.escape(st.name)}.html">{html.escape(st.title)}</a>'
                if (out_dir / f"{st.name}.html").exists() else html.escape(st.title))
        label = {"ok": "up to date", "skipped": "up to date (inputs unchanged)",
                 "failed": "FAILED"}[st.status]
        msg = f"<br><small>{html.escape(st.message)}</small>" if st.message else ""
        rows.append(f'<tr class="{st.status}"><td>{link}</td><td>{label}{msg}</td></tr>')
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SSI reports</title>
<style>body{{font-family:system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem}}
td{{padding:.35rem .8rem;border-bottom:1px solid #ddd;vertical-align:top}}
tr.failed td{{color:#a00}}</style></head>
<body><h1>SSI reports</h1>
<p>Reports produced by ssi-analysis. Each opens offline; the executed notebook and the tables
behind it sit beside it.</p>
<table>
{chr(10).join(rows)}
</table></body></html>
"""
    return atomic_write(out_dir / "index.html", lambda t: t.write_text(page, encoding="utf-8"))
