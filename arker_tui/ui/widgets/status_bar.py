"""The top status line: where we are connected and how fresh the data is."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widget import Widget

from ...api.errors import ArkerError
from ..server_text import plain

# What the bar says of a failing refresh; the whole reason is shown where the data is.
SHORT_ERRORS = {"network_error": "offline", "unauthorized": "key refused", "forbidden": "forbidden",
                "resource_pressure": "rate limited"}


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
        self.last_error: ArkerError | None = None
        self.vm_count: int | None = None  # VMs in the list, once it arrived
        self.vm_list_age = ""  # "34 s old · next in 12 s" (staleness.py)

    def set_state(self, *, state: str, last_success: float | None, last_error: ArkerError | None,
                  vm_count: int | None = None, vm_list_age: str = "") -> None:
        shown = (self.refresh_state, self.error_word(), self.age_text())
        self.refresh_state, self.last_success, self.last_error = state, last_success, last_error
        self.vm_count, self.vm_list_age = vm_count, vm_list_age
        if (state, self.error_word(), self.age_text()) != shown:  # a fetch within the same second repaints nothing
            self.refresh()

    def error_word(self) -> str:
        error = self.last_error
        return SHORT_ERRORS.get(error.code, "error") if error is not None else ""

    def age_text(self) -> str:
        """How old the data is: "VMs 10,000 · 34 s old · next in 12 s" (or,
        without the VM list's figures, "2 s ago"); before any data, "loading"
        (or "no data" when failing)."""
        if self.vm_count is not None and self.vm_list_age:
            return f"VMs {self.vm_count:,} · {self.vm_list_age}"
        if self.last_success is None:
            return "no data" if self.refresh_state == "error" else "loading"
        age = max(0.0, time.monotonic() - self.last_success)
        if age < 60:
            return f"{age:.0f} s ago"
        if age < 3600:
            return f"{age / 60:.0f} min ago"
        return f"{age / 3600:.1f} h ago"

    def render(self) -> Text:
        right = self._right()
        width = self.size.width
        left = Text(" arker-tui ", style="bold")
        where = f" {self.profile} · {self.org or '…'} · {self.region_name} / {self.provider} "
        # The right side (state, data age, modes) is what must stay: the place is cut first.
        room = min(80, width - left.cell_len - right.cell_len - 1)
        if room >= 12:
            left.append_text(plain(where, room, style="dim" if width < 90 else ""))
        pad = max(1, width - left.cell_len - right.cell_len)
        line = left + Text(" " * pad) + right
        line.truncate(width, overflow="ellipsis")
        return line

    def _right(self) -> Text:
        right = Text()
        if self.refresh_state == "paused":
            right.append("○ paused", style="bold yellow")
        elif self.refresh_state == "error":
            right.append(f"● {self.error_word() or 'error'}", style="bold red")
        else:
            right.append("● live", style="bold green")
        right.append(f" · {self.age_text()} ")
        if self.readonly:
            right.append(" READ-ONLY ", style="bold black on yellow")
            right.append(" ")
        if self.demo:
            right.append(" DEMO ", style="bold black on cyan")
            right.append(" ")
        return right
