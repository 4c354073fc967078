"""``ReleaseForm``: give back an idle VM's cpu / memory / disk through the run
API (``RunRequest(command="", release="cpu,memory")``). A running VM is
refused before the form opens (see ``actions.open_release``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Checkbox

from ...api import models as m
from ..widgets.check_box import CheckBox
from .base import FormScreen


class ReleaseForm(FormScreen[str]):
    FORM_TITLE = "Release resources"
    SUBMIT_LABEL = "Release"
    ACTION = "vms.release"

    def __init__(self, vm: m.Vm) -> None:
        super().__init__()
        self.vm = vm

    def intro(self) -> str:
        return f"{self.vm.label} ({self.vm.vm_id}) is idle; released resources are acquired again by the next run"

    def compose_fields(self) -> ComposeResult:
        yield from self.checks("kinds", "Resources", [
            CheckBox(kind, kind != "disk", compact=True, id=f"release-{kind}") for kind in m.RESOURCE_KINDS])

    def kinds(self) -> list[str]:
        return [k for k in m.RESOURCE_KINDS if self.query_one(f"#release-{k}", Checkbox).value]

    def errors(self) -> dict[str, str]:
        return {} if self.kinds() else {"kinds": "Resources: tick at least one of cpu, memory, disk"}

    def build(self) -> m.RunRequest:
        return m.RunRequest(command="", release=",".join(self.kinds()))

    async def send(self, request: m.RunRequest) -> str:
        await self.app.repository.run(self.vm.vm_id, request)
        return request.release or ""
