"""Does a gain last? The same activity's effect traced over the following weeks.

If LinkedIn scores activity on a trailing window, a post can raise a pillar now and lower
it again when it leaves the window: the later lags of the change then carry negative
coefficients. For one activity and pillar, the pillar's weekly change is regressed on the
activity in that week and up to ``max_lag`` weeks before (the other activities' same-week
counts as controls), with the same honest intervals as the effects model; the cumulative
effect after ``k`` weeks tells whether the gain fades.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .inference import MemberOLS
from .panel import drop_breaks, panel_activities, prepare_panel

#: Weeks a fit needs per coefficient.
OBS_PER_COEF = 5
#: Fewest lags worth asking "does it fade?" about.
MIN_LAGS = 4

PERSISTENCE_COLUMNS = ("activity", "pillar", "weeks_checked", "first_weeks", "lasting",
                       "lasting_low", "lasting_high", "later", "later_low", "later_high",
                       "fades_after", "verdict")


def _fit(panel: pd.DataFrame, activity: str, pillar: str, controls: list[str], lags: int,
         headroom: tuple[float, float]):
    cols = [f"{activity}_l{k}" for k in range(lags + 1)] + [f"{c}_l0" for c in controls]
    d = panel[panel["usable"]].dropna(subset=[f"d_{pillar}", *cols])
    start = d[f"start_{pillar}"]
    d = d[(start > headroom[0]) & (start < headroom[1])]
    return d, cols


def persistence(snapshots, activity, pairs, *, max_lag: int = 8, alpha: float = 0.10,
                headroom: tuple[float, float] = (1.0, 24.0), coverage=None, breaks=None,
                panel: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tell, for each ``(activity, pillar)`` pair, whether its association fades.

    Parameters
    ----------
    snapshots, activity
        One member's cleaned snapshots and activity (tables or frames), weekly model.
    pairs : list of (str, str)
        The pairs to trace (e.g. the ones advice is drawn from).
    max_lag : int, default 8
        Most weeks traced; fewer when the data do not allow five weeks per coefficient.
    alpha : float
        ``1 - alpha`` intervals.
    headroom, coverage, breaks
        As in :func:`~ssi_analysis.model.effects.estimate_effects`.
    panel : pandas.DataFrame, optional
        The weekly panel already aligned with at least ``max_lag`` lags (e.g. by
        :class:`~ssi_analysis.model.panel.Panels`), instead of aligning again.

    Returns
    -------
    pandas.DataFrame
        Per pair: ``weeks_checked`` (lags traced), ``first_weeks`` (cumulative effect over
        the week of the activity and the next), ``lasting`` (cumulative over all weeks
        traced) and ``later`` (the weeks after the first two) with intervals,
        ``fades_after`` (weeks until the gain falls below half, when it fades) and a
        ``verdict``: "fades", "lasts" (no sign of fading) or "unknown" (too few weeks).
    """
    rows = []
    if not pairs:
        return pd.DataFrame(columns=list(PERSISTENCE_COLUMNS))
    if panel is None:
        panel, acts = prepare_panel(snapshots, activity, "W", max_lag, coverage)
    else:
        acts = panel_activities(panel, max_lag)
    panel, _ = drop_breaks(panel, breaks)
    for a, p in pairs:
        controls = [c for c in acts if c != a and f"{c}_l0" in panel]
        lags = max_lag
        while lags >= MIN_LAGS:
            d, cols = _fit(panel, a, p, controls, lags, headroom)
            if len(d) >= OBS_PER_COEF * (len(cols) + 1):
                break
            lags -= 1
        rec = {"activity": a, "pillar": p, "weeks_checked": 0, "verdict": "unknown"}
        if lags >= MIN_LAGS and f"{a}_l0" in panel:
            rec.update(_trace(d, cols, a, p, lags, alpha))
        rows.append(rec)
    return pd.DataFrame(rows, columns=list(PERSISTENCE_COLUMNS))


def _trace(d: pd.DataFrame, cols: list[str], a: str, p: str, lags: int, alpha: float) -> dict:
    res = MemberOLS(d[f"d_{p}"].to_numpy(float), d[cols].to_numpy(float), cols)
    own = [f"{a}_l{k}" for k in range(lags + 1)]
    level = 1 - alpha
    first, lasting, later = (res.combo(own[:2]), res.combo(own), res.combo(own[2:]))
    cum = np.cumsum([res.combo([c]).est for c in own])
    peak = max(cum[0], cum[1]) if len(cum) > 1 else cum[0]
    later_hi = later.interval(level)[1]
    fades = bool(peak > 0 and later_hi < 0)
    fades_after = np.nan
    if fades:
        below = np.flatnonzero(cum[1:] <= peak / 2)
        fades_after = float(below[0] + 1) if len(below) else float(lags)
    return {"weeks_checked": lags, "first_weeks": first.est, "lasting": lasting.est,
            "lasting_low": lasting.interval(level)[0], "lasting_high": lasting.interval(level)[1],
            "later": later.est, "later_low": later.interval(level)[0], "later_high": later_hi,
            "fades_after": fades_after,
            "verdict": "fades" if fades else ("lasts" if peak > 0 else "unknown")}


__all__ = ["PERSISTENCE_COLUMNS", "persistence"]
