"""``WatchedRuns``: the runs the user wants to be told about when they end.

A run is watched when its log is opened, or when it is started in the
background from the app. The registry holds its own subscription to each
watched run's query, so the repository polls it on the running-run interval
wherever the user is (another VM, pane or screen), and stops once it ended:
a finished run is never refreshed. Listeners hear when the list changes and
when a watched run ends. It lives with the repository (one per profile's
connection); nothing is written to disk here (see ``watched_store``).
No Textual import.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable, Iterable

from ..api.models import TERMINAL_RUN_STATES
from .events import ChangeEvent
from .query import Query
from .status import Handle

log = logging.getLogger("arker_tui.repository")

ORIGINS = ("opened", "started")  # its log was opened / it was started from the app in the background
MAX_ENDED = 100  # ended runs kept in the list (the oldest ended ones go first)

RunKey = tuple[str, str]  # (vm_id, run_id)


@dataclass(frozen=True)
class WatchedRun:
    """One watched run as last seen (a new object on every change)."""

    vm_id: str
    run_id: str
    vm_name: str | None = None
    command: str | None = None
    state: str | None = None  # None: not fetched yet; "gone": the server no longer knows it
    exit_code: int | None = None
    started_at: str | None = None
    completed_at: str | None = None
    origin: str = "opened"
    seen_running: bool = False  # seen in the running state while watched
    error: str | None = None  # the last poll's error, if it failed

    @property
    def key(self) -> RunKey:
        return (self.vm_id, self.run_id)

    @property
    def ended(self) -> bool:
        return self.state in TERMINAL_RUN_STATES

    @property
    def vm_label(self) -> str:
        return self.vm_name or self.vm_id

    @property
    def failed(self) -> bool:
        """Ended badly: failed, or completed with a non-zero exit code."""
        return self.state == "failed" or (self.state == "completed" and self.exit_code not in (None, 0))


class WatchedRuns:
    """The watched runs of one repository; see the module doc."""

    def __init__(self, repository: Any) -> None:
        self._repo = repository
        self._runs: dict[RunKey, WatchedRun] = {}  # in the order they were watched
        self._subscriptions: dict[RunKey, Handle] = {}
        self._listeners: list[Callable[[], None]] = []
        self._ended_listeners: list[Callable[[WatchedRun], None]] = []

    # --- reading ------------------------------------------------------------------

    def runs(self) -> list[WatchedRun]:
        return list(self._runs.values())

    def get(self, vm_id: str, run_id: str) -> WatchedRun | None:
        return self._runs.get((vm_id, run_id))

    def is_watched(self, vm_id: str, run_id: str) -> bool:
        return (vm_id, run_id) in self._runs

    def __len__(self) -> int:
        return len(self._runs)

    # --- watching -----------------------------------------------------------------

    def watch(self, vm_id: str, run_id: str, *, vm_name: str | None = None, command: str | None = None,
              origin: str = "opened") -> WatchedRun | None:
        """Watch a run (again: its names are updated). ``origin``: "opened"
        (its log was opened: a run already ended when first seen is not
        kept, there is nothing to wait for) or "started" (started from the
        app in the background: its end is announced even if it comes before
        the first poll). The run as watched now; None if it was not kept."""
        if origin not in ORIGINS:
            raise ValueError(f"origin must be one of {ORIGINS}, got {origin!r}")
        key = (vm_id, run_id)
        current = self._runs.get(key)
        if current is not None:
            changes: dict[str, Any] = {"vm_name": vm_name or current.vm_name, "command": command or current.command}
            if origin == "started":
                changes["origin"] = origin
            self._set(replace(current, **changes))
            return self._runs[key]
        self._runs[key] = WatchedRun(vm_id, run_id, vm_name=vm_name or self._vm_name(vm_id), command=command,
                                     origin=origin)
        self._subscribe(key)
        self._changed()
        return self._runs.get(key)

    def unwatch(self, vm_id: str, run_id: str) -> bool:
        """Stop watching (its polling stops unless a view shows it). False if it was not watched."""
        key = (vm_id, run_id)
        if self._runs.pop(key, None) is None:
            return False
        self._drop_subscription(key)
        self._changed()
        return True

    def unwatch_ended(self) -> int:
        """Forget every ended (or gone) run; how many."""
        keys = [key for key, run in self._runs.items() if run.ended or run.state == "gone"]
        for key in keys:
            del self._runs[key]
            self._drop_subscription(key)
        if keys:
            self._changed()
        return len(keys)

    def close(self) -> None:
        """End every subscription (the repository is going away); the list stays readable."""
        for key in list(self._subscriptions):
            self._drop_subscription(key)

    # --- listeners ------------------------------------------------------------------

    def listen(self, callback: Callable[[], None]) -> Handle:
        """``callback()`` whenever a run is watched, unwatched or changes."""
        self._listeners.append(callback)
        return Handle(lambda: _remove(self._listeners, callback))

    def on_ended(self, callback: Callable[[WatchedRun], None]) -> Handle:
        """``callback(run)`` once when a watched run ends (completed, failed or cancelled)."""
        self._ended_listeners.append(callback)
        return Handle(lambda: _remove(self._ended_listeners, callback))

    # --- remembering (within a profile, or on disk if the user asked) ---------------------

    def snapshot(self) -> list[dict[str, Any]]:
        """What to remember of each watched run (plain values, JSON-able)."""
        return [asdict(run) for run in self._runs.values()]

    def restore(self, items: Iterable[dict[str, Any]]) -> int:
        """Watch again what ``snapshot`` gave (unknown fields are ignored); how many."""
        count = 0
        names = set(WatchedRun.__dataclass_fields__)
        for item in items:
            try:
                run = WatchedRun(**{k: v for k, v in dict(item).items() if k in names})
            except (TypeError, ValueError):
                continue
            if not (isinstance(run.vm_id, str) and isinstance(run.run_id, str)) or run.key in self._runs:
                continue
            if run.origin not in ORIGINS:
                run = replace(run, origin="opened")
            self._runs[run.key] = replace(run, error=None)
            if not run.ended and run.state != "gone":
                self._subscribe(run.key)
            count += 1
        if count:
            self._changed()
        return count

    # --- the subscriptions ------------------------------------------------------------------

    def _subscribe(self, key: RunKey) -> None:
        query = Query.run(*key)
        self._subscriptions[key] = self._repo.subscribe(query, lambda event: self._on_event(key, event))
        entry = self._repo.peek(query)
        if entry is not None and entry.value is not None and key in self._subscriptions:
            self._apply(key, entry.value)  # a view already holds it: no need to wait for the next poll

    def _drop_subscription(self, key: RunKey) -> None:
        subscription = self._subscriptions.pop(key, None)
        if subscription is not None:
            subscription.close()

    def _on_event(self, key: RunKey, event: ChangeEvent) -> None:
        run = self._runs.get(key)
        if run is None:
            return
        if event.error is not None:
            if event.error.code == "not_found":
                self._drop_subscription(key)  # deleted with its VM, or never existed: stop polling
                self._set(replace(run, state="gone", error="this run no longer exists"))
            else:
                self._set(replace(run, error=f"{event.error.code}: {event.error.message}"))
            return
        if event.value is not None:
            self._apply(key, event.value)

    def _apply(self, key: RunKey, value: Any) -> None:
        run = self._runs.get(key)
        if run is None:
            return
        updated = replace(run, state=value.state, exit_code=value.exit_code, started_at=value.started_at or None,
                          completed_at=value.completed_at, command=value.command or run.command, error=None,
                          vm_name=run.vm_name or getattr(value, "vm_name", None) or self._vm_name(run.vm_id),
                          seen_running=run.seen_running or value.state == "running")
        if updated == run:
            return
        if updated.ended and not run.ended:
            if not (run.seen_running or run.origin == "started"):
                # Opened after it ended: nothing to wait for, so not watched.
                del self._runs[key]
                self._drop_subscription(key)
                self._changed()
                return
            self._drop_subscription(key)  # it will not change again
            self._set(updated)
            self._trim_ended()
            for callback in list(self._ended_listeners):
                try:
                    callback(updated)
                except Exception:  # one broken listener must not stop the others
                    log.exception("listener of the end of %s failed", key)
            return
        self._set(updated)

    def _set(self, run: WatchedRun) -> None:
        if self._runs.get(run.key) == run:
            return
        self._runs[run.key] = run
        self._changed()

    def _trim_ended(self) -> None:
        ended = [key for key, run in self._runs.items() if run.ended]
        for key in ended[: max(0, len(ended) - MAX_ENDED)]:
            del self._runs[key]

    def _vm_name(self, vm_id: str) -> str | None:
        """The VM's name from the cached VM list (or its own entry), if known."""
        for query in (Query.vm(vm_id), Query.vms()):
            entry = self._repo.peek(query)
            value = entry.value if entry is not None else None
            if value is None:
                continue
            for vm in value if isinstance(value, list) else (value,):
                if getattr(vm, "vm_id", None) == vm_id:
                    return getattr(vm, "name", None)
        return None

    def _changed(self) -> None:
        for callback in list(self._listeners):
            try:
                callback()
            except Exception:
                log.exception("listener of the watched runs failed")


def _remove(items: list, item: Any) -> None:
    try:
        items.remove(item)
    except ValueError:
        pass
