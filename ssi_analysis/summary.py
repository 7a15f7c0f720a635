"""Report tables: what the reports show, as plain DataFrames built from the processed data.

All of them are pure (the processed folder is read by :mod:`ssi_analysis.store`); the
notebooks call them in one or two lines per section and display them with
:mod:`ssi_analysis.display`.
"""

from __future__ import annotations

import hashlib
import os
import platform

import matplotlib
import numpy as np
import pandas as pd
import scipy
import statsmodels

from ._version import __version__
from .errors import InsufficientDataError
from .model import estimate_effects, lag_profile
from .model.predictive import predictive_check, predictive_skill
from .numbers import decimals_for, percent, signed
from .paths import resolve
from .schema import ACTIVITY_LABELS, PILLAR_LABELS, PILLARS, ssi_band
from .store import Processed, read_manifest, write_csv


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
        if pd.notna(last.get(col)):
            rows.append((name, f"Top {last[col]:.0f}%", "lower is better"))
    for col, name in (("industry_ssi", "Industry peers' average SSI"),
                      ("network_ssi", "Network peers' average SSI")):
        if pd.notna(last.get(col)):
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


def chart_marks(log: pd.DataFrame, *, max_label: int = 32, escape: bool = True) -> pd.DataFrame:
    """Dates to mark on history charts: breaks, peer-group changes and the user's notes.

    Parameters
    ----------
    log : pandas.DataFrame
        The cleaning log.
    max_label : int
        Labels are cut to this many characters.
    escape : bool
        Escape ``$`` for matplotlib (labels drawn on a chart); False for captions.

    Returns
    -------
    pandas.DataFrame
        ``date, label`` (labels are plain text).
    """
    rules = {"level_shift": "level shift", "formula_change": "formula change?",
             "peer_group_change": "industry changed"}
    keep = log[log["rule"].isin([*rules, "annotation"])]
    labels = [(d if r == "annotation" else rules[r]) for r, d in
              zip(keep["rule"], keep["detail"], strict=True)]
    labels = [lab if len(lab) <= max_label else lab[: max_label - 1] + "…" for lab in labels]
    out = pd.DataFrame({"date": keep["date"].to_numpy(),
                        "label": [lab.replace("$", r"\$") if escape else lab
                                  for lab in labels]})
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


def ingest_table(ingest_log: pd.DataFrame) -> pd.DataFrame:
    """Tabulate what the importers did with each file: rows read, used, skipped and why.

    Parameters
    ----------
    ingest_log : pandas.DataFrame
        The ingest log (``file, row, rule, rows, detail``).

    Returns
    -------
    pandas.DataFrame
        ``File, Read, Used, Not used (why), Notes``: one row per file (file names
        without their folders; texts never include cell contents).
    """
    cols = ["File", "Read", "Used", "Not used (why)", "Notes"]
    if ingest_log.empty:
        return pd.DataFrame(columns=cols)
    log = ingest_log.astype({"file": str, "rule": str})
    files = pd.Index(sorted(log["file"].unique()), name="file")
    counted = log["rule"].isin(["rows_read", "rows_used"])

    sums = log[counted].pivot_table(index="file", columns="rule", values="rows", aggfunc="sum")
    sums = sums.reindex(index=files, columns=["rows_read", "rows_used"]).fillna(0).astype(int)
    skipped = log[(log["rows"] > 0) & ~counted].groupby(["file", "rule"], sort=True)["rows"].sum()
    why = {f: "; ".join(f"{int(n)} {r.replace('_', ' ')}" for (_, r), n in g.items())
           for f, g in skipped.groupby(level=0)}
    said = {f: " ".join(dict.fromkeys(g.astype(str)))
            for f, g in log[(log["rows"] == 0) & ~counted].groupby("file")["detail"]}
    rows = pd.DataFrame({"File": [f.rsplit("/", 1)[-1] for f in files],
                         "Read": sums["rows_read"].to_numpy(),
                         "Used": sums["rows_used"].to_numpy(),
                         "Not used (why)": [why.get(f, "") for f in files],
                         "Notes": [said.get(f, "") for f in files]})
    return _fold_alike(rows[cols])


