"""Effects of activity on pillar changes: one distributed-lag model per pillar.

Changes, not levels; activity summed over the same interval as the change; all
activities in one model per pillar; the cumulative effect over lags ``0..max_lag`` with a
``1 - alpha`` interval, Benjamini–Hochberg q-values over the table and plain verdict
words. One member: OLS on changes with a residual autocorrelation check. A team: member
and period fixed effects with member-clustered standard errors; 2–19 members: per-member
fits combined by random effects. Everything here is an association, not a cause.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..arrays import run_starts
from ..errors import InsufficientDataError
from ..features import check_freq
from ..memory import reuses_memory
from ..schema import ACTIVITY_LABELS, PILLAR_LABELS, PILLARS
from .inference import ClusterFit, Estimate, MemberOLS, fcr_level, mde, shrink
from .linalg import (
    combine_random_effects,
    member_quantiles,
    members_varying,
    within_two_way,
)
from .panel import drop_breaks, missing_share, panel_activities, prepare_panel

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


#: Share of weeks at the cap (or at 0) above which a pillar is not modelled at all.
MAX_CAPPED_SHARE = 0.5
#: Fewest usable changes a team member needs to enter the team model.
MIN_MEMBER_CHANGES = 8
#: Fewest members who must vary an activity for it to be estimable for a team.
MIN_VARYING_MEMBERS = 10
#: Activities correlated beyond this (within members) are reported jointly.
JOINT_CORRELATION = 0.8


EFFECT_COLUMNS = ("activity", "pillar", "estimate", "ci_low", "ci_high", "p_value", "q_value",
                  "verdict", "n_periods", "n_members", "note", "negligible_within",
                  "interval_level", "se", "df", "mde", "shrunk", "shrunk_low", "shrunk_high")


VERDICTS = ("likely positive", "likely negative", "unclear", "negligible", "not estimable")


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
    :class:`~ssi_analysis.model.inference.Estimate`, plus notes.
    """

    def __init__(self, pillar: str):
        self.pillar = pillar
        self.cum: dict[str, Estimate] = {}
        self.lags: dict[str, list[Estimate]] = {}
        self.detectable: dict[str, tuple[float, float]] = {}   # (se, df) when not estimated
        self.notes: dict[str, str] = {}
        self.merged: dict[str, list[str]] = {}
        self.typical: dict[str, float] = {}
        self.pillar_note = ""
        self.n_periods = 0
        self.n_members = 0
        self.method = ""


def _merge_correlated(rows, kept, lag_cols, fit, threshold=JOINT_CORRELATION):
    """Report two activities that move together (|r| > threshold) as one combined activity."""
    x = rows[[lag_cols[a][0] for a in kept]].to_numpy(float)
    m = rows["_m"].to_numpy() if "_m" in rows else pd.factorize(rows["member_id"])[0]
    complete = not np.isnan(x).any()
    if len(m) and m.min() != m.max():   # within members: subtract each member's mean
        ok = ~np.isnan(x)                # (NaN skipped)
        starts = run_starts(m)
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


def _usable_rows(panel, pillar, acts, lag_cols, headroom, fit):
    """Return the panel rows one pillar is fitted on: usable intervals with headroom.

    Returns ``(rows, codes, excluded, team)`` or None when the pillar cannot be modelled
    (the reason is in ``fit.pillar_note``).
    """
    label = PILLAR_LABELS[pillar]
    # one row filter of the columns this pillar needs (the panel is wide and long)
    use = (panel["usable"] & panel[f"d_{pillar}"].notna()).to_numpy().copy()
    n_all = int(use.sum())
    start = panel[f"start_{pillar}"].to_numpy()
    capped = use & ((start >= headroom[1]) | (start <= headroom[0]))
    at_cap = capped.sum() / n_all if n_all else 0.0
    if n_all and at_cap > MAX_CAPPED_SHARE:
        fit.pillar_note = (f"{label} is at or near its 25-point cap (or at 0) in {at_cap:.0%} of "
                           "weeks; changes cannot show the effect of activity.")
        return None
    use &= ~capped
    excluded = n_all - int(use.sum())
    member_codes, _ = pd.factorize(panel["member_id"])
    per_member = np.bincount(member_codes[use], minlength=member_codes.max() + 1 if len(
        member_codes) else 0)
    team = (per_member > 0).sum() > 1
    if team:
        use &= per_member[member_codes] >= MIN_MEMBER_CHANGES
    needed = ["member_id", "period", f"d_{pillar}", *(c for a in acts for c in lag_cols[a])]
    rows = panel.loc[use, needed]
    codes = member_codes[use]
    rows["_m"] = codes                     # integer member codes travel with the rows
    members = len(np.unique(codes))
    if members == 0 or (not team and len(rows) < MIN_CHANGES):
        fit.pillar_note = (f"Not enough history to relate activity to {label}: {len(rows)} usable "
                           f"weekly changes, at least {MIN_CHANGES} needed (about 6 months of "
                           "regular snapshots). Showing trends only.")
        return None
    return rows, codes, excluded, members


