"""The bundled sample's outputs, byte for byte: processed Parquet tables, the CSV tables
beside each report and the HTML pages.

A refactoring must leave every hash unchanged; a change of the table contract or of a
report records new hashes here (``SSI_UPDATE_GOLDEN=1 make test``) and says why in its
commit. The pinned ``requirements.lock`` keeps the bytes stable across machines.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden" / "sample_hashes.json"


def _digest(path: Path, tmp_root: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".html":     # the temporary folder of this run appears in "About"
        data = data.replace(str(tmp_root).encode(), b"<tmp>")
    return hashlib.sha256(data).hexdigest()


def _hashes(site: Path) -> dict[str, str]:
    out = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        hidden = any(part.startswith(".") for part in path.relative_to(site).parts)
        if path.is_file() and not hidden and path.suffix in (".parquet", ".csv", ".html"):
            out[rel] = _digest(path, site)
    return out


def test_sample_outputs_are_byte_identical_to_the_recorded_ones(sample_site):
    got = _hashes(sample_site)
    if os.environ.get("SSI_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip("golden hashes recorded")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(want), "files differ"
    changed = [k for k in want if got[k] != want[k]]
    assert not changed, f"changed: {changed}"
