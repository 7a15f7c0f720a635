"""The simulators: realistic daily histories and model-consistent weekly panels.

Two generators share one activity model:

* :func:`make_synthetic` — the realistic tier: daily activity counts driven by a shared
  AR(1) "time on LinkedIn" (so activities move together), a weekday rhythm, bursts of
  invitations and an optional ramp; each pillar responds to activity with a 1–7 day delay,
  decays slowly towards the member's habitual level, is capped to 0–25 and observed
  with snapshot noise, missing days, tracker outages and same-day duplicate captures.
* :func:`make_linear_panel` — the model-consistent tier: the weekly pillar change is
  exactly ``alpha_i + tau_w + sum_k beta_k x_{w-k} + e``, for exact-recovery tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import signal, stats

from ..arrays import constant_str, string_column
from ..schema import PILLAR_MAX, PILLARS

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


def fictional_names(n: int, rng: np.random.Generator) -> list[str]:
    """Return ``n`` obviously fictional "First Last" names."""
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

    levels = _pillar_levels(acts, effects, dates, rng, n_members, habitual=habitual,
                            steps=steps, decay=decay, noise_sd=noise_sd,
                            week_shock_sd=week_shock_sd)
    member_ids = ["me"] if n_members == 1 else [f"m{i + 1:04d}" for i in range(n_members)]
    snaps = _observe(levels, dates, member_ids, rng, tz=tz, meas_sd=meas_sd,
                     missing_p=snapshot_missing_p, outages_per_year=outages_per_year,
                     duplicate_p=duplicate_p)
    if industry_change is not None:
        _change_industry(snaps, *industry_change)
    activity = _long_activity(acts, dates, member_ids)
    lv = pd.DataFrame({
        "member_id": np.repeat(member_ids, n_days),
        "date": np.tile(dates.to_numpy(), n_members),
        **{p: levels[j].ravel() for j, p in enumerate(PILLARS)},
    })
    members = pd.DataFrame({
        "member_id": member_ids,
        "name": fictional_names(n_members, rng),
        "tz": tz,
        "industry": "Management Consulting",
    })
    return SyntheticData(snapshots=snaps, activity=activity, truth=_truth_table(effects, names),
                         levels=lv, members=members,
                         meta={"seed": seed, "start": start, "end": end, "tz": tz})


def _pillar_levels(acts, effects, dates, rng, n_members, *, habitual, steps, decay, noise_sd,
                   week_shock_sd) -> np.ndarray:
    """Return true daily pillar levels ``(pillar, member, day)``: habit, responses, steps."""
    n_days = len(dates)
    names = list(acts)
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

    return levels


def _change_industry(snaps: pd.DataFrame, day: str, name: str) -> None:
    """Move every member to a bigger, stronger peer group from ``day`` (ranks jump)."""
    later = snaps["date"] >= pd.Timestamp(day)
    snaps.loc[later, "industry"] = name
    # a bigger, stronger peer group: the same score ranks lower
    snaps.loc[later, "industry_rank"] = np.clip(
        np.round(100 * stats.norm.sf((snaps.loc[later, "ssi"] - 42) / 12)), 1, 100)
    snaps.loc[later, "industry_ssi"] = (snaps.loc[later, "industry_ssi"] + 7).round(2)
    for p, extra in zip(PILLARS, (2.3, 1.8, 2.9, 0.0), strict=True):
        snaps.loc[later, f"industry_{p}"] = (snaps.loc[later, f"industry_{p}"] + extra
                                             ).round(2)


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
        "member_id": string_column(uniq, m_code[order]),
        "date": pd.DatetimeIndex(dates[di]),
        "captured_at": captured,
        "ssi": np.round(ssi, 6),
        **{p: obs[j] for j, p in enumerate(PILLARS)},
        "industry_rank": np.clip(np.round(100 * stats.norm.sf((ssi - 35) / 14)), 1, 100),
        "network_rank": np.clip(np.round(100 * stats.norm.sf((ssi - 37) / 15)), 1, 100),
        "industry_ssi": np.round(ind_avg, 2),
        "network_ssi": np.round(net_avg, 2),
        "industry": constant_str("Management Consulting", n_rows),
        "source": constant_str("synthetic", n_rows),
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
        "member_id": string_column(uniq_ids, np.searchsorted(uniq_ids, ids)[mi]),
        "date": pd.DatetimeIndex(dates)[di],
        "activity": string_column(np.array(names, dtype=object), ai),
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
    noise: str = "normal",
    rho: float = 0.4,
    shared_sd: float = 0.5,
    volume_sd: float = 0.0,
    sparse: Mapping[str, float] | None = None,
    daily: bool = False,
) -> SyntheticData:
    """Generate data whose weekly pillar change follows the model exactly (Tier A).

    Activity happens on Mondays only and snapshots are taken every Sunday (or every day,
    with ``daily``), so each calendar week's change is ``alpha_i + tau_w + sum_k
    beta_{a,k} x_{a,w-k} + e`` (activity centred on the member's mean so that levels stay
    inside 0–25).

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
    noise : {"normal", "ar1", "t3"}
        The residual: independent normal, AR(1) with ``rho`` (autocorrelated weeks), or
        Student t with 3 degrees of freedom (heavy tails), all with SD ``noise_sd``.
    rho : float
        AR(1) coefficient for ``noise="ar1"``.
    shared_sd : float
        SD of the weekly intensity all activities share (higher: more correlated).
    volume_sd : float
        SD of each member's log activity volume (unequal members).
    sparse : mapping of str to float, optional
        Activity → probability of any count in a week (e.g. ``{"posts": 0.15}``).
    daily : bool
        Save a snapshot every day (levels move evenly through the week, with measurement
        noise of SD 0.05 and 5% of days missing) instead of on Sundays only.

    Returns
    -------
    SyntheticData
        Snapshots, daily activity and the truth (``lag`` column included).
    """
    effects = {("posts", "insights"): 0.15} if effects is None else dict(effects)
    planted = {(k[0], k[1], k[2] if len(k) == 3 else 0): v for k, v in effects.items()}
    rng = np.random.default_rng(seed)
    weeks = pd.date_range(start, periods=n_weeks + 4, freq="7D")  # 4 burn-in weeks
    latent = rng.normal(0, shared_sd, size=(n_members, len(weeks)))
    volume = rng.normal(0, volume_sd, size=(n_members, 1)) if volume_sd else 0.0
    x = {a: rng.poisson(3.0 * np.exp(latent + volume + rng.normal(0, 0.3, latent.shape))
                        ).astype(float) for a in activities}
    for a, p_any in (sparse or {}).items():
        x[a] = np.where(rng.random(x[a].shape) < p_any, np.maximum(x[a], 1.0), 0.0)
    drift = rng.normal(0, member_drift_sd, size=(n_members, 1, len(PILLARS)))
    shock = rng.normal(0, week_shock_sd, size=(1, len(weeks), len(PILLARS)))
    change = drift + shock + _noise(rng, noise, noise_sd, rho,
                                    (n_members, len(weeks), len(PILLARS)))
    for (a, p, k), beta in planted.items():
        j = PILLARS.index(p)
        lagged = np.zeros_like(x[a])
        lagged[:, k:] = x[a][:, : len(weeks) - k]
        change[:, :, j] += beta * (lagged - lagged.mean(axis=1, keepdims=True))
    level = 12.0 + np.cumsum(change, axis=1)
    member_ids = ["me"] if n_members == 1 else [f"m{i + 1:04d}" for i in range(n_members)]
    snaps = _linear_snapshots(level, weeks, member_ids, daily, rng)
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
    first = weeks[3] + pd.Timedelta(days=6)
    return SyntheticData(snapshots=snaps, activity=act, truth=truth, levels=snaps.copy(),
                         members=pd.DataFrame({"member_id": member_ids}),
                         meta={"seed": seed, "start": str(first.date())})


def _noise(rng, kind: str, sd: float, rho: float, shape: tuple) -> np.ndarray:
    """Residuals of SD ``sd``: independent normal, AR(1) along weeks, or t(3)."""
    if kind == "normal":
        return rng.normal(0, sd, size=shape)
    if kind == "t3":
        return rng.standard_t(3, size=shape) * sd / np.sqrt(3.0)
    if kind == "ar1":
        e = rng.normal(0, sd * np.sqrt(1 - rho**2), size=shape)
        e[:, 0] = rng.normal(0, sd, size=(shape[0], shape[2]))
        return signal.lfilter([1.0], [1.0, -rho], e, axis=1)
    raise ValueError(f"noise must be 'normal', 'ar1' or 't3', got {kind!r}")


def _linear_snapshots(level: np.ndarray, weeks: pd.DatetimeIndex, member_ids: list[str],
                      daily: bool, rng: np.random.Generator) -> pd.DataFrame:
    """Snapshots of weekly levels: Sundays, or every day moving evenly through the week.

    Daily snapshots, as a tracker saves them, also carry measurement noise (SD 0.05) and
    miss 5% of days, so a week may end on a Saturday or a Monday.
    """
    burn = 4                        # activity-only weeks, so that lag windows exist
    sundays = weeks + pd.Timedelta(days=6)
    rows = []
    for i, m in enumerate(member_ids):
        lv = level[i, burn - 1:]                      # (weeks, pillars) from the first Sunday
        dates = sundays[burn - 1:]
        if daily:
            steps = np.arange(1, 8) / 7.0             # Monday … Sunday of each next week
            inner = lv[:-1, None, :] + (lv[1:] - lv[:-1])[:, None, :] * steps[None, :, None]
            lv = np.vstack([lv[:1], inner.reshape(-1, lv.shape[1])])
            lv = lv + rng.normal(0, 0.05, size=lv.shape)
            dates = pd.date_range(dates[0], periods=len(lv), freq="D")
            keep = rng.random(len(lv)) >= 0.05
            keep[0] = True
            lv, dates = lv[keep], dates[keep]
        rows.append(pd.DataFrame({"member_id": m, "date": dates,
                                  **{p: lv[:, j] for j, p in enumerate(PILLARS)}}))
    snaps = pd.concat(rows, ignore_index=True)
    snaps["ssi"] = snaps[list(PILLARS)].sum(axis=1)
    snaps["source"] = "linear-panel"
    return snaps


