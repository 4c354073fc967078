"""``TextView``: a modal that shows a block of text in full (env, long names)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..terminal_text import safe_label


class TextView(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,enter", "dismiss_view", "Close", id="textview.close"),
        Binding("y", "copy", "Copy", id="textview.copy"),
    ]

    DEFAULT_CSS = """
    TextView { align: center middle; background: $background 60%; }
    TextView > Vertical { width: 90%; max-width: 120; height: auto; max-height: 85%;
        border: thick $accent; background: $surface; padding: 0 1; }
    TextView .title { text-style: bold; color: $accent; padding-bottom: 1; }
    TextView VerticalScroll { height: auto; max-height: 30; }
    TextView .hint { color: $text-muted; padding-top: 1; }
    """

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = safe_label(title, 200)
        # Keep line breaks, strip every other control character.
        self.body = "\n".join(safe_label(line) for line in body.splitlines())

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title", markup=False)
            with VerticalScroll():
                yield Static(self.body, markup=False)
            yield Static("esc close · y copy", classes="hint")

    def action_dismiss_view(self) -> None:
        self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.body)
        self.app.notify("Copied to the clipboard")
