"""Border titles assigned only when they change.

Textual repaints a widget, and everything inside it, on every assignment of
its border title or subtitle, equal or not; reading one back gives markup,
not the ``Text`` that was set, so the two cannot be compared either. A pane
title worked out again on every change event and every tick would repaint
a whole pane (the VM tree with it) each time: titles go through here.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from rich.text import Text
from textual.widget import Widget

_shown: WeakKeyDictionary[Widget, tuple[Text | str | None, Text | str | None]] = WeakKeyDictionary()


def set_border_title(widget: Widget, title: Text | str | None) -> None:
    shown = _shown.get(widget)
    if shown is None or shown[0] != title:
        widget.border_title = title
        _shown[widget] = (title, shown[1] if shown is not None else widget.border_subtitle)


def set_border_subtitle(widget: Widget, subtitle: Text | str | None) -> None:
    shown = _shown.get(widget)
    if shown is None or shown[1] != subtitle:
        widget.border_subtitle = subtitle
        _shown[widget] = (shown[0] if shown is not None else widget.border_title, subtitle)
