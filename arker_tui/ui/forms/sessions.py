"""Session forms: create a session (cwd, env as KEY=VALUE lines) and send a
signal to a session through the run API (after a confirm dialog naming it)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Select, TextArea

from ...api import models as m
from ..screens.confirm import ConfirmDialog, ConfirmRequest
from ..targets import Target, gone_reason
from . import validation as v
from .base import FormScreen, Refused


class NewSessionForm(FormScreen[m.Session]):
    FORM_TITLE = "New session"
    SUBMIT_LABEL = "Create"
    ACTION = "sessions.new"

    def __init__(self, vm: m.Vm) -> None:
        super().__init__()
        self.vm = vm

    def intro(self) -> str:
        return f"a persistent shell in {self.vm.label} ({self.vm.vm_id})"

    def compose_fields(self) -> ComposeResult:
        yield from self.row("cwd", "Working dir", Input(placeholder="empty: the server's default (/home/user)",
                                                        compact=True, id="session-cwd"))
        yield from self.row("env", "Env KEY=VALUE", TextArea("", compact=True, id="session-env",
                                                             placeholder="one KEY=VALUE per line"))

    def errors(self) -> dict[str, str]:
        found = {
            "cwd": v.check_abs_path("Working dir", self.value("cwd"), required=False),
            "env": v.check_env_lines("Env", self.value("env")),
        }
        return {k: e for k, e in found.items() if e}

    def build(self) -> m.CreateSessionRequest:
        env = v.parse_env_lines(self.value("env"))
        return m.CreateSessionRequest(cwd=self.value("cwd").strip() or None, env=env or None)

    async def send(self, request: m.CreateSessionRequest) -> m.Session:
        return await self.app.repository.create_session(self.vm.vm_id, request)


class SignalForm(FormScreen[str | None]):
    """Pick a signal, confirm, send. Dismisses with the signal sent."""

    FORM_TITLE = "Signal a session"
    SUBMIT_LABEL = "Send…"
    ACTION = "sessions.signal"

    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target
        self.session: m.Session = target.item

    def intro(self) -> str:
        s = self.session
        return f"{self.target.words()} (idx {s.session_idx}, {s.state}, cwd {s.cwd or '/'})"

    def compose_fields(self) -> ComposeResult:
        yield from self.row("signal", "Signal", Select([(name, name) for name in v.SIGNALS], value="SIGINT",
                                                       allow_blank=False, compact=True, id="signal-choice"))

    @property
    def signal(self) -> str:
        return str(self.field("signal").value)

    def build(self) -> m.RunRequest:
        return m.RunRequest(command="", session_id=self.session.session_id, signal=self.signal)

    async def send(self, request: m.RunRequest) -> str | None:
        confirm = ConfirmRequest("Signal", self.target, (
            f"{request.signal} goes to what runs in it (cwd {self.session.cwd or '/'})",))
        if not await self.app.push_screen_wait(ConfirmDialog(confirm)):
            return None
        reason = gone_reason(self.app.repository, self.target)
        if reason is not None:
            raise Refused(f"Nothing was sent: {reason}.")
        await self.app.repository.run(self.target.vm_id, request)
        return request.signal
