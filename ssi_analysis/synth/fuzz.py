"""A fuzz harness for the importers: random file trees must end in exit 0 or 2, never worse.

Each case is a folder of files made from seed files (real-format fixtures) by mutation —
bit flips, truncation, random bytes spliced in, duplicated or deleted lines, odd names
(spaces, unicode, case twins, hidden files), files zipped together — and is run through the
command line's ``ingest``. The promise checked for every case: exit status 0 or 2; with 2,
exactly one line on stderr and no traceback; the inputs unchanged byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import random
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

NAMES = ("salesApiSsi_2026-05-{d:02d}.json", "SSI page {d}.har", "notes.csv", "Shares.csv",
         "shares.csv", "Comments.csv", "Connections.csv", "messages.csv", "ssi {d}.csv",
         "Sales_Navigator_Usage_Reporting_2025-0{m}-01_to_2025-0{m}-28.csv", "été {d}.json",
         ".hidden.json", "data.txt", "activity.csv")


@dataclass
class FuzzResult:
    """What a fuzz run found."""

    cases: int = 0
    exit_codes: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    seconds: float = 0.0


def _mutate(data: bytes, rng: random.Random) -> bytes:
    """Return ``data`` changed in one of several ways (or unchanged, sometimes)."""
    if not data:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    kind = rng.randrange(8)
    b = bytearray(data)
    if kind == 0:                                        # flip some bits
        for _ in range(rng.randrange(1, 8)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif kind == 1:                                      # truncate
        b = b[: rng.randrange(len(b))]
    elif kind == 2:                                      # splice random bytes in
        i = rng.randrange(len(b) + 1)
        b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
    elif kind == 3:                                      # duplicate or drop lines
        lines = bytes(b).split(b"\n")
        i = rng.randrange(len(lines))
        if rng.random() < 0.5:
            lines.insert(i, lines[i])
        else:
            del lines[i]
        b = bytearray(b"\n".join(lines))
    elif kind == 4:                                      # odd characters in a field
        i = rng.randrange(len(b) + 1)
        b[i:i] = rng.choice([b"\t", b"\r", b'"', b";", b"\x00", "é".encode(), b"=1+1",
                             b"9" * 400, b"-1e309", b"NaN", b"Infinity", b"[" * 80])
    elif kind == 5:                                      # another encoding
        with contextlib.suppress(UnicodeDecodeError):
            b = bytearray(bytes(b).decode("utf-8").encode(rng.choice(["utf-16", "latin-1"]),
                                                           errors="replace"))
    elif kind == 6:                                      # swap two chunks
        i, j = sorted(rng.randrange(len(b) + 1) for _ in range(2))
        b = b[j:] + b[i:j] + b[:i]
    return bytes(b)


def make_case(seeds: list[Path], folder: Path, rng: random.Random) -> Path:
    """Write one random input tree under ``folder`` and return it."""
    folder.mkdir(parents=True)
    n = rng.randrange(1, 6)
    files = {}
    for _ in range(n):
        seed = rng.choice(seeds)
        name = rng.choice(NAMES).format(d=rng.randrange(1, 29), m=rng.randrange(1, 10))
        data = seed.read_bytes()
        if rng.random() < 0.8:
            data = _mutate(data, rng)
        sub = rng.choice(["", "ssi/", "export/", "deep/er/"])
        files[sub + name] = data
    if rng.random() < 0.25:                              # zip them
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name, data in files.items():
                zf.writestr(name, data)
        zipped = buf.getvalue()
        (folder / "Complete_LinkedInDataExport_01-02-2026.zip").write_bytes(
            _mutate(zipped, rng) if rng.random() < 0.3 else zipped)
    else:
        for name, data in files.items():
            p = folder / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
    return folder


def _tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(p.relative_to(folder).as_posix().encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def run_case(main, case: Path, out: Path) -> tuple[int, str]:
    """Run ``main(["ingest", case, "--out", out])`` in-process; return (status, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(["ingest", str(case), "--out", str(out), "--as-of", "2026-12-01"])
        except SystemExit as exc:          # argparse
            code = int(exc.code or 0)
        except BaseException as exc:       # a traceback the user would have seen
            return -1, f"{type(exc).__name__}: {exc}"
    return code, err.getvalue()


def fuzz(main, seeds: list[Path], work: Path, *, cases: int = 50, seed: int = 0) -> FuzzResult:
    """Run ``cases`` random input trees through ``ingest`` and check the promise.

    Parameters
    ----------
    main : callable
        The command line's entry point (:func:`ssi_analysis.cli.main`).
    seeds : list of pathlib.Path
        Files in the real formats to mutate.
    work : pathlib.Path
        A scratch folder (emptied).
    cases : int
        How many trees.
    seed : int
        Random seed (a failing case is reproduced with the same seed and number).

    Returns
    -------
    FuzzResult
        ``failures`` lists ``(case number, status, stderr)`` of every broken promise.
    """
    rng = random.Random(seed)
    result = FuzzResult()
    start = time.perf_counter()
    shutil.rmtree(work, ignore_errors=True)
    for i in range(cases):
        case = make_case(seeds, work / f"case{i}" / "in", rng)
        before = _tree_hash(case)
        code, err = run_case(main, case, work / f"case{i}" / "out")
        result.cases += 1
        result.exit_codes[code] = result.exit_codes.get(code, 0) + 1
        lines = [ln for ln in err.splitlines() if ln.strip()]
        ok = code == 0 or (code == 2 and len(lines) == 1 and "Traceback" not in err)
        if not ok or _tree_hash(case) != before:
            result.failures.append((i, code, err.strip()[-500:]))
        shutil.rmtree(work / f"case{i}", ignore_errors=True)
    result.seconds = time.perf_counter() - start
    return result
