"""Reuse freed memory inside the large stages instead of asking the system for fresh pages.

Every vectorised rule of a 10-million-row table makes temporaries of tens of megabytes.
glibc's ``malloc`` serves each allocation above 32 MB with a fresh ``mmap`` and returns it
to the system when freed, so the next temporary of the same size starts from new pages
that the kernel must fault in and zero: at 10,000 members the cleaner spent about a third
of its time there (kernel time, not computing). :func:`reused_memory` lets the stage keep
and reuse its freed blocks (large blocks from the heap, no trimming), and when the
outermost stage ends gives the free memory back (``malloc_trim``), so a notebook kernel
does not keep it, and restores glibc's usual behaviour. (Once a threshold is set glibc
stops adjusting its thresholds by itself, so the ones it settles on after large blocks
have been freed are set: blocks above 32 MB mapped, the heap trimmed above 64 MB.)

It changes nothing but where memory comes from: results are the same bit for bit. On
systems without glibc (macOS, Windows, musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

# mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_MMAP_MAX = -4
# restored when the outermost stage ends: glibc's default number of mappings, and the
# thresholds its own adjustment reaches once large blocks have been freed (the largest
# mapping threshold, DEFAULT_MMAP_THRESHOLD_MAX, and twice that for trimming)
_DEFAULT_MMAP_MAX = 65536
_MMAP_THRESHOLD = 4 * 1024 * 1024 * ctypes.sizeof(ctypes.c_long)
_TRIM_THRESHOLD = 2 * _MMAP_THRESHOLD
_KEEP_ALL = 2**31 - 1                   # largest trim threshold mallopt takes (an int)

_lock = threading.Lock()
_depth = 0

F = TypeVar("F", bound=Callable)


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """Return the C library when it is glibc (``mallopt``, ``malloc_trim``), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.gnu_get_libc_version.restype = ctypes.c_char_p
        libc.gnu_get_libc_version()
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        return libc
    except (OSError, AttributeError):
        return None


@contextmanager
def reused_memory() -> Iterator[None]:
    """Within the block, freed large blocks are kept and reused; afterwards given back.

    Nested blocks (a stage calling another) act as one: only the outermost restores
    the defaults and trims.
    """
    global _depth
    libc = _glibc()
    if libc is None:
        yield
        return
    with _lock:
        _depth += 1
        if _depth == 1:
            libc.mallopt(_M_MMAP_MAX, 0)               # large blocks from the heap
            libc.mallopt(_M_TRIM_THRESHOLD, _KEEP_ALL)  # and kept there when freed
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                libc.mallopt(_M_MMAP_MAX, _DEFAULT_MMAP_MAX)
                libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
                libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
                libc.malloc_trim(0)


def give_back() -> None:
    """Return the free memory to the system now (between the steps of a large stage).

    Inside :func:`reused_memory` freed blocks are kept for reuse; after a step whose
    temporaries will not be needed again, giving them back keeps the stage's peak close to
    what it holds (the next step faults in fresh pages for its own temporaries once).
    """
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def reuses_memory(func: F) -> F:
    """Run ``func`` inside :func:`reused_memory` (a decorator for the large stages)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with reused_memory():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
