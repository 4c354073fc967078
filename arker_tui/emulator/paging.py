"""Cursor pagination shared by every list route.

Records carry a monotonically increasing ``seq``; a cursor is the opaque
(base64) ``seq`` of the last item served, so pages stay stable when items
before the cursor are deleted. Default limit 50, max 500 (larger is clamped).
"""

from __future__ import annotations

import base64
from typing import Iterable, Protocol, Sequence, TypeVar

from arker_tui.api.errors import ArkerError

from .clock import parse_time

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class HasSeq(Protocol):
    seq: int


T = TypeVar("T", bound=HasSeq)


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        kind, _, value = text.partition(":")
        if kind != "seq":
            raise ValueError(kind)
        return int(value)
    except Exception:
        raise ArkerError("bad_request", f"cursor: invalid cursor {cursor!r}", 400) from None


def parse_limit(raw: str | int | None, default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> int:
    if raw is None or raw == "":
        return default
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        raise ArkerError("bad_request", f"limit: not an integer: {raw!r}", 400) from None
    if limit < 1:
        raise ArkerError("bad_request", "limit: must be at least 1", 400)
    return min(limit, maximum)


def paginate(
    items: Iterable[T], cursor: str | None, limit: int, *, descending: bool = False
) -> tuple[Sequence[T], str | None]:
    """``items`` must already be in ``seq`` order (ascending, or descending)."""
    after = decode_cursor(cursor) if cursor else None
    page: list[T] = []
    for item in items:
        if after is not None and (item.seq >= after if descending else item.seq <= after):
            continue
        page.append(item)
        if len(page) > limit:
            break
    if len(page) > limit:
        page = page[:limit]
        return page, encode_cursor(page[-1].seq)
    return page, None


def time_param(name: str, value: str | None) -> float | None:
    """A list route's time filter (``started_after`` ...): None when not given."""
    if value in (None, ""):
        return None
    try:
        return parse_time(value)
    except ValueError:
        raise ArkerError("bad_request", f"{name}: not a timestamp: {value!r}", 400) from None
