"""Handing the allocator's free pages back to the operating system (glibc).

On a CPU, a running batch's keys and values live in ordinary ``malloc`` memory. Rows
join and leave all the time, each change rebuilding the cache with another shape, and
glibc keeps most freed blocks in its heap for reuse: what the process holds (its RSS)
drifts far above what it uses. Measured on the demo (embedded model, bf16, default
budgets, glibc's ``mallinfo2``, which sees the main arena only, sampled every 0.25 s):
at the peak RSS (3,275 MiB) that arena held 1,967 MiB in use and 772 MiB free but
still resident, and 1,764 MiB free by the end. ``malloc_trim(0)`` returns the whole
free pages of every arena. Called after each change of the batch (at most every
:data:`MIN_INTERVAL_S`), it cut the demo's peak RSS from 5.70 to 4.71 GiB in fp32 (the
default on a CPU), and in bf16 it peaked at 2.74 GiB (3.19 without, measured while
another process ran). The price is time: pages
given back fault in again when reused, and the fp32 demo took 275 s instead of 250
(one run each, idle machine). Generated tokens are unchanged: only memory no tensor
uses is released.

:func:`map_large_allocations` (called once by a CPU decoder) pins glibc's mmap
threshold so that large blocks get pages of their own and leave the process as soon
as they are freed; with the prefix cache's segments in one allocation each, the demo's
peak went from 1.89 to 1.83 GiB (same tokens, 249 s instead of 253).

Elsewhere (macOS, musl, Windows) there is no ``malloc_trim`` and this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time
from functools import lru_cache
from typing import Any

MMAP_THRESHOLD = 1 * 2**20
"""Allocations at least this large get pages of their own (glibc's ``M_MMAP_THRESHOLD``),
given back to the system as soon as they are freed."""
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter

MIN_INTERVAL_S = 0.5
"""Trim at most this often: many rows leaving in one burst need one trim, not many."""

_lock = threading.Lock()
_last = [float("-inf")]


def _libc(name: str, argtypes: list[Any]) -> Any:
    """The C library's function ``name`` returning an int, or None where it has none."""
    library = ctypes.util.find_library("c")
    if library is None:
        return None
    try:
        function = getattr(ctypes.CDLL(library), name)
    except (OSError, AttributeError):
        return None
    function.argtypes = argtypes
    function.restype = ctypes.c_int
    return function


@lru_cache(maxsize=1)
def _trim_function() -> Any:
    """glibc's ``malloc_trim``, or None where the C library has none."""
    return _libc("malloc_trim", [ctypes.c_size_t])


@lru_cache(maxsize=1)
def map_large_allocations() -> bool:
    """From now on, allocations of :data:`MMAP_THRESHOLD` bytes or more get pages of
    their own (once per process; True when set). glibc starts with a 128 KiB threshold
    but raises it to the size of each mapped block freed, up to 32 MiB, so after one long
    prefill every segment of the prefix cache went into the heap, where its pages stay
    when it is freed. Where there is no ``mallopt``, this does nothing."""
    mallopt = _libc("mallopt", [ctypes.c_int, ctypes.c_int])
    return mallopt is not None and bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def release_free_memory(*, force: bool = False) -> bool:
    """Give the free pages of the process's heap back to the system; True when a trim
    ran (False: no ``malloc_trim`` here, or, without ``force``, the last one is less
    than :data:`MIN_INTERVAL_S` old)."""
    trim = _trim_function()
    if trim is None:
        return False
    with _lock:
        now = time.monotonic()
        if not force and now - _last[0] < MIN_INTERVAL_S:
            return False
        _last[0] = now
    trim(0)
    return True
