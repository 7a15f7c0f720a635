"""How numbers are written for readers: no scientific notation, ranges that differ.

Every number a report prints as text goes through here, so that "−6.81e-05" or a range
"+0.2 to +0.2" can never appear.
"""

from __future__ import annotations

import math


def decimals_for(*values: float, least: int = 1, most: int = 3) -> int:
    """Return the fewest decimals that keep distinct values apart and small ones non-zero.

    Between ``least`` and ``most``.

    Parameters
    ----------
    *values : float
        The numbers printed together (e.g. an estimate and its range).
    least, most : int
        Bounds on the decimals.

    Returns
    -------
    int

    Examples
    --------
    >>> decimals_for(0.21, 0.24)
    2
    >>> decimals_for(0.3, 1.2)
    1
    """
    finite = [v for v in values if v is not None and math.isfinite(v)]
    for d in range(least, most + 1):
        shown = [round(v, d) for v in finite]
        distinct = len(set(shown)) == len(set(finite))
        visible = all(s != 0 or v == 0 for s, v in zip(shown, finite, strict=True))
        if distinct and visible:
            return d
    return most


def signed(value: float, decimals: int = 1) -> str:
    """``+0.4`` / ``−0.4`` (a true minus sign) / ``0``; never scientific notation.

    Examples
    --------
    >>> signed(0.4321, 2)
    '+0.43'
    >>> signed(-0.00001, 2)
    '0.00'
    """
    if value is None or not math.isfinite(value):
        return ""
    text = f"{value:+.{decimals}f}"
    if float(text) == 0:
        return f"{0:.{decimals}f}"
    return text.replace("-", "−")


def plain(value: float, decimals: int = 1) -> str:
    """Write an unsigned number with a fixed number of decimals (``−`` for negatives)."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:.{decimals}f}".replace("-", "−")


def with_range(value: float, low: float, high: float) -> str:
    """``+0.24 (range +0.05 to +0.43)`` with enough decimals for the three to differ.

    Examples
    --------
    >>> with_range(0.2, 0.18, 0.23)
    '+0.20 (range +0.18 to +0.23)'
    """
    d = decimals_for(value, low, high)
    return f"{signed(value, d)} (range {signed(low, d)} to {signed(high, d)})"


def per_action(value: float, low: float | None = None, high: float | None = None
               ) -> tuple[float, float | None, float | None, str]:
    """Scale tiny per-action effects to ``per 10`` or ``per 100`` actions.

    Parameters
    ----------
    value, low, high : float
        An effect per action and its range.

    Returns
    -------
    (float, float, float, str)
        The scaled numbers and the unit, e.g. ``"per 10 actions"``.

    Examples
    --------
    >>> per_action(0.004)[3]
    'per 100 actions'
    """
    scale = 1
    big = max(abs(v) for v in (value, low, high) if v is not None and math.isfinite(v)) \
        if any(v is not None and math.isfinite(v) for v in (value, low, high)) else 1.0
    while big * scale < 0.05 and scale < 1000:
        scale *= 10
    unit = "per action" if scale == 1 else f"per {scale} actions"
    s = (lambda v: None if v is None else v * scale)  # noqa: E731
    return s(value), s(low), s(high), unit


def percent(share: float) -> str:
    """Write a level as a percentage, never rounded up to 100% (``0.998`` → ``"99.8%"``).

    Examples
    --------
    >>> percent(0.9), percent(0.9975), percent(0.99999)
    ('90%', '99.8%', '99.99%')
    """
    for d in range(0, 4):
        text = f"{share * 100:.{d}f}"
        if float(text) < 100 or share >= 1:
            return f"{text}%"
    return f"{share * 100:.4f}%"
