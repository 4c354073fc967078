"""``VmDetail``: every field of a VM a user would look at."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...api import models as m
from .. import format as fmt
from ..terminal_text import safe_label


def _resource(value: int | None, ceiling: int | None, unit) -> str:
    shown = unit(value) if value is not None else "-"
    return f"{shown}  (max {unit(ceiling)})" if ceiling else shown


def _count(n: int | None) -> str:
    return "-" if n is None else str(n)


class VmDetail(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    VmDetail { height: 1fr; padding: 0 1; }
    """

    BINDINGS = [Binding("e", "toggle_exact", "Exact times", id="detail.exact_times")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.vm: m.Vm | None = None
        self.exact_times = False
        self.body = Static("Select a VM in the tree.")

    def compose(self):
        yield self.body

    def show(self, vm: m.Vm | None) -> None:
        self.vm = vm
        if self.is_attached:  # else composed on the Details tab's first show
            self.body.update(self.render_vm())

    def on_mount(self) -> None:
        self.body.update(self.render_vm())

    def action_toggle_exact(self) -> None:
        self.exact_times = not self.exact_times
        self.body.update(self.render_vm())

    def _when(self, iso: str | None) -> str:
        if not iso:
            return "-"
        return fmt.exact_time(iso) if self.exact_times else f"{fmt.ago(iso)}"

    def render_vm(self):
        vm = self.vm
        if vm is None:
            return Text("Select a VM in the tree.", style="dim italic")
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        pending = self.app.repository.is_pending("vm", vm.vm_id) if self.is_attached else None

        def row(label: str, value) -> None:
            table.add_row(label, value if isinstance(value, Text) else Text(safe_label(str(value))))

        row("Name", vm.name or "(unnamed)")
        row("ID", vm.vm_id)
        row("State", Text("⌛ deleting", style="bold yellow") if pending else fmt.vm_state(vm.state))
        row("Owner org", vm.owner_org_id or "-")
        row("Public", "yes: other orgs can fork it" if vm.public else "no")
        row("Region", f"{vm.region or '-'} / {vm.provider or '-'}")
        row("Worker", vm.worker_id or "-")
        row("vCPU", _resource(vm.vcpu_count, vm.max_vcpus, _count))
        memory = _resource(vm.memory_mib, vm.max_memory_mib, fmt.mib)
        if vm.min_memory_mib:
            memory += f"  (base {fmt.mib(vm.min_memory_mib)})"
        row("Memory", memory)
        row("Disk", fmt.mib(vm.disk_mib) if vm.disk_mib is not None else "-")
        row("Network", m.describe_network(vm.network))
        row("Started", self._when(vm.started_at))
        row("Created", self._when(vm.created_at))
        if vm.root_source_vm_id or vm.root_source_vm_name:
            row("Lineage", f"forked from {vm.root_source_vm_name or '?'} ({vm.root_source_vm_id or '?'})")
        else:
            row("Lineage", "made straight from an image")
        row("Sessions", str(len(vm.sessions)))
        row("Tunnels", str(len(vm.tunnels)))
        for key, value in sorted(vm.extra_fields.items()):
            row(key, value)
        hint = Text("\ne: exact times" if not self.exact_times else "\ne: relative times", style="dim")
        return Group(table, hint)
