"""Writers of the real file formats: what trackers, LinkedIn and Sales Navigator produce.

Every name, link and text written here is obviously fictional.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..schema import LINKEDIN_PILLARS, PILLARS
from .simulate import SyntheticData, fictional_names

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
            {"groupType": "INDUSTRY", "industry": row["industry"],
             "rank": int(row["industry_rank"]),
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


def _export_shares(out: Path, counts, dates: pd.DatetimeIndex, tz: str, rng) -> None:
    """Shares.csv: own posts, with commentary (some multi-paragraph in LinkedIn's nested style)."""
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
               ["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"],
               rows)


def _export_reposts(out: Path, counts, dates: pd.DatetimeIndex, tz: str, rng) -> None:
    """InstantReposts.csv: reposts without commentary."""
    ts = _event_times(counts("reposts"), dates, tz, rng)
    rows = [[t, f"https://www.linkedin.com/feed/update/urn:li:activity:{i}"]
            for t, i in zip(_fmt_utc(ts), _urn_id(ts, rng), strict=True)]
    _write_csv(out / "InstantReposts.csv", ["Date", "Link"], rows)


def _export_comments(out: Path, counts, dates: pd.DatetimeIndex, tz: str, rng) -> None:
    """Comments.csv: backslash-escaped quotes, as LinkedIn writes them."""
    ts = _event_times(counts("comments"), dates, tz, rng)
    rows = []
    for t, i in zip(_fmt_utc(ts), _urn_id(ts - pd.Timedelta(hours=5), rng), strict=True):
        msg = _sentence(rng, int(rng.integers(4, 12)))
        if rng.random() < 0.15:
            msg = f'Agree with the "{rng.choice(_WORDS)}" point.\n{msg}'
        rows.append([t, f"https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A{i}", msg])
    _write_csv(out / "Comments.csv", ["Date", "Link", "Message"], rows, backslash_quotes=True)


def _export_reactions(out: Path, counts, dates: pd.DatetimeIndex, tz: str, rng) -> None:
    """Reactions.csv."""
    ts = _event_times(counts("reactions"), dates, tz, rng)
    rows = [[t, str(rng.choice(_REACTION_TYPES)),
             f"https://www.linkedin.com/feed/update/urn:li:activity:{i}"]
            for t, i in zip(_fmt_utc(ts), _urn_id(ts - pd.Timedelta(hours=9), rng), strict=True)]
    _write_csv(out / "Reactions.csv", ["Date", "Type", "Link"], rows)


def _export_connections(out: Path, counts, dates: pd.DatetimeIndex, tz: str, rng) -> None:
    """Connections.csv: Notes preamble, date only, fictional people."""
    n_conn = counts("connections")
    day_idx = np.repeat(np.arange(len(dates)), n_conn)[::-1]  # newest first, as exported
    people = fictional_names(len(day_idx), rng)
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


def _export_invitations(out: Path, counts, dates: pd.DatetimeIndex, tz: str, rng) -> None:
    """Invitations.csv: outgoing (counted) and incoming (not counted), US-style local times."""
    inv_out = counts("invitations_sent")
    local_dates = pd.DatetimeIndex(dates)
    rows = []
    for direction, cnt in (("OUTGOING", inv_out),
                           ("INCOMING", rng.poisson(0.3, size=len(dates)))):
        day_idx = np.repeat(np.arange(len(dates)), cnt)
        minutes = rng.integers(7 * 60, 21 * 60, size=len(day_idx))
        for d, m in zip(day_idx, minutes, strict=True):
            t = local_dates[d] + pd.Timedelta(minutes=int(m))
            other = fictional_names(1, rng)[0]
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


def _export_messages(out: Path, counts, dates: pd.DatetimeIndex, tz: str, rng) -> None:
    """Messages.csv (2025 layout): sent messages and replies from fictional people."""
    sent = counts("messages_sent")
    ts = _event_times(sent, dates, tz, rng)
    rows = []
    for t in ts:
        other = fictional_names(1, rng)[0]
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

    _export_shares(out, counts, dates, tz, rng)
    _export_reposts(out, counts, dates, tz, rng)
    _export_comments(out, counts, dates, tz, rng)
    _export_reactions(out, counts, dates, tz, rng)
    _export_connections(out, counts, dates, tz, rng)
    _export_invitations(out, counts, dates, tz, rng)
    _export_messages(out, counts, dates, tz, rng)
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


def write_manual_csv(data: SyntheticData, path: Path) -> None:
    """Write a hand-kept weekly CSV (rounded, two typing mistakes) overlapping the tracker."""
    s = data.snapshots.drop_duplicates(["member_id", "date"], keep="last")
    s = s[(s["date"] >= "2023-06-05") & (s["date"].dt.day_of_week == 0)].head(30)
    s = s[["date"]].join(s[["ssi", *PILLARS]].round(1)).reset_index(drop=True)
    s["ssi"] = s["ssi"].round()
    s.loc[5, "brand"] = s.loc[5, "brand"] * 10      # typed without the decimal point
    s.loc[12, "ssi"] = s.loc[12, "ssi"] + 10         # SSI typed wrong
    s["date"] = s["date"].dt.strftime("%Y-%m-%d")
    s.to_csv(path, index=False, lineterminator="\n")


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
