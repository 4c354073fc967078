"""``KeyFooter``: the keys that work where the focus is, on one line.

Textual's ``Footer`` composes one ``FooterKey`` widget per binding and
recomposes them all on every focus move: a dozen widgets mounted, styled and
laid out before the first paint and again on each move, and (in Textual 8.2)
a watcher left behind per removed key. This footer is one widget that draws
the same line: a focus move costs one repaint and leaves nothing behind.

Like ``Footer`` it shows one key per action in the screen's binding order
(the focused widget's first, the app's last), dims disabled ones and runs a
key when it is clicked. When the line is too narrow for every key, the help
key is kept at the right edge so the rest can always be found, and the
``…`` before it opens the help too. In read-only mode the keys of actions
that change something are left out.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen

from ..actions import MUTATING
from .span_bar import SpanBar

HELP_ACTION = "help"
MORE = "…"


class Shown(NamedTuple):
    binding: Binding
    enabled: bool
    start: int = 0  # cells, set when laid out on the line
    end: int = 0


class KeyFooter(SpanBar, can_focus=False):
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._laid_out: list[Shown] = []
        self._more_at: int | None = None  # the cell of the "…", when keys were cut

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.refresh()

    def keys(self) -> list[Shown]:
        """One binding per action, in the screen's order, as ``Footer`` shows them."""
        shown: dict[str, Shown] = {}
        readonly = getattr(self.app, "readonly", False)
        for _, binding, enabled, _ in self.screen.active_bindings.values():
            if readonly and binding.id in MUTATING:
                continue
            if binding.show and binding.action not in shown:
                shown[binding.action] = Shown(binding, enabled)
        return list(shown.values())

    def _label(self, binding: Binding) -> tuple[str, str]:
        return f" {self.app.get_key_display(binding)} ", f"{binding.description} "

    def _fit(self, keys: list[Shown], width: int) -> tuple[list[Shown], bool]:
        """The keys that fit in ``width`` cells, placed; and whether some were cut."""
        sizes = [sum(map(cell_len, self._label(k.binding))) for k in keys]
        pinned = None
        if sum(sizes) <= width:
            order = list(range(len(keys)))
        else:
            pinned = next((i for i, k in enumerate(keys) if k.binding.action == HELP_ACTION), None)
            room = width - len(MORE) - (sizes[pinned] if pinned is not None else 0)
            order = []
            for i, size in enumerate(sizes):
                if i == pinned:
                    continue
                if size > room:
                    break
                order.append(i)
                room -= size
        placed, x = [], 0
        for i in order:
            placed.append(keys[i]._replace(start=x, end=x + sizes[i]))
            x += sizes[i]
        if pinned is not None:  # at the right edge
            placed.append(keys[pinned]._replace(start=width - sizes[pinned], end=width))
        return placed, len(placed) < len(keys)

    def render(self) -> Text:
        self._laid_out, cut = self._fit(self.keys(), self.size.width)
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        line = Text(no_wrap=True, overflow="crop")
        self._more_at = None
        for index, item in enumerate(self._laid_out):
            if cut and item.start > len(line):
                self._more_at = len(line)
                line.append(MORE.ljust(item.start - len(line)))
                cut = False
            key, description = self._label(item.binding)
            start = len(line)
            line.append(key, style=key_style)
            line.append(description, style=description_style)
            if not item.enabled:
                line.stylize("dim", start)
            elif index == self.hovered:
                line.stylize("reverse", start)
        if cut:
            self._more_at = len(line)
            line.append(MORE)
        return line

    def span_at(self, x: int) -> int | None:
        """The index of the key drawn at cell ``x`` (in the last render)."""
        for index, item in enumerate(self._laid_out):
            if item.start <= x < item.end:
                return index
        return None

    async def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self.span_at(event.x)
        if index is None:
            if self._more_at is not None and self._more_at <= event.x < self._more_at + len(MORE) + 1:
                await self.app.run_action("help")  # the cut keys are all in the help
            return
        item = self._laid_out[index]
        if item.enabled:
            self.app.simulate_key(item.binding.key)
        else:
            self.app.bell()
