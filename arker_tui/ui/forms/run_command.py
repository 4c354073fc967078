"""``RunCommandForm``: run a command in a VM, foreground or background.

Every submission carries an ``Idempotency-Key`` generated once per
submission: submitting the same request again (after a network error, say)
reuses the key, so the server returns the original run instead of starting a
second one; changing the request makes a new key. Commands are remembered
per VM for the life of the app (up / down in the command field).
"""

from __future__ import annotations

import uuid
import weakref
from typing import TYPE_CHECKING, Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, Input, Select

from ...api import models as m
from ...repository import Query
from ..widgets.check_box import CheckBox
from . import validation as v
from .base import FormScreen

if TYPE_CHECKING:
    from textual import getters

    from ..app_base import ArkerAppBase

HISTORY_MAX = 200
_histories: "weakref.WeakKeyDictionary[App, dict[str, list[str]]]" = weakref.WeakKeyDictionary()


def command_history(app: App, vm_id: str) -> list[str]:
    """The commands run in this VM since the app started, oldest first."""
    return _histories.setdefault(app, {}).setdefault(vm_id, [])


def remember(app: App, vm_id: str, command: str) -> None:
    history = command_history(app, vm_id)
    if history and history[-1] == command:
        return
    history.append(command)
    del history[:-HISTORY_MAX]


class HistoryInput(Input):
    """An Input whose up / down walk a list of earlier entries."""

    if TYPE_CHECKING:  # the app typed (see app_base)
        app = getters.app(ArkerAppBase)

    BINDINGS = [
        Binding("up", "history(-1)", "Previous", show=False, id="run.history_prev"),
        Binding("down", "history(1)", "Next", show=False, id="run.history_next"),
    ]

    def __init__(self, history: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.history = history
        self._index = len(history)
        self._draft = ""

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._index == len(self.history):
            self._draft = self.value
        self._index = max(0, min(len(self.history), self._index + step))
        self.value = self._draft if self._index == len(self.history) else self.history[self._index]
        self.cursor_position = len(self.value)


def session_choices(app: ArkerAppBase, vm: m.Vm) -> list[tuple[str, str]]:
    """The VM's sessions from the repository's cache (or the VM's embedded list)."""
    entry = app.repository.peek(Query.sessions(vm.vm_id))
    sessions = entry.value if entry is not None and entry.value else vm.sessions
    choices = [("default (session 0)", "")]
    for s in sorted(sessions, key=lambda s: (s.session_idx, s.session_id)):
        choices.append((f"{s.session_id} · idx {s.session_idx} · {s.cwd or '/'}", s.session_id))
    return choices


class RunCommandForm(FormScreen[tuple[m.RunRequest, Any]]):
    FORM_TITLE = "Run a command"
    SUBMIT_LABEL = "Run"
    ACTION = "vms.run_command"

    def __init__(self, vm: m.Vm) -> None:
        super().__init__()
        self.vm = vm
        self._key: tuple[str, str] | None = None  # (request fingerprint, idempotency key)
        self.keys_used: list[str] = []

    def intro(self) -> str:
        return f"in {self.vm.label} ({self.vm.vm_id}) · enter runs · up/down: earlier commands"

    def compose_fields(self) -> ComposeResult:
        vm = self.vm
        yield from self.row("command", "Command", HistoryInput(command_history(self.app, vm.vm_id),
                                                               placeholder="e.g. make test", compact=True,
                                                               id="run-command"))
        yield from self.checks("background", "Mode", [
            CheckBox("background (opens the live log)", False, compact=True, id="run-background")])
        yield from self.row("session", "Session", Select(session_choices(self.app, vm), value="",
                                                         allow_blank=False, compact=True, id="run-session"))
        yield from self.row("timeout", "Timeout s", Input(placeholder="empty: the server's default",
                                                          compact=True, id="run-timeout"))
        yield self.section("Per-run resources (optional)")
        yield from self.row("vcpu", "vCPU", Input(placeholder=f"max {vm.max_vcpus or '?'}", compact=True,
                                                  id="run-vcpu"))
        yield from self.row("memory", "Memory MiB", Input(
            placeholder=f"{vm.min_memory_mib or '?'}..{vm.max_memory_mib or '?'}", compact=True, id="run-memory"))
        yield from self.row("disk", "Disk MiB", Input(placeholder="empty: unchanged", compact=True, id="run-disk"))
        yield from self.checks("release", "Release after", [
            CheckBox(kind, False, compact=True, id=f"run-release-{kind}") for kind in m.RESOURCE_KINDS])

    def errors(self) -> dict[str, str]:
        vm = self.vm
        found = {
            "command": v.check_required("Command", self.value("command")),
            "timeout": v.check_positive_number("Timeout s", self.value("timeout")),
            "vcpu": v.check_int("vCPU", self.value("vcpu"), minimum=1, maximum=vm.max_vcpus, ceiling="max_vcpus"),
            "memory": v.check_memory("Memory MiB", self.value("memory"), minimum=vm.min_memory_mib,
                                     maximum=vm.max_memory_mib),
            "disk": v.check_int("Disk MiB", self.value("disk"), minimum=1),
        }
        return {k: e for k, e in found.items() if e}

    @property
    def background(self) -> bool:
        return self.query_one("#run-background", Checkbox).value

    def build(self) -> m.RunRequest:
        release = [k for k in m.RESOURCE_KINDS if self.query_one(f"#run-release-{k}", Checkbox).value]
        session = str(self.field("session").value or "")
        return m.RunRequest(
            command=self.value("command").strip(),
            background=self.background,
            session_id=session or None,
            timeout=v.parse_float(self.value("timeout")),
            vcpu_count=v.parse_int(self.value("vcpu")),
            memory_mib=v.parse_int(self.value("memory")),
            disk_mib=v.parse_int(self.value("disk")),
            release=",".join(release) or None,
        )

    def idempotency_key(self, request: m.RunRequest) -> str:
        """One key per submission; the same request submitted again reuses it."""
        fingerprint = request.model_dump_json(exclude_none=True)
        if self._key is None or self._key[0] != fingerprint:
            self._key = (fingerprint, uuid.uuid4().hex)
        self.keys_used.append(self._key[1])
        return self._key[1]

    async def send(self, request: m.RunRequest) -> tuple[m.RunRequest, Any]:
        key = self.idempotency_key(request)
        remember(self.app, self.vm.vm_id, request.command)
        result = await self.app.repository.run(self.vm.vm_id, request, idempotency_key=key)
        return request, result
