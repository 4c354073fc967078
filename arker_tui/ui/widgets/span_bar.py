"""``SpanBar``: a widget that draws clickable spans itself (the footer's keys,
the tab bar's tabs) and repaints the one under the mouse."""

from __future__ import annotations

from typing import Hashable

from textual import events
from textual.widget import Widget


class SpanBar(Widget):
    ALLOW_SELECT = False

    hovered: Hashable | None = None  # the span under the mouse, as span_at names it

    def span_at(self, x: int) -> Hashable | None:
        """The span drawn at cell ``x`` of a line, or None."""
        raise NotImplementedError

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hovered = self.span_at(event.x)
        if hovered != self.hovered:
            self.hovered = hovered
            self.refresh()

    def on_leave(self) -> None:
        if self.hovered is not None:
            self.hovered = None
            self.refresh()
