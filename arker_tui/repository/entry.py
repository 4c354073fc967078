"""``Entry``: the cache slot of one query.

The public fields are what ``Repository.peek`` shows; the underscored ones are
the repository's bookkeeping (in-flight task, timer, subscribers, diff index).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Callable

from ..api.errors import ArkerError
from .budget import Cost, Usage
from .pages import PageCache
from .query import Query
from .runlog import RunLog


@dataclass(eq=False)
class Entry:
    """The cache slot of one query: its value, error and bookkeeping."""

    query: Query
    value: Any = None
    fetched_at: float | None = None  # repository clock time of the last success
    error: ArkerError | None = None  # error of the most recent fetch, None once one succeeds
    next_refresh_at: float | None = None  # when the next interval fetch is due (None: none planned)
    stale: bool = False  # invalidated (by a mutation or a run ending): next get() fetches
    notice: str | None = None  # a list: what the last fetch did about a misbehaving server (PageCache.notice)

    _task: asyncio.Task | None = field(default=None, repr=False)
    _timer: asyncio.Task | None = field(default=None, repr=False)
    _subscribers: list[Callable[[Any], None]] = field(default_factory=list, repr=False)
    _index: dict[str, Any] = field(default_factory=dict, repr=False)  # list items by id
    _runlog: RunLog | None = field(default=None, repr=False)
    _pages: PageCache = field(default_factory=PageCache, repr=False)  # raw pages of a list, last fetch
    _failures: int = field(default=0, repr=False)
    _run_interval: float | None = field(default=None, repr=False)  # grows for large quiet output
    _finished_at: float | None = field(default=None, repr=False)  # end of the last fetch (fixed delay counts from here)
    _again: bool = field(default=False, repr=False)  # fetch again as soon as the current one ends
    _gone: bool = field(default=False, repr=False)  # its VM was deleted: never refresh
    _usage: Usage = field(default_factory=Usage, repr=False)  # what its refreshes cost (budget.py)

    @property
    def loading(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def has_value(self) -> bool:
        return self.fetched_at is not None

    @property
    def subscribed(self) -> bool:
        return bool(self._subscribers)

    @property
    def cost(self) -> Cost | None:
        """What the last fetch cost on the wire (requests, body bytes); None before any."""
        return self._usage.last

    @property
    def finished_run(self) -> bool:
        """A run in a terminal state: its value can no longer change."""
        return self.query.kind == "run" and self.value is not None and self.value.is_terminal
