"""``Repository``: the cache the UI reads, and the timers that keep it fresh.

One ``Entry`` per ``Query``. A fetch is one asyncio task shared by every
reader (single flight). Only subscribed queries refresh on their own, each in
its own fixed-delay chain: the next fetch is scheduled when the previous one
ended, so fetches of one query never overlap and a slow or failing query
never delays another. Mutations live in ``mutations.py``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from typing import Any, Callable

from ..api.errors import ArkerError
from ..api.metering import Meter, current_meter
from . import fetchers
from .budget import Cost, is_budgeted, list_interval, run_interval
from .clock import Clock, MonotonicClock
from .entry import Entry
from .events import ChangeEvent, diff_in_place, diff_lists, index_items
from .intervals import Intervals
from .mutations import Mutations
from .query import Query
from .runlog import RunLog
from .stats import RepositoryStats
from .status import Handle, Status
from .sweeps import RunningSweeps
from .watched import WatchedRuns

log = logging.getLogger("arker_tui.repository")

# Big pages keep a 10,000-VM list to 20 requests per refresh (the emulator
# clamps a larger limit to its maximum). None: the server's default page size.
DEFAULT_PAGE_SIZE = 500


class Subscription(Handle):
    def __init__(self, repo: "Repository", query: Query, callback: Callable[[ChangeEvent], None]) -> None:
        super().__init__(lambda: repo._unsubscribe(query, callback))
        self.query = query
        self.callback = callback


def _consume(task: asyncio.Task) -> None:
    # Fetch errors are recorded on the entry; retrieve them so asyncio does
    # not warn about a failed task nobody awaited.
    if not task.cancelled():
        task.exception()


def _is_gone_error(entry: Entry) -> bool:
    """A 404 of one VM's data: that VM (or its run, session...) is gone."""
    error = entry.error
    return error is not None and error.code == "not_found" and entry.query.vm_id is not None


