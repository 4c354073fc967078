"""``DataList``: a keyed, virtual table for lists that can hold a whole org.

Built on Textual's line API: only the visible rows are rendered, and each
rendered row is cached by key until that row's item changes, so a refresh
that touches 1% of 10,000 rows re-renders 1% of the rows. Rows live in a
keyed model; sorting and filtering work on that model, never on widgets.
The cursor follows its row's key through updates, sorts and filters.

Marks and sort are list state too: marks are a set of keys (they survive
refreshes, filters and regrouping; a key that leaves the model loses its
mark), drawn in a gutter left of the cached rows, so marking 10,000 rows
re-renders nothing. The sort is a column and a direction; each column says
how its values compare (``Column.sort``), the list's own ``sort_key`` breaks
ties.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, Generic, Hashable, Iterable, Mapping, Sequence, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.actions import SkipAction
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .. import filter_terms
from .. import format as fmt
from ..actions import bindings
from .scroll_size import set_virtual_size

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
    sort: Callable[[Any], Any] | None = None  # the value rows sort by (None: the cell's text)
    sort_cached: bool = True  # False: the value moves on without the item changing (a ticking duration)


ARROWS = {False: "↑", True: "↓"}  # ascending, descending (as the activity view shows them)
# The marks gutter: one glyph per row (a mark, or a bulk action's state for that row).
MARK_GLYPHS = {"marked": "✓", "pending": "◷", "failed": "✖"}
GUTTER = 2  # a space and the glyph, left of the first column while anything is marked
STRIPS_KEPT = 2000  # rendered rows kept (about 2 KB each): many screens' worth, not a whole org's


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
        "data-list--marked",
        "data-list--mark",
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
    DataList > .data-list--marked { text-style: bold; }
    DataList > .data-list--mark { color: $accent; text-style: bold; }
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

    class MarksChanged(Message):
        """Rows were marked or unmarked: counts in titles follow."""

        def __init__(self, data_list: "DataList") -> None:
            super().__init__()
            self.data_list = data_list

        @property
        def control(self) -> "DataList":
            return self.data_list

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key_of: Callable[[Item], Hashable],
        render_row: Callable[[Item], Sequence[Cell]],
        sort_key: Callable[[Item], Any] | None = None,
        reverse: bool = False,
        filter_text_of: Callable[[Item], str] | None = None,
        sort_by: str | None = None,
        descending: bool = False,
        sortable: bool = True,
        markable: bool = True,
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
        self._filter_expression = filter_terms.EMPTY
        self._filter_now = 0.0
        self.filter_error: filter_terms.FilterTermError | None = None  # the last text that did not parse
        self._cursor = 0
        self._cursor_key: Hashable | None = None
        self._strip_cache: dict[Hashable, Strip] = {}
        self._widths: list[int] = []
        self._cache_width = -1
        self._marks: set[Hashable] = set()
        self._row_states: dict[Hashable, str] = {}  # key -> "pending" / "failed" (a bulk action's)
        self._sort_caches: dict[int, dict[Hashable, Any]] = {}  # column -> key -> its sort value
        labels = [c.label for c in self.columns]
        self.sort_column: int | None = labels.index(sort_by) if sort_by in labels else None
        self.descending = descending
        # A list sorted by its server, or with nothing to act on, says no to
        # these keys, and they reach its screen (e.g. the activity view's o / O).
        self.sortable = sortable
        self.markable = markable

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
                self.forget_sort_value(key)
        for key in old.keys() - new.keys():
            cache.pop(key, None)
            self.forget_sort_value(key)
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
            self.forget_sort_value(key)
            if self._items.pop(key, None) is not None:
                self._strip_cache.pop(key, None)
                reorder = True
        for key, item in (added or {}).items():
            self._items[key] = item
            self._strip_cache.pop(key, None)
            self.forget_sort_value(key)
            reorder = True
        for key, item in (changed or {}).items():
            if key in self._items:
                previous = self._items[key]
                self._items[key] = item
                self._strip_cache.pop(key, None)
                self.forget_sort_value(key)
                if not reorder and self._moves(previous, item):
                    reorder = True
        if reorder:
            self._rebuild_order()
        else:
            self.refresh()

    def _moves(self, previous: Item, item: Item) -> bool:
        """Whether a changed item may sit elsewhere in the order now."""
        if self.sort_key is not None and self.sort_key(previous) != self.sort_key(item):
            return True
        if self.sort_column is None:
            return False
        column = self.columns[self.sort_column]
        value_of = column.sort or self._cell_text_of(self.sort_column)
        return value_of(previous) != value_of(item)

    def refresh_rows(self, keys: Iterable[Hashable] | None = None) -> None:
        """Re-render some rows (or all) whose look depends on outside state."""
        if keys is None:
            self._strip_cache.clear()
        else:
            for key in keys:
                self._strip_cache.pop(key, None)
        self.refresh()

    # The ``key:value`` terms the filter understands (filter_terms); None: substrings only.
    filter_fields: Any = None

    def parse_filter(self, text: str) -> filter_terms.Expression:
        """The filter's expression; raises ``FilterTermError`` for a bad term."""
        if self.filter_fields is None:
            return filter_terms.Expression(text.strip().lower(), (text.strip().lower(),) if text.strip() else ())
        return filter_terms.parse(text, self.filter_fields)

    def set_filter(self, text: str) -> None:
        """A text that does not parse leaves the list as it was (``filter_error`` says why)."""
        try:
            expression = self.parse_filter(text)
        except filter_terms.FilterTermError as error:
            self.filter_error = error
            return
        self.filter_error = None
        self._filter = text.strip().lower()
        self._filter_expression = expression
        self._filter_now = fmt.clock().timestamp()  # ages are measured from when the filter was set
        self._rebuild_order()

    def _matches(self, item: Item) -> bool:
        if not self._filter:
            return True
        text = self.filter_text_of(item) if self.filter_text_of else " ".join(
            c.plain if isinstance(c, Text) else str(c) for c in self.render_row(item)
        )
        return self._filter_expression.matches(item, text.lower(), self._filter_now)

    def _compute_order(self) -> list[Hashable]:
        """The visible keys in display order: filtered, then sorted.

        A hook: a subclass (e.g. a tree with group rows) may override it to
        lay out its rows itself; every key returned must be in ``_items``.
        """
        keys = [key for key, item in self._items.items() if self._matches(item)]
        return self.sorted_keys(keys, self._items.__getitem__)

    def sorted_keys(self, keys: Sequence[Any], get: Callable[[Any], Any]) -> list[Any]:
        """``keys`` in display order: by the sort column and direction, ties in
        the list's natural order; rows with no value last either way."""
        natural = self.sort_key
        if natural is not None:
            keys = sorted(keys, key=lambda k: natural(get(k)), reverse=self.reverse)
        column = self.columns[self.sort_column] if self.sort_column is not None else None
        if column is None:
            return list(keys)
        values = self._sort_values(column, keys, get)
        present = [key for key in keys if values[key] is not None]
        present.sort(key=values.__getitem__, reverse=self.descending)  # stable: ties keep natural order
        if len(present) == len(keys):
            return present
        return present + [key for key in keys if values[key] is None]

    def _sort_values(self, column: Column, keys: Sequence[Any], get: Callable[[Any], Any]) -> dict:
        """Each key's value in the sort column. Values are kept per key until
        its item changes (``forget_sort_value``), so sorting again, flipping or
        a refresh that changed a few rows computes only what is new."""
        value_of = column.sort or self._cell_text_of(self.sort_column or 0)
        if not column.sort_cached:
            return {key: value_of(get(key)) for key in keys}
        cache = self._sort_caches.setdefault(self.sort_column or 0, {})
        if len(cache) > 2 * len(self._items) + 64:
            cache.clear()  # rows long gone
        for key in [key for key in keys if key not in cache]:
            cache[key] = value_of(get(key))
        return cache

    def forget_sort_value(self, key: Hashable) -> None:
        """The item of ``key`` changed or left: its kept sort values go."""
        for cache in self._sort_caches.values():
            cache.pop(key, None)

    def _cell_text_of(self, index: int) -> Callable[[Any], Any]:
        def text(item: Any) -> str:
            cells = self.render_row(item)
            cell = cells[index] if index < len(cells) else ""
            return (cell.plain if isinstance(cell, Text) else str(cell)).casefold()
        return text

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
        if self._marks or self._row_states:  # an item that left the model loses its mark
            self._marks.intersection_update(self._items.keys())
            for key in self._row_states.keys() - self._items.keys():
                del self._row_states[key]
        if keep is not None and keep in self._index:
            self._cursor = self._index[keep]
        else:
            self._cursor = min(self._cursor, max(0, len(keys) - 1))
        set_virtual_size(self, Size(self.size.width, len(keys) + 1))
        self._announce_cursor()
        self.refresh()

    SORT_ACTIONS = frozenset({"cycle_sort", "toggle_direction"})
    MARK_ACTIONS = frozenset({"toggle_mark", "mark_all", "clear_marks"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.SORT_ACTIONS:
            return self.sortable
        if action in self.MARK_ACTIONS:
            return self.markable
        return True

    # --- marks ----------------------------------------------------------------

    def can_mark(self, key: Hashable) -> bool:
        """Whether a row can be marked (a subclass may keep some rows out)."""
        return self.markable and key in self._items

    @property
    def mark_count(self) -> int:
        return len(self._marks)

    def is_marked(self, key: Hashable) -> bool:
        return key in self._marks

    def marked_keys(self) -> list[Hashable]:
        """Every marked key: the shown ones in display order, then the ones the filter hides."""
        marks, index = self._marks, self._index
        shown = sorted((k for k in marks if k in index), key=index.__getitem__)
        return shown + [k for k in marks if k not in index]

    def marked_items(self) -> list[Item]:
        return [self._items[key] for key in self.marked_keys()]

    def set_marked(self, keys: Iterable[Hashable], marked: bool = True) -> None:
        keys = [key for key in keys if self.can_mark(key)]
        before = (len(self._marks), len(self._row_states))
        if marked:
            self._marks.update(keys)
        else:
            self._marks.difference_update(keys)
            for key in keys:
                self._row_states.pop(key, None)
        if (len(self._marks), len(self._row_states)) != before:
            self._marks_changed()

    def mark_all_shown(self) -> None:
        """Mark every row the filter shows (rows that cannot be marked are left)."""
        before = len(self._marks)
        can_mark = self.can_mark
        self._marks.update(key for key in self._order if can_mark(key))
        if len(self._marks) != before:
            self._marks_changed()

    def clear_marks(self) -> None:
        self._marks.clear()
        self._row_states.clear()
        self._marks_changed()

    def set_row_state(self, key: Hashable, state: str | None) -> None:
        """A bulk action's state for one row ("pending", "failed"; None clears),
        shown in the marks gutter."""
        if state is None:
            if self._row_states.pop(key, None) is None:
                return
        elif key in self._items:
            self._row_states[key] = state
        else:
            return
        self.refresh()

    def row_state(self, key: Hashable) -> str | None:
        return self._row_states.get(key)

    @property
    def has_gutter(self) -> bool:
        return bool(self._marks or self._row_states)

    def _marks_changed(self) -> None:
        self.refresh()  # the gutter is drawn per visible row: no cached row is re-rendered
        self.post_message(self.MarksChanged(self))

    def action_toggle_mark(self) -> None:
        key = self.cursor_key
        if key is None or not self.can_mark(key):
            raise SkipAction()  # e.g. a group row: its own key binding may take it
        self.set_marked([key], key not in self._marks)
        self.action_cursor_down()

    def action_mark_all(self) -> None:
        self.mark_all_shown()

    def action_clear_marks(self) -> None:
        self.clear_marks()

    # --- sort -------------------------------------------------------------------

    def sort_by(self, label: str | None, descending: bool | None = None) -> None:
        labels = [c.label for c in self.columns]
        self.sort_column = labels.index(label) if label in labels else None
        if descending is not None:
            self.descending = descending
        self._sort_changed()

    @property
    def sort_label(self) -> str | None:
        return self.columns[self.sort_column].label if self.sort_column is not None else None

    def action_cycle_sort(self) -> None:
        """The next column on screen (at this width) becomes the sort column."""
        widths = self._column_widths(self._columns_width())
        shown = [i for i, w in enumerate(widths) if w] or list(range(len(self.columns)))
        current = self.sort_column
        later = [i for i in shown if current is None or i > current]
        self.sort_column = later[0] if later else shown[0]
        self._sort_changed()

    def action_toggle_direction(self) -> None:
        self.descending = not self.descending
        self._sort_changed()

    def _sort_changed(self) -> None:
        self._rebuild_order()  # rows keep their cached strips: only their order moves
        self._scroll_cursor_into_view()

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
        widths = self._column_widths(self._columns_width())
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

    def _columns_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width or self.app.size.width
        return width - GUTTER if self.has_gutter else width

    def header_labels(self, widths: list[int] | None = None) -> list[str]:
        """The column labels, the sort column's with its direction's arrow
        (kept when the label is cut to the column's width)."""
        labels = [c.label for c in self.columns]
        index = self.sort_column
        if index is not None:
            label, arrow = labels[index], ARROWS[self.descending]
            width = widths[index] if widths else 0
            if width and cell_len(label) + 1 > width:
                label = set_cell_size(label, max(0, width - 2)) + "…"
            labels[index] = label + arrow
        return labels

    def _gutter(self, key: Hashable | None, style: Style | None) -> list[Segment]:
        if key is None:
            return [Segment(" ✓", style)]
        state = self._row_states.get(key) or ("marked" if key in self._marks else None)
        if state is None:
            return [Segment("  ", style)]
        return [Segment(" ", style), Segment(MARK_GLYPHS[state], self.get_component_rich_style("data-list--mark"))]

    def render_line(self, y: int) -> Strip:
        full = self.scrollable_content_region.width
        gutter = self.has_gutter
        width = full - GUTTER if gutter else full
        widths = self._column_widths(width)
        if y == 0:
            style = self.get_component_rich_style("data-list--header")
            strip = self._row_strip(self.header_labels(widths), widths, style).crop_extend(0, width, style)
            return Strip(self._gutter(None, style) + list(strip), full) if gutter else strip
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
        cached = self._strip_cache.get(key)
        if cached is None:
            strip = self._row_strip(self.render_row(self._items[key]), widths, None)
            strip = strip.crop_extend(0, width, None)
            cache = self._strip_cache
            if len(cache) >= STRIPS_KEPT:  # rows scrolled past long ago go first (a dict keeps insertion order)
                for old in list(islice(cache, STRIPS_KEPT // 2)):
                    del cache[old]
            cache[key] = strip
        else:
            strip = cached
        if gutter:
            if key in self._marks:
                strip = strip.apply_style(self.get_component_rich_style("data-list--marked"))
            strip = Strip(self._gutter(key, None) + list(strip), full)
        if index == self._cursor:
            name = "data-list--cursor" if self.has_focus else "data-list--cursor-blurred"
            strip = strip.apply_style(self.get_component_rich_style(name))
        return strip

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
