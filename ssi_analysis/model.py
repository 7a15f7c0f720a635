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
from .schema import (
    ACTIVITIES,
    ACTIVITY_LABELS,
    ACTIVITY_SINGULAR,
    NOT_MODELLED,
    PILLAR_LABELS,
    PILLARS,
)

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
                  "verdict", "n_periods", "n_members", "note", "negligible_within")
VERDICTS = ("likely positive", "likely negative", "unclear", "negligible", "not estimable")


def _order_activities(names) -> list[str]:
    known = [a for a in ACTIVITIES if a in set(names)]
    return known + sorted(set(names) - set(known))


#: Largest members x periods table for the direct two-way demeaning (else: iterations).
_DIRECT_CELLS = 5_000_000


def _run_starts(codes: np.ndarray) -> np.ndarray | None:
    """Return where each run of equal ``codes`` starts, or None when rows are not grouped.

    Not grouped means the codes are not in non-decreasing order; callers then fall back
    to bincounts.
    """
    codes = np.asarray(codes)
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(codes) > 1 and not bool(np.all(codes[1:] >= codes[:-1])):
        return None
    return np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])


def within_two_way(X: np.ndarray, member, period, *, tol: float = 1e-9,
                   max_iter: int = 500, copy: bool = True) -> np.ndarray:
    """Remove member and period means from every column (two-way fixed effects).

    The result is the residual of each column after least squares on member and period
    dummies. Solved directly: member-demeaning reduces the normal equations to a small
    periods x periods system, ``(diag(c_t) - C' diag(1/c_e) C) b = C_t' (X - member
    means)`` with ``C`` the members x periods counts, solved by least squares (the system
    is singular along the common constant and any disconnected groups); then
    ``X - b[t]`` is member-demeaned. A few passes over the data instead of iterations.
    Tables of more than ``_DIRECT_CELLS`` member-periods fall back to alternating
    projections.

    Parameters
    ----------
    X : numpy.ndarray
        ``(n, k)`` data.
    member, period : array-like
        Group labels of each row.
    tol : float
        Convergence tolerance relative to each column's scale (alternating projections).
    max_iter : int
        Iteration cap (alternating projections).
    copy : bool
        False: demean ``X`` (a float array) in place and return it.

    Returns
    -------
    numpy.ndarray
        The two-way demeaned columns.
    """
    if copy or not (isinstance(X, np.ndarray) and X.dtype == np.float64):
        X = np.array(X, dtype=float, copy=True, order="F")
    n = len(X)
    e, _ = pd.factorize(pd.Series(member), sort=True)
    t, _ = pd.factorize(pd.Series(period), sort=True)
    if n == 0:
        return X
    ce, ct = np.bincount(e).astype(float), np.bincount(t).astype(float)
    ne, nt = len(ce), len(ct)

    def period_sums(Y: np.ndarray) -> np.ndarray:
        return np.column_stack([np.bincount(t, weights=Y[:, j], minlength=nt)
                                for j in range(Y.shape[1])])

    # rows grouped by member (the panel's order): member sums by contiguous sums
    starts = _run_starts(e)
    grouped = starts is not None
    if not grouped:
        E = sp.csr_matrix((np.ones(n), (np.arange(n), e)), shape=(n, ne))
        Et = E.T.tocsr()

    def member_means(Y: np.ndarray) -> np.ndarray:
        return (np.add.reduceat(Y, starts, axis=0) if grouped else Et @ Y) / ce[:, None]

    def by_member(M: np.ndarray) -> np.ndarray:
        return np.repeat(M, ce.astype(np.int64), axis=0) if grouped else M[e]

    if ne * nt <= _DIRECT_CELLS:
        C = np.bincount(e * nt + t, minlength=ne * nt).reshape(ne, nt).astype(float)
        A = np.diag(ct) - (C / ce[:, None]).T @ C
        mean_e = member_means(X)                       # (members, k)
        rhs = period_sums(X) - C.T @ mean_e            # period sums of member-demeaned X
        b = np.linalg.lstsq(A, rhs, rcond=None)[0]     # period effects (periods, k)
        shift = mean_e - (C @ b) / ce[:, None]
        for j in range(X.shape[1]):                    # column by column: small temporaries
            X[:, j] -= by_member(shift[:, j])
            X[:, j] -= b[t, j]
        return X
    scale = np.abs(X).max(axis=0) + 1e-12
    for _ in range(max_iter):
        X -= by_member(member_means(X))
        tm = period_sums(X) / ct[:, None]
        X -= tm[t]
        if np.max(np.abs(tm) / scale) < tol:
            break
    return X


def _bh(p: np.ndarray) -> np.ndarray:
    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


