"""Report building blocks: read processed data, summarise it, render escaped tables.

Notebooks call these in one or two lines per section; all of them are pure except
:func:`load_processed`, which only reads.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import DataError, InsufficientDataError
from .io import activity_coverage, read_parquet
from .model import estimate_effects
from .paths import resolve
from .schema import ACTIVITY_LABELS, PILLAR_LABELS, PILLARS, ssi_band

PROCESSED_FILES = {
    "snapshots": "snapshots.parquet",
    "log": "cleaning_log.parquet",
    "gaps": "gaps.parquet",
    "activity": "activity.parquet",
    "coverage": "activity_coverage.parquet",
    "ingest_log": "ingest_log.parquet",
    "hours": "activity_hours.parquet",
}


@dataclass(frozen=True)
class Processed:
    """The processed tables of one member (or team), filtered to a date range."""

    snapshots: pd.DataFrame
    log: pd.DataFrame
    gaps: pd.DataFrame
    activity: pd.DataFrame
    coverage: pd.DataFrame
    ingest_log: pd.DataFrame
    hours: pd.DataFrame


def load_processed(processed_dir: str | os.PathLike[str] = "data/processed", *,
                   member_id: str | None = None, start: str = "", end: str = "") -> Processed:
    """Read what ``ssi-analysis ingest`` wrote, for one member and a date range.

    Parameters
    ----------
    processed_dir : str or os.PathLike
        Folder with the Parquet files (relative paths are relative to the project root).
    member_id : str, optional
        Keep only this member (default: all).
    start, end : str
        Inclusive date range ``YYYY-MM-DD``; empty means unbounded.

    Returns
    -------
    Processed
        Snapshots, cleaning log, gaps, activity and coverage.

    Raises
    ------
    DataError
        When a file is missing or the member has no snapshots.
    """
    folder = resolve(processed_dir)
    t = {k: read_parquet(folder / f) for k, f in PROCESSED_FILES.items()}
    lo = pd.Timestamp(start) if start else pd.Timestamp.min
    hi = pd.Timestamp(end) if end else pd.Timestamp.max
    for k, col in (("snapshots", "date"), ("log", "date"), ("activity", "date")):
        df = t[k]
        keep = df[col].between(lo, hi) | df[col].isna()
        if member_id is not None:
            keep &= df["member_id"] == member_id
        t[k] = df[keep].reset_index(drop=True)
    if member_id is not None:
        for k in ("gaps", "coverage", "hours"):
            t[k] = t[k][t[k]["member_id"] == member_id].reset_index(drop=True)
    if t["snapshots"].empty:
        raise DataError(f"no snapshots for member {member_id!r} between {start or 'the start'} "
                        f"and {end or 'the end'}", path=folder / PROCESSED_FILES["snapshots"])
    cov = t["coverage"].copy()
    cov["start"] = cov["start"].clip(lower=lo)
    cov["end"] = cov["end"].clip(upper=hi)
    return Processed(t["snapshots"], t["log"], t["gaps"], t["activity"],
                     cov.reset_index(drop=True), t["ingest_log"], t["hours"])


def _manifest(processed_dir: str | os.PathLike[str]) -> dict:
    """Return the ``manifest.json`` that ingest wrote (empty when there is none)."""
    import json

    path = resolve(processed_dir) / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def standing(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Summarise the latest snapshot: score, band, pillars, ranks and peer averages.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.

    Returns
    -------
    pandas.DataFrame
        Rows ``What`` / ``Value`` / ``Compared with`` ready to show.
    """
    last = snapshots.sort_values("date").iloc[-1]
    week_ago = snapshots[snapshots["date"] <= last["date"] - pd.Timedelta(days=7)]
    prev = week_ago.iloc[-1] if len(week_ago) else None

    def change(col):
        if prev is None or pd.isna(prev[col]):
            return ""
        d = last[col] - prev[col]
        return f"{d:+.2f} since {prev['date']:%d %b}"

    rows = [("Social Selling Index", f"{round(last['ssi'])} of 100 ({ssi_band(last['ssi'])})",
             change("ssi"))]
    for p in PILLARS:
        rows.append((PILLAR_LABELS[p], f"{last[p]:.2f} of 25", change(p)))
    for col, name in (("industry_rank", "Industry rank"), ("network_rank", "Network rank")):
        if pd.notna(last[col]):
            rows.append((name, f"Top {last[col]:.0f}%", "lower is better"))
    for col, name in (("industry_ssi", "Industry peers' average SSI"),
                      ("network_ssi", "Network peers' average SSI")):
        if pd.notna(last[col]):
            rows.append((name, f"{last[col]:.0f}", f"you: {last['ssi'] - last[col]:+.0f} points"))
    rows.append(("Latest snapshot", f"{last['date']:%d %b %Y}", ""))
    return pd.DataFrame(rows, columns=["What", "Value", "Compared with"])


