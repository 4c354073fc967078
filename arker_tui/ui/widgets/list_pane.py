"""``ListPane``: a DataList bound to one repository query, with a filter bar.

A pane subscribes to the query of the selected VM, applies the repository's
keyed change events to its list in place (selection, scroll and filter
survive), shows errors in words under the list and an empty state that says
what to do. Subclasses say which query, which columns and which actions.
"""

from __future__ import annotations

from typing import Any, Hashable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ...api.errors import ArkerError
from ...repository import ChangeEvent, Query
from ..terminal_text import safe_label
from .data_list import DataList


class PaneCountsChanged(Message):
    """A pane's item count changed: tab titles need updating."""


class FilterInput(Input):
    BINDINGS = [Binding("escape", "clear_filter", "Clear filter", id="filter.clear")]

    def action_clear_filter(self) -> None:
        self.value = ""
        host = next((a for a in self.ancestors if isinstance(a, FilterHost)), None)
        if host is not None:
            host.close_filter(clear=True)


class FilterHost(Vertical):
    """A container of a DataList (``self.data_list``) with a `/` filter bar
    (``self.filter_input``) docked under it."""

    DEFAULT_CSS = """
    FilterHost > FilterInput { dock: bottom; display: none; height: 3; border: tall $accent; }
    FilterHost > FilterInput.visible { display: block; }
    """

    data_list: DataList
    filter_placeholder = "filter (esc clears)"
    # Made on the first `/`: most panes are never filtered, and every widget
    # mounted at start is paid for before the first paint.
    filter_input: FilterInput | None = None

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

    def on_items_changed(self) -> None:
        """Hook: the list's content changed (update titles, counts...)."""
        self.post_message(PaneCountsChanged())

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.filter_input:
            event.stop()
            # Filter from the list's own message loop: a message the list posts
            # (e.g. a new selection) is otherwise taken to come from this
            # container and is not bubbled through it.
            self.data_list.call_next(self.data_list.set_filter, event.value)
            self.call_next(self.on_items_changed)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.filter_input:
            event.stop()
            self.close_filter(clear=False)


class ListPane(FilterHost):
    """Base of the Runs, Sessions, Tunnels, Syncs and Filesystems panes."""

    DEFAULT_CSS = """
    ListPane { height: 1fr; }
    ListPane > .pane-error { height: auto; color: $error; padding: 0 1; display: none; }
    ListPane > .pane-error.visible { display: block; }
    """

    BINDINGS = [Binding("y", "copy_id", "Copy id", id="list.copy_id")]

    kind = "items"  # repository kind used for pending marks
    noun = "item"
    empty_text = "Nothing here."
    vm_scoped = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.vm_id: str | None = None
        self._subscription: Any = None
        self.query_key: Query | None = None
        self.data_list = self.make_list()
        self.error_line = Static("", classes="pane-error")
        self.filter_placeholder = f"filter {self.noun}s (esc clears)"
        self.unavailable = False

    # --- subclass hooks -------------------------------------------------------

    def make_list(self) -> DataList:
        raise NotImplementedError

    def make_query(self, vm_id: str | None) -> Query | None:
        raise NotImplementedError

    # --- composition ----------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.data_list
        yield self.error_line

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.app.allows(action)

    @property
    def repo(self):
        return self.app.repository

    @property
    def count_label(self) -> str:
        shown, total = self.data_list.row_count, self.data_list.total_count
        return f"{shown}/{total}" if shown != total else str(total)

    def on_unmount(self) -> None:
        self._unsubscribe()

    # --- binding to a VM ------------------------------------------------------

    def bind_vm(self, vm_id: str | None) -> None:
        """Show the pane's list for this VM (or the org-wide list)."""
        query = self.make_query(vm_id)
        if query == self.query_key:
            return
        self._unsubscribe()
        self.vm_id = vm_id
        self.query_key = query
        self.unavailable = False
        self._show_error(None)
        if query is None:
            self.data_list.empty_text = "Select a VM in the tree."
            self.data_list.set_items([])
            return
        entry = self.repo.peek(query)
        value = entry.value if entry is not None else None
        self.data_list.empty_text = "Loading…" if value is None else self.empty_text
        self.data_list.set_items(value or [])
        self._subscription = self.repo.subscribe(query, self._on_change)
        self.on_items_changed()

    def selected(self) -> Any:
        """The row under the cursor, or None after saying nothing is selected."""
        item = self.data_list.cursor_item
        if item is None or (self.vm_scoped and self.vm_id is None):
            self.app.notify(f"No {self.noun} selected.", severity="warning")
            return None
        return item

    def action_copy_id(self) -> None:
        if self.selected() is None:
            return
        key = self.data_list.cursor_key
        self.app.copy_to_clipboard(str(key))
        self.app.notify(f"Copied {self.noun} id {safe_label(str(key), 80)}", timeout=2)

    def on_data_list_selected(self, message: DataList.Selected) -> None:
        """Enter on a row opens it."""
        message.stop()
        self.action_open()

    def action_open(self) -> None:
        """Every field of the row in full (the list trims to fit)."""
        item = self.data_list.cursor_item
        if item is None:
            return
        fields = item.model_dump(exclude_none=True, exclude={"auth_token"})  # a secret never shows
        width = max((len(k) for k in fields), default=0)
        body = "\n".join(f"{k:<{width}}  {v}" for k, v in fields.items())
        self.app.show_text(f"{self.noun.capitalize()} {self.data_list.cursor_key}", body)

    def unbind(self) -> None:
        """Stop watching: the pane is off screen (its cache entry goes stale)."""
        self._unsubscribe()
        self.query_key = None

    def _unsubscribe(self) -> None:
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None

    def _on_change(self, event: ChangeEvent) -> None:
        if event.query != self.query_key:
            return
        if event.error is not None:
            self._show_error(event.error)
            if event.value is None and self.data_list.total_count == 0:
                self.data_list.empty_text = "Could not load: see the error below."
                self.data_list.refresh()
            return
        self._show_error(None)
        self.data_list.empty_text = self.empty_text
        if event.added or event.changed or event.removed:
            self.data_list.apply_changes(event.added, event.changed, event.removed)
        else:
            self.data_list.set_items(event.value or [])
        self.on_items_changed()

    def _show_error(self, error: ArkerError | None) -> None:
        if error is None:
            self.error_line.remove_class("visible")
            return
        if error.code in ("unsupported_operation", "not_implemented"):
            self.unavailable = True
            self.data_list.empty_text = f"{self.noun.capitalize()}s are not available on this backend."
            self.data_list.refresh()
            text = f"unavailable: {error.message}"
        else:
            text = f"{error.code}: {error.message} · showing the last good data · retrying"
        self.error_line.update(safe_label(text, 300))
        self.error_line.add_class("visible")

    # --- pending marks --------------------------------------------------------

    def pending_of(self, key: Hashable) -> str | None:
        return self.repo.is_pending(self.kind, key)
