"""What list columns sort by: comparable values from model fields.

Every function returns None for a value it cannot read; the list puts such
rows last in either direction, so a hostile or missing field never breaks
a sort (no mixed types reach ``sorted``).
"""

from __future__ import annotations

from typing import Any

from . import format as fmt


def text(value: Any) -> str | None:
    """Case-insensitive text; "" and None sort last."""
    if value is None:
        return None
    cleaned = fmt.clean(str(value)).casefold()
    return cleaned or None


def number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if result == result else None  # NaN compares with nothing


def time(value: Any) -> float | None:
    """A timestamp in seconds (ISO strings and epochs alike)."""
    parsed = fmt.parse_time(value)
    return parsed.timestamp() if parsed is not None else None


def duration(start: Any, end: Any) -> float | None:
    """Seconds from start to end, or to now while it runs."""
    began = fmt.parse_time(start)
    if began is None:
        return None
    ended = fmt.parse_time(end) if end is not None else fmt.clock()
    return (ended - began).total_seconds() if ended is not None else None
