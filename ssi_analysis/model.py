"""How activity relates to pillar changes: correlations and distributed-lag effects.

The design follows ``methods.md`` §0 and §4: changes not levels, activity summed over the
same interval as the change, all activities in one model per pillar, the cumulative
effect over lags ``0..max_lag`` with a ``1 - alpha`` interval, Benjamini–Hochberg
q-values over the table and plain verdict words. One member: OLS on changes with a
residual autocorrelation check. A team: member and period fixed effects with
member-clustered standard errors. Everything here is an association, not a cause.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.diagnostic import acorr_ljungbox

from .errors import InsufficientDataError
from .features import align
from .io import activity_coverage
from .schema import ACTIVITIES, ACTIVITY_LABELS, NOT_MODELLED, PILLAR_LABELS, PILLARS

#: Fewest usable period changes (per member) before any modelling is attempted.
MIN_CHANGES = 26
#: Observations per coefficient below which the joint model is labelled exploratory.
OBS_PER_COEF = 10
#: Below this many observations per coefficient the joint model is not fitted at all.
MIN_OBS_PER_COEF = 5
#: Fewest periods with the activity recorded (non-zero) for it to be estimable.
MIN_ACTIVE_PERIODS = 8
#: Fewest members for member-clustered errors (fewer: the note says so).
MIN_CLUSTERS = 20

EFFECT_COLUMNS = ("activity", "pillar", "estimate", "ci_low", "ci_high", "p_value", "q_value",
                  "verdict", "n_periods", "n_members", "note")
VERDICTS = ("likely positive", "likely negative", "unclear", "negligible", "not estimable")


def _order_activities(names) -> list[str]:
    known = [a for a in ACTIVITIES if a in set(names)]
    return known + sorted(set(names) - set(known))


def within_two_way(X: np.ndarray, member, period, *, tol: float = 1e-10,
                   max_iter: int = 500) -> np.ndarray:
    """Remove member and period means from every column (alternating projections).

    Parameters
    ----------
    X : numpy.ndarray
        ``(n, k)`` data.
    member, period : array-like
        Group labels of each row.
    tol : float
        Convergence tolerance relative to each column's scale.
    max_iter : int
        Iteration cap.

    Returns
    -------
    numpy.ndarray
        The two-way demeaned columns.
    """
    X = np.array(X, dtype=float, copy=True)
    n = len(X)
    e, _ = pd.factorize(pd.Series(member), sort=True)
    t, _ = pd.factorize(pd.Series(period), sort=True)
    E = sp.csr_matrix((np.ones(n), (np.arange(n), e)))
    T = sp.csr_matrix((np.ones(n), (np.arange(n), t)))
    ce, ct = np.bincount(e), np.bincount(t)
    Et, Tt = E.T.tocsr(), T.T.tocsr()
    scale = np.abs(X).max(axis=0) + 1e-12
    for _ in range(max_iter):
        X -= E @ ((Et @ X) / ce[:, None])
        tm = (Tt @ X) / ct[:, None]
        X -= T @ tm
        if np.max(np.abs(tm) / scale) < tol:
            break
    return X


def _winsorize(x: pd.Series, member: pd.Series, q: float = 0.99) -> pd.Series:
    cap = x.groupby(member).transform(lambda s: s.quantile(q))
    return x.clip(upper=cap)


def _bh(p: np.ndarray) -> np.ndarray:
    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


def _verdict(est, lo, hi, q, alpha, sesoi) -> str:
    if np.isnan(est):
        return "not estimable"
    if q <= alpha and lo > 0:
        return "likely positive"
    if q <= alpha and hi < 0:
        return "likely negative"
    if -sesoi < lo and hi < sesoi:
        return "negligible"
    return "unclear"


class _PillarFit:
    """One pillar's fitted model: columns, results, notes (internal)."""

    def __init__(self, pillar: str):
        self.pillar = pillar
        self.results = {}        # activity -> statsmodels results (one per group fitted)
        self.columns = {}        # activity -> list of column names in its fit
        self.notes: dict[str, str] = {}
        self.pillar_note = ""
        self.n_periods = 0
        self.n_members = 0


