"""Monte Carlo checks of the effects model (methods.md §5.2), with MCSE-based tolerances.

The figures these tests see are printed with ``pytest -s`` and quoted in the closing note.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from ssi_analysis import clean_snapshots, estimate_effects, lagged_correlations
from ssi_analysis.advice import advise
from ssi_analysis.model.predictive import predictive_check, predictive_skill
from ssi_analysis.synth import make_linear_panel, make_synthetic

WIDE = (-1e9, 1e9)
BETA = 0.15


def _row(e, activity, pillar):
    return e[(e["activity"] == activity) & (e["pillar"] == pillar)].iloc[0]


def _monte_carlo(n_members, n_weeks, seeds, null_pair, **kw):
    """Estimates, 90% coverage of the planted effect and 5% rejections of a null pair."""
    est, covered, null_reject = [], [], []
    for seed in seeds:
        d = make_linear_panel(n_members, n_weeks, effects={("posts", "insights"): BETA},
                              noise_sd=0.3, seed=seed, **kw)
        e = estimate_effects(d.snapshots, d.activity, headroom=WIDE, winsorize=None)
        r = _row(e, "posts", "insights")
        est.append(r["estimate"])
        half = stats.t.ppf(0.95, r["df"]) * r["se"]       # the nominal 90% interval
        covered.append(abs(r["estimate"] - BETA) <= half)
        assert r["ci_low"] <= r["estimate"] - half + 1e-12    # the shown one is wider (FCR)
        null_reject.append(_row(e, *null_pair)["p_value"] < 0.05)
    est = np.array(est)
    return est, est.std(ddof=1) / np.sqrt(len(est)), np.mean(covered), np.mean(null_reject)


@pytest.mark.slow
def test_single_member_recovery_coverage_and_null_rate():
    R = 400
    est, mcse, cov, rej = _monte_carlo(1, 104, range(R), ("reactions", "insights"),
                                       member_drift_sd=0.05)
    print(f"\nsingle member, R={R}: mean {est.mean():.4f} (truth {BETA}, MCSE {mcse:.4f}); "
          f"90% coverage {cov:.3f}; null rejection at 5% {rej:.3f}")
    assert abs(est.mean() - BETA) < 3 * mcse
    assert 0.85 <= cov <= 0.95
    assert 0.02 <= rej <= 0.08


@pytest.mark.slow
def test_team_recovery_coverage_and_null_rate():
    R = 60
    est, mcse, cov, rej = _monte_carlo(60, 52, range(1000, 1000 + R), ("comments", "brand"),
                                       member_drift_sd=0.1, week_shock_sd=0.2)
    print(f"\nteam 60x52, R={R}: mean {est.mean():.4f} (MCSE {mcse:.4f}); 90% coverage "
          f"{cov:.3f}; null rejection {rej:.3f}")
    assert abs(est.mean() - BETA) < 3 * mcse
    assert 0.80 <= cov <= 0.99
    assert rej <= 0.15


@pytest.mark.slow
def test_null_world_false_positive_rate_and_negative_control():
    """No effect, but trends, drift, correlated activities and shocks."""
    R = 300
    reject_changes, reject_levels, any_bh = [], [], []
    for seed in range(R):
        d = make_linear_panel(1, 104, effects={}, noise_sd=0.3, member_drift_sd=0.1,
                              week_shock_sd=0.1, seed=5000 + seed)
        e = estimate_effects(d.snapshots, d.activity, headroom=WIDE)
        reject_changes.append(_row(e, "posts", "insights")["p_value"] < 0.05)
        any_bh.append(e["verdict"].isin(["likely positive", "likely negative"]).any())
        s = d.snapshots.sort_values("date")
        posts = d.activity[d.activity["activity"] == "posts"].set_index("date")["count"]
        cum = posts.reindex(pd.to_datetime(s["date"]) - pd.Timedelta(days=6)).fillna(0).cumsum()
        reject_levels.append(stats.pearsonr(s["insights"], cum).pvalue < 0.05)
    rc, rl, bh = map(np.mean, (reject_changes, reject_levels, any_bh))
    print(f"\nnull world, R={R}: OLS on changes rejects {rc:.3f}; levels correlation rejects "
          f"{rl:.3f}; runs with any BH finding among 12 pairs {bh:.3f}")
    assert 0.02 <= rc <= 0.085
    assert rl > 0.15 and rl > 2 * rc        # the naive method is fooled, ours is not
    assert bh <= 0.12


def test_confounded_activity_is_not_credited():
    R = 60
    joint_covers, marginal_sig = [], []
    rng = np.random.default_rng(0)
    for seed in range(R):
        d = make_linear_panel(1, 104, effects={("posts", "insights"): BETA}, noise_sd=0.3,
                              activities=("posts", "comments"), seed=200 + seed)
        act = d.activity
        posts = act[act["activity"] == "posts"]
        comments = posts.assign(activity="comments",
                                count=rng.binomial(posts["count"], 0.4) + rng.poisson(3.0,
                                                                                      len(posts)))
        act = pd.concat([posts, comments], ignore_index=True)
        e = estimate_effects(d.snapshots, act, headroom=WIDE, winsorize=None)
        r = _row(e, "comments", "insights")
        assert np.isfinite(r["estimate"]), r["note"]       # correlated, but not merged
        joint_covers.append(r["ci_low"] <= 0 <= r["ci_high"])
        lc = lagged_correlations(d.snapshots, act, max_lag=0)
        marginal_sig.append(_row(lc, "comments", "insights")["p_value"] < 0.05)
    print(f"\nconfounding, R={R}: joint CI covers 0 for comments {np.mean(joint_covers):.3f}; "
          f"marginal correlation significant {np.mean(marginal_sig):.3f}")
    assert np.mean(joint_covers) >= 0.85
    assert np.mean(marginal_sig) >= 0.8


def test_headroom_filter_counters_the_ceiling():
    filtered, unfiltered = [], []
    for seed in range(8):
        d = make_synthetic(1, "2023-01-01", "2026-06-30", seed=seed,
                           effects={("posts", "insights"): BETA},
                           habitual={"insights": (23.0, 24.0)})
        c = clean_snapshots(d.snapshots).snapshots
        filtered.append(_row(estimate_effects(c, d.activity), "posts", "insights")["estimate"])
        unfiltered.append(_row(estimate_effects(c, d.activity, headroom=WIDE),
                               "posts", "insights")["estimate"])
    f, u = np.mean(filtered), np.mean(unfiltered)
    print(f"\nceiling (Tier B, 8 seeds): headroom-filtered {f:.3f}, all weeks {u:.3f}, "
          f"truth {BETA}")
    assert abs(f - BETA) / BETA < 0.15
    assert abs(u - BETA) > abs(f - BETA)


def test_small_team_combines_per_member_fits():
    d = make_linear_panel(8, 80, effects={("posts", "insights"): BETA}, noise_sd=0.2, seed=9,
                          member_drift_sd=0.1)
    e = estimate_effects(d.snapshots, d.activity, headroom=WIDE)
    r = _row(e, "posts", "insights")
    assert r["n_members"] == 8 and "Small team (8 members)" in r["note"]
    assert r["ci_low"] < BETA < r["ci_high"] and r["verdict"] == "likely positive"


def test_strongly_correlated_activities_are_reported_jointly():
    d = make_linear_panel(1, 120, effects={("posts", "insights"): BETA}, noise_sd=0.2,
                          activities=("posts", "comments", "reactions"), seed=4)
    act = d.activity
    posts = act[act["activity"] == "posts"]
    act = pd.concat([act[act["activity"] != "comments"],
                     posts.assign(activity="comments", count=posts["count"] * 2)])
    e = estimate_effects(d.snapshots, act, headroom=WIDE)
    assert "posts + comments" in set(e["activity"])
    assert _row(e, "posts", "insights")["note"].startswith("Posts and comments move together")
    assert _row(e, "posts + comments", "insights")["verdict"] == "likely positive"


def test_sparse_snapshots_warn():
    d = make_linear_panel(1, 300, seed=3)
    s = d.snapshots
    keep = pd.concat([s.iloc[0:80], s.iloc[80::4]]).sort_values("date")   # then 1 week in 4
    e = estimate_effects(keep, d.activity, headroom=WIDE)
    assert e["note"].str.contains(r"Snapshots are missing for 5\d% of weeks").all()
    full = estimate_effects(s, d.activity, headroom=WIDE)
    assert not full["note"].str.contains("Snapshots are missing").any()


def test_team_activity_that_few_members_vary_is_dropped():
    d = make_linear_panel(30, 40, seed=8, activities=("posts", "comments"))
    act = d.activity
    few = act[(act["activity"] == "comments") & act["member_id"].isin(["m0001", "m0002"])]
    act = pd.concat([act[act["activity"] != "comments"], few])
    cov = pd.DataFrame({"member_id": np.repeat(sorted(act["member_id"].unique()), 2),
                        "activity": ["posts", "comments"] * 30, "start": act["date"].min(),
                        "end": act["date"].max(), "source": "t", "granularity": "day"})
    e = estimate_effects(d.snapshots, act, coverage=cov, headroom=WIDE)
    assert _row(e, "comments", "brand")["note"] == ("comments: only 2 members vary it — not "
                                                    "estimable for the team.")


def test_predictive_check_has_skill_only_where_effects_are():
    d = make_linear_panel(1, 150, effects={("posts", "insights"): 0.3}, noise_sd=0.2, seed=11)
    pred = predictive_check(d.snapshots, d.activity, headroom=WIDE)
    sk = predictive_skill(pred).set_index("pillar")["skill"]
    assert sk["insights"] > 0.5
    assert sk["brand"] < 0.1
    assert set(pred["fold"]) == {0, 1, 2, 3}
    # folds are time-ordered: every test week is after the weeks the model saw
    assert pred.groupby("fold")["period"].min().is_monotonic_increasing


def test_advice_is_ranked_capped_and_only_from_clear_findings():
    snaps = pd.DataFrame({"member_id": "me", "date": pd.to_datetime(["2026-01-05"]),
                          "ssi": 60.0, "brand": 24.5, "people": 10.0, "insights": 12.0,
                          "relationships": 13.5})
    act = pd.DataFrame({"member_id": "me",
                        "date": pd.date_range("2025-07-07", periods=26, freq="7D"),
                        "activity": "posts", "count": np.tile([1, 2, 3, 4], 7)[:26]})
    eff = pd.DataFrame({"activity": ["posts", "posts", "comments", "posts"],
                        "pillar": ["insights", "brand", "insights", "people"],
                        "estimate": [0.15, 0.3, 0.05, 0.2], "ci_low": [0.1, 0.2, -0.01, 0.05],
                        "ci_high": [0.2, 0.4, 0.1, 0.35],
                        "verdict": ["likely positive", "likely positive", "unclear",
                                    "likely positive"]})
    adv = advise(eff, snaps, act)
    assert list(adv["pillar"]) == ["people", "insights"]   # brand has < 1 point of room
    assert list(adv["rank"]) == [1, 2]
    assert adv["extra_per_week"].iloc[0] == 2               # IQR of weekly posts
    assert adv["sentence"].iloc[0].startswith(
        "2 more posts a week (2 posts → 4 posts) goes with about +0.4")
    assert "not a guarantee" in adv["sentence"].iloc[0]
    assert advise(eff.assign(verdict="unclear"), snaps, act).empty


def test_cluster_ols_equals_statsmodels():
    """The fast member-clustered OLS gives statsmodels' estimates, errors and tests."""
    import statsmodels.api as sm

    from ssi_analysis.model import ClusterOLS

    rng = np.random.default_rng(7)
    n, k, g = 600, 4, 31
    groups = rng.integers(0, g, n)
    X = rng.normal(size=(n, k)) + rng.normal(size=(g, k))[groups]
    y = X @ [0.5, 0.0, -0.3, 0.1] + rng.normal(size=n) + rng.normal(size=g)[groups]
    want = sm.OLS(y, X, hasconst=False).fit(cov_type="cluster", cov_kwds={"groups": groups},
                                              use_t=True)
    got = ClusterOLS(y, X, groups, ["a", "b", "c", "d"])
    np.testing.assert_allclose(got.params, want.params, rtol=1e-10)
    np.testing.assert_allclose(got.cov_params(), want.cov_params(), rtol=1e-10)
    np.testing.assert_allclose(got.pvalues, want.pvalues, rtol=1e-8)
    np.testing.assert_allclose(got.conf_int(0.1), want.conf_int(0.1), rtol=1e-10)
    R = np.array([1.0, 1.0, 0.0, 0.0])
    tw, tg = want.t_test(R), got.t_test(R)
    np.testing.assert_allclose(tg.conf_int(0.1), tw.conf_int(0.1), rtol=1e-10)
    np.testing.assert_allclose(np.squeeze(tg.pvalue), np.squeeze(tw.pvalue), rtol=1e-8)
    np.testing.assert_allclose(np.squeeze(tg.effect), np.squeeze(tw.effect), rtol=1e-10)


