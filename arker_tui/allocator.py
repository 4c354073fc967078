"""The one setting of the C allocator the app changes: big blocks are always
mapped, so freeing one gives its memory back to the system.

glibc maps a block of 128 KiB or more, but each time it frees a mapped block
it raises that threshold to the block's size (up to 32 MiB). A run with
megabytes of output is polled whole, and each poll allocates its body and
its text a little bigger than the last; once the threshold has risen they
come from the heap, whose holes never fit the next, bigger block, and the
heap grows by the day (15-20 MiB over the soak's simulated 8 hours). A fixed
threshold ends the raising. Lists' 400 KB pages stay below it.

``mallopt`` is glibc's public API; elsewhere (macOS, musl) nothing is done.
A ``MALLOC_MMAP_THRESHOLD_`` in the environment is the user's choice and is
left as it is.
"""

from __future__ import annotations

import os
import sys

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
THRESHOLD = 1 << 20  # bytes: a block this big or bigger is mapped


def map_big_blocks(threshold: int = THRESHOLD) -> bool:
    """Set glibc's mmap threshold; whether it was set."""
    if not sys.platform.startswith("linux") or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    import ctypes  # here, not at import: start-up does not need it (some 5 ms)

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):  # a C library without it
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
