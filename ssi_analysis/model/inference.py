"""Honest inference for the effects model: intervals that hold on the data users have.

- One member: OLS with equal-weighted-cosine (EWC) autocorrelation-robust standard errors
  and t critical values with ``nu = 0.4 T^(2/3)`` degrees of freedom (Lazarus, Lewis, Stock
  & Watson 2018): weekly changes are autocorrelated (habits, noise in the level), and plain
  OLS intervals are then too narrow.
- A team: member-clustered CR2 standard errors with Bell–McCaffrey degrees of freedom per
  contrast (Imbens & Kolesár 2016) up to :data:`CR2_MAX_CLUSTERS` members — they hold with
  few or unequal members, where CR1 with t(G − 1) calls false findings; CR1 beyond.
- The interval shown is the one the verdict uses: false-coverage-rate adjusted intervals
  (Benjamini & Yekutieli 2005) at level ``1 - R alpha / m`` for ``R`` of ``m`` pairs
  selected by Benjamini–Hochberg, so an interval excludes zero exactly when its q-value
  passes.
- Minimum detectable effects at 80% power, and empirical-Bayes shrinkage of the
  estimates toward zero (in units of a typical change) for advice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..arrays import run_starts

#: Largest team for CR2 / Bell–McCaffrey inference (one small eigen-decomposition per
#: member); bigger teams use CR1 with t(G − 1), accurate there (docs/methods.md).
CR2_MAX_CLUSTERS = 500
#: Power for minimum detectable effects.
MDE_POWER = 0.80


@dataclass(frozen=True)
class Estimate:
    """A linear combination's estimate, standard error and degrees of freedom."""

    est: float
    se: float
    df: float

    @property
    def p(self) -> float:
        """Two-sided p-value of the t-test against zero."""
        if not (np.isfinite(self.est) and np.isfinite(self.se)) or self.se <= 0:
            return np.nan
        return float(2 * stats.t.sf(abs(self.est / self.se), self.df))

    def interval(self, level: float) -> tuple[float, float]:
        """Return the ``level`` interval (t with ``df`` degrees of freedom)."""
        if not np.isfinite(self.se):
            return (np.nan, np.nan)
        q = stats.t.ppf(0.5 + level / 2, self.df)
        return (self.est - q * self.se, self.est + q * self.se)


NOT_ESTIMATED = Estimate(np.nan, np.nan, np.nan)


def ewc_dof(n: int) -> int:
    """Degrees of freedom (cosine terms) of the EWC long-run variance: ``0.4 n^(2/3)``."""
    return int(max(3, round(0.4 * n ** (2 / 3))))


