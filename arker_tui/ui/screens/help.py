"""``HelpScreen``: every key, grouped by pane, from the action table, with the
keys as they are bound now (after the user's keymap). Full screen and
scrollable; the pane that had the focus comes first."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ..actions import ACTIONS, SCOPES, Action, bindings


def help_text(key_of, scopes: tuple[str, ...], first: str | None = None) -> Text:
    """The help, as one Text: a heading per pane, a line per key.
    ``key_of(action)`` gives the keys an action is on now."""
    headings: dict[str, list[Action]] = {}
    for action in ACTIONS:
        if action.scope in scopes:
            headings.setdefault(SCOPES[action.scope], []).append(action)
    order = list(headings)
    if first is not None and SCOPES.get(first) in headings:
        order.remove(SCOPES[first])
        order.insert(0, SCOPES[first])
    text = Text()
    for heading in order:
        if text:
            text.append("\n")
        text.append(f"{heading}\n", style="bold underline")
        for action in headings[heading]:
            text.append(f"  {key_of(action):<16}", style="bold")
            text.append(f" {action.help or action.description}\n")
    return text


class HelpScreen(Screen[None]):
    BINDINGS = bindings("help")

    DEFAULT_CSS = """
    HelpScreen { background: $surface; }
    HelpScreen #help-title { height: 1; background: $panel; text-style: bold; padding: 0 1; }
    HelpScreen VerticalScroll { height: 1fr; padding: 0 1; }
    HelpScreen #help-hint { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, body: Text) -> None:
        super().__init__()
        self.body = body

    def compose(self) -> ComposeResult:
        yield Static("arker-tui keys: every pane, as bound now", id="help-title")
        with VerticalScroll(id="help-body"):
            yield Static(self.body)
        yield Static("↑ ↓ pgup pgdn scroll · esc / q / ? close · : or ctrl+p runs any action by name",
                     id="help-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
