"""``DataList``: a keyed, virtual table for lists that can hold a whole org.

Built on Textual's line API: only the visible rows are rendered, and each
rendered row is cached by key until that row's item changes, so a refresh
that touches 1% of 10,000 rows re-renders 1% of the rows. Rows live in a
keyed model; sorting and filtering work on that model, never on widgets.
The cursor follows its row's key through updates, sorts and filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, Hashable, Iterable, Mapping, Sequence, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..actions import bindings

Item = TypeVar("Item")
Cell = str | Text


@dataclass(frozen=True)
class Column:
    label: str
    width: int = 0  # fixed width; 0 means flexible (shares the remaining space)
    min_width: int = 6
    justify: str = "left"
    ratio: int = 1  # share of the spare width among flexible columns
    hide_below: int = 0  # hide the column when the list is narrower than this


def fit(cell: Cell, width: int, justify: str = "left", style: Style | None = None) -> list[Segment]:
    """A cell as segments exactly ``width`` cells wide (ellipsis when cut)."""
    if width <= 0:
        return []
    if isinstance(cell, Text):
        text = cell.copy()
        text.truncate(width, overflow="ellipsis")
        pad = width - text.cell_len
        if justify == "right":
            text.pad_left(pad)
        else:
            text.pad_right(pad)
        segments = _text_segments(text)
        return [Segment(s.text, (style + s.style) if style and s.style else (s.style or style)) for s in segments]
    plain = cell
    if cell_len(plain) > width:
        plain = set_cell_size(plain, max(0, width - 1)) + "…"
    elif justify == "right":
        plain = " " * (width - cell_len(plain)) + plain
    else:
        plain = set_cell_size(plain, width)
    return [Segment(plain, style)]


def _text_segments(text: Text) -> list[Segment]:
    """Segments of a single-line Text without needing a Console.

    Each character's style is the base style plus every span over it, in
    span order; the spans' ends cut the text into runs that share one style,
    so the cost is per span, not per character.
    """
    plain = text.plain
    base = text.style if isinstance(text.style, Style) else Style.parse(text.style) if text.style else Style()
    if not text.spans:
        return [Segment(plain, base or None)]
    size = len(plain)
    spans = [(max(0, span.start), min(size, span.end),
              span.style if isinstance(span.style, Style) else Style.parse(span.style)) for span in text.spans]
    cuts = sorted({0, size, *(s for s, _, _ in spans if s < size), *(e for _, e, _ in spans if e > 0)})
    segments: list[Segment] = []
    run_start, run_style = 0, None
    for start, end in zip(cuts, cuts[1:], strict=False):
        style = base
        for span_start, span_end, span_style in spans:
            if span_start <= start and end <= span_end:
                style = style + span_style
        if run_style is None:
            run_style = style
        elif style != run_style:
            segments.append(Segment(plain[run_start:start], run_style or None))
            run_start, run_style = start, style
    if size:
        segments.append(Segment(plain[run_start:], run_style or None))
    return segments


class DataList(ScrollView, Generic[Item], can_focus=True):
    """A virtual, keyed list with a header row, a cursor and a filter."""

    BINDINGS = bindings("list")

    COMPONENT_CLASSES = {
        "data-list--header",
        "data-list--cursor",
        "data-list--cursor-blurred",
        "data-list--empty",
        "data-list--dim",
    }

    DEFAULT_CSS = """
    DataList {
        height: 1fr;
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    DataList > .data-list--header { text-style: bold; color: $text-muted; background: $panel; }
    DataList > .data-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    DataList > .data-list--cursor-blurred { background: $block-cursor-blurred-background; }
    DataList > .data-list--empty { color: $text-muted; text-style: italic; }
    DataList > .data-list--dim { color: $text-disabled; }
    """

    class Highlighted(Message):
        """The cursor moved to another row (or the row under it changed)."""

        def __init__(self, data_list: "DataList", key: Hashable | None) -> None:
            super().__init__()
            self.data_list = data_list
            self.key = key

        @property
        def control(self) -> "DataList":
            return self.data_list

    class Selected(Highlighted):
        """Enter was pressed on a row."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key_of: Callable[[Item], Hashable],
        render_row: Callable[[Item], Sequence[Cell]],
        sort_key: Callable[[Item], Any] | None = None,
        reverse: bool = False,
        filter_text_of: Callable[[Item], str] | None = None,
        empty_text: str = "Nothing here.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self.key_of = key_of
        self.render_row = render_row
        self.sort_key = sort_key
        self.reverse = reverse
        self.filter_text_of = filter_text_of
        self.empty_text = empty_text
        self.filter_empty_text = "Nothing matches the filter (esc clears)."
        self._items: dict[Hashable, Item] = {}
        self._order: list[Hashable] = []  # visible keys, sorted and filtered
        self._index: dict[Hashable, int] = {}
        self._filter = ""
        self._cursor = 0
        self._cursor_key: Hashable | None = None
        self._strip_cache: dict[Hashable, Strip] = {}
        self._widths: list[int] = []
        self._cache_width = -1

    # --- model ----------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def total_count(self) -> int:
        return len(self._items)

    @property
    def filter(self) -> str:
        return self._filter

    @property
    def cursor_key(self) -> Hashable | None:
        return self._order[self._cursor] if self._order else None

    @property
    def cursor_item(self) -> Item | None:
        key = self.cursor_key
        return None if key is None else self._items.get(key)

    def get(self, key: Hashable) -> Item | None:
        return self._items.get(key)

    def items(self) -> list[Item]:
        """Visible items in display order."""
        return [self._items[key] for key in self._order]

    def set_items(self, items: Iterable[Item]) -> None:
        """Replace the model, keeping render caches of rows that did not change."""
        new = {self.key_of(item): item for item in items}
        old = self._items
        cache = self._strip_cache
        for key, item in new.items():
            previous = old.get(key)
            if previous is not item and previous != item:
                cache.pop(key, None)
        for key in old.keys() - new.keys():
            cache.pop(key, None)
        self._items = new
        self._rebuild_order()

    def apply_changes(
        self,
        added: Mapping[Any, Item] | None = None,
        changed: Mapping[Any, Item] | None = None,
        removed: Iterable[Hashable] = (),
    ) -> None:
        """Apply a keyed diff; only the named rows are re-rendered."""
        reorder = False
        for key in removed:
            if self._items.pop(key, None) is not None:
                self._strip_cache.pop(key, None)
                reorder = True
        for key, item in (added or {}).items():
            self._items[key] = item
            self._strip_cache.pop(key, None)
            reorder = True
        for key, item in (changed or {}).items():
            if key in self._items:
                previous = self._items[key]
                self._items[key] = item
                self._strip_cache.pop(key, None)
                if self.sort_key and self.sort_key(previous) != self.sort_key(item):
                    reorder = True
        if reorder:
            self._rebuild_order()
        else:
            self.refresh()

    def refresh_rows(self, keys: Iterable[Hashable] | None = None) -> None:
        """Re-render some rows (or all) whose look depends on outside state."""
        if keys is None:
            self._strip_cache.clear()
        else:
            for key in keys:
                self._strip_cache.pop(key, None)
        self.refresh()

    def set_filter(self, text: str) -> None:
        self._filter = text.strip().lower()
        self._rebuild_order()

    def _matches(self, item: Item) -> bool:
        if not self._filter:
            return True
        text = self.filter_text_of(item) if self.filter_text_of else " ".join(
            c.plain if isinstance(c, Text) else str(c) for c in self.render_row(item)
        )
        return self._filter in text.lower()

    def _compute_order(self) -> list[Hashable]:
        """The visible keys in display order: filtered, then sorted.

        A hook: a subclass (e.g. a tree with group rows) may override it to
        lay out its rows itself; every key returned must be in ``_items``.
        """
        keys = [key for key, item in self._items.items() if self._matches(item)]
        if self.sort_key is not None:
            sort_key, items = self.sort_key, self._items
            keys.sort(key=lambda k: sort_key(items[k]), reverse=self.reverse)
        return keys

    def _cursor_fallback(self, key: Hashable) -> Hashable | None:
        """Where the cursor goes when the row of ``key`` is no longer visible.

        A hook: None (the default) keeps the cursor at the same index.
        """
        return None

    def _rebuild_order(self) -> None:
        keep = self.cursor_key if self._order else self._cursor_key
        keys = self._compute_order()
        self._order = keys
        self._index = {key: i for i, key in enumerate(keys)}
        if keep is not None and keep not in self._index:
            fallback = self._cursor_fallback(keep)
            if fallback is not None and fallback in self._index:
                keep = fallback
        if keep is not None and keep in self._index:
            self._cursor = self._index[keep]
        else:
            self._cursor = min(self._cursor, max(0, len(keys) - 1))
        self.virtual_size = Size(self.size.width, len(keys) + 1)
        self._announce_cursor()
        self.refresh()

    # --- cursor ---------------------------------------------------------------

    def move_cursor_to_key(self, key: Hashable) -> bool:
        if key not in self._index:
            return False
        self._set_cursor(self._index[key])
        return True

    def _set_cursor(self, index: int) -> None:
        if not self._order:
            return
        index = max(0, min(index, len(self._order) - 1))
        self._cursor = index
        self._scroll_cursor_into_view()
        self._announce_cursor()
        self.refresh()

    def _announce_cursor(self) -> None:
        key = self.cursor_key
        if key != self._cursor_key:
            self._cursor_key = key
            self.post_message(self.Highlighted(self, key))

    def _scroll_cursor_into_view(self) -> None:
        if self.size.height <= 1:
            return  # not laid out yet: no rows to scroll among
        row_y = self._cursor + 1
        top = self.scroll_offset.y
        body = max(1, self.size.height - 1)
        if row_y - 1 < top:
            self.scroll_to(y=row_y - 1, animate=False, immediate=True)
        elif row_y >= top + body + 1:
            self.scroll_to(y=row_y - body, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self._set_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._set_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self._set_cursor(self._cursor - max(1, self.size.height - 2))

    def action_page_down(self) -> None:
        self._set_cursor(self._cursor + max(1, self.size.height - 2))

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(len(self._order) - 1)

    def action_select(self) -> None:
        if self._order:
            self.post_message(self.Selected(self, self.cursor_key))

    async def _on_click(self, event: events.Click) -> None:
        row = event.y + self.scroll_offset.y - 1
        if event.y >= 1 and 0 <= row < len(self._order):
            self._set_cursor(row)
            if event.chain >= 2:
                self.action_select()

    # --- rendering --------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._order) + 1)

    def shown_columns(self) -> list[str]:
        """The labels of the columns on screen at the list's current width."""
        widths = self._column_widths(self.size.width or self.app.size.width)
        return [c.label for c, w in zip(self.columns, widths, strict=False) if w]

    def _column_widths(self, width: int) -> list[int]:
        """Widths per column (0 = hidden at this width); cached per width."""
        if width == self._cache_width:
            return self._widths
        shown = [width >= c.hide_below for c in self.columns]
        gaps = sum(shown) + 1  # one space before each column, one at the end
        fixed = sum(c.width for c, on in zip(self.columns, shown, strict=True) if on and c.width)
        flex = [i for i, (c, on) in enumerate(zip(self.columns, shown, strict=True)) if on and not c.width]
        spare = max(0, width - gaps - fixed)
        total_ratio = sum(self.columns[i].ratio for i in flex) or 1
        widths = [c.width if on else 0 for c, on in zip(self.columns, shown, strict=True)]
        for i in flex:
            widths[i] = max(self.columns[i].min_width, spare * self.columns[i].ratio // total_ratio)
        if flex:  # the rounding remainder goes to the last flexible column
            widths[flex[-1]] += max(0, spare - sum(widths[i] for i in flex))
        overflow = sum(widths) + gaps - width  # too narrow: take from the right
        for i in range(len(widths) - 1, -1, -1):
            if overflow <= 0:
                break
            take = min(overflow, max(0, widths[i] - 1))
            widths[i] -= take
            overflow -= take
        self._widths = widths
        self._cache_width = width
        self._strip_cache.clear()
        return widths

    def _row_strip(self, cells: Sequence[Cell], widths: list[int], style: Style | None) -> Strip:
        segments: list[Segment] = [Segment(" ", style)]
        for i, (column, width) in enumerate(zip(self.columns, widths, strict=False)):
            if not width:
                continue
            cell = cells[i] if i < len(cells) else ""
            segments.extend(fit(cell, width, column.justify, style))
            segments.append(Segment(" ", style))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = self._column_widths(width)
        if y == 0:
            style = self.get_component_rich_style("data-list--header")
            return self._row_strip([c.label for c in self.columns], widths, style).crop_extend(0, width, style)
        index = self.scroll_offset.y + y - 1
        if not self._order:
            if y == 2:
                style = self.get_component_rich_style("data-list--empty")
                text = self.filter_empty_text if self._filter and self._items else self.empty_text
                return Strip([Segment(set_cell_size("  " + text, width), style)])
            return Strip.blank(width)
        if index >= len(self._order):
            return Strip.blank(width)
        key = self._order[index]
        strip = self._strip_cache.get(key)
        if strip is None:
            strip = self._row_strip(self.render_row(self._items[key]), widths, None)
            strip = strip.crop_extend(0, width, None)
            self._strip_cache[key] = strip
        if index == self._cursor:
            name = "data-list--cursor" if self.has_focus else "data-list--cursor-blurred"
            strip = strip.apply_style(self.get_component_rich_style(name))
        return strip

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
