"""Sales Navigator Usage Reporting exports (XLSX and CSV), real and rearranged."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ssi_analysis import (
    DataError,
    activity_coverage,
    align,
    load_activity,
    load_snapshots,
)
from ssi_analysis.importers.salesnav import xlsx_rows
from ssi_analysis.importers.sources import Source

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
SALESNAV = REAL / "schgrz-salesnav-usage"


def test_salesnav_xlsx_real_header_exact_values():
    f = SALESNAV / "Sales_Navigator_Usage_Reporting_2025-06-01_to_2025-06-30.xlsx"
    s = load_snapshots(f)
    ryan = s[s["member_id"] == "283878287"].iloc[0]
    assert ryan["date"] == pd.Timestamp("2025-06-30")
    assert (ryan["ssi"], ryan["brand"], ryan["people"], ryan["insights"],
            ryan["relationships"]) == (59.23, 15.81, 12.59, 10.68, 24.96)
    a = load_activity(f)
    got = a[a["member_id"] == "283878287"].set_index("activity")["count"].to_dict()
    assert got == {"days_active": 15, "searches": 60, "profile_views": 250, "leads_saved": 71,
                   "accounts_saved": 582, "inmails_sent": 87, "messages_sent": 60,
                   "connections": 36}
    cov = activity_coverage(a)
    assert set(cov["granularity"]) == {"period"}
    assert (cov["start"] == pd.Timestamp("2025-06-01")).all()


def test_salesnav_all_months_and_no_names_or_emails():
    s = load_snapshots(SALESNAV)
    a = load_activity(SALESNAV)
    assert s["date"].nunique() == 9 and len(s) > 9 * 100
    text = "".join(t.to_csv() for t in (s.snapshots, s.ingest_log, a.counts, a.coverage,
                                        a.ingest_log, a.hours))
    assert "Ryan Gallagher" not in text and "@example.com" not in text


def test_salesnav_csv_with_columns_in_another_order_gives_the_same(tmp_path):
    src = SALESNAV / "Sales_Navigator_Usage_Reporting_2025-03-01_to_2025-03-31.xlsx"
    rows = xlsx_rows(Source(str(src), src), src.read_bytes())
    order = list(reversed(range(len(rows[0]))))
    out = tmp_path / "Sales_Navigator_Usage_Reporting_2025-03-01_to_2025-03-31.csv"
    with out.open("w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows([[r[i] for i in order] for r in rows])
    cols = ["member_id", "date", "ssi", "brand", "people", "insights", "relationships"]
    pd.testing.assert_frame_equal(load_snapshots(out)[cols], load_snapshots(src)[cols])
    pd.testing.assert_frame_equal(load_activity(out).counts, load_activity(src).counts,
                                  check_like=True)


def test_salesnav_without_period_in_name_is_refused(tmp_path):
    src = SALESNAV / "Sales_Navigator_Usage_Reporting_2025-03-01_to_2025-03-31.xlsx"
    shutil.copy(src, tmp_path / "usage.xlsx")
    with pytest.raises(DataError, match="name has no period"):
        load_snapshots(tmp_path / "usage.xlsx")


def test_period_counts_are_whole_months_not_spread_over_weeks():
    s = load_snapshots(SALESNAV)
    a = load_activity(SALESNAV)
    seat = s["member_id"].iloc[0]
    monthly = align(s[s["member_id"] == seat], a[a["member_id"] == seat], freq="M", max_lag=1,
                    activities=["searches"], coverage=activity_coverage(a))
    feb = monthly[monthly["date"] == pd.Timestamp("2025-02-28")].iloc[0]
    expected = a[(a["member_id"] == seat) & (a["activity"] == "searches")
                 & (a["date"] == pd.Timestamp("2025-02-28"))]["count"].sum()
    assert feb["searches_l0"] == expected and feb["usable"]
    weekly = s[s["member_id"] == seat].assign(date=lambda d: d["date"] - pd.Timedelta(days=10))
    w = align(pd.concat([s[s["member_id"] == seat], weekly]), a[a["member_id"] == seat],
              freq="W", activities=["searches"], coverage=activity_coverage(a))
    assert w["searches_l0"].isna().all()   # a 10-day window inside a month is unknown

