"""Exceptions with one-line messages a non-programmer can act on."""

from __future__ import annotations

import os


class DataError(ValueError):
    """Bad input: a file, row or column that is not what the kit expects.

    Parameters
    ----------
    message : str
        What was wrong and what was expected.
    path : str or os.PathLike, optional
        The file the problem is in.
    row : int, optional
        1-based line number in the file (header = line 1), where known.
    column : str, optional
        The column (or JSON field) the problem is in, where known.

    Examples
    --------
    >>> str(DataError("expected a number", path="ssi.csv", row=4, column="brand"))
    'ssi.csv, row 4, column brand: expected a number'
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = " ".join(str(message).split())
        self.path = None if path is None else os.fspath(path)
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(self.path)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class InsufficientDataError(ValueError):
    """There is too little usable data to estimate something honestly."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class NoDataFoundError(DataError):
    """None of the given inputs holds the kind of data asked for."""
