"""Opening the action forms and acting on their results.

The panes' key bindings and the command palette both call these, so a key
and its command do exactly the same thing. Each opener refuses in read-only
mode (for a mutating action) and says what is missing (no VM selected, no
session selected, ...) instead of opening a form that cannot work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable

from textual.app import SystemCommand

from ...api import models as m
from ..terminal_text import safe_label
from .filesystems import MountForm, NewFilesystemForm
from .fork import ForkForm
from .output_view import file_view, run_result_view
from .read_file import ReadFileForm
from .release import ReleaseForm
from .resize import ResizeForm
from .run_command import RunCommandForm
from .sessions import NewSessionForm, SignalForm
from .tunnels import NewTunnelForm, OneTimeToken, TokenDialog, take_tokens
from .write_file import WriteFileForm

if TYPE_CHECKING:  # pragma: no cover
    from ..app import ArkerApp
    from ..screens.main import MainScreen


# --- helpers ---------------------------------------------------------------------


def _allowed(app: "ArkerApp", action: str) -> bool:
    if not app.allows(action):
        app.notify("Read-only mode: nothing can be changed.", severity="warning")
        return False
    return True


def selected_vm(app: "ArkerApp", *, quiet: bool = False) -> m.Vm | None:
    """The VM under the tree cursor, else the VM the panes show."""
    main = app.main_screen
    vm = None
    if main is not None:
        tree = main.vm_tree
        vm = tree.selected_vm or (tree.get_vm(main.selected_vm_id) if main.selected_vm_id else None)
    if vm is None and not quiet:
        app.notify("No VM selected: pick one in the VM tree first.", severity="warning")
    return vm


def _push(app: "ArkerApp", form: Any, done: Callable[[Any], None]) -> None:
    def on_dismiss(result: Any) -> None:
        if result is not None:
            done(result)

    app.push_screen(form, on_dismiss)


def show_tokens(app: "ArkerApp", tokens: list[OneTimeToken]) -> None:
    if tokens:
        app.push_screen(TokenDialog(tokens))


# --- VMs -------------------------------------------------------------------------


def open_fork(app: "ArkerApp") -> None:
    if _allowed(app, "fork"):
        _push(app, ForkForm(selected_vm(app, quiet=True)), lambda vm: forked(app, vm))


def forked(app: "ArkerApp", vm: m.Vm) -> None:
    """The new VM is in the tree (the repository added it): select it, show tokens once."""
    tokens = take_tokens(list(vm.tunnels))
    main = app.main_screen
    if main is not None:
        tree = main.vm_tree
        if not tree.move_cursor_to_key(vm.vm_id) and tree.filter:
            tree.set_filter("")
            tree.move_cursor_to_key(vm.vm_id)
        tree.focus()
    app.notify(f"Forked {safe_label(vm.label, 60)} ({safe_label(vm.vm_id)})", title="Fork", timeout=4)
    show_tokens(app, tokens)


def open_run_command(app: "ArkerApp") -> None:
    vm = selected_vm(app) if _allowed(app, "run_command") else None
    if vm is not None:
        _push(app, RunCommandForm(vm), lambda result: ran(app, vm.vm_id, *result))


def ran(app: "ArkerApp", vm_id: str, request: m.RunRequest, result: Any) -> None:
    if isinstance(result, m.BackgroundRunResponse) or (request.background and getattr(result, "run_id", None)):
        main = app.main_screen
        if main is not None:
            app.call_later(main.open_run, vm_id, result.run_id)
        return
    app.push_screen(run_result_view(request.command, result))


def open_resize(app: "ArkerApp") -> None:
    vm = selected_vm(app) if _allowed(app, "resize") else None
    if vm is not None:
        _push(app, ResizeForm(vm), lambda _: app.notify(f"Resized {safe_label(vm.label, 60)}", title="Resize"))


def open_read_file(app: "ArkerApp") -> None:
    vm = selected_vm(app)
    if vm is not None:
        _push(app, ReadFileForm(vm), lambda result: app.push_screen(file_view(vm.label, *result)))


def open_write_file(app: "ArkerApp") -> None:
    vm = selected_vm(app) if _allowed(app, "write_file") else None
    if vm is not None:
        _push(app, WriteFileForm(vm), lambda result: app.notify(
            f"Wrote {result[1]:,} bytes to {safe_label(result[0], 80)} in {safe_label(vm.label, 60)}",
            title="Write file"))


def open_release(app: "ArkerApp") -> None:
    vm = selected_vm(app) if _allowed(app, "release") else None
    if vm is None:
        return
    if vm.state == "running":
        app.notify(f"{safe_label(vm.label, 60)} is running: release resources of an idle VM only "
                   "(wait for its runs to end, or cancel them).", severity="warning", timeout=6)
        return
    _push(app, ReleaseForm(vm), lambda kinds: app.notify(
        f"Released {kinds} of {safe_label(vm.label, 60)}", title="Release"))


# --- sessions, tunnels, filesystems ------------------------------------------------


def open_new_session(app: "ArkerApp") -> None:
    vm = selected_vm(app) if _allowed(app, "new") else None
    if vm is not None:
        _push(app, NewSessionForm(vm), lambda s: app.notify(
            f"Created session {safe_label(s.session_id)} in {safe_label(s.cwd or '/')}", title="Session"))


def open_signal(app: "ArkerApp", vm_id: str | None, session: m.Session | None) -> None:
    if not _allowed(app, "signal"):
        return
    if vm_id is None or session is None:
        app.notify("No session selected: pick one in the Sessions pane (3).", severity="warning")
        return
    _push(app, SignalForm(vm_id, session), lambda sig: app.notify(
        f"Sent {sig} to session {safe_label(session.session_id)}", title="Signal"))


def open_new_tunnel(app: "ArkerApp") -> None:
    vm = selected_vm(app) if _allowed(app, "new") else None
    if vm is not None:
        _push(app, NewTunnelForm(vm), lambda tokens: tunnel_opened(app, tokens))


def tunnel_opened(app: "ArkerApp", tokens: list[OneTimeToken]) -> None:
    if tokens:
        show_tokens(app, tokens)
    else:
        app.notify("Tunnel opening (starting → open); it shows in the Tunnels pane.", title="Tunnel")


def open_new_filesystem(app: "ArkerApp") -> None:
    if _allowed(app, "new"):
        _push(app, NewFilesystemForm(), lambda fs: app.notify(
            f"Created filesystem {safe_label(fs.name)} ({safe_label(fs.filesystem_id)})", title="Filesystem"))


def open_mount(app: "ArkerApp", filesystem: m.Filesystem | None) -> None:
    if not _allowed(app, "mount"):
        return
    if filesystem is None:
        app.notify("No filesystem selected: pick one in the Filesystems pane (5).", severity="warning")
        return
    vm = selected_vm(app)
    if vm is not None:
        _push(app, MountForm(vm, filesystem), lambda sync: app.notify(
            f"Mounted {safe_label(filesystem.name)} at {safe_label(sync.path)} in {safe_label(vm.label, 60)}",
            title="Mount"))


# --- command palette -----------------------------------------------------------------


def palette_commands(app: "ArkerApp", main: "MainScreen") -> Iterable[SystemCommand]:
    """Every action form as a command (mutating ones only when not read-only)."""
    yield SystemCommand("Read a file from the selected VM…", "Path -> content viewer (v in the tree)",
                        lambda: open_read_file(app))
    if app.readonly:
        return
    sessions = main.sessions_pane
    filesystems = main.filesystems_pane
    yield SystemCommand("Fork a VM…", "The selected VM, a public golden, or by name / id (f in the tree)",
                        lambda: open_fork(app))
    yield SystemCommand("Run a command in the selected VM…", "Foreground or background (x)",
                        lambda: open_run_command(app))
    yield SystemCommand("Write a file into the selected VM…", "Path and text; replaces the file (W in the tree)",
                        lambda: open_write_file(app))
    yield SystemCommand("Resize the selected VM…", "vCPU / memory / disk within its ceilings (R in the tree)",
                        lambda: open_resize(app))
    yield SystemCommand("Release the selected VM's resources…", "cpu / memory / disk of an idle VM (L in the tree)",
                        lambda: open_release(app))
    yield SystemCommand("New session…", "cwd and env in the selected VM (n in Sessions)",
                        lambda: open_new_session(app))
    yield SystemCommand("Signal the selected session…", "SIGINT / SIGTERM / SIGKILL / SIGHUP (k in Sessions)",
                        lambda: open_signal(app, sessions.vm_id, sessions.data_list.cursor_item))
    yield SystemCommand("New tunnel…", "Ports and auth mode in the selected VM (n in Tunnels)",
                        lambda: open_new_tunnel(app))
    yield SystemCommand("New filesystem…", "An org-wide volume (n in Filesystems)", lambda: open_new_filesystem(app))
    yield SystemCommand("Mount the selected filesystem into the selected VM…", "At a path (m in Filesystems)",
                        lambda: open_mount(app, filesystems.data_list.cursor_item))
