"""``index.html``: every report with its headline numbers, a sparkline and its status."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..store import atomic_write

if TYPE_CHECKING:  # pragma: no cover
    from .runner import ReportStatus

_LABELS = {"ok": "up to date", "skipped": "up to date (inputs unchanged)", "failed": "FAILED"}


def read_headline(folder: Path | None) -> dict:
    """Read the ``headline.json`` a report wrote (empty when there is none or it is bad)."""
    if folder is None:
        return {}
    try:
        data = json.loads((folder / "headline.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _cells(head: dict) -> tuple[str, str, str]:
    """Headline, sparkline and dates cells of one row (numbers only, escaped text)."""
    if not head:
        return "", "", ""
    who = f" (median of {head['team_members']} members)" if head.get("team_members") else ""
    change = head.get("change")
    moved = "" if not isinstance(change, int | float) else \
        f"; {change:+.1f} in {head.get('change_span', '')}"
    weak = f"<br><small>weakest pillar: {html.escape(str(head.get('weakest', '')))}</small>"
    numbers = (f"<b>SSI {float(head['ssi']):.0f}</b>{html.escape(who)} — "
               f"{html.escape(str(head.get('band', '')))}{html.escape(moved)}{weak}")
    stale = ' <b class="stale">stale</b>' if head.get("stale") else ""
    dates = (f"run {html.escape(str(head.get('run_date', '')))}<br>data to "
             f"{html.escape(str(head.get('data_as_of', '')))}{stale}")
    spark = sparkline_svg([float(v) for v in head.get("spark", []) if isinstance(v, int | float)])
    return numbers, spark, dates


def write_index(out_dir: Path, statuses: list[ReportStatus],
                tables: list[Path] | None = None) -> Path:
    """Write ``index.html``: every report with its headline, sparkline, status and dates.

    Parameters
    ----------
    out_dir : pathlib.Path
        The reports folder.
    statuses : list of ReportStatus
        One per report.
    tables : list of pathlib.Path, optional
        Each report's tables folder (where its ``headline.json`` is), in the same order.

    Returns
    -------
    pathlib.Path
        The index file.
    """
    rows = []
    for i, st in enumerate(statuses):
        link = (f'<a href="{html.escape(st.name)}.html">{html.escape(st.title)}</a>'
                if (out_dir / f"{st.name}.html").exists() else html.escape(st.title))
        msg = f"<br><small>{html.escape(st.message)}</small>" if st.message else ""
        numbers, spark, dates = _cells(read_headline(tables[i] if tables else None))
        rows.append(f'<tr class="{st.status}"><td>{link}<br>{numbers}</td><td>{spark}</td>'
                    f"<td>{_LABELS[st.status]}{msg}</td><td>{dates}</td></tr>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SSI reports</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem}}
.wrap{{overflow-x:auto}} table{{border-collapse:collapse}}
th{{text-align:left;border-bottom:2px solid #ccc;padding:.35rem .8rem}}
td{{padding:.45rem .8rem;border-bottom:1px solid #ddd;vertical-align:top}}
tr.failed td{{color:#a00}} .stale{{color:#a00}}</style></head>
<body><h1>SSI reports</h1>
<p>Reports produced by ssi-analysis. Each opens offline; the executed notebook and the tables
behind it sit beside it.</p>
<div class="wrap"><table>
<thead><tr><th>Report</th><th>Recent weeks</th><th>Status</th><th>Dates</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></div></body></html>
"""
    return atomic_write(out_dir / "index.html", lambda t: t.write_text(page, encoding="utf-8"))


def sparkline_svg(values, *, width: int = 120, height: int = 28) -> str:
    """Draw a tiny inline SVG line of ``values`` (for the index page); empty for < 2 values.

    Parameters
    ----------
    values : sequence of float
        The series, oldest first (NaN skipped).
    width, height : int
        Size in pixels.

    Returns
    -------
    str
        ``<svg>`` markup (numbers only: nothing from the user's data).
    """
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], float)
    if len(v) < 2:
        return ""
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo or 1.0
    xs = np.linspace(1, width - 1, len(v))
    ys = height - 2 - (v - lo) / span * (height - 4)
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    return (f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} '
            f'{height}" role="img" aria-label="trend from {v[0]:.0f} to {v[-1]:.0f}">'
            f'<polyline fill="none" stroke="#333" stroke-width="1.5" points="{pts}"/></svg>')
