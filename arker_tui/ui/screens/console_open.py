"""Opening a session console from the main screen: ``enter`` on a session in
Sessions, or the console key on a VM (its first idle session; with none,
it offers to create one). ``ConsoleOpeners`` is part of ``MainScreen`` (its
controller)."""

from __future__ import annotations

from typing import Any

from ...api import models as m
from ...api.errors import ArkerError
from ...repository import Query
from .. import format as fmt
from ..actions import Action
from ..intents import OpenConsole
from ..server_text import error_text
from ..targets import short_id, vm_target
from .confirm import ConfirmDialog, ConfirmRequest


def first_idle(sessions: list[m.Session]) -> m.Session | None:
    """The idle session with the lowest index (then id)."""
    idle = [s for s in sessions if s.state == "idle"]
    return min(idle, key=lambda s: (s.session_idx, s.session_id)) if idle else None


class ConsoleOpeners:
    def open_console(self: Any, vm: m.Vm, session: m.Session) -> None:
        from .console import ConsoleScreen  # loaded when first opened, as the forms are: not at start

        self.app.push_screen(ConsoleScreen(vm, session, readonly=self.app.readonly,
                                           max_lines=self.app.run_log_cap))

    async def on_open_console(self: Any, message: OpenConsole) -> None:
        message.stop()
        vm = self.workspace.vm_tree.get_vm(message.vm_id)
        entry = self.app.repository.peek(Query.sessions(message.vm_id))
        sessions = entry.value if entry is not None and entry.value else (vm.sessions if vm else [])
        session = next((s for s in sessions if s.session_id == message.session_id), None)
        if vm is None or session is None:
            self.notify("That session is gone (deleted elsewhere?).", severity="warning")
            return
        self.open_console(vm, session)

    async def do_console(self: Any, act: Action) -> None:
        """The console key on a VM: its first idle session, or offer a new one."""
        vm = self.selected_vm()
        if vm is None:
            return
        try:
            sessions = await self.app.repository.get(Query.sessions(vm.vm_id), max_age=2.0)
        except ArkerError as error:
            self.notify(error_text(error), title="Console", severity="error", timeout=8)
            return
        sessions = list(sessions or [])
        session = first_idle(sessions)
        if session is not None:
            self.open_console(vm, session)
            return
        label = f"{fmt.trim(vm.label, 40)} ({short_id(vm.vm_id)})"
        if self.app.readonly:
            if sessions:  # read-only only looks: a busy session is fine to look at
                self.open_console(vm, min(sessions, key=lambda s: (s.session_idx, s.session_id)))
            else:
                self.notify(f"{label} has no session, and read-only mode cannot create one.",
                            severity="warning")
            return
        busy = f"its {len(sessions)} sessions are all busy" if sessions else "it has no session"
        request = ConfirmRequest("Create a session in", vm_target(vm), (
            f"{busy}: a new session (the server's default cwd, no env) opens in the console",),
            hint="Nothing else changes; the session stays until it is deleted (d in Sessions).",
            button="Create session")

        async def create(confirmed: bool | None) -> None:
            if not confirmed:
                return
            try:
                new = await self.app.repository.create_session(vm.vm_id, m.CreateSessionRequest())
            except ArkerError as error:
                self.notify(error_text(error), title="New session failed", severity="error", timeout=8)
                return
            self.open_console(vm, new)

        self.app.push_screen(ConfirmDialog(request),
                             lambda confirmed: self.run_worker(create(confirmed), group="mutations",
                                                               exit_on_error=False))