def _estimable(rows, codes, acts, lag_cols, members, fit) -> list[str]:
    """Return the activities with enough tracked, varying weeks; note why not the others."""
    kept = []
    for a in acts:
        cols = lag_cols[a]
        have = rows[cols].notna().all(axis=1).to_numpy()
        x0 = rows[cols[0]].to_numpy(float)[have]
        active = int((x0 > 0).sum())
        name = ACTIVITY_LABELS.get(a, a)
        varying = members_varying(x0, codes[have])   # members with > 1 value
        distinct3 = len(x0) > 0 and bool(((x0 > x0.min()) & (x0 < x0.max())).any())
        if have.sum() < MIN_CHANGES:
            fit.notes[a] = (f"{name}: tracked in only {int(have.sum())} of {len(rows)} usable "
                            "weeks — not estimable.")
        elif active < MIN_ACTIVE_PERIODS or not distinct3:      # fewer than 3 values
            fit.notes[a] = (f"{name}: recorded in only {active} of {int(have.sum())} weeks — too "
                            "little variation to estimate.")
        elif members > 1 and varying < min(MIN_VARYING_MEMBERS, members):
            fit.notes[a] = f"{name}: only {varying} members vary it — not estimable for the team."
        else:
            kept.append(a)
    return kept


def _data_notes(missing: float, freq: str, excluded: int, n_rows: int) -> list[str]:
    """Return the notes shared by a pillar's activities: weeks at the cap, missing ones."""
    common = []
    if excluded:
        common.append(f"{excluded} week{'' if excluded == 1 else 's'} starting at 0–1 or 24–25 "
                      "points left out (cap).")
    if missing > 0.5:
        unit = "weeks" if freq == "W" else "months"
        common.append(f"Snapshots are missing for {missing:.0%} of {unit}; "
                      f"estimates use the {n_rows} {unit} with a snapshot 6–8 days after the "
                      "previous one." if unit == "weeks" else
                      f"Snapshots are missing for {missing:.0%} of months.")
    return common


def _design(data, pillar, cols, winsorize):
    """Response and regressors in one column-major block ``[y, X]``.

    Filled column by column, winsorised (each member's activity capped at its
    ``winsorize`` quantile) in place — no whole-block temporaries.
    """
    Z = np.empty((len(data), len(cols) + 1), order="F")
    Z[:, 0] = data[f"d_{pillar}"].to_numpy(float)
    for j, c in enumerate(cols, start=1):
        Z[:, j] = data[c].to_numpy(float)
    if winsorize:   # every column at once: one grouped quantile, no loop over members
        member_quantiles(Z[:, 1:], data["_m"].to_numpy(), winsorize, cap=True)
    return Z


def changes_needed(n_activities: int, lags: int = 0) -> int:
    """Usable weekly changes one member needs before the joint model is fitted.

    The larger of :data:`MIN_CHANGES` and five changes per coefficient (``n_activities``
    at ``lags + 1`` lags, plus the intercept): the rule :func:`estimate_effects` applies.

    >>> changes_needed(7), changes_needed(2)
    (40, 26)
    """
    return max(MIN_CHANGES, MIN_OBS_PER_COEF * (n_activities * (lags + 1) + 1))


def _lags_that_fit(n: int, kept: list[str], max_lag: int) -> int | None:
    """Return the most lags one member's joint model can take (five weeks a coefficient)."""
    for lags in range(max_lag, -1, -1):
        if n >= MIN_OBS_PER_COEF * (len(kept) * (lags + 1) + 1):
            return lags
    return None