def _verdict(est, lo, hi, q, alpha, bound) -> str:
    """Verdict word; ``bound`` = smallest effect of interest per action for this activity."""
    if np.isnan(est):
        return "not estimable"
    if -bound < lo and hi < bound:   # even if "significant": too small to matter
        return "negligible"
    if q <= alpha and lo > 0:
        return "likely positive"
    if q <= alpha and hi < 0:
        return "likely negative"
    return "unclear"


class _PillarFit:
    """One pillar's fitted model (internal).

    Per activity, the cumulative effect and the per-lag coefficients as
    ``(estimate, ci_low, ci_high, p_value)``, plus notes.
    """

    def __init__(self, pillar: str):
        self.pillar = pillar
        self.cum: dict[str, tuple[float, float, float, float]] = {}
        self.lags: dict[str, list[tuple[float, float, float, float]]] = {}
        self.notes: dict[str, str] = {}
        self.merged: dict[str, list[str]] = {}
        self.typical: dict[str, float] = {}
        self.pillar_note = ""
        self.n_periods = 0
        self.n_members = 0
        self.method = ""


class _TTest:
    """A linear combination's estimate (statsmodels ``t_test`` interface, one row)."""

    def __init__(self, effect: float, sd: float, df: float):
        self.effect, self.sd, self.df = np.array([effect]), sd, df
        t = effect / sd if sd > 0 else np.nan
        self.pvalue = np.array(2 * stats.t.sf(abs(t), df))

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        q = stats.t.ppf(1 - alpha / 2, self.df)
        return np.array([[self.effect[0] - q * self.sd, self.effect[0] + q * self.sd]])


class ClusterOLS:
    """OLS with member-clustered (CR1) standard errors and t(G − 1) inference.

    The same estimates, covariance and tests as statsmodels'
    ``OLS(y, X, hasconst=False).fit(cov_type="cluster", cov_kwds={"groups": g},
    use_t=True)`` (checked in the tests), computed from the normal equations and
    per-cluster score sums (``np.bincount``) — seconds instead of tens of seconds for a
    million member-weeks, and no n × n or n × k pseudo-inverse.

    Parameters
    ----------
    y : numpy.ndarray
        ``(n,)`` response (already demeaned for fixed effects).
    X : numpy.ndarray
        ``(n, k)`` regressors, no constant.
    groups : numpy.ndarray
        ``(n,)`` integer cluster codes.
    names : list of str
        Column names of ``X``.
    """

    def __init__(self, y: np.ndarray, X: np.ndarray, groups: np.ndarray, names: list[str]):
        X = np.asarray(X, dtype=float)
        n, k = X.shape
        xtx = X.T @ X
        xtx_inv = np.linalg.inv(xtx)
        self.params = xtx_inv @ (X.T @ y)
        resid = y - X @ self.params
        g, _ = pd.factorize(groups)
        n_groups = int(g.max()) + 1
        starts = _run_starts(g)
        if starts is not None:                          # rows grouped by cluster
            scores = np.column_stack([np.add.reduceat(X[:, j] * resid, starts)
                                      for j in range(k)])
        else:
            scores = np.column_stack([np.bincount(g, weights=X[:, j] * resid,
                                                  minlength=n_groups) for j in range(k)])
        meat = scores.T @ scores
        corr = n_groups / (n_groups - 1.0) * ((n - 1.0) / (n - k))
        self._cov = xtx_inv @ meat @ xtx_inv * corr
        self.df = n_groups - 1
        self.bse = np.sqrt(np.diag(self._cov))
        self.pvalues = 2 * stats.t.sf(np.abs(self.params / self.bse), self.df)
        self.resid = resid
        self.model = type("Model", (), {"exog_names": list(names)})()

    def cov_params(self) -> np.ndarray:
        """Return the clustered covariance of the estimates."""
        return self._cov

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        """Return the ``(1 - alpha)`` intervals of the estimates, ``(k, 2)``."""
        q = stats.t.ppf(1 - alpha / 2, self.df)
        return np.column_stack([self.params - q * self.bse, self.params + q * self.bse])

    def t_test(self, R: np.ndarray) -> _TTest:
        """Test the linear combination ``R @ params`` (e.g. a cumulative effect)."""
        R = np.asarray(R, dtype=float).ravel()
        return _TTest(float(R @ self.params), float(np.sqrt(R @ self._cov @ R)), self.df)


def _tt(res, names: list[str], cols: list[str], alpha: float) -> tuple:
    """Cumulative effect of ``cols`` (sum of coefficients) with interval and p-value."""
    R = np.zeros(len(names))
    R[[names.index(c) for c in cols]] = 1.0
    tt = res.t_test(R)
    lo, hi = tt.conf_int(alpha=alpha)[0]
    return (float(np.squeeze(tt.effect)), float(lo), float(hi), float(np.squeeze(tt.pvalue)))


