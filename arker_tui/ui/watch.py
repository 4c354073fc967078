"""One way for a widget to watch a repository query.

``Watching`` (a mixin of widgets and screens) hands out ``QueryWatch``es:
each follows one query at a time, delivers the repository's change events on
the owner's message queue (so a handler runs like any other message handler,
and never after the owner is gone: its queue is closed then), and ends its
subscription when the owner unmounts. ``status`` says in words what the
watched data is: loading, failing (and when it retries), or unavailable on
this server, the same way in every pane.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, cast

from rich.text import Text
from textual.message_pump import MessagePump

from ..api.errors import ArkerError
from ..repository import ChangeEvent, Entry, Query
from .server_text import plain

if TYPE_CHECKING:
    from .app_base import ArkerAppBase

UNAVAILABLE_CODES = ("unsupported_operation", "not_implemented")


@dataclass(frozen=True)
class WatchStatus:
    """What a watched query's data is, for the empty state and the error line."""

    loaded: bool  # a value arrived at least once
    error: ArkerError | None = None
    retry_in: float | None = None  # seconds until the next attempt, when failing
    paused: bool = False  # live refresh is paused: nothing retries on its own
    notice: str | None = None  # the list is incomplete (a page cut, a page chain stopped): why

    @property
    def unavailable(self) -> bool:
        return self.error is not None and self.error.code in UNAVAILABLE_CODES

    def retry_words(self) -> str:
        if self.paused:
            return "refresh is paused: r retries now, p resumes"
        if self.retry_in is None:
            return "r retries"
        return f"retrying in {max(1, round(self.retry_in))} s, r retries now"

    def empty_text(self, noun: str, empty: str) -> str:
        """The list's empty state: loading, failing, unavailable or truly empty."""
        if self.unavailable:
            return f"{noun.capitalize()}s are not available on this server."
        if self.error is not None and not self.loaded:
            return f"Could not load {noun}s: the reason is below."
        if not self.loaded:
            return f"Loading {noun}s…"
        return empty

    def error_line(self) -> Text | None:
        """The line under the list (None when all is well)."""
        error = self.error
        if error is None:
            return plain(f"list incomplete: {self.notice}", 300, style="yellow") if self.notice else None
        if self.unavailable:
            return plain(f"unavailable on this server: {error.code}: {error.message}", 300)
        tail = "showing the last good data · " if self.loaded else ""
        return plain(f"{error.code}: {error.message} · {tail}{self.retry_words()}", 300)


class QueryWatch:
    """A widget's watch on one query (or none); see the module doc."""

    def __init__(self, owner: MessagePump, on_change: Callable[[ChangeEvent], None]) -> None:
        self.owner = owner
        self.on_change = on_change
        self.query: Query | None = None
        self._subscription: Any = None

    @property
    def repository(self) -> Any:
        return cast("ArkerAppBase", self.owner.app).repository

    @property
    def entry(self) -> Entry | None:
        return self.repository.peek(self.query) if self.query is not None else None

    @property
    def value(self) -> Any:
        entry = self.entry
        return entry.value if entry is not None else None

    def watch(self, query: Query | None) -> bool:
        """Follow ``query`` (None: nothing). False when it was already followed.
        What the cache already holds for it is delivered right after the
        current message, before the next frame."""
        if query == self.query and (query is None or self._subscription is not None):
            return False
        self.stop()
        self.query = query
        if query is None:
            return True
        self._subscription = self.repository.subscribe(query, self._post)
        entry = self.entry
        if entry is not None and entry.value is not None:
            self.owner.call_next(self._deliver, ChangeEvent(query, entry.value))
        return True

    def stop(self) -> None:
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None

    def forget(self) -> None:
        """Stop and forget the query (the pane is off screen)."""
        self.stop()
        self.query = None

    @property
    def status(self) -> WatchStatus:
        entry = self.entry
        if entry is None:
            return WatchStatus(loaded=False)
        paused = bool(self.repository.paused)
        retry_in = None
        if entry.error is not None and entry.next_refresh_at is not None and not paused:
            retry_in = entry.next_refresh_at - self.repository.clock.now()
        return WatchStatus(loaded=entry.has_value, error=entry.error, retry_in=retry_in, paused=paused,
                           notice=entry.notice)

    def _post(self, event: ChangeEvent) -> None:
        # On the owner's queue: handled like a message, dropped once it is closed.
        self.owner.call_later(self._deliver, event)

    def _deliver(self, event: ChangeEvent) -> None:
        if event.query == self.query and self._subscription is not None:
            self.on_change(event)


def data_age_suffix(watch: QueryWatch, room: int | None = None) -> str:
    """" · 34 s old · next in 12 s" for a pane title, when that matters
    (staleness.py); in less than ``room`` cells, only the age, or nothing."""
    from .staleness import notable_staleness

    words = notable_staleness(watch.repository, watch.entry)
    if not words:
        return ""
    # Narrower forms of the same words: "34 s old · next in 12 s" ->
    # "34 s old · next 12 s" -> "34s · next 12s" -> "34 s old".
    age, _, then = words.partition(" · ")
    tight = then.replace("next in ", "next ")
    forms = [words, f"{age} · {tight}" if then else age,
             f"{age.removesuffix(' old').replace(' ', '')} · {tight.replace(' s', 's')}" if then else age, age]
    for form in forms:
        if room is None or len(form) + 3 <= room:
            return f" · {form}"
    return ""


class Watching:
    """Mixin: ``self.watch_query(handler)`` makes a ``QueryWatch`` that stops
    when the widget unmounts."""

    def watch_query(self, on_change: Callable[[ChangeEvent], None], *,
                    deliver_to: MessagePump | None = None) -> QueryWatch:
        """``deliver_to``: the child whose queue runs ``on_change`` (default this
        widget). Textual does not bubble a message through the widget that
        sent it, so a handler that makes a child post messages which must
        bubble past this widget runs on that child's queue."""
        watch = QueryWatch(deliver_to or self, on_change)  # type: ignore[arg-type]
        self.__dict__.setdefault("_query_watches", []).append(watch)
        return watch

    def on_unmount(self) -> None:  # Textual calls this besides any subclass's own on_unmount
        for watch in self.__dict__.get("_query_watches", ()):
            watch.stop()
