"""``ConfirmDialog``: every destructive action asks here first.

It names its target (kind, name, id, and what goes with it); Cancel has the
focus, so a stray ``enter`` backs out. ``y`` confirms, ``n`` / ``esc`` back out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..terminal_text import safe_label


@dataclass(frozen=True)
class ConfirmRequest:
    verb: str  # "Delete", "Cancel"
    kind: str  # "VM", "run", "session", ...
    name: str
    ident: str
    consequences: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.verb} {self.kind}?"


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "confirm", "Yes", id="confirm.yes"),
        Binding("n,escape", "back_out", "No", id="confirm.no"),
        Binding("left,right", "switch_button", "Switch", show=False, id="confirm.switch"),
    ]

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; background: $background 60%; }
    ConfirmDialog > Vertical {
        width: 64; max-width: 96%; height: auto; max-height: 100%;
        border: thick $error; background: $surface; padding: 0 1;
    }
    ConfirmDialog Static { width: 100%; height: auto; }
    ConfirmDialog .title { text-style: bold; color: $error; }
    ConfirmDialog .consequences { color: $warning; }
    ConfirmDialog .hint { color: $text-muted; }
    ConfirmDialog Horizontal { height: auto; width: 100%; align-horizontal: right; }
    ConfirmDialog Button { margin-left: 2; min-width: 10; }
    """

    def __init__(self, request: ConfirmRequest) -> None:
        super().__init__()
        self.request = request

    def compose(self) -> ComposeResult:
        r = self.request
        with Vertical():
            yield Static(r.title, classes="title")
            name = safe_label(r.name, 60)
            ident = safe_label(r.ident, 60)
            target = f"{r.kind} [b]{escape(name)}[/b]" + (f"  ({escape(ident)})" if ident != name else "")
            yield Static(target, classes="target")
            if r.consequences:
                yield Static("\n".join(f"• {escape(line)}" for line in r.consequences), classes="consequences")
            yield Static("This cannot be undone." if r.verb == "Delete" else "The run stops where it is.", classes="hint")
            with Horizontal():
                # "Cancel" beside "Cancel run" would read as the action itself.
                back = "Keep running" if r.verb == "Cancel" else "Cancel"
                yield Button(back, id="cancel", variant="default")
                yield Button(f"{r.verb} {r.kind}", id="confirm", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_back_out(self) -> None:
        self.dismiss(False)

    def action_switch_button(self) -> None:
        target = "#confirm" if self.focused and self.focused.id == "cancel" else "#cancel"
        self.query_one(target, Button).focus()
