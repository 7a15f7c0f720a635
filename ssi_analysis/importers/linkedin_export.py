"""LinkedIn's "Get a copy of your data" export, as a zip or a folder, of any era.

Files are recognised by name at any depth (``Shares.csv``, ``Comments.csv``,
``Reactions.csv``, ``Votes.csv``, ``InstantReposts.csv``, ``Connections.csv``,
``Invitations.csv``, ``messages.csv`` or the 2018 ``Messages.csv``, ``Rich_Media.csv`` or
``Rich Media.csv``; ``_<id>`` suffixes accepted) and their columns by name, whatever the
case, spaces or order (``ShareCommentary`` or ``Share Commentary``). Each event is counted
on the member's local calendar day. Every data row is either counted or logged with the
reason it was not (the ingest log's ``rows_read = rows_used + skipped``); an activity whose
rows all failed is not tracked at all (unknown, never zero). Only counts and dates leave
this module — names, e-mail addresses, links and message texts are never kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ._text import FileNotes, local_dates, parse_dates, read_table, reading
from .sources import Source, decode_text

EXPORT_FILE = re.compile(
    r"^(Shares|Comments|Reactions|Votes|Instant[ _]?Reposts|Connections|Invitations|messages|"
    r"Rich[ _]Media)"
    r"(_\d+)?\.csv$", re.IGNORECASE)

_EXPORT_DATE = re.compile(r"LinkedInDataExport_(\d{2})-(\d{2})-(\d{4})", re.IGNORECASE)

#: Timestamps in UTC (posts, comments, reactions, votes, reposts, messages), every era:
#: 2020s ``2025-09-22 21:06:44``, messages ``… UTC``, 2018 ``2017/06/08 08:15:44 UTC``,
#: US-style ``6/8/17, 8:15 AM`` and ``Mar 25 2023 10:15 AM``.
_UTC_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S UTC", "%Y/%m/%d %H:%M:%S UTC",
                "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S%z",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ",
                "%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p", "%m/%d/%y %I:%M %p",
                "%m/%d/%Y %I:%M %p", "%b %d %Y %I:%M %p", "%b %d, %Y %I:%M %p",
                "%a %b %d %H:%M:%S UTC %Y", "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M", "%Y-%m-%d")

#: Dates as written (connections and invitations: the day LinkedIn shows).
_DAY_FORMATS = ("%d %b %Y", "%d %B %Y", "%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d", "%m/%d/%Y",
                "%m/%d/%y", "%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p", "%m/%d/%y %I:%M %p",
                "%m/%d/%Y %I:%M %p", "%b %d %Y %I:%M %p", "%b %d, %Y %I:%M %p", "%b %d %Y",
                "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S UTC", "%m/%d/%y %H:%M")

_RICH_MEDIA = re.compile(r"on (?P<d>\w+ \d{1,2}, \d{4}) at (?P<t>\d{1,2}:\d{2} [AP]M) "
                         r"\((?P<tz>[A-Za-z]+)\)")
_SPONSORED = '<p class="spinmail-quill-editor__spin-break">'
_DATE_START = re.compile(r"^\s*(\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})")
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)

#: The activity each file kind gives (Shares also gives reposts: posts without text).
_FILE_ACTIVITY = {"comments": "comments", "reactions": "reactions", "votes": "votes",
                  "instantreposts": "reposts", "connections": "connections",
                  "messages": "messages_sent", "richmedia": "media_uploads",
                  "shares": "posts", "invitations": "invitations_sent"}


def _key(name: str) -> str:
    """Compare column and file names without case, spaces or punctuation."""
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


def _kind(source: Source) -> str:
    return _key(EXPORT_FILE.match(source.basename).group(1))


@dataclass
class _File:
    """One export file as read: its rows, its column names and its notes."""

    source: Source
    df: pd.DataFrame
    notes: FileNotes
    tz: str
    hours: list | None
    used: set = field(default_factory=set)

    def col(self, *names: str, required: bool = True) -> str | None:
        """Return the column called any of ``names`` (case, spaces ignored), or raise."""
        keys = {_key(c): c for c in self.df.columns}
        for n in names:
            if _key(n) in keys:
                self.used.add(keys[_key(n)])
                return keys[_key(n)]
        if required:
            raise DataError(f"lacks the columns [{names[0]!r}]; found {list(self.df.columns)}",
                            path=self.source.name, row=1)
        return None

    def dates(self, col: str, rows: pd.Series | None = None, *, utc: bool = True) -> pd.Series:
        """Parse a date column (of the rows selected); bad and blank dates are logged."""
        values = self.df[col] if rows is None else self.df.loc[rows.to_numpy(), col]
        log = self.notes.log
        if utc:
            return parse_dates(values, self.source, col, values.index, _UTC_FORMATS, utc=True,
                               log=log)
        return parse_dates(values, self.source, col, values.index, _DAY_FORMATS,
                           log=log).dt.normalize()

    def events(self, ts: pd.Series, activity: str) -> pd.Series:
        """Local calendar days of parsed UTC timestamps (and their weekday and hour)."""
        ts = ts.dropna()
        local = ts.dt.tz_convert(self.tz)
        if self.hours is not None and len(local):
            self.hours.append(pd.DataFrame({"activity": activity, "weekday": local.dt.day_of_week,
                                            "hour": local.dt.hour}))
        return local_dates(ts, self.tz)


def _join_continuations(text: str, source: Source, notes: FileNotes) -> pd.DataFrame:
    """Read Comments.csv, whose multi-line comments may be unquoted.

    A line that does not start with a date and whose second field is not a link continues
    the comment above it: it is joined to that comment, not counted as a row of its own
    (one note says how many lines were joined). A row with a link and an unreadable date
    stays a row (and is logged as such).
    """
    df = read_table(text, source, escapechar="\\")
    if df.empty or len(df.columns) < 2:
        return df
    date_col, link_col, last = df.columns[0], df.columns[1], df.columns[-1]
    first = df[date_col].astype(str)
    linked = df[link_col].astype(str).str.strip().str.match(r"^(https?://|urn:)")
    cont = (first.str.strip() != "") & ~first.str.match(_DATE_START) & ~linked
    cont &= np.arange(len(df)) > 0
    if not cont.any():
        return df
    keep = ~cont.to_numpy()
    owner = np.maximum.accumulate(np.where(keep, np.arange(len(df)), 0))
    text_of = df.astype(str).agg(",".join, axis=1)
    extra = text_of[cont].groupby(owner[cont.to_numpy()]).agg("\n".join)
    out = df[keep].copy()
    pos = np.flatnonzero(keep)
    for i, add in extra.items():
        at = out.index[np.searchsorted(pos, i)]
        out.loc[at, last] = f"{out.loc[at, last]}\n{add}"
    notes.note("joined_lines", f"{int(cont.sum())} lines of unquoted multi-line comments "
                               "joined to the comment above them (not rows of their own)")
    return out


def _connections(f: _File) -> dict[str, pd.Series]:
    d = f.dates(f.col("Connected On"), utc=False)
    return {"connections": d.dropna()}


def _rich_media(f: _File) -> dict[str, pd.Series]:
    col = f.col("Date/Time", "Date Time", "Date")
    found = f.df[col].astype(str).str.extract(_RICH_MEDIA)
    ok = found["d"].notna()
    f.notes.skip(int((~ok).sum()), "bad_date", f"{int((~ok).sum())} rows without a "
                 "recognisable date skipped",
                 row=int(f.df.index[int(np.argmin(ok.to_numpy()))]) if (~ok).any() else 0)
    ts = pd.to_datetime(found.loc[ok, "d"] + " " + found.loc[ok, "t"],
                        format="%B %d, %Y %I:%M %p", errors="coerce").dt.tz_localize("UTC")
    return {"media_uploads": local_dates(ts.dropna(), f.tz)}


def _shares(f: _File) -> dict[str, pd.Series]:
    ts = f.dates(f.col("Date"))
    text = f.df[f.col("ShareCommentary", "Share Commentary", "Commentary")]
    has_text = (text.astype(str).str.strip('" \n') != "").to_numpy()
    return {"posts": f.events(ts[has_text], "posts"),
            "reposts": f.events(ts[~has_text], "reposts")}


def _dated(activity: str):
    def read(f: _File) -> dict[str, pd.Series]:
        return {activity: f.events(f.dates(f.col("Date")), activity)}
    return read


def _invitations(f: _File) -> dict[str, pd.Series]:
    sent_at = f.col("Sent At", "Date", "Sent")
    direction = f.df[f.col("Direction")].astype(str).str.strip().str.upper()
    out = {}
    for name, value in (("invitations_sent", "OUTGOING"), ("invitations_received",
                                                          "INCOMING")):
        out[name] = f.dates(sent_at, direction == value, utc=False).dropna()
    other = ~direction.isin(["OUTGOING", "INCOMING"])
    f.notes.skip(int(other.sum()), "unknown_direction",
                 f"{int(other.sum())} invitations with a Direction other than OUTGOING or "
                 f"INCOMING ({', '.join(sorted(set(direction[other]))[:3])}) skipped")
    return out


@dataclass
class Owner:
    """Who wrote the export: used to tell sent messages from received ones.

    ``name`` is the owner's name as messages show it (Profile.csv, or ``ingest --owner``
    given a name); ``url`` their profile URL (``ingest --owner`` given a URL).
    """

    name: str = ""
    url: str = ""
    name_from: str = "Profile.csv"

    @classmethod
    def given(cls, value: str | None, profile_name: str = "") -> Owner:
        """Return the owner from ``--owner`` (a profile URL or a name), else Profile.csv's."""
        value = (value or "").strip()
        if value.lower().startswith(("http", "www.")):
            return cls(name=profile_name, url=value)
        if value:
            return cls(name=value, name_from="--owner")
        return cls(name=profile_name)


