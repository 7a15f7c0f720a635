"""The bad-input corpus (tests/fixtures/bad): every case gives one clear line, exit 2 from the
CLI, no traceback, nothing written, and the input untouched."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssi_analysis import DataError, load_activity, load_snapshots
from ssi_analysis.cli import main
from ssi_analysis.pipeline import ingest
from ssi_analysis.report import load_config

BAD = Path(__file__).parent / "fixtures" / "bad"
CASES = json.loads((BAD / "EXPECTED.json").read_text())


def _digest(path: Path) -> str:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files if f.is_file())).hexdigest()


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert {c["kind"] for c in CASES.values()} == {"snapshots", "activity", "ingest", "config"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_bad_input_gives_one_clear_line(name, tmp_path):
    spec, path = CASES[name], BAD / name
    before = _digest(path)
    call = {"snapshots": lambda: load_snapshots(path),
            "activity": lambda: load_activity(path),
            "ingest": lambda: ingest([path], tmp_path / "out"),
            "config": lambda: load_config(path)}[spec["kind"]]
    with pytest.raises(DataError) as info:
        call()
    msg = str(info.value)
    assert re.search(spec["match"], msg), msg
    assert "\n" not in msg and "Traceback" not in msg
    assert name.split(".")[0].split("_2025")[0] in msg or spec["kind"] == "config" or \
        Path(info.value.path or "").name in msg
    assert _digest(path) == before
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_exit_2_one_line_no_traceback_nothing_written(name, tmp_path, capsys):
    spec, path = CASES[name], BAD / name
    out = tmp_path / "out"
    argv = (["report", "--config", str(path), "--out", str(out)] if spec["kind"] == "config"
            else ["ingest", str(path), "--out", str(out)])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ssi-analysis: ") and "Traceback" not in err
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]


def test_symbolic_link_out_of_the_input_folder_is_refused(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text("date,ssi,brand,people,insights,relationships\n2026-01-01,1,1,1,1,1\n")
    (folder / "link.csv").symlink_to(secret)
    with pytest.raises(DataError, match=r"link\.csv: is a symbolic link that points outside"):
        load_snapshots(folder)


_FILES = ["Shares.csv", "Comments.csv", "Connections.csv", "messages.csv", "Invitations.csv",
          "Reactions.csv", "Rich_Media.csv", "activity.csv"]


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fname=st.sampled_from(_FILES),
       body=st.text(alphabet=st.sampled_from(list('ab,;"\\\n\r 0129-:/=+@DateFirstNameURL')),
                    max_size=200))
def test_activity_parsers_raise_only_data_error(tmp_path, fname, body):
    folder = tmp_path / "Complete_LinkedInDataExport_01-02-2026"
    folder.mkdir(exist_ok=True)
    for f in folder.iterdir():
        f.unlink()
    (folder / fname).write_text(body, encoding="utf-8")
    try:
        load_activity(folder)
    except DataError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["long", "salesnav"]),
       rows=st.lists(st.lists(st.text(alphabet="0123456789.,-abX ", max_size=8), min_size=7,
                              max_size=7), max_size=4))
def test_long_and_salesnav_parsers_raise_only_data_error(tmp_path, kind, rows):
    if kind == "long":
        head = "data_referencia;hora_referencia;secao;campo;valor_original;unidade;valor_numerico"
        sep, name = ";", "ssi_2026-05-12.csv"
        rows = [[r[0], r[1], "S", "Estabelecer sua marca profissional", *r[4:]] for r in rows]
    else:
        head = ("Seat ID,SSI - Overall Score,SSI - Establish your professional brand,SSI - Find "
                "the right people,SSI - Engage with insights,SSI - Build relationships,"
                "Searches Performed")
        sep, name = ",", "Sales_Navigator_Usage_Reporting_2025-01-01_to_2025-01-31.csv"
    f = tmp_path / name
    f.write_text(head + "\n" + "".join(sep.join(r) + "\n" for r in rows), encoding="utf-8")
    for loader in (load_snapshots, load_activity):
        try:
            loader(f)
        except DataError as exc:
            assert "\n" not in str(exc)