class MemberOLS:
    """OLS of one member's weekly changes with EWC autocorrelation-robust errors.

    Rows must be in time order. The long-run variance of the scores ``x_t e_t`` is the
    average of their first ``nu`` cosine transforms (scaled by ``n / (n - k)`` for the
    fitted coefficients); contrasts are t(nu)-distributed. Each contrast keeps the more
    cautious of this test and plain OLS (see :meth:`combo`).

    Parameters
    ----------
    y : numpy.ndarray
        ``(n,)`` changes.
    X : numpy.ndarray
        ``(n, k)`` regressors; a constant is added.
    names : list of str
        Column names of ``X``.
    """

    def __init__(self, y: np.ndarray, X: np.ndarray, names: list[str]):
        X = np.column_stack([np.ones(len(y)), np.asarray(X, dtype=float)])
        n = len(y)
        xtx_inv = np.linalg.pinv(X.T @ X)
        self.params = xtx_inv @ (X.T @ y)
        resid = y - X @ self.params
        self.nu = ewc_dof(n)
        t = np.arange(1, n + 1) - 0.5
        basis = np.sqrt(2.0 / n) * np.cos(np.pi * np.outer(np.arange(1, self.nu + 1), t) / n)
        lam = basis @ (X * resid[:, None])               # (nu, k) cosine transforms
        omega = lam.T @ lam / self.nu
        k = X.shape[1]                    # residuals are shrunk by the fit: n / (n - k)
        self.cov = xtx_inv @ (n * omega) @ xtx_inv * (n / max(n - k, 1))
        self.df_ols = max(n - k, 1)
        self.cov_ols = xtx_inv * float(resid @ resid) / self.df_ols
        self.names = ["const", *names]
        self.resid = resid

    def combo(self, cols: list[str]) -> Estimate:
        """Return the sum of the coefficients of ``cols`` (e.g. a cumulative effect).

        Of the autocorrelation-robust and the plain OLS interval, the wider (at 90%): a
        finding must pass both (EWC alone runs slightly above its nominal size in short
        series; plain OLS far above it when changes are autocorrelated).
        """
        r = np.zeros(len(self.names))
        r[[self.names.index(c) for c in cols]] = 1.0
        est = float(r @ self.params)
        ewc = Estimate(est, float(np.sqrt(max(r @ self.cov @ r, 0.0))), float(self.nu))
        ols = Estimate(est, float(np.sqrt(max(r @ self.cov_ols @ r, 0.0))),
                       float(self.df_ols))
        width = [stats.t.ppf(0.95, e.df) * e.se for e in (ewc, ols)]
        return ewc if width[0] >= width[1] else ols


class ClusterFit:
    """OLS on two-way demeaned data with member-clustered, small-sample-honest errors.

    Up to :data:`CR2_MAX_CLUSTERS` members: CR2 (each member's residuals scaled by
    ``(I - H_gg)^(-1/2)``) with Bell–McCaffrey degrees of freedom for each contrast;
    beyond: CR1 with t(G − 1). The demeaned design stands for the full one in the
    adjustment (member fixed effects are nested in the clusters; period effects are
    left out of the hat matrix, a slight approximation checked by simulation).

    Parameters
    ----------
    y, X : numpy.ndarray
        Demeaned response ``(n,)`` and regressors ``(n, k)``.
    groups : numpy.ndarray
        Member codes, rows grouped by member.
    names : list of str
        Column names of ``X``.
    """

    def __init__(self, y: np.ndarray, X: np.ndarray, groups: np.ndarray, names: list[str]):
        X = np.asarray(X, dtype=float)
        n, k = X.shape
        self.names = list(names)
        self.xtx_inv = np.linalg.pinv(X.T @ X)
        self.params = self.xtx_inv @ (X.T @ y)
        resid = y - X @ self.params
        g, _ = pd.factorize(groups)
        starts = run_starts(g)
        if starts is None:
            order = np.argsort(g, kind="stable")
            X, resid, g = X[order], resid[order], g[order]
            starts = run_starts(g)
        self.bounds = list(zip(starts, np.r_[starts[1:], n], strict=True))
        self.G = len(self.bounds)
        self.cr2 = self.G <= CR2_MAX_CLUSTERS
        self._X = X
        if self.cr2:
            self._adjust = []
            meat = np.zeros((k, k))
            for a, b in self.bounds:
                Xg = X[a:b]
                h = Xg @ self.xtx_inv @ Xg.T
                w, v = np.linalg.eigh(np.eye(b - a) - h)
                A = (v * (1.0 / np.sqrt(np.clip(w, 1e-8, None)))) @ v.T
                self._adjust.append(A)
                s = Xg.T @ (A @ resid[a:b])
                meat += np.outer(s, s)
            self.cov = self.xtx_inv @ meat @ self.xtx_inv
        else:
            scores = np.vstack([X[a:b].T @ resid[a:b] for a, b in self.bounds])
            corr = self.G / (self.G - 1.0) * ((n - 1.0) / (n - k))
            self.cov = self.xtx_inv @ (scores.T @ scores) @ self.xtx_inv * corr

    def _bm_dof(self, r: np.ndarray) -> float:
        """Bell–McCaffrey degrees of freedom of the contrast ``r``."""
        m = self.xtx_inv @ r
        b = [A @ (self._X[a:bb] @ m) for A, (a, bb) in zip(self._adjust, self.bounds,
                                                           strict=True)]
        b = [v - v.mean() for v in b]                     # member effects absorbed
        diag = np.array([v @ v for v in b])
        W = np.vstack([v @ self._X[a:bb] for v, (a, bb) in zip(b, self.bounds, strict=True)])
        gtg = np.diag(diag) - W @ self.xtx_inv @ W.T
        den = float(np.sum(gtg * gtg))
        return float(np.trace(gtg) ** 2 / den) if den > 0 else float(self.G - 1)

    def combo(self, cols: list[str]) -> Estimate:
        """Return the sum of the coefficients of ``cols`` with its own degrees of freedom."""
        r = np.zeros(len(self.names))
        r[[self.names.index(c) for c in cols]] = 1.0
        se = float(np.sqrt(max(r @ self.cov @ r, 0.0)))
        df = self._bm_dof(r) if self.cr2 else float(self.G - 1)
        return Estimate(float(r @ self.params), se, max(df, 1.0))