def _urls(value) -> list[str]:
    return [u.strip().rstrip("/") for u in str(value).split(",")
            if u.strip().lower().startswith(("http", "www."))]


def _owner_url(f: _File, sender: pd.Series, owner: Owner) -> tuple[str, str]:
    r"""Return the owner's profile URL and how it was found ("" when it cannot be told).

    In order: ``--owner`` (a URL); the owner's name (Profile.csv or ``--owner``): their
    messages are those from that name, plus any sent from the URL those carry (``"\0"``
    stands for "by name only"); otherwise the URL found in clearly the most conversations
    — in at least 80% of them and in at least twice as many as any other URL (the owner
    takes part in every conversation).
    """
    if owner.url:
        url = owner.url.strip().rstrip("/")
        rec = f.col("RECIPIENT PROFILE URLS", required=False)
        seen = set(sender) | ({u for r in f.df[rec] for u in _urls(r)} if rec else set())
        if url in seen:
            return url, "given with --owner"
        return "", "the profile URL given with --owner is nowhere in the file"
    frm = f.col("FROM", required=False)
    if owner.name and frm:       # the name decides; URLs only add rows the name misses
        mine = sender[(f.df[frm].astype(str).str.strip() == owner.name) & (sender != "")]
        how = f"found from your name ({owner.name_from})"
        return (mine.value_counts().sort_index().idxmax() if len(mine) else "\0"), how
    conv_col = f.col("CONVERSATION ID", required=False)
    conv = f.df[conv_col] if conv_col else pd.Series(range(len(f.df)), index=f.df.index)
    rec = f.col("RECIPIENT PROFILE URLS", required=False)
    pairs = {(c, u) for c, s in zip(conv, sender, strict=True) for u in _urls(s)}
    if rec:
        pairs |= {(c, u) for c, r in zip(conv, f.df[rec], strict=True) for u in _urls(r)}
    if not pairs:
        return "", "no profile URLs in the file"
    counts = pd.Series([u for _, u in pairs]).value_counts()
    n_conv = len({c for c, _ in pairs})
    top, second = counts.iloc[0], (counts.iloc[1] if len(counts) > 1 else 0)
    if top >= 0.8 * n_conv and top >= 2 * second:
        return str(counts.index[0]), (f"inferred: in {top} of {n_conv} conversations, at "
                                      f"least twice as many as anyone else")
    return "", (f"no one is in clearly the most conversations ({top} and {second} of "
                f"{n_conv})")


