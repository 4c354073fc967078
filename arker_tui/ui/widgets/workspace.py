"""``Workspace``: the main screen's body. The VM tree on the left; on the
right the selected VM's header, its tabs (Runs, Sessions, Tunnels,
Filesystems, Details) and, when one is open, a run's log.

It keeps what is shown true: the panes show the VM the header names, a pane
off screen watches nothing, titles carry every filter and count, focus never
stays on something hidden, and every relative time moves once a second.
The screen's controller asks it what is on screen (``pane_of``,
``is_shown``) and tells it what to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Static

from ...api import models as m
from ...api.errors import ArkerError
from ...repository import Query
from ..problems import vm_list_problem
from ..server_text import plain
from .border_titles import set_border_title
from .list_pane import FilterHost, ListPane, PaneCountsChanged
from .resource_panes import FilesystemsPane, SessionsPane, SyncsPane, TunnelsPane
from .run_view import RunView
from .runs_pane import RunsPane
from .tab_bar import TabBar, TabPage
from .vm_detail import VmDetail
from .vm_header import VmHeader
from .vm_pane import VmPane
from .vm_tree import VmTree

if TYPE_CHECKING:
    from textual import getters

    from ..app_base import ArkerAppBase

TAB_NAMES = {"runs": "Runs", "sessions": "Sessions", "tunnels": "Tunnels", "filesystems": "Filesystems",
             "details": "Details"}
TAB_NAMES_NARROW = {"runs": "Runs", "sessions": "Sess", "tunnels": "Tun", "filesystems": "FS", "details": "Details"}
# Pane number -> tab id (1 is the VM tree).
TABS = {"2": "runs", "3": "sessions", "4": "tunnels", "5": "filesystems", "6": "details"}
MAXIMIZE_BELOW = 34  # rows: below this an open run log takes the whole right side


def is_visible(widget: Widget) -> bool:
    """On screen: attached, and neither it nor an ancestor is hidden."""
    if not widget.is_attached:
        return False
    return all(node.display and node.visible for node in widget.ancestors_with_self if isinstance(node, Widget))


class Workspace(Horizontal):
    if TYPE_CHECKING:  # the app typed (see app_base)
        app = getters.app(ArkerAppBase)

    def __init__(self, *, run_log_cap: int, id: str | None = None) -> None:
        super().__init__(id=id)
        self.vm_pane = VmPane(id="left")
        self.header = VmHeader(id="vm-header")
        self.tab_bar = TabBar(TAB_NAMES, active="runs", id="tab-bar")
        self.pages = Vertical(id="pages")
        self.runs_pane = RunsPane(id="runs-pane")
        self.sessions_pane = SessionsPane(id="sessions-pane")
        self.tunnels_pane = TunnelsPane(id="tunnels-pane")
        self.filesystems_pane = FilesystemsPane(id="filesystems-pane")
        self.syncs_pane = SyncsPane(id="syncs-pane")
        self.syncs_title = Static("", classes="subhead", markup=False)
        self._syncs_heading: Text | None = None
        self.vm_detail = VmDetail(id="vm-detail")
        # Mounted under the tabs when the first run is opened.
        self.run_view = RunView(id="run-view", max_lines=run_log_cap)
        self.problem = Static("", id="problem", markup=False)
        self.selected_vm_id: str | None = None
        self._return_focus: Widget | None = None  # where focus goes back when the run log closes
        self._marks_shown: dict | None = None
        self._pending_vms: set[str] = set()
        self._told_error: str | None = None  # the VM list error last toasted (once per streak)
        self._select_when_listed: str | None = None  # a new VM the tree has not received yet

    def compose(self) -> ComposeResult:
        yield self.vm_pane
        with Vertical(id="right"):
            yield self.header
            yield self.tab_bar
            with self.pages:
                yield TabPage(self.runs_pane, id="runs")
        yield self.problem

    def on_mount(self) -> None:
        self.run_worker(self._count_filesystems(), group="filesystems-count", exit_on_error=False)

    async def _count_filesystems(self) -> None:
        """Every tab shows its count: the org's filesystems are one small list."""
        try:
            await self.app.repository.get(Query.filesystems())
        except ArkerError:
            return  # the Filesystems pane says why when it is opened
        self.update_titles()

    # --- what is where -------------------------------------------------------------

    @property
    def vm_tree(self) -> VmTree:
        return self.vm_pane.vm_tree

    @property
    def right(self) -> Widget:
        return self.query_one("#right")

    @property
    def shown_vm(self) -> m.Vm | None:
        """The VM the header names and the panes show."""
        return self.vm_tree.get_vm(self.selected_vm_id) if self.selected_vm_id else None

    def pane_tabs(self) -> list[tuple[ListPane, str]]:
        """Each list pane with the id of the tab it lives in."""
        return [(self.runs_pane, "runs"), (self.sessions_pane, "sessions"), (self.tunnels_pane, "tunnels"),
                (self.filesystems_pane, "filesystems"), (self.syncs_pane, "filesystems")]

    def panes(self) -> list[ListPane]:
        return [pane for pane, _ in self.pane_tabs()]

    def pane_of(self, kind: str) -> ListPane:
        return next(pane for pane in self.panes() if pane.kind == kind)

    def tab_of(self, pane: Widget) -> str:
        return next(tab for p, tab in self.pane_tabs() if p is pane)

    def is_shown(self, pane: ListPane) -> bool:
        """The pane is on screen and shows live data of the shown VM."""
        if not (pane.bound and is_visible(pane.data_list)):
            return False
        return not pane.vm_scoped or pane.vm_id == self.selected_vm_id

    @property
    def active_tab(self) -> str:
        return self.tab_bar.active

    @property
    def run_view_open(self) -> bool:
        return self.run_view.is_attached and self.run_view.display

    def focused_host(self) -> Widget | None:
        """The pane, run view or details holding the focus."""
        node: DOMNode | None = self.screen.focused
        while node is not None and not isinstance(node, (FilterHost, RunView, VmDetail)):
            node = node.parent
        return node

    # --- the VM list -----------------------------------------------------------------

    def on_vm_pane_vms_changed(self, message: VmPane.VmsChanged) -> None:
        event = message.event
        if event.error is not None and not self.vm_tree.vm_count:
            self._show_problem(event.error)
        elif event.error is not None:
            self._tell_error(event.error)
        else:
            self._told_error = None
            self._show_problem(None)
            if self.selected_vm_id and self.selected_vm_id in (event.removed or ()):
                self.notify("The selected VM is gone (deleted elsewhere?); moved to the next one.",
                            severity="warning")
            wanted = self._select_when_listed
            if wanted is not None and self.vm_tree.get(wanted) is not None:
                self._select_when_listed = None
                self.select_vm(wanted)
        self.show_vm()
        self.update_titles()

    def _tell_error(self, error) -> None:
        """A failing refresh of a list on screen: said once per streak, not on every retry."""
        said = f"{error.code}:{error.message}"
        if said != self._told_error:
            self._told_error = said
            self.notify(f"{error.code}: {error.message}\nShowing the last good data; r retries now.",
                        title="Could not refresh VMs", severity="error", timeout=8)

    def _show_problem(self, error) -> None:
        shown = error is not None
        if shown:
            settings = self.app.settings
            self.problem.update(vm_list_problem(error, self.vm_pane.query_watch.status,
                                                host=settings.control_url, profile=settings.profile))
        if self.problem.display == shown:
            return
        self.problem.display = shown
        self.vm_pane.display = not shown
        self.right.display = not shown
        if shown:
            self.screen.set_focus(None)  # nothing hidden keeps the focus
        else:
            self.vm_tree.focus()

    def on_vm_tree_vm_selected(self, message: VmTree.VmSelected) -> None:
        if message.vm_id == self.selected_vm_id:
            return
        self.selected_vm_id = message.vm_id
        self.bind_panes()
        self.show_vm()

    def select_vm(self, vm_id: str) -> None:
        """Put the tree's cursor on a VM (clearing a filter that hides it);
        a VM the tree has not received yet is selected when it arrives."""
        tree = self.vm_tree
        if tree.get(vm_id) is None:
            self._select_when_listed = vm_id
        elif not tree.move_cursor_to_key(vm_id) and tree.filter:
            self.vm_pane.close_filter(clear=True)
            tree.move_cursor_to_key(vm_id)
        tree.focus()

    def show_vm(self) -> None:
        vm = self.shown_vm
        pending = self.app.repository.is_pending("vm", vm.vm_id) if vm is not None else None
        self.header.show(vm, pending)
        self.vm_detail.show(vm)

    # --- tabs and panes ----------------------------------------------------------------

    def bind_panes(self) -> None:
        """Only the panes on screen watch their queries."""
        active = self.active_tab
        for pane, tab_id in self.pane_tabs():
            if tab_id == active:
                pane.bind_vm(self.selected_vm_id)
            else:
                pane.unbind()
        self.update_titles()

    def tab_contents(self, tab_id: str) -> list[Widget]:
        """What a tab other than Runs holds, composed the first time it is
        shown: a hidden pane watches no query, and each widget mounted at
        start delays the first paint."""
        if tab_id == "filesystems":
            return [self.filesystems_pane, self.syncs_title, self.syncs_pane]
        return [{"sessions": self.sessions_pane, "tunnels": self.tunnels_pane, "details": self.vm_detail}[tab_id]]

    async def show_tab(self, tab_id: str) -> None:
        """Show a tab (composing it the first time) and watch its queries."""
        had_focus = self.focused_host()
        if not self.pages.query_children(f"#{tab_id}"):
            page = TabPage(*self.tab_contents(tab_id), id=tab_id)
            page.display = False  # shown below, with the old page hidden in the same frame
            await self.pages.mount(page)
        self.tab_bar.activate(tab_id)
        for child in self.pages.children:
            child.display = child.id == tab_id
        self.bind_panes()
        if had_focus is not None and not is_visible(had_focus):
            self.focus_tab(tab_id)

    def focus_tab(self, tab_id: str) -> None:
        target = {"runs": self.runs_pane, "sessions": self.sessions_pane, "tunnels": self.tunnels_pane,
                  "filesystems": self.filesystems_pane}.get(tab_id)
        if target is None:
            self.vm_detail.focus()
        else:
            target.data_list.focus()

    async def focus_pane(self, number: str) -> None:
        if number == "1":
            self.vm_tree.focus()
            return
        tab = TABS[number]
        await self.show_tab(tab)
        self.focus_tab(tab)

    async def show_pane(self, pane: ListPane) -> None:
        """Bring a pane on screen and give it the focus (closing a run log over it)."""
        if self.run_view_open and self.right.has_class("run-maximized"):
            self.close_run_view()
        tab = self.tab_of(pane)
        await self.show_tab(tab)
        pane.data_list.focus()

    async def on_tab_bar_clicked(self, message: TabBar.Clicked) -> None:
        await self.show_tab(message.tab_id)
        self.focus_tab(message.tab_id)

    def on_pane_counts_changed(self, message: PaneCountsChanged) -> None:
        message.stop()
        self.update_titles()

    def update_titles(self) -> None:
        set_border_title(self.vm_pane, self.vm_pane.pane_title())
        counts = {tab_id: self._tab_count(tab_id) for tab_id in TAB_NAMES}

        def labels(names: dict[str, str]) -> dict[str, str]:
            return {tab_id: name if counts[tab_id] is None else f"{name} {counts[tab_id]}"
                    for tab_id, name in names.items()}

        # The whole words when they fit the bar, the short ones only when not.
        full = labels(TAB_NAMES)
        fits = sum(cell_len(label) + 2 for label in full.values()) <= self.tab_bar.size.width
        for tab_id, label in (full if fits else labels(TAB_NAMES_NARROW)).items():
            self.tab_bar.set_label(tab_id, label)
        active = self.active_tab
        if active == "details":
            vm = self.shown_vm
            pages_title = Text("Details of ").append_text(plain(vm.label, 60)) if vm is not None else Text("Details")
        else:
            pages_title = {"runs": self.runs_pane, "sessions": self.sessions_pane, "tunnels": self.tunnels_pane,
                           "filesystems": self.filesystems_pane}[active].pane_title()
        set_border_title(self.pages, pages_title)
        if self.syncs_pane.is_attached:
            syncs = self.syncs_pane.pane_title()
            vm = self.shown_vm
            heading = Text.assemble("Mounted in ", plain(vm.label, 60) if vm else "this VM", f" · {syncs.plain}")
            if heading != self._syncs_heading:  # an update lays the screen out again
                self._syncs_heading = heading
                self.syncs_title.update(heading)

    def _tab_count(self, tab_id: str) -> str | None:
        """A tab's count: its pane's when shown, else what the cache or the VM knows."""
        vm = self.shown_vm
        repo = self.app.repository
        if tab_id == "details":
            return None
        pane = {"runs": self.runs_pane, "sessions": self.sessions_pane, "tunnels": self.tunnels_pane,
                "filesystems": self.filesystems_pane}[tab_id]
        if pane.bound and (not pane.vm_scoped or pane.vm_id == self.selected_vm_id):
            return pane.count_label if pane.query_watch.status.loaded else None
        if tab_id == "filesystems":
            entry = repo.peek(Query.filesystems())
        elif vm is None:
            return None
        elif tab_id == "sessions":
            return str(len(vm.sessions))
        elif tab_id == "tunnels":
            return str(len(vm.tunnels))
        else:
            entry = repo.peek(Query.runs(vm.vm_id, state=self.runs_pane.state_filter))
        return str(len(entry.value)) if entry is not None and entry.value is not None else None

    def on_resize(self) -> None:
        self.update_titles()
        if self.run_view_open:
            self.right.set_class(self.size.height < MAXIMIZE_BELOW, "run-maximized")

    def refresh_pending_marks(self) -> None:
        marks = self.app.repository.pending
        if marks == self._marks_shown:
            return  # every fetch notifies; redraw only when a mark came or went
        self._marks_shown = marks
        pending = {item: label for (kind, item), label in marks.items() if kind == "vm"}
        for vm_id in self._pending_vms | pending.keys():
            self.vm_tree.set_pending(vm_id, pending.get(vm_id))
        self._pending_vms = set(pending)
        for pane in self.panes():
            pane.data_list.refresh_rows()
        self.show_vm()
        if self.run_view_open:
            self.run_view.update_header()

    def tick(self) -> None:
        """Once a second, paused or not: durations and relative times move on."""
        self.update_titles()  # a slow list's title says how old its data is
        for pane in self.panes():
            if pane.bound and is_visible(pane):
                pane.tick()
        if self.vm_detail.is_attached and is_visible(self.vm_detail):
            self.vm_detail.tick()
        if self.run_view_open:
            self.run_view.update_header()
        if self.problem.display:
            self._show_problem(self.vm_pane.query_watch.status.error)
        elif self.vm_pane.error_line.display:
            self.vm_pane.show_status()

    # --- the run log ---------------------------------------------------------------------

    async def open_run(self, vm_id: str, run_id: str) -> None:
        view = self.run_view
        focused = self.screen.focused
        if focused is not None and view not in focused.ancestors_with_self:
            self._return_focus = focused
        if not view.is_attached:
            await self.right.mount(view)
        view.display = True
        self.right.set_class(self.size.height < MAXIMIZE_BELOW, "run-maximized")
        vm = self.vm_tree.get_vm(vm_id)
        watched = getattr(self.app.repository, "watched", None)
        if watched is not None:  # an opened log is watched: the user is told when the run ends
            watched.watch(vm_id, run_id, vm_name=vm.name if vm is not None else None)
        view.open(vm_id, run_id, vm.label if vm is not None else None)
        view.log_view.focus()

    def close_run_view(self) -> None:
        view = self.run_view
        if not view.is_attached or not view.display:
            return
        view.close()
        view.display = False
        self.right.remove_class("run-maximized")
        back, self._return_focus = self._return_focus, None
        if back is not None and is_visible(back) and back.focusable:
            back.focus()
        else:
            self.focus_tab(self.active_tab)