def _fit_one_member(fit, data, X_all, y_all, kept, lag_cols, max_lag, common):
    """Joint OLS of one member's changes with EWC errors — or no fit at all.

    Never one activity at a time (correlated activities would take each other's credit):
    with too few weeks for every lag, only the same-week association is fitted; with too
    few even for that, nothing is, and the notes say how many weeks are needed.
    """
    n = len(data)
    lags = _lags_that_fit(n, kept, max_lag)
    if lags is None:
        need = MIN_OBS_PER_COEF * (len(kept) + 1)
        sd_y = np.std(y_all, ddof=1) if n > 1 else np.nan
        for a in kept:
            sd_x = np.std(X_all[lag_cols[a][0]].to_numpy(float), ddof=1) if n > 1 else 0.0
            fit.detectable[a] = (sd_y / (sd_x * np.sqrt(n)) if sd_x > 0 else np.nan,
                                 max(n - 2, 1))
        fit.method = "not fitted: too few weeks"
        common.append(f"Not enough weeks yet to relate {len(kept)} activities to this pillar "
                      f"together: {n} usable weeks, about {need} needed ({need - n} more at "
                      "one snapshot a week). Activities fitted one at a time would take "
                      "each other's credit, so none is.")
        return
    cols = [c for a in kept for c in lag_cols[a][:lags + 1]]
    k = len(cols) + 1
    res = MemberOLS(y_all, X_all[cols].to_numpy(float), cols)
    fit.method = "OLS on weekly changes, autocorrelation-robust (EWC) intervals"
    if lags < max_lag:
        common.append(f"With {n} weeks only the same-week association is estimated (the "
                      f"week-after effect needs about {MIN_OBS_PER_COEF * (2 * len(kept) + 1)} "
                      "weeks).")
    if n < OBS_PER_COEF * k:
        common.append(f"Exploratory: {n} weeks for {k} coefficients (fewer than "
                      f"{OBS_PER_COEF} per coefficient); only strong relationships show.")
    for a in kept:
        fit.cum[a] = res.combo(lag_cols[a][:lags + 1])
        fit.lags[a] = [res.combo([c]) for c in lag_cols[a][:lags + 1]]


def _fit_pillar(panel, pillar, acts, max_lag, *, headroom, alpha, winsorize, missing,
                freq) -> _PillarFit:
    fit = _PillarFit(pillar)
    lag_cols = {a: [f"{a}_l{k}" for k in range(max_lag + 1)] for a in acts}
    usable = _usable_rows(panel, pillar, acts, lag_cols, headroom, fit)
    if usable is None:
        return fit
    rows, codes, excluded, members = usable
    del usable
    kept = _estimable(rows, codes, acts, lag_cols, members, fit)
    if not kept:
        return fit
    rows, kept = _merge_correlated(rows, kept, lag_cols, fit, JOINT_CORRELATION)
    cols = [c for a in kept for c in lag_cols[a]]
    data = rows.dropna(subset=cols)
    del rows, codes                     # the fit's rows are in `data` (freed before the block)
    common = _data_notes(missing, freq, excluded, len(data))
    fit.n_periods = len(data)
    fit.n_members = len(np.unique(data["_m"].to_numpy()))
    for a in kept:   # a typical change in the activity: its interquartile range per period
        q25, q75 = np.percentile(data[lag_cols[a][0]].to_numpy(float), [25, 75])
        fit.typical[a] = max(1.0, float(q75 - q25))
    Z = _design(data, pillar, cols, winsorize)
    X_all = pd.DataFrame(Z[:, 1:], columns=cols, index=data.index, copy=False)
    y_all = Z[:, 0]
    if 1 < fit.n_members < MIN_CLUSTERS:
        fit.method = "per-member fits combined (random effects)"
        common.append(f"Small team ({fit.n_members} members): results combine per-member "
                      "estimates; team-level uncertainty is wide.")
        _fit_small_team(fit, data, X_all, y_all, kept, lag_cols)
    elif fit.n_members > 1:
        m_codes = data["_m"].to_numpy()
        Z = within_two_way(Z, m_codes, data["period"], copy=False)   # in place
        res = ClusterFit(Z[:, 0], Z[:, 1:], m_codes, cols)
        fit.method = ("member and period fixed effects, member-clustered "
                      + ("CR2 errors with Bell–McCaffrey degrees of freedom" if res.cr2
                         else "CR1 errors"))
        for a in kept:
            fit.cum[a] = res.combo(lag_cols[a])
            fit.lags[a] = [res.combo([c]) for c in lag_cols[a]]
    else:
        _fit_one_member(fit, data, X_all, y_all, kept, lag_cols, max_lag, common)
    for a in kept:
        fit.notes[a] = " ".join(common)
    return fit


