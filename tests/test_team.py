"""Team summaries: pseudonyms, overview, movers, leaderboard, coverage, members' effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ssi_analysis import DataError, team
from ssi_analysis.schema import PILLARS
from ssi_analysis.synth import make_linear_panel


def _team(ssi_by_member: dict[str, list[float]]) -> pd.DataFrame:
    rows = []
    for m, values in ssi_by_member.items():
        for k, v in enumerate(values):
            day = pd.Timestamp("2026-01-31") + pd.offsets.MonthEnd(k)
            rows.append({"member_id": m, "date": day, "ssi": v, **{p: v / 4 for p in PILLARS},
                         "source": "t"})
    return pd.DataFrame(rows)


def test_pseudonyms_are_stable_keyed_and_never_the_id(tmp_path):
    a = team.display_names(["123", "456"], salt="project-a")
    assert a == team.display_names(["456", "123"], salt="project-a")
    assert a != team.display_names(["123", "456"], salt="project-b")
    assert all(v.startswith("Member ") and "123" not in v for v in a.values())
    names = tmp_path / "names.csv"
    names.write_text("member_id,name\n123,Ada Example\n")
    shown = team.display_names(["123", "456"], show_names=True, names_file=str(names))
    assert shown["123"] == "Ada Example" and shown["456"].startswith("Member ")
    with pytest.raises(DataError, match="names_file"):
        team.display_names(["123"], show_names=True)


def test_overview_movers_and_leaderboard():
    s = _team({"a": [20, 30, 40, 60], "b": [50, 50, 45, 35], "c": [70, 71, 72, 72]})
    names = team.display_names(s["member_id"], salt="t")
    ov = team.overview(s).set_index("What")["Value"]
    assert ov["Members"] == "3" and ov["Median SSI (latest)"].startswith("60.0")
    assert ov["Members per band"] == "0–30: 0, 31–50: 1, 51–70: 1, 71+: 1"
    mv = team.movers(s, names, periods=3)
    assert mv.iloc[0]["Member"] == names["a"] and mv.iloc[0]["Change"] == "+40.0"
    assert mv[mv["Direction"] == "down"]["Member"].tolist() == [names["b"]]
    lb = team.leaderboard(s, names, top=2)
    assert lb["Member"].tolist() == [names["c"], names["a"]] and lb["SSI"].tolist() == [72, 60]


def test_coverage_counts_each_members_snapshots_and_activity_periods():
    s = _team({"a": [20, 30], "b": [50, 50, 45]})
    act = pd.DataFrame({"member_id": ["a", "a", "b"], "activity": "searches", "count": 3,
                        "date": pd.to_datetime(["2026-01-31", "2026-02-28", "2026-01-31"])})
    names = team.display_names(s["member_id"], salt="t")
    cov = team.coverage(s, act, names).set_index("Member")
    assert cov.loc[names["a"], "Snapshots"] == 2 and cov.loc[names["b"], "Snapshots"] == 3
    assert cov.loc[names["a"], "Periods with activity"] == 2


def test_member_effects_shrink_toward_the_pooled_effect():
    data = make_linear_panel(n_members=30, n_weeks=60, effects={("posts", "insights"): 0.2},
                             seed=3)
    spread = team.member_effects(data.snapshots, data.activity, [("posts", "insights")],
                                 freq="W")
    assert spread["member_id"].nunique() == 30
    pooled = spread["team"].iloc[0]
    assert pooled == pytest.approx(0.2, abs=0.05)
    # every shrunk effect lies between the member's own estimate and the pooled value
    lo = np.minimum(spread["estimate"], pooled) - 1e-12
    hi = np.maximum(spread["estimate"], pooled) + 1e-12
    assert spread["shrunk"].between(lo, hi).all()
    assert team.member_effects(data.snapshots, data.activity, [], freq="W").empty
