"""Deterministic synthetic SSI histories with planted effects, and the bundled sample.

Two generators share one activity model (``methods.md`` §5.1):

* :func:`make_synthetic` — the realistic tier: daily activity counts driven by a shared
  AR(1) "time on LinkedIn" (so activities move together), a weekday rhythm, bursts of
  invitations and an optional ramp; each pillar responds to activity with a 1–7 day delay,
  decays slowly towards the member's habitual level, is capped to 0–25 and observed
  with snapshot noise, missing days, tracker outages and same-day duplicate captures.
* :func:`make_linear_panel` — the model-consistent tier: the weekly pillar change is
  exactly ``alpha_i + tau_w + sum_k beta_k x_{w-k} + e``, for exact-recovery tests.

:func:`write_sample` turns a realistic history into the files users really have: one
``salesApiSsi`` JSON payload per capture, as a tracker saves them, and a LinkedIn
"Get a copy of your data" folder. Every name in it is obviously fictional.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import signal, stats

from .schema import LINKEDIN_PILLARS, PILLAR_MAX, PILLARS

#: Planted effects of the bundled sample: total pillar points per single action,
#: spread over the 1–7 day response kernel. Every pair not listed is a planted null.
DEFAULT_EFFECTS: dict[tuple[str, str], float] = {
    ("posts", "brand"): 0.12,
    ("posts", "insights"): 0.15,
    ("comments", "insights"): 0.06,
    ("invitations_sent", "people"): 0.03,
    ("connections", "relationships"): 0.05,
}

#: Activities the realistic generator produces, with their mean count on a weekday.
DAILY_RATES: dict[str, float] = {
    "posts": 0.32,
    "reposts": 0.12,
    "comments": 0.8,
    "reactions": 3.0,
    "invitations_sent": 0.7,
    "messages_sent": 1.6,
}

#: Pillar response kernel over days 0..6 after an action (sums to 1).
RESPONSE_KERNEL = np.array([0.10, 0.30, 0.25, 0.15, 0.10, 0.06, 0.04])

_WEEKDAY_RHYTHM = np.array([1.1, 1.2, 1.2, 1.15, 0.95, 0.3, 0.25])
_FICTIONAL_FIRST = (
    "Ada", "Bram", "Cleo", "Dario", "Edda", "Fenn", "Gala", "Hugo", "Ines", "Jonas",
    "Kira", "Lior", "Mara", "Nico", "Orla", "Pavel", "Quinn", "Rhea", "Soren", "Tove",
)
_FICTIONAL_LAST = (
    "Example", "Sample", "Placeholder", "Testington", "Fakename", "Mockley",
    "Dummyson", "Notreal", "Fixture", "Specimen",
)


@dataclass(frozen=True)
class SyntheticData:
    """A synthetic history: what was observed, and the truth behind it.

    Attributes
    ----------
    snapshots : pandas.DataFrame
        Observed snapshots in the canonical snapshot columns, with missing days, outages
        and same-day duplicate captures; ``captured_at`` in UTC.
    activity : pandas.DataFrame
        Daily counts in the canonical long activity form (zero days omitted).
    truth : pandas.DataFrame
        One row per activity x pillar: ``activity, pillar, effect`` (points per action;
        0 for planted nulls).
    levels : pandas.DataFrame
        The true daily pillar levels (before snapshot noise), for diagnostics.
    members : pandas.DataFrame
        ``member_id, name, tz, industry`` (fictional).
    """

    snapshots: pd.DataFrame
    activity: pd.DataFrame
    truth: pd.DataFrame
    levels: pd.DataFrame
    members: pd.DataFrame
    meta: dict = field(default_factory=dict)


def _truth_table(effects: Mapping[tuple[str, str], float], activities) -> pd.DataFrame:
    rows = [
        {"activity": a, "pillar": p, "effect": float(effects.get((a, p), 0.0))}
        for a in activities
        for p in PILLARS
    ]
    return pd.DataFrame(rows)


def _fictional_names(n: int, rng: np.random.Generator) -> list[str]:
    first = rng.choice(_FICTIONAL_FIRST, size=n)
    last = rng.choice(_FICTIONAL_LAST, size=n)
    return [f"{f} {last_} {i + 1:04d}" if n > 200 else f"{f} {last_}" for i, (f, last_) in
            enumerate(zip(first, last, strict=True))]


def simulate_activity(
    n_members: int,
    dates: pd.DatetimeIndex,
    rng: np.random.Generator,
    *,
    rates: Mapping[str, float] | None = None,
    latent_ar: float = 0.9,
    latent_sd: float = 0.5,
    ramp_sd: float = 0.3,
    burst_p: float = 0.02,
    burst_size: float = 25.0,
    accept_p: float = 0.35,
    own_month_sd: float = 0.0,
) -> dict[str, np.ndarray]:
    """Simulate daily activity counts for many members at once.

    Parameters
    ----------
    n_members : int
        Number of members.
    dates : pandas.DatetimeIndex
        Consecutive calendar days.
    rng : numpy.random.Generator
        Source of randomness (the only one used).
    rates : mapping, optional
        Mean weekday count per activity; defaults to :data:`DAILY_RATES`.
    latent_ar, latent_sd : float
        Daily AR(1) coefficient and stationary SD of the shared log-intensity
        ("time on LinkedIn"), which makes activities move together.
    ramp_sd : float
        SD of each member's linear change in log-intensity over the whole period.
    burst_p, burst_size : float
        Daily probability and mean size of a bulk-invitation burst.
    accept_p : float
        Probability that a sent invitation becomes a connection (within 0–27 days).
    own_month_sd : float
        SD of an activity's own log-intensity per member and calendar month (campaign
        months), so that monthly totals of different activities do not all move together.

    Returns
    -------
    dict of str to numpy.ndarray
        ``(n_members, n_days)`` integer arrays per activity, including ``connections``.
    """
    rates = dict(DAILY_RATES if rates is None else rates)
    n_days = len(dates)
    eps = rng.normal(0.0, latent_sd * np.sqrt(1 - latent_ar**2), size=(n_members, n_days))
    eps[:, 0] = rng.normal(0.0, latent_sd, size=n_members)
    latent = signal.lfilter([1.0], [1.0, -latent_ar], eps, axis=1)
    ramp = rng.normal(0.0, ramp_sd, size=(n_members, 1)) * np.linspace(-0.5, 0.5, n_days)
    member_scale = rng.lognormal(0.0, 0.35, size=(n_members, 1))
    rhythm = _WEEKDAY_RHYTHM[np.asarray(dates.day_of_week)]
    intensity = member_scale * np.exp(latent + ramp - latent_sd**2 / 2) * rhythm
    out: dict[str, np.ndarray] = {}
    for name, rate in rates.items():
        own = rng.lognormal(-0.08, 0.4, size=(n_members, n_days))  # activity-specific noise
        if own_month_sd:
            month = pd.factorize(dates.to_period("M"))[0]
            own = own * rng.lognormal(-own_month_sd**2 / 2, own_month_sd,
                                      size=(n_members, month.max() + 1))[:, month]
        out[name] = rng.poisson(rate * intensity * own).astype(np.int32)
    if "invitations_sent" in out:
        bursts = rng.random((n_members, n_days)) < burst_p * (rhythm > 0.5)  # workdays
        out["invitations_sent"] += np.where(bursts, rng.poisson(burst_size, (n_members, n_days)),
                                            0).astype(np.int32)
        accepted = rng.binomial(out["invitations_sent"], accept_p)
        # acceptance takes days to weeks (geometric, mean ~6 days, at most 4 weeks)
        wait = 0.15 * 0.85 ** np.arange(28)
        wait = wait / wait.sum()
        conn = np.zeros((n_members, n_days + len(wait)), dtype=np.int64)
        remaining, left = accepted, 1.0
        for d in range(len(wait)):   # multinomial by sequential binomials: no (N, D, 28) array
            k = rng.binomial(remaining, min(1.0, wait[d] / left)) if left > 0 else remaining
            conn[:, d : d + n_days] += k
            remaining = remaining - k
            left -= wait[d]
        incoming = rng.poisson(0.25 * rhythm * member_scale, size=(n_members, n_days))
        out["connections"] = (conn[:, :n_days] + incoming).astype(np.int32)
    return out


def make_synthetic(
    n_members: int = 1,
    start: str = "2023-05-01",
    end: str = "2026-10-31",
    *,
    effects: Mapping[tuple[str, str], float] | None = None,
    seed: int = 0,
    tz: str = "Europe/Berlin",
    decay: float = 0.01,
    noise_sd: float = 0.02,
    meas_sd: float = 0.02,
    week_shock_sd: float = 0.05,
    snapshot_missing_p: float = 0.05,
    outages_per_year: float = 3.0,
    duplicate_p: float = 0.03,
    rates: Mapping[str, float] | None = None,
    steps: Mapping[str, tuple[str, float]] | None = None,
    industry_change: tuple[str, str] | None = None,
    habitual: Mapping[str, tuple[float, float]] | None = None,
    **activity_options: float,
) -> SyntheticData:
    """Generate a realistic daily SSI and activity history with planted effects.

    Parameters
    ----------
    n_members : int, default 1
        Members to simulate (member ids ``m0001``…, or ``"me"`` for one member).
    start, end : str
        First and last calendar day (inclusive).
    effects : mapping of (activity, pillar) to float, optional
        Planted effects in pillar points per action; defaults to :data:`DEFAULT_EFFECTS`.
    seed : int, default 0
        Seed of the only random generator used.
    tz : str, default "Europe/Berlin"
        The members' time zone; captures happen around 08:00 local time.
    decay : float
        Daily pull of each pillar back towards the member's habitual level.
    noise_sd, meas_sd, week_shock_sd : float
        Daily innovation SD, snapshot measurement SD and platform-wide weekly shock SD.
    snapshot_missing_p, outages_per_year, duplicate_p : float
        Share of days without a capture, tracker outages (5–20 days) per year, and share
        of days captured twice.
    rates : mapping, optional
        Weekday activity rates, see :func:`simulate_activity`.
    steps : mapping of str to (str, float), optional
        Persisting level shifts for every member: ``{"2025-06-02": ("brand", 2.5)}``
        (a profile overhaul, a formula change).
    industry_change : (str, str), optional
        ``(date, new industry)``: the peer group changes from that day (ranks jump).
    habitual : mapping of str to (float, float), optional
        Range of each member's habitual level per pillar (default brand 9–18, people
        6–12, insights 5–13, relationships 9–19); e.g. ``{"insights": (22, 24.5)}`` puts
        members near the cap.
    **activity_options
        Passed to :func:`simulate_activity`.

    Returns
    -------
    SyntheticData
        Observed snapshots and activity, the planted truth and the true levels.
    """
    effects = dict(DEFAULT_EFFECTS if effects is None else effects)
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, end, freq="D")
    n_days = len(dates)
    acts = simulate_activity(n_members, dates, rng, rates=rates, **activity_options)
    names = list(acts)
    unknown = {a for a, _ in effects} - set(names)
    if unknown:
        raise ValueError(f"effects name activities the generator does not make: {sorted(unknown)}")

    # pillar input: each action's effect spread over the response kernel
    ranges = {"brand": (9, 18), "people": (6, 12), "insights": (5, 13),
              "relationships": (9, 19), **(habitual or {})}
    habitual = np.column_stack([rng.uniform(*ranges[p], n_members) for p in PILLARS])
    week_idx = ((dates - dates[0]).days // 7).to_numpy()
    shocks = rng.normal(0.0, week_shock_sd, size=(week_idx.max() + 1, len(PILLARS)))
    shock_day = np.asarray(dates.day_of_week == 2)  # platform moves land on Wednesdays
    levels = np.empty((len(PILLARS), n_members, n_days))
    step_at = {}
    for day, (pillar, delta) in (steps or {}).items():
        step_at.setdefault(PILLARS.index(pillar), []).append(
            (int((pd.Timestamp(day) - dates[0]).days), float(delta)))
    for j, pillar in enumerate(PILLARS):
        drive = np.zeros((n_members, n_days))
        for a in names:
            beta = effects.get((a, pillar), 0.0)
            if beta:
                x = acts[a].astype(float)
                x = x - x.mean(axis=1, keepdims=True)  # response to activity above one's habit
                drive += beta * signal.lfilter(RESPONSE_KERNEL, [1.0], x, axis=1)
        innov = drive + rng.normal(0.0, noise_sd, size=(n_members, n_days))
        innov += np.where(shock_day, shocks[week_idx, j], 0.0)
        level = habitual[:, j].copy()
        home = np.tile(habitual[:, j][:, None], (1, n_days))
        for t0, delta in step_at.get(j, []):
            home[:, max(t0, 0):] += delta
            innov[:, max(t0, 0)] += delta
        for t in range(n_days):
            level = level + innov[:, t] - decay * (level - home[:, t])
            level = np.clip(level, 0.0, PILLAR_MAX)
            levels[j, :, t] = level

    member_ids = ["me"] if n_members == 1 else [f"m{i + 1:04d}" for i in range(n_members)]
    snaps = _observe(levels, dates, member_ids, rng, tz=tz, meas_sd=meas_sd,
                     missing_p=snapshot_missing_p, outages_per_year=outages_per_year,
                     duplicate_p=duplicate_p)
    if industry_change is not None:
        day, name = industry_change
        later = snaps["date"] >= pd.Timestamp(day)
        snaps.loc[later, "industry"] = name
        # a bigger, stronger peer group: the same score ranks lower
        snaps.loc[later, "industry_rank"] = np.clip(
            np.round(100 * stats.norm.sf((snaps.loc[later, "ssi"] - 42) / 12)), 1, 100)
        snaps.loc[later, "industry_ssi"] = (snaps.loc[later, "industry_ssi"] + 7).round(2)
        for p, extra in zip(PILLARS, (2.3, 1.8, 2.9, 0.0), strict=True):
            snaps.loc[later, f"industry_{p}"] = (snaps.loc[later, f"industry_{p}"] + extra
                                                 ).round(2)
    activity = _long_activity(acts, dates, member_ids)
    lv = pd.DataFrame({
        "member_id": np.repeat(member_ids, n_days),
        "date": np.tile(dates.to_numpy(), n_members),
        **{p: levels[j].ravel() for j, p in enumerate(PILLARS)},
    })
    members = pd.DataFrame({
        "member_id": member_ids,
        "name": _fictional_names(n_members, rng),
        "tz": tz,
        "industry": "Management Consulting",
    })
    return SyntheticData(snapshots=snaps, activity=activity, truth=_truth_table(effects, names),
                         levels=lv, members=members,
                         meta={"seed": seed, "start": start, "end": end, "tz": tz})


def _observe(levels, dates, member_ids, rng, *, tz, meas_sd, missing_p, outages_per_year,
             duplicate_p) -> pd.DataFrame:
    """Turn true daily levels into tracker captures (noise, gaps, duplicates, ranks)."""
    n_p, n_m, n_d = levels.shape
    keep = rng.random((n_m, n_d)) >= missing_p
    n_out = rng.poisson(outages_per_year * n_d / 365.0, size=n_m)
    who = np.repeat(np.arange(n_m), n_out)                 # outages, all members at once
    begin = rng.integers(0, n_d, size=len(who))
    length = rng.integers(5, 21, size=len(who))
    edges = np.zeros((n_m, n_d + 1), dtype=np.int32)
    np.add.at(edges, (who, begin), 1)
    np.add.at(edges, (who, np.minimum(begin + length, n_d)), -1)
    keep &= edges.cumsum(axis=1)[:, :n_d] == 0
    keep[:, -1] = True  # the tracker ran on the last day
    dup = (rng.random((n_m, n_d)) < duplicate_p) & keep
    mi, di = np.nonzero(keep)
    mi2, di2 = np.nonzero(dup)
    mi = np.concatenate([mi, mi2])
    di = np.concatenate([di, di2])
    second = np.r_[np.zeros(len(mi) - len(mi2), bool), np.ones(len(mi2), bool)]
    obs = levels[:, mi, di] + rng.normal(0.0, meas_sd, size=(n_p, len(mi)))
    obs = np.clip(obs, 0.0, PILLAR_MAX)
    obs = obs.astype(np.float32).astype(float)  # the API sends float32 values
    minutes = rng.normal(8 * 60, 50, size=len(mi)).clip(5 * 60, 11 * 60)
    minutes = np.where(second, minutes + rng.uniform(180, 600, size=len(mi)), minutes)
    local = (pd.DatetimeIndex(dates[di]) + pd.to_timedelta(np.round(minutes * 60), unit="s"))
    captured = local.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward").tz_convert("UTC")
    ssi = obs.sum(axis=0)
    ind_avg = 35.0 + 1.2 * np.sin(di / 90.0)
    net_avg = 37.0 + 0.8 * np.cos(di / 120.0)
    # rows ordered by member (string order) and capture time with one integer lexsort, and
    # string columns built from codes: no sort or Python string per row at 10 M rows
    from .io import _constant_str, _string_column

    ids = np.asarray(member_ids).astype(str)
    uniq = np.array(sorted(set(ids)), dtype=object)
    m_code = np.searchsorted(uniq.astype(str), ids)[mi]
    ok = ~np.isnat(captured.tz_localize(None).to_numpy())
    order = np.flatnonzero(ok)[np.lexsort((captured.tz_localize(None).to_numpy()[ok]
                                           .view(np.int64), m_code[ok]))]
    mi, di, obs, ssi, captured = mi[order], di[order], obs[:, order], ssi[order], captured[order]
    ind_avg, net_avg = ind_avg[order], net_avg[order]
    n_rows = len(order)
    df = pd.DataFrame({
        "member_id": _string_column(uniq, m_code[order]),
        "date": pd.DatetimeIndex(dates[di]),
        "captured_at": captured,
        "ssi": np.round(ssi, 6),
        **{p: obs[j] for j, p in enumerate(PILLARS)},
        "industry_rank": np.clip(np.round(100 * stats.norm.sf((ssi - 35) / 14)), 1, 100),
        "network_rank": np.clip(np.round(100 * stats.norm.sf((ssi - 37) / 15)), 1, 100),
        "industry_ssi": np.round(ind_avg, 2),
        "network_ssi": np.round(net_avg, 2),
        "industry": _constant_str("Management Consulting", n_rows),
        "source": _constant_str("synthetic", n_rows),
        **{f"industry_{p}": np.round(v + 0.3 * np.sin(di / 60.0 + k), 2)
           for k, (p, v) in enumerate(zip(PILLARS, INDUSTRY_PILLARS, strict=True))},
        **{f"network_{p}": np.round(v + 0.2 * np.cos(di / 75.0 + k), 2)
           for k, (p, v) in enumerate(zip(PILLARS, NETWORK_PILLARS, strict=True))},
    })
    return df


#: Peer pillar averages (industry, network) shown on the SSI page; from a real capture.
INDUSTRY_PILLARS = (11.8, 5.4, 2.2, 15.2)
NETWORK_PILLARS = (13.2, 4.4, 2.4, 16.3)


def _long_activity(acts: Mapping[str, np.ndarray], dates, member_ids) -> pd.DataFrame:
    """Turn daily (members, days) count arrays into the long activity table.

    Sorted by member, date and activity because it is built in that order (no sort of
    millions of string rows).
    """
    from .io import _string_column

    names = sorted(acts)
    ids = np.asarray(member_ids).astype(str)
    rank = np.argsort(ids, kind="stable")                 # members in string order
    n_m = len(ids)
    parts_m, parts_d, parts_a, parts_c = [], [], [], []
    for lo in range(0, n_m, 1000):                        # bounded memory: 1,000 members
        sel = rank[lo:lo + 1000]
        cube = np.stack([np.asarray(acts[a])[sel] for a in names], axis=-1)  # (m, d, a)
        mi, di, ai = np.nonzero(cube)
        parts_m.append(sel[mi])
        parts_d.append(di)
        parts_a.append(ai)
        parts_c.append(cube[mi, di, ai].astype(np.int64))
    mi, di, ai = (np.concatenate(p) if p else np.zeros(0, np.int64)
                  for p in (parts_m, parts_d, parts_a))
    uniq_ids = np.array(sorted(set(ids)), dtype=object)
    return pd.DataFrame({
        "member_id": _string_column(uniq_ids, np.searchsorted(uniq_ids, ids)[mi]),
        "date": pd.DatetimeIndex(dates)[di],
        "activity": _string_column(np.array(names, dtype=object), ai),
        "count": np.concatenate(parts_c) if parts_c else np.zeros(0, np.int64),
    })


def make_linear_panel(
    n_members: int = 1,
    n_weeks: int = 104,
    *,
    effects: Mapping[tuple[str, str], float] | Mapping[tuple[str, str, int], float] | None = None,
    activities: tuple[str, ...] = ("posts", "comments", "reactions"),
    seed: int = 0,
    noise_sd: float = 0.1,
    member_drift_sd: float = 0.0,
    week_shock_sd: float = 0.0,
    start: str = "2024-01-01",
) -> SyntheticData:
    """Generate data whose weekly pillar change follows the model exactly (Tier A).

    Activity happens on Mondays only and snapshots are taken every Sunday, so each
    calendar week's change is ``alpha_i + tau_w + sum_k beta_{a,k} x_{a,w-k} + e``
    (activity centred on the member's mean so that levels stay inside 0–25).

    Parameters
    ----------
    n_members : int, default 1
        Number of members.
    n_weeks : int, default 104
        Number of weekly changes (one extra initial snapshot is added).
    effects : mapping, optional
        ``(activity, pillar)`` → effect at lag 0, or ``(activity, pillar, lag)`` → effect.
        Defaults to a posts → insights effect of 0.15 at lag 0.
    activities : tuple of str
        Activities to simulate (correlated through a shared weekly intensity).
    seed : int
        Random seed.
    noise_sd, member_drift_sd, week_shock_sd : float
        Residual SD, SD of each member's own drift and of platform-wide weekly shocks.
    start : str
        A Monday; the first snapshot is on the Sunday before it.

    Returns
    -------
    SyntheticData
        Snapshots, daily activity and the truth (``lag`` column included).
    """
    effects = {("posts", "insights"): 0.15} if effects is None else dict(effects)
    planted = {(k[0], k[1], k[2] if len(k) == 3 else 0): v for k, v in effects.items()}
    rng = np.random.default_rng(seed)
    weeks = pd.date_range(start, periods=n_weeks + 4, freq="7D")  # 4 burn-in weeks
    latent = rng.normal(0, 0.5, size=(n_members, len(weeks)))
    x = {a: rng.poisson(3.0 * np.exp(latent + rng.normal(0, 0.3, latent.shape))).astype(float)
         for a in activities}
    drift = rng.normal(0, member_drift_sd, size=(n_members, 1, len(PILLARS)))
    shock = rng.normal(0, week_shock_sd, size=(1, len(weeks), len(PILLARS)))
    change = drift + shock + rng.normal(0, noise_sd, size=(n_members, len(weeks), len(PILLARS)))
    for (a, p, k), beta in planted.items():
        j = PILLARS.index(p)
        lagged = np.zeros_like(x[a])
        lagged[:, k:] = x[a][:, : len(weeks) - k]
        change[:, :, j] += beta * (lagged - lagged.mean(axis=1, keepdims=True))
    level = 12.0 + np.cumsum(change, axis=1)
    member_ids = ["me"] if n_members == 1 else [f"m{i + 1:04d}" for i in range(n_members)]
    snap_dates = weeks + pd.Timedelta(days=6)  # Sunday closing each activity week
    burn = 4  # activity-only weeks, so that lag windows of the first change exist
    first = snap_dates[burn - 1]
    rows = []
    for i, m in enumerate(member_ids):
        rows.append(pd.DataFrame({"member_id": m, "date": snap_dates[burn - 1:],
                                  **{p: level[i, burn - 1:, j] for j, p in enumerate(PILLARS)}}))
    snaps = pd.concat(rows, ignore_index=True)
    snaps["ssi"] = snaps[list(PILLARS)].sum(axis=1)
    snaps["source"] = "linear-panel"
    act = pd.concat([
        pd.DataFrame({"member_id": np.repeat(member_ids, len(weeks)),
                      "date": np.tile(weeks.to_numpy(), n_members),
                      "activity": a, "count": x[a].ravel().astype(np.int64)})
        for a in activities
    ], ignore_index=True)
    act = act[act["count"] > 0].reset_index(drop=True)
    truth = pd.DataFrame(
        [{"activity": a, "pillar": p, "lag": k, "effect": planted.get((a, p, k), 0.0)}
         for a in activities for p in PILLARS for k in range(3)]
    )
    return SyntheticData(snapshots=snaps, activity=act, truth=truth, levels=snaps.copy(),
                         members=pd.DataFrame({"member_id": member_ids}),
                         meta={"seed": seed, "start": str(first.date())})


# --------------------------------------------------------------------------- sample files

SAMPLE_SEED = 20261101
SAMPLE_START = "2023-05-01"
SAMPLE_END = "2026-10-31"
SAMPLE_TZ = "Europe/Berlin"
SAMPLE_OWNER = "Avery Placeholder"
SAMPLE_OWNER_URL = "https://www.linkedin.com/in/avery-placeholder-000000"

_CONNECTIONS_NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more about this setting "
    'here https://www.linkedin.com/help/linkedin/answer/261"\n\n'
)
_WORDS = (
    "pipeline", "quarter", "insight", "customers", "roadmap", "workshop", "trust", "data",
    "growth", "playbook", "feedback", "team", "launch", "lesson", "market", "story",
)
_REACTION_TYPES = ("LIKE", "LIKE", "LIKE", "PRAISE", "EMPATHY", "INTEREST", "APPRECIATION",
                   "ENTERTAINMENT")


def _payload(row: pd.Series) -> dict:
    """Build a ``salesApiSsi`` response body from one observed snapshot."""
    def f32(x: float) -> float:
        return float(str(np.float32(x)))

    def group_subs(group: str) -> list:
        return [{"score": f32(row[f"{group}_{p}"]), "pillar": name}
                for name, p in LINKEDIN_PILLARS.items() if pd.notna(row.get(f"{group}_{p}"))]

    return {
        "activeSeat": False,
        "memberScore": {
            "overall": f32(row["ssi"]),
            "subScores": [
                {"score": f32(row[p]), "pillar": name} for name, p in LINKEDIN_PILLARS.items()
            ],
        },
        "groupScore": [
            {"groupType": "INDUSTRY", "industry": row["industry"], "rank": int(row["industry_rank"]),
             "groupSize": 412873, "score": {"overall": f32(row["industry_ssi"]),
                                            "subScores": group_subs("industry")}},
            {"groupType": "NETWORK", "rank": int(row["network_rank"]), "groupSize": 1187,
             "score": {"overall": f32(row["network_ssi"]), "subScores": group_subs("network")}},
        ],
    }


def _event_times(counts: np.ndarray, dates: pd.DatetimeIndex, tz: str, rng) -> pd.Series:
    """Spread each day's count over local times of day; return UTC timestamps, sorted."""
    day_idx = np.repeat(np.arange(len(dates)), counts)
    hours = rng.choice(np.arange(24), size=len(day_idx), p=_HOUR_WEIGHTS)
    secs = hours * 3600 + rng.integers(0, 3600, size=len(day_idx))
    local = pd.DatetimeIndex(dates[day_idx]) + pd.to_timedelta(secs, unit="s")
    utc = local.tz_localize(tz, ambiguous=True, nonexistent="shift_forward").tz_convert("UTC")
    return pd.Series(utc.sort_values())


_HOUR_WEIGHTS = np.array([0.2, 0.1, 0.05, 0.05, 0.05, 0.2, 0.6, 1.5, 3.0, 3.5, 3.0, 2.5, 2.8,
                          2.4, 2.2, 2.0, 1.8, 1.6, 1.5, 1.3, 1.2, 1.0, 0.7, 0.4])
_HOUR_WEIGHTS = _HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()


def _urn_id(ts: pd.Series, rng) -> np.ndarray:
    """LinkedIn-style 19-digit ids whose top bits encode the creation time (id >> 22 = ms)."""
    ms = ts.dt.as_unit("ms").astype("int64").to_numpy()
    return (ms.astype(np.int64) << 22) + rng.integers(0, 2**22, size=len(ms))


def _sentence(rng, n_words: int = 8) -> str:
    words = rng.choice(_WORDS, size=n_words)
    return " ".join(words).capitalize() + "."


def _fmt_utc(ts: pd.Series) -> list[str]:
    return [t.strftime("%Y-%m-%d %H:%M:%S") for t in ts]


def _write_csv(path: Path, header: list[str], rows: list[list[str]], *, preamble: str = "",
               backslash_quotes: bool = False, quote_all: bool = False) -> None:
    buf = io.StringIO()
    buf.write(preamble)
    kwargs = {"lineterminator": "\n"}
    if backslash_quotes:
        kwargs.update(doublequote=False, escapechar="\\")
    if quote_all:
        kwargs.update(quoting=csv.QUOTE_ALL)
    w = csv.writer(buf, **kwargs)
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def write_export(data: SyntheticData, folder: Path, *, member_id: str = "me",
                 seed: int = 0) -> Path:
    """Write one member's activity as a LinkedIn "Get a copy of your data" folder.

    Parameters
    ----------
    data : SyntheticData
        Output of :func:`make_synthetic`.
    folder : pathlib.Path
        Parent folder; the export folder ``Complete_LinkedInDataExport_MM-DD-YYYY`` is
        created inside it (named after the day after the last simulated day).
    member_id : str
        Which member to write.
    seed : int
        Seed for times of day, texts and names.

    Returns
    -------
    pathlib.Path
        The export folder.
    """
    rng = np.random.default_rng(seed)
    tz = data.meta.get("tz", "UTC")
    start, end = pd.Timestamp(data.meta["start"]), pd.Timestamp(data.meta["end"])
    dates = pd.date_range(start, end, freq="D")
    act = data.activity[data.activity["member_id"] == member_id]
    wide = (act.pivot_table(index="date", columns="activity", values="count", aggfunc="sum")
            .reindex(dates).fillna(0).astype(int))
    export_day = end + pd.Timedelta(days=1)
    out = folder / f"Complete_LinkedInDataExport_{export_day:%m-%d-%Y}"
    out.mkdir(parents=True, exist_ok=True)

    def counts(name: str) -> np.ndarray:
        return wide[name].to_numpy() if name in wide else np.zeros(len(dates), int)

    # Shares.csv: own posts, with commentary (some multi-paragraph in LinkedIn's nested style)
    ts = _event_times(counts("posts"), dates, tz, rng)
    ids = _urn_id(ts, rng)
    rows = []
    for t, i in zip(_fmt_utc(ts), ids, strict=True):
        text = _sentence(rng, int(rng.integers(6, 14)))
        if rng.random() < 0.2:
            text = f'{text}"\n""\n"{_sentence(rng)} "Quoted" idea.'
        kind = "share" if rng.random() < 0.6 else "ugcPost"
        rows.append([t, f"https://www.linkedin.com/feed/update/urn%3Ali%3A{kind}%3A{i}", text,
                     "", "", "MEMBER_NETWORK"])
    _write_csv(out / "Shares.csv",
               ["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"], rows)

    # InstantReposts.csv: reposts without commentary
    ts = _event_times(counts("reposts"), dates, tz, rng)
    rows = [[t, f"https://www.linkedin.com/feed/update/urn:li:activity:{i}"]
            for t, i in zip(_fmt_utc(ts), _urn_id(ts, rng), strict=True)]
    _write_csv(out / "InstantReposts.csv", ["Date", "Link"], rows)

    # Comments.csv: backslash-escaped quotes, as LinkedIn writes them
    ts = _event_times(counts("comments"), dates, tz, rng)
    rows = []
    for t, i in zip(_fmt_utc(ts), _urn_id(ts - pd.Timedelta(hours=5), rng), strict=True):
        msg = _sentence(rng, int(rng.integers(4, 12)))
        if rng.random() < 0.15:
            msg = f'Agree with the "{rng.choice(_WORDS)}" point.\n{msg}'
        rows.append([t, f"https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A{i}", msg])
    _write_csv(out / "Comments.csv", ["Date", "Link", "Message"], rows, backslash_quotes=True)

    # Reactions.csv
    ts = _event_times(counts("reactions"), dates, tz, rng)
    rows = [[t, str(rng.choice(_REACTION_TYPES)),
             f"https://www.linkedin.com/feed/update/urn:li:activity:{i}"]
            for t, i in zip(_fmt_utc(ts), _urn_id(ts - pd.Timedelta(hours=9), rng), strict=True)]
    _write_csv(out / "Reactions.csv", ["Date", "Type", "Link"], rows)

    # Connections.csv: Notes preamble, date only, fictional people
    n_conn = counts("connections")
    day_idx = np.repeat(np.arange(len(dates)), n_conn)[::-1]  # newest first, as exported
    people = _fictional_names(len(day_idx), rng)
    rows = []
    for k, d in enumerate(day_idx):
        if rng.random() < 0.03:  # hidden profile: only the date survives
            rows.append(["", "", "", "", "", "", f"{dates[d]:%d %b %Y}"])
            continue
        first, *last = people[k].split(" ")
        slug = people[k].lower().replace(" ", "-")
        rows.append([first, " ".join(last), f"https://www.linkedin.com/in/{slug}-{k:05d}",
                     f"{slug}@example.com" if rng.random() < 0.05 else "",
                     "Example Corp", "Fictional Role", f"{dates[d]:%d %b %Y}"])
    _write_csv(out / "Connections.csv", ["First Name", "Last Name", "URL", "Email Address",
                                         "Company", "Position", "Connected On"], rows,
               preamble=_CONNECTIONS_NOTES)

    # Invitations.csv: outgoing (counted) and incoming (not counted), US-style local times
    inv_out = counts("invitations_sent")
    local_dates = pd.DatetimeIndex(dates)
    rows = []
    for direction, cnt in (("OUTGOING", inv_out),
                           ("INCOMING", rng.poisson(0.3, size=len(dates)))):
        day_idx = np.repeat(np.arange(len(dates)), cnt)
        minutes = rng.integers(7 * 60, 21 * 60, size=len(day_idx))
        for d, m in zip(day_idx, minutes, strict=True):
            t = local_dates[d] + pd.Timedelta(minutes=int(m))
            other = _fictional_names(1, rng)[0]
            other_url = f"https://www.linkedin.com/in/{other.lower().replace(' ', '-')}"
            stamp = f"{t.month}/{t.day}/{t:%y}, {t.hour % 12 or 12}:{t:%M} {t:%p}"
            if direction == "OUTGOING":
                rows.append((t, [SAMPLE_OWNER, other, stamp, "", direction, SAMPLE_OWNER_URL,
                                 other_url]))
            else:
                rows.append((t, [other, SAMPLE_OWNER, stamp, "Hi, let's connect.", direction,
                                 other_url, SAMPLE_OWNER_URL]))
    rows.sort(key=lambda r: r[0], reverse=True)
    _write_csv(out / "Invitations.csv", ["From", "To", "Sent At", "Message", "Direction",
                                         "inviterProfileUrl", "inviteeProfileUrl"],
               [r[1] for r in rows])

    # messages.csv (2025 layout): sent messages and replies from fictional people
    sent = counts("messages_sent")
    ts = _event_times(sent, dates, tz, rng)
    rows = []
    for t in ts:
        other = _fictional_names(1, rng)[0]
        other_url = f"https://www.linkedin.com/in/{other.lower().replace(' ', '-')}"
        conv = f"2-{rng.integers(10**11, 10**12)}=="
        stamp = f"{t:%Y-%m-%d %H:%M:%S} UTC"
        rows.append([conv, "", SAMPLE_OWNER, SAMPLE_OWNER_URL, other, other_url, stamp, "",
                     _sentence(rng), "INBOX", ""])
        if rng.random() < 0.5:
            reply = t + pd.Timedelta(minutes=int(rng.integers(5, 2000)))
            rows.append([conv, "", other, other_url, SAMPLE_OWNER, SAMPLE_OWNER_URL,
                         f"{reply:%Y-%m-%d %H:%M:%S} UTC", "", _sentence(rng), "INBOX", ""])
    rows.sort(key=lambda r: r[6], reverse=True)
    _write_csv(out / "messages.csv",
               ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
                "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER", "ATTACHMENTS"],
               rows)
    return out


