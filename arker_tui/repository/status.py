"""Status for the status bar: listeners, and the pending marks of mutations
(a mixin of Repository)."""

from __future__ import annotations

import inspect
import logging
from typing import Callable

log = logging.getLogger("arker_tui.repository")


class Handle:
    """What ``subscribe`` and ``listen`` return: ``close()`` ends it (idempotent)."""

    def __init__(self, close: Callable[[], None]) -> None:
        self._close: Callable[[], None] | None = close

    @property
    def closed(self) -> bool:
        return self._close is None

    def close(self) -> None:
        close, self._close = self._close, None
        if close is not None:
            close()


class Status:
    _listeners: list[Callable[[], None]]
    _pending: dict[tuple[str, str], list[str]]

    def listen(self, callback: Callable[..., None]) -> Handle:
        """``callback()`` (or ``callback(repo)``) after any change of stats,
        state or pending marks, for the status bar."""
        try:
            wants_repo = any(
                p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
                for p in inspect.signature(callback).parameters.values()
            )
        except (TypeError, ValueError):
            wants_repo = False
        listener = (lambda: callback(self)) if wants_repo else callback
        self._listeners.append(listener)
        return Handle(lambda: self._listeners.remove(listener))

    def _notify_status(self) -> None:
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:  # a broken listener must not stop the cache
                log.exception("repository listener failed")

    def is_pending(self, kind: str, item_id: str) -> str | None:
        marks = self._pending.get((kind, item_id))
        return marks[-1] if marks else None

    @property
    def pending(self) -> dict[tuple[str, str], str]:
        return {key: marks[-1] for key, marks in self._pending.items() if marks}

    def _mark(self, kind: str, item_id: str, label: str) -> None:
        self._pending.setdefault((kind, item_id), []).append(label)
        self._notify_status()

    def _unmark(self, kind: str, item_id: str, label: str) -> None:
        marks = self._pending.get((kind, item_id))
        if marks and label in marks:
            marks.remove(label)
            if not marks:
                del self._pending[(kind, item_id)]
        self._notify_status()
