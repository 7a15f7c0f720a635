"""The pyarrow fast paths for large canonical CSVs (a 10,000-member team's files).

A large ``snapshots.csv`` or ``activity.csv`` written in the canonical form is read by
pyarrow straight from its path, member ids dictionary-encoded into a categorical. When a
file is not exactly that, these return None and the careful reader runs instead (and names
the first bad cell by row and column).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..arrays import days_to_ns
from ..errors import DataError
from ._text import header_of, norm
from .sources import Source

FAST_MIN_BYTES = 2_000_000


def big_csv_header(source: Source) -> list[str] | None:
    """Return the header of a large CSV file on disk, read from its first 64 KiB.

    None when the file is small, inside a zip, or does not start as plain UTF-8 text:
    then it is read whole, as before. Lets each loader skip another loader's large
    file (``activity.csv`` for snapshots and the other way round) without reading it.
    """
    if source.member is not None or not source.basename.lower().endswith(".csv"):
        return None
    try:
        if source.path.stat().st_size < FAST_MIN_BYTES:
            return None
        with open(source.path, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        return None
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    if "\n" not in text or text.lstrip()[:1] in ("{", "[", "<"):
        return None
    return header_of(text)


def fast_csv(source: Source, numeric: list[str], *, table: bool = False,
              ints: Iterable[str] = (), need: set[str] | None = None, any_of: bool = False):
    """Read a large canonical CSV with pyarrow (columns by name, ISO dates, numbers).

    Returns None when the file is not exactly that (then the careful reader runs and
    reports the first bad cell by row and column). A file on disk is read by pyarrow
    from its path (no copy of its bytes in Python). Member ids are read
    dictionary-encoded (no string per row) and come back as a categorical; with
    ``table`` the pyarrow table is returned as read. Columns in ``ints`` are read as
    ``int32`` (as ``float64`` when that fails, e.g. for ``1.0``). The file is read only
    when its header has the columns ``need`` (``any_of``: at least one of them).
    """
    try:
        if source.member is None:
            if source.path.stat().st_size < FAST_MIN_BYTES:
                return None
            with open(source.path, "rb") as fh:
                head = fh.read(4096)
            where = str(source.path)
        else:
            data = source.read_bytes()
            if len(data) < FAST_MIN_BYTES:
                return None
            head, where = data[:4096], pa.BufferReader(data)
    except (OSError, DataError):
        return None                         # the careful reader says what is wrong
    header = header_of(head.decode("utf-8", errors="replace").lstrip("\ufeff"))
    names = [h.strip() for h in header]
    if "date" not in names or any(norm(n) != n for n in names):
        return None
    if need is not None and not (need & set(names) if any_of else need <= set(names)):
        return None
    types = {n: pa.float64() for n in names if n in numeric or n in ints}
    types.update({"member_id": pa.dictionary(pa.int32(), pa.string()), "date": pa.date32()})
    as_int = {**types, **{n: pa.int32() for n in names if n in ints}}
    tab = None
    for attempt in ([as_int] if as_int != types else []) + [types]:
        try:
            tab = pacsv.read_csv(where, convert_options=pacsv.ConvertOptions(
                column_types=attempt, strings_can_be_null=False))
            break
        except (pa.ArrowInvalid, pa.ArrowTypeError, OSError):
            continue
    if tab is None:
        return None
    if tab.column("date").null_count:     # a missing date: the careful reader says where
        return None
    if table:
        return tab
    # column by column, without pandas' consolidation copy; ids stay codes
    cols: dict = {}
    for name in tab.column_names:
        col = tab.column(name)
        if name == "member_id":
            cols[name] = dictionary_categorical(col)
        elif name == "date":
            cols[name] = days_to_ns(col.cast(pa.int32()).to_numpy())
        elif name in numeric:
            v = col.to_numpy()               # may be a read-only view of Arrow memory
            cols[name] = v if v.flags.writeable else v.copy()
        else:
            cols[name] = col.to_pandas()
    return pd.DataFrame(cols, copy=False)


def _dictionary_codes(col, dtype=None) -> tuple[np.ndarray, np.ndarray]:
    """Sorted integer codes and sorted unique strings of a dictionary-encoded column.

    The codes are in ``dtype``, by default the smallest integer type that holds them.
    """
    ids = col.combine_chunks()
    names = np.asarray(ids.dictionary.to_pylist(), dtype=object)
    order = np.argsort(names.astype(str), kind="stable")
    if dtype is None:
        k = len(names)
        dtype = np.int8 if k < 128 else np.int16 if k < 32_768 else np.int32
    rank = np.empty(len(names), dtype=dtype)
    rank[order] = np.arange(len(names))
    return rank[ids.indices.to_numpy()], names[order]


def dictionary_categorical(col) -> pd.Categorical:
    """Turn a dictionary-encoded pyarrow column of strings into a sorted categorical.

    Every dictionary value occurs (the CSV reader builds it from the values read), so
    the codes are the sorted ranks of the dictionary, taken once in the smallest integer
    type.
    """
    codes, uniq = _dictionary_codes(col)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniq.astype(str), dtype=str))


def release_memory() -> None:
    """Give the memory pyarrow has freed back to the system.

    pyarrow keeps freed blocks in its own pool for reuse; after a large CSV is read and
    turned into pandas columns (or a table backed by Arrow buffers is dropped) that is
    hundreds of megabytes at 10,000 members, held until the process ends.
    """
    pa.default_memory_pool().release_unused()
