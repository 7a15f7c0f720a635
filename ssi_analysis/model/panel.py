"""The analysis panel: period changes with activity windows, breaks left out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..arrays import NS_PER_DAY
from ..features import align, check_freq
from ..schema import ACTIVITIES, NOT_MODELLED
from ..tables import activity_parts


def order_activities(names) -> list[str]:
    """Return activity names in the canonical order (unknown names last, sorted)."""
    known = [a for a in ACTIVITIES if a in set(names)]
    return known + sorted(set(names) - set(known))


def prepare_panel(snapshots, activity, freq, max_lag, coverage):
    """Align snapshots and activity into the panel; return it and the modelled activities."""
    activity, cov = activity_parts(activity, coverage)
    # the four columns as they are (categorical ids stay codes: turning 32 M of them into
    # Python strings took seconds and gigabytes for a 10,000-member team)
    activity = pd.DataFrame({c: activity[c] for c in ("member_id", "date", "activity",
                                                        "count")}, copy=False)
    acts = order_activities((set(cov["activity"]) | set(activity["activity"].unique()))
                             - set(NOT_MODELLED))
    panel = align(snapshots, activity, freq=freq, max_lag=max_lag, activities=acts,
                  coverage=cov)
    return panel, acts


def _lag(column: str) -> int | None:
    """Return the lag of an activity column ``<activity>_l<k>``, or None for other columns."""
    name, _, k = column.rpartition("_l")
    return int(k) if name and k.isdigit() else None


def panel_activities(panel: pd.DataFrame, max_lag: int) -> list[str]:
    """Return the modelled activities of a panel a caller aligned, checking its lags.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`ssi_analysis.features.align` (or :meth:`Panels.get`).
    max_lag : int
        The lags the model uses: every activity needs ``<activity>_l0`` to
        ``<activity>_l<max_lag>``.

    Returns
    -------
    list of str
        The activities (from the ``<activity>_l<k>`` columns), in the canonical order.

    Raises
    ------
    ValueError
        When the panel was aligned with fewer lags.
    """
    acts = order_activities({c.rpartition("_l")[0] for c in panel.columns
                             if _lag(c) is not None} - set(NOT_MODELLED))
    if any(f"{a}_l{max_lag}" not in panel for a in acts):
        raise ValueError(f"the panel was aligned with fewer than {max_lag} lags")
    return acts


class Panels:
    """One member's (or team's) panels, aligned once per period for every model of a report.

    The effects model, the lag profile, the persistence trace and the prediction check
    each need the panel with their own number of lags. A panel aligned with more lags has
    the same rows, and the same values in the smaller lags' columns (sums of whole counts
    are exact), as one aligned with fewer: :meth:`get` aligns once per period with
    ``max_lag`` lags and hands each model that panel without the columns it did not ask
    for.

    Parameters
    ----------
    snapshots, activity, coverage
        As for :func:`ssi_analysis.estimate_effects`.
    max_lag : int
        The most lags any caller asks for (more are aligned separately).
    """

    def __init__(self, snapshots, activity, coverage=None, *, max_lag: int = 8):
        self._data = (snapshots, activity, coverage)
        self.max_lag = max_lag
        self._made: dict[str, pd.DataFrame] = {}

    def get(self, freq: str, max_lag: int) -> pd.DataFrame:
        """Return the panel for period ``freq`` with lags ``0..max_lag``.

        Parameters
        ----------
        freq : {"W", "M"}
            Period of the changes.
        max_lag : int
            Largest lag.

        Returns
        -------
        pandas.DataFrame
            As :func:`ssi_analysis.features.align` with these arguments.
        """
        snapshots, activity, coverage = self._data
        freq = check_freq(freq)
        if max_lag > self.max_lag:
            return prepare_panel(snapshots, activity, freq, max_lag, coverage)[0]
        if freq not in self._made:
            self._made[freq] = prepare_panel(snapshots, activity, freq, self.max_lag,
                                             coverage)[0]
        panel = self._made[freq]
        extra = [c for c in panel.columns if (_lag(c) or 0) > max_lag]
        return panel.drop(columns=extra) if extra else panel


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
    day = NS_PER_DAY
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


def missing_share(panel: pd.DataFrame, freq: str) -> float:
    """Share of the periods each member spans that have no snapshot."""
    if panel.empty:
        return 0.0
    g = panel.groupby("member_id")["period"]
    span_days = (g.max() - g.min()).dt.days
    span = (span_days / 7 + 1) if check_freq(freq) == "W" else (span_days / 30.4 + 1).round()
    have = g.size() + 1
    return float(max(0.0, 1 - have.sum() / (span + 1).sum()))