def write_snapshot_payloads(data: SyntheticData, folder: Path, *, member_id: str = "me") -> Path:
    """Write each capture as a ``salesApiSsi`` JSON file, as a tracker saves it.

    Files are named ``salesApiSsi_<UTC capture time>.json`` under one folder per year;
    the payload itself carries no date (as LinkedIn's response does not).

    Parameters
    ----------
    data : SyntheticData
        Output of :func:`make_synthetic`.
    folder : pathlib.Path
        Destination (``ssi`` is created inside it).
    member_id : str
        Which member to write.

    Returns
    -------
    pathlib.Path
        The ``ssi`` folder.
    """
    out = folder / "ssi"
    snaps = data.snapshots[data.snapshots["member_id"] == member_id]
    for _, row in snaps.iterrows():
        ts = row["captured_at"]
        sub = out / f"{ts:%Y}"
        sub.mkdir(parents=True, exist_ok=True)
        body = json.dumps(_payload(row), separators=(",", ":"))
        (sub / f"salesApiSsi_{ts:%Y-%m-%dT%H-%M-%SZ}.json").write_text(body + "\n",
                                                                      encoding="utf-8")
    return out


def sample_data(seed: int = SAMPLE_SEED) -> SyntheticData:
    """Return the bundled sample's history (before it is written in the real file formats).

    Parameters
    ----------
    seed : int
        Generator seed.

    Returns
    -------
    SyntheticData
        One member, with a profile overhaul (a lasting +2.5 on brand) and an industry change.
    """
    return make_synthetic(1, SAMPLE_START, SAMPLE_END, seed=seed, tz=SAMPLE_TZ,
                          steps={SAMPLE_OVERHAUL: ("brand", 2.5)},
                          industry_change=(SAMPLE_INDUSTRY_CHANGE,
                                           "IT Services and IT Consulting"))


