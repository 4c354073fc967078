"""``TabBar``: one line of tab labels, the active one highlighted, drawn by
one widget, and ``TabPage``, the container of one tab's contents.

Textual's ``TabbedContent`` builds seventeen widgets for five tabs (tabs,
their scroll containers, an underline, a switcher, a pane per tab) and every
one is styled and laid out before the first paint. This bar draws the labels
itself and is clicked like Textual's ``Tabs``, but it takes no focus (tabs
are switched with 2-6, as the help says). The pane under it is framed, and
the frame's title says what the active tab shows.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.containers import Vertical
from textual.message import Message

from .span_bar import SpanBar


class TabPage(Vertical):
    """One tab's contents (its id is the tab's)."""

    DEFAULT_CSS = "TabPage { height: 1fr; }"


class TabBar(SpanBar, can_focus=False):
    COMPONENT_CLASSES = {"tab-bar--tab", "tab-bar--active", "tab-bar--hover"}
    DEFAULT_CSS = """
    TabBar {
        height: 1;
        & > .tab-bar--tab { color: $foreground 60%; }
        & > .tab-bar--hover { color: $foreground; }
        & > .tab-bar--active { color: $block-cursor-foreground; background: $block-cursor-background;
                               text-style: bold; }
    }
    """

    class Clicked(Message):
        """A tab was clicked."""

        def __init__(self, tab_id: str) -> None:
            super().__init__()
            self.tab_id = tab_id

    def __init__(self, labels: dict[str, str], *, active: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self._labels = dict(labels)  # tab id -> label, in order
        self._active = active

    @property
    def active(self) -> str:
        return self._active

    def activate(self, tab_id: str) -> None:
        if tab_id not in self._labels:
            raise KeyError(tab_id)
        if tab_id != self._active:
            self._active = tab_id
            self.refresh()

    def label(self, tab_id: str) -> str:
        return self._labels[tab_id]

    def set_label(self, tab_id: str, label: str) -> None:
        if self._labels[tab_id] != label:
            self._labels[tab_id] = label
            self.refresh()

    def spans(self) -> list[tuple[str, int, int]]:
        """(tab id, first cell, cell after the last) of each tab, padding included."""
        out, x = [], 0
        for tab_id, label in self._labels.items():
            width = cell_len(label) + 2
            out.append((tab_id, x, x + width))
            x += width
        return out

    def render(self) -> Text:
        styles = {name: self.get_component_rich_style(f"tab-bar--{name}") for name in ("tab", "active", "hover")}
        labels = Text(no_wrap=True, overflow="ellipsis")
        for tab_id, _, _ in self.spans():
            look = "active" if tab_id == self._active else "hover" if tab_id == self.hovered else "tab"
            labels.append(f" {self._labels[tab_id]} ", style=styles[look])
        return labels

    def span_at(self, x: int) -> str | None:
        """The id of the tab drawn at cell ``x``."""
        return next((tab_id for tab_id, start, end in self.spans() if start <= x < end), None)

    def on_click(self, event: events.Click) -> None:
        tab_id = self.span_at(event.x)
        if tab_id is not None:
            self.post_message(self.Clicked(tab_id))
