"""The run log's text for the clipboard: the lines on screen, and a mouse
selection (drawn on the rows, read back as text).

Part of ``RunLog`` (a mixin over its rows). Rows carry Textual's selection
offsets (``Strip.apply_offsets``) except while the log pours out more than a
screenful per update (see ``RunLog._pouring``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.selection import Selection
from textual.strip import Strip

from ..terminal_text import visible_text
from .run_log_marks import LABEL_MARK

if TYPE_CHECKING:  # pragma: no cover
    from .run_log import RunLog



class LogSelecting:
    def screen_text(self: "RunLog") -> str:
        """The lines on screen as plain text (partial lines too, no labels)."""
        out: list[str] = []
        top = round(self.scroll_y)
        seen: set[object] = set()
        for y in range(self.scrollable_content_region.height):
            where = self._locate(top + y)
            if where is None:
                break
            kind, key, _sub = where
            if kind == "note" or (kind, key) in seen:
                continue
            seen.add((kind, key))
            stored = self._lines[key] if kind == "line" else key  # type: ignore[index]
            if stored[:1] != LABEL_MARK:  # type: ignore[index]
                out.append(visible_text(self._strip_mark(stored)[0]))  # type: ignore[arg-type]
        return "\n".join(out)

    def _selected(self: "RunLog", strip: Strip, row: int, x: int) -> Strip:
        """``strip`` (text starting at column ``x`` of content ``row``) with the selection shown."""
        selection = self.text_selection
        if selection is None:
            return strip
        span = selection.get_span(row)
        if span is None:
            return strip
        start, end = span
        end = strip.cell_length + x if end == -1 else end
        start, end = max(0, start - x), min(strip.cell_length, end - x)
        if start >= end:
            return strip
        style = self.screen.get_component_rich_style("screen--selection")
        before, chosen, after = strip.divide([start, end, strip.cell_length])
        return Strip.join([before, chosen.apply_style(style), after])

    def _row_text(self: "RunLog", row: int) -> str:
        """The text of one content row as selection offsets count it."""
        where = self._locate(row)
        if where is None:
            return ""
        kind, key, sub = where
        if kind == "note":
            return ""
        stored = self._lines[key] if kind == "line" else key  # type: ignore[index]
        if stored[:1] == LABEL_MARK:  # type: ignore[index]
            return ""
        if self.wrap:
            pieces = self._wrapped(stored, None)  # type: ignore[arg-type]
            return pieces[sub].text if sub < len(pieces) else ""
        return visible_text(self._strip_mark(stored)[0])  # type: ignore[arg-type]

    def get_selection(self: "RunLog", selection: Selection) -> tuple[str, str] | None:
        """The selected text (rows before the selection stay empty: only the selected rows are read)."""
        total = self._total_rows()
        first = selection.start.y if selection.start is not None else 0
        last = min(total - 1, selection.end.y if selection.end is not None else total - 1)
        if last < first:
            return None
        rows = [""] * first + [self._row_text(row) for row in range(first, last + 1)]
        return selection.extract("\n".join(rows)), "\n"

    def selection_updated(self: "RunLog", selection: Selection | None) -> None:
        self.refresh()
