"""LinkedIn's "Get a copy of your data" export, as a zip or a folder, of any era.

Files are recognised by name at any depth (``Shares.csv``, ``Comments.csv``,
``Reactions.csv``, ``Votes.csv``, ``InstantReposts.csv``, ``Connections.csv``,
``Invitations.csv``, ``messages.csv``, ``Rich_Media.csv``; ``_<id>`` suffixes accepted).
Each event is counted on the member's local calendar day; only counts and dates leave
this module — names, e-mail addresses, links and message texts are never kept.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ._text import local_dates, parse_dates, read_table, require_columns
from .sources import Source, decode_text

EXPORT_FILE = re.compile(
    r"^(Shares|Comments|Reactions|Votes|InstantReposts|Connections|Invitations|messages|"
    r"Rich_Media)"
    r"(_\d+)?\.csv$", re.IGNORECASE)


_EXPORT_DATE = re.compile(r"LinkedInDataExport_(\d{2})-(\d{2})-(\d{4})", re.IGNORECASE)


_UTC_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d %H:%M",
                "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ",
                "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M", "%Y-%m-%d")


_CONNECTED_FORMATS = ("%d %b %Y", "%d %B %Y", "%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d", "%m/%d/%Y",
                      "%m/%d/%y")


_INVITATION_FORMATS = ("%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p", "%m/%d/%y %I:%M %p",
                       "%m/%d/%Y %I:%M %p", "%Y-%m-%d %H:%M:%S", "%m/%d/%y %H:%M")


_RICH_MEDIA = re.compile(r"on (?P<d>\w+ \d{1,2}, \d{4}) at (?P<t>\d{1,2}:\d{2} [AP]M) "
                         r"\((?P<tz>[A-Za-z]+)\)")


_SPONSORED = '<p class="spinmail-quill-editor__spin-break">'


def _subset(df: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    return df[mask.to_numpy()]


def _utc_events(df, col, source, tz, log, hours=None, activity="") -> pd.Series:
    ts = parse_dates(df[col], source, col, df.index, _UTC_FORMATS, utc=True, log=log)
    local = ts.dropna().dt.tz_convert(tz)
    if hours is not None and len(local):
        hours.append(pd.DataFrame({"activity": activity, "weekday": local.dt.day_of_week,
                                   "hour": local.dt.hour}))
    return local_dates(ts.dropna(), tz)


def _connections(text, source, tz, owner_name, log, hours):
    lines = text.split("\n")
    hdr = next((i for i, ln in enumerate(lines[:30])
                if ln.lstrip('"').startswith("First Name")), None)
    if hdr is None:
        raise DataError("has no 'First Name,Last Name,…,Connected On' header line in its "
                        "first 30 lines", path=source.name)
    df = read_table(text, source, skip_lines=hdr)
    require_columns(df, ["Connected On"], source, hdr + 1)
    d = parse_dates(df["Connected On"], source, "Connected On", df.index,
                    _CONNECTED_FORMATS, log=log)
    return {"connections": d.dropna()}


def _rich_media(text, source, tz, owner_name, log, hours):
    df = read_table(text, source)
    col = next((c for c in df.columns if c.lower().startswith("date")), None)
    if col is None:
        raise DataError("lacks the 'Date/Time' column", path=source.name, row=1)
    found = df[col].astype(str).str.extract(_RICH_MEDIA)
    ok = found["d"].notna()
    if (~ok).any():
        log.append({"file": source.short, "row": int(df.index[int(np.argmin(ok))]),
                    "rule": "bad_date",
                    "detail": f"{int((~ok).sum())} rows without a recognisable date skipped"})
    ts = pd.to_datetime(found.loc[ok, "d"] + " " + found.loc[ok, "t"],
                        format="%B %d, %Y %I:%M %p", errors="coerce").dt.tz_localize("UTC")
    return {"media_uploads": local_dates(ts.dropna(), tz)}


def _shares(text, source, tz, owner_name, log, hours):
    df = read_table(text, source)
    require_columns(df, ["Date", "ShareCommentary"], source)
    has_text = df["ShareCommentary"].astype(str).str.strip('" \n') != ""
    return {"posts": _utc_events(_subset(df, has_text), "Date", source, tz, log, hours,
                                 "posts"),
            "reposts": _utc_events(_subset(df, ~has_text), "Date", source, tz, log, hours,
                                   "reposts")}


def _dated_events(kind):
    """Reader of a file with one event per row and a ``Date`` column (comments, …)."""
    def read(text, source, tz, owner_name, log, hours):
        df = read_table(text, source, escapechar="\\" if kind == "comments" else None)
        require_columns(df, ["Date"], source)
        name = _FILE_ACTIVITY[kind]
        return {name: _utc_events(df, "Date", source, tz, log, hours, name)}
    return read


def _invitations(text, source, tz, owner_name, log, hours):
    df = read_table(text, source)
    require_columns(df, ["Sent At", "Direction"], source)
    direction = df["Direction"].astype(str).str.strip().str.upper()
    out = {}
    for name, value in (("invitations_sent", "OUTGOING"), ("invitations_received",
                                                          "INCOMING")):
        sub = _subset(df, direction == value)
        d = parse_dates(sub["Sent At"], source, "Sent At", sub.index,
                        _INVITATION_FORMATS, log=log)
        out[name] = d.dropna().dt.normalize()
    return out


def _messages(text, source, tz, owner_name, log, hours):
    df = read_table(text, source)
    require_columns(df, ["DATE", "SENDER PROFILE URL"], source)
    sender = df["SENDER PROFILE URL"].astype(str).str.strip().str.rstrip("/")
    owner = _message_owner(df, owner_name)
    sent = (sender == owner) & (owner != "")
    dropped = {}
    for col, test, what in (
            ("IS MESSAGE DRAFT", lambda c: c.str.strip().str.lower() == "yes", "drafts"),
            ("CONTENT", lambda c: c.str.lstrip().str.startswith(_SPONSORED),
             "sponsored messages")):
        if col in df:
            hit = sent & test(df[col].astype(str))
            dropped[what] = int(hit.sum())
            sent &= ~hit
    for what, n in dropped.items():
        if n:
            log.append({"file": source.short, "row": 0, "rule": "dropped_messages",
                        "detail": f"{n} {what} not counted"})
    log.append({"file": source.short, "row": 0, "rule": "message_owner",
                "detail": ("owner found from Profile.csv" if owner_name else
                           "owner inferred as the person in the most conversations")
                + f"; {int(sent.sum())} of {len(df)} messages counted as sent"})
    return {"messages_sent": _utc_events(_subset(df, sent), "DATE", source, tz, log, hours,
                                         "messages_sent")}


#: One reader per export file (by the lower-case file name without suffix).
_READERS = {"connections": _connections, "rich_media": _rich_media, "shares": _shares,
            "invitations": _invitations, "messages": _messages,
            **{k: _dated_events(k) for k in ("comments", "reactions", "votes",
                                             "instantreposts")}}


def _export_events(source: Source, tz: str, owner_name: str, log: list[dict],
                   hours: list | None = None) -> dict[str, pd.Series]:
    """Parse one export file into {activity: Series of local dates (one per event)}."""
    kind = EXPORT_FILE.match(source.basename).group(1).lower()
    text = decode_text(source.read_bytes(), source)
    if not text.strip() or text.strip().lower().startswith("no conversations"):
        log.append({"file": source.short, "row": 0, "rule": "empty_file",
                    "detail": "no rows; the activity counts as tracked with no events"})
        return {_FILE_ACTIVITY.get(kind, kind): pd.Series([], dtype="datetime64[ns]")}
    return _READERS[kind](text, source, tz, owner_name, log, hours)


_FILE_ACTIVITY = {"comments": "comments", "reactions": "reactions", "votes": "votes",
                  "instantreposts": "reposts", "connections": "connections",
                  "messages": "messages_sent", "rich_media": "media_uploads",
                  "shares": "posts", "invitations": "invitations_sent"}


def _message_owner(df: pd.DataFrame, owner_name: str = "") -> str:
    """Find the export owner's profile URL.

    With the owner's name (Profile.csv), the URL the owner sends from; otherwise the
    URL present in the most conversations (the owner is in all of them).
    """
    sender = df["SENDER PROFILE URL"].astype(str).str.strip().str.rstrip("/")
    if owner_name and "FROM" in df:
        mine = sender[(df["FROM"].astype(str).str.strip() == owner_name) & (sender != "")]
        if len(mine):
            return mine.value_counts().sort_index().idxmax()
    conv = df["CONVERSATION ID"] if "CONVERSATION ID" in df else pd.Series(range(len(df)))
    people = [sender]
    if "RECIPIENT PROFILE URLS" in df:
        people.append(df["RECIPIENT PROFILE URLS"].astype(str))
    pairs = []
    for col in people:
        for c, urls in zip(conv, col, strict=True):
            for u in str(urls).split(","):
                u = u.strip().rstrip("/")
                if u.startswith("http") or u.startswith("www."):
                    pairs.append((c, u))
    if not pairs:
        return ""
    counts = pd.DataFrame(pairs, columns=["c", "u"]).drop_duplicates().groupby("u").size()
    top = counts[counts == counts.max()].index
    return sorted(top)[0]


def profile_name(sources: list[Source]) -> str:
    """Return the export owner's name from ``Profile.csv`` ("" when there is none)."""
    for s in sources:
        if re.match(r"^Profile\.csv$", s.basename, re.IGNORECASE):
            try:
                df = read_table(decode_text(s.read_bytes(), s), s)
            except DataError:
                return ""
            if len(df) and {"First Name", "Last Name"} <= set(df.columns):
                return f"{df['First Name'].iloc[0].strip()} {df['Last Name'].iloc[0].strip()}"
    return ""


