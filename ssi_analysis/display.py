"""Display helpers for notebooks: escaped HTML tables, paragraphs, figures, boxes and views.

Every cell and sentence is HTML-escaped: text from the user's data (notes, file names,
industry names) is shown, never executed. Figures are embedded as PNG with alt text that
says what they show; wide tables scroll in their own box on a phone.

A report section is a :class:`View`: a list of parts (:class:`Text`, :class:`Box`,
:class:`Table`, :class:`Chart`) that a notebook cell shows by ending with it. Tests read
the parts (and the figures in them) before anything is rendered.
"""

from __future__ import annotations

import base64
import html
import io
import os
import warnings
from dataclasses import dataclass, field

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
        An HTML ``<table>`` inside a box that scrolls sideways on a narrow screen.
    """
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row)
        + "</tr>" for row in df.itertuples(index=False))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<div class="ssi-scroll"><table class="ssi-table">{cap}<thead><tr>{head}</tr>'
            f"</thead><tbody>{body}</tbody></table></div>")


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
    if df.empty:
        return HTML(f'<p class="ssi-note">{html.escape(empty)}</p>' if empty else "")
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
    return HTML(Text(lines).html())


def figure_has_data(fig) -> list[str]:
    """Return the titles (or numbers) of a figure's axes that have nothing drawn in them.

    An axes counts as drawn when it holds a line with a finite point, a bar or patch of
    non-zero size, a filled area, scatter points or an image with a finite value.
    Colour bars are skipped.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.

    Returns
    -------
    list of str
        Empty when every axes shows data.
    """
    import numpy as np

    empty = []
    for i, ax in enumerate(fig.axes):
        if ax.get_label() == "<colorbar>" or not ax.get_visible():
            continue
        drawn = any(np.isfinite(np.asarray(ln.get_xydata(), float)).all(axis=1).any()
                    for ln in ax.lines if len(ln.get_xydata()))
        drawn |= any(p.get_width() * p.get_height() != 0 for p in ax.patches
                     if hasattr(p, "get_width"))
        drawn |= any(len(c.get_offsets()) or len(c.get_paths()) for c in ax.collections)
        drawn |= any(np.isfinite(np.asarray(im.get_array(), float)).any() for im in ax.images)
        if not drawn:
            empty.append(ax.get_title() or f"panel {i + 1}")
    return empty


def figure_html(fig, alt: str, *, caption: str = "") -> str:
    """Embed a figure as a PNG with alt text (and an optional caption).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (a pyplot figure is closed afterwards).
    alt : str
        What the chart shows, for screen readers and when images are off (escaped).
    caption : str
        Text under the chart (escaped).

    Returns
    -------
    str
        ``<figure class="ssi-figure">`` with the image inline (deterministic bytes).
    """
    _freeze_date_ticks(fig)
    png = _png(fig)
    import matplotlib.pyplot as plt

    if fig in map(plt.figure, plt.get_fignums()):
        plt.close(fig)
    data = base64.b64encode(png).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (f'<figure class="ssi-figure"><img alt="{html.escape(alt, quote=True)}" '
            f'src="data:image/png;base64,{data}">{cap}</figure>')


DPI = 100
"""Pixels per inch of every embedded figure."""


def _png(fig) -> bytes:
    """Return the figure as PNG bytes (deterministic: no text chunks, fixed compression).

    A figure with a layout engine (every kit figure: constrained layout) is drawn once on
    an Agg canvas and its pixels written by Pillow. ``Figure.savefig`` would draw it twice
    (a dry run for the layout, then the image); the pixels are the same. Opaque images
    are stored as RGB (a quarter less to compress and embed); others keep their alpha.
    A figure without a layout engine goes through ``savefig`` with a tight bounding box.
    """
    buf = io.BytesIO()
    if not fig.get_layout_engine():
        fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight",
                    metadata={"Software": None})
        return buf.getvalue()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig.set_dpi(DPI)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(),
                             "raw", "RGBA", 0, 1)
    if image.getextrema()[3] == (255, 255):
        image = image.convert("RGB")
    # zlib level 3: as small as the default level 6 here (flat colours), a third faster
    image.save(buf, format="png", compress_level=3, dpi=(DPI, DPI))
    return buf.getvalue()


def _freeze_date_ticks(fig) -> None:
    """Fix automatic date ticks where they are before drawing (the same ticks, found once).

    The layout pass and the drawing ask a date axis for its ticks over a thousand times
    per report; the dates chosen depend on the data limits only, which are final here.
    """
    import matplotlib.dates as mdates
    from matplotlib.ticker import FixedLocator

    for ax in fig.axes:
        if isinstance(ax.xaxis.get_major_locator(), mdates.AutoDateLocator):
            ax.xaxis.set_major_locator(FixedLocator(ax.xaxis.get_majorticklocs()))


def figure(fig, alt: str, caption: str = "", missing: str = ""):
    """Display a figure with alt text in a notebook (see :func:`figure_html`).

    ``fig=None`` shows the ``missing`` sentence instead (a section without data says so in
    words, never with an empty chart).
    """
    return HTML(Chart(fig, alt, caption, missing).html())


def box(lines: list[str] | str, kind: str = "info"):
    """Display sentences in a highlighted box (``kind``: "info", "alert" or "next").

    Parameters
    ----------
    lines : list of str or str
        Sentences (escaped); an empty list shows nothing.
    kind : str
        The box's look.

    Returns
    -------
    IPython.display.HTML
    """
    return HTML(Box(lines, kind=kind).html())


class _Part:
    """Shown by a notebook cell that ends with it; a stable repr (no memory address)."""

    def html(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _lines(lines: list[str] | str | None) -> list[str]:
    if lines is None:
        return []
    return [x for x in ([lines] if isinstance(lines, str) else lines) if x]


@dataclass(repr=False)
class Text(_Part):
    """Sentences shown as paragraphs (``kind="note"`` for the small grey ones)."""

    lines: list[str] | str
    kind: str = ""

    def html(self) -> str:
        """Return the escaped paragraphs."""
        cls = f' class="ssi-{html.escape(self.kind)}"' if self.kind else ""
        return "".join(f"<p{cls}>{html.escape(s)}</p>" for s in _lines(self.lines))


@dataclass(repr=False)
class Box(_Part):
    """Sentences in a highlighted box; an optional bold heading."""

    lines: list[str] | str
    kind: str = "info"
    heading: str = ""

    def html(self) -> str:
        """Return the box (nothing when there are no sentences)."""
        lines = _lines(self.lines)
        if not lines:
            return ""
        items = "".join(f"<li>{html.escape(x)}</li>" for x in lines)
        head = f"<strong>{html.escape(self.heading)}</strong>" if self.heading else ""
        return f'<div class="ssi-box ssi-{html.escape(self.kind)}">{head}<ul>{items}</ul></div>'


@dataclass(repr=False)
class Table(_Part):
    """A table with its caption; an empty table shows ``empty`` (or nothing)."""

    df: pd.DataFrame
    caption: str = ""
    empty: str = ""

    def html(self) -> str:
        """Return the escaped table, or the sentence that replaces an empty one."""
        if self.df is None or self.df.empty:
            return Text(self.empty, kind="note").html()
        return html_table(self.df, caption=self.caption)


@dataclass(repr=False)
class Chart(_Part):
    """A figure with alt text and caption; ``fig=None`` shows the ``missing`` sentence.

    A figure with an empty panel is a bug in the kit: with ``SSI_STRICT_CHARTS=1`` (the
    test suite) it raises, otherwise the empty panels are removed and a warning says so.
    """

    fig: object
    alt: str = ""
    caption: str = ""
    missing: str = ""

    def html(self) -> str:
        """Return the embedded PNG, or the sentence when there is nothing to draw."""
        if self.fig is None:
            return Text(self.missing, kind="note").html()
        empty = figure_has_data(self.fig)
        if empty:
            if os.environ.get("SSI_STRICT_CHARTS"):
                raise AssertionError(f"chart with nothing drawn in: {empty}")
            warnings.warn(f"left out empty chart panels: {empty}", stacklevel=2)
            for ax in list(self.fig.axes):
                if (ax.get_title() or "") in empty:
                    self.fig.delaxes(ax)
            if not self.fig.axes:
                return Text(self.missing, kind="note").html()
        return figure_html(self.fig, self.alt, caption=self.caption)


@dataclass(repr=False)
class View:
    """One report section: parts shown in order when a notebook cell ends with it."""

    parts: list = field(default_factory=list)

    def add(self, *parts) -> View:
        """Append parts (``None`` is skipped, a view's parts are taken over); return the view."""
        for p in parts:
            if isinstance(p, View):
                self.parts.extend(p.parts)
            elif p is not None:
                self.parts.append(p)
        return self

    @property
    def charts(self) -> list[Chart]:
        """The charts of the section (for tests: their figures before rendering)."""
        return [p for p in self.parts if isinstance(p, Chart)]

    @property
    def tables(self) -> list[Table]:
        """The tables of the section."""
        return [p for p in self.parts if isinstance(p, Table)]

    def text(self) -> str:
        """Every sentence of the section, joined (for tests and logs)."""
        out = []
        for p in self.parts:
            if isinstance(p, Text | Box):
                out += _lines(p.lines)
            elif isinstance(p, Table) and (p.df is None or p.df.empty):
                out += _lines(p.empty)
            elif isinstance(p, Chart) and p.fig is None:
                out += _lines(p.missing)
        return " ".join(out)

    def html(self) -> str:
        """Return the section's HTML."""
        return "".join(p.html() for p in self.parts)

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:           # stable: no memory addresses in saved notebooks
        return f"View({len(self.parts)} parts)"
