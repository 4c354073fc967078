"""The run log's search: highlights, the filter, moving between matches.

Part of ``RunLog`` (a mixin over its rows): the matching itself is
``log_search`` (pure); this module scrolls to matches, asks the rows to show
only matching lines, draws the highlights and says what the search line
shows. The searchable text exists only while a search is open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.strip import Strip

from ..log_search import Corpus, LogSearch, Match, Query
from ..terminal_text import plain_of_stored, visible_text
from .run_log_marks import GUTTER, LABEL_MARK

if TYPE_CHECKING:  # pragma: no cover
    from .run_log import RunLog



class LogSearching:
    search: LogSearch | None = None
    _search_note_pending: bool = False  # a search-line note is due after this frame
    search_wrapped = False  # the last n / N went round the end

    def start_search(self: "RunLog", warm: bool = False) -> LogSearch:
        """Begin (or return) the search; its text follows the log from now on.
        ``warm``: also join and lower-case it now (else the first keystroke does)."""
        if self.search is None:
            corpus = Corpus(plain_of_stored(list(self._lines)), self._dropped, self.max_lines)
            self.search = LogSearch(corpus)
        if warm:
            self.search.corpus.text(False)
            self.search.corpus.text(True)
        return self.search

    def stop_search(self: "RunLog") -> None:
        """End the search: highlights and the filter go; the view stays where it is."""
        if self.search is None:
            return
        top = self._top_line()
        filtering = self._filtering
        self.search = None
        self._cache.clear()
        if filtering:
            self._rebuild_view()
            if not self.following:
                self._scroll_quietly(self._row_of_line(top))
        self.refresh()
        self._note_search_changed(now=True)

    def set_query(self: "RunLog", query: Query) -> None:
        """Search for ``query`` (incremental: each keystroke), jumping to the
        first match at or below the top of the view."""
        search = self.start_search()
        origin = self._dropped + self._top_line()
        search.set_query(query)
        self._cache.clear()
        if search.filter:
            self._rebuild_view()
        if search.active and search.total:
            match, _wrapped = search.first_from(origin)
            if match is not None:
                search.current = match
                self._show_match(match)
        self.refresh()
        self._note_search_changed(now=True)

    def set_filter(self: "RunLog", on: bool) -> None:
        """Show only the lines that match (on), or every line."""
        search = self.start_search()
        if search.filter == on:
            return
        search.filter = on
        self._rebuild_view()
        if search.current is not None:
            self._show_match(search.current)
        self._note_search_changed(now=True)

    def next_match(self: "RunLog", forward: bool = True) -> bool:
        """Move to the next (previous) match and stop following; False when there is none."""
        search = self.search
        if search is None or not search.active or not search.total:
            return False
        match, wrapped = search.step(forward, self._dropped + self._top_line())
        if match is None:
            return False
        search.current = match
        self.search_wrapped = wrapped
        self._cache.clear()
        self._show_match(match)
        self.refresh()
        self._note_search_changed(now=True)
        return True

    def _show_match(self: "RunLog", match: Match) -> None:
        """Scroll so that the match's line is in view (a third from the top), not following."""
        index = match[0] - self._dropped
        if not 0 <= index < len(self._lines):
            return
        if self.following:
            self.following = False
        row = self._row_of_line(index)
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if not top <= row < top + height:
            self._scroll_quietly(max(0, row - height // 3))
        if not self.wrap:
            self._show_column(match)

    def _show_column(self: "RunLog", match: Match) -> None:
        spans = self.search.matcher.spans(self._plain_at(match[0] - self._dropped)) if self.search else []
        if match[1] >= len(spans):
            return
        plain = self._plain_at(match[0] - self._dropped)
        start, end = (cell_len(plain[:i]) for i in spans[match[1]])
        width = max(1, self.scrollable_content_region.width - GUTTER)
        x = round(self.scroll_x)
        if start < x or end > x + width:
            self.scroll_to(x=max(0, start - width // 4), animate=False, immediate=True)

    def _plain_at(self: "RunLog", index: int) -> str:
        stored = self._lines[index]
        return "" if stored[:1] == LABEL_MARK else visible_text(self._strip_mark(stored)[0])

    def search_status(self: "RunLog") -> str:
        """What the search line says: "match 3 of 41", "no match", the error, the filter's count."""
        search = self.search
        if search is None:
            return ""
        if search.error:
            return search.error
        if not search.query.text:
            return "enter: to the log · esc: close"
        if not search.total:
            words = "no match"
        elif search.current is not None and search.current[0] >= self._dropped:
            words = f"match {min(search.ordinal(search.current), search.total):,} of {search.total:,}"
        else:
            words = f"{search.total:,} match" + ("" if search.total == 1 else "es")
        if self._filtering:
            words += f" · {self.hidden_count:,} lines hidden"
        return words

    def _note_search_changed(self: "RunLog", now: bool = False) -> None:
        """Tell the search line; output arriving is told at most ~5 times a second."""
        if self.search is None and not now:
            return
        if now:
            self.post_message(self.SearchChanged(self))
        elif not self._search_note_pending and self.is_attached:
            self._search_note_pending = True
            self.set_timer(0.2, self._flush_search_note)

    def _flush_search_note(self: "RunLog") -> None:
        self._search_note_pending = False
        self.post_message(self.SearchChanged(self))

    def _highlight(self: "RunLog", strip: Strip, plain: str, number: int | None) -> Strip:
        assert self.search is not None
        spans = self.search.matcher.spans(plain)
        if not spans:
            return strip
        current = self.search.current
        chosen = current[1] if current is not None and number is not None and current[0] == number else -1
        ascii_text = plain.isascii()
        cuts: list[int] = []
        for start, end in spans:
            cuts += [start, end] if ascii_text else [cell_len(plain[:start]), cell_len(plain[:end])]
        pieces = list(strip.divide([*cuts, strip.cell_length]))  # [before, m0, between, m1, ...]
        style = self.get_component_rich_style("run-log--match", partial=True)
        current_style = self.get_component_rich_style("run-log--match-current", partial=True)
        for i in range(1, len(pieces), 2):
            pieces[i] = pieces[i].apply_style(current_style if (i - 1) // 2 == chosen else style)
        return Strip.join(pieces)