def test_two_way_demeaning_removes_member_and_period_means_in_any_row_order():
    """Both paths (rows grouped by member, and any order) give the same within transform."""
    from ssi_analysis.model import within_two_way

    rng = np.random.default_rng(3)
    member = np.repeat(np.arange(30), rng.integers(5, 15, 30))      # grouped, unbalanced
    period = rng.integers(0, 12, len(member))
    X = rng.normal(size=(len(member), 3)) + member[:, None] * 0.5 + period[:, None] * 0.2
    Z = within_two_way(X, member, period)
    for labels in (member, period):
        means = pd.DataFrame(Z).groupby(labels).mean().to_numpy()
        np.testing.assert_allclose(means, 0, atol=1e-7)
    shuffle = rng.permutation(len(member))
    Zs = within_two_way(X[shuffle], member[shuffle], period[shuffle])
    np.testing.assert_allclose(Zs, Z[shuffle], atol=1e-8)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(st.integers(1, 12), min_size=1, max_size=12),
       periods=st.integers(1, 9), seed=st.integers(0, 10_000), shuffle=st.booleans(),
       split=st.booleans(), direct=st.booleans())
def test_two_way_demeaning_equals_dummy_regression(sizes, periods, seed, shuffle, split,
                                                    direct, monkeypatch):
    """The within transform is the residual of least squares on member and period dummies.

    Unbalanced panels, repeated member-period cells, rows in any order, and (``split``)
    two groups of members that never share a period (a disconnected panel); both the
    direct solution and the alternating projections.
    """
    import ssi_analysis.model.linalg as M

    monkeypatch.setattr(M, "DIRECT_CELLS", 5_000_000 if direct else 0)
    rng = np.random.default_rng(seed)
    member = np.repeat(np.arange(len(sizes)), sizes)
    period = rng.integers(0, periods, len(member))
    if split:     # odd members only in periods periods..2*periods-1
        period = period + (member % 2) * periods
    X = rng.normal(size=(len(member), 2)) + member[:, None] * 0.7 - period[:, None] * 0.3
    if shuffle:
        order = rng.permutation(len(member))
        member, period, X = member[order], period[order], X[order]
    D = np.column_stack([(member[:, None] == np.unique(member)).astype(float),
                         (period[:, None] == np.unique(period)).astype(float)])
    want = X - D @ np.linalg.lstsq(D, X, rcond=None)[0]
    np.testing.assert_allclose(M.within_two_way(X, member, period, tol=1e-13), want,
                               atol=1e-8)
    inplace = np.asfortranarray(X)        # copy=False: the same, in the caller's array
    assert M.within_two_way(inplace, member, period, tol=1e-13, copy=False) is inplace
    np.testing.assert_allclose(inplace, want, atol=1e-8)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 30), st.floats(0, 30),
                               st.integers(0, 5000)),
                     min_size=1, max_size=60),
       q=st.sampled_from([0.0, 0.5, 0.9, 0.99, 1.0]), grouped=st.booleans(),
       lopsided=st.booleans())
