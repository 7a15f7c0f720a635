"""Monte Carlo validation of the verdicts on the histories users really have.

Each scenario simulates many histories with :func:`~ssi_analysis.synth.make_linear_panel`
(known truth: planted effects, or none), runs :func:`~ssi_analysis.estimate_effects` on
each and scores the table against the truth: how often a run calls anything "likely" that
is not there, the share of false findings among all findings (pooled over runs), how often
the 90% intervals (and the wider ones the table shows) cover the truth, and the power to
find what was planted. ``benchmarks/validation.py`` runs the full suite;
``tests/test_validation.py`` a fast subset.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..model import estimate_effects
from .simulate import make_linear_panel

#: Activities of the single-member scenarios (a realistic mix).
MEMBER_ACTIVITIES = ("posts", "comments", "reactions", "connections", "invitations_sent")
#: Planted effects (points per action at lag 0) where a scenario plants any.
PLANTED = {("posts", "brand"): 0.12, ("posts", "insights"): 0.15,
           ("comments", "insights"): 0.06, ("invitations_sent", "people"): 0.03,
           ("connections", "relationships"): 0.05}
TEAM_PLANTED = {("posts", "insights"): 0.05, ("comments", "people"): 0.03}


@dataclass(frozen=True)
class Scenario:
    """One simulated world: who, how long, what noise, what truth."""

    name: str
    n_members: int = 1
    n_weeks: int = 52
    planted: bool = False
    options: dict = field(default_factory=dict)

    def data(self, seed: int):
        """Simulate one history of this scenario."""
        effects = (TEAM_PLANTED if self.n_members > 1 else PLANTED) if self.planted else {}
        acts = ("posts", "comments", "reactions") if self.n_members > 1 else MEMBER_ACTIVITIES
        return make_linear_panel(self.n_members, self.n_weeks, effects=effects,
                                 activities=acts, seed=seed, noise_sd=0.3,
                                 **self.options)


def _scenarios() -> list[Scenario]:
    out = []
    for planted in (False, True):
        tag = "effects" if planted else "null"
        for weeks, label in ((27, "6 months"), (52, "1 year"), (104, "2 years")):
            for daily in (True, False):
                kind = "daily" if daily else "weekly"
                out.append(Scenario(f"member {label} {kind}, {tag}", 1, weeks, planted,
                                    {"daily": daily}))
        out.append(Scenario(f"member 2 years, AR(1) 0.4, {tag}", 1, 104, planted,
                            {"noise": "ar1", "rho": 0.4}))
        out.append(Scenario(f"member 1 year, AR(1) 0.4, {tag}", 1, 52, planted,
                            {"noise": "ar1", "rho": 0.4}))
        out.append(Scenario(f"member 2 years, t(3) noise, {tag}", 1, 104, planted,
                            {"noise": "t3"}))
        out.append(Scenario(f"member 1 year, correlated activities, {tag}", 1, 52, planted,
                            {"shared_sd": 1.2}))
        out.append(Scenario(f"member 2 years, sparse posting, {tag}", 1, 104, planted,
                            {"sparse": {"posts": 0.2}}))
        for g in (20, 40, 100, 600):
            method = " (CR1)" if g > 500 else ""
            out.append(Scenario(f"team {g} x 52 weeks, unequal volumes{method}, {tag}", g, 52,
                                planted, {"volume_sd": 1.0, "member_drift_sd": 0.05,
                                          "week_shock_sd": 0.1}))
    return out


SCENARIOS: dict[str, Scenario] = {s.name: s for s in _scenarios()}


def _truth(activity: str, pillar: str, truth: dict) -> tuple[float, bool]:
    """Return the planted effect of a pair, and whether it is exact (not a merged activity).

    Two activities reported jointly ("posts + comments") have no single true value: a
    finding is true when a part has a planted effect of that sign; they are left out of
    the interval coverage.
    """
    parts = [a.strip() for a in activity.split("+")]
    values = [truth.get((a, pillar), 0.0) for a in parts]
    if len(parts) == 1:
        return values[0], True
    nonzero = [v for v in values if v]
    return (float(np.sign(sum(nonzero))) * max(map(abs, nonzero)) if nonzero else 0.0), False


def score(effects: pd.DataFrame, truth: dict) -> dict:
    """Compare one effects table with the planted truth."""
    tt = [_truth(a, p, truth) for a, p in zip(effects["activity"], effects["pillar"],
                                               strict=True)]
    t = np.array([v for v, _ in tt])
    exact = np.array([x for _, x in tt], dtype=bool)
    likely = effects["verdict"].isin(["likely positive", "likely negative"]).to_numpy()
    sign_ok = np.sign(effects["estimate"].to_numpy()) == np.sign(t)
    false = likely & ((t == 0) | ~sign_ok)
    ok = effects["estimate"].notna().to_numpy() & exact
    half = stats.t.ppf(0.95, effects["df"].to_numpy(float)) * effects["se"].to_numpy(float)
    est = effects["estimate"].to_numpy(float)
    covered = np.abs(est - t) <= half
    shown = (effects["ci_low"].to_numpy() <= t) & (t <= effects["ci_high"].to_numpy())
    planted = t != 0
    return {"likely": int(likely.sum()), "false": int(false.sum()), "any_false": bool(false.any()),
            "estimable": int(ok.sum()), "covered": int((covered & ok).sum()),
            "shown_covered": int((shown & ok).sum()), "planted": int(planted.sum()),
            "found": int((likely & planted & sign_ok).sum()), "pairs": len(effects)}


def run(scenario: Scenario, runs: int, seed0: int = 0, **model_options) -> dict:
    """Run a scenario ``runs`` times; return its figures (``model_options`` go to the model)."""
    truth = (TEAM_PLANTED if scenario.n_members > 1 else PLANTED) if scenario.planted else {}
    tot: dict = {}
    refused = 0
    start = time.perf_counter()
    for r in range(runs):
        d = scenario.data(seed0 + r)
        try:
            e = estimate_effects(d.snapshots, d.activity,
                                 **{"headroom": (-1e9, 1e9), **model_options})
        except Exception:           # too little history: the kit refuses, nothing is called
            refused += 1
            continue
        for k, v in score(e, truth).items():
            tot[k] = tot.get(k, 0) + int(v)
    done = runs - refused
    return {
        "scenario": scenario.name, "runs": runs,
        "runs_with_a_false_likely": tot.get("any_false", 0) / runs,
        "false_share_of_likely": (tot.get("false", 0) / tot["likely"]) if tot.get("likely")
        else 0.0,
        "coverage_90": tot.get("covered", 0) / tot["estimable"] if tot.get("estimable") else np.nan,
        "coverage_shown": (tot.get("shown_covered", 0) / tot["estimable"]
                           if tot.get("estimable") else np.nan),
        "power": tot.get("found", 0) / tot["planted"] if tot.get("planted") else np.nan,
        "estimable_share": (tot.get("estimable", 0) / tot["pairs"]) if tot.get("pairs") else 0.0,
        "refused_runs": refused / runs if runs else 0.0,
        "seconds_per_run": (time.perf_counter() - start) / max(runs, 1),
        "completed": done,
    }


def validation_table(names: list[str] | None = None, runs: int = 200, seed0: int = 0
                     ) -> pd.DataFrame:
    """Run scenarios (default all) and return one row of figures per scenario."""
    names = list(SCENARIOS) if names is None else names
    return pd.DataFrame([run(SCENARIOS[n], runs, seed0) for n in names])


__all__ = ["PLANTED", "SCENARIOS", "Scenario", "TEAM_PLANTED", "run", "score",
           "validation_table"]