def write_canonical(data: SyntheticData, folder: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write a (team) history as the canonical CSVs: ``snapshots.csv`` and ``activity.csv``.

    Parameters
    ----------
    data : SyntheticData
        From :func:`make_synthetic`.
    folder : str or os.PathLike
        Destination (created).

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The two files.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    s = data.snapshots
    day = "datetime64[D]"
    snaps = pa.table({"member_id": pa.array(s["member_id"].astype(str).to_numpy(), pa.string()),
                      "date": pa.array(s["date"].to_numpy().astype(day)),   # ISO dates
                      "ssi": s["ssi"].round(4).to_numpy(),
                      **{p: s[p].round(4).to_numpy() for p in PILLARS}})
    pacsv.write_csv(snaps, out / "snapshots.csv")
    # wide activity (one row per member-day with any activity, one column per activity),
    # built on integer codes: a pivot_table of 30 million rows takes minutes
    a = data.activity
    mc, mu = pd.factorize(a["member_id"].astype(str), sort=True)
    ac, au = pd.factorize(a["activity"].astype(str), sort=True)
    d = a["date"].to_numpy().astype(day).astype(np.int64)
    span = int(d.max() - d.min()) + 1 if len(d) else 1
    key = mc.astype(np.int64) * span + (d - (d.min() if len(d) else 0))
    order = np.argsort(key * len(au) + ac, kind="stable")
    key, ac, count = key[order], ac[order], a["count"].to_numpy()[order]
    starts = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, bool)
    row = np.cumsum(starts) - 1
    wide = np.zeros((int(starts.sum()), len(au)), dtype=np.int64)
    full_key = key * len(au) + ac
    if len(full_key) < 2 or bool(np.all(full_key[1:] > full_key[:-1])):
        wide[row, ac] = count                       # one row per member-day-activity
    else:
        np.add.at(wide, (row, ac), count)
    first = order[starts]
    act = pa.table({"member_id": pa.array(np.asarray(mu, dtype=object)[mc[first]], pa.string()),
                    "date": pa.array(a["date"].to_numpy()[first].astype(day)),
                    **{str(c): wide[:, j].astype(np.int32) for j, c in enumerate(au)}})
    pacsv.write_csv(act, out / "activity.csv")
    return out / "snapshots.csv", out / "activity.csv"


