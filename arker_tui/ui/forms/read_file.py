"""``ReadFileForm``: a path in a VM -> its content in an ``OutputView``
(text, or a hex dump of the first 4 KiB and the size for binary). Large files
come through the API's presigned path (handled by the client)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from ...api import models as m
from . import validation as v
from .base import FormScreen

_last_path: dict[str, str] = {}  # vm_id -> last path read (a convenience, not a secret)


class ReadFileForm(FormScreen[tuple[str, bytes]]):
    FORM_TITLE = "Read a file"
    SUBMIT_LABEL = "Read"
    ACTION = "vms.read_file"  # not mutating: allowed read-only

    def __init__(self, vm: m.Vm) -> None:
        super().__init__()
        self.vm = vm

    def intro(self) -> str:
        return f"from {self.vm.label} ({self.vm.vm_id})"

    def compose_fields(self) -> ComposeResult:
        yield from self.row("path", "Path", Input(_last_path.get(self.vm.vm_id, ""), placeholder="/etc/hostname",
                                                  compact=True, id="read-path"))

    def errors(self) -> dict[str, str]:
        error = v.check_abs_path("Path", self.value("path"))
        return {"path": error} if error else {}

    def build(self) -> str:
        return self.value("path").strip()

    async def send(self, path: str) -> tuple[str, bytes]:
        data = await self.app.repository.read_file(self.vm.vm_id, path)
        _last_path[self.vm.vm_id] = path
        return path, data
