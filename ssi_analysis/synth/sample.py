"""The bundled sample: one fictional member and a 40-seat team, in the real formats.

:func:`write_sample` turns a realistic history into the files users really have: one
``salesApiSsi`` JSON payload per capture, as a tracker saves them, a hand-kept CSV, notes
and a LinkedIn "Get a copy of your data" folder; and the team as monthly Sales Navigator
usage reports. ``make sample`` regenerates it byte for byte.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from .formats import (
    write_export,
    write_manual_csv,
    write_snapshot_payloads,
    write_usage_reports,
)
from .simulate import SyntheticData, make_synthetic

SAMPLE_SEED = 20261101


SAMPLE_START = "2023-05-01"


SAMPLE_END = "2026-10-31"


SAMPLE_TZ = "Europe/Berlin"


SAMPLE_OVERHAUL = "2025-06-02"


SAMPLE_INDUSTRY_CHANGE = "2025-09-15"


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
    write_manual_csv(data, member / "ssi-manual.csv")
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
