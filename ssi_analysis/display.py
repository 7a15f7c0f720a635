"""Display helpers for notebooks: escaped HTML tables and paragraphs, nothing else.

Every cell and sentence is HTML-escaped: text from the user's data (notes, file names,
industry names) is shown, never executed.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML


def html_table(df: pd.DataFrame, *, caption: str = "") -> str:
    """Render a table as escaped, deterministic HTML (no random ids, no scripts).

    Parameters
    ----------
    df : pandas.DataFrame
        The table; every cell is HTML-escaped.
    caption : str
        Optional caption (escaped).

    Returns
    -------
    str
        An HTML ``<table>``.
    """
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row)
        + "</tr>" for row in df.itertuples(index=False))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="ssi-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def show(df: pd.DataFrame, caption: str = "", empty: str = ""):
    """Display a table in a notebook as escaped HTML.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    caption : str
        Optional caption.
    empty : str
        Sentence shown instead of an empty table.

    Returns
    -------
    IPython.display.HTML
    """
    if df.empty and empty:
        return HTML(f'<p class="ssi-note">{html.escape(empty)}</p>')
    return HTML(html_table(df, caption=caption))


def paragraphs(lines: list[str] | str):
    """Display sentences as escaped HTML paragraphs.

    Parameters
    ----------
    lines : list of str or str
        Sentences (escaped before display).

    Returns
    -------
    IPython.display.HTML
    """
    if isinstance(lines, str):
        lines = [lines]
    return HTML("".join(f"<p>{html.escape(s)}</p>" for s in lines if s))
