"""The SSI page saved from the browser (File → Save page): the JSON embedded in the HTML."""

from __future__ import annotations

import html
import json

import pandas as pd

from ..errors import DataError
from .salesapi_json import read_json_snapshots
from .sources import Source


def read_html_snapshot(text: str, source: Source, tz: str) -> pd.DataFrame:
    """Read the ``salesApiSsi`` data embedded in a saved SSI page (also HTML-escaped)."""
    start = text.find('{"activeSeat"')
    if start < 0:
        start = text.find("{&quot;activeSeat&quot;")
        if start < 0:
            raise DataError("is an HTML page without the SSI data in it", path=source.name)
        text = html.unescape(text[start:])
        start = 0
    try:
        obj, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError:
        raise DataError("embeds SSI data that is not valid JSON", path=source.name) from None
    df = read_json_snapshots(json.dumps(obj), source, tz)
    df["source"] = f"{source.short} [saved SSI page]"
    return df
