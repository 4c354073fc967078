"""``WriteFileForm``: put text into a file in a VM (``VM.sync(path, data)``).

Writing replaces the file when it exists, so the form names the file and
the VM and says so; the content is sent exactly as typed (UTF-8)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, TextArea

from ...api import models as m
from . import validation as v
from .base import FormScreen

# Inline writes carry the content in the request body; bigger files belong to
# the presigned upload path, which this form does not offer.
MAX_INLINE_BYTES = 1024 * 1024


class WriteFileForm(FormScreen[tuple[str, int]]):
    FORM_TITLE = "Write a file"
    SUBMIT_LABEL = "Write"
    ACTION = "vms.write_file"

    def __init__(self, vm: m.Vm) -> None:
        super().__init__()
        self.vm = vm

    def intro(self) -> str:
        return f"into {self.vm.label} ({self.vm.vm_id}); an existing file at that path is replaced"

    def compose_fields(self) -> ComposeResult:
        yield from self.row("path", "Path", Input(placeholder="/home/user/notes.txt", compact=True, id="write-path"))
        yield from self.row("content", "Content", TextArea(id="write-content", soft_wrap=True))

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        path_error = v.check_abs_path("Path", self.value("path"))
        if path_error:
            errors["path"] = path_error
        size = len(self.value("content").encode("utf-8"))
        if size > MAX_INLINE_BYTES:
            errors["content"] = f"Content: {size:,} bytes is over the {MAX_INLINE_BYTES:,}-byte limit of this form"
        return errors

    def build(self) -> tuple[str, str]:
        return self.value("path").strip(), self.value("content")

    async def send(self, request: tuple[str, str]) -> tuple[str, int]:
        path, content = request
        await self.app.repository.write_file(self.vm.vm_id, path, content)
        return path, len(content.encode("utf-8"))
