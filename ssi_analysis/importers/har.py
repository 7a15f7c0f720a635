"""A browser's "Save all as HAR" of the SSI page: every ``salesApiSsi`` response in it.

HAR 1.2 (as Chrome, Edge, Firefox and Safari write it) is JSON with ``log.entries``; each
entry has the request, the response and ``startedDateTime``. The kit reads only the
response bodies of SSI requests (plain or base64-encoded) and their start time, which
gives the capture time and so the day. Every other entry is skipped and counted; cookies,
headers and the other requests are never read into anything the kit writes.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

import pandas as pd

from ..errors import DataError
from .salesapi_json import json_records, loads
from .sources import Source

_SSI_URL = re.compile(r"salesApiSsi|/sales-api/.*ssi|/sales/ssi", re.IGNORECASE)


def looks_like_har(head: str) -> bool:
    """Tell whether the start of a JSON text is a HAR log (``{"log": {…"entries"…``)."""
    compact = re.sub(r"\s+", "", head[:4000])
    return compact.startswith('{"log":{') and ('"entries"' in compact or '"creator"' in compact
                                                or '"version"' in compact)


def _body(entry: dict) -> str | None:
    """Return the response body as text (base64 decoded), or None when it was not saved."""
    content = (entry.get("response") or {}).get("content") or {}
    text = content.get("text")
    if not isinstance(text, str) or not text:
        return None
    if str(content.get("encoding", "")).lower() == "base64":
        try:
            return base64.b64decode(text, validate=False).decode("utf-8-sig")
        except (binascii.Error, UnicodeDecodeError):
            return None
    return text


def _is_ssi(entry: dict, body: str | None) -> bool:
    url = str((entry.get("request") or {}).get("url", ""))
    return bool(_SSI_URL.search(url)) and (body is None or "memberScore" in body) or (
        body is not None and '"memberScore"' in body and '"subScores"' in body)


def _started(entry: dict, source: Source, where: str) -> pd.Timestamp:
    stamp = pd.to_datetime(str(entry.get("startedDateTime", "")), utc=True, errors="coerce")
    if pd.isna(stamp):
        raise DataError("has no valid startedDateTime (expected an ISO time, HAR 1.2)",
                        path=source.name, column=where)
    return stamp


def read_har_snapshots(text: str, source: Source, tz: str, log: list) -> pd.DataFrame:
    """Read the SSI responses of a HAR file; one snapshot per response.

    Parameters
    ----------
    text : str
        The HAR file's text.
    source : Source
        The file.
    tz : str
        Time zone of the user's calendar days.
    log : list of dict
        Ingest log (entries read, used, skipped and why).

    Returns
    -------
    pandas.DataFrame
        Snapshot records (``date`` = the capture's local day).

    Raises
    ------
    DataError
        When the file is not a HAR log or holds no SSI response with its body.
    """
    from ._text import FileNotes

    try:
        entries = loads(text, source)["log"]["entries"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise DataError("is not a HAR log (expected log.entries, HAR 1.2)",
                        path=source.name) from None
    if not isinstance(entries, list):
        raise DataError("log.entries is not a list (HAR 1.2)", path=source.name)
    records, other, empty = [], 0, 0
    for i, entry in enumerate(entries):
        where = f"log.entries[{i}]"
        if not isinstance(entry, dict):
            other += 1
            continue
        body = _body(entry)
        if not _is_ssi(entry, body):
            other += 1
            continue
        if body is None:
            empty += 1
            continue
        try:
            found = json_records(loads(body, source, f"{where}.response"), source, tz,
                                 f"{where}.response")
        except (json.JSONDecodeError, DataError):
            empty += 1
            continue
        cap = _started(entry, source, where)
        for rec in found:
            if rec.get("captured_at") is None:
                rec["captured_at"] = cap
                rec["date"] = cap.tz_convert(tz).tz_localize(None).normalize()
            records.append(rec)
    notes = FileNotes(source, log)
    notes.account(len(entries), len(records), "entries")
    notes.skip(other, "not_ssi", "requests other than the SSI data (not read)")
    notes.skip(empty, "no_body", "SSI requests saved without a readable response body")
    if not records:
        hint = (" (the SSI requests were saved without their response: use \"Save all as HAR "
                "with content\")" if empty else
                " (record it on linkedin.com/sales/ssi with the developer tools' Network tab "
                "open, then reload the page)")
        raise DataError("is a HAR file without a salesApiSsi response" + hint, path=source.name)
    df = pd.DataFrame.from_records(records)
    df["source"] = f"{source.short} [HAR]"
    return df
