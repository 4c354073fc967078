"""``ListPane``: a DataList bound to one repository query, with a filter bar.

A pane watches the query of the selected VM (``watch.QueryWatch``), applies
the repository's keyed change events to its list in place (selection, scroll
and filter survive), says in words under the list what is wrong, and has an
empty state that says why it is empty. Its ``title`` names what it shows and
every filter on it. Subclasses say which query, which columns and which keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Hashable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ...repository import ChangeEvent, Query
from ..actions import bindings
from ..intents import IntentSource, ShowText
from ..server_text import plain
from ..watch import QueryWatch, Watching, data_age_suffix
from .data_list import DataList
from .filter_line import show_filter_problem

if TYPE_CHECKING:
    from textual import getters

    from ..app_base import ArkerAppBase


class PaneCountsChanged(Message):
    """A pane's items, filter or state changed: titles need updating."""


class FilterInput(Input):
    BINDINGS = bindings("filter")

    def action_clear_filter(self) -> None:
        self.value = ""
        host = next((a for a in self.ancestors if isinstance(a, FilterHost)), None)
        if host is not None:
            host.close_filter(clear=True)


class FilterHost(Vertical):
    """A container of a DataList (``self.data_list``) with a `/` filter bar
    (``self.filter_input``) docked under it."""

    query_watch: QueryWatch  # the pane's (ListPane, VmPane): its data age goes in the title

    DEFAULT_CSS = """
    FilterHost > FilterInput { dock: bottom; display: none; height: 3; border: tall $accent; }
    FilterHost > FilterInput.visible { display: block; }
    FilterHost > FilterInput.-bad-term { border: tall $error; border-title-color: $error; }
    """

    data_list: DataList
    noun = "item"
    filter_placeholder = "filter (esc clears)"
    # Made on the first `/`: most panes are never filtered, and every widget
    # mounted at start is paid for before the first paint.
    filter_input: FilterInput | None = None
    error_line: Static  # the line under the list (made by the pane)
    _error_line_shown: Text | None = None

    @property
    def plural(self) -> str:
        return self.noun + "s"

    def show_error_line(self, line: Text | None) -> None:
        """The line under the list, or none. Only when it changed: updating a
        Static lays the screen out again, and this runs on every refresh."""
        if line == self._error_line_shown:
            return
        self._error_line_shown = line
        self.error_line.update(line or "")
        self.error_line.set_class(line is not None, "visible")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "intent" and self.filter_input is not None and self.filter_input.has_focus:
            return False  # a pane key bound with priority (k, s) is a letter of the filter there
        return True

    def open_filter(self) -> None:
        if self.filter_input is None:
            self.filter_input = FilterInput(placeholder=self.filter_placeholder)
            self.mount(self.filter_input)
        self.filter_input.add_class("visible")
        self.filter_input.value = self.data_list.filter
        self.filter_input.focus()

    def close_filter(self, *, clear: bool) -> None:
        if clear:
            self.data_list.set_filter("")
        if self.filter_input is not None:
            if clear:
                self.filter_input.value = ""
            self.filter_input.remove_class("visible")
        self.data_list.focus()
        self.on_items_changed()

    def filter_badges(self) -> list[str]:
        """Every filter on the list, as the title shows it: ``[/pytest]``."""
        text = self.data_list.filter
        return [f"[/{text}]"] if text else []

    @property
    def count_label(self) -> str:
        shown, total = self.data_list.row_count, self.data_list.total_count
        return f"{shown}/{total}" if shown != total else str(total)

    def pane_title(self) -> Text:
        """``Runs [state:running] [/pytest] 0/7 · 2 marked``: what, every filter, how many."""
        title = Text(self.plural.capitalize())
        for badge in self.filter_badges():
            title.append(" ")
            title.append_text(plain(badge, 40, style="bold"))
        title.append(f" {self.count_label}")
        title.append(data_age_suffix(self.query_watch))
        return self.with_marks(title)

    def with_marks(self, title: Text) -> Text:
        """The title with its marks' count, when there are marks."""
        marked = self.data_list.mark_count
        if marked:
            title.append(f" · {marked} marked", style="bold")
        return title

    def on_data_list_marks_changed(self, message: DataList.MarksChanged) -> None:
        message.stop()
        self.on_items_changed()

    def on_items_changed(self) -> None:
        """The list's content changed: titles and counts follow."""
        self.post_message(PaneCountsChanged())

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.filter_input:
            event.stop()
            # Filter from the list's own message loop: a message the list posts
            # (e.g. a new selection) is otherwise taken to come from this
            # container and is not bubbled through it.
            self.data_list.call_next(self.data_list.set_filter, event.value)
            self.call_next(self.on_items_changed)
            show_filter_problem(self, event.value)  # a bad term is named in the line

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.filter_input:
            event.stop()
            self.close_filter(clear=False)


