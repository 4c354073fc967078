"""What one piece of work cost on the wire: requests sent and body bytes read.

A ``Meter`` is set in a context variable by whoever wants to know (the
repository, around one query's fetch: each fetch is its own asyncio task, so
concurrent fetches never count each other's traffic); the client adds every
exchange it makes to the meter of the current context, if any.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Meter:
    requests: int = 0  # HTTP exchanges, retries included
    bytes: int = 0  # response body bytes read (after content decoding)


current_meter: ContextVar[Meter | None] = ContextVar("arker_meter", default=None)


def count(body_bytes: int) -> None:
    """Add one exchange to the meter of the current context (no meter: nothing)."""
    meter = current_meter.get()
    if meter is not None:
        meter.requests += 1
        meter.bytes += body_bytes
