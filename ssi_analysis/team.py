"""Team summaries: distribution, movers, leaderboard, spread of effects, coverage.

Members are shown by stable pseudonyms unless names are asked for (and supplied in a
file the user keeps; the kit never stores names in processed data).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.meta_analysis import combine_effects

from .errors import DataError
from .features import align
from .numbers import signed
from .paths import resolve
from .privacy import project_salt, pseudonym
from .schema import PILLAR_LABELS, PILLARS, ssi_band


def display_names(member_ids, *, show_names: bool = False, names_file: str = "",
                  salt: str = "") -> dict[str, str]:
    """Map member ids to what a report shows: stable pseudonyms, or names when asked.

    Parameters
    ----------
    member_ids : iterable of str
        Members to name.
    show_names : bool
        Show real names (requires ``names_file``).
    names_file : str
        CSV with ``member_id,name`` kept by the user (e.g. under ``data/raw``).
    salt : str
        Key of the keyed hash behind pseudonyms; empty means the project's own salt
        (:func:`ssi_analysis.privacy.project_salt`), never a public default.

    Returns
    -------
    dict of str to str
        ``"Member 3F9A2C"`` style pseudonyms (the same member gets the same one every run).

    Raises
    ------
    DataError
        When names are asked for but the file is missing or lacks the columns.
    """
    ids = sorted({str(m) for m in member_ids})
    salt = salt or project_salt()
    pseud = {m: pseudonym(m, salt) for m in ids}
    if not show_names:
        return pseud
    if not names_file:
        raise DataError("show_names is on but no names_file (member_id,name) was given")
    path = resolve(names_file)
    if not path.exists():
        raise DataError("names file not found", path=path)
    names = pd.read_csv(path, dtype=str)
    if not {"member_id", "name"} <= set(names.columns):
        raise DataError("expected the columns member_id,name", path=path, row=1)
    lookup = dict(zip(names["member_id"].str.strip(), names["name"].str.strip(), strict=True))
    return {m: lookup.get(m, pseud[m]) for m in ids}


def latest(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Each member's latest snapshot."""
    return snapshots.sort_values(["member_id", "date"]).groupby("member_id").tail(1)


