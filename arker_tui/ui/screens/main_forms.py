"""The main screen's form actions: each opens its form with the target it
acts on (taken from what is on screen) and says what came of it.

``FormOpeners`` is part of ``MainScreen`` (its controller); what it needs of
the screen is the ``ControllerHost`` protocol below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Protocol

from ...api import models as m
from ...api.errors import ArkerError
from ...repository import Query
from .. import format as fmt
from ..actions import Action
from ..targets import Target

if TYPE_CHECKING:  # pragma: no cover
    from textual.app import App

    from ..forms.tunnels import OneTimeToken
    from ..widgets.workspace import Workspace

# Each form module is imported where its form is opened: the forms, and the
# Textual widgets only they use (Select, TextArea, RadioSet...), are some
# 20 ms of start-up that the first screen does not need. No form imports a
# screen, so these imports make no cycle.


class ControllerHost(Protocol):
    """What the form actions use of the screen."""

    app: "App"
    workspace: "Workspace"

    def selected_vm(self) -> m.Vm | None: ...

    async def resolve(self, kind: str) -> Target | None: ...

    def notify(self, message: str, *, title: str = "", severity: str = "information",
               timeout: float | None = None) -> None: ...

    def run_worker(self, work: Any, **kwargs: Any) -> Any: ...


def resources(vm: m.Vm) -> str:
    return f"{vm.vcpu_count or '?'} vCPU · {fmt.mib(vm.memory_mib)} · {fmt.mib(vm.disk_mib)} disk"


class FormOpeners:
    def _open(self: ControllerHost, form: Any, done: Callable[[Any], Any]) -> None:
        def on_dismiss(result: Any) -> None:
            if result is not None:
                done(result)

        self.app.push_screen(form, on_dismiss)

    # --- VMs -------------------------------------------------------------------

    def do_fork(self: Any, act: Action) -> None:
        from ..forms.fork import ForkForm

        self._open(ForkForm(self.workspace.vm_tree.selected_vm), self.forked)

    def forked(self: Any, vm: m.Vm) -> None:
        """The new VM is in the tree (the repository added it): select it, show tokens once."""
        from ..forms.tunnels import take_tokens

        tokens = take_tokens(list(vm.tunnels))
        self.workspace.select_vm(vm.vm_id)
        self.notify(f"Forked {fmt.trim(vm.label, 60)} ({vm.vm_id})", title="Fork", timeout=4)
        self.show_tokens(tokens)

    def show_tokens(self: ControllerHost, tokens: list[OneTimeToken]) -> None:
        from ..forms.tunnels import TokenDialog

        if tokens:
            self.app.push_screen(TokenDialog(tokens))

    def do_run_command(self: Any, act: Action) -> None:
        from ..forms.run_command import RunCommandForm

        vm = self.selected_vm()
        if vm is not None:
            self._open(RunCommandForm(vm), lambda result: self.ran(vm, *result))

    def ran(self: Any, vm: m.Vm, request: m.RunRequest, result: Any) -> None:
        from ..forms.output_view import run_result_view

        if isinstance(result, m.BackgroundRunResponse) or (request.background and getattr(result, "run_id", None)):
            watched = getattr(self.app.repository, "watched", None)
            if watched is not None:  # started here in the background: told when it ends, even if at once
                watched.watch(vm.vm_id, result.run_id, vm_name=vm.name, command=request.command, origin="started")
            self.app.call_later(self.workspace.open_run, vm.vm_id, result.run_id)
            return
        self.app.push_screen(run_result_view(request.command, result))

    def do_resize(self: Any, act: Action) -> None:
        from ..forms.resize import ResizeForm

        vm = self.selected_vm()
        if vm is not None:
            self._open(ResizeForm(vm), lambda response: self.report_change(vm, "Resize", response.resized))

    def do_release(self: Any, act: Action) -> None:
        from ..forms.release import ReleaseForm

        vm = self.selected_vm()
        if vm is None:
            return
        if vm.state == "running":
            self.notify(f"{fmt.trim(vm.label, 60)} is running: release resources of an idle VM only "
                        "(wait for its runs to end, or cancel them).", severity="warning", timeout=6)
            return
        # The answer is an ack (no run); a VM does not report released
        # resources, so there is nothing to read back.
        self._open(ReleaseForm(vm), lambda kinds: self.notify(
            f"Released {kinds} of {fmt.trim(vm.label, 60)} (the server acknowledged it)", title="Release"))

    def report_change(self: Any, before: m.Vm, what: str, accepted: bool) -> None:
        """Read the VM back and say what changed, or that nothing did."""

        async def read_back() -> None:
            try:
                after = await self.app.repository.refresh(Query.vm(before.vm_id))
            except ArkerError as error:
                self.notify(f"{what} of {fmt.trim(before.label, 60)} sent; reading it back failed: "
                            f"{error.code}: {error.message}", title=what, severity="warning")
                return
            was, now = resources(before), resources(after)
            if not accepted:
                self.notify(f"The server changed nothing on {fmt.trim(before.label, 60)}: still {now}.",
                            title=what, severity="warning")
            elif was == now:
                self.notify(f"The server accepted it, but {fmt.trim(before.label, 60)} reads the same: {now}.",
                            title=what, severity="warning", timeout=6)
            else:
                self.notify(f"{fmt.trim(before.label, 60)}: {was} → {now}", title=what)

        self.run_worker(read_back(), group="read-back", exit_on_error=False)

    def do_read_file(self: Any, act: Action) -> None:
        from ..forms.output_view import file_view
        from ..forms.read_file import ReadFileForm

        vm = self.selected_vm()
        if vm is not None:
            self._open(ReadFileForm(vm), lambda result: self.app.push_screen(file_view(vm.label, *result)))

    def do_write_file(self: Any, act: Action) -> None:
        from ..forms.write_file import WriteFileForm

        vm = self.selected_vm()
        if vm is not None:
            self._open(WriteFileForm(vm), lambda result: self.notify(
                f"Wrote {result[1]:,} bytes to {fmt.trim(result[0], 80)} in {fmt.trim(vm.label, 60)}",
                title="Write file"))

    # --- sessions, tunnels, filesystems ----------------------------------------------

    def do_new_session(self: Any, act: Action) -> None:
        from ..forms.sessions import NewSessionForm

        vm = self.selected_vm()
        if vm is not None:
            self._open(NewSessionForm(vm), lambda s: self.notify(
                f"Created session {s.session_id} in {s.cwd or '/'} on {fmt.trim(vm.label, 60)}", title="Session"))

    async def do_signal(self: Any, act: Action) -> None:
        from ..forms.sessions import SignalForm

        target = await self.resolve("session")
        if target is not None:
            self._open(SignalForm(target), lambda sig: self.notify(
                f"Sent {sig} to {target.words()}", title="Signal"))

    def do_new_tunnel(self: Any, act: Action) -> None:
        from ..forms.tunnels import NewTunnelForm

        vm = self.selected_vm()
        if vm is not None:
            self._open(NewTunnelForm(vm), self.tunnel_opened)

    def tunnel_opened(self: Any, tokens: list[OneTimeToken]) -> None:
        if tokens:
            self.show_tokens(tokens)
        else:
            self.notify("Tunnel opening (starting → open); it shows in the Tunnels pane.", title="Tunnel")

    def do_new_filesystem(self: Any, act: Action) -> None:
        from ..forms.filesystems import NewFilesystemForm

        self._open(NewFilesystemForm(), lambda fs: self.notify(
            f"Created filesystem {fs.name} ({fs.filesystem_id})", title="Filesystem"))

    async def do_mount(self: Any, act: Action) -> None:
        from ..forms.filesystems import MountForm

        target = await self.resolve("filesystem")
        if target is None:
            return
        vm = self.selected_vm()
        if vm is not None:
            fs = target.item
            self._open(MountForm(vm, fs), lambda sync: self.notify(
                f"Mounted {fs.name} at {sync.path} in {fmt.trim(vm.label, 60)}", title="Mount"))

    # --- the run log ---------------------------------------------------------------------

    async def do_save_log(self: Any, act: Action) -> None:
        """Save the open run's log to a local file (asks for the path first)."""
        from ..forms.save_log import SaveLogForm

        target = await self.resolve("open_run")
        if target is None:
            return
        view = self.workspace.run_view
        vm_name = target.vm.label if target.vm is not None else (view.vm_name or target.vm_id or view.vm_id)
        form = SaveLogForm(vm_name, view.vm_id, target.key, view.save_entries)
        self._open(form, lambda saved: self.notify(saved.words(), title="Run log saved", timeout=8))
