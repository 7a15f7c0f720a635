"""What both reports share: the notes, the glossary, "About this report", saved tables."""

from __future__ import annotations

import json
import os
import platform

import pandas as pd

from .. import summary
from .._version import __version__
from ..display import Table, Text, View
from ..paths import resolve
from ..store import atomic_write, read_manifest

EXPORT_HOWTO = ("request your LinkedIn data export (Settings → Data privacy → Get a copy of "
                "your data; choose the larger archive; it arrives by email within a day), then "
                "run ssi-analysis ingest on the zip.")

BAND_NOTE = ("* Bands 0–30, 31–50, 51–70 and 71+ are a rule of thumb used by LinkedIn trainers "
             "and the community, not LinkedIn's own scale; LinkedIn publishes only the score, "
             "the ranks and the peer averages.")

ASSOCIATION_NOTE = ("Association, not cause: these numbers say which activities went with "
                    "changes in a pillar in the past, not that the activity causes them. You "
                    "choose what you do and when, and LinkedIn does not publish its formula.")

GLOSSARY = (
    ("SSI", "Social Selling Index, 0–100: the sum of four pillars of 0–25 each, recomputed "
            "by LinkedIn daily."),
    ("Pillar", "One of the four parts of the SSI: establish your professional brand, find the "
               "right people, engage with insights, build relationships."),
    ("Rank (Top N%)", "Where you stand among your industry or your network; lower is better."),
    ("Snapshot", "One saved reading of your SSI page on one day."),
    ("Association", "Weeks with more of an activity went with bigger changes in a pillar; not "
                    "proof that one causes the other."),
    ("Range", "The values the estimate is compatible with (90% unless the report says "
              "otherwise: wider when many pairs are tested at once)."),
    ("Likely positive / negative", "The whole range lies above / below zero after allowing for "
                                   "the number of pairs tested."),
    ("Unclear", "The range includes both a gain and a loss worth noticing: the data cannot "
                "tell yet."),
    ("Negligible", "The whole range is too small to matter for a typical change in the "
                   "activity."),
    ("Shrunk", "Pulled toward zero in proportion to its uncertainty, because the largest of "
               "many noisy estimates tends to be too large; advice uses these."),
    ("Each week you do it", "A gain is per week in which you meet the target: two such weeks, "
                            "about twice the gain (unless it fades)."),
    ("Fades", "In your past data the lift disappeared again within a few weeks."),
    ("Same week and the next", "An activity's association counts the change in the week of "
                               "the activity and the week after, added up."),
)


def glossary_view() -> View:
    """Show the glossary as a two-column table."""
    return View().add(Table(pd.DataFrame(GLOSSARY, columns=["Term", "Meaning"])))


def about_view(processed_dir: str, parameters: dict) -> View:
    """"About this report": parameters in words, inputs, versions (no Python reprs)."""
    man = read_manifest(processed_dir)
    inputs = man.get("inputs", [])
    rows = [(k.replace("_", " "), _plain(v)) for k, v in parameters.items()]
    rows += [("time zone used at ingest", str(man.get("parameters", {}).get("tz", "unknown"))),
             ("input files", f"{len(inputs)} files, {sum(i['bytes'] for i in inputs):,} bytes"),
             ("ssi-analysis version", __version__),
             ("Python", platform.python_version())]
    return View().add(Table(pd.DataFrame(rows, columns=["Setting", "Value"])),
                      Text("The tables behind this report are saved as CSV files beside it "
                           "(with the q-values and the unrounded numbers).", kind="note"))


def _plain(v) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v is None or v == "":
        return "(default)"
    return str(v)


def save_tables(tables_dir: str, headline: dict | None = None, **tables) -> list[str]:
    """Write the report's CSV tables and ``headline.json`` (for the index page).

    Parameters
    ----------
    tables_dir : str
        Destination; empty means write nothing.
    headline : dict, optional
        From :func:`ssi_analysis.headline.headline_record`.
    **tables : pandas.DataFrame or None
        Name → table.

    Returns
    -------
    list of str
        File names written.
    """
    written = summary.save_tables(tables_dir, **tables)
    if tables_dir and headline is not None:
        path = resolve(tables_dir) / "headline.json"
        text = json.dumps(headline, indent=1, sort_keys=True)
        atomic_write(path, lambda t: t.write_text(text + "\n", encoding="utf-8"))
        written.append("headline.json")
    return written


def environment_note() -> str:
    """Say which kernel ran the report (for the "About" table's readers)."""
    return os.environ.get("SSI_KERNEL", "")
