"""The long, localised tracker CSV (Portuguese and English UI labels)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ssi_analysis import (
    load_snapshots,
)
from ssi_analysis.importers import long_csv as longcsv

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
SOARES = REAL / "professorsoares-ssi"


def test_portuguese_long_tracker_real_values():
    s = load_snapshots(SOARES, tz="America/Sao_Paulo").set_index("date")
    assert len(s) == 9
    day = s.loc["2026-05-12"]
    assert day["ssi"] == 53 and day["brand"] == 21.048 and day["people"] == 6.5
    assert day["insights"] == 10.25 and day["relationships"] == 15
    assert (day["industry_rank"], day["network_rank"]) == (10, 12)
    assert (day["industry_ssi"], day["network_ssi"]) == (35, 36)
    assert (day["industry_brand"], day["industry_people"], day["industry_insights"],
            day["industry_relationships"]) == (11.79, 5.4, 2.19, 15.16)
    assert day["network_relationships"] == 16.32
    assert day["captured_at"] == pd.Timestamp("2026-05-12 20:55", tz="UTC")  # 17:55 in São Paulo
    assert s.loc["2026-05-13", "insights"] == 9.5 and s.loc["2026-05-19", "industry_rank"] == 9
    assert day["source"] == "professorsoares-ssi/ssi_2026-05-12.csv [long tracker csv, pt-BR]"
    first = s.loc["2026-04-27"]   # hand-transcribed: other section titles, industry name
    assert (first["brand"], first["people"], first["industry_ssi"]) == (20.973, 6.38, 35)
    assert first["industry"] == "Atividades de consultoria em gestão empresarial"


def test_another_ui_language_is_one_table_entry(tmp_path, monkeypatch):
    de = {"brand": "Professionelle Marke etablieren", "people": "Die richtigen Personen finden",
          "insights": "Mit Insights interagieren", "relationships": "Beziehungen aufbauen"}
    entry = {"columns": {"date": "datum", "time": "uhrzeit", "section": "abschnitt",
                         "field": "feld", "value": "wert"},
             "fields": {"Aktueller SSI": "ssi", **{label: p for p, label in de.items()}}}
    monkeypatch.setitem(longcsv.LANGUAGES, "de", entry)
    rows = ["datum;uhrzeit;abschnitt;feld;wert", "2026-05-12;09:00;Aktueller SSI;Aktueller SSI;41"]
    rows += [f"2026-05-12;09:00;Vier Komponenten;{label};{v}"
             for label, v in zip(de.values(), ["10,5", "9", "11", "10,5"], strict=True)]
    (tmp_path / "ssi_de.csv").write_text("\n".join(rows) + "\n")
    s = load_snapshots(tmp_path, tz="Europe/Berlin").iloc[0]
    assert (s["ssi"], s["brand"], s["relationships"]) == (41, 10.5, 10.5)
    assert s["source"].endswith("[long tracker csv, de]")

