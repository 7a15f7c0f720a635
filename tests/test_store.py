"""The processed folder: writers refuse data/raw, no side data in Parquet."""

from __future__ import annotations

import pandas as pd
import pytest

from ssi_analysis import (
    DataError,
)
from ssi_analysis.store import write_parquet


def test_writers_refuse_data_raw():
    from ssi_analysis import paths

    with pytest.raises(DataError, match="never modified"):
        write_parquet(pd.DataFrame({"a": [1]}), paths.RAW_DIR / "x.parquet")


def test_processed_files_carry_no_side_data_and_tables_round_trip(sample_processed, tmp_path):
    """Side data travels in the table types, not in pandas attrs: the Parquet files have no
    ``PANDAS_ATTRS`` block (it held 2.7 MB of coverage records in a team's activity file),
    and a table read back equals the one written."""
    import pyarrow.parquet as pq

    from ssi_analysis.store import PROCESSED_FILES, read_parquet

    for name in PROCESSED_FILES.values():
        meta = pq.read_schema(sample_processed / name).metadata or {}
        assert b"PANDAS_ATTRS" not in meta, name
    df = pd.DataFrame({"member_id": ["a", "b"], "count": [1, 2]})
    df.attrs["coverage"] = [{"member_id": "a"}]          # never written
    write_parquet(df, tmp_path / "t.parquet")
    back = read_parquet(tmp_path / "t.parquet")
    assert back.attrs == {} and df.attrs                  # the caller's frame is unchanged
    pd.testing.assert_frame_equal(back, df)

