"""``RunLog``: a run's stdout / stderr, shown live.

Built on the line API: the log holds sanitized lines as plain strings (see
``terminal_text``: text plus canonical SGR colour sequences) in a bounded
``LineStore`` (``line_store``), and only the visible lines are turned into
strips, with a small LRU cache of rendered strips. ``append`` costs O(new
data): one scan of each new chunk, one ``extend``, one ``virtual_size``
update and one refresh.

Rows, top to bottom: a note when old lines were dropped by the cap, the held
lines, then the partial (not yet newline-terminated) line of stdout and of
stderr, if any. A partial line is replaced by the complete line when the
rest of it arrives. The streams come in blocks (the API keeps them apart):
a label row tops each stderr block, and a stdout block that follows one.

What is shown can be narrowed (stdout only, stderr only, the search's
filter): then a list of the shown entries stands between rows and held
entries. Searching is in ``run_log_search``, copying and the mouse
selection in ``run_log_select``.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from itertools import islice
from typing import Iterable, Iterator, Literal, cast

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..actions import bindings
from ..line_store import LineStore
from ..log_search import Corpus, LogSearch
from ..terminal_text import TerminalStream, line_segments, plain_of_stored, visible_text, wrap_cuts, wrap_rows
from .run_log_marks import GUTTER, LABEL_MARK, LABELS, STDERR_MARK
from .run_log_search import LogSearching
from .run_log_select import LogSelecting
from .scroll_size import set_virtual_size

Streams = Literal["both", "stdout", "stderr"]
STREAM_CHOICES: tuple[Streams, ...] = ("both", "stdout", "stderr")
# Rendered lines kept (by absolute line number): a few screens' worth, enough
# for scrolling back and forth without re-rendering. Each cached line is a
# Strip carrying seven small caches of its own (about 1.5 KiB), and a followed
# log renders every new line once, so a bigger cache only fills up with lines
# that scrolled away (1,024 of them took 8 minutes of a training run's output
# and 2 MiB: the soak saw it as growth).
STRIP_CACHE_SIZE = 256
# A log opened whole (megabytes of output) is fed this many characters at a
# time, cut after a newline: a line is a small object until its block is
# sealed, and 60,000 of them at once took new arenas of the small-object
# allocator that the blocks' own small objects, made among them, then kept
# from ever being given back. A piece's lines reuse the last piece's memory.
FEED_PIECE = 64 * 1024


def feed_pieces(text: str, size: int = FEED_PIECE) -> Iterator[str]:
    """``text`` in pieces of about ``size`` characters, each ending after a
    newline where there is one (the last piece may end mid-line)."""
    start, end = 0, len(text)
    while end - start > size:
        cut = text.rfind("\n", start, start + size)
        stop = cut + 1 if cut >= 0 else start + size  # a line longer than a piece: cut mid-line
        yield text[start:stop]
        start = stop
    if start < end:
        yield text[start:] if start else text


class RunLog(LogSearching, LogSelecting, ScrollView, can_focus=True):
    """A bounded, virtual, follow-the-tail log of a run's output."""

    BINDINGS = bindings("runlog")

    COMPONENT_CLASSES = {
        "run-log--stderr",
        "run-log--stderr-gutter",
        "run-log--label",
        "run-log--note",
        "run-log--empty",
        "run-log--match",
        "run-log--match-current",
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
    RunLog > .run-log--label { color: $text-muted; text-style: bold; }
    RunLog > .run-log--note { color: $warning; text-style: italic; }
    RunLog > .run-log--empty { color: $text-muted; text-style: italic; }
    RunLog > .run-log--match { background: $primary 70%; color: $text; }
    RunLog > .run-log--match-current { background: $warning; color: $background; text-style: bold; }
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

    class SearchChanged(Message):
        """The search's count, current match or error changed (for the search line)."""

        def __init__(self, run_log: "RunLog") -> None:
            super().__init__()
            self.run_log = run_log

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
        stream_labels: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.max_lines = max(1, int(max_lines))
        self.empty_text = empty_text
        self.stream_labels = stream_labels  # a label row on top of each stream block (the run log)
        self._finished = False  # the output will not grow: following it means nothing
        self._wrap = wrap
        self.set_reactive(RunLog.following, following)
        # Held entries: lines and the stream labels between blocks (a few large
        # strings, not an object per line: see line_store).
        self._lines = LineStore(maxlen=self.max_lines)
        self._dropped = 0  # entries dropped by the cap (absolute number of _lines[0])
        self._labels_held = 0
        self._labels_dropped = 0
        self._last_stream: str | None = None  # the stream of the last held line
        self._out = TerminalStream()
        self._err = TerminalStream(mark=STDERR_MARK)
        self._widest = 0  # widest line seen (cells); horizontal scroll extent
        self._cache: LRUCache[object, object] = LRUCache(STRIP_CACHE_SIZE)
        # Wrap bookkeeping: absolute first row of each shown entry, for _wrap_width.
        # Arrays of machine ints, here and in ``_view``: a Python int per line
        # would be a small object per line held for the life of the log.
        self._wrap_starts = array("q")
        self._wrap_end = 0
        self._wrap_width = -1
        self._auto_scroll = False  # True while we scroll (not the user)
        self._snap_pending = False
        # What is shown: both streams or one; with the search's filter, only
        # matching lines. ``_view`` holds the absolute numbers of the shown
        # entries (None: every entry).
        self._streams: Streams = "both"
        self._view: array[int] | None = None
        self.search: LogSearch | None = None
        self._search_note_pending = False
        self.lines_rendered = 0  # benchmark counter: lines turned into strips
        # Following while each append brings more than a screenful: no line
        # stays put long enough to select with the mouse, so rows are drawn
        # without the selection offsets (a quarter of a frame under a flood).
        self._pouring = False
        self._last_big = False  # the previous append brought more than a screenful

    # --- model ----------------------------------------------------------------

    @property
    def line_count(self) -> int:
        """Lines held (including a partial line still waiting for its newline)."""
        return len(self._lines) - self._labels_held + len(self._pending(all_lines=True))

    @property
    def dropped_count(self) -> int:
        """Lines dropped from the top because of ``max_lines``."""
        return self._dropped - self._labels_dropped

    @property
    def streams(self) -> Streams:
        """Which streams are shown: "both", "stdout" or "stderr"."""
        return self._streams

    @property
    def hidden_count(self) -> int:
        """Held lines not shown (another stream, or no match under the filter)."""
        if self._view is None:
            return 0
        return len(self._lines) - self._labels_held - len(self._view)  # a narrowed view shows no labels

    def append(self, stdout: str = "", stderr: str = "") -> None:
        """Add new output chunks (each may end mid-line)."""
        anchor = None if self.following else self._anchor()
        before = len(self._lines) + self._dropped
        for stream, chunk, name in ((self._out, stdout, "stdout"), (self._err, stderr, "stderr")):
            for piece in feed_pieces(chunk):
                lines, width = stream.feed(piece)
                if lines:
                    self._add_lines(lines, name)
                if width > self._widest:
                    self._widest = width
        added = len(self._lines) + self._dropped - before
        big = added > self.scrollable_content_region.height
        self._pouring = self.following and big and self._last_big  # a flood, not one burst (opening)
        self._last_big = big
        self._after_change()
        if anchor is not None and anchor[2] != self._dropped:
            self._restore(anchor)

    def _anchor(self) -> tuple[int, int, int] | None:
        """(absolute entry at the top of the view, rows into it, dropped count)."""
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

    def stored_lines(self) -> list[tuple[str, str]]:
        """(stream, stored form) of every held entry, labels as ("label", name), then partial lines."""
        out = []
        for stored in self._lines:
            mark = stored[:1]
            if mark == LABEL_MARK:
                out.append(("label", stored[1:]))
            else:
                out.append(("stderr", stored[1:]) if mark == STDERR_MARK else ("stdout", stored))
        for stored in self._pending(all_lines=True):
            out.append(("stderr", stored[1:]) if stored[:1] == STDERR_MARK else ("stdout", stored))
        return out

    def _all_stored(self) -> Iterable[str]:
        yield from (s for s in self._lines if s[:1] != LABEL_MARK)
        yield from self._pending(all_lines=True)

    def _reset(self) -> None:
        self._lines.clear()
        self._dropped = self._labels_held = self._labels_dropped = 0
        self._last_stream = None
        self._out.reset()
        self._err.reset()
        self._widest = 0
        self._cache.clear()
        del self._wrap_starts[:]
        self._wrap_end = 0
        if self.search is not None:
            self.search.corpus = Corpus((), 0, self.max_lines)
            self.search.set_query(self.search.query)
        if self._view is not None:
            self._view = array("q")
        self._note_search_changed()

    def _add_lines(self, lines: list[str], stream: str) -> None:
        if self.stream_labels and (stream == "stderr" and self._last_stream != "stderr" or (
                stream == "stdout" and self._last_stream == "stderr")):
            lines = [LABELS[stream], *lines]
            self._labels_held += 1
        self._last_stream = stream
        cap = self.max_lines
        overflow = len(self._lines) + len(lines) - cap
        if overflow > 0:
            if self._labels_held:  # labels are not lines: count them apart
                gone = list(islice(self._lines, min(overflow, len(self._lines))))
                if len(lines) > cap:
                    gone += lines[: len(lines) - cap]
                labels = sum(1 for g in gone if g[:1] == LABEL_MARK)
                self._labels_held -= labels
                self._labels_dropped += labels
            self._dropped += overflow
        plain = None
        if self.search is not None:
            plain = plain_of_stored(lines)
            self.search.extend(plain)  # keeps its own cap, in step with _lines
            self._note_search_changed()
        if len(lines) > cap:
            lines = lines[-cap:]
            plain = plain[-cap:] if plain is not None else None
        start = self._dropped + max(0, min(cap, len(self._lines) + len(lines)) - len(lines))  # first new entry
        self._lines.extend(lines)
        if self._view is not None:
            view = self._view
            cut = bisect_left(view, self._dropped)  # shown entries the cap dropped
            if cut:
                del view[:cut]
                if self.wrap:
                    del self._wrap_starts[:cut]
            shown = [start + i for i, stored in enumerate(lines) if self._shows(stored, plain[i] if plain else None)]
            view.extend(shown)
            if self.wrap and self._wrap_width > 0:
                self._extend_wrap(self._lines[n - self._dropped] for n in shown)
        elif self.wrap and self._wrap_width > 0:
            self._extend_wrap(lines)

    def _shows(self, stored: str, plain: str | None) -> bool:
        """Whether an entry is shown under the current streams choice and filter."""
        mark = stored[:1]
        if mark == LABEL_MARK:
            return self._streams == "both" and not self._filtering
        if self._streams != "both" and (mark == STDERR_MARK) != (self._streams == "stderr"):
            return False
        if self._filtering:
            assert self.search is not None
            if plain is None:
                plain = visible_text(self._strip_mark(stored)[0])
            return self.search.line_matches(plain)
        return True

    @property
    def _filtering(self) -> bool:
        search = self.search
        return search is not None and search.filter and search.active

    def _pending(self, all_lines: bool = False) -> list[str]:
        out = self._out.pending_line()
        err = self._err.pending_line()
        if out is None and err is None:
            return []
        pending = []
        for view in (out, err):
            if view is not None:
                if not all_lines and self._view is not None and not self._shows(view[0], None):
                    continue
                pending.append(view[0])
                if view[1] > self._widest:
                    self._widest = view[1]
        return pending

    @staticmethod
    def _strip_mark(stored: str) -> tuple[str, bool]:
        if stored[:1] == STDERR_MARK:
            return stored[1:], True
        return stored, False

    # --- what is shown: streams and the filter --------------------------------------

    def set_streams(self, streams: Streams) -> None:
        """Show both streams, stdout only or stderr only."""
        if streams not in STREAM_CHOICES:
            raise ValueError(streams)
        self._streams = streams
        self._rebuild_view()

    def cycle_streams(self) -> Streams:
        """both -> stdout only -> stderr only -> both."""
        self.set_streams(STREAM_CHOICES[(STREAM_CHOICES.index(self._streams) + 1) % len(STREAM_CHOICES)])
        return self._streams

    def _rebuild_view(self) -> None:
        top = self._top_line()
        if self._streams == "both" and not self._filtering:
            self._view = None
        else:
            first = self._dropped
            if self._filtering:
                assert self.search is not None
                candidates: Iterable[int] = self.search.matching_lines()
                if self._streams != "both":
                    want_err = self._streams == "stderr"
                    lines = self._lines
                    candidates = [n for n in candidates if (lines[n - first][:1] == STDERR_MARK) == want_err]
            else:
                want = STDERR_MARK if self._streams == "stderr" else None
                candidates = [first + i for i, stored in enumerate(self._lines)
                              if stored[:1] != LABEL_MARK and (stored[:1] == STDERR_MARK) == (want is not None)]
            self._view = array("q", candidates)
        self._cache.clear()
        if self.wrap:
            self._rebuild_wrap()
        self._update_size()
        if self.following:
            self._scroll_tail()
            self._schedule_snap()
        else:
            self._scroll_quietly(self._row_of_line(self._nearest_shown(top)))
        self.refresh()

    def _nearest_shown(self, index: int) -> int:
        """The shown held entry at or after held ``index`` (else the last shown)."""
        view = self._view
        if view is None:
            return min(index, max(0, len(self._lines) - 1))
        if not view:
            return 0
        k = min(bisect_left(view, self._dropped + index), len(view) - 1)
        return view[k] - self._dropped

    # --- rows -----------------------------------------------------------------

    def _text_width(self) -> int:
        """Cells available for line text (leaving room for a vertical scrollbar)."""
        width = self.scrollable_content_region.width
        if not self.show_vertical_scrollbar:
            width -= self.styles.scrollbar_size_vertical
        return max(1, width - GUTTER)

    def _rows_of(self, stored: str, width: int) -> int:
        return 1 if stored[:1] == LABEL_MARK else wrap_rows(self._strip_mark(stored)[0], width)

    def _extend_wrap(self, lines: Iterable[str]) -> None:
        width = self._wrap_width
        end = self._wrap_end
        starts = []
        for stored in lines:
            starts.append(end)
            end += self._rows_of(stored, width)
        wrap_starts = self._wrap_starts
        wrap_starts.extend(starts)
        if len(wrap_starts) > self.max_lines:  # in step with the held entries
            del wrap_starts[:len(wrap_starts) - self.max_lines]
        self._wrap_end = end

    def _rebuild_wrap(self) -> None:
        self._wrap_width = self._text_width()
        del self._wrap_starts[:]
        self._wrap_end = 0
        self._extend_wrap(self._shown_entries())

    def _shown_entries(self) -> Iterable[str]:
        if self._view is None:
            return self._lines
        lines, first = self._lines, self._dropped
        return (lines[n - first] for n in self._view)

    def _shown_count(self) -> int:
        return len(self._lines) if self._view is None else len(self._view)

    def _entry_index(self, k: int) -> int:
        """The held index of the k-th shown entry."""
        return k if self._view is None else self._view[k] - self._dropped

    def _held_rows(self) -> int:
        if not self.wrap:
            return self._shown_count()
        return self._wrap_end - self._wrap_starts[0] if self._wrap_starts else 0

    def _total_rows(self) -> int:
        note = 1 if self._dropped else 0
        pending = self._pending()
        if not self.wrap:
            return note + self._shown_count() + len(pending)
        width = self._wrap_width
        return note + self._held_rows() + sum(self._rows_of(p, width) for p in pending)

    def _locate(self, row: int) -> tuple[str, object, int] | None:
        """What is at content ``row``: ("note"|"line"|"pending", key, sub-row)."""
        if row < 0:
            return None
        if self._dropped:
            if row == 0:
                return ("note", None, 0)
            row -= 1
        if not self.wrap:
            count = self._shown_count()
            if row < count:
                return ("line", self._entry_index(row), 0)
            row -= count
            pending = self._pending()
            return ("pending", pending[row], 0) if row < len(pending) else None
        held = self._held_rows()
        if row < held:
            starts = self._wrap_starts
            target = starts[0] + row
            k = bisect_right(starts, target) - 1
            return ("line", self._entry_index(k), target - starts[k])
        row -= held
        for stored in self._pending():
            rows = self._rows_of(stored, self._wrap_width)
            if row < rows:
                return ("pending", stored, row)
            row -= rows
        return None

    def _row_of_line(self, index: int) -> int:
        """The content row where held entry ``index`` starts (or the next shown one)."""
        note = 1 if self._dropped else 0
        k = index if self._view is None else bisect_left(self._view, self._dropped + index)
        if not self.wrap or not self._wrap_starts:
            return note + k
        k = min(k, len(self._wrap_starts) - 1)
        return note + self._wrap_starts[k] - self._wrap_starts[0]

    def _top_line(self) -> int:
        where = self._locate(round(self.scroll_y))
        return where[1] if where and where[0] == "line" else (len(self._lines) if where else 0)  # type: ignore[return-value]

    def _update_size(self) -> None:
        if self.wrap:
            width = self._text_width()
            if width != self._wrap_width:
                self._rebuild_wrap()
            set_virtual_size(self, Size(self.scrollable_content_region.width, self._total_rows()))
        else:
            total = self._total_rows()  # also updates _widest from partial lines
            set_virtual_size(self, Size(self._widest + GUTTER, total))

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
        if not following and self._pouring:
            self._pouring = False
            self.refresh()  # the rows get their selection offsets back
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
        if action == "close_search":
            return self.search is not None  # else esc goes on (closing the run log)
        return True

    def action_close_search(self) -> None:
        self.stop_search()

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

    def _content_strip(self, stored: str, number: int | None = None) -> Strip:
        """One entry's text as a strip: colours, stderr style, search highlights."""
        if stored[:1] == LABEL_MARK:
            return self._label_strip(stored[1:])
        text, is_err = self._strip_mark(stored)
        base = self.get_component_rich_style("run-log--stderr", partial=True) if is_err else None
        self.lines_rendered += 1
        strip = Strip(line_segments(text, base))
        search = self.search
        if search is not None and search.active:
            strip = self._highlight(strip, visible_text(text), number)
        return strip

    def _label_strip(self, stream: str) -> Strip:
        """The row at the top of a block of one stream."""
        style = self.get_component_rich_style("run-log--label", partial=True)
        rule = Style(dim=True)
        words = f"{stream} " if stream == "stdout" else f"{stream} (apart from stdout: order unknown) "
        return Strip([Segment(words, style), Segment("─" * 400, rule)])

    def _gutter(self, stored: str) -> Segment:
        mark = stored[:1]
        if mark == STDERR_MARK or stored == LABELS["stderr"]:
            return Segment("▌", self.get_component_rich_style("run-log--stderr-gutter", partial=True))
        return Segment(" ")

    def _wrapped(self, stored: str, key: object) -> list[Strip]:
        width = self._wrap_width
        cache_key = ("wrap", key, width)
        pieces = self._cache.get(cache_key) if key is not None else None
        if pieces is None:
            if stored[:1] == LABEL_MARK:
                return [self._label_strip(stored[1:]).crop(0, width)]
            content = self._content_strip(stored, key if isinstance(key, int) else None)
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
            text = f" … {self.dropped_count:,} earlier lines dropped (cap {self.max_lines:,})"
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
            piece = self._selected(piece, row, 0)
            if not self._pouring:
                piece = piece.apply_offsets(0, row)
            return Strip([gutter, *piece]).extend_cell_length(width).crop(0, width)
        content = self._cache.get(cache_key) if cache_key is not None else None
        if content is None:
            content = self._content_strip(stored, cache_key if isinstance(cache_key, int) else None)
            if cache_key is not None:
                self._cache.set(cache_key, content)
        x = self.scroll_offset.x
        text_width = max(0, width - GUTTER)
        if stored[:1] == LABEL_MARK:
            x = 0  # the label stays put when the lines scroll sideways
        # One Strip per row (each carries caches of its own: under a flood,
        # building them is much of a frame).
        strip = cast(Strip, content)  # the cache holds objects
        visible = strip if x == 0 and strip.cell_length <= text_width else strip.crop(x, x + text_width)
        visible = self._selected(visible, row, x)
        if not self._pouring:  # offsets: what mouse selection reads
            visible = visible.apply_offsets(x, row)
        segments = [gutter, *visible]
        pad = text_width - visible.cell_length
        if pad > 0:
            segments.append(Segment(" " * pad))
        return Strip(segments, GUTTER + max(text_width, visible.cell_length))