def _prepare_panel(snapshots, activity, freq, max_lag, coverage):
    cov = activity_coverage(activity) if coverage is None else coverage
    acts = _order_activities((set(cov["activity"]) | set(activity["activity"].unique()))
                             - set(NOT_MODELLED))
    panel = align(snapshots, activity, freq=freq, max_lag=max_lag, activities=acts,
                  coverage=cov)
    return panel, acts


def _fit_pillar(panel, pillar, acts, max_lag, *, headroom, alpha, winsorize) -> _PillarFit:
    fit = _PillarFit(pillar)
    label = PILLAR_LABELS[pillar]
    rows = panel[panel["usable"] & panel[f"d_{pillar}"].notna()]
    n_all = len(rows)
    start = rows[f"start_{pillar}"]
    at_cap = ((start >= headroom[1]) | (start <= headroom[0])).mean() if n_all else 0.0
    if n_all and at_cap > 0.5:
        fit.pillar_note = (f"{label} is at or near its 25-point cap (or at 0) in {at_cap:.0%} of "
                           "weeks; changes cannot show the effect of activity.")
        return fit
    rows = rows[(start > headroom[0]) & (start < headroom[1])]
    excluded = n_all - len(rows)
    members = rows["member_id"].nunique()
    per_member = rows.groupby("member_id").size()
    if members == 0 or per_member.max() < MIN_CHANGES and members == 1:
        fit.pillar_note = (f"Not enough history to relate activity to {label}: {len(rows)} usable "
                           f"weekly changes, at least {MIN_CHANGES} needed (about 6 months of "
                           "regular snapshots). Showing trends only.")
        return fit
    lag_cols = {a: [f"{a}_l{k}" for k in range(max_lag + 1)] for a in acts}
    kept = []
    for a in acts:
        cols = lag_cols[a]
        have = rows[cols].notna().all(axis=1)
        x0 = rows.loc[have, cols[0]]
        active = int((x0 > 0).sum())
        if have.sum() < MIN_CHANGES:
            fit.notes[a] = (f"{ACTIVITY_LABELS.get(a, a)}: tracked in only {int(have.sum())} of "
                            f"{len(rows)} usable weeks — not estimable.")
        elif active < MIN_ACTIVE_PERIODS or x0.nunique() < 3:
            fit.notes[a] = (f"{ACTIVITY_LABELS.get(a, a)}: recorded in only {active} of "
                            f"{int(have.sum())} weeks — too little variation to estimate.")
        elif members > 1 and (rows.loc[have].groupby("member_id")[cols[0]].nunique() > 1
                              ).sum() < min(10, members):
            fit.notes[a] = (f"{ACTIVITY_LABELS.get(a, a)}: too few members vary it — not "
                            "estimable for the team.")
        else:
            kept.append(a)
    if not kept:
        return fit
    cols = [c for a in kept for c in lag_cols[a]]
    data = rows.dropna(subset=cols)
    # the joint model needs enough rows per coefficient; else one activity at a time
    k = len(cols) + 1
    joint = len(data) >= MIN_OBS_PER_COEF * k
    groups = [kept] if joint else [[a] for a in kept]
    common = []
    if excluded:
        common.append(f"{excluded} weeks starting at 0–1 or 24–25 points left out (cap).")
    if joint and len(data) < OBS_PER_COEF * k:
        common.append(f"Exploratory: {len(data)} weeks for {k} coefficients (fewer than "
                      f"{OBS_PER_COEF} per coefficient); only strong relationships show.")
    if not joint:
        common.append(f"Exploratory: {len(data)} weeks are too few to adjust activities for "
                      "each other; this activity was fitted alone.")
    fit.n_periods = len(data)
    fit.n_members = data["member_id"].nunique()
    if fit.n_members > 1 and fit.n_members < MIN_CLUSTERS:
        common.append(f"Small team ({fit.n_members} members): member-clustered intervals "
                      "are approximate.")
    for group in groups:
        gcols = [c for a in group for c in lag_cols[a]]
        d = data if joint else rows.dropna(subset=gcols)
        X = d[gcols].copy()
        for c in gcols:
            if winsorize:
                X[c] = _winsorize(X[c], d["member_id"], winsorize)
        y = d[f"d_{pillar}"].to_numpy(float)
        if fit.n_members > 1:
            Z = within_two_way(np.column_stack([y, X.to_numpy(float)]), d["member_id"],
                               d["period"])
            codes, _ = pd.factorize(d["member_id"], sort=True)
            res = sm.OLS(Z[:, 0], pd.DataFrame(Z[:, 1:], columns=gcols)).fit(
                cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
        else:
            res = sm.OLS(y, sm.add_constant(X, has_constant="add")).fit()
            if len(d) > 10:
                lb = acorr_ljungbox(res.resid, lags=[4])
                if float(lb["lb_pvalue"].iloc[0]) < 0.05:
                    common_lb = ("Week-to-week pattern in the residuals (Ljung–Box p < 0.05); "
                                 "the interval may be too narrow.")
                    if common_lb not in common:
                        common.append(common_lb)
        for a in group:
            fit.results[a] = res
            fit.columns[a] = lag_cols[a]
    for a in kept:
        fit.notes[a] = " ".join(common)
    return fit


def drop_breaks(panel: pd.DataFrame, breaks: pd.DataFrame | None) -> tuple[pd.DataFrame, int]:
    """Mark intervals that contain a break (level shift, formula change) as unusable.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`ssi_analysis.features.align`.
    breaks : pandas.DataFrame or None
        ``member_id, date`` of breaks (e.g. the cleaning log's ``level_shift`` and
        ``formula_change`` rows).

    Returns
    -------
    (pandas.DataFrame, int)
        The panel with ``usable`` False for those intervals, and how many were usable before.
    """
    if breaks is None or breaks.empty or panel.empty:
        return panel, 0
    b = breaks[["member_id", "date"]].drop_duplicates().rename(columns={"date": "break"})
    m = panel[["member_id", "prev_date", "date"]].reset_index().merge(b, on="member_id")
    hit = m.loc[(m["break"] > m["prev_date"]) & (m["break"] <= m["date"]), "index"].unique()
    out = panel.copy()
    n = int(out.loc[hit, "usable"].sum())
    out.loc[hit, "usable"] = False
    return out, n


def _fit_all(snapshots, activity, freq, max_lag, headroom, alpha, coverage, winsorize,
             breaks=None):
    if max_lag < 0:
        raise ValueError(f"max_lag must be 0 or more, got {max_lag}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    panel, acts = _prepare_panel(snapshots, activity, freq, max_lag, coverage)
    panel, n_breaks = drop_breaks(panel, breaks)
    usable = panel[panel["usable"]]
    per_member = usable.groupby("member_id").size()
    if len(usable) < MIN_CHANGES or (per_member >= 8).sum() == 0:
        unit = "weekly" if freq.upper() == "W" else "monthly"
        raise InsufficientDataError(
            f"Not enough history to relate activity to pillar changes: {len(usable)} usable "
            f"{unit} changes, at least {MIN_CHANGES} needed (about 6 months of regular "
            "snapshots, one at least every 8 days).")
    if not acts:
        raise InsufficientDataError("No activity data: load a LinkedIn data export or an "
                                    "activity CSV covering the snapshot period.")
    fits = [_fit_pillar(panel, p, acts, max_lag, headroom=headroom, alpha=alpha,
                        winsorize=winsorize) for p in PILLARS]
    if n_breaks:
        for fit in fits:
            for a in fit.notes:
                if a in fit.results:
                    weeks = "week" if n_breaks == 1 else "weeks"
                    fit.notes[a] = (f"{n_breaks} {weeks} containing a break (level shift or "
                                    f"formula change) left out. {fit.notes[a]}").strip()
    return fits, acts


def estimate_effects(
    snapshots: pd.DataFrame,
    activity: pd.DataFrame,
    *,
    freq: str = "W",
    max_lag: int = 1,
    alpha: float = 0.10,
    sesoi: float = 0.05,
    headroom: tuple[float, float] = (1.0, 24.0),
    winsorize: float | None = 0.99,
    coverage: pd.DataFrame | None = None,
    breaks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Estimate how each activity relates to each pillar's change (cumulative over lags).

    Parameters
    ----------
    snapshots : pandas.DataFrame
        Cleaned snapshots (one per member-day).
    activity : pandas.DataFrame
        Long activity counts with coverage (from :func:`ssi_analysis.load_activity`).
    freq : {"W", "M"}, default "W"
        Period of the changes.
    max_lag : int, default 1
        Lags ``0..max_lag`` periods enter the model; the estimate is their sum.
    alpha : float, default 0.10
        Interval level ``1 - alpha`` and the BH q-value threshold for a verdict.
    sesoi : float, default 0.05
        Smallest effect of interest (points per action per period): an interval inside
        ``±sesoi`` is called negligible.
    headroom : tuple of float, default (1, 24)
        Only periods starting strictly between these levels are modelled (the 0–25 cap
        hides effects at the edges).
    winsorize : float or None, default 0.99
        Cap each activity's period counts at this quantile per member (bulk actions such
        as 100 invitations in an afternoon); None keeps counts as they are.
    coverage : pandas.DataFrame, optional
        Tracked dates per member and activity; default from ``activity.attrs``.
    breaks : pandas.DataFrame, optional
        ``member_id, date`` of breaks in the series (level shifts, formula changes, e.g.
        from the cleaning log); periods containing one are left out of the model.

    Returns
    -------
    pandas.DataFrame
        One row per activity x pillar: ``activity, pillar, estimate, ci_low, ci_high,
        p_value, q_value, verdict, n_periods, n_members, note``. ``estimate`` is pillar
        points per period for one more action per period (an association).

    Raises
    ------
    InsufficientDataError
        Fewer than 26 usable period changes, or no activity at all.
    """
    fits, acts = _fit_all(snapshots, activity, freq, max_lag, headroom, alpha, coverage,
                          winsorize, breaks)
    rows = []
    for fit in fits:
        for a in acts:
            rec = {"activity": a, "pillar": fit.pillar, "estimate": np.nan, "ci_low": np.nan,
                   "ci_high": np.nan, "p_value": np.nan, "n_periods": fit.n_periods,
                   "n_members": fit.n_members,
                   "note": fit.pillar_note or fit.notes.get(a, "")}
            if a in fit.results:
                res = fit.results[a]
                names = list(res.model.exog_names)
                R = np.zeros(len(names))
                R[[names.index(c) for c in fit.columns[a]]] = 1.0
                tt = res.t_test(R)
                lo, hi = tt.conf_int(alpha=alpha)[0]
                rec.update(estimate=float(np.squeeze(tt.effect)), ci_low=float(lo),
                           ci_high=float(hi), p_value=float(np.squeeze(tt.pvalue)))
            rows.append(rec)
    out = pd.DataFrame(rows)
    out["q_value"] = _bh(out["p_value"].to_numpy(float))
    out["verdict"] = [_verdict(e, lo, hi, q, alpha, sesoi) for e, lo, hi, q in
                      zip(out["estimate"], out["ci_low"], out["ci_high"], out["q_value"],
                          strict=True)]
    out["n_periods"] = out["n_periods"].astype(int)
    out["n_members"] = out["n_members"].astype(int)
    return out[list(EFFECT_COLUMNS)]


def lag_profile(
    snapshots: pd.DataFrame,
    activity: pd.DataFrame,
    *,
    freq: str = "W",
    max_lag: int = 3,
    alpha: float = 0.10,
    headroom: tuple[float, float] = (1.0, 24.0),
    winsorize: float | None = 0.99,
    coverage: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return each lag's coefficient of the effects model.

    Parameters
    ----------
    snapshots, activity, freq, alpha, headroom, winsorize, coverage
        As in :func:`estimate_effects`.
    max_lag : int, default 3
        Largest lag.

    Returns
    -------
    pandas.DataFrame
        ``activity, pillar, lag, estimate, ci_low, ci_high, p_value, n_periods`` for the
        estimable activity x pillar pairs.
    """
    fits, acts = _fit_all(snapshots, activity, freq, max_lag, headroom, alpha, coverage,
                          winsorize)
    rows = []
    for fit in fits:
        for a in acts:
            if a not in fit.results:
                continue
            res = fit.results[a]
            names = list(res.model.exog_names)
            ci = np.asarray(res.conf_int(alpha=alpha))
            for k, c in enumerate(fit.columns[a]):
                i = names.index(c)
                rows.append({"activity": a, "pillar": fit.pillar, "lag": k,
                             "estimate": float(np.asarray(res.params)[i]),
                             "ci_low": float(ci[i, 0]), "ci_high": float(ci[i, 1]),
                             "p_value": float(np.asarray(res.pvalues)[i]),
                             "n_periods": fit.n_periods})
    return pd.DataFrame(rows, columns=["activity", "pillar", "lag", "estimate", "ci_low",
                                       "ci_high", "p_value", "n_periods"])


def lagged_correlations(
    snapshots: pd.DataFrame,
    activity: pd.DataFrame,
    *,
    freq: str = "W",
    max_lag: int = 4,
    alpha: float = 0.10,
    coverage: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Correlate each pillar's change with each activity at lags ``0..max_lag``.

    Exploratory: one activity at a time (not adjusted for the others). For teams both
    series are demeaned within member first, so members are compared with themselves.

    Parameters
    ----------
    snapshots, activity, freq, coverage
        As in :func:`estimate_effects`.
    max_lag : int, default 4
        Largest lag in periods.
    alpha : float, default 0.10
        Interval level ``1 - alpha``.

    Returns
    -------
    pandas.DataFrame
        ``activity, pillar, lag, r, ci_low, ci_high, p_value, q_value, n`` with
        Benjamini–Hochberg q-values over the whole table.
    """
    panel, acts = _prepare_panel(snapshots, activity, freq, max_lag, coverage)
    usable = panel[panel["usable"]]
    rows = []
    for p in PILLARS:
        for a in acts:
            for k in range(max_lag + 1):
                col = f"{a}_l{k}"
                d = usable[["member_id", f"d_{p}", col]].dropna()
                x, y = d[col].astype(float), d[f"d_{p}"].astype(float)
                if d["member_id"].nunique() > 1:
                    x = x - x.groupby(d["member_id"]).transform("mean")
                    y = y - y.groupby(d["member_id"]).transform("mean")
                rec = {"activity": a, "pillar": p, "lag": k, "r": np.nan, "ci_low": np.nan,
                       "ci_high": np.nan, "p_value": np.nan, "n": len(d)}
                if len(d) >= 8 and x.std() > 0 and y.std() > 0:
                    res = stats.pearsonr(x, y)
                    ci = res.confidence_interval(confidence_level=1 - alpha)
                    rec.update(r=float(res.statistic), ci_low=float(ci.low),
                               ci_high=float(ci.high), p_value=float(res.pvalue))
                rows.append(rec)
    out = pd.DataFrame(rows, columns=["activity", "pillar", "lag", "r", "ci_low", "ci_high",
                                      "p_value", "n"])
    out["q_value"] = _bh(out["p_value"].to_numpy(float))
    return out[["activity", "pillar", "lag", "r", "ci_low", "ci_high", "p_value", "q_value", "n"]]


def effect_sentences(effects: pd.DataFrame, *, alpha: float = 0.10) -> list[str]:
    """Turn the effects table into plain-language sentences (findings first).

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`estimate_effects`.
    alpha : float
        The interval level used (for the wording "90% range").

    Returns
    -------
    list of str
        One sentence per "likely positive"/"likely negative" row, then a summary of the
        rest; every sentence is worded as an association.
    """
    level = f"{(1 - alpha):.0%}"
    out = []
    found = effects[effects["verdict"].isin(["likely positive", "likely negative"])]
    found = found.reindex(found["estimate"].abs().sort_values(ascending=False).index)
    for r in found.itertuples():
        act = ACTIVITY_LABELS.get(r.activity, r.activity)
        unit = act[:-1] if act.endswith("s") else act
        who = (f"{r.n_members} members and {r.n_periods} member-weeks" if r.n_members > 1
               else f"{r.n_periods} weeks")
        out.append(
            f"Each additional {unit} in a week goes with {r.estimate:+.2f} points in "
            f"{PILLAR_LABELS[r.pillar]} over that week and the next ({level} range "
            f"{r.ci_low:+.2f} to {r.ci_high:+.2f}; based on {who}). This is an association, "
            "not proof that the activity causes the change.")
    neg = effects[effects["verdict"] == "negligible"]
    if len(neg):
        out.append(f"{len(neg)} activity–pillar pairs show no association worth acting on "
                   "(the whole range lies within ±0.05 points per action); see the table.")
    unclear = effects[effects["verdict"] == "unclear"]
    if len(unclear):
        out.append(f"{len(unclear)} other activity–pillar pairs are unclear: the data cannot "
                   "tell a small positive from a small negative association.")
    if not len(found):
        out.insert(0, "No activity shows a clear association with any pillar yet.")
    return out