class ListPane(IntentSource, Watching, FilterHost):
    """Base of the Runs, Sessions, Tunnels, Syncs and Filesystems panes."""

    if TYPE_CHECKING:  # the app typed (see app_base)
        app = getters.app(ArkerAppBase)

    DEFAULT_CSS = """
    ListPane { height: 1fr; }
    ListPane > .pane-error { height: auto; color: $error; padding: 0 1; display: none; }
    ListPane > .pane-error.visible { display: block; }
    """

    BINDINGS = bindings("listpane")

    kind = "items"  # repository kind used for pending marks
    empty_text = "Nothing here."
    vm_scoped = True
    has_times = True  # a column of relative times: re-rendered every second

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.vm_id: str | None = None
        self.data_list = self.make_list()
        self.error_line = Static("", classes="pane-error", markup=False)
        self.filter_placeholder = f"filter {self.plural} (esc clears)"
        self.query_watch = self.watch_query(self._on_change)

    # --- subclass hooks -------------------------------------------------------

    def make_list(self) -> DataList:
        raise NotImplementedError

    def make_query(self, vm_id: str | None) -> Query | None:
        raise NotImplementedError

    def loaded_empty_text(self) -> str:
        """The empty state once loaded (a subclass may name its own filters)."""
        return self.empty_text

    # --- composition ----------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.data_list
        yield self.error_line

    @property
    def repo(self) -> Any:
        return self.app.repository

    @property
    def query_key(self) -> Query | None:
        """The query watched now (None while off screen)."""
        return self.query_watch.query

    @property
    def bound(self) -> bool:
        """Showing live data of ``vm_id`` (or of the org), not a list left from before."""
        return self.query_watch.query is not None

    @property
    def cursor_item(self) -> Any:
        return self.data_list.cursor_item if self.bound else None

    # --- binding to a VM ------------------------------------------------------

    def bind_vm(self, vm_id: str | None) -> None:
        """Show the pane's list for this VM (or the org-wide list)."""
        query = self.make_query(vm_id)
        if query == self.query_watch.query and (query is None or self.vm_id == vm_id):
            return
        changed_vm = vm_id != self.vm_id
        self.vm_id = vm_id
        if query is None:
            self.query_watch.forget()
            self.data_list.empty_text = "Select a VM in the tree."
            self.data_list.set_items([])
            self._show_status()
            return
        if changed_vm or self.query_watch.query is None:
            self.data_list.set_items([])  # never another VM's rows, not even for a frame
        self.query_watch.watch(query)
        self._show_status()
        self.on_items_changed()

    def rebind(self) -> None:
        """Watch again with the current filters (a filter of the query changed)."""
        self.query_watch.forget()
        self.bind_vm(self.vm_id)

    def unbind(self) -> None:
        """Stop watching: the pane is off screen (its cache entry goes stale)."""
        self.query_watch.forget()

    def _on_change(self, event: ChangeEvent) -> None:
        if event.error is None:
            if event.added or event.changed or event.removed:
                self.data_list.apply_changes(event.added, event.changed, event.removed)
            else:
                self.data_list.set_items(event.value or [])
        self._show_status()
        self.on_items_changed()

    def _show_status(self) -> None:
        status = self.query_watch.status
        self.data_list.empty_text = status.empty_text(self.noun, self.loaded_empty_text())
        self.data_list.filter_empty_text = f"No {self.plural} match the filter (esc clears)."
        self.data_list.refresh()
        self.show_error_line(status.error_line() if self.bound else None)

    def tick(self) -> None:
        """Once a second while shown: relative times and durations move on."""
        if self.has_times and self.bound and self.data_list.row_count:
            self.data_list.refresh_rows()
        if self.query_watch.status.error is not None:
            self._show_status()  # "retrying in N s" counts down

    # --- keys -----------------------------------------------------------------

    def action_copy_id(self) -> None:
        key = self.data_list.cursor_key if self.bound else None
        if key is None:
            self.notify(f"No {self.noun} selected.", severity="warning")
            return
        self.app.copy_to_clipboard(str(key))
        self.notify(f"Copied {self.noun} id {str(key)[:80]}", timeout=2)

    def on_data_list_selected(self, message: DataList.Selected) -> None:
        """Enter on a row opens it."""
        message.stop()
        self.action_open()

    def action_open(self) -> None:
        """Every field of the row in full (the list trims to fit)."""
        item = self.cursor_item
        if item is None:
            return
        fields = item.model_dump(exclude_none=True, exclude={"auth_token"})  # a secret never shows
        width = max((len(k) for k in fields), default=0)
        body = "\n".join(f"{k:<{width}}  {v}" for k, v in fields.items())
        self.post_message(ShowText(f"{self.noun.capitalize()} {self.data_list.cursor_key}", body))

    # --- pending marks --------------------------------------------------------

    def pending_of(self, key: Hashable) -> str | None:
        return self.repo.is_pending(self.kind, key)
