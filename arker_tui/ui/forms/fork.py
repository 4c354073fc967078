"""``ForkForm``: fork the selected VM, a public golden, or a VM by name / id.

Dismisses with the new ``Vm`` (its embedded tunnels may carry one-time
``auth_token``s: the opener shows them once and drops them).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select

from ...api import models as m
from ..widgets.check_box import CheckBox
from . import validation as v
from .base import FormScreen

# Network policy choices -> the NetworkPolicyInput sent (boolean | string |
# tagged object). The exact variant shapes are not in the published
# declarations: this is the one place that says what we send.
NETWORK_CHOICES = (("inherit from the source", "inherit"), ("open", "open"), ("blocked", "blocked"),
                   ("allow-list of hosts", "allow"))


def network_policy(mode: str, hosts: list[str]) -> Any:
    if mode == "open":
        return "open"
    if mode == "blocked":
        return "blocked"
    if mode == "allow":
        return {"type": "allow", "hosts": hosts}
    return None


class ForkForm(FormScreen[m.Vm]):
    FORM_TITLE = "Fork a VM"
    SUBMIT_LABEL = "Fork"
    ACTION = "vms.fork"
    FIRST_FIELD = "name"  # the source is already chosen; the name is what gets typed

    def __init__(self, selected: m.Vm | None = None) -> None:
        super().__init__()
        self.selected = selected

    def intro(self) -> str:
        return ("The fork starts from the source's disk (unless 'copy disk' is off). "
                "Empty fields keep the source's value.")

    def compose_fields(self) -> ComposeResult:
        options: list[tuple[str, str]] = []
        if self.selected is not None:
            options.append((f"selected VM: {self.selected.label}", "selected"))
        options += [(f"public golden: {g} ({m.ARKER_ORG_ID})", f"golden:{g}") for g in m.PUBLIC_GOLDENS]
        options.append(("a VM by name or id (type it below)", "typed"))
        yield from self.row("source", "Source", Select(options, value=options[0][1], allow_blank=False,
                                                       compact=True, id="fork-source"))
        yield from self.row("source_ref", "Source name / id",
                            Input(placeholder="vm_… or a VM name", compact=True, id="fork-source-ref"))
        yield from self.row("name", "New name", Input(placeholder="empty: <source>-fork-N", compact=True,
                                                      id="fork-name"))
        sel = self.selected  # the source VM's values, if there is one
        vcpu, max_vcpus, memory, max_memory, disk = (
            (sel.vcpu_count, sel.max_vcpus, sel.memory_mib, sel.max_memory_mib, sel.disk_mib) if sel else (None,) * 5)
        yield from self.row("vcpu", "vCPU", Input(placeholder=self._hint(vcpu, max_vcpus),
                                                  compact=True, id="fork-vcpu"))
        yield from self.row("memory", "Memory MiB", Input(
            placeholder=self._hint(memory, max_memory), compact=True, id="fork-memory"))
        yield from self.row("max_memory", "Max memory MiB", Input(
            placeholder=self._hint(max_memory, None), compact=True, id="fork-max-memory"))
        yield from self.row("disk_mib", "Disk MiB", Input(placeholder=self._hint(disk, None),
                                                          compact=True, id="fork-disk-mib"))
        yield from self.checks("flags", "Options", [
            CheckBox("durable", False, compact=True, id="fork-durable"),
            CheckBox("public", False, compact=True, id="fork-public"),
            CheckBox("copy disk", True, compact=True, id="fork-disk")])
        yield from self.row("network", "Network", Select(NETWORK_CHOICES, value="inherit", allow_blank=False,
                                                         compact=True, id="fork-network"))
        yield from self.row("hosts", "Allowed hosts", Input(placeholder="github.com, pypi.org", compact=True,
                                                            id="fork-hosts"))
        yield self.section("Tunnel (optional)")
        yield from self.row("ports", "Ports", Input(placeholder="e.g. 8080, 3000 (empty: none)", compact=True,
                                                    id="fork-ports"))
        yield from self.row("auth", "Tunnel auth", Select([("open", "open"), ("authenticated", "authenticated")],
                                                          value="open", allow_blank=False, compact=True,
                                                          id="fork-auth"))

    @staticmethod
    def _hint(current: int | None, ceiling: int | None) -> str:
        if current is None:
            return "empty: as the source"
        return f"empty: {current}" + (f" (max {ceiling})" if ceiling else "")

    def on_mount(self) -> None:
        super().on_mount()
        self._show_rows()

    def on_field_changed(self) -> None:
        if self.is_mounted:
            self._show_rows()
        super().on_field_changed()

    def _show_rows(self) -> None:
        self.query_one("#row-source_ref").display = self.source_choice == "typed"
        self.query_one("#row-hosts").display = self.select_value("network") == "allow"
        self.query_one("#row-auth").display = bool(self.value("ports").strip())

    def select_value(self, name: str) -> str:
        return str(self.field(name).value)

    @property
    def source_choice(self) -> str:
        return self.select_value("source")

    def _ceilings(self) -> tuple[int | None, int | None, int | None]:
        if self.source_choice == "selected" and self.selected is not None:
            s = self.selected
            return s.max_vcpus, s.max_memory_mib, s.min_memory_mib
        return None, None, None

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}

        def put(name: str, message: str | None) -> None:
            if message:
                errors[name] = message

        if self.source_choice == "typed":
            ref = self.value("source_ref").strip()
            put("source_ref", v.check_required("Source name / id", ref) or
                (None if " " not in ref else "Source name / id: must not contain spaces"))
        put("name", v.check_name("New name", self.value("name")))
        max_vcpus, max_mem, min_mem = self._ceilings()
        put("vcpu", v.check_vcpu("vCPU", self.value("vcpu"), maximum=max_vcpus))
        put("max_memory", v.check_memory("Max memory MiB", self.value("max_memory"), minimum=None, maximum=None))
        asked_max = v.parse_int(self.value("max_memory")) if "max_memory" not in errors else None
        put("memory", v.check_memory("Memory MiB", self.value("memory"), minimum=min_mem,
                                     maximum=asked_max or max_mem))
        if "memory" not in errors and "max_memory" not in errors:
            mem, top = v.parse_int(self.value("memory")), asked_max
            if mem is not None and top is not None and mem > top:
                errors["memory"] = f"Memory MiB: {mem} is above Max memory MiB {top}"
        put("disk_mib", v.check_disk_mib("Disk MiB", self.value("disk_mib")))
        if self.select_value("network") == "allow":
            put("hosts", v.check_hosts("Allowed hosts", self.value("hosts")))
        put("ports", v.check_ports("Ports", self.value("ports"), required=False))
        return errors

    def build(self) -> m.ForkRequest:
        fields: dict[str, Any] = {}
        choice = self.source_choice
        if choice == "selected" and self.selected is not None:
            fields["source_vm_id"] = self.selected.vm_id
        elif choice.startswith("golden:"):
            fields["source_vm_name"] = choice.split(":", 1)[1]
            fields["source_org_id"] = m.ARKER_ORG_ID
        else:
            ref = self.value("source_ref").strip()
            if ref.startswith("vm_"):
                fields["source_vm_id"] = ref
            else:
                fields["source_vm_name"] = ref
                if ref in m.PUBLIC_GOLDENS:
                    fields["source_org_id"] = m.ARKER_ORG_ID
        name = self.value("name").strip()
        if name:
            fields["name"] = name
        for field, key in (("vcpu", "vcpu_count"), ("memory", "memory_mib"), ("max_memory", "max_memory_mib"),
                           ("disk_mib", "disk_mib")):
            number = v.parse_int(self.value(field))
            if number is not None:
                fields[key] = number
        if self.query_one("#fork-durable", Checkbox).value:
            fields["durable"] = True
        if self.query_one("#fork-public", Checkbox).value:
            fields["public"] = True
        if not self.query_one("#fork-disk", Checkbox).value:
            fields["disk"] = False
        network = network_policy(self.select_value("network"), v.parse_hosts(self.value("hosts")))
        if network is not None:
            fields["network"] = network
        ports = v.parse_ports(self.value("ports"))
        if ports:
            fields["tunnel"] = m.TunnelRequest(ports=ports, auth_mode=self.select_value("auth"))
        return m.ForkRequest(**fields)

    async def send(self, request: m.ForkRequest) -> m.Vm:
        return await self.app.repository.fork(request)
