"""Finding input files: paths, folders, globs and zip archives, read safely.

Only the importers open user files, through this module. Zip archives are read in
memory (never extracted), with bounded decompression and no path-traversal names.
"""

from __future__ import annotations

import glob
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import DataError

#: Largest total uncompressed size read from one zip archive.
MAX_ZIP_BYTES = 2 * 1024**3
#: Largest compression ratio accepted for a zip member (zip bombs exceed it).
MAX_ZIP_RATIO = 200
#: Most entries read from one zip archive (a LinkedIn export has a few dozen).
MAX_ZIP_ENTRIES = 100_000
_IGNORED = re.compile(r"(^|/)(\.|__MACOSX/|~\$)|\.(DS_Store|tmp)$", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """One input file, on disk or inside a zip archive.

    Attributes
    ----------
    name : str
        What error messages and the ``source`` column call it (``archive.zip/inner.csv``
        for zip members).
    path : pathlib.Path
        The file on disk (the archive, for zip members).
    member : str or None
        The name inside the archive, or None for plain files.
    """

    name: str
    path: Path
    member: str | None = None
    label: str = ""

    @property
    def short(self) -> str:
        """Return the name relative to the argument it was found under (for ``source``)."""
        return self.label or self.basename

    @property
    def basename(self) -> str:
        """Return the file's own name (without folders)."""
        return PurePosixPath(self.member).name if self.member else self.path.name

    @property
    def parent_names(self) -> tuple[str, ...]:
        """Return the folder names above the file, innermost first (archive name included)."""
        if self.member:
            parts = list(PurePosixPath(self.member).parts[:-1])[::-1]
            return (*parts, self.path.stem)
        return tuple(p.name for p in self.path.parents)

    def read_bytes(self) -> bytes:
        """Return the file's bytes.

        Raises
        ------
        DataError
            When the file cannot be read, or a zip member is damaged.
        """
        try:
            if self.member is None:
                return self.path.read_bytes()
            zf = open_zip(self.path)
            info = zf.getinfo(self.member)
            _check_zip_member(info, self.path)
            with zf.open(info) as fh:
                data = fh.read(info.file_size + 1)
            if len(data) > info.file_size:
                raise DataError("zip member is larger than its header says", path=self.name)
            return data
        except DataError:
            raise
        except (OSError, zipfile.BadZipFile, EOFError, RuntimeError) as exc:
            raise DataError(f"cannot read the file ({exc})", path=self.name) from None


_OPEN_ZIPS: dict[tuple[str, int, int], zipfile.ZipFile] = {}


def open_zip(path: Path) -> zipfile.ZipFile:
    """Return the archive opened once per run (its directory parsed once, not per member).

    Reading member after member used to open the archive and parse its whole directory
    each time: quadratic in the number of entries. The handle is kept while the file is
    unchanged (same size and modification time); a few archives at most stay open.
    """
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    zf = _OPEN_ZIPS.get(key)
    if zf is None:
        while len(_OPEN_ZIPS) >= 4:
            _OPEN_ZIPS.pop(next(iter(_OPEN_ZIPS))).close()
        zf = _OPEN_ZIPS[key] = zipfile.ZipFile(path)
    return zf


def _check_zip_member(info: zipfile.ZipInfo, archive: Path) -> None:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
        raise DataError(f"zip member name {name!r} points outside the archive; refusing to read it",
                        path=archive)
    if info.compress_size and info.file_size / max(info.compress_size, 1) > MAX_ZIP_RATIO:
        ratio = info.file_size // max(info.compress_size, 1)
        raise DataError(f"zip member {name!r} expands {ratio}"
                        f"-fold (a zip bomb?); refusing to read it", path=archive)


def _zip_sources(path: Path) -> list[Source]:
    try:
        infos = open_zip(path).infolist()
    except zipfile.BadZipFile:
        raise DataError("not a readable zip archive (truncated or damaged download?)",
                        path=path) from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise DataError(f"the archive holds {len(infos):,} entries, more than "
                        f"{MAX_ZIP_ENTRIES:,}; refusing to read it", path=path)
    total = 0
    out = []
    for info in infos:
        _check_zip_member(info, path)
        if info.is_dir() or _IGNORED.search(info.filename):
            continue
        total += info.file_size
        if total > MAX_ZIP_BYTES:
            raise DataError(f"the archive expands to more than {MAX_ZIP_BYTES >> 30} GB",
                            path=path)
        out.append(Source(f"{path}/{info.filename}", path, info.filename,
                          f"{path.name}/{info.filename}"))
    return out


def _walk(folder: Path) -> Iterator[Path]:
    root = folder.resolve()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            p = Path(dirpath) / f
            rel = p.relative_to(folder).as_posix()
            if _IGNORED.search(rel):
                continue
            if p.is_symlink():
                target = p.resolve()
                if root != target and root not in target.parents:
                    raise DataError("is a symbolic link that points outside the input folder",
                                    path=p)
            yield p


def expand(paths: Iterable[str | os.PathLike[str]]) -> list[Source]:
    """Expand paths, folders, globs and zip archives into a sorted list of sources.

    Parameters
    ----------
    paths : iterable of str or os.PathLike
        Files, folders (searched recursively), glob patterns or ``.zip`` archives.

    Returns
    -------
    list of Source
        Every file found, in a deterministic order.

    Raises
    ------
    DataError
        When a path does not exist or a pattern matches nothing.
    """
    out: list[Source] = []
    for raw in paths:
        text = os.fspath(raw)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise DataError("the pattern matches no file", path=text)
            out.extend(expand(matches))
            continue
        p = Path(text)
        if not p.exists():
            raise DataError("no such file or folder", path=text)
        if p.is_dir():
            for f in _walk(p):
                if zipfile.is_zipfile(f) and f.suffix.lower() == ".zip":
                    out.extend(_zip_sources(f))
                else:
                    out.append(Source(str(f), f, None, f"{p.name}/{f.relative_to(p).as_posix()}"))
        elif p.suffix.lower() == ".zip":
            out.extend(_zip_sources(p))
        else:
            out.append(Source(str(p), p, None, p.name))
    seen: set[str] = set()
    unique = []
    for s in out:
        if s.name not in seen:
            seen.add(s.name)
            unique.append(s)
    return _without_case_twins(unique)


def _without_case_twins(sources: list[Source]) -> list[Source]:
    """Keep one of two files whose names differ only in case (``Shares.csv``/``shares.csv``).

    On a case-sensitive disk or in a zip both can exist, and reading both would count
    every row twice. Identical twins are read once; different ones are refused.
    """
    by_key: dict[str, Source] = {}
    out = []
    for s in sources:
        key = s.name.casefold()
        twin = by_key.get(key)
        if twin is None:
            by_key[key] = s
            out.append(s)
        elif twin.read_bytes() != s.read_bytes():
            raise DataError(f"and {twin.name} differ only in the case of their names but "
                            "hold different data; keep the one that belongs", path=s.name)
    return out


def _utf16_without_bom(head: bytes) -> str:
    """Return "utf-16-le"/"utf-16-be" when text is UTF-16 written without a byte-order mark.

    Such text (Excel's "Unicode text") has a NUL byte beside every ASCII character: in
    the first 4 KiB, at least 90% of the odd (little-endian) or even (big-endian) bytes are
    NUL and almost none of the others. Anything else is not taken for UTF-16.
    """
    n = len(head) - len(head) % 2
    if n < 4:
        return ""
    even, odd = head[0:n:2], head[1:n:2]
    for enc, zeros, chars in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros.count(0) >= 0.9 * len(zeros) and chars.count(0) <= 0.02 * len(chars):
            return enc
    return ""


def decode_text(data: bytes, source: Source) -> str:
    r"""Decode a text file: UTF-8 (with or without BOM) or UTF-16 (with or without BOM).

    Parameters
    ----------
    data : bytes
        The raw bytes.
    source : Source
        For error messages.

    Returns
    -------
    str
        The text with a leading BOM removed and line ends normalised to ``\\n``.

    Raises
    ------
    DataError
        For binary files and text in other encodings.
    """
    encoding = ("utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff"))
                else _utf16_without_bom(data[:4096]))
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise DataError("is not valid UTF-16 text", path=source.name) from None
    else:
        if b"\x00" in data[:4096]:
            raise DataError("is a binary file, not text (expected CSV or JSON)", path=source.name)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise DataError("is not UTF-8 text (re-save it as UTF-8 CSV)", path=source.name,
                            row=line) from None
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
