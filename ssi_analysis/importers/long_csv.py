"""Long ("tidy") localised tracker CSVs: one metric per row, one file per day.

The layout is the one of the professorsoares/linkedin-ssi-data tracker (Brazilian
Portuguese UI): ``data_referencia;hora_referencia;secao;campo;valor_original;unidade;
valor_numerico;…``. The labels LinkedIn shows depend on the UI language, so they live in
:data:`LANGUAGES`: supporting another language is one more entry there, no new code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..schema import PILLARS
from ._text import FileNotes, in_date_range
from .sources import Source

#: One entry per UI language: the file's column names, the field labels LinkedIn shows
#: (label → canonical column) and the sections that hold a peer group's pillar averages
#: (section → column prefix). Field labels are matched whatever section they are in, so
#: hand-transcribed files with other section titles read the same.
LANGUAGES: dict[str, dict] = {
    "pt-BR": {
        "columns": {"date": "data_referencia", "time": "hora_referencia", "section": "secao",
                    "field": "campo", "value": "valor_numerico", "raw": "valor_original"},
        "fields": {
            "Social Selling Index atual": "ssi",
            "Estabelecer sua marca profissional": "brand",
            "Localizar as pessoas certas": "people",
            "Interagir oferecendo insights": "insights",
            "Criar relacionamentos": "relationships",
            "Classificação SSI do setor": "industry_rank",
            "Classificação SSI da rede": "network_rank",
            "SSI médio do setor": "industry_ssi",
            "SSI médio da rede": "network_ssi",
            "Setor de referência": "industry",
        },
        "peer_sections": {"Pessoas no seu setor": "industry_", "Pessoas na sua rede": "network_"},
    },
    "en": {
        "columns": {"date": "date", "time": "time", "section": "section", "field": "field",
                    "value": "value", "raw": "raw_value"},
        "fields": {
            "Current Social Selling Index": "ssi",
            "Establish your professional brand": "brand",
            "Find the right people": "people",
            "Engage with insights": "insights",
            "Build relationships": "relationships",
            "Industry SSI rank": "industry_rank",
            "Network SSI rank": "network_rank",
            "Industry average SSI": "industry_ssi",
            "Network average SSI": "network_ssi",
            "Industry": "industry",
        },
        "peer_sections": {"People in your industry": "industry_",
                          "People in your network": "network_"},
    },
}
_TEXT_FIELDS = {"industry"}


def detect(header: list[str]) -> str | None:
    """Return the language whose column names a header has, or None.

    Parameters
    ----------
    header : list of str
        Column names of the file.

    Returns
    -------
    str or None
        A key of :data:`LANGUAGES`.
    """
    names = {h.strip().lower() for h in header}
    for lang, spec in LANGUAGES.items():
        cols = spec["columns"]
        if {cols["date"], cols["section"], cols["field"], cols["value"]} <= names:
            return lang
    return None


def parse(df: pd.DataFrame, source: Source, tz: str, log: list[dict] | None = None
          ) -> pd.DataFrame:
    """Pivot a long tracker file into one snapshot row per capture.

    Parameters
    ----------
    df : pandas.DataFrame
        The file as text columns (the index holds line numbers).
    source : Source
        For messages and the ``source`` column.
    tz : str
        Time zone of the tracker's local date and time columns.
    log : list of dict, optional
        Ingest log: lines read and used, lines whose label the kit does not use.

    Returns
    -------
    pandas.DataFrame
        Canonical snapshot columns (plus peer pillar averages) for each date/time.

    Raises
    ------
    DataError
        For unknown values or a file without the four pillars.
    """
    lang = detect(list(df.columns))
    if lang is None:
        raise DataError("is not a known long tracker layout", path=source.name)
    spec = LANGUAGES[lang]
    lower = {c.strip().lower(): c for c in df.columns}
    col = {k: lower[v] for k, v in spec["columns"].items() if v in lower}
    section = df[col["section"]].astype(str).str.strip()
    fields = [spec["fields"].get(f) for f in df[col["field"]].astype(str).str.strip()]
    peers = spec.get("peer_sections", {})
    target = pd.Series([peers[sec] + f if f in PILLARS and sec in peers else f
                        for sec, f in zip(section, fields, strict=True)],
                       index=df.index, dtype=object)
    text = target.isin(_TEXT_FIELDS)
    raw = df[col["value"]].astype(str).str.strip()
    value = pd.to_numeric(raw.str.replace(",", ".", regex=False), errors="coerce")
    bad = target.notna() & ~text & value.isna() & (raw != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"expected a number, found {raw.iloc[i]!r}", path=source.name,
                        row=int(df.index[i]), column=spec["columns"]["value"])
    stamp = df[col["date"]].str.strip()
    if "time" in col:
        stamp = stamp + " " + df[col["time"]].str.strip()
    names = {}
    if "raw" in col:
        for st, r in zip(stamp[text], df.loc[text, col["raw"]], strict=True):
            names[st] = str(r).strip()
    notes = FileNotes(source, [] if log is None else log)
    unknown = target.isna()
    if unknown.any():
        labels = sorted(set(df.loc[unknown.to_numpy(), col["field"]].astype(str).str.strip()))
        notes.skip(int(unknown.sum()), "labels_not_used",
                   f"{int(unknown.sum())} lines with labels this kit does not read "
                   f"({', '.join(repr(x) for x in labels[:3])}"
                   f"{', …' if len(labels) > 3 else ''}); add them to LANGUAGES if they "
                   "hold SSI data", row=int(df.index[int(np.argmax(unknown.to_numpy()))]))
    notes.account(len(df), int((~unknown).sum()), "lines")
    target = target.where(~text)
    long = pd.DataFrame({"stamp": stamp, "target": target, "value": value})[target.notna()]
    if long.empty:
        raise DataError(f"has none of the {lang} SSI labels this kit knows", path=source.name)
    wide = long.pivot_table(index="stamp", columns="target", values="value", aggfunc="last")
    missing = [p for p in PILLARS if p not in wide.columns]
    if missing:
        raise DataError(f"lacks the pillar rows {missing} ({lang} labels)", path=source.name)
    wide = wide.reset_index()
    ts = pd.to_datetime(wide["stamp"], format="mixed", errors="coerce")
    ts = ts.where(in_date_range(ts))
    if ts.isna().any():
        i = int(np.flatnonzero(ts.isna().to_numpy())[0])
        raise DataError(f"expected a date, found {wide['stamp'].iloc[i]!r}", path=source.name,
                        column=spec["columns"]["date"])
    wide["date"] = ts.dt.normalize()
    has_time = wide["stamp"].str.len() > 10
    local = ts.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    wide["captured_at"] = local.dt.tz_convert("UTC").where(has_time)
    wide["industry"] = wide["stamp"].map(names).astype(object)
    wide["source"] = f"{source.short} [long tracker csv, {lang}]"
    return wide.drop(columns=["stamp"])