def _messages(f: _File, owner: Owner) -> dict[str, pd.Series]:
    date = f.col("DATE")
    direction = f.col("Direction", required=False)
    drafts = pd.Series(False, index=f.df.index)
    if direction and not f.col("SENDER PROFILE URL", required=False):      # 2018 layout
        mine = f.df[direction].astype(str).str.strip().str.upper().isin(["OUTGOING", "SENT"])
        how = "sent messages are those with Direction OUTGOING"
        folder = f.col("Folder", required=False)
        if folder:
            drafts = mine & f.df[folder].astype(str).str.strip().str.upper().isin(
                ["DRAFT", "DRAFTS"])
    else:
        sender = f.df[f.col("SENDER PROFILE URL")].astype(str).str.strip().str.rstrip("/")
        url, how = _owner_url(f, sender, owner)
        frm = f.col("FROM", required=False)
        by_name = (f.df[frm].astype(str).str.strip() == owner.name if owner.name and frm
                   else pd.Series(False, index=f.df.index))
        if not url:
            f.notes.skip(len(f.df), "owner_unknown",
                         f"cannot tell which messages are yours ({how}); messages sent are "
                         "not tracked. Add Profile.csv from the same export, or run "
                         "ssi-analysis ingest --owner with your profile URL or your name as "
                         "your messages show it")
            return {}
        mine = (sender == url) | by_name
        how = f"owner {how}"
    f.notes.skip(int((~mine).sum()), "received", f"{int((~mine).sum())} messages received "
                 "(not yours) not counted")
    f.notes.skip(int(drafts.sum()), "dropped_messages", f"{int(drafts.sum())} drafts (folder "
                 "DRAFT) not counted")
    sent = mine & ~drafts
    for col, test, what in (
            (f.col("IS MESSAGE DRAFT", required=False),
             lambda c: c.str.strip().str.lower() == "yes", "drafts"),
            (f.col("CONTENT", required=False),
             lambda c: c.str.lstrip().str.startswith(_SPONSORED), "sponsored messages")):
        if col:
            hit = sent & test(f.df[col].astype(str))
            f.notes.skip(int(hit.sum()), "dropped_messages", f"{int(hit.sum())} {what} "
                         "not counted")
            sent &= ~hit
    f.notes.note("message_owner", f"{how}; {int(sent.sum())} of {len(f.df)} messages are yours")
    return {"messages_sent": f.events(f.dates(date, sent), "messages_sent")}


