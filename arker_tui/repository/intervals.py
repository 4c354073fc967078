"""``Intervals``: how often each kind of query refreshes, and the backoff."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..api.errors import ArkerError
from .budget import Budgets
from .query import Query


@dataclass(frozen=True)
class Intervals:
    """Seconds between refreshes of each kind of query, and the backoff."""

    lists: float = 2.0  # VMs, sessions, runs, tunnels, syncs
    filesystems: float = 10.0
    org_runs: float = 10.0
    running_run: float = 1.0  # a run still in `running` state
    detail: float = 2.0  # one VM
    max_backoff: float = 60.0
    # A running run whose output is this large (characters) and did not change
    # is polled less often: the interval doubles up to max_run_interval.
    large_output: int = 1_000_000
    max_run_interval: float = 5.0
    # What each watched query may cost per minute (budget.py): a list over
    # it refreshes less often, a followed run with big output too.
    budgets: Budgets = field(default_factory=Budgets)

    def base(self, query: Query) -> float:
        kind = query.kind
        if kind == "filesystems":
            return self.filesystems
        if kind == "org_runs":
            return self.org_runs
        if kind == "run":
            return self.running_run
        if kind == "vm":
            return self.detail
        return self.lists

    def backoff(self, query: Query, failures: int, error: ArkerError | None) -> float:
        """Delay after ``failures`` consecutive failures: the interval doubled
        per failure, capped; a server's Retry-After is never cut short."""
        delay = min(self.max_backoff, self.base(query) * (2 ** min(failures, 30)))
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay
