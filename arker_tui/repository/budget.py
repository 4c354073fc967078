"""Budgets: what one watched query may cost per minute, and the interval that keeps it there.

The API has no deltas, ETags or watch: a refresh of the VM list fetches every
page, so at a fixed interval its traffic grows with the org. Each watched list
therefore has a budget (bytes and requests per minute). After a refresh, the
list waits at least its base interval, and longer when that refresh's cost
would exceed the budget at the base rate: a refresh that cost k times the
per-minute budget waits k minutes. Nothing is dropped; it only slows down.

What the user looks at stays on its fast interval whatever the org's size:
one VM (``get_vm``, the selected one), the runs list of the VM on screen, and
a followed run, whose whole output comes with every poll (the API has no
offset), so its own budget is in bytes per second of output re-fetched.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from .query import Query

MB = 1_000_000
WINDOW = 60.0  # seconds: budgets and caps are per minute

# Kinds never stretched by a list budget: what the user looks at.
FAST_KINDS = frozenset({"vm", "runs"})


@dataclass(frozen=True)
class Budgets:
    """Per watched query; the defaults are far above what an org of 100 VMs
    costs (about 1 request and 0.1 MB per VM-list refresh)."""

    list_mb_per_min: float = 6.0  # each list: VMs, sessions, tunnels, syncs, filesystems, org activity
    list_requests_per_min: float = 60.0
    run_output_mb_per_s: float = 1.0  # each followed run: its whole output comes with every poll
    # The share of what a slow VM list costs a minute that its sweep of
    # running VMs may take (sweeps.py); 0 turns that sweep off. Not a
    # config setting: tests and the benchmark compare with and without.
    running_sweep_share: float = 0.5

    @property
    def list_bytes_per_min(self) -> float:
        return self.list_mb_per_min * MB

    @property
    def run_output_bytes_per_s(self) -> float:
        return self.run_output_mb_per_s * MB


BUDGET_FIELDS = ("list_mb_per_min", "list_requests_per_min", "run_output_mb_per_s")


@dataclass(frozen=True)
class Cost:
    """What one refresh cost: requests (pages) and body bytes."""

    requests: int = 0
    bytes: int = 0


def is_budgeted(query: Query) -> bool:
    """A list on a list budget (not one of the fast kinds, not a single run)."""
    return query.is_list and query.kind not in FAST_KINDS


class Usage:
    """One query's refreshes over the last minute, and the last one's cost."""

    __slots__ = ("_window", "last")

    def __init__(self) -> None:
        self._window: deque[tuple[float, Cost]] = deque()
        self.last: Cost | None = None

    def record(self, now: float, cost: Cost) -> None:
        self.last = cost
        self._window.append((now, cost))
        self._trim(now)

    def _trim(self, now: float) -> None:
        while self._window and self._window[0][0] <= now - WINDOW:
            self._window.popleft()

    def in_window(self, now: float) -> Cost:
        """What this query cost over the last minute."""
        self._trim(now)
        return Cost(sum(c.requests for _, c in self._window), sum(c.bytes for _, c in self._window))

    def wait_for_cap(self, now: float, cap: float) -> float:
        """Seconds until one more refresh (costing as much as the last) fits
        under ``cap`` requests in the minute; 0 when it fits now."""
        need = self.last.requests if self.last is not None else 1
        self._trim(now)
        used = sum(c.requests for _, c in self._window)
        if used + need <= cap:
            return 0.0
        for at, cost in self._window:  # the oldest refreshes leave the window first
            used -= cost.requests
            if used + need <= cap:
                return max(0.0, at + WINDOW - now)
        return 0.0  # one refresh alone is above the cap: allowed once the window is empty


def list_interval(base: float, cost: Cost | None, budgets: Budgets) -> float:
    """The interval of a budgeted list after a refresh that cost ``cost``:
    the base, stretched in proportion to the cost when the base rate would
    go over the budget."""
    if cost is None:
        return base
    by_bytes = WINDOW * cost.bytes / budgets.list_bytes_per_min if budgets.list_bytes_per_min > 0 else 0.0
    by_requests = WINDOW * cost.requests / budgets.list_requests_per_min if budgets.list_requests_per_min > 0 else 0.0
    return max(base, by_bytes, by_requests)


def run_interval(base: float, cost: Cost | None, budgets: Budgets) -> float:
    """The poll interval of a followed run whose last poll brought ``cost``:
    at most ``run_output_mb_per_s`` of output re-fetched per second."""
    if cost is None or budgets.run_output_bytes_per_s <= 0:
        return base
    return max(base, cost.bytes / budgets.run_output_bytes_per_s)
