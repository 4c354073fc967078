"""``HelpScreen``: every key, grouped by pane, from the action table, with the
keys as they are bound now (after the user's keymap). Full screen and
scrollable; the pane that had the focus comes first."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ..actions import ACTIONS, SCOPES, Action, bindings


def help_text(key_of, scopes: tuple[str, ...], first: str | None = None) -> Group:
    """The help: a heading per pane, a line per key naming the action and
    what it does (wrapped under itself, never under the keys).
    ``key_of(action)`` gives the keys an action is on now."""
    headings: dict[str, list[Action]] = {}
    for action in ACTIONS:
        if action.scope in scopes:
            headings.setdefault(SCOPES[action.scope], []).append(action)
    order = list(headings)
    if first is not None and SCOPES.get(first) in headings:
        order.remove(SCOPES[first])
        order.insert(0, SCOPES[first])
    parts: list[Text | Table] = []
    for heading in order:
        parts.append(Text(("\n" if parts else "") + heading, style="bold underline"))
        table = Table.grid(padding=(0, 2), pad_edge=True, expand=True)
        table.add_column(width=12, no_wrap=True, style="bold")
        table.add_column(ratio=1)
        for action in headings[heading]:
            what = Text(action.description, style="bold")
            if action.help and action.help != action.description:
                what.append(f" — {action.help}")
            table.add_row(key_of(action), what)
        parts.append(table)
    return Group(*parts)


class HelpScreen(Screen[None]):
    BINDINGS = bindings("help")

    DEFAULT_CSS = """
    HelpScreen { background: $surface; }
    HelpScreen #help-title { height: 1; background: $panel; text-style: bold; padding: 0 1; }
    HelpScreen VerticalScroll { height: 1fr; padding: 0 1; }
    HelpScreen #help-hint { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, body: Group | Text) -> None:
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
