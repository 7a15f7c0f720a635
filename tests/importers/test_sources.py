"""Inputs as files, folders, globs and zips, read safely."""

from __future__ import annotations

import zipfile

import pytest

from ssi_analysis import (
    DataError,
    load_activity,
    load_snapshots,
)


def test_globs_folders_and_zips_are_all_inputs(tmp_path, sample_member):
    src = sorted((sample_member / "ssi" / "2026").glob("*.json"))[:6]
    (tmp_path / "a").mkdir()
    for f in src[:3]:
        (tmp_path / "a" / f.name).write_bytes(f.read_bytes())
    with zipfile.ZipFile(tmp_path / "more.zip", "w") as zf:
        for f in src[3:]:
            zf.write(f, f.name)
    got = load_snapshots(str(tmp_path / "a" / "salesApiSsi_*.json"), tmp_path / "more.zip",
                         tz="Europe/Berlin")
    assert len(got) == 6
    assert got["source"].str.startswith(("salesApiSsi_", "more.zip/")).all()
    with pytest.raises(DataError, match="the pattern matches no file"):
        load_snapshots(str(tmp_path / "nothing_*.json"))


def test_zip_path_traversal_is_refused(tmp_path):
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../Shares.csv", "Date,ShareLink,ShareCommentary\n")
    with pytest.raises(DataError, match="points outside the archive"):
        load_activity(z)