def _combine(est: np.ndarray, var: np.ndarray, alpha: float) -> tuple:
    """Random-effects (iterated) combination of per-member estimates, t-based interval."""
    from statsmodels.stats.meta_analysis import combine_effects

    ok = np.isfinite(est) & np.isfinite(var) & (var > 0)
    est, var = est[ok], var[ok]
    if len(est) < 2:
        return (np.nan,) * 4
    res = combine_effects(est, var, method_re="iterated")
    mean, se = float(res.mean_effect_re), float(res.sd_eff_w_re)
    df = len(est) - 1
    crit = stats.t.ppf(1 - alpha / 2, df)
    p = float(2 * stats.t.sf(abs(mean / se), df)) if se > 0 else np.nan
    return (mean, mean - crit * se, mean + crit * se, p)


def _merge_correlated(rows, kept, lag_cols, fit, threshold=0.8):
    """Report two activities that move together (|r| > threshold) as one combined activity."""
    x = rows[[lag_cols[a][0] for a in kept]].to_numpy(float)
    m = rows["_m"].to_numpy() if "_m" in rows else pd.factorize(rows["member_id"])[0]
    complete = not np.isnan(x).any()
    if len(m) and m.min() != m.max():   # within members: subtract each member's mean
        ok = ~np.isnan(x)                # (NaN skipped)
        starts = _run_starts(m)
        if starts is not None:                           # rows grouped by member
            sizes = np.diff(np.r_[starts, len(m)])
            n = (np.add.reduceat(ok.astype(float), starts, axis=0) if not complete
                 else np.repeat(sizes[:, None].astype(float), x.shape[1], axis=1))
            tot = np.add.reduceat(x if complete else np.where(ok, x, 0.0), starts, axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                x = x - np.repeat(tot / n, sizes, axis=0)
        else:
            n = np.column_stack([np.bincount(m, weights=ok[:, j]) for j in range(x.shape[1])])
            tot = np.column_stack([np.bincount(m, weights=np.where(ok[:, j], x[:, j], 0.0))
                                   for j in range(x.shape[1])])
            with np.errstate(invalid="ignore", divide="ignore"):
                x = x - (tot / n)[m]
    corr = pd.DataFrame(x).corr().to_numpy()
    used: set[str] = set()
    out = []
    for i, a in enumerate(kept):
        if a in used:
            continue
        partner = next((b for j, b in enumerate(kept) if j > i and b not in used
                        and abs(corr[i, j]) > threshold), None)
        if partner is None:
            out.append(a)
            continue
        name = f"{a} + {partner}"
        r = corr[i, kept.index(partner)]
        for k, (ca, cb) in enumerate(zip(lag_cols[a], lag_cols[partner], strict=True)):
            rows[f"{name}_l{k}"] = rows[ca] + rows[cb]
        lag_cols[name] = [f"{name}_l{k}" for k in range(len(lag_cols[a]))]
        fit.merged[name] = [a, partner]
        msg = (f"{ACTIVITY_LABELS.get(a, a).capitalize()} and "
               f"{ACTIVITY_LABELS.get(partner, partner)}"
               f" move together ({r:.2f}); reported jointly as '{name}'.")
        fit.notes[a] = fit.notes[partner] = msg
        used |= {a, partner}
        out.append(name)
    return rows, out


def _members_varying(x: np.ndarray, codes: np.ndarray) -> int:
    """Count the members whose ``x`` takes more than one value."""
    if len(x) == 0:
        return 0
    starts = _run_starts(codes)
    if starts is not None:                        # rows in member order: segment extremes
        return int((np.maximum.reduceat(x, starts) > np.minimum.reduceat(x, starts)).sum())
    spread = pd.Series(x).groupby(codes)
    return int((spread.max() > spread.min()).sum())


def _member_quantiles(X: np.ndarray, codes: np.ndarray, q: float, *,
                      cap: bool = False) -> np.ndarray:
    """Each member's ``q`` quantile of every column of ``X``, repeated on its rows.

    Equals ``DataFrame(X).groupby(codes).quantile(q)`` (linear interpolation) taken back
    to the rows, for data without NaN. Each member's values are laid out as one row of
    a (members, longest history) block and sorted along the rows — many short sorts
    instead of a grouped sort; pandas is used when the block would be more than four
    times the data (very unequal histories) or a value is missing. With ``cap``, ``X``
    is capped at the quantiles in place (winsorised) and returned.
    """
    n, k = X.shape
    out = X if cap else np.empty_like(X)
    if n == 0:
        return out
    e, _ = pd.factorize(codes, sort=True)
    ne = int(e.max()) + 1
    size = np.bincount(e, minlength=ne)
    width = int(size.max())
    if ne * width > 4 * n + 1024 or np.isnan(X).any():
        caps = pd.DataFrame(X).groupby(e).quantile(q).to_numpy()[e]
        if cap:
            np.minimum(X, caps, out=X)
            return X
        return caps
    order = np.argsort(e, kind="stable")
    es = e[order]
    pos = np.arange(n) - np.repeat(np.r_[0, np.cumsum(size)[:-1]], size)
    h = (size - 1) * q
    lo = np.floor(h).astype(np.int64)
    frac = h - lo
    hi = np.minimum(lo + 1, size - 1)
    rows = np.arange(ne)
    block = np.empty((ne, width))
    for j in range(k):
        block.fill(np.inf)                  # past each member's history: sorts last
        block[es, pos] = X[order, j]
        block.sort(axis=1)
        a, b = block[rows, lo], block[rows, hi]
        q_j = (a + (b - a) * frac)[e]
        if cap:
            np.minimum(X[:, j], q_j, out=X[:, j])
        else:
            out[:, j] = q_j
    return out


def _fit_pillar(panel, pillar, acts, max_lag, *, headroom, alpha, winsorize) -> _PillarFit:
    fit = _PillarFit(pillar)
    label = PILLAR_LABELS[pillar]
    lag_cols = {a: [f"{a}_l{k}" for k in range(max_lag + 1)] for a in acts}
    # one row filter of the columns this pillar needs (the panel is wide and long)
    use = (panel["usable"] & panel[f"d_{pillar}"].notna()).to_numpy().copy()
    n_all = int(use.sum())
    start = panel[f"start_{pillar}"].to_numpy()
    capped = use & ((start >= headroom[1]) | (start <= headroom[0]))
    at_cap = capped.sum() / n_all if n_all else 0.0
    if n_all and at_cap > 0.5:
        fit.pillar_note = (f"{label} is at or near its 25-point cap (or at 0) in {at_cap:.0%} of "
                           "weeks; changes cannot show the effect of activity.")
        return fit
    use &= ~capped
    excluded = n_all - int(use.sum())
    member_codes, _ = pd.factorize(panel["member_id"])
    per_member = np.bincount(member_codes[use], minlength=member_codes.max() + 1 if len(
        member_codes) else 0)
    team = (per_member > 0).sum() > 1
    if team:  # members with at least 8 usable changes
        use &= per_member[member_codes] >= 8
    needed = ["member_id", "period", f"d_{pillar}", *(c for a in acts for c in lag_cols[a])]
    rows = panel.loc[use, needed]
    codes = member_codes[use]
    rows["_m"] = codes                     # integer member codes travel with the rows
    members = len(np.unique(codes))
    if members == 0 or (not team and len(rows) < MIN_CHANGES):
        fit.pillar_note = (f"Not enough history to relate activity to {label}: {len(rows)} usable "
                           f"weekly changes, at least {MIN_CHANGES} needed (about 6 months of "
                           "regular snapshots). Showing trends only.")
        return fit
    kept = []
    for a in acts:
        cols = lag_cols[a]
        have = rows[cols].notna().all(axis=1).to_numpy()
        x0 = rows[cols[0]].to_numpy(float)[have]
        active = int((x0 > 0).sum())
        name = ACTIVITY_LABELS.get(a, a)
        varying = _members_varying(x0, codes[have])   # members with > 1 value
        distinct3 = len(x0) > 0 and bool(((x0 > x0.min()) & (x0 < x0.max())).any())
        if have.sum() < MIN_CHANGES:
            fit.notes[a] = (f"{name}: tracked in only {int(have.sum())} of {len(rows)} usable "
                            "weeks — not estimable.")
        elif active < MIN_ACTIVE_PERIODS or not distinct3:      # fewer than 3 values
            fit.notes[a] = (f"{name}: recorded in only {active} of {int(have.sum())} weeks — too "
                            "little variation to estimate.")
        elif members > 1 and varying < min(10, members):
            fit.notes[a] = f"{name}: only {varying} members vary it — not estimable for the team."
        else:
            kept.append(a)
    if not kept:
        return fit
    rows, kept = _merge_correlated(rows, kept, lag_cols, fit)
    cols = [c for a in kept for c in lag_cols[a]]
    data = rows.dropna(subset=cols)
    k = len(cols) + 1
    common = []
    if excluded:
        common.append(f"{excluded} week{'' if excluded == 1 else 's'} starting at 0–1 or 24–25 "
                      "points left out (cap).")
    if panel.attrs.get("missing_share", 0) > 0.5:
        unit = "weeks" if panel.attrs.get("freq", "W") == "W" else "months"
        common.append(f"Snapshots are missing for {panel.attrs['missing_share']:.0%} of {unit}; "
                      f"estimates use the {len(data)} {unit} with a snapshot 6–8 days after the "
                      "previous one." if unit == "weeks" else
                      f"Snapshots are missing for {panel.attrs['missing_share']:.0%} of months.")
    fit.n_periods = len(data)
    fit.n_members = len(np.unique(data["_m"].to_numpy()))
    for a in kept:   # a typical change in the activity: its interquartile range per period
        q25, q75 = np.percentile(data[lag_cols[a][0]].to_numpy(float), [25, 75])
        fit.typical[a] = max(1.0, float(q75 - q25))
    # response and regressors in one column-major block: filled column by column,
    # winsorised and (team) demeaned in place — no whole-block temporaries
    Z = np.empty((len(data), len(cols) + 1), order="F")
    Z[:, 0] = data[f"d_{pillar}"].to_numpy(float)
    for j, c in enumerate(cols, start=1):
        Z[:, j] = data[c].to_numpy(float)
    X, y_all = Z[:, 1:], Z[:, 0]
    m_codes = data["_m"].to_numpy()
    if winsorize:   # every column at once: one grouped quantile, no loop over members
        _member_quantiles(X, m_codes, winsorize, cap=True)
    X_all = pd.DataFrame(X, columns=cols, index=data.index, copy=False)
    if 1 < fit.n_members < MIN_CLUSTERS:
        fit.method = "per-member fits combined (random effects)"
        common.append(f"Small team ({fit.n_members} members): results combine per-member "
                      "estimates; team-level uncertainty is wide.")
        _fit_small_team(fit, data, X_all, y_all, kept, lag_cols, alpha)
    elif fit.n_members > 1:
        fit.method = "member and period fixed effects, member-clustered errors"
        Z = within_two_way(Z, m_codes, data["period"], copy=False)   # in place
        res = ClusterOLS(Z[:, 0], Z[:, 1:], m_codes, cols)
        _store(fit, res, kept, lag_cols, alpha)
    else:
        joint = len(data) >= MIN_OBS_PER_COEF * k
        fit.method = "OLS on weekly changes" + ("" if joint else ", one activity at a time")
        if joint and len(data) < OBS_PER_COEF * k:
            common.append(f"Exploratory: {len(data)} weeks for {k} coefficients (fewer than "
                          f"{OBS_PER_COEF} per coefficient); only strong relationships show.")
        if not joint:
            common.append(f"Exploratory: {len(data)} weeks are too few to adjust activities for "
                          "each other; each activity was fitted alone.")
        for group in ([kept] if joint else [[a] for a in kept]):
            gcols = [c for a in group for c in lag_cols[a]]
            sub = data if joint else rows.dropna(subset=gcols)
            X = X_all[gcols] if joint else sub[gcols]
            y = y_all if joint else sub[f"d_{pillar}"].to_numpy(float)
            res = sm.OLS(y, sm.add_constant(X, has_constant="add")).fit()
            _store(fit, res, group, lag_cols, alpha)
            if len(sub) > 10 and float(acorr_ljungbox(res.resid, lags=[4])["lb_pvalue"].iloc[0]
                                       ) < 0.05:
                msg = ("Week-to-week pattern in the residuals (Ljung–Box p < 0.05); the interval "
                       "may be too narrow.")
                if msg not in common:
                    common.append(msg)
    for a in kept:
        fit.notes[a] = " ".join(common)
    return fit


def _store(fit: _PillarFit, res, group, lag_cols, alpha) -> None:
    names = list(res.model.exog_names)
    ci = np.asarray(res.conf_int(alpha=alpha))
    params, pvals = np.asarray(res.params), np.asarray(res.pvalues)
    for a in group:
        fit.cum[a] = _tt(res, names, lag_cols[a], alpha)
        fit.lags[a] = [(float(params[i]), float(ci[i, 0]), float(ci[i, 1]), float(pvals[i]))
                       for i in (names.index(c) for c in lag_cols[a])]


def _fit_small_team(fit, data, X_all, y_all, kept, lag_cols, alpha) -> None:
    """Per-member OLS (a loop over at most 19 members), combined by random effects."""
    cols = [c for a in kept for c in lag_cols[a]]
    per = {a: [] for a in kept}
    per_lag = {a: [[] for _ in lag_cols[a]] for a in kept}
    for m in sorted(data["member_id"].unique()):
        sel = (data["member_id"] == m).to_numpy()
        X = sm.add_constant(X_all.loc[sel, cols].to_numpy(float), has_constant="add")
        if sel.sum() <= X.shape[1] + 2 or np.linalg.matrix_rank(X) < X.shape[1]:
            continue
        res = sm.OLS(y_all[sel], pd.DataFrame(X, columns=["const", *cols])).fit()
        names = list(res.model.exog_names)
        cov = np.asarray(res.cov_params())
        for a in kept:
            idx = [names.index(c) for c in lag_cols[a]]
            R = np.zeros(len(names))
            R[idx] = 1
            per[a].append((float(R @ np.asarray(res.params)), float(R @ cov @ R)))
            for j, i in enumerate(idx):
                per_lag[a][j].append((float(np.asarray(res.params)[i]), float(cov[i, i])))
    for a in kept:
        if len(per[a]) < 2:
            fit.notes[a] = "Too few members with enough weeks to fit one by one."
            continue
        est, var = map(np.array, zip(*per[a], strict=True))
        fit.cum[a] = _combine(est, var, alpha)
        fit.lags[a] = [_combine(*map(np.array, zip(*lag, strict=True)), alpha)
                       for lag in per_lag[a]]


def _prepare_panel(snapshots, activity, freq, max_lag, coverage):
    cov = activity_coverage(activity) if coverage is None else coverage
    # the four columns as they are (categorical ids stay codes: turning 32 M of them into
    # Python strings took seconds and gigabytes for a 10,000-member team)
    activity = pd.DataFrame({c: activity[c] for c in ("member_id", "date", "activity",
                                                        "count")}, copy=False)
    acts = _order_activities((set(cov["activity"]) | set(activity["activity"].unique()))
                             - set(NOT_MODELLED))
    panel = align(snapshots, activity, freq=freq, max_lag=max_lag, activities=acts,
                  coverage=cov)
    return panel, acts


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
    hit = _rows_with_breaks(panel, breaks)
    out = panel.copy()
    n = int(out.loc[hit, "usable"].sum())
    out.loc[hit, "usable"] = False
    return out, n


def _rows_with_breaks(panel: pd.DataFrame, breaks: pd.DataFrame) -> np.ndarray:
    """Index labels of the panel rows whose interval ``(prev_date, date]`` holds a break.

    For the aligned panel (sorted by member and date, intervals that do not overlap) each
    break falls in at most one row, found by one ``searchsorted``; otherwise every
    member's rows are compared with every break of that member (a merge).
    """
    b = breaks[["member_id", "date"]].drop_duplicates()
    members = pd.Index(np.union1d(panel["member_id"].astype(str).unique(),
                                  b["member_id"].astype(str).unique()))
    pm = members.get_indexer(panel["member_id"].astype(str)).astype(np.int64)
    end = panel["date"].to_numpy().astype("datetime64[ns]").view(np.int64)
    start = panel["prev_date"].to_numpy().astype("datetime64[ns]").view(np.int64)
    when = b["date"].to_numpy().astype("datetime64[ns]").view(np.int64)
    day = 86_400_000_000_000
    same = pm[1:] == pm[:-1]
    tidy = bool(np.all((pm[1:] > pm[:-1]) | (same & (end[1:] > end[:-1])))) and \
        bool(np.all(~same | (start[1:] >= end[:-1]))) and bool(np.all(start < end)) and \
        not (np.any(end % day) or np.any(start % day) or np.any(when % day))
    if not tidy:
        m = panel[["member_id", "prev_date", "date"]].reset_index().merge(
            b.rename(columns={"date": "break"}), on="member_id")
        return m.loc[(m["break"] > m["prev_date"]) & (m["break"] <= m["date"]),
                     "index"].unique()
    bm = members.get_indexer(b["member_id"].astype(str)).astype(np.int64)
    end_d, start_d, when_d = end // day, start // day, when // day      # day numbers
    # (member, end day) as one sortable number: the member's first row ending on/after it
    lo = min(end_d.min(), when_d.min())
    span = max(end_d.max(), when_d.max()) - lo + 1
    pos = np.searchsorted(pm * span + (end_d - lo), bm * span + (when_d - lo), side="left")
    ok = pos < len(pm)
    pos = np.minimum(pos, len(pm) - 1)
    ok &= (pm[pos] == bm) & (start_d[pos] < when_d) & (when_d <= end_d[pos])
    return panel.index.to_numpy()[np.unique(pos[ok])]


def _missing_share(panel: pd.DataFrame, freq: str) -> float:
    """Share of the periods each member spans that have no snapshot."""
    if panel.empty:
        return 0.0
    g = panel.groupby("member_id")["period"]
    span_days = (g.max() - g.min()).dt.days
    span = (span_days / 7 + 1) if freq.upper() == "W" else (span_days / 30.4 + 1).round()
    have = g.size() + 1
    return float(max(0.0, 1 - have.sum() / (span + 1).sum()))


def _fit_all(snapshots, activity, freq, max_lag, headroom, alpha, coverage, winsorize,
             breaks=None, panel=None):
    if max_lag < 0:
        raise ValueError(f"max_lag must be 0 or more, got {max_lag}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if panel is None:
        panel, acts = _prepare_panel(snapshots, activity, freq, max_lag, coverage)
    else:   # aligned once by the caller (features.align with the same freq and lags)
        acts = _order_activities({c.rsplit("_l", 1)[0] for c in panel.columns
                                  if c.rsplit("_l", 1)[-1].isdigit() and "_l" in c}
                                 - set(NOT_MODELLED))
        if any(f"{a}_l{max_lag}" not in panel for a in acts):
            raise ValueError(f"the panel was aligned with fewer than {max_lag} lags")
    panel, n_breaks = drop_breaks(panel, breaks)
    panel.attrs["missing_share"] = _missing_share(panel, freq)
    panel.attrs["freq"] = freq.upper()
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
                if a in fit.cum:
                    unit = "week" if freq.upper() == "W" else "month"
                    weeks = unit if n_breaks == 1 else unit + "s"
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
    panel: pd.DataFrame | None = None,
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
        Smallest effect of interest, in pillar points per week for a typical change in the
        activity (its interquartile range per period, at least one action; monthly periods
        scale it to 30.4/7 weeks). An interval inside those bounds is called negligible,
        even when it excludes zero: with much data, tiny effects become "significant".
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
    panel : pandas.DataFrame, optional
        The output of :func:`ssi_analysis.align` for the same ``freq`` and at least
        ``max_lag`` lags, to skip aligning again (large teams).

    Returns
    -------
    pandas.DataFrame
        One row per activity x pillar: ``activity, pillar, estimate, ci_low, ci_high,
        p_value, q_value, verdict, n_periods, n_members, note`` (DESIGN.md) and
        ``negligible_within`` (the ± bound per action below which the effect is negligible).
        ``estimate`` is pillar points per period for one more action per period (an
        association).

    Raises
    ------
    InsufficientDataError
        Fewer than 26 usable period changes, or no activity at all.
    """
    fits, acts = _fit_all(snapshots, activity, freq, max_lag, headroom, alpha, coverage,
                          winsorize, breaks, panel)
    rows = []
    merged = list(dict.fromkeys(name for fit in fits for name in fit.merged))
    for fit in fits:
        for a in [*acts, *merged]:
            if a in merged and a not in fit.merged:
                continue
            rec = {"activity": a, "pillar": fit.pillar, "estimate": np.nan, "ci_low": np.nan,
                   "ci_high": np.nan, "p_value": np.nan, "n_periods": fit.n_periods,
                   "n_members": fit.n_members,
                   "note": fit.pillar_note or fit.notes.get(a, "")}
            if a in fit.cum:
                est, lo, hi, p = fit.cum[a]
                rec.update(estimate=est, ci_low=lo, ci_high=hi, p_value=p)
            rows.append(rec)
    out = pd.DataFrame(rows)
    out["q_value"] = _bh(out["p_value"].to_numpy(float))
    per_period = sesoi * (1.0 if freq.upper() == "W" else 30.4 / 7)
    typical = {(f.pillar, a): t for f in fits for a, t in f.typical.items()}
    bounds = [per_period / typical.get((p, a), 1.0)
              for a, p in zip(out["activity"], out["pillar"], strict=True)]
    out["verdict"] = [_verdict(e, lo, hi, q, alpha, b) for e, lo, hi, q, b in
                      zip(out["estimate"], out["ci_low"], out["ci_high"], out["q_value"], bounds,
                          strict=True)]
    out["negligible_within"] = np.where(out["estimate"].notna(), bounds, np.nan)
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
    breaks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return each lag's coefficient of the effects model.

    Parameters
    ----------
    snapshots, activity, freq, alpha, headroom, winsorize, coverage, breaks
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
                          winsorize, breaks)
    rows = []
    for fit in fits:
        for a, lags in fit.lags.items():
            for k, (est, lo, hi, p) in enumerate(lags):
                rows.append({"activity": a, "pillar": fit.pillar, "lag": k, "estimate": est,
                             "ci_low": lo, "ci_high": hi, "p_value": p,
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


def effect_sentences(effects: pd.DataFrame, *, alpha: float = 0.10, freq: str = "W"
                     ) -> list[str]:
    """Turn the effects table into plain-language sentences (findings first).

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`estimate_effects`.
    alpha : float
        The interval level used (for the wording "90% range").
    freq : {"W", "M"}
        The period the effects are per (for the wording "week"/"month").

    Returns
    -------
    list of str
        One sentence per "likely positive"/"likely negative" row, then a summary of the
        rest; every sentence is worded as an association.
    """
    level = f"{(1 - alpha):.0%}"
    period = "week" if freq.upper() == "W" else "month"
    out = []
    found = effects[effects["verdict"].isin(["likely positive", "likely negative"])]
    found = found.reindex(found["estimate"].abs().sort_values(ascending=False).index)
    for r in found.itertuples():
        unit = " and ".join(ACTIVITY_SINGULAR.get(a.strip(), a.strip())
                            for a in r.activity.split("+"))
        who = (f"{r.n_members} members and {r.n_periods} member-{period}s" if r.n_members > 1
               else f"{r.n_periods} {period}s")
        out.append(
            f"Each additional {unit} in a {period} goes with {r.estimate:+.3g} points in "
            f"{PILLAR_LABELS[r.pillar]} over that {period} and the next ({level} range "
            f"{r.ci_low:+.3g} to {r.ci_high:+.3g}; based on {who}). This is an association, "
            "not proof that the activity causes the change.")
    neg = effects[effects["verdict"] == "negligible"]
    if len(neg):
        out.append(f"{len(neg)} activity–pillar pairs show no association worth acting on "
                   f"(a typical change in the activity goes with less than ±0.05 points a "
                   "week); see the table.")
    unclear = effects[effects["verdict"] == "unclear"]
    if len(unclear):
        pairs = "pair is" if len(unclear) == 1 else "pairs are"
        out.append(f"{len(unclear)} other activity–pillar {pairs} unclear: the data cannot "
                   "tell a small positive from a small negative association.")
    if not len(found):
        out.insert(0, "No activity shows a clear association with any pillar yet.")
    return out


def predictive_check(
    snapshots: pd.DataFrame,
    activity: pd.DataFrame,
    *,
    freq: str = "W",
    max_lag: int = 1,
    n_splits: int = 4,
    test_size: int = 8,
    min_periods: int = 52,
    headroom: tuple[float, float] = (1.0, 24.0),
    coverage: pd.DataFrame | None = None,
    breaks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Predict each pillar's change out of sample from activity, against the usual change.

    Time-ordered folds (expanding origin): the last ``n_splits`` blocks of ``test_size``
    periods are predicted in turn from all periods before them (one period left out in
    between). The model is a ridge regression on the activity lags (scaled, penalty chosen
    by cross-validation inside the training periods) added to each member's usual change
    in the training periods; the baseline is that usual change alone.

    Parameters
    ----------
    snapshots, activity, freq, max_lag, headroom, coverage, breaks
        As in :func:`estimate_effects`.
    n_splits, test_size : int
        Number of test blocks and their length in periods.
    min_periods : int, default 52
        Fewest usable periods (per pillar) for the check; fewer gives no rows.

    Returns
    -------
    pandas.DataFrame
        One row per predicted period: ``pillar, fold, member_id, period, date, observed,
        predicted, baseline``. See :func:`predictive_skill` for the summary.
    """
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    panel, acts = _prepare_panel(snapshots, activity, freq, max_lag, coverage)
    panel, _ = drop_breaks(panel, breaks)
    out = []
    for p in PILLARS:
        rows = panel[panel["usable"] & panel[f"d_{p}"].notna()]
        start = rows[f"start_{p}"]
        rows = rows[(start > headroom[0]) & (start < headroom[1])]
        cols = [f"{a}_l{k}" for a in acts for k in range(max_lag + 1)
                if rows[f"{a}_l{k}"].notna().mean() >= 0.8 and rows[f"{a}_l{k}"].std() > 0]
        rows = rows.dropna(subset=cols)
        periods = np.sort(rows["period"].unique())
        if not cols or len(periods) < max(min_periods, n_splits * test_size + 10):
            continue
        for fold in range(n_splits):
            lo = len(periods) - (n_splits - fold) * test_size
            test_p = periods[lo: lo + test_size]
            train = rows[rows["period"] < periods[lo - 1]]
            test = rows[rows["period"].isin(test_p)]
            usual = train.groupby("member_id")[f"d_{p}"].mean()
            test = test[test["member_id"].isin(usual.index)]
            if len(train) < 20 or test.empty:
                continue
            y = train[f"d_{p}"] - train["member_id"].map(usual)
            model = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 13)))
            model.fit(train[cols].to_numpy(float), y.to_numpy(float))
            base = test["member_id"].map(usual).to_numpy(float)
            out.append(pd.DataFrame({
                "pillar": p, "fold": fold, "member_id": test["member_id"].to_numpy(),
                "period": test["period"].to_numpy(), "date": test["date"].to_numpy(),
                "observed": test[f"d_{p}"].to_numpy(float),
                "predicted": base + model.predict(test[cols].to_numpy(float)),
                "baseline": base}))
    cols_out = ["pillar", "fold", "member_id", "period", "date", "observed", "predicted",
                "baseline"]
    return (pd.concat(out, ignore_index=True)[cols_out] if out
            else pd.DataFrame(columns=cols_out))


def predictive_skill(predictions: pd.DataFrame) -> pd.DataFrame:
    """Summarise :func:`predictive_check`: skill = 1 − MSE(model) / MSE(usual change).

    Parameters
    ----------
    predictions : pandas.DataFrame
        Output of :func:`predictive_check`.

    Returns
    -------
    pandas.DataFrame
        ``pillar, n, mse_model, mse_baseline, skill`` (skill > 0: activity helps predict).
    """
    rows = []
    for p in PILLARS:
        d = predictions[predictions["pillar"] == p]
        if d.empty:
            rows.append({"pillar": p, "n": 0, "mse_model": np.nan, "mse_baseline": np.nan,
                         "skill": np.nan})
            continue
        mm = float(np.mean((d["observed"] - d["predicted"]) ** 2))
        mb = float(np.mean((d["observed"] - d["baseline"]) ** 2))
        rows.append({"pillar": p, "n": len(d), "mse_model": mm, "mse_baseline": mb,
                     "skill": 1 - mm / mb if mb > 0 else np.nan})
    return pd.DataFrame(rows)