def _fit_small_team(fit, data, X_all, y_all, kept, lag_cols) -> None:
    """Per-member OLS (a loop over at most 19 members), combined by random effects."""
    cols = [c for a in kept for c in lag_cols[a]]
    per = {a: [] for a in kept}
    per_lag = {a: [[] for _ in lag_cols[a]] for a in kept}
    names = ["const", *cols]
    for m in sorted(data["member_id"].unique()):
        sel = (data["member_id"] == m).to_numpy()
        X = np.column_stack([np.ones(int(sel.sum())), X_all.loc[sel, cols].to_numpy(float)])
        if sel.sum() <= X.shape[1] + 2 or np.linalg.matrix_rank(X) < X.shape[1]:
            continue
        xtx_inv = np.linalg.inv(X.T @ X)
        beta = xtx_inv @ (X.T @ y_all[sel])
        resid = y_all[sel] - X @ beta
        cov = xtx_inv * (resid @ resid) / (len(resid) - X.shape[1])
        for a in kept:
            idx = [names.index(c) for c in lag_cols[a]]
            R = np.zeros(len(names))
            R[idx] = 1
            per[a].append((float(R @ beta), float(R @ cov @ R)))
            for j, i in enumerate(idx):
                per_lag[a][j].append((float(beta[i]), float(cov[i, i])))
    for a in kept:
        if len(per[a]) < 2:
            fit.notes[a] = "Too few members with enough weeks to fit one by one."
            continue
        est, var = map(np.array, zip(*per[a], strict=True))
        fit.cum[a] = combine_random_effects(est, var)
        fit.lags[a] = [combine_random_effects(*map(np.array, zip(*lag, strict=True)))
                       for lag in per_lag[a]]


