"""Many mutations at once, with bounded concurrency (no Textual import).

``run_bounded`` sends one call per target, at most ``limit`` in flight, and
reports each outcome as it arrives. Just before a target's call goes out,
``check`` may say why it must not be sent (the target changed since the user
confirmed); then nothing is sent for it. An ``ArkerError`` fails only its own
target; nothing is retried here (the user retries what failed).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Awaitable, Callable, Generic, Iterable, TypeVar

from ..api.errors import ArkerError

T = TypeVar("T")
MAX_IN_FLIGHT = 4


@dataclass(frozen=True)
class Outcome(Generic[T]):
    target: T
    error: ArkerError | None = None  # the API's answer, when it refused
    skipped: str | None = None  # why nothing was sent (the target changed)

    @property
    def ok(self) -> bool:
        return self.error is None and self.skipped is None


async def run_bounded(
    targets: Iterable[T],
    send: Callable[[T], Awaitable[object]],
    *,
    check: Callable[[T], str | None] = lambda _: None,
    on_outcome: Callable[[Outcome[T]], None] = lambda _: None,
    limit: int = MAX_IN_FLIGHT,
) -> list[Outcome[T]]:
    """Every target's outcome, in the order given."""
    gate = asyncio.Semaphore(max(1, limit))

    async def one(target: T) -> Outcome[T]:
        async with gate:
            reason = check(target)
            if reason is not None:
                outcome: Outcome[T] = Outcome(target, skipped=reason)
            else:
                try:
                    await send(target)
                except ArkerError as error:
                    outcome = Outcome(target, error=error)
                else:
                    outcome = Outcome(target)
        on_outcome(outcome)
        return outcome

    return list(await asyncio.gather(*(one(target) for target in targets)))
