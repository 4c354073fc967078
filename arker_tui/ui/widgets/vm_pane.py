"""``VmPane``: the org's VM list (the tree), its filter, its keys, and what
went wrong fetching it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from ...api import models as m
from ...repository import ChangeEvent, Query
from ..actions import bindings
from ..intents import IntentSource
from ..lineage import fork_parents
from ..server_text import plain
from ..watch import Watching, data_age_suffix
from .border_titles import set_border_subtitle
from .list_pane import FilterHost
from .vm_tree import VmTree


class VmPane(IntentSource, Watching, FilterHost):
    """The VM tree with the VM-level keys (delete, fork, run, ...) and its filter."""

    DEFAULT_CSS = """
    VmPane > .pane-error { height: auto; color: $error; padding: 0 1; display: none; }
    VmPane > .pane-error.visible { display: block; }
    """

    BINDINGS = bindings("vms")
    noun = "VM"
    data_list: VmTree

    class VmsChanged(Message):
        """The VM list changed, or fetching it failed (``event.error``)."""

        def __init__(self, event: ChangeEvent, first: bool) -> None:
            super().__init__()
            self.event = event
            self.first = first  # the first VMs to arrive

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data_list = VmTree(id="vm-tree")
        self.filter_placeholder = "filter VMs: words, state:idle… (? terms)"
        self.error_line = Static("", classes="pane-error", markup=False)
        self.query_watch = self.watch_query(self._on_vms, deliver_to=self.data_list)
        # The fork tree's rows: watched only while the tree is grouped by lineage.
        self.fork_watch = self.watch_query(self._on_fork_rows)
        self._told_no_fork_tree = False
        self._loaded = False

    @property
    def vm_tree(self) -> VmTree:
        return self.data_list

    def compose(self) -> ComposeResult:
        yield self.data_list
        yield self.error_line

    def on_mount(self) -> None:
        self.query_watch.watch(Query.vms())
        self._watch_fork_rows()
        self.set_interval(30, self.vm_tree.tick)  # AGE / STARTED are in minutes at best

    # --- the fork tree ----------------------------------------------------------

    def on_vm_tree_grouping_changed(self, message: VmTree.GroupingChanged) -> None:
        self._watch_fork_rows()

    def _watch_fork_rows(self) -> None:
        if self.vm_tree.grouping == "lineage":
            self.fork_watch.watch(Query.fork_rows())
        else:
            self.fork_watch.forget()

    def _on_fork_rows(self, event: ChangeEvent) -> None:
        status = self.fork_watch.status
        if status.unavailable:
            self.vm_tree.set_fork_parents(None)  # grouped by root, as before
            if not self._told_no_fork_tree:
                self._told_no_fork_tree = True
                self.notify("This server has no fork log: the VM tree groups by root only.",
                            title="Fork tree unavailable", severity="warning", timeout=8)
            return
        if event.error is None:
            self.vm_tree.set_fork_parents(fork_parents(event.value or []))
        elif not status.loaded:
            self.vm_tree.set_fork_parents({})  # cannot be read: every fork's parent is unknown
        self.show_fork_note()

    def on_vm_tree_vm_selected(self, message: VmTree.VmSelected) -> None:
        self.show_fork_note()

    def show_fork_note(self) -> None:
        """The tree marks a VM it cannot place with "?"; the words are under it,
        in the frame, for the selected VM (the row is too narrow for them)."""
        vm_id = self.vm_tree.selected_vm_id
        note = self.vm_tree.note_of(vm_id) if vm_id is not None else ""
        subtitle = plain(f"? {note}", 60, style="yellow") if note else None
        set_border_subtitle(self, subtitle)

    def pane_title(self) -> Text:
        title = Text("VMs")
        for badge in self.filter_badges():
            title.append(f" {badge}", style="bold")
        tree = self.vm_tree
        shown, total = tree.shown_vm_count, tree.vm_count
        title.append(f" {shown:,}/{total:,}" if tree.filter else f" {total:,}")
        title = self.with_marks(title)
        # A border title has the pane's width less 6 cells (corners, dashes, spaces).
        room = self.size.width - 6 - title.cell_len if self.size.width else None
        title.append(data_age_suffix(self.query_watch, room))
        return title

    def _on_vms(self, event: ChangeEvent) -> None:
        first = False
        if event.error is None:
            first = not self._loaded and bool(event.value)
            self._loaded = self._loaded or event.value is not None
            if event.added or event.changed or event.removed:
                self.vm_tree.apply_vm_changes(event.added, event.changed, event.removed)
            else:
                self.vm_tree.set_vms(event.value or [])
            if first:
                self.select_first_vm()
        self.show_status()
        self.post_message(self.VmsChanged(event, first))

    def show_status(self) -> None:
        self.show_error_line(self.query_watch.status.error_line() if self._loaded else None)

    def select_first_vm(self) -> None:
        """On first load, start on a VM rather than on a group row."""
        for item in self.vm_tree.items():
            if isinstance(item, m.Vm):
                self.vm_tree.move_cursor_to_key(item.vm_id)
                return

    def action_copy_id(self) -> None:
        vm = self.vm_tree.selected_vm
        if vm is None:
            self.notify("No VM selected (the cursor is on a group).", severity="warning")
            return
        self.app.copy_to_clipboard(vm.vm_id)
        self.notify(f"Copied VM id {vm.vm_id}", timeout=2)
