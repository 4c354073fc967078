"""``TextView``: a modal that shows a block of text in full (env, a long
field, a row with every field), however long: it scrolls over a virtual
log, so a field of megabytes opens as fast as a line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..actions import bindings
from ..server_text import plain
from ..widgets.run_log import RunLog


class TextView(ModalScreen[None]):
    BINDINGS = bindings("textview")

    DEFAULT_CSS = """
    TextView { align: center middle; background: $background 60%; }
    TextView > Vertical { width: 90%; max-width: 120; height: auto; max-height: 85%;
        border: thick $accent; background: $surface; padding: 0 1; }
    TextView .title { text-style: bold; color: $accent; padding-bottom: 1; }
    TextView RunLog { height: auto; max-height: 30; }
    TextView .hint { color: $text-muted; padding-top: 1; }
    """

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = plain(title, 200)
        self.body = body
        self.viewer = RunLog(wrap=True, following=False, empty_text="(empty)")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            yield self.viewer
            yield Static("esc close · y copy · ↑↓ pgup pgdn scroll", classes="hint")

    def on_mount(self) -> None:
        self.viewer.set_output(self.body)
        self.viewer.focus()

    def action_dismiss_view(self) -> None:
        self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard("\n".join(self.viewer.plain_lines()))
        self.notify("Copied to the clipboard")