def _fold_alike(table: pd.DataFrame, *, least: int = 4) -> pd.DataFrame:
    """One row for many alike files read in full (e.g. a thousand daily captures).

    Files whose names differ only in their digits, with every row used and nothing to
    say, become ``salesApiSsi_<date>.json (1,054 files)``; any file with a skipped row or a
    note keeps its own row.
    """
    if len(table) < least:
        return table
    plain = (table["Read"] == table["Used"]) & (table["Not used (why)"] == "") & \
        (table["Notes"] == "")
    key = table["File"].str.replace(r"\d", "#", regex=True).where(plain)
    sizes = key.map(key.value_counts())
    fold = plain & (sizes >= least)
    if not fold.any():
        return table
    groups = table[fold].groupby(key[fold], sort=True).agg(
        first=("File", "min"), last=("File", "max"), n=("File", "size"), Read=("Read", "sum"),
        Used=("Used", "sum"))
    folded = pd.DataFrame({"File": [f"{r.first} … {r.last} ({r.n:,} files)"
                                    for r in groups.itertuples()],
                           "Read": groups["Read"].to_numpy(), "Used": groups["Used"].to_numpy(),
                           "Not used (why)": "", "Notes": ""})
    return pd.concat([table[~fold], folded], ignore_index=True)


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
    """Format the estimated pairs for readers: display names, plain numbers, verdict first.

    Pairs without an estimate are left out (see :func:`not_estimated`); q-values stay in the
    CSV. Numbers get as many decimals (up to six) as it takes for an estimate and its range
    to differ and be non-zero — never scientific notation.

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`ssi_analysis.estimate_effects`.
    freq : {"W", "M"}
        The period of the effects (column names).

    Returns
    -------
    pandas.DataFrame
        Columns ``Activity, Pillar, Verdict, Points per extra action a <period>, <level>
        range, <Period>s``.
    """
    period = "week" if freq.upper() == "W" else "month"
    order = {v: i for i, v in enumerate(["likely positive", "likely negative", "unclear",
                                         "negligible", "not estimable"])}
    e = effects[effects["estimate"].notna()]
    e = e.assign(_o=e["verdict"].map(order)).sort_values(["_o", "pillar", "activity"],
                                                         kind="stable")
    dec = [decimals_for(a, b, c, most=6) for a, b, c in
           zip(e["estimate"], e["ci_low"], e["ci_high"], strict=True)]
    return pd.DataFrame({
        "Activity": e["activity"].map(lambda a: " + ".join(
            ACTIVITY_LABELS.get(x.strip(), x.strip()) for x in a.split("+"))),
        "Pillar": e["pillar"].map(PILLAR_LABELS),
        "Verdict": e["verdict"],
        f"Points per extra action a {period}": [signed(v, d) for v, d in
                                                 zip(e["estimate"], dec, strict=True)],
        _range_label(e): [f"{signed(lo, d)} to {signed(hi, d)}" for lo, hi, d in
                          zip(e["ci_low"], e["ci_high"], dec, strict=True)],
        f"{period.capitalize()}s": e["n_periods"],
    }).reset_index(drop=True)


def not_estimated(effects: pd.DataFrame) -> list[str]:
    """Say in one sentence per reason which pairs have no estimate (instead of table rows).

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`ssi_analysis.estimate_effects`.

    Returns
    -------
    list of str
    """
    missing = effects[effects["estimate"].isna()]
    out = []
    for note, g in missing.groupby(missing["note"].fillna("").astype(str), sort=False):
        acts = ", ".join(dict.fromkeys(ACTIVITY_LABELS.get(a, a) for a in g["activity"]))
        pillars = g["pillar"].nunique()
        reason = note.split(". ")[0].rstrip(".") if note else "not enough data"
        out.append(f"Not estimated ({len(g)} activity–pillar pair{'s' if len(g) != 1 else ''}"
                   f": {acts}; {pillars} pillar{'s' if pillars != 1 else ''}): {reason}.")
    return out


def _range_label(effects: pd.DataFrame) -> str:
    """``"90% range"``, or the widened level the table's intervals have."""
    lv = effects["interval_level"].dropna() if "interval_level" in effects else []
    return f"{percent(lv.iloc[0])} range" if len(lv) else "90% range"


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
        "ssi_rounded": "SSI saved as a whole number, taken as the sum of pillars",
        "failed_capture": "failed captures (all zero or empty) removed",
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
    pred = predictive_check(processed.snapshots, processed.activity,
                            coverage=processed.coverage, breaks=breaks(processed.log), **options)
    return pred, predictive_skill(pred)


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
                row[f"Gap to {name}"] = signed(last[p] - avg, 2)
        rows.append(row)
    out = pd.DataFrame(rows)
    return out if out.shape[1] > 2 else pd.DataFrame()


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
    man = read_manifest(processed_dir)
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
    return pd.DataFrame(read_manifest(processed_dir).get("inputs", []),
                        columns=["file", "bytes", "sha256"])
