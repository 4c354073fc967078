"""Time for the repository: ``now()`` and ``sleep()`` behind one small object.

``MonotonicClock`` is the real one. ``FakeClock`` stands still until a test
calls ``await clock.advance(s)``, which wakes every sleeper that became due, in
deadline order, and lets the woken tasks run before returning, so tests of
intervals and backoff never sleep on real time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class MonotonicClock:
    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return "MonotonicClock()"


async def settle(max_rounds: int = 2000) -> None:
    """Yield to the loop until nothing is ready to run (or a bound is hit).

    Reads the loop's ready queue (a CPython detail) to know when woken tasks
    have finished their work; without it, a fixed number of yields is used.
    """
    loop = asyncio.get_running_loop()
    ready = getattr(loop, "_ready", None)
    if ready is None:
        for _ in range(100):
            await asyncio.sleep(0)
        return
    quiet = 0
    for _ in range(max_rounds):
        await asyncio.sleep(0)
        # Two quiet rounds in a row: a task woken by a finished future gets
        # queued one round later, so one empty round is not proof of calm.
        quiet = quiet + 1 if not ready else 0
        if quiet >= 3:
            return


class FakeClock:
    """A clock tests drive by hand. ``now()`` starts at ``start``."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = float(start)
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._seq), future))
        await future  # a cancelled sleeper is skipped by advance()

    @property
    def sleepers(self) -> int:
        """How many sleeps are waiting (for tests that check nothing is scheduled)."""
        return sum(1 for _, _, f in self._sleepers if not f.done())

    def next_deadline(self) -> float | None:
        live = [d for d, _, f in self._sleepers if not f.done()]
        return min(live) if live else None

    async def advance(self, seconds: float) -> float:
        """Move time forward, waking due sleepers one deadline at a time so a
        task woken at t can schedule a new sleep that is also due before the
        target and still be woken in this call."""
        if seconds < 0:
            raise ValueError("a FakeClock only moves forward")
        target = self._now + seconds
        await settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, future = heapq.heappop(self._sleepers)
            if future.done():
                continue
            self._now = max(self._now, deadline)
            future.set_result(None)
            # Wake everything due at this same instant before settling.
            while self._sleepers and self._sleepers[0][0] <= self._now:
                _, _, other = heapq.heappop(self._sleepers)
                if not other.done():
                    other.set_result(None)
            await settle()
        self._now = target
        await settle()
        return self._now

    def __repr__(self) -> str:
        return f"FakeClock({self._now!r})"
