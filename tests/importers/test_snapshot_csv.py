"""Wide snapshot CSVs: the canonical form, tracker spellings, hand-kept files."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssi_analysis import (
    DataError,
    load_snapshots,
)
from ssi_analysis.schema import SNAPSHOT_CORE


def test_canonical_and_wide_csv_spellings(tmp_path):
    (tmp_path / "a.csv").write_text(
        "member_id,date,ssi,brand,people,insights,relationships,industry_rank\n"
        "ana,2026-01-05,40.5,10,10,10.5,10,Top 5%\n")
    (tmp_path / "b.csv").write_text(
        "\ufeffDate;Overall;Establish your professional brand;Find the right people;"
        "Engage with insights;Build relationships\r\n15/01/2026;41,5;10,5;10;11;10\r\n")
    s = load_snapshots(tmp_path, member_id="bo")
    ana = s[s["member_id"] == "ana"].iloc[0]
    bo = s[s["member_id"] == "bo"].iloc[0]
    assert ana["industry_rank"] == 5
    assert bo["ssi"] == 41.5 and bo["brand"] == 10.5
    assert bo["date"] == pd.Timestamp("2026-01-15")


def test_ambiguous_day_month_order_is_refused_unless_the_column_decides(tmp_path):
    head = "date,ssi,brand,people,insights,relationships\n"
    (tmp_path / "a.csv").write_text(head + "03/04/2026,40,10,10,10,10\n")
    with pytest.raises(DataError, match=r"a\.csv, row 2, column date: the date '03/04/2026' is "
                                        "ambiguous"):
        load_snapshots(tmp_path / "a.csv")
    (tmp_path / "b.csv").write_text(head + "03/04/2026,40,10,10,10,10\n"
                                    "03/25/2026,40,10,10,10,10\n")
    assert list(load_snapshots(tmp_path / "b.csv")["date"].dt.strftime("%m-%d")) == [
        "03-04", "03-25"]


def test_integer_only_wide_tracker_with_internal_names(tmp_path):
    (tmp_path / "linkedin_ssi_metrics.csv").write_text(
        "date,PROFESSIONAL_BRAND,FIND_RIGHT_PEOPLE,INSIGHT_ENGAGEMENT,STRONG_RELATIONSHIP,"
        "total_score\n2026-01-01,13,4,0,3,20\n")
    s = load_snapshots(tmp_path).iloc[0]
    assert (s["brand"], s["people"], s["insights"], s["relationships"], s["ssi"]) == \
        (13, 4, 0, 3, 20)


@pytest.mark.parametrize("content, expected", [
    ("date,ssi,brand,people,insights,relationships\n2026-01-01,40,10,10,x,10\n",
     r"bad\.csv, row 2, column insights: expected a number, found 'x'"),
    ("date,ssi,brand,people,insights,relationships\n2026-13-45,40,10,10,10,10\n",
     r"bad\.csv, row 2, column date: expected a date"),
    ("date,ssi,brand,people\n2026-01-01,40,10,10\n",
     r"bad\.csv, row 1: lacks the columns \['insights', 'relationships'\]"),
])
def test_bad_csv_names_file_row_column(tmp_path, content, expected):
    (tmp_path / "bad.csv").write_text(content)
    with pytest.raises(DataError, match=expected) as info:
        load_snapshots(tmp_path / "bad.csv")
    assert "\n" not in str(info.value)


_cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cells, min_size=6, max_size=6), max_size=5),
       sep=st.sampled_from([",", ";", "\t"]))
def test_snapshot_csv_parser_raises_only_data_error(tmp_path, rows, sep):
    text = sep.join(["date", "ssi", "brand", "people", "insights", "relationships"]) + "\n"
    text += "".join(sep.join(r) + "\n" for r in rows)
    f = tmp_path / "fuzz.csv"
    f.write_text(text, encoding="utf-8")
    try:
        out = load_snapshots(f)
    except DataError as exc:
        assert "\n" not in str(exc)
    else:
        assert list(out.columns) == list(SNAPSHOT_CORE)   # no peer details in this CSV

