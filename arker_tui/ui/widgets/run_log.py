"""``RunLog``: a run's stdout / stderr, shown live.

Built on the line API: the log holds sanitized lines as plain strings (see
``terminal_text``: text plus canonical SGR colour sequences) in a bounded
deque, and only the visible lines are turned into strips, with a small LRU
cache of rendered strips. ``append`` costs O(new data): one scan of each new
chunk, one ``deque.extend``, one ``virtual_size`` update and one refresh.

Rows, top to bottom: a note when old lines were dropped by the cap, the held
lines, then the partial (not yet newline-terminated) line of stdout and of
stderr, if any. A partial line is replaced by the complete line when the
rest of it arrives.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from typing import Iterable

from rich.cells import set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..terminal_text import TerminalStream, line_segments, visible_text, wrap_cuts, wrap_rows

STDERR_MARK = "\x00"  # first char of a stored stderr line (never in sanitized text)
GUTTER = 1  # cells before each line: "▌" for stderr, blank for stdout
# Rendered lines kept (by absolute line number): a few screens' worth, enough
# for scrolling back and forth without re-rendering. Each cached line is a
# Strip carrying seven small caches of its own (about 1.5 KiB), and a followed
# log renders every new line once, so a bigger cache only fills up with lines
# that scrolled away (1,024 of them took 8 minutes of a training run's output
# and 2 MiB: the soak saw it as growth).
STRIP_CACHE_SIZE = 256


class RunLog(ScrollView, can_focus=True):
    """A bounded, virtual, follow-the-tail log of a run's output."""

    BINDINGS = [
        Binding("s", "toggle_follow", "Follow", id="runlog.follow"),
        Binding("w", "toggle_wrap", "Wrap", id="runlog.wrap"),
        Binding("end,G", "tail", "Tail", show=False, id="runlog.end"),
        Binding("home,g", "top", "Top", show=False, id="runlog.home"),
        Binding("up,k", "line_up", "Up", show=False, id="runlog.up"),
        Binding("down,j", "line_down", "Down", show=False, id="runlog.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="runlog.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="runlog.page_down"),
        Binding("left", "column_left", "Left", show=False, id="runlog.left"),
        Binding("right", "column_right", "Right", show=False, id="runlog.right"),
    ]

    COMPONENT_CLASSES = {
        "run-log--stderr",
        "run-log--stderr-gutter",
        "run-log--note",
        "run-log--empty",
    }

    DEFAULT_CSS = """
    RunLog {
        height: 1fr;
        background: $surface;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 1;
    }
    RunLog > .run-log--stderr { color: $text-error; }
    RunLog > .run-log--stderr-gutter { color: $error; }
    RunLog > .run-log--note { color: $warning; text-style: italic; }
    RunLog > .run-log--empty { color: $text-muted; text-style: italic; }
    """

    following: var[bool] = var(True, init=False)
    """Whether new output scrolls the view to the tail."""

    class FollowChanged(Message):
        """``following`` changed (for a header showing following / paused)."""

        def __init__(self, run_log: "RunLog", following: bool) -> None:
            super().__init__()
            self.run_log = run_log
            self.following = following

        @property
        def control(self) -> "RunLog":
            return self.run_log

    def __init__(
        self,
        *,
        max_lines: int = 100_000,
        wrap: bool = False,
        following: bool = True,
        empty_text: str = "No output yet.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.max_lines = max(1, int(max_lines))
        self.empty_text = empty_text
        self._finished = False  # the output will not grow: following it means nothing
        self._wrap = wrap
        self.set_reactive(RunLog.following, following)
        self._lines: deque[str] = deque(maxlen=self.max_lines)
        self._dropped = 0
        self._out = TerminalStream()
        self._err = TerminalStream(mark=STDERR_MARK)
        self._widest = 0  # widest line seen (cells); horizontal scroll extent
        self._cache: LRUCache[object, object] = LRUCache(STRIP_CACHE_SIZE)
        # Wrap bookkeeping: absolute first row of each held line, for _wrap_width.
        self._wrap_starts: deque[int] = deque(maxlen=self.max_lines)
        self._wrap_end = 0
        self._wrap_width = -1
        self._auto_scroll = False  # True while we scroll (not the user)
        self._snap_pending = False
        self.lines_rendered = 0  # benchmark counter: lines turned into strips

    # --- model ----------------------------------------------------------------

    @property
    def line_count(self) -> int:
        """Lines held (including a partial line still waiting for its newline)."""
        return len(self._lines) + len(self._pending())

    @property
    def dropped_count(self) -> int:
        """Lines dropped from the top because of ``max_lines``."""
        return self._dropped

    def append(self, stdout: str = "", stderr: str = "") -> None:
        """Add new output chunks (each may end mid-line)."""
        anchor = None if self.following else self._anchor()
        for stream, chunk in ((self._out, stdout), (self._err, stderr)):
            if chunk:
                lines, width = stream.feed(chunk)
                if lines:
                    self._add_lines(lines)
                if width > self._widest:
                    self._widest = width
        self._after_change()
        if anchor is not None and anchor[2] != self._dropped:
            self._restore(anchor)

    def _anchor(self) -> tuple[int, int, int] | None:
        """(absolute line at the top of the view, rows into it, dropped count)."""
        where = self._locate(round(self.scroll_y))
        if where is None or where[0] != "line":
            return None
        index, sub = where[1], where[2]
        return self._dropped + index, sub, self._dropped  # type: ignore[operator]

    def _restore(self, anchor: tuple[int, int, int]) -> None:
        """While paused, keep the same lines in view when old ones are dropped."""
        index = anchor[0] - self._dropped
        self._scroll_quietly(self._row_of_line(index) + anchor[1] if index >= 0 else 0)

    def clear(self) -> None:
        """Forget all output (and the dropped count)."""
        self._reset()
        self._after_change()

    def set_output(self, stdout: str = "", stderr: str = "") -> None:
        """Replace everything with this output."""
        self._reset()
        self.append(stdout, stderr)

    def plain_lines(self) -> list[str]:
        """The held lines (then partial lines) as plain text, without colours."""
        return [visible_text(self._strip_mark(s)[0]) for s in self._all_stored()]

    def line_streams(self) -> list[str]:
        """``"stdout"`` or ``"stderr"`` for each line of ``plain_lines``."""
        return ["stderr" if s[:1] == STDERR_MARK else "stdout" for s in self._all_stored()]

    def _all_stored(self) -> Iterable[str]:
        yield from self._lines
        yield from self._pending()

    def _reset(self) -> None:
        self._lines.clear()
        self._dropped = 0
        self._out.reset()
        self._err.reset()
        self._widest = 0
        self._cache.clear()
        self._wrap_starts.clear()
        self._wrap_end = 0

    def _add_lines(self, lines: list[str]) -> None:
        cap = self.max_lines
        overflow = len(self._lines) + len(lines) - cap
        if overflow > 0:
            self._dropped += overflow
        if len(lines) > cap:
            lines = lines[-cap:]
        self._lines.extend(lines)
        if self.wrap and self._wrap_width > 0:
            self._extend_wrap(lines)

    def _pending(self) -> list[str]:
        out = self._out.pending_line()
        err = self._err.pending_line()
        if out is None and err is None:
            return []
        pending = []
        for view in (out, err):
            if view is not None:
                pending.append(view[0])
                if view[1] > self._widest:
                    self._widest = view[1]
        return pending

    @staticmethod
    def _strip_mark(stored: str) -> tuple[str, bool]:
        if stored[:1] == STDERR_MARK:
            return stored[1:], True
        return stored, False

    # --- rows -----------------------------------------------------------------

    def _text_width(self) -> int:
        """Cells available for line text (leaving room for a vertical scrollbar)."""
        width = self.scrollable_content_region.width
        if not self.show_vertical_scrollbar:
            width -= self.styles.scrollbar_size_vertical
        return max(1, width - GUTTER)

    def _extend_wrap(self, lines: Iterable[str]) -> None:
        width = self._wrap_width
        end = self._wrap_end
        starts = []
        for stored in lines:
            starts.append(end)
            end += wrap_rows(self._strip_mark(stored)[0], width)
        self._wrap_starts.extend(starts)
        self._wrap_end = end

    def _rebuild_wrap(self) -> None:
        self._wrap_width = self._text_width()
        self._wrap_starts.clear()
        self._wrap_end = 0
        self._extend_wrap(self._lines)

    def _held_rows(self) -> int:
        if not self.wrap:
            return len(self._lines)
        return self._wrap_end - self._wrap_starts[0] if self._lines else 0

    def _total_rows(self) -> int:
        note = 1 if self._dropped else 0
        pending = self._pending()
        if not self.wrap:
            return note + len(self._lines) + len(pending)
        width = self._wrap_width
        return note + self._held_rows() + sum(wrap_rows(self._strip_mark(p)[0], width) for p in pending)

    def _locate(self, row: int) -> tuple[str, object, int] | None:
        """What is at content ``row``: ("note"|"line"|"pending", key, sub-row)."""
        if row < 0:
            return None
        if self._dropped:
            if row == 0:
                return ("note", None, 0)
            row -= 1
        lines = self._lines
        if not self.wrap:
            if row < len(lines):
                return ("line", row, 0)
            row -= len(lines)
            pending = self._pending()
            return ("pending", pending[row], 0) if row < len(pending) else None
        held = self._held_rows()
        if row < held:
            starts = self._wrap_starts
            target = starts[0] + row
            index = bisect_right(starts, target) - 1
            return ("line", index, target - starts[index])
        row -= held
        for stored in self._pending():
            rows = wrap_rows(self._strip_mark(stored)[0], self._wrap_width)
            if row < rows:
                return ("pending", stored, row)
            row -= rows
        return None

    def _row_of_line(self, index: int) -> int:
        """The content row where held line ``index`` starts."""
        note = 1 if self._dropped else 0
        if not self.wrap or not self._lines:
            return note + index
        return note + self._wrap_starts[index] - self._wrap_starts[0]

    def _top_line(self) -> int:
        where = self._locate(round(self.scroll_y))
        return where[1] if where and where[0] == "line" else (len(self._lines) if where else 0)  # type: ignore[return-value]

    def _update_size(self) -> None:
        if self.wrap:
            width = self._text_width()
            if width != self._wrap_width:
                self._rebuild_wrap()
            self.virtual_size = Size(self.scrollable_content_region.width, self._total_rows())
        else:
            total = self._total_rows()  # also updates _widest from partial lines
            self.virtual_size = Size(self._widest + GUTTER, total)

    def _after_change(self) -> None:
        self._update_size()
        if self.following:
            self._scroll_tail()
            self._schedule_snap()
        self.refresh()

    # --- scrolling and follow -------------------------------------------------------

    def _scroll_tail(self) -> None:
        if not self.is_attached:
            return
        self._auto_scroll = True
        try:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
        finally:
            self._auto_scroll = False

    def _schedule_snap(self) -> None:
        """Re-snap after layout (a scrollbar appearing changes the tail row)."""
        if not self._snap_pending and self.is_attached:
            self._snap_pending = True
            self.call_after_refresh(self._snap)

    def _snap(self) -> None:
        self._snap_pending = False
        if self.following and self.scroll_y != self.max_scroll_y:
            self._scroll_tail()

    def _scroll_quietly(self, y: float) -> None:
        if not self.is_attached:
            return
        self._auto_scroll = True
        try:
            self.scroll_to(y=y, animate=False, immediate=True)
        finally:
            self._auto_scroll = False

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._auto_scroll:
            return
        at_tail = round(new_value) >= self.max_scroll_y
        if self.following and new_value < old_value and not at_tail:
            self.following = False  # the user scrolled up: stop following
        elif not self.following and new_value > old_value and at_tail:
            self.following = True  # the user scrolled back down to the tail

    def watch_following(self, following: bool) -> None:
        if following:
            self._scroll_tail()
        self.post_message(self.FollowChanged(self, following))

    @property
    def wrap(self) -> bool:
        """Whether long lines wrap (else they are cut; scroll with left / right)."""
        return self._wrap

    @wrap.setter
    def wrap(self, wrap: bool) -> None:
        wrap = bool(wrap)
        if wrap == self._wrap:
            return
        top = self._top_line()
        self._wrap = wrap
        self._cache.clear()
        if wrap:
            self._rebuild_wrap()
        self._update_size()
        if self.following:
            self._scroll_tail()
            self._schedule_snap()
        else:
            self._scroll_quietly(self._row_of_line(min(top, max(0, len(self._lines) - 1))))
        if not wrap and self.is_attached:
            self.scroll_to(x=0, animate=False, immediate=True)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._update_size()
        if self.following:
            self._scroll_tail()
        self.refresh()

    def notify_style_update(self) -> None:
        self._cache.clear()
        super().notify_style_update()

    @property
    def finished(self) -> bool:
        return self._finished

    @finished.setter
    def finished(self, finished: bool) -> None:
        if finished != self._finished:
            self._finished = finished
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_follow" and self._finished:
            return False  # no "s Follow" in the footer for a run that has ended
        return True

    def action_toggle_follow(self) -> None:
        self.following = not self.following

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap

    def action_tail(self) -> None:
        if self.following:
            self._scroll_tail()
        else:
            self.following = True

    def action_top(self) -> None:
        self.following = False
        self._scroll_quietly(0)

    def _user_scroll(self, dy: int) -> None:
        self.scroll_to(y=self.scroll_y + dy, animate=False, immediate=True)

    def action_line_up(self) -> None:
        self._user_scroll(-1)

    def action_line_down(self) -> None:
        self._user_scroll(1)

    def action_page_up(self) -> None:
        self._user_scroll(-max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        self._user_scroll(max(1, self.scrollable_content_region.height - 1))

    def action_column_left(self) -> None:
        self.scroll_to(x=self.scroll_x - 4, animate=False, immediate=True)

    def action_column_right(self) -> None:
        self.scroll_to(x=self.scroll_x + 4, animate=False, immediate=True)

    # --- rendering --------------------------------------------------------------

    def _content_strip(self, stored: str) -> Strip:
        text, is_err = self._strip_mark(stored)
        base = self.get_component_rich_style("run-log--stderr", partial=True) if is_err else None
        self.lines_rendered += 1
        return Strip(line_segments(text, base))

    def _gutter(self, stored: str) -> Segment:
        if stored[:1] == STDERR_MARK:
            return Segment("▌", self.get_component_rich_style("run-log--stderr-gutter", partial=True))
        return Segment(" ")

    def _wrapped(self, stored: str, key: object) -> list[Strip]:
        width = self._wrap_width
        cache_key = ("wrap", key, width)
        pieces = self._cache.get(cache_key) if key is not None else None
        if pieces is None:
            content = self._content_strip(stored)
            cuts = wrap_cuts(visible_text(self._strip_mark(stored)[0]), width)
            pieces = content.divide([*cuts, content.cell_length]) if cuts else [content]
            if key is not None:
                self._cache.set(cache_key, pieces)
        return pieces  # type: ignore[return-value]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y
        if not self._lines and not self._dropped and not self._pending():
            if y == 0:
                style = self.get_component_rich_style("run-log--empty")
                return Strip([Segment(set_cell_size(" " + self.empty_text, width), style)])
            return Strip.blank(width)
        where = self._locate(row)
        if where is None:
            return Strip.blank(width)
        kind, key, sub = where
        if kind == "note":
            text = f" … {self._dropped:,} earlier lines dropped (cap {self.max_lines:,})"
            style = self.get_component_rich_style("run-log--note")
            return Strip([Segment(set_cell_size(text, width), style)])
        if kind == "line":
            stored = self._lines[key]  # type: ignore[index]
            cache_key: object = self._dropped + key  # type: ignore[operator]
        else:
            stored, cache_key = key, None  # type: ignore[assignment]
        gutter = self._gutter(stored)
        if self.wrap:
            pieces = self._wrapped(stored, cache_key)
            piece = pieces[sub] if sub < len(pieces) else Strip.blank(0)
            return Strip([gutter, *piece]).extend_cell_length(width).crop(0, width)
        content = self._cache.get(cache_key) if cache_key is not None else None
        if content is None:
            content = self._content_strip(stored)
            if cache_key is not None:
                self._cache.set(cache_key, content)
        x = self.scroll_offset.x
        text_width = max(0, width - GUTTER)
        visible = content.crop(x, x + text_width)  # type: ignore[attr-defined]  # a Strip (the cache holds objects)
        return Strip([gutter, *visible]).extend_cell_length(width)