def test_member_quantiles_match_pandas(rows, q, grouped, lopsided):
    """Per-member quantiles (winsorising caps) equal pandas' grouped quantile on each row.

    Counts and fractional values, rows grouped by member or not, and (``lopsided``) one
    long history among short ones, where pandas does it.
    """
    from ssi_analysis.model.linalg import member_quantiles

    if lopsided:
        rows = rows + [(9, i % 50, i / 3, i) for i in range(2000)]
    if grouped:
        rows = sorted(rows, key=lambda r: r[0])
    codes = np.array([r[0] for r in rows])
    X = np.array([[r[1], r[2], r[3]] for r in rows], dtype=float)
    want = pd.DataFrame(X).groupby(codes).quantile(q).loc[codes].to_numpy()
    np.testing.assert_array_equal(member_quantiles(X, codes, q), want)
    capped = X.copy(order="F")           # winsorising in place: the same caps
    assert member_quantiles(capped, codes, q, cap=True) is capped
    np.testing.assert_array_equal(capped, np.minimum(X, want))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(12, 80), k=st.integers(1, 6), seed=st.integers(0, 10_000),
       constant=st.booleans())
def test_ridge_loo_equals_scikit_learns_ridgecv_pipeline(n, k, seed, constant):
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from ssi_analysis.model.predictive import ALPHAS, ridge_loo

    rng = np.random.default_rng(seed)
    x = rng.poisson(2.0, size=(n, k)).astype(float)
    if constant:
        x[:, 0] = 3.0                                       # a column without variation
    y = x @ rng.normal(0, 0.1, k) + rng.normal(0, 0.3, n)
    new = rng.poisson(2.0, size=(7, k)).astype(float)
    ref = make_pipeline(StandardScaler(), RidgeCV(alphas=ALPHAS)).fit(x, y)
    np.testing.assert_allclose(ridge_loo(x, y)(new), ref.predict(new), rtol=1e-7, atol=1e-9)
