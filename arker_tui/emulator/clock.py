"""Time for the emulator: the world reads time only through a clock.

``RealClock`` follows the wall clock; ``ManualClock`` stands still until a
test moves it with ``advance``, so run output, tunnel start-up and org
activity windows can be tested without sleeping.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

# 2026-01-01T00:00:00Z: the default start of a ManualClock.
DEFAULT_EPOCH = 1_767_225_600.0


class Clock:
    """Protocol-ish base: ``now()`` returns seconds since the epoch."""

    def now(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def now_ms(self) -> int:
        return int(self.now() * 1000)


class RealClock(Clock):
    def now(self) -> float:
        return time.time()


class ManualClock(Clock):
    def __init__(self, start: float = DEFAULT_EPOCH) -> None:
        self._now = float(start)

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("a ManualClock only moves forward")
        self._now += seconds
        return self._now

    def set(self, when: float) -> None:
        self._now = float(when)

    def __repr__(self) -> str:
        return f"ManualClock({self._now!r})"


def iso(ts: float | None) -> str | None:
    """Epoch seconds -> ISO 8601 UTC with milliseconds (``...Z``)."""
    if ts is None:
        return None
    dt = datetime.fromtimestamp(ts, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_time(value: str) -> float:
    """ISO 8601 (``Z`` or offset) or a bare epoch number (s or ms) -> epoch seconds."""
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        return number / 1000 if number > 1e11 else number
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()