def load_export(sources: list[Source], tz: str, member_id: str,
                 log: list[dict], owner_name: str, hourly: list) -> tuple[list, list]:
    """Read the activity files of one export; return (count frames, coverage rows)."""
    events: dict[str, list[pd.Series]] = {}
    hours: list[pd.DataFrame] = []
    for s in sources:
        for act, dates in _export_events(s, tz, owner_name, log, hours).items():
            events.setdefault(act, []).append(dates)
    if hours:
        h = pd.concat(hours).value_counts().reset_index(name="count")
        hourly.append(h.assign(member_id=member_id))
    frames, coverage = [], []
    all_dates = [d for lst in events.values() for d in lst if len(d)]
    if not all_dates:
        return frames, coverage
    first = min(d.min() for d in all_dates)
    export_day = None
    for s in sources:
        for part in (s.basename, *s.parent_names):
            m = _EXPORT_DATE.search(part)
            if m:
                export_day = pd.Timestamp(f"{m[3]}-{m[1]}-{m[2]}") - pd.Timedelta(days=1)
                break
        if export_day is not None:
            break
    last = max(d.max() for d in all_dates)
    end = max(export_day, last) if export_day is not None else last
    label = _export_label(sources)
    for act, lst in events.items():
        dates = pd.concat(lst)
        # Invitations.csv may hold only recent invitations: its coverage starts at its own
        # first row. Every other file lists the account's whole history.
        start = dates.min() if act.startswith("invitations") and len(dates) else first
        coverage.append({"member_id": member_id, "activity": act, "start": start, "end": end,
                         "source": label, "granularity": "day"})
        if len(dates):
            counts = dates.value_counts().sort_index()
            frames.append(pd.DataFrame({"member_id": member_id, "date": counts.index,
                                        "activity": act, "count": counts.to_numpy()}))
    return frames, coverage


def _export_label(sources: list[Source]) -> str:
    for s in sources:
        for part in s.parent_names:
            if _EXPORT_DATE.search(part):
                return f"{part} [LinkedIn export]"
    return f"{Path(sources[0].short).parent.name or 'export'} [LinkedIn export]"