class Repository(Mutations, Status):
    def __init__(
        self,
        client: Any,
        clock: Clock | None = None,
        intervals: Intervals | None = None,
        *,
        page_size: int | None = DEFAULT_PAGE_SIZE,
    ) -> None:
        self.client = client
        self.clock: Clock = clock or MonotonicClock()
        self.intervals = intervals or Intervals()
        self.stats = RepositoryStats()
        self.page_size = page_size  # None: the server's default page size
        self._entries: dict[Query, Entry] = {}
        self._pending: dict[tuple[str, str], list[str]] = {}
        self._listeners: list[Callable[[], None]] = []
        self._failing: set[Query] = set()
        self._paused = False
        self._closed = False
        self.watched = WatchedRuns(self)  # runs the user is told about when they end
        self.sweeps = RunningSweeps(self)  # the running part of a slow VM list, between full sweeps

    # --- lifecycle ----------------------------------------------------------

    async def start(self) -> None:
        """Nothing to start eagerly: chains begin with the first subscription."""
        self._closed = False

    async def aclose(self) -> None:
        """Stop every timer and fetch. The client is the caller's to close."""
        self._closed = True
        self.watched.close()
        tasks = self.sweeps.stop_all()
        for entry in self._entries.values():
            for task in (entry._timer, entry._task):
                if task is not None and not task.done():
                    task.cancel()
                    tasks.append(task)
            entry._timer = None
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    # --- reading ------------------------------------------------------------

    def peek(self, query: Query) -> Entry | None:
        return self._entries.get(query)

    def describe_host(self, vm: Any) -> tuple[str, str] | None:
        """(URL, note) of the host serving ``vm``'s calls, for its details;
        None when the client has no host resolver (a test double)."""
        hosts = getattr(self.client, "hosts", None)
        return hosts.describe_host(vm) if hosts is not None else None

    async def get(self, query: Query, max_age: float | None = None) -> Any:
        """The value of ``query``: from the cache when fresh (``max_age``
        seconds, default the kind's refresh interval; a finished run never
        ages), else fetched, joining a fetch already in flight."""
        entry = self._entry(query)
        if entry.loading:
            self.stats.saved_by_single_flight += 1
            return await asyncio.shield(self._start_fetch(entry))  # the fetch in flight
        if self._fresh(entry, max_age):
            self.stats.saved_by_cache += 1
            return entry.value
        return await asyncio.shield(self._start_fetch(entry))

    async def refresh(self, query: Query) -> Any:
        """Fetch now (joining a fetch in flight). Raises ArkerError on failure."""
        entry = self._entry(query)
        if entry.loading:
            self.stats.saved_by_single_flight += 1
            return await asyncio.shield(self._start_fetch(entry))  # the fetch in flight
        return await asyncio.shield(self._start_fetch(entry))

    def refresh_subscribed(self) -> dict[Query, float]:
        """The "r" key: every subscribed query fetched now (also while paused,
        since the user asked); fetches already in flight are not doubled.
        Two things still win over the user: a server's Retry-After, and a
        list's per-minute request cap (that list is fetched as soon as the cap
        allows instead). Returns those held back: query -> seconds to wait."""
        held: dict[Query, float] = {}
        for entry in list(self._entries.values()):
            if entry.subscribed and not entry._gone and not entry.loading:
                wait = self._wait_to_send(entry)
                if wait > 0:
                    held[entry.query] = wait
                    if entry.next_refresh_at is None or entry.next_refresh_at > self.clock.now() + wait:
                        self._schedule(entry, delay=wait)
                else:
                    self._start_fetch(entry)
        return held

    def interval(self, query: Query) -> float | None:
        """Seconds between this query's refreshes now (stretched by its
        budget, or its backoff while failing); None: not refreshed on its own."""
        entry = self._entries.get(query)
        return self._delay(entry) if entry is not None else None

    def _wait_to_send(self, entry: Entry) -> float:
        """Seconds before a fetch asked for now may be sent: a Retry-After
        still running, or a list's request cap for the minute; 0: now."""
        now = self.clock.now()
        retry_after = getattr(entry.error, "retry_after", None)
        if retry_after is not None and entry._finished_at is not None:
            wait = entry._finished_at + retry_after - now
            if wait > 0:
                return wait
        if is_budgeted(entry.query):
            return entry._usage.wait_for_cap(now, self.intervals.budgets.list_requests_per_min)
        return 0.0

    def prefetch(self, query: Query) -> None:
        """Start fetching ``query`` now, unless it is fresh, in flight, backing
        off or (while paused) already loaded; errors land on its entry. The app
        calls it before its screen is built, so the first paint can already
        show the data (a later ``subscribe`` joins the fetch)."""
        entry = self._entry(query)
        if entry.loading or entry._gone or self._backing_off(entry) or self._fresh(entry, None):
            return
        if self._paused and entry.has_value:
            return
        self._start_fetch(entry)

    def subscribe(self, query: Query, callback: Callable[[ChangeEvent], None]) -> Subscription:
        """Call ``callback(event)`` on every change of ``query`` from now on
        (read the current value with ``peek``). Fetches at once if the entry is
        missing or stale; while paused, only an entry never loaded is fetched."""
        entry = self._entry(query)
        entry._subscribers.append(callback)
        if entry.error is not None and not _is_gone_error(entry):
            self._failing.add(query)
        if not entry.loading and not entry._gone:
            if self._backing_off(entry):
                self._schedule(entry, from_last=True)  # a new view must not bypass a Retry-After
            elif not self._fresh(entry, None) and not (self._paused and entry.has_value):
                self._start_fetch(entry)
            elif entry._timer is None:
                self._schedule(entry, from_last=True)
        self.sweeps.plan(entry)
        self._notify_status()
        return Subscription(self, query, callback)

    def unsubscribe(self, subscription: Subscription) -> None:
        subscription.close()

    def _unsubscribe(self, query: Query, callback: Callable[[ChangeEvent], None]) -> None:
        entry = self._entries.get(query)
        if entry is None:
            return
        try:
            entry._subscribers.remove(callback)
        except ValueError:
            return
        if not entry._subscribers:
            # Unwatched: no more interval fetches; it goes stale and is
            # fetched again when someone asks.
            self._cancel_timer(entry)
            self.sweeps.stop(query)
            self._failing.discard(query)
            self._notify_status()

    # --- pause and state ---------------------------------------------

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        if self._paused:
            return
        self._paused = True
        for entry in self._entries.values():
            self._cancel_timer(entry)
        self.sweeps.stop_all()
        self._notify_status()

    def resume(self) -> None:
        if not self._paused:
            return
        self._paused = False
        for entry in list(self._entries.values()):
            if not entry.subscribed or entry.loading or entry._gone:
                continue
            if (entry.stale or not entry.has_value) and not self._backing_off(entry):
                # invalidated (or never loaded) while paused
                self._start_fetch(entry)
            else:
                self._schedule(entry, from_last=True)
            self.sweeps.plan(entry)
        self._notify_status()

    @property
    def state(self) -> str:
        if self._paused:
            return "paused"
        if self._failing:
            return "error"
        return "live"

    # --- entries and freshness --------------------------------------------------

    def _entry(self, query: Query) -> Entry:
        entry = self._entries.get(query)
        if entry is None:
            entry = self._entries[query] = Entry(query)
            if query.kind == "run":
                entry._runlog = RunLog()
        return entry

    def _fresh(self, entry: Entry, max_age: float | None) -> bool:
        if not entry.has_value or entry.stale:
            return False
        if max_age is None:
            if entry.finished_run:
                return True
            max_age = self._interval(entry)
        return entry.fetched_at is not None and self.clock.now() - entry.fetched_at <= max_age

    def _backing_off(self, entry: Entry) -> bool:
        delay = self._delay(entry)
        if entry.error is None or entry._finished_at is None or delay is None:
            return False
        return self.clock.now() < entry._finished_at + delay

    def _delay(self, entry: Entry) -> float | None:
        """Seconds from the end of the last fetch to the next; None: never."""
        if entry.error is not None and entry._failures:
            return self.intervals.backoff(entry.query, entry._failures, entry.error)
        if entry.finished_run:
            return None
        return self._interval(entry)

    def _interval(self, entry: Entry) -> float:
        """The interval when all is well: the kind's base, stretched by the
        query's budget after a costly refresh (budget.py)."""
        query, budgets = entry.query, self.intervals.budgets
        if query.kind == "run":
            return run_interval(entry._run_interval or self.intervals.running_run, entry.cost, budgets)
        base = self.intervals.base(query)
        if not is_budgeted(query):
            return base
        if query.kind == "vms":  # a running sweep (sweeps.py) takes a share of what the list costs
            shared = self.sweeps.full_interval(entry)
            if shared is not None:
                return shared
        return list_interval(base, entry.cost, budgets)

    # --- the fetch chain --------------------------------------------------------

    def _start_fetch(self, entry: Entry) -> asyncio.Task:
        if entry.loading and entry._task is not None:
            return entry._task
        self._cancel_timer(entry)
        entry._task = task = asyncio.get_running_loop().create_task(self._fetch(entry))
        task.add_done_callback(_consume)
        self.stats.requests += 1
        self.stats.in_flight += 1
        self._notify_status()
        return task

    async def _fetch(self, entry: Entry) -> Any:
        started = time.perf_counter()
        error: ArkerError | None = None
        meter = Meter()
        current_meter.set(meter)  # this task's own context: only this fetch's traffic counts
        try:
            first_page = None
            if entry.query.is_list and entry.value is None and not entry.has_value:
                first_page = lambda items: self._apply_first_page(entry, items)  # noqa: E731
            raw = await fetchers.fetch(self.client, entry.query, page_size=self.page_size, pages=entry._pages,
                                       first_page=first_page)
        except ArkerError as exc:
            error = exc
        except Exception as exc:  # a malformed answer or a bug: keep the chain alive
            log.exception("fetch of %s failed", entry.query)
            error = ArkerError("internal", f"{type(exc).__name__}: {exc}")
        finally:
            self.stats.in_flight -= 1
            self.stats.last_latency = time.perf_counter() - started
        entry._finished_at = self.clock.now()
        entry._usage.record(entry._finished_at, Cost(meter.requests, meter.bytes))
        if error is not None:
            self._record_error(entry, error)
        else:
            self._record_success(entry, raw)
        entry._task = None
        if entry._again and not self._closed and not entry._gone:
            entry._again = False
            self._start_fetch(entry)
        else:
            self._schedule(entry)
        if entry.query.kind == "vms":
            self.sweeps.plan(entry)
        self._notify_status()
        if error is not None:
            raise error
        return entry.value

    def _schedule(self, entry: Entry, *, from_last: bool = False, delay: float | None = None) -> None:
        """Plan the next interval fetch of a subscribed entry (a new link of
        its chain). ``from_last``: count the delay from the last fetch's end.
        ``delay``: this many seconds from now instead (also while paused: the
        user asked for it)."""
        self._cancel_timer(entry)
        if self._closed or entry._gone or not entry.subscribed or entry.loading:
            return
        if delay is None:
            if self._paused:
                return
            delay = self._delay(entry)
        if delay is None:
            return
        now = self.clock.now()
        if from_last and entry._finished_at is not None:
            delay = max(0.0, entry._finished_at + delay - now)
        entry.next_refresh_at = now + delay
        entry._timer = asyncio.get_running_loop().create_task(self._tick(entry, delay))

    async def _tick(self, entry: Entry, delay: float) -> None:
        await self.clock.sleep(delay)
        entry._timer = None  # so _start_fetch does not cancel this task
        # While paused, the only timers left are the ones "r" set (pause cancels the others).
        if not (self._closed or entry._gone) and entry.subscribed:
            wait = self._wait_to_send(entry)  # an `r` may have used the minute's requests
            if wait > 0:
                self._schedule(entry, delay=wait)
            else:
                self._start_fetch(entry)

    def _cancel_timer(self, entry: Entry) -> None:
        timer, entry._timer = entry._timer, None
        entry.next_refresh_at = None
        if timer is not None and not timer.done() and timer is not asyncio.current_task():
            timer.cancel()

    # --- applying results ---------------------------------------------------------

    def _record_error(self, entry: Entry, error: ArkerError) -> None:
        # Kept until the next success, so kept detached: a raised error's
        # traceback holds the failed fetch's frames and their locals (a page's
        # body, a run's output of megabytes) for as long.
        error = error.detached()
        entry.error = error
        entry._failures += 1
        self.stats.errors += 1
        # A 404 of one VM's data means that VM (or run...) is gone, not that
        # the connection is in trouble: the view says so, the status stays.
        gone = _is_gone_error(entry)
        if not gone:
            self.stats.last_error = error
        if entry.subscribed and not gone:
            self._failing.add(entry.query)
        self._emit(entry, ChangeEvent(entry.query, entry.value, error=error))

    def _record_success(self, entry: Entry, raw: Any) -> None:
        recovered = entry.error is not None
        entry.error = None
        entry._failures = 0
        entry.stale = False
        self._failing.discard(entry.query)
        now = self.clock.now()
        first = not entry.has_value
        entry.fetched_at = self.stats.last_success_at = now
        if entry.query.kind == "run":
            event = self._apply_run(entry, raw, recovered, first)
        else:
            event = self._apply(entry, raw, recovered=recovered, first=first)
            if entry.query.is_list:
                event = self._note(entry, event)
            elif entry.query.kind == "vm" and event is not None and event.changed:
                self._spread_vm(entry.value)
        if event is not None:
            self._emit(entry, event)

    @staticmethod
    def _note(entry: Entry, event: ChangeEvent | None) -> ChangeEvent | None:
        """Carry the page cache's notice into the entry and the event (an
        event of its own when only the notice changed)."""
        notice = entry._pages.notice
        changed = notice != entry.notice
        entry.notice = notice
        if event is None:
            return ChangeEvent(entry.query, entry.value, notice=notice, notice_changed=True) if changed else None
        if notice is None and not changed:
            return event
        return dataclasses.replace(event, notice=notice, notice_changed=changed)

    def _apply(self, entry: Entry, value: Any, *, recovered: bool = False, first: bool = False) -> ChangeEvent | None:
        """Store a new list or VM value; the event naming what changed, or
        None when nothing did (the old value object is then kept)."""
        query = entry.query
        if query.is_list:
            if value is entry.value and entry._index and not (recovered or first):
                return None  # the fetcher handed back the same list: no page changed
            in_place = entry._pages.in_place
            if in_place is not None and in_place[0] is entry.value and entry._index and not (recovered or first):
                diff = diff_in_place(entry._index, in_place[1], query.key_of)  # only decoded items can differ
            else:
                diff = diff_lists(entry._index, value, query.key_of)
            if diff.empty and not (recovered or first):
                return None
            entry.value, entry._index = value, diff.index
            return ChangeEvent(query, value, diff.added, diff.changed, diff.removed,
                               reordered=diff.reordered, recovered=recovered)
        old = entry.value
        if old is not None and old == value:
            return ChangeEvent(query, old, recovered=True) if recovered else None
        entry.value = value
        entry._index = index_items([value], query.item_key)
        key = query.item_key(value)
        if old is None:
            return ChangeEvent(query, value, added={key: value}, recovered=recovered)
        return ChangeEvent(query, value, changed={key: value}, recovered=recovered)

    def _spread_vm(self, vm: Any) -> None:
        """A VM fetched on its own (the selected one, on its fast interval)
        replaces its row in the VM lists at once: a change to it shows within
        its interval even while a big list refreshes slowly."""
        for entry in self._entries.values():
            if entry.query.kind != "vms" or entry._gone or not entry.has_value:
                continue
            old = entry._index.get(vm.vm_id)
            if old is None or old == vm:
                continue
            items = list(entry.value)
            # By identity: list.index would call the models' __eq__ on every row before it.
            items[next(i for i, item in enumerate(items) if item is old)] = vm
            entry._index[vm.vm_id] = vm  # the entry's own: updated in place, not copied
            entry.value = items
            self._emit(entry, ChangeEvent(entry.query, items, changed={vm.vm_id: vm}))

    def _apply_first_page(self, entry: Entry, items: list[Any]) -> None:
        """A list's very first fetch has its first page and more pages follow:
        subscribers get the first page now (added = its items) so it can be
        painted at once; the rest comes as a second event (added = the others)
        when the fetch completes. The entry still counts as never loaded
        (``has_value`` is False) until then: ``get`` and ``refresh`` join the
        fetch and return the whole list."""
        if entry.value is not None or self._closed:
            return
        diff = diff_lists({}, items, entry.query.key_of)
        entry.value, entry._index = items, diff.index
        self._emit(entry, ChangeEvent(entry.query, items, diff.added))

    def _apply_run(self, entry: Entry, raw: Any, recovered: bool, first: bool) -> ChangeEvent | None:
        old = entry.value
        runlog = entry._runlog
        assert runlog is not None  # a run's entry is made with its RunLog
        run, delta = runlog.update(raw)
        # Large output that did not move: poll less often (up to the cap).
        if not delta.output_changed and runlog.size > self.intervals.large_output:
            base = entry._run_interval or self.intervals.running_run
            entry._run_interval = min(self.intervals.max_run_interval, base * 2)
        else:
            entry._run_interval = None
        if old is not None and old == run:
            return ChangeEvent(entry.query, old, recovered=True) if recovered else None
        entry.value = run
        state_changed = old is not None and old.state != run.state
        event = ChangeEvent(
            entry.query, run,
            added={run.run_id: run} if old is None else {},
            changed={} if old is None else {run.run_id: run},
            recovered=recovered,
            stdout_appended=delta.stdout_appended,
            stderr_appended=delta.stderr_appended,
            output_replaced=delta.output_replaced,
            state_changed=state_changed,
        )
        if state_changed and run.is_terminal and not old.is_terminal:
            self._run_finished(entry)
        return event

    def _run_finished(self, entry: Entry) -> None:
        """A run ended: its polling stops (``_delay`` says never) and the
        lists that show it are refreshed once."""
        vm_id = entry.query.vm_id
        self._invalidate(lambda q: q.kind == "vms" or (q.vm_id == vm_id and q.kind in ("runs", "vm")))

    def _invalidate(self, predicate: Callable[[Query], bool]) -> None:
        """Mark matching entries stale; subscribed ones are fetched now (or
        once more right after the fetch in flight, which may predate the change)."""
        for entry in list(self._entries.values()):
            if entry._gone or not predicate(entry.query):
                continue
            entry.stale = True
            if entry.subscribed:
                if entry.loading:
                    entry._again = True
                    continue
                wait = self._wait_to_send(entry)
                if wait > 0:  # a Retry-After or a list's request cap: as soon as it allows
                    if entry.next_refresh_at is None or entry.next_refresh_at > self.clock.now() + wait:
                        self._schedule(entry, delay=wait)
                else:
                    self._start_fetch(entry)

    def _emit(self, entry: Entry, event: ChangeEvent) -> None:
        for callback in list(entry._subscribers):
            try:
                callback(event)
            except Exception:  # one broken view must not stop the others
                log.exception("subscriber of %s failed", entry.query)
