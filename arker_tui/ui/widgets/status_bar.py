"""The top status line: where we are connected and how fresh the data is."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widget import Widget

from ..terminal_text import safe_label


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; }
    """

    def __init__(self, *, profile: str, region: str, provider: str, demo: bool, readonly: bool) -> None:
        super().__init__()
        self.profile = profile
        self.region_name = region
        self.provider = provider
        self.demo = demo
        self.readonly = readonly
        self.org: str | None = None
        self.refresh_state = "live"  # live | paused | error
        self.last_success: float | None = None  # monotonic seconds
        self.last_error: str | None = None

    def set_state(self, *, state: str, last_success: float | None, last_error: str | None) -> None:
        shown = (self.refresh_state, self.last_error, self.age_text())
        self.refresh_state, self.last_success, self.last_error = state, last_success, last_error
        if (state, last_error, self.age_text()) != shown:  # a fetch within the same second repaints nothing
            self.refresh()

    def age_text(self) -> str:
        if self.last_success is None:
            return "loading"
        age = max(0.0, time.monotonic() - self.last_success)
        if age < 60:
            return f"{age:.0f} s ago"
        if age < 3600:
            return f"{age / 60:.0f} min ago"
        return f"{age / 3600:.1f} h ago"

    def render(self) -> Text:
        left = Text(" arker-tui ", style="bold")
        where = f" {self.profile} · {self.org or '…'} · {self.region_name} / {self.provider} "
        left.append(where, style="dim" if self.size.width < 90 else "")
        right = Text()
        if self.refresh_state == "paused":
            right.append("○ paused", style="bold yellow")
        elif self.refresh_state == "error":
            right.append("● error", style="bold red")
        else:
            right.append("● live", style="bold green")
        right.append(f" · {self.age_text()} ")
        if self.readonly:
            right.append(" READ-ONLY ", style="bold black on yellow")
            right.append(" ")
        if self.demo:
            right.append(" DEMO ", style="bold black on cyan")
            right.append(" ")
        width = self.size.width
        if self.last_error and self.refresh_state == "error":
            room = width - left.cell_len - right.cell_len - 2
            if room > 12:
                error = safe_label(self.last_error, room)
                left.append(" " + error, style="red")
        pad = max(1, width - left.cell_len - right.cell_len)
        line = left + Text(" " * pad) + right
        line.truncate(width, overflow="ellipsis")
        return line
