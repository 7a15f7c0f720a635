"""The honest test: predict pillar changes out of sample, against the usual change."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..schema import PILLARS
from .panel import drop_breaks, panel_activities, prepare_panel

#: Ridge penalties tried (on standardised activity), chosen by leave-one-out error.
ALPHAS = np.logspace(-3, 3, 13)


def ridge_loo(x: np.ndarray, y: np.ndarray,
              alphas: np.ndarray = ALPHAS) -> Callable[[np.ndarray], np.ndarray]:
    """Fit a ridge regression on standardised ``x``, the penalty chosen by leave-one-out.

    The same model as scikit-learn's ``make_pipeline(StandardScaler(), RidgeCV(alphas))``
    (intercept not penalised; efficient leave-one-out errors from one SVD; the first
    penalty with the smallest mean squared error), without its per-call overhead, which
    was most of a member report's prediction check. A test holds the two equal.

    Parameters
    ----------
    x : numpy.ndarray
        Training regressors, shape (n, k).
    y : numpy.ndarray
        Training responses, shape (n,).
    alphas : numpy.ndarray
        Penalties to try.

    Returns
    -------
    callable
        ``predict(x_new) -> numpy.ndarray``.
    """
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    z_mean, y_mean = z.mean(axis=0), y.mean()
    u, s, vt = np.linalg.svd(z - z_mean, full_matrices=False)
    uty, s2 = u.T @ (y - y_mean), s ** 2
    best, best_err = alphas[0], np.inf
    for a in alphas:
        shrink = s2 / (s2 + a)
        lev = (u ** 2) @ shrink + 1.0 / len(y)
        err = np.mean(((y - y_mean - u @ (shrink * uty)) / (1.0 - lev)) ** 2)
        if err < best_err:
            best, best_err = a, err
    coef = vt.T @ (s / (s2 + best) * uty)
    return lambda x_new: ((x_new - mean) / scale - z_mean) @ coef + y_mean


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
    panel: pd.DataFrame | None = None,
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
    panel : pandas.DataFrame, optional
        The panel already aligned with ``freq`` and at least ``max_lag`` lags (e.g. by
        :class:`~ssi_analysis.model.panel.Panels`), instead of aligning again.

    Returns
    -------
    pandas.DataFrame
        One row per predicted period: ``pillar, fold, member_id, period, date, observed,
        predicted, baseline``. See :func:`predictive_skill` for the summary.
    """
    if panel is None:
        panel, acts = prepare_panel(snapshots, activity, freq, max_lag, coverage)
    else:
        acts = panel_activities(panel, max_lag)
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
            predict = ridge_loo(train[cols].to_numpy(float), y.to_numpy(float), ALPHAS)
            base = test["member_id"].map(usual).to_numpy(float)
            out.append(pd.DataFrame({
                "pillar": p, "fold": fold, "member_id": test["member_id"].to_numpy(),
                "period": test["period"].to_numpy(), "date": test["date"].to_numpy(),
                "observed": test[f"d_{p}"].to_numpy(float),
                "predicted": base + predict(test[cols].to_numpy(float)),
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
