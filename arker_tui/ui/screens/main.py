"""``MainScreen``: the VM tree and the selected VM's panes, and their controller.

The widgets post what the user asked for (``intents``); this screen handles
it: it takes the target from what is on screen (the pane that is shown, for
the VM the header names), asks first when it is destructive, checks the
target again just before sending, opens forms with explicit arguments and
calls the repository. Each action's handler is ``do_<handler>`` as the
action table names it (``actions.ACTIONS``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable

from textual import events, on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from ...api import models as m
from ...api.errors import ArkerError
from ...repository import Query
from .. import format as fmt
from ..actions import ACTIONS, SCOPES, Action, action, bindings, in_scope
from ..intents import ActionRequested, OpenRun, ShowText
from ..jump import JumpProvider
from ..keymap import keys_of
from ..server_text import error_text
from ..staleness import notable_staleness
from ..targets import Target, current_item, gone_reason, item_target, open_run_target, vm_target
from ..widgets.data_list import DataList
from ..widgets.footer import KeyFooter
from ..widgets.list_pane import FilterHost
from ..widgets.run_view import RunView
from ..widgets.status_bar import StatusBar
from ..widgets.vm_detail import VmDetail
from ..widgets.workspace import TAB_NAMES, Workspace
from .confirm import ConfirmDialog, ConfirmRequest
from .console_open import ConsoleOpeners
from .main_bulk import BulkActions
from .main_forms import FormOpeners
from .main_watched import WatchedControls
from .text_view import TextView

if TYPE_CHECKING:
    from textual import getters

    from ..app_base import ArkerAppBase

# The scopes whose actions this screen offers (the ? help and the palette).
MAIN_SCOPES = ("app", "main", "vms", "tree", "list", "listpane", "runs", "sessions", "tunnels", "filesystems", "syncs",
          "runview", "runlog", "detail", "filter", "logsearch")
PANE_KINDS = ("run", "session", "tunnel", "sync", "filesystem")


def count_words(n: int, noun: str, verb_one: str, verb_many: str) -> str:
    """ "1 session ends", "3 sessions end"."""
    return f"{n} {noun} {verb_one}" if n == 1 else f"{n} {noun}s {verb_many}"


# The panes of the main screen, and how to get to each (for a key pressed elsewhere).
WHERE = {"vms": "press 1", "tree": "press 1", "runs": "press 2", "sessions": "press 3", "tunnels": "press 4",
         "filesystems": "press 5", "syncs": "press 5, then tab to the mounts", "detail": "press 6",
         "runview": "open a run with enter in Runs", "runlog": "open a run with enter in Runs"}


class MainScreen(ConsoleOpeners, FormOpeners, BulkActions, WatchedControls, Screen):
    if TYPE_CHECKING:  # the app typed (see app_base)
        app = getters.app(ArkerAppBase)

    BINDINGS = bindings("main")
    HELP_SCOPES = MAIN_SCOPES
    COMMANDS = {JumpProvider}  # the palette also finds VMs, runs, sessions, tunnels, filesystems

    def __init__(self) -> None:
        super().__init__()
        self._status_listener: Any = None

    def compose(self) -> ComposeResult:
        app = self.app
        self._apply_breakpoints()
        self.status = StatusBar(profile=app.settings.profile, region=app.settings.region,
                                provider=app.settings.provider, demo=app.demo, readonly=app.readonly)
        yield self.status
        self.workspace = Workspace(run_log_cap=app.run_log_cap, id="body")
        yield self.workspace
        yield KeyFooter()

    def _apply_breakpoints(self) -> None:
        """Set the width class (-narrow...) before the children are styled:
        Textual sets it on the first resize, after the first layout, and
        restyling every widget then costs a second full layout."""
        width = self.app.size.width
        chosen = None
        breakpoints = self.app.HORIZONTAL_BREAKPOINTS or []
        for edge, name in sorted(breakpoints):
            if width >= edge:
                chosen = name
        for _, name in breakpoints:
            self.set_class(name == chosen, name)

    # --- what the tests and the palette reach ---------------------------------------

    @property
    def vm_tree(self):
        return self.workspace.vm_tree

    @property
    def selected_vm_id(self) -> str | None:
        return self.workspace.selected_vm_id

    @property
    def run_view(self) -> RunView:
        return self.workspace.run_view

    @property
    def run_view_open(self) -> bool:
        return self.workspace.run_view_open

    # --- lifecycle ------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """A key that does nothing where the focus is says where it works
        (it reaches here before the bindings: a bound key is left alone)."""
        if event.key in self.active_bindings or isinstance(self.focused, Input):
            return
        for node in self.focused.ancestors_with_self if self.focused is not None else ():
            reason = getattr(node, "why_not", lambda key: None)(event.key)
            if reason:  # the pane's own key, off for now: it says why
                self.notify(reason, title="Not now", timeout=4)
                return
        keymap = self.app.keymap
        elsewhere = [a for a in ACTIONS if a.scope in WHERE and event.key in keys_of(a, keymap)]
        if not elsewhere:
            return
        places = dict.fromkeys(f"{a.description} in {SCOPES[a.scope]} ({WHERE[a.scope]})" for a in elsewhere)
        self.notify(f"{event.key} does nothing here: " + "; ".join(list(places)[:3]) + ".",
                    title="Not here", timeout=5)

    def on_mount(self) -> None:
        self._start()
        self.set_interval(1.0, self.tick)

    def _start(self) -> None:
        repo = self.app.repository
        self._status_listener = repo.listen(lambda: self.call_later(self._on_repository_status))
        self.update_status()
        if not self.workspace.problem.display:  # the VM list may have failed already: nothing hidden gets focus
            self.vm_tree.focus()

    def _stop(self) -> None:
        if self._status_listener is not None:
            self._status_listener.close()
            self._status_listener = None

    def on_unmount(self) -> None:
        self._stop()

    async def rebuild(self) -> None:
        """Build the screen again on the app's repository and settings, which a
        profile switch has just replaced: the old panes unmount, and their
        watches with them."""
        self._stop()
        self.minimize()
        await self.recompose()
        self._start()

    def on_vm_pane_vms_changed(self, message) -> None:
        value = message.event.value
        if self.status.org is None and value:
            self.status.org = value[0].owner_org_id
            self.status.refresh()
        self.update_status()

    def _on_repository_status(self) -> None:
        """Refresh state, errors or pending marks changed."""
        self.update_status()
        self.workspace.refresh_pending_marks()

    def tick(self) -> None:
        """Once a second: durations tick, the data age moves on."""
        self.workspace.tick()
        self.update_status()

    def update_status(self) -> None:
        repo = self.app.repository
        vms = repo.peek(Query.vms())
        self.status.set_state(state=repo.state, last_success=repo.stats.last_success_at,
                              last_error=repo.stats.last_error,
                              vm_count=len(vms.value) if vms is not None and vms.has_value else None,
                              vm_list_age=notable_staleness(repo, vms, say_paused=False))  # the bar says paused

    # --- local actions --------------------------------------------------------

    async def action_focus_pane(self, number: str) -> None:
        await self.workspace.focus_pane(number)

    def action_back(self) -> None:
        workspace = self.workspace
        if workspace.run_view_open:
            workspace.close_run_view()
            return
        host = workspace.focused_host()
        if isinstance(host, FilterHost) and host.data_list.filter:
            host.close_filter(clear=True)
        else:
            workspace.vm_tree.focus()

    def action_filter(self) -> None:
        """``/``: the focused list's filter; elsewhere, say what it does there."""
        host = self.workspace.focused_host()
        if isinstance(host, FilterHost):
            host.open_filter()
        elif isinstance(host, RunView):
            host.action_search()
        elif isinstance(host, VmDetail):
            self.notify("Details has nothing to filter: / filters the focused list.", severity="warning")
        else:
            self.workspace.vm_pane.open_filter()

    # --- intents --------------------------------------------------------------

    @on(ActionRequested)
    async def on_action_requested(self, message: ActionRequested) -> None:
        message.stop()
        await self.dispatch(action(message.action_id))

    async def dispatch(self, act: Action) -> None:
        """Run a controller action (a key or the palette): refused read-only, in words."""
        if act.mutating and self.app.readonly:
            self.notify(f"Read-only mode: {act.description.lower()} is off (started with --readonly).",
                        severity="warning")
            return
        result = getattr(self, f"do_{act.handler}")(act)
        if isinstance(result, Awaitable):
            await result

    async def run_palette_action(self, act: Action) -> None:
        """A command of the palette: the same handler as its key."""
        if not act.local:
            await self.dispatch(act)
            return
        node = self.node_for(act.scope)
        if node is None:
            self.notify(f"{act.description}: open that pane first.", severity="warning")
            return
        await node.run_action(act.handler)

    def node_for(self, scope: str) -> Widget | None:
        """Where a local action of ``scope`` runs."""
        workspace = self.workspace
        if scope == "main":
            return self
        if scope in ("tree", "vms"):
            return workspace.vm_tree if scope == "tree" else workspace.vm_pane
        if scope == "list":  # marks and sort: the list that had the focus
            focused = self.focused
            return focused if isinstance(focused, DataList) else None
        if scope in ("runview", "runlog"):
            if not workspace.run_view_open:
                return None
            return workspace.run_view if scope == "runview" else workspace.run_view.log_view
        return None

    def palette_actions(self) -> list[Action]:
        """The commands this screen offers now (the app adds its own)."""
        shown = [a for a in in_scope(*MAIN_SCOPES) if a.command and a.scope != "app"]
        if not self.workspace.run_view_open:
            shown = [a for a in shown if a.scope not in ("runview", "runlog")]
        return [a for a in shown if not (a.mutating and self.app.readonly)]

    @on(OpenRun)
    async def on_open_run(self, message: OpenRun) -> None:
        message.stop()
        await self.workspace.open_run(message.vm_id, message.run_id)

    @on(ShowText)
    def on_show_text(self, message: ShowText) -> None:
        message.stop()
        self.app.push_screen(TextView(message.title, message.body))

    async def open_run(self, vm_id: str, run_id: str) -> None:
        await self.workspace.open_run(vm_id, run_id)

    def close_run_view(self) -> None:
        self.workspace.close_run_view()

    def do_close_run(self, act: Action) -> None:
        self.workspace.close_run_view()

    # --- targets ----------------------------------------------------------------

    def selected_vm(self) -> m.Vm | None:
        """The VM under the tree's cursor, or None after saying why there is none."""
        vm = self.workspace.vm_tree.selected_vm
        if vm is None:
            self.notify("Select a VM in the tree first (the cursor is on a group row).", severity="warning")
        return vm

    async def resolve(self, kind: str) -> Target | None:
        """The target of an action, from what is on screen; None after saying why."""
        workspace = self.workspace
        if kind == "vm":
            vm = self.selected_vm()
            return vm_target(vm) if vm is not None else None
        if kind == "open_run":
            view = workspace.run_view
            if not workspace.run_view_open or view.run is None or view.vm_id is None:
                self.notify("No run is open: press enter on a run in Runs first.", severity="warning")
                return None
            return open_run_target(workspace.vm_tree.get_vm(view.vm_id), view.vm_id, view.run)
        pane = workspace.pane_of(kind)
        noun = pane.noun
        if not workspace.is_shown(pane):
            await workspace.show_pane(pane)
            self.notify(f"Select a {noun} first: the {TAB_NAMES[workspace.tab_of(pane)]} "
                        "pane is open now.", severity="warning")
            return None
        item, query = pane.cursor_item, pane.query_key
        if item is None or query is None:
            self.notify(f"No {noun} selected: the list is empty.", severity="warning")
            return None
        vm = workspace.shown_vm if pane.vm_scoped else None
        if pane.vm_scoped and vm is None:
            self.notify("Select a VM in the tree first.", severity="warning")
            return None
        return item_target(kind, query, item, vm)

    # --- destructive actions ----------------------------------------------------

    async def do_delete(self, act: Action) -> None:
        if await self.bulk_if_marked(act):  # marks in that list: every marked row
            return
        target = await self.resolve(act.target)
        if target is None:
            return
        repo = self.app.repository
        calls: dict[str, Callable[[], Awaitable[object]]] = {
            "vm": lambda: repo.delete_vm(target.key),
            "session": lambda: repo.delete_session(target.vm_id, target.key),
            "tunnel": lambda: repo.delete_tunnel(target.vm_id, target.key),
            "sync": lambda: repo.delete_sync(target.vm_id, target.key),
            "filesystem": lambda: repo.delete_filesystem(target.key),
        }
        done = "Unmounted" if target.kind == "sync" else "Deleted"
        self.confirm_then(ConfirmRequest("Delete", target, tuple(self.consequences(target))), calls[target.kind],
                          f"{done} {target.words()}")

    async def do_cancel_run(self, act: Action) -> None:
        if await self.bulk_if_marked(act):  # marks in Runs: every marked running run
            return
        target = await self.resolve(act.target)
        if target is None:
            return
        run = target.item
        if run.state != "running":
            self.notify(f"Run {run.run_id} is {fmt.trim(run.state, 24)}; only a running run can be cancelled.",
                        severity="warning")
            return
        repo = self.app.repository
        request = ConfirmRequest("Cancel", target, (f"running for {fmt.duration(run.started_at, None)}",))
        self.confirm_then(request, lambda: repo.cancel_run(target.vm_id, target.key),
                          f"Cancelled {target.words()}", still_running=True)

    def consequences(self, target: Target) -> list[str]:
        item = target.item
        if target.kind == "vm":
            vm = item
            runs = self.app.repository.peek(Query.runs(vm.vm_id))
            running = sum(r.state == "running" for r in runs.value) if runs and runs.value is not None else None
            lines = [count_words(len(vm.sessions), "session", "ends", "end")] if vm.sessions else []
            if running:
                lines.append(count_words(running, "running run", "stops", "stop"))
            elif running is None and vm.state == "running":
                lines.append("its running runs stop")
            if vm.tunnels:
                lines.append(count_words(len(vm.tunnels), "tunnel", "closes", "close"))
            return lines + ["its syncs are unmounted; the filesystems' data stays"]
        if target.kind == "session":
            return [f"its shell in cwd {item.cwd or '/'} ends"]
        if target.kind == "tunnel":
            return [f"{item.url or 'its URL'} stops answering"]
        if target.kind == "sync":
            name = self.workspace.syncs_pane.filesystem_name(item.filesystem_id)
            return [f"{name} is unmounted from {item.path}; its data stays"]
        return [f"{fmt.size_bytes(item.size_bytes)} of data is deleted", "VMs that mount it lose the mount"]

    def confirm_then(self, request: ConfirmRequest, mutation: Callable[[], Awaitable[object]], done: str,
                     *, still_running: bool = False) -> None:
        """Ask first; only a confirmed dialog sends, and only if the target is still there."""

        async def run_it(confirmed: bool | None) -> None:
            if not confirmed:
                return
            target = request.target
            reason = gone_reason(self.app.repository, target)
            if reason is None and still_running:
                current = current_item(self.app.repository, target)
                if current is not None and current.state != "running":
                    reason = f"the run already ended ({fmt.trim(current.state, 24)})"
            if reason is not None:
                self.notify(f"Nothing was sent: {reason}.", title=f"{request.verb} {request.kind}",
                            severity="warning", timeout=8)
                return
            try:
                await mutation()
            except ArkerError as error:
                self.notify(error_text(error), title=f"{request.verb} {request.kind} failed", severity="error",
                            timeout=8)
            else:
                self.notify(done, title="Done", timeout=4)

        def on_dismiss(confirmed: bool | None) -> None:
            self.run_worker(run_it(confirmed), group="mutations", exit_on_error=False)

        self.app.push_screen(ConfirmDialog(request), on_dismiss)