def weekly_activity(activity: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Count each activity per calendar week; weeks outside coverage are NaN.

    Parameters
    ----------
    activity : pandas.DataFrame
        Long activity counts.
    coverage : pandas.DataFrame
        Tracked dates per activity (``activity_coverage``).

    Returns
    -------
    pandas.DataFrame
        Index = week start (Monday), one column per activity.
    """
    if coverage.empty:
        return pd.DataFrame()
    start, end = coverage["start"].min(), coverage["end"].max()
    weeks = pd.date_range(start - pd.Timedelta(days=start.day_of_week), end, freq="7D")
    wk = activity.assign(week=activity["date"] - pd.to_timedelta(activity["date"].dt.day_of_week,
                                                                 unit="D"))
    table = wk.pivot_table(index="week", columns="activity", values="count", aggfunc="sum")
    table = table.reindex(weeks).fillna(0.0)
    order = [a for a in ACTIVITY_LABELS if a in set(coverage["activity"])]
    table = table.reindex(columns=order).fillna(0.0)
    for r in coverage.itertuples():
        outside = (table.index + pd.Timedelta(days=6) < r.start) | (table.index > r.end)
        table.loc[outside, r.activity] = np.nan
    return table


BREAK_RULES = ("level_shift", "formula_change")


def breaks(log: pd.DataFrame) -> pd.DataFrame:
    """Return the breaks in the series found by the cleaner (level shifts, formula changes).

    Parameters
    ----------
    log : pandas.DataFrame
        The cleaning log.

    Returns
    -------
    pandas.DataFrame
        ``member_id, date, rule, detail``.
    """
    return log.loc[log["rule"].isin(BREAK_RULES), ["member_id", "date", "rule", "detail"]
                   ].reset_index(drop=True)


def chart_marks(log: pd.DataFrame, *, max_label: int = 32) -> pd.DataFrame:
    """Dates to mark on history charts: breaks, peer-group changes and the user's notes.

    Parameters
    ----------
    log : pandas.DataFrame
        The cleaning log.
    max_label : int
        Labels are cut to this many characters.

    Returns
    -------
    pandas.DataFrame
        ``date, label`` (labels are plain text, safe for matplotlib).
    """
    rules = {"level_shift": "level shift", "formula_change": "formula change?",
             "peer_group_change": "industry changed"}
    keep = log[log["rule"].isin([*rules, "annotation"])]
    labels = [(d if r == "annotation" else rules[r]) for r, d in
              zip(keep["rule"], keep["detail"], strict=True)]
    labels = [lab if len(lab) <= max_label else lab[: max_label - 1] + "…" for lab in labels]
    out = pd.DataFrame({"date": keep["date"].to_numpy(),
                        "label": [lab.replace("$", r"\$") for lab in labels]})
    out = out.sort_values(["date", "label"], kind="stable").drop_duplicates()
    cut = max_label + 16
    # marks within a week of each other share one line and one label
    group = (out["date"].diff().dt.days.fillna(99) > 7).cumsum()
    return out.groupby(group.to_numpy()).agg(
        date=("date", "first"), label=("label", lambda s: " · ".join(dict.fromkeys(s)))
    ).reset_index(drop=True).assign(
        label=lambda d: [x if len(x) <= cut else x[: cut - 1] + "…" for x in d["label"]])


def findings_table(log: pd.DataFrame, *, limit: int = 25) -> pd.DataFrame:
    """List what the cleaner dropped, corrected or flagged, newest first.

    Duplicates and gaps are summarised elsewhere.

    Parameters
    ----------
    log : pandas.DataFrame
        The cleaning log.
    limit : int
        Most rows shown.

    Returns
    -------
    pandas.DataFrame
        ``Date, What, Action, Detail, File``.
    """
    keep = log[~log["rule"].isin(["duplicate", "gap"])].sort_values("date", ascending=False)
    keep = keep.head(limit)
    return pd.DataFrame({
        "Date": keep["date"].dt.strftime("%d %b %Y"),
        "What": keep["rule"].str.replace("_", " "),
        "Action": keep["action"],
        "Detail": keep["detail"],
        "File": keep["source"].str.replace(r" \[.*\]$", "", regex=True),
    }).reset_index(drop=True)


def gaps_table(gaps: pd.DataFrame, *, limit: int = 10) -> pd.DataFrame:
    """Return the longest gaps in the snapshot history.

    Parameters
    ----------
    gaps : pandas.DataFrame
        The gap list from the cleaner.
    limit : int
        Most rows shown.

    Returns
    -------
    pandas.DataFrame
        ``From, To, Days without a snapshot``.
    """
    g = gaps.sort_values(["days", "start"], ascending=[False, True]).head(limit)
    return pd.DataFrame({"From": g["start"].dt.strftime("%d %b %Y"),
                         "To": g["end"].dt.strftime("%d %b %Y"),
                         "Days without a snapshot": g["days"].astype(int)}).reset_index(drop=True)


def effects_or_reason(processed: Processed, **options) -> tuple[pd.DataFrame | None, str]:
    """Run :func:`estimate_effects`, or say in one sentence why it cannot run.

    Parameters
    ----------
    processed : Processed
        Output of :func:`load_processed`.
    **options
        Passed to :func:`ssi_analysis.estimate_effects`.

    Returns
    -------
    (pandas.DataFrame or None, str)
        The effects table and ``""``, or ``None`` and the reason.
    """
    try:
        return estimate_effects(processed.snapshots, processed.activity,
                                coverage=processed.coverage, breaks=breaks(processed.log),
                                **options), ""
    except InsufficientDataError as exc:
        return None, str(exc)


def effects_table(effects: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """Format the effects table for readers: display names, rounding, verdict first.

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`ssi_analysis.estimate_effects`.
    freq : {"W", "M"}
        The period of the effects (column names).

    Returns
    -------
    pandas.DataFrame
        Columns ``Activity, Pillar, Verdict, Points per extra action a <period>, 90% range,
        q, <Period>s``.
    """
    period = "week" if freq.upper() == "W" else "month"
    order = {v: i for i, v in enumerate(["likely positive", "likely negative", "unclear",
                                         "negligible", "not estimable"])}
    e = effects.assign(_o=effects["verdict"].map(order)).sort_values(
        ["_o", "pillar", "activity"], kind="stable")
    fmt = "{:+.3g}"
    return pd.DataFrame({
        "Activity": e["activity"].map(lambda a: " + ".join(
            ACTIVITY_LABELS.get(x.strip(), x.strip()) for x in a.split("+"))),
        "Pillar": e["pillar"].map(PILLAR_LABELS),
        "Verdict": e["verdict"],
        f"Points per extra action a {period}": e["estimate"].map(
            lambda v: "" if pd.isna(v) else fmt.format(v)),
        "90% range": [("" if pd.isna(lo) else f"{fmt.format(lo)} to {fmt.format(hi)}")
                      for lo, hi in zip(e["ci_low"], e["ci_high"], strict=True)],
        "q": e["q_value"].map(lambda v: "" if pd.isna(v) else f"{v:.3f}"),
        f"{period.capitalize()}s": e["n_periods"],
    }).reset_index(drop=True)


def quality_table(log: pd.DataFrame, gaps: pd.DataFrame, snapshots: pd.DataFrame,
                  *, as_of: str = "") -> pd.DataFrame:
    """Summarise data quality: what the cleaner did, gaps and how fresh the data is.

    Parameters
    ----------
    log : pandas.DataFrame
        The cleaning log.
    gaps : pandas.DataFrame
        The gap list.
    snapshots : pandas.DataFrame
        Cleaned snapshots.
    as_of : str
        Analysis date (``YYYY-MM-DD``); default the last snapshot date.

    Returns
    -------
    pandas.DataFrame
        ``Check, Result`` rows in plain language.
    """
    first, last = snapshots["date"].min(), snapshots["date"].max()
    as_of_ts = pd.Timestamp(as_of) if as_of else last
    g = snapshots.groupby("member_id")["date"]
    span = ((g.max() - g.min()).dt.days + 1).sum()
    members = snapshots["member_id"].nunique()
    who = f" for {members} members" if members > 1 else ""
    rows = [
        ("Snapshots", f"{len(snapshots)} snapshots{who} between {first:%d %b %Y} and "
                      f"{last:%d %b %Y} (a snapshot on {len(snapshots) / span:.0%} of days)"),
        ("Data age", f"latest snapshot is {(as_of_ts - last).days} days old on "
                     f"{as_of_ts:%d %b %Y}"),
        ("Gaps", f"{len(gaps)} gaps, {int(gaps['days'].sum()) if len(gaps) else 0} days in "
                 f"all; longest {int(gaps['days'].max()) if len(gaps) else 0} days (never filled)"),
    ]
    explain = {
        "duplicate": "same day captured more than once (latest kept)",
        "out_of_bounds": "values outside their range removed",
        "missing_pillar": "rows without all four pillars removed",
        "ssi_derived": "SSI missing, taken as the sum of pillars",
        "sum_mismatch": "SSI does not match the sum of pillars",
        "low_precision": "whole-number scores (low precision)",
        "future_date": "dates after the analysis date removed",
        "before_ssi": "dates before SSI existed removed",
        "daily_jump": "implausible one-day jumps (flagged, kept)",
        "weekly_jump": "implausible one-week jumps (flagged, kept)",
        "level_shift": "lasting steps in a pillar (breaks; left out of the effects model)",
        "spike": "one-day spikes that reverted (kept)",
        "formula_change": "steps shared by many members: probable formula changes",
        "peer_group_change": "industry changes (ranks compare with a new group)",
        "annotation": "your notes",
    }
    counts = log[log["rule"] != "gap"].groupby(["rule", "action"]).size()
    for (rule, action), n in counts.items():
        rows.append((explain.get(rule, rule), f"{n} {'row' if n == 1 else 'rows'} {action}"))
    return pd.DataFrame(rows, columns=["Check", "Result"])


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
    from IPython.display import HTML

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
    from IPython.display import HTML

    if isinstance(lines, str):
        lines = [lines]
    return HTML("".join(f"<p>{html.escape(s)}</p>" for s in lines if s))


__all__ = ["Processed", "load_processed", "standing", "weekly_activity", "effects_or_reason",
           "effects_table", "quality_table", "html_table", "show", "paragraphs",
           "activity_coverage"]


def run_manifest(processed_dir: str | os.PathLike[str], parameters: dict) -> pd.DataFrame:
    """Describe the run: parameters, inputs (count and combined hash) and versions.

    Parameters
    ----------
    processed_dir : str or os.PathLike
        Folder holding ``manifest.json`` written by ingest.
    parameters : dict
        The notebook's parameters.

    Returns
    -------
    pandas.DataFrame
        ``Item, Value`` rows.
    """
    import hashlib
    import platform

    import matplotlib
    import scipy
    import statsmodels

    from . import __version__

    man = _manifest(processed_dir)
    inputs = man.get("inputs", [])
    digest = hashlib.sha256("".join(i["sha256"] for i in inputs).encode()).hexdigest()[:16]
    rows = [(f"parameter {k}", repr(v)) for k, v in parameters.items()]
    rows += [
        ("ingest time zone", str(man.get("parameters", {}).get("tz", "unknown"))),
        ("input files", f"{len(inputs)} files, {sum(i['bytes'] for i in inputs):,} bytes"),
        ("input data hash", digest),
        ("ssi-analysis", __version__),
        ("python", platform.python_version()),
        ("pandas / statsmodels / scipy / matplotlib",
         f"{pd.__version__} / {statsmodels.__version__} / {scipy.__version__} / "
         f"{matplotlib.__version__}"),
    ]
    return pd.DataFrame(rows, columns=["Item", "Value"])


def tz_warning(processed_dir: str | os.PathLike[str], tz: str) -> str:
    """Say whether the data were ingested in another time zone than the report assumes.

    Parameters
    ----------
    processed_dir : str or os.PathLike
        Folder holding ``manifest.json``.
    tz : str
        The report's time zone parameter.

    Returns
    -------
    str
        A warning sentence, or ``""`` when they agree (or ingest recorded none).
    """
    used = _manifest(processed_dir).get("parameters", {}).get("tz")
    if used and used != tz:
        return (f"Note: the data were ingested with time zone {used}, but this report was asked "
                f"for {tz}; days are counted in {used}. Re-run ingest with --tz {tz} to change it.")
    return ""


def effects_table_empty() -> pd.DataFrame:
    """Return an empty effects table with the reader-facing columns."""
    return pd.DataFrame(columns=["Activity", "Pillar", "Verdict",
                                 "Points per extra action a week", "90% range", "q", "Weeks"])


def activity_totals(weekly: pd.DataFrame) -> pd.DataFrame:
    """Total and typical weekly count per activity, with display names.

    Parameters
    ----------
    weekly : pandas.DataFrame
        Output of :func:`weekly_activity`.

    Returns
    -------
    pandas.DataFrame
        ``Activity, Total, Typical week, Weeks tracked``.
    """
    return pd.DataFrame({
        "Activity": [ACTIVITY_LABELS.get(a, a) for a in weekly.columns],
        "Total": [int(weekly[a].sum()) for a in weekly.columns],
        "Typical week (median)": [f"{weekly[a].median():.0f}" for a in weekly.columns],
        "Weeks tracked": [int(weekly[a].notna().sum()) for a in weekly.columns],
    })


def lag_profile_or_empty(processed: Processed, **options) -> pd.DataFrame:
    """Run :func:`ssi_analysis.lag_profile` on processed data, or return an empty table.

    Parameters
    ----------
    processed : Processed
        Output of :func:`load_processed`.
    **options
        Passed to :func:`ssi_analysis.lag_profile`.

    Returns
    -------
    pandas.DataFrame
    """
    from .model import lag_profile

    try:
        return lag_profile(processed.snapshots, processed.activity, coverage=processed.coverage,
                           breaks=breaks(processed.log), **options)
    except InsufficientDataError:
        return pd.DataFrame(columns=["activity", "pillar", "lag", "estimate", "ci_low",
                                     "ci_high", "p_value", "n_periods"])


def prediction(processed: Processed, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the out-of-sample check on processed data.

    Parameters
    ----------
    processed : Processed
        Output of :func:`load_processed`.
    **options
        Passed to :func:`ssi_analysis.model.predictive_check`.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Predictions and the skill summary.
    """
    from .model import predictive_check, predictive_skill

    pred = predictive_check(processed.snapshots, processed.activity,
                            coverage=processed.coverage, breaks=breaks(processed.log), **options)
    return pred, predictive_skill(pred)


def skill_sentences(skill: pd.DataFrame) -> list[str]:
    """Say in words whether activity predicts each pillar better than the usual change.

    Parameters
    ----------
    skill : pandas.DataFrame
        Output of :func:`ssi_analysis.model.predictive_skill`.

    Returns
    -------
    list of str
    """
    done = skill[skill["n"] > 0]
    if done.empty:
        return ["Not enough weeks for an out-of-sample check (about a year of regular "
                "snapshots is needed)."]
    out = []
    for r in done.itertuples():
        verdict = ("activity helps predict it" if r.skill > 0.05 else
                   "activity predicts it no better than your usual weekly change")
        out.append(f"{PILLAR_LABELS[r.pillar]}: {verdict} (skill {r.skill:+.2f} on {r.n} weeks "
                   "the model had not seen; 0 = no better than usual, 1 = perfect).")
    return out


def advice_lines(advice: pd.DataFrame) -> list[str]:
    """Return the advice sentences, or why there are none.

    Parameters
    ----------
    advice : pandas.DataFrame
        Output of :func:`ssi_analysis.advice.advise`.

    Returns
    -------
    list of str
    """
    if advice is None or advice.empty:
        return ["No action can be recommended yet: no activity shows a clear positive "
                "association with a pillar that has room to grow."]
    return [f"{r.rank}. {r.sentence}" for r in advice.itertuples()]


def likely_pairs(effects: pd.DataFrame | None) -> list[tuple[str, str]]:
    """Return the (activity, pillar) pairs with a "likely positive" or "likely negative" verdict.

    Parameters
    ----------
    effects : pandas.DataFrame or None
        Output of :func:`ssi_analysis.estimate_effects`.

    Returns
    -------
    list of (str, str)
    """
    if effects is None:
        return []
    found = effects[effects["verdict"].isin(["likely positive", "likely negative"])]
    return list(zip(found["activity"], found["pillar"], strict=True))


def peer_gaps(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Your pillars against your industry's and network's averages (latest snapshot).

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.

    Returns
    -------
    pandas.DataFrame
        ``Pillar, You, Industry average, Gap to industry, Network average, Gap to network``
        (columns without data are left out; empty when no peer averages were saved).
    """
    last = snapshots.sort_values("date").iloc[-1]
    rows = []
    for p in PILLARS:
        row = {"Pillar": PILLAR_LABELS[p], "You": f"{last[p]:.2f}"}
        for group, name in (("industry", "industry"), ("network", "network")):
            avg = last.get(f"{group}_{p}")
            if avg is not None and pd.notna(avg):
                row[f"{name.capitalize()} average"] = f"{avg:.2f}"
                row[f"Gap to {name}"] = f"{last[p] - avg:+.2f}"
        rows.append(row)
    out = pd.DataFrame(rows)
    return out if out.shape[1] > 2 else pd.DataFrame()


def alerts(snapshots: pd.DataFrame, *, as_of: str = "", stale_days: int = 7,
           drop_points: float = 1.0, rank_drop: float = 5.0) -> list[str]:
    """Plain warnings: stale data, a pillar or a rank that dropped in the last week.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of one member.
    as_of : str
        Analysis date ``YYYY-MM-DD`` (default: the latest snapshot).
    stale_days : int
        Data older than this many days is stale.
    drop_points : float
        A pillar falling by more than this over 7 days is reported.
    rank_drop : float
        A rank getting worse by more than this many points over 7 days is reported.

    Returns
    -------
    list of str
        Empty when there is nothing to report.
    """
    s = snapshots.sort_values("date")
    last = s.iloc[-1]
    today = pd.Timestamp(as_of) if as_of else last["date"]
    out = []
    age = (today - last["date"]).days
    if age > stale_days:
        when = f"{last['date']:%d %b %Y}"
        out.append(f"Stale data: the latest snapshot is {age} days old (from {when}); LinkedIn "
                   "updates SSI daily, so check that your tracker still runs.")
    before = s[s["date"] <= last["date"] - pd.Timedelta(days=7)]
    if len(before):
        prev = before.iloc[-1]
        for p in PILLARS:
            if prev[p] - last[p] > drop_points:
                out.append(f"{PILLAR_LABELS[p]} dropped {prev[p] - last[p]:.1f} points since "
                           f"{prev['date']:%d %b} ({prev[p]:.1f} → {last[p]:.1f}).")
        for col, name in (("industry_rank", "industry"), ("network_rank", "network")):
            if pd.notna(prev[col]) and pd.notna(last[col]) and last[col] - prev[col] > rank_drop:
                out.append(f"Your {name} rank fell from Top {prev[col]:.0f}% to Top "
                           f"{last[col]:.0f}% since {prev['date']:%d %b}.")
    return out


def save_tables(tables_dir: str, **tables: pd.DataFrame | None) -> list[str]:
    """Write the tables behind a report as CSV files (atomically, formula-safe).

    Parameters
    ----------
    tables_dir : str
        Destination folder; empty means do not write.
    **tables : pandas.DataFrame or None
        Name → table (None and empty tables are skipped).

    Returns
    -------
    list of str
        The file names written.
    """
    from .io import write_csv

    if not tables_dir:
        return []
    folder = resolve(tables_dir)
    written = []
    for name, df in tables.items():
        if df is None or df.empty:
            continue
        write_csv(df, folder / f"{name}.csv")
        written.append(f"{name}.csv")
    return written


def input_files(processed_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """Return the input files of the ingest run with their size and SHA-256.

    Parameters
    ----------
    processed_dir : str or os.PathLike
        Folder holding ``manifest.json``.

    Returns
    -------
    pandas.DataFrame
        ``file, bytes, sha256``.
    """
    return pd.DataFrame(_manifest(processed_dir).get("inputs", []),
                        columns=["file", "bytes", "sha256"])
