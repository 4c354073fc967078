"""What the app asks of the C allocator: big blocks are always mapped, and
the heap's free pages go back to the system now and then.

glibc maps a block of 128 KiB or more, but each time it frees a mapped block
it raises that threshold to the block's size (up to 32 MiB). A run with
megabytes of output is polled whole, and each poll allocates its body and
its text a little bigger than the last; once the threshold has risen they
come from the heap, whose holes never fit the next, bigger block, and the
heap grows by the day (15-20 MiB over the soak's simulated 8 hours). A fixed
threshold ends the raising. Lists' 400 KB pages stay below it.

Below the threshold, blocks of a few KiB to a few hundred (a log's sealed
blocks of lines, a poll's appended text, response chunks) come and go in the
heap; the long-lived ones among them keep the heap from shrinking from its
top, so the free space between them stays resident (8 MiB of a 24 MiB heap
by the soak's afternoon). ``malloc_trim`` hands those free pages back.

``mallopt`` and ``malloc_trim`` are glibc's public API; elsewhere (macOS,
musl) nothing is done. A ``MALLOC_MMAP_THRESHOLD_`` in the environment is
the user's choice and is left as it is.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import Any

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
THRESHOLD = 1 << 20  # bytes: a block this big or bigger is mapped
TRIM_EVERY = 10.0  # seconds between hand-backs of the heap's free pages (about 1 ms each, a few after a big free)


@cache  # looked up once: the hand-back runs every TRIM_EVERY seconds
def _libc_function(name: str, *argtypes: str) -> Any:
    """``name`` from the process's own C library, taking arguments of the C
    types named (``int``, ``size_t``) and returning an int; None when not
    Linux or not there."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # here, not at import: start-up does not need it (some 5 ms)

    try:
        function = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):  # a C library without it
        return None
    function.argtypes = [getattr(ctypes, f"c_{argtype}") for argtype in argtypes]
    function.restype = ctypes.c_int
    return function


def map_big_blocks(threshold: int = THRESHOLD) -> bool:
    """Set glibc's mmap threshold; whether it was set."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    mallopt = _libc_function("mallopt", "int", "int")
    return mallopt is not None and bool(mallopt(M_MMAP_THRESHOLD, threshold))


def give_back_free_memory() -> bool:
    """Return the heap's free pages to the system (glibc's ``malloc_trim``);
    whether any were."""
    trim = _libc_function("malloc_trim", "size_t")
    return trim is not None and bool(trim(0))


def can_give_back() -> bool:
    """Whether ``give_back_free_memory`` can do anything here."""
    return _libc_function("malloc_trim", "size_t") is not None