def write_sample(out: str | os.PathLike[str], *, seed: int = SAMPLE_SEED) -> Path:
    """Regenerate the bundled sample, byte-identically for the same seed.

    Writes ``member/ssi/<year>/salesApiSsi_*.json`` (one fictional member's daily SSI
    as tracker-saved payloads), ``member/export/Complete_LinkedInDataExport_*/`` (their
    LinkedIn data export) and ``member/TRUTH.csv`` (the planted effects) under ``out``.

    Parameters
    ----------
    out : str or os.PathLike
        Destination folder (normally ``data/raw/sample``); replaced as a whole.
    seed : int
        Seed of the generator.

    Returns
    -------
    pathlib.Path
        The sample folder.
    """
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp-write")
    if tmp.exists():
        shutil.rmtree(tmp)
    member = tmp / "member"
    member.mkdir(parents=True)
    data = sample_data(seed)
    write_snapshot_payloads(data, member)
    _write_manual_csv(data, member / "ssi-manual.csv")
    (member / "notes.csv").write_text(
        "date,note\n"
        f"{SAMPLE_OVERHAUL},Profile overhaul: new headline and photo\n"
        "2024-12-23,Holiday: no LinkedIn until 6 January\n"
        f"{SAMPLE_INDUSTRY_CHANGE},Changed industry on the profile\n", encoding="utf-8")
    write_export(data, member / "export", seed=seed + 1)
    team = team_data(seed + 7)
    write_usage_reports(team, tmp / "team", seed=seed + 8)
    team.truth.to_csv(tmp / "team" / "TRUTH.csv", index=False, lineterminator="\n")
    data.truth.to_csv(member / "TRUTH.csv", index=False, lineterminator="\n")
    (tmp / "README.md").write_text(_SAMPLE_README.format(seed=seed, start=SAMPLE_START,
                                                         end=SAMPLE_END, tz=SAMPLE_TZ,
                                                         overhaul=SAMPLE_OVERHAUL,
                                                         industry=SAMPLE_INDUSTRY_CHANGE,
                                                         team_size=TEAM_SIZE,
                                                         team_start=TEAM_START),
                                   encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return out


SAMPLE_OVERHAUL = "2025-06-02"
SAMPLE_INDUSTRY_CHANGE = "2025-09-15"


def _write_manual_csv(data: SyntheticData, path: Path) -> None:
    """Write a hand-kept weekly CSV (rounded, two typing mistakes) overlapping the tracker."""
    s = data.snapshots.drop_duplicates(["member_id", "date"], keep="last")
    s = s[(s["date"] >= "2023-06-05") & (s["date"].dt.day_of_week == 0)].head(30)
    s = s[["date"]].join(s[["ssi", *PILLARS]].round(1)).reset_index(drop=True)
    s["ssi"] = s["ssi"].round()
    s.loc[5, "brand"] = s.loc[5, "brand"] * 10      # typed without the decimal point
    s.loc[12, "ssi"] = s.loc[12, "ssi"] + 10         # SSI typed wrong
    s["date"] = s["date"].dt.strftime("%Y-%m-%d")
    s.to_csv(path, index=False, lineterminator="\n")


#: Sales Navigator team: weekday rates of the activities the usage report counts.
TEAM_RATES: dict[str, float] = {
    "searches": 2.5,
    "profile_views": 5.0,
    "leads_saved": 0.8,
    "accounts_saved": 0.3,
    "inmails_sent": 0.5,
    "messages_sent": 1.2,
    "invitations_sent": 0.6,
}
#: Planted effects of the team sample (points per action).
TEAM_EFFECTS: dict[tuple[str, str], float] = {
    ("searches", "people"): 0.03,
    ("profile_views", "people"): 0.015,
    ("inmails_sent", "relationships"): 0.06,
    ("messages_sent", "insights"): 0.04,
}
TEAM_SIZE = 40
TEAM_START = "2023-11-01"


def team_data(seed: int = SAMPLE_SEED + 7) -> SyntheticData:
    """Return the bundled team's daily history (written as monthly Sales Navigator reports).

    Parameters
    ----------
    seed : int
        Generator seed.

    Returns
    -------
    SyntheticData
        ``TEAM_SIZE`` members, ``TEAM_START`` to ``SAMPLE_END``, with ``days_active``.
    """
    data = make_synthetic(TEAM_SIZE, TEAM_START, SAMPLE_END, seed=seed, rates=TEAM_RATES,
                          effects=TEAM_EFFECTS, decay=0.004, snapshot_missing_p=0.0,
                          outages_per_year=0.0, duplicate_p=0.0, own_month_sd=0.5)
    act = data.activity
    days = act[act["activity"] != "connections"].drop_duplicates(["member_id", "date"])
    active = days.assign(activity="days_active", count=1)
    data = SyntheticData(data.snapshots, pd.concat([act, active], ignore_index=True).sort_values(
        ["member_id", "date", "activity"], kind="stable").reset_index(drop=True), data.truth,
        data.levels, data.members, data.meta)
    return data


_REPORT_COLUMNS = [
    "Seat ID", "Name", "Invited Email Address", "Date Invited", "Date Activated", "Coach Level",
    "Category", "Current Seat Type", "Days Active", "Searches Performed", "Profile Views",
    "Leads Saved", "Total Leads Saved", "Accounts Saved", "Total Accounts Saved",
    "Total Lists Created", "InMails Sent", "InMails Acceptance Rate", "Messages Sent",
    "Smart Links Created", "Smart Link Views", "Total Connections",
    "Connection Requests Accepted", "SSI - Overall Score",
    "SSI - Establish your professional brand", "SSI - Find the right people",
    "SSI - Engage with insights", "SSI - Build relationships",
]
_REPORT_ACTIVITY = {"Days Active": "days_active", "Searches Performed": "searches",
                    "Profile Views": "profile_views", "Leads Saved": "leads_saved",
                    "Accounts Saved": "accounts_saved", "InMails Sent": "inmails_sent",
                    "Messages Sent": "messages_sent",
                    "Connection Requests Accepted": "connections"}


def write_usage_reports(data: SyntheticData, folder: Path, *, seed: int = 0) -> Path:
    """Write monthly Sales Navigator Usage Reporting CSVs (one per calendar month).

    SSI columns are the seat's score on the period's last day (2 decimals); activity
    columns count the month; names and e-mails are fictional.

    Parameters
    ----------
    data : SyntheticData
        Output of :func:`team_data`.
    folder : pathlib.Path
        Destination (created).
    seed : int
        Seed for the descriptive columns.

    Returns
    -------
    pathlib.Path
        The folder.
    """
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    members = data.members.reset_index(drop=True)
    seats = rng.choice(np.arange(10**8, 10**9), size=len(members), replace=False)
    seat_of = dict(zip(members["member_id"], seats, strict=True))
    region = dict(zip(members["member_id"], rng.choice(["North", "South", "East", "West"],
                                                        len(members)), strict=True))
    levels = data.levels.set_index(["member_id", "date"])
    act = data.activity.assign(month=data.activity["date"].dt.to_period("M"))
    monthly = act.pivot_table(index=["member_id", "month"], columns="activity", values="count",
                              aggfunc="sum", fill_value=0)
    totals = monthly.groupby(level=0).cumsum()
    start = pd.Timestamp(data.meta["start"]).to_period("M")
    for month in pd.period_range(start, pd.Timestamp(data.meta["end"]).to_period("M"), freq="M"):
        first, last = month.start_time.normalize(), month.end_time.normalize()
        rows = []
        for m in members["member_id"]:
            lv = levels.loc[(m, last)]
            obs = {p: round(float(lv[p]) + float(rng.normal(0, 0.02)), 2) for p in PILLARS}
            counts = (monthly.loc[(m, month)] if (m, month) in monthly.index
                      else pd.Series(dtype=float))
            tot = totals.loc[(m, month)] if (m, month) in totals.index else pd.Series(dtype=float)
            name = members.loc[members["member_id"] == m, "name"].iloc[0]
            row = {"Seat ID": seat_of[m], "Name": name,
                   "Invited Email Address": name.lower().replace(" ", ".") + "@example.com",
                   "Date Invited": "2022-01-10", "Date Activated": "2022-01-12",
                   "Coach Level": "Proficient", "Category": region[m],
                   "Current Seat Type": "Team Member",
                   "Total Leads Saved": int(tot.get("leads_saved", 0)),
                   "Total Accounts Saved": int(tot.get("accounts_saved", 0)),
                   "Total Lists Created": 3, "InMails Acceptance Rate": 42.5,
                   "Smart Links Created": 0, "Smart Link Views": 0,
                   "Total Connections": 500 + int(tot.get("connections", 0)),
                   "SSI - Overall Score": round(sum(obs.values()), 2),
                   "SSI - Establish your professional brand": obs["brand"],
                   "SSI - Find the right people": obs["people"],
                   "SSI - Engage with insights": obs["insights"],
                   "SSI - Build relationships": obs["relationships"]}
            row.update({col: int(counts.get(a, 0)) for col, a in _REPORT_ACTIVITY.items()})
            rows.append([row[c] for c in _REPORT_COLUMNS])
        name = f"Sales_Navigator_Usage_Reporting_{first:%Y-%m-%d}_to_{last:%Y-%m-%d}.csv"
        _write_csv(folder / name, _REPORT_COLUMNS, [[str(v) for v in r] for r in rows])
    return folder


_SAMPLE_README = """# Bundled sample (synthetic, fictional)

Generated by `ssi-analysis sample` (seed {seed}); regenerate it rather than editing it.
One fictional member ("Avery Placeholder", time zone {tz}), {start} to {end}:

- `member/ssi/<year>/salesApiSsi_<UTC capture time>.json`: the `salesApiSsi` response body
  saved by a tracker once a day around 08:00 local time, with missed days, tracker outages
  and some days captured twice.
- `member/export/Complete_LinkedInDataExport_<date>/`: the member's LinkedIn
  "Get a copy of your data" folder (Shares, InstantReposts, Comments, Reactions,
  Connections with its Notes preamble, Invitations, messages) with the real quirks.
- `member/ssi-manual.csv`: a weekly hand-kept CSV overlapping the tracker (rounded, one
  pillar typed without its decimal point, one SSI typed wrong) — the cleaner resolves it.
- `member/notes.csv`: the member's dated notes (a profile overhaul on {overhaul} that lifts
  "Establish your professional brand" by 2.5 points for good, a holiday, and an industry
  change on {industry} that moves the industry rank).
- `member/TRUTH.csv`: the effects planted by `ssi_analysis.synth` (pillar points per
  action; 0 = no effect). The reports should find the non-zero ones and only those.

`team/`: a fictional Sales Navigator team ({team_size} seats) as monthly Usage Reporting
CSVs (`Sales_Navigator_Usage_Reporting_<first day>_to_<last day>.csv`, {team_start} onwards),
with effects planted on searches, profile views, InMails and messages (`team/TRUTH.csv`).

Every person, message and link in these files is invented.
"""