def _fit_all(snapshots, activity, freq, max_lag, headroom, alpha, coverage, winsorize,
             breaks=None, panel=None):
    freq = check_freq(freq)
    if max_lag < 0:
        raise ValueError(f"max_lag must be 0 or more, got {max_lag}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if panel is None:
        panel, acts = prepare_panel(snapshots, activity, freq, max_lag, coverage)
    else:   # aligned once by the caller (features.align with the same freq and lags)
        acts = panel_activities(panel, max_lag)
    panel, n_breaks = drop_breaks(panel, breaks)
    missing = missing_share(panel, freq)
    # counted, not copied: a copy of the usable rows would stay alive through every fit
    use = panel["usable"].to_numpy(bool)
    n_usable = int(use.sum())
    per_member = np.bincount(pd.factorize(panel["member_id"])[0][use])
    if n_usable < MIN_CHANGES or (per_member >= MIN_MEMBER_CHANGES).sum() == 0:
        unit = "weekly" if freq == "W" else "monthly"
        raise InsufficientDataError(
            f"Not enough history to relate activity to pillar changes: {n_usable} usable "
            f"{unit} changes, at least {MIN_CHANGES} needed (about 6 months of regular "
            "snapshots, one at least every 8 days).")
    if not acts:
        raise InsufficientDataError("No activity data: load a LinkedIn data export or an "
                                    "activity CSV covering the snapshot period.")
    fits = [_fit_pillar(panel, p, acts, max_lag, headroom=headroom, alpha=alpha,
                        winsorize=winsorize, missing=missing, freq=freq) for p in PILLARS]
    if n_breaks:
        for fit in fits:
            for a in fit.notes:
                if a in fit.cum:
                    unit = "week" if freq == "W" else "month"
                    weeks = unit if n_breaks == 1 else unit + "s"
                    fit.notes[a] = (f"{n_breaks} {weeks} containing a break (level shift or "
                                    f"formula change) left out. {fit.notes[a]}").strip()
    return fits, acts


@reuses_memory
def estimate_effects(
    snapshots: pd.DataFrame,
    activity: pd.DataFrame,
    *,
    freq: str = "W",
    max_lag: int = 1,
    alpha: float = 0.10,
    sesoi: float = 0.05,
    headroom: tuple[float, float] = (1.0, 24.0),
    winsorize: float | None = None,
    coverage: pd.DataFrame | None = None,
    breaks: pd.DataFrame | None = None,
    panel: pd.DataFrame | None = None,
    fdr: float | None = None,
) -> pd.DataFrame:
    """Estimate how each activity relates to each pillar's change (cumulative over lags).

    Parameters
    ----------
    snapshots : pandas.DataFrame, SnapshotTable or CleanResult
        Cleaned snapshots (one per member-day).
    activity : ActivityTable or pandas.DataFrame
        Activity with its coverage (from :func:`ssi_analysis.load_activity`), or counts
        alone (coverage then inferred).
    freq : {"W", "M"}, default "W"
        Period of the changes.
    max_lag : int, default 1
        Lags ``0..max_lag`` periods enter the model; the estimate is their sum.
    alpha : float, default 0.10
        ``1 - alpha`` is the nominal interval level (the table's intervals are widened
        for the number of pairs tested, see ``fdr``), and the level of the minimum
        detectable effects and of the shrunk ranges.
    fdr : float, optional
        False discovery rate of the "likely" verdicts (Benjamini–Hochberg over the
        table); default ``alpha / 2``, which keeps false findings under 10% of all
        findings in the validation suite (docs/methods.md). The intervals shown are the
        matching false-coverage-rate intervals, level ``1 - R fdr / m`` for ``R`` of
        ``m`` pairs selected: a "likely" verdict's interval excludes zero, an "unclear"
        one's includes it.
    sesoi : float, default 0.05
        Smallest effect of interest, in pillar points per week for a typical change in the
        activity (its interquartile range per period, at least one action; monthly periods
        scale it to 30.4/7 weeks). An interval inside those bounds is called negligible,
        even when it excludes zero: with much data, tiny effects become "significant".
    headroom : tuple of float, default (1, 24)
        Only periods starting strictly between these levels are modelled (the 0–25 cap
        hides effects at the edges).
    winsorize : float or None, default None
        Cap each activity's period counts at this quantile per member (bulk actions such
        as 100 invitations in an afternoon). Off by default: capping the regressor alone
        biases the estimate (by one to two interval half-widths in team simulations),
        and the member-clustered intervals already allow for such weeks.
    coverage : pandas.DataFrame, optional
        Tracked dates per member and activity; default the activity table's.
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
        p_value, q_value, verdict, n_periods, n_members, note``, ``negligible_within``
        (the ± bound per action below which the effect is negligible),
        ``interval_level`` (of ``ci_low``/``ci_high``), ``se`` and ``df`` (of the test),
        ``mde`` (the smallest effect the data detect with 80% power at ``alpha``) and
        ``shrunk``, ``shrunk_low``, ``shrunk_high`` (shrunk toward zero: the numbers
        advice uses). ``estimate`` is pillar points per period for one more action per
        period (an association).

    Raises
    ------
    InsufficientDataError
        Fewer than 26 usable period changes, or no activity at all.
    """
    fits, acts = _fit_all(snapshots, activity, freq, max_lag, headroom, alpha, coverage,
                          winsorize, breaks, panel)
    out = _table(fits, acts)
    fdr = alpha / 2 if fdr is None else fdr
    level, out["q_value"] = fcr_level(out["p_value"].to_numpy(float), fdr)
    ests = [_estimate(r) for r in out.itertuples()]
    out["ci_low"], out["ci_high"] = zip(*[e.interval(level) for e in ests], strict=True) \
        if ests else ([], [])
    out["interval_level"] = np.where(out["estimate"].notna(), level, np.nan)
    per_period = sesoi * (1.0 if check_freq(freq) == "W" else 30.4 / 7)
    typical = {(f.pillar, a): t for f in fits for a, t in f.typical.items()}
    scale = np.array([typical.get((p, a), 1.0)
                      for a, p in zip(out["activity"], out["pillar"], strict=True)])
    bounds = per_period / scale
    out["verdict"] = [_verdict(e, lo, hi, q, fdr, b) for e, lo, hi, q, b in
                      zip(out["estimate"], out["ci_low"], out["ci_high"], out["q_value"], bounds,
                          strict=True)]
    out["negligible_within"] = np.where(out["estimate"].notna(), bounds, np.nan)
    out["mde"] = [mde(se, df, alpha) for se, df in zip(out["se"], out["df"], strict=True)]
    out["shrunk"], out["shrunk_low"], out["shrunk_high"] = shrink(
        out["estimate"].to_numpy(float), out["se"].to_numpy(float), scale, 1 - alpha)
    out["note"] = [_mde_note(n, m, v, p) for n, m, v, p in
                   zip(out["note"], out["mde"], out["verdict"], out["n_periods"], strict=True)]
    out["n_periods"] = out["n_periods"].astype(int)
    out["n_members"] = out["n_members"].astype(int)
    return out[list(EFFECT_COLUMNS)]


def _table(fits, acts) -> pd.DataFrame:
    """One row per activity x pillar with the estimate, its standard error and df."""
    rows = []
    merged = list(dict.fromkeys(name for fit in fits for name in fit.merged))
    for fit in fits:
        for a in [*acts, *merged]:
            if a in merged and a not in fit.merged:
                continue
            e = fit.cum.get(a)
            se, df = (e.se, e.df) if e is not None else fit.detectable.get(a, (np.nan, np.nan))
            rows.append({"activity": a, "pillar": fit.pillar,
                         "estimate": e.est if e is not None else np.nan, "se": se, "df": df,
                         "p_value": e.p if e is not None else np.nan,
                         "n_periods": fit.n_periods, "n_members": fit.n_members,
                         "note": fit.pillar_note or fit.notes.get(a, "")})
    return pd.DataFrame(rows, columns=["activity", "pillar", "estimate", "se", "df",
                                       "p_value", "n_periods", "n_members", "note"])


def _estimate(r) -> Estimate:
    return Estimate(r.estimate, r.se, r.df) if np.isfinite(r.estimate) else \
        Estimate(np.nan, np.nan, np.nan)


def _mde_note(note: str, m: float, verdict: str, n: int) -> str:
    """Add what the data could show to the note of an unclear or unfitted pair."""
    if not np.isfinite(m) or verdict not in ("unclear", "not estimable"):
        return note
    return (f"{note} With these data, associations smaller than about {m:.2g} points per "
            "action could not be told from zero.").strip()


def lag_profile(
    snapshots: pd.DataFrame,
    activity: pd.DataFrame,
    *,
    freq: str = "W",
    max_lag: int = 3,
    alpha: float = 0.10,
    headroom: tuple[float, float] = (1.0, 24.0),
    winsorize: float | None = None,
    coverage: pd.DataFrame | None = None,
    breaks: pd.DataFrame | None = None,
    panel: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return each lag's coefficient of the effects model.

    Parameters
    ----------
    snapshots, activity, freq, alpha, headroom, winsorize, coverage, breaks
        As in :func:`estimate_effects`.
    max_lag : int, default 3
        Largest lag.
    panel : pandas.DataFrame, optional
        The panel already aligned with ``freq`` and at least ``max_lag`` lags (e.g. by
        :class:`ssi_analysis.model.panel.Panels`), instead of aligning again.

    Returns
    -------
    pandas.DataFrame
        ``activity, pillar, lag, estimate, ci_low, ci_high, p_value, n_periods`` for the
        estimable activity x pillar pairs.
    """
    fits, acts = _fit_all(snapshots, activity, freq, max_lag, headroom, alpha, coverage,
                          winsorize, breaks, panel)
    rows = []
    for fit in fits:
        for a, lags in fit.lags.items():
            for k, e in enumerate(lags):
                lo, hi = e.interval(1 - alpha)
                rows.append({"activity": a, "pillar": fit.pillar, "lag": k, "estimate": e.est,
                             "ci_low": lo, "ci_high": hi, "p_value": e.p,
                             "n_periods": fit.n_periods})
    return pd.DataFrame(rows, columns=["activity", "pillar", "lag", "estimate", "ci_low",
                                       "ci_high", "p_value", "n_periods"])
