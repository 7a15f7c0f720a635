"""Issue: reports that answer first. Freshness on the run date, the skip-unchanged
fingerprint, the index's headline numbers, pseudonyms in every file beside the team report,
the coaching grid, one number per effect, the planner and the wording rules."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from ssi_analysis import headline, planner
from ssi_analysis.numbers import decimals_for, per_action, signed, with_range
from ssi_analysis.report import run_reports
from ssi_analysis.report.config import load_config
from ssi_analysis.report.runner import fingerprint, freshness_verdict, with_run_date


def _snaps(dates, ssi=40.0):
    d = pd.to_datetime(dates)
    return pd.DataFrame({"member_id": "me", "date": d, "ssi": ssi, "brand": 10.0, "people": 10.0,
                         "insights": 10.0, "relationships": 10.0})


# ----------------------------------------------------------------------- freshness

def test_the_stale_alert_fires_on_old_data_judged_on_the_run_date():
    s = _snaps(["2026-09-01", "2026-09-08"])
    old = headline.freshness(s, run_date="2026-10-08", stale_days=7)
    assert old.stale and old.age_days == 30 and "Stale data" in old.sentence()
    fresh = headline.freshness(s, run_date="2026-09-10", stale_days=7)
    assert not fresh.stale and "2 days old" in fresh.sentence()
    assert "Report run on 10 Sep 2026" in fresh.sentence()
    # the run date defaults to today, never to the latest snapshot
    assert headline.freshness(s).age_days > 60


def _cfg(tmp_path, processed, extra=""):
    cfg = tmp_path / "r.yml"
    cfg.write_text("reports:\n  - name: m\n    notebook: notebooks/member_report.ipynb\n"
                   f"    parameters: {{processed_dir: {processed}, tz: Europe/Berlin{extra}}}\n")
    return cfg


def test_the_fingerprint_ignores_the_run_date_but_not_the_freshness_verdict(tmp_path,
                                                                            sample_processed):
    spec = load_config(_cfg(tmp_path, sample_processed))[0]
    day1, day2 = with_run_date(spec, "2026-11-01"), with_run_date(spec, "2026-11-05")
    assert freshness_verdict(day1) == freshness_verdict(day2) == "fresh"
    assert fingerprint(day1) == fingerprint(day2)           # no rerun for the date alone
    late = with_run_date(spec, "2026-11-20")
    assert freshness_verdict(late) == "stale" and fingerprint(late) != fingerprint(day1)
    fixed = load_config(_cfg(tmp_path, sample_processed, ", run_date: '2026-11-03'"))[0]
    assert with_run_date(fixed, "2030-01-01").parameters["run_date"] == "2026-11-03"


def test_a_report_becomes_stale_on_schedule_and_is_rerun(tmp_path, sample_processed):
    cfg = _cfg(tmp_path, sample_processed)
    out = tmp_path / "site"
    st = run_reports(cfg, out, progress=False, run_date="2026-11-01")
    assert st[0].status == "ok"
    page = (out / "m.html").read_text()
    assert "Report run on 01 Nov 2026" in page and "Stale data" not in page
    assert run_reports(cfg, out, progress=False, run_date="2026-11-04")[0].status == "skipped"
    st = run_reports(cfg, out, progress=False, run_date="2026-11-20")
    assert st[0].status == "ok"
    page = (out / "m.html").read_text()
    assert "Stale data: the latest snapshot is 20 days old" in page
    index = (out / "index.html").read_text()
    assert "run 2026-11-20" in index and "data to 2026-10-31" in index and "stale" in index
    head = json.loads((out / "m-tables" / "headline.json").read_text())
    assert head["stale"] is True and head["ssi"] == pytest.approx(46.2, abs=0.05)
    assert "<svg" in index and "SSI 46" in index


# ----------------------------------------------------------------------- team privacy


def test_no_raw_seat_id_in_any_file_beside_the_team_report(team_site):
    ids = pd.read_parquet(team_site / "p" / "snapshots.parquet")["member_id"].astype(str).unique()
    assert len(ids) == 40
    pattern = re.compile("|".join(re.escape(i) for i in ids))
    files = [f for f in (team_site / "site").rglob("*") if f.is_file()]
    assert {f.name for f in files} >= {"team.html", "team.ipynb", "member_effects.csv",
                                       "cleaning_log.csv", "coverage.csv", "coaching_grid.csv"}
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        hit = pattern.search(text)
        assert hit is None, f"{f.name} holds seat id {hit.group(0) if hit else ''}"
    spread = pd.read_csv(team_site / "site" / "team-tables" / "member_effects.csv")
    assert spread["member_id"].str.fullmatch(r"Member [0-9A-F]{6}").all()


def test_the_same_pseudonyms_everywhere_and_per_project_salt(team_site, tmp_path):
    from ssi_analysis.privacy import project_salt
    from ssi_analysis.team import display_names

    site = team_site / "site"
    grid = pd.read_csv(site / "team-tables" / "coaching_grid.csv")
    spread = pd.read_csv(site / "team-tables" / "member_effects.csv")
    cov = pd.read_csv(site / "team-tables" / "coverage.csv")
    assert set(spread["member_id"]) <= set(grid["Member"]) == set(cov["Member"])
    page = (site / "team.html").read_text()
    assert all(m in page for m in grid["Member"].head(10))
    a, b = project_salt(tmp_path / "a"), project_salt(tmp_path / "b")
    assert a != b and len(a) == 32 and project_salt(tmp_path / "a") == a
    assert display_names(["x"], salt=a) != display_names(["x"], salt=b)


def test_the_team_report_has_a_coaching_view_and_six_figures(team_site):
    page = (team_site / "site" / "team.html").read_text()
    for phrase in ("At a glance", "Who to coach on what", "members to coach first",
                   "Pillar that moved most", "Members under 5 of 25 on a pillar",
                   "the team value above is", "rule of thumb"):
        assert phrase in page, phrase
    assert page.count("<img alt=") >= 6
    grid = pd.read_csv(team_site / "site" / "team-tables" / "coaching_grid.csv")
    lows = grid[["brand", "people", "insights", "relationships"]].min(axis=1)
    assert lows.is_monotonic_increasing                      # weakest pillar first
    n_low = int((grid["people"] < 5).sum())
    assert f"{n_low} on Find the right people" in page


def test_one_number_per_effect_in_the_team_report(team_site):
    site = team_site / "site" / "team-tables"
    effects = pd.read_csv(site / "effects.csv")
    spread = pd.read_csv(site / "member_effects.csv")
    for (a, p), g in spread.groupby(["activity", "pillar"]):
        model = effects[(effects["activity"] == a) & (effects["pillar"] == p)]["estimate"]
        assert g["team"].iloc[0] == pytest.approx(float(model.iloc[0]))
    assert "pooled" not in spread.columns


# ----------------------------------------------------------------------- planner

def _weekly(n, slope=0.1, seed=0, rel=24.5):
    rng = np.random.default_rng(seed)
    d = pd.date_range("2026-01-05", periods=n, freq="7D")
    b = 5 + slope * np.arange(n) + rng.normal(0, 0.05, n)
    return pd.DataFrame({"member_id": "me", "date": d, "brand": b, "people": 10.0,
                         "insights": 10.0, "relationships": rel}).assign(
        ssi=lambda x: x[["brand", "people", "insights", "relationships"]].sum(axis=1))


def test_the_planner_projects_drift_plus_effects_widening_and_capped():
    s = _weekly(30)
    eff = pd.DataFrame({"activity": ["posts"], "pillar": ["brand"], "estimate": [0.2],
                        "shrunk": [0.15], "shrunk_low": [0.1], "shrunk_high": [0.2],
                        "ci_low": [0.1], "ci_high": [0.3], "verdict": ["likely positive"]})
    usual = planner.project(s, eff, {}, {"posts": 1.0}, weeks=10)
    more = planner.project(s, eff, {"posts": 3.0}, {"posts": 1.0}, weeks=10)
    b0 = usual[usual["pillar"] == "brand"].set_index("week")
    b1 = more[more["pillar"] == "brand"].set_index("week")
    last = s["brand"].iloc[-1]
    drift = planner.usual_drift(s)
    assert drift.mean["brand"] == pytest.approx(0.1, abs=0.03)
    assert b0.loc[10, "expected"] == pytest.approx(last + 10 * drift.mean["brand"])
    assert b1.loc[10, "expected"] - b0.loc[10, "expected"] == pytest.approx(10 * 2 * 0.15)
    width = (b1["high"] - b1["low"]).to_numpy()
    assert (np.diff(width) > 0).all()                          # the range widens
    rel = more[more["pillar"] == "relationships"]
    assert rel["high"].max() <= 25.0                             # capped at 25
    fading = planner.project(s, eff, {"posts": 3.0}, {"posts": 1.0}, weeks=10,
                             fades={("posts", "brand"): 2.0})
    f = fading[fading["pillar"] == "brand"].set_index("week")
    assert f.loc[10, "expected"] - b0.loc[10, "expected"] == pytest.approx(2 * 2 * 0.15)
    assert planner.project(s.head(3), eff, {}, {}, weeks=4).empty


def test_goal_progress_and_projected_date():
    s = _weekly(30, slope=0.1, rel=10.0)
    proj = planner.project(s, None, {}, {}, weeks=104)
    now = s["ssi"].iloc[-1]
    lines = planner.goal(s, proj, target=now + 5, by="2027-01-01")
    assert "points to go" in lines[0] and "reaches" in lines[1]
    when = proj[(proj["pillar"] == "ssi") & (proj["expected"] >= now + 5)]["date"].iloc[0]
    assert f"{when:%d %b %Y}" in lines[1]
    assert planner.goal(s, proj, target=10)[0].startswith("Goal reached")


# ----------------------------------------------------------------------- wording

@pytest.mark.parametrize("v, lo, hi, text", [
    (0.2, 0.18, 0.23, "+0.20 (range +0.18 to +0.23)"),
    (0.24, 0.2, 0.3, "+0.24 (range +0.20 to +0.30)"),
    (-0.0000681, -0.0001, -0.00002, "−0.00007 (range −0.00010 to −0.00002)"),
])
def test_numbers_are_plain_and_ranges_never_collapse(v, lo, hi, text):
    got = with_range(v, lo, hi) if abs(v) > 1e-3 else None
    if got is None:
        s, slo, shi, unit = per_action(v, lo, hi)
        assert unit == "per 100000 actions" or unit.startswith("per ")
        d = decimals_for(s, slo, shi)
        assert "e" not in signed(s, d)
        return
    assert got == text and "e-" not in got


def test_peer_figures_that_do_not_add_up_are_flagged():
    last = pd.Series({"industry_brand": 14.29, "industry_people": 7.1, "industry_insights": 4.81,
                      "industry_relationships": 14.98, "industry_ssi": 43.2})
    out = headline.peer_consistency(last)
    assert len(out) == 1 and "41.2" in out[0] and "43.2" in out[0]
    assert headline.peer_consistency(last.assign(industry_ssi=41.5) if False else
                                     pd.concat([last.drop("industry_ssi"),
                                                pd.Series({"industry_ssi": 41.5})])) == []


# ----------------------------------------------------------------------- explorer

def test_the_plan_explorer_has_a_slider_per_activity_and_its_projection_moves(sample_processed):
    widgets = pytest.importorskip("ipywidgets")
    from ssi_analysis import store
    from ssi_analysis.sections import explore
    from ssi_analysis.sections import member as section

    r = section.member_report(store.load_processed(sample_processed, member_id="me"),
                              run_date="2026-11-01")
    box = explore.plan_explorer(r, weeks=8)
    sliders = [c for c in box.children if isinstance(c, widgets.IntSlider)]
    assert len(sliders) == len([a for a in r.baseline if a != "invitations_received"]) + 1
    usual = explore.projection_view(r, {}, weeks=8).tables[0].df.set_index("pillar")
    more = explore.projection_view(r, {"posts": 6.0}, weeks=8).tables[0].df.set_index("pillar")
    assert more.loc["insights", "expected"] > usual.loc["insights", "expected"]
    assert more.loc["relationships", "expected"] == usual.loc["relationships", "expected"]


def test_the_plan_explorer_without_ipywidgets_shows_the_static_projection(sample_processed,
                                                                         monkeypatch):
    import builtins

    from ssi_analysis import store
    from ssi_analysis.sections import explore
    from ssi_analysis.sections import member as section

    real = builtins.__import__

    def no_widgets(name, *a, **k):
        if name == "ipywidgets":
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_widgets)
    r = section.member_report(store.load_processed(sample_processed, member_id="me"),
                              run_date="2026-11-01")
    view = explore.plan_explorer(r)
    assert "ssi-analysis[explore]" in view.text() and len(view.charts) == 1