_READERS = {"connections": _connections, "richmedia": _rich_media, "shares": _shares,
            "invitations": _invitations, "comments": _dated("comments"),
            "reactions": _dated("reactions"), "votes": _dated("votes"),
            "instantreposts": _dated("reposts")}
_WHY_UNUSED = "only dates and counts are kept"


def _read_file(source: Source, tz: str, owner: Owner, log: list[dict],
               hours: list | None) -> tuple[dict[str, pd.Series], bool]:
    """Read one export file: ``({activity: local dates, one per event}, tracked)``.

    ``tracked`` is False when the file has rows but none could be counted because of its
    dates (the activity is then unknown, not zero) or when its owner cannot be told.
    """
    kind = _kind(source)
    notes = FileNotes(source, log)
    text = decode_text(source.read_bytes(), source)
    if not text.strip() or text.strip().lower().startswith("no conversations"):
        notes.note("empty_file", "no rows; the activity counts as tracked with no events")
        notes.account(0, 0)
        return {_FILE_ACTIVITY[kind]: pd.Series([], dtype="datetime64[ns]")}, True
    if kind == "connections":
        lines = text.split("\n")
        hdr = next((i for i, ln in enumerate(lines[:30])
                    if _key(ln.split(",")[0]) == "firstname"), None)
        if hdr is None:
            raise DataError("has no 'First Name,Last Name,…,Connected On' header line in its "
                            "first 30 lines", path=source.name)
        df = read_table(text, source, skip_lines=hdr)
    elif kind == "comments":
        df = _join_continuations(text, source, notes)
    else:
        df = read_table(text, source)
    f = _File(source, df, notes, tz, hours)
    start = len(log)
    events = _messages(f, owner) if kind == "messages" else _READERS[kind](f)
    used = sum(len(v) for v in events.values())
    failed = sum(e["rows"] for e in log[start:] if e["rule"] in ("bad_date", "blank_date"))
    notes.account(len(df), used)
    notes.unused([c for c in df.columns if c not in f.used], _WHY_UNUSED)
    if not events:                                  # the owner of the messages is unknown
        return {}, False
    if used == 0 and failed:
        notes.note("not_tracked", f"none of the {len(df)} rows could be counted (their dates "
                                  f"are missing or unreadable): {', '.join(events)} not "
                                  "tracked from this file (unknown, not zero)")
        return events, False
    return events, True


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


def _export_day(sources: list[Source]) -> pd.Timestamp | None:
    """Return the last day the export covers: the day before the date in its name."""
    for s in sources:
        for part in (s.basename, *s.parent_names):
            m = _EXPORT_DATE.search(part)
            if m:
                return pd.Timestamp(f"{m[3]}-{m[1]}-{m[2]}") - pd.Timedelta(days=1)
    return None


def load_export(sources: list[Source], tz: str, member_id: str,
                log: list[dict], owner: Owner, hourly: list) -> tuple[list, list]:
    """Read the activity files of one export; return (count frames, coverage rows).

    Coverage runs from the first counted event of the export to its date; an activity
    whose file could not be counted is left out of coverage (unknown). ``Invitations.csv``
    may hold only recent invitations: its coverage starts at its own first row.
    """
    events: dict[str, list[pd.Series]] = {}
    untracked: set[str] = set()
    hours: list[pd.DataFrame] = []
    for s in sources:
        with reading(s):
            got, tracked = _read_file(s, tz, owner, log, hours)
        if not got and not tracked:
            untracked.add(_FILE_ACTIVITY[_kind(s)])
        for act, dates in got.items():
            if tracked:
                events.setdefault(act, []).append(dates)
            else:
                untracked.add(act)
    if hours:
        h = pd.concat(hours).value_counts().reset_index(name="count")
        hourly.append(h.assign(member_id=member_id))
    events = {a: v for a, v in events.items() if a not in untracked}
    frames, coverage = [], []
    all_dates = [d for lst in events.values() for d in lst if len(d)]
    if not all_dates:
        return frames, coverage
    first = min(d.min() for d in all_dates)
    last = max(d.max() for d in all_dates)
    export_day = _export_day(sources)
    end = max(export_day, last) if export_day is not None else last
    label = _export_label(sources)
    for act, lst in events.items():
        dates = pd.concat(lst)
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
