"""``LogSearchBar``: the search line under the run log.

It holds what the user typed and the three toggles (regular expression,
case, filter) and says what came of it ("match 3 of 41", "no match", a bad
regular expression). It only posts messages; ``RunView`` applies them to its
``RunLog`` and hands the status back.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ..actions import action, bindings
from ..keymap import keys_of
from ..log_search import Query
from ..server_text import plain

TOGGLES = ("regex", "case", "filter")
WORDS = {"regex": "regex", "case": "case", "filter": "filter"}


class Toggle(Static):
    """One clickable toggle: its word, bold when on."""

    def __init__(self, name: str) -> None:
        super().__init__("", id=f"log-search-{name}", markup=False)
        self.toggle_name = name
        self.on = False

    def show(self, on: bool, key: str) -> None:
        self.on = on
        text = Text()
        text.append(("☑ " if on else "☐ ") + WORDS[self.toggle_name], style="bold" if on else "")
        text.append(f" {key}", style="dim")
        self.update(text)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(LogSearchBar.Toggled(self.toggle_name))


class LogSearchBar(Vertical):
    DEFAULT_CSS = """
    LogSearchBar { height: auto; background: $panel; padding: 0 1; display: none; }
    LogSearchBar > Horizontal { height: 1; }
    LogSearchBar .log-search-prompt { width: 2; color: $accent; text-style: bold; }
    LogSearchBar Input { width: 1fr; min-width: 8; }
    LogSearchBar Toggle { width: auto; margin-left: 1; }
    LogSearchBar #log-search-status { height: 1; color: $text-muted; }
    LogSearchBar #log-search-status.error { color: $text-error; }
    """

    BINDINGS = bindings("logsearch")

    class Changed(Message):
        """The query changed (a keystroke or a toggle)."""

        def __init__(self, query: Query, filter: bool) -> None:
            super().__init__()
            self.query = query
            self.filter = filter

    class Closed(Message):
        """esc: close the search."""

    class Done(Message):
        """enter: back to the log, keeping the search."""

    class Step(Message):
        """Move to the next / previous match from the search line."""

        def __init__(self, forward: bool) -> None:
            super().__init__()
            self.forward = forward

    class Toggled(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.input = Input(placeholder="search", compact=True, id="log-search-input")
        self.status = Static("", id="log-search-status", markup=False)
        self.toggles = {name: Toggle(name) for name in TOGGLES}
        self.state = {name: False for name in TOGGLES}

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("/", classes="log-search-prompt", markup=False)
            yield self.input
            yield from self.toggles.values()
        yield self.status

    def on_mount(self) -> None:
        self._show_toggles()

    @property
    def search_query(self) -> Query:  # not "query": that is DOMNode.query
        return Query(self.input.value, regex=self.state["regex"], case=self.state["case"])

    def open(self) -> None:
        self.display = True
        self.input.focus()

    def _show_toggles(self) -> None:
        keymap = getattr(self.app, "keymap", {})
        for name, toggle in self.toggles.items():
            keys = keys_of(action(f"logsearch.{name}"), keymap)
            key = keys[0].replace("ctrl+", "^").upper() if keys else ""
            toggle.show(self.state[name], key)

    def show_status(self, text: str, error: bool = False) -> None:
        self.status.update(plain(text, 300))
        self.status.set_class(error, "error")

    # --- what the user does ---------------------------------------------------------

    @on(Input.Changed, "#log-search-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed()

    @on(Input.Submitted, "#log-search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_done()

    def on_log_search_bar_toggled(self, message: "LogSearchBar.Toggled") -> None:
        message.stop()
        self.action_toggle_option(message.name)

    def action_toggle_option(self, name: str) -> None:  # not "toggle": that is DOMNode's own action
        self.state[name] = not self.state[name]
        self._show_toggles()
        self._changed()

    def _changed(self) -> None:
        self.post_message(self.Changed(self.search_query, self.state["filter"]))

    def action_close(self) -> None:
        self.post_message(self.Closed())

    def action_done(self) -> None:
        self.post_message(self.Done())

    def action_step(self, forward: bool) -> None:
        self.post_message(self.Step(forward))
