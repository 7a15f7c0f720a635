"""Issue: a useful first report. The member report adapts to what is there: day one (one
snapshot), a few weeks, months, each with and without a data export. Every chart a section
returns has data in it (checked on the figure objects, before rendering), no table is
shown with only its header, and each state says its key sentence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ssi_analysis import headline, paths, store
from ssi_analysis.display import Chart, Table, figure_has_data
from ssi_analysis.pipeline import ingest
from ssi_analysis.sections import member as section

SAMPLE_MEMBER = paths.SAMPLE_DIR / "member"
SAMPLE_TZ = "Europe/Berlin"

VIEWS = ("summary_view", "standing_view", "trend_view", "activity_view", "effects_view",
         "timing_view", "advice_view", "quality_view")
RUN_DATE = "2026-11-02"


def _history(tmp_path_factory, weeks: int, export: bool):
    """The sample member's last ``weeks`` weekly snapshots (one per week), ± its export."""
    raw = tmp_path_factory.mktemp(f"raw{weeks}{'x' if export else ''}")
    files = sorted((SAMPLE_MEMBER / "ssi").rglob("salesApiSsi_*.json"))
    by_week = {}
    for f in files:                                        # the last capture of each week
        day = pd.Timestamp(f.name[12:22])
        by_week[day.to_period("W-SUN")] = f
    keep = [by_week[w] for w in sorted(by_week)[-weeks:]]
    (raw / "ssi").mkdir()
    for f in keep:
        (raw / "ssi" / f.name).write_bytes(f.read_bytes())
    if export:
        import shutil

        shutil.copytree(SAMPLE_MEMBER / "export", raw / "export")
    out = tmp_path_factory.mktemp("p")
    ingest([raw], out, tz=SAMPLE_TZ, as_of="2026-11-01")
    data = store.load_processed(out, member_id="me")
    return section.member_report(data, run_date=RUN_DATE, tz=SAMPLE_TZ)


def _smallest_font(fig) -> float:
    from matplotlib.text import Text

    fig.draw_without_rendering()
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    return min(sizes) if sizes else 99.0


STATES = [(1, False), (1, True), (5, False), (5, True), (20, False), (20, True)]


@pytest.fixture(scope="module", params=STATES,
                ids=lambda s: f"{s[0]}w-{'export' if s[1] else 'no-export'}")
def state(request, tmp_path_factory):
    weeks, export = request.param
    return weeks, export, _history(tmp_path_factory, weeks, export)


def test_every_chart_has_data_and_no_table_is_only_a_header(state):
    weeks, export, r = state
    charts = 0
    for name in VIEWS:
        view = getattr(section, name)(r)
        for part in view.parts:
            if isinstance(part, Chart) and part.fig is not None:
                charts += 1
                assert figure_has_data(part.fig) == [], (name, part.alt)
                assert part.alt and "No description" not in part.alt
                assert _smallest_font(part.fig) >= 10, (name, part.alt)    # legible on a phone
            if isinstance(part, Table) and (part.df is None or part.df.empty):
                assert part.empty, f"{name}: an empty table without a sentence"
        html = view.html()
        assert "<tbody></tbody>" not in html, name
    assert charts >= (1 if weeks == 1 else 3)


def test_day_one_says_what_to_do_next_and_when(state):
    weeks, export, r = state
    text = section.summary_view(r).text()
    assert "At a glance" in section.summary_view(r).html()
    prog = headline.progress(r.snapshots, r.data.coverage, run_date=RUN_DATE)
    if weeks == 1:
        assert r.stage == "day one"
        assert "Keep saving one SSI snapshot a week" in text
        assert f"needs about {prog.needed} weekly changes" in text
        assert f"around {prog.ready_on:%d %b %Y}" in text
        trend = section.trend_view(r)
        assert not trend.charts and "second week" in trend.text()
    if not export:
        assert "Get a copy of your data" in text
        assert "No activity yet" in section.activity_view(r).text()
        assert not section.activity_view(r).charts
    else:
        assert "Get a copy of your data" not in text
        assert section.activity_view(r).charts


def test_a_few_weeks_show_the_trend_and_months_show_effects(state):
    weeks, export, r = state
    if weeks >= 5:
        trend = section.trend_view(r)
        assert len(trend.charts) == 2 and f"The last {min(weeks, 7)} weeks" not in trend.text()
        assert "Stacked bars of the last" in trend.charts[0].alt
    effects = section.effects_view(r)
    if not export:
        assert r.effects is None and "needs your activity" in effects.text()
    elif weeks < 26:
        assert not effects.charts or all(c.fig is None for c in effects.charts)
        assert "weekly changes" in effects.text() or "needed" in effects.text()


def test_the_summary_figures_match_the_tables(state):
    """Every number the one-screen summary states is the one in the key-figures table."""
    weeks, _, r = state
    table = headline.glance_table(r.snapshots).set_index("What")
    text = section.summary_view(r).text()
    last = r.snapshots.sort_values("date").iloc[-1]
    assert f"SSI {round(last['ssi'])} of 100" in text
    assert table.loc["SSI", "Now"].startswith(f"{round(last['ssi'])} of 100")
    week = headline.change(r.snapshots, "ssi", 7)
    if week is None:
        assert table.loc["SSI", "1 week"] == "" and "over 1 week" not in text
    else:
        assert f"{abs(week[0]):.1f} points over 1 week" in text or "unchanged over 1 week" in text
        assert float(table.loc["SSI", "1 week"].replace("−", "-")) == pytest.approx(week[0],
                                                                                   abs=0.051)
    weak = headline.weakest_pillar(last)
    assert f"{weak.value:.1f} of 25" in text
    rank = table.loc["Industry rank", "Now"]
    assert f"industry rank: {rank}" in text


def test_the_report_notebook_renders_each_state(tmp_path_factory):
    """Executed end to end on one snapshot: no empty chart, the next steps, no stale alert."""
    from ssi_analysis.report import run_reports

    raw = tmp_path_factory.mktemp("one")
    f = sorted((SAMPLE_MEMBER / "ssi").rglob("salesApiSsi_*.json"))[-1]
    (raw / f.name).write_bytes(f.read_bytes())
    out = tmp_path_factory.mktemp("p1")
    ingest([raw], out, tz=SAMPLE_TZ, as_of="2026-11-01")
    cfg = out / "r.yml"
    cfg.write_text("reports:\n  - name: day1\n    notebook: notebooks/member_report.ipynb\n"
                   f"    parameters: {{processed_dir: {out}, tz: {SAMPLE_TZ}, "
                   f"run_date: '{RUN_DATE}'}}\n")
    site = tmp_path_factory.mktemp("site1")
    st = run_reports(cfg, site, progress=False)
    assert [s.status for s in st] == ["ok"], st[0].message
    page = (site / "day1.html").read_text()
    for phrase in ("At a glance", "What to do next", "Keep saving one SSI snapshot a week",
                   "the trend appears once", "No activity yet", "Get a copy of your data"):
        assert phrase in page, phrase
    assert "<tbody></tbody>" not in page and "The last 1 weeks" not in page
    assert "Stale data" not in page
    assert page.count("<img alt=") == 1                        # the standing chart only


def test_figure_has_data_catches_an_empty_panel():
    from ssi_analysis.plots import new_figure

    fig, (a, b) = new_figure(nrows=2)
    a.plot([1, 2], [3, 4])
    b.plot([np.nan], [np.nan])
    b.set_title("empty one")
    assert figure_has_data(fig) == ["empty one"]
    b.bar([0], [1])
    assert figure_has_data(fig) == []