def fcr_level(p: np.ndarray, alpha: float) -> tuple[float, np.ndarray]:
    """Benjamini–Hochberg q-values and the false-coverage-rate interval level.

    Parameters
    ----------
    p : numpy.ndarray
        p-values (NaN for pairs not estimated, which do not count).
    alpha : float
        The false discovery rate and ``1 - alpha`` the nominal interval level.

    Returns
    -------
    (float, numpy.ndarray)
        The interval level ``1 - max(R, 1) alpha / m`` (``R`` pairs selected of ``m``
        estimated) and the q-values.
    """
    q = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return 1 - alpha, q
    q[ok] = stats.false_discovery_control(p[ok], method="bh")
    selected = int((q[ok] <= alpha).sum())
    return 1 - max(selected, 1) * alpha / m, q


def mde(se: float, df: float, alpha: float, power: float = MDE_POWER) -> float:
    """Smallest effect a two-sided test at ``alpha`` detects with ``power``."""
    if not (np.isfinite(se) and np.isfinite(df)) or df <= 0:
        return np.nan
    return float((stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df)) * se)


def shrink(est: np.ndarray, se: np.ndarray, scale: np.ndarray, level: float
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Empirical-Bayes shrinkage of estimates toward zero (normal prior, moments).

    Effects are compared in units of a typical change (``est * scale``: points a week for
    a typical weekly change in the activity), so that posts and reactions share one prior
    ``N(0, tau^2)``, ``tau^2 = max(0, mean(z^2 - s^2))``. The largest raw estimates are the
    most overestimated when picked for advice; the shrunk ones are not.

    Returns
    -------
    (shrunk, low, high) : numpy.ndarray
        Posterior means and ``level`` intervals, per action (NaN where ``est`` is NaN).
    """
    est, se, scale = (np.asarray(a, dtype=float) for a in (est, se, scale))
    ok = np.isfinite(est) & np.isfinite(se) & (se > 0)
    out = [np.full(len(est), np.nan) for _ in range(3)]
    if not ok.any():
        return tuple(out)
    z, s = est[ok] * scale[ok], se[ok] * scale[ok]
    tau2 = max(0.0, float(np.mean(z**2 - s**2)))
    w = tau2 / (tau2 + s**2)
    post_sd = np.sqrt(w * s**2)
    crit = stats.norm.ppf(0.5 + level / 2)
    out[0][ok] = w * z / scale[ok]
    out[1][ok] = (w * z - crit * post_sd) / scale[ok]
    out[2][ok] = (w * z + crit * post_sd) / scale[ok]
    return tuple(out)


__all__ = ["CR2_MAX_CLUSTERS", "ClusterFit", "Estimate", "MemberOLS", "NOT_ESTIMATED",
           "ewc_dof", "fcr_level", "mde", "shrink"]
