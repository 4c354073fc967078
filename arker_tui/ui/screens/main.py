"""``MainScreen``: the VM tree on the left, the selected VM's panes on the right."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from ...api import models as m
from ...repository import ChangeEvent, Query
from .. import format as fmt
from ..terminal_text import safe_label
from ..widgets.footer import KeyFooter
from ..widgets.list_pane import FilterHost, ListPane, PaneCountsChanged
from ..widgets.resource_panes import FilesystemsPane, SessionsPane, SyncsPane, TunnelsPane
from ..widgets.run_view import RunView
from ..widgets.runs_pane import RunsPane
from ..widgets.status_bar import StatusBar
from ..widgets.tab_bar import TabBar, TabPage
from ..widgets.vm_detail import VmDetail
from ..widgets.vm_tree import VmTree
from .confirm import ConfirmRequest

TAB_NAMES = {"runs": "Runs", "sessions": "Sessions", "tunnels": "Tunnels", "filesystems": "Filesystems",
             "details": "Details"}
TAB_NAMES_NARROW = {"runs": "Runs", "sessions": "Sess", "tunnels": "Tun", "filesystems": "FS", "details": "Info"}

# Pane number -> tab id (1 is the VM tree).
TABS = {"2": "runs", "3": "sessions", "4": "tunnels", "5": "filesystems", "6": "details"}


def _actions() -> Any:
    """The forms module, imported on first use (the first paint needs none of it)."""
    from ..forms import actions

    return actions


def fmt_count(n: int, noun: str, verb_one: str, verb_many: str) -> str:
    """ "1 session ends", "3 sessions end", "no tunnel closes"."""
    if n == 0:
        return f"no {noun} {verb_one}"
    return f"{n} {noun} {verb_one}" if n == 1 else f"{n} {noun}s {verb_many}"


class VmPane(FilterHost):
    """The VM tree with the VM-level keys (delete, grouping) and its filter."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data_list = VmTree(id="vm-tree")
        self.filter_placeholder = "filter VMs: name, id, region, state (esc clears)"

    def compose(self) -> ComposeResult:
        yield self.data_list

    BINDINGS = [
        Binding("d,delete", "delete_vm", "Delete VM", id="vms.delete"),
        Binding("y", "copy_id", "Copy id", show=False, id="vms.copy_id"),
        Binding("f", "fork", "Fork", id="vms.fork"),
        Binding("x", "run_command", "Run", id="vms.run_command"),
        Binding("R", "resize", "Resize", id="vms.resize"),
        Binding("v", "read_file", "Read file", id="vms.read_file"),
        Binding("W", "write_file", "Write file", show=False, id="vms.write_file"),
        Binding("L", "release", "Release", show=False, id="vms.release"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.app.allows(action)

    def action_delete_vm(self) -> None:
        self.screen.delete_selected_vm()

    def action_copy_id(self) -> None:
        vm = self.data_list.selected_vm
        if vm is None:
            self.app.notify("No VM selected (the cursor is on a group).", severity="warning")
            return
        self.app.copy_to_clipboard(vm.vm_id)
        self.app.notify(f"Copied VM id {safe_label(vm.vm_id)}", timeout=2)

    def action_fork(self) -> None:
        _actions().open_fork(self.app)

    def action_run_command(self) -> None:
        _actions().open_run_command(self.app)

    def action_resize(self) -> None:
        _actions().open_resize(self.app)

    def action_read_file(self) -> None:
        _actions().open_read_file(self.app)

    def action_release(self) -> None:
        _actions().open_release(self.app)

    def action_write_file(self) -> None:
        _actions().open_write_file(self.app)


class MainScreen(Screen):
    BINDINGS = [
        Binding("1", "focus_pane('1')", "VMs", show=False, id="pane.vms"),
        Binding("2", "focus_pane('2')", "Runs", show=False, id="pane.runs"),
        Binding("3", "focus_pane('3')", "Sessions", show=False, id="pane.sessions"),
        Binding("4", "focus_pane('4')", "Tunnels", show=False, id="pane.tunnels"),
        Binding("5", "focus_pane('5')", "Filesystems", show=False, id="pane.filesystems"),
        Binding("6,i", "focus_pane('6')", "Details", show=False, id="pane.details"),
        Binding("escape", "back", "Back", show=False, id="app.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.selected_vm_id: str | None = None
        self._vms_subscription: Any = None
        self._status_listener: Any = None
        self._notified_error: str | None = None
        self._pending_vms: set[str] = set()
        self.runs_pane = RunsPane(id="runs-pane")
        self.sessions_pane = SessionsPane(id="sessions-pane")
        self.tunnels_pane = TunnelsPane(id="tunnels-pane")
        self.filesystems_pane = FilesystemsPane(id="filesystems-pane")
        self.syncs_pane = SyncsPane(id="syncs-pane")
        self.vm_detail = VmDetail(id="vm-detail")
        self._marks_shown: dict | None = None
        self._vm_shown: tuple | None = None  # (vm, pending mark, widths) last shown by show_vm

    def compose(self) -> ComposeResult:
        app = self.app
        self._apply_breakpoints()
        self.status = StatusBar(profile=app.settings.profile, region=app.settings.region,
                                provider=app.settings.provider, demo=app.demo, readonly=app.readonly)
        yield self.status
        with Horizontal(id="body"):
            self.vm_pane = VmPane(id="left")
            yield self.vm_pane
            with Vertical(id="right"):
                yield Static("", id="vm-header")
                self.tab_bar = TabBar(TAB_NAMES, active="runs", id="tab-bar")
                yield self.tab_bar
                with Vertical(id="pages"):
                    yield TabPage(self.runs_pane, id="runs")
                # Mounted under the tabs when the first run is opened.
                self.run_view = RunView(id="run-view", max_lines=app.run_log_cap)
        yield KeyFooter()

    def _apply_breakpoints(self) -> None:
        """Set the width class (-narrow...) before the children are styled:
        Textual sets it on the first resize, after the first layout, and
        restyling every widget then costs a second full layout."""
        width = self.app.size.width
        chosen = None
        for edge, name in sorted(self.app.HORIZONTAL_BREAKPOINTS):
            if width >= edge:
                chosen = name
        for _, name in self.app.HORIZONTAL_BREAKPOINTS:
            self.set_class(name == chosen, name)

    # --- widgets --------------------------------------------------------------

    @property
    def vm_tree(self) -> VmTree:
        return self.vm_pane.data_list

    def panes(self) -> list[ListPane]:
        return [pane for pane, _ in self.pane_tabs()]

    def pane_tabs(self) -> list[tuple[ListPane, str]]:
        """Each list pane with the id of the tab it lives in."""
        return [(self.runs_pane, "runs"), (self.sessions_pane, "sessions"), (self.tunnels_pane, "tunnels"),
                (self.filesystems_pane, "filesystems"), (self.syncs_pane, "filesystems")]

    # --- lifecycle ------------------------------------------------------------

    def on_mount(self) -> None:
        repo = self.app.repository
        entry = repo.peek(Query.vms())
        if entry is not None and entry.value is not None:  # fetched before the screen was up
            self._on_vms(ChangeEvent(Query.vms(), entry.value))
        self._vms_subscription = repo.subscribe(Query.vms(), self._on_vms)
        self._status_listener = repo.listen(self._on_repository_status)
        self.update_titles()
        self.update_status()
        self.vm_tree.focus()
        self.set_interval(1.0, self.tick)

    def on_unmount(self) -> None:
        for handle in (self._vms_subscription, self._status_listener):
            if handle is not None:
                handle.close()

    def _on_repository_status(self, *_: object) -> None:
        """Refresh state, errors or pending marks changed."""
        try:
            self.update_status()
            self.refresh_pending_marks()
        except NoMatches:  # the screen is being torn down
            pass

    def tick(self) -> None:
        """Once a second: durations tick, the data age moves on."""
        self.runs_pane.tick()
        if self.run_view_open and self.run_view.run is not None and self.run_view.run.state == "running":
            self.run_view.update_header()
        self.update_status()

    def update_status(self) -> None:
        repo = self.app.repository
        stats = repo.stats
        error = stats.last_error
        self.status.set_state(
            state=repo.state,
            last_success=stats.last_success_at,
            last_error=f"{error.code}: {error.message}" if error is not None else None,
        )

    # --- VM list --------------------------------------------------------------

    def _on_vms(self, event: ChangeEvent) -> None:
        if event.error is not None:
            self._notify_error(event.error)
            self.update_status()
            return
        self._notified_error = None
        if event.added or event.changed or event.removed:
            self.vm_tree.apply_vm_changes(event.added, event.changed, event.removed)
        else:
            self.vm_tree.set_vms(event.value or [])
        if self.status.org is None and event.value:
            self.status.org = event.value[0].owner_org_id
            self.select_first_vm()
        if self.selected_vm_id and self.selected_vm_id in (event.removed or ()):
            self.app.notify("The selected VM is gone (deleted elsewhere?); moved to the next one.",
                            severity="warning")
        self.show_vm(self.vm_tree.selected_vm)
        self.update_titles()
        self.update_status()

    def select_first_vm(self) -> None:
        """On first load, start on a VM rather than on a group row."""
        for item in self.vm_tree.items():
            if isinstance(item, m.Vm):
                self.vm_tree.move_cursor_to_key(item.vm_id)
                return

    def _notify_error(self, error) -> None:
        key = f"{error.code}:{error.message}"
        if key == self._notified_error:
            return  # say it once per streak, not on every retry
        self._notified_error = key
        message = f"{error.code}: {safe_label(error.message, 200)}"
        if error.code == "unauthorized":
            message += "\nCheck the API key: set ARKER_API_KEY or the profile's api_key_env."
        self.app.notify(message, title="Could not refresh VMs", severity="error", timeout=8)

    def on_vm_tree_vm_selected(self, message: VmTree.VmSelected) -> None:
        vm_id = message.vm_id
        if vm_id == self.selected_vm_id:
            return
        self.selected_vm_id = vm_id
        self.bind_panes()
        self.show_vm(self.vm_tree.selected_vm)

    def show_vm(self, vm: m.Vm | None) -> None:
        pending = self.app.repository.is_pending("vm", vm.vm_id) if vm is not None else None
        shown = (vm, pending, self.size.width, self.vm_pane.outer_size.width)
        if self._vm_shown is not None and self._vm_shown[0] is vm and self._vm_shown[1:] == shown[1:]:
            return  # the same VM object, mark and width: header and details stand (no relayout)
        self._vm_shown = shown
        header = self.query_one("#vm-header", Static)
        detail = self.vm_detail
        detail.show(vm)
        if vm is None:
            header.update(Text(" No VM selected", style="dim"))
            return
        pending = self.app.repository.is_pending("vm", vm.vm_id)
        # Most telling first: a narrow terminal cuts the id, not the state.
        line = Text(" ")
        line.append(safe_label(vm.label, 40), style="bold")
        line.append("  ")
        line.append_text(Text("⌛ deleting", style="bold yellow") if pending else fmt.vm_state(vm.state))
        line.append(f"  {vm.vcpu_count or '?'} vCPU · {fmt.mib(vm.memory_mib)} · {fmt.mib(vm.disk_mib)}")
        line.append(f"  {safe_label(vm.region or '-')}/{safe_label(vm.provider or '-')}")
        line.append(f"  {safe_label(vm.vm_id)}", style="dim")
        line.truncate(max(1, self.size.width - self.vm_pane.outer_size.width), overflow="ellipsis")
        header.update(line)

    # --- panes ----------------------------------------------------------------

    def active_tab(self) -> str:
        return self.tab_bar.active

    def bind_panes(self) -> None:
        """Only the panes on screen watch their queries."""
        active = self.active_tab()
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
            return [self.filesystems_pane, Static("Mounted in this VM", classes="subhead"), self.syncs_pane]
        return [{"sessions": self.sessions_pane, "tunnels": self.tunnels_pane, "details": self.vm_detail}[tab_id]]

    async def show_tab(self, tab_id: str) -> None:
        """Show a tab (composing it the first time) and watch its queries."""
        pages = self.query_one("#pages")
        if not pages.query_children(f"#{tab_id}"):
            page = TabPage(*self.tab_contents(tab_id), id=tab_id)
            page.display = False  # shown below, with the old page hidden in the same frame
            await pages.mount(page)
        self.tab_bar.activate(tab_id)
        for page in pages.children:
            page.display = page.id == tab_id
        self.bind_panes()

    async def on_tab_bar_clicked(self, message: TabBar.Clicked) -> None:
        await self.show_tab(message.tab_id)

    def on_pane_counts_changed(self, message: PaneCountsChanged) -> None:
        self.update_titles()

    def update_titles(self) -> None:
        title = f"VMs {self.vm_tree.vm_count}"
        if self.vm_pane.border_title != title:
            self.vm_pane.border_title = title
        names = TAB_NAMES_NARROW if self.size.width < 100 else TAB_NAMES
        for pane, tab_id in self.pane_tabs():
            if pane is self.syncs_pane:
                continue
            label = names[tab_id]
            if pane.query_key is not None and pane.data_list.total_count:
                label += f" {pane.count_label}"
            self.tab_bar.set_label(tab_id, label)
        self.tab_bar.set_label("details", names["details"])

    def on_resize(self) -> None:
        self.update_titles()
        self.show_vm(self.vm_tree.selected_vm)
        if self.run_view_open:
            self.query_one("#right").set_class(self.size.height < 34, "run-maximized")

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
        self.show_vm(self.vm_tree.selected_vm)
        if self.run_view_open:
            self.run_view.update_header()

    async def action_focus_pane(self, number: str) -> None:
        if number == "1":
            self.vm_tree.focus()
            return
        tab = TABS[number]
        await self.show_tab(tab)
        target = {"runs": self.runs_pane, "sessions": self.sessions_pane, "tunnels": self.tunnels_pane,
                  "filesystems": self.filesystems_pane}.get(tab)
        if target is None:
            self.vm_detail.focus()
        else:
            target.data_list.focus()

    def focused_pane(self) -> FilterHost:
        """The pane holding the focus (the VM pane when none does)."""
        node = self.focused
        while node is not None and not isinstance(node, FilterHost):
            node = node.parent
        return node if node is not None else self.vm_pane

    def action_back(self) -> None:
        if self.run_view_open:
            self.close_run_view()
            return
        pane = self.focused_pane()
        if pane.data_list.filter:
            pane.close_filter(clear=True)
        else:
            self.vm_tree.focus()

    # --- run view -------------------------------------------------------------

    @property
    def run_view_open(self) -> bool:
        return self.run_view.is_attached and self.run_view.display

    async def on_runs_pane_open_run(self, message: RunsPane.OpenRun) -> None:
        await self.open_run(message.vm_id, message.run_id)

    async def open_run(self, vm_id: str, run_id: str) -> None:
        view = self.run_view
        if not view.is_attached:
            await self.query_one("#right").mount(view)
        view.display = True
        self.query_one("#right").set_class(self.size.height < 34, "run-maximized")
        view.open(vm_id, run_id)
        view.log_view.focus()

    def close_run_view(self) -> None:
        view = self.run_view
        if not view.is_attached:
            return
        view.close_subscription()
        view.vm_id = view.run_id = None
        view.display = False
        self.query_one("#right").remove_class("run-maximized")
        self.runs_pane.data_list.focus()

    # --- VM deletion ----------------------------------------------------------

    def delete_selected_vm(self) -> None:
        vm = self.vm_tree.selected_vm
        if vm is None:
            self.app.notify("No VM selected (the cursor is on a group).", severity="warning")
            return
        repo = self.app.repository
        runs = repo.peek(Query.runs(vm.vm_id))
        running = sum(1 for r in runs.value if r.state == "running") if runs and runs.value else None
        running_runs = "its running runs stop" if running is None else fmt_count(running, "running run", "stops", "stop")
        consequences = [
            fmt_count(len(vm.sessions), "session", "ends", "end"),
            running_runs,
            fmt_count(len(vm.tunnels), "tunnel", "closes", "close"),
            "its syncs are unmounted",
        ]
        request = ConfirmRequest("Delete", "VM", vm.label, vm.vm_id, consequences)
        self.app.confirm_then(request, lambda: repo.delete_vm(vm.vm_id), f"Deleted VM {vm.label}")
