"""The sweep of running VMs: the busy part of a slow VM list kept fresh.

The shortcut, and when it is taken. A big org's VM list is refreshed slowly
(its budget stretches the interval, budget.py), yet most of what changes in
it happens to running VMs: their runs end, their sessions and tunnels come
and go, they stop. The SDK documents a list filter for exactly that part,
``listVms({state: "running"})``. So while the full list is slow, and only
then, the running VMs are listed on their own between two full sweeps and
merged into the cached full list:

- it is taken only when the full list's interval is stretched by its budget
  AND a sweep of the running VMs, costing at most its share
  (``Budgets.running_sweep_share``, default half) of what the full list cost
  a minute alone, would come at least twice as often as the full list did.
  A small org, or one where most VMs run, never gets one: there it would
  not save bytes for the freshness bought;
- what the list cost is shared, not added to: while the shortcut is on, the
  full sweep keeps to the rest (its interval grows by ``1 / (1 - share)``),
  so the VM list sends no more bytes and requests a minute than it did
  without the shortcut; the running VMs come several times as often for
  them (keeping the whole list that fresh would cost many times the bytes);
- a VM in the running sweep replaces its row (or is added, when it is new);
- a VM shown as running that is missing from the sweep has stopped or gone:
  up to ``MAX_GET_VM`` of them are fetched one by one (``get_vm``; a 404
  removes the row). If more are missing, the full sweep is brought forward
  (within the list's request cap and any Retry-After), so no VM stays shown
  as running after the server said otherwise; the running sweep pays for
  that early full sweep out of its share (its next one waits longer);
- a ``429`` with ``Retry-After`` to the sweep holds both it and the full
  sweep until then;
- what this cannot see (an idle VM resized, created or deleted elsewhere)
  shows with the next full sweep, as before.

The data age in the status bar and pane titles stays that of the full list.
No Textual import.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass, field
from typing import Any

from ..api.errors import ArkerError
from ..api.metering import Meter, current_meter
from . import fetchers
from .budget import Cost, list_interval
from .entry import Entry
from .events import ChangeEvent
from .pages import PageCache
from .query import Query

log = logging.getLogger("arker_tui.repository")

MAX_GET_VM = 10  # VMs that stopped running fetched one by one per sweep; more: the full sweep comes early
FRESHER = 2.0  # the sweep must come at least this many times as often as the full list did


def sweepable(query: Query) -> bool:
    """A VM list that the running sweep can stand for: not itself filtered by state."""
    return query.kind == "vms" and "state" not in query.filter_dict


def running_query(query: Query) -> Query:
    """The running part of the VM list ``query``: the same filters and ``state=running``."""
    return Query.vms(**{**query.filter_dict, "state": "running"})


@dataclass
class Sweep:
    """One VM list's running sweep: its pages, what it cost, its chain."""

    pages: PageCache = field(default_factory=PageCache)
    cost: Cost | None = None  # the last sweep's cost (requests, bytes)
    sent: int = 0  # sweeps made (tests and benchmarks read it)
    fetched_one_by_one: int = 0  # get_vm calls made for VMs that stopped running
    failures: int = 0
    retry_after: float | None = None
    paid_until: float = 0.0  # no sweep before this: paying for VMs fetched one by one, or an early full sweep
    task: asyncio.Task | None = None


def merge(items: list[Any], index: dict[str, Any], running: list[Any], fetched: dict[str, Any | None]
          ) -> tuple[list[Any], dict[str, Any], dict[str, Any], dict[str, Any], set[str]]:
    """The cached list with a running sweep merged in: (items, index, added,
    changed, removed). ``running``: the sweep's VMs; ``fetched``: VMs fetched
    one by one (None: gone). A new VM goes at the end (the full sweep puts it
    in its place)."""
    added: dict[str, Any] = {}
    changed: dict[str, Any] = {}
    removed: set[str] = set()
    for vm in running:
        old = index.get(vm.vm_id)
        if old is None:
            added[vm.vm_id] = vm
        elif old is not vm and old != vm:
            changed[vm.vm_id] = vm
    for vm_id, vm in fetched.items():
        old = index.get(vm_id)
        if old is None:
            continue
        if vm is None:
            removed.add(vm_id)
        elif old != vm:
            changed[vm_id] = vm
    if not (added or changed or removed):
        return items, index, added, changed, removed
    if changed or removed:
        out = [changed.get(vm.vm_id, vm) for vm in items if vm.vm_id not in removed]
    else:
        out = list(items)
    out.extend(added.values())
    new_index = dict(index)
    new_index.update(changed)
    for vm_id in removed:
        del new_index[vm_id]
    new_index.update(added)
    return out, new_index, added, changed, removed


