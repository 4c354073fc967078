"""``VmHeader``: the one line over the right-hand panes that says which VM they show."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from ...api import models as m
from .. import format as fmt
from ..server_text import plain


class VmHeader(Widget):
    DEFAULT_CSS = "VmHeader { height: 1; background: $boost; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.vm: m.Vm | None = None
        self.pending: str | None = None

    def show(self, vm: m.Vm | None, pending: str | None) -> None:
        if vm is self.vm and pending == self.pending:
            return  # the same VM object and mark: nothing to repaint
        self.vm, self.pending = vm, pending
        self.refresh()

    def render(self) -> Text:
        vm = self.vm
        if vm is None:
            return Text(" No VM selected: pick one in the tree", style="dim")
        # Most telling first: a narrow terminal cuts the id, not the state.
        line = Text(" ")
        line.append_text(plain(vm.label, 40, style="bold"))
        line.append("  ")
        line.append_text(fmt.vm_state(vm.state, pending=self.pending))
        line.append(f"  {vm.vcpu_count or '?'} vCPU · {fmt.mib(vm.memory_mib)} · {fmt.mib(vm.disk_mib)}")
        line.append_text(plain(f"  {vm.region or '-'}/{vm.provider or '-'}", 60))
        line.append_text(plain(f"  {vm.vm_id}", 80, style="dim"))
        line.truncate(max(1, self.size.width), overflow="ellipsis")
        return line
