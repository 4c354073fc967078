"""Filesystem forms: create one (by name), and mount one into a VM at a path
(a sync). Deleting a filesystem and unmounting (deleting the sync) are the
``d`` keys of the Filesystems and Syncs panes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from ...api import models as m
from . import validation as v
from .base import FormScreen


class NewFilesystemForm(FormScreen[m.Filesystem]):
    FORM_TITLE = "New filesystem"
    SUBMIT_LABEL = "Create"
    ACTION = "filesystems.new"

    def intro(self) -> str:
        return "an org-wide volume; mount it into a VM with m in the Filesystems pane"

    def compose_fields(self) -> ComposeResult:
        yield from self.row("name", "Name", Input(placeholder="e.g. datasets", compact=True, id="fs-name"))

    def errors(self) -> dict[str, str]:
        error = v.check_name("Name", self.value("name"), required=True)
        return {"name": error} if error else {}

    def build(self) -> str:
        return self.value("name").strip()

    async def send(self, name: str) -> m.Filesystem:
        return await self.app.repository.create_filesystem(name)


class MountForm(FormScreen[m.Sync]):
    FORM_TITLE = "Mount a filesystem"
    SUBMIT_LABEL = "Mount"
    ACTION = "filesystems.mount"

    def __init__(self, vm: m.Vm, filesystem: m.Filesystem) -> None:
        super().__init__()
        self.vm = vm
        self.filesystem = filesystem

    def intro(self) -> str:
        fs = self.filesystem
        return f"{fs.name or fs.filesystem_id} ({fs.filesystem_id}) into {self.vm.label} ({self.vm.vm_id})"

    def compose_fields(self) -> ComposeResult:
        default = f"/mnt/{self.filesystem.name}" if self.filesystem.name else ""
        yield from self.row("path", "Mount path", Input(default, placeholder="/mnt/data", compact=True,
                                                        id="mount-path"))

    def errors(self) -> dict[str, str]:
        error = v.check_abs_path("Mount path", self.value("path"))
        return {"path": error} if error else {}

    def build(self) -> m.SyncCreateRequest:
        return m.SyncCreateRequest(filesystem_id=self.filesystem.filesystem_id, path=self.value("path").strip())

    async def send(self, request: m.SyncCreateRequest) -> m.Sync:
        return await self.app.repository.create_sync(self.vm.vm_id, request)
