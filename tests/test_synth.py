"""Generator: deterministic, realistic shape, and the committed sample is what it writes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from ssi_analysis import paths
from ssi_analysis.synth import SAMPLE_SEED, make_synthetic, write_sample


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_committed_sample_is_byte_identical_to_a_fresh_generation(tmp_path):
    out = write_sample(tmp_path / "sample")
    assert _digest(out) == _digest(paths.SAMPLE_DIR)


def test_same_seed_same_data_other_seed_other_data():
    a = make_synthetic(2, "2025-01-01", "2025-06-30", seed=7)
    b = make_synthetic(2, "2025-01-01", "2025-06-30", seed=7)
    c = make_synthetic(2, "2025-01-01", "2025-06-30", seed=8)
    pd.testing.assert_frame_equal(a.snapshots, b.snapshots)
    pd.testing.assert_frame_equal(a.activity, b.activity)
    assert not a.snapshots["brand"].equals(c.snapshots["brand"])


def test_realistic_shape():
    d = make_synthetic(1, "2024-01-01", "2025-12-31", seed=SAMPLE_SEED)
    s = d.snapshots
    days = pd.date_range("2024-01-01", "2025-12-31")
    assert 0.7 < s["date"].nunique() / len(days) < 0.97              # missing days and outages
    assert s.duplicated(["member_id", "date"]).sum() > 5               # same-day captures
    assert ((s[["brand", "people", "insights", "relationships"]] >= 0)
            & (s[["brand", "people", "insights", "relationships"]] <= 25)).all().all()
    np.testing.assert_allclose(s["ssi"], s[["brand", "people", "insights",
                                            "relationships"]].sum(axis=1), atol=1e-4)
    daily = s.drop_duplicates(["date"], keep="last").set_index("date")["ssi"].diff()
    assert daily.abs().median() < 0.75                                  # small daily moves
    wide = d.activity.pivot_table(index="date", columns="activity", values="count",
                                  aggfunc="sum").reindex(days).fillna(0)
    weekday = wide.groupby(wide.index.day_of_week).mean()
    own = ["posts", "comments", "reactions", "messages_sent", "invitations_sent"]
    assert (weekday.loc[[5, 6], own].mean() < 0.6 * weekday.loc[[0, 1, 2, 3], own].mean()).all()
    weekly = wide.resample("W").sum()
    assert weekly["posts"].corr(weekly["comments"]) > 0.3              # activities move together
    assert weekly["invitations_sent"].max() > 4 * weekly["invitations_sent"].median()  # bursts
    assert set(d.truth.columns) == {"activity", "pillar", "effect"}


def test_sample_names_are_fictional(sample_member):
    text = (next((sample_member / "export").iterdir()) / "Connections.csv").read_text()
    assert "Example Corp" in text and "@example.com" in text
    assert all(any(w in line for w in ("Example", "Sample", "Placeholder", "Testington",
                                       "Fakename", "Mockley", "Dummyson", "Notreal",
                                       "Fixture", "Specimen"))
               for line in text.splitlines()[5:] if line and not line.startswith(",,"))


def test_scale_benchmark_runs_and_prints_its_table(tmp_path):
    """The documented benchmark command works (at a toy size) and prints every line."""
    import subprocess
    import sys

    script = Path(__file__).parents[1] / "benchmarks" / "team_scale.py"
    r = subprocess.run([sys.executable, str(script), "--members", "40", "--years", "1",
                        "--baseline-members", "5", "--runs", "1", "--data", str(tmp_path)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    out = r.stdout
    for line in ("floor (pyarrow+sort)", "ingest ", "clean ", "align ", "effects ",
                 "ingest + clean", "total to effects", "peak memory", "x faster"):
        assert line in out, (line, out)
    total = next(ln for ln in out.splitlines() if "total to effects" in ln).split()
    assert float(total[-1]) > 0                          # a ratio to the floor was printed
    assert (tmp_path / "team_40x1y" / "snapshots.csv").exists()


def test_report_benchmark_runs_and_prints_its_table():
    """benchmarks/reports.py (at a toy size) prints the floor, the report and the batch."""
    import subprocess
    import sys

    script = Path(__file__).parents[1] / "benchmarks" / "reports.py"
    r = subprocess.run([sys.executable, str(script), "--batch", "2", "--repeat", "1"],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    out = r.stdout
    for line in ("empty notebook, same imports (floor)", "member report", "compute (model",
                 "one `ssi-analysis report` of one member", "batch: per report",
                 "CPU busy during the batch"):
        assert line in out, (line, out)
    ratio = next(ln for ln in out.splitlines() if ln.strip().startswith("member report"))
    assert float(ratio.split("x floor")[0].split()[-1]) > 0     # a ratio was measured (one
    # run only here: a kernel that is slow to shut down can make the floor the slower one)
