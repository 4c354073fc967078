"""``ResizeForm``: vCPU / memory / disk of a VM, checked against its ceilings
(``max_vcpus``, ``min_memory_mib``..``max_memory_mib``) before anything is sent."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from ...api import models as m
from . import validation as v
from .base import FormScreen


class ResizeForm(FormScreen[m.ResizeResponse]):
    FORM_TITLE = "Resize VM"
    SUBMIT_LABEL = "Resize"
    ACTION = "vms.resize"

    def __init__(self, vm: m.Vm) -> None:
        super().__init__()
        self.vm = vm

    def intro(self) -> str:
        vm = self.vm
        return (f"{vm.label} ({vm.vm_id}) now {vm.vcpu_count or '?'} vCPU · {vm.memory_mib or '?'} MiB · "
                f"{vm.disk_mib or '?'} MiB disk; ceilings: {vm.max_vcpus or '?'} vCPU, memory "
                f"{vm.min_memory_mib or '?'}..{vm.max_memory_mib or '?'} MiB")

    def compose_fields(self) -> ComposeResult:
        vm = self.vm
        yield from self.row("vcpu", "vCPU", Input(str(vm.vcpu_count or ""), placeholder=f"1..{vm.max_vcpus or '?'}",
                                                  compact=True, id="resize-vcpu"))
        yield from self.row("memory", "Memory MiB", Input(
            str(vm.memory_mib or ""), placeholder=f"{vm.min_memory_mib or '?'}..{vm.max_memory_mib or '?'}",
            compact=True, id="resize-memory"))
        yield from self.row("disk", "Disk MiB", Input(str(vm.disk_mib or ""), placeholder="disks only grow",
                                                      compact=True, id="resize-disk"))

    def errors(self) -> dict[str, str]:
        vm = self.vm
        found = {
            "vcpu": v.check_vcpu("vCPU", self.value("vcpu"), maximum=vm.max_vcpus),
            "memory": v.check_memory("Memory MiB", self.value("memory"), minimum=vm.min_memory_mib,
                                     maximum=vm.max_memory_mib),
            "disk": v.check_disk_mib("Disk MiB", self.value("disk")),
        }
        errors = {k: e for k, e in found.items() if e}
        if not errors and self.build_changes() == {}:
            errors["vcpu"] = "vCPU: nothing to change (every value is the current one)"
        return errors

    def build_changes(self) -> dict[str, int]:
        vm = self.vm
        changes: dict[str, int] = {}
        for field, key, current in (("vcpu", "vcpu_count", vm.vcpu_count), ("memory", "memory_mib", vm.memory_mib),
                                    ("disk", "disk_mib", vm.disk_mib)):
            number = v.parse_int(self.value(field))
            if number is not None and number != current:
                changes[key] = number
        return changes

    def build(self) -> m.ResizeRequest:
        return m.ResizeRequest(**self.build_changes())

    async def send(self, request: m.ResizeRequest) -> m.ResizeResponse:
        return await self.app.repository.resize(self.vm.vm_id, request)