def overview(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Team at a glance: size, period, SSI distribution and bands at the latest date.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots of the team.

    Returns
    -------
    pandas.DataFrame
        ``What, Value`` rows.
    """
    last = latest(snapshots)
    q = last["ssi"].quantile([0.25, 0.5, 0.75])
    bands = pd.cut(last["ssi"].round(), [-1, 30, 50, 70, 100],
                   labels=["0–30", "31–50", "51–70", "71+"]).value_counts().sort_index()
    rows = [("Members", f"{last['member_id'].nunique()}"),
            ("Snapshots", f"{len(snapshots)} from {snapshots['date'].min():%d %b %Y} to "
                          f"{snapshots['date'].max():%d %b %Y}"),
            ("Median SSI (latest)", f"{q[0.5]:.1f} (half the team between {q[0.25]:.1f} and "
                                    f"{q[0.75]:.1f})"),
            ("Members per band", ", ".join(f"{k}: {v}" for k, v in bands.items()))]
    for p in PILLARS:
        rows.append((f"Median {PILLAR_LABELS[p]}", f"{last[p].median():.2f} of 25"))
    return pd.DataFrame(rows, columns=["What", "Value"])


def movers(snapshots: pd.DataFrame, names: dict[str, str], *, periods: int = 3,
           top: int = 5) -> pd.DataFrame:
    """Biggest SSI changes over the last ``periods`` snapshots per member (up and down).

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots (one per member and period for period sources).
    names : dict
        From :func:`display_names`.
    periods : int
        How many snapshots back to compare with.
    top : int
        Members shown in each direction.

    Returns
    -------
    pandas.DataFrame
        ``Direction, Member, From, To, Change, Pillar that moved most``.
    """
    s = snapshots.sort_values(["member_id", "date"])
    now = s.groupby("member_id").tail(1).set_index("member_id")
    then = s.groupby("member_id").nth(-1 - periods).set_index("member_id")
    cols = ["ssi", "date", *PILLARS]
    both = now[cols].merge(then[cols], left_index=True, right_index=True, how="inner",
                           suffixes=("", "_then"))
    both["change"] = both["ssi"] - both["ssi_then"]
    up = both.sort_values(["change", "ssi"], ascending=[False, False]).head(top)
    down = both.sort_values(["change", "ssi"], ascending=[True, True]).head(top)
    rows = []
    for direction, part in (("up", up[up["change"] > 0]), ("down", down[down["change"] < 0])):
        for m, r in part.iterrows():
            moved = {p: r[p] - r[f"{p}_then"] for p in PILLARS}
            p = (max if direction == "up" else min)(PILLARS, key=lambda q: moved[q])
            rows.append({"Direction": direction, "Member": names[m],
                         "From": f"{r['ssi_then']:.1f} ({r['date_then']:%b %Y})",
                         "To": f"{r['ssi']:.1f} ({r['date']:%b %Y})",
                         "Change": signed(r["change"]),
                         "Pillar that moved most": f"{PILLAR_LABELS[p]} {signed(moved[p])}"})
    return pd.DataFrame(rows, columns=["Direction", "Member", "From", "To", "Change",
                                       "Pillar that moved most"])


def leaderboard(snapshots: pd.DataFrame, names: dict[str, str], *, top: int = 10) -> pd.DataFrame:
    """Return the members with the highest latest SSI, with their pillars.

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots.
    names : dict
        From :func:`display_names`.
    top : int
        How many members.

    Returns
    -------
    pandas.DataFrame
    """
    last = latest(snapshots).sort_values(["ssi", "member_id"], ascending=[False, True]).head(top)
    out = pd.DataFrame({"Rank": np.arange(1, len(last) + 1),
                        "Member": [names[m] for m in last["member_id"]],
                        "SSI": last["ssi"].round(1).to_numpy()})
    for p in PILLARS:
        out[PILLAR_LABELS[p]] = last[p].round(2).to_numpy()
    return out


def activity_ratio(activity: pd.DataFrame, members, *, since: pd.Timestamp) -> pd.Series:
    """Each member's actions since ``since`` relative to the team median (1 = median).

    Parameters
    ----------
    activity : pandas.DataFrame
        Long activity counts of the team.
    members : iterable of str
        Members to report (those without activity data get NaN).
    since : pandas.Timestamp
        Start of the window.

    Returns
    -------
    pandas.Series
        Index = member id.
    """
    recent = activity[activity["date"] >= since]
    per = recent.groupby("member_id", observed=True)["count"].sum()
    per.index = per.index.astype(str)
    per = per.reindex([str(m) for m in members])
    med = float(per.median()) if per.notna().any() else np.nan
    return per / med if med and np.isfinite(med) else per * np.nan


def coaching_grid(snapshots: pd.DataFrame, activity: pd.DataFrame, names: dict[str, str], *,
                  periods: int = 3) -> pd.DataFrame:
    """Member × pillar grid sorted by the weakest pillar (lowest first): who to coach on what.

    Parameters
    ----------
    snapshots, activity : pandas.DataFrame
        Cleaned team snapshots and activity.
    names : dict
        From :func:`display_names`.
    periods : int
        Snapshots back for the change (and the activity window).

    Returns
    -------
    pandas.DataFrame
        ``Member, SSI, Band, Change, Weakest pillar, brand, people, insights,
        relationships, Activity vs team median`` — pillar columns as unrounded numbers (for
        the heatmap and the CSV), the rest as text.
    """
    s = snapshots.sort_values(["member_id", "date"], kind="stable")
    last = s.groupby("member_id", observed=True).tail(1).set_index("member_id")
    then = s.groupby("member_id", observed=True).nth(-1 - periods).set_index("member_id")["ssi"]
    since = then.index.map(lambda m: s.loc[s["member_id"] == m, "date"].iloc[-1 - periods]) \
        if len(then) else []
    start = min(since) if len(since) else s["date"].max() - pd.Timedelta(days=90)
    ratio = activity_ratio(activity, last.index, since=start)
    weakest = last[list(PILLARS)].idxmin(axis=1)
    out = pd.DataFrame({
        "Member": [names[str(m)] for m in last.index],
        "SSI": last["ssi"].round(1).to_numpy(),
        "Band": [ssi_band(v) for v in last["ssi"]],
        "Change": [signed(v) if pd.notna(v) else "" for v in
                   (last["ssi"] - then.reindex(last.index)).to_numpy()],
        "Weakest pillar": [PILLAR_LABELS[p] for p in weakest],
        **{p: last[p].to_numpy(float) for p in PILLARS},
        "Activity vs team median": ["no activity data" if pd.isna(v) else f"{v:.1f}×"
                                    for v in ratio.to_numpy()],
        "_min": last[list(PILLARS)].min(axis=1).to_numpy()})
    out = out.sort_values(["_min", "SSI", "Member"], kind="stable").drop(columns="_min")
    return out.reset_index(drop=True)


def coverage(snapshots: pd.DataFrame, activity: pd.DataFrame, names: dict[str, str]
             ) -> pd.DataFrame:
    """Tabulate data per member: snapshots, first and last date, activity rows.

    Parameters
    ----------
    snapshots, activity : pandas.DataFrame
        Cleaned snapshots and activity of the team.
    names : dict
        From :func:`display_names`.

    Returns
    -------
    pandas.DataFrame
    """
    g = snapshots.groupby("member_id")["date"]
    a = activity.groupby("member_id")["date"].nunique()
    out = pd.DataFrame({"Snapshots": g.size(), "First": g.min().dt.strftime("%b %Y"),
                        "Last": g.max().dt.strftime("%b %Y")})
    out["Periods with activity"] = a.reindex(out.index).fillna(0).astype(int)
    out.insert(0, "Member", [names[m] for m in out.index])
    return out.sort_values("Member").reset_index(drop=True)


def coverage_view(cov: pd.DataFrame, *, limit: int = 50) -> tuple[pd.DataFrame, str]:
    """Return the data-per-member table as a reader can take it, with its caption.

    Up to ``limit`` members the whole table is shown; for a bigger team (thousands of
    Sales Navigator seats) the ``limit`` members with the fewest snapshots, since those
    are the ones to check, while the full table goes to ``coverage.csv`` beside the report.

    Parameters
    ----------
    cov : pandas.DataFrame
        From :func:`coverage`.
    limit : int, default 50
        Most rows shown.

    Returns
    -------
    (pandas.DataFrame, str)
        The rows to show and the caption.
    """
    if len(cov) <= limit:
        return cov, "Data per member"
    low = cov.sort_values(["Snapshots", "Member"], kind="stable").head(limit)
    return low.reset_index(drop=True), (
        f"Data per member: the {limit} members with the fewest snapshots, of {len(cov):,} "
        "(every member is in coverage.csv beside this report)")


SPREAD_COLUMNS = ("activity", "pillar", "member_id", "estimate", "se", "shrunk", "team", "tau")


def member_effects(snapshots: pd.DataFrame, activity: pd.DataFrame, pairs, *,
                   freq: str = "M", coverage: pd.DataFrame | None = None,
                   team_values: dict | None = None) -> pd.DataFrame:
    """Each member's own effect for chosen pairs, shrunk toward the team's value.

    Per member, the pillar's change is regressed on the activity this period and the
    period before (batched normal equations, no loop over members); the cumulative effect
    is then shrunk by ``tau² / (tau² + se²)`` toward the team's value: the effects model's
    estimate when ``team_values`` gives it (so that a report shows one number per effect),
    else the random-effects mean.

    Parameters
    ----------
    snapshots, activity : pandas.DataFrame
        Cleaned snapshots and activity.
    pairs : list of (str, str)
        ``(activity, pillar)`` pairs.
    freq : {"W", "M"}
        Period.
    coverage : pandas.DataFrame, optional
        Activity coverage.
    team_values : dict, optional
        ``(activity, pillar)`` → the team model's estimate.

    Returns
    -------
    pandas.DataFrame
        ``activity, pillar, member_id, estimate, se, shrunk, team, tau``.
    """
    out = []
    acts = sorted({a for a, _ in pairs})
    if not acts:
        return pd.DataFrame(columns=list(SPREAD_COLUMNS))
    panel = align(snapshots, activity, freq=freq, max_lag=1, activities=acts,
                  coverage=coverage)
    panel = panel[panel["usable"]]
    for a, p in pairs:
        d = panel.dropna(subset=[f"d_{p}", f"{a}_l0", f"{a}_l1"])
        codes, members = pd.factorize(d["member_id"], sort=True)
        X = np.column_stack([np.ones(len(d)), d[f"{a}_l0"], d[f"{a}_l1"]])
        y = d[f"d_{p}"].to_numpy(float)
        G, k = len(members), 3
        XtX = np.zeros((G, k, k))
        Xty = np.zeros((G, k))
        for i in range(k):
            Xty[:, i] = np.bincount(codes, X[:, i] * y, minlength=G)
            for j in range(k):
                XtX[:, i, j] = np.bincount(codes, X[:, i] * X[:, j], minlength=G)
        n = np.bincount(codes, minlength=G)
        ok = (np.linalg.matrix_rank(XtX) == k) & (n > k + 2)
        beta = np.full((G, k), np.nan)
        beta[ok] = np.linalg.solve(XtX[ok], Xty[ok][..., None])[..., 0]
        resid = y - np.einsum("ij,ij->i", X, np.nan_to_num(beta[codes]))
        s2 = np.bincount(codes, resid**2, minlength=G) / np.maximum(n - k, 1)
        inv = np.full_like(XtX, np.nan)
        inv[ok] = np.linalg.inv(XtX[ok])
        R = np.array([0, 1, 1.0])
        est = beta @ R
        se = np.sqrt(s2 * np.einsum("i,gij,j->g", R, inv, R))
        good = ok & np.isfinite(se) & (se > 0)
        if good.sum() < 2:
            continue
        res = combine_effects(est[good], se[good] ** 2, method_re="iterated")
        centre = float((team_values or {}).get((a, p), res.mean_effect_re))
        tau2 = float(res.tau2)
        w = tau2 / (tau2 + se[good] ** 2)
        out.append(pd.DataFrame({"activity": a, "pillar": p, "member_id": members[good],
                                 "estimate": est[good], "se": se[good],
                                 "shrunk": centre + w * (est[good] - centre),
                                 "team": centre, "tau": np.sqrt(tau2)}))
    cols = list(SPREAD_COLUMNS)
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)


__all__ = ["activity_ratio", "coaching_grid", "coverage", "display_names", "latest",
           "leaderboard", "member_effects", "movers", "overview"]
