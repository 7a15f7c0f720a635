"""Exploratory correlations of pillar changes with each activity, lag by lag."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..schema import PILLARS
from .linalg import bh
from .panel import prepare_panel


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
    panel, acts = prepare_panel(snapshots, activity, freq, max_lag, coverage)
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
    out["q_value"] = bh(out["p_value"].to_numpy(float))
    return out[["activity", "pillar", "lag", "r", "ci_low", "ci_high", "p_value", "q_value", "n"]]