class RunningSweeps:
    """The running sweeps of a repository's subscribed VM lists."""

    def __init__(self, repo: Any) -> None:  # the Repository (not imported: no cycle)
        self.repo = repo
        self._sweeps: dict[Query, Sweep] = {}
        # query -> (id of the list counted, its share of running VMs): the
        # estimate is asked for on every scheduling pass, and counting 100,000
        # VMs each time was most of the app's idle CPU. By id, so no old list
        # is kept alive (a reused id only makes an estimate a little off).
        self._running_share: dict[Query, tuple[int, float]] = {}

    # --- when ------------------------------------------------------------------

    def sweep_of(self, query: Query) -> Sweep | None:
        return self._sweeps.get(query)

    def _share(self) -> float:
        return min(max(self.repo.intervals.budgets.running_sweep_share, 0.0), 0.9)

    def _estimate(self, entry: Entry) -> Cost:
        """What a sweep of the running VMs costs: the last one's cost, or the
        full sweep's in proportion to the VMs shown as running."""
        sweep = self._sweeps.get(entry.query)
        if sweep is not None and sweep.cost is not None:
            return sweep.cost
        full, items = entry.cost, entry.value or []
        if full is None or not items:
            return Cost(1, 0)
        counted = self._running_share.get(entry.query)
        if counted is not None and counted[0] == id(items):
            share = counted[1]
        else:
            share = sum(1 for vm in items if vm.state == "running") / len(items)
            self._running_share[entry.query] = (id(items), share)
        return Cost(max(1, math.ceil(full.requests * share)), int(full.bytes * share))

    def _without(self, entry: Entry) -> float:
        """The full list's interval by its budget alone (no running sweep)."""
        return list_interval(self.repo.intervals.base(entry.query), entry.cost, self.repo.intervals.budgets)

    def _pays(self, entry: Entry, cost: Cost) -> float:
        """Seconds of the running sweep's share that ``cost`` takes: the sweep
        may cost ``share`` of what the full list cost a minute without it, in
        bytes and in requests."""
        full, without, share = entry.cost, self._without(entry), self._share()
        if full is None:
            return 0.0
        by_bytes = cost.bytes * without / (share * full.bytes) if full.bytes else 0.0
        by_requests = cost.requests * without / (share * full.requests) if full.requests else 0.0
        return max(by_bytes, by_requests)

    def _every(self, entry: Entry) -> float:
        """Seconds between running sweeps of the running VMs' pages."""
        return max(self.repo.intervals.base(entry.query), self._pays(entry, self._estimate(entry)))

    def active(self, entry: Entry) -> bool:
        """Whether the shortcut is on for this VM list now (see the module doc)."""
        repo = self.repo
        if self._share() <= 0 or not sweepable(entry.query) or entry.cost is None or entry.error is not None:
            return False
        if not entry.subscribed or entry._gone or repo._paused or repo._closed or not entry.has_value:
            return False
        without = self._without(entry)
        if without <= repo.intervals.base(entry.query):
            return False  # the full list is on its fast interval: nothing to save
        return self._every(entry) * FRESHER <= without

    def interval(self, query: Query) -> float | None:
        """Seconds between running sweeps of this VM list; None: none (the shortcut is off)."""
        entry = self.repo.peek(query)
        if entry is None or not self.active(entry):
            return None
        sweep = self._sweeps.get(query)
        wait = self._every(entry)
        if sweep is not None and sweep.failures:
            wait = min(self.repo.intervals.max_backoff, wait * 2 ** min(sweep.failures, 30))
            if sweep.retry_after is not None:
                wait = max(wait, sweep.retry_after)
        if sweep is not None:
            wait = max(wait, sweep.paid_until - self.repo.clock.now())
        return wait

    def full_interval(self, entry: Entry) -> float | None:
        """The full list's interval while the shortcut is on (it keeps to the
        rest of what it cost alone: ``1 - share``); None when it is off."""
        if not self.active(entry):
            return None
        return self._without(entry) / (1.0 - self._share())

    # --- the chain -------------------------------------------------------------

    def plan(self, entry: Entry) -> None:
        """Start this VM list's chain of sweeps if the shortcut is on and none runs."""
        if not self.active(entry):
            return
        sweep = self._sweeps.setdefault(entry.query, Sweep())
        if sweep.task is None or sweep.task.done():
            sweep.task = asyncio.get_running_loop().create_task(self._chain(entry, sweep))

    def stop(self, query: Query) -> None:
        sweep = self._sweeps.get(query)
        if sweep is not None and sweep.task is not None and not sweep.task.done():
            sweep.task.cancel()

    def stop_all(self) -> list[asyncio.Task]:
        tasks = []
        for sweep in self._sweeps.values():
            if sweep.task is not None and not sweep.task.done():
                sweep.task.cancel()
                tasks.append(sweep.task)
        return tasks

    async def _chain(self, entry: Entry, sweep: Sweep) -> None:
        """Fixed delay: each sweep is planned when the last one ended; the
        chain ends when the shortcut goes off (the next full sweep plans it again)."""
        while True:
            wait = self.interval(entry.query)
            if wait is None:
                sweep.cost = None  # off: judged afresh from the running VMs the next full sweep shows
                return
            await self.repo.clock.sleep(wait)
            if not self.active(entry):
                sweep.cost = None
                return
            if entry.loading:
                continue  # a full sweep is on its way: it says everything this one would
            await self._sweep(entry, sweep)

    async def _sweep(self, entry: Entry, sweep: Sweep) -> None:
        repo, query = self.repo, entry.query
        value, full_at = entry.value, entry._finished_at
        meter = Meter()
        current_meter.set(meter)  # this task's own context: only the sweep's traffic counts
        try:
            running = await fetchers.fetch(repo.client, running_query(query), page_size=repo.page_size,
                                           pages=sweep.pages)
            pages = Cost(meter.requests, meter.bytes)
            listed = {vm.vm_id for vm in running}
            missing = [vm_id for vm_id, vm in entry._index.items() if vm.state == "running" and vm_id not in listed]
            fetched: dict[str, Any | None] = {}
            for vm_id in missing[:MAX_GET_VM]:
                fetched[vm_id] = await self._get_vm(vm_id)
                sweep.fetched_one_by_one += 1
        except ArkerError as exc:
            sweep.failures += 1
            sweep.retry_after = getattr(exc, "retry_after", None)
            log.info("running sweep of %s failed: %s", query, exc.code)
            self._hold_full(entry, sweep.retry_after)
            return
        except Exception:  # a malformed answer or a bug: the full sweep still runs
            sweep.failures += 1
            log.exception("running sweep of %s failed", query)
            return
        finally:
            sweep.sent += 1
        sweep.failures, sweep.retry_after = 0, None
        # The pages say how often to come; the VMs fetched one by one are paid
        # for by waiting longer once.
        sweep.cost = pages
        extra = Cost(meter.requests - pages.requests, meter.bytes - pages.bytes)
        whole = Cost(meter.requests, meter.bytes)
        sweep.paid_until = repo.clock.now() + self._pays(entry, whole) if extra.requests else 0.0
        if entry.value is not value or entry._finished_at != full_at or entry.loading or entry._gone:
            return  # the list moved on meanwhile (a full sweep, a mutation): this answer may be older
        items, index, added, changed, removed = merge(entry.value, entry._index, running, fetched)
        if items is not entry.value:
            entry.value, entry._index = items, index
            repo._emit(entry, ChangeEvent(query, items, added, changed, removed))
        if len(missing) > MAX_GET_VM and entry.cost is not None:
            # Too many stopped at once: the full sweep, early. The running
            # sweep pays for it (its next one waits as if it had cost that
            # much too), so the list still sends no more than without it.
            sweep.paid_until = max(sweep.paid_until, repo.clock.now()) + self._pays(entry, entry.cost)
            repo._invalidate(lambda q: q == query)

    def _hold_full(self, entry: Entry, retry_after: float | None) -> None:
        """A server's Retry-After to the sweep holds the full sweep too: nothing
        of this list is sent before it (it wins over every budget)."""
        if retry_after is None or entry.loading or not entry.subscribed:
            return
        now = self.repo.clock.now()
        if entry.next_refresh_at is not None and entry.next_refresh_at < now + retry_after:
            self.repo._schedule(entry, delay=retry_after)

    async def _get_vm(self, vm_id: str) -> Any | None:
        """One VM as it is now; None when it is gone (404)."""
        try:
            return await self.repo.client.get_vm(vm_id)
        except ArkerError as exc:
            if exc.code == "not_found":
                return None
            raise
